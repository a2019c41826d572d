"""rwg(j), ICC(1), ICC(2): against psych::ICC (fixture from R) and a hand-computed rwg(j) example."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from alliance_stats.core.errors import DataError
from alliance_stats.data.agreement import dyad_agreement, icc_bliese, rwg_j, uniform_null_variance
from alliance_stats.data.scoring import clean_items
from alliance_stats.instrument import default_instrument
from alliance_stats.simulate import simulate_alliances

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "data"
R_VALUES = json.loads((FIXTURES / "agreement_fixtures.json").read_text())
HAND = json.loads((FIXTURES / "rwg_worked_example.json").read_text())

ICC_TABLES = {
    "shrout_fleiss_sf": ("shrout_fleiss_sf.csv", "target", ["J1", "J2", "J3", "J4"]),
    "shrout_fleiss_sf_J1_J2": ("shrout_fleiss_sf.csv", "target", ["J1", "J2"]),
    "sleep_pairs": ("sleep_pairs.csv", "ID", ["drug1", "drug2"]),
    "sat_act_pairs": ("sat_act_pairs.csv", "pair", ["SATV", "SATQ"]),
}


@pytest.fixture(scope="module")
def instrument():
    return default_instrument()


@pytest.fixture(scope="module")
def sim(instrument):
    return simulate_alliances(60, seed=11, instrument=instrument)


def _long(name: str) -> tuple[np.ndarray, np.ndarray]:
    file, group, raters = ICC_TABLES[name]
    wide = pd.read_csv(FIXTURES / file)
    long = wide.melt(id_vars=[group], value_vars=raters)
    return long["value"].to_numpy(dtype=float), long[group].to_numpy()


@pytest.mark.parametrize("name", list(ICC_TABLES))
def test_icc_matches_psych_icc1_and_icc1k(name):
    values, groups = _long(name)
    icc1, icc2 = icc_bliese(values, groups)
    expected = R_VALUES["icc"][name]
    assert icc1 == pytest.approx(expected["ICC1"], abs=1e-10)
    assert icc2 == pytest.approx(expected["ICC1k"], abs=1e-10)


def test_icc_does_not_depend_on_row_order():
    values, groups = _long("sleep_pairs")
    order = np.random.default_rng(3).permutation(values.size)
    assert icc_bliese(values[order], groups[order]) == pytest.approx(icc_bliese(values, groups), abs=1e-12)


def test_icc_drops_missing_values_and_needs_two_groups():
    icc1, icc2 = icc_bliese([1.0, 2.0, np.nan, 5.0, 6.0, 3.0, 3.0], ["a", "a", "a", "b", "b", "c", "c"])
    ref = icc_bliese([1.0, 2.0, 5.0, 6.0, 3.0, 3.0], ["a", "a", "b", "b", "c", "c"])
    assert (icc1, icc2) == pytest.approx(ref)
    assert all(np.isnan(icc_bliese([1.0, 2.0], ["a", "a"])))
    with pytest.raises(ValueError):
        icc_bliese([1.0, 2.0], ["a"])


@pytest.mark.parametrize("example", HAND["examples"], ids=[e["name"] for e in HAND["examples"]])
def test_rwg_j_matches_hand_computed_worked_examples(example):
    assert rwg_j(np.array(example["ratings"]), example["n_options"]) == pytest.approx(example["rwg_j"], abs=1e-12)


def test_rwg_j_many_groups_matches_r_formula_values():
    long = pd.read_csv(FIXTURES / "rwg_groups.csv")
    groups = sorted(long["group"].unique())
    cube = np.stack([long.loc[long["group"] == g, ["item1", "item2", "item3", "item4"]].to_numpy(float)
                     for g in groups])
    values = rwg_j(cube, 7)
    expected = R_VALUES["rwg_j"]["groups_7_point"]
    assert values == pytest.approx([expected[g] for g in groups], abs=1e-12)
    if "multilevel" in R_VALUES["rwg_j"]:  # present when the fixture was made with R multilevel installed
        assert values == pytest.approx([R_VALUES["rwg_j"]["multilevel"][g] for g in groups], abs=1e-12)


def test_uniform_null_variance():
    assert uniform_null_variance(5) == 2.0
    assert uniform_null_variance(7) == 4.0
    with pytest.raises(ValueError):
        uniform_null_variance(1)


def test_rwg_j_uses_items_answered_by_both_partners():
    with_missing = np.array([[6, 7, 5, 6, 1.0], [5, 7, 6, 6, np.nan]])
    assert rwg_j(with_missing, 7) == pytest.approx(60 / 61)
    assert np.isnan(rwg_j(np.array([[np.nan, 3.0], [4.0, np.nan]]), 7))
    cube = np.array([[[1, 1.0], [1, 1.0]], [[np.nan, np.nan], [2.0, 2.0]]])
    out = rwg_j(cube, 7)
    assert out[0] == 1.0 and np.isnan(out[1])


@settings(max_examples=40, deadline=None)
@given(st.lists(st.lists(st.integers(1, 7), min_size=3, max_size=3), min_size=2, max_size=6))
def test_rwg_j_is_in_unit_interval_and_rater_order_free(ratings):
    arr = np.array(ratings, dtype=float)
    value = rwg_j(arr, 7)
    assert 0.0 <= value <= 1.0
    assert rwg_j(arr[::-1], 7) == pytest.approx(value)


def test_dyad_agreement_on_simulated_dyads(sim, instrument):
    before = sim.responses.copy()
    table = dyad_agreement(sim.responses, instrument)
    pd.testing.assert_frame_equal(sim.responses, before)
    dyad_level = [c for c, k in instrument.constructs.items() if k.level == "dyad"]
    assert list(table.index) == dyad_level
    assert ((table["rwg_mean"] >= 0) & (table["rwg_mean"] <= 1)).all()
    assert ((table["icc1"] > 0.3) & (table["icc2"] > table["icc1"])).all()  # partners share the dyad's latent
    # rwg(j) of LINK recomputed from the cleaned items dyad by dyad
    items = [v.name for v in instrument.items("LINK")]
    clean = clean_items(sim.responses, instrument)
    per_dyad = []
    for _, idx in sim.responses.groupby("dyad_id").groups.items():
        block = clean.loc[idx].sort_index()[items].to_numpy()
        per_dyad.append(rwg_j(block, 7))
    per_dyad = np.array(per_dyad)
    per_dyad = per_dyad[~np.isnan(per_dyad)]
    assert table.loc["LINK", "rwg_mean"] == pytest.approx(per_dyad.mean())
    assert table.loc["LINK", "rwg_share_70"] == pytest.approx(np.mean(per_dyad >= 0.70))


def test_dyad_agreement_rejects_bad_roles(sim, instrument):
    bad = sim.responses.copy()
    bad.loc[1, "role"] = "a"
    with pytest.raises(DataError, match="role 'a'"):
        dyad_agreement(bad, instrument)
    bad.loc[1, "role"] = "c"
    with pytest.raises(DataError, match="neither"):
        dyad_agreement(bad, instrument)
