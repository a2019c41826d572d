"""Failures that used to surface late (issue 15 item 10) are found before any model is fitted and named: an
identifier or cluster variable as a predictor (the plan check, with its line), a construct whose items are all
blank and an outcome without variation (the data check of the prepared data, naming the construct or the
outcome)."""

from __future__ import annotations

import numpy as np
import pytest

from alliance_stats.core.errors import DataError, PlanError
from alliance_stats.plan import check_plan, load_plan
from alliance_stats.plan.templates import default_plan_path


@pytest.fixture(scope="module")
def plan_and_instrument():
    from alliance_stats.instrument import default_instrument

    return load_plan(default_plan_path()), default_instrument()


@pytest.mark.parametrize("name", ["dyad_id", "resp_id", "role"])
def test_an_identifier_as_predictor_is_a_plan_error_with_its_line(name, plan_and_instrument):
    plan, instrument = plan_and_instrument
    key, model = next(iter(plan.models.items()))
    bad = plan.model_copy(update={"models": {**plan.models,
                                             key: model.model_copy(update={"predictors": [*model.predictors, name]})}})
    with pytest.raises(PlanError) as info:
        check_plan(bad, instrument)
    err = info.value
    assert err.value == name and key in err.message and "cannot be a predictor" in err.message
    assert err.line == plan.line("models", key, "predictors")
    assert err.line is not None


@pytest.fixture(scope="module")
def prepared(simulated, plan_and_instrument):
    """Items and firms at risk of 60 simulated dyads, prepared as the runner prepares them."""
    from alliance_stats.data import build_dyads, firms_at_risk, score_responses
    from alliance_stats.data.scoring import CrossedDefinition, clean_items

    plan, instrument = plan_and_instrument
    responses = simulated(60, 5).responses
    scores = score_responses(responses, instrument, plan.min_share)
    dyads = build_dyads(scores, instrument, responses)
    definition = CrossedDefinition(kind=plan.outcome.kind, aware_cut=plan.outcome.aware_cut,
                                   transf_cut=plan.outcome.transf_cut)
    firms = firms_at_risk(scores, dyads, definition)
    return clean_items(responses, instrument), firms


def test_the_prepared_simulated_data_pass(prepared, plan_and_instrument):
    from alliance_stats.plan.checks import check_analysis_data

    plan, instrument = plan_and_instrument
    items, firms = prepared
    assert 0 < firms["crossed"].sum() < firms["crossed"].notna().sum()
    check_analysis_data(plan, instrument, items, firms, "responses.csv")


@pytest.mark.parametrize("value, words", [(0.0, "none of the"), (1.0, "all ")])
def test_an_outcome_without_variation_is_named_before_any_model(value, words, prepared, plan_and_instrument):
    from alliance_stats.plan.checks import check_analysis_data

    plan, instrument = plan_and_instrument
    items, firms = prepared
    flat = firms.copy()
    flat["crossed"] = np.where(flat["crossed"].notna(), value, np.nan)
    with pytest.raises(DataError) as info:
        check_analysis_data(plan, instrument, items, flat, "responses.csv")
    err = info.value
    assert err.column == "crossed" and err.file == "responses.csv"
    assert words in err.message and "does not vary" in err.message


@pytest.mark.parametrize("code", ["LINK", "TRS"])
def test_a_construct_with_all_items_blank_is_named(code, prepared, plan_and_instrument):
    from alliance_stats.plan.checks import check_analysis_data

    plan, instrument = plan_and_instrument
    if code not in instrument.constructs:
        code = instrument.construct_codes()[0]
    items, firms = prepared
    blank = items.copy()
    names = [v.name for v in instrument.items(code)]
    blank[names] = np.nan
    with pytest.raises(DataError) as info:
        check_analysis_data(plan, instrument, blank, firms, "responses.csv")
    err = info.value
    assert f"construct {code}" in err.message and "no respondent answers" in err.message
    assert err.column == names[0]


def test_a_construct_answered_by_two_respondents_only_is_named(prepared, plan_and_instrument):
    from alliance_stats.plan.checks import check_analysis_data

    plan, instrument = plan_and_instrument
    items, firms = prepared
    code = instrument.construct_codes()[-1]
    names = [v.name for v in instrument.items(code)]
    sparse = items.copy()
    sparse.loc[sparse.index[2:], names] = np.nan
    with pytest.raises(DataError, match=f"construct {code}: only 2 respondent"):
        check_analysis_data(plan, instrument, sparse, firms)


def test_the_bundled_data_pass(plan_and_instrument, synthetic_responses):
    """The demo data (300 dyads) are far from both failures."""
    from alliance_stats.data import build_dyads, firms_at_risk, score_responses
    from alliance_stats.data.scoring import CrossedDefinition, clean_items
    from alliance_stats.plan.checks import check_analysis_data

    plan, instrument = plan_and_instrument
    scores = score_responses(synthetic_responses, instrument, plan.min_share)
    dyads = build_dyads(scores, instrument, synthetic_responses)
    firms = firms_at_risk(scores, dyads, CrossedDefinition(kind=plan.outcome.kind, aware_cut=plan.outcome.aware_cut,
                                                           transf_cut=plan.outcome.transf_cut))
    check_analysis_data(plan, instrument, clean_items(synthetic_responses, instrument), firms)
