"""adjust_pvalues equals statsmodels' multipletests on random p vectors, batched or not, with missing values."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from statsmodels.stats.multitest import multipletests

from alliance_stats.core.errors import SpecificationError
from alliance_stats.models import adjust_pvalues

METHODS = ["holm", "bonferroni", "fdr_bh"]
pvalues = arrays(np.float64, st.integers(1, 12), elements=st.floats(0.0, 1.0, allow_nan=False))


@pytest.mark.slow
@settings(max_examples=150, deadline=None)
@given(p=pvalues, method=st.sampled_from(METHODS))
def test_vector_equals_multipletests(p, method):
    np.testing.assert_array_equal(adjust_pvalues(p, method), multipletests(p, method=method)[1])


@pytest.mark.slow
@settings(max_examples=60, deadline=None)
@given(p=arrays(np.float64, st.tuples(st.integers(1, 6), st.integers(1, 8)),
                elements=st.floats(0.0, 1.0, allow_nan=False) | st.just(np.nan)),
       method=st.sampled_from(METHODS))
def test_rows_are_families_and_missing_values_are_left_out(p, method):
    out = adjust_pvalues(p, method)
    assert out.shape == p.shape
    for row, adjusted in zip(p, out, strict=True):
        ok = np.isfinite(row)
        assert np.isnan(adjusted[~ok]).all()
        if ok.any():
            np.testing.assert_array_equal(adjusted[ok], multipletests(row[ok], method=method)[1])


def test_none_is_a_copy_and_bad_methods_are_refused():
    p = np.array([0.01, 0.2])
    out = adjust_pvalues(p, "none")
    assert out is not p and np.array_equal(out, p)
    with pytest.raises(SpecificationError, match="sidak"):
        adjust_pvalues(p, "sidak")  # type: ignore[arg-type]
    with pytest.raises(SpecificationError):
        adjust_pvalues(np.zeros((2, 2, 2)))
