"""KMO, Bartlett, EFA and parallel analysis equal psych 2.2.9 / GPArotation 2022.10-2."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

from alliance_stats.core.errors import AnalysisWarning, HeywoodWarning, SpecificationError
from alliance_stats.core.table import Table
from alliance_stats.measurement import (
    BartlettResult,
    EFAResult,
    KMOResult,
    ParallelAnalysisResult,
    bartlett_sphericity,
    efa,
    kmo,
    parallel_analysis,
)
from tests.measurement.psych_reference import dataset, match_columns, psych_fixtures


@pytest.mark.parametrize("name", ["hs", "bfi"])
def test_kmo_equals_psych(name):
    ref = psych_fixtures()["kmo"][name]
    data = dataset(name)
    before = data.copy()
    res = kmo(data)
    pd.testing.assert_frame_equal(data, before)
    assert isinstance(res, KMOResult)
    assert res.msa == pytest.approx(ref["msa"], abs=1e-6)
    np.testing.assert_allclose(res.msa_items[ref["items"]], [ref["msa_items"][i] for i in ref["items"]], atol=1e-6)


@pytest.mark.parametrize("name", ["hs", "bfi"])
def test_bartlett_equals_psych(name):
    ref = psych_fixtures()["bartlett"][name]
    res = bartlett_sphericity(dataset(name))
    assert isinstance(res, BartlettResult)
    assert res.chisq == pytest.approx(ref["chisq"], abs=1e-6)
    assert res.df == ref["df"] and res.n == ref["n"]
    assert res.p == pytest.approx(ref["p"], abs=1e-6, rel=1e-6)


FA_CASES = sorted(psych_fixtures()["fa"])


@pytest.mark.parametrize("key", FA_CASES)
def test_efa_equals_psych_fa(key):
    ref = psych_fixtures()["fa"][key]
    data = dataset(key.split("_")[0])[ref["items"]]
    before = data.copy()
    rotation = None if ref["rotation"] == "none" else ref["rotation"]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", AnalysisWarning)
        res = efa(data, ref["n_factors"], method=ref["method"], rotation=rotation)
    pd.testing.assert_frame_equal(data, before)
    assert isinstance(res, EFAResult) and res.converged
    m = ref["n_factors"]
    prefix = "MR" if ref["method"] == "minres" else "ML"
    assert list(res.loadings.columns) == [f"{prefix}{j + 1}" for j in range(m)]
    reference = np.asarray(ref["loadings"], dtype=float).reshape(len(ref["items"]), m)
    perm, signs = match_columns(res.loadings.to_numpy(), reference)
    loadings = res.loadings.to_numpy()[:, perm] * signs
    np.testing.assert_allclose(loadings, reference, atol=1e-3)
    np.testing.assert_allclose(res.communalities, ref["communality"], atol=1e-3)
    np.testing.assert_allclose(res.uniquenesses, ref["uniquenesses"], atol=1e-3)
    np.testing.assert_allclose(res.variance.loc["ss_loadings"].to_numpy()[list(perm)], ref["ss_loadings"], atol=1e-3)
    np.testing.assert_allclose(res.variance.loc["proportion_var"].to_numpy()[list(perm)], ref["proportion_var"],
                               atol=1e-3)
    np.testing.assert_allclose(res.eigenvalues, ref["e_values"], atol=1e-6)
    if ref["phi"]:
        phi = res.phi.to_numpy()[np.ix_(perm, perm)] * np.outer(signs, signs)
        np.testing.assert_allclose(phi, np.asarray(ref["phi"], dtype=float), atol=1e-3)
    else:
        assert res.phi is None


def test_efa_on_simulated_structure_recovers_pattern_and_is_order_invariant():
    rng = np.random.default_rng(7)
    pattern = np.array([[.8, 0], [.7, 0], [.6, .1], [0, .8], [0, .7], [.1, .6]])
    factors = rng.multivariate_normal([0, 0], [[1, .3], [.3, 1]], size=2000)
    data = pd.DataFrame(factors @ pattern.T + rng.normal(size=(2000, 6)) * np.sqrt(1 - (pattern ** 2).sum(1)),
                        columns=list("abcdef"))
    res = efa(data, 2, method="ml", rotation="oblimin")
    perm, signs = match_columns(res.loadings.to_numpy(), pattern)
    np.testing.assert_allclose(res.loadings.to_numpy()[:, perm] * signs, pattern, atol=0.06)
    assert res.phi.iloc[0, 1] == pytest.approx(0.3, abs=0.06)
    shuffled = efa(data[list("fdbeca")], 2, method="ml", rotation="oblimin")
    np.testing.assert_allclose(shuffled.communalities[list("abcdef")], res.communalities, atol=1e-6)


@pytest.mark.parametrize("key", ["hs_smc", "hs_minres", "bfi_smc", "bfi_minres"])
def test_parallel_observed_eigenvalues_equal_psych(key):
    ref = psych_fixtures()["parallel"][key]
    data = dataset(key.split("_")[0])
    method = "smc" if ref["smc"] else "minres"
    res = parallel_analysis(data, n_iter=20, seed=1, factor_method=method)
    assert isinstance(res, ParallelAnalysisResult)
    np.testing.assert_allclose(res.eigenvalues["pc_observed"], ref["pc_values"], atol=1e-6)
    np.testing.assert_allclose(res.eigenvalues["fa_observed"], ref["fa_values"], atol=1e-6 if ref["smc"] else 1e-4)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_parallel_suggests_three_factors_on_holzinger_swineford(seed):
    # psych::fa.parallel suggests 3 factors and 3 components here (fixture), with either factor method
    ref = psych_fixtures()["parallel"]["hs_smc"]
    res = parallel_analysis(dataset("hs"), n_iter=100, seed=seed)
    assert (res.n_factors, res.n_components) == (ref["nfact"], ref["ncomp"]) == (3, 3)


def test_parallel_on_a_clear_simulated_structure_and_reproducibility():
    rng = np.random.default_rng(11)
    pattern = np.kron(np.eye(4), np.full((4, 1), 0.7))
    data = pd.DataFrame(rng.normal(size=(600, 4)) @ pattern.T + rng.normal(scale=0.7, size=(600, 16)))
    first = parallel_analysis(data, n_iter=60, seed=5)
    assert (first.n_factors, first.n_components) == (4, 4)
    again = parallel_analysis(data, n_iter=60, seed=5)
    pd.testing.assert_frame_equal(first.eigenvalues, again.eigenvalues)
    other = parallel_analysis(data, n_iter=60, seed=6)
    assert not np.allclose(other.eigenvalues["pc_simulated"], first.eigenvalues["pc_simulated"])
    minres = parallel_analysis(data, n_iter=20, seed=5, factor_method="minres")
    assert minres.n_factors == 4
    # simulated correlation matrices: eigenvalues sum to p, the quantile lies above the mean
    assert first.eigenvalues["pc_simulated_mean"].sum() == pytest.approx(16, abs=1e-9)
    assert (first.eigenvalues["pc_simulated"] > first.eigenvalues["pc_simulated_mean"]).all()


def test_too_many_factors_and_bad_requests():
    data = dataset("hs")
    with pytest.raises(SpecificationError, match="6 factor\\(s\\) cannot be identified from 9 items"):
        efa(data, 6)
    with pytest.raises(SpecificationError, match="positive integer"):
        efa(data, 0)
    with pytest.raises(SpecificationError, match="unknown rotation"):
        efa(data, 2, rotation="quartimax")
    with pytest.raises(SpecificationError, match="unknown factoring method"):
        efa(data, 2, method="pa")
    with pytest.raises(SpecificationError, match="at least 3 items"):
        efa(data[["x1", "x2"]], 1)
    text = data.astype({"x3": object})
    text.loc[0, "x3"] = "n/a"
    with pytest.raises(SpecificationError, match="x3 holds text"):
        efa(text, 3)
    with pytest.raises(SpecificationError, match="x2 is constant"):
        kmo(data.assign(x2=1.0))


def test_singular_matrix_names_the_dependent_items():
    data = dataset("hs")
    data["total"] = data["x1"] + data["x2"]
    for func in (kmo, bartlett_sphericity):
        with pytest.raises(SpecificationError, match="x1, x2.*total") as info:
            func(data)
        assert info.value.column == "x1"
    with pytest.raises(SpecificationError, match="singular"):
        efa(data, 3, method="ml")
    with pytest.warns(HeywoodWarning, match="singular"):
        res = efa(data, 3, method="minres")
    assert np.isfinite(res.loadings.to_numpy()).all()
    assert any("singular" in w for w in res.warnings)


@pytest.mark.parametrize("method", ["minres", "ml"])
def test_heywood_case_is_warned(method):
    # r_ab r_ac / r_bc = 1.28: a one-factor model needs a squared loading above 1 for item a
    target = np.array([[1, .8, .8, .3], [.8, 1, .5, .3], [.8, .5, 1, .3], [.3, .3, .3, 1]])
    rng = np.random.default_rng(3)
    Z = rng.normal(size=(300, 4))
    Z = (Z - Z.mean(0)) @ np.linalg.inv(np.linalg.cholesky(np.cov(Z.T)).T)  # sample covariance = identity
    data = pd.DataFrame(Z @ np.linalg.cholesky(target).T, columns=list("abcd"))
    with pytest.warns(HeywoodWarning, match="item\\(s\\) a "):
        res = efa(data, 1, method=method)
    assert res.communalities["a"] > 0.99
    assert any("Heywood" in w for w in res.warnings)


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_tables(lang):
    data = dataset("hs")
    res = efa(data, 3, rotation="oblimin")
    table = res.table("efa_loadings", lang)
    assert isinstance(table, Table) and table.lang == lang
    assert table.frame.shape == (9 + 3, 5)
    assert table.frame.loc["x4", "MR1"] == pytest.approx(res.loadings.loc["x4", "MR1"])
    ss = "SS loadings" if lang == "en" else "Somme des carrés des saturations"
    assert table.formats[f"row:{ss}"] == "f2"
    assert ("oblimin" in table.note) and ("n = 301" in table.note)
    phi = res.table("efa_factor_corr", lang)
    assert isinstance(phi, Table) and phi.frame.shape == (3, 3)
    assert "efa_factor_corr" not in efa(data, 3, rotation="varimax").to_tables(lang)
    for result, key in ((kmo(data), "kmo"), (bartlett_sphericity(data), "bartlett"),
                        (parallel_analysis(data, n_iter=20, seed=1), "parallel_analysis")):
        out = result.table(key, lang)
        assert isinstance(out, Table) and out.lang == lang and out.title and out.note
        assert set(out.formats) <= set(out.frame.columns)
    assert kmo(data).table("kmo", lang).frame.shape == (10, 1)


def test_indefinite_pairwise_matrix():
    rng = np.random.default_rng(8)
    x = rng.normal(size=(3, 50))
    noise = 0.2 * rng.normal(size=(3, 50))
    nan = np.full(50, np.nan)
    data = pd.DataFrame({
        "a": np.concatenate([x[0] + noise[0], nan, x[2]]),
        "b": np.concatenate([x[0], x[1], nan]),
        "c": np.concatenate([nan, x[1] + noise[1], -x[2] + noise[2]]),
    })
    with pytest.warns(HeywoodWarning, match="not positive definite"), \
            pytest.raises(SpecificationError, match="no anti-image correlation"):
        kmo(data)
    with pytest.raises(SpecificationError, match="not positive definite"):
        bartlett_sphericity(data)
    with pytest.raises(SpecificationError, match="not positive definite"):
        efa(data, 1, method="ml")
