"""``alliance-stats survey export`` end to end, for every format and language."""

from __future__ import annotations

import io
import json
from pathlib import Path

import openpyxl
import pyreadstat
import pytest

from alliance_stats.cli import main
from alliance_stats.instrument import DEFAULT_INSTRUMENT_PATH
from alliance_stats.instrument.export import EXPORT_FORMATS, export_instrument
from tests.instrument.helpers import line_of, variant

DETERMINISTIC = ("limesurvey", "html", "markdown", "codebook-json", "codebook-csv")


def _run(argv: list[str]) -> int:
    with pytest.raises(SystemExit) as caught:
        main(argv)
    return caught.value.code


@pytest.mark.parametrize("fmt", EXPORT_FORMATS)
def test_survey_export_every_format(tmp_path, instrument, fmt):
    for lang in ("fr", "en", "both"):
        out = tmp_path / f"{fmt}_{lang}.out"
        code = _run(["survey", "export", "--format", fmt, "--lang", lang, "-o", str(out),
                     "--instrument", str(DEFAULT_INSTRUMENT_PATH)])
        assert code == 0
        payload = out.read_bytes()
        assert payload
        if fmt in DETERMINISTIC:
            assert payload == export_instrument(instrument, fmt, lang)
        elif fmt == "xlsform":
            assert openpyxl.load_workbook(io.BytesIO(payload)).sheetnames == ["survey", "choices", "settings"]
        else:
            _, meta = pyreadstat.read_sav(str(out))
            assert meta.column_names == instrument.variable_names()
    assert not list(tmp_path.glob(".*.tmp"))  # atomic write leaves no temporary file


def test_survey_export_default_instrument_and_language(tmp_path, monkeypatch, instrument):
    monkeypatch.chdir(Path(__file__).resolve().parents[2])  # the repository (surveys/ here)
    out = tmp_path / "codebook.json"
    assert _run(["survey", "export", "--format", "codebook-json", "-o", str(out)]) == 0
    assert [v["name"] for v in json.loads(out.read_text("utf-8"))["variables"]] == instrument.variable_names()


def test_survey_export_reports_a_bad_instrument_without_traceback(tmp_path, yaml_text, capsys):
    path, text = variant(tmp_path, yaml_text, "choices: sector\n", "choices: sectors\n")
    code = _run(["survey", "export", "--format", "html", "-o", str(tmp_path / "x.html"), "--instrument", str(path)])
    assert code == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err and f"line {line_of(text, 'choices: sectors')}" in err
    assert "unknown choice list 'sectors'" in err
    assert not (tmp_path / "x.html").exists()


def test_survey_export_rejects_an_unknown_format(tmp_path):
    assert _run(["survey", "export", "--format", "pdf", "-o", str(tmp_path / "x")]) == 2
