"""Fuzzy-set calibration (Ragin's direct method), memberships, and QCA sufficiency."""

from __future__ import annotations

import math
import warnings

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from alliance_stats.core.errors import DataQualityWarning, SparseDataWarning, SpecificationError
from alliance_stats.typology import (
    CONFIGURATIONS,
    classify,
    default_anchors,
    direct_calibration,
    fuzzy_membership,
    resolve_cuts,
    sufficiency,
)
from alliance_stats.typology.fuzzy import anchors_at_cuts


def logistic(log_odds: float) -> float:
    return 1.0 / (1.0 + math.exp(-log_odds))


def test_anchors_map_to_log_odds_minus3_0_plus3() -> None:
    values = direct_calibration([2.0, 4.0, 6.0], (2, 4, 6))
    assert values == pytest.approx([logistic(-3), 0.5, logistic(3)], abs=1e-12)
    # asymmetric anchors: each side has its own slope (Ragin 2008, ch. 5)
    assert direct_calibration([1.0, 3.0, 7.0], (1, 3, 4)) == pytest.approx([logistic(-3), 0.5, logistic(12)])
    # decreasing anchors (membership falls as the score rises)
    assert direct_calibration([0.0, 1.0, 2.0], (2, 1, 0)) == pytest.approx([logistic(3), 0.5, logistic(-3)])
    assert np.isnan(direct_calibration([np.nan], (2, 4, 6))[0])


def test_ragin_worked_values() -> None:
    # Ragin (2008, Table 5.2 logic): with anchors (2, 4, 6), a score of 5 has log odds 1.5
    assert direct_calibration([5.0], (2, 4, 6))[0] == pytest.approx(logistic(1.5))
    assert direct_calibration([3.0], (2, 4, 6))[0] == pytest.approx(logistic(-1.5))


def test_default_anchors_for_the_scale() -> None:
    anchors = default_anchors((1, 7))
    assert anchors["link"] == (2.0, 4.0, 6.0) and anchors["symmetry"] == (2.0, 4.0, 6.0)
    assert anchors["dep_asymmetry"] == (2.0, 1.0, 0.0)
    assert default_anchors((1, 5))["link"] == pytest.approx((1 + 4 / 6, 3.0, 5 - 4 / 6))


def test_bad_anchors() -> None:
    with pytest.raises(SpecificationError, match="monotone"):
        direct_calibration([1.0], (4, 2, 6))
    with pytest.raises(SpecificationError, match="three numbers"):
        direct_calibration([1.0], (2, 4))
    d = pd.DataFrame({"link": [5.0], "symmetry": [5.0]})
    with pytest.raises(SpecificationError, match="unknown anchor"):
        fuzzy_membership(d, anchors={"trust": (1, 2, 3)})


def test_configuration_memberships_are_fuzzy_and_or_not() -> None:
    d = pd.DataFrame({"link": [5.0, 3.0], "symmetry": [2.5, 6.5]})
    m = fuzzy_membership(d)
    social = direct_calibration(d["link"], (2, 4, 6))
    symmetric = direct_calibration(d["symmetry"], (2, 4, 6))
    assert m["social"].to_numpy() == pytest.approx(social)
    assert m["entraide"].to_numpy() == pytest.approx(np.minimum(social, symmetric))
    assert m["parrainage"].to_numpy() == pytest.approx(np.minimum(social, 1 - symmetric))
    assert m["survie"].to_numpy() == pytest.approx(np.minimum(1 - social, symmetric))
    assert m["contre_nature"].to_numpy() == pytest.approx(np.minimum(1 - social, 1 - symmetric))
    assert m.attrs["anchors"] == {"link": (2.0, 4.0, 6.0), "symmetry": (2.0, 4.0, 6.0)}


def test_custom_anchors_and_dependence_options() -> None:
    d = pd.DataFrame({"link": [6.0], "symmetry": [6.0], "dep_asymmetry": [3.0]})
    assert fuzzy_membership(d, anchors=(3, 5, 7))["social"].iloc[0] == pytest.approx(logistic(1.5))
    dep = fuzzy_membership(d, asymmetry="dep_asymmetry")
    assert dep["symmetric"].iloc[0] == pytest.approx(logistic(-6))
    both = fuzzy_membership(d, asymmetry="both")
    assert both["symmetric"].iloc[0] == pytest.approx(min(logistic(3), logistic(-6)))
    assert set(both.attrs["anchors"]) == {"link", "symmetry", "dep_asymmetry"}


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.floats(1, 7), st.floats(1, 7)), min_size=1, max_size=20))
def test_at_most_one_configuration_above_half_and_agreement_with_crisp(points: list[tuple[float, float]]) -> None:
    d = pd.DataFrame(points, columns=["link", "symmetry"])
    m = fuzzy_membership(d)[list(CONFIGURATIONS)]
    assert ((m > 0.5).sum(axis=1) <= 1).all()
    crisp = classify(d).astype(str)
    away = (d["link"] != 4.0) & (d["symmetry"] != 4.0)
    placed = m.max(axis=1) > 0.5
    assert (m.idxmax(axis=1)[away & placed] == crisp[away & placed]).all()
    assert placed[away].all()


def test_missing_score_gives_missing_memberships() -> None:
    d = pd.DataFrame({"link": [5.0, np.nan], "symmetry": [5.0, 5.0]})
    with pytest.warns(DataQualityWarning, match="1 of 2"):
        m = fuzzy_membership(d)
    assert m.loc[1, list(CONFIGURATIONS)].isna().all()


def test_sufficiency_by_hand() -> None:
    m = pd.DataFrame({"entraide": [0.9, 0.8, 0.1, 0.6], "survie": [0.1, 0.2, 0.9, 0.3]})
    y = pd.Series([1, 1, 0, 0.4], name="crossed")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        result = sufficiency(m, y, configurations=["entraide", "survie"])
    overlap = 0.9 + 0.8 + 0.0 + 0.4
    assert result.consistency["entraide"] == pytest.approx(overlap / 2.4)
    assert result.coverage["entraide"] == pytest.approx(overlap / 2.4)
    assert result.consistency["survie"] == pytest.approx((0.1 + 0.2 + 0.0 + 0.3) / 1.5)
    assert result.frame.loc["entraide", "n_members"] == 3
    assert result.n == 4
    assert result.table("typology_sufficiency", "fr").frame.columns.tolist() == [
        "n (appartenance > ,5)", "Somme des appartenances", "Cohérence", "Couverture"]
    assert "Cap du démarrage franchi" in result.table("typology_sufficiency", "fr").title


def test_sufficiency_for_firms_through_their_dyad() -> None:
    m = pd.DataFrame({c: [0.9, 0.1] for c in CONFIGURATIONS}, index=pd.Index(["d1", "d2"], name="dyad_id"))
    firms = pd.DataFrame({"dyad_id": ["d1", "d1", "d2", "d9"], "crossed": [1, 0, 0, 1]},
                         index=["f1", "f2", "f3", "f4"])
    with pytest.warns(DataQualityWarning, match="1 of 4 cases dropped"):
        result = sufficiency(m, firms["crossed"], dyad_id=firms["dyad_id"])
    assert result.n == 3
    assert result.consistency["entraide"] == pytest.approx(0.9 / (0.9 + 0.9 + 0.1))
    with pytest.raises(SpecificationError, match="0/1"):
        sufficiency(m, pd.Series([2, 0], index=m.index))


def test_sufficiency_warns_when_no_member_or_no_outcome() -> None:
    m = pd.DataFrame({c: [0.2, 0.3] for c in CONFIGURATIONS})
    with pytest.warns(SparseDataWarning):
        result = sufficiency(m, pd.Series([0, 0]))
    assert result.coverage.isna().all()
    assert len(result.warnings) == 5


def test_anchors_at_cuts_reproduce_the_defaults_at_the_midpoint() -> None:
    assert anchors_at_cuts({"link": 4.0, "symmetry": 4.0, "dep_asymmetry": 1.0}) == default_anchors((1, 7))
    on_five = anchors_at_cuts({"link": 3.0, "symmetry": 3.0}, scale=(1, 5))
    for key, triple in default_anchors((1, 5)).items():
        assert on_five[key] == pytest.approx(triple, abs=1e-12)
    assert anchors_at_cuts({"link": 4.5, "dep_asymmetry": 0.5}) == {
        "link": (2.5, 4.5, 6.5), "symmetry": (2.0, 4.0, 6.0), "dep_asymmetry": (1.5, 0.5, -0.5)}


@settings(max_examples=40, deadline=None)
@given(points=st.lists(st.tuples(st.floats(1, 7), st.floats(1, 7)), min_size=5, max_size=40),
       cut=st.one_of(st.just("median"), st.floats(1.5, 6.5)))
def test_fuzzy_rule_agrees_with_the_crisp_rule_at_any_cut(points: list[tuple[float, float]], cut) -> None:
    # Regression: the run used the default anchors (crossover at the midpoint) whatever the plan's cut, so
    # with cut: median or a number the fuzzy and the crisp rules disagreed by construction.
    dyads = pd.DataFrame(points, columns=["link", "symmetry"])
    cuts = resolve_cuts(dyads, cut=cut)
    crisp = classify(dyads, cut=cut)
    fuzzy = fuzzy_membership(dyads, anchors=anchors_at_cuts(cuts))
    off_cut = ~(np.isclose(dyads["link"], cuts["link"]) | np.isclose(dyads["symmetry"], cuts["symmetry"]))
    fuzzy_config = fuzzy[list(CONFIGURATIONS)].idxmax(axis=1)
    assert (fuzzy_config[off_cut] == crisp[off_cut].astype(str)).all()
