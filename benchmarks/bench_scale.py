"""Scale of the main job: ``alliance-stats run`` on simulated data at 1,000, 3,000 and 10,000 dyads (issue 17).

Each size runs in a fresh Python process: the data are simulated (``simulate_alliances(n, seed=7)``, as
``alliance-stats simulate --n-dyads N --seed 7``) in a process of their own, then the packaged confirmatory plan is
run on them with every report section timed (wall and CPU seconds) and the peak resident memory of the process
sampled during each section (``/proc/self/statm`` every 10 ms; the simulation, in its own process, is not counted:
what it leaves in memory, ~160 MB at 100,000 dyads, is not either, as with ``alliance-stats run``).
The parent prints one table (stage x size: seconds, peak MB) and the exponent ``b`` of ``time = a * n^b``
fitted by least squares on log time against log size (goal: b <= 1.1; 10,000 dyads <= 120 s and <= 2 GB).

Run from the repository root::

    .venv/bin/python benchmarks/bench_scale.py                  # 1k, 3k, 10k
    .venv/bin/python benchmarks/bench_scale.py --sizes 300 1000  # other sizes
    .venv/bin/python benchmarks/bench_scale.py --huge           # adds 100,000 dyads (goal: <= 4 GB)
    .venv/bin/python benchmarks/bench_scale.py --profile /tmp/prof --sizes 300 1000 3000
        # also writes a cProfile file per size (run_N.prof: the main process; run_N_worker.prof: the second
        # lane's worker with --jobs 2) and prints the 15 functions with the most own+callee time
    .venv/bin/python benchmarks/bench_scale.py --root ../main   # the same runs on another checkout (before/after)
    .venv/bin/python benchmarks/bench_scale.py --sizes 100000 --plan analyses/scale_no_checks.yaml
        # 100,000 dyads without the CFA-based reviewer's checks and the robustness variants

Each stage's start (with the resident memory) and end (wall, CPU, peak) is printed on stderr as it happens, so a
run stopped before its end still tells what it measured.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
STAGES = ("read", "prepare", "measurement", "descriptives", "typology", "models", "hypotheses", "checks",
          "instrument", "render", "write")
_PAGE = os.sysconf("SC_PAGE_SIZE")


def _rss() -> int:
    with open("/proc/self/statm") as handle:
        return int(handle.read().split()[1]) * _PAGE


class _PeakSampler(threading.Thread):
    """Samples the resident set size; ``take()`` returns the peak since the last call and starts afresh."""

    def __init__(self) -> None:
        super().__init__(daemon=True)
        self.peak = _rss()
        self.stop = False

    def run(self) -> None:
        while not self.stop:
            self.peak = max(self.peak, _rss())
            time.sleep(0.01)

    def take(self) -> int:
        peak, self.peak = max(self.peak, _rss()), _rss()
        return peak


def _timed(name: str, func: Any, record: dict[str, dict[str, float]], sampler: _PeakSampler) -> Any:
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        sampler.take()
        print(f"[bench_scale] {name} starts, RSS {_rss() / 2**20:.0f} MB", file=sys.stderr, flush=True)
        wall, cpu = time.perf_counter(), time.process_time()
        try:
            return func(*args, **kwargs)
        finally:
            entry = record.setdefault(name, {"wall": 0.0, "cpu": 0.0, "peak_mb": 0.0, "began": wall})
            entry["ended"] = time.perf_counter()
            entry["wall"] += entry["ended"] - wall
            entry["cpu"] += time.process_time() - cpu
            entry["peak_mb"] = max(entry["peak_mb"], sampler.take() / 2**20)
            # a run that is stopped before the end (a 100,000-dyad run on a busy machine) still says each stage
            print(f"[bench_scale] {name} done: {entry['wall']:.1f} s wall, {entry['cpu']:.1f} s CPU, peak "
                  f"{entry['peak_mb']:.0f} MB", file=sys.stderr, flush=True)
    return wrapper


def simulate_one(n_dyads: int, data_path: Path) -> None:
    """Write ``simulate_alliances(n_dyads, seed=7)``'s responses to ``data_path`` (in a process of its own, so that
    the memory the simulation leaves behind is not counted in the run's stages: ~160 MB at 100,000 dyads)."""
    from alliance_stats.simulate import simulate_alliances

    simulate_alliances(n_dyads, seed=7).responses.to_csv(data_path, index=False)


def run_one(n_dyads: int, profile: str | None, root: Path, plan_file: str = "analyses/confirmatory.yaml",
            jobs: int = 1, data_path: Path | None = None) -> dict[str, Any]:
    """Run the confirmatory plan on ``n_dyads`` simulated dyads (read from ``data_path`` when given, else
    simulated here); per-stage times and peaks. With ``jobs = 2`` the stages' times are those of the main process,
    which takes the second lane's results (its waits are in the stages' wall times); the worker's CPU per job and
    its peak memory are given apart."""
    import alliance_stats.data as data_pkg
    from alliance_stats.plan import load_plan, runner

    workdir = Path(tempfile.mkdtemp(prefix=f"bench_scale_{n_dyads}_"))
    if data_path is None:
        data_path = workdir / "responses.csv"
        simulate_one(n_dyads, data_path)
    record: dict[str, dict[str, float]] = {}
    sampler = _PeakSampler()
    sampler.start()
    read_responses = data_pkg.read_responses
    data_pkg.read_responses = _timed("read", read_responses, record, sampler)
    for stage, attr in [("prepare", "_prepare"), ("measurement", "_section_measurement"),
                        ("descriptives", "_section_descriptives"), ("typology", "_section_typology"),
                        ("models", "_section_models"), ("hypotheses", "_section_hypotheses"),
                        ("checks", "_section_checks"), ("instrument", "_section_instrument"),
                        ("render", "_render"), ("write", "write_run")]:
        setattr(runner, attr, _timed(stage, getattr(runner, attr), record, sampler))
    lanes: list[Any] = []
    lane_class = runner.Lane

    def recorded_lane(*args: Any, **kwargs: Any) -> Any:
        lanes.append(lane_class(*args, **kwargs))
        return lanes[-1]

    runner.Lane = recorded_lane
    plan = load_plan(root / plan_file)
    import resource

    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    wall, cpu = time.perf_counter(), time.process_time()
    if profile:
        import cProfile

        from alliance_stats.plan import lanes as lanes_module

        worker = lanes_module._worker

        def profiled_worker(*args: Any) -> None:  # the second lane's worker, profiled in its own file
            profiler = cProfile.Profile()
            try:
                profiler.runcall(worker, *args)
            finally:
                profiler.dump_stats(f"{profile}/run_{n_dyads}_worker.prof")

        lanes_module._worker = profiled_worker
        profiler = cProfile.Profile()
        profiler.runcall(runner.run_plan, plan, workdir / "run", data=data_path, force=True, jobs=jobs)
        profiler.dump_stats(f"{profile}/run_{n_dyads}.prof")
    else:
        runner.run_plan(plan, workdir / "run", data=data_path, force=True, jobs=jobs)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    total = {"wall": time.perf_counter() - wall, "cpu": time.process_time() - cpu,
             "worker_cpu": (after.ru_utime + after.ru_stime) - (children.ru_utime + children.ru_stime)}
    sampler.stop = True
    total["peak_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    total["worker_peak_mb"] = after.ru_maxrss / 1024 if jobs > 1 else 0.0
    data_pkg.read_responses = read_responses
    for entry in record.values():  # seconds from the start of the run
        entry["began"], entry["ended"] = entry["began"] - wall, entry["ended"] - wall
    lane = {"worker_cpu": lanes[0].worker_cpu, "waited": lanes[0].waited, "forked_at": lanes[0].forked_at - wall,
            "taken_over": lanes[0].taken_over,
            "spans": {name: (began - wall, ended - wall) for name, (began, ended) in lanes[0].worker_spans.items()}
            } if lanes else {}
    return {"n": n_dyads, "jobs": jobs, "stages": record, "total": total, "lane": lane}


def _top(profile: str, n_dyads: int, count: int = 15) -> None:
    import pstats

    stats = pstats.Stats(f"{profile}/run_{n_dyads}.prof")
    print(f"\n--- cProfile, {n_dyads} dyads: top {count} by cumulative time within the package ---")
    stats.sort_stats("cumulative").print_stats(r"alliance_stats", count)
    print(f"--- top {count} by own time ---")
    stats.sort_stats("tottime").print_stats(count)


def _exponent(sizes: list[int], times: list[float]) -> float:
    slope, _ = np.polyfit(np.log(sizes), np.log(times), 1)
    return float(slope)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 3000, 10000])
    parser.add_argument("--huge", action="store_true", help="add 100,000 dyads")
    parser.add_argument("--profile", default=None, help="folder for cProfile files")
    parser.add_argument("--root", type=Path, default=ROOT, help="checkout whose code and plan are run")
    parser.add_argument("--plan", default="analyses/confirmatory.yaml",
                        help="plan file, relative to --root (e.g. a copy with robustness switched off)")
    parser.add_argument("--jobs", type=int, default=1, help="worker processes of the run (1 or 2)")
    parser.add_argument("--one", type=int, default=None, help=argparse.SUPPRESS)
    parser.add_argument("--simulate", type=int, default=None, help=argparse.SUPPRESS)
    parser.add_argument("--data", type=Path, default=None, help=argparse.SUPPRESS)
    args = parser.parse_args()
    root = args.root.resolve()
    if args.simulate is not None:
        simulate_one(args.simulate, args.data)
        return
    if args.one is not None:
        print(json.dumps(run_one(args.one, args.profile, root, args.plan, args.jobs, args.data)))
        return
    sizes = sorted(set(args.sizes + ([100_000] if args.huge else [])))
    results = []
    env = {**os.environ, "PYTHONPATH": f"{root}{os.pathsep}{os.environ.get('PYTHONPATH', '')}"}
    for n_dyads in sizes:
        data_path = Path(tempfile.mkdtemp(prefix=f"bench_scale_data_{n_dyads}_")) / "responses.csv"
        subprocess.run([sys.executable, __file__, "--simulate", str(n_dyads), "--data", str(data_path),
                        "--root", str(root)], check=True, env=env, cwd=root)
        command = [sys.executable, __file__, "--one", str(n_dyads), "--root", str(root), "--plan", args.plan,
                   "--jobs", str(args.jobs), "--data", str(data_path)]
        if args.profile:
            Path(args.profile).mkdir(parents=True, exist_ok=True)
            command += ["--profile", args.profile]
        # the run's own stage lines go to stderr as they happen; its result is the last line of stdout
        done = subprocess.run(command, stdout=subprocess.PIPE, text=True, env=env, cwd=root)
        data_path.unlink()
        data_path.parent.rmdir()
        if done.returncode != 0:
            print(f"{n_dyads} dyads: failed (its error is above)")
            continue
        results.append(json.loads(done.stdout.strip().splitlines()[-1]))
        _print_one(results[-1])
        if args.profile:
            _top(args.profile, n_dyads)
    _print_table(results)


def _print_one(result: dict[str, Any]) -> None:
    total = result["total"]
    print(f"{result['n']:>7,} dyads: {total['wall']:7.1f} s wall, {total['cpu']:7.1f} s CPU, "
          f"peak {total['peak_mb']:7.0f} MB", flush=True)
    if result.get("lane", {}).get("worker_cpu"):
        lane = result["lane"]
        print(f"  second lane (--jobs {result['jobs']}): worker {total['worker_cpu']:.1f} s CPU, peak "
              f"{total['worker_peak_mb']:.0f} MB; per job: worker CPU s / main process waited s", flush=True)
        for name, seconds in lane["worker_cpu"].items():
            print(f"    {name:<18} {seconds:7.2f} / {lane['waited'].get(name, float('nan')):6.2f}", flush=True)
        if lane.get("taken_over"):
            print(f"    taken over by the main process (not begun by the worker when needed): "
                  f"{', '.join(lane['taken_over'])}", flush=True)
        _print_timeline(result)


def _print_timeline(result: dict[str, Any]) -> None:
    """The two lanes side by side: when each stage of the main process and each job of the worker began and
    ended (wall seconds from the start of the run; the worker is forked after ``prepare``)."""
    lane = result["lane"]
    rows = [(entry["began"], entry["ended"], name, "") for name, entry in result["stages"].items()]
    rows += [(began, ended, "", name) for name, (began, ended) in lane.get("spans", {}).items()]
    print(f"  timeline (wall s from the start of the run; worker forked at {lane['forked_at']:.2f} s):")
    print(f"    {'main process':<26} {'worker':<26} {'from':>6} {'to':>6}")
    for began, ended, main, worker in sorted(rows):
        print(f"    {main:<26} {worker:<26} {began:6.2f} {ended:6.2f}", flush=True)


def _print_table(results: list[dict[str, Any]]) -> None:
    if not results:
        return
    sizes = [r["n"] for r in results]
    print("\nstage         " + "".join(f"{n:>9,} dyads: wall s / CPU s / peak MB" for n in sizes))
    for stage in STAGES:
        cells = []
        for result in results:
            entry = result["stages"].get(stage)
            cells.append(f"{entry['wall']:>21.1f} / {entry['cpu']:>5.1f} / {entry['peak_mb']:>7.0f}" if entry
                         else f"{'-':>39}")
        print(f"{stage:<13} " + "".join(cells))
    print(f"{'total':<13} " + "".join(f"{r['total']['wall']:>21.1f} / {r['total']['cpu']:>5.1f} / "
                                      f"{r['total']['peak_mb']:>7.0f}" for r in results))
    fit = [(r["n"], r["total"]["cpu"]) for r in results if 1000 <= r["n"] <= 10000]
    if len(fit) >= 2:
        exponent = _exponent([n for n, _ in fit], [t for _, t in fit])
        print(f"\nexponent of CPU time on size over {[n for n, _ in fit]}: b = {exponent:.2f} (goal <= 1.1)")
        wall_fit = [(r["n"], r["total"]["wall"]) for r in results if 1000 <= r["n"] <= 10000]
        print(f"exponent of wall time: b = {_exponent([n for n, _ in wall_fit], [t for _, t in wall_fit]):.2f}")


if __name__ == "__main__":
    main()
