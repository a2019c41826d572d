"""polychoric() against lavaan 0.6-14 and psych 2.2.9 (values printed by tests/fixtures/ordinal_poly/make_fixtures.R).

Four data sets: psych::bfi's 25 items (complete cases, and all 2,800 rows with pairwise deletion), data cut
from a one-factor normal model with skewed thresholds, and the bundled synthetic data (53 items, 600
respondents, missing answers); plus a mixed set for polyserial correlations.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from alliance_stats.measurement.ordinal import PolychoricResult, polychoric
from alliance_stats.measurement.ordinal.polychoric import _item_categories, _loglik, _pair_tables, _univariate

FIX = Path(__file__).resolve().parents[2] / "fixtures" / "ordinal_poly"
SETS = {"sim": "listwise", "bfi_complete": "listwise", "bfi_missing": "pairwise", "synthetic": "pairwise"}


@cache
def _data(name: str) -> pd.DataFrame:
    return pd.read_csv(FIX / f"{name}_data.csv")


@cache
def _ours(name: str) -> PolychoricResult:
    return polychoric(_data(name), missing=SETS[name])


@cache
def _summary() -> dict:
    return json.loads((FIX / "summary.json").read_text())


@pytest.mark.parametrize("name", list(SETS))
def test_matrix_and_thresholds_equal_lavcor(name: str) -> None:
    res = _ours(name)
    lav = pd.read_csv(FIX / f"{name}_lavcor.csv", index_col=0)
    assert list(res.correlation.index) == list(lav.index) == list(_data(name).columns)
    assert np.abs(res.correlation.to_numpy() - lav.to_numpy()).max() < 1e-6  # measured: <= 3.8e-8
    th = pd.read_csv(FIX / f"{name}_lavth.csv")
    assert list(res.thresholds.index) == list(th["name"])
    assert np.abs(res.thresholds.to_numpy() - th["value"].to_numpy()).max() < 1e-12
    assert res.n_obs == _summary()[name]["nobs"]


@pytest.mark.parametrize("name", list(SETS))
def test_gamma_equals_lavaan_nacov(name: str) -> None:
    """lavInspect(fit, "gamma") of a WLSMV fit with every item ordered (entries saved by the R script)."""
    res = _ours(name)
    ref = pd.read_csv(FIX / f"{name}_gamma.csv.gz")
    assert res.gamma.shape == (_summary()[name]["n_gamma"],) * 2
    assert np.allclose(res.gamma, res.gamma.T)
    ours = res.gamma[ref["i"] - 1, ref["j"] - 1]
    np.testing.assert_allclose(ours, ref["value"], rtol=1e-5, atol=1e-8 * np.abs(ref["value"]).max())


@pytest.mark.parametrize("name", list(SETS))
def test_psych_polychoric_within_its_optimizer_tolerance(name: str) -> None:
    """psych::polychoric(correct = 0) maximises each pair's likelihood with optimize() (tolerance about
    1.2e-4 in rho): its rho agree with ours at 1e-4 (measured: <= 2.7e-5), and at every pair our value has
    a likelihood at least as high as psych's, so the differences are psych's optimizer stopping early. The
    thresholds (psych's tau) agree at 1e-12."""
    res = _ours(name)
    rho = pd.read_csv(FIX / f"{name}_psych_rho.csv", index_col=0).to_numpy()
    ours = res.correlation.to_numpy()
    assert np.abs(ours - rho).max() < 1e-4
    tau = pd.read_csv(FIX / f"{name}_psych_tau.csv", index_col=0)
    ours_tau = [res.thresholds[[k for k in res.thresholds.index if k.startswith(f"{item}|")]].to_numpy()
                for item in tau.index]
    gaps = [np.abs(t - tau.loc[i].to_numpy()[: len(t)]).max() for i, t in zip(tau.index, ours_tau, strict=True)]
    assert max(gaps) < 1e-12
    data = _data(name).dropna() if SETS[name] == "listwise" else _data(name)
    cats, levels = zip(*(_item_categories(data[c], []) for c in data.columns), strict=True)
    cat_mat, n_levels = np.column_stack(cats), np.array([lv.size for lv in levels])
    ext, _ = _univariate(cat_mat, n_levels)
    jj, ii = np.triu_indices(len(n_levels), k=1)
    freq = _pair_tables(cat_mat, n_levels, ii, jj)
    ll_ours = _loglik(freq, ext[ii], ext[jj], ours[ii, jj])
    ll_psych = _loglik(freq, ext[ii], ext[jj], rho[ii, jj])
    assert (ll_ours >= ll_psych - 1e-9).all()


def test_polyserial_and_pearson_equal_lavcor() -> None:
    data = pd.read_csv(FIX / "mixed_data.csv")
    with pytest.warns(UserWarning, match="continuous"):
        res = polychoric(data, ordered=["o1", "o2", "o3"])
    lav = pd.read_csv(FIX / "mixed_lavcor.csv", index_col=0)
    assert np.abs(res.correlation.to_numpy() - lav.to_numpy()).max() < 1e-6
    assert res.gamma.shape == (0, 0)
    expected = ["o1|t1", "o1|t2", "o1|t3", "o2|t1", "o2|t2"] + [f"o3|t{k}" for k in range(1, 6)]
    assert list(res.thresholds.index) == expected


def test_binary_items_with_an_empty_cell_as_lavaan() -> None:
    """2 x 2 tables: lavaan adds 0.5 to a single empty cell keeping the margins (make_fixtures_binary.R);
    without that rule the b1 x b2 correlation would run to the bound .999."""
    data = pd.read_csv(FIX / "binary_data.csv")
    res = polychoric(data, missing="listwise")
    lav = pd.read_csv(FIX / "binary_lavcor.csv", index_col=0)
    assert np.abs(res.correlation.to_numpy() - lav.to_numpy()).max() < 1e-6  # measured 6.4e-9
    assert 0.9 < res.correlation.loc["b1", "b2"] < 0.95
    th = pd.read_csv(FIX / "binary_lavth.csv")
    assert np.abs(res.thresholds.to_numpy() - th["value"].to_numpy()).max() < 1e-12
    ref = pd.read_csv(FIX / "binary_gamma.csv")
    np.testing.assert_allclose(res.gamma[ref["i"] - 1, ref["j"] - 1], ref["value"], rtol=1e-5,
                               atol=1e-8 * np.abs(ref["value"]).max())
