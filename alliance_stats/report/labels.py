"""Fixed texts of the report layer in French and English (looked up in the one catalogue).

The report's own words (captions, banners, section names, axis titles) are the ``report.`` keys of the one
catalogue (``core/catalogue/report.py``), so that a short key such as ``"configuration"`` can mean the axis
title here and the domain label elsewhere. :func:`label` looks up ``report.<key>`` first, then ``<key>`` in
:data:`~alliance_stats.core.i18n.LABELS`, then falls back to the key.
"""

from __future__ import annotations

from alliance_stats.core.i18n import LABELS, check_lang

#: The report's own words: the keys of ``core/catalogue/report.py`` without their ``report.`` prefix.
REPORT_KEYS: tuple[str, ...] = tuple(key.removeprefix("report.") for key in LABELS if key.startswith("report."))



def label(key: str, lang: str, default: str | None = None) -> str:
    """Text of ``key`` in ``lang``: report labels first, then the shared domain labels.

    >>> label("table", "fr")
    'Tableau'
    >>> label("entraide", "en")
    'Mutual aid'
    >>> label("LINK_1", "fr")
    'LINK_1'
    """
    check_lang(lang)
    entry = LABELS.get(f"report.{key}") or LABELS.get(key)
    if entry is None:
        return key if default is None else default
    return entry[lang]
