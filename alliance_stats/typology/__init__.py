"""typology stage: the 2 x 2 definition (axes, configurations, labels), classification, cluster check."""

from alliance_stats.typology.classify import TypologyCounts, classify, resolve_cuts, typology_counts
from alliance_stats.typology.cluster import (
    COVARIANCE_TYPES,
    MCLUST_MODELS,
    METHODS,
    Agreement,
    ClusterCheck,
    cluster_check,
    gap_statistic,
    gmm_bic,
    hennig_reading,
    max_se,
    partition_agreement,
)
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
from alliance_stats.typology.figures import typology_map
from alliance_stats.typology.fuzzy import (
    Sufficiency,
    default_anchors,
    direct_calibration,
    fuzzy_membership,
    sufficiency,
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
    # classification, fuzzy sets, cluster check, map (issue 5)
    "Agreement",
    "COVARIANCE_TYPES",
    "ClusterCheck",
    "MCLUST_MODELS",
    "METHODS",
    "Sufficiency",
    "TypologyCounts",
    "classify",
    "cluster_check",
    "default_anchors",
    "direct_calibration",
    "fuzzy_membership",
    "gap_statistic",
    "gmm_bic",
    "hennig_reading",
    "max_se",
    "partition_agreement",
    "resolve_cuts",
    "sufficiency",
    "typology_counts",
    "typology_map",
]
