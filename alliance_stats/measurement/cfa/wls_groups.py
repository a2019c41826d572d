"""Multi-group ordinal CFA by weighted least squares, with any pattern of fixed, free and equal parameters.

:func:`fit_groups` is the engine of the ordinal invariance sequence
(:mod:`alliance_stats.measurement.invariance_ordinal`): lavaan 0.6-14's ``cfa(..., group = , ordered = TRUE,
estimator = "WLSMV")`` in the delta parameterization, for a parameter table in which loadings, thresholds,
intercepts, scaling factors, latent means and (co)variances may be fixed, free in one group, or shared by several
groups (one label). Per group ``g`` with loadings ``Lambda``, factor (co)variances ``Psi``, residual covariances
``Theta`` (off the diagonal), intercepts ``nu``, latent means ``alpha``, scaling factors ``Delta`` and thresholds
``tau``, the model moments are those of lavaan's delta parameterization:

- standardized thresholds ``tau*_ik = Delta_i (tau_ik - nu_i - (Lambda alpha)_i)``;
- correlations ``rho_ij = Delta_i Delta_j (Lambda Psi Lambda' + Theta)_ij`` (the residual variances
  ``1 / Delta_i^2 - diag(Lambda Psi Lambda')_i`` are derived).

Fit function (lavaan's ``lav_model_objective``): ``chisq = sum_g (N_g - 1) (s_g - sigma_g)' W_g (s_g - sigma_g)``
with ``W_g = diag(Gamma_g)^-1`` (``Gamma_g`` the group's NACOV); expected information
``E = sum_g f_g Delta_g' W_g Delta_g`` with ``f_g = N_g / N``; robust covariance of the estimates
``E^-1 (sum_g f_g Delta_g' W_g Gamma_g W_g Delta_g) E^-1 / (N - G)`` (``lav_model_nvcov_robust_sem``); the
scaled-shifted test ``a T + b`` with ``a = sqrt(df / tr((U Gamma)^2))``, ``b = df - a tr(U Gamma)`` and
``U = V - V D E^-1 D' V``, ``V = bdiag(f_g W_g)``, ``Gamma = bdiag(Gamma_g / f_g)``. The baseline model has free
thresholds and zero correlations in every group. The pieces of the difference test between two nested fits
(lavaan's ``lav_test_diff_Satorra2000``) are kept in :class:`GroupFit`.

References
----------
Rosseel, Y. (2012). lavaan: An R package for structural equation modeling. *Journal of Statistical Software*,
48(2), 1-36 (lavaan 0.6-14).
Asparouhov, T., & Muthén, B. (2010). Simple second order chi-square correction. Mplus technical appendix.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy import linalg, special

from alliance_stats.core.errors import SpecificationError
from alliance_stats.measurement.cfa.fit import cfi, rmsea, rmsea_ci, tli
from alliance_stats.measurement.cfa.wls import (
    _reorder_gamma,
    _scaled_shifted,
    _threshold_layout,
    damped_gauss_newton,
)

__all__ = ["GroupStats", "GroupSpec", "GroupFit", "fit_groups", "inverse_psd"]

_KINDS = ("lam", "tau", "nu", "delta", "alpha", "psi", "theta")


@dataclass(frozen=True)
class GroupStats:
    """One group's ordinal sample statistics (as :func:`alliance_stats.measurement.ordinal.polychoric` gives).

    Attributes
    ----------
    label
        The group's value.
    thresholds
        Sample thresholds ``item|tK``; ``correlation`` the polychoric matrix; ``gamma`` lavaan's NACOV
        (N-scaled); ``n_obs`` the group's number of observations.
    """

    label: str
    thresholds: pd.Series
    correlation: pd.DataFrame
    gamma: np.ndarray
    n_obs: int


@dataclass
class GroupSpec:
    """Parameter pattern of one group. Each entry of ``free`` is -1 (fixed at ``value``) or the 0-based index of
    a free parameter (an index shared by several entries or groups is an equality constraint).

    Attributes
    ----------
    free, value
        Kind -> array: ``lam`` (p x m), ``tau`` (number of thresholds), ``nu`` (p), ``delta`` (p), ``alpha`` (m),
        ``psi`` (m x m, lower triangle used), ``theta`` (p x p, strictly lower triangle used; 0 when fixed).
    """

    free: dict[str, np.ndarray] = field(default_factory=dict)
    value: dict[str, np.ndarray] = field(default_factory=dict)


@dataclass(frozen=True)
class GroupFit:
    """What :func:`fit_groups` returns.

    Attributes
    ----------
    x
        Estimates of the free parameters; ``vcov`` their covariance matrix (robust for WLSMV/ULSMV).
    matrices
        Per group, kind -> the estimated matrix (``theta`` with the derived residual variances on its diagonal).
    fit
        lavaan's fitMeasures names: ``npar``, ``chisq``, ``df``, ``pvalue``, ``chisq.scaled``, ``df.scaled``,
        ``pvalue.scaled``, ``chisq.scaling.factor``, ``baseline.chisq``, ``baseline.df``,
        ``baseline.chisq.scaled``, ``cfi``, ``tli``, ``cfi.scaled``, ``tli.scaled``, ``rmsea``, ``rmsea.scaled``
        and its interval, ``srmr``, ``ntotal``.
    delta, weights, gammas, info, meat, f_g
        Per group: the Jacobian of the moments, the weights ``diag(W_g)``, ``Gamma_g``; the expected information
        ``E``, the meat ``sum_g f_g D' W Gamma W D`` and ``N_g / N`` (for the difference test).
    converged, iterations
        Optimiser status.
    """

    x: np.ndarray
    vcov: np.ndarray
    matrices: list[dict[str, np.ndarray]]
    fit: dict[str, float]
    delta: list[np.ndarray]
    weights: list[np.ndarray]
    gammas: list[np.ndarray]
    info: np.ndarray
    meat: np.ndarray
    f_g: np.ndarray
    converged: bool
    iterations: int


@dataclass(frozen=True)
class _Problem:
    specs: list[GroupSpec]
    th_item: np.ndarray
    rows: tuple[np.ndarray, np.ndarray]
    s: list[np.ndarray]
    w: list[np.ndarray]
    c: np.ndarray
    k: int


def _matrices(spec: GroupSpec, x: np.ndarray) -> dict[str, np.ndarray]:
    out = {}
    for kind in _KINDS:
        idx, val = spec.free[kind], spec.value[kind]
        out[kind] = np.where(idx >= 0, x[np.clip(idx, 0, None)], val) if idx.size else val.astype(float)
    psi = np.tril(out["psi"])
    out["psi"] = psi + np.tril(psi, -1).T
    theta = np.tril(out["theta"], -1)
    out["theta"] = theta + theta.T
    return out


def _moments(mats: dict[str, np.ndarray], th_item: np.ndarray, rows: tuple[np.ndarray, np.ndarray]
             ) -> np.ndarray:
    lam, psi, d = mats["lam"], mats["psi"], mats["delta"]
    mu = mats["nu"] + lam @ mats["alpha"]
    tau_star = d[th_item] * (mats["tau"] - mu[th_item])
    cov = lam @ psi @ lam.T + mats["theta"]
    r_i, r_j = rows
    return np.concatenate([tau_star, d[r_i] * d[r_j] * cov[r_i, r_j]])


def _jacobian(spec: GroupSpec, mats: dict[str, np.ndarray], th_item: np.ndarray,
              rows: tuple[np.ndarray, np.ndarray], k: int) -> np.ndarray:
    """d moments / d free parameters (analytic, entry by entry, accumulated over shared indices)."""
    lam, psi, d, alpha = mats["lam"], mats["psi"], mats["delta"], mats["alpha"]
    r_i, r_j = rows
    nth = th_item.size
    jac = np.zeros((nth + r_i.size, k))
    dd = d[r_i] * d[r_j]
    lp = lam @ psi
    cov = lp @ lam.T + mats["theta"]
    mu = mats["nu"] + lam @ alpha
    d_th = d[th_item]

    def add(idx: int, top: np.ndarray | None, bottom: np.ndarray | None) -> None:
        if idx < 0:
            return
        if top is not None:
            jac[:nth, idx] += top
        if bottom is not None:
            jac[nth:, idx] += bottom

    for (a, f), idx in np.ndenumerate(spec.free["lam"]):
        if idx >= 0:
            top = -d_th * alpha[f] * (th_item == a)
            add(idx, top, dd * ((r_i == a) * lp[r_j, f] + (r_j == a) * lp[r_i, f]))
    for t, idx in enumerate(spec.free["tau"]):
        if idx >= 0:
            jac[t, idx] += d_th[t]
    for a, idx in enumerate(spec.free["nu"]):
        if idx >= 0:
            jac[:nth, idx] -= d_th * (th_item == a)
    for a, idx in enumerate(spec.free["delta"]):
        if idx >= 0:
            top = (mats["tau"] - mu[th_item]) * (th_item == a)
            add(idx, top, cov[r_i, r_j] * ((r_i == a) * d[r_j] + (r_j == a) * d[r_i]))
    for f, idx in enumerate(spec.free["alpha"]):
        if idx >= 0:
            jac[:nth, idx] -= d_th * lam[th_item, f]
    for (f, g), idx in np.ndenumerate(spec.free["psi"]):
        if idx >= 0 and f >= g:
            col = lam[r_i, f] * lam[r_j, g]
            add(idx, None, dd * (col if f == g else col + lam[r_i, g] * lam[r_j, f]))
    for (a, b), idx in np.ndenumerate(spec.free["theta"]):
        if idx >= 0 and a > b:
            add(idx, None, dd * (((r_i == a) & (r_j == b)) | ((r_i == b) & (r_j == a))))
    return jac


def _objective(prob: _Problem, x: np.ndarray) -> tuple[float, list[np.ndarray], list[dict[str, np.ndarray]]]:
    devs, mats_all, total = [], [], 0.0
    for g, spec in enumerate(prob.specs):
        mats = _matrices(spec, x)
        dev = prob.s[g] - _moments(mats, prob.th_item, prob.rows)
        total += prob.c[g] * float(dev @ (prob.w[g] * dev))
        devs.append(dev)
        mats_all.append(mats)
    return total, devs, mats_all


def _minimise(prob: _Problem, x0: np.ndarray, max_iter: int = 300) -> tuple[np.ndarray, bool, int]:
    """:func:`~alliance_stats.measurement.cfa.wls.damped_gauss_newton` on the weighted least-squares objective
    summed over the groups."""

    def objective(x: np.ndarray) -> tuple[float, tuple[list[np.ndarray], list[dict[str, np.ndarray]]]]:
        f, devs, mats = _objective(prob, x)
        return f, (devs, mats)

    def normal_equations(x: np.ndarray, state: tuple[list[np.ndarray], list[dict[str, np.ndarray]]]
                         ) -> tuple[np.ndarray, np.ndarray]:
        devs, mats = state
        info = np.zeros((prob.k, prob.k))
        grad = np.zeros(prob.k)
        for g, spec in enumerate(prob.specs):
            jac = _jacobian(spec, mats[g], prob.th_item, prob.rows, prob.k)
            jw = jac * (prob.c[g] * prob.w[g])[:, None]
            info += jac.T @ jw
            grad += jw.T @ devs[g]
        return info, grad

    def converged(change: float, f: float, largest: float) -> bool:
        return largest < 1e-10 or (change <= 1e-13 * max(f, 1e-12) and largest < 1e-8)

    return damped_gauss_newton(x0, objective, normal_equations, _solve_psd, converged, max_iter)


def _solve_psd(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """``a^-1 b`` by Cholesky for a positive definite ``a``; least squares when ``a`` is singular."""
    try:
        return linalg.cho_solve(linalg.cho_factor(a, check_finite=False), b, check_finite=False)
    except linalg.LinAlgError:
        return np.linalg.lstsq(a, b, rcond=None)[0]


def inverse_psd(a: np.ndarray) -> np.ndarray:
    """Inverse of a positive definite matrix (Cholesky); the pseudo-inverse when it is singular.

    Parameters
    ----------
    a
        Symmetric matrix.

    Returns
    -------
    numpy.ndarray

    Examples
    --------
    >>> np.round(inverse_psd(np.array([[2.0, 0.0], [0.0, 4.0]])), 12).tolist()
    [[0.5, 0.0], [0.0, 0.25]]
    """
    try:
        return linalg.cho_solve(linalg.cho_factor(a, check_finite=False), np.eye(a.shape[0]), check_finite=False)
    except linalg.LinAlgError:
        return np.linalg.pinv(a)


def _align(stats: list[GroupStats], items: tuple[str, ...]) -> tuple[list[np.ndarray], list[np.ndarray],
                                                                      np.ndarray, list[str]]:
    """Per group the sample moments and Gamma in the model's item order; the item of each threshold."""
    s, gammas, names = [], [], None
    p = len(items)
    rows = (np.triu_indices(p, 1)[1], np.triu_indices(p, 1)[0])
    for st in stats:
        th, th_names = _threshold_layout(st.thresholds, items)
        labels = [f"{i}|{t}" for i, t in th_names]
        if names is None:
            names = labels
        elif labels != names:
            raise SpecificationError(
                f"group {st.label!r} has thresholds {labels} but the first group {names}: every item needs the "
                "same categories in every group", fix="merge categories so that every group observes each one")
        order = [list(st.correlation.index).index(i) for i in items]
        r = st.correlation.to_numpy(dtype=float)[np.ix_(order, order)]
        s.append(np.concatenate([th, r[rows]]))
        gammas.append(_reorder_gamma(np.asarray(st.gamma, dtype=float), st.thresholds, list(st.correlation.index),
                                     items))
    assert names is not None
    th_item = np.asarray([items.index(n.partition("|")[0]) for n in names])
    return s, gammas, th_item, names


def fit_groups(specs: list[GroupSpec], stats: list[GroupStats], items: tuple[str, ...], x0: np.ndarray,
               estimator: str = "WLSMV") -> GroupFit:
    """Fit a multi-group ordinal measurement model by DWLS (or ULS) as lavaan 0.6-14.

    Parameters
    ----------
    specs
        One :class:`GroupSpec` per group (same order as ``stats``), in the model's item order.
    stats
        One :class:`GroupStats` per group.
    items
        The model's items (the order of the rows of ``lam`` and of the thresholds).
    x0
        Start values of the free parameters.
    estimator
        ``"WLSMV"`` (diagonal weights, robust SE, scaled-shifted test), ``"ULSMV"`` or ``"DWLS"``.

    Returns
    -------
    GroupFit

    References
    ----------
    Rosseel, Y. (2012). lavaan: An R package for structural equation modeling. *Journal of Statistical
    Software*, 48(2), 1-36 (lavaan 0.6-14).

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> r = pd.DataFrame(np.eye(2) * 0.5 + 0.5, index=["a", "b"], columns=["a", "b"])
    >>> st = GroupStats("g", pd.Series([0.0, 0.1], index=["a|t1", "b|t1"]), r, np.eye(3), 100)
    >>> free = {"lam": np.array([[-1], [-1]]), "tau": np.array([0, 1]), "nu": np.array([-1, -1]),
    ...         "delta": np.array([-1, -1]), "alpha": np.array([-1]), "psi": np.array([[2]]),
    ...         "theta": np.full((2, 2), -1)}
    >>> value = {"lam": np.ones((2, 1)), "tau": np.zeros(2), "nu": np.zeros(2), "delta": np.ones(2),
    ...          "alpha": np.zeros(1), "psi": np.ones((1, 1)), "theta": np.zeros((2, 2))}
    >>> res = fit_groups([GroupSpec(free, value)], [st], ("a", "b"), np.array([0.0, 0.0, 0.3]))
    >>> np.round(res.x, 6).tolist(), round(res.fit["chisq"], 8)
    ([0.0, 0.1, 0.5], 0.0)
    """
    estimator = str(estimator).upper()
    if estimator not in ("WLSMV", "DWLS", "ULSMV"):
        raise SpecificationError(f"estimator {estimator!r} is not an ordinal estimator", value=estimator,
                                 fix="use WLSMV, DWLS or ULSMV")
    s, gammas, th_item, _ = _align(stats, items)
    p = len(items)
    rows = (np.triu_indices(p, 1)[1], np.triu_indices(p, 1)[0])
    w = [1.0 / np.diag(gm) if estimator != "ULSMV" else np.ones(gm.shape[0]) for gm in gammas]
    n_g = np.asarray([st.n_obs for st in stats], dtype=float)
    prob = _Problem(specs, th_item, rows, s, w, n_g - 1.0, int(x0.size))
    x, converged, iterations = _minimise(prob, np.asarray(x0, dtype=float))
    chisq, devs, mats = _objective(prob, x)
    f_g = n_g / n_g.sum()
    jacs = [_jacobian(spec, mats[g], th_item, rows, prob.k) for g, spec in enumerate(specs)]
    info = sum(f_g[g] * (jacs[g].T * w[g]) @ jacs[g] for g in range(len(specs)))
    e_inv = inverse_psd(info)
    wd = [jacs[g] * w[g][:, None] for g in range(len(specs))]
    meat = sum(f_g[g] * wd[g].T @ gammas[g] @ wd[g] for g in range(len(specs)))
    robust = estimator != "DWLS"
    n_ls = n_g.sum() - len(specs)  # lavaan's lav_utils_get_ntotal: N - G for the least-squares estimators
    vcov = (e_inv @ meat @ e_inv if robust else e_inv) / n_ls
    fit = _fit_measures(prob, chisq, devs, (wd, gammas, e_inv, meat, f_g), estimator)
    for m in mats:
        m["theta"] = m["theta"].copy()
        np.fill_diagonal(m["theta"], 1.0 / m["delta"] ** 2 - np.diag(m["lam"] @ m["psi"] @ m["lam"].T))
    return GroupFit(x=x, vcov=vcov, matrices=mats, fit={k: float(v) for k, v in fit.items()}, delta=jacs,
                    weights=w, gammas=gammas, info=info,
                    meat=meat, f_g=f_g, converged=converged, iterations=iterations)


def _traces(w: list[np.ndarray], gammas: list[np.ndarray], wd: list[np.ndarray], e_inv: np.ndarray,
            meat: np.ndarray, f_g: np.ndarray, nth: int) -> tuple[float, float, float, float]:
    """tr(U Gamma) and tr((U Gamma)^2) of the model and of the baseline (free thresholds, zero correlations),
    without forming U: with ``A = V Gamma`` (block diagonal ``W_g Gamma_g``), ``C = V D`` and
    ``Q = E^-1 D' V Gamma``, ``U Gamma = A - C Q``."""
    tr_a = tr_a2 = base1 = base2 = 0.0
    mid = np.zeros_like(meat)
    for g in range(len(w)):
        a_g = gammas[g] * w[g][:, None]
        tr_a += float(np.trace(a_g))
        tr_a2 += float(np.sum(a_g * a_g.T))
        x_g = gammas[g] @ wd[g]
        mid += f_g[g] * x_g.T @ (x_g * w[g][:, None])
        b_g = a_g[nth:, nth:]
        base1 += float(np.trace(b_g))
        base2 += float(np.sum(b_g * b_g.T))
    eb = e_inv @ meat
    tr1 = tr_a - float(np.trace(eb))
    tr2 = tr_a2 - 2.0 * float(np.sum(e_inv * mid)) + float(np.sum(eb * eb.T))
    return tr1, tr2, base1, base2


def _fit_measures(prob: _Problem, chisq: float, devs: list[np.ndarray], pieces: tuple, estimator: str
                  ) -> dict[str, float]:
    """lavaan's fitMeasures of a multi-group categorical fit (standard and scaled-shifted tests, their
    baselines, CFI, TLI, RMSEA with sqrt(G), SRMR as the N_g-weighted mean of the groups' SRMR)."""
    wd, gammas, e_inv, meat, f_g = pieces
    nth = prob.th_item.size
    n_groups = len(prob.specs)
    n_g = prob.c + 1.0
    npair = prob.rows[0].size
    df = n_groups * (nth + npair) - prob.k
    base_df = n_groups * npair
    base_chisq = float(sum(prob.c[g] * float(prob.s[g][nth:] @ (prob.w[g][nth:] * prob.s[g][nth:]))
                           for g in range(n_groups)))
    fit: dict[str, float] = {"npar": float(prob.k), "chisq": chisq, "df": float(df),
                             "pvalue": float(special.chdtrc(df, chisq)) if df > 0 else math.nan}
    scaled = estimator != "DWLS"
    if estimator == "ULSMV":
        fit["pvalue"] = math.nan
    if scaled:
        tr1, tr2, b1, b2 = _traces(prob.w, gammas, wd, e_inv, meat, f_g, nth)
        model, base = _scaled_shifted(chisq, df, tr1, tr2), _scaled_shifted(base_chisq, base_df, b1, b2)
        fit.update({"chisq.scaled": model["stat"], "df.scaled": float(df),
                    "pvalue.scaled": float(special.chdtrc(df, model["stat"])) if df > 0 else math.nan,
                    "chisq.scaling.factor": model["factor"], "chisq.shift": model["shift"]})
    fit.update({"baseline.chisq": base_chisq, "baseline.df": float(base_df)})
    if scaled:
        fit["baseline.chisq.scaled"] = base["stat"]
    fit["cfi"] = cfi(chisq, df, base_chisq, base_df)
    fit["tli"] = tli(chisq, df, base_chisq, base_df)
    if scaled:
        fit["cfi.scaled"] = cfi(fit["chisq.scaled"], df, base["stat"], base_df)
        fit["tli.scaled"] = tli(fit["chisq.scaled"], df, base["stat"], base_df)
    nr = float(n_g.sum() - n_groups)  # lavaan's lav_utils_get_ntotal: N - G for the least-squares estimators
    fit["rmsea"] = rmsea(chisq, df, nr, n_groups)
    fit["rmsea.ci.lower"], fit["rmsea.ci.upper"] = rmsea_ci(chisq, df, nr, n_groups)
    if scaled:
        stat = fit["chisq.scaled"]
        fit["rmsea.scaled"] = rmsea(stat, df, nr, n_groups)
        fit["rmsea.ci.lower.scaled"], fit["rmsea.ci.upper.scaled"] = rmsea_ci(stat, df, nr, n_groups)
    p = int(prob.th_item.max()) + 1 if nth else 0
    srmr = [math.sqrt(float(np.sum(dev[nth:] ** 2)) / (p * (p + 1) / 2)) for dev in devs]
    fit["srmr"] = float(np.sum(f_g * np.asarray(srmr)))
    fit["ntotal"] = float(n_g.sum())
    return fit
