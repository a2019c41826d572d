"""`alliance-stats init DIR`: a study folder ready for `alliance-stats run DIR/plan.yaml`; a user's file is never
overwritten."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from alliance_stats.plan import load_plan
from alliance_stats.plan.study import set_top_level_value
from alliance_stats.plan.templates import packaged_instrument_path, template
from alliance_stats.power.schema import load_power_plan
from tests.run_helpers import cli

EXPECTED = {"plan.yaml", "power.yaml", "alliance_startup.yaml", "seed_cases.csv", "README.md",
            "data/synthetic_responses.csv", "data/synthetic_truth.json"}


def files_of(folder: Path) -> set[str]:
    return {path.relative_to(folder).as_posix() for path in folder.rglob("*") if path.is_file()}


def test_init_creates_a_study_folder_whose_paths_point_inside_it(tmp_path, capsys):
    folder = tmp_path / "study"
    code, out = cli(["init", folder], capsys)
    assert code == 0, out
    assert files_of(folder) == EXPECTED
    assert f"alliance-stats run {folder / 'plan.yaml'}" in out
    plan = load_plan(folder / "plan.yaml")
    assert plan.resolve(plan.instrument) == folder / "alliance_startup.yaml"
    assert plan.resolve(plan.seed_cases) == folder / "seed_cases.csv"
    assert plan.resolve(plan.data) == folder / "data" / "synthetic_responses.csv"
    assert (folder / "alliance_startup.yaml").read_bytes() == packaged_instrument_path().read_bytes()
    assert (folder / "data" / "synthetic_responses.csv").read_bytes() == \
        template("data/synthetic_responses.csv").read_bytes()
    # only the paths changed: the rest of the plan, comments included, is the packaged one
    packaged = template("confirmatory.yaml").read_text(encoding="utf-8").splitlines()
    copied = (folder / "plan.yaml").read_text(encoding="utf-8").splitlines()
    assert [(a, b) for a, b in zip(packaged, copied, strict=True) if a != b] == [
        ("instrument: ../surveys/alliance_startup.yaml", "instrument: alliance_startup.yaml"),
        ("seed_cases: ../surveys/seed_cases.csv", "seed_cases: seed_cases.csv"),
    ]
    _, confirmatory = load_power_plan(folder / "power.yaml")
    assert confirmatory.path == folder / "plan.yaml"
    readme = (folder / "README.md").read_text(encoding="utf-8")
    for step in (f"alliance-stats run {folder.as_posix()}/plan.yaml -o {folder.as_posix()}/reports/first",
                 "alliance-stats data check", "alliance-stats survey export", "alliance-stats power", "SYNTHETIC"):
        assert step in readme
    assert "$" not in readme  # every placeholder filled


@pytest.mark.slow  # a whole run: the session's packaged_study_run (tests/conftest.py), also read by
@pytest.mark.xdist_group("packaged_run")  # tests/measurement/test_demo_results_pinned.py
def test_init_then_run_the_created_plan_end_to_end(packaged_study_run):
    folder = packaged_study_run.parents[1]  # the study made by `alliance-stats init`
    assert packaged_study_run == folder / "reports" / "first"
    results = json.loads((folder / "reports" / "first" / "results.json").read_text(encoding="utf-8"))
    assert results["synthetic"] is True
    assert {"reliability", "models", "hypotheses", "seed_cases"} <= set(results["tables"])
    provenance = json.loads((folder / "reports" / "first" / "provenance.json").read_text(encoding="utf-8"))
    assert provenance["inputs"]["instrument"]["file"] == "alliance_startup.yaml"
    assert provenance["inputs"]["data"]["file"] == "synthetic_responses.csv"


def test_init_into_an_empty_existing_folder(tmp_path, capsys):
    code, out = cli(["init", tmp_path], capsys)
    assert code == 0, out
    assert files_of(tmp_path) == EXPECTED


@pytest.mark.parametrize("existing", ["plan.yaml", "notes.txt", "data/responses.csv"])
def test_init_refuses_a_folder_that_is_not_empty_and_writes_nothing(tmp_path, capsys, existing):
    mine = tmp_path / existing
    mine.parent.mkdir(parents=True, exist_ok=True)
    mine.write_text("my own work")
    before = files_of(tmp_path)
    code, out = cli(["init", tmp_path], capsys)
    assert code == 2
    assert "Traceback" not in out and out.startswith("Error: ")
    assert "not empty" in out and str(tmp_path) in out
    assert files_of(tmp_path) == before
    assert mine.read_text() == "my own work"


def test_init_refuses_a_file(tmp_path, capsys):
    target = tmp_path / "study"
    target.write_text("a file")
    code, out = cli(["init", target], capsys)
    assert code == 2 and "Traceback" not in out and "not a folder" in out
    assert target.read_text() == "a file"


def test_set_top_level_value_refuses_a_missing_or_repeated_key():
    with pytest.raises(RuntimeError, match="0 top-level 'instrument:'"):
        set_top_level_value("data: x.csv\n", "instrument", "i.yaml")
    with pytest.raises(RuntimeError, match="2 top-level"):
        set_top_level_value("a: 1\na: 2\n", "a", "3")
    assert set_top_level_value("a: 1\n  a: 2\n", "a", "3") == "a: 3\n  a: 2\n"  # nested keys are not touched
