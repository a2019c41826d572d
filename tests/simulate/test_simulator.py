"""The simulator: reproducibility, consistency of the facts, recovery of the truth, parameters."""

from __future__ import annotations

import json
import math
import re
import warnings
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from pydantic import ValidationError
from scipy.stats import gaussian_kde

from alliance_stats.core.errors import DataQualityWarning
from alliance_stats.core.table import Table
from alliance_stats.data.dyads import build_dyads, firms_at_risk
from alliance_stats.data.scoring import CrossedDefinition, score_responses
from alliance_stats.instrument import Instrument, Variable
from alliance_stats.simulate import CONFIGURATIONS, Simulated, SimulationParams, simulate_alliances
from alliance_stats.simulate.simulator import latent_cut

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def default_sim(simulated: Callable[[int, int], Simulated]) -> Simulated:
    """simulate_alliances(300, seed=7) with the default instrument, shared with the session."""
    return simulated(300, 7)


def _scores_and_dyads(instrument: Instrument, sim):
    scores = score_responses(sim.responses, instrument)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DataQualityWarning)
        dyads = build_dyads(scores, instrument)
    return scores, dyads


def _quadrant(link, symmetry, cut=4.0):
    social, symmetric = link >= cut, symmetry >= cut
    return np.where(social, np.where(symmetric, "entraide", "parrainage"),
                    np.where(symmetric, "survie", "contre_nature"))


def _n_modes(x):
    grid = np.linspace(x.min(), x.max(), 400)
    density = gaussian_kde(x)(grid)
    return int(((density[1:-1] > density[:-2]) & (density[1:-1] > density[2:])).sum())


# ------------------------------------------------------------------------------------ reproducibility


def test_same_seed_same_output_and_other_seed_differs(default_sim: Simulated, instrument: Instrument):
    again = simulate_alliances(300, seed=7, instrument=instrument)
    pd.testing.assert_frame_equal(again.responses, default_sim.responses)
    assert json.dumps(again.truth.to_dict(), sort_keys=True) == json.dumps(default_sim.truth.to_dict(), sort_keys=True)
    other = simulate_alliances(300, seed=8, instrument=instrument)
    assert not other.responses.equals(default_sim.responses)


def test_seed_sequence_children_and_step_streams(instrument: Instrument):
    children = np.random.SeedSequence(99).spawn(2)
    first = simulate_alliances(20, seed=children[0], instrument=instrument)
    pd.testing.assert_frame_equal(simulate_alliances(20, seed=np.random.SeedSequence(99).spawn(2)[0],
                                                     instrument=instrument).responses, first.responses)
    assert not first.responses.equals(simulate_alliances(20, seed=children[1], instrument=instrument).responses)
    assert first.truth.seed is None and first.truth.spawn_key == (0,)
    # changing the missing-data step leaves the latent truth and the facts unchanged
    more_missing = simulate_alliances(20, SimulationParams(missing_rate=0.2), seed=children[0], instrument=instrument)
    pd.testing.assert_frame_equal(more_missing.truth.dyads, first.truth.dyads)
    assert more_missing.responses["EMPLOYEES"].equals(first.responses["EMPLOYEES"])


def test_bad_arguments(instrument: Instrument):
    for bad in (0, -1, 2.5, True):
        with pytest.raises(ValueError):
            simulate_alliances(bad, instrument=instrument)
    with pytest.raises(ValueError):
        simulate_alliances(5, seed=-3, instrument=instrument)


# ----------------------------------------------------------------------------------------- layout


def test_one_column_per_instrument_variable_in_order(default_sim: Simulated, instrument: Instrument):
    responses = default_sim.responses
    assert list(responses.columns) == instrument.variable_names()
    assert len(responses) == 600
    for var in instrument.variables:
        column = responses[var.name]
        if var.type in ("likert", "binary", "integer", "year") or var.name == "SECTOR":
            assert column.dtype == np.float64, var.name
        else:
            assert pd.api.types.is_string_dtype(column.dtype), var.name
        if var.type == "binary":
            assert set(column.dropna().unique()) <= {0.0, 1.0}
        if var.type in ("category", "multi"):
            codes = {c.code for c in instrument.choices[var.choices]}
            as_text = column.dropna().map(lambda v: f"{v:.0f}" if isinstance(v, float) else v)
            tokens = {t for value in as_text for t in str(value).split()}
            assert tokens <= codes, var.name


def test_unknown_variables_get_plausible_answers(instrument: Instrument):
    inst = instrument.model_copy(deep=True)
    text = {"fr": "x", "en": "x"}
    inst.variables += [
        Variable(name="EXTRA_COUNT", type="integer", min=2, max=5, text=text),
        Variable(name="EXTRA_RES", type="multi", choices="resource", text=text),
        Variable(name="EXTRA_NOTE", type="text", text=text),
    ]
    sim = simulate_alliances(10, seed=1, instrument=inst)
    assert list(sim.responses.columns) == inst.variable_names()
    assert sim.responses["EXTRA_COUNT"].between(2, 5).all()
    assert sim.responses["EXTRA_RES"].notna().all()


# ------------------------------------------------------------------------------------------ facts


def test_firm_facts_are_consistent(default_sim: Simulated):
    r = default_sim.responses
    assert r["EMPLOYEES"].between(1, 10).all()
    assert (r["FOUNDING_YEAR"] <= r["FIRST_ORDER_YEAR"]).all()
    assert (r["FIRST_ORDER_YEAR"] <= r["ALLIANCE_START_YEAR"]).all()
    assert (r["ALLIANCE_START_YEAR"] < 2025).all()
    assert (r[[f"STRAT_{k}" for k in range(1, 5)]].sum(axis=1) >= 1).all()
    per_dyad = r.groupby("dyad_id")
    at_risk = per_dyad["STARTUP_AT_ALLIANCE"].sum()
    assert at_risk.between(1, 2).all()
    assert abs((at_risk == 2).mean() - 0.3) < 3 * math.sqrt(0.3 * 0.7 / 300)
    for column in ("ALLIANCE_START_YEAR", "CONTRACT", "JOINT_BRAND", "SHARED_PREMISES", "JOINT_BIDS", "LANG"):
        assert (per_dyad[column].nunique() == 1).all(), column
    assert (r["BREAKEVEN_YEAR"].notna() == (r["BREAKEVEN"] == 1)).all()
    has = r["BREAKEVEN"] == 1
    assert (r.loc[has, "BREAKEVEN_YEAR"] >= r.loc[has, "FIRST_ORDER_YEAR"]).all()
    assert (r.loc[has, "BREAKEVEN_YEAR"] <= 2025).all()
    startup_be = has & (r["STARTUP_AT_ALLIANCE"] == 1)
    assert (r.loc[startup_be, "BREAKEVEN_YEAR"] >= r.loc[startup_be, "ALLIANCE_START_YEAR"]).all()
    assert (r["FOUNDER_EXPERIENCE"] <= r["FOUNDER_AGE"] - 16).all()
    assert (per_dyad["role"].apply(sorted).apply(tuple) == ("a", "b")).all()


def test_identifiers_are_clearly_fake(default_sim: Simulated):
    r = default_sim.responses
    assert r["FIRM_NAME"].str.fullmatch(r"Firme \d{4}").all()
    assert r["RESP_NAME"].str.fullmatch(r"Répondant \d{4}").all()
    assert r["RESP_EMAIL"].str.fullmatch(r"r\d{4}@example\.org").all()
    assert r["resp_id"].is_unique and r["resp_id"].str.fullmatch(r"R\d{4}").all()
    assert r["dyad_id"].str.fullmatch(r"D\d{4}").all()


def test_attention_item_and_careless_respondents(instrument: Instrument):
    params = SimulationParams(straightliner_share=0.2, random_share=0.2)
    sim = simulate_alliances(200, params, seed=3, instrument=instrument)
    careless = sim.truth.firms.set_index("resp_id")["careless"].reindex(sim.responses["resp_id"]).to_numpy()
    (attn_name, expected), = [(v.name, v.attention_expected) for v in instrument.attention_items()]
    careful = careless == "none"
    assert (sim.responses.loc[careful, attn_name] == expected).all()
    likert = [v.name for v in instrument.variables if v.type == "likert"]
    straight = sim.responses.loc[careless == "straightliner", likert]
    assert (straight.nunique(axis=1) == 1).all() and straight.notna().all().all()
    assert abs((careless == "straightliner").mean() - 0.2) < 0.06
    assert abs((careless == "random").mean() - 0.2) < 0.06
    rand = sim.responses.loc[careless == "random", attn_name]
    assert (rand != expected).mean() > 0.6  # random answerers mostly miss the instructed answer


def test_missing_answers_mcar_mar_and_dont_know_codes(instrument: Instrument):
    items = [v.name for v in instrument.likert_items()]
    mcar = simulate_alliances(200, SimulationParams(missing_rate=0.1, straightliner_share=0, random_share=0),
                              seed=4, instrument=instrument)
    share = mcar.responses[items].isna().to_numpy().mean()
    assert abs(share - 0.1) < 0.01
    mar = simulate_alliances(200, SimulationParams(missing_rate=0.1, missing_mechanism="MAR", mar_strength=1.5),
                             seed=4, instrument=instrument)
    per_person = mar.responses[items].isna().mean(axis=1)
    assert np.corrcoef(per_person, mar.responses["FOUNDER_AGE"])[0, 1] > 0.3
    dk = simulate_alliances(100, SimulationParams(missing_rate=0.1, dont_know_share=0.5), seed=4,
                            instrument=instrument)
    codes = (dk.responses[items] == 99).to_numpy()
    assert codes.mean() == pytest.approx(0.05, abs=0.015)
    assert not score_responses(dk.responses, instrument)[instrument.construct_codes()].gt(7).any().any()


def test_reverse_keyed_items_are_written_reversed(default_sim: Simulated, instrument: Instrument):
    r = default_sim.responses
    for code in ("LINK", "TRANSF"):
        items = instrument.items(code)
        rev = next(v.name for v in items if v.reverse)
        plain = next(v.name for v in items if not v.reverse)
        assert r[rev].corr(r[plain]) < -0.3


# --------------------------------------------------------------------------------------- recovery


def test_scores_recover_latent_scores(default_sim: Simulated, instrument: Instrument):
    scores, _ = _scores_and_dyads(instrument, default_sim)
    latent = default_sim.truth.firms.set_index("resp_id").reindex(scores.index)
    for code in instrument.construct_codes():
        both = scores[code].notna()
        r = np.corrcoef(scores.loc[both, code], latent.loc[both, code])[0, 1]
        assert r >= 0.80, (code, r)


def test_dyad_scores_recover_the_quadrant(default_sim: Simulated, instrument: Instrument):
    _, dyads = _scores_and_dyads(instrument, default_sim)
    truth = default_sim.truth.dyads.set_index("dyad_id").reindex(dyads.table.index)
    hit = _quadrant(dyads.table["link"].to_numpy(), dyads.table["symmetry"].to_numpy()) == truth["configuration"]
    assert hit.mean() >= 0.85


def test_no_structure_is_one_cloud_and_clusters_are_not(instrument: Instrument):
    for seed in (0, 1, 2):
        none = simulate_alliances(300, SimulationParams(structure="none"), seed=seed, instrument=instrument)
        clustered = simulate_alliances(300, seed=seed, instrument=instrument)
        for sim, expected in ((none, 1), (clustered, 2)):
            _, dyads = _scores_and_dyads(instrument, sim)
            for axis in ("link", "symmetry"):
                assert _n_modes(dyads.table[axis].dropna().to_numpy()) == expected, (seed, axis, expected)
    cont = simulate_alliances(300, SimulationParams(structure="continuous"), seed=0, instrument=instrument)
    link = cont.truth.dyads["link"]
    assert link.std() == pytest.approx(math.sqrt(0.5**2 + 1.0**2), rel=0.1)
    assert (cont.truth.dyads["configuration"] == cont.truth.dyads["quadrant"]).all()


def test_definition_recovers_the_latent_crossing(instrument: Instrument):
    for definition in (CrossedDefinition(), CrossedDefinition(aware_cut=4.0, transf_cut=4.5),
                       CrossedDefinition(kind="breakeven")):
        sim = simulate_alliances(150, SimulationParams(crossed=definition), seed=12, instrument=instrument)
        scores, dyads = _scores_and_dyads(instrument, sim)
        firms = firms_at_risk(scores, dyads, definition)
        truth = sim.truth.firms.set_index("resp_id").reindex(firms.index)
        careful = (truth["careless"] == "none") & firms["crossed"].notna()
        assert careful.mean() > 0.9
        np.testing.assert_array_equal(firms.loc[careful, "crossed"], truth.loc[careful, "crossed"])
    not_at_risk = sim.truth.firms["startup"] == 0
    assert sim.truth.firms.loc[not_at_risk, "p_cross"].isna().all()


def test_outcome_model_recovers_the_odds_ratios(instrument: Instrument):
    import statsmodels.api as sm

    params = SimulationParams(straightliner_share=0, random_share=0)
    sim = simulate_alliances(3000, params, seed=5, instrument=instrument)
    firms = sim.truth.firms.merge(sim.truth.dyads, on="dyad_id")
    firms = firms[firms["startup"] == 1]
    facts = sim.responses.set_index("resp_id").loc[firms["resp_id"]]
    ref = sim.truth.control_reference
    design = pd.DataFrame({
        "const": 1.0,
        **{name: (firms["configuration"] == name).astype(float).to_numpy() for name in CONFIGURATIONS
           if name != "survie"},
        "trs": firms["trust_shared"].to_numpy(),
        "trc": firms["trust_constrained"].to_numpy(),
        "age": (facts["ALLIANCE_START_YEAR"] - facts["FOUNDING_YEAR"]).to_numpy() - ref["firm_age"],
        "emp": facts["EMPLOYEES"].to_numpy() - ref["EMPLOYEES"],
        "exp": facts["FOUNDER_EXPERIENCE"].to_numpy() - ref["FOUNDER_EXPERIENCE"],
    })
    fit = sm.Logit(firms["crossed"].to_numpy(), design).fit(disp=0)
    truth = {
        "const": math.log(params.base_probability / (1 - params.base_probability)),
        **{name: math.log(params.odds_ratios[name]) for name in CONFIGURATIONS if name != "survie"},
        "trs": math.log(params.or_trust_shared), "trc": math.log(params.or_trust_constrained),
        "age": math.log(params.or_firm_age), "emp": math.log(params.or_employees),
        "exp": math.log(params.or_founder_experience),
    }
    z = (fit.params - pd.Series(truth)) / fit.bse
    assert (z.abs() < 3.5).all(), z
    rate = firms["crossed"].mean()
    assert 0.25 < rate < 0.65
    assert (firms["p_cross"] > 0).all() and (firms["p_cross"] < 1).all()


def test_dependence_follows_symmetry(default_sim: Simulated, instrument: Instrument):
    scores, dyads = _scores_and_dyads(instrument, default_sim)
    truth = default_sim.truth.dyads.set_index("dyad_id").reindex(dyads.table.index)
    asym = truth["configuration"].isin(["parrainage", "contre_nature"])
    assert dyads.table.loc[asym, "dep_asymmetry"].mean() > dyads.table.loc[~asym, "dep_asymmetry"].mean() + 0.5
    social = truth["configuration"].isin(["entraide", "parrainage"])
    assert dyads.table.loc[social, "trust_shared"].mean() > dyads.table.loc[~social, "trust_shared"].mean() + 1
    assert dyads.table.loc[social, "trust_constrained"].mean() < dyads.table.loc[~social, "trust_constrained"].mean()


# -------------------------------------------------------------------------------------- parameters


def test_parameters_are_validated(instrument: Instrument):
    with pytest.raises(ValidationError, match="sum to 1"):
        SimulationParams(shares={"entraide": 0.5, "survie": 0.4})
    with pytest.raises(ValidationError, match="reference"):
        SimulationParams(odds_ratios={"survie": 2.0})
    with pytest.raises(ValidationError, match="> 0"):
        SimulationParams(odds_ratios={"entraide": 0.0})
    with pytest.raises(ValidationError, match="increasing"):
        SimulationParams(thresholds=[0.0, -1.0])
    with pytest.raises(ValidationError, match="unknown configuration"):
        SimulationParams(shares={"solo": 1.0})
    with pytest.raises(ValidationError):
        SimulationParams(no_such_parameter=1)
    with pytest.raises(ValidationError, match="exceed 1"):
        SimulationParams(straightliner_share=0.7, random_share=0.5)
    full = SimulationParams(shares={"entraide": 1.0})
    assert full.shares == {"entraide": 1.0, "parrainage": 0.0, "survie": 0.0, "contre_nature": 0.0}
    sim = simulate_alliances(30, full, seed=1, instrument=instrument)
    assert (sim.truth.dyads["configuration"] == "entraide").all()


def test_every_parameter_is_documented_with_a_default():
    for name, info in SimulationParams.model_fields.items():
        assert info.description, name
        assert not info.is_required(), name


def test_latent_cut():
    params = SimulationParams()
    assert latent_cut(params, "AWARE", 5, 4.0) == pytest.approx(0.0, abs=1e-8)
    assert latent_cut(params, "AWARE", 5, 5.0) > 0.5
    with pytest.raises(ValueError):
        latent_cut(params, "AWARE", 5, 7.0)


# ------------------------------------------------------------------------------- outputs and CLI


def test_truth_is_json_and_table(default_sim: Simulated):
    data = default_sim.truth.to_dict()
    text = json.dumps(data, allow_nan=False)
    assert json.loads(text)["n_dyads"] == 300 and data["synthetic"] is True
    assert len(data["firms"]) == 600 and len(data["dyads"]) == 300
    assert set(data["firms"][0]) >= {"resp_id", "p_cross", "crossed", "careless", "LINK", "AWARE"}
    for lang in ("fr", "en"):
        table = default_sim.table("simulated_population", lang)
        assert isinstance(table, Table) and table.frame.shape == (4, 6)
        assert ("synthétiques" in table.note) == (lang == "fr")
    summary = default_sim.summary()
    assert summary["n_dyads"].sum() == 300
    assert summary["n_at_risk"].sum() == int(default_sim.truth.firms["startup"].sum())


def test_cli_simulate(instrument: Instrument, tmp_path):
    from alliance_stats.cli import main

    out, truth = tmp_path / "responses.csv", tmp_path / "truth.json"
    with pytest.raises(SystemExit) as done:
        main(["simulate", "--n-dyads", "12", "--seed", "3", "-o", str(out), "--truth", str(truth)])
    assert done.value.code == 0
    frame = pd.read_csv(out)
    expected = simulate_alliances(12, seed=3, instrument=instrument).responses
    pd.testing.assert_frame_equal(frame.drop(columns=["LANG", "role"]).astype(float, errors="ignore")
                                  .select_dtypes("number"),
                                  expected.select_dtypes("number"), check_dtype=False)
    assert "R0001" in out.read_text() and not re.search(r"\b\d+\.0\b", out.read_text().splitlines()[1])
    assert json.loads(truth.read_text())["seed"] == 3
    bad = tmp_path / "bad.yaml"
    bad.write_text("shares: {entraide: 0.5}\n")
    with pytest.raises(SystemExit) as failed:
        main(["simulate", "--n-dyads", "5", "-o", str(out), "--params", str(bad)])
    assert failed.value.code == 2


def test_bundled_demo_data_is_reproducible(default_sim: Simulated):
    """analyses/data/synthetic_responses.csv is exactly `alliance-stats simulate --n-dyads 300 --seed 7`."""
    path = ROOT / "analyses" / "data" / "synthetic_responses.csv"
    expected = default_sim.responses.to_csv(index=False, float_format="%.15g")
    assert path.read_text(encoding="utf-8") == expected
    truth = json.loads((ROOT / "analyses" / "data" / "synthetic_truth.json").read_text())
    assert truth == json.loads(json.dumps(default_sim.truth.to_dict(), sort_keys=True))


@pytest.mark.validate
def test_recovery_holds_across_many_seeds(instrument: Instrument):
    """Recovery study (make validate): 200 draws of 300 dyads at the default parameters."""
    hits, worst_r = [], 1.0
    for seed in range(200):
        sim = simulate_alliances(300, seed=1000 + seed, instrument=instrument)
        scores, dyads = _scores_and_dyads(instrument, sim)
        truth = sim.truth.dyads.set_index("dyad_id").reindex(dyads.table.index)
        quadrant = _quadrant(dyads.table["link"].to_numpy(), dyads.table["symmetry"].to_numpy())
        hits.append(np.mean(quadrant == truth["configuration"].to_numpy()))
        latent = sim.truth.firms.set_index("resp_id").reindex(scores.index)
        for code in instrument.construct_codes():
            both = scores[code].notna()
            worst_r = min(worst_r, np.corrcoef(scores.loc[both, code], latent.loc[both, code])[0, 1])
    hits = np.array(hits)
    assert hits.mean() >= 0.88 and np.quantile(hits, 0.05) >= 0.85
    assert worst_r >= 0.80


def test_a_question_whose_condition_is_unknown_is_not_shown(instrument: Instrument):
    """The simulator and the data check share the three-valued evaluator: a condition on a missing answer is
    unknown, its negation too, and the simulator shows a question only where its condition is true."""
    from alliance_stats.instrument import Condition, NotOf
    from alliance_stats.simulate.simulator import _condition_mask

    answered = Condition(variable="BREAKEVEN", op="==", value=1)
    frame = {"BREAKEVEN": np.array([1.0, 0.0, np.nan])}
    assert _condition_mask(answered, instrument, frame, 3).tolist() == [True, False, False]
    assert _condition_mask(NotOf(**{"not": answered}), instrument, frame, 3).tolist() == [False, True, False]
    assert _condition_mask(answered, instrument, {}, 3).tolist() == [False, False, False]  # variable absent
