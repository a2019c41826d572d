"""Dyad scores, dependence asymmetry, agreement table and firms at risk."""

from __future__ import annotations

import warnings
from collections.abc import Callable

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from alliance_stats.core.errors import DataError, DataQualityWarning
from alliance_stats.core.table import Table
from alliance_stats.data.dyads import build_dyads, firms_at_risk
from alliance_stats.data.scoring import CrossedDefinition, crossed_outcome, score_responses
from alliance_stats.instrument import Instrument
from alliance_stats.simulate import Simulated


@pytest.fixture(scope="module")
def sim(simulated: Callable[[int, int], Simulated]) -> Simulated:
    """simulate_alliances(40, seed=21) with the default instrument, shared with the session."""
    return simulated(40, 21)


@pytest.fixture(scope="module")
def sim_scores(instrument: Instrument, sim: Simulated) -> pd.DataFrame:
    return score_responses(sim.responses, instrument)


def _quiet_build(instrument: Instrument, scores, responses=None):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DataQualityWarning)
        return build_dyads(scores, instrument, responses=responses)


def test_dyad_scores_are_partner_means_and_dep_asymmetry(sim: Simulated, sim_scores: pd.DataFrame,
                                                         instrument: Instrument):
    before = sim_scores.copy()
    dyads = _quiet_build(instrument, sim_scores, sim.responses)
    pd.testing.assert_frame_equal(sim_scores, before)
    table = dyads.table
    assert table.index.name == "dyad_id" and len(table) == 40 and table.index.is_monotonic_increasing
    for code, column in {"LINK": "link", "SYM": "symmetry", "TRS": "trust_shared", "TRC": "trust_constrained"}.items():
        expected = sim_scores.groupby("dyad_id")[code].mean()
        np.testing.assert_allclose(table[column].to_numpy(), expected.reindex(table.index).to_numpy())
    dep = sim_scores.pivot(index="dyad_id", columns="role", values="DEP").reindex(table.index)
    np.testing.assert_allclose(table["dep_a"], dep["a"])
    np.testing.assert_allclose(table["dep_asymmetry"], (dep["a"] - dep["b"]).abs())
    startup = sim_scores.groupby("dyad_id")["STARTUP_AT_ALLIANCE"].apply(lambda s: int((s == 1).sum()))
    assert (table["n_at_risk"] == startup.reindex(table.index)).all()
    assert (table["n_partners"] == 2).all()
    assert list(dyads.agreement.index) == ["LINK", "SYM", "TRS", "TRC"]


@settings(max_examples=20, deadline=None)
@given(st.lists(st.booleans(), min_size=40, max_size=40))
def test_swapping_roles_changes_no_dyad_score(sim: Simulated, sim_scores: pd.DataFrame, instrument: Instrument, swap):
    swapped_ids = set(np.array(sorted(sim_scores["dyad_id"].unique()))[np.array(swap)])
    responses = sim.responses.copy()
    flip = responses["dyad_id"].isin(swapped_ids)
    responses.loc[flip, "role"] = responses.loc[flip, "role"].map({"a": "b", "b": "a"})
    responses = responses.sample(frac=1.0, random_state=len(swapped_ids))  # row order does not matter either
    original = _quiet_build(instrument, sim_scores, sim.responses)
    scores = score_responses(responses, instrument)
    again = _quiet_build(instrument, scores, responses)
    keep = ["link", "symmetry", "trust_shared", "trust_constrained", "dep_asymmetry", "n_partners", "n_at_risk"]
    pd.testing.assert_frame_equal(again.table[keep], original.table[keep])
    pd.testing.assert_frame_equal(again.agreement, original.agreement, atol=1e-12, rtol=0)


def test_single_partner_dyad_keeps_its_scores_and_warns(sim_scores: pd.DataFrame, instrument: Instrument):
    scores = sim_scores.drop(index=sim_scores.index[1])  # R0002, partner b of the first dyad
    with pytest.warns(DataQualityWarning) as record:
        dyads = build_dyads(scores, instrument)
    messages = [str(w.message) for w in record]
    assert any("one respondent" in m for m in messages) and any("rwg(j) needs" in m for m in messages)
    first = dyads.table.iloc[0]
    assert first["n_partners"] == 1 and np.isnan(first["dep_asymmetry"])
    assert first["link"] == pytest.approx(sim_scores.iloc[0]["LINK"])
    assert any("one respondent" in w for w in dyads.warnings)
    assert dyads.agreement["rwg_mean"].isna().all()  # no item answers given: ICC only
    assert dyads.agreement["icc1"].notna().all()


def test_role_errors(sim_scores: pd.DataFrame, instrument: Instrument):
    three = sim_scores.copy()
    three.iloc[2, three.columns.get_loc("dyad_id")] = three.iloc[0]["dyad_id"]
    with pytest.raises(DataError, match="more than one respondent"):
        build_dyads(three, instrument)
    odd = sim_scores.copy()
    odd.iloc[0, odd.columns.get_loc("role")] = "A"
    with pytest.raises(DataError, match="neither"):
        build_dyads(odd, instrument)


def test_firms_at_risk(sim: Simulated, sim_scores: pd.DataFrame, instrument: Instrument):
    dyads = _quiet_build(instrument, sim_scores, sim.responses)
    before = sim_scores.copy()
    firms = firms_at_risk(sim_scores, dyads, CrossedDefinition())
    pd.testing.assert_frame_equal(sim_scores, before)
    startup = sim_scores.index[sim_scores["STARTUP_AT_ALLIANCE"] == 1]
    assert list(firms.index) == list(startup)
    assert list(firms.columns[:4]) == ["dyad_id", "role", "crossed", "firm_age"]
    np.testing.assert_array_equal(firms["firm_age"], sim_scores.loc[startup, "ALLIANCE_START_YEAR"]
                                  - sim_scores.loc[startup, "FOUNDING_YEAR"])
    np.testing.assert_array_equal(firms["crossed"], crossed_outcome(sim_scores.loc[startup]))
    for column in ("link", "symmetry", "trust_shared", "trust_constrained", "dep_asymmetry"):
        np.testing.assert_allclose(firms[column], dyads.table.loc[firms["dyad_id"], column].to_numpy())
    assert {"EMPLOYEES", "FOUNDER_EXPERIENCE", "LEARN"} <= set(firms.columns)
    assert set(firms["crossed"].dropna().unique()) <= {0.0, 1.0}
    with pytest.raises(DataError, match="STARTUP_AT_ALLIANCE"):
        firms_at_risk(sim_scores.drop(columns=["STARTUP_AT_ALLIANCE"]), dyads)


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_agreement_table(sim: Simulated, sim_scores: pd.DataFrame, instrument: Instrument, lang):
    dyads = _quiet_build(instrument, sim_scores, sim.responses)
    table = dyads.to_tables(lang)["dyad_agreement"]
    assert isinstance(table, Table) and table.key == "dyad_agreement" and table.lang == lang
    assert table.frame.shape == (4, 7)
    assert table.frame.index[0] == instrument.constructs["LINK"].label[lang]
    assert set(table.formats) == set(table.frame.columns)
    assert ("Accord" in table.title) == (lang == "fr")
