"""A run on data where no firm crossed stops before the measurement with a named data error (issue 15 item 10)."""

from __future__ import annotations

import pandas as pd
import pytest

from alliance_stats.cli import main
from alliance_stats.plan.templates import template


@pytest.mark.slow
def test_run_on_an_outcome_without_variation_exits_2_before_the_measurement(tmp_path, capsys):
    responses = pd.read_csv(template("data/synthetic_responses.csv"))
    responses["BREAKEVEN"] = responses["BREAKEVEN"].where(responses["BREAKEVEN"].isna(), 0)
    data = tmp_path / "nobody_crossed.csv"
    responses.to_csv(data, index=False)
    with pytest.raises(SystemExit) as info:
        main(["run", str(template("confirmatory.yaml")), "--data", str(data), "-o", str(tmp_path / "out")])
    captured = capsys.readouterr()
    output = captured.out + captured.err
    assert info.value.code == 2, output
    assert "crossed" in output
    assert "Traceback" not in output
    assert "Measurement" not in output
    assert not (tmp_path / "out").exists()
