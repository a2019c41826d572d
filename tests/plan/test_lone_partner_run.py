"""A partner who did not answer is a warning in the run as in `data check`, with the count, and the lone
respondent stays in the firm-level analyses (issue 15 item 11)."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from alliance_stats.cli import main
from alliance_stats.core.i18n import has_translation
from alliance_stats.plan.templates import template


@pytest.mark.slow
def test_run_with_a_lone_partner_and_missing_words_warns_and_keeps_the_respondent(tmp_path, capsys):
    responses = pd.read_csv(template("data/synthetic_responses.csv"), dtype=str, keep_default_na=False)
    partner = responses.loc[1, "dyad_id"]
    responses = responses.drop(index=0).reset_index(drop=True)  # the first respondent's partner is now alone
    responses.loc[5, "LINK_3"] = "N/A"
    data = tmp_path / "lone.csv"
    responses.to_csv(data, index=False)
    with pytest.raises(SystemExit) as info:
        main(["run", str(template("confirmatory.yaml")), "--data", str(data), "-o", str(tmp_path / "out"),
              "--lang", "fr"])
    output = capsys.readouterr()
    assert info.value.code == 0, output.out + output.err
    warnings = (tmp_path / "out" / "warnings.txt").read_text(encoding="utf-8")
    assert "lone_partner : 1 constat(s), lignes 1 ;" in warnings
    assert f"la dyade {partner} n'a qu'un répondant" in warnings
    assert "missing_word : 1 constat(s), lignes 6 ;" in warnings
    results = json.loads((tmp_path / "out" / "results.json").read_text(encoding="utf-8"))
    # the French report prints its warnings in French (issue 15 item 16): every one has a French template
    untranslated = [w["message"] for w in results["warnings"] if not has_translation(w["message"])]
    assert not untranslated, untranslated
    assert "have one respondent only" not in warnings and "observations pour" in warnings
    sample = results["values"]["sample"]
    assert sample["respondents"] == len(responses) == 599, sample
    assert sample["dyads"] == 300 and sample["kept"] == 599 - sample["excluded"], sample
