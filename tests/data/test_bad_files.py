"""Every file of tests/data/bad/ gets exactly the read error or check finding it was made for, names its
row / column / value, and is left byte-for-byte unchanged; the CLI exits 2 without a traceback."""

from __future__ import annotations

import hashlib
import importlib.util
import json
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from alliance_stats.core.errors import ReadError
from alliance_stats.data import RULES, check_responses, read_responses
from alliance_stats.instrument import Instrument

BAD = Path(__file__).resolve().parent / "bad"
ROOT = Path(__file__).resolve().parents[2]


def _load_maker():
    spec = importlib.util.spec_from_file_location("make_bad_files", BAD / "make_bad_files.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules["make_bad_files"] = module
    spec.loader.exec_module(module)
    return module


MAKER = _load_maker()
CASES = MAKER.CASES


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_at_least_fifteen_malformed_files_and_all_committed():
    malformed = [c for c in CASES if c.expect in ("read_error", "error")]
    assert len(malformed) >= 15
    on_disk = {p.name for p in BAD.iterdir() if p.name != "make_bad_files.py" and not p.name.startswith(".")}
    assert on_disk == {c.file for c in CASES}


def test_text_files_are_reproducible_from_the_script():
    for name, payload in MAKER.build_text_files().items():
        assert (BAD / name).read_bytes() == payload, f"{name} differs from what make_bad_files.py writes"


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.file)
def test_bad_file(instrument: Instrument, case):
    path = BAD / case.file
    before = sha(path)
    try:
        if case.expect == "read_error":
            with pytest.raises(ReadError) as info:
                read_responses(path, instrument, salt="s")
            err = info.value
            assert type(err) is ReadError
            assert err.file == str(path) and str(path) in str(err)
            assert err.fix, "a read error must say how to fix it"
            if case.row is not None:
                assert err.row == case.row and f"row {case.row}" in str(err)
            if case.column is not None:
                assert err.column == case.column and case.column in str(err)
            if case.value is not None:
                assert str(err.value) == str(case.value) and str(case.value) in str(err)
            return
        frame = read_responses(path, instrument, salt="s")
        result = check_responses(frame, instrument, file=case.file)
        if case.expect == "ok":
            assert result.ok, result.summary()
            assert not [f for f in result.warning_findings if not f.rule.startswith("careless")], result.summary()
            return
        findings = result.errors if case.expect == "error" else result.warning_findings
        if case.expect == "warning":
            assert result.ok, result.summary()
        assert RULES[case.rule] == case.expect
        matching = [f for f in findings if f.rule == case.rule and f.row == case.row and f.column == case.column]
        assert matching, f"no {case.rule} at row {case.row}, column {case.column}:\n{result.summary()}"
        finding = matching[0]
        if case.value is not None:
            assert finding.value == case.value
        line = finding.line()
        if case.row is not None:
            assert f"row {case.row}" in line
        if case.column is not None:
            assert f"column {case.column}" in line
        if case.value is not None:
            assert str(case.value) in line
        assert finding.message and finding.severity == case.expect
        # only the planted problem: no error of another rule (warnings of other rules may accompany it)
        assert {f.rule for f in result.errors} <= {case.rule, "missing_column", "missing_key", "dyad_size",
                                                   "partner_disagreement"}
    finally:
        assert sha(path) == before, f"{case.file} was modified"


def test_ok_files_read_the_same_answers_as_the_plain_file(instrument: Instrument, tmp_path):
    """The French Excel export, the decimal-comma file, the UTF-16 file and the Kobo export give the frame of
    the plain CSV."""
    plain_path = tmp_path / "plain.csv"
    MAKER.base_frame().to_csv(plain_path, index=False)
    reference = read_responses(plain_path, instrument, salt="s")
    for case in (c for c in CASES if c.expect == "ok"):
        got = read_responses(BAD / case.file, instrument, salt="s")
        pd.testing.assert_frame_equal(got, reference, obj=case.file)


def _cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "alliance_stats.cli", "data", "check", *args], capture_output=True,
                          text=True, cwd=ROOT, timeout=120)


def test_cli_check_exits_2_on_data_errors_without_traceback():
    path = BAD / "code_8.csv"
    before = sha(path)
    done = _cli(str(path))
    assert done.returncode == 2
    assert "Traceback" not in done.stdout + done.stderr
    assert "row 4" in done.stdout and "LINK_2" in done.stdout and "value 8" in done.stdout
    assert sha(path) == before


def test_cli_check_exits_2_on_read_errors_without_traceback():
    done = _cli(str(BAD / "missing_sheet.xlsx"))
    assert done.returncode == 2
    assert "Traceback" not in done.stdout + done.stderr
    assert "sheets found: 'Notes', 'Codebook'" in done.stderr and "Fix:" in done.stderr


def test_cli_check_json_and_exit_0_on_valid_file():
    done = _cli(str(BAD / "decimal_comma_semicolon.csv"), "--json")
    assert done.returncode == 0, done.stderr
    payload = json.loads(done.stdout)
    assert payload["ok"] is True and payload["n_rows"] == 16 and payload["n_errors"] == 0
