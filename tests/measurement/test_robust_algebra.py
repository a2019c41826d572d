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


def _normal_weight_numpy(sigma: np.ndarray) -> np.ndarray:
    """The numpy formula the compiled loop replaced (gathers of whole rows, then columns)."""
    inv = np.linalg.inv(sigma)
    rows, cols = robust.vech_indices(sigma.shape[0])
    by_row, by_col = inv[rows], inv[cols]
    value = by_row[:, rows] * by_col[:, cols] + by_row[:, cols] * by_col[:, rows]
    off = np.where(rows != cols, 2.0, 1.0)
    return 0.5 * value * (off[:, None] * off[None, :] / 2.0)


def _trace_pairs_numpy(products: np.ndarray, p: int) -> np.ndarray:
    """The numpy gathers the compiled loop replaced (four flat gathers added in turn, then halved)."""
    rows, cols = robust.vech_indices(p)
    position = np.empty((p, p), dtype=np.int64)
    position[rows, cols] = position[cols, rows] = np.arange(rows.size)
    m = rows.size
    flat = products.ravel()
    by_row, by_col = position[rows], position[cols]
    value = np.zeros((m, m))
    for first, second in ((by_col, by_row), (by_row, by_col)):
        for y, z in ((rows, cols), (cols, rows)):
            value += flat[first[:, y] * m + second[:, z]]
    half = np.where(rows == cols, 0.5, 1.0)
    return value * half[:, None] * half[None, :]


def _same_bits(a: np.ndarray, b: np.ndarray) -> None:
    assert a.shape == b.shape
    np.testing.assert_array_equal(a, b)
    np.testing.assert_array_equal(np.signbit(a), np.signbit(b))  # the zeros' signs too


def test_normal_weight_is_the_numpy_formula_to_the_bit() -> None:
    """The compiled loop makes the same products and sums in the same order: the run's numbers do not move."""
    rng = np.random.default_rng(11)
    a = rng.normal(size=(9, 9))
    sigma = a @ a.T + 9 * np.eye(9)
    sigma[0, 3] = sigma[3, 0] = 0.0  # a zero covariance (signed zeros in the products)
    _same_bits(robust.normal_weight(sigma), _normal_weight_numpy(sigma))


def test_complete_information_of_groups_is_the_block_diagonal_of_their_shares() -> None:
    """``Wc`` of two groups written in place equals ``block_diag(share * Wc_g)`` made from whole copies."""
    from scipy import linalg

    rng = np.random.default_rng(12)
    covs = [(a := rng.normal(size=(5, 5))) @ a.T + 5 * np.eye(5) for _ in range(2)]
    shares = [0.375, 0.625]
    blocks = []
    for share, cov in zip(shares, covs, strict=True):
        wc = np.zeros((5 + 15, 5 + 15))
        wc[:5, :5] = np.linalg.inv(cov)
        wc[5:, 5:] = _normal_weight_numpy(cov)
        blocks.append(share * wc)
    _same_bits(robust._complete_information(list(zip(shares, covs, strict=True))), linalg.block_diag(*blocks))


def test_trace_pairs_are_the_numpy_gathers_to_the_bit() -> None:
    p = 8
    m = p * (p + 1) // 2
    products = np.random.default_rng(13).normal(size=(m, m))
    products[2, :] = 0.0
    products[:, 5] = -0.0
    _same_bits(robust._trace_pairs(products, p), _trace_pairs_numpy(products, p))
