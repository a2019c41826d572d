"""French and English labels and number formatting.

Every user-facing label exists in both languages. French output uses a decimal comma everywhere (tables,
figures, text); English uses a decimal point. APA style drops the leading zero of quantities that cannot
exceed 1 in absolute value (format codes ``r2``/``r3``/``p`` of :mod:`alliance_stats.report.table`).
"""

from __future__ import annotations

import math
from typing import Any

LANGS: tuple[str, ...] = ("fr", "en")

LABELS: dict[str, dict[str, str]] = {
    "entraide": {"fr": "Entraide", "en": "Mutual aid"},
    "parrainage": {"fr": "Parrainage", "en": "Sponsorship"},
    "survie": {"fr": "Survie", "en": "Survival"},
    "contre_nature": {"fr": "Contre nature", "en": "Against nature"},
    "link": {"fr": "Lien", "en": "Link"},
    "symmetry": {"fr": "Symétrie de l'intérêt", "en": "Interest symmetry"},
    "trust_shared": {"fr": "Confiance partagée", "en": "Shared trust"},
    "trust_constrained": {"fr": "Confiance contrainte", "en": "Constrained trust"},
    "dep_asymmetry": {"fr": "Asymétrie de dépendance", "en": "Dependence asymmetry"},
    "crossed": {"fr": "Cap du démarrage franchi", "en": "Start-up phase crossed"},
    "supported": {"fr": "soutenue", "en": "supported"},
    "not supported": {"fr": "non soutenue", "en": "not supported"},
    "partly supported": {"fr": "partiellement soutenue", "en": "partly supported"},
    "note": {"fr": "Note.", "en": "Note."},
}


def check_lang(lang: str) -> str:
    """Return ``lang`` if it is a supported language, else raise ``ValueError``."""
    if lang not in LANGS:
        raise ValueError(f"language must be one of {LANGS}, got {lang!r}")
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
