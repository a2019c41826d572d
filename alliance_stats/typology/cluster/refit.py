"""The cluster check's Gaussian mixtures, compiled: scikit-learn's fits from scikit-learn's starts, one EM.

- On the data (:func:`fit_mixture`, used by :mod:`.fitting`): ``GaussianMixture(k, covariance_type, n_init,
  random_state, max_iter=500, reg_covar)``: each of the ``n_init`` starts from the labels of scikit-learn's
  ``KMeans(n_init=1)`` drawn from one ``RandomState`` (scikit-learn's ``init_params="kmeans"``; run by the compiled
  copy of :mod:`.sklearn_kmeans`), the start with the highest lower bound kept (the first on ties), BIC and labels
  of its parameters.
- On each stability resample (:func:`refit_mixture`, used by :func:`~.stability.bootstrap`): the mixture chosen
  on the data refitted from two starts, as two ``GaussianMixture(n_init=1)`` fits did: the full-data solution (a
  warm start) and ``init_params="k-means++"`` (scikit-learn's ``kmeans_plusplus`` indices for the resample's
  seed, one point per component: the M-step from those one-point responsibilities), keeping the start with the
  higher mean log-likelihood (the warm one on ties); each dyad gets its most probable component.

Why numba (issue 17): these EM runs (4 covariance types x 8 k x 5 starts on the data, 2 x 200 on resamples of
~190-1,300 dyads) were 592 scikit-learn fits, over half of the demo's cluster check, mostly scikit-learn's
per-call validation and its (n, k) temporaries. The EM is :mod:`.gmm`'s, the one loop that also serves
:func:`~.gmm.gmm_bic_grid`: ``_iterate`` (scikit-learn's rule: E- and M-steps until the mean log-likelihood
changes by less than ``tol``, then a last E-step for the labels) from given parameters (the warm start), ``_em``
from responsibilities (one-hot k-means labels, one point per component). The partitions are scikit-learn's
(tests/typology/test_refit.py compares them fit by fit); sums are taken in another order and ``exp``/``log``
are fdlibm's (:mod:`.vecmath`), so BICs agree to about 1e-14 relative.

Reference: scikit-learn 1.9 ``sklearn.mixture.GaussianMixture`` and ``sklearn.cluster.kmeans_plusplus``;
Dempster, Laird & Rubin (1977), the EM algorithm.
"""

from __future__ import annotations

from typing import Any

import numba
import numpy as np

from alliance_stats.typology.cluster.gmm import _TYPES, _em, _iterate, _one_hot, _shared
from alliance_stats.typology.cluster.sklearn_kmeans import kmeans_fit, kmeans_plusplus_indices

__all__ = ["fit_mixture", "refit_mixture"]

_TOL, _MAX_ITER = 1e-3, 500  # scikit-learn's defaults, as the reference fits (fitting._fit_gmm)


@numba.njit(cache=True, error_model="numpy")
def _two_starts(xt, warm, seeds, kind, reg):  # noqa: ANN001, ANN202
    """EM from the warm start ``warm`` (weights, means, covariances) and from one point per component (``seeds``):
    the labels of the start with the higher mean log-likelihood (the warm one on ties) and whether both failed."""
    n = xt.shape[1]
    k = warm[0].shape[0]
    w = np.ones(n)
    shared = _shared(xt, w)
    settings = (reg, _TOL, _MAX_ITER)
    params = (warm[0].copy(), warm[1].copy(), warm[2].copy())
    _, loglik_warm, labels_warm, _, failed_warm = _iterate(xt, w, params, kind, settings, shared)
    resp = np.zeros((k, n))
    for j in range(k):
        resp[j, seeds[j]] = 1.0
    _, loglik_fresh, labels_fresh, _, failed_fresh, _ = _em(xt, w, resp, kind, settings, shared)
    if failed_warm and failed_fresh:
        return labels_warm, True
    if failed_warm or (not failed_fresh and loglik_fresh / shared[0] > loglik_warm / shared[0]):
        return labels_fresh, False
    return labels_warm, False


@numba.njit(cache=True, error_model="numpy")
def _from_labels(xt, labels, k, kind, reg):  # noqa: ANN001, ANN202
    """EM from hard labels of every point (scikit-learn's ``init_params="kmeans"``): (lower bound, mean
    log-likelihood of the final parameters, their labels, converged, failed, the parameters)."""
    w = np.ones(xt.shape[1])
    shared = _shared(xt, w)
    lower, loglik, fitted, converged, failed, params = _em(xt, w, _one_hot(labels, k), kind, (reg, _TOL, _MAX_ITER),
                                                          shared)
    return lower, loglik / shared[0], fitted, converged, failed, params


def fit_mixture(data: np.ndarray, k: int, covariance_type: str, n_init: int, random_state: int, reg_covar: float
                ) -> dict[str, Any] | None:
    """scikit-learn's ``GaussianMixture(k, covariance_type, n_init, random_state, max_iter=500, reg_covar).fit``,
    its EM compiled: the same k-means starts (scikit-learn's ``KMeans(n_init=1)`` on one ``RandomState``), the
    start with the highest lower bound kept (the first on ties).

    Parameters
    ----------
    data
        ``(n, d)`` points.
    k, covariance_type, n_init, random_state, reg_covar
        As scikit-learn's ``GaussianMixture`` (``n_components``, ``covariance_type``, ``n_init``,
        ``random_state``, ``reg_covar``).

    Returns
    -------
    dict or None
        ``parameters`` (weights, means, covariances in the layout of :mod:`.gmm`), ``bic`` (scikit-learn's
        ``bic``), ``labels`` (``predict``), ``converged`` and ``kmeans_warned`` (a k-means start found fewer
        distinct clusters than k); ``None`` when a start fails (scikit-learn raises: the caller refits it with
        scikit-learn for its message).

    References
    ----------
    scikit-learn 1.9 ``sklearn.mixture.GaussianMixture``; Dempster, Laird & Rubin (1977).

    Examples
    --------
    >>> from sklearn.mixture import GaussianMixture
    >>> rng = np.random.default_rng(0)
    >>> x = np.vstack([rng.normal(0, 1, (40, 2)), rng.normal(6, 1, (40, 2))])
    >>> ours = fit_mixture(x, 2, "full", 3, 5, 1e-6)
    >>> theirs = GaussianMixture(2, n_init=3, random_state=5, max_iter=500).fit(x)
    >>> bool(abs(ours["bic"] - theirs.bic(x)) < 1e-9), bool((ours["labels"] == theirs.predict(x)).all())
    (True, True)
    """
    from sklearn.utils import check_random_state

    points = np.ascontiguousarray(data, dtype=float)
    xt = np.ascontiguousarray(points.T)
    kind = _TYPES[covariance_type]
    rng = check_random_state(random_state)
    best: tuple | None = None
    warned = False
    for _ in range(n_init):
        start, _, _, start_warned = kmeans_fit(points, k, 1, rng)
        warned = warned or start_warned
        fit = _from_labels(xt, np.asarray(start, dtype=np.int64), k, kind, float(reg_covar))
        if fit[4]:
            return None
        if best is None or fit[0] > best[0]:
            best = fit
    assert best is not None
    n, d = points.shape
    n_parameters = {"full": k * d * (d + 1) / 2, "diag": k * d, "tied": d * (d + 1) / 2, "spherical": k}[
        covariance_type] + k * d + k - 1
    return {"parameters": best[5], "bic": float(-2 * best[1] * n + n_parameters * np.log(n)),
            "labels": best[2].astype(int), "converged": bool(best[3]), "kmeans_warned": warned}


def _parameters_of(model: Any, covariance_type: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """A scikit-learn ``GaussianMixture``'s weights, means and covariances in the layout of :mod:`.gmm`'s EM
    (covariances (k, d, d): full per component, tied in [0], diag on the diagonals, spherical in [j, 0, 0])."""
    k, d = model.means_.shape
    cov = np.zeros((k, d, d))
    source = np.asarray(model.covariances_, dtype=float)
    if covariance_type == "full":
        cov[:] = source
    elif covariance_type == "tied":
        cov[0] = source
    elif covariance_type == "diag":
        cov[:, np.arange(d), np.arange(d)] = source
    else:
        cov[:, 0, 0] = source
    return (np.ascontiguousarray(model.weights_, dtype=float), np.ascontiguousarray(model.means_, dtype=float), cov)


def refit_mixture(data: np.ndarray, parameters: tuple[np.ndarray, np.ndarray, np.ndarray], covariance_type: str,
                  reg_covar: float, seed: int) -> np.ndarray | None:
    """Labels of ``data`` under the mixture refitted from the full-data ``parameters`` and from a k-means++ start.

    Parameters
    ----------
    data
        ``(n, d)`` points (one resample's distinct dyads).
    parameters
        The full-data fit's weights, means and covariances (:func:`fit_mixture`, :func:`_parameters_of`): the warm
        start.
    covariance_type, reg_covar
        Its covariance type and variance floor.
    seed
        ``random_state`` of the k-means++ start (scikit-learn's ``kmeans_plusplus``).

    Returns
    -------
    numpy.ndarray or None
        ``(n,)`` component of each point (0..k-1) under the start with the higher mean log-likelihood; ``None``
        when neither fit could be completed (a covariance not positive definite).

    References
    ----------
    scikit-learn 1.9 ``GaussianMixture(n_init=1, max_iter=500)`` with ``means_init``/``weights_init``/
    ``precisions_init`` and with ``init_params="k-means++"``; Dempster, Laird & Rubin (1977).

    Examples
    --------
    >>> from sklearn.mixture import GaussianMixture
    >>> rng = np.random.default_rng(0)
    >>> x = np.vstack([rng.normal(0, 1, (40, 2)), rng.normal(6, 1, (40, 2))])
    >>> model = GaussianMixture(2, random_state=0).fit(x)
    >>> labels = refit_mixture(x[::2], _parameters_of(model, "full"), "full", 1e-6, seed=1)
    >>> bool((labels == model.predict(x[::2])).all())
    True
    """
    points = np.ascontiguousarray(data, dtype=float)
    seeds = kmeans_plusplus_indices(points, len(parameters[0]), seed)
    labels, failed = _two_starts(np.ascontiguousarray(points.T), parameters,
                                 np.asarray(seeds, dtype=np.int64), _TYPES[covariance_type], float(reg_covar))
    return None if failed else labels
