"""Compiled (numba) loops of the CFA engine's Hessian: slot x slot terms of one block, and of every missingness
pattern of a FIML group (issue 17).

Internal module, imported on first use by :mod:`alliance_stats.measurement.cfa.engine` (numba's import and
compilation are then paid once, and cached on disk). Why numba: the terms are sums of products of two entries of
small basis x basis matrices gathered by slot (see ``engine._HessianParts``); in numpy each gather is a pass
through memory, and under FIML the per-pattern matrices themselves (rank-q updates of ``V K V'``, sums of the
rows' outer products) would be stacks of thousands of b x b temporaries. Fused loops keep one b x b matrix of
each kind in cache per pattern.
"""

from __future__ import annotations

import numba
import numpy as np


@numba.njit(cache=True, nogil=True)
def slot_terms(slots, g_e, g_p, ix, iy, cy, n, observed):  # noqa: ANN001, ANN201
    """Add one block's slot x slot terms: ``n tr(E D_s E D_t)`` (expected) or ``n [2 tr(E D_t P D_s) -
    tr(E D_s E D_t)]`` (observed), from ``g_e = V E V'`` and ``g_p = V P V'``. Only the upper triangle
    (``t >= s``) is written: the matrix is symmetric (``engine._HessianParts.total`` mirrors it)."""
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
