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

# Item analysis, reliability and EFA (psych 2.2.9 / GPArotation 2022.10-2 conventions)
from alliance_stats.measurement.efa import (  # noqa: E402
    BartlettResult,
    EFAResult,
    KMOResult,
    ParallelAnalysisResult,
    bartlett_sphericity,
    efa,
    kmo,
    parallel_analysis,
)
from alliance_stats.measurement.items import item_analysis, item_analysis_table  # noqa: E402
from alliance_stats.measurement.reliability import AlphaResult, cronbach_alpha, reliability_table  # noqa: E402

__all__ += [
    "item_analysis",
    "item_analysis_table",
    "AlphaResult",
    "cronbach_alpha",
    "reliability_table",
    "KMOResult",
    "kmo",
    "BartlettResult",
    "bartlett_sphericity",
    "ParallelAnalysisResult",
    "parallel_analysis",
    "EFAResult",
    "efa",
]
