"""The one compiled Cholesky (core/kernels.py) shared by the Firth fits and the CFA's derivatives."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from alliance_stats.core.kernels import cholesky_lower


@settings(max_examples=40, deadline=None)
@given(p=st.integers(1, 12), seed=st.integers(0, 2**32 - 1))
def test_factor_of_a_positive_definite_matrix_is_numpys(p: int, seed: int) -> None:
    x = np.random.default_rng(seed).normal(size=(p + 3, p))
    a = x.T @ x + 0.1 * np.eye(p)
    low, ok = cholesky_lower(a)
    assert ok
    np.testing.assert_allclose(low, np.linalg.cholesky(a), rtol=1e-12, atol=1e-12)
    assert np.all(np.triu(low, 1) == 0.0)


def test_not_positive_definite_or_nan_is_said() -> None:
    assert not cholesky_lower(np.array([[1.0, 2.0], [2.0, 1.0]]))[1]
    assert not cholesky_lower(np.array([[1.0, 0.0], [0.0, 0.0]]))[1]
    assert not cholesky_lower(np.array([[np.nan, 0.0], [0.0, 1.0]]))[1]
    assert not cholesky_lower(np.array([[1.0, np.nan], [np.nan, 1.0]]))[1]
