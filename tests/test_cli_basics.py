"""The command line: --version, --help on every command, user errors exit 2 without a traceback."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from alliance_stats import __version__
from alliance_stats.cli import main

COMMANDS = [[], ["init"], ["run"], ["simulate"], ["power"], ["survey"], ["survey", "export"], ["data"],
            ["data", "check"]]


def _run(args: list[str], capsys) -> tuple[int, str]:
    with pytest.raises(SystemExit) as info:
        main(args)
    captured = capsys.readouterr()
    return info.value.code, captured.out + captured.err


def test_version(capsys):
    code, out = _run(["--version"], capsys)
    assert code == 0
    assert out.strip() == f"alliance-stats {__version__}"


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: " ".join(c) or "root")
def test_help_on_every_command(command, capsys):
    code, out = _run([*command, "--help"], capsys)
    assert code == 0
    assert "Usage" in out


@pytest.mark.parametrize(
    "args",
    [
        ["run", "no/such/plan.yaml"],
        ["data", "check", "no/such/file.csv"],
        ["power", "no/such/power.yaml"],
    ],
)
def test_missing_input_exits_2_without_traceback(args, capsys):
    code, out = _run(args, capsys)
    assert code == 2
    assert "Traceback" not in out
    assert "no/such" in out


def test_console_script_is_installed():
    result = subprocess.run([sys.executable, "-m", "alliance_stats.cli", "--version"], capture_output=True,
                            text=True, check=False)
    assert result.returncode == 0
    assert __version__ in result.stdout


def test_a_folder_given_as_plan_is_named_as_such(tmp_path, capsys):
    code, out = _run(["run", str(tmp_path)], capsys)
    assert code == 2 and "this is a folder, not a YAML file" in out and "Traceback" not in out


def test_survey_export_finds_the_project_instrument_from_any_folder(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)  # no surveys/ folder here
    code, out = _run(["survey", "export", "--format", "codebook-csv", "-o", "codebook.csv"], capsys)
    assert code == 0, out
    assert "LINK_1" in (tmp_path / "codebook.csv").read_text(encoding="utf-8")


def test_run_without_a_plan_runs_the_packaged_plan(monkeypatch, tmp_path, capsys):
    import alliance_stats.plan
    from alliance_stats.plan.templates import default_plan_path

    seen = {}

    def fake_run_plan(plan, **kwargs):
        seen["plan"], seen["output"] = plan.path, kwargs["output"]
        return kwargs["output"]

    monkeypatch.setattr(alliance_stats.plan, "run_plan", fake_run_plan)
    code, out = _run(["run", "-o", str(tmp_path / "demo")], capsys)
    assert code == 0, out
    assert seen == {"plan": default_plan_path(), "output": tmp_path / "demo"}


def test_flags_show_no_value_type_in_the_help(capsys):
    """``--version``, ``--force`` and ``--help`` take no value: the help must not show ``<bool>`` (issue 15 item 16)."""
    for argv in (["--help"], ["run", "--help"], ["data", "check", "--help"]):
        with pytest.raises(SystemExit):
            main(argv)
        out = capsys.readouterr().out
        assert "--help" in out and "<bool>" not in out, out


def test_the_command_line_starts_without_the_analysis_libraries():
    """Importing the command line (``alliance-stats --help``, and every command before its own imports) loads
    neither the analysis libraries nor the package metadata: each command imports what it uses."""
    heavy = ["importlib.metadata", "matplotlib", "numpy", "pandas", "pydantic", "scipy", "yaml"]
    code = f"import sys, alliance_stats.cli; print(sorted(set({heavy!r}) & set(sys.modules)))"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                            cwd=Path(__file__).resolve().parents[1])
    assert result.stdout.strip() == "[]"


def test_the_run_command_loads_the_plan_with_the_cyclic_collector_off(monkeypatch, tmp_path, capsys):
    """The run's start (its modules, the plan) makes no garbage worth collecting: the collector is off then (the
    run turns it on once its data are prepared: tests/plan/test_runner.py), and as it was after the command."""
    import gc

    from alliance_stats.core.errors import PlanError
    from alliance_stats.plan import schema

    seen = []

    def load_plan(path):
        seen.append(gc.isenabled())
        raise PlanError("stopped by the test", file=str(path))

    monkeypatch.setattr(schema, "load_plan", load_plan)
    assert gc.isenabled()
    code, out = _run(["run", str(tmp_path / "plan.yaml")], capsys)
    assert (code, seen, gc.isenabled()) == (2, [False], True)
    assert "stopped by the test" in out


def test_the_commands_annotations_are_evaluated_once_at_import():
    """typer reads the commands' parameters from their annotations at each start: kept as text (postponed
    evaluation) they would be evaluated again then, every command's."""
    import inspect

    from alliance_stats import cli

    commands = [f for f in vars(cli).values() if inspect.isfunction(f) and f.__module__ == cli.__name__]
    assert len(commands) > 8
    assert not [f.__name__ for f in commands if any(isinstance(a, str) for a in f.__annotations__.values())]
