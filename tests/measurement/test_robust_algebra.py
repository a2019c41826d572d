"""The matrix algebra behind lavaan's MLR under FIML (``measurement/cfa/robust.py``) against its definitions:
``Wm^+`` applied through a Cholesky factor equals the explicit inverse that skips all-zero rows (lavaan's
``lav_matrix_symmetric_inverse``), and the trace pairs of the h1 observed information equal
``sum tr(E_ab A E_cd B)`` computed element by element."""

from __future__ import annotations

import numpy as np
import pytest

from alliance_stats.measurement.cfa import robust


def _spd_with_zero_row(size: int, zero: int, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    a = rng.normal(size=(size, size))
    wm = a @ a.T + size * np.eye(size)
    wm[zero, :] = wm[:, zero] = 0.0
    return wm


@pytest.mark.parametrize("rows", [7, 60])  # fewer rows than twice the columns: through Z; more: the Gram matrix
def test_trace_scores_through_the_factor_equals_the_inverse(rows: int) -> None:
    wm = _spd_with_zero_row(12, zero=4, seed=rows)
    scores = np.random.default_rng(1).normal(size=(rows, 12))
    keep, lower, inverse = robust._solver(wm)
    assert lower is not None and inverse is None and 4 not in keep
    wm_inv = robust.inverse_skipping_zero_rows(wm)
    expected_trace = float(np.sum((scores @ wm_inv) * scores))
    expected_zz = (scores @ wm_inv).T @ (scores @ wm_inv)
    part = robust._SaturatedParts([], wm, np.zeros((12, 1)), np.zeros(3), np.ones(3), scores)
    trace = robust._trace_scores(part, (keep, lower, inverse))
    assert trace == pytest.approx(expected_trace, rel=1e-12)
    assert part.zz is not None
    np.testing.assert_allclose(part.zz, expected_zz, rtol=1e-10, atol=1e-12 * np.abs(expected_zz).max())
    assert np.all(part.zz[4] == 0.0)


def test_solver_keeps_the_inverse_when_not_positive_definite() -> None:
    wm = np.diag([2.0, -1.0, 3.0, 0.0])
    keep, lower, inverse = robust._solver(wm)
    assert lower is None and list(keep) == [0, 1, 2]
    np.testing.assert_array_equal(inverse, np.diag([0.5, -1.0, 1 / 3, 0.0]))
    scores = np.arange(8.0).reshape(2, 4)
    part = robust._SaturatedParts([], wm, np.zeros((4, 1)), np.zeros(1), np.ones(1), scores)
    assert robust._trace_scores(part, (keep, lower, inverse)) == pytest.approx(
        float(np.sum((scores @ inverse) * scores)), rel=1e-14)


def test_trace_pairs_equal_their_definition() -> None:
    p = 4
    rows, cols = robust.vech_indices(p)
    rng = np.random.default_rng(5)
    pairs = []
    for _ in range(3):
        a, b = rng.normal(size=(p, p)), rng.normal(size=(p, p))
        pairs.append((a + a.T, b + b.T))
    products = sum(np.outer(a[rows, cols], b[rows, cols]) for a, b in pairs)

    def unit(x: int, y: int) -> np.ndarray:  # derivative of a symmetric matrix with respect to element (x, y)
        e = np.zeros((p, p))
        e[x, y] = e[y, x] = 1.0
        return e

    expected = np.array([[sum(np.trace(unit(a, b) @ ma @ unit(c, d) @ mb) for ma, mb in pairs)
                          for c, d in zip(rows, cols, strict=True)] for a, b in zip(rows, cols, strict=True)])
    np.testing.assert_allclose(robust._trace_pairs(products, p), expected, rtol=1e-12, atol=1e-12)
