"""Satorra-Bentler scaled test and robust standard errors of an ML CFA (lavaan's ``estimator = "MLM"``).

Internal module of :func:`alliance_stats.measurement.cfa`. Likert items are bounded and often skewed, so the
normal-theory chi-square and standard errors of ML are too optimistic; ``MLM`` keeps the ML estimates and
corrects both with the fourth moments of the data (Satorra and Bentler 1994), as lavaan 0.6 does for complete
data in one group (``se = "robust.sem"``, ``test = "satorra.bentler"``):

- ``Gamma``: asymptotic covariance of ``vech(S)``, the covariance (divisor N) of ``vech((x_i - xbar)(x_i -
  xbar)')`` over the rows (``lav_samplestats_Gamma``, no mean structure);
- ``W = 1/2 D' (Sigma^-1 x Sigma^-1) D`` at the implied ``Sigma`` (normal-theory weight per observation) and
  ``Delta = d vech(Sigma) / d theta'`` (analytic, from the engine);
- standard errors: ``A^-1 B A^-1 / N`` with ``A = Delta' W Delta``, ``B = Delta' W Gamma W Delta``;
- scaling factor ``c = tr(U Gamma) / df`` with ``U = W - W Delta A^-1 Delta' W``; scaled chi-square ``T / c``.
  The baseline (independence) model gets its own factor with ``Delta`` the variance indicators, which
  gives lavaan's ``cfi.scaled``, ``tli.scaled`` and ``rmsea.scaled``.

Hand-written because no maintained Python package computes these (semopy has no robust ML test); checked
against lavaan 0.6-14 (``tests/fixtures/measurement/make_fixtures_mlm.R``) to 1e-6.
"""

from __future__ import annotations

import numpy as np


def vech_indices(p: int) -> tuple[np.ndarray, np.ndarray]:
    """Row and column of each element of ``vech`` (lower triangle, column by column, as lavaan)."""
    cols, rows = np.triu_indices(p)  # (col, row) pairs with row >= col, ordered by column
    return rows, cols


def gamma_adf(values: np.ndarray) -> np.ndarray:
    """Asymptotic covariance of ``vech(S)`` from complete data (N divisor)."""
    centred = values - values.mean(axis=0)
    rows, cols = vech_indices(values.shape[1])
    d = centred[:, rows] * centred[:, cols]
    d -= d.mean(axis=0)
    return d.T @ d / values.shape[0]


def normal_weight(sigma: np.ndarray) -> np.ndarray:
    """``1/2 D' (Sigma^-1 x Sigma^-1) D`` without forming the Kronecker product."""
    inv = np.linalg.inv(sigma)
    rows, cols = vech_indices(sigma.shape[0])
    i, j = rows[:, None], cols[:, None]
    k, l_ = rows[None, :], cols[None, :]
    value = inv[i, k] * inv[j, l_] + inv[i, l_] * inv[j, k]
    factor = np.where(i != j, 2.0, 1.0) * np.where(k != l_, 2.0, 1.0) / 2.0
    return 0.5 * value * factor


def sandwich_parts(delta: np.ndarray, weight: np.ndarray, gamma: np.ndarray) -> tuple[np.ndarray, np.ndarray,
                                                                                        float]:
    """``A^-1``, ``B`` and ``tr(U Gamma)`` for a Jacobian ``delta`` (p* x k)."""
    wd = weight @ delta
    a_inv = np.linalg.inv(delta.T @ wd)
    gwd = gamma @ wd
    b = wd.T @ gwd
    trace = float(np.sum(weight * gamma) - np.sum(a_inv * b))  # tr(W Gamma) - tr(A^-1 B); W, Gamma symmetric
    return a_inv, b, trace


def robust_vcov(delta: np.ndarray, weight: np.ndarray, gamma: np.ndarray, n: int) -> tuple[np.ndarray, float]:
    """Robust (sandwich) covariance of the estimates and ``tr(U Gamma)`` of the model."""
    a_inv, b, trace = sandwich_parts(delta, weight, gamma)
    return a_inv @ b @ a_inv / n, trace


def baseline_trace(cov: np.ndarray, gamma: np.ndarray) -> float:
    """``tr(U Gamma)`` of the independence model (free variances, implied ``Sigma = diag(S)``)."""
    p = cov.shape[0]
    rows, cols = vech_indices(p)
    delta = np.zeros((rows.size, p))
    diagonal = np.flatnonzero(rows == cols)
    delta[diagonal, rows[diagonal]] = 1.0
    return sandwich_parts(delta, normal_weight(np.diag(np.diag(cov))), gamma)[2]
