"""instrument stage: the survey instrument as data (model, loader, exports, codebook).

``load_instrument(path)`` and ``default_instrument()`` return an :class:`Instrument`;
``export_instrument(instrument, fmt, lang)`` (in :mod:`alliance_stats.instrument.export`) renders it for
XLSForm, LimeSurvey, HTML, Markdown, codebooks and SPSS.
"""

from alliance_stats.core.lazy import lazy_exports

_EXPORTS: dict[str, str] = {
    "DEFAULT_INSTRUMENT_PATH": "alliance_stats.instrument.loader",
    "SEED_CASES_PATH": "alliance_stats.instrument.loader",
    "default_instrument": "alliance_stats.instrument.loader",
    "load_instrument": "alliance_stats.instrument.loader",
    "parse_instrument": "alliance_stats.instrument.loader",
    "AllOf": "alliance_stats.instrument.model",
    "AnyOf": "alliance_stats.instrument.model",
    "Choice": "alliance_stats.instrument.model",
    "Condition": "alliance_stats.instrument.model",
    "ConditionRef": "alliance_stats.instrument.model",
    "Construct": "alliance_stats.instrument.model",
    "Instrument": "alliance_stats.instrument.model",
    "NotOf": "alliance_stats.instrument.model",
    "Scale": "alliance_stats.instrument.model",
    "Section": "alliance_stats.instrument.model",
    "UnknownVariableError": "alliance_stats.instrument.model",
    "Variable": "alliance_stats.instrument.model",
}
__all__ = sorted(_EXPORTS)
__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)
