"""The result of the cluster check (:class:`ClusterCheck`)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from alliance_stats.core.i18n import check_lang
from alliance_stats.core.results import Result
from alliance_stats.core.table import Table
from alliance_stats.typology.cluster.tables import cluster_tables

__all__ = ["ClusterCheck"]


@dataclass(frozen=True)
class ClusterCheck(Result):
    """Result of :func:`cluster_check` (see its docstring and the module docstring for definitions).

    Attributes
    ----------
    k_selection
        One row per method and k: ``method``, ``k``, ``bic`` (lower is better, scikit-learn sign),
        ``covariance_type`` (mixture: the type with the lowest BIC at that k), ``silhouette``,
        ``calinski_harabasz``, ``gap``, ``gap_se`` (k-means and Ward).
    k_picks
        Index: method; the k each criterion picks: ``bic`` (min), ``silhouette`` (max), ``calinski_harabasz``
        (max), ``gap_tibshirani`` (Tibs2001SEmax), ``gap_first_se_max`` (cluster::maxSE default).
    gmm_bic
        Mixture BIC per k (rows) and covariance type (columns).
    gap
        Gap details per method and k: ``log_w``, ``e_log_w``, ``gap``, ``gap_se``.
    labels
        Cluster number (1..k) of each dyad used, one column per method, indexed like the input dyads.
    theory
        The theory labels compared with (``None`` when there are none).
    matching
        Method -> {cluster number: matched configuration or None}.
    confusion
        Method -> clusters x configurations table (rows ``1..k``).
    ari, ari_p, ari_ci, kappa, accuracy
        Method -> value (``ari_ci``: (low, high) percentile bootstrap interval).
    stability
        One row per method and cluster: ``method``, ``cluster``, ``configuration``, ``n``, ``mean_jaccard``,
        ``dissolved`` and ``recovered`` (counts over resamples), ``reading`` (Hennig).
    centroids
        One row per method and cluster: ``method``, ``cluster``, ``n``, the cluster means of the variables
        (and of link/symmetry/dep_asymmetry when the rule needs them), ``configuration`` (matched),
        ``quadrant`` (the centroid's configuration by the crisp rule), ``in_quadrant``.
    checks
        Index: method; booleans ``k_selected``, ``agreement``, ``stable``, ``centroids`` (None: not assessable),
        ``all_passed``.
    verdict
        ``"supported"``, ``"partly supported"`` or ``"not supported"``.
    reasons
        The reasons of the verdict, ``{"en": [...], "fr": [...]}``.
    settings
        The options used (k, seeds, numbers of starts and resamples, cuts, covariance types chosen).
    boot_jaccard, boot_ari
        Method -> clusterwise Jaccard of every resample (n_boot x clusters) and ARI of every resample.
    warnings
        Messages of every warning raised.
    """

    variables: tuple[str, ...]
    k: int
    methods: tuple[str, ...]
    n_used: int
    n_dropped: int
    k_selection: pd.DataFrame
    k_picks: pd.DataFrame
    gmm_bic: pd.DataFrame
    gap: pd.DataFrame
    labels: pd.DataFrame
    theory: pd.Series | None
    matching: dict[str, dict[int, str | None]]
    confusion: dict[str, pd.DataFrame]
    ari: dict[str, float]
    ari_p: dict[str, float]
    ari_ci: dict[str, tuple[float, float]]
    kappa: dict[str, float]
    accuracy: dict[str, float]
    stability: pd.DataFrame
    centroids: pd.DataFrame
    checks: pd.DataFrame
    verdict: str
    reasons: dict[str, list[str]]
    settings: dict[str, Any]
    boot_jaccard: dict[str, np.ndarray] = field(repr=False, default_factory=dict)
    boot_ari: dict[str, np.ndarray] = field(repr=False, default_factory=dict)
    warnings: tuple[str, ...] = ()

    @property
    def agreement(self) -> pd.DataFrame:
        """One row per method: ARI, its p value and bootstrap interval, matched kappa and accuracy, and the
        smallest and mean clusterwise Jaccard."""
        rows = {}
        for method in self.methods:
            jaccard = self.stability.loc[self.stability["method"] == method, "mean_jaccard"]
            low, high = self.ari_ci.get(method, (np.nan, np.nan))
            rows[method] = {
                "ari": self.ari.get(method, np.nan),
                "ari_p": self.ari_p.get(method, np.nan),
                "ari_ci_low": low,
                "ari_ci_high": high,
                "kappa": self.kappa.get(method, np.nan),
                "accuracy": self.accuracy.get(method, np.nan),
                "min_jaccard": float(jaccard.min()) if len(jaccard) else np.nan,
                "mean_jaccard": float(jaccard.mean()) if len(jaccard) else np.nan,
            }
        frame = pd.DataFrame.from_dict(rows, orient="index")
        frame.index.name = "method"
        return frame

    def to_tables(self, lang: str = "en") -> dict[str, Table]:
        """The report tables: ``cluster_k_selection``, ``cluster_k_picks``, ``cluster_agreement``,
        ``cluster_crosstab`` (with theory labels), ``cluster_stability``, ``cluster_centroids`` and
        ``cluster_verdict``."""
        return cluster_tables(self, check_lang(lang))
