"""Stability of each cluster under resampling, as ``fpc::clusterboot`` (Hennig 2007).

``bootmethod = "boot"``: ``n_boot`` resamples of the dyads with replacement, duplicates removed (fpc's default
``multipleboot = FALSE``), the method refitted on the resample, and for each original cluster the largest
Jaccard similarity with a resample cluster (on the resampled dyads); the clusterwise mean over resamples is
read as Hennig does (:func:`hennig_reading`): < .60 not trustworthy, .60-.75 indicates a pattern, >= .75
stable, >= .85 highly stable; a cluster is "dissolved" in a resample when its Jaccard is <= .5 and
"recovered" when > .75 (fpc's ``bootbrd``/``bootrecover``). The same resamples give the percentile interval
of the ARI.

Hand-written parts and why
--------------------------
- k-means on the resamples uses the batched Lloyd algorithm (:func:`~.batch.kmeans_batch`), because refitting
  scikit-learn's ``KMeans`` 200 times with 50 starts dominates the run time. On each resample k-means starts
  from the full-data centres (warm start) and from ``boot_n_init`` (10) fresh k-means++ seedings, keeping the
  lowest inertia: the warm start finds the resample's version of the data's solution, the fresh starts let
  the resample find another optimum (which instability requires). The clusterwise Jaccard agrees with
  fpc::clusterboot run with 50 starts per fit (tests/typology/test_cluster_r.py).
- Mixture refits on resamples start twice, from the full-data solution (warm start) and from a fresh
  k-means++ seeding, keeping the higher likelihood; the covariance type is the one chosen on the data. The two
  fits are scikit-learn's ``GaussianMixture`` fits run by the compiled EM of :mod:`.refit` (same labels).

Reference: Hennig, C. (2007), Cluster-wise assessment of cluster stability, Computational Statistics & Data
Analysis 52, 258-271 (R fpc 2.2.10 ``clusterboot``, ``clujaccard``).
"""

from __future__ import annotations

import math
from dataclasses import replace
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from alliance_stats.core.errors import ConvergenceWarning, StabilityWarning
from alliance_stats.core.results import warn
from alliance_stats.typology.cluster.agreement import (
    _contingency,
    _first_appearance_ids,
    adjusted_rand_from_table,
)
from alliance_stats.typology.cluster.batch import kmeans_batch
from alliance_stats.typology.cluster.fitting import _ward_labels
from alliance_stats.typology.cluster.refit import refit_mixture
from alliance_stats.typology.cluster.settings import (
    DISSOLVED_JACCARD,
    HIGHLY_STABLE_JACCARD,
    PATTERN_JACCARD,
    STABLE_JACCARD,
)
from alliance_stats.typology.cluster.solutions import Solutions
from alliance_stats.typology.cluster.ward import ward_tree

if TYPE_CHECKING:
    from alliance_stats.typology.cluster.prepare import Prepared

__all__ = ["clusterwise_jaccard", "hennig_reading"]


def hennig_reading(jaccard: float) -> str:
    """Hennig's reading of a clusterwise mean Jaccard (fpc::clusterboot help page).

    Parameters
    ----------
    jaccard
        A cluster's mean Jaccard similarity over the resamples.

    Returns
    -------
    str
        ``"highly stable"`` (>= .85), ``"stable"`` (>= .75), ``"pattern"`` (>= .60), ``"not trustworthy"``
        (< .60), or ``""`` for a missing value.

    References
    ----------
    Hennig, C. (2007), Cluster-wise assessment of cluster stability, Computational Statistics & Data Analysis
    52, 258-271; R fpc 2.2.10 ``clusterboot``.

    Examples
    --------
    >>> [hennig_reading(x) for x in (0.5, 0.7, 0.8, 0.9)]
    ['not trustworthy', 'pattern', 'stable', 'highly stable']
    """
    if not math.isfinite(jaccard):
        return ""
    if jaccard >= HIGHLY_STABLE_JACCARD:
        return "highly stable"
    if jaccard >= STABLE_JACCARD:
        return "stable"
    if jaccard >= PATTERN_JACCARD:
        return "pattern"
    return "not trustworthy"



def clusterwise_jaccard(original: np.ndarray, resample: np.ndarray, n_original: int) -> np.ndarray:
    """Largest Jaccard similarity of each original cluster with any cluster of a resample clustering.

    Both arrays hold the labels of the same (resampled) points: ``original`` their labels in the
    full-data clustering (0..n_original-1), ``resample`` their labels when the resample is clustered.
    A cluster absent from the resample gets 0 (fpc ``clujaccard(zerobyzero = 0)``).

    Parameters
    ----------
    original
        Labels (0..n_original-1) of the resampled points in the full-data clustering.
    resample
        Labels of the same points when the resample is clustered (any integers).
    n_original
        Number of clusters of the full-data clustering.

    Returns
    -------
    numpy.ndarray
        ``(n_original,)`` largest Jaccard similarity of each original cluster.

    References
    ----------
    Hennig, C. (2007), CSDA 52, 258-271; R fpc 2.2.10, ``clusterboot`` and ``clujaccard``.

    Examples
    --------
    >>> clusterwise_jaccard(np.array([0, 0, 1, 1]), np.array([1, 1, 1, 0]), 2).round(3).tolist()
    [0.667, 0.5]
    """
    resample_ids = _first_appearance_ids(resample)
    n_resample = int(resample_ids.max()) + 1 if len(resample_ids) else 0
    table = _contingency(original, resample_ids, n_original, n_resample)
    sizes_original = table.sum(axis=1, keepdims=True)
    sizes_resample = table.sum(axis=0, keepdims=True)
    union = sizes_original + sizes_resample - table
    with np.errstate(invalid="ignore", divide="ignore"):
        jaccard = np.where(union > 0, table / np.where(union > 0, union, 1.0), 0.0)
    return jaccard.max(axis=1) if n_resample else np.zeros(n_original)



def _resamples(n: int, n_boot: int, stream: np.random.SeedSequence) -> tuple[np.ndarray, list[np.ndarray]]:
    """Multiplicities (n_boot, n) of the dyads in each resample and the distinct dyads drawn."""
    draws = np.random.default_rng(stream).integers(0, n, size=(n_boot, n))
    counts = np.bincount((draws + (np.arange(n_boot) * n)[:, None]).ravel(), minlength=n_boot * n).reshape(n_boot, n)
    return counts, [np.flatnonzero(row) for row in counts]


def _boot_kmeans(prep: Prepared, samples: list[np.ndarray], final: np.ndarray, n_clusters: int) -> list[np.ndarray]:
    z = prep.z
    n_boot = len(samples)
    size = max(len(s) for s in samples)
    padded = np.zeros((n_boot, size, z.shape[1]))
    weights = np.zeros((n_boot, size))
    for b, sample in enumerate(samples):
        padded[b, : len(sample)] = z[sample]
        padded[b, len(sample):] = z[sample[0]]
        weights[b, : len(sample)] = 1.0
    centres = np.vstack([z[final == c].mean(axis=0) for c in range(n_clusters)])
    labels, _ = kmeans_batch(padded, n_clusters, n_init=prep.settings.boot_n_init, weights=weights,
                             seed=np.random.default_rng(prep.streams["boot_kmeans"]), init_centres=centres)
    return [labels[b, : len(s)] for b, s in enumerate(samples)]


def _boot_gmm(prep: Prepared, samples: list[np.ndarray], mixture: dict[str, Any]) -> list[np.ndarray]:
    parameters, covariance_type = mixture["parameters"], mixture["covariance_type"]
    states = prep.streams["boot_gmm"].generate_state(len(samples))
    out: list[np.ndarray] = []
    n_failed = 0
    for b, sample in enumerate(samples):
        labels = refit_mixture(prep.z[sample], parameters, covariance_type, mixture["reg_covar"], int(states[b]))
        if labels is None:
            n_failed += 1
            labels = np.zeros(len(sample), dtype=int)
        out.append(labels)
    if n_failed:
        warn(prep.messages, f"the Gaussian mixture could not be refitted on {n_failed} of {len(samples)} resamples "
                            "(counted as one cluster)", ConvergenceWarning)
    return out


def _boot_ari(prep: Prepared, counts: np.ndarray, samples: list[np.ndarray], labels: list[np.ndarray]) -> np.ndarray:
    theory_codes = prep.theory_codes
    assert theory_codes is not None
    n_categories = len(prep.categories)
    values = np.empty(len(samples))
    for b, sample in enumerate(samples):
        keep = theory_codes[sample] >= 0
        resample_labels = _first_appearance_ids(labels[b][keep])
        n_resample = int(resample_labels.max()) + 1 if len(resample_labels) else 1
        table = _contingency(resample_labels, theory_codes[sample][keep], n_resample, n_categories,
                             weights=counts[b, sample][keep].astype(float))
        values[b] = float(adjusted_rand_from_table(table))
    return values


def bootstrap(prep: Prepared, solutions: Solutions, mixture: dict[str, Any] | None
              ) -> tuple[dict[str, np.ndarray], dict[str, np.ndarray]]:
    """clusterboot-style resampling: clusterwise Jaccard (n_boot x clusters) and the ARI of each resample.

    Above ``settings.subsample`` dyads the resamples are drawn from the subsample (the solutions restricted to it).
    """
    if prep.sub is not None:
        solutions = replace(solutions, final={m: v[prep.sub] for m, v in solutions.final.items()})
        prep = prep.subsampled()
    methods = prep.settings.methods
    counts, samples = _resamples(len(prep.z), prep.settings.n_boot, prep.streams["boot"])
    boot_labels: dict[str, list[np.ndarray]] = {m: [] for m in methods}
    if "kmeans" in methods:
        boot_labels["kmeans"] = _boot_kmeans(prep, samples, solutions.final["kmeans"], solutions.n_clusters["kmeans"])
    if "ward" in methods:
        boot_labels["ward"] = [_ward_labels(ward_tree(prep.z[s]), prep.settings.k) for s in samples]
    if "gmm" in methods and mixture is not None:
        boot_labels["gmm"] = _boot_gmm(prep, samples, mixture)
    jaccard: dict[str, np.ndarray] = {}
    aris: dict[str, np.ndarray] = {}
    for method in methods:
        jaccard[method] = np.vstack([
            clusterwise_jaccard(solutions.final[method][s], boot_labels[method][b], solutions.n_clusters[method])
            for b, s in enumerate(samples)
        ])
        if prep.theory_codes is not None:
            aris[method] = _boot_ari(prep, counts, samples, boot_labels[method])
    return jaccard, aris


def stability_table(prep: Prepared, solutions: Solutions, jaccard: dict[str, np.ndarray]) -> pd.DataFrame:
    """One row per method and cluster: matched configuration, size, mean Jaccard, dissolved, recovered, reading."""
    rows = []
    for method in prep.settings.methods:
        sizes = np.bincount(solutions.final[method], minlength=solutions.n_clusters[method])
        for c in range(solutions.n_clusters[method]):
            values = jaccard[method][:, c]
            mean = float(values.mean())
            rows.append({
                "method": method, "cluster": c + 1, "configuration": solutions.matching[method][c + 1],
                "n": int(sizes[c]), "mean_jaccard": mean, "dissolved": int((values <= DISSOLVED_JACCARD).sum()),
                "recovered": int((values > STABLE_JACCARD).sum()), "reading": hennig_reading(mean),
            })
    stability = pd.DataFrame(rows)
    for method in prep.settings.methods:
        weak = stability[(stability["method"] == method) & (stability["mean_jaccard"] < PATTERN_JACCARD)]
        if len(weak):
            warn(prep.messages, f"{method}: cluster(s) {weak['cluster'].tolist()} are not stable under resampling "
                                f"(mean Jaccard < .60: not trustworthy, Hennig 2007)", StabilityWarning)
    return stability
