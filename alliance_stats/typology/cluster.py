"""Data-driven check of the four configurations: k selection, agreement with the theory, stability, centroids.

:func:`cluster_check` asks whether survey data show the paper's four configurations, and is built to be able
to answer *no*. It clusters the dyads with k-means, Ward's method and Gaussian mixtures, chooses the number
of clusters with several criteria (one of which can choose a single cluster), compares the clusters with
the theory-driven classification, resamples the dyads to measure how stable each cluster is, and checks
whether each cluster centre lies in the quadrant of the configuration it is matched to.

Algorithms and conventions
--------------------------
- **k-means**: scikit-learn ``KMeans`` (Lloyd, k-means++ seeding), ``kmeans_n_init`` >= 50 starts.
- **Ward**: scipy's ``linkage(method="ward")`` on Euclidean distances (R ``hclust(method = "ward.D2")``),
  cut with ``fcluster(criterion="maxclust")``; deterministic.
- **Gaussian mixture**: scikit-learn ``GaussianMixture`` with every covariance type (spherical = mclust VII,
  diag = VVI, tied = EEE, full = VVV), ``gmm_n_init`` k-means initialisations each; at each k the type with
  the lowest BIC is kept. Clusters are the components of highest posterior probability. Component
  variances are floored at ``h^2 / 12`` for data recorded in steps of ``h`` (Sheppard's correction;
  :func:`resolution_variance`: 1/1200 for means of ten 1-7 answers), so that no component can sit on a few
  tied dyads with a spuriously high likelihood (scikit-learn's ``reg_covar``; 1e-6 for continuous data).
- **BIC** is reported with scikit-learn's sign: ``-2 logL + npar log n``, **lower is better** (mclust reports
  ``2 logL - npar log n``, larger is better: the same number with the opposite sign). For k-means and Ward
  the BIC is the classification BIC of the partition under a spherical Gaussian model with one common
  variance (mclust EII, evaluated at the hard partition; Pelleg & Moore 2000, X-means):
  ``logL = sum_j n_j log(n_j / n) - (n p / 2) (log(2 pi s2) + 1)``, ``s2 = WSS / (n p)``,
  ``npar = k p + 1 + (k - 1)``.
- **Silhouette** (mean, Euclidean) and **Calinski-Harabasz**: scikit-learn; undefined for k = 1, so they
  cannot say "no cluster structure" and are reported but not used in the verdict.
- **Gap statistic** (Tibshirani, Walther & Hastie 2001) for k-means and Ward (a within-cluster-dispersion
  criterion; not computed for the mixture, which is chosen by BIC): ``W_k`` as in R
  ``cluster::clusGap`` with **d.power = 2** (squared Euclidean distances, the paper's definition; clusGap's
  default is d.power = 1), ``W_k = 0.5 * sum_r D_r / n_r`` (= WSS / 2), reference data uniform in the box of
  the principal components (clusGap's default ``spaceH0 = "scaledPCA"``), ``gap_b`` reference sets,
  ``SE = sd * sqrt(1 + 1/B)``. Two picks: Tibshirani's 2001 rule (smallest k with
  ``Gap(k) >= Gap(k+1) - SE(k+1)``, clusGap's ``"Tibs2001SEmax"``) and ``cluster::maxSE``'s default
  ``"firstSEmax"`` (smallest k whose gap is within one SE of the first local maximum).
- **Agreement** with the theory labels: adjusted Rand index (ARI, needs no label matching) with a
  permutation p value (theory labels permuted ``n_perm`` times, p = (1 + #{ARI* >= ARI}) / (n_perm + 1)) and a
  percentile bootstrap interval from the stability resamples; the confusion table after Hungarian matching
  (``scipy.optimize.linear_sum_assignment``), with Cohen's kappa and accuracy after matching, which are
  **optimistic** because the matching maximises them.
- **Stability** as ``fpc::clusterboot`` (Hennig 2007), ``bootmethod = "boot"``: ``n_boot`` resamples of
  the dyads with replacement, duplicates removed (fpc's default ``multipleboot = FALSE``), the method
  refitted on the resample, and for each original cluster the largest Jaccard similarity with a resample
  cluster (on the resampled dyads); the clusterwise mean over resamples is read as Hennig does: < .60 not
  trustworthy, .60-.75 indicates a pattern, >= .75 stable, >= .85 highly stable; a cluster is "dissolved" in a
  resample when its Jaccard is <= .5 and "recovered" when > .75 (fpc's ``bootbrd``/``bootrecover``).
- **Centroids** are cluster means on the original scale; each is placed in a quadrant with the crisp rule of
  :func:`~alliance_stats.typology.classification` (same cut) and compared with its matched configuration.

Hand-written parts and why
--------------------------
- The resampling k-means (stability) and the k-means of the gap reference sets use a batched Lloyd
  algorithm in numpy (greedy k-means++ seeding as scikit-learn's; all starts and resamples of a chunk
  iterated together), because refitting scikit-learn's ``KMeans`` 200 times with 50 starts dominates the
  run time (``benchmarks/bench_typology.py`` prints the ratio); the tests check that it reaches
  scikit-learn's inertia. On each resample k-means starts from the full-data centres (warm start) and from
  ``boot_n_init`` (10) fresh k-means++ seedings, keeping the lowest inertia: the warm start finds the
  resample's version of the data's solution, the fresh starts let the resample find another optimum (which
  instability requires). The clusterwise Jaccard agrees with fpc::clusterboot run with 50 starts per fit
  (tests/typology/test_cluster_r.py) and with a loop of scikit-learn ``KMeans(n_init=50)`` (the benchmark).
  Each gap reference set gets ``gap_n_init`` (10) starts: on faithful this raises E log W_k by about .003
  at k >= 6 against 50 starts, a tenth of the simulation standard error.
- The ARI of the permutation test is computed from contingency tables of all permutations at once (row and
  column totals are fixed under permutation, so only ``sum C(n_ij, 2)`` changes); it equals scikit-learn's
  ``adjusted_rand_score``.
- Mixture refits on resamples start twice, from the full-data solution (warm start) and from a fresh
  k-means++ seeding, keeping the higher likelihood: the warm start finds the resample's version of the same
  solution cheaply, the fresh start lets the resample find a different one, which instability requires.
  The covariance type is the one chosen on the data.
- scikit-learn's OpenMP and BLAS thread pools are limited to one thread during the check
  (``threadpoolctl``): on data this small, threads cost far more than they save (a 4-cluster ``KMeans`` fit
  ran 100 times slower with the default pools on a busy 2-core machine).
- The input rows are put in a canonical order (sorted by their values) before any random step, so results
  do not depend on the row order; cluster numbers are assigned after matching (cluster 1 is the cluster
  matched to the first configuration), so they do not depend on the algorithms' arbitrary numbering.

The verdict rule
----------------
For each method, four checks at the requested k:

1. *k selection*: the method's BIC picks k, or (k-means, Ward) the gap statistic with Tibshirani's rule
   picks k;
2. *agreement*: ARI >= .65 ("moderate" or better, Steinley 2004) with permutation p < .05;
3. *stability*: every cluster has a clusterwise mean Jaccard >= .75 (Hennig's "stable");
4. *centroid pattern*: the k clusters are matched to k different configurations and every centroid lies in
   the quadrant of its configuration.

Verdict (the first rule that applies):

1. **"not supported"** when the data show no cluster structure (more than half of the picks that can choose
   a single cluster, i.e. the BIC of every method and the gap of k-means and Ward, choose k = 1), or when no
   method agrees with the theory beyond chance (every permutation p >= .05);
2. **"supported"** when at least half of the methods (rounded up: 2 of 3) pass all four checks;
3. **"partly supported"** otherwise (for example three clear clusters where the theory has four, or four
   clusters of which one is unstable or off its quadrant).

A check that cannot be made (no theory labels; variables without link and symmetry, so no quadrant) counts
as not passed, so such a run is at most "partly supported"; the reasons say which checks failed.

References: Hennig, C. (2007), Cluster-wise assessment of cluster stability, CSDA 52, 258-271 (R fpc 2.2.10
``clusterboot``); Tibshirani, Walther & Hastie (2001), JRSS-B 63, 411-423 (R cluster 2.1.4 ``clusGap``,
``maxSE``); Fraley & Raftery (2002) and Scrucca et al. (2016) (R mclust 6.0.0 ``mclustBIC``); Hubert & Arabie
(1985) (ARI); Steinley (2004), Psychological Methods 9, 386-396 (ARI benchmarks).
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
import pandas as pd
from scipy.cluster.hierarchy import fcluster, linkage
from scipy.optimize import linear_sum_assignment
from scipy.spatial.distance import pdist, squareform
from sklearn.cluster import KMeans
from sklearn.exceptions import ConvergenceWarning as SklearnConvergenceWarning
from sklearn.metrics import calinski_harabasz_score, silhouette_score
from sklearn.mixture import GaussianMixture
from threadpoolctl import threadpool_limits

from alliance_stats.core.errors import (
    ConvergenceWarning,
    DataQualityWarning,
    SparseDataWarning,
    SpecificationError,
    StabilityWarning,
)
from alliance_stats.core.i18n import check_lang, fmt_number, tr
from alliance_stats.core.table import Table
from alliance_stats.core.typology import CONFIGURATIONS
from alliance_stats.typology.classification import (
    ASYMMETRY_MEASURES,
    _classify_with_cuts,
    classify,
    dyad_frame,
    resolve_cuts,
)

__all__ = [
    "cluster_check",
    "ClusterCheck",
    "Agreement",
    "partition_agreement",
    "adjusted_rand_from_table",
    "gap_statistic",
    "gmm_bic",
    "max_se",
    "kmeans_batch",
    "clusterwise_jaccard",
    "resolution_variance",
    "hennig_reading",
    "METHODS",
    "COVARIANCE_TYPES",
    "MCLUST_MODELS",
]

METHODS: tuple[str, ...] = ("kmeans", "ward", "gmm")
COVARIANCE_TYPES: tuple[str, ...] = ("spherical", "diag", "tied", "full")
MCLUST_MODELS: dict[str, str] = {"spherical": "VII", "diag": "VVI", "tied": "EEE", "full": "VVV"}
DEFAULT_SEED = 20261126

ARI_THRESHOLD = 0.65  # Steinley (2004): .65 moderate, .80 good, .90 excellent
ALPHA = 0.05
STABLE_JACCARD = 0.75  # Hennig: >= .75 stable
HIGHLY_STABLE_JACCARD = 0.85
PATTERN_JACCARD = 0.60
DISSOLVED_JACCARD = 0.5
MIN_PER_CLUSTER = 5


# ----------------------------------------------------------------------------------------- small tools


def hennig_reading(jaccard: float) -> str:
    """Hennig's reading of a clusterwise mean Jaccard (fpc::clusterboot help page).

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


def max_se(f: Sequence[float], se: Sequence[float], method: str = "firstSEmax", se_factor: float = 1.0) -> int:
    """The k (1-based) that R ``cluster::maxSE`` picks from gap values ``f`` and their standard errors.

    Parameters
    ----------
    f, se
        Gap statistic and its standard error for k = 1, 2, ..., K.
    method
        ``"firstSEmax"`` (R's default) or ``"Tibs2001SEmax"`` (Tibshirani et al. 2001: smallest k with
        ``f[k] >= f[k+1] - se[k+1]``, else K).
    se_factor
        Multiplier of the standard error (R's ``SE.factor``).

    Examples
    --------
    >>> max_se([0.1, 0.3, 0.32, 0.29, 0.45, 0.44], [0.02, 0.03, 0.03, 0.03, 0.04, 0.04], "Tibs2001SEmax")
    2

    Reference: R cluster 2.1.4, ``maxSE``.
    """
    values = np.asarray(f, dtype=float)
    f_se = se_factor * np.asarray(se, dtype=float)
    size = len(values)
    if size == 0:
        raise ValueError("max_se needs at least one value")
    if method == "Tibs2001SEmax":
        meets = values[:-1] >= (values - f_se)[1:]
        return int(np.argmax(meets)) + 1 if meets.any() else size
    if method == "firstSEmax":
        decreasing = np.diff(values) <= 0
        first_max = int(np.argmax(decreasing)) + 1 if decreasing.any() else size
        within = values[: first_max - 1] >= values[first_max - 1] - f_se[first_max - 1]
        return int(np.argmax(within)) + 1 if within.any() else first_max
    raise ValueError(f"unknown method {method!r}; use 'firstSEmax' or 'Tibs2001SEmax'")


def _comb2(x: np.ndarray) -> np.ndarray:
    return x * (x - 1.0) / 2.0


def adjusted_rand_from_table(table: np.ndarray) -> np.ndarray:
    """Adjusted Rand index of one or many contingency tables (last two axes: clusters x classes).

    Equals ``sklearn.metrics.adjusted_rand_score`` (1.0 in its degenerate cases: both partitions a single
    cluster, or both all singletons).

    >>> float(adjusted_rand_from_table(np.array([[5, 0], [0, 5]])))
    1.0
    """
    counts = np.asarray(table, dtype=float)
    n = counts.sum(axis=(-2, -1))
    index = _comb2(counts).sum(axis=(-2, -1))
    rows = _comb2(counts.sum(axis=-1)).sum(axis=-1)
    cols = _comb2(counts.sum(axis=-2)).sum(axis=-1)
    total = _comb2(n)
    with np.errstate(invalid="ignore", divide="ignore"):
        expected = np.where(total > 0, rows * cols / np.where(total > 0, total, 1.0), 0.0)
        maximum = (rows + cols) / 2.0
        denominator = maximum - expected
        ari = np.where(np.abs(denominator) > 1e-12, (index - expected) / np.where(
            np.abs(denominator) > 1e-12, denominator, 1.0), 1.0)
    return ari


def _contingency(a: np.ndarray, b: np.ndarray, n_a: int, n_b: int, weights: np.ndarray | None = None) -> np.ndarray:
    flat = np.bincount(a * n_b + b, weights=weights, minlength=n_a * n_b)
    return flat.reshape(n_a, n_b)


def _first_appearance_ids(labels: np.ndarray) -> np.ndarray:
    """Renumber labels 0, 1, ... in order of first appearance."""
    _, first, inverse = np.unique(labels, return_index=True, return_inverse=True)
    rank = np.empty(len(first), dtype=int)
    rank[np.argsort(first, kind="stable")] = np.arange(len(first))
    return rank[inverse.ravel()]


def clusterwise_jaccard(original: np.ndarray, resample: np.ndarray, n_original: int) -> np.ndarray:
    """Largest Jaccard similarity of each original cluster with any cluster of a resample clustering.

    Both arrays hold the labels of the same (resampled) points: ``original`` their labels in the
    full-data clustering (0..n_original-1), ``resample`` their labels when the resample is clustered.
    A cluster absent from the resample gets 0 (fpc ``clujaccard(zerobyzero = 0)``).

    >>> clusterwise_jaccard(np.array([0, 0, 1, 1]), np.array([1, 1, 1, 0]), 2).round(3).tolist()
    [0.667, 0.5]

    Reference: fpc 2.2.10, ``clusterboot`` and ``clujaccard``.
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


# ---------------------------------------------------------------------------------- batched k-means


def _kmeans_pp(data: np.ndarray, weights: np.ndarray, k: int, rng: np.random.Generator) -> np.ndarray:
    """Greedy k-means++ seeding of many runs at once (as scikit-learn: 2 + log k candidates per centre, the one
    that lowers the potential most is kept). data (R, n, p), weights (R, n) -> centres (R, k, p)."""
    runs, n, p = data.shape
    rows = np.arange(runs)
    trials = 2 + int(np.log(k))
    centres = np.empty((runs, k, p))

    def draw(mass: np.ndarray, size: int) -> np.ndarray:
        """``size`` indices per run, drawn with probability proportional to ``mass`` (one sorted search)."""
        cumulative = np.cumsum(mass, axis=1)
        empty = cumulative[:, -1] <= 0
        if empty.any():  # every point sits on a centre: draw among the real points
            cumulative[empty] = np.cumsum(weights[empty], axis=1)
        cumulative = cumulative / cumulative[:, -1:] + rows[:, None]  # row r spans (r, r + 1]
        targets = rng.random((runs, size)) + rows[:, None]
        found = np.searchsorted(cumulative.ravel(), targets.ravel(), side="left").reshape(runs, size)
        return np.clip(found - rows[:, None] * n, 0, n - 1)

    first = draw(weights, 1)[:, 0]
    centres[:, 0] = data[rows, first]
    closest = ((data - centres[:, 0][:, None, :]) ** 2).sum(axis=2)
    for j in range(1, k):
        candidates = draw(closest * weights, trials)  # (R, trials)
        points = data[rows[:, None], candidates]  # (R, trials, p)
        distance = ((data[:, None, :, :] - points[:, :, None, :]) ** 2).sum(axis=3)  # (R, trials, n)
        updated = np.minimum(closest[:, None, :], distance)
        best = (updated * weights[:, None, :]).sum(axis=2).argmin(axis=1)
        centres[:, j] = points[rows, best]
        closest = updated[rows, best]
    return centres


def _squared_distances(data: np.ndarray, centres: np.ndarray) -> np.ndarray:
    """(R, n, p) points and (R, k, p) centres -> (R, n, k) squared distances (broadcast per dimension: faster
    than batched matrix products for the few dimensions of a typology)."""
    distances = (data[:, :, 0, None] - centres[:, None, :, 0]) ** 2
    for d in range(1, data.shape[2]):
        distances += (data[:, :, d, None] - centres[:, None, :, d]) ** 2
    return distances


def _lloyd(data: np.ndarray, weights: np.ndarray, centres: np.ndarray, max_iter: int) -> tuple[np.ndarray, np.ndarray]:
    """Lloyd iterations of many runs at once; returns (labels (R, n), inertia (R,)).

    A run stops when its labels no longer change (a fixed point of Lloyd's algorithm); the runs still moving
    are compacted into smaller arrays whenever fewer than half of the current ones moved. Points are assigned
    with single-precision distances (centres are averaged in double precision); the final labels and the
    inertia are recomputed in double precision.
    """
    runs, n, p = data.shape
    k = centres.shape[1]
    centres = centres.copy()
    index = np.arange(runs)
    work_data, work_weights, work_centres = data, weights, centres.copy()
    work_single = data.astype(np.float32)  # assignments in single precision (1.6x faster); means in double
    work_labels = _squared_distances(work_single, work_centres.astype(np.float32)).argmin(axis=2)
    moving = np.ones(runs, dtype=bool)
    for _ in range(max_iter):
        flat = (work_labels + (np.arange(len(index)) * k)[:, None]).ravel()
        counts = np.bincount(flat, weights=work_weights.ravel(), minlength=len(index) * k).reshape(-1, k)
        sums = np.stack(
            [np.bincount(flat, weights=(work_weights * work_data[:, :, d]).ravel(), minlength=len(index) * k)
             .reshape(-1, k) for d in range(p)], axis=2)
        occupied = counts > 0
        work_centres = np.where(occupied[:, :, None], sums / np.where(occupied, counts, 1.0)[:, :, None],
                                work_centres)
        new_labels = _squared_distances(work_single, work_centres.astype(np.float32)).argmin(axis=2)
        moving = (new_labels != work_labels).any(axis=1)
        work_labels = new_labels
        if not moving.any():
            break
        if moving.mean() < 0.5:
            centres[index] = work_centres
            index = index[moving]
            work_data, work_weights, work_single = work_data[moving], work_weights[moving], work_single[moving]
            work_centres, work_labels = work_centres[moving], work_labels[moving]
    centres[index] = work_centres
    distances = _squared_distances(data, centres)
    labels = distances.argmin(axis=2)
    inertia = (np.take_along_axis(distances, labels[:, :, None], axis=2)[:, :, 0] * weights).sum(axis=1)
    return labels, inertia


def kmeans_batch(
    data: np.ndarray,
    k: int,
    n_init: int = 50,
    seed: int | np.random.Generator | np.random.SeedSequence | None = None,
    weights: np.ndarray | None = None,
    max_iter: int = 300,
    chunk_elements: int = 2_000_000,
    init_centres: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """k-means (Lloyd, greedy k-means++ seeding, ``n_init`` starts) of many data sets at once.

    Parameters
    ----------
    data
        ``(n, p)`` or ``(B, n, p)``: B data sets of the same padded size.
    k
        Number of clusters.
    n_init
        Starts per data set; the start with the lowest inertia is kept.
    seed
        Seed or generator.
    weights
        ``(n,)`` or ``(B, n)`` case weights; weight 0 marks padding (a point that is ignored).
    max_iter
        Lloyd iterations at most.
    chunk_elements
        Memory bound: runs are processed in chunks of about this many ``run x point x cluster`` cells.
    init_centres
        ``(k, p)`` or ``(B, k, p)``: one more start per data set from these centres (a warm start).

    Returns
    -------
    (labels, inertia)
        ``(B, n)`` labels (padding points get the label of their nearest centre) and ``(B,)`` inertia; without
        the batch axis when ``data`` is 2-D.

    Examples
    --------
    >>> x = np.array([[0.0, 0], [0, 1], [10, 0], [10, 1]])
    >>> labels, inertia = kmeans_batch(x, 2, n_init=5, seed=1)
    >>> float(inertia), len(set(labels.tolist()))
    (1.0, 2)
    """
    rng = seed if isinstance(seed, np.random.Generator) else np.random.default_rng(seed)
    single = np.ndim(data) == 2
    batch = np.asarray(data, dtype=float)[None] if single else np.asarray(data, dtype=float)
    n_sets, n, _ = batch.shape
    if weights is None:
        w = np.ones((n_sets, n))
    else:
        w = np.asarray(weights, dtype=float)
        w = np.broadcast_to(w[None] if w.ndim == 1 else w, (n_sets, n))
    warm = None
    if init_centres is not None:
        warm = np.asarray(init_centres, dtype=float)
        warm = np.broadcast_to(warm[None] if warm.ndim == 2 else warm, (n_sets, k, batch.shape[2]))
    starts = n_init + (warm is not None)
    best_labels = np.empty((n_sets, n), dtype=int)
    best_inertia = np.empty(n_sets)
    sets_per_chunk = max(1, int(chunk_elements // max(1, starts * n * k)))
    for start in range(0, n_sets, sets_per_chunk):
        stop = min(n_sets, start + sets_per_chunk)
        chunk = np.repeat(batch[start:stop], starts, axis=0)
        chunk_w = np.repeat(w[start:stop], starts, axis=0)
        centres = _kmeans_pp(chunk, chunk_w, k, rng)
        if warm is not None:
            centres[starts - 1 :: starts] = warm[start:stop]
        labels, inertia = _lloyd(chunk, chunk_w, centres, max_iter)
        inertia = inertia.reshape(stop - start, starts)
        best = inertia.argmin(axis=1)
        best_inertia[start:stop] = inertia[np.arange(stop - start), best]
        best_labels[start:stop] = labels.reshape(stop - start, starts, n)[np.arange(stop - start), best]
    if single:
        return best_labels[0], best_inertia[0]
    return best_labels, best_inertia


# --------------------------------------------------------------------------------------- criteria


def _within_ss(data: np.ndarray, labels: np.ndarray) -> float:
    total = 0.0
    for value in np.unique(labels):
        block = data[labels == value]
        total += float(((block - block.mean(axis=0)) ** 2).sum())
    return total


def _partition_bic(data: np.ndarray, labels: np.ndarray) -> float:
    """Classification BIC (lower is better) of a hard partition under mclust's EII model."""
    n, p = data.shape
    wss = _within_ss(data, labels)
    _, sizes = np.unique(labels, return_counts=True)
    k = len(sizes)
    variance = wss / (n * p)
    if variance <= 0:
        return -np.inf
    log_likelihood = float((sizes * np.log(sizes / n)).sum()) - n * p / 2.0 * (math.log(2 * math.pi * variance) + 1)
    n_parameters = k * p + 1 + (k - 1)
    return -2.0 * log_likelihood + n_parameters * math.log(n)


def _ward_labels(tree: np.ndarray, k: int) -> np.ndarray:
    return fcluster(tree, t=k, criterion="maxclust").astype(int) - 1


def resolution_variance(data: np.ndarray, floor: float = 1e-6) -> float:
    """Variance floor for mixture components: ``h^2 / 12`` for data recorded in steps of ``h``.

    ``h`` is the smallest positive gap between distinct values of any column (0.1 for the mean of ten
    1-7 answers). A component cannot be narrower than the rounding of its data (Sheppard's correction:
    rounding to steps of h adds h^2/12 to a variance); without this floor a mixture can put a component
    on a few tied dyads and reach a spuriously high likelihood. Continuous data get ``floor``
    (scikit-learn's default ``reg_covar``).

    >>> round(resolution_variance(np.array([[1.0, 2.0], [1.1, 2.5], [1.3, 2.0]])), 6)
    0.000833
    """
    gaps = []
    for column in np.asarray(data, dtype=float).T:
        distinct = np.unique(column[np.isfinite(column)])
        if len(distinct) > 1:
            gaps.append(float(np.diff(distinct).min()))
    return max(floor, min(gaps) ** 2 / 12.0) if gaps else floor


def _fit_gmm(
    data: np.ndarray, k: int, covariance_type: str, n_init: int, random_state: int, reg_covar: float = 1e-6,
    **init: Any,
) -> tuple[GaussianMixture | None, list[str]]:
    notes: list[str] = []
    model = GaussianMixture(n_components=k, covariance_type=covariance_type, n_init=n_init,
                            random_state=random_state, max_iter=500, reg_covar=reg_covar, **init)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            model.fit(data)
        except (ValueError, np.linalg.LinAlgError) as error:
            return None, [f"Gaussian mixture ({covariance_type}, k = {k}) failed: {error}"]
    if any(issubclass(w.category, SklearnConvergenceWarning) for w in caught) or not model.converged_:
        notes.append(f"Gaussian mixture ({covariance_type}, k = {k}) did not converge in 500 EM iterations")
    return model, notes


def gmm_bic(
    data: Any,
    k_range: Iterable[int] = range(1, 7),
    covariance_types: Sequence[str] = COVARIANCE_TYPES,
    n_init: int = 5,
    seed: int = DEFAULT_SEED,
) -> pd.DataFrame:
    """BIC of Gaussian mixtures (scikit-learn sign, lower is better) for each k and covariance type.

    Parameters
    ----------
    data
        ``(n, p)`` numeric data (array or DataFrame).
    k_range
        Numbers of components.
    covariance_types
        scikit-learn covariance types; mclust's names in :data:`MCLUST_MODELS`.
    n_init
        Initialisations per fit (k-means seeding); the best likelihood is kept.
    seed
        Seed of the initialisations.

    Returns
    -------
    pandas.DataFrame
        Index ``k``, one column per covariance type; NaN where the fit failed. ``-frame`` is mclust's BIC.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> x = np.vstack([rng.normal(0, 1, (50, 2)), rng.normal(8, 1, (50, 2))])
    >>> int(gmm_bic(x, range(1, 4), ["full"]).idxmin().iloc[0])
    2

    Reference: R mclust 6.0.0 ``mclustBIC`` (models VII, VVI, EEE, VVV).
    """
    matrix = np.asarray(data, dtype=float)
    seeds = np.random.SeedSequence(seed).generate_state(len(covariance_types) * 64)
    rows = {}
    with threadpool_limits(limits=1):
        for k in k_range:
            row = {}
            for position, covariance_type in enumerate(covariance_types):
                model, _ = _fit_gmm(matrix, int(k), covariance_type, n_init, int(seeds[position * 64 + int(k) % 64]))
                row[covariance_type] = model.bic(matrix) if model is not None else np.nan
            rows[int(k)] = row
    frame = pd.DataFrame.from_dict(rows, orient="index")
    frame.index.name = "k"
    return frame


def _reference_sets(data: np.ndarray, n_refs: int, rng: np.random.Generator, space: str) -> np.ndarray:
    """Uniform reference data sets as in clusGap (``spaceH0``: "scaledPCA" or "original")."""
    n, p = data.shape
    centre = data.mean(axis=0)
    centred = data - centre
    if space == "scaledPCA":
        _, _, vt = np.linalg.svd(centred, full_matrices=False)
        rotation = vt.T
        rotated = centred @ rotation
    elif space == "original":
        rotation = np.eye(p)
        rotated = centred
    else:
        raise ValueError(f"unknown reference space {space!r}")
    low, high = rotated.min(axis=0), rotated.max(axis=0)
    uniform = low + (high - low) * rng.random((n_refs, n, p))
    return uniform @ rotation.T + centre


def gap_statistic(
    data: Any,
    method: Literal["kmeans", "ward"] = "kmeans",
    k_max: int = 8,
    n_refs: int = 100,
    seed: int | np.random.Generator = DEFAULT_SEED,
    n_init: int = 50,
    ref_n_init: int = 20,
    space: Literal["scaledPCA", "original"] = "scaledPCA",
    observed: dict[int, np.ndarray] | None = None,
) -> pd.DataFrame:
    """Gap statistic (d.power = 2) with its simulation standard error, as R ``cluster::clusGap``.

    Parameters
    ----------
    data
        ``(n, p)`` numeric data.
    method
        ``"kmeans"`` or ``"ward"``.
    k_max
        Largest k (the table covers 1..k_max).
    n_refs
        Number of uniform reference data sets (clusGap's ``B``).
    seed
        Seed of the reference data and the k-means starts.
    n_init, ref_n_init
        k-means starts on the data and on each reference set.
    space
        ``"scaledPCA"`` (clusGap's default: uniform in the box of the principal components) or ``"original"``.
    observed
        Labels already computed on the data, ``{k: labels}`` (skips refitting).

    Returns
    -------
    pandas.DataFrame
        Index ``k``; columns ``log_w`` (log W_k, W_k = WSS / 2 as clusGap with d.power = 2), ``e_log_w``
        (mean over the reference sets), ``gap`` and ``gap_se`` (sd * sqrt(1 + 1/B)). ``frame.attrs`` holds
        the picks ``k_tibshirani`` (Tibs2001SEmax) and ``k_first_se_max`` (firstSEmax).

    Examples
    --------
    >>> rng = np.random.default_rng(3)
    >>> x = np.vstack([rng.normal(c, 0.3, (40, 2)) for c in ([0, 0], [4, 0], [0, 4])])
    >>> gap_statistic(x, "kmeans", k_max=5, n_refs=20, seed=1).attrs["k_tibshirani"]
    3

    Reference: Tibshirani, Walther & Hastie (2001); R cluster 2.1.4 ``clusGap(d.power = 2)``.
    """
    matrix = np.asarray(data, dtype=float)
    rng = seed if isinstance(seed, np.random.Generator) else np.random.default_rng(seed)
    ks = list(range(1, int(k_max) + 1))
    log_w = np.empty(len(ks))
    for position, k in enumerate(ks):
        if observed is not None and k in observed:
            labels = observed[k]
        elif k == 1:
            labels = np.zeros(len(matrix), dtype=int)
        elif method == "kmeans":
            labels, _ = kmeans_batch(matrix, k, n_init=n_init, seed=rng)
        else:
            labels = _ward_labels(linkage(matrix, method="ward"), k)
        log_w[position] = math.log(0.5 * _within_ss(matrix, labels))
    references = _reference_sets(matrix, n_refs, rng, space)
    reference_log_w = np.empty((n_refs, len(ks)))
    reference_log_w[:, 0] = np.log(0.5 * ((references - references.mean(axis=1, keepdims=True)) ** 2).sum(axis=(1, 2)))
    if method == "kmeans":
        for position, k in enumerate(ks[1:], start=1):
            _, inertia = kmeans_batch(references, k, n_init=ref_n_init, seed=rng)
            reference_log_w[:, position] = np.log(0.5 * inertia)
    else:
        for b in range(n_refs):
            tree = linkage(references[b], method="ward")
            for position, k in enumerate(ks[1:], start=1):
                reference_log_w[b, position] = math.log(0.5 * _within_ss(references[b], _ward_labels(tree, k)))
    e_log_w = reference_log_w.mean(axis=0)
    gap = e_log_w - log_w
    gap_se = np.sqrt((1.0 + 1.0 / n_refs) * reference_log_w.var(axis=0, ddof=1))
    frame = pd.DataFrame({"log_w": log_w, "e_log_w": e_log_w, "gap": gap, "gap_se": gap_se},
                         index=pd.Index(ks, name="k"))
    frame.attrs["k_tibshirani"] = max_se(gap, gap_se, "Tibs2001SEmax")
    frame.attrs["k_first_se_max"] = max_se(gap, gap_se, "firstSEmax")
    frame.attrs["n_refs"] = n_refs
    return frame


# --------------------------------------------------------------------------------------- agreement


@dataclass
class Agreement:
    """Agreement of a partition with reference (theory) labels.

    Attributes
    ----------
    ari
        Adjusted Rand index (no matching needed).
    p_value
        Permutation p value of the ARI (reference labels permuted; ``(1 + #{ARI* >= ARI}) / (n_perm + 1)``).
    confusion
        Clusters (rows, in first-appearance order, labelled by their original values) x categories.
    mapping
        Cluster label -> matched category (Hungarian matching on the confusion table), ``None`` if unmatched.
    kappa, accuracy
        Cohen's kappa and the share of agreement after matching: optimistic, the matching maximises them.
    n
        Cases with both labels.
    """

    ari: float
    p_value: float
    confusion: pd.DataFrame
    mapping: dict[Any, str | None]
    kappa: float
    accuracy: float
    n: int


def _permuted_ari(labels: np.ndarray, permutations: np.ndarray, k: int, n_categories: int) -> np.ndarray:
    """ARI of fixed cluster labels against each row of permuted category codes (vectorised)."""
    n_perm = len(permutations)
    cells = k * n_categories
    codes = labels[None, :] * n_categories + permutations + (np.arange(n_perm) * cells)[:, None]
    tables = np.bincount(codes.ravel(), minlength=n_perm * cells).reshape(n_perm, k, n_categories)
    return adjusted_rand_from_table(tables)


def _match(table: np.ndarray) -> tuple[np.ndarray, float, float]:
    """Hungarian matching of clusters (rows) to categories (columns).

    Returns (category index per cluster or -1, accuracy, kappa) after matching.
    """
    rows, cols = linear_sum_assignment(-table)
    assignment = np.full(table.shape[0], -1)
    assignment[rows] = cols
    n = table.sum()
    if n == 0:
        return assignment, np.nan, np.nan
    accuracy = float(table[rows, cols].sum() / n)
    predicted = np.zeros(table.shape[1])
    for cluster, category in enumerate(assignment):
        if category >= 0:
            predicted[category] += table[cluster].sum()
    chance = float((predicted / n) @ (table.sum(axis=0) / n))
    kappa = (accuracy - chance) / (1.0 - chance) if chance < 1.0 else np.nan
    return assignment, accuracy, kappa


def _category_order(values: Iterable[Any]) -> list[Any]:
    present = [v for v in pd.unique(pd.Series(list(values), dtype=object)) if not _missing(v)]
    if all(v in CONFIGURATIONS for v in present):
        return list(CONFIGURATIONS)
    return sorted(present, key=str)


def _missing(value: Any) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA


def partition_agreement(
    labels: Any,
    theory: Any,
    n_perm: int = 999,
    seed: int = DEFAULT_SEED,
) -> Agreement:
    """Agreement of cluster labels with theory labels: ARI with permutation p, matched kappa and accuracy.

    Parameters
    ----------
    labels
        Cluster labels (any hashable values).
    theory
        Reference labels, same length; missing values are left out.
    n_perm
        Permutations of the theory labels for the p value.
    seed
        Seed of the permutations.

    Returns
    -------
    Agreement

    Examples
    --------
    >>> a = partition_agreement([1, 1, 2, 2, 3, 3], ["x", "x", "y", "y", "z", "z"], n_perm=99, seed=1)
    >>> round(a.ari, 3), a.accuracy, a.mapping
    (1.0, 1.0, {1: 'x', 2: 'y', 3: 'z'})

    Reference: Hubert & Arabie (1985); Hungarian matching with scipy ``linear_sum_assignment``.
    """
    label_values = pd.Series(list(labels), dtype=object)
    theory_values = pd.Series(list(theory), dtype=object)
    if len(label_values) != len(theory_values):
        raise SpecificationError(f"labels ({len(label_values)}) and theory ({len(theory_values)}) differ in length",
                                 fix="pass one theory label per clustered case")
    keep = ~(label_values.map(_missing) | theory_values.map(_missing)).to_numpy()
    label_values, theory_values = label_values[keep], theory_values[keep]
    first = list(pd.unique(label_values))
    label_codes = label_values.map({v: i for i, v in enumerate(first)}).to_numpy(dtype=int)
    categories = _category_order(theory_values)
    theory_codes = theory_values.map({v: i for i, v in enumerate(categories)}).to_numpy(dtype=int)
    table = _contingency(label_codes, theory_codes, len(first), len(categories))
    ari = float(adjusted_rand_from_table(table))
    rng = np.random.default_rng(seed)
    permutations = rng.permuted(np.broadcast_to(theory_codes, (n_perm, len(theory_codes))), axis=1)
    null = _permuted_ari(label_codes, permutations, len(first), len(categories))
    p_value = float((1 + np.sum(null >= ari - 1e-12)) / (n_perm + 1))
    assignment, accuracy, kappa = _match(table)
    mapping = {value: (categories[a] if a >= 0 else None) for value, a in zip(first, assignment, strict=True)}
    confusion = pd.DataFrame(table, index=pd.Index(first, name="cluster"), columns=pd.Index(categories, name="theory"))
    return Agreement(ari=ari, p_value=p_value, confusion=confusion, mapping=mapping, kappa=float(kappa),
                     accuracy=float(accuracy), n=int(keep.sum()))


# ------------------------------------------------------------------------------------- the result


_METHOD_LABELS = {"kmeans": "typology.kmeans", "ward": "typology.ward", "gmm": "typology.gmm"}


def _method_label(method: str, lang: str) -> str:
    return tr(_METHOD_LABELS.get(method, method), lang, default=method)


@dataclass
class ClusterCheck:
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
    warnings: list[str] = field(default_factory=list)

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

    def to_table(self, lang: str = "en") -> dict[str, Table]:
        """The report tables: ``cluster_k_selection``, ``cluster_k_picks``, ``cluster_agreement``,
        ``cluster_crosstab``, ``cluster_stability``, ``cluster_centroids`` and ``cluster_verdict``."""
        return _tables(self, check_lang(lang))


# ------------------------------------------------------------------------------------ cluster_check


def _validate_request(
    methods: Sequence[str], k: int, k_range: Iterable[int], n_boot: int, n_perm: int, kmeans_n_init: int,
    gmm_n_init: int, gap_b: int, covariance_types: Sequence[str],
) -> tuple[tuple[str, ...], list[int]]:
    methods = tuple(methods)
    unknown = [m for m in methods if m not in METHODS]
    if not methods or unknown or len(set(methods)) != len(methods):
        raise SpecificationError(f"methods must be distinct names among {METHODS}, got {methods}", value=methods,
                                 fix='use e.g. methods=("kmeans", "ward", "gmm")')
    if isinstance(k, bool) or not isinstance(k, int | np.integer) or k < 2:
        raise SpecificationError(f"k must be an integer >= 2, got {k!r}", value=k, fix="use k=4 for the typology")
    ks = sorted({int(v) for v in k_range})
    if not ks or ks[0] != 1 or ks != list(range(1, ks[-1] + 1)):
        raise SpecificationError(
            f"k_range must be consecutive integers starting at 1, got {ks}", value=ks,
            fix="use k_range=range(1, 9): k = 1 must be a candidate so that the check can find no cluster structure",
        )
    if n_boot < 10 or n_perm < 19:
        raise SpecificationError(f"n_boot must be >= 10 and n_perm >= 19 (got {n_boot}, {n_perm})",
                                 fix="use n_boot=200 and n_perm=999 (the defaults)")
    if kmeans_n_init < 1 or gmm_n_init < 1 or gap_b < 2:
        raise SpecificationError("kmeans_n_init and gmm_n_init must be >= 1, gap_b >= 2",
                                 fix="keep the defaults (50, 5, 100)")
    bad_types = [c for c in covariance_types if c not in COVARIANCE_TYPES]
    if bad_types or not covariance_types:
        raise SpecificationError(f"unknown covariance types {bad_types}", fix=f"use some of {COVARIANCE_TYPES}")
    return methods, ks


def _theory_series(theory: Any, frame: pd.DataFrame) -> pd.Series | None:
    if theory is None:
        return None
    if isinstance(theory, str):
        if theory not in frame.columns:
            raise SpecificationError(f"the theory column {theory!r} is not in the dyad table", column=theory,
                                     fix="pass the column holding the expected configuration of each dyad")
        return frame[theory].astype(object)
    if isinstance(theory, pd.Series):
        if theory.index.equals(frame.index):
            return theory.astype(object)
        if len(theory.index.unique()) == len(theory) and set(frame.index) <= set(theory.index):
            return theory.reindex(frame.index).astype(object)
        raise SpecificationError("the theory labels do not cover the dyads (index mismatch)",
                                 fix="pass a Series indexed like the dyad table, or a list in its row order")
    values = list(theory)
    if len(values) != len(frame):
        raise SpecificationError(f"{len(values)} theory labels for {len(frame)} dyads",
                                 fix="pass one theory label per dyad, in the dyad table's row order")
    return pd.Series(values, index=frame.index, dtype=object)


def _warn(messages: list[str], text: str, category: type[Warning]) -> None:
    warnings.warn(text, category, stacklevel=3)
    messages.append(text)


def _silhouette(distances: np.ndarray | None, data: np.ndarray, labels: np.ndarray, seed: int) -> float:
    n_labels = len(np.unique(labels))
    if n_labels < 2 or n_labels >= len(labels):
        return np.nan
    if distances is not None:
        return float(silhouette_score(distances, labels, metric="precomputed"))
    return float(silhouette_score(data, labels, sample_size=2000, random_state=seed))


def _resolve_dyads(
    frame: pd.DataFrame, variables: tuple[str, ...], k: int, messages: list[str],
) -> tuple[pd.DataFrame, int]:
    for column in variables:
        if column not in frame.columns:
            raise SpecificationError(f"the clustering variable {column!r} is not in the dyad table", column=column,
                                     fix=f"choose variables among {', '.join(map(str, frame.columns[:12]))}")
        if not pd.api.types.is_numeric_dtype(frame[column]):
            raise SpecificationError(f"the clustering variable {column!r} is not numeric", column=column,
                                     fix="cluster on numeric scores (dyad means)")
    values = frame[list(variables)].astype(float)
    infinite = ~np.isfinite(values.to_numpy()) & values.notna().to_numpy()
    if infinite.any():
        row, col = np.argwhere(infinite)[0]
        raise SpecificationError("a clustering variable holds an infinite value", row=int(row) + 1,
                                 column=variables[col], value=float(values.iat[row, col]),
                                 fix="check the scoring of this dyad")
    missing = values.isna()
    dropped = missing.any(axis=1)
    n_dropped = int(dropped.sum())
    if n_dropped:
        per_variable = ", ".join(f"{c}: {int(missing[c].sum())}" for c in variables if missing[c].any())
        _warn(messages, f"{n_dropped} of {len(frame)} dyads dropped from the cluster check because a clustering "
                        f"score is missing ({per_variable})", DataQualityWarning)
    used = frame.loc[~dropped]
    n = len(used)
    if n < MIN_PER_CLUSTER * k:
        raise SpecificationError(
            f"{n} complete dyads for k = {k} clusters: at least {MIN_PER_CLUSTER} dyads per cluster "
            f"({MIN_PER_CLUSTER * k}) are needed" + (f" ({n_dropped} dropped for missing scores)" if n_dropped else ""),
            fix="collect more dyads, ask for fewer clusters, or complete the missing scores",
        )
    for column in variables:
        if float(used[column].max() - used[column].min()) == 0.0:
            raise SpecificationError(
                f"the clustering variable {column!r} is constant ({float(used[column].iloc[0]):g}) in every dyad",
                column=column, value=float(used[column].iloc[0]),
                fix="drop it from the clustering variables; a constant dimension cannot separate clusters",
            )
    n_distinct = len(used[list(variables)].drop_duplicates())
    if n_distinct < k:
        raise SpecificationError(f"only {n_distinct} distinct score profiles for k = {k} clusters",
                                 fix="ask for fewer clusters")
    return used, n_dropped


def _fit_methods(
    z: np.ndarray,
    ks: list[int],
    methods: tuple[str, ...],
    covariance_types: Sequence[str],
    kmeans_n_init: int,
    gmm_n_init: int,
    streams: dict[str, np.random.SeedSequence],
    messages: list[str],
) -> tuple[dict[str, dict[int, np.ndarray]], dict[int, dict[str, Any]], pd.DataFrame, dict[str, dict[int, float]]]:
    """Fit every method at every k. Returns labels, mixture models, mixture BIC table and method BICs."""
    labels: dict[str, dict[int, np.ndarray]] = {m: {} for m in methods}
    bics: dict[str, dict[int, float]] = {m: {} for m in methods}
    reg_covar = resolution_variance(z)
    mixtures: dict[int, dict[str, Any]] = {}
    gmm_table = pd.DataFrame(index=pd.Index(ks, name="k"), columns=list(covariance_types), dtype=float)
    if "kmeans" in methods:
        states = streams["kmeans"].generate_state(len(ks))
        for position, k in enumerate(ks):
            if k == 1:
                labels["kmeans"][k] = np.zeros(len(z), dtype=int)
            else:
                with warnings.catch_warnings(record=True) as caught:
                    warnings.simplefilter("always")
                    model = KMeans(n_clusters=k, n_init=kmeans_n_init, random_state=int(states[position])).fit(z)
                if any(issubclass(w.category, SklearnConvergenceWarning) for w in caught):
                    _warn(messages, f"k-means with k = {k}: fewer distinct clusters than asked (duplicate points)",
                          ConvergenceWarning)
                labels["kmeans"][k] = model.labels_.astype(int)
            bics["kmeans"][k] = _partition_bic(z, labels["kmeans"][k])
    if "ward" in methods:
        tree = linkage(z, method="ward")
        for k in ks:
            labels["ward"][k] = _ward_labels(tree, k) if k > 1 else np.zeros(len(z), dtype=int)
            bics["ward"][k] = _partition_bic(z, labels["ward"][k])
    if "gmm" in methods:
        states = streams["gmm"].generate_state(len(ks) * len(covariance_types))
        failures: list[str] = []
        for position, k in enumerate(ks):
            best: tuple[float, str, Any] | None = None
            for t, covariance_type in enumerate(covariance_types):
                state = int(states[position * len(covariance_types) + t])
                model, notes = _fit_gmm(z, k, covariance_type, gmm_n_init, state, reg_covar)
                failures.extend(notes)
                if model is None:
                    continue
                bic = float(model.bic(z))
                gmm_table.loc[k, covariance_type] = bic
                if best is None or bic < best[0]:
                    best = (bic, covariance_type, model)
            if best is None:
                raise SpecificationError(f"no Gaussian mixture with k = {k} could be fitted",
                                         fix="drop 'gmm' from the methods or check the data")
            mixtures[k] = {"covariance_type": best[1], "model": best[2], "reg_covar": reg_covar}
            labels["gmm"][k] = best[2].predict(z).astype(int)
            bics["gmm"][k] = best[0]
        if failures:
            _warn(messages, "; ".join(failures[:5]) + (f" (and {len(failures) - 5} more)" if len(failures) > 5 else ""),
                  ConvergenceWarning)
    return labels, mixtures, gmm_table, bics


def _bootstrap(
    z: np.ndarray,
    k: int,
    methods: tuple[str, ...],
    final: dict[str, np.ndarray],
    n_clusters: dict[str, int],
    mixture: dict[str, Any] | None,
    theory_codes: np.ndarray | None,
    n_categories: int,
    n_boot: int,
    boot_n_init: int,
    streams: dict[str, np.random.SeedSequence],
    messages: list[str],
) -> tuple[dict[str, np.ndarray], dict[str, np.ndarray]]:
    """clusterboot-style resampling: clusterwise Jaccard (n_boot x clusters) and ARI per resample."""
    n = len(z)
    draws = np.random.default_rng(streams["boot"]).integers(0, n, size=(n_boot, n))
    counts = np.bincount((draws + (np.arange(n_boot) * n)[:, None]).ravel(), minlength=n_boot * n).reshape(n_boot, n)
    samples = [np.flatnonzero(row) for row in counts]
    boot_labels: dict[str, list[np.ndarray]] = {m: [] for m in methods}
    if "kmeans" in methods:
        size = max(len(s) for s in samples)
        padded = np.zeros((n_boot, size, z.shape[1]))
        weights = np.zeros((n_boot, size))
        for b, sample in enumerate(samples):
            padded[b, : len(sample)] = z[sample]
            padded[b, len(sample):] = z[sample[0]]
            weights[b, : len(sample)] = 1.0
        centres = np.vstack([z[final["kmeans"] == c].mean(axis=0) for c in range(n_clusters["kmeans"])])
        labels, _ = kmeans_batch(padded, n_clusters["kmeans"], n_init=boot_n_init, weights=weights,
                                 seed=np.random.default_rng(streams["boot_kmeans"]), init_centres=centres)
        boot_labels["kmeans"] = [labels[b, : len(s)] for b, s in enumerate(samples)]
    if "ward" in methods:
        boot_labels["ward"] = [_ward_labels(linkage(z[s], method="ward"), k) for s in samples]
    if "gmm" in methods and mixture is not None:
        model = mixture["model"]
        covariance_type = mixture["covariance_type"]
        states = streams["boot_gmm"].generate_state(n_boot)
        n_failed = 0
        for b, sample in enumerate(samples):
            data = z[sample]
            candidates = []
            for init in ({"means_init": model.means_, "weights_init": model.weights_,
                          "precisions_init": model.precisions_},
                         {"init_params": "k-means++"}):
                fitted, notes = _fit_gmm(data, k, covariance_type, 1, int(states[b]), mixture["reg_covar"], **init)
                if fitted is not None:
                    candidates.append((float(fitted.score(data)), fitted))
            if not candidates:
                n_failed += 1
                boot_labels["gmm"].append(np.zeros(len(sample), dtype=int))
                continue
            best = max(candidates, key=lambda item: item[0])[1]
            boot_labels["gmm"].append(best.predict(data).astype(int))
        if n_failed:
            _warn(messages, f"the Gaussian mixture could not be refitted on {n_failed} of {n_boot} resamples "
                            "(counted as one cluster)", ConvergenceWarning)
    jaccard: dict[str, np.ndarray] = {}
    aris: dict[str, np.ndarray] = {}
    for method in methods:
        jaccard[method] = np.vstack([
            clusterwise_jaccard(final[method][s], boot_labels[method][b], n_clusters[method])
            for b, s in enumerate(samples)
        ])
        if theory_codes is None:
            continue
        values = np.empty(n_boot)
        for b, sample in enumerate(samples):
            keep = theory_codes[sample] >= 0
            resample_labels = _first_appearance_ids(boot_labels[method][b][keep])
            n_resample = int(resample_labels.max()) + 1 if len(resample_labels) else 1
            table = _contingency(resample_labels, theory_codes[sample][keep], n_resample, n_categories,
                                 weights=counts[b, sample][keep].astype(float))
            values[b] = float(adjusted_rand_from_table(table))
        aris[method] = values
    return jaccard, aris


def cluster_check(
    dyads: Any,
    variables: Sequence[str] = ("link", "symmetry"),
    k: int = 4,
    methods: Sequence[str] = METHODS,
    k_range: Iterable[int] = range(1, 9),
    n_boot: int = 200,
    n_perm: int = 999,
    theory: Any = None,
    seed: int = DEFAULT_SEED,
    *,
    link: str = "link",
    symmetry: str = "symmetry",
    cut: Any = "midpoint",
    scale: tuple[float, float] = (1, 7),
    asymmetry: Literal["perceived", "dep_asymmetry", "both"] = "perceived",
    dep_asymmetry: str = "dep_asymmetry",
    dep_cut: Any = None,
    standardize: bool = False,
    kmeans_n_init: int = 50,
    gmm_n_init: int = 5,
    covariance_types: Sequence[str] = COVARIANCE_TYPES,
    gap_b: int = 100,
    gap_n_init: int = 10,
    boot_n_init: int = 10,
    conf_level: float = 0.95,
) -> ClusterCheck:
    """Do the dyads show the theory's configurations? k selection, agreement, stability, centroids, verdict.

    Parameters
    ----------
    dyads
        One row per dyad (DataFrame or ``Dyads``).
    variables
        Numeric columns to cluster on (default the two typology dimensions).
    k
        Number of clusters the theory predicts (4).
    methods
        Any of ``"kmeans"``, ``"ward"``, ``"gmm"``.
    k_range
        Candidate numbers of clusters for the selection criteria: consecutive from 1 (values above
        n / 5 are dropped with a warning).
    n_boot
        Resamples for stability and the ARI interval (fpc::clusterboot ``B``; Hennig advises >= 100).
    n_perm
        Permutations for the ARI p value.
    theory
        Theory labels: ``None`` (default: :func:`~alliance_stats.typology.classification` with ``cut``, ``scale``,
        ``asymmetry`` when link and symmetry are among the variables; otherwise no comparison), a column name
        of ``dyads``, a Series indexed like ``dyads`` or a list in row order.
    seed
        Seed of every random step (k-means starts, mixture starts, gap references, resamples, permutations):
        an integer or a ``numpy.random.SeedSequence``.
    link, symmetry, cut, scale, asymmetry, dep_asymmetry, dep_cut
        The crisp rule (:func:`~alliance_stats.typology.classification`) for the default theory and the centroid check.
    standardize
        Cluster on z-scores (for variables on different scales); link and symmetry share the 1-7 scale, so
        the default clusters on raw scores. Centroids are always on the original scale.
    kmeans_n_init
        k-means starts on the data at every k (>= 50 by default).
    boot_n_init
        Fresh k-means++ starts on each resample, in addition to the warm start from the data's centres.
    gmm_n_init
        Initialisations per mixture fit on the data (each covariance type, each k).
    covariance_types
        Mixture covariance types tried at every k.
    gap_b, gap_n_init
        Reference data sets of the gap statistic and k-means starts on each.
    conf_level
        Level of the bootstrap interval of the ARI.

    Returns
    -------
    ClusterCheck
        With ``k_selection``, ``k_picks``, ``labels``, ``confusion``, ``ari`` (+ ``ari_p``, ``ari_ci``),
        ``kappa``, ``accuracy`` (optimistic), ``stability``, ``centroids``, ``checks``, ``verdict``,
        ``reasons``, ``warnings``; ``to_table(lang)`` gives the report tables.

    Raises
    ------
    SpecificationError
        Unknown or non-numeric variable, fewer than 5 complete dyads per requested cluster, a constant
        variable, a bad option. Dyads with a missing clustering score are dropped with a warning.

    Notes
    -----
    The verdict rule (module docstring): each method passes or fails four checks at k (k selection by BIC
    or gap; ARI >= .65 with p < .05; every cluster's mean Jaccard >= .75; one configuration per cluster
    with every centroid in its quadrant). "not supported" (checked first): more than half of the BIC/gap
    picks say k = 1, or no method agrees with the theory beyond chance. "supported": at least half the
    methods (2 of 3) pass all four. "partly supported": anything else. ``.reasons`` lists the evidence.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> rng = np.random.default_rng(1)
    >>> centres = [(5.5, 5.5), (5.5, 2.5), (2.5, 5.5), (2.5, 2.5)]
    >>> x = np.vstack([rng.normal(c, 0.4, (25, 2)) for c in centres]).clip(1, 7)
    >>> d = pd.DataFrame(x, columns=["link", "symmetry"])
    >>> check = cluster_check(d, methods=("kmeans", "ward"), k_range=range(1, 7), n_boot=20, n_perm=99, seed=3)
    >>> check.verdict, round(check.ari["kmeans"], 2)
    ('supported', 1.0)

    Reference: Hennig (2007), fpc::clusterboot; Tibshirani et al. (2001), cluster::clusGap; mclust 6.0.0
    mclustBIC; Steinley (2004).
    """
    with threadpool_limits(limits=1):
        return _cluster_check(
            dyads, variables, k, methods, k_range, n_boot, n_perm, theory, seed, link, symmetry, cut, scale,
            asymmetry, dep_asymmetry, dep_cut, standardize, kmeans_n_init, gmm_n_init, covariance_types, gap_b,
            gap_n_init, boot_n_init, conf_level)


def _cluster_check(
    dyads: Any, variables: Sequence[str], k: int, methods: Sequence[str], k_range: Iterable[int], n_boot: int,
    n_perm: int, theory: Any, seed: int, link: str, symmetry: str, cut: Any, scale: tuple[float, float],
    asymmetry: str, dep_asymmetry: str, dep_cut: Any, standardize: bool, kmeans_n_init: int, gmm_n_init: int,
    covariance_types: Sequence[str], gap_b: int, gap_n_init: int, boot_n_init: int, conf_level: float,
) -> ClusterCheck:
    messages: list[str] = []
    frame = dyad_frame(dyads)
    variables = tuple(variables)
    if len(variables) == 0 or len(set(variables)) != len(variables):
        raise SpecificationError(f"variables must be distinct column names, got {variables}",
                                 fix='use e.g. variables=("link", "symmetry")')
    methods, ks = _validate_request(methods, k, k_range, n_boot, n_perm, kmeans_n_init, gmm_n_init, gap_b,
                                    covariance_types)
    if boot_n_init < 0 or gap_n_init < 1:
        raise SpecificationError("boot_n_init must be >= 0 and gap_n_init >= 1", fix="keep the defaults (10, 10)")
    if asymmetry not in ASYMMETRY_MEASURES:
        raise SpecificationError(f"unknown asymmetry measure {asymmetry!r}", value=asymmetry,
                                 fix=f"use one of {', '.join(ASYMMETRY_MEASURES)}")
    given_theory = _theory_series(theory, frame)
    used, n_dropped = _resolve_dyads(frame, variables, k, messages)
    n = len(used)
    if ks[-1] > n // MIN_PER_CLUSTER:
        kept = [v for v in ks if v <= max(k, n // MIN_PER_CLUSTER)]
        _warn(messages, f"k_range trimmed to 1..{kept[-1]}: with {n} dyads a solution needs "
                        f"{MIN_PER_CLUSTER} dyads per cluster", SparseDataWarning)
        ks = kept
    if k > ks[-1]:
        ks = list(range(1, k + 1))

    # theory labels and the crisp rule (for the centroid check)
    rule_columns = [link] + ([symmetry] if asymmetry != "dep_asymmetry" else []) + (
        [dep_asymmetry] if asymmetry != "perceived" else [])
    rule_available = all(c in used.columns for c in rule_columns)
    cuts: dict[str, float] | None = None
    if rule_available:
        cuts = resolve_cuts(used, link, symmetry, cut, scale, asymmetry, dep_asymmetry, dep_cut)
    if given_theory is not None:
        theory_series = given_theory.loc[used.index]
    elif link in variables and (symmetry in variables or asymmetry == "dep_asymmetry") and rule_available:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DataQualityWarning)
            theory_series = classify(used, link, symmetry, cut, scale, asymmetry, dep_asymmetry, dep_cut).astype(object)
        theory_series = theory_series.where(theory_series.notna(), None)
    else:
        theory_series = None
    categories: list[Any] = []
    theory_codes_original: np.ndarray | None = None
    if theory_series is not None:
        categories = _category_order(theory_series)
        lookup = {v: i for i, v in enumerate(categories)}
        theory_codes_original = np.array([-1 if _missing(v) else lookup[v] for v in theory_series], dtype=int)
        n_no_theory = int((theory_codes_original < 0).sum())
        if n_no_theory:
            _warn(messages, f"{n_no_theory} of {n} dyads have no theory label and are left out of the agreement "
                            "measures (they are still clustered)", DataQualityWarning)
        if n_no_theory == n:
            theory_series, theory_codes_original, categories = None, None, []
    centroid_check_possible = (rule_available and theory_series is not None
                               and all(c in CONFIGURATIONS for c in categories))

    # canonical order: results do not depend on the input row order
    x_original = used[list(variables)].to_numpy(dtype=float)
    sort_keys = [x_original[:, j] for j in reversed(range(x_original.shape[1]))]
    if theory_codes_original is not None:
        sort_keys = [theory_codes_original] + sort_keys
    order = np.lexsort(sort_keys)
    x = x_original[order]
    theory_codes = theory_codes_original[order] if theory_codes_original is not None else None
    z = (x - x.mean(axis=0)) / x.std(axis=0, ddof=1) if standardize else x
    names = ("kmeans", "gmm", "gap", "boot", "boot_kmeans", "boot_gmm", "perm", "silhouette")
    if isinstance(seed, np.random.SeedSequence):  # a copy: spawning must not change the caller's sequence
        root = np.random.SeedSequence(seed.entropy, spawn_key=seed.spawn_key)
        seed_record: Any = {"entropy": int(seed.entropy), "spawn_key": [int(v) for v in seed.spawn_key]}
    else:
        root, seed_record = np.random.SeedSequence(seed), seed
    streams = dict(zip(names, root.spawn(len(names)), strict=True))

    # 1. every method at every k, and the selection criteria
    fits, mixtures, gmm_table, bics = _fit_methods(z, ks, methods, covariance_types, kmeans_n_init, gmm_n_init,
                                                   streams, messages)
    distances = squareform(pdist(z)) if n <= 3000 else None
    silhouette_seed = int(streams["silhouette"].generate_state(1)[0])
    gap_rng = np.random.default_rng(streams["gap"])
    gap_tables: dict[str, pd.DataFrame] = {}
    for method in methods:
        if method in ("kmeans", "ward"):
            gap_tables[method] = gap_statistic(z, method, k_max=ks[-1], n_refs=gap_b, seed=gap_rng,
                                               ref_n_init=gap_n_init, observed=fits[method])
    selection_rows = []
    for method in methods:
        for kk in ks:
            labels_k = fits[method][kk]
            gap_row = gap_tables[method].loc[kk] if method in gap_tables else None
            selection_rows.append({
                "method": method,
                "k": kk,
                "bic": bics[method][kk],
                "covariance_type": mixtures[kk]["covariance_type"] if method == "gmm" else "",
                "silhouette": _silhouette(distances, z, labels_k, silhouette_seed),
                "calinski_harabasz": (float(calinski_harabasz_score(z, labels_k))
                                      if len(np.unique(labels_k)) > 1 else np.nan),
                "gap": float(gap_row["gap"]) if gap_row is not None else np.nan,
                "gap_se": float(gap_row["gap_se"]) if gap_row is not None else np.nan,
            })
    k_selection = pd.DataFrame(selection_rows)
    picks = {}
    for method in methods:
        rows = k_selection[k_selection["method"] == method].set_index("k")
        picks[method] = {
            "bic": int(rows["bic"].idxmin()),
            "silhouette": int(rows["silhouette"].idxmax()) if rows["silhouette"].notna().any() else np.nan,
            "calinski_harabasz": (int(rows["calinski_harabasz"].idxmax())
                                  if rows["calinski_harabasz"].notna().any() else np.nan),
            "gap_tibshirani": gap_tables[method].attrs["k_tibshirani"] if method in gap_tables else np.nan,
            "gap_first_se_max": gap_tables[method].attrs["k_first_se_max"] if method in gap_tables else np.nan,
        }
    k_picks = pd.DataFrame.from_dict(picks, orient="index")
    k_picks.index.name = "method"
    gap_frame = pd.concat({m: t for m, t in gap_tables.items()}, names=["method", "k"]) if gap_tables else pd.DataFrame(
        columns=["log_w", "e_log_w", "gap", "gap_se"])

    # 2. the solution at k: number clusters after matching with the theory
    final: dict[str, np.ndarray] = {}
    n_clusters: dict[str, int] = {}
    matching: dict[str, dict[int, str | None]] = {}
    confusion: dict[str, pd.DataFrame] = {}
    ari: dict[str, float] = {}
    ari_p: dict[str, float] = {}
    kappa: dict[str, float] = {}
    accuracy: dict[str, float] = {}
    n_categories = len(categories)
    if theory_codes is not None:
        with_theory = theory_codes >= 0
        base = theory_codes[with_theory]
        permutations = np.random.default_rng(streams["perm"]).permuted(
            np.broadcast_to(base, (n_perm, len(base))), axis=1)
    for method in methods:
        ids = _first_appearance_ids(fits[method][k])
        n_found = int(ids.max()) + 1
        if n_found < k:
            _warn(messages, f"{method}: only {n_found} non-empty clusters of the {k} asked for", SparseDataWarning)
        if theory_codes is not None:
            table = _contingency(ids[with_theory], base, n_found, n_categories)
            assignment, acc, kap = _match(table)
            matched_order = sorted(range(n_found), key=lambda c: (assignment[c] < 0, assignment[c], c))
        else:
            assignment = np.full(n_found, -1)
            acc = kap = np.nan
            matched_order = list(range(n_found))
        renumber = np.empty(n_found, dtype=int)
        renumber[matched_order] = np.arange(n_found)
        final[method] = renumber[ids]
        n_clusters[method] = n_found
        matching[method] = {int(renumber[c]) + 1: (categories[assignment[c]] if assignment[c] >= 0 else None)
                            for c in range(n_found)}
        matching[method] = dict(sorted(matching[method].items()))
        sizes = np.bincount(final[method], minlength=n_found)
        small = [int(c) + 1 for c in np.flatnonzero(sizes < MIN_PER_CLUSTER)]
        if small:
            _warn(messages, f"{method}: cluster(s) {small} hold fewer than {MIN_PER_CLUSTER} dyads",
                  SparseDataWarning)
        if theory_codes is not None:
            table = _contingency(final[method][with_theory], base, n_found, n_categories)
            confusion[method] = pd.DataFrame(table, index=pd.Index(range(1, n_found + 1), name="cluster"),
                                             columns=pd.Index(categories, name="theory"))
            ari[method] = float(adjusted_rand_from_table(table))
            null = _permuted_ari(final[method][with_theory], permutations, n_found, n_categories)
            ari_p[method] = float((1 + np.sum(null >= ari[method] - 1e-12)) / (n_perm + 1))
            kappa[method], accuracy[method] = float(kap), float(acc)

    # 3. stability (and the ARI bootstrap interval) on the same resamples
    jaccard, boot_ari = _bootstrap(z, k, methods, final, n_clusters, mixtures.get(k), theory_codes, n_categories,
                                   n_boot, boot_n_init, streams, messages)
    tail = (1.0 - conf_level) / 2.0
    ari_ci = {m: (float(np.quantile(v, tail)), float(np.quantile(v, 1.0 - tail))) for m, v in boot_ari.items()}
    stability_rows = []
    for method in methods:
        sizes = np.bincount(final[method], minlength=n_clusters[method])
        for c in range(n_clusters[method]):
            values = jaccard[method][:, c]
            mean = float(values.mean())
            stability_rows.append({
                "method": method, "cluster": c + 1, "configuration": matching[method][c + 1], "n": int(sizes[c]),
                "mean_jaccard": mean, "dissolved": int((values <= DISSOLVED_JACCARD).sum()),
                "recovered": int((values > STABLE_JACCARD).sum()), "reading": hennig_reading(mean),
            })
    stability = pd.DataFrame(stability_rows)
    for method in methods:
        weak = stability[(stability["method"] == method) & (stability["mean_jaccard"] < PATTERN_JACCARD)]
        if len(weak):
            _warn(messages, f"{method}: cluster(s) {weak['cluster'].tolist()} are not stable under resampling "
                            f"(mean Jaccard < .60: not trustworthy, Hennig 2007)", StabilityWarning)

    # 4. centroids on the original scale and their quadrant
    centroid_columns = list(variables) + [c for c in rule_columns if rule_available and c not in variables]
    original = used[centroid_columns].to_numpy(dtype=float)[order]
    centroid_rows = []
    for method in methods:
        centroid_frame = pd.DataFrame(
            [np.nanmean(original[final[method] == c], axis=0) for c in range(n_clusters[method])],
            columns=centroid_columns)
        if centroid_check_possible and cuts is not None:
            quadrants, _ = _classify_with_cuts(centroid_frame, cuts, link, symmetry, dep_asymmetry)
        else:
            quadrants = np.array([None] * n_clusters[method], dtype=object)
        sizes = np.bincount(final[method], minlength=n_clusters[method])
        for c in range(n_clusters[method]):
            matched = matching[method][c + 1]
            row = {"method": method, "cluster": c + 1, "n": int(sizes[c])}
            row.update({column: float(centroid_frame.at[c, column]) for column in centroid_columns})
            row["configuration"] = matched
            row["quadrant"] = quadrants[c]
            row["in_quadrant"] = (bool(quadrants[c] == matched) if (quadrants[c] is not None and matched is not None)
                                  else (False if quadrants[c] is not None else None))
            centroid_rows.append(row)
    centroids = pd.DataFrame(centroid_rows)

    # 5. checks and verdict
    checks, verdict, reasons = _verdict(
        methods, k, k_picks, ari, ari_p, stability, centroids, theory_series is not None, centroid_check_possible)

    labels_frame = pd.DataFrame(index=used.index)
    for method in methods:
        values = np.empty(n, dtype=int)
        values[order] = final[method] + 1
        labels_frame[method] = values
    settings = {
        "k": k, "k_range": ks, "methods": list(methods), "n_boot": n_boot, "n_perm": n_perm, "seed": seed_record,
        "kmeans_n_init": kmeans_n_init, "gmm_n_init": gmm_n_init, "covariance_types": list(covariance_types),
        "gmm_covariance_type": mixtures[k]["covariance_type"] if "gmm" in methods else None,
        "gmm_reg_covar": mixtures[k]["reg_covar"] if "gmm" in methods else None,
        "gap_b": gap_b, "gap_n_init": gap_n_init, "gap_d_power": 2, "gap_space": "scaledPCA",
        "boot_n_init": boot_n_init,
        "standardize": standardize, "cuts": cuts, "asymmetry": asymmetry, "conf_level": conf_level,
        "theory": ("classify" if theory is None and theory_series is not None else
                   ("none" if theory_series is None else "given")),
    }
    return ClusterCheck(
        variables=variables, k=k, methods=methods, n_used=n, n_dropped=n_dropped, k_selection=k_selection,
        k_picks=k_picks, gmm_bic=gmm_table, gap=gap_frame, labels=labels_frame,
        theory=theory_series.rename("theory") if theory_series is not None else None, matching=matching,
        confusion=confusion, ari=ari, ari_p=ari_p, ari_ci=ari_ci, kappa=kappa, accuracy=accuracy,
        stability=stability, centroids=centroids, checks=checks, verdict=verdict, reasons=reasons,
        settings=settings, boot_jaccard=jaccard, boot_ari=boot_ari, warnings=messages,
    )


# ----------------------------------------------------------------------------------------- verdict


def _fmt_p(p: float, lang: str) -> str:
    text = fmt_number(p, "p", lang)
    return f"p {text}" if text.startswith("<") else f"p = {text}"


def _join(parts: list[str], lang: str) -> str:
    return "; ".join(parts) if parts else ("aucun" if lang == "fr" else "none")


def _verdict(
    methods: tuple[str, ...],
    k: int,
    k_picks: pd.DataFrame,
    ari: dict[str, float],
    ari_p: dict[str, float],
    stability: pd.DataFrame,
    centroids: pd.DataFrame,
    has_theory: bool,
    centroid_possible: bool,
) -> tuple[pd.DataFrame, str, dict[str, list[str]]]:
    rows = {}
    for method in methods:
        picks = k_picks.loc[method]
        k_selected = bool(picks["bic"] == k or picks["gap_tibshirani"] == k)
        agreement = bool(ari[method] >= ARI_THRESHOLD and ari_p[method] < ALPHA) if has_theory else None
        jaccard = stability.loc[stability["method"] == method, "mean_jaccard"]
        stable = bool(jaccard.min() >= STABLE_JACCARD)
        if centroid_possible:
            own = centroids[centroids["method"] == method]
            centroid_ok = bool(len(own) == k and own["in_quadrant"].eq(True).all())
        else:
            centroid_ok = None
        rows[method] = {"k_selected": k_selected, "agreement": agreement, "stable": stable,
                        "centroids": centroid_ok,
                        "all_passed": all(v is True for v in (k_selected, agreement, stable, centroid_ok))}
    checks = pd.DataFrame.from_dict(rows, orient="index").astype(object)
    checks.index.name = "method"

    single_capable = [k_picks.loc[m, "bic"] for m in methods] + [
        k_picks.loc[m, "gap_tibshirani"] for m in methods if m in ("kmeans", "ward")]
    n_single = sum(1 for v in single_capable if v == 1)
    no_structure = n_single > len(single_capable) / 2
    beyond_chance = any(ari_p[m] < ALPHA for m in methods) if has_theory else None
    n_passed = int(sum(1 for m in methods if rows[m]["all_passed"]))
    needed = math.ceil(len(methods) / 2)
    if no_structure or has_theory and not beyond_chance:
        verdict = "not supported"
    elif n_passed >= needed:
        verdict = "supported"
    else:
        verdict = "partly supported"

    reasons: dict[str, list[str]] = {}
    for lang in ("en", "fr"):
        out: list[str] = []
        bic = [f"{int(k_picks.loc[m, 'bic'])} ({_method_label(m, lang)})" for m in methods]
        gap = [f"{int(k_picks.loc[m, 'gap_tibshirani'])} ({_method_label(m, lang)})"
               for m in methods if m in ("kmeans", "ward")]
        if lang == "en":
            text = f"k selection (theory: k = {k}): BIC picks k = {_join(bic, lang)}"
            if gap:
                text += f"; the gap statistic (Tibshirani 2001 rule) picks k = {_join(gap, lang)}"
        else:
            text = f"Choix de k (théorie : k = {k}) : le BIC retient k = {_join(bic, lang)}"
            if gap:
                text += f" ; la statistique gap (règle de Tibshirani, 2001) retient k = {_join(gap, lang)}"
        out.append(text)
        if has_theory:
            parts = [f"ARI = {fmt_number(ari[m], 'r2', lang)}, {_fmt_p(ari_p[m], lang)} ({_method_label(m, lang)})"
                     for m in methods]
            out.append(("Agreement with the theory (ARI >= .65 and p < .05 required): " if lang == "en" else
                        "Accord avec la théorie (ARI >= ,65 et p < ,05 requis) : ") + _join(parts, lang))
        else:
            out.append("No theory labels: agreement and centroid pattern not assessed" if lang == "en" else
                       "Pas d'étiquettes théoriques : accord et position des centres non évalués")
        parts = []
        for m in methods:
            jaccard = stability.loc[stability["method"] == m, "mean_jaccard"]
            parts.append(f"{fmt_number(float(jaccard.min()), 'r2', lang)} ({_method_label(m, lang)})")
        out.append(("Smallest clusterwise mean Jaccard (>= .75 required, Hennig 2007): " if lang == "en" else
                    "Plus petit Jaccard moyen par groupe (>= ,75 requis, Hennig 2007) : ") + _join(parts, lang))
        if centroid_possible:
            parts = []
            for m in methods:
                own = centroids[centroids["method"] == m]
                bad = own[~own["in_quadrant"].eq(True)]
                if len(own) != k:
                    parts.append(f"{_method_label(m, lang)}: {len(own)} clusters found" if lang == "en" else
                                  f"{_method_label(m, lang)} : {len(own)} groupes trouvés")
                for _, row in bad.iterrows():
                    matched = tr(row["configuration"], lang) if row["configuration"] else (
                        "no configuration" if lang == "en" else "aucune configuration")
                    where = tr(str(row["quadrant"]), lang)
                    name = _method_label(m, lang)
                    parts.append(
                        f"{name}: cluster {row['cluster']} ({matched}) lies in the {where} quadrant" if lang == "en"
                        else f"{name} : le groupe {row['cluster']} ({matched}) est dans le quadrant {where}")
            if parts:
                out.append(("Centroid pattern: " if lang == "en" else "Position des centres : ") + _join(parts, lang))
            else:
                out.append("Centroid pattern: every centroid lies in its matched configuration's quadrant"
                           if lang == "en" else
                           "Position des centres : chaque centre est dans le quadrant de sa configuration")
        elif has_theory:
            out.append("Centroid pattern not assessed: the variables or labels do not define the link x symmetry "
                       "quadrants" if lang == "en" else
                       "Position des centres non évaluée : les variables ou étiquettes ne définissent pas les "
                       "quadrants lien x symétrie")
        if no_structure:
            out.append(f"{n_single} of {len(single_capable)} selection criteria able to choose a single cluster "
                       "choose k = 1: the data show no cluster structure" if lang == "en" else
                       f"{n_single} des {len(single_capable)} critères capables de retenir un seul groupe retiennent "
                       "k = 1 : les données ne montrent pas de structure en groupes")
        elif has_theory and not beyond_chance:
            out.append("No method agrees with the theory beyond chance (every permutation p >= .05)" if lang == "en"
                       else "Aucune méthode ne s'accorde avec la théorie au-delà du hasard (p >= ,05 partout)")
        out.append(f"{n_passed} of {len(methods)} methods pass all four checks ({needed} needed for 'supported')"
                   if lang == "en" else
                   f"{n_passed} méthode(s) sur {len(methods)} passent les quatre contrôles ({needed} requises pour "
                   "« soutenue »)")
        reasons[lang] = out
    return checks, verdict, reasons


# ------------------------------------------------------------------------------------------ tables


def _headers(lang: str) -> dict[str, str]:
    en = lang == "en"
    return {
        "method": "Method" if en else "Méthode",
        "k": "k",
        "bic": "BIC",
        "covariance_type": "Covariance" if en else "Covariance",
        "silhouette": "Silhouette",
        "calinski_harabasz": "Calinski-Harabasz",
        "gap": "Gap",
        "gap_se": "SE(gap)" if en else "ET(gap)",
        "gap_tibshirani": "Gap (Tibshirani 2001)" if en else "Gap (Tibshirani, 2001)",
        "gap_first_se_max": "Gap (firstSEmax)",
        "ari": "ARI",
        "ari_p": "p (ARI)",
        "ari_ci_low": "ARI 2.5%" if en else "ARI 2,5 %",
        "ari_ci_high": "ARI 97.5%" if en else "ARI 97,5 %",
        "kappa": "Kappa*",
        "accuracy": "Accuracy*" if en else "Exactitude*",
        "min_jaccard": "Min. Jaccard",
        "mean_jaccard": "Mean Jaccard" if en else "Jaccard moyen",
        "cluster": "Cluster" if en else "Groupe",
        "configuration": "Configuration",
        "n": "n",
        "dissolved": "Dissolved" if en else "Dissous",
        "recovered": "Recovered" if en else "Retrouvés",
        "reading": "Reading (Hennig)" if en else "Lecture (Hennig)",
        "quadrant": "Quadrant of the centre" if en else "Quadrant du centre",
        "in_quadrant": "In its quadrant" if en else "Dans son quadrant",
        "k_selected": "k selected" if en else "k retenu",
        "agreement": "Agreement" if en else "Accord",
        "stable": "Stable",
        "centroids": "Centroid pattern" if en else "Position des centres",
        "all_passed": "All four" if en else "Les quatre",
    }


_READINGS = {
    "highly stable": {"en": "highly stable", "fr": "très stable"},
    "stable": {"en": "stable", "fr": "stable"},
    "pattern": {"en": "pattern", "fr": "tendance"},
    "not trustworthy": {"en": "not trustworthy", "fr": "peu fiable"},
    "": {"en": "", "fr": ""},
}


def _config_text(value: Any, lang: str) -> str:
    if value is None or _missing(value):
        return "unmatched" if lang == "en" else "non apparié"
    return tr(str(value), lang)


def _tables(check: ClusterCheck, lang: str) -> dict[str, Table]:
    h = _headers(lang)
    en = lang == "en"
    tables: dict[str, Table] = {}

    frame = check.k_selection.copy()
    frame["method"] = [_method_label(m, lang) for m in frame["method"]]
    frame = frame.set_index(["method", "k"])
    frame.index.names = [h["method"], "k"]
    frame.columns = [h[c] for c in frame.columns]
    note = (
        "BIC: lower is better (scikit-learn sign; mclust reports the same number with the opposite sign). "
        "Gaussian mixture: lowest BIC over the covariance types tried; k-means and Ward: classification BIC "
        "of the partition (spherical clusters, one variance). Silhouette and Calinski-Harabasz: higher is better, "
        f"undefined for k = 1. Gap: Tibshirani et al. (2001), squared distances, {check.settings['gap_b']} uniform "
        "reference sets (principal-component box, as R cluster::clusGap)."
        if en else
        "BIC : plus petit = meilleur (signe de scikit-learn ; mclust donne le même nombre de signe opposé). "
        "Mélange gaussien : plus petit BIC parmi les types de covariance essayés ; k-moyennes et Ward : BIC de "
        "classification de la partition (groupes sphériques, une variance). Silhouette et Calinski-Harabasz : "
        f"plus grand = meilleur, non définis pour k = 1. Gap : Tibshirani et al. (2001), distances au carré, "
        f"{check.settings['gap_b']} jeux de référence uniformes (boîte des composantes principales, comme "
        "cluster::clusGap de R)."
    )
    tables["cluster_k_selection"] = Table(
        key="cluster_k_selection",
        title="Choice of the number of clusters" if en else "Choix du nombre de groupes",
        frame=frame, note=note, lang=lang,
        formats={h["bic"]: "f1", h["covariance_type"]: "text", h["silhouette"]: "r3",
                 h["calinski_harabasz"]: "f1", h["gap"]: "f3", h["gap_se"]: "f3"},
    )

    frame = check.k_picks.copy()
    frame.index = [_method_label(m, lang) for m in frame.index]
    frame.index.name = h["method"]
    frame.columns = [h[c] for c in frame.columns]
    tables["cluster_k_picks"] = Table(
        key="cluster_k_picks",
        title="Number of clusters picked by each criterion" if en else "Nombre de groupes retenu par chaque critère",
        frame=frame, lang=lang, formats={c: "int" for c in frame.columns},
        note=("BIC: minimum; silhouette and Calinski-Harabasz: maximum; gap: Tibshirani's 2001 rule (smallest k "
              "with Gap(k) >= Gap(k+1) - SE(k+1)) and R cluster::maxSE's default firstSEmax." if en else
              "BIC : minimum ; silhouette et Calinski-Harabasz : maximum ; gap : règle de Tibshirani (2001) (plus "
              "petit k tel que Gap(k) >= Gap(k+1) - ET(k+1)) et règle firstSEmax par défaut de cluster::maxSE (R)."),
    )

    frame = check.agreement.copy()
    frame.index = [_method_label(m, lang) for m in frame.index]
    frame.index.name = h["method"]
    frame.columns = [h[c] for c in frame.columns]
    level = fmt_number(100 * check.settings["conf_level"], "f1", lang).rstrip("0").rstrip(".,")
    note = (
        f"ARI: adjusted Rand index with the theory-driven classification (no label matching needed); p from "
        f"{check.settings['n_perm']} permutations of the theory labels; {level}% percentile interval from the "
        f"{check.settings['n_boot']} stability resamples. *Kappa and accuracy after Hungarian matching of clusters "
        "to configurations: optimistic, because the matching maximises them. Jaccard: clusterwise mean over the "
        "resamples (fpc::clusterboot); Hennig (2007): < .60 not trustworthy, .60-.75 a pattern, >= .75 stable, "
        ">= .85 highly stable."
        if en else
        f"ARI : indice de Rand ajusté avec la classification théorique (sans appariement des étiquettes) ; p issu "
        f"de {check.settings['n_perm']} permutations des étiquettes théoriques ; intervalle percentile à {level} % "
        f"sur les {check.settings['n_boot']} rééchantillonnages de stabilité. *Kappa et exactitude après "
        "appariement hongrois des groupes aux configurations : optimistes, car l'appariement les maximise. "
        "Jaccard : moyenne par groupe sur les rééchantillonnages (fpc::clusterboot) ; Hennig (2007) : < ,60 peu "
        "fiable, ,60-,75 tendance, >= ,75 stable, >= ,85 très stable."
    )
    tables["cluster_agreement"] = Table(
        key="cluster_agreement",
        title="Agreement of the clusters with the theory, and stability" if en else
        "Accord des groupes avec la théorie, et stabilité",
        frame=frame, note=note, lang=lang,
        formats={h["ari"]: "r3", h["ari_p"]: "p", h["ari_ci_low"]: "r3", h["ari_ci_high"]: "r3",
                 h["kappa"]: "r3", h["accuracy"]: "r3", h["min_jaccard"]: "r3", h["mean_jaccard"]: "r3"},
    )

    if check.confusion:
        blocks = {}
        for method, table in check.confusion.items():
            block = table.copy()
            block.index = [f"{c} ({_config_text(check.matching[method][c], lang)})" for c in block.index]
            block.columns = [_config_text(c, lang) if c in CONFIGURATIONS else str(c) for c in block.columns]
            blocks[_method_label(method, lang)] = block
        frame = pd.concat(blocks, names=[h["method"], h["cluster"]])
        tables["cluster_crosstab"] = Table(
            key="cluster_crosstab",
            title="Clusters by theory-driven configuration" if en else "Groupes par configuration théorique",
            frame=frame, lang=lang, formats={c: "int" for c in frame.columns},
            note=("Rows: clusters with the configuration they are matched to (Hungarian matching); columns: the "
                  "crisp classification." if en else
                  "Lignes : groupes et configuration appariée (appariement hongrois) ; colonnes : classification "
                  "nette."),
        )

    frame = check.stability.copy()
    frame["method"] = [_method_label(m, lang) for m in frame["method"]]
    frame["configuration"] = [_config_text(c, lang) for c in frame["configuration"]]
    frame["reading"] = [_READINGS[r][lang] for r in frame["reading"]]
    frame = frame.set_index(["method", "cluster"])
    frame.index.names = [h["method"], h["cluster"]]
    frame.columns = [h[c] for c in frame.columns]
    tables["cluster_stability"] = Table(
        key="cluster_stability",
        title="Stability of each cluster under resampling" if en else "Stabilité de chaque groupe au rééchantillonnage",
        frame=frame, lang=lang,
        formats={h["configuration"]: "text", h["n"]: "int", h["mean_jaccard"]: "r3", h["dissolved"]: "int",
                 h["recovered"]: "int", h["reading"]: "text"},
        note=(f"{check.settings['n_boot']} resamples with replacement, duplicates removed, each clustered again "
              "(fpc::clusterboot, bootmethod = \"boot\"). Dissolved: resamples with Jaccard <= .50; recovered: "
              "> .75." if en else
              f"{check.settings['n_boot']} rééchantillonnages avec remise, doublons retirés, chacun regroupé à "
              "nouveau (fpc::clusterboot, bootmethod = \"boot\"). Dissous : rééchantillonnages de Jaccard <= ,50 ; "
              "retrouvés : > ,75."),
    )

    frame = check.centroids.copy()
    frame["method"] = [_method_label(m, lang) for m in frame["method"]]
    frame["configuration"] = [_config_text(c, lang) for c in frame["configuration"]]
    frame["quadrant"] = ["" if q is None else _config_text(q, lang) for q in frame["quadrant"]]
    frame = frame.set_index(["method", "cluster"])
    frame.index.names = [h["method"], h["cluster"]]
    value_columns = [c for c in frame.columns if c not in ("n", "configuration", "quadrant", "in_quadrant")]
    frame = frame.rename(columns={**{c: tr(c, lang) for c in value_columns},
                                  **{c: h[c] for c in ("n", "configuration", "quadrant", "in_quadrant")}})
    cuts = check.settings.get("cuts") or {}
    cut_text = ", ".join(f"{tr(key, lang)} {fmt_number(value, 'f2', lang)}" for key, value in cuts.items())
    tables["cluster_centroids"] = Table(
        key="cluster_centroids",
        title="Cluster centres on the original scale" if en else "Centres des groupes sur l'échelle d'origine",
        frame=frame, lang=lang,
        formats={**{tr(c, lang): "f2" for c in value_columns}, h["n"]: "int", h["configuration"]: "text",
                 h["quadrant"]: "text", h["in_quadrant"]: "text"},
        note=((f"Quadrant of each centre by the crisp rule (cuts: {cut_text}; a value at the cut counts as high)."
               if en else
               f"Quadrant de chaque centre selon la règle nette (seuils : {cut_text} ; une valeur au seuil compte "
               "comme élevée).") if cuts else ""),
    )

    frame = check.checks.copy()
    frame.index = [_method_label(m, lang) for m in frame.index]
    frame.index.name = h["method"]
    frame.columns = [h[c] for c in frame.columns]
    verdict = tr(check.verdict, lang)
    tables["cluster_verdict"] = Table(
        key="cluster_verdict",
        title=(f"Cluster check of the typology: {verdict}" if en else f"Vérification de la typologie par les "
               f"groupes : {verdict}"),
        frame=frame, lang=lang, formats={c: "text" for c in frame.columns},
        note=" ".join(r.rstrip(".") + "." for r in check.reasons[lang]),
    )
    return tables
