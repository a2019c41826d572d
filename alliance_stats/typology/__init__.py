"""typology stage: the 2 x 2 definition (axes, configurations, labels), classification, cluster check."""

from alliance_stats.typology.definition import (
    AXES,
    CONFIGURATION_POLES,
    CONFIGURATIONS,
    EXPECTED_TRUST,
    QUADRANTS,
    Axis,
    configuration_label,
    configuration_labels,
    poles_of,
    quadrant_of,
    scale_midpoint,
)

__all__ = [
    "AXES",
    "CONFIGURATION_POLES",
    "CONFIGURATIONS",
    "EXPECTED_TRUST",
    "QUADRANTS",
    "Axis",
    "configuration_label",
    "configuration_labels",
    "poles_of",
    "quadrant_of",
    "scale_midpoint",
]
