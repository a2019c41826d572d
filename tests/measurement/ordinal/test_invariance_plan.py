"""The plan route of the ordinal invariance: with ``measurement.estimator: WLSMV`` the invariance table across
the questionnaire language is the Wu and Estabrook (2016) sequence and says so; categories empty in one language
are merged first and the note lists them; when the ordinal route cannot be computed (the 53-item model has more
thresholds than the English group has respondents), the continuous table says so."""

from __future__ import annotations

import shutil

import pandas as pd
import pytest

from alliance_stats.measurement.invariance_ordinal import merge_empty_categories
from alliance_stats.plan.templates import template
from tests.run_helpers import cli, plan_text


def test_merge_empty_categories_merges_downwards_then_upwards_until_every_group_sees_every_category():
    d = pd.DataFrame({"a": [1, 2, 3, 4, 2, 3, 4, 4], "b": [1, 1, 2, 2, 1, 2, 2, 2],
                      "g": ["x"] * 4 + ["y"] * 4})
    out, merges = merge_empty_categories(d, ["a", "b"], "g")
    assert merges == [("a", 1, 2, "y")]
    assert out["a"].tolist() == [2, 2, 3, 4, 2, 3, 4, 4] and out["b"].equals(d["b"])
    d.loc[4, "a"] = 3  # now 2 is empty in y too: 1 -> 2 (lowest: upwards), then 2 -> ... every group sees 3, 4
    out, merges = merge_empty_categories(d, ["a"], "g")
    assert [m[:3] for m in merges] == [("a", 1, 2), ("a", 2, 3)]
    assert sorted(set(out["a"])) == [3, 4]


@pytest.mark.slow
@pytest.mark.xdist_group("run_folder")
def test_plan_with_wlsmv_shows_the_ordinal_invariance_table(tmp_path):
    shutil.copy(template("data/synthetic_responses.csv"), tmp_path / "responses.csv")
    plan = tmp_path / "plan.yaml"
    plan.write_text(plan_text(**{"estimator: ML ": "estimator: WLSMV ",
                                 "  invariance_by: LANG": "  cfa_constructs: [TRS, SAT, TRC]\n  invariance_by: LANG"}),
                    encoding="utf-8")
    status, _ = cli(["run", plan, "-o", tmp_path / "run", "--force"])
    assert status == 0
    tables = sorted(p.name for p in (tmp_path / "run" / "tables").glob("*.md"))
    inv = next((tmp_path / "run" / "tables" / t).read_text(encoding="utf-8") for t in tables if "invariance" in t)
    for text in ("| Thresholds |", "Loadings (+ thresholds)", "Intercepts (+ thresholds, loadings)",
                 "Wu and Estabrook (2016)", "Satorra's (2000)", "TRS_2 7→6 (en)"):
        assert text in inv, text
    warnings = (tmp_path / "run" / "warnings.txt").read_text(encoding="utf-8")
    assert "category 7 of TRS_2 is empty in group 'en'" in warnings
    assert "Measurement invariance across LANG (WLSMV) not computed" not in warnings
