"""A chunk limits BLAS/OpenMP to one thread with the thread pools found once per process (issue 17: threadpoolctl's
``threadpool_limits`` scanned the loaded libraries again in every chunk, 1.6 ms each)."""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
import threadpoolctl

from alliance_stats.instrument import default_instrument
from alliance_stats.power import execution as E  # noqa: N812
from alliance_stats.power import load_power_plan
from alliance_stats.power import replicate as pw

POWER_PLAN = Path(__file__).resolve().parents[2] / "analyses" / "power.yaml"


def test_chunks_scan_the_thread_pools_once_and_run_single_threaded(monkeypatch):
    plan, confirmatory = load_power_plan(POWER_PLAN)
    ctx = E._context(plan, confirmatory, default_instrument())
    scans = []
    threads_inside = []
    real = threadpoolctl.ThreadpoolController

    class Counting(real):
        def __init__(self) -> None:
            scans.append(1)
            super().__init__()

    analyse = pw.analyse_chunk

    def analyse_and_look(*args):
        threads_inside.extend(lib.get_num_threads() for lib in real().select(user_api="blas").lib_controllers)
        return analyse(*args)

    monkeypatch.setattr(threadpoolctl, "ThreadpoolController", Counting)
    monkeypatch.setattr(pw, "_THREADPOOLS", None, raising=False)
    monkeypatch.setattr(pw, "analyse_chunk", analyse_and_look)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        records = [pw._run_chunk(pw._Task(n_index=0, n_dyads=40, chunk_index=j, first=2 * j, size=2,
                                          seed=plan.seed, context=ctx)) for j in range(3)]
    assert len(scans) == 1
    assert threads_inside and set(threads_inside) == {1}
    assert all(np.asarray(r["p"]).shape[0] == 2 for r in records)
