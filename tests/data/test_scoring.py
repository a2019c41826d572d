"""Reverse coding, construct scores, crossed: hand-checked values and invariants."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from alliance_stats.core.errors import DataError
from alliance_stats.data.scoring import (
    CrossedDefinition,
    as_crossed_definition,
    clean_items,
    crossed_outcome,
    reverse_items,
    score_responses,
)
from alliance_stats.instrument import default_instrument
from alliance_stats.simulate import SimulationParams, simulate_alliances


@pytest.fixture(scope="module")
def instrument():
    return default_instrument()


@pytest.fixture(scope="module")
def responses(instrument):
    params = SimulationParams(missing_rate=0.05, dont_know_share=0.3)
    return simulate_alliances(40, params=params, seed=5, instrument=instrument).responses


def _items_frame(instrument, rows):
    names = [v.name for v in instrument.likert_items()]
    return pd.DataFrame(rows, columns=names)


@pytest.mark.slow
@settings(max_examples=30, deadline=None)
@given(st.data())
def test_reversing_twice_is_the_identity(data):
    inst = default_instrument()
    names = [v.name for v in inst.likert_items()]
    cell = st.one_of(st.integers(1, 7).map(float), st.just(np.nan), st.just(99.0), st.just(8.0))
    n = data.draw(st.integers(1, 5))
    frame = pd.DataFrame({name: data.draw(st.lists(cell, min_size=n, max_size=n)) for name in names})
    once = reverse_items(frame, inst)
    pd.testing.assert_frame_equal(reverse_items(once, inst), frame)


def test_reverse_items_reverses_only_reverse_keyed_items_on_the_scale(instrument):
    rev = instrument.reverse_keyed_items()[0]
    plain = next(v.name for v in instrument.likert_items() if not v.reverse)
    frame = pd.DataFrame({rev: [1.0, 4.0, 7.0, 99.0, np.nan], plain: [1.0, 4.0, 7.0, 99.0, np.nan]})
    before = frame.copy()
    out = reverse_items(frame, instrument)
    assert out[rev].tolist()[:4] == [7.0, 4.0, 1.0, 99.0] and np.isnan(out[rev].iloc[4])
    pd.testing.assert_series_equal(out[plain], frame[plain])
    pd.testing.assert_frame_equal(frame, before)


def test_score_is_mean_of_answered_items_with_reverse_keys(instrument, responses):
    row = responses.iloc[[0]].copy()
    link = instrument.items("LINK")
    values = [1, 2, 3, 4, 5, 6, 7][: len(link)]
    for var, value in zip(link, values, strict=True):
        row[var.name] = float(value)
    expected = np.mean([8 - v if var.reverse else v for var, v in zip(link, values, strict=True)])
    assert score_responses(row, instrument).iloc[0]["LINK"] == pytest.approx(expected)
    # a declared missing code is not an answer
    row[link[0].name] = 99.0
    expected_99 = np.mean([8 - v if var.reverse else v for var, v in zip(link[1:], values[1:], strict=True)])
    assert score_responses(row, instrument).iloc[0]["LINK"] == pytest.approx(expected_99)


def test_min_share_two_thirds(instrument, responses):
    items = instrument.items("SAT")  # 4 items: 3 answered is enough (3/4 >= 2/3), 2 is not
    assert len(items) == 4
    row = responses.iloc[[0]].copy()
    for var in items:
        row[var.name] = 5.0
    row[items[0].name] = np.nan
    assert score_responses(row, instrument).iloc[0]["SAT"] == pytest.approx(
        np.mean([3.0 if v.reverse else 5.0 for v in items[1:]]))
    row[items[1].name] = 99.0
    assert np.isnan(score_responses(row, instrument).iloc[0]["SAT"])
    six = instrument.items("SYM")  # 6 items: 4 answered = exactly 2/3, also with the plan's 0.6667
    assert len(six) == 6
    for var in six:
        row[var.name] = 4.0
    row[six[0].name] = row[six[1].name] = np.nan
    assert score_responses(row, instrument, min_share=0.6667).iloc[0]["SYM"] == 4.0
    row[six[2].name] = np.nan
    assert np.isnan(score_responses(row, instrument, min_share=0.6667).iloc[0]["SYM"])


def test_scores_layout_and_input_unchanged(instrument, responses):
    before = responses.copy()
    scores = score_responses(responses, instrument)
    pd.testing.assert_frame_equal(responses, before)
    assert scores.index.name == "resp_id" and scores.index.is_unique
    assert list(scores.columns[:2]) == ["dyad_id", "role"]
    assert list(scores.columns[-len(instrument.constructs):]) == instrument.construct_codes()
    for name in instrument.personal_variables() + [v.name for v in instrument.likert_items()] + ["ATTN_1"]:
        assert name not in scores.columns
    assert {"EMPLOYEES", "STARTUP_AT_ALLIANCE", "BREAKEVEN", "FOUNDER_EXPERIENCE"} <= set(scores.columns)
    numbers = scores[instrument.construct_codes()].to_numpy()
    assert np.nanmin(numbers) >= 1 and np.nanmax(numbers) <= 7


@pytest.mark.slow
@settings(max_examples=15, deadline=None)
@given(st.randoms(use_true_random=False))
def test_scores_do_not_depend_on_column_order(random):
    inst = default_instrument()
    frame = simulate_alliances(8, seed=1, instrument=inst).responses
    columns = list(frame.columns)
    random.shuffle(columns)
    pd.testing.assert_frame_equal(score_responses(frame[columns], inst)[score_responses(frame, inst).columns],
                                  score_responses(frame, inst))


def test_out_of_scale_code_is_a_data_error(instrument, responses):
    bad = responses.copy()
    bad.loc[3, "LINK_2"] = 8.0
    with pytest.raises(DataError) as err:
        score_responses(bad, instrument)
    assert err.value.row == 4 and err.value.column == "LINK_2" and err.value.value == 8.0
    assert "1-7" in str(err.value)


def test_text_answer_is_a_data_error(instrument, responses):
    bad = responses.copy().astype({"TRS_1": object})
    bad.loc[2, "TRS_1"] = "plutôt d'accord"
    with pytest.raises(DataError, match="not a number") as err:
        clean_items(bad, instrument)
    assert err.value.column == "TRS_1" and err.value.row == 3


def test_missing_column_and_duplicate_id_are_data_errors(instrument, responses):
    with pytest.raises(DataError, match="lack"):
        score_responses(responses.drop(columns=["AWARE_3"]), instrument)
    dup = responses.copy()
    dup.loc[5, "resp_id"] = dup.loc[4, "resp_id"]
    with pytest.raises(DataError, match="duplicated"):
        score_responses(dup, instrument)
    with pytest.raises(DataError, match="role"):
        score_responses(responses.drop(columns=["role"]), instrument)


def test_crossed_three_valued_logic():
    s = pd.DataFrame({
        "BREAKEVEN": [1, 1, 0, 1, np.nan, 0, 1],
        "AWARE": [6.0, 4.5, 6.0, np.nan, 6.0, np.nan, 5.0],
        "TRANSF": [5.0, 6.0, 6.0, 6.0, 6.0, np.nan, 4.999],
    })
    out = crossed_outcome(s)
    assert out.iloc[0] == 1 and out.iloc[1] == 0 and out.iloc[2] == 0 and np.isnan(out.iloc[3])
    assert np.isnan(out.iloc[4]) and out.iloc[5] == 0 and out.iloc[6] == 0
    loose = crossed_outcome(s, CrossedDefinition(aware_cut=4.0, transf_cut=4.0))
    assert loose.iloc[1] == 1 and loose.iloc[6] == 1
    breakeven = crossed_outcome(s, {"kind": "breakeven"})
    assert breakeven.iloc[3] == 1 and np.isnan(breakeven.iloc[4]) and breakeven.iloc[5] == 0
    assert out.name == "crossed"


def test_crossed_definition_from_the_plan_outcome_section():
    from alliance_stats.plan import OutcomeSpec

    spec = as_crossed_definition(OutcomeSpec(kind="sammut", aware_cut=4.5, transf_cut=5.5))
    assert spec == CrossedDefinition(aware_cut=4.5, transf_cut=5.5)
    assert as_crossed_definition(None) == CrossedDefinition()
    with pytest.raises(TypeError):
        as_crossed_definition(3)
    with pytest.raises(DataError, match="AWARE"):
        crossed_outcome(pd.DataFrame({"BREAKEVEN": [1]}))
