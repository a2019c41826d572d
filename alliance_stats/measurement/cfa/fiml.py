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
(:func:`add_hessian_terms`).

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
    mask: np.ndarray  # (N, p) True where answered (bool: the products with it are those with 1.0 and 0.0)
    blocks: list[MissingBlock]
    complete: np.ndarray  # rows of the complete pattern (empty when there is none)
    observed_total: float  # sum over rows of the number of answered items

    @property
    def n(self) -> int:
        return self.values.shape[0]


def unique_patterns(observed: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The distinct rows of a boolean (rows x items) matrix, in the order of ``np.unique(observed, axis=0)``
    (lexicographic, False first), the pattern of each row and the rows per pattern: rows packed into big-endian
    64-bit words, whose numeric order is that order, so the sort compares a word or two instead of p booleans."""
    n, p = observed.shape
    packed = np.packbits(observed, axis=1)  # big bit order: the first item is the most significant bit
    words = -(-packed.shape[1] // 8)
    padded = np.zeros((n, 8 * words), dtype=np.uint8)
    padded[:, :packed.shape[1]] = packed
    keys = padded.view(">u8")
    if words == 1:
        _, first, inverse, counts = np.unique(keys[:, 0], return_index=True, return_inverse=True, return_counts=True)
    else:
        _, first, inverse, counts = np.unique(keys.astype(np.uint64), axis=0, return_index=True,
                                              return_inverse=True, return_counts=True)
    return observed[first], inverse.ravel(), counts


def layout(patterns: list, p: int) -> Layout:
    """The :class:`Layout` of the engine's patterns (each with ``observed``, ``data`` and ``n``)."""
    n_total = sum(pat.n for pat in patterns)
    values = np.zeros((n_total, p))
    mask = np.zeros((n_total, p), dtype=bool)  # a byte per answer (an 8-byte float took 85 MB at 200,000 rows)
    first = np.zeros(len(patterns), dtype=np.int64)
    start = 0
    for i, pat in enumerate(patterns):
        values[start:start + pat.n, pat.observed] = pat.data
        mask[start:start + pat.n, pat.observed] = True
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
        missing = np.nonzero(~mask[first[members]])[1].reshape(members.size, q).astype(np.int64)
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
    # D (the centred rows, zero where missing), then, in the same memory, D - R (R is zero where answered, the
    # missing answers' conditional residuals -r where missing; each row is in one block, read before it is
    # written), and D again as (D - R) * mask: one N x p array for both (``sum(D * U)`` gets the same terms, a
    # zero's sign aside)
    shifted = _centred(lay, mu)
    centred = shifted
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
    centred *= lay.mask  # D again
    # sum(D * U) with the product made in D's memory (D is not needed after it)
    value = logdet_total + lay.observed_total * LOG_2PI + float(np.sum(np.multiply(centred, u, out=centred)))
    return Terms(value, k, weights, inverses, u)


def _centred(lay: Layout, mu: np.ndarray) -> np.ndarray:
    """The rows' answers minus ``mu``, zero where missing (``mask * (values - mu)``, the product made in place:
    one N x p array instead of two at once)."""
    centred = lay.values - mu
    centred *= lay.mask
    return centred


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
    for block in lay.blocks:
        k_mm = k[block.missing[:, :, None], block.missing[:, None, :]]
        inv = np.linalg.inv(k_mm)  # the conditional covariance of the missing items given the answered ones
        _add_embedded(conditional, block.missing, block.counts[:, None, None] * inv)
        miss = block.missing[block.local]
        # the centred rows of this block only (those of _centred, element by element): no N x p array
        centred = lay.values[block.rows] - mu
        centred *= lay.mask[block.rows]
        y_m = np.einsum("rqp,rp->rq", k[miss], centred)
        filled[block.rows[:, None], miss] = mu[miss] - np.einsum("rij,rj->ri", inv[block.local], y_m)
    n = lay.n
    mean = filled.sum(axis=0) / n
    cov = (filled.T @ filled + conditional) / n - np.outer(mean, mean)
    return mean, cov


def add_hessian_terms(lay: Layout, terms: Terms, basis: tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray],
                      d_mu: np.ndarray, slots: np.ndarray) -> np.ndarray:
    """Add every pattern's slot x slot terms of the observed Hessian to ``slots`` and return the slot x
    mean-parameter terms (slots x rows of ``d_mu``), by :func:`kernels.pattern_terms` block after block
    (``basis``: ``V``, ``ix``, ``iy``, ``cy`` of the engine's slots)."""
    from alliance_stats.measurement.cfa import kernels  # numba: imported on first use

    v, ix, iy, cy = basis
    k = terms.k
    vk = v @ k  # (b, p)
    g_k = vk @ v.T
    h = terms.u @ v.T  # (N, b): V u_i
    kd = k @ d_mu.T  # (p, r)
    vkd = vk @ d_mu.T  # (b, r)
    cross = np.zeros((ix.size, d_mu.shape[0]))
    parts = [(lay.complete, np.zeros(1, dtype=np.int64), np.array([float(lay.complete.size)]),
              np.zeros((1, 0), dtype=np.int64), np.zeros((1, 0, 0)))] if lay.complete.size else []
    parts += [(block.rows, block.starts, block.counts, block.missing, inv)
              for block, inv in zip(lay.blocks, terms.inverses, strict=True)]
    for block in parts:  # read-only views: one compiled specialization for every block (numba types the flag)
        kernels.pattern_terms((slots, cross), (g_k, vk, kd, vkd, h),
                              tuple(_read_only(np.ascontiguousarray(a)) for a in block), (ix, iy, cy))
    return cross


def _read_only(array: np.ndarray) -> np.ndarray:
    view = array.view()
    view.setflags(write=False)
    return view


#: patterns per chunk of the stacked p x p inverses of :func:`pattern_inverses`
CHUNK = 64


def pattern_inverses(lay: Layout, terms: Terms) -> Iterator[tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]]:
    """The patterns' inverses ``Sigma_oo^-1`` embedded in p x p (exact zeros outside ``o x o``), by chunks of
    patterns: the chunk's rows (of the layout), the pattern of each of them (0 .. P_c - 1), the rows per pattern
    and the (P_c, p, p) stack. The complete pattern (``K`` itself) comes first."""
    k = terms.k
    p = k.shape[0]
    if lay.complete.size:
        yield lay.complete, np.zeros(lay.complete.size, dtype=np.int64), np.array([float(lay.complete.size)]), k[None]
    for block, inv in zip(lay.blocks, terms.inverses, strict=True):
        ends = np.r_[block.starts[1:], block.rows.size]
        for lo in range(0, block.counts.size, CHUNK):
            hi = min(lo + CHUNK, block.counts.size)
            miss = block.missing[lo:hi]
            k_m = k[:, miss].transpose(1, 0, 2)  # (P, p, q): the columns m of K
            e = k[None] - np.matmul(np.matmul(k_m, inv[lo:hi]), k_m.transpose(0, 2, 1))
            observed = np.ones((hi - lo, p))
            observed[np.arange(hi - lo)[:, None], miss] = 0.0
            e *= observed[:, :, None] * observed[:, None, :]
            span = slice(block.starts[lo], ends[hi - 1])
            yield block.rows[span], block.local[span] - lo, block.counts[lo:hi], e
