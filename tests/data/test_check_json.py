"""`data check --json` prints JSON on standard output whatever happens, read errors included (issue 15 item 11)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from alliance_stats.cli import main


def _check_json(path: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, dict, str]:
    with pytest.raises(SystemExit) as info:
        main(["data", "check", str(path), "--json"])
    captured = capsys.readouterr()
    return int(info.value.code or 0), json.loads(captured.out), captured.err


def _missing(tmp_path: Path) -> Path:
    return tmp_path / "absent.csv"


def _corrupt_xlsx(tmp_path: Path) -> Path:
    path = tmp_path / "broken.xlsx"
    path.write_bytes(b"\x00\x01\x02 not a workbook")
    return path


def _foreign_columns(tmp_path: Path) -> Path:
    path = tmp_path / "other.csv"
    path.write_text("a,b\n1,2\n", encoding="utf-8")
    return path


@pytest.mark.parametrize("make", [_missing, _corrupt_xlsx, _foreign_columns], ids=lambda f: f.__name__.strip("_"))
def test_read_errors_are_json_with_file_and_fix(make, tmp_path, capsys) -> None:
    path = make(tmp_path)
    code, payload, err = _check_json(path, capsys)
    assert code == 2
    assert payload["ok"] is False and payload["read_error"] is True and payload["n_errors"] == 1
    error = payload["errors"][0]
    assert error["file"] == str(path) and error["message"] and error["fix"]
    assert "Traceback" not in err


def test_a_readable_file_gives_the_findings_as_json(instrument, synthetic_responses, tmp_path, capsys) -> None:
    path = tmp_path / "responses.csv"
    synthetic_responses.to_csv(path, index=False)
    code, payload, _ = _check_json(path, capsys)
    assert payload["read_error"] is False
    assert code == (0 if payload["ok"] else 2)
    assert payload["n_rows"] == len(synthetic_responses)
