"""Issue 15, items 1-3 in the run folder writer: ``--force`` replaces only an earlier run folder of the tool,
links and devices are written in place, output locations are checked before any computation.
"""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import pytest

from alliance_stats.core.errors import AllianceStatsError
from alliance_stats.plan.runfolder import (
    OutputError,
    check_output_file,
    check_run_folder,
    is_run_folder,
    write_bytes_atomic,
    write_run,
)

FILES = {"report.html": b"<html></html>", "provenance.json": b'{"tool": "alliance-stats"}'}


def test_force_refuses_a_folder_without_provenance(tmp_path):
    thesis = tmp_path / "thesis"
    (thesis / "chapters").mkdir(parents=True)
    (thesis / "chapters" / "one.tex").write_text("mine")
    with pytest.raises(OutputError, match="not a run folder") as error:
        write_run(thesis, True, FILES)
    assert error.value.file == str(thesis) and "nothing was deleted" in str(error.value)
    assert (thesis / "chapters" / "one.tex").read_text() == "mine"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["thesis"]


@pytest.mark.parametrize("provenance", [b'{"tool": "other-tool"}', b"not json", b"[1, 2]",
                                        b'{"versions": {"numpy": "2.0"}, "time": "2026"}'])
def test_force_refuses_a_provenance_of_another_tool(tmp_path, provenance):
    folder = tmp_path / "other"
    folder.mkdir()
    (folder / "provenance.json").write_bytes(provenance)
    (folder / "data.csv").write_text("keep")
    with pytest.raises(OutputError, match="not a run folder"):
        write_run(folder, True, FILES)
    assert (folder / "data.csv").read_text() == "keep"


def test_force_refuses_a_file_and_a_link(tmp_path):
    notes = tmp_path / "notes.txt"
    notes.write_text("mine")
    with pytest.raises(OutputError, match="never replaced"):
        write_run(notes, True, FILES)
    assert notes.read_text() == "mine"
    run = tmp_path / "run"
    write_run(run, False, FILES)
    link = tmp_path / "link"
    link.symlink_to(run)
    with pytest.raises(OutputError, match="symbolic link"):
        write_run(link, True, FILES)
    assert link.is_symlink() and (run / "report.html").exists()


@pytest.mark.parametrize("provenance", [{"tool": "alliance-stats", "kind": "run"},
                                        {"versions": {"alliance-stats": "0.1.0"}, "time": "2026-12-01T00:00:00"}])
def test_force_replaces_an_earlier_run_folder(tmp_path, provenance):
    run = tmp_path / "run"
    run.mkdir()
    (run / "provenance.json").write_text(json.dumps(provenance))
    (run / "old.txt").write_text("old")
    assert is_run_folder(run)
    write_run(run, True, FILES)
    assert sorted(p.name for p in run.iterdir()) == ["provenance.json", "report.html"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["run"]  # no .old or .tmp folder left


def test_existing_run_folder_needs_force(tmp_path):
    write_run(tmp_path / "run", False, FILES)
    with pytest.raises(OutputError, match="already exists"):
        check_run_folder(tmp_path / "run", False)


def test_write_bytes_atomic_keeps_links_and_pipes(tmp_path):
    real = tmp_path / "real.csv"
    real.write_text("old")
    link = tmp_path / "link.csv"
    link.symlink_to(real)
    write_bytes_atomic(link, b"new")
    assert link.is_symlink() and real.read_bytes() == b"new"
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    reader = os.open(fifo, os.O_RDONLY | os.O_NONBLOCK)
    try:
        write_bytes_atomic(fifo, b"through the pipe")
        assert os.read(reader, 100) == b"through the pipe"
    finally:
        os.close(reader)
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["fifo", "link.csv", "real.csv"]


def test_write_bytes_atomic_to_a_dangling_link_creates_its_target(tmp_path):
    link = tmp_path / "link.csv"
    link.symlink_to(tmp_path / "target.csv")
    write_bytes_atomic(link, b"x")
    assert link.is_symlink() and (tmp_path / "target.csv").read_bytes() == b"x"


@pytest.mark.parametrize(("relative", "message"), [("afile/x.csv", "is a file"), ("afolder", "is a folder"),
                                                   ("missing/x.csv", "does not exist")])
def test_output_file_locations_are_typed_errors(tmp_path, relative, message):
    (tmp_path / "afile").write_text("x")
    (tmp_path / "afolder").mkdir()
    with pytest.raises(OutputError, match=message) as error:
        check_output_file(tmp_path / relative)
    assert isinstance(error.value, AllianceStatsError) and error.value.fix
    with pytest.raises(OutputError):
        write_bytes_atomic(tmp_path / relative, b"payload")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["afile", "afolder"]
    assert not any((tmp_path / "afolder").iterdir())


def test_run_folder_under_a_file_or_unwritable(tmp_path, monkeypatch):
    (tmp_path / "afile").write_text("x")
    with pytest.raises(OutputError, match="is a file"):
        check_run_folder(tmp_path / "afile" / "deeper" / "run", False)
    real_access = os.access
    monkeypatch.setattr(os, "access", lambda path, mode, **kw: False if Path(path) == tmp_path
                        else real_access(path, mode, **kw))
    with pytest.raises(OutputError, match="not writable"):
        check_run_folder(tmp_path / "new" / "run", False)
