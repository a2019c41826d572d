"""typology stage: the 2 x 2 definition (axes, configurations, labels), classification, cluster check.
"""

from alliance_stats.core.lazy import lazy_exports

_EXPORTS: dict[str, str] = {
    "TypologyCounts": "alliance_stats.typology.classification",
    "classify": "alliance_stats.typology.classification",
    "resolve_cuts": "alliance_stats.typology.classification",
    "typology_counts": "alliance_stats.typology.classification",
    "COVARIANCE_TYPES": "alliance_stats.core.constants",
    "MCLUST_MODELS": "alliance_stats.core.constants",
    "METHODS": "alliance_stats.typology.cluster.settings",
    "Agreement": "alliance_stats.typology.cluster.agreement",
    "ClusterCheck": "alliance_stats.typology.cluster.result",
    "ClusterSettings": "alliance_stats.typology.cluster.settings",
    "cluster_check": "alliance_stats.typology.cluster.api",
    "gap_statistic": "alliance_stats.typology.cluster.criteria",
    "gmm_bic": "alliance_stats.typology.cluster.criteria",
    "hennig_reading": "alliance_stats.typology.cluster.stability",
    "max_se": "alliance_stats.typology.cluster.criteria",
    "partition_agreement": "alliance_stats.typology.cluster.agreement",
    "AXES": "alliance_stats.core.typology",
    "CONFIGURATION_POLES": "alliance_stats.core.typology",
    "CONFIGURATIONS": "alliance_stats.core.typology",
    "EXPECTED_TRUST": "alliance_stats.core.typology",
    "QUADRANTS": "alliance_stats.core.typology",
    "Axis": "alliance_stats.core.typology",
    "configuration_label": "alliance_stats.core.typology",
    "configuration_labels": "alliance_stats.core.typology",
    "poles_of": "alliance_stats.core.typology",
    "quadrant_of": "alliance_stats.core.typology",
    "scale_midpoint": "alliance_stats.core.typology",
    "typology_map": "alliance_stats.typology.figures",
    "Sufficiency": "alliance_stats.typology.fuzzy",
    "default_anchors": "alliance_stats.typology.fuzzy",
    "direct_calibration": "alliance_stats.typology.fuzzy",
    "fuzzy_membership": "alliance_stats.typology.fuzzy",
    "sufficiency": "alliance_stats.typology.fuzzy",
}
__all__ = sorted(_EXPORTS)
__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)
