"""measurement stage: item analysis, reliability, EFA, CFA, validity and invariance.

Eager on purpose: ``from alliance_stats.measurement import cfa`` must give the *function* :func:`cfa`, while
``alliance_stats.measurement.cfa`` is also a sub-package. Importing the sub-package sets the attribute ``cfa``
of this package to the module; the ``from ... import cfa`` below, run after every import of the sub-package,
rebinds it to the function (tested in ``tests/measurement/test_results.py``).
"""

# Item analysis, reliability and EFA (psych 2.2.9 / GPArotation 2022.10-2 conventions)
from alliance_stats.measurement.efa import (
    BartlettResult,
    EFAResult,
    KMOResult,
    ParallelAnalysisResult,
    bartlett_sphericity,
    efa,
    kmo,
    parallel_analysis,
)
from alliance_stats.measurement.invariance import InvarianceTable, invariance
from alliance_stats.measurement.items import ItemAnalysisResult, item_analysis, item_analysis_table
from alliance_stats.measurement.ordinal import (
    PolychoricResult,
    categorical_omega,
    ordinal_alpha,
    polychoric,
    polyserial,
)
from alliance_stats.measurement.reliability import AlphaResult, cronbach_alpha, reliability_table
from alliance_stats.measurement.syntax import MeasurementModel, parse_model
from alliance_stats.measurement.tables import (
    construct_item_table,
    convergent_validity_frame,
    factorability_table,
    reliability_validity_table,
    standardized_composite_reliability,
)
from alliance_stats.measurement.validity import (
    FornellLarckerMatrix,
    HTMTMatrix,
    composite_reliability,
    convergent_validity_warnings,
    discriminant_validity_warnings,
    fornell_larcker,
    htmt,
)

# CFA (lavaan 0.6-14 / semTools 0.5-6 conventions): last, so that the name ``cfa`` is the function
from alliance_stats.measurement.cfa import CFAResult  # isort: skip
from alliance_stats.measurement.cfa import cfa  # isort: skip  # noqa: E402

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
    "convergent_validity_warnings",
    "discriminant_validity_warnings",
    "fornell_larcker",
    "htmt",
    "ItemAnalysisResult",
    "item_analysis",
    "item_analysis_table",
    "construct_item_table",
    "convergent_validity_frame",
    "factorability_table",
    "reliability_validity_table",
    "standardized_composite_reliability",
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
    "PolychoricResult",
    "polychoric",
    "polyserial",
    "ordinal_alpha",
    "categorical_omega",
]
