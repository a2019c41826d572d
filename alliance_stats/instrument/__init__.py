"""instrument stage: the survey instrument as data (model, loader, exports, codebook).

``load_instrument(path)`` and ``default_instrument()`` return an :class:`Instrument`;
``export_instrument(instrument, fmt, lang)`` (in :mod:`alliance_stats.instrument.export`) renders it for
XLSForm, LimeSurvey, HTML, Markdown, codebooks and SPSS.
"""

from alliance_stats.instrument.loader import (
    DEFAULT_INSTRUMENT_PATH,
    default_instrument,
    load_instrument,
    parse_instrument,
)
from alliance_stats.instrument.model import (
    AllOf,
    AnyOf,
    Choice,
    Condition,
    ConditionRef,
    Construct,
    Instrument,
    NotOf,
    Scale,
    Section,
    UnknownVariableError,
    Variable,
)

__all__ = [
    "DEFAULT_INSTRUMENT_PATH",
    "AllOf",
    "AnyOf",
    "Choice",
    "Condition",
    "ConditionRef",
    "Construct",
    "Instrument",
    "NotOf",
    "Scale",
    "Section",
    "UnknownVariableError",
    "Variable",
    "default_instrument",
    "load_instrument",
    "parse_instrument",
]
