"""The CFI's floor, with a case that fails when the rule is broken (issue 15, item 17).

lavaan's ``lav_fit_cfi``: ``t1 = max(chisq - df, 0)``, ``t2 = max(chisq - df, base_chisq - base_df, 0)``,
``CFI = 1 - t1 / t2``: a model whose chi-square is below its degrees of freedom has CFI = 1, never above
(the TLI, by contrast, is not capped). ``tests/tools/mutants.py`` plants the one-line bug this test must catch.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

from alliance_stats.measurement import cfa
from alliance_stats.measurement.cfa.fit import cfi, tli


@pytest.mark.parametrize(("chisq", "df", "expected"), [
    (5.0, 10.0, 1.0),            # chi-square below df: t1 = 0
    (10.0, 10.0, 1.0),           # at df
    (30.0, 10.0, 1 - 20 / 180),  # above df: 1 - (30 - 10) / (200 - 20)
])
def test_cfi_is_floored_at_chisq_equal_df(chisq: float, df: float, expected: float) -> None:
    assert cfi(chisq, df, 200.0, 20.0) == pytest.approx(expected, abs=1e-15)


def test_robust_cfi_is_floored_too() -> None:
    # c_hat scales df: chi-square 5 < 1.2 * 10
    assert cfi(5.0, 10.0, 200.0, 20.0, c_hat=1.2, c_base=1.5) == 1.0
    assert tli(5.0, 10.0, 200.0, 20.0) > 1.0  # the TLI is not capped (lavaan)


def test_a_cfa_that_fits_better_than_its_df_has_cfi_one() -> None:
    rng = np.random.default_rng(0)
    factor = rng.normal(size=150)
    data = pd.DataFrame({f"x{i}": 0.7 * factor + rng.normal(scale=0.7, size=150) for i in range(5)})
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        result = cfa(data, "F =~ x0 + x1 + x2 + x3 + x4", estimator="MLR")
    assert result.fit["chisq"] < result.fit["df"]  # the case is what it claims to be (2.25 < 5)
    assert result.fit["cfi"] == 1.0
    assert result.fit["cfi.scaled"] == 1.0
    assert result.fit["cfi.robust"] == 1.0
    assert result.fit["tli"] > 1.0
