"""Compiled (numba) loops of the CFA engine: the objective, gradient and Hessian of a group of complete rows, and
the Hessian's slot x slot terms of one block and of every missingness pattern of a FIML group (issue 17).

Internal module, imported on first use by :mod:`alliance_stats.measurement.cfa.engine` (numba's import and
compilation are then paid once, and cached on disk). Why numba: the terms are sums of products of two entries of
small basis x basis matrices gathered by slot (see ``engine._hessian_parts``); in numpy each gather is a pass
through memory, and under FIML the per-pattern matrices themselves (rank-q updates of ``V K V'``, sums of the
rows' outer products) would be stacks of thousands of b x b temporaries. Fused loops keep one b x b matrix of
each kind in cache per pattern.

The gradient and Hessian of a group (:func:`collect`: slots summed into parameters, mean terms, second-derivative
terms; :func:`block_terms`: the terms of one block of rows) are the same algebra for every route, called through
one entry point (:func:`group_terms`): complete data (from the sample moments, :func:`complete_terms`) and FIML
(from :func:`fiml.evaluate`'s pieces; the observed Hessian pattern by pattern with :func:`pattern_terms`). For
complete data an evaluation is a few p x p products (p = 9 on HolzingerSwineford1939): numpy's per-call cost
(about 40 calls of 2-20 us each) was three quarters of an evaluation and a third of a first ``cfa()`` call (11
evaluations; issue 17's anchor against semopy); one compiled call does the same arithmetic without it. One entry
point, because numba loads each one from its cache once per process (10-30 ms each).
"""

from __future__ import annotations

import math

import numba
import numpy as np

from alliance_stats.core.kernels import cholesky_lower


@numba.njit(cache=True, nogil=True)
def slot_terms(slots, g_e, g_p, ix, iy, cy, n, observed):  # noqa: ANN001, ANN201
    """Add one block's slot x slot terms: ``n tr(E D_s E D_t)`` (expected) or ``n [2 tr(E D_t P D_s) -
    tr(E D_s E D_t)]`` (observed), from ``g_e = V E V'`` and ``g_p = V P V'``. Only the upper triangle
    (``t >= s``) is written: the matrix is symmetric (:func:`collect` mirrors it)."""
    size = ix.size
    for s in range(size):
        a, b, cs = ix[s], iy[s], cy[s]
        e_a, e_b, p_a, p_b = g_e[a], g_e[b], g_p[a], g_p[b]
        row = slots[s]
        for t in range(s, size):
            c, d, ct = ix[t], iy[t], cy[t]
            xex = e_a[c]
            yey = cs * ct * e_b[d]
            xey = ct * e_a[d]
            yex = cs * e_b[c]
            t1 = 2.0 * (xex * yey + xey * yex)
            if observed:
                t2 = (ct * p_a[d]) * yex + (cs * ct * p_b[d]) * xex + p_a[c] * yey + (cs * p_b[c]) * xey
                row[t] += n * (2.0 * t2 - t1)
            else:
                row[t] += n * t1


@numba.njit(cache=True, nogil=True)
def pattern_terms(out, shared, block, slot_index):  # noqa: ANN001, ANN201
    """Add the observed-Hessian terms of the missingness patterns of one block (same number q of missing items).

    ``out`` = (slots, cross): the slot x slot and slot x mean-parameter sums; ``shared`` = (``V K V'``, ``V K``,
    ``K d_mu'``, ``V K d_mu'``, ``h``: the rows' ``V u_i``); ``block`` = (rows, first row of each pattern in
    rows, rows per pattern, missing items, their ``K_mm^-1``); ``slot_index`` = (ix, iy, cy) of the slots.
    Per pattern (missing items ``m``, ``n`` rows): ``V E V' = V K V' - Z K_mm^-1 Z'`` with ``Z = (V K)[:, m]``,
    ``V P V' = sum (V u_i)(V u_i)' / n`` over its rows, ``V E d_mu' = V K d_mu' - Z K_mm^-1 (K d_mu')[m]``; then
    :func:`slot_terms` and the slot x mean-parameter terms."""
    slots, cross = out
    g_k, vk, kd, vkd, h = shared
    rows, starts, counts, missing, inverses = block
    ix, iy, cy = slot_index
    b = g_k.shape[0]
    q = missing.shape[1]
    r = kd.shape[1]
    g_e = np.empty((b, b))
    g_p = np.empty((b, b))
    zi = np.empty((q, b))
    w = np.empty((b, r))
    hs = np.empty(b)
    for j in range(counts.size):
        m = missing[j]
        inv = inverses[j]
        for jj in range(q):
            for c in range(b):
                acc = 0.0
                for ll in range(q):
                    acc += inv[jj, ll] * vk[c, m[ll]]
                zi[jj, c] = acc
        for a in range(b):
            for c in range(a, b):
                acc = g_k[a, c]
                for jj in range(q):
                    acc -= vk[a, m[jj]] * zi[jj, c]
                g_e[a, c] = acc
                g_e[c, a] = acc
            for col in range(r):
                acc = vkd[a, col]
                for jj in range(q):
                    acc -= zi[jj, a] * kd[m[jj], col]
                w[a, col] = acc
        g_p[:, :] = 0.0
        hs[:] = 0.0
        n = counts[j]
        for i in rows[starts[j]:starts[j] + int(n)]:
            for a in range(b):
                ha = h[i, a]
                hs[a] += ha
                for c in range(a, b):
                    g_p[a, c] += ha * h[i, c]
        for a in range(b):
            for c in range(a, b):
                g_p[a, c] /= n
                g_p[c, a] = g_p[a, c]
        slot_terms(slots, g_e, g_p, ix, iy, cy, n, True)
        if r:
            for s in range(ix.size):
                left = hs[ix[s]] * cy[s]
                right = cy[s] * hs[iy[s]]
                for col in range(r):
                    cross[s, col] += 2.0 * (left * w[iy[s], col] + right * w[ix[s], col])


LOG_2PI = math.log(2.0 * math.pi)


@numba.njit(cache=True, nogil=True)
def inverse_logdet(a):  # noqa: ANN001, ANN201
    """``(ok, A^-1, log|A|)`` of a symmetric matrix by :func:`~alliance_stats.core.kernels.cholesky_lower` (``ok``
    False when ``A`` is not positive definite): the factor's triangular inverse by forward substitution,
    ``A^-1 = L^-T L^-1``."""
    p = a.shape[0]
    low, ok = cholesky_lower(a)
    if not ok:
        return False, low, 0.0
    logdet = 0.0
    inv_low = np.zeros((p, p))
    for j in range(p):
        logdet += math.log(low[j, j])
        inv_low[j, j] = 1.0 / low[j, j]
        for i in range(j + 1, p):
            s = 0.0
            for q in range(j, i):
                s -= low[i, q] * inv_low[q, j]
            inv_low[i, j] = s / low[i, i]
    inv = np.empty((p, p))
    for i in range(p):
        for j in range(i, p):
            s = 0.0
            for q in range(j, p):
                s += inv_low[q, i] * inv_low[q, j]
            inv[i, j] = s
            inv[j, i] = s
    return True, inv, 2.0 * logdet


@numba.njit(cache=True, nogil=True)
def complete_terms(sigma, mu, data):  # noqa: ANN001, ANN201
    """-2 log L of ``n`` complete rows from their moments (``data`` = (S, mean, n), divisor n) at (Sigma, mu)
    (``mu`` empty without a mean structure: d = 0), and what its derivatives need: ``E = Sigma^-1``,
    ``P = E (S + d d') E``, ``u = E d`` and the gradient's weight ``W = n (E - P)``. Returns ``(ok, value, E, P,
    u, W)``, ``ok`` False when Sigma is not positive definite."""
    cov, mean, n = data
    p = sigma.shape[0]
    ok, inv, logdet = inverse_logdet(sigma)
    if not ok:
        return False, math.inf, inv, inv, np.zeros(p), inv
    d = np.zeros(p)
    if mu.size:
        d = mean - mu
    u = inv @ d
    moments = cov + np.outer(d, d)
    value = logdet + p * LOG_2PI
    for i in range(p):
        for j in range(p):
            value += inv[i, j] * moments[i, j]
    p_mat = inv @ moments @ inv
    return True, n * value, inv, p_mat, u, n * (inv - p_mat)


@numba.njit(cache=True, nogil=True)
def block_terms(parts, v, moments, d_mu, n, observed, slot_index):  # noqa: ANN001, ANN201
    """Add one block's terms of the Hessian of -2 log L to ``parts`` = (slot x slot upper triangle, slot x
    mean-row, mean-row x mean-row): :func:`slot_terms` from ``V E V'`` and ``V P V'``, ``2 n d_mu E d_mu'`` and,
    observed, ``2 n (u' D_s E m_l + ...)`` (``moments`` = (E, P, u); ``d_mu``: the rows of d mu that are not zero;
    ``slot_index`` = (ix, iy, cy)). The expected Hessian (``observed`` False) of a FIML group passes E = P = K."""
    slots, cross, means = parts
    e, p_mat, u = moments
    ix, iy, cy = slot_index
    ve = v @ e
    g_e = ve @ v.T
    g_p = v @ p_mat @ v.T if observed else g_e
    slot_terms(slots, g_e, g_p, ix, iy, cy, n, observed)
    r = d_mu.shape[0]
    if r == 0:
        return
    mean_terms = d_mu @ e @ d_mu.T
    for a in range(r):
        for c in range(r):
            means[a, c] += 2.0 * n * mean_terms[a, c]
    if observed:
        w = ve @ d_mu.T
        vu = v @ u
        for s in range(ix.size):
            left = vu[ix[s]]
            right = cy[s] * vu[iy[s]]
            for c in range(r):
                cross[s, c] += 2.0 * n * (left * (cy[s] * w[iy[s], c]) + right * w[ix[s], c])


@numba.njit(cache=True, nogil=True)
def collect(out, parts, weights, mean_rows, index, second, observed):  # noqa: ANN001, ANN201
    """Add one group's gradient and Hessian of -2 log L to ``out`` = (gradient, Hessian; an empty Hessian: the
    gradient only). Gradient: ``2 x' W y`` of every slot summed into its parameter, minus ``2 d_mu nu``
    (``weights`` = (V, W, nu, Lambda, Psi); ``mean_rows`` = (the rows of d mu that are not zero, their
    parameters)). Hessian: the slot terms of ``parts`` (upper triangle, mirrored) summed into their parameters,
    the mean terms, and, ``observed``, the second-derivative terms ``tr(W D_kl) - 2 nu' m_kl`` (``second`` =
    :class:`engine._SecondTerms`'s arrays)."""
    grad, info = out
    v, w, nu, lam, psi = weights
    d_mu, rows = mean_rows
    ix, iy, cy, slot_param = index
    g_w = v @ w @ v.T
    for s in range(ix.size):
        grad[slot_param[s]] += 2.0 * cy[s] * g_w[ix[s], iy[s]]
    for a in range(rows.size):
        acc = 0.0
        for j in range(nu.size):
            acc += d_mu[a, j] * nu[j]
        grad[rows[a]] -= 2.0 * acc
    if info.size == 0:
        return
    slots, cross, means = parts
    for s in range(ix.size):
        ks = slot_param[s]
        info[ks, ks] += slots[s, s]
        for t in range(s + 1, ix.size):
            kt = slot_param[t]
            info[ks, kt] += slots[s, t]
            info[kt, ks] += slots[s, t]
        for c in range(rows.size):
            info[ks, rows[c]] += cross[s, c]
            info[rows[c], ks] += cross[s, c]
    for a in range(rows.size):
        for c in range(rows.size):
            info[rows[a], rows[c]] += means[a, c]
    if observed:
        _second_terms(info, w, nu, lam, psi, second)


@numba.njit(cache=True, nogil=True)
def _second_terms(info, w, nu, lam, psi, second):  # noqa: ANN001, ANN201
    """Add ``tr(W D_kl) - 2 nu' m_kl`` (:class:`engine._SecondTerms`: loading x loading, loading x factor
    (co)variance, loading x latent mean) to the Hessian."""
    p_rows, p_cols, w_rows, w_cols, lp_rows, lp_cols, la, flat = second
    k = info.shape[0]
    flat_info = info.reshape(k * k)
    at = 0
    for i in range(p_rows.size):
        flat_info[flat[at]] += 2.0 * psi[p_rows[i], p_cols[i]] * w[w_rows[i], w_cols[i]]
        at += 1
    if lp_rows.size:
        wl = w @ lam
        for i in range(lp_rows.size):
            flat_info[flat[at]] += 2.0 * wl[lp_rows[i], lp_cols[i]]
            at += 1
    for i in range(la.size):
        flat_info[flat[at]] -= 2.0 * nu[la[i]]
        at += 1


@numba.njit(cache=True, nogil=True)
def group_terms(out, parts, model, moments, index, second, flags):  # noqa: ANN001, ANN201
    """Add one group's gradient and Hessian of -2 log L to ``out`` (:func:`collect`), for every route: the one
    compiled entry point of the derivatives (numba loads each entry point from its cache once per process).

    ``flags`` = (complete, observed). Complete rows: ``moments`` = (S, mean, n, unused), -2 log L and its weights
    from :func:`complete_terms`, the block's Hessian terms from :func:`block_terms`; returns ``(ok, value)``. A FIML
    group: ``moments`` = (K, nu, n, W) from :func:`fiml.evaluate`; the expected Hessian's terms from
    :func:`block_terms` with E = P = K (the observed Hessian's pattern terms are already in ``parts``, from
    :func:`pattern_terms`); returns ``(True, 0.0)``. ``model`` = (Sigma, mu, Lambda, Psi, V, d_mu rows, their
    parameters), ``index`` = (ix, iy, cy, slot parameters)."""
    sigma, mu, lam, psi, v, d_mu, rows = model
    first, vector, n, w = moments
    complete, observed = flags
    with_info = out[1].size > 0
    value = 0.0
    nu = vector
    if complete:
        ok, value, e, p_mat, u, w = complete_terms(sigma, mu, (first, vector, n))
        if not ok:
            return False, value
        nu = n * u
        if with_info:
            block_terms(parts, v, (e, p_mat, u), d_mu, n, observed, (index[0], index[1], index[2]))
    elif with_info and not observed:
        block_terms(parts, v, (first, first, nu), d_mu, n, False, (index[0], index[1], index[2]))
    collect(out, parts, (v, w, nu, lam, psi), (d_mu, rows), index, second, observed)
    return True, value


# ------------------------------------------------------------------ the MLR algebra (robust.py)
# Two element-by-element matrices of size vech x vech (1,431 x 1,431 at 53 items) built by gathers from small
# tables: in numpy each gather and each partial sum is a pass through a 16 MB temporary (with int64 index arrays
# of the same size for the trace pairs); one fused loop makes the same products and sums, in the same order (the
# same numbers to the last bit), without them. Entry points of their own: only the robust estimators load them.


@numba.njit(cache=True, nogil=True)
def normal_weight(inv, rows, cols, out, at, scale):  # noqa: ANN001, ANN201
    """``scale * W`` written in ``out`` from row and column ``at`` on, with ``W[i, j] = 0.5 (inv_ac inv_bd + inv_ad
    inv_bc) (o_i o_j / 2)`` for vech elements ``i = (a, b)``, ``j = (c, d)`` (``rows``, ``cols``), ``o`` 2 off the
    diagonal and 1 on it: ``1/2 D' (Sigma^-1 x Sigma^-1) D`` from ``inv = Sigma^-1`` (:func:`robust.normal_weight`)."""
    m = rows.size
    for i in range(m):
        a, b = rows[i], cols[i]
        o_i = 2.0 if a != b else 1.0
        target = out[at + i]
        for j in range(m):
            c, d = rows[j], cols[j]
            o_j = 2.0 if c != d else 1.0
            value = inv[a, c] * inv[b, d] + inv[a, d] * inv[b, c]
            target[at + j] = scale * (0.5 * value * (o_i * o_j / 2.0))


@numba.njit(cache=True, nogil=True)
def trace_pairs(products, position, rows, cols):  # noqa: ANN001, ANN201
    """``value[i, j] = P[bc, ad] + P[bd, ac] + P[ac, bd] + P[ad, bc]`` (added in that order, then halved once for
    each diagonal element of the pair) for vech elements ``i = (a, b)``, ``j = (c, d)``, ``xy`` the vech position of
    element (x, y) (``position``), ``P = products`` (:func:`robust._trace_pairs`)."""
    m = rows.size
    out = np.empty((m, m))
    for i in range(m):
        pos_a, pos_b = position[rows[i]], position[cols[i]]
        half_i = 0.5 if rows[i] == cols[i] else 1.0
        target = out[i]
        for j in range(m):
            c, d = rows[j], cols[j]
            acc = 0.0
            acc += products[pos_b[c], pos_a[d]]
            acc += products[pos_b[d], pos_a[c]]
            acc += products[pos_a[c], pos_b[d]]
            acc += products[pos_a[d], pos_b[c]]
            target[j] = acc * half_i * (0.5 if c == d else 1.0)
    return out
