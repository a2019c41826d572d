"""Issue 15, items 1-4 and 7 at the command line: nothing of the user's is lost, output checked before work.

Each test fails on the code before the fix: ``--force`` deleted any folder and renamed files away, atomic
writes replaced links, pipes and devices, bad output paths ended in tracebacks (or after the whole run),
SIGTERM left the hidden temporary folder, SIGINT exited silently, and ANSI/OSC sequences in the data reached
the terminal.
"""

from __future__ import annotations

import os
import signal
import stat
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pandas as pd
import pytest

from alliance_stats.cli import main
from alliance_stats.plan.templates import template

REPO = Path(__file__).resolve().parents[1]
EXPORT = ["survey", "export", "--format", "markdown", "--lang", "en"]


def _cli(argv: list[str]) -> int:
    with pytest.raises(SystemExit) as exit_info:
        main(argv)
    return int(exit_info.value.code or 0)


# ------------------------------------------------------------------------------------- item 1: --force


def test_run_force_refuses_a_folder_of_the_user_before_any_computation(tmp_path, capsys):
    thesis = tmp_path / "thesis"
    thesis.mkdir()
    (thesis / "chapter1.tex").write_text("three years of work")
    assert _cli(["run", "-o", str(thesis), "--force"]) == 2
    assert (thesis / "chapter1.tex").read_text() == "three years of work"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["thesis"]  # no temporary folder either
    err = capsys.readouterr().err
    assert "not a run folder" in err and str(thesis) in err and "Traceback" not in err


def test_run_force_refuses_a_file(tmp_path, capsys):
    notes = tmp_path / "notes.txt"
    notes.write_text("mine")
    assert _cli(["run", "-o", str(notes), "--force"]) == 2
    assert notes.read_text() == "mine" and sorted(p.name for p in tmp_path.iterdir()) == ["notes.txt"]
    assert "never replaced" in capsys.readouterr().err


def test_power_force_refuses_a_folder_of_the_user(tmp_path, capsys):
    study = tmp_path / "study"
    assert _cli(["init", str(study)]) == 0
    capsys.readouterr()
    analyses = tmp_path / "analyses"
    analyses.mkdir()
    (analyses / "plan.yaml").write_text("my plan")
    assert _cli(["power", str(study / "power.yaml"), "--reps", "1", "-o", str(analyses), "--force"]) == 2
    assert (analyses / "plan.yaml").read_text() == "my plan"
    assert "not a run folder" in capsys.readouterr().err


# ------------------------------------------------------------------------ item 2: links, pipes, devices


def test_export_writes_through_a_symbolic_link(tmp_path, capsys):
    real = tmp_path / "real.md"
    real.write_text("old")
    link = tmp_path / "link.md"
    link.symlink_to(real)
    assert _cli([*EXPORT, "-o", str(link)]) == 0
    assert link.is_symlink() and os.readlink(link) == str(real)
    assert real.read_text(encoding="utf-8").startswith("# Alliances between very small firms")


def test_export_writes_into_a_pipe_without_replacing_it(tmp_path, capsys):
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    reader = os.open(fifo, os.O_RDONLY | os.O_NONBLOCK)  # a reader is there: the writer's open does not block
    try:
        assert _cli([*EXPORT, "-o", str(fifo)]) == 0
        received = os.read(reader, 1 << 20)
    finally:
        os.close(reader)
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)
    assert received.decode("utf-8").startswith("# Alliances between very small firms")


@pytest.mark.slow  # a subprocess that imports the package
def test_export_to_standard_output_prints_the_export(tmp_path):
    # a link to /dev/stdout, not /dev/stdout itself: the code before the fix replaced the target (as root,
    # the machine's /dev/stdout); here it could only replace the link in tmp_path
    link = tmp_path / "stdout"
    link.symlink_to("/dev/stdout")
    done = subprocess.run([sys.executable, "-m", "alliance_stats.cli", *EXPORT, "-o", str(link)],
                          capture_output=True, text=True, cwd=tmp_path, env=_env(), check=False)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("# Alliances between very small firms")
    assert "written to" in done.stderr  # the confirmation does not pollute the export
    assert link.is_symlink()


def test_export_to_a_full_device_is_a_typed_error(tmp_path, capsys):
    link = tmp_path / "full"
    link.symlink_to("/dev/full")
    assert _cli([*EXPORT, "-o", str(link)]) == 2
    err = capsys.readouterr().err
    assert "could not write" in err and "Traceback" not in err
    assert link.is_symlink() and stat.S_ISCHR(os.stat("/dev/full").st_mode)


# ------------------------------------------------------------------- item 3: output locations checked


@pytest.mark.parametrize("case", ["under_a_file", "folder", "missing_parent"])
def test_export_output_location_is_checked(tmp_path, capsys, case):
    (tmp_path / "afile").write_text("x")
    (tmp_path / "afolder").mkdir()
    output = {"under_a_file": tmp_path / "afile" / "x.md", "folder": tmp_path / "afolder",
              "missing_parent": tmp_path / "nofolder" / "x.md"}[case]
    assert _cli([*EXPORT, "-o", str(output)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("Error: ") and "Fix:" in err and "Traceback" not in err
    assert not (tmp_path / "nofolder").exists() and (tmp_path / "afile").read_text() == "x"


def test_unwritable_folder_is_refused_before_the_simulation(tmp_path, capsys, monkeypatch):
    locked = tmp_path / "locked"
    locked.mkdir()
    real_access = os.access

    def access(path, mode, **kwargs):  # as root every folder is writable: simulate a read-only one
        if Path(path) == locked and mode & os.W_OK:
            return False
        return real_access(path, mode, **kwargs)

    monkeypatch.setattr(os, "access", access)
    assert _cli(["simulate", "--n-dyads", "5", "-o", str(locked / "r.csv")]) == 2
    assert "not writable" in capsys.readouterr().err and not any(locked.iterdir())


def test_run_output_under_a_file_is_refused_before_any_computation(tmp_path, capsys):
    (tmp_path / "afile").write_text("x")
    assert _cli(["run", "-o", str(tmp_path / "afile" / "run")]) == 2
    err = capsys.readouterr().err
    assert "is a file" in err and "Traceback" not in err and "Reading" not in err


# ------------------------------------------------------------------------------ item 4: SIGTERM, SIGINT

_SLOW_WRITE = """
import sys, time
from pathlib import Path
from alliance_stats.plan import runfolder

original = runfolder.write_files

def slow(folder, files, **kwargs):
    original(folder, files, **kwargs)
    Path(sys.argv[1]).write_text(str(folder))
    time.sleep(120)

runfolder.write_files = slow
from alliance_stats.cli import main
main(["init", sys.argv[2]])
"""


def _env() -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(REPO) + os.pathsep + os.environ.get("PYTHONPATH", "")}


@pytest.mark.slow  # a subprocess that imports the package
@pytest.mark.parametrize(("signum", "status", "name"), [(signal.SIGTERM, 143, "SIGTERM"),
                                                        (signal.SIGINT, 130, "SIGINT")])
def test_signal_during_the_write_removes_the_temporary_folder_and_says_so(tmp_path, signum, status, name):
    marker, study = tmp_path / "writing", tmp_path / "study"
    process = subprocess.Popen([sys.executable, "-c", textwrap.dedent(_SLOW_WRITE), str(marker), str(study)],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=_env())
    try:
        while not marker.exists() and process.poll() is None:  # wait until the files are in the temp folder
            time.sleep(0.02)
        assert process.poll() is None, process.communicate()
        temporary = Path(marker.read_text())
        assert temporary.is_dir() and temporary.name.startswith(".study.")
        process.send_signal(signum)
        out, err = process.communicate(timeout=60)
    finally:
        if process.poll() is None:
            process.kill()
    assert process.returncode == status, err
    assert f"Stopped by {name}" in err and "was removed" in err and str(temporary) in err
    assert "Traceback" not in err
    assert not temporary.exists() and not study.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["writing"]


# --------------------------------------------------------------------- item 7: escapes in the console


def test_data_check_escapes_terminal_sequences_from_the_data(tmp_path, capsys):
    frame = pd.read_csv(template("data/synthetic_responses.csv"), dtype=str, keep_default_na=False)
    frame.loc[0, "resp_id"] = "R\x1b]0;pwned\x07\x1b[31mRED\x9b2J"
    frame.loc[0, "ATTN_1"] = "7"  # a finding that names the respondent
    path = tmp_path / "hostile.csv"
    frame.to_csv(path, index=False)
    _cli(["data", "check", str(path)])
    out = capsys.readouterr().out
    assert "pwned" in out and "\x1b" not in out and "\x07" not in out and "\x9b" not in out
    assert "R\\x1b]0;pwned\\x07\\x1b[31mRED\\x9b2J" in out
    _cli(["data", "check", "--json", str(path)])
    out = capsys.readouterr().out
    assert "pwned" in out and "\x1b" not in out and "\x9b" not in out
