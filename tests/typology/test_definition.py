"""The 2 x 2 definition and the paper's eight firms / four alliances (surveys/seed_cases.csv)."""

from __future__ import annotations

import itertools
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from alliance_stats.core.i18n import LABELS
from alliance_stats.instrument import default_instrument
from alliance_stats.typology import (
    AXES,
    CONFIGURATIONS,
    EXPECTED_TRUST,
    configuration_label,
    configuration_labels,
    poles_of,
    quadrant_of,
    scale_midpoint,
)

SEED_CASES = Path(__file__).resolve().parents[2] / "surveys" / "seed_cases.csv"
PAPER_ASSIGNMENTS = {  # Jaouen, sections 3.2.1-3.2.4
    frozenset({"CDCom", "Internet Conseil"}): "entraide",
    frozenset({"Palanautic", "Plaisancia"}): "parrainage",
    frozenset({"Architek", "Arkaban"}): "survie",
    frozenset({"Cristal", "Ferazur"}): "contre_nature",
}


@pytest.fixture(scope="module")
def seed() -> pd.DataFrame:
    return pd.read_csv(SEED_CASES, dtype={"founding_year_note": str})


def test_quadrants_follow_figure_2():
    assert quadrant_of(social=True, symmetric=True) == "entraide"
    assert quadrant_of(social=True, symmetric=False) == "parrainage"
    assert quadrant_of(social=False, symmetric=True) == "survie"
    assert quadrant_of(social=False, symmetric=False) == "contre_nature"
    assert sorted(quadrant_of(a, b) for a, b in itertools.product((True, False), repeat=2)) == sorted(CONFIGURATIONS)
    for config in CONFIGURATIONS:
        assert quadrant_of(*poles_of(config)) == config
    with pytest.raises(ValueError):
        poles_of("nope")


def test_axes_point_to_the_constructs_and_dyad_scores():
    instrument = default_instrument()
    for axis in AXES.values():
        assert axis.construct in instrument.constructs
        assert instrument.constructs[axis.construct].level == "dyad"
        assert set(axis.label) == {"fr", "en"} and axis.pole_label(True, "fr") and axis.pole_label(False, "en")
    assert (AXES["link"].high, AXES["link"].low, AXES["link"].dyad_column) == ("social", "economic", "link")
    assert (AXES["interest"].high, AXES["interest"].dyad_column) == ("symmetric", "symmetry")
    assert EXPECTED_TRUST == {"entraide": "shared", "parrainage": "shared", "survie": "constrained",
                              "contre_nature": "constrained"}


def test_labels_come_from_i18n():
    for lang in ("fr", "en"):
        labels = configuration_labels(lang)
        assert list(labels) == list(CONFIGURATIONS)
        for config, label in labels.items():
            assert label == LABELS[config][lang]
    assert configuration_label("contre_nature", "fr") == "Contre nature"
    with pytest.raises(ValueError):
        configuration_label("nope", "fr")
    with pytest.raises(ValueError):
        configuration_label("entraide", "de")


def test_midpoint_is_the_default_cut():
    assert scale_midpoint(1, 7) == 4.0
    assert scale_midpoint(1, 5) == 3.0
    with pytest.raises(ValueError):
        scale_midpoint(7, 1)


@given(st.floats(1, 7), st.floats(1, 7))
def test_crisp_rule_is_monotone(link, symmetry):
    cut = scale_midpoint(1, 7)
    config = quadrant_of(link >= cut, symmetry >= cut)
    social, symmetric = poles_of(config)
    assert social == (link >= cut) and symmetric == (symmetry >= cut)


def test_seed_cases_hold_table_1(seed):
    assert len(seed) == 8 and seed["dyad_id"].nunique() == 4
    assert (seed.groupby("dyad_id")["role"].apply(sorted) == pd.Series([["a", "b"]] * 4, index=sorted(
        seed["dyad_id"].unique()))).all()
    table1 = {  # firm: (employees, founding year, first interview, duration)
        "Palanautic": (1, 2003, "2004-02-25", "2h40"),
        "Plaisancia": (1, 1998, "2004-03-04", "2h"),
        "Internet Conseil": (2, 2001, "2003-04-07", "1h30"),
        "CDCom": (6, 2001, "2003-04-10", "1h40"),
        "Cristal": (1, 1997, "2004-05-27", "2h10"),
        "Ferazur": (1, 1999, "2004-06-09", "2h15"),
        "Architek": (1, 2003, "2004-06-24", "1h"),
        "Arkaban": (1, 2000, "2004-06-29", "1h15"),
    }
    rows = seed.set_index("firm")
    for firm, (employees, year, date, duration) in table1.items():
        assert tuple(rows.loc[firm, ["employees", "founding_year", "first_interview_date", "interview_duration"]]) \
            == (employees, year, date, duration), firm
    hours = rows["interview_duration"].str.extract(r"(\d+)h(\d*)").replace("", "0").astype(int)
    assert (hours[0] * 60 + hours[1] == rows["interview_duration_min"]).all()
    assert rows.loc["Arkaban", "founding_year_note"] == "(1982)"
    # at least one firm of each alliance was in its start-up phase (the paper's sampling rule, section 2.1)
    assert (seed.groupby("dyad_id")["startup_at_alliance"].max() == 1).all()


def test_seed_cases_classify_as_the_paper(seed):
    cut = scale_midpoint(1, 7)
    for dyad_id, firms in seed.groupby("dyad_id"):
        assert firms[["link", "symmetry", "configuration", "link_coding", "interest_coding"]].nunique().max() == 1
        first = firms.iloc[0]
        by_scores = quadrant_of(first["link"] >= cut, first["symmetry"] >= cut)
        by_coding = quadrant_of(first["link_coding"] == "social", first["interest_coding"] == "symmetric")
        paper = PAPER_ASSIGNMENTS[frozenset(firms["firm"])]
        assert by_scores == by_coding == first["configuration"] == paper, dyad_id
        assert (firms["trust_coding"] == EXPECTED_TRUST[paper]).all(), dyad_id
    assert sorted(seed.drop_duplicates("dyad_id")["configuration"]) == sorted(CONFIGURATIONS)
