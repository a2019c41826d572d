"""French and English labels and number formatting.

Every user-facing label exists in both languages. French output uses a decimal comma everywhere (tables,
figures, text); English uses a decimal point. APA style drops the leading zero of quantities that cannot
exceed 1 in absolute value (format codes ``r2``/``r3``/``p`` of :mod:`alliance_stats.core.table`).
"""

from __future__ import annotations

import importlib
import math
from typing import Any

from alliance_stats.core.errors import SpecificationError

LANGS: tuple[str, ...] = ("fr", "en")

CATALOGUES: tuple[str, ...] = ("general", "data", "instrument", "measurement", "typology", "models", "power", "plan",
                               "report", "app")


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
