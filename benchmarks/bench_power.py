"""Benchmark of the power analysis (issues 7 and 17).

1. Per-replicate cost by stage at N = 200 dyads (one process, one thread, chunks of the plan's 25 replicates),
   wall and CPU time, for the two ways of drawing a chunk's replicates: one ``simulate_alliances`` draw per
   replicate seed (``simulate_arrays``, the power analysis's streams until issue 17, session 6) and one draw for
   the whole chunk (``simulate_batch``, one stream); every later stage is the same code in both columns
   (:mod:`alliance_stats.power.frames`, the fits, the cluster check), run on the replicates each drew. For the
   cost of the other stages before session 6, run this file at commit c891c34; for the per-replicate chain of
   public functions (before issue 17), at commit 0cf48d9.
2. The whole grid of ``analyses/power.yaml`` (6 values of N) with ``--grid-reps`` replicates per N and
   ``--jobs`` worker processes: wall time, CPU time of this process and its workers, the chunks' CPU per
   replicate at each N and the CPU spent around the chunks (plan, context, workers, summary), when the workers
   were forked and how long the summary took (``--chunks 0`` skips part 1).
1b. With ``--cluster-detail``: stage 6 (the cluster check) by part: k-means seeding, Lloyd iterations, the EM
   grid, the rest, and the EM of each covariance type alone.

Usage::

    .venv/bin/python benchmarks/bench_power.py                    # stages on 3 chunks, grid with 1000 reps
    .venv/bin/python benchmarks/bench_power.py --grid-reps 100    # smaller grid, extrapolated to 1000
"""

from __future__ import annotations

import argparse
import os
import resource
import time
import warnings
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import numpy as np  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
CHUNK = 25  # replicates per chunk, the chunk_size of analyses/power.yaml


class _Clock:
    def __init__(self) -> None:
        self.wall: Counter[str] = Counter()
        self.cpu: Counter[str] = Counter()

    def __call__(self, name: str, func: Any, *args: Any, **kwargs: Any) -> Any:
        w0, c0 = time.perf_counter(), time.process_time()
        out = func(*args, **kwargs)
        self.wall[name] += time.perf_counter() - w0
        self.cpu[name] += time.process_time() - c0
        return out


def _context() -> Any:
    from alliance_stats.instrument import default_instrument
    from alliance_stats.power import execution, schema

    plan, confirmatory = schema.load_power_plan(ROOT / "analyses" / "power.yaml")
    return plan, execution._context(plan, confirmatory, default_instrument())


def _chain(ctx: Any, draw: Callable[[], Any], rng: np.random.Generator, clock: _Clock) -> tuple:
    """One chunk, stage by stage (what power.replicate._run_chunk does), on the replicates ``draw()`` gives."""
    from alliance_stats.data.quality import careless_exclusions_stack
    from alliance_stats.data.scoring import construct_scores_stack
    from alliance_stats.power import frames
    from alliance_stats.power import replicate as pw

    inst = ctx.instrument
    arrays = clock("1 simulate", draw)
    n_dyads = arrays.n_dyads
    excluded = clock("2 careless exclusions", careless_exclusions_stack, arrays.values, inst, ctx.exclusions,
                     np.repeat(np.arange(n_dyads), 2))

    def rest() -> tuple:
        kept = ~excluded
        scores = construct_scores_stack(arrays.values, inst, ctx.min_share)
        dyads = frames._dyad_columns(scores, kept, inst)
        configuration = frames._configurations(ctx, dyads)
        firms = frames._firms(ctx, frames._facts(arrays.values, inst), scores, dyads, configuration, kept)
        return kept, dyads, configuration, firms

    kept, dyads, configuration, firms = clock("3 scores, dyads, classes, firms", rest)
    data = clock("4 design matrices", frames.chunk_designs, ctx, firms, kept, n_dyads)
    frames.add_cluster_data(data, ctx, dyads, configuration)
    p = clock("5 fits and tests", pw._test_chunk, data, ctx)
    cluster = clock("6 cluster check", pw._cluster_criterion, data.cluster_data, data.theory, ctx.k_target,
                    ctx.k_max, ctx.cluster.covariance_types, ctx.cluster.ari_threshold, rng)
    return p, cluster


def bench_stages(n_dyads: int, chunks: int) -> None:
    from threadpoolctl import threadpool_limits

    from alliance_stats.power.replicate import chunk_seeds
    from alliance_stats.simulate.batch import simulate_arrays, simulate_batch

    plan, ctx = _context()
    before, after = _Clock(), _Clock()
    with threadpool_limits(limits=1), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for j in range(chunks + 1):  # the first chunk warms up and is not counted
            clocks = (_Clock(), _Clock()) if j == 0 else (before, after)
            children = np.random.SeedSequence(plan.seed, spawn_key=(3, j)).spawn(CHUNK + 1)
            _chain(ctx, lambda children=children: simulate_arrays(n_dyads, ctx.params, children[:CHUNK],
                                                                   ctx.instrument),
                   np.random.default_rng(children[CHUNK]), clocks[0])
            simulation, cluster = chunk_seeds(plan.seed, 3, j)
            _chain(ctx, lambda simulation=simulation: simulate_batch(n_dyads, ctx.params, CHUNK, simulation,
                                                                     ctx.instrument),
                   np.random.default_rng(cluster), clocks[1])
    reps = chunks * CHUNK
    print(f"  N = {n_dyads}, {reps} replicates in chunks of {CHUNK}")
    print(f"  {'stage':34s} {'per-seed wall':>13s} {'per-seed CPU':>12s} {'batch wall':>11s} {'batch CPU':>11s} "
          f"{'CPU ratio':>9s}   (ms per replicate)")
    for stage in sorted(before.wall):
        b_w, b_c = before.wall[stage] / reps * 1e3, before.cpu[stage] / reps * 1e3
        a_w, a_c = after.wall[stage] / reps * 1e3, after.cpu[stage] / reps * 1e3
        print(f"  {stage:34s} {b_w:13.2f} {b_c:12.2f} {a_w:11.2f} {a_c:11.2f} {b_c / max(a_c, 1e-9):8.1f}x")
    b_w, b_c = sum(before.wall.values()) / reps * 1e3, sum(before.cpu.values()) / reps * 1e3
    a_w, a_c = sum(after.wall.values()) / reps * 1e3, sum(after.cpu.values()) / reps * 1e3
    print(f"  {'total':34s} {b_w:13.2f} {b_c:12.2f} {a_w:11.2f} {a_c:11.2f} {b_c / max(a_c, 1e-9):8.1f}x")


def bench_cluster(n_dyads: int, chunks: int) -> None:
    """Stage 6 (the cluster check) split into its parts, CPU ms per replicate on ``chunks`` chunks of the plan:
    the k-means seeding and Lloyd iterations of the starting labels (compiled) and their Python, the EM grid
    (one compiled call per chunk: 4 covariance types x k = 1..k_max), and the rest (padding, BIC, the agreement
    table and index); then the EM of each covariance type alone, from the same starting labels (the same fits)."""
    from threadpoolctl import threadpool_limits

    import alliance_stats.typology.cluster as cluster_api
    from alliance_stats.power import frames
    from alliance_stats.power import replicate as pw
    from alliance_stats.power.replicate import chunk_seeds
    from alliance_stats.typology.cluster import batch, gmm

    plan, ctx = _context()
    with threadpool_limits(limits=1), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        data = [(frames.simulate_chunk(ctx, n_dyads, CHUNK, chunk_seeds(plan.seed, 3, j)[0]),
                 chunk_seeds(plan.seed, 3, j)[1]) for j in range(chunks + 1)]
        clock = _Clock()
        grids: list[tuple] = []
        saved = batch._seed_runs, batch._lloyd_runs, cluster_api.kmeans_batch, gmm._em_grid

        def em_grid(*args: Any) -> Any:
            grids.append(args)
            return clock("EM grid (compiled)", saved[3], *args)

        batch._seed_runs = lambda *a: clock("k-means seeding (compiled)", saved[0], *a)
        batch._lloyd_runs = lambda *a: clock("k-means Lloyd (compiled)", saved[1], *a)
        cluster_api.kmeans_batch = lambda *a, **k: clock("k-means (all)", saved[2], *a, **k)
        gmm._em_grid = em_grid
        try:
            for j, (chunk, seed) in enumerate(data):
                if j == 1:  # the first chunk warms up and is not counted
                    clock.cpu.clear()
                    grids.clear()
                clock("stage 6", pw._cluster_criterion, chunk.cluster_data, chunk.theory, ctx.k_target, ctx.k_max,
                      ctx.cluster.covariance_types, ctx.cluster.ari_threshold, np.random.default_rng(seed))
        finally:
            batch._seed_runs, batch._lloyd_runs, cluster_api.kmeans_batch, gmm._em_grid = saved
        types = ctx.cluster.covariance_types
        by_type = _Clock()
        for x, w, inits, ks, kinds, active, settings in grids:
            for t, name in enumerate(types):
                by_type(f"EM {name}", saved[3], x, w, inits, ks, kinds[t : t + 1], active, settings)
    reps = chunks * CHUNK
    cpu = {name: value / reps * 1e3 for name, value in (clock.cpu + by_type.cpu).items()}
    cpu["k-means (Python)"] = cpu["k-means (all)"] - cpu["k-means seeding (compiled)"] - cpu["k-means Lloyd (compiled)"]
    cpu["rest (padding, BIC, agreement)"] = cpu["stage 6"] - cpu["k-means (all)"] - cpu["EM grid (compiled)"]
    print(f"  N = {n_dyads}, {reps} replicates in chunks of {CHUNK} (CPU ms per replicate)")
    for name in ("stage 6", "k-means seeding (compiled)", "k-means Lloyd (compiled)", "k-means (Python)",
                 "EM grid (compiled)", "rest (padding, BIC, agreement)", *(f"EM {t}" for t in types)):
        print(f"  {name:34s} {cpu[name]:8.3f}")


def bench_grid(reps: int, jobs: int) -> float:
    """The whole grid as ``alliance-stats power`` runs it (without the report): wall time, CPU time of this process
    and of its workers, the CPU of the chunks per N and what the execution costs around them."""
    from alliance_stats.power import execution, load_power_plan, power_analysis

    plan, confirmatory = load_power_plan(ROOT / "analyses" / "power.yaml")
    run_chunk = execution._run_chunk
    marks: dict[str, float] = {}

    def timed(task: Any) -> dict[str, Any]:  # inherited by the forked workers
        cpu = time.process_time()
        record = run_chunk(task)
        record["bench_cpu"] = time.process_time() - cpu
        return record

    forked_init = execution._Forked.__init__

    def forked(self: Any, *args: Any, **kwargs: Any) -> None:
        marks.setdefault("fork", time.perf_counter())
        forked_init(self, *args, **kwargs)

    summarise = execution._summarise
    chunk_cpu: Counter[int] = Counter()

    def summary(*args: Any) -> Any:
        marks["summary"] = time.perf_counter()
        for record in args[4]:  # the chunks' records
            chunk_cpu[record["n_dyads"]] += record["bench_cpu"]
        return summarise(*args)

    execution._run_chunk, execution._Forked.__init__, execution._summarise = timed, forked, summary
    start, cpu0 = time.perf_counter(), time.process_time()
    children0 = resource.getrusage(resource.RUSAGE_CHILDREN)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            result = power_analysis(plan, confirmatory, reps=reps, jobs=jobs)
    finally:
        execution._run_chunk, execution._Forked.__init__, execution._summarise = run_chunk, forked_init, summarise
    wall = time.perf_counter() - start
    main_cpu = time.process_time() - cpu0
    children = resource.getrusage(resource.RUSAGE_CHILDREN)  # the forked workers have been joined
    workers_cpu = children.ru_utime + children.ru_stime - children0.ru_utime - children0.ru_stime
    total = reps * len(plan.n_dyads)
    per_n = result.replicates.groupby("n_dyads").size()
    chunks = sum(chunk_cpu.values())
    cpu = main_cpu + workers_cpu
    print(f"  grid {plan.n_dyads} x {reps} replicates = {total}, jobs = {jobs}: {wall:.1f} s wall, {cpu:.1f} s CPU "
          f"(this process {main_cpu:.1f}, workers {workers_cpu:.1f}; {wall / total * 1000:.2f} ms wall per replicate)")
    print(f"  chunks {chunks:.1f} s CPU; around them {cpu - chunks:.1f} s CPU (plan, context, workers, summary)")
    if "fork" in marks:
        print(f"  workers forked after {marks['fork'] - start:.2f} s; the summary started "
              f"{marks['summary'] - start:.2f} s and took {wall - (marks['summary'] - start):.2f} s")
    print("  CPU of the chunks per replicate, by N (ms): "
          + ", ".join(f"{n}: {chunk_cpu[n] / per_n[n] * 1e3:.2f}" for n in plan.n_dyads))
    if reps != 1000:
        print(f"  extrapolated to 1000 replicates per N: {wall * 1000 / reps:.0f} s wall")
    print(result.sample_size[["n_dyads", "power"]].to_string())
    return wall


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--chunks", type=int, default=3, help="chunks of 25 replicates timed per stage (0: skip)")
    parser.add_argument("--n-dyads", type=int, default=200, help="dyads per replicate for the stage timing")
    parser.add_argument("--grid-reps", type=int, default=1000, help="replicates per N for the grid (0: skip)")
    parser.add_argument("--jobs", type=int, default=2, help="worker processes for the grid")
    parser.add_argument("--cluster-detail", action="store_true", help="split stage 6 (the cluster check) into parts")
    args = parser.parse_args()
    print(f"bench_power: {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}")
    if args.chunks:
        print("1. per-replicate cost by stage (one process, one thread)")
        bench_stages(args.n_dyads, args.chunks)
    if args.cluster_detail and args.chunks:
        print("1b. the cluster check by part (one process, one thread)")
        bench_cluster(args.n_dyads, args.chunks)
    if args.grid_reps:
        print("2. the whole grid")
        bench_grid(args.grid_reps, args.jobs)


if __name__ == "__main__":
    main()
