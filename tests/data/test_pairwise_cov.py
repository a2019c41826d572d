"""The compiled pairwise-complete covariance equals, bit for bit, the numpy two-pass computation on the
zero-filled arrays (numpy's pairwise summation), for sizes on both sides of numpy's 8-value and 128-value
blocks and of the halving above them."""

from __future__ import annotations

import numpy as np
import pytest

from alliance_stats.data.pairwise_cov import pairwise_cov


def _numpy_reference(x: np.ndarray) -> np.ndarray:
    n, p = x.shape
    observed = ~np.isnan(x)
    out = np.empty((p, p))
    for j in range(p):
        for k in range(j, p):
            both = observed[:, j] & observed[:, k]
            count = int(both.sum())
            a = np.ascontiguousarray(np.where(both, x[:, j], 0.0))
            b = np.ascontiguousarray(np.where(both, x[:, k], 0.0))
            if count < 2:
                out[j, k] = out[k, j] = np.nan
                continue
            mean_a, mean_b = a.sum() / count, b.sum() / count
            prod = np.ascontiguousarray(np.where(both, (a - mean_a) * (b - mean_b), 0.0))
            out[j, k] = out[k, j] = prod.sum() / (count - 1)
    return out


@pytest.mark.parametrize("n", [1, 3, 7, 8, 9, 17, 128, 129, 135, 256, 257, 400, 1003])
def test_pairwise_cov_equals_numpy_two_pass_bit_for_bit(n):
    rng = np.random.default_rng(n)
    x = rng.integers(1, 8, size=(3, n, 5)).astype(float) + rng.normal(size=(3, n, 5)) * (n % 2)
    x[rng.random(x.shape) < 0.1] = np.nan
    stacked = pairwise_cov(x)
    for r in range(3):
        np.testing.assert_array_equal(stacked[r], _numpy_reference(x[r]))
        np.testing.assert_array_equal(pairwise_cov(x[r]), stacked[r])
