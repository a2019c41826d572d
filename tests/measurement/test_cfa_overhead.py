"""The shortcuts that cut cfa()'s fixed cost (issue 17: ``cfa()`` >= 5x semopy on the first fit) give the numbers of
the routes they replace.

- ``fit.noncentrality`` (the RMSEA interval by safeguarded Newton steps) finds brentq's roots (``xtol = 1e-12``,
  the route before) over a wide range of chi-squares, degrees of freedom and sample sizes;
- ``engine._numpy_mean`` (start factor covariances in Python floats) is ``np.mean`` to the last bit;
- ``api._numeric_items`` reads the columns' arrays without their Series: the same matrix as ``data[item]`` for
  numpy, nullable and text columns, and the same error for a text answer;
- ``composite_reliability`` computes every factor at once: semTools' formulas factor by factor, also with a cross
  loading and a single-item factor.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from scipy import optimize

from alliance_stats.core.errors import SpecificationError
from alliance_stats.measurement.cfa import api, engine
from alliance_stats.measurement.cfa.fit import noncentrality, pchisq, rmsea_ci
from alliance_stats.measurement.composite import composite_reliability
from alliance_stats.measurement.syntax import parse_model


def _brentq_interval(chisq: float, df: float, n: float, g: int, level: float = 0.90) -> tuple[float, float]:
    """The interval as computed before (brentq over the whole bracket)."""
    upper_p, lower_p = 1 - (1 - level) / 2, (1 - level) / 2
    if pchisq(chisq, df, 0.0) - upper_p < 0:
        lower = 0.0
    else:
        lam = optimize.brentq(lambda x: pchisq(chisq, df, x) - upper_p, 0.0, chisq, xtol=1e-12)
        lower = math.sqrt(lam / (n * df)) * math.sqrt(g)
    n_rmsea = max(n, chisq * 4)
    if pchisq(chisq, df, n_rmsea) - lower_p > 0 or pchisq(chisq, df, 0.0) - lower_p < 0:
        upper = 0.0
    else:
        lam = optimize.brentq(lambda x: pchisq(chisq, df, x) - lower_p, 0.0, n_rmsea, xtol=1e-12)
        upper = math.sqrt(lam / (n * df)) * math.sqrt(g)
    return lower, upper


def test_the_rmsea_interval_finds_brentqs_roots() -> None:
    rng = np.random.default_rng(17)
    cases = [(85.3055, 24, 301, 1), (0.5, 1, 100, 1), (1e-3, 3, 50, 1), (3000.0, 1300, 600, 1), (200.0, 24, 10000, 2)]
    for t in range(400):
        df = int(rng.integers(1, 1500)) if t % 2 else int(rng.integers(1, 30))
        cases.append((df * float(rng.uniform(0.05, 8.0)), df, int(rng.integers(30, 20000)), int(rng.integers(1, 3))))
    for case in cases:
        ours, before = rmsea_ci(*case), _brentq_interval(*case)
        assert ours == pytest.approx(before, rel=1e-12, abs=1e-14), case


def test_the_noncentrality_is_a_root_and_zero_when_the_statistic_sits_on_the_quantile() -> None:
    x, df = 85.3055, 24.0
    lam = noncentrality(x, df, 0.05, 4 * x, pchisq(x, df, 0.0))
    assert pchisq(x, df, lam) == pytest.approx(0.05, abs=1e-14)
    assert noncentrality(x, df, 0.3, x, 0.3) == 0.0


def test_the_start_values_mean_is_numpys_to_the_last_bit() -> None:
    rng = np.random.default_rng(5)
    for _ in range(3000):
        n = int(rng.integers(1, 400))
        values = (rng.standard_normal(n) * 10 ** rng.uniform(-6, 6, n)).tolist()
        assert engine._numpy_mean(values) == float(np.mean(values))


def test_items_read_from_the_columns_arrays_are_the_series_values() -> None:
    model = parse_model("f =~ a + b + c + d")
    data = pd.DataFrame({
        "a": [1.0, 2.5, np.nan, 4.0], "b": pd.array([1, None, 3, 4], dtype="Int64"),
        "c": pd.Series(["1", "2", "3", None], dtype=object), "d": np.array([1, 0, 1, 1], dtype=np.int8),
    })
    expected = np.column_stack([pd.to_numeric(data[c], errors="coerce").astype(float).to_numpy(dtype=float,
                                                                                                   na_value=np.nan)
                                for c in "abcd"])
    np.testing.assert_array_equal(api._numeric_items(data, model), expected)
    np.testing.assert_array_equal(api._column_array(data, "d"), data["d"].to_numpy())
    repeated = pd.DataFrame(np.ones((3, 5)), columns=["a", "b", "c", "d", "a"])  # a repeated name: the Series route
    assert api._column_array(repeated, "a") is None
    text = data.assign(c=["1", "two", "3", "4"])
    with pytest.raises(SpecificationError, match="'c' is not numeric") as error:
        api._numeric_items(text, model)
    assert error.value.row == 2 and error.value.value == "two"


def _reliability_factor_by_factor(lam: np.ndarray, psi: np.ndarray, s: np.ndarray) -> np.ndarray:
    """semTools' compRelSEM / AVE one factor at a time (the loop before)."""
    nonzero = lam != 0
    cross = nonzero.sum(axis=1) > 1
    out = []
    for f in range(lam.shape[1]):
        idx = np.flatnonzero(nonzero[:, f])
        if idx.size < 2:
            out.append((np.nan, np.nan))
            continue
        loadings, total = lam[idx, f], s[np.ix_(idx, idx)]
        omega = np.sum(np.outer(loadings, loadings)) * psi[f, f] / np.sum(total)
        ave = np.nan if cross[idx].any() else np.sum(loadings**2) * psi[f, f] / np.trace(total)
        out.append((omega, ave))
    return np.array(out)


def test_composite_reliability_of_every_factor_at_once_is_the_factor_by_factor_one() -> None:
    rng = np.random.default_rng(11)
    lam = np.zeros((8, 3))
    lam[:4, 0] = rng.uniform(0.4, 1.2, 4)
    lam[3:7, 1] = rng.uniform(0.4, 1.2, 4)  # item 4 loads on both: AVE undefined for both factors
    lam[7, 2] = 0.9  # a single item: dropped
    psi = np.array([[1.0, 0.3, 0.2], [0.3, 0.8, 0.1], [0.2, 0.1, 0.5]])
    s = lam @ psi @ lam.T + np.diag(rng.uniform(0.2, 0.6, 8))
    ours = composite_reliability(lam, psi, s, [f"x{i}" for i in range(8)], ["f", "g", "h"])
    np.testing.assert_allclose(ours.to_numpy(), _reliability_factor_by_factor(lam, psi, s), rtol=1e-14)
    assert list(ours.index) == ["f", "g", "h"] and ours.index.name == "factor"
    assert np.isnan(ours.loc["f", "ave"]) and np.isnan(ours.loc["h", "omega"]) and ours.loc["g", "omega"] > 0
    expected = pd.DataFrame(ours.to_numpy(), index=pd.Index(["f", "g", "h"], name="factor"),
                            columns=["omega", "ave"])
    pd.testing.assert_frame_equal(ours, expected, check_exact=True)
