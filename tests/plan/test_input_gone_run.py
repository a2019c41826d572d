"""An input file that is gone when the report hashes it for the provenance (moved or deleted while the run was
under way) stops the run with a typed error naming the file and the fix: exit status 2, no traceback, nothing
written (plan/runfolder.py::sha256_file)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

import alliance_stats.plan.runner as runner
from alliance_stats.core.errors import ReadError
from alliance_stats.plan.runfolder import sha256_file
from alliance_stats.plan.templates import template
from tests.run_helpers import cli, plan_text


def test_a_missing_file_is_a_read_error_naming_it(tmp_path: Path) -> None:
    gone = tmp_path / "responses.csv"
    with pytest.raises(ReadError) as error:
        sha256_file(gone)
    assert error.value.file == str(gone)
    assert "deleted while the run was under way" in error.value.message
    assert error.value.fix and "put the file back" in error.value.fix


def test_a_folder_in_place_of_the_file_is_a_read_error_naming_it(tmp_path: Path) -> None:
    with pytest.raises(ReadError) as error:
        sha256_file(tmp_path)
    assert error.value.file == str(tmp_path)
    assert "cannot be read" in error.value.message and error.value.fix


@pytest.mark.slow
def test_data_file_deleted_during_the_run_exits_2_without_traceback(tmp_path, capsys, monkeypatch) -> None:
    (tmp_path / "plan.yaml").write_text(plan_text(), encoding="utf-8")
    data = tmp_path / "responses.csv"
    shutil.copyfile(template("data/synthetic_responses.csv"), data)
    render = runner._render

    def delete_then_render(*args, **kwargs):  # every computation is done; the report hashes the inputs first
        data.unlink()
        return render(*args, **kwargs)

    monkeypatch.setattr(runner, "_render", delete_then_render)
    code, out = cli(["run", tmp_path / "plan.yaml", "-o", tmp_path / "out", "--jobs", "1"], capsys)
    assert code == 2, out
    assert "Traceback" not in out and "FileNotFoundError" not in out
    assert out.splitlines()[-2].startswith(f"Error: {data}: the input file is gone"), out
    assert "Fix: put the file back" in out
    assert sorted(p.name for p in tmp_path.iterdir()) == ["plan.yaml"]  # no run folder, not even a temporary one
