"""Robust standard errors and scaled tests of an ML CFA: lavaan's ``estimator = "MLM"`` and ``"MLR"``.

Internal module of :func:`alliance_stats.measurement.cfa` (the matrix algebra first, then the estimators that
use it: :func:`satorra_bentler`, :func:`yuan_bentler` and lavaan's FIML-corrected robust indices). Likert items
are bounded and often skewed, so the normal-theory chi-square and standard errors of ML are too optimistic;
``MLM`` keeps the ML estimates and corrects both with the fourth moments of the data (Satorra and Bentler
1994), as lavaan 0.6 does for complete data in one group (``se = "robust.sem"``, ``test = "satorra.bentler"``):

- ``Gamma``: asymptotic covariance of ``vech(S)``, the covariance (divisor N) of ``vech((x_i - xbar)(x_i -
  xbar)')`` over the rows (``lav_samplestats_Gamma``, no mean structure);
- ``W = 1/2 D' (Sigma^-1 x Sigma^-1) D`` at the implied ``Sigma`` (normal-theory weight per observation) and
  ``Delta = d vech(Sigma) / d theta'`` (analytic, from the engine);
- standard errors: ``A^-1 B A^-1 / N`` with ``A = Delta' W Delta``, ``B = Delta' W Gamma W Delta``;
- scaling factor ``c = tr(U Gamma) / df`` with ``U = W - W Delta A^-1 Delta' W``; scaled chi-square ``T / c``.
  The baseline (independence) model gets its own factor with ``Delta`` the variance indicators, which
  gives lavaan's ``cfi.scaled``, ``tli.scaled`` and ``rmsea.scaled``.

``estimator = "MLR"`` (lavaan's ``se = "robust.huber.white"``, ``test = "yuan.bentler.mplus"``), for complete
data and under FIML:

- standard errors ``A0^-1 B0 A0^-1 / N``: ``A0`` the observed information of the model (per observation),
  ``B0`` the mean outer product of the casewise scores ``Delta' s_i``, ``s_i`` the score of row ``i``'s
  (observed-items) normal log-likelihood with respect to ``(mu, vech(Sigma))`` at the implied moments;
- scaling factor ``c = (tr(A1^-1 B1) - tr(A0^-1 B0)) / df`` (Yuan and Bentler 2000, Mplus's T2*), ``A1``
  and ``B1`` the observed and first-order information of the saturated model at its estimates (the EM
  moments under FIML), lavaan's ``lav_test_yuan_bentler_mplus_trace``; the baseline model gets its own factor.

Hand-written because no maintained Python package computes these (semopy has no robust ML test); checked
against lavaan 0.6-14 (``tests/fixtures/measurement/make_fixtures_mlm.R``) to 1e-4 or better.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy import linalg

from alliance_stats.core.errors import ConvergenceWarning, SpecificationError
from alliance_stats.core.results import warn
from alliance_stats.measurement.cfa import engine
from alliance_stats.measurement.cfa.fit import robust_indices, scaled_fit


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
    """``1/2 D' (Sigma^-1 x Sigma^-1) D`` without forming the Kronecker product, element by element
    (:func:`kernels.normal_weight`)."""
    rows, cols = vech_indices(sigma.shape[0])
    out = np.empty((rows.size, rows.size))
    engine._kernels().normal_weight(np.linalg.inv(sigma), rows, cols, out, 0, 1.0)
    return out


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


# ------------------------------------------------------------------ casewise (FIML) pieces for MLR
def _pattern_terms(patterns: list, mu: np.ndarray, sigma: np.ndarray) -> tuple[engine.fiml.Layout, engine.fiml.Terms,
                                                                             np.ndarray]:
    """The rows of ``patterns`` laid out by pattern (:func:`engine.fiml.layout`), the FIML pieces at (``mu``,
    ``sigma``) and the rows' ``u_i = Sigma_oo^-1 (x_i - mu_o)`` embedded with exact zeros where missing."""
    lay = engine.fiml.layout(patterns, mu.size)
    terms = engine.fiml.evaluate(lay, sigma, mu)
    if terms is None:
        raise np.linalg.LinAlgError("the covariance matrix of the scores is not positive definite")
    return lay, terms, terms.u * lay.mask


#: rows per block of :func:`casewise_scores`' products
SCORE_ROWS = 256


def casewise_scores(patterns: list, mu: np.ndarray, sigma: np.ndarray, variances_only: bool = False) -> np.ndarray:
    """Scores of each row's log-likelihood with respect to (mu, vech(Sigma)) at the given moments: rows in
    pattern order, columns means first then vech (lavaan's order). A covariance element counts once: the score of
    an off-diagonal element is ``u_a u_b - inv_ab``, of a diagonal one ``(u_a^2 - inv_aa) / 2`` (``u = inv d``,
    ``inv = Sigma_oo^-1`` of the row's pattern, both zero outside its answered items; :mod:`.fiml`). With
    ``variances_only``, the means' and the variances' columns only (those of the independence model: the same
    numbers as the full scores' columns, without the N x p(p + 1)/2 array)."""
    p = mu.size
    rows, cols = vech_indices(p)
    if variances_only:
        rows = cols = rows[rows == cols]
    lay, terms, u = _pattern_terms(patterns, mu, sigma)
    out = np.empty((lay.n, p + rows.size))
    out[:, :p] = u
    covariances = out[:, p:]
    # u_a u_b, then minus the pattern's inverse, by blocks of rows: gathered blocks of SCORE_ROWS x size instead of
    # N x size copies (10,000 rows x 1,431 covariances: 114 MB each); the same products and differences
    for lo in range(0, lay.n, SCORE_ROWS):
        block = u[lo:lo + SCORE_ROWS]  # (the gathers of a block in cache: 2.5 x faster than of all rows at once)
        np.multiply(block.take(rows, axis=1), block.take(cols, axis=1), out=covariances[lo:lo + SCORE_ROWS])
    for chunk_rows, local, _, inv in engine.fiml.pattern_inverses(lay, terms):
        vech_inv = inv[:, rows, cols]
        for lo in range(0, chunk_rows.size, SCORE_ROWS):  # the complete pattern alone has most of the rows
            block = slice(lo, lo + SCORE_ROWS)
            covariances[chunk_rows[block]] -= vech_inv[local[block]]
    covariances *= np.where(rows == cols, 0.5, 1.0)
    return out


def _trace_pairs(products: np.ndarray, p: int) -> np.ndarray:
    """``sum over patterns of tr(E_ab A E_cd B)`` for every pair of vech elements (a, b) x (c, d), from
    ``products = sum vech(A) vech(B)'`` (symmetric ``A`` and ``B``); ``E_ab`` is the derivative of a symmetric
    matrix with respect to its element (a, b). ``tr(E_ab A E_cd B)`` sums ``A_bc B_da`` over the one or two
    orderings of each pair."""
    rows, cols = vech_indices(p)
    position = np.empty((p, p), dtype=np.int64)  # of element (x, y) of a symmetric matrix in vech
    position[rows, cols] = position[cols, rows] = np.arange(rows.size)
    # sum A_xy B_zw = products[position[x, y], position[z, w]], for (x, w) = (b, a) then (a, b) and (y, z) =
    # (c, d) then (d, c), gathered element by element (:func:`kernels.trace_pairs`)
    return engine._kernels().trace_pairs(np.ascontiguousarray(products), position, rows, cols)


def observed_information_h1(patterns: list, mu: np.ndarray, sigma: np.ndarray) -> np.ndarray:
    """Minus the Hessian of the missing-data log-likelihood with respect to (mu, vech(Sigma)) at the given
    moments, summed over rows (lavaan's ``lav_mvnorm_missing_information_observed_samplestats`` times N).

    Per pattern with observed items ``o``, ``inv = Sigma_oo^-1``, ``u_i = inv (x_i - mu_o)``, ``s = sum u_i``
    and ``Q = sum u_i u_i'`` (all zero outside ``o``; the inverses by :mod:`.fiml`): means ``n inv``; means x
    covariance ``inv E_cd s``; covariances ``tr(E_ab inv E_cd Q) - n/2 tr(E_ab inv E_cd inv)``. The sums over
    patterns go through matrix products: ``sum vec(inv) s'`` and ``sum vech(inv) vech(Q - n/2 inv)'`` (the two
    traces are linear in the products: one product and one pass of :func:`_trace_pairs`)."""
    p = mu.size
    rows, cols = vech_indices(p)
    size = p + rows.size
    info = np.zeros((size, size))
    lay, terms, u = _pattern_terms(patterns, mu, sigma)
    inv_s = np.zeros((p * p, p))  # sum over patterns of vec(inv) s'
    inv_q = np.zeros((rows.size, rows.size))  # sum vech(inv) vech(Q - n/2 inv)': both traces in one product
    for chunk_rows, local, counts, inv in engine.fiml.pattern_inverses(lay, terms):
        starts = np.flatnonzero(np.r_[True, local[1:] != local[:-1]])
        chunk_u = u[chunk_rows]
        sums = np.add.reduceat(chunk_u, starts, axis=0)
        vech_q = np.add.reduceat(chunk_u[:, rows] * chunk_u[:, cols], starts, axis=0)
        vech_inv = inv[:, rows, cols]
        info[:p, :p] += np.tensordot(counts, inv, axes=1)
        inv_s += inv.reshape(counts.size, p * p).T @ sums
        vech_q -= 0.5 * counts[:, None] * vech_inv
        inv_q += vech_inv.T @ vech_q
    by_item = inv_s.reshape(p, p, p)  # [x, a, b] = sum inv_xa s_b
    info[:p, p:] = by_item[:, rows, cols] + np.where(rows != cols, by_item[:, cols, rows], 0.0)
    info[p:, :p] = info[:p, p:].T
    info[p:, p:] = _trace_pairs(inv_q, p)
    return info


def trace_solve(a: np.ndarray, b: np.ndarray) -> float:
    """``tr(A^-1 B)``, leaving out the elements with a zero diagonal in ``A`` (pairs of items never answered
    together under FIML), as lavaan's ``lav_test_yuan_bentler_mplus_trace``."""
    keep = np.diag(a) != 0
    return float(np.trace(np.linalg.solve(a[np.ix_(keep, keep)], b[np.ix_(keep, keep)])))


def baseline_trace_casewise(patterns: list, mean: np.ndarray, var: np.ndarray, means: bool = True,
                            clusters: np.ndarray | None = None,
                            information: tuple[np.ndarray, np.ndarray] | None = None) -> float:
    """``tr(A0^-1 B0)`` of the independence model (free means, unless ``means`` is false, and variances) at
    ``mean``, ``var``; with ``clusters``, the scores summed within clusters (:func:`cluster_sum`). ``information``:
    :func:`_baseline_information` at ``mean``, ``var`` when the caller has it."""
    scores, info = _baseline_information(patterns, mean, var) if information is None else information
    n = scores.shape[0]
    if clusters is not None:
        scores = cluster_sum(scores, clusters, corrected=True)
    p = mean.size
    keep = slice(0, None) if means else slice(p, None)
    scores, info = scores[:, keep], info[keep, keep]
    return float(np.trace(np.linalg.solve(info / n, scores.T @ scores / n)))


def _baseline_information(patterns: list, mean: np.ndarray, var: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The independence model's casewise scores and observed information (means, then variances) at ``mean``,
    ``var`` (:func:`baseline_trace_casewise`)."""
    p = mean.size
    scores = casewise_scores(patterns, mean, np.diag(var), variances_only=True)  # means, then variances
    info = np.zeros((2 * p, 2 * p))
    for pat in patterns:  # the independence model's information: block-diagonal per item
        o = pat.observed
        d = pat.data - mean[o]
        inv = 1.0 / var[o]
        s = (d * inv).sum(axis=0)
        q = ((d * inv) ** 2).sum(axis=0)
        info[o, o] += pat.n * inv
        info[o, p + o] += inv * s
        info[p + o, o] += inv * s
        info[p + o, p + o] += inv * q - 0.5 * pat.n * inv**2
    return scores, info


def cluster_codes(values: np.ndarray, labels: np.ndarray, fiml: bool) -> np.ndarray:
    """Integer cluster codes of the rows of ``values`` in the order of :func:`casewise_scores`: row order for
    complete data, missingness-pattern order under FIML (the order of :func:`engine.group_data_missing`)."""
    codes = np.unique(np.asarray(labels), return_inverse=True)[1].ravel()
    if not fiml:
        return codes
    inverse = engine.fiml.unique_patterns(~np.isnan(values))[1]
    return np.concatenate([codes[inverse == k] for k in range(int(inverse.max()) + 1)])


def cluster_sum(scores: np.ndarray, codes: np.ndarray, corrected: bool) -> np.ndarray:
    """Casewise scores summed within clusters (R's ``rowsum``), times ``sqrt(nC / (nC - 1))`` when
    ``corrected`` (lavaan's ``lav_mvnorm_information_firstorder`` with ``cluster.idx``)."""
    n_clusters = int(codes.max()) + 1
    summed = np.zeros((n_clusters, scores.shape[1]))
    np.add.at(summed, codes, scores)
    return summed * np.sqrt(n_clusters / (n_clusters - 1)) if corrected else summed


def _h1_model_information(model: engine.CFAModel, theta: np.ndarray, groups: list[engine.GroupData],
                          implied: list[tuple[np.ndarray, np.ndarray]]) -> np.ndarray:
    """``sum_g N_g / N Delta_g' A1_g Delta_g``: the model's information from the saturated model's observed
    information at the implied moments (lavaan's ``observed.information = "h1"``), per observation."""
    n_total = model.n_total
    total = np.zeros((model.table.n_free, model.table.n_free))
    for g, data in enumerate(groups):
        patterns = data.patterns or [engine.Pattern(np.arange(model.p), data.values, data.n, data.mean, data.cov)]
        sigma, mu = implied[g]
        delta = _moment_jacobian(model, theta, g)
        total += delta.T @ observed_information_h1(patterns, mu, sigma) @ delta / n_total
    return total


def inverse_skipping_zero_rows(matrix: np.ndarray) -> np.ndarray:
    """Inverse of a symmetric matrix whose all-zero rows and columns (pairs of items never answered together)
    are left at zero, as lavaan's ``lav_matrix_symmetric_inverse``."""
    zero = (matrix == 0).all(axis=0) & (matrix == 0).all(axis=1)
    out = np.zeros_like(matrix)
    keep = np.flatnonzero(~zero)
    out[np.ix_(keep, keep)] = np.linalg.inv(matrix[np.ix_(keep, keep)])
    return out


def satorra_bentler(model: engine.CFAModel, theta: np.ndarray, data: engine.GroupData, sigma: np.ndarray,
                     fit: dict[str, float]) -> np.ndarray:
    """Robust covariance of the estimates (``robust.sem``) and, added to ``fit``, lavaan's Satorra-Bentler
    scaled statistics (see the module docstring)."""
    assert data.values is not None
    gamma = gamma_adf(data.values)
    delta = _moment_jacobian(model, theta, 0)[model.p:]  # no mean structure: the covariance rows
    vcov, trace = robust_vcov(delta, normal_weight(sigma), gamma, data.n)
    scaled_fit(fit, trace, baseline_trace(data.cov, gamma), data.n, 1, robust=True)
    return vcov


@dataclass
class _SaturatedParts:
    """One group's pieces shared by the Yuan-Bentler test and the FIML-corrected robust indices (per
    observation, parameters (mu, vech Sigma) of the saturated model)."""

    patterns: list[engine.Pattern]
    a1: np.ndarray  # observed information of the saturated model at its estimates
    delta: np.ndarray  # d (mu, vech Sigma) / d theta' of the fitted model
    base_mean: np.ndarray  # independence model's estimates (available-case means and variances)
    base_var: np.ndarray
    scores: np.ndarray  # casewise scores there (summed within clusters when there are clusters): the
    # first-order information B1 is their mean outer product S'S / n
    zz: np.ndarray | None = None  # Z'Z with Z = S A1^-1 (FIML with a mean structure: computed with tr(A1^-1 B1),
    # used by the robust indices)


def _moment_jacobian(model: engine.CFAModel, theta: np.ndarray, g: int) -> np.ndarray:
    """``d (mu, vech Sigma) / d theta'`` of group ``g`` (means first, vech in lavaan's order)."""
    rows, cols = vech_indices(model.p)
    _, _, d_mu = model.derivatives(model.matrices(theta, g), g)
    return np.hstack([d_mu, model.d_sigma(theta, g)[:, rows, cols]]).T


def yuan_bentler(model: engine.CFAModel, theta: np.ndarray, groups: list[engine.GroupData],
                  implied: list[tuple[np.ndarray, np.ndarray]], information: np.ndarray,
                  fit: dict[str, float], clusters: list[np.ndarray] | None = None,
                  h1_test_information: bool = False) -> np.ndarray:
    """Huber-White robust covariance of the estimates (``robust.huber.white``) and, added to ``fit``, lavaan's
    Yuan-Bentler scaled statistics (``yuan.bentler.mplus``, T2*), for complete or missing data and any number
    of groups (see the module docstring; groups weighted by N_g / N as lavaan's
    ``lav_test_yuan_bentler_mplus_trace``).

    With ``clusters`` (one integer code per row of each group, in the order of :func:`cluster_codes`), lavaan's
    ``cluster =`` for a single-level model (``se = "robust.cluster"``): the casewise scores are summed within
    clusters before their outer product (see :func:`cluster_sum`); ``h1_test_information`` is lavaan's
    ``observed.information = "h1"`` of the test (estimator ML with a cluster): the test's information is
    ``Delta' A1 Delta`` with ``A1`` the saturated model's observed information at the implied moments."""
    p, n_total = model.p, model.n_total
    a0_inv = np.linalg.inv(0.5 * (information + information.T) / (2.0 * n_total))  # per observation
    e_inv = a0_inv
    if h1_test_information:
        e_inv = np.linalg.inv(_h1_model_information(model, theta, groups, implied))
    b0 = np.zeros_like(a0_inv)
    trace = trace_base = 0.0
    # without a mean structure (complete data, one group), lavaan's h1 and baseline parameters are the
    # covariances only
    keep = slice(0, None) if model.meanstructure else slice(p, None)
    parts = []
    theta_key = engine.digest(theta)
    for g, data in enumerate(groups):
        n, share = data.n, data.n / n_total
        patterns = data.patterns or [engine.Pattern(np.arange(p), data.values, n, data.mean, data.cov)]
        # h1: the saturated model at its estimates (EM moments under FIML, sample moments for complete data)
        scores_h1 = _shared(("scores_h1", data.digest), casewise_scores, patterns, data.mean, data.cov,
                            nbytes=data.n * (p + p * (p + 1) // 2) * 8)
        codes = None if clusters is None else clusters[g]
        if codes is not None:  # lavaan sums the saturated scores within clusters too (with nC / (nC - 1))
            scores_h1 = cluster_sum(scores_h1, codes, corrected=True)
        a1 = _shared(("a1", data.digest), _per_observation, observed_information_h1, patterns, data.mean, data.cov)
        # h0: the fitted model (observed information; d (mu, vech Sigma) / d theta' and the casewise scores at the
        # implied moments, shared by the fits with and without clusters)
        sigma, mu = implied[g]
        if not model.meanstructure:  # the means are then the sample means, as lavaan's implied means
            mu = data.mean
        delta, scores_h0 = _shared(("h0", model.key, theta_key, g), _h0_parts, model, theta, g, patterns, mu, sigma)
        # the baseline (independence) model's estimates (available-case means and variances), casewise scores and
        # information: the data's alone (shared)
        baseline = _shared(("baseline", data.digest), _baseline_parts, patterns, p, nbytes=data.n * 2 * p * 8)
        part = _SaturatedParts(patterns, a1, delta, baseline[0], baseline[1], scores_h1)
        parts.append(part)
        trace_h1 = _trace_h1(part, data, keep, model.meanstructure)
        if codes is not None:
            scores_h0 = cluster_sum(scores_h0, codes, corrected=True)
        b0_group = scores_h0.T @ scores_h0 / n
        b0 += share * b0_group
        trace += trace_h1 - share * float(np.sum(b0_group * e_inv))
        # baseline (independence) model: free means and variances, at their (available-case) estimates
        trace_base += trace_h1 - baseline_trace_casewise(patterns, part.base_mean, part.base_var,
                                                         model.meanstructure, codes, baseline[2:])
    complete = all(d.patterns is None for d in groups)
    scaled_fit(fit, trace, trace_base, n_total, len(groups), robust=complete)
    if not complete:
        try:
            _fiml_corrected_robust(model, groups, implied, parts, fit)
        except np.linalg.LinAlgError:  # a pair of items never answered together: the scaled test stays
            warn(None, "the robust CFI, TLI and RMSEA under FIML could not be computed (singular saturated "
                 "information, e.g. two items never answered by the same respondent)", ConvergenceWarning)
    return a0_inv @ b0 @ a0_inv / n_total


def _fiml_corrected_robust(model: engine.CFAModel, groups: list[engine.GroupData],
                           implied: list[tuple[np.ndarray, np.ndarray]], parts: list[_SaturatedParts],
                           fit: dict[str, float]) -> None:
    """lavaan's robust CFI, TLI and RMSEA under FIML (``lav_fit_fiml_corrected``, version V3 for a scaled
    test; Zhang and Savalei 2023): the model's and the baseline's normal-theory statistics recomputed on the EM
    moments at the FIML estimates, with a scaling factor built from the missing-data (``Wm`` = ``a1``, ``Jm`` =
    ``b1``) and complete-data (``Wc``) saturated informations."""
    p, n_total = model.p, model.n_total
    rows, cols = vech_indices(p)
    size = p + rows.size
    select = np.zeros((size, 2 * p))  # the independence model's parameters: means and variances
    select[np.arange(p), np.arange(p)] = 1.0
    select[p + np.flatnonzero(rows == cols), p + np.arange(p)] = 1.0
    blocks_wm: list[np.ndarray] = []
    blocks_wc: list[tuple[float, np.ndarray]] = []  # (share, covariance) of each group: Wc is made in U M U
    blocks_z: list[tuple[np.ndarray, float]] = []
    xx3 = xx3_null = 0.0
    for g, (data, part) in enumerate(zip(groups, parts, strict=True)):
        share = data.n / n_total
        blocks_wm.append(share * part.a1)
        blocks_wc.append((share, data.cov))
        # Gamma = Wm^-1 B1 Wm^-1 / share with B1 = S'S / n (S the scores): Z'Z / (n share) with Z = S Wm^-1, so
        # tr(U M U Gamma) = sum((U M U) * Z'Z) / (n share); Z'Z (rows x size^2 / 2) once for the model and the
        # baseline instead of two size^3 products
        if part.zz is None:
            _trace_scores(part, _shared(("wm_solver", data.digest), _solver, part.a1))
        blocks_z.append((part.zz, data.n * share))
        sigma, mu = implied[g]
        xx3 += _normal_discrepancy(sigma, mu, data.cov, data.mean, data.n)
        xx3_null += _normal_discrepancy(np.diag(part.base_var), part.base_mean, data.cov, data.mean, data.n)
    df, base_df = fit["df"], fit["baseline.df"]
    if df <= 0:
        return

    def sandwiches() -> tuple[np.ndarray, np.ndarray]:  # U M U of the model and of the baseline
        # M = Wm^-1 Wc Wm^-1 and U = Wm - Wm D H^-1 D' Wm (H = D' Wm D), so Wm M Wm = P Wc P =: C (P the identity
        # but on the all-zero rows of Wm, whose inverse skips them) and U M U = C - X Y - (X Y)' + Y' (D' C D) Y
        # with Y = H^-1 D' Wm and X = C D: products of size^2 k (k parameters), no size^3 product
        wm_all = blocks_wm[0] if len(blocks_wm) == 1 else linalg.block_diag(*blocks_wm)
        c = _complete_information(blocks_wc)
        zero = (wm_all == 0).all(axis=0) & (wm_all == 0).all(axis=1)
        c[zero, :] = 0.0
        c[:, zero] = 0.0

        def sandwich(delta: np.ndarray) -> np.ndarray:
            wd = wm_all @ delta
            y = np.linalg.solve(delta.T @ wd, wd.T)
            cd = c @ delta
            xy = cd @ y
            return c - xy - xy.T + y.T @ ((delta.T @ cd) @ y)

        return (sandwich(np.vstack([part.delta for part in parts])),
                sandwich(linalg.block_diag(*[select] * len(groups))))

    # they depend on the data and the estimates, not on the clusters: the nesting check's CFA with and without
    # the dyads share them
    umu_model, umu_null = _shared(("fiml_corrected", model.key, engine.digest(*[part.delta for part in parts])),
                                  sandwiches)
    c_hat = _trace_gamma(umu_model, blocks_z) / df
    c_null = _trace_gamma(umu_null, blocks_z) / base_df
    robust_indices(fit, xx3, xx3_null, c_hat, c_null, n_total, len(groups))


def _trace_h1(part: _SaturatedParts, data: engine.GroupData, keep: slice, whole: bool) -> float:
    """``tr(A1^-1 B1)`` of the saturated model (:func:`trace_solve`). Under FIML with a mean structure, where the
    robust indices need ``S A1^-1`` anyway, as ``sum((S A1^-1) * S) / n`` (``B1 = S'S / n``, ``A1^-1`` applied
    through its Cholesky factor, :func:`_solver`): no second size^3 solve."""
    a1 = part.a1
    zero_diagonal = np.diag(a1) == 0
    zero_rows = (a1 == 0).all(axis=0) & (a1 == 0).all(axis=1)
    if data.patterns is None or not whole or not np.array_equal(zero_diagonal, zero_rows):
        return trace_solve(a1[keep, keep], part.scores[:, keep].T @ part.scores[:, keep] / data.n)
    return _trace_scores(part, _shared(("wm_solver", data.digest), _solver, a1)) / data.n


def _solver(wm: np.ndarray) -> tuple[np.ndarray, np.ndarray | None, np.ndarray | None]:
    """What applies ``Wm^+`` (:func:`inverse_skipping_zero_rows`: the rows and columns all zero left out): the
    kept rows and the lower Cholesky factor of ``Wm`` on them, or the inverse itself when that block is not
    positive definite (``None`` in place of the other one). A factor costs a sixth of an inverse."""
    zero = (wm == 0).all(axis=0) & (wm == 0).all(axis=1)
    keep = np.flatnonzero(~zero)
    try:  # (the rows kept gathered only when some are left out: the factor copies its argument anyway)
        return keep, linalg.cholesky(wm if keep.size == wm.shape[0] else wm[np.ix_(keep, keep)], lower=True), None
    except np.linalg.LinAlgError:
        return keep, None, inverse_skipping_zero_rows(wm)


def _trace_scores(part: _SaturatedParts, solver: tuple[np.ndarray, np.ndarray | None, np.ndarray | None]) -> float:
    """``sum((S Wm^-1) * S)`` = ``tr(Wm^-1 S'S)``, and ``Z'Z`` (``Z = S Wm^-1``) in ``part.zz``, ``Wm^-1`` applied
    by ``solver`` (:func:`_solver`). With more than twice as many rows as columns through the Gram matrix ``S'S``
    and the inverse (rows x size^2 / 2 + 2 size^3 operations), otherwise through ``Z`` (two triangular solves
    and ``Z'Z``: 1.5 rows x size^2)."""
    scores = part.scores
    keep, lower, wm_inv = solver
    if lower is not None and scores.shape[0] <= 2 * scores.shape[1]:
        # (no finiteness pass over the factor and the scores: the factor's is made by linalg.cholesky, and the
        # scores are those of finite data at positive definite moments)
        if keep.size == scores.shape[1]:  # no all-zero row: the columns as they are
            z = np.ascontiguousarray(linalg.cho_solve((lower, True), scores.T, check_finite=False).T)
        else:
            z = np.zeros_like(scores)
            z[:, keep] = linalg.cho_solve((lower, True), scores[:, keep].T, check_finite=False).T
        part.zz = z.T @ z
        return float(np.sum(z * scores))
    if wm_inv is None:  # the inverse from the factor (LAPACK potri: its lower triangle)
        inv_lower = linalg.lapack.dpotri(lower, lower=1)[0]
        wm_inv = np.zeros((scores.shape[1],) * 2)
        wm_inv[np.ix_(keep, keep)] = np.tril(inv_lower) + np.tril(inv_lower, -1).T
    if scores.shape[0] > 2 * scores.shape[1]:
        gram = scores.T @ scores
        part.zz = wm_inv.T @ gram @ wm_inv
        return float(np.sum(wm_inv * gram))
    z = scores @ wm_inv
    part.zz = z.T @ z
    return float(np.sum(z * scores))


def _trace_gamma(umu: np.ndarray, blocks_z: list[tuple[np.ndarray, float]]) -> float:
    """``tr(U M U Gamma)`` with ``Gamma`` block-diagonal over the groups, each block ``Z'Z / weight`` (given as
    ``Z'Z``, symmetric)."""
    total, start = 0.0, 0
    for zz, weight in blocks_z:
        block = slice(start, start + zz.shape[0])
        total += float(np.sum(umu[block, block] * zz)) / weight
        start += zz.shape[0]
    return total


def _shared(key: tuple, func: Callable[..., Any], *args: Any, nbytes: int = 0) -> Any:
    """``func(*args)``, shared through :data:`engine.MEMO` when ``key`` names every input (a model and data from
    :func:`engine.group_data_missing` or :func:`engine.group_data_complete`: no empty digest)."""
    if any(part is None or part == "" for part in key):
        return func(*args)
    return engine.MEMO.get(key, lambda: func(*args), nbytes)


def _complete_information(blocks: list[tuple[float, np.ndarray]]) -> np.ndarray:
    """``Wc``: the complete-data information of the saturated model at (``cov``, any mean), per observation, of every
    group's ``(share, cov)`` in ``blocks``: block-diagonal, each group's block times its share ``N_g / N`` (made in
    place: no block copied into the whole)."""
    p = blocks[0][1].shape[0]
    rows, cols = vech_indices(p)
    size = p + rows.size
    wc = np.zeros((size * len(blocks),) * 2)
    for g, (share, cov) in enumerate(blocks):
        at = g * size
        inv = np.linalg.inv(cov)
        np.multiply(share, inv, out=wc[at:at + p, at:at + p])
        engine._kernels().normal_weight(inv, rows, cols, wc, at + p, float(share))  # 1/2 D' (inv x inv) D
    return wc


def _per_observation(information: Callable[..., np.ndarray], patterns: list, mu: np.ndarray,
                     sigma: np.ndarray) -> np.ndarray:
    return information(patterns, mu, sigma) / sum(pat.n for pat in patterns)


def _h0_parts(model: engine.CFAModel, theta: np.ndarray, g: int, patterns: list, mu: np.ndarray,
              sigma: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Group ``g``'s ``Delta = d (mu, vech Sigma) / d theta'`` and the fitted model's casewise scores ``S Delta``
    (``S`` those of the saturated model at the implied moments ``mu``, ``sigma``)."""
    delta = _moment_jacobian(model, theta, g)
    return delta, casewise_scores(patterns, mu, sigma) @ delta


def _baseline_parts(patterns: list, p: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The independence model's estimates under FIML (:func:`_available_case_moments`) and its casewise scores and
    information there (:func:`_baseline_information`)."""
    mean, var = _available_case_moments(patterns, p)
    return (mean, var, *_baseline_information(patterns, mean, var))


def _normal_discrepancy(sigma: np.ndarray, mu: np.ndarray, cov: np.ndarray, mean: np.ndarray, n: int) -> float:
    """``N x (log|Sigma| - log|S| + tr(S Sigma^-1) - p + (m - mu)' Sigma^-1 (m - mu))``: the ML statistic of
    implied moments against sample (here EM) moments."""
    inv = np.linalg.inv(sigma)
    d = mean - mu
    return float(n * (np.linalg.slogdet(sigma)[1] - np.linalg.slogdet(cov)[1] + np.sum(cov * inv) - sigma.shape[0]
                      + d @ inv @ d))


def _available_case_moments(patterns: list[engine.Pattern], p: int) -> tuple[np.ndarray, np.ndarray]:
    """Mean and variance (divisor n) of each item over the rows that answered it: the ML estimates of the
    independence model under FIML (its likelihood factorises by item)."""
    total, square, count = np.zeros(p), np.zeros(p), np.zeros(p)
    for pat in patterns:
        total[pat.observed] += pat.data.sum(axis=0)
        count[pat.observed] += pat.n
    mean = total / count
    for pat in patterns:
        square[pat.observed] += ((pat.data - mean[pat.observed]) ** 2).sum(axis=0)
    return mean, square / count


#: Fewest respondents per item (per group) for MLM/MLR: below it the fourth-moment estimates behind the scaled
#: statistics are biased (scaling factors of 0.6-0.8 on normal data at 1.3-1.7 respondents per item, about 1
#: from 3 on; and 132 with 54 respondents for 53 items), see tests/measurement/test_cfa_mlm.py.
ROBUST_MIN_PER_ITEM = 3


def check_robust_sample(groups: list[engine.GroupData], labels: tuple[str, ...], p: int, n_free: int,
                         estimator: str, multi: bool) -> None:
    """Refuse MLM/MLR where their corrections cannot be estimated, rather than print absurd numbers."""
    n_total = sum(g.n for g in groups)
    if n_total <= n_free:
        raise SpecificationError(
            f"estimator {estimator!r} needs more respondents than free parameters: {n_total} for {n_free} (the "
            "robust standard errors would rest on a rank-deficient score matrix)",
            value=estimator, fix="use estimator='ML', fewer constructs at a time, or collect more responses")
    for data, label in zip(groups, labels, strict=True):
        if data.n < ROBUST_MIN_PER_ITEM * p:
            where = f" in group {label!r}" if multi else ""
            raise SpecificationError(
                f"estimator {estimator!r} needs at least {ROBUST_MIN_PER_ITEM} respondents per item{where}: "
                f"{data.n} for {p} items (its fourth-moment corrections are not estimable below that)",
                value=estimator, fix="use estimator='ML', fewer constructs at a time, or collect more responses")
