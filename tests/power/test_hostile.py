"""Hostile execution options (issue 15 item 9): worker processes capped by CPUs and chunks (with a warning),
``--jobs`` below 1, an unknown backend, an unreachable Dask scheduler, a negative seed and an absurd number of
dyads end in typed errors before any work, exit status 2, no traceback."""

from __future__ import annotations

import os
import subprocess
import sys
import warnings
from pathlib import Path

import pytest

from alliance_stats.core.errors import AllianceStatsError, SpecificationError
from alliance_stats.power import execution as E  # noqa: N812
from alliance_stats.power import load_power_plan, power_analysis

ROOT = Path(__file__).resolve().parents[2]
POWER_PLAN = ROOT / "analyses" / "power.yaml"


def _cli(args: list[str], capsys) -> tuple[int, str]:
    from alliance_stats.cli import main

    with pytest.raises(SystemExit) as info:
        main(args)
    captured = capsys.readouterr()
    return info.value.code, captured.out + captured.err


def test_workers_are_capped_by_cpus_and_chunks():
    assert E.worker_count(10_000, 3, cpus=2)[0] == 2
    assert E.worker_count(50, 1, cpus=8)[0] == 1
    workers, why = E.worker_count(50, 1, cpus=8)
    assert why is not None and "--jobs 50" in why and "1 worker process is used" in why
    assert E.worker_count(2, 10, cpus=2) == (2, None)


@pytest.mark.parametrize("jobs", [0, -1, -10_000])
def test_jobs_below_one_is_a_typed_error(jobs):
    with pytest.raises(SpecificationError, match="--jobs"):
        E.worker_count(jobs, 4, cpus=2)


def test_power_with_too_many_jobs_runs_in_one_process_and_says_so(monkeypatch):
    plan, confirmatory = load_power_plan(POWER_PLAN)
    tiny = plan.model_copy(update={"n_dyads": [40], "chunk_size": 2})

    def no_pool(*args, **kwargs):
        raise AssertionError("a process pool was started for a single chunk")

    import joblib

    monkeypatch.setattr(joblib, "Parallel", no_pool)
    monkeypatch.setattr(E, "_Forked", no_pool)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        many = power_analysis(tiny, confirmatory, reps=2, jobs=10_000)
    messages = [str(w.message) for w in caught]
    assert any("--jobs 10000" in m and "1 worker process is used" in m for m in messages)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        one = power_analysis(tiny, confirmatory, reps=2, jobs=1)
    assert many.power.equals(one.power)


@pytest.mark.parametrize("options, error", [
    ({"backend": "foo"}, SpecificationError),
    ({"jobs": 0}, SpecificationError),
    ({"backend": "dask", "scheduler": "tcp://127.0.0.1:1"}, AllianceStatsError),
    ({"backend": "dask", "scheduler": "no address"}, AllianceStatsError),
])
def test_bad_execution_options_fail_before_any_work(options, error, monkeypatch):
    plan, confirmatory = load_power_plan(POWER_PLAN)

    def no_work(*args, **kwargs):
        raise AssertionError("the power analysis started before checking its options")

    monkeypatch.setattr(E, "_context", no_work)
    with pytest.raises(error):
        power_analysis(plan, confirmatory, reps=1, **options)


@pytest.mark.parametrize("args, words", [
    (["--jobs", "0"], ["--jobs", "Fix:"]),
    (["--jobs", "-4"], ["--jobs", "Fix:"]),
    (["--backend", "foo"], ["unknown backend", "Fix:"]),
    (["--backend", "dask", "--scheduler", "tcp://127.0.0.1:1"], ["no dask scheduler answers", "tcp://127.0.0.1:1"]),
])
def test_power_command_refuses_bad_options_with_exit_2(args, words, tmp_path, capsys):
    out = tmp_path / "run"
    code, text = _cli(["power", str(POWER_PLAN), "--reps", "1", "-o", str(out), *args], capsys)
    assert code == 2
    assert "Traceback" not in text and "Power:" not in text  # no progress bar: nothing started
    for word in words:
        assert word in text
    assert not out.exists()


@pytest.mark.parametrize("args, word", [
    (["--seed", "-1"], "--seed"),
    (["--n-dyads", "0"], "--n-dyads"),
    (["--n-dyads", "2000000000"], "--n-dyads"),
])
def test_simulate_refuses_bad_arguments_before_drawing(args, word, tmp_path):
    """In a subprocess under a 3 GB address-space limit: the unchecked code tries to allocate 15 GB."""
    import resource

    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (3 * 2**30, 3 * 2**30))

    out = tmp_path / "r.csv"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.run([sys.executable, "-m", "alliance_stats.cli", "simulate", "-o", str(out), *args],
                          capture_output=True, text=True, env=env, preexec_fn=limit, timeout=120)
    assert proc.returncode == 2, proc.stderr[-2000:]
    assert "Traceback" not in proc.stderr and word in proc.stderr and "Fix:" in proc.stderr
    assert not out.exists()


def test_simulate_alliances_refuses_too_many_dyads():
    from alliance_stats.simulate import simulate_alliances
    from alliance_stats.simulate.simulator import MAX_DYADS

    with pytest.raises(SpecificationError, match="n_dyads"):
        simulate_alliances(MAX_DYADS + 1, seed=1)


def test_a_power_grid_above_the_simulation_limit_is_a_plan_error_with_its_line(tmp_path):
    import re

    from alliance_stats.core.errors import PlanError

    text = POWER_PLAN.read_text(encoding="utf-8")
    bad = tmp_path / "power.yaml"
    bad.write_text(re.sub(r"(?m)^n_dyads:.*$", "n_dyads: [40, 2000000000]", text, count=1), encoding="utf-8")
    with pytest.raises(PlanError) as info:
        load_power_plan(bad)
    assert info.value.line is not None and "at most" in str(info.value), str(info.value)
