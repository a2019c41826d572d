"""The runner applies the plan's rules: the exclusion rules and Holm's correction (issue 15, item 17).

One whole run of the confirmatory plan (cheap settings) on 100 simulated dyads, with a straight-liner and an
attention failure planted. The excluded count in the report is the count the plan's rules give when applied
by hand to the responses as read (and holds the planted respondents); the adjusted p values of the
hypotheses table are Holm's (statsmodels ``multipletests``) of its raw p values, and the verdicts read them.
``tests/tools/mutants.py`` plants the one-line bugs this test must catch (the runner skipping Holm, the
runner ignoring the exclusion rules).
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from statsmodels.stats.multitest import multipletests

from alliance_stats.core.i18n import tr
from alliance_stats.data import read_responses
from alliance_stats.data.quality import ExclusionRules, apply_exclusions, careless_flags
from alliance_stats.plan import load_plan
from alliance_stats.plan.runner import run_plan
from tests.run_helpers import plan_text

pytestmark = pytest.mark.slow  # one whole run: about a minute

#: The confirmatory plan's exclusion rules (analyses/confirmatory.yaml), written out here on purpose.
PLAN_RULES = ExclusionRules(fail_attention=True, max_longstring=20, min_irv=None, mahalanobis_p=0.001,
                            max_missing_share=0.5)


def planted_responses(simulated, instrument) -> tuple[pd.DataFrame, list[str]]:
    responses = simulated(100, 11).responses.copy()
    likert = [v.name for v in instrument.likert_items()]
    attention = [v.name for v in instrument.likert_items() if v.name.startswith("ATTN")]
    passing = responses.index[responses["ATTN_1"] == 2.0]
    straight, careless = passing[0], passing[1]
    responses.loc[straight, [c for c in likert if c not in attention]] = 4.0  # longstring far above 20
    responses.loc[careless, "ATTN_1"] = 6.0  # the instructed answer is 2
    return responses, [str(responses.at[straight, "resp_id"]), str(responses.at[careless, "resp_id"])]


@pytest.fixture(scope="module")
def run(tmp_path_factory, simulated, instrument) -> tuple[dict, pd.DataFrame, list[str]]:
    root = tmp_path_factory.mktemp("rules_run")
    responses, planted = planted_responses(simulated, instrument)
    (root / "responses.csv").write_bytes(responses.to_csv(index=False, float_format="%.15g").encode("utf-8"))
    (root / "plan.yaml").write_text(plan_text(), encoding="utf-8")
    folder = run_plan(load_plan(root / "plan.yaml"), output=root / "out", lang="en")
    results = json.loads((Path(folder) / "results.json").read_text(encoding="utf-8"))
    results["folder"] = str(folder)
    as_read = read_responses(root / "responses.csv", instrument)
    return results, as_read, planted


def test_the_plans_exclusion_rules_are_applied(run, instrument) -> None:
    results, as_read, planted = run
    flags = careless_flags(as_read, instrument)
    _, excluded = apply_exclusions(as_read, flags, PLAN_RULES)
    assert set(planted) <= set(excluded.index)  # the planted respondents break the rules
    assert "longstring" in excluded.loc[planted[0], "rules"] and "attention" in excluded.loc[planted[1], "rules"]
    sample = results["values"]["sample"]
    assert sample["excluded"] == len(excluded) >= 2
    assert sample["kept"] == len(as_read) - len(excluded)
    assert len(results["tables"]["exclusions"]["frame"]["data"]) == len(excluded)


def test_hypotheses_are_holm_adjusted(run) -> None:
    results, _, _ = run
    table = results["tables"]["hypotheses"]["frame"]
    frame = pd.DataFrame(table["data"], columns=table["columns"], index=table["index"])
    raw = frame["p"].to_numpy(float)
    adjusted = frame[tr("models.p_adjusted", "en")].to_numpy(float)
    assert len(raw) == 4  # H1-H4 form the confirmatory family (H5 is exploratory mediation)
    expected = multipletests(raw, method="holm")[1]
    np.testing.assert_allclose(adjusted, expected, rtol=1e-9)
    assert np.any(adjusted > raw * 1.5)  # the case tells Holm from no correction
    verdicts = results["values"]["verdicts"]
    assert [verdicts[h] for h in frame.index] == ["supported" if p < 0.05 else "not supported" for p in adjusted]


def test_the_data_warnings_state_the_plans_careless_thresholds(run) -> None:
    """The report's careless-responding warnings use the plan's thresholds, as Table 2 does (issue 15 item 16):
    the straight-liner is said to be flagged above 20 (the plan), not above 26 (half the items, the data check's
    screening default)."""
    results, _, _ = run
    longstring = [w["message"] for w in results["warnings"] if w["message"].startswith("careless_longstring")]
    assert longstring and "(flagged above 20)" in longstring[0], longstring


def test_figure_captions_are_distinct_and_table_notes_explain_m2(run) -> None:
    """Figures 1 and 2 are captioned with their constructs; the term-tests note says why M2's main effects of link
    and symmetry have no row (issue 15 item 16)."""
    import re

    results, _, _ = run
    folder = Path(results["folder"])
    html = (folder / "report.html").read_text(encoding="utf-8")
    captions = re.findall(r'<figcaption><span class="number">[^<]*</span><span class="title">([^<]*)', html)
    assert len(captions) == len(set(captions)) >= 5, captions
    assert captions[0].startswith("Likert answers: ") and captions[1].startswith("Likert answers: ")
    note = next((folder / "tables").glob("table*_lr_tests.md")).read_text(encoding="utf-8")
    assert "M2 (link, symmetry)" in note and "marginality" in note


def test_the_spss_file_of_an_english_run_has_english_labels(run) -> None:
    """SPSS keeps one label per variable: the run's .sav follows the report's language (issue 15 item 16)."""
    import pyreadstat

    results, _, _ = run
    folder = Path(results["folder"])
    saved = list((folder / "instrument").glob("*.sav"))
    if not saved:
        pytest.skip("the plan exports no .sav")
    _, meta = pyreadstat.read_sav(str(saved[0]), metadataonly=True)
    assert meta.variable_value_labels["LINK_1"][7.0] == "Strongly agree"
    assert meta.column_names_to_labels["LINK_1"] == "My partner and I are also friends."
