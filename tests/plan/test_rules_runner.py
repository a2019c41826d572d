"""The runner applies the plan's rules: the exclusion rules and Holm's correction (issue 15, item 17).

One whole run of the confirmatory plan (cheap settings) on 100 simulated dyads, with a straight-liner and an
attention failure planted: the session's base run (``base_run`` in tests/conftest.py, planted by
``tests.run_helpers.base_responses``; also read by tests/test_run.py and tests/plan/test_summary_run.py, hence
``xdist_group("base_run")``). The excluded count in the report is the count the plan's rules give when applied
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

pytestmark = [pytest.mark.xdist_group("base_run"), pytest.mark.slow]  # one whole run: about a minute

#: The confirmatory plan's exclusion rules (analyses/confirmatory.yaml), written out here on purpose.
PLAN_RULES = ExclusionRules(fail_attention=True, max_longstring=20, min_irv=None, mahalanobis_p=0.001,
                            max_missing_share=0.5)


@pytest.fixture(scope="module")
def run(base_run, instrument) -> tuple[dict, pd.DataFrame, list[str]]:
    results = json.loads((base_run.folder / "results.json").read_text(encoding="utf-8"))
    results["folder"] = str(base_run.folder)
    as_read = read_responses(base_run.root / "responses.csv", instrument)
    return results, as_read, list(base_run.careless)


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
