"""The knobs of the cluster check in one frozen object, and the thresholds of its verdict rule.

:class:`ClusterSettings` holds every option of :func:`~alliance_stats.typology.cluster.cluster_check` with its
default and checks them when built (a bad option raises :class:`~alliance_stats.core.errors.SpecificationError`
before any computation). The thresholds below are the published cut-offs the verdict reads the statistics
with; they are not options.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Any

import numpy as np

from alliance_stats.core.constants import COVARIANCE_TYPES, DEFAULT_CONF_LEVEL, DEFAULT_SEED, MIN_PER_CLUSTER
from alliance_stats.core.errors import SpecificationError
from alliance_stats.typology.classification import ASYMMETRY_MEASURES

__all__ = ["ClusterSettings", "METHODS"]

METHODS: tuple[str, ...] = ("kmeans", "ward", "gmm")
"""The clustering methods of the check: k-means, Ward's hierarchical method, Gaussian mixtures."""

ARI_THRESHOLD = 0.65  # Steinley (2004): .65 moderate, .80 good, .90 excellent
ALPHA = 0.05
STABLE_JACCARD = 0.75  # Hennig: >= .75 stable
HIGHLY_STABLE_JACCARD = 0.85
PATTERN_JACCARD = 0.60
DISSOLVED_JACCARD = 0.5
SUBSAMPLE_DYADS = 2000
"""Default of :attr:`ClusterSettings.subsample`: the largest number of dyads on which every step is exact."""


@dataclass(frozen=True)
class ClusterSettings:
    """Every option of the cluster check (defaults are the analysis plan's).

    Attributes
    ----------
    variables
        Numeric columns to cluster on (default the two typology dimensions).
    k
        Number of clusters the theory predicts (4).
    methods
        Any of ``"kmeans"``, ``"ward"``, ``"gmm"``.
    k_range
        Candidate numbers of clusters: consecutive integers from 1 (values above n / ``min_per_cluster`` are
        dropped with a warning).
    n_boot
        Resamples for stability and the ARI interval (fpc::clusterboot ``B``; Hennig advises >= 100).
    n_perm
        Permutations of the theory labels for the ARI p value.
    seed
        Seed of every random step: an integer or a ``numpy.random.SeedSequence``.
    link, symmetry, cut, scale, asymmetry, dep_asymmetry, dep_cut
        The crisp rule (:func:`~alliance_stats.typology.classify`) for the default theory and the centroid check.
    standardize
        Cluster on z-scores (variables on different scales); centroids are always on the original scale.
    kmeans_n_init
        k-means starts on the data at every k.
    gmm_n_init
        Initialisations per mixture fit on the data (each covariance type, each k).
    covariance_types
        Mixture covariance types tried at every k (scikit-learn names).
    gap_b, gap_n_init
        Reference data sets of the gap statistic and k-means starts on each.
    boot_n_init
        Fresh k-means++ starts on each resample, besides the warm start from the data's centres.
    conf_level
        Level of the bootstrap interval of the ARI.
    min_per_cluster
        Smallest cluster accepted as a configuration (fewer members: a warning; fewer dyads than
        ``min_per_cluster * k``: an error).
    subsample
        Above this many dyads, Ward's method, the gap statistic and the stability resampling (with the ARI
        interval) work on a random subsample of this many dyads, drawn from the seed's ``"subsample"`` stream
        (Ward's clusters are extended to the other dyads by the nearest Ward centroid); the result says so in
        a warning and in ``settings["subsample"]``. Ward needs ``n^2 / 2`` distances (37 GiB at 100,000 dyads)
        and the resampling refits every method hundreds of times; at or below this size every step is exact.

    Examples
    --------
    >>> ClusterSettings(k=3, n_boot=50).k_values
    [1, 2, 3, 4, 5, 6, 7, 8]
    >>> ClusterSettings(k=1)
    Traceback (most recent call last):
    ...
    alliance_stats.core.errors.SpecificationError: value 1: k must be an integer >= 2, got 1...
    """

    variables: tuple[str, ...] = ("link", "symmetry")
    k: int = 4
    methods: tuple[str, ...] = METHODS
    k_range: tuple[int, ...] = tuple(range(1, 9))
    n_boot: int = 200
    n_perm: int = 999
    seed: int | np.random.SeedSequence = DEFAULT_SEED
    link: str = "link"
    symmetry: str = "symmetry"
    cut: Any = "midpoint"
    scale: tuple[float, float] = (1, 7)
    asymmetry: str = "perceived"
    dep_asymmetry: str = "dep_asymmetry"
    dep_cut: Any = None
    standardize: bool = False
    kmeans_n_init: int = 50
    gmm_n_init: int = 5
    covariance_types: tuple[str, ...] = COVARIANCE_TYPES
    gap_b: int = 100
    gap_n_init: int = 10
    boot_n_init: int = 10
    conf_level: float = DEFAULT_CONF_LEVEL
    min_per_cluster: int = MIN_PER_CLUSTER
    subsample: int = SUBSAMPLE_DYADS

    def __post_init__(self) -> None:
        for name in ("variables", "methods", "covariance_types"):
            value = getattr(self, name)
            object.__setattr__(self, name, (value,) if isinstance(value, str) else tuple(value))
        object.__setattr__(self, "k_range", tuple(int(v) for v in self.k_range))
        _check_variables(self.variables)
        _check_methods(self)
        _check_counts(self)

    @property
    def k_values(self) -> list[int]:
        """The candidate numbers of clusters, sorted."""
        return sorted(set(self.k_range))

    @classmethod
    def from_options(cls, options: dict[str, Any]) -> ClusterSettings:
        """Settings from keyword options (the names of the fields); an unknown name raises SpecificationError."""
        names = {f.name for f in fields(cls)}
        unknown = sorted(set(options) - names)
        if unknown:
            raise SpecificationError(f"unknown cluster_check options {unknown}",
                                     fix=f"use some of {', '.join(sorted(names))}")
        return cls(**options)


def _check_variables(variables: tuple[str, ...]) -> None:
    if len(variables) == 0 or len(set(variables)) != len(variables):
        raise SpecificationError(f"variables must be distinct column names, got {variables}",
                                 fix='use e.g. variables=("link", "symmetry")')


def _check_methods(settings: ClusterSettings) -> None:
    methods, k = settings.methods, settings.k
    unknown = [m for m in methods if m not in METHODS]
    if not methods or unknown or len(set(methods)) != len(methods):
        raise SpecificationError(f"methods must be distinct names among {METHODS}, got {methods}", value=methods,
                                 fix='use e.g. methods=("kmeans", "ward", "gmm")')
    if isinstance(k, bool) or not isinstance(k, int | np.integer) or k < 2:
        raise SpecificationError(f"k must be an integer >= 2, got {k!r}", value=k, fix="use k=4 for the typology")
    ks = settings.k_values
    if not ks or ks[0] != 1 or ks != list(range(1, ks[-1] + 1)):
        raise SpecificationError(
            f"k_range must be consecutive integers starting at 1, got {ks}", value=ks,
            fix="use k_range=range(1, 9): k = 1 must be a candidate so that the check can find no cluster structure",
        )
    bad_types = [c for c in settings.covariance_types if c not in COVARIANCE_TYPES]
    if bad_types or not settings.covariance_types:
        raise SpecificationError(f"unknown covariance types {bad_types}", fix=f"use some of {COVARIANCE_TYPES}")
    if settings.asymmetry not in ASYMMETRY_MEASURES:
        raise SpecificationError(f"unknown asymmetry measure {settings.asymmetry!r}", value=settings.asymmetry,
                                 fix=f"use one of {', '.join(ASYMMETRY_MEASURES)}")


def _check_counts(settings: ClusterSettings) -> None:
    s = settings
    if s.n_boot < 10 or s.n_perm < 19:
        raise SpecificationError(f"n_boot must be >= 10 and n_perm >= 19 (got {s.n_boot}, {s.n_perm})",
                                 fix="use n_boot=200 and n_perm=999 (the defaults)")
    if s.kmeans_n_init < 1 or s.gmm_n_init < 1 or s.gap_b < 2:
        raise SpecificationError("kmeans_n_init and gmm_n_init must be >= 1, gap_b >= 2",
                                 fix="keep the defaults (50, 5, 100)")
    if s.boot_n_init < 0 or s.gap_n_init < 1:
        raise SpecificationError("boot_n_init must be >= 0 and gap_n_init >= 1", fix="keep the defaults (10, 10)")
    if not 0.0 < float(s.conf_level) < 1.0:
        raise SpecificationError(f"conf_level must lie strictly between 0 and 1, got {s.conf_level!r}",
                                 value=s.conf_level, fix="use conf_level=0.95")
    if isinstance(s.subsample, bool) or not isinstance(s.subsample, int | np.integer) or s.subsample < 100:
        raise SpecificationError(f"subsample must be an integer >= 100, got {s.subsample!r}", value=s.subsample,
                                 fix=f"keep the default ({SUBSAMPLE_DYADS})")
    if s.min_per_cluster < 1:
        raise SpecificationError(f"min_per_cluster must be >= 1, got {s.min_per_cluster}",
                                 fix=f"keep the default ({MIN_PER_CLUSTER})")
