"""The summary, the methods paragraph and the power context, from hand-made results and plans (no run)."""

from __future__ import annotations

import math
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest

from alliance_stats.instrument import default_instrument
from alliance_stats.models.power import wald_power_binary, wald_power_continuous
from alliance_stats.plan import load_plan
from alliance_stats.plan.sections.methods import REFERENCES, methods_facts, methods_paragraphs
from alliance_stats.plan.sections.power_context import _analytic, _from_power_run
from alliance_stats.plan.sections.summary import summary_blocks

REPO = Path(__file__).resolve().parents[2]
PROVENANCE = {"versions": {"alliance-stats": "0.1.0", "python": "3.11.7", "numpy": "2.4.6"}}


def results(**values) -> dict:
    base = {"sample": {"respondents": 40, "excluded": 3, "kept": 37, "dyads": 20, "dyads_complete": 17,
                       "firms_at_risk": 25, "crossed": 9, "crossed_unknown": 1},
            "exclusions": {"attention": 2, "longstring": 1},
            "hypotheses": {"correction": "holm", "ci_level_percent": 95, "rows": [
                {"id": "H1", "model": "M1", "confirmatory": True, "odds_ratio": 1.4, "or_ci_low": 0.5,
                 "or_ci_high": 3.9, "p_adjusted": 0.41, "verdict": "not supported"},
                {"id": "H5", "model": "M3", "confirmatory": False, "verdict": None}]},
            "power_context": {"H1": {"power": 0.23, "source": "analytic", "planned_or": 2.0, "n": 25}}}
    base.update(values)
    return {"values": base, "warnings": []}


def text(res: dict, lang: str) -> str:
    title, blocks = summary_blocks(res, lang)
    joined = "\n".join([title] + [f"{h}: {line}" for h, lines in blocks for line in lines])
    return joined.replace("\u00a0", " ")  # French: a no-break space before the colon


def test_summary_states_sample_exclusions_hypotheses_and_power():
    en = text(results(), "en")
    assert "40 respondents answered; 37 were kept, in 20 dyads (17 with both partners)" in en
    assert "Crossing is undetermined for 1" in en
    assert "3 of 40 respondents excluded" in en and "attention item failed 2, longstring 1" in en
    assert ("H1 (M1): OR = 1.40, 95% CI [0.50, 3.90], adjusted p = .410: not supported; power for the planned "
            "effect (OR = 2.00): .23 (analytic, 25 firms; an upper bound).") in en
    assert "H5: exploratory (no verdict)." in en
    assert "CFA not estimated" in en and "Cluster check not computed" in en
    fr = text(results(), "fr")
    assert "RC = 1,40, IC à 95 % [0,50 ; 3,90], p ajustée = ,410 : non soutenue ; puissance" in fr
    assert "puissance pour l'effet prévu (RC = 2,00) : ,23" in fr


def test_summary_power_from_a_power_run_or_not_available():
    run = {"H1": {"power": 0.61, "source": "power_run", "n_dyads": 40}}
    assert "power for the planned effect: .61 (simulated, 40 dyads)" in text(results(power_context=run), "en")
    none = {"H1": {"power": None, "source": None}}
    assert "power not available (the plan gives neither power_run nor planned_or)" in text(
        results(power_context=none), "en")


def test_summary_reads_the_reviewers_checks():
    checks = {"robustness": {"verdict": "1 verdict flip(s)", "flips": [
                  {"hypothesis": "H2", "variant": "breakeven", "main": "supported", "alternative": "not supported"}]},
              "cmv": {"verdict": "not flagged"}, "nesting": {"verdict": "conclusions change"},
              "margins": {"verdict": "collinearity", "high_vif": {"M1": [], "M2": ["link"]}}}
    res = results(checks=checks)
    en, fr = text(res, "en"), text(res, "fr")
    assert "H2 changes verdict (Break-even only): not supported." in en
    assert "H2 change de verdict (Seuil de rentabilité seul) : non soutenue." in fr
    assert "Common-method variance: not flagged (no rule fires)" in en
    assert "Nesting of respondents in dyads: the conclusions on the measurement model change" in en
    assert "Collinearity of the models: GVIF^(1/df) above 10: M2: link" in en
    no_flip = {"robustness": {"verdict": "verdicts robust", "flips": []},
               "margins": {"verdict": "no collinearity", "high_vif": {"M1": [], "M2": []}}}
    assert "No verdict changes" in text(results(checks=no_flip), "en")
    assert "Collinearity of the models: none (every GVIF^(1/df) ≤ 10)" in text(results(checks=no_flip), "en")
    assert "Further checks" not in text(results(), "en")  # nothing to report: no block


def test_summary_lists_what_could_not_be_computed():
    res = results()
    res["warnings"] = [{"stage": "measurement", "kind": "AnalysisWarning",
                        "message": "HTMT not computed: too few rows."},
                       {"stage": "data", "kind": "DataQualityWarning", "message": "3 rows dropped"}]
    en = text(res, "en")
    assert "Not computed: [measurement] HTMT not computed: too few rows." in en
    assert "3 rows dropped" not in en
    assert "Every planned analysis was computed." in text(results(), "en")


def test_summary_flags_low_alpha_and_poor_fit():
    fit = {"cfi": 0.90, "tli": 0.97, "rmsea": 0.05, "srmr": 0.05, "ntotal": 200, "df": 50, "chisq": 80.0}
    res = results(reliability={"LINK": {"alpha": 0.65, "omega": 0.66, "label_en": "Link", "label_fr": "Lien"}},
                  cfa_fit=fit, decision_rules={"alpha_min": 0.7, "cfi_min": 0.95, "tli_min": 0.95,
                                               "rmsea_max": 0.06, "srmr_max": 0.08})
    en = text(res, "en")
    assert "Link (LINK): α = .65, ω = .66 (α below .70)" in en
    assert "CFA (ML, N = 200): χ²(50) = 80.00, CFI = .900" in en and "fit below the usual cut-offs" in en
    fit["cfi"] = 0.96
    assert "acceptable fit" in text(res, "en")


@pytest.fixture(scope="module")
def plan():
    return load_plan(REPO / "analyses" / "confirmatory.yaml")


def paragraphs(plan, lang="en", values=None) -> list[str]:
    facts = methods_facts(plan, default_instrument(), PROVENANCE, values or {})
    return methods_paragraphs(facts, lang)


def test_methods_sentences_follow_the_plan(plan):
    base = paragraphs(plan)
    assert "more than 20 identical answers in a row" in base[0]
    assert "Holm's (1979) method" in base[4]
    longer = plan.model_copy(update={"exclusions": plan.exclusions.model_copy(update={"max_longstring": 30})})
    assert "more than 30 identical answers in a row" in paragraphs(longer)[0]
    bonferroni = plan.model_copy(update={"correction": "bonferroni"})
    changed = paragraphs(bonferroni)
    assert "Bonferroni method" in changed[4] and "Holm" not in changed[4]
    facts = methods_facts(bonferroni, default_instrument(), PROVENANCE, {})
    assert "holm1979" not in facts["references"]
    breakeven = plan.model_copy(update={"outcome": plan.outcome.model_copy(update={"kind": "breakeven"})})
    assert paragraphs(breakeven)[1] == "A firm has crossed the start-up phase when it has passed break-even."
    mlr = plan.model_copy(update={"measurement": plan.measurement.model_copy(update={"estimator": "MLR"})})
    assert "Yuan & Bentler, 2000" in paragraphs(mlr)[2]
    assert "Mahalanobis distance de p" not in paragraphs(plan, "fr")[0]
    assert "p inférieur à 0,001" in paragraphs(plan, "fr")[0]


def test_methods_cite_only_works_in_the_catalogue(plan):
    facts = methods_facts(plan, default_instrument(), PROVENANCE, {"model_M1_method": {"method": "firth"}})
    assert set(facts["references"]) <= set(REFERENCES)
    assert facts["reference_texts"] == sorted(facts["reference_texts"])
    assert "firth1993" in facts["references"] and "python 3.11.7" in paragraphs(plan)[5]
    ml_only = {k: m.model_copy(update={"method": "ml"}) for k, m in plan.models.items()}
    assert "firth1993" not in methods_facts(plan.model_copy(update={"models": ml_only}), default_instrument(),
                                            PROVENANCE, {})["references"]


def test_power_context_from_the_nearest_simulated_n():
    runs = {"records": [{"target": "H1", "n_dyads": 40, "power": 0.3, "mcse": 0.01},
                        {"target": "H1", "n_dyads": 80, "power": 0.6, "mcse": 0.01},
                        {"target": "H2", "n_dyads": 60, "power": 0.9, "mcse": 0.01}], "reps": 100, "folder": "p"}
    assert _from_power_run(runs, "H1", 70)["power"] == 0.6 and _from_power_run(runs, "H1", 70)["n_dyads"] == 80
    assert _from_power_run(runs, "H1", 45)["power"] == 0.3
    assert _from_power_run(runs, "H3", 45)["power"] is None


def test_analytic_power_of_a_contrast_and_of_a_term():
    rng = np.random.default_rng(1)
    firms = pd.DataFrame({"configuration": rng.choice(["entraide", "survie", "parrainage"], 200),
                          "trust": rng.normal(4, 1.5, 200), "crossed": rng.integers(0, 2, 200).astype(float)})
    model = SimpleNamespace(outcome="crossed", standardize=[])
    ctx = SimpleNamespace(plan=SimpleNamespace(models={"M": model}))
    contrast = SimpleNamespace(model="M", planned_or=2.0, direction="greater", factor="configuration",
                               contrast={"plus": ["entraide"], "minus": ["survie"]}, term=None)
    got = _analytic(ctx, {"firms": firms}, contrast, 0.05)
    plus, minus = (firms["configuration"] == "entraide"), (firms["configuration"] == "survie")
    n = int(plus.sum() + minus.sum())
    expected = wald_power_binary(n, plus.sum() / n, firms.loc[minus, "crossed"].mean(), 2.0, 0.10)
    assert got["n"] == n and got["power"] == pytest.approx(expected)
    term = SimpleNamespace(model="M", planned_or=1.3, direction="two-sided", contrast=None, factor=None, term="trust")
    got = _analytic(ctx, {"firms": firms}, term, 0.05)
    or_sd = math.exp(math.log(1.3) * firms["trust"].std(ddof=1))
    assert got["power"] == pytest.approx(wald_power_continuous(200, firms["crossed"].mean(), or_sd, 0.05))
    assert 0.05 < got["power"] < 1


def test_hypotheses_table_gets_a_power_column_only_when_needed():
    from alliance_stats.core.i18n import tr
    from alliance_stats.core.table import Table
    from alliance_stats.plan.sections.power_context import _with_power_column

    ctx = SimpleNamespace(tr=lambda key: tr(key, "en"))
    table = Table("hypotheses", "Hypotheses", pd.DataFrame({"OR": [1.2, 3.0]}, index=["H1", "H2"]), note="Holm.",
                  formats={"OR": "f2"}, lang="en")
    assert _with_power_column(ctx, table, {}) is table
    out = _with_power_column(ctx, table, {"H1": {"power": 0.31, "source": "analytic"}})
    column = "Power (planned effect)"
    assert out.frame[column].iloc[0] == 0.31 and math.isnan(out.frame[column].iloc[1])
    assert out.formats[column] == "r2" and out.note.startswith("Holm. Power: Wald test at the planned odds ratio")
    missing = _with_power_column(ctx, table, {"H1": {"power": None, "source": None}})
    assert missing.note.endswith("give power_run or planned_or in the plan.")


def test_sample_profile_counts_codes_read_as_numbers(plan):
    from alliance_stats.plan.context import RunContext
    from alliance_stats.plan.sections.descriptives import _profile_table

    ctx = RunContext(plan, "en", default_instrument())
    responses = pd.DataFrame({"SECTOR": [3.0, 3.0, 7.0, np.nan], "LANG": ["fr", "en", "fr", "fr"],
                              "role": ["a", "b", "a", "b"], "EMPLOYEES": [1, 2, 3, 4],
                              "FOUNDING_YEAR": [2010, 2012, 2015, 2016], "ALLIANCE_START_YEAR": [2020] * 4})
    frame = _profile_table(ctx, responses).frame
    assert frame.loc["Sector: Construction", "n"] == 2 and frame.loc["Sector: Services to households", "n"] == 1
    assert frame.loc["Sector: Construction", "%"] == pytest.approx(200 / 3)
    assert frame.loc["Questionnaire language: French", "n"] == 3
    assert frame.loc["Firm age (years)", "M"] == pytest.approx(np.mean([10, 8, 5, 4]))
    assert frame.loc["Size (people)", "SD"] == pytest.approx(np.std([1, 2, 3, 4], ddof=1))


def test_methods_state_the_cluster_checks_subsample_with_its_size_and_seed(plan):
    """Above its threshold the cluster check samples (issue 17): the methods text says so, with the size, the
    number of dyads and the seed, in both languages; below it, nothing is said (threshold lowered to 100 here)."""
    from alliance_stats.core.errors import AnalysisWarning
    from alliance_stats.plan.runner import _cluster_subsample
    from alliance_stats.typology import ClusterSettings, cluster_check

    rng = np.random.default_rng(1)
    centres = [(5.5, 5.5), (5.5, 2.5), (2.5, 5.5), (2.5, 2.5)]
    x = np.vstack([rng.normal(c, 0.4, (40, 2)) for c in centres]).clip(1, 7)
    dyads = pd.DataFrame(x, columns=["link", "symmetry"])
    settings = ClusterSettings(methods=("kmeans", "ward"), k_range=range(1, 6), n_boot=20, n_perm=99, seed=3,
                               subsample=100)
    with pytest.warns(AnalysisWarning, match="subsample of 100 dyads"):
        record = _cluster_subsample(cluster_check(dyads, settings=settings), 3)
    assert record is not None and (record["size"], record["of"], record["seed"]) == (100, 160, 3)
    english = paragraphs(plan, "en", {"cluster_subsample": record})[3]
    french = paragraphs(plan, "fr", {"cluster_subsample": record})[3]
    assert "a random subsample of 100 dyads (seed 3" in english and "With 160 dyads" in english
    assert "sous-échantillon aléatoire de 100 dyades (graine 3" in french and "Avec 160 dyades" in french
    whole = cluster_check(dyads, settings=ClusterSettings(methods=("kmeans", "ward"), k_range=range(1, 6),
                                                          n_boot=20, n_perm=99, seed=3))
    assert _cluster_subsample(whole, 3) is None
    assert "subsample" not in paragraphs(plan, "en", {"cluster_subsample": None})[3]
