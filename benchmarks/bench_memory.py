"""Peak memory of the main job's stages, and where it peaks (issue 17: 100,000 dyads within 4 GB).

The whole 100,000-dyad run takes 10-20 minutes; this script runs only its first stages (read, prepare,
measurement by default) on a responses file made once, in a fresh process, for any checkout, so that two
commits can be compared in a few minutes. A thread samples the resident set size (``/proc/self/statm``) every
5 ms, as ``bench_scale.py`` does, and, each time the peak rises by more than ``--step`` MB, records the main
thread's Python stack at that moment: the innermost frames of the package at the highest peak of each stage name
the function (and line) that holds the memory. The run is stopped after the stage given by ``--until``.

Run from the repository root::

    .venv/bin/python benchmarks/bench_memory.py --make 100000          # writes /tmp/bench_memory/responses_100000.csv
    .venv/bin/python benchmarks/bench_memory.py --n 100000              # read, prepare, measurement
    .venv/bin/python benchmarks/bench_memory.py --n 100000 --root ../old  # the same on another checkout
    .venv/bin/python benchmarks/bench_memory.py --n 30000 --until checks  # up to the reviewer's checks
    .venv/bin/python benchmarks/bench_memory.py --kernels                 # CPU ms of the FIML pieces it changed

The data are simulated as ``bench_scale.py`` does (``simulate_alliances(n, seed=7)``); ``--root`` is the checkout
whose code runs (it is put first on the path of the child process) and whose plan is read.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import resource
import subprocess
import sys
import tempfile
import threading
import time
import traceback
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
FOLDER = Path(tempfile.gettempdir()) / "bench_memory"
STAGES = ("read", "prepare", "measurement", "descriptives", "typology", "models", "hypotheses", "checks")
_PAGE = os.sysconf("SC_PAGE_SIZE")
_MB = 2**20


class _StopError(Exception):
    """Raised after the last stage asked for, to end the run there."""


def _rss() -> int:
    with open("/proc/self/statm") as handle:
        return int(handle.read().split()[1]) * _PAGE


class _Sampler(threading.Thread):
    """Samples the resident set size; at each rise of the peak by ``step`` bytes, keeps the main thread's stack."""

    def __init__(self, step: int) -> None:
        super().__init__(daemon=True)
        self.main = threading.main_thread().ident
        self.step = step
        self.peak = _rss()
        self.noted = 0
        self.stack: list[str] = []
        self.trail: list[tuple[int, str]] = []  # (RSS, innermost frame of the package) at each recorded rise
        self.stop = False

    def run(self) -> None:
        while not self.stop:
            rss = _rss()
            if rss > self.peak:
                self.peak = rss
                if rss > self.noted + self.step:
                    self.noted = rss
                    frame = sys._current_frames().get(self.main)
                    if frame is not None:
                        self.stack = [f"{f.filename.split('alliance_stats/')[-1]}:{f.lineno} {f.name}"
                                      for f in traceback.extract_stack(frame) if "alliance_stats" in f.filename]
                        self.trail.append((rss, " < ".join(self.stack[::-1][:3])))
            time.sleep(0.005)

    def take(self) -> tuple[int, list[str], list[tuple[int, str]]]:
        peak, stack, trail = max(self.peak, _rss()), self.stack, self.trail
        self.peak, self.noted, self.stack, self.trail = _rss(), 0, [], []
        return peak, stack, trail


def make(n_dyads: int) -> Path:
    """Simulate ``n_dyads`` dyads (seed 7) once and write them where :func:`run_one` reads them."""
    from alliance_stats.simulate import simulate_alliances

    FOLDER.mkdir(parents=True, exist_ok=True)
    path = FOLDER / f"responses_{n_dyads}.csv"
    simulate_alliances(n_dyads, seed=7).responses.to_csv(path, index=False)
    return path


def run_one(data: Path, root: Path, until: str, step_mb: float, simulate: int = 0,
            trim: bool = False) -> dict[str, Any]:
    """Run the confirmatory plan of ``root`` on ``data`` up to the stage ``until``; peaks and stacks per stage.
    With ``simulate``, the data are first simulated in this process (as ``bench_scale.py`` does: what the
    simulation leaves in the process counts then) and written to a file of its own."""
    import alliance_stats.data as data_pkg
    from alliance_stats.plan import load_plan, runner

    if simulate:
        from alliance_stats.simulate import simulate_alliances

        data = Path(tempfile.mkdtemp(prefix="bench_memory_")) / "responses.csv"
        simulate_alliances(simulate, seed=7).responses.to_csv(data, index=False)
        print(f"[bench_memory] simulated: RSS {_rss() / _MB:.0f} MB", file=sys.stderr, flush=True)
    record: dict[str, Any] = {}
    sampler = _Sampler(int(step_mb * _MB))
    sampler.start()

    def timed(name: str, func: Any) -> Any:
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            sampler.take()
            start_rss, cpu = _rss(), time.process_time()
            try:
                return func(*args, **kwargs)
            finally:
                peak, stack, trail = sampler.take()
                end_rss = _rss()
                if trim:  # what the stage leaves alive, without the cyclic garbage and the allocator's free pages
                    import ctypes
                    import gc

                    gc.collect()
                    ctypes.CDLL("libc.so.6").malloc_trim(0)
                record[name] = {"start_mb": start_rss / _MB, "peak_mb": peak / _MB, "end_mb": end_rss / _MB,
                                "live_mb": _rss() / _MB,
                                "cpu": time.process_time() - cpu, "stack": stack[-6:],
                                "trail": [(rss / _MB, where) for rss, where in trail]}
                print(f"[bench_memory] {name}: start {start_rss / _MB:.0f} MB, peak {peak / _MB:.0f} MB, end "
                      f"{_rss() / _MB:.0f} MB, {record[name]['cpu']:.1f} s CPU", file=sys.stderr, flush=True)
                if name == until:
                    raise _StopError
        return wrapper

    data_pkg.read_responses = timed("read", data_pkg.read_responses)
    for stage in STAGES[1:]:
        attr = "_prepare" if stage == "prepare" else f"_section_{stage}"
        setattr(runner, attr, timed(stage, getattr(runner, attr)))
    plan = load_plan(root / "analyses/confirmatory.yaml")
    with contextlib.suppress(_StopError):
        runner.run_plan(plan, Path(tempfile.mkdtemp(prefix="bench_memory_")) / "run", data=data, force=True, jobs=1)
    sampler.stop = True
    return {"stages": record, "maxrss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}


def kernels() -> str:
    """CPU milliseconds per call of the FIML pieces whose memory issue 17 cut (:func:`fiml.evaluate`,
    :func:`fiml.em_step`, :func:`robust.casewise_scores`, :func:`engine.digest`, the missingness patterns), on 600
    and 20,000 rows of 53 items (the demo's and 10,000 dyads' sizes), one row in 20 missing one or two answers."""
    import numpy as np

    from alliance_stats.measurement.cfa import engine, fiml, robust

    def clock(reps: int, func: Any, *args: Any) -> float:
        func(*args)
        cpu = time.process_time()
        for _ in range(reps):
            func(*args)
        return (time.process_time() - cpu) / reps * 1e3

    lines = []
    for n, reps in ((600, 200), (20_000, 6)):
        rng = np.random.default_rng(5)
        values = rng.multivariate_normal(np.zeros(53), 0.6 * np.eye(53) + 0.4, size=n)
        rows = np.flatnonzero(rng.random(n) < 0.05)
        values[rows, rng.integers(0, 53, rows.size)] = np.nan
        values[rows[::3], rng.integers(0, 53, rows[::3].size)] = np.nan
        data = engine.group_data_missing("all", values)
        lay, patterns, sigma, mu = data.layout, data.patterns, data.cov, data.mean
        lines.append(f"{n:>6} rows: evaluate {clock(reps, fiml.evaluate, lay, sigma, mu):.2f} ms, em_step "
                     f"{clock(reps, fiml.em_step, lay, mu, sigma):.2f} ms, casewise_scores "
                     f"{clock(max(1, reps // 4), robust.casewise_scores, patterns, mu, sigma):.2f} ms, digest "
                     f"{clock(reps, engine.digest, 'missing', values):.3f} ms, patterns "
                     f"{clock(max(1, reps // 20), engine._missing_moments, values):.1f} ms")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--make", type=int, default=None, help="simulate this many dyads and write the file")
    parser.add_argument("--n", type=int, default=100_000, help="dyads (the file made by --make)")
    parser.add_argument("--root", type=Path, default=ROOT, help="checkout whose code and plan are run")
    parser.add_argument("--until", choices=STAGES, default="measurement")
    parser.add_argument("--step", type=float, default=20.0, help="MB of rise between two recorded stacks")
    parser.add_argument("--simulate", action="store_true",
                        help="simulate the data in the process that runs the plan, as bench_scale.py does")
    parser.add_argument("--kernels", action="store_true", help="CPU time of the FIML pieces (this process)")
    parser.add_argument("--trim", action="store_true",
                        help="after each stage, collect garbage and return the allocator's free pages (live MB)")
    parser.add_argument("--trail", action="store_true", help="print every recorded rise of the peak")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.kernels:
        print(kernels())
        return
    if args.make:
        print(make(args.make))
        return
    data, root = FOLDER / f"responses_{args.n}.csv", args.root.resolve()
    if args.child:
        print(json.dumps(run_one(data, root, args.until, args.step, args.n if args.simulate else 0,
                                    args.trim)))
        return
    env = {**os.environ, "PYTHONPATH": str(root), "OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1"}
    command = [sys.executable, __file__, "--child", "--n", str(args.n), "--root", str(root), "--until", args.until,
               "--step", str(args.step)] + (["--simulate"] if args.simulate else []) + (["--trim"] if args.trim else [])
    done = subprocess.run(command, capture_output=True, text=True, env=env, cwd=root)
    if done.returncode != 0:
        sys.exit(f"failed:\n{done.stderr[-3000:]}")
    result = json.loads(done.stdout.strip().splitlines()[-1])
    print(f"{args.n:,} dyads, {root}: maximum RSS of the process {result['maxrss_mb']:.0f} MB")
    for name, entry in result["stages"].items():
        print(f"  {name:<13} start {entry['start_mb']:6.0f}  peak {entry['peak_mb']:6.0f}  end "
              f"{entry['end_mb']:6.0f} MB  {entry['cpu']:6.1f} s CPU"
              + (f"  (live after gc and malloc_trim {entry['live_mb']:.0f} MB)" if args.trim else ""))
        for line in entry["stack"]:
            print(f"      {line}")
        if args.trail:
            for rss, where in entry["trail"]:
                print(f"        {rss:6.0f} MB  {where}")


if __name__ == "__main__":
    main()
