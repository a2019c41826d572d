"""measurement stage."""

# CFA, discriminant validity and invariance (lavaan 0.6-14 / semTools 0.5-6 conventions)
from alliance_stats.measurement.cfa import CFAResult, cfa  # noqa: E402
from alliance_stats.measurement.invariance import InvarianceTable, invariance  # noqa: E402
from alliance_stats.measurement.syntax import MeasurementModel, parse_model  # noqa: E402
from alliance_stats.measurement.validity import (  # noqa: E402
    FornellLarckerMatrix,
    HTMTMatrix,
    composite_reliability,
    fornell_larcker,
    htmt,
)

__all__ = [
    "CFAResult",
    "cfa",
    "InvarianceTable",
    "invariance",
    "MeasurementModel",
    "parse_model",
    "FornellLarckerMatrix",
    "HTMTMatrix",
    "composite_reliability",
    "fornell_larcker",
    "htmt",
]
