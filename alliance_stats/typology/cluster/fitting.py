"""The reference fits of the cluster check: k-means, Ward's method and Gaussian mixtures at every k.

- **k-means**: scikit-learn ``KMeans`` (Lloyd, k-means++ seeding), ``kmeans_n_init`` >= 50 starts, run by the
  compiled copy of :mod:`.sklearn_kmeans` (the same labels, centres and inertia).
- **Ward**: scipy's ``linkage(method="ward")`` on Euclidean distances (R ``hclust(method = "ward.D2")``),
  cut as ``fcluster(criterion="maxclust")`` cuts; deterministic. The tree is grown by :func:`~.ward.ward_tree`
  (compiled; scipy's linkage matrix bit for bit).
- **Gaussian mixture**: scikit-learn ``GaussianMixture`` with every covariance type (spherical = mclust VII,
  diag = VVI, tied = EEE, full = VVV), ``gmm_n_init`` k-means initialisations each; at each k the type with
  the lowest BIC is kept. Clusters are the components of highest posterior probability. Component
  variances are floored at ``h^2 / 12`` for data recorded in steps of ``h`` (Sheppard's correction;
  :func:`resolution_variance`), so that no component can sit on a few tied dyads with a spuriously high
  likelihood (scikit-learn's ``reg_covar``; 1e-6 for continuous data).

The batched versions used on resamples and reference sets are in :mod:`.batch`, beside these.
"""

from __future__ import annotations

import warnings
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
from scipy.cluster import hierarchy

try:  # scipy's own cut, private: if a later scipy renames it, fcluster (public, slower) takes over
    from scipy.cluster._hierarchy import cluster_maxclust_dist as _maxclust_cut
except ImportError:  # pragma: no cover - depends on the installed scipy
    _maxclust_cut = None
from sklearn.exceptions import ConvergenceWarning as SklearnConvergenceWarning
from sklearn.mixture import GaussianMixture

from alliance_stats.core.errors import ConvergenceWarning, SpecificationError
from alliance_stats.core.results import warn
from alliance_stats.typology.cluster.refit import _parameters_of, fit_mixture
from alliance_stats.typology.cluster.sklearn_kmeans import kmeans_fit
from alliance_stats.typology.cluster.ward import ward_tree

if TYPE_CHECKING:
    from alliance_stats.typology.cluster.prepare import Prepared

__all__ = ["resolution_variance"]


def _ward_labels(tree: np.ndarray, k: int) -> np.ndarray:
    """``fcluster(tree, k, criterion="maxclust") - 1``: scipy's own cut (the routine ``fcluster`` calls), without
    ``fcluster``'s validation of the linkage matrix, which cost 20 times the cut (0.3 s of the demo's cluster
    check: 900 cuts of trees that :func:`~.ward.ward_tree` or scipy's ``linkage`` grew, valid by construction).

    The routine is private to scipy: where it is missing or takes other arguments, ``fcluster`` gives the labels."""
    n = tree.shape[0] + 1
    if _maxclust_cut is not None:
        labels = np.zeros(n, dtype=np.intc)
        try:
            _maxclust_cut(np.ascontiguousarray(tree, dtype=np.float64), labels, n, int(k))
        except TypeError:  # pragma: no cover - a scipy whose private signature changed
            pass
        else:
            return labels.astype(int) - 1
    return hierarchy.fcluster(tree, int(k), criterion="maxclust").astype(int) - 1


def resolution_variance(data: np.ndarray, floor: float = 1e-6) -> float:
    """Variance floor for mixture components: ``h^2 / 12`` for data recorded in steps of ``h``.

    ``h`` is the smallest positive gap between distinct values of any column (0.1 for the mean of ten
    1-7 answers). A component cannot be narrower than the rounding of its data (Sheppard's correction:
    rounding to steps of h adds h^2/12 to a variance); without this floor a mixture can put a component
    on a few tied dyads and reach a spuriously high likelihood. Continuous data get ``floor``
    (scikit-learn's default ``reg_covar``).

    Parameters
    ----------
    data
        ``(n, p)`` data.
    floor
        Smallest value returned (continuous data).

    Returns
    -------
    float
        The variance floor, used as ``reg_covar`` of the mixtures.

    References
    ----------
    Sheppard, W. F. (1898), On the calculation of the most probable values of frequency-constants, for data
    arranged according to equidistant divisions of a scale, Proc. London Math. Soc. 29, 353-380.

    Examples
    --------
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




def _fit_kmeans(prep: Prepared, labels: dict[int, np.ndarray]) -> None:
    z, ks = prep.z, prep.ks
    states = prep.streams["kmeans"].generate_state(len(ks))
    for position, k in enumerate(ks):
        if k == 1:
            labels[k] = np.zeros(len(z), dtype=int)
            continue
        fitted, _, _, warned = kmeans_fit(z, k, prep.settings.kmeans_n_init, int(states[position]))
        if warned:
            warn(prep.messages, f"k-means with k = {k}: fewer distinct clusters than asked (duplicate points)",
                 ConvergenceWarning)
        labels[k] = fitted.astype(int)


def _fit_ward(prep: Prepared, labels: dict[int, np.ndarray]) -> None:
    """Ward's tree cut at every k; above ``settings.subsample`` dyads the tree is grown on the subsample and the
    other dyads join the cluster with the nearest centroid (the subsample keeps its Ward labels)."""
    z = prep.z if prep.sub is None else prep.z[prep.sub]
    tree = ward_tree(z)
    for k in prep.ks:
        tree_labels = _ward_labels(tree, k) if k > 1 else np.zeros(len(z), dtype=int)
        labels[k] = tree_labels if prep.sub is None else _extend_labels(prep.z, prep.sub, tree_labels)


def _extend_labels(data: np.ndarray, sub: np.ndarray, sub_labels: np.ndarray, chunk: int = 65_536) -> np.ndarray:
    """Labels of every point: the subsample's own, the nearest subsample-cluster centroid for the others."""
    n_clusters = int(sub_labels.max()) + 1
    centres = np.vstack([data[sub][sub_labels == c].mean(axis=0) for c in range(n_clusters)])
    out = np.empty(len(data), dtype=int)
    for start in range(0, len(data), chunk):
        block = data[start:start + chunk]
        out[start:start + chunk] = ((block[:, None, :] - centres[None, :, :]) ** 2).sum(axis=2).argmin(axis=1)
    out[sub] = sub_labels
    return out


def _fit_mixture(z: np.ndarray, k: int, covariance_type: str, n_init: int, state: int, reg_covar: float,
                 failures: list[str]) -> dict[str, Any] | None:
    """scikit-learn's ``GaussianMixture`` fit with its EM compiled (:func:`~.refit.fit_mixture`: same starts, same
    numbers); a fit whose covariance breaks down is refitted with scikit-learn itself, for its message."""
    fit = fit_mixture(z, k, covariance_type, n_init, state, reg_covar)
    if fit is not None:
        if fit["kmeans_warned"] or not fit["converged"]:
            failures.append(f"Gaussian mixture ({covariance_type}, k = {k}) did not converge in 500 EM iterations")
        return fit
    model, notes = _fit_gmm(z, k, covariance_type, n_init, state, reg_covar)
    failures.extend(notes)
    if model is None:
        return None
    return {"parameters": _parameters_of(model, covariance_type), "bic": float(model.bic(z)),
            "labels": model.predict(z).astype(int)}


def _fit_mixtures(prep: Prepared, labels: dict[int, np.ndarray], gmm_table: pd.DataFrame
                  ) -> dict[int, dict[str, Any]]:
    z, ks, covariance_types = prep.z, prep.ks, prep.settings.covariance_types
    reg_covar = resolution_variance(z)
    mixtures: dict[int, dict[str, Any]] = {}
    states = prep.streams["gmm"].generate_state(len(ks) * len(covariance_types))
    failures: list[str] = []
    for position, k in enumerate(ks):
        best: tuple[float, str, Any] | None = None
        for t, covariance_type in enumerate(covariance_types):
            state = int(states[position * len(covariance_types) + t])
            fit = _fit_mixture(z, k, covariance_type, prep.settings.gmm_n_init, state, reg_covar, failures)
            if fit is None:
                continue
            gmm_table.loc[k, covariance_type] = fit["bic"]
            if best is None or fit["bic"] < best[0]:
                best = (fit["bic"], covariance_type, fit)
        if best is None:
            raise SpecificationError(f"no Gaussian mixture with k = {k} could be fitted",
                                     fix="drop 'gmm' from the methods or check the data")
        mixtures[k] = {"covariance_type": best[1], "parameters": best[2]["parameters"], "reg_covar": reg_covar,
                       "bic": best[0]}
        labels[k] = best[2]["labels"]
    if failures:
        warn(prep.messages, "; ".join(failures[:5]) + (f" (and {len(failures) - 5} more)" if len(failures) > 5 else ""),
             ConvergenceWarning)
    return mixtures


def fit_methods(prep: Prepared) -> tuple[dict[str, dict[int, np.ndarray]], dict[int, dict[str, Any]], pd.DataFrame]:
    """Fit every method at every k: labels per method and k, the chosen mixture per k, the mixture BIC table."""
    methods = prep.settings.methods
    labels: dict[str, dict[int, np.ndarray]] = {m: {} for m in methods}
    gmm_table = pd.DataFrame(index=pd.Index(prep.ks, name="k"), columns=list(prep.settings.covariance_types),
                             dtype=float)
    mixtures: dict[int, dict[str, Any]] = {}
    if "kmeans" in methods:
        _fit_kmeans(prep, labels["kmeans"])
    if "ward" in methods:
        _fit_ward(prep, labels["ward"])
    if "gmm" in methods:
        mixtures = _fit_mixtures(prep, labels["gmm"], gmm_table)
    return labels, mixtures, gmm_table
