"""Power analysis: the pipeline equals the plan's own analysis, results do not depend on workers or backend,
null populations keep their level, bad plans name their line, and the CLI writes a complete run folder.

The batched fits are tested in tests/models/test_kernel.py, the analytic power in tests/power/test_analytic.py.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from alliance_stats.core.errors import PlanError
from alliance_stats.core.results import check_result
from alliance_stats.core.typology import CONFIGURATIONS
from alliance_stats.power import execution as E  # noqa: N812
from alliance_stats.power import (
    load_power_plan,
    power_analysis,
)
from alliance_stats.power import replicate as R  # noqa: N812
from alliance_stats.simulate import SimulationParams

ROOT = Path(__file__).resolve().parents[2]
POWER_PLAN = ROOT / "analyses" / "power.yaml"
CONFIRMATORY = ROOT / "analyses" / "confirmatory.yaml"


@pytest.fixture(scope="module")
def plans():
    return load_power_plan(POWER_PLAN)


def _small(plan, n_dyads, chunk_size=3, population=None):
    update = {"n_dyads": list(n_dyads), "chunk_size": chunk_size}
    if population is not None:
        update["population"] = SimulationParams.model_validate({**plan.population.model_dump(), **population})
    return plan.model_copy(update=update)


def _quiet(func, *args, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return func(*args, **kwargs)


# ------------------------------------------------------------------------ the pipeline mirrors the plan


@pytest.mark.slow
def test_pipeline_equals_fit_logit_and_test_hypotheses(plans):
    """Batched ML (clustered), Firth and the auto rule give the plan's own p values and verdicts."""
    from alliance_stats.instrument import default_instrument
    from alliance_stats.models import LogitSettings, fit_logit, test_hypotheses
    from tests.power.reference_chain import chunk_tables, model_frame  # the per-replicate chain

    plan, confirmatory = plans
    ctx = E._context(plan, confirmatory, default_instrument())
    methods_seen = set()
    for n in (40, 120):
        task = R._Task(n_index=0, n_dyads=n, chunk_index=0, first=0, size=4, seed=11, context=ctx)
        chunk = R._run_chunk(task)
        tables = chunk_tables(ctx, n, 4, R.chunk_seeds(11, 0, 0)[0])
        for r in range(4):
            firms = _quiet(model_frame, ctx, tables[r])["firms"]
            fits = {key: _quiet(fit_logit, firms, spec.outcome, spec.predictors, categorical=dict(spec.categorical),
                                interactions=[tuple(p) for p in spec.interactions], method=spec.method,
                                cluster=spec.cluster,
                                settings=LogitSettings(gee=spec.gee, standardize=tuple(spec.standardize)))
                    for key, spec in ctx.models.items()}
            methods_seen |= {fit.method for fit in fits.values()}
            table = _quiet(test_hypotheses, fits, ctx.hypotheses, alpha=0.05, correction="holm").frame
            np.testing.assert_allclose(chunk["p"][r], table["p"].to_numpy(float), atol=1e-8)
            np.testing.assert_allclose(chunk["p_adjusted"][r], table["p_adjusted"].to_numpy(float), atol=1e-8)
            assert chunk["rejected"][r].tolist() == (table["verdict"] == "supported").tolist()
    assert methods_seen == {"ml", "firth"}


# ------------------------------------------------------------------------------ seeds, workers, backends


@pytest.mark.slow
def test_results_identical_whatever_the_number_of_workers(plans):
    plan, confirmatory = plans
    small = _small(plan, [40, 120])
    one = _quiet(power_analysis, small, confirmatory, reps=6, jobs=1)
    calls = []
    two = _quiet(power_analysis, small, confirmatory, reps=6, jobs=2, progress=lambda a, t: calls.append((a, t)))
    pd.testing.assert_frame_equal(one.replicates, two.replicates, check_exact=True)
    pd.testing.assert_frame_equal(one.power, two.power, check_exact=True)
    assert sum(a for a, _ in calls) == 12 and {t for _, t in calls} == {12}
    # the first replicates do not depend on how many are asked for
    fewer = _quiet(power_analysis, small, confirmatory, reps=3, jobs=1)
    pd.testing.assert_frame_equal(fewer.replicates, one.replicates[one.replicates["replicate"] < 3]
                                  .reset_index(drop=True), check_exact=True)


@pytest.mark.slow
def test_dask_local_cluster_equals_local_run(plans):
    distributed = pytest.importorskip("distributed")
    plan, confirmatory = plans
    small = _small(plan, [40, 80])
    local = _quiet(power_analysis, small, confirmatory, reps=4, jobs=1)
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=False, dashboard_address=None) \
            as cluster:
        remote = _quiet(power_analysis, small, confirmatory, reps=4, backend="dask",
                        scheduler=cluster.scheduler_address)
    pd.testing.assert_frame_equal(local.replicates, remote.replicates, check_exact=True)


@pytest.mark.slow
def test_null_population_keeps_the_level_small(plans):
    """All odds ratios 1: each test rejects at about alpha; Holm keeps the family-wise rate at most alpha."""
    plan, confirmatory = plans
    null = {"odds_ratios": dict.fromkeys(CONFIGURATIONS, 1.0), "or_trust_shared": 1.0,
            "or_trust_constrained": 1.0}
    small = _small(plan, [150], chunk_size=30, population=null)
    result = _quiet(power_analysis, small, confirmatory, reps=120, jobs=2)
    # four simultaneous comparisons on 120 replicates: each within 3 MC SE, their mean within 2 MC SE
    _check_null(result, 120, each=3.0, pooled=True)


@pytest.mark.validate
def test_null_population_keeps_the_level(plans):
    plan, confirmatory = plans
    null = {"odds_ratios": dict.fromkeys(CONFIGURATIONS, 1.0), "or_trust_shared": 1.0,
            "or_trust_constrained": 1.0}
    small = _small(plan, [150], chunk_size=25, population=null)
    result = _quiet(power_analysis, small, confirmatory, reps=1000, jobs=2)
    _check_null(result, 1000, each=2.0, pooled=False)


def _check_null(result, reps, each, pooled):
    mcse = np.sqrt(0.05 * 0.95 / reps)
    unadjusted = result.rejection_rates(adjusted=False).iloc[0]
    for hid, rate in unadjusted.items():
        assert abs(rate - 0.05) <= each * mcse, (hid, rate)
    if pooled:
        assert abs(unadjusted.mean() - 0.05) <= 2 * mcse / np.sqrt(len(unadjusted)), unadjusted.to_dict()
    anywise = float(result.power.query("target == 'any'")["power"].iloc[0])
    assert anywise <= 0.05 + 2 * mcse
    assert (result.rejection_rates(adjusted=True) <= unadjusted + 1e-12).all(axis=None)


# ------------------------------------------------------------------------------------------- bad plans


def _write(tmp_path, text):
    path = tmp_path / "power.yaml"
    path.write_text(f"confirmatory: {CONFIRMATORY}\n" + text, encoding="utf-8")
    return path


@pytest.mark.parametrize("text, line, words", [
    ("n_dyads: [40,\n  12, 80]\n", 3, "too small to form dyads of every configuration"),
    ("population:\n  odds_ratios: {entraide: -1.0, survie: 1.0}\n", 3, "odds ratios must be > 0"),
    ("population:\n  shares:\n    entraide: 0.5\n    survie: 0.25\n", 3, "sum to 1"),
    ("effects:\n  H2: 3.0\n  H9: 2.0\n", 4, "unknown hypothesis id 'H9'"),
    ("effects:\n  H1: 2.0\n", 3, "does not map"),
    ("effects:\n  H3: 0\n", 3, "greater than 0"),
    ("reps: 100\nrepz: 5\n", 3, "unknown key 'repz'"),
    ("population:\n  shares: {entraide: 0.5, parrainage: 0.5, survie: 0.0, contre_nature: 0.0}\n", 3, "share 0"),
])
def test_bad_power_plans_name_the_line(tmp_path, text, line, words):
    path = _write(tmp_path, text)
    with pytest.raises(PlanError) as info:
        load_power_plan(path)
    assert info.value.line == line, str(info.value)
    assert words in str(info.value)
    assert str(path) in str(info.value)


def test_missing_confirmatory_plan_names_the_line(tmp_path):
    path = tmp_path / "power.yaml"
    path.write_text("reps: 10\nconfirmatory: nowhere.yaml\n", encoding="utf-8")
    with pytest.raises(PlanError) as info:
        load_power_plan(path)
    assert info.value.line == 2


def test_effects_and_outcome_reach_the_population(tmp_path):
    path = _write(tmp_path, "effects:\n  H2: 4.0\n  H3: 2.0\n  H4: 0.5\n")
    plan, confirmatory = load_power_plan(path)
    assert plan.population.odds_ratios["entraide"] == 4.0
    assert plan.population.or_trust_shared == 2.0 and plan.population.or_trust_constrained == 0.5
    assert plan.population.crossed.aware_cut == confirmatory.outcome.aware_cut


# -------------------------------------------------------------------------------------- tables and CLI


@pytest.mark.slow
def test_tables_and_figure_in_both_languages(plans):
    plan, confirmatory = plans
    result = _quiet(power_analysis, _small(plan, [40, 80]), confirmatory, reps=3)
    for lang in ("fr", "en"):
        tables = result.to_tables(lang)
        assert set(tables) == {"power", "power_mcse", "sample_size", "power_details"}
        assert list(tables["power"].frame.columns) == ["N = 40", "N = 80"]
        assert len(tables["power"].frame) == len(result.hypotheses) + 3
        assert result.figure(lang) is not None
    assert "Toutes les hypothèses" in result.to_tables("fr")["power"].frame.index[len(result.hypotheses)]
    values = result.power.set_index(["n_dyads", "target"])
    assert ((values["mcse"] - np.sqrt(values["power"] * (1 - values["power"]) / 3)).abs()[
        values["kind"] != "cfa"] < 1e-12).all()
    json.dumps(result.to_dict())
    check_result(result)


@pytest.mark.slow
def test_cli_power_end_to_end(tmp_path):
    out = tmp_path / "run"
    env = {**os.environ, "OMP_NUM_THREADS": "1", "COLUMNS": "160"}
    proc = subprocess.run([sys.executable, "-m", "alliance_stats.cli", "power", str(POWER_PLAN), "--reps", "20",
                           "--jobs", "2", "-o", str(out)], capture_output=True, text=True, cwd=tmp_path, env=env,
                          timeout=300)
    assert proc.returncode == 0, proc.stderr
    assert "120/120" in proc.stderr and "ETA" in proc.stderr
    for name in ("report.html", "report.docx", "results.json", "provenance.json", "warnings.txt"):
        assert (out / name).is_file(), name
    assert sorted(p.suffix for p in (out / "figures").iterdir()) == [".png", ".svg"]
    assert len(list((out / "tables").glob("*.csv"))) == 4
    results = json.loads((out / "results.json").read_text())
    assert {row["target"] for row in results["power"]["power"]} >= {"H1", "H2", "H3", "H4", "familywise", "cfa"}
    provenance = json.loads((out / "provenance.json").read_text())
    assert provenance["seed"] == 20261127 and provenance["reps"] == 20
    assert len(provenance["inputs"]["power_plan"]["sha256"]) == 64
    assert not list(tmp_path.glob(".run.*"))  # no temporary folder left behind
    again = subprocess.run([sys.executable, "-m", "alliance_stats.cli", "power", str(POWER_PLAN), "--reps", "2",
                            "-o", str(out)], capture_output=True, text=True, cwd=tmp_path, env=env, timeout=300)
    assert again.returncode == 2 and "already exists" in again.stderr


def test_cli_bad_power_plan_exits_2_with_the_line(tmp_path, capsys):
    from alliance_stats.cli import main

    path = _write(tmp_path, "n_dyads: [40, 8]\n")
    with pytest.raises(SystemExit) as info:
        main(["power", str(path), "-o", str(tmp_path / "run")])
    assert info.value.code == 2
    err = capsys.readouterr().err
    assert "line 2" in err and "too small" in err
    assert not (tmp_path / "run").exists()
