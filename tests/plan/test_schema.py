"""The plan loader (alliance_stats.plan.schema) and the checks against the instrument (plan.checks): a valid
plan loads, every mistake is a PlanError naming the file and the line."""

from __future__ import annotations

from pathlib import Path

import pytest

from alliance_stats.core.errors import PlanError
from alliance_stats.plan import load_plan

ROOT = Path(__file__).resolve().parents[2]
PLAN = ROOT / "analyses" / "confirmatory.yaml"


def test_default_plan_loads_with_paths_relative_to_it():
    plan = load_plan(PLAN)
    assert plan.resolve(plan.data) == ROOT / "analyses" / "data" / "synthetic_responses.csv"
    assert set(plan.models) == {"M1", "M2", "M3"}
    assert [h.id for h in plan.hypotheses] == ["H1", "H2", "H3", "H4", "H5"]
    assert plan.synthetic is True


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "plan.yaml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("text", "line", "needle"),
    [
        ("title: {fr: a, en: b}\ndata: x.csv\nsede: 3\n", 3, "unknown key 'sede'"),
        ("title: {fr: a, en: b}\ndata: x.csv\nseed: -1\n", 3, "seed"),
        ("title: {fr: a, en: b}\ndata: x.csv\ntypology:\n  cut: middle\n", 4, "typology.cut"),
        ("title: {fr: a}\ndata: x.csv\n", 1, "title.en"),
        ("title: {fr: a, en: b}\ndata: x.csv\nmodels:\n  M1:\n    predictors: [a]\n    method: bayes\n", 6, "method"),
        ("title: {fr: a, en: b}\ndata: [x.csv\n", 2, "not valid YAML"),
        ("title: {fr: a, en: b}\ndata: x.csv\nseed: 1\nseed: 2\n", 4, "given twice"),
    ],
)
def test_plan_errors_name_the_line(tmp_path, text, line, needle):
    path = _write(tmp_path, text)
    before = path.read_bytes()
    with pytest.raises(PlanError) as info:
        load_plan(path)
    err = info.value
    assert err.line == line, str(err)
    assert needle in str(err)
    assert str(path) in str(err)
    assert path.read_bytes() == before


def test_duplicate_hypothesis_ids_rejected(tmp_path):
    text = (
        "title: {fr: a, en: b}\ndata: x.csv\nhypotheses:\n"
        "  - {id: H1, statement: {fr: a, en: b}, model: M1, term: x}\n"
        "  - {id: H1, statement: {fr: a, en: b}, model: M1, term: y}\n"
    )
    with pytest.raises(PlanError, match="used twice"):
        load_plan(_write(tmp_path, text))


def test_missing_plan_file(tmp_path):
    with pytest.raises(PlanError, match="file not found"):
        load_plan(tmp_path / "nope.yaml")


def test_yaml_python_tags_are_not_executed(tmp_path):
    text = "title: !!python/object/apply:os.system ['echo pwned']\ndata: x.csv\n"
    with pytest.raises(PlanError):
        load_plan(_write(tmp_path, text))


def _checked(tmp_path: Path, instrument, extra: str, replace: tuple[str, str] | None = None) -> None:
    from alliance_stats.plan import check_plan

    text = PLAN.read_text(encoding="utf-8")
    if replace is not None:
        assert replace[0] in text
        text = text.replace(replace[0], replace[1])
    path = tmp_path / "plan.yaml"
    path.write_text(text + extra, encoding="utf-8")
    check_plan(load_plan(path), instrument)


@pytest.mark.parametrize(
    ("extra", "replace", "needle"),
    [
        ("power_run: no_such_run\n", None, "power_run has no results.json"),
        ("", ("predictors: [trust_shared, trust_constrained,", "predictors: [AWARE, trust_constrained,"),
         "'AWARE' defines the outcome"),
        ("", ("categorical: {configuration: survie}", "categorical: {configuration: survival}"),
         "unknown reference level 'survival'"),
        ("", ("term: trust_shared", "term: trust_sharing"), "'trust_sharing' is not a term of model M3"),
        ("", ("predictors: [link, symmetry,", "predictors: [lnk, symmetry,"), "unknown predictor 'lnk'"),
        ("", ("cut: midpoint ", "cut: 9.5 "), "not inside the 1-7 scale"),
        ("", ("mediator: LEARN", "mediator: TRANSF"), "cannot be the mediator of crossed"),
    ],
)
def test_plan_checked_against_the_instrument_names_the_line(tmp_path, instrument, extra, replace, needle):
    with pytest.raises(PlanError) as info:
        _checked(tmp_path, instrument, extra, replace)
    assert needle in str(info.value)
    assert info.value.line is not None


def test_default_plan_passes_the_instrument_checks(tmp_path, instrument):
    _checked(tmp_path, instrument, "")
