"""The one-pass pairwise-complete covariance (three matrix products of centred data) equals the two-pass
definition (R's ``cov(x, use = "pairwise")``: each pair's means over the rows answering both, then the centred
cross-products) to rounding, for sizes on both sides of numpy's summation blocks, far from the origin too, and
each data set of a stack equals the data set alone."""

from __future__ import annotations

import numpy as np
import pytest

from alliance_stats.data.pairwise_cov import centred_cov, pairwise_cov


def _two_pass(x: np.ndarray) -> np.ndarray:
    n, p = x.shape
    observed = ~np.isnan(x)
    out = np.empty((p, p))
    for j in range(p):
        for k in range(j, p):
            both = observed[:, j] & observed[:, k]
            if both.sum() < 2:
                out[j, k] = out[k, j] = np.nan
                continue
            a, b = x[both, j], x[both, k]
            out[j, k] = out[k, j] = ((a - a.mean()) * (b - b.mean())).sum() / (both.sum() - 1)
    return out


@pytest.mark.parametrize("n", [1, 3, 7, 8, 9, 17, 128, 129, 135, 256, 257, 400, 1003])
@pytest.mark.parametrize("location", [0.0, 1e6])
def test_pairwise_cov_equals_the_two_pass_definition(n, location):
    rng = np.random.default_rng(n)
    x = rng.integers(1, 8, size=(3, n, 5)).astype(float) + rng.normal(size=(3, n, 5)) * (n % 2) + location
    x[rng.random(x.shape) < 0.1] = np.nan
    stacked = pairwise_cov(x)
    for r in range(3):
        reference = _two_pass(x[r])
        np.testing.assert_array_equal(np.isnan(stacked[r]), np.isnan(reference))
        scale = np.nanmax(np.abs(reference), initial=1.0)
        np.testing.assert_allclose(stacked[r], reference, rtol=0, atol=1e-12 * scale)
        np.testing.assert_allclose(pairwise_cov(x[r]), stacked[r], rtol=0, atol=1e-14 * scale)
        np.testing.assert_array_equal(stacked[r], stacked[r].T)


def test_pairs_answered_together_by_fewer_than_two_rows_are_nan():
    x = np.array([[1.0, np.nan, 2.0], [2.0, np.nan, 1.0], [3.0, 5.0, 3.0], [4.0, np.nan, 7.0]])
    cov = pairwise_cov(x)
    assert np.isnan(cov[1]).all() and np.isnan(cov[:, 1]).all()
    np.testing.assert_allclose(cov[[0, 2]][:, [0, 2]], np.cov(x[:, [0, 2]].T), rtol=1e-14)


def _three_products(x: np.ndarray) -> np.ndarray:
    """The formula before issue 17, session 9: pair counts from the product ``M'M`` and the element-wise steps in
    numpy (the compiled ``_pair_terms`` counts the pairs from the missing answers and must give the same bits)."""
    observed = ~np.isnan(x)
    mask = observed.astype(float)
    centred = np.where(observed, x - np.nanmean(x, axis=1, keepdims=True), 0.0)
    centred_t = np.swapaxes(centred, 1, 2)
    pairs = np.swapaxes(mask, 1, 2) @ mask
    sums = centred_t @ mask
    with np.errstate(invalid="ignore", divide="ignore"):
        out = (centred_t @ centred - sums * np.swapaxes(sums, 1, 2) / pairs) / (pairs - 1)
    out[pairs < 2] = np.nan
    return out


@pytest.mark.filterwarnings("ignore:Mean of empty slice")
@pytest.mark.parametrize("share", [0.0, 0.02, 0.3, 0.7])
def test_compiled_pair_terms_equal_the_numpy_formula_bit_for_bit(share):
    rng = np.random.default_rng(7)
    x = rng.integers(1, 8, size=(4, 60, 9)).astype(float)
    x[rng.random(x.shape) < share] = np.nan
    x[0, :, 3] = np.nan  # an item never answered
    x[1, 5:, 2] = np.nan  # answered by five rows
    item_major = np.moveaxis(np.ascontiguousarray(np.moveaxis(x, -1, 0)), 0, -1)
    for stack in (x, item_major):
        _, _, cov = centred_cov(stack)
        np.testing.assert_array_equal(cov, _three_products(stack))
