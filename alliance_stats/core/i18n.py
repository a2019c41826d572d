"""French and English labels and number formatting.

Every user-facing label exists in both languages. French output uses a decimal comma everywhere (tables,
figures, text); English uses a decimal point. APA style drops the leading zero of quantities that cannot
exceed 1 in absolute value (format codes ``r2``/``r3``/``p`` of :mod:`alliance_stats.core.table`).
"""

from __future__ import annotations

import importlib
import math
import re
from typing import Any

from alliance_stats.core.errors import SpecificationError

LANGS: tuple[str, ...] = ("fr", "en")

CATALOGUES: tuple[str, ...] = ("general", "data", "instrument", "measurement", "typology", "models", "power", "plan",
                               "report", "checks", "app")


def _merge_catalogues() -> dict[str, dict[str, str]]:
    """The one catalogue: every ``core/catalogue/<area>.py`` merged; a key defined twice is a bug."""
    merged: dict[str, dict[str, str]] = {}
    for area in CATALOGUES:
        labels = importlib.import_module(f"alliance_stats.core.catalogue.{area}").LABELS
        for key, entry in labels.items():
            if key in merged:
                raise RuntimeError(f"label {key!r} is defined twice (core/catalogue/{area}.py)")
            if set(entry) != set(LANGS):
                raise RuntimeError(f"label {key!r} must have exactly the languages {LANGS}, has {sorted(entry)}")
            merged[key] = entry
    return merged


LABELS: dict[str, dict[str, str]] = _merge_catalogues()


def check_lang(lang: str) -> str:
    """Return ``lang`` if it is a supported language, else raise :class:`SpecificationError` (a ``ValueError``)."""
    if lang not in LANGS:
        raise SpecificationError(f"language must be one of {LANGS}, got {lang!r}", fix="use 'fr' or 'en'")
    return lang


def tr(key: str, lang: str, default: str | None = None) -> str:
    """Label of ``key`` in ``lang``; falls back to ``default`` or the key itself."""
    entry = LABELS.get(key)
    if entry is None:
        return key if default is None else default
    return entry[check_lang(lang)]


def fmt_number(x: Any, spec: str = "f2", lang: str = "en") -> str:
    """Format one value for a table cell.

    >>> fmt_number(0.8234, "r2", "fr")
    ',82'
    >>> fmt_number(0.0004, "p", "en")
    '< .001'
    >>> fmt_number(1234.5, "f1", "fr")
    '1234,5'
    """
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return ""
    if spec == "text" or isinstance(x, str):
        return str(x)
    if isinstance(x, bool):
        return str(x)
    sep = "," if lang == "fr" else "."
    if spec == "int":
        return str(int(round(float(x))))
    if spec == "pct":
        return f"{100 * float(x):.1f}".replace(".", sep)
    if spec == "p":
        v = float(x)
        if v < 0.001:
            return "< " + sep + "001"
        text = f"{v:.3f}"
        if text.startswith("0."):
            text = text[1:]
        return text.replace(".", sep)
    if spec in ("r2", "r3"):
        digits = int(spec[1])
        text = f"{float(x):.{digits}f}"
        text = text.replace("-0.", "-.") if text.startswith("-0.") else text
        if text.startswith("0."):
            text = text[1:]
        return text.replace(".", sep)
    if spec.startswith("f") and spec[1:].isdigit():
        return f"{float(x):.{int(spec[1:])}f}".replace(".", sep)
    raise ValueError(f"unknown format code {spec!r}")


_PLACEHOLDER = re.compile(r"\{(\w+)\}")
#: Placeholders that always hold a whole number (so that ``{n} observations`` cannot swallow a prefix).
_COUNTS = frozenset({"n", "k", "m", "n2", "total", "blank", "lone"})
#: Words the templates capture that have a French form: steps of invariance, kinds of separation, the checks'
#: model names; verdicts and robustness variants take their French from the catalogue (:func:`_word`).
_WORDS = {"configural": "configural", "metric": "métrique", "scalar": "scalaire", "strict": "strict",
          "complete": "complète", "quasi-complete": "quasi complète", "trait model": "modèle des construits",
          "method-factor (ULMC) model": "modèle avec facteur de méthode (ULMC)",
          "CFA without the dyads": "AFC sans les dyades", "dyad-cluster-robust CFA": "AFC robuste aux dyades"}


def _word(value: str, lang: str) -> str:
    """A captured word in ``lang``: the table above, a catalogue label (``supported``), or a robustness variant's
    label (``cuts_up``); any other text keeps its words, numbers get the decimal comma."""
    if value in _WORDS:
        return _WORDS[value]
    for key in (value, f"checks.robust.{value}"):
        if key in LABELS:
            text = LABELS[key][lang]
            return text[:1].lower() + text[1:] if key != value else text
    return _DECIMAL.sub(r"\1,\2", value)


_DECIMAL = re.compile(r"(?<![\w.])([-+]?\d*)\.(\d+)(?![\w.])")


def _compile_messages() -> list[tuple[re.Pattern[str], str, int]]:
    """The message templates as anchored patterns, the most specific (most literal text) first."""
    from alliance_stats.core.catalogue.messages import MESSAGES

    compiled = []
    for english, french in MESSAGES:
        names = _PLACEHOLDER.findall(english)
        if sorted(names) != sorted(_PLACEHOLDER.findall(french)) or len(set(names)) != len(names):
            raise RuntimeError(f"message template placeholders differ between languages: {english!r}")
        parts = _PLACEHOLDER.split(english)  # literal, name, literal, name, ..., literal
        pattern = "".join(re.escape(p) if i % 2 == 0 else f"(?P<{p}>\\d+)" if p in _COUNTS else f"(?P<{p}>.+?)"
                          for i, p in enumerate(parts))
        literal = sum(len(p) for p in parts[::2])
        compiled.append((re.compile(pattern + r"\Z", re.DOTALL), french, literal))
    compiled.sort(key=lambda entry: -entry[2])
    return compiled


_MESSAGES: list[tuple[re.Pattern[str], str, int]] | None = None


def translate_message(text: str, lang: str) -> str:
    """A warning issued in English, in ``lang`` (the templates of :mod:`alliance_stats.core.catalogue.messages`).

    English text is returned as is; in French the sentence is rebuilt from its template, the numbers it carries
    written with a decimal comma, and a message quoted inside another translated in turn. A message without a
    template is returned unchanged (in English).

    >>> translate_message("12 dyad(s) have one respondent only: their dyad scores are that partner's scores "
    ...                   "and their dependence asymmetry is missing", "fr")[:41]
    "12 dyade(s) n'ont qu'un répondant : leurs"
    >>> translate_message("response SD 0.21 below 0.5", "fr")
    'écart-type des réponses 0,21 inférieur à 0,5'
    """
    global _MESSAGES
    if check_lang(lang) == "en" or not text:
        return text
    if _MESSAGES is None:
        _MESSAGES = _compile_messages()
    for pattern, french, _ in _MESSAGES:
        match = pattern.match(text)
        if match is None:
            continue
        fields = {}
        for name, value in match.groupdict().items():
            if name.startswith("msg"):
                fields[name] = translate_message(value, lang)
            else:
                fields[name] = _word(value, lang)
        return _PLACEHOLDER.sub(lambda m, f=fields: f[m.group(1)], french)
    return text


def has_translation(text: str) -> bool:
    """True when ``text`` matches a template of the message catalogue (tests check the demo's warnings)."""
    global _MESSAGES
    if _MESSAGES is None:
        _MESSAGES = _compile_messages()
    return any(pattern.match(text) for pattern, _, _ in _MESSAGES)
