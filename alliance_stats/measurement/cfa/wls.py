"""Ordinal CFA by weighted least squares on polychoric correlations: lavaan 0.6-14's WLSMV, DWLS and ULSMV.

:func:`wls_cfa` takes the sample statistics of ordered items (thresholds, polychoric correlations, their
asymptotic covariance ``gamma`` as ``lavInspect(fit, "gamma")``, the number of observations) and fits a
measurement model written in lavaan syntax, as ``lavaan::cfa(model, data, ordered = TRUE, estimator = ...)``
does with its defaults:

- delta parameterization: the latent responses have unit variances, so the residual variances
  ``theta = 1 - diag(Lambda Psi Lambda')`` are derived (fixed, ``free = 0``) parameters of the table; thresholds
  are free (``item | t1``, ...); the first loading of each factor is fixed to 1 (``std.lv = FALSE``);
- sample statistics ``s = (thresholds, correlations below the diagonal column by column)``, model moments
  ``sigma(theta) = (tau, offdiag(Lambda Psi Lambda' + Theta))``; fit function
  ``F = 1/2 (N - 1)/N (s - sigma)' W (s - sigma)`` with ``W = diag(gamma)^-1`` (DWLS, WLSMV) or ``W = I``
  (ULSMV), minimised by Gauss-Newton steps (exact for this least-squares problem) to a relative change below
  1e-12; ``chisq = 2 N F``;
- ``WLSMV``/``ULSMV``: robust standard errors (``se = "robust.sem"``: ``E^-1 Delta' W Gamma W Delta E^-1 / N``
  with ``E = Delta' W Delta``) and the scaled-shifted test (``test = "scaled.shifted"``: ``a T + b`` with
  ``a = sqrt(df / tr((U Gamma)^2))``, ``b = df - a tr(U Gamma)``, ``U = W - W Delta E^-1 Delta' W``); ``DWLS``:
  ``E^-1 / N`` and the unscaled test, as lavaan's defaults for that name;
- baseline: the independence model with free thresholds (correlations 0), fitted and tested the same way; the
  robust CFI, TLI and RMSEA by lavaan's ``lav_fit_catml_dwls`` (Savalei 2021): the ML discrepancy of the
  polychoric matrix at the DWLS estimates (``catML``) with its own scaling factor; SRMR as lavaan's ``srmr`` for
  categorical data: the root mean square of the correlation residuals (diagonal included); ``srmr_bentler`` and
  ``crmr`` as lavaan's residual summaries with the (zero) threshold residuals as the mean part (diagonal included
  or not), and ``wrmr = sqrt(chisq / (number of thresholds and correlations))``.

Because ``W`` is diagonal and every threshold is free, the threshold estimates equal the sample thresholds and
the structural parameters only see the correlations: the traces and the sandwich are computed on the
correlation block (``p(p-1)/2`` rows), which keeps the 53-item model (1,378 correlations) fast.

References
----------
Muthén, B., du Toit, S. H. C., & Spisic, D. (1997). Robust inference using weighted least squares and quadratic
estimating equations in latent variable modeling with categorical and continuous outcomes. Unpublished paper.
Asparouhov, T., & Muthén, B. (2010). Simple second order chi-square correction. Mplus technical appendix.
Savalei, V. (2021). Improving fit indices in structural equation modeling with categorical data. *Multivariate
Behavioral Research*, 56(3), 390-407.
Rosseel, Y. (2012). lavaan: An R package for structural equation modeling. *Journal of Statistical Software*,
48(2), 1-36 (lavaan 0.6-14).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from scipy import special

from alliance_stats.core.errors import SpecificationError
from alliance_stats.measurement.cfa.fit import cfi, pchisq, rmsea, rmsea_ci, robust_indices, tli
from alliance_stats.measurement.syntax import MeasurementModel

__all__ = ["ORDINAL_ESTIMATORS", "WLSFit", "wls_cfa"]

ORDINAL_ESTIMATORS = ("WLSMV", "DWLS", "ULSMV")
_Z975 = float(special.ndtri(0.975))


@dataclass(frozen=True)
class WLSFit:
    """What :func:`wls_cfa` returns.

    Attributes
    ----------
    params
        lavaan's ``parameterEstimates(standardized = TRUE)``: ``lhs``, ``op``, ``rhs``, ``free`` (0 for a fixed
        or derived parameter, else its 1-based index), ``est``, ``se``, ``z``, ``pvalue``, ``ci_lower``,
        ``ci_upper``, ``std_all``; rows in lavaan's order (loadings, thresholds, residual variances, residual
        covariances, factor (co)variances, scaling factors ``~*~``, intercepts ``~1``).
    fit
        ``fitMeasures`` names -> value.
    vcov
        Covariance of the free parameters (names ``lhs op rhs``).
    lam, psi
        Loadings (items x factors) and factor covariance matrix.
    implied
        Model-implied correlation matrix of the latent responses.
    converged, iterations
        Of the Gauss-Newton minimiser.
    """

    params: pd.DataFrame
    fit: dict[str, float]
    vcov: pd.DataFrame
    lam: np.ndarray
    psi: np.ndarray
    implied: np.ndarray
    converged: bool
    iterations: int


@dataclass(frozen=True)
class _Layout:
    """Which structural parameters are free, in lavaan's order."""

    items: tuple[str, ...]
    factors: tuple[str, ...]
    markers: tuple[tuple[int, int], ...]
    loadings: tuple[tuple[int, int], ...]
    psi: tuple[tuple[int, int], ...]
    resid: tuple[tuple[int, int], ...]
    ordered: tuple[tuple[int, int], ...] = ()

    @property
    def k(self) -> int:
        return len(self.loadings) + len(self.psi) + len(self.resid)


def _layout(model: MeasurementModel) -> _Layout:
    items, factors = model.items, model.factors
    ii = {name: j for j, name in enumerate(items)}
    fi = {name: j for j, name in enumerate(factors)}
    markers, loadings, ordered = [], [], []
    for ld in model.loadings:
        if ld.modifier is not None:
            raise SpecificationError(
                f"the ordinal estimators take loadings without modifiers ({ld.factor} =~ {ld.item})",
                line=ld.line, fix="remove the modifier: the first item of each factor is its marker")
        pair = (ii[ld.item], fi[ld.factor])
        ordered.append(pair)
        (loadings if any(m[1] == pair[1] for m in markers) else markers).append(pair)
    resid = []
    for cv in model.covariances:
        both_items = cv.lhs in ii and cv.rhs in ii
        if cv.modifier is not None or not both_items or cv.lhs == cv.rhs:
            raise SpecificationError(
                f"the ordinal estimators take only free residual covariances between two items "
                f"({cv.lhs} ~~ {cv.rhs})", line=cv.line,
                fix="remove this line: factor (co)variances are free and item variances are fixed to 1 "
                    "(delta parameterization)")
        a, b = ii[cv.lhs], ii[cv.rhs]
        resid.append((max(a, b), min(a, b)))
    m = len(factors)
    psi = [(f, f) for f in range(m)] + [(g, f) for f in range(m) for g in range(f + 1, m)]
    return _Layout(tuple(items), tuple(factors), tuple(markers), tuple(loadings), tuple(psi), tuple(resid),
                   tuple(ordered))


def _matrices(layout: _Layout, x: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    p, m = len(layout.items), len(layout.factors)
    lam = np.zeros((p, m))
    for i, f in layout.markers:
        lam[i, f] = 1.0
    nl, npsi = len(layout.loadings), len(layout.psi)
    for (i, f), v in zip(layout.loadings, x[:nl], strict=True):
        lam[i, f] = v
    psi = np.zeros((m, m))
    for (f, g), v in zip(layout.psi, x[nl:nl + npsi], strict=True):
        psi[f, g] = psi[g, f] = v
    resid = np.zeros((p, p))
    for (i, j), v in zip(layout.resid, x[nl + npsi:], strict=True):
        resid[i, j] = resid[j, i] = v
    return lam, psi, resid


def _jacobian(layout: _Layout, lam: np.ndarray, psi: np.ndarray, rows: tuple[np.ndarray, np.ndarray]
              ) -> np.ndarray:
    """d offdiag(Sigma*) / d(free loadings, psi, residual covariances): pairs x k."""
    r_i, r_j = rows
    lp = lam @ psi
    cols = []
    for a, f in layout.loadings:
        cols.append((r_i == a) * lp[r_j, f] + (r_j == a) * lp[r_i, f])
    for f, g in layout.psi:
        col = lam[r_i, f] * lam[r_j, g]
        cols.append(col if f == g else col + lam[r_i, g] * lam[r_j, f])
    for a, b in layout.resid:
        cols.append((((r_i == b) & (r_j == a)) | ((r_i == a) & (r_j == b))).astype(float))
    return np.column_stack(cols) if cols else np.zeros((r_i.size, 0))


def _start(layout: _Layout, corr: np.ndarray) -> np.ndarray:
    """Start values: per factor, the first principal component of its items' correlations, scaled by the
    marker; factor covariances 0, residual covariances 0."""
    p, m = len(layout.items), len(layout.factors)
    lam_std = np.zeros((p, m))
    for f in range(m):
        members = [i for i, g in layout.markers + layout.loadings if g == f]
        block = corr[np.ix_(members, members)]
        val, vec = np.linalg.eigh(block)
        v = vec[:, -1] * math.sqrt(max(val[-1] - 1.0, 0.1) / max(len(members) - 1, 1) * len(members))
        v = np.clip(v, -0.95, 0.95)
        lam_std[members, f] = v
    x = []
    marker_of = {f: i for i, f in layout.markers}
    for i, f in layout.loadings:
        mk = lam_std[marker_of[f], f]
        x.append(lam_std[i, f] / mk if abs(mk) > 0.05 else 1.0)
    for f, g in layout.psi:
        if f == g:
            mk = lam_std[marker_of[f], f]
            x.append(max(mk * mk, 0.05))
        else:
            x.append(0.0)
    x.extend(0.0 for _ in layout.resid)
    return np.asarray(x)


def _implied_offdiag(layout: _Layout, x: np.ndarray, rows: tuple[np.ndarray, np.ndarray]) -> np.ndarray:
    lam, psi, resid = _matrices(layout, x)
    return np.einsum("kf,fg,kg->k", lam[rows[0]], psi, lam[rows[1]]) + resid[rows]


def damped_gauss_newton(x0: np.ndarray, objective: Callable[[np.ndarray], tuple[float, Any]],
                        normal_equations: Callable[[np.ndarray, Any], tuple[np.ndarray, np.ndarray]],
                        solve: Callable[[np.ndarray, np.ndarray], np.ndarray],
                        converged: Callable[[float, float, float], bool],
                        max_iter: int) -> tuple[np.ndarray, bool, int]:
    """Gauss-Newton with step halving, and Levenberg damping when a step does not descend (the minimiser of the
    single-group and the multi-group weighted least-squares fits).

    ``objective(x)`` gives ``(f, state)``; ``normal_equations(x, state)`` gives ``(information, gradient)`` at an
    accepted point; ``solve(a, b)`` is ``a^-1 b``; ``converged(decrease, f, largest_step)`` ends the iterations.
    Returns ``(x, converged, iterations)``."""
    x = x0.copy()
    f, state = objective(x)
    damping = 0.0
    for it in range(1, max_iter + 1):
        info, grad = normal_equations(x, state)
        step = solve(info + damping * np.diag(np.diag(info)), grad)
        t = 1.0
        while True:
            x_new = x + t * step
            f_new, state_new = objective(x_new)
            if f_new <= f or t < 1e-6:
                break
            t *= 0.5
        if f_new > f:
            damping = max(damping * 10.0, 1e-3)
            if damping > 1e8:
                return x, False, it
            continue
        damping = damping / 10.0 if damping > 1e-8 else 0.0
        change = f - f_new
        x, f, state = x_new, f_new, state_new
        if converged(change, f, float(np.max(np.abs(t * step), initial=0.0))):
            return x, True, it
    return x, False, max_iter


def _solve_or_lstsq(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    try:
        return np.linalg.solve(a, b)
    except np.linalg.LinAlgError:
        return np.linalg.lstsq(a, b, rcond=None)[0]


def _minimise(layout: _Layout, r: np.ndarray, w: np.ndarray, rows: tuple[np.ndarray, np.ndarray],
              x0: np.ndarray, max_iter: int = 500) -> tuple[np.ndarray, bool, int]:
    """:func:`damped_gauss_newton` on ``(r - sigma(x))' diag(w) (r - sigma(x))``."""

    def objective(x: np.ndarray) -> tuple[float, np.ndarray]:
        resid = r - _implied_offdiag(layout, x, rows)
        return float(resid @ (w * resid)), resid

    def normal_equations(x: np.ndarray, resid: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        lam, psi, _ = _matrices(layout, x)
        jw = (jac := _jacobian(layout, lam, psi, rows)) * w[:, None]
        return jac.T @ jw, jw.T @ resid

    def converged(change: float, f: float, largest: float) -> bool:
        return (change <= 1e-12 * max(f, 1e-12) and largest < 1e-8) or largest < 1e-11

    return damped_gauss_newton(x0, objective, normal_equations, _solve_or_lstsq, converged, max_iter)


def _threshold_layout(thresholds: pd.Series, items: tuple[str, ...]) -> tuple[np.ndarray, list[tuple[str, str]]]:
    """Threshold values in the model's item order and their (item, "tK") names; raises when an item of the
    model has no threshold or the names are not ``item|tK``."""
    by_item: dict[str, list[tuple[str, float]]] = {}
    for name, value in thresholds.items():
        item, sep, label = str(name).partition("|")
        if not sep:
            raise SpecificationError(f"threshold name {name!r} is not 'item|tK'", value=name,
                                     fix="name thresholds as lavaan does: item|t1, item|t2, ...")
        by_item.setdefault(item, []).append((label, float(value)))
    missing = [item for item in items if item not in by_item]
    if missing:
        raise SpecificationError(f"item {missing[0]!r} has no threshold", column=missing[0],
                                 fix="pass the thresholds of every item of the model")
    values, names = [], []
    for item in items:
        for label, value in by_item[item]:
            values.append(value)
            names.append((item, label))
    return np.asarray(values), names


def _sandwich(layout: _Layout, jac: np.ndarray, w_r: np.ndarray, gamma: np.ndarray, nth: int,
              robust: bool) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """N x covariance of (thresholds, structural parameters) and the pieces the tests reuse (E_s^-1, C'Gamma)."""
    c = jac * w_r[:, None]
    e_inv = np.linalg.inv(jac.T @ c)
    g_rr = gamma[nth:, nth:]
    ct_g = c.T @ g_rr
    k = layout.k
    nvcov = np.zeros((nth + k, nth + k))
    if robust:
        nvcov[:nth, :nth] = gamma[:nth, :nth]
        b = c @ e_inv
        cross = gamma[:nth, nth:] @ b
        nvcov[:nth, nth:] = cross
        nvcov[nth:, :nth] = cross.T
        nvcov[nth:, nth:] = e_inv @ (ct_g @ c) @ e_inv
    else:
        nvcov[:nth, :nth] = np.diag(np.diag(gamma)[:nth])
        nvcov[nth:, nth:] = e_inv
    return nvcov, e_inv, ct_g


def _scaled_shifted(chisq: float, df: float, trace: float, trace2: float) -> dict[str, float]:
    if df <= 0 or trace2 <= 0:
        return {"stat": chisq, "factor": math.nan, "shift": math.nan}
    a = math.sqrt(df / trace2)
    shift = df - a * trace
    return {"stat": chisq * a + shift, "factor": 1.0 / a, "shift": shift}


def _catml(r_full: np.ndarray, implied: np.ndarray, n: int, jac: np.ndarray, e_inv: np.ndarray,
           w_r: np.ndarray, g_rr: np.ndarray, rows: tuple[np.ndarray, np.ndarray]) -> tuple[float, float, float,
                                                                                             float] | None:
    """lavaan's lav_fit_catml_dwls: the ML discrepancy of the polychoric matrix at the estimates (``XX3``),
    its scaling ``c.hat3 = tr(U' V U Gamma) / df``, and the baseline's ``XX3.null = -N log|R|`` and
    ``c.hat3.null = tr(Gamma) / df.null``; None when R is not positive definite (lavaan gives NA)."""
    p = r_full.shape[0]
    if np.linalg.eigvalsh(r_full)[0] < np.sqrt(np.finfo(float).eps):
        return None
    s_inv = np.linalg.inv(implied)
    logdet_r = np.linalg.slogdet(r_full)[1]
    xx3 = n * (np.linalg.slogdet(implied)[1] + float(np.sum(r_full * s_inv)) - logdet_r - p)
    r_i, r_j = rows
    v = s_inv[np.ix_(r_i, r_i)] * s_inv[np.ix_(r_j, r_j)] + s_inv[np.ix_(r_i, r_j)] * s_inv[np.ix_(r_j, r_i)]
    c = jac * w_r[:, None]
    b2 = jac @ e_inv
    gc = g_rr @ c
    m = g_rr - b2 @ gc.T - gc @ b2.T + b2 @ (c.T @ gc) @ b2.T
    df = r_i.size - jac.shape[1]
    ks = float(np.sum(v * m))
    return xx3, ks / df if df > 0 else math.nan, -n * logdet_r, float(np.trace(g_rr)) / r_i.size


def _fit_measures(chisq: float, df: int, n: int, npar: int, tests: dict[str, dict[str, float]],
                  baseline: tuple[float, int], estimator: str) -> dict[str, float]:
    """lavaan's fitMeasures for a categorical fit (standard, scaled-shifted and their baselines)."""
    base_chisq, base_df = baseline
    fit: dict[str, float] = {
        "npar": float(npar), "fmin": chisq / (2.0 * n), "chisq": chisq, "df": float(df),
        "pvalue": float(special.chdtrc(df, chisq)) if df > 0 and estimator != "ULSMV" else math.nan,
    }
    scaled = estimator != "DWLS"
    if scaled:
        model, base = tests["model"], tests["baseline"]
        fit.update({"chisq.scaled": model["stat"], "df.scaled": float(df),
                    "pvalue.scaled": float(special.chdtrc(df, model["stat"])) if df > 0 else math.nan,
                    "chisq.scaling.factor": model["factor"]})
    fit.update({"baseline.chisq": base_chisq, "baseline.df": float(base_df),
                "baseline.pvalue": float(special.chdtrc(base_df, base_chisq))
                if estimator != "ULSMV" else math.nan})
    if scaled:
        fit.update({"baseline.chisq.scaled": base["stat"], "baseline.df.scaled": float(base_df),
                    "baseline.pvalue.scaled": float(special.chdtrc(base_df, base["stat"])),
                    "baseline.chisq.scaling.factor": base["factor"]})
    fit["cfi"] = cfi(chisq, df, base_chisq, base_df)
    fit["tli"] = tli(chisq, df, base_chisq, base_df)
    if scaled:
        fit["cfi.scaled"] = cfi(fit["chisq.scaled"], df, base["stat"], base_df)
        fit["tli.scaled"] = tli(fit["chisq.scaled"], df, base["stat"], base_df)
    nr = n - 1  # lavaan's lav_utils_get_ntotal: N - G for the least-squares estimators
    fit["rmsea"] = rmsea(chisq, df, nr, 1)
    fit["rmsea.ci.lower"], fit["rmsea.ci.upper"] = rmsea_ci(chisq, df, nr, 1)
    fit["rmsea.pvalue"] = (1.0 - pchisq(chisq, df, nr * df * 0.05**2)) if df > 0 else math.nan
    if scaled:
        stat = fit["chisq.scaled"]
        fit["rmsea.scaled"] = rmsea(stat, df, nr, 1)
        fit["rmsea.ci.lower.scaled"], fit["rmsea.ci.upper.scaled"] = rmsea_ci(stat, df, nr, 1)
        fit["rmsea.pvalue.scaled"] = (1.0 - pchisq(stat, df, nr * df * 0.05**2)) if df > 0 else math.nan
    fit["ntotal"] = float(n)
    return fit


def wls_cfa(model: MeasurementModel, thresholds: pd.Series, correlation: pd.DataFrame, gamma: np.ndarray,
            n_obs: int, estimator: str = "WLSMV") -> WLSFit:
    """Fit a measurement model to ordinal sample statistics by DWLS or ULS, as lavaan 0.6-14.

    Parameters
    ----------
    model
        Parsed measurement model (loadings without modifiers; optional free residual covariances of items).
    thresholds
        Sample thresholds indexed ``item|t1``, ``item|t2``, ... item by item (lavaan's names and order).
    correlation
        Polychoric correlations, items x items (any order containing the model's items).
    gamma
        Asymptotic covariance of ``(thresholds, correlations below the diagonal column by column)``, N-scaled,
        as ``lavInspect(fit, "gamma")``, in the order of ``thresholds`` and ``correlation``'s items.
    n_obs
        Number of observations (lavaan's ``nobs``).
    estimator
        ``"WLSMV"`` (diagonal weights, robust SE, scaled-shifted test), ``"ULSMV"`` (unweighted, robust SE,
        scaled-shifted test) or ``"DWLS"`` (diagonal weights, lavaan's standard SE and test).

    Returns
    -------
    WLSFit

    References
    ----------
    Rosseel, Y. (2012). lavaan: An R package for structural equation modeling. *Journal of Statistical
    Software*, 48(2), 1-36 (lavaan 0.6-14, ``estimator = "WLSMV"``, ``parameterization = "delta"``).

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> from alliance_stats.measurement.syntax import parse_model
    >>> items = ["a", "b", "c"]
    >>> r = pd.DataFrame([[1, .48, .40], [.48, 1, .30], [.40, .30, 1]], index=items, columns=items)
    >>> th = pd.Series([0.0, 0.2, -0.1], index=["a|t1", "b|t1", "c|t1"])
    >>> res = wls_cfa(parse_model("f =~ a + b + c"), th, r, np.eye(6), 500, "ULSMV")
    >>> round(float(res.lam[1, 0]), 4), round(res.fit["chisq"], 6)
    (0.75, 0.0)
    """
    estimator = str(estimator).upper()
    if estimator not in ORDINAL_ESTIMATORS:
        raise SpecificationError(f"estimator {estimator!r} is not an ordinal estimator", value=estimator,
                                 fix=f"use one of {', '.join(ORDINAL_ESTIMATORS)}")
    layout = _layout(model)
    items = layout.items
    th, th_names = _threshold_layout(thresholds, items)
    order = [list(correlation.index).index(i) for i in items]
    r_full = correlation.to_numpy(dtype=float)[np.ix_(order, order)]
    gamma = _reorder_gamma(np.asarray(gamma, dtype=float), thresholds, list(correlation.index), items)
    p, nth = len(items), th.size
    rows = (np.triu_indices(p, 1)[1], np.triu_indices(p, 1)[0])
    r = r_full[rows]
    w = 1.0 / np.diag(gamma) if estimator != "ULSMV" else np.ones(gamma.shape[0])
    w_r = w[nth:]
    if rows[0].size < layout.k:
        raise SpecificationError(
            f"the model has {layout.k} free structural parameters but {rows[0].size} correlations: it is not "
            "identified", fix="add items (three or more per factor) or remove residual covariances")
    x, converged, iterations = _minimise(layout, r, w_r, rows, _start(layout, r_full))
    lam, psi, resid_cov = _matrices(layout, x)
    implied = lam @ psi @ lam.T + resid_cov
    np.fill_diagonal(implied, 1.0)
    dev = r - implied[rows]
    chisq = max((n_obs - 1) * float(dev @ (w_r * dev)), 0.0)
    base_chisq = (n_obs - 1) * float(r @ (w_r * r))
    jac = _jacobian(layout, lam, psi, rows)
    robust = estimator != "DWLS"
    nvcov, e_inv, ct_g = _sandwich(layout, jac, w_r, gamma, nth, robust)
    g_rr = gamma[nth:, nth:]
    df = rows[0].size - layout.k
    tests: dict[str, dict[str, float]] = {}
    if robust:
        c = jac * w_r[:, None]
        ug = w_r[:, None] * g_rr - c @ e_inv @ ct_g
        tests["model"] = _scaled_shifted(chisq, df, float(np.trace(ug)), float(np.sum(ug * ug.T)))
        ug_b = w_r[:, None] * g_rr
        tests["baseline"] = _scaled_shifted(base_chisq, rows[0].size, float(np.trace(ug_b)),
                                            float(np.sum(ug_b * ug_b.T)))
    fit = _fit_measures(chisq, df, n_obs, nth + layout.k, tests, (base_chisq, rows[0].size), estimator)
    n_rmsea = n_obs - 1  # lavaan's lav_utils_get_ntotal: N - G for the least-squares estimators
    if robust:
        cat = _catml(r_full, implied, n_obs, jac, e_inv, w_r, g_rr, rows)
        if cat is None:
            fit.update(dict.fromkeys(("cfi.robust", "tli.robust", "rmsea.robust", "rmsea.ci.lower.robust",
                                      "rmsea.ci.upper.robust", "rmsea.pvalue.robust"), math.nan))
        else:
            robust_indices(fit, cat[0], cat[2], cat[1], cat[3], n_rmsea, 1)
            if df > 0:  # lav_fit_rmsea_closefit with c.hat on XX3 / c.hat3
                fit["rmsea.pvalue.robust"] = 1.0 - pchisq(cat[0] / cat[1], df, n_rmsea * df / cat[1] * 0.05**2)
    fit["srmr"] = float(np.sqrt(np.sum(dev**2) / (p * (p + 1) / 2)))
    # lavaan's lav_residuals_summary with the thresholds as the mean part (their residuals are 0: every threshold
    # is free): srmr_bentler over p(p+1)/2 + nth elements, crmr without the diagonal; WRMR = sqrt(chisq / nstat)
    fit["srmr_bentler"] = float(np.sqrt(np.sum(dev**2) / (p * (p + 1) / 2 + nth)))
    fit["crmr"] = float(np.sqrt(np.sum(dev**2) / (p * (p - 1) / 2 + nth)))
    fit["wrmr"] = float(np.sqrt(chisq / (nth + rows[0].size)))
    # lavaan's lav_model_vcov divides by N - G for the least-squares estimators
    params, names = _parameter_table(layout, x, th, th_names, nvcov / (n_obs - 1), lam, psi, resid_cov)
    vcov = pd.DataFrame(nvcov / (n_obs - 1), index=names, columns=names)
    return WLSFit(params=params, fit={k: float(v) for k, v in fit.items()}, vcov=vcov, lam=lam, psi=psi,
                  implied=implied, converged=converged, iterations=iterations)


def _reorder_gamma(gamma: np.ndarray, thresholds: pd.Series, cor_items: list[str], items: tuple[str, ...]
                   ) -> np.ndarray:
    """``gamma`` (thresholds in the given order, then pairs of ``cor_items``) reordered to the model's items."""
    th_items = [str(name).partition("|")[0] for name in thresholds.index]
    th_order = [k for item in items for k, it in enumerate(th_items) if it == item]
    q_in = len(cor_items)
    pos = {}
    col, row = np.triu_indices(q_in, 1)
    for k, (a, b) in enumerate(zip(row, col, strict=True)):
        pos[(cor_items[a], cor_items[b])] = pos[(cor_items[b], cor_items[a])] = k
    p = len(items)
    col, row = np.triu_indices(p, 1)
    pair_order = [pos[(items[a], items[b])] for a, b in zip(row, col, strict=True)]
    expected = len(th_items) + q_in * (q_in - 1) // 2
    if gamma.shape != (expected, expected):
        raise SpecificationError(f"gamma is {gamma.shape[0]} x {gamma.shape[1]}, expected {expected} x {expected}",
                                 fix="pass lavaan's NACOV: thresholds then correlations below the diagonal")
    idx = np.asarray(th_order + [len(th_items) + k for k in pair_order], dtype=int)
    if np.array_equal(idx, np.arange(expected)):
        return gamma
    return gamma[np.ix_(idx, idx)]


def _parameter_table(layout: _Layout, x: np.ndarray, th: np.ndarray, th_names: list[tuple[str, str]],
                     vcov: np.ndarray, lam: np.ndarray, psi: np.ndarray, resid_cov: np.ndarray
                     ) -> tuple[pd.DataFrame, list[str]]:
    """lavaan's parameterEstimates(standardized = TRUE) for the delta parameterization (latent response
    variances 1, so std.all scales only by the factor SDs)."""
    items, factors = layout.items, layout.factors
    nl, npsi, nth = len(layout.loadings), len(layout.psi), th.size
    se = np.sqrt(np.clip(np.diag(vcov), 0.0, None))
    # free numbering (lavaan's partable order): loadings, residual covariances, thresholds, factor (co)variances
    se_load, se_th = se[nth:nth + nl], se[:nth]
    se_psi, se_res = se[nth + nl:nth + nl + npsi], se[nth + nl + npsi:]
    sd_f = np.sqrt(np.clip(np.diag(psi), 0.0, None))
    theta = 1.0 - np.diag(lam @ psi @ lam.T)
    rows: list[tuple[str, str, str, int, float, float, float]] = []
    free_of_load = {pair: k for k, pair in enumerate(layout.loadings)}
    nfree = 0
    order_names: list[tuple[int, str]] = []
    for i, f in layout.ordered:
        k = free_of_load.get((i, f))
        free = 0 if k is None else (nfree := nfree + 1)
        rows.append((factors[f], "=~", items[i], free, lam[i, f], 0.0 if k is None else se_load[k],
                     lam[i, f] * sd_f[f]))
        if k is not None:
            order_names.append((nth + k, f"{factors[f]}=~{items[i]}"))
    for k, (a, b) in enumerate(layout.resid):
        nfree += 1
        std = resid_cov[a, b] / math.sqrt(max(theta[a] * theta[b], 1e-300))
        rows.append((items[b], "~~", items[a], nfree, resid_cov[a, b], se_res[k], std))
        order_names.append((nth + nl + npsi + k, f"{items[b]}~~{items[a]}"))
    for k, (item, label) in enumerate(th_names):
        nfree += 1
        rows.append((item, "|", label, nfree, th[k], se_th[k], th[k]))
        order_names.append((k, f"{item}|{label}"))
    for j, item in enumerate(items):
        rows.append((item, "~~", item, 0, theta[j], 0.0, theta[j]))
    for k, (f, g) in enumerate(layout.psi):
        nfree += 1
        std = psi[f, g] / (sd_f[f] * sd_f[g]) if sd_f[f] * sd_f[g] > 0 else math.nan
        rows.append((factors[g], "~~", factors[f], nfree, psi[f, g], se_psi[k], std))
        order_names.append((nth + nl + k, f"{factors[g]}~~{factors[f]}"))
    for item in items:
        rows.append((item, "~*~", item, 0, 1.0, 0.0, 1.0))
    for item in items:
        rows.append((item, "~1", "", 0, 0.0, 0.0, 0.0))
    for factor in factors:
        rows.append((factor, "~1", "", 0, 0.0, 0.0, 0.0))
    frame = pd.DataFrame(rows, columns=["lhs", "op", "rhs", "free", "est", "se", "std_all"])
    free = frame["free"].to_numpy() > 0
    z = np.where(free, frame["est"] / frame["se"].where(frame["se"] > 0), np.nan)
    frame["z"] = z
    frame["pvalue"] = np.where(free, 2.0 * special.ndtr(-np.abs(z)), np.nan)
    frame["ci_lower"] = frame["est"] - np.where(free, _Z975 * frame["se"], 0.0)
    frame["ci_upper"] = frame["est"] + np.where(free, _Z975 * frame["se"], 0.0)
    frame = frame[["lhs", "op", "rhs", "free", "est", "se", "z", "pvalue", "ci_lower", "ci_upper", "std_all"]]
    names = [name for _, name in sorted(order_names)]
    return frame, names

