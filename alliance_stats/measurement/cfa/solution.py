"""After the fit: identification check, covariance of the estimates, lavaan's parameter table with std.all,
and the post-fit checks (Heywood cases, non-positive-definite matrices) of a CFA.

Hand-written for the same reason as the estimator (:mod:`alliance_stats.measurement.cfa.api`): these are
lavaan 0.6-14's ``parameterEstimates(standardized = TRUE)`` and post-fit checks applied to our estimates.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import special

from alliance_stats.core.errors import HeywoodWarning, SpecificationError
from alliance_stats.core.results import warn
from alliance_stats.measurement.cfa import engine

__all__ = ["check_identified", "check_solution", "parameter_frame", "vcov_of_information"]

_Z975 = float(special.ndtri(0.975))


def check_identified(info: np.ndarray | None, table: engine.ParameterTable) -> None:
    if info is None or not np.all(np.isfinite(info)):
        return
    eigval, eigvec = np.linalg.eigh(0.5 * (info + info.T))
    if eigval[0] > 1e-9 * max(eigval[-1], 1.0):
        return
    weights = np.abs(eigvec[:, 0])
    names = table.free_names()
    involved = [names[j] for j in np.argsort(-weights) if weights[j] > 0.1][:4]
    raise SpecificationError(
        f"the model is not identified: parameters {', '.join(involved)} cannot be estimated separately",
        fix="keep a marker loading fixed to 1 (or fix the factor variance with f ~~ 1*f), give each factor "
        "at least two items (three for a one-factor model) and remove redundant covariances",
    )


def vcov_of_information(information: np.ndarray) -> tuple[np.ndarray, bool]:
    """Covariance matrix of the estimates: 2 x inverse of the Hessian of -2 log L."""
    sym = 0.5 * (information + information.T)
    try:
        eig = np.linalg.eigvalsh(sym)
        if eig[0] <= 1e-12 * max(abs(eig[-1]), 1.0):
            return np.full_like(sym, np.nan), False
        return 2.0 * np.linalg.inv(sym), True
    except np.linalg.LinAlgError:
        return np.full_like(sym, np.nan), False


def parameter_frame(table: engine.ParameterTable, theta: np.ndarray, se_free: np.ndarray,
                     mats: list[dict[str, np.ndarray]], implied: list[tuple[np.ndarray, np.ndarray]],
                     group_labels: tuple[str, ...]) -> pd.DataFrame:
    """lavaan's parameterEstimates(standardized = TRUE) with std.all (lav_standardize_all): loadings times
    the factor SD over the implied item SD, residual variances over the implied item variance, residual
    covariances over the residual SDs, factor covariances as correlations, intercepts and latent means
    over the item / factor SD."""
    rows = table.rows
    free_index = np.array([r.free for r in rows])
    is_free = free_index >= 0
    fixed_value = np.array([r.value for r in rows])
    est = np.where(is_free, theta[np.maximum(free_index, 0)], fixed_value)
    se = np.where(is_free, se_free[np.maximum(free_index, 0)], 0.0)
    std = np.empty(len(rows))
    with np.errstate(invalid="ignore", divide="ignore"):
        for g in range(table.n_groups):
            sigma = implied[g][0]
            psi, th = mats[g]["psi"], mats[g]["theta"]
            ov_var = np.diag(sigma)
            ov_sd = np.sqrt(np.where(ov_var > 0, ov_var, np.nan))
            lv_sd = np.sqrt(np.where(np.diag(psi) > 0, np.diag(psi), np.nan))
            rv_sd = np.sqrt(np.abs(np.diag(th)))
            for n, r in enumerate(rows):
                if r.group != g:
                    continue
                if r.matrix == "lambda":
                    std[n] = est[n] * lv_sd[r.col] / ov_sd[r.row]
                elif r.matrix == "theta":
                    std[n] = (est[n] / ov_var[r.row] if r.row == r.col
                              else est[n] / (rv_sd[r.row] * rv_sd[r.col]))
                elif r.matrix == "psi":
                    std[n] = est[n] / (lv_sd[r.row] * lv_sd[r.col])
                elif r.matrix == "nu":
                    std[n] = est[n] / ov_sd[r.row]
                else:
                    std[n] = est[n] / lv_sd[r.row]
        z = np.where(is_free, est / np.where(is_free, se, 1.0), np.nan)
    return pd.DataFrame({
        "lhs": [r.lhs for r in rows],
        "op": [r.op for r in rows],
        "rhs": [r.rhs for r in rows],
        "group": [group_labels[r.group] for r in rows],
        "label": [r.label for r in rows],
        "free": is_free,
        "free_index": free_index,
        "est": est,
        "se": se,
        "z": z,
        "pvalue": np.where(is_free, 2.0 * special.ndtr(-np.abs(z)), np.nan),
        "ci_lower": est - _Z975 * se,
        "ci_upper": est + _Z975 * se,
        "std_all": std,
    })


def check_solution(mats: list[dict[str, np.ndarray]], table: engine.ParameterTable,
                    group_labels: tuple[str, ...], messages: list[str], multi: bool) -> None:
    """Heywood cases and non-positive-definite matrices, as lavaan's post-fit checks."""
    for g, label in enumerate(group_labels):
        where = f" in group {label!r}" if multi else ""
        th = mats[g]["theta"]
        psi = mats[g]["psi"]
        for i, item in enumerate(table.items):
            if th[i, i] < 0:
                warn(messages, f"Heywood case{where}: the residual variance of item {item!r} is negative "
                      f"({th[i, i]:.4g})", HeywoodWarning)
        for f, factor in enumerate(table.factors):
            if psi[f, f] <= 0:
                warn(messages, f"Heywood case{where}: the variance of factor {factor!r} is not positive "
                      f"({psi[f, f]:.4g})", HeywoodWarning)
        lam = mats[g]["lambda"]
        sigma_diag = np.einsum("if,fh,ih->i", lam, psi, lam) + np.diag(th)
        with np.errstate(invalid="ignore", divide="ignore"):
            std = lam * np.sqrt(np.diag(psi))[None, :] / np.sqrt(sigma_diag)[:, None]
        for i, f in zip(*np.nonzero(np.isfinite(std) & (np.abs(std) > 1)), strict=True):
            warn(messages, f"Heywood case{where}: the standardized loading of {table.items[i]!r} on "
                  f"{table.factors[f]!r} is {std[i, f]:.3f} (above 1 in absolute value)", HeywoodWarning)
        if np.all(np.diag(psi) > 0) and np.linalg.eigvalsh(psi)[0] < 0:
            warn(messages, f"the covariance matrix of the factors{where} is not positive definite (a factor "
                  "correlation beyond 1 in absolute value)", HeywoodWarning)
        if np.all(np.diag(th) >= 0) and np.linalg.eigvalsh(th)[0] < -1e-12:
            warn(messages, f"the residual covariance matrix (theta){where} is not positive definite (a "
                  "residual correlation beyond 1 in absolute value)", HeywoodWarning)
