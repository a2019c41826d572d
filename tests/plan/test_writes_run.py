"""Issue 15, items 5 and 6 end to end: a control character in the plan title and in the data, and a
formula as a respondent id, through a whole ``alliance-stats run``.

Before the fix the run crashed at the very end in the Word writer (``ValueError: All strings must be XML
compatible``), and the excluded respondent's id reached ``tables/table02_exclusions.csv`` as a formula.
"""

from __future__ import annotations

import io
import json

import pandas as pd
import pytest
from docx import Document

from alliance_stats.cli import main
from alliance_stats.plan.study import init_study
from tests.run_helpers import cheap_counts

pytestmark = [pytest.mark.xdist_group("run_folder"), pytest.mark.slow]  # one whole run

FORMULA_ID = "=cmd|' /C calc'!A0"


def test_hostile_text_reaches_every_writer_safely(tmp_path, capsys):
    study = tmp_path / "study"
    init_study(study)
    # the writers' claim does not depend on the replicate counts or on the two CFA-based checks (as run_helpers.CHEAP)
    plan = cheap_counts((study / "plan.yaml").read_text(encoding="utf-8"), cmv_nesting=False)
    start = plan.index("  en: ")
    end = plan.index("\n", start)
    (study / "plan.yaml").write_text(plan[:start] + '  en: "Alliances \\x01 with a \\v control"' + plan[end:],
                                     encoding="utf-8")
    frame = pd.read_csv(study / "data" / "synthetic_responses.csv", dtype=str, keep_default_na=False)
    frame = frame[frame["dyad_id"].isin(frame["dyad_id"].drop_duplicates().iloc[:150])]
    frame.loc[frame.index[0], ["resp_id", "ATTN_1"]] = [FORMULA_ID, "7"]  # excluded: named in Table 2
    frame.loc[frame.index[2], ["resp_id", "ATTN_1"]] = ["R\x01ctl", "7"]
    frame.to_csv(study / "hostile.csv", index=False)
    output = tmp_path / "run"
    with pytest.raises(SystemExit) as status:
        main(["run", str(study / "plan.yaml"), "--data", str(study / "hostile.csv"), "-o", str(output),
              "--lang", "en"])
    assert status.value.code in (0, None), capsys.readouterr().err
    document = Document(io.BytesIO((output / "report.docx").read_bytes()))
    assert document.paragraphs[0].text == "Alliances \ufffd with a \ufffd control"
    exclusions = next(output.glob("tables/*exclusions*.csv")).read_text(encoding="utf-8")
    assert "'" + FORMULA_ID in exclusions
    assert not any(line.startswith("=") or ",=" in line for line in exclusions.splitlines())
    for path in output.rglob("*"):
        if path.suffix in (".html", ".md", ".tex"):
            assert "\x01" not in path.read_text(encoding="utf-8"), path
    provenance = json.loads((output / "provenance.json").read_text(encoding="utf-8"))
    assert provenance["tool"] == "alliance-stats" and provenance["kind"] == "run"
