"""Crisp classification (classify), configuration counts, and the paper's four cases."""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from alliance_stats.core.errors import DataQualityWarning, SpecificationError
from alliance_stats.typology import (
    CONFIGURATIONS,
    classify,
    fuzzy_membership,
    quadrant_of,
    resolve_cuts,
    typology_counts,
)

SEED_CASES = Path(__file__).parents[2] / "surveys" / "seed_cases.csv"


def test_rule_at_exactly_the_cut_counts_as_high() -> None:
    d = pd.DataFrame({"link": [4.0, 4.0, np.nextafter(4.0, 0), np.nextafter(4.0, 0)],
                      "symmetry": [4.0, np.nextafter(4.0, 0), 4.0, np.nextafter(4.0, 0)]})
    assert classify(d).tolist() == ["entraide", "parrainage", "survie", "contre_nature"]


def test_quadrants_match_the_definition() -> None:
    d = pd.DataFrame({"link": [6.0, 6.0, 2.0, 2.0], "symmetry": [6.0, 2.0, 6.0, 2.0]})
    expected = [quadrant_of(social=l >= 4, symmetric=s >= 4) for l, s in zip(d.link, d.symmetry, strict=True)]
    result = classify(d)
    assert result.tolist() == expected
    assert list(result.cat.categories) == list(CONFIGURATIONS)
    assert result.name == "configuration"
    assert result.attrs["cuts"] == {"link": 4.0, "symmetry": 4.0}


def test_median_cut_without_any_score_names_the_column_and_the_fix() -> None:
    d = pd.DataFrame({"link": [np.nan, np.nan], "symmetry": [3.0, 5.0]})
    with pytest.raises(SpecificationError, match="median of link") as info:
        classify(d, cut="median")
    assert info.value.column == "link" and "midpoint" in info.value.fix


def test_median_and_numeric_cuts() -> None:
    d = pd.DataFrame({"link": [1.0, 2.0, 3.0, 5.0, 6.0], "symmetry": [2.0, 2.0, 2.0, 3.0, 3.0]})
    # medians: link 3, symmetry 2 -> at the median counts as high
    assert classify(d, cut="median").tolist() == ["survie", "survie", "entraide", "entraide", "entraide"]
    assert resolve_cuts(d, cut="median") == {"link": 3.0, "symmetry": 2.0}
    assert classify(d, cut=5.0).tolist() == ["contre_nature"] * 3 + ["parrainage"] * 2
    with pytest.raises(SpecificationError, match="outside the scale"):
        classify(d, cut=9.0)
    with pytest.raises(SpecificationError, match="unknown cut"):
        classify(d, cut="mean")


def test_midpoint_follows_the_scale() -> None:
    d = pd.DataFrame({"link": [3.0, 2.9], "symmetry": [3.0, 3.0]})
    assert classify(d, scale=(1, 5)).tolist() == ["entraide", "survie"]


def test_dependence_asymmetry_options() -> None:
    d = pd.DataFrame({"link": [6.0, 6.0, 6.0, 2.0], "symmetry": [6.0, 6.0, 2.0, 6.0],
                      "dep_asymmetry": [0.5, 1.0, 0.0, 2.5]})
    # dep_asymmetry: symmetric when |DEP_a - DEP_b| <= 1 (a gap exactly at the cut is symmetric)
    assert classify(d, asymmetry="dep_asymmetry").tolist() == ["entraide", "entraide", "entraide", "contre_nature"]
    # both: symmetric only when both measures say so
    assert classify(d, asymmetry="both").tolist() == ["entraide", "entraide", "parrainage", "contre_nature"]
    assert classify(d, asymmetry="dep_asymmetry", dep_cut=0.4).tolist()[:2] == ["parrainage", "parrainage"]
    assert resolve_cuts(d, asymmetry="both", cut="median")["dep_asymmetry"] == pytest.approx(0.75)
    with pytest.raises(SpecificationError, match="unknown asymmetry"):
        classify(d, asymmetry="behavioural")
    with pytest.raises(SpecificationError, match="outside"):
        classify(d.assign(dep_asymmetry=[0.0, 0.0, 0.0, 7.0]), asymmetry="dep_asymmetry")


def test_missing_scores_give_no_configuration_and_a_warning() -> None:
    d = pd.DataFrame({"link": [6.0, np.nan, 2.0], "symmetry": [6.0, 6.0, np.nan]})
    with pytest.warns(DataQualityWarning, match="2 of 3 dyads"):
        result = classify(d)
    assert result.iloc[0] == "entraide"
    assert result.isna().tolist() == [False, True, True]


def test_bad_input_is_a_specification_error() -> None:
    d = pd.DataFrame({"link": [6.0, 8.0], "symmetry": [6.0, 2.0]})
    with pytest.raises(SpecificationError, match="outside the scale") as info:
        classify(d)
    assert info.value.row == 2 and info.value.column == "link"
    with pytest.raises(SpecificationError, match="not in the dyad table"):
        classify(d, link="LINK")
    with pytest.raises(SpecificationError, match="not numeric"):
        classify(pd.DataFrame({"link": ["high", "low"], "symmetry": [6.0, 2.0]}))
    with pytest.raises(SpecificationError):
        classify([1, 2, 3])


def test_input_not_modified_and_index_kept() -> None:
    d = pd.DataFrame({"link": [6.0, 2.0], "symmetry": [2.0, 6.0]}, index=["x", "y"])
    before = d.copy()
    result = classify(d)
    pd.testing.assert_frame_equal(d, before)
    assert list(result.index) == ["x", "y"]


def test_accepts_a_dyads_object() -> None:
    class Dyads:
        table = pd.DataFrame({"link": [6.0], "symmetry": [2.0]})

    assert classify(Dyads()).tolist() == ["parrainage"]


def seed_dyads() -> tuple[pd.DataFrame, pd.Series]:
    cases = pd.read_csv(SEED_CASES)
    dyads = cases.groupby("dyad_id")[["link", "symmetry"]].mean()
    expected = cases.groupby("dyad_id")["configuration"].first()
    assert (cases.groupby("dyad_id")["configuration"].nunique() == 1).all()
    return dyads, expected


def test_the_papers_four_cases_land_in_their_configurations() -> None:
    dyads, expected = seed_dyads()
    assert sorted(expected) == sorted(CONFIGURATIONS)
    crisp = classify(dyads)
    assert crisp.astype(str).to_dict() == expected.to_dict()
    fuzzy = fuzzy_membership(dyads)
    members = fuzzy[list(CONFIGURATIONS)]
    assert (members.max(axis=1) > 0.5).all()
    assert members.idxmax(axis=1).to_dict() == expected.to_dict()
    counts = typology_counts(crisp, fuzzy).frame
    assert counts.loc[list(CONFIGURATIONS), "n_crisp"].tolist() == [1.0] * 4
    assert counts.loc[list(CONFIGURATIONS), "n_fuzzy"].tolist() == [1.0] * 4
    assert counts.loc["total", "n_agree"] == 4


def test_typology_counts_table() -> None:
    d = pd.DataFrame({"link": [6.0, 6.5, 2.0, 4.0, np.nan], "symmetry": [6.0, 2.0, 6.0, 4.0, 3.0]})
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DataQualityWarning)
        crisp, fuzzy = classify(d), fuzzy_membership(d)
        counts = typology_counts(crisp, fuzzy)
    table = counts.frame
    # dyad 4 (4, 4) is entraide by the crisp rule but at the crossover (membership .5) for the fuzzy rule
    assert table.loc["entraide", "n_crisp"] == 2 and table.loc["entraide", "n_fuzzy"] == 1
    assert table.loc["entraide", "n_agree"] == 1
    assert table.loc["unclassified", "n_crisp"] == 1 and table.loc["unclassified", "n_fuzzy"] == 2
    assert table.loc["entraide", "sum_fuzzy"] == pytest.approx(np.nansum(fuzzy["entraide"]))
    assert table.loc["total", "n_crisp"] == 5
    assert table.loc["entraide", "pct_crisp"] == pytest.approx(2 / 5)
    assert counts.warnings  # the dyad without a link score
    for lang, word in (("fr", "Entraide"), ("en", "Mutual aid")):
        rendered = counts.table("typology_counts", lang)
        assert rendered.frame.index[0] == word
        assert rendered.key == "typology_counts"
    assert "Non classées" in counts.table("typology_counts", "fr").frame.index
    with pytest.raises(SpecificationError):
        typology_counts(crisp, fuzzy.drop(columns="survie"))
