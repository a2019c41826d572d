"""Choosing the number of clusters: BIC, the gap statistic, silhouette and Calinski-Harabasz.

- **BIC** is reported with scikit-learn's sign: ``-2 logL + npar log n``, **lower is better** (mclust reports
  ``2 logL - npar log n``, larger is better: the same number with the opposite sign). For k-means and Ward
  the BIC is the classification BIC of the partition under a spherical Gaussian model with one common
  variance (mclust EII, evaluated at the hard partition; Pelleg & Moore 2000, X-means):
  ``logL = sum_j n_j log(n_j / n) - (n p / 2) (log(2 pi s2) + 1)``, ``s2 = WSS / (n p)``,
  ``npar = k p + 1 + (k - 1)``.
- **Silhouette** (mean, Euclidean) and **Calinski-Harabasz**: scikit-learn; undefined for k = 1, so they
  cannot say "no cluster structure" and are reported but not used in the verdict.
- **Gap statistic** (Tibshirani, Walther & Hastie 2001) for k-means and Ward (not computed for the mixture,
  which is chosen by BIC): ``W_k`` as in R ``cluster::clusGap`` with **d.power = 2** (squared Euclidean
  distances, the paper's definition; clusGap's default is d.power = 1), ``W_k = 0.5 * sum_r D_r / n_r``
  (= WSS / 2), reference data uniform in the box of the principal components (clusGap's default
  ``spaceH0 = "scaledPCA"``), ``gap_b`` reference sets, ``SE = sd * sqrt(1 + 1/B)``. Two picks: Tibshirani's
  2001 rule (smallest k with ``Gap(k) >= Gap(k+1) - SE(k+1)``, clusGap's ``"Tibs2001SEmax"``) and
  ``cluster::maxSE``'s default ``"firstSEmax"``.

Hand-written because scikit-learn has no gap statistic and R's ``clusGap`` refits ``kmeans`` on every reference
set: here the k-means of the reference sets are batched (:func:`~.batch.kmeans_batch`), each with
``gap_n_init`` (10) starts: on faithful this raises E log W_k by about .003 at k >= 6 against 50 starts, a
tenth of the simulation standard error.

The mean silhouette on the dyads' distance matrix (up to 3,000 dyads) is scikit-learn's ``silhouette_score(D,
labels, metric="precomputed")`` computed by a compiled loop (:func:`_silhouette_precomputed`, numba): the same
operations in the same order (each point's distances summed per cluster in point order as ``np.bincount``, the
same divisions, numpy's pairwise summation for the mean), so the same number bit for bit
(tests/typology/test_criteria_silhouette.py). Why: scikit-learn's version makes a bincount call per point and
checks its inputs on every call; the check asks for 24 silhouettes (3 methods x k = 1..8), 2-3 s of CPU at 3,000
dyads (issue 17), 0.1 s in the compiled loop.
The within-cluster sums of squares (the partitions' BIC, the gap statistic's ``W_k``: ~730 per check) are
compiled the same way (:func:`_within_ss_codes`: numpy's column means and pairwise sum, bit for bit), 2-4x
faster than the numpy expression's temporaries.

References: Tibshirani, Walther & Hastie (2001), JRSS-B 63, 411-423 (R cluster 2.1.4 ``clusGap``, ``maxSE``);
Fraley & Raftery (2002) and Scrucca et al. (2016) (R mclust 6.0.0 ``mclustBIC``).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

import numba
import numpy as np
import pandas as pd
from scipy.spatial.distance import pdist, squareform
from sklearn.metrics import calinski_harabasz_score, silhouette_score
from threadpoolctl import threadpool_limits

from alliance_stats.core.constants import COVARIANCE_TYPES, DEFAULT_SEED
from alliance_stats.core.errors import SpecificationError
from alliance_stats.typology.cluster.batch import _pairwise_sum, kmeans_batch
from alliance_stats.typology.cluster.fitting import _fit_gmm, _ward_labels, fit_methods
from alliance_stats.typology.cluster.ward import ward_tree

if TYPE_CHECKING:
    from alliance_stats.typology.cluster.prepare import Prepared

__all__ = ["gap_statistic", "gmm_bic", "max_se"]


def max_se(f: Sequence[float], se: Sequence[float], method: str = "firstSEmax", *, se_factor: float = 1.0) -> int:
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

    Returns
    -------
    int
        The chosen number of clusters (1-based).

    Raises
    ------
    SpecificationError
        No value, or an unknown ``method``.

    References
    ----------
    Tibshirani, R., Walther, G. & Hastie, T. (2001), Estimating the number of clusters in a data set via the gap
    statistic, JRSS-B 63, 411-423; R cluster 2.1.4, ``maxSE``.

    Examples
    --------
    >>> max_se([0.1, 0.3, 0.32, 0.29, 0.45, 0.44], [0.02, 0.03, 0.03, 0.03, 0.04, 0.04], "Tibs2001SEmax")
    2
    >>> max_se([0.1, 0.3, 0.32, 0.29, 0.45, 0.44], [0.02, 0.03, 0.03, 0.03, 0.04, 0.04])
    2
    """
    values = np.asarray(f, dtype=float)
    f_se = se_factor * np.asarray(se, dtype=float)
    size = len(values)
    if size == 0:
        raise SpecificationError("max_se needs at least one value", fix="pass the gap values for k = 1, 2, ...")
    if method == "Tibs2001SEmax":
        meets = values[:-1] >= (values - f_se)[1:]
        return int(np.argmax(meets)) + 1 if meets.any() else size
    if method == "firstSEmax":
        decreasing = np.diff(values) <= 0
        first_max = int(np.argmax(decreasing)) + 1 if decreasing.any() else size
        within = values[: first_max - 1] >= values[first_max - 1] - f_se[first_max - 1]
        return int(np.argmax(within)) + 1 if within.any() else first_max
    raise SpecificationError(f"unknown method {method!r}", value=method, fix="use 'firstSEmax' or 'Tibs2001SEmax'")



@numba.njit(cache=True, error_model="numpy")
def _within_ss_codes(data, codes, m):  # noqa: ANN001, ANN202
    """Within-cluster sum of squares of ``data`` (n, p) for cluster codes 0..m-1, cluster by cluster, as numpy
    computes ``((block - block.mean(axis=0)) ** 2).sum()``: the column means summed row by row in point order,
    the squares in row-major order added by numpy's pairwise summation."""
    n, p = data.shape
    squares = np.empty(n * p)
    mean = np.empty(p)
    total = 0.0
    for c in range(m):
        mean[:] = 0.0
        size = 0
        for i in range(n):
            if codes[i] == c:
                size += 1
                for a in range(p):
                    mean[a] += data[i, a]
        for a in range(p):
            mean[a] = mean[a] / size
        filled = 0
        for i in range(n):
            if codes[i] == c:
                for a in range(p):
                    diff = data[i, a] - mean[a]
                    squares[filled] = diff * diff
                    filled += 1
        total += _pairwise_sum(squares, filled)
    return total


def _within_ss(data: np.ndarray, labels: np.ndarray) -> float:
    """Within-cluster sum of squares: ``sum over clusters of ((block - block.mean(axis=0)) ** 2).sum()`` in the
    clusters' sorted order, bit for bit (compiled: :func:`_within_ss_codes`)."""
    values, codes = np.unique(labels, return_inverse=True)
    return float(_within_ss_codes(np.ascontiguousarray(data, dtype=float),
                                  np.ascontiguousarray(codes.reshape(-1), dtype=np.int64), len(values)))


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



def gmm_bic(
    data: Any,
    k_range: Iterable[int] = range(1, 7),
    *,
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
        scikit-learn covariance types; mclust's names in :data:`~alliance_stats.core.constants.MCLUST_MODELS`.
    n_init
        Initialisations per fit (k-means seeding); the best likelihood is kept.
    seed
        Seed of the initialisations.

    Returns
    -------
    pandas.DataFrame
        Index ``k``, one column per covariance type; NaN where the fit failed. ``-frame`` is mclust's BIC.

    References
    ----------
    Fraley, C. & Raftery, A. E. (2002), Model-based clustering, discriminant analysis and density estimation,
    JASA 97, 611-631; Scrucca, L. et al. (2016), mclust 5, The R Journal 8, 289-317 (R mclust 6.0.0
    ``mclustBIC``, models VII, VVI, EEE, VVV); scikit-learn ``GaussianMixture.bic``.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> x = np.vstack([rng.normal(0, 1, (50, 2)), rng.normal(8, 1, (50, 2))])
    >>> int(gmm_bic(x, range(1, 4), covariance_types=["full"]).idxmin().iloc[0])
    2
    """
    bad = [c for c in covariance_types if c not in COVARIANCE_TYPES]
    if bad or not covariance_types:
        raise SpecificationError(f"unknown covariance types {bad}", fix=f"use some of {COVARIANCE_TYPES}")
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
        raise SpecificationError(f"unknown reference space {space!r}", value=space,
                                 fix="use 'scaledPCA' or 'original'")
    low, high = rotated.min(axis=0), rotated.max(axis=0)
    uniform = low + (high - low) * rng.random((n_refs, n, p))
    return uniform @ rotation.T + centre


def gap_statistic(
    data: Any,
    method: Literal["kmeans", "ward"] = "kmeans",
    *,
    k_max: int = 8,
    n_refs: int = 100,
    seed: int | np.random.Generator = DEFAULT_SEED,
    n_init: int = 50,
    ref_n_init: int = 20,
    space: Literal["scaledPCA", "original"] = "scaledPCA",
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

    Returns
    -------
    pandas.DataFrame
        Index ``k``; columns ``log_w`` (log W_k, W_k = WSS / 2 as clusGap with d.power = 2), ``e_log_w``
        (mean over the reference sets), ``gap`` and ``gap_se`` (sd * sqrt(1 + 1/B)). ``frame.attrs`` holds
        the picks ``k_tibshirani`` (Tibs2001SEmax) and ``k_first_se_max`` (firstSEmax).

    References
    ----------
    Tibshirani, R., Walther, G. & Hastie, T. (2001), Estimating the number of clusters in a data set via the gap
    statistic, JRSS-B 63, 411-423; R cluster 2.1.4 ``clusGap(d.power = 2)`` and ``maxSE``.

    Examples
    --------
    >>> rng = np.random.default_rng(3)
    >>> x = np.vstack([rng.normal(c, 0.3, (40, 2)) for c in ([0, 0], [4, 0], [0, 4])])
    >>> gap_statistic(x, "kmeans", k_max=5, n_refs=20, seed=1).attrs["k_tibshirani"]
    3
    """
    if method not in ("kmeans", "ward"):
        raise SpecificationError(f"unknown gap method {method!r}", value=method, fix="use 'kmeans' or 'ward'")
    matrix = np.asarray(data, dtype=float)
    rng = seed if isinstance(seed, np.random.Generator) else np.random.default_rng(seed)
    ks = list(range(1, int(k_max) + 1))
    observed = {k: _observed_labels(matrix, method, k, n_init, rng) for k in ks}
    return gap_from_labels(matrix, method, observed, n_refs=n_refs, rng=rng, ref_n_init=ref_n_init, space=space)


def _observed_labels(matrix: np.ndarray, method: str, k: int, n_init: int, rng: np.random.Generator
                     ) -> np.ndarray:
    """Labels of the data at k (k-means with ``n_init`` starts, or Ward)."""
    if k == 1:
        return np.zeros(len(matrix), dtype=int)
    if method == "kmeans":
        labels, _ = kmeans_batch(matrix, k, n_init=n_init, seed=rng)
        return labels
    return _ward_labels(ward_tree(matrix), k)


def gap_from_labels(matrix: np.ndarray, method: str, observed: dict[int, np.ndarray], *, n_refs: int,
                    rng: np.random.Generator, ref_n_init: int, space: str = "scaledPCA") -> pd.DataFrame:
    """The gap table from the data's labels at k = 1..K (``observed``) and ``n_refs`` uniform reference sets."""
    ks = sorted(observed)
    log_w = np.array([math.log(0.5 * _within_ss(matrix, observed[k])) for k in ks])
    references = _reference_sets(matrix, n_refs, rng, space)
    reference_log_w = np.empty((n_refs, len(ks)))
    reference_log_w[:, 0] = np.log(0.5 * ((references - references.mean(axis=1, keepdims=True)) ** 2).sum(axis=(1, 2)))
    if method == "kmeans":
        for position, k in enumerate(ks[1:], start=1):
            _, inertia = kmeans_batch(references, k, n_init=ref_n_init, seed=rng)
            reference_log_w[:, position] = np.log(0.5 * inertia)
    else:
        for b in range(n_refs):
            tree = ward_tree(references[b])
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




@numba.njit(cache=True, error_model="numpy")
def _silhouette_precomputed(distances, codes, sizes):  # noqa: ANN001, ANN202
    """scikit-learn's ``silhouette_score(distances, labels, metric="precomputed")`` for ``codes`` 0..m-1 (its
    LabelEncoder's) and their ``sizes``: per point the distances summed per cluster in point order, the own
    cluster's sum over (size - 1) and the nearest other cluster's mean, ``(b - a) / max(a, b)`` (0 where it is
    0 / 0: a point alone in its cluster, or a and b both 0), the mean by numpy's pairwise summation."""
    n = codes.shape[0]
    m = sizes.shape[0]
    sums = np.empty(m)
    values = np.empty(n)
    for i in range(n):
        sums[:] = 0.0
        row = distances[i]
        for j in range(n):
            sums[codes[j]] += row[j]
        own = codes[i]
        inter = np.inf
        for c in range(m):
            mean = sums[c] / sizes[c] if c != own else np.inf
            inter = mean if mean < inter else inter
        intra = sums[own] / (sizes[own] - 1)
        value = (inter - intra) / max(intra, inter) if not math.isnan(intra) else np.nan
        values[i] = 0.0 if math.isnan(value) else value
    return _pairwise_sum(values, n) / n


def _silhouette(distances: np.ndarray | None, data: np.ndarray, labels: np.ndarray, seed: int) -> float:
    values, codes = np.unique(labels, return_inverse=True)
    if len(values) < 2 or len(values) >= len(labels):
        return np.nan
    if distances is not None:
        codes = np.ascontiguousarray(codes.reshape(-1), dtype=np.int64)
        return float(_silhouette_precomputed(distances, codes, np.bincount(codes).astype(float)))
    return float(silhouette_score(data, labels, sample_size=2000, random_state=seed))


@dataclass
class KSelection:
    """Every method's fits at every k and the criteria read from them."""

    fits: dict[str, dict[int, np.ndarray]]
    mixtures: dict[int, dict[str, Any]]
    gmm_table: pd.DataFrame
    k_selection: pd.DataFrame
    k_picks: pd.DataFrame
    gap: pd.DataFrame


def _selection_rows(prep: Prepared, fits: dict[str, dict[int, np.ndarray]], mixtures: dict[int, dict[str, Any]],
                    gap_tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
    z = prep.z
    distances = squareform(pdist(z)) if len(z) <= 3000 else None
    silhouette_seed = int(prep.streams["silhouette"].generate_state(1)[0])
    rows = []
    for method in prep.settings.methods:
        for kk in prep.ks:
            labels_k = fits[method][kk]
            gap_row = gap_tables[method].loc[kk] if method in gap_tables else None
            rows.append({
                "method": method,
                "k": kk,
                "bic": mixtures[kk]["bic"] if method == "gmm" else _partition_bic(z, labels_k),
                "covariance_type": mixtures[kk]["covariance_type"] if method == "gmm" else "",
                "silhouette": _silhouette(distances, z, labels_k, silhouette_seed),
                "calinski_harabasz": (float(calinski_harabasz_score(z, labels_k))
                                      if len(np.unique(labels_k)) > 1 else np.nan),
                "gap": float(gap_row["gap"]) if gap_row is not None else np.nan,
                "gap_se": float(gap_row["gap_se"]) if gap_row is not None else np.nan,
            })
    return pd.DataFrame(rows)


def _picks(k_selection: pd.DataFrame, methods: tuple[str, ...], gap_tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
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
    return k_picks


def _gap_data(prep: Prepared, method: str, labels: dict[int, np.ndarray], rng: np.random.Generator
              ) -> tuple[np.ndarray, str, dict[int, np.ndarray]]:
    """Data and labels of the gap statistic: every dyad, or above ``settings.subsample`` dyads the subsample
    (Ward: its own tree's labels; k-means refitted on it with ``kmeans_n_init`` starts)."""
    if prep.sub is None:
        return prep.z, method, labels
    z = prep.z[prep.sub]
    if method == "ward":
        return z, method, {k: v[prep.sub] for k, v in labels.items()}
    refitted = {k: (kmeans_batch(z, k, n_init=prep.settings.kmeans_n_init, seed=rng)[0] if k > 1
                    else np.zeros(len(z), dtype=int)) for k in labels}
    return z, method, refitted


def select_k(prep: Prepared) -> KSelection:
    """Fit every method at every k and read the selection criteria (BIC, silhouette, Calinski-Harabasz, gap)."""
    fits, mixtures, gmm_table = fit_methods(prep)
    gap_rng = np.random.default_rng(prep.streams["gap"])
    gap_tables = {method: gap_from_labels(*_gap_data(prep, method, fits[method], gap_rng), n_refs=prep.settings.gap_b,
                                          rng=gap_rng, ref_n_init=prep.settings.gap_n_init)
                  for method in prep.settings.methods if method in ("kmeans", "ward")}
    k_selection = _selection_rows(prep, fits, mixtures, gap_tables)
    k_picks = _picks(k_selection, prep.settings.methods, gap_tables)
    gap_frame = pd.concat({m: t for m, t in gap_tables.items()}, names=["method", "k"]) if gap_tables else pd.DataFrame(
        columns=["log_w", "e_log_w", "gap", "gap_se"])
    return KSelection(fits=fits, mixtures=mixtures, gmm_table=gmm_table, k_selection=k_selection, k_picks=k_picks,
                      gap=gap_frame)
