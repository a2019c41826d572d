"""The packaged plans and data (alliance_stats/plan/templates): identical to the copies a user edits, and the
packaged plan's paths resolve inside the package."""

from __future__ import annotations

from pathlib import Path

import pytest

import alliance_stats
from alliance_stats.plan import load_plan
from alliance_stats.plan.templates import (
    STUDY_FILES,
    default_plan_path,
    is_packaged,
    packaged_file,
    packaged_instrument_path,
    template,
)
from alliance_stats.power.schema import load_power_plan

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = Path(alliance_stats.__file__).resolve().parent

#: packaged file -> the top-level copy a user edits
COPIES = {
    "confirmatory.yaml": "analyses/confirmatory.yaml",
    "power.yaml": "analyses/power.yaml",
    "data/synthetic_responses.csv": "analyses/data/synthetic_responses.csv",
    "data/synthetic_truth.json": "analyses/data/synthetic_truth.json",
    "seed_cases.csv": "surveys/seed_cases.csv",
}


@pytest.mark.parametrize(("packaged", "top"), COPIES.items(), ids=list(COPIES))
def test_packaged_copy_is_identical_to_the_top_level_one(packaged, top):
    assert template(packaged).read_bytes() == (ROOT / top).read_bytes(), (
        f"alliance_stats/plan/templates/{packaged} differs from {top}: copy the edited one over the other")


def test_packaged_instrument_is_identical_to_the_top_level_one():
    assert packaged_instrument_path().read_bytes() == (ROOT / "surveys" / "alliance_startup.yaml").read_bytes()


def test_every_study_file_is_packaged():
    assert set(STUDY_FILES) <= set(COPIES)
    assert all(template(name).is_file() for name in [*STUDY_FILES, "study_readme.md"])


def test_packaged_plan_resolves_every_path_inside_the_package():
    plan = load_plan(default_plan_path())
    assert is_packaged(plan.path)
    for relative in (plan.data, plan.instrument, plan.seed_cases):
        path = plan.resolve(relative)
        assert path.is_file(), relative
        assert path.resolve().is_relative_to(PACKAGE), f"{relative} -> {path} is outside the package"
    assert plan.resolve(plan.data) == template("data/synthetic_responses.csv")
    assert plan.resolve(plan.instrument) == packaged_instrument_path()


def test_the_same_paths_in_a_user_plan_resolve_against_its_folder(tmp_path):
    path = tmp_path / "plan.yaml"
    path.write_bytes(default_plan_path().read_bytes())
    plan = load_plan(path)
    assert not is_packaged(plan.path)
    assert plan.resolve(plan.instrument) == (tmp_path / ".." / "surveys" / "alliance_startup.yaml").resolve()
    assert plan.resolve(plan.data) == tmp_path / "data" / "synthetic_responses.csv"


def test_a_path_outside_the_map_resolves_against_the_templates_folder():
    assert packaged_file("data/synthetic_responses.csv") is None
    assert packaged_file("../surveys/other.yaml") is None


def test_packaged_power_plan_finds_the_packaged_confirmatory_plan():
    _, confirmatory = load_power_plan(template("power.yaml"))
    assert confirmatory.path == default_plan_path()
    assert confirmatory.resolve(confirmatory.instrument) == packaged_instrument_path()
