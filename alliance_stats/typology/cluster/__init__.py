"""The cluster check of the typology, one module per phase.

==================  ===========================================================================
``settings``        :class:`ClusterSettings`: every option with its default; the verdict's thresholds
``prepare``         dyads used, theory labels, canonical row order, random streams
``fitting``         reference fits: scikit-learn k-means and Gaussian mixtures, scipy Ward
``sklearn_kmeans``  scikit-learn's ``KMeans`` and ``kmeans_plusplus`` (two variables), compiled: the same results
``batch``           batched k-means and Gaussian mixtures (resamples, gap references, power replicates)
``criteria``        choice of k: BIC, gap statistic (:func:`gap_statistic`, :func:`max_se`), silhouette
``agreement``       ARI with permutation p, Hungarian matching (:func:`partition_agreement`)
``solutions``       each method's solution at k, numbered after matching with the theory
``stability``       clusterwise Jaccard under resampling, as fpc::clusterboot (:func:`hennig_reading`)
``verdict``         four checks per method and the verdict with its reasons
``tables``          the report tables of :class:`ClusterCheck`
``result``          :class:`ClusterCheck`
``api``             :func:`cluster_check`
==================  ===========================================================================

Public names are resolved lazily, so importing this package does not import scikit-learn.
"""

from alliance_stats.core.lazy import lazy_exports

_EXPORTS: dict[str, str] = {
    "ClusterSettings": "alliance_stats.typology.cluster.settings",
    "METHODS": "alliance_stats.typology.cluster.settings",
    "cluster_check": "alliance_stats.typology.cluster.api",
    "ClusterCheck": "alliance_stats.typology.cluster.result",
    "Agreement": "alliance_stats.typology.cluster.agreement",
    "adjusted_rand_from_table": "alliance_stats.typology.cluster.agreement",
    "partition_agreement": "alliance_stats.typology.cluster.agreement",
    "gap_statistic": "alliance_stats.typology.cluster.criteria",
    "gmm_bic": "alliance_stats.typology.cluster.criteria",
    "max_se": "alliance_stats.typology.cluster.criteria",
    "clusterwise_jaccard": "alliance_stats.typology.cluster.stability",
    "hennig_reading": "alliance_stats.typology.cluster.stability",
    "resolution_variance": "alliance_stats.typology.cluster.fitting",
    "kmeans_batch": "alliance_stats.typology.cluster.batch",
    "gmm_bic_batch": "alliance_stats.typology.cluster.gmm",
}
__all__ = sorted(_EXPORTS)
__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)
