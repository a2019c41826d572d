"""Careless-responding indices: R reference values, hand computations, exclusions, simulated careless respondents."""

from __future__ import annotations

import json
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from pydantic import ValidationError
from scipy import stats

from alliance_stats.core.errors import DataQualityWarning
from alliance_stats.data import (
    ExclusionRules,
    apply_exclusions,
    careless_flags,
    evenodd,
    irv,
    longstring,
    mahalanobis_d2,
    screening_rules,
)
from alliance_stats.instrument import Instrument
from tests.data.builders import valid_responses

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "data"


@pytest.fixture(scope="module")
def bfi() -> tuple[np.ndarray, dict]:
    x = pd.read_csv(FIXTURES / "bfi_items.csv").to_numpy(float)
    ref = json.loads((FIXTURES / "careless_fixtures.json").read_text())
    return x, ref


def _ref(values: list) -> np.ndarray:
    return np.array([np.nan if v is None else v for v in values], dtype=float)


# ----------------------------------------------------------------------------------- against R (psych::bfi)


def test_longstring_equals_r_rle(bfi):
    x, ref = bfi
    np.testing.assert_array_equal(longstring(x), _ref(ref["longstring"]))


def test_irv_equals_r_sd(bfi):
    x, ref = bfi
    np.testing.assert_allclose(irv(x), _ref(ref["irv"]), rtol=0, atol=1e-12)


def test_mahalanobis_equals_psych_outlier_with_missing_answers(bfi):
    x, ref = bfi
    assert np.isnan(x).sum() > 0  # the fixture exercises the pairwise / missing-answer convention
    d2, notes = mahalanobis_d2(x)
    assert notes == []
    np.testing.assert_allclose(d2, _ref(ref["mahalanobis_d2"]), rtol=1e-10)
    np.testing.assert_allclose(stats.chi2.sf(d2, 25), _ref(ref["mahalanobis_p"]), rtol=1e-8, atol=1e-300)


def test_evenodd_equals_r_definition_and_careless_sign(bfi):
    x, ref = bfi
    mine = evenodd(x, ref["factors"])
    np.testing.assert_allclose(mine, _ref(ref["evenodd"]), rtol=0, atol=1e-12)
    np.testing.assert_allclose(-mine, _ref(ref["evenodd_careless"]), rtol=0, atol=1e-12)


# ------------------------------------------------------------------------------------- hand computations


def test_longstring_by_hand():
    x = np.array([
        [1, 1, 2, 2, 2, 3, 3],  # runs 2, 3, 2 -> 3
        [5, 5, np.nan, 5, 5, 5, 1],  # a missing answer breaks the run -> 3
        [np.nan] * 7,  # nothing answered -> NaN
        [4, 4, 4, 4, 4, 4, 4],
    ])
    np.testing.assert_array_equal(longstring(x), [3, 3, np.nan, 7])


def test_irv_by_hand():
    x = np.array([[1, 2, 3, 4, 5.0], [7, 7, 7, 7, 7.0], [1, np.nan, 7, np.nan, np.nan], [3, np.nan, np.nan, np.nan,
                                                                                             np.nan]])
    expected = [np.sqrt(2.5), 0.0, np.sqrt(18.0), np.nan]  # var(1..5) = 2.5; var(1, 7) = 18
    np.testing.assert_allclose(irv(x), expected)


def test_mahalanobis_by_hand_complete_data():
    rng = np.random.default_rng(4)
    x = rng.normal(size=(30, 3))
    d2, _ = mahalanobis_d2(x)
    centred = x - x.mean(axis=0)
    inverse = np.linalg.inv(np.cov(x, rowvar=False))
    np.testing.assert_allclose(d2, [c @ inverse @ c for c in centred], rtol=1e-12)
    # sum of D2 over respondents = (n - 1) * p for complete data
    assert d2.sum() == pytest.approx(29 * 3)


def test_mahalanobis_missing_answer_contributes_zero():
    rng = np.random.default_rng(8)
    x = rng.normal(size=(40, 3))
    x[0, 1] = np.nan
    d2, _ = mahalanobis_d2(x)
    cov = pd.DataFrame(x).cov().to_numpy()  # pandas cov is pairwise-complete, like R use = "pairwise"
    dev = np.nan_to_num(x[0] - np.nanmean(x, axis=0))
    assert d2[0] == pytest.approx(dev @ np.linalg.inv(cov) @ dev, rel=1e-12)


def test_mahalanobis_needs_more_respondents_than_items():
    d2, notes = mahalanobis_d2(np.random.default_rng(1).normal(size=(5, 6)))
    assert np.isnan(d2).all() and "more respondents than items" in notes[0]
    constant = np.column_stack([np.arange(20.0), np.ones(20), np.arange(20.0) % 3])
    d2, notes = mahalanobis_d2(constant)
    assert np.isnan(d2).all() and "singular" in notes[0]


def test_mahalanobis_indefinite_pairwise_covariance_goes_on_like_psych(instrument: Instrument):
    frame = valid_responses(instrument, n_dyads=30, seed=4)
    frame.loc[0, "LINK_1"] = np.nan
    x = frame[[v.name for v in instrument.likert_items()]].to_numpy(float)
    d2, notes = mahalanobis_d2(x)
    assert "not positive definite" in notes[0]
    cov = pd.DataFrame(x).cov().to_numpy()
    dev = np.nan_to_num(x - np.nanmean(x, axis=0))
    np.testing.assert_allclose(d2, np.einsum("ij,jk,ik->i", dev, np.linalg.inv(cov), dev), rtol=1e-8)


def test_mahalanobis_stack_mixes_fine_singular_indefinite_and_never_together_data_sets(instrument: Instrument):
    """Each data set of a stack gets its own D2 and notes, as alone: the eigenvalues are skipped only for a
    covariance matrix certainly far from singular, so the singular and indefinite ones still get their note."""
    from alliance_stats.data.quality import mahalanobis_d2_stack

    rng = np.random.default_rng(3)
    fine = rng.normal(size=(40, 3))
    singular = np.column_stack([np.arange(40.0), np.ones(40), np.arange(40.0) % 3])
    near = fine.copy()
    near[:, 2] = near[:, 0] + 1e-4 * rng.normal(size=40)  # nearly collinear: checked by eigenvalues, kept
    apart = fine.copy()
    apart[:20, 1], apart[20:, 2] = np.nan, np.nan  # items 2 and 3 never answered together
    z = rng.normal(size=(40, 2))
    indefinite = np.full((40, 3), np.nan)  # a~b and b~c positive on their own rows, a~c negative: indefinite
    indefinite[:13, :2] = z[:13, [0, 0]] + 0.1 * z[:13, [1, 1]] * [1, -1]
    indefinite[13:26, 1:] = z[13:26, [0, 0]] + 0.1 * z[13:26, [1, 1]] * [1, -1]
    indefinite[26:, [0, 2]] = z[26:, [0, 0]] * [1, -1] + 0.1 * z[26:, [1, 1]]
    stack = np.stack([fine, singular, near, apart, indefinite])
    d2, notes = mahalanobis_d2_stack(stack)
    for r in range(len(stack)):
        alone, alone_notes = mahalanobis_d2(stack[r])
        np.testing.assert_allclose(d2[r], alone, rtol=1e-12)
        assert notes[r] == alone_notes
    assert notes[0] == [] and np.isfinite(d2[0]).all()
    assert "singular" in notes[1][0] and np.isnan(d2[1]).all()
    assert "never answered together" in notes[3][0] and np.isnan(d2[3]).all()
    assert "not positive definite" in notes[4][0] and np.isfinite(d2[4]).all()
    x = near
    cov = np.cov(x, rowvar=False)
    eigen = np.linalg.eigvalsh(cov)
    assert 1e-10 * eigen.max() < eigen.min() < 1e-7 * eigen.max() and notes[2] == []
    dev = x - x.mean(axis=0)
    np.testing.assert_allclose(d2[2], np.einsum("ij,jk,ik->i", dev, np.linalg.inv(cov), dev), rtol=1e-6)


def test_evenodd_by_hand():
    # three factors of 4 items: odd halves (items 1, 3), even halves (items 2, 4)
    x = np.array([[1, 2, 1, 2, 4, 4, 5, 5, 7, 6, 7, 6.0]])
    odd = np.array([1, 4.5, 7])
    even = np.array([2, 4.5, 6])
    r = np.corrcoef(odd, even)[0, 1]
    assert evenodd(x, [4, 4, 4])[0] == pytest.approx(2 * r / (1 + r))
    # a perfectly anti-consistent respondent: r = -1, Spearman-Brown -inf, bounded at -1
    assert evenodd(np.array([[1, 7, 1, 7, 7, 1, 7, 1, 4, 4, 4, 4.0]]), [4, 4, 4])[0] == -1.0
    # r = -0.5 gives 2r / (1 + r) = -2, bounded at -1 (careless::evenodd does the same)
    # odd means (1, 2, 3), even means (2, 3, 1): r = -0.5
    assert evenodd(np.array([[1, 2, 1, 2, 2, 3, 2, 3, 3, 1, 3, 1.0]]), [4, 4, 4])[0] == -1.0
    # a straight-liner has no variance in either half: undefined (NaN), as in careless
    assert np.isnan(evenodd(np.full((1, 12), 4.0), [4, 4, 4])[0])
    with pytest.raises(ValueError, match="factors sum"):
        evenodd(x, [4, 4])
    with pytest.raises(ValueError, match="two factors"):
        evenodd(x[:, :4], [4])


@settings(max_examples=40, deadline=None)
@given(arrays(np.float64, (6, 9), elements=st.integers(1, 7).map(float)))
def test_indices_are_invariant_to_reversing_all_items(x):
    """Reversing every item ((min + max) - x) keeps longstring, irv and the even-odd consistency."""
    flipped = 8.0 - x
    np.testing.assert_array_equal(longstring(flipped), longstring(x))
    np.testing.assert_allclose(irv(flipped), irv(x), atol=1e-12)
    np.testing.assert_allclose(evenodd(flipped, [3, 3, 3]), evenodd(x, [3, 3, 3]), equal_nan=True, atol=1e-12)


# ------------------------------------------------------------------------------------------ careless_flags


def test_careless_flags_layout_and_input_untouched(instrument: Instrument):
    frame = valid_responses(instrument, n_dyads=40, seed=2)
    before = frame.copy(deep=True)
    flags = careless_flags(frame, instrument)
    pd.testing.assert_frame_equal(frame, before)
    assert list(flags.index) == list(frame["resp_id"]) and flags.index.name == "resp_id"
    assert list(flags.columns) == ["row", "n_answered", "missing_share", "longstring", "irv", "mahalanobis_d2",
                                   "mahalanobis_p", "evenodd", "attention_failed"]
    assert flags["row"].tolist() == list(range(1, 81))
    assert flags.attrs["n_items"] == len(instrument.likert_items()) == 53
    assert not flags["attention_failed"].any()
    assert (flags["missing_share"] == 0).all()
    # consistent simulated respondents: high even-odd consistency
    assert flags["evenodd"].median() > 0.7


def test_careless_flags_use_reversed_items_for_evenodd_only(instrument: Instrument):
    frame = valid_responses(instrument, n_dyads=40, seed=2)
    flags = careless_flags(frame, instrument)
    items = [v.name for v in instrument.likert_items()]
    raw = frame[items].to_numpy(float)
    np.testing.assert_array_equal(flags["longstring"], longstring(raw))
    np.testing.assert_allclose(flags["irv"], irv(raw))
    np.testing.assert_allclose(flags["mahalanobis_d2"], mahalanobis_d2(raw)[0])
    scored = frame[items].copy()
    for name in instrument.reverse_keyed_items():
        scored[name] = 8 - scored[name]
    groups = [[v.name for v in instrument.items(c)] for c in instrument.construct_codes()]
    expected = evenodd(scored[[n for g in groups for n in g]].to_numpy(float), [len(g) for g in groups])
    np.testing.assert_allclose(flags["evenodd"], expected)


@pytest.mark.filterwarnings("ignore::alliance_stats.core.errors.DataQualityWarning")
def test_declared_missing_and_out_of_scale_codes_count_as_missing(instrument: Instrument):
    frame = valid_responses(instrument, n_dyads=30, seed=4)
    frame.loc[0, "LINK_1"] = 99.0
    frame.loc[0, "LINK_2"] = 8.0
    frame["LINK_3"] = frame["LINK_3"].astype(object)
    frame.loc[0, "LINK_3"] = "quatre"
    flags = careless_flags(frame, instrument)
    assert flags.iloc[0]["n_answered"] == 50
    assert flags.iloc[0]["missing_share"] == pytest.approx(3 / 53)


def test_attention_item(instrument: Instrument):
    frame = valid_responses(instrument, n_dyads=30, seed=4)
    frame.loc[[1, 2], "ATTN_1"] = [6.0, np.nan]
    flags = careless_flags(frame, instrument)
    assert bool(flags.iloc[1]["attention_failed"]) is True
    assert pd.isna(flags.iloc[2]["attention_failed"])
    assert bool(flags.iloc[0]["attention_failed"]) is False


def test_small_sample_warns_and_reports(instrument: Instrument):
    frame = valid_responses(instrument, n_dyads=5, seed=4)
    with pytest.warns(DataQualityWarning, match="Mahalanobis"):
        flags = careless_flags(frame, instrument)
    assert flags["mahalanobis_d2"].isna().all()
    assert any("Mahalanobis" in w for w in flags.attrs["warnings"])


def test_simulated_careless_respondents_are_flagged(instrument: Instrument):
    from alliance_stats.simulate import simulate_alliances

    sim = simulate_alliances(150, seed=5)
    with warnings.catch_warnings():
        warnings.simplefilter("error", DataQualityWarning)
        flags = careless_flags(sim.responses, instrument)
    truth = sim.firms.set_index("resp_id")["careless"].reindex(flags.index)
    _, excluded = apply_exclusions(sim.responses, flags, screening_rules(instrument))
    flagged = pd.Series(flags.index.isin(excluded.index), index=flags.index)
    careless = truth != "none"
    assert careless.sum() >= 5
    assert flagged[careless].mean() >= 0.9  # sensitivity
    assert flagged[~careless].mean() <= 0.03  # false-positive rate
    assert (flags.loc[truth == "straightliner", "longstring"] == 53).all()


# ------------------------------------------------------------------------------------------- exclusions


def test_exclusion_rules_validation(instrument: Instrument):
    with pytest.raises(ValidationError):
        ExclusionRules(mahalanobis_p=1.5)
    with pytest.raises(ValidationError):
        ExclusionRules(max_lonstring=3)  # typo: unknown field
    assert screening_rules(instrument).model_dump() == {
        "max_longstring": 26, "min_irv": None, "mahalanobis_p": 0.001, "min_evenodd": 0.3,
        "fail_attention": True, "max_missing_share": None, "exclude_dyad": False,
    }


def test_apply_exclusions_lists_reasons_and_keeps_input(instrument: Instrument):
    frame = valid_responses(instrument, n_dyads=40, seed=6)
    frame.loc[2, [v.name for v in instrument.likert_items()]] = 5.0  # straight-liner
    frame.loc[2, "ATTN_1"] = 5.0
    frame.loc[7, "ATTN_1"] = 1.0
    frame.loc[9, [v.name for v in instrument.likert_items()][:30]] = np.nan
    before = frame.copy(deep=True)
    flags = careless_flags(frame, instrument)
    rules = ExclusionRules(max_longstring=20, fail_attention=True, max_missing_share=0.5)
    kept, excluded = apply_exclusions(frame, flags, rules)
    pd.testing.assert_frame_equal(frame, before)
    assert list(excluded.index) == ["R0003", "R0008", "R0010"]
    assert excluded.loc["R0003", "rules"] == "longstring, attention"
    assert excluded.loc["R0003", "reasons"] == "longstring 53 > 20; attention item failed"
    assert excluded.loc["R0010", "reasons"] == "57% of the items missing > 50%"
    assert excluded["row"].tolist() == [3, 8, 10]
    assert len(kept) == 77 and not kept["resp_id"].isin(excluded.index).any()
    assert ExclusionRules().model_dump(exclude={"exclude_dyad", "fail_attention"}) == dict.fromkeys(
        ["max_longstring", "min_irv", "mahalanobis_p", "min_evenodd", "max_missing_share"])
    kept_all, none = apply_exclusions(frame, flags, ExclusionRules())
    assert len(kept_all) == 80 and none.empty


def test_apply_exclusions_whole_dyad(instrument: Instrument):
    frame = valid_responses(instrument, n_dyads=30, seed=6)
    frame.loc[4, "ATTN_1"] = 7.0  # R0005, partner a of D003
    flags = careless_flags(frame, instrument)
    kept, excluded = apply_exclusions(frame, flags, ExclusionRules(fail_attention=True, exclude_dyad=True))
    assert list(excluded.index) == ["R0005", "R0006"]
    assert excluded.loc["R0006", "rules"] == "partner"
    assert set(excluded["dyad_id"]) == {"D003"}
    assert "D003" not in set(kept["dyad_id"])


def test_apply_exclusions_rejects_mismatched_flags(instrument: Instrument):
    frame = valid_responses(instrument, n_dyads=30, seed=6)
    flags = careless_flags(frame, instrument)
    with pytest.raises(ValueError, match="same frame"):
        apply_exclusions(frame.iloc[:10], flags, ExclusionRules())


def test_on_scale_and_missing_codes_of_an_item_major_stack_equal_the_item_by_item_rules(instrument: Instrument):
    """The one-pass checks (the range test of an integer scale, the shared declared missing codes) set exactly
    the answers np.isin finds off the scale or declared missing, on a strided (item-major) stack too."""
    from alliance_stats.data.quality import _on_scale
    from alliance_stats.data.scoring import _missing_to_nan

    items = instrument.likert_items()
    rng = np.random.default_rng(11)
    codes = np.array([1, 2, 3, 4, 5, 6, 7, 0, 8, 2.5, 99, np.inf, -np.inf, np.nan, -0.0, 7.0000001])
    block = rng.choice(codes, size=(len(items), 3, 40))
    values = np.moveaxis(block.copy(), 0, -1)
    expected = values.copy()
    for j, var in enumerate(items):
        points = [float(x) for x in instrument.scales[var.scale].points]
        expected[..., j][~np.isin(expected[..., j], points)] = np.nan
    np.testing.assert_array_equal(_on_scale(values, items, instrument), expected)
    values = np.moveaxis(block.copy(), 0, -1)
    expected = values.copy()
    for j, var in enumerate(items):
        expected[..., j][np.isin(expected[..., j], var.missing_codes)] = np.nan
    _missing_to_nan(values, items)
    np.testing.assert_array_equal(values, expected)
