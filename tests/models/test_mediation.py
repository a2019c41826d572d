"""Mediation: point estimates equal statsmodels, bootstrap reproducible, bad input typed."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm

from alliance_stats.core.errors import SpecificationError
from alliance_stats.core.results import check_result
from alliance_stats.models import MediationSettings, logit_batch, mediation
from tests.models.simulated import simulate_firms


@pytest.fixture(scope="module")
def data() -> pd.DataFrame:
    df = simulate_firms(200, np.random.default_rng(41), model="M3")
    rng = np.random.default_rng(42)
    df["LEARN"] = 4 + 0.7 * df["trust_shared"] + rng.normal(size=len(df))
    return df


def test_point_estimates_equal_statsmodels(data):
    res = mediation(data, "trust_shared", "LEARN", "crossed", covariates=["firm_age"],
                    settings=MediationSettings(n_boot=200, seed=1))
    a = sm.OLS(data["LEARN"], sm.add_constant(data[["trust_shared", "firm_age"]])).fit()
    b = sm.Logit(data["crossed"], sm.add_constant(data[["LEARN", "trust_shared", "firm_age"]])).fit(disp=0)
    c = sm.Logit(data["crossed"], sm.add_constant(data[["trust_shared", "firm_age"]])).fit(disp=0)
    t = res.paths
    assert t.loc["a", "estimate"] == pytest.approx(a.params["trust_shared"], rel=1e-10)
    assert t.loc["a", "se"] == pytest.approx(a.bse["trust_shared"], rel=1e-8)
    assert t.loc["b", "estimate"] == pytest.approx(b.params["LEARN"], rel=1e-8)
    assert t.loc["b", "se"] == pytest.approx(b.bse["LEARN"], rel=1e-6)
    assert t.loc["direct", "estimate"] == pytest.approx(b.params["trust_shared"], rel=1e-8)
    assert t.loc["total", "estimate"] == pytest.approx(c.params["trust_shared"], rel=1e-8)
    assert t.loc["indirect", "estimate"] == pytest.approx(a.params["trust_shared"] * b.params["LEARN"], rel=1e-8)
    assert t.loc["indirect", "scale"] == "mixed"


def test_batched_newton_equals_statsmodels_on_weighted_fits(data):
    X = sm.add_constant(data[["trust_shared", "firm_age"]]).to_numpy()
    y = data["crossed"].to_numpy(float)
    rng = np.random.default_rng(3)
    W = rng.multinomial(len(y), np.full(len(y), 1 / len(y)), size=5).astype(float)
    fit = logit_batch(np.broadcast_to(X, (5, *X.shape)), np.broadcast_to(y, (5, len(y))), weights=W)
    coef = fit.coef
    assert fit.converged.all() and not fit.separated.any()
    for r in range(5):
        ref = sm.GLM(y, X, family=sm.families.Binomial(), freq_weights=W[r]).fit(tol=1e-12)
        np.testing.assert_allclose(coef[r], ref.params, rtol=1e-7, atol=1e-9)


def test_bootstrap_is_reproducible(data):
    def run(seed: int) -> object:
        return mediation(data, "trust_shared", "LEARN", "crossed", cluster="dyad_id",
                         settings=MediationSettings(n_boot=2000, seed=seed))

    one, two, three = run(7), run(7), run(8)
    pd.testing.assert_frame_equal(one.paths, two.paths)
    assert not one.paths.equals(three.paths)
    assert one.n_boot_used == 2000
    lo, hi = one.paths.loc["indirect", ["ci_low", "ci_high"]]
    assert lo < one.indirect < hi
    assert np.quantile(one.boot_indirect, 0.025) == pytest.approx(lo)


def test_memory_bounded_chunks_give_the_same_bootstrap(data, monkeypatch):
    """Large samples get smaller chunks of resamples (memory, issue 17): the draws and fits are the same, to the
    last bits that a vectorised loop over the resamples gives its remainder (on an AMD EPYC with AVX2 the last
    three resamples of a chunk of 6 moved by 7.8e-16 relative; on AVX-512 Xeons they were equal bit for bit)."""
    import importlib

    module = importlib.import_module("alliance_stats.models.mediation")  # the package exports the function
    settings = MediationSettings(n_boot=300, seed=3)
    whole = mediation(data, "trust_shared", "LEARN", "crossed", cluster="dyad_id", settings=settings)
    monkeypatch.setattr(module, "_CHUNK_ELEMENTS", 7 * len(data) * 4)  # chunks of 7 resamples
    chunked = mediation(data, "trust_shared", "LEARN", "crossed", cluster="dyad_id", settings=settings)
    np.testing.assert_allclose(whole.boot_indirect, chunked.boot_indirect, rtol=1e-13, atol=0)
    pd.testing.assert_frame_equal(whole.paths, chunked.paths, check_exact=False, rtol=1e-13, atol=0)


def test_percentile_interval_covers_a_true_indirect_effect():
    rng = np.random.default_rng(9)
    n = 400
    x = rng.normal(size=n)
    m = 0.5 * x + rng.normal(size=n)
    y = (rng.uniform(size=n) < 1 / (1 + np.exp(-(0.8 * m + 0.2 * x)))).astype(int)
    res = mediation(pd.DataFrame({"x": x, "m": m, "y": y}), "x", "m", "y",
                    settings=MediationSettings(n_boot=1000, seed=2))
    assert res.paths.loc["indirect", "ci_low"] < 0.4 < res.paths.loc["indirect", "ci_high"]
    assert res.paths.loc["indirect", "ci_low"] > 0


def test_docstring_states_the_scale_caveat():
    doc = " ".join(mediation.__doc__.split())
    assert "mixed scale" in doc and "VanderWeele" in doc and "MacKinnon" in doc and "total effect" in doc


def test_table_localised(data):
    res = mediation(data, "trust_shared", "LEARN", "crossed", settings=MediationSettings(n_boot=200, seed=1))
    check_result(res)
    fr = res.to_tables("fr")["mediation"]
    assert "échelle mixte" in fr.note and "Apprentissage" in fr.note


@pytest.mark.parametrize(
    ("kwargs", "needle"),
    [
        ({"mediator": "AWARE"}, "AWARE"),
        ({"x": "nothere"}, "nothere"),
        ({"settings": "n_boot"}, "100"),
        ({"outcome": "firm_age"}, "0/1"),
        ({"covariates": ["configuration"]}, "configuration"),
        ({"mediator": "trust_shared"}, "different"),
    ],
)
def test_bad_input(data, kwargs, needle):
    df = data.assign(AWARE=1.0)
    args = {"x": "trust_shared", "mediator": "LEARN", "outcome": "crossed"}
    args.update(kwargs)
    with pytest.raises(SpecificationError) as info:
        if args.pop("settings", None):
            mediation(df, **args, settings=MediationSettings(n_boot=10))
        mediation(df, **args, settings=MediationSettings(n_boot=200))
    assert needle in str(info.value)


def test_missing_rows_are_dropped_and_counted(data):
    df = data.copy()
    df.loc[[1, 2, 3], "LEARN"] = np.nan
    res = mediation(df, "trust_shared", "LEARN", "crossed", settings=MediationSettings(n_boot=200, seed=1))
    assert res.n == len(df) - 3
    assert any("3 of" in w for w in res.warnings)


def test_bootstrap_memory_stays_within_the_chunk_bound(monkeypatch):
    """The bootstrap's peak memory follows the chunk bound, not the number of resamples x rows (issue 17): with
    the bound lowered to 60,000 numbers, 200 resamples of 2,000 rows (3 columns) peak under 20 bound-sized
    arrays (9.6 MB); one chunk of every resample would hold 1.2 million numbers per stacked array."""
    import importlib
    import tracemalloc

    module = importlib.import_module("alliance_stats.models.mediation")
    rng = np.random.default_rng(8)
    n = 2000
    frame = pd.DataFrame({"x": rng.normal(size=n)})
    frame["m"] = 0.5 * frame["x"] + rng.normal(size=n)
    frame["y"] = (rng.uniform(size=n) < 1 / (1 + np.exp(-0.6 * frame["m"]))).astype(int)
    settings = MediationSettings(n_boot=200, seed=4)
    whole = mediation(frame, "x", "m", "y", settings=settings)
    bound = 60_000
    monkeypatch.setattr(module, "_CHUNK_ELEMENTS", bound)
    tracemalloc.start()
    try:
        bounded = mediation(frame, "x", "m", "y", settings=settings)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 20 * 8 * bound, peak / 2**20

    # the same draws and fits (to rounding: the batched products are summed in another order)
    np.testing.assert_allclose(whole.boot_indirect, bounded.boot_indirect, rtol=1e-10, atol=1e-12)
