"""FIML by missingness pattern from one inverse of the full implied covariance matrix (issue 17).

Internal module of :mod:`alliance_stats.measurement.cfa.engine`. The casewise normal likelihood needs, for every
missingness pattern with observed items ``o`` and missing items ``m``, the inverse and the log-determinant of
``Sigma_oo``. With ``K = Sigma^-1`` both follow from the (small) missing block of ``K`` (Schur complement; lavaan's
``lav_matrix_symmetric_inverse_update`` does the same)::

    Sigma_oo^-1 = K_oo - K_om K_mm^-1 K_mo        log|Sigma_oo| = log|Sigma| + log|K_mm|

Embedded in p x p (zeros outside ``o``), ``E = K - K_.m K_mm^-1 K_m.``, and for a row with centred answers ``d``
(zero where missing), ``E d = K (d - r)`` with ``r`` the vector that is ``K_mm^-1 (K d)_m`` on ``m`` and zero
elsewhere. Hence, summed over patterns and rows (``n`` rows per pattern, ``U`` the rows ``u_i = E d_i``)::

    sum n E = N K - K M K       (M = sum over patterns of n K_mm^-1, embedded on m x m)
    sum_i u_i u_i' = U'U        sum_i d_i' E d_i = sum(D * U)

so the work per pattern is a q x q inverse (q = number of missing items, at most a few), batched over the
patterns with the same q, and the rest is a few products with all rows at once: no p x p inverse per pattern.
The saturated model's EM (:func:`em_step`) uses the same pieces (``Sigma_mo Sigma_oo^-1 = -K_mm^-1 K_mo`` and
the conditional covariance ``K_mm^-1``). For the exact Hessian the per-pattern matrices ``V E V'`` and
``V P V'`` of the slot kernel are rank-q updates of ``V K V'`` and sums of the rows' ``(V u_i)(V u_i)'``
(:func:`pattern_blocks`).

Exact to rounding: the formulas are identities, checked against the per-pattern inverses on the demo and the
lavaan fixtures to 1e-10 (tests/measurement/test_fiml_kernel.py). They need ``Sigma`` positive definite; the
objective is infinite otherwise (every pattern block is then positive definite only by accident of which items
are missing together, and lavaan's FIML objective needs the full inverse too).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np
from scipy.linalg.lapack import dtrtri

LOG_2PI = float(np.log(2.0 * np.pi))
#: patterns per chunk of the stacked b x b matrices of :func:`pattern_blocks` (memory: chunk x b^2 x 16 bytes)
CHUNK = 128


@dataclass
class MissingBlock:
    """The missingness patterns with the same number ``q`` (>= 1) of missing items."""

    missing: np.ndarray  # (P_q, q) the missing items of each pattern
    counts: np.ndarray  # (P_q,) rows per pattern
    rows: np.ndarray  # rows (of the layout) of these patterns, pattern after pattern
    local: np.ndarray  # pattern (0 .. P_q - 1) of each of these rows
    starts: np.ndarray  # (P_q,) position in ``rows`` of each pattern's first row


@dataclass
class Layout:
    """The rows of one FIML group in missingness-pattern order (the order of the engine's patterns)."""

    values: np.ndarray  # (N, p) answers, 0 where missing
    mask: np.ndarray  # (N, p) 1.0 where answered
    blocks: list[MissingBlock]
    complete: np.ndarray  # rows of the complete pattern (empty when there is none)
    observed_total: float  # sum over rows of the number of answered items

    @property
    def n(self) -> int:
        return self.values.shape[0]


def layout(patterns: list, p: int) -> Layout:
    """The :class:`Layout` of the engine's patterns (each with ``observed``, ``data`` and ``n``)."""
    n_total = sum(pat.n for pat in patterns)
    values = np.zeros((n_total, p))
    mask = np.zeros((n_total, p))
    first = np.zeros(len(patterns), dtype=np.int64)
    start = 0
    for i, pat in enumerate(patterns):
        values[start:start + pat.n, pat.observed] = pat.data
        mask[start:start + pat.n, pat.observed] = 1.0
        first[i] = start
        start += pat.n
    sizes = np.array([pat.observed.size for pat in patterns])
    counts = np.array([pat.n for pat in patterns], dtype=np.int64)
    blocks = []
    complete = np.zeros(0, dtype=np.int64)
    for q in np.unique(p - sizes):
        members = np.flatnonzero(p - sizes == q)
        rows = np.concatenate([np.arange(first[i], first[i] + counts[i]) for i in members])
        if q == 0:
            complete = rows
            continue
        missing = np.array([np.setdiff1d(np.arange(p), patterns[i].observed) for i in members], dtype=np.int64)
        local = np.repeat(np.arange(members.size), counts[members])
        starts = np.concatenate([[0], np.cumsum(counts[members])[:-1]]).astype(np.int64)
        blocks.append(MissingBlock(missing, counts[members].astype(float), rows, local, starts))
    return Layout(values, mask, blocks, complete, float(np.sum(sizes * counts)))


def _inverse_logdet(sigma: np.ndarray) -> tuple[np.ndarray, float] | None:
    """``Sigma^-1`` and ``log|Sigma|`` by Cholesky (``None`` when not positive definite)."""
    try:
        chol = np.linalg.cholesky(sigma)
    except np.linalg.LinAlgError:
        return None
    inv_l, info = dtrtri(chol, lower=1)
    if info != 0:
        inv_l = np.linalg.inv(chol)
    return inv_l.T @ inv_l, 2.0 * float(np.sum(np.log(np.diag(chol))))


@dataclass
class Terms:
    """The FIML pieces at one (Sigma, mu): -2 log L and what its derivatives need."""

    value: float
    k: np.ndarray  # Sigma^-1
    weights: np.ndarray  # M: sum over patterns of n K_mm^-1, embedded
    inverses: list[np.ndarray]  # per block, (P_q, q, q) the K_mm^-1
    u: np.ndarray  # (N, p) rows u_i = Sigma_oo^-1 d_i, embedded

    def w(self) -> np.ndarray:
        """``sum over patterns of n (E - P)`` (p x p): the gradient's weight matrix."""
        n = self.u.shape[0]
        return n * self.k - self.k @ self.weights @ self.k - self.u.T @ self.u

    def nu(self) -> np.ndarray:
        """``sum over rows of u_i``."""
        return self.u.sum(axis=0)


def evaluate(lay: Layout, sigma: np.ndarray, mu: np.ndarray) -> Terms | None:
    """-2 log L of the rows at (``sigma``, ``mu``) and the pieces of its derivatives (``None`` when ``sigma`` is
    not positive definite)."""
    first = _inverse_logdet(sigma)
    if first is None:
        return None
    k, logdet = first
    p = sigma.shape[0]
    centred = lay.mask * (lay.values - mu)
    shifted = centred.copy()  # d - r (r is zero where answered, d where missing)
    weights = np.zeros((p, p))
    inverses = []
    logdet_total = lay.n * logdet
    for block in lay.blocks:
        inv, block_logdet = _missing_inverses(k, block.missing)
        if inv is None:
            return None
        logdet_total += float(block.counts @ block_logdet)
        inverses.append(inv)
        _add_embedded(weights, block.missing, block.counts[:, None, None] * inv)
        miss = block.missing[block.local]  # (R, q)
        k_rows = k[miss]  # (R, q, p): the rows m of K
        y_m = np.einsum("rqp,rp->rq", k_rows, centred[block.rows])
        r = np.einsum("rij,rj->ri", inv[block.local], y_m)
        shifted[block.rows[:, None], miss] = -r
    u = shifted @ k
    value = logdet_total + lay.observed_total * LOG_2PI + float(np.sum(centred * u))
    return Terms(value, k, weights, inverses, u)


def _missing_inverses(k: np.ndarray, missing: np.ndarray) -> tuple[np.ndarray | None, np.ndarray]:
    """``K_mm^-1`` and ``log|K_mm|`` of every pattern of a block (batched Cholesky)."""
    k_mm = k[missing[:, :, None], missing[:, None, :]]
    try:
        chol = np.linalg.cholesky(k_mm)
    except np.linalg.LinAlgError:
        return None, np.zeros(0)
    logdet = 2.0 * np.sum(np.log(np.diagonal(chol, axis1=1, axis2=2)), axis=1)
    inv_l = np.linalg.inv(chol)
    return np.matmul(inv_l.transpose(0, 2, 1), inv_l), logdet


def _add_embedded(target: np.ndarray, missing: np.ndarray, values: np.ndarray) -> None:
    """``target[m, m] += values[j]`` for each pattern ``j`` with missing items ``m = missing[j]``."""
    p = target.shape[0]
    flat = (missing[:, :, None] * p + missing[:, None, :]).ravel()
    target += np.bincount(flat, weights=values.ravel(), minlength=p * p).reshape(p, p)


def em_step(lay: Layout, mu: np.ndarray, sigma: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """One EM step of the saturated model: the rows' conditional expectations of the missing answers given the
    answered ones at (``mu``, ``sigma``), and the new mean and covariance (divisor N)."""
    k = np.linalg.inv(sigma)
    p = sigma.shape[0]
    filled = lay.values.copy()
    conditional = np.zeros((p, p))
    centred = lay.mask * (lay.values - mu)
    for block in lay.blocks:
        k_mm = k[block.missing[:, :, None], block.missing[:, None, :]]
        inv = np.linalg.inv(k_mm)  # the conditional covariance of the missing items given the answered ones
        _add_embedded(conditional, block.missing, block.counts[:, None, None] * inv)
        miss = block.missing[block.local]
        y_m = np.einsum("rqp,rp->rq", k[miss], centred[block.rows])
        filled[block.rows[:, None], miss] = mu[miss] - np.einsum("rij,rj->ri", inv[block.local], y_m)
    n = lay.n
    mean = filled.sum(axis=0) / n
    cov = (filled.T @ filled + conditional) / n - np.outer(mean, mean)
    return mean, cov


def pattern_blocks(lay: Layout, terms: Terms, basis: np.ndarray, d_mu: np.ndarray
                   ) -> Iterator[tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]]:
    """For chunks of patterns: the stacks of ``V E V'`` and ``V P V'`` (P x b x b, ``V`` = ``basis``), the row
    counts, ``n V u`` (P x b, ``u`` the pattern's mean ``E d``) and ``V E d_mu'`` (P x b x rows of ``d_mu``)."""
    k = terms.k
    vk = basis @ k  # (b, p)
    g_k = vk @ basis.T
    h = terms.u @ basis.T  # (N, b): V u_i
    kd = k @ d_mu.T  # (p, r)
    vkd = vk @ d_mu.T  # (b, r)
    if lay.complete.size:
        rows = h[lay.complete]
        n = float(lay.complete.size)
        yield (g_k[None], (rows.T @ rows / n)[None], np.array([n]), rows.sum(axis=0)[None], vkd[None])
    for block, inv in zip(lay.blocks, terms.inverses, strict=True):
        ends = np.r_[block.starts[1:], block.rows.size]
        for lo in range(0, block.counts.size, CHUNK):
            hi = min(lo + CHUNK, block.counts.size)
            miss = block.missing[lo:hi]
            z = vk.T[miss]  # (P, q, b): the columns m of V K
            zi = np.matmul(inv[lo:hi], z)  # (P, q, b)
            g_e = g_k[None] - np.matmul(z.transpose(0, 2, 1), zi)
            rows = h[block.rows[block.starts[lo]:ends[hi - 1]]]
            starts = block.starts[lo:hi] - block.starts[lo]
            counts = block.counts[lo:hi]
            g_p = np.add.reduceat(rows[:, :, None] * rows[:, None, :], starts, axis=0) / counts[:, None, None]
            sums = np.add.reduceat(rows, starts, axis=0)
            w = vkd[None] - np.matmul(zi.transpose(0, 2, 1), kd[miss])
            yield g_e, g_p, counts, sums, w
