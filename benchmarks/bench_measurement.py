"""Speed of cfa() against semopy on HolzingerSwineford1939, three factors (issues 4 and 17).

Run from the repository root:  .venv/bin/python benchmarks/bench_measurement.py [--repeats 40] [--no-alpha]
In the same process and on the same data, times one complete ``cfa()`` call (parsing, estimation, standard
errors, every lavaan fit measure including SRMR and the RMSEA interval, standardized solution, omega and
AVE) against semopy 2.3.11 (``Model(desc).fit(data)``, and the same plus ``calc_stats`` for its fit indices).

``cfa()`` keeps the results of its deterministic steps for the same data (``engine.MEMO``: a run fits the same
model to the same data several times) and each model's structure (``engine.STRUCTURES``: the parameter table and
its index arrays, which do not depend on the data). Repeating ``cfa()`` on the same data would time those shared
results, not a fit, so three versions are timed:

- *first fit* (the goal's figure): the data-dependent shared results cleared before each call
  (``engine.clear_shared_results()``), as for the first fit of new data; the model's structure kept, as when a
  model is fitted to many data sets (a run's checks, the power replicates);
- *cold*: the structures cleared too (a model never seen by the process);
- *repeat*: nothing cleared (a second fit of the same model to the same data).

Interleaved repeats; medians of wall time and of CPU time (``time.process_time``), ratios from the same runs (goal
of issue 17: ours / semopy fit+stats <= 0.2, i.e. >= 5x, on the first fit). Then runs the bootstrap alpha benchmark
of ``bench_measurement_alpha.py`` (``bench_alpha``: BCa interval vs a pingouin loop, goal >= 20x).
"""

from __future__ import annotations

import argparse
import statistics
import time
import warnings
from collections.abc import Callable
from pathlib import Path

import pandas as pd

from alliance_stats.measurement import cfa
from alliance_stats.measurement.cfa import engine

DATA = Path(__file__).resolve().parents[1] / "tests" / "fixtures" / "measurement" / "holzinger_swineford_1939.csv"
MODEL = "visual =~ x1 + x2 + x3\ntextual =~ x4 + x5 + x6\nspeed =~ x7 + x8 + x9"


def _interleaved_medians(funcs: dict[str, Callable[[], object]], repeats: int
                         ) -> tuple[dict[str, float], dict[str, float]]:
    """Median wall and CPU seconds per call of each function, the functions called in turn ``repeats`` times."""
    wall: dict[str, list[float]] = {name: [] for name in funcs}
    cpu: dict[str, list[float]] = {name: [] for name in funcs}
    for _ in range(repeats):
        for name, func in funcs.items():
            start, start_cpu = time.perf_counter(), time.process_time()
            func()
            cpu[name].append(time.process_time() - start_cpu)
            wall[name].append(time.perf_counter() - start)
    return ({name: statistics.median(values) for name, values in wall.items()},
            {name: statistics.median(values) for name, values in cpu.items()})


def bench_cfa(repeats: int = 40) -> float:
    """Print the times and return ours (first fit) / semopy (fit + calc_stats), median wall time per call."""
    import semopy  # imported here: only the benchmark needs it

    data = pd.read_csv(DATA)
    items = data[[f"x{i}" for i in range(1, 10)]]

    def first_fit() -> float:
        engine.clear_shared_results()
        return cfa(data, MODEL).fit["chisq"]

    def cold() -> float:
        engine.clear_shared_results()
        engine.STRUCTURES.clear()
        return cfa(data, MODEL).fit["chisq"]

    def repeat() -> float:
        return cfa(data, MODEL).fit["chisq"]

    def semopy_fit() -> semopy.Model:
        model = semopy.Model(MODEL)
        model.fit(items)
        return model

    def semopy_fit_stats() -> float:
        return float(semopy.calc_stats(semopy_fit())["chi2"].iloc[0])

    funcs = {"first": first_fit, "cold": cold, "repeat": repeat, "semopy_fit": semopy_fit,
             "semopy_fit_stats": semopy_fit_stats}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        chisq_ours, chisq_semopy = cold(), semopy_fit_stats()  # warm-up (imports, numba cache), and the same answer
        for func in funcs.values():
            func()
        wall, cpu = _interleaved_medians(funcs, repeats)
    print(f"CFA HolzingerSwineford1939 3 factors (N = 301), medians of {repeats} interleaved runs (wall / CPU ms)")
    print(f"  chi-square: ours {chisq_ours:.4f}, semopy {chisq_semopy:.4f} (lavaan 85.3055)")
    labels = {
        "first": "ours cfa(), first fit of the data (all fit measures, SE, std.all, omega, AVE)",
        "cold": "ours cfa(), cold (the model's structure built too)",
        "repeat": "ours cfa(), repeat (the shared results of the same data)",
        "semopy_fit": "semopy Model.fit",
        "semopy_fit_stats": "semopy Model.fit + calc_stats",
    }
    for name, label in labels.items():
        print(f"  {label:80s} {1e3 * wall[name]:7.2f} / {1e3 * cpu[name]:7.2f}")
    for target, what in (("semopy_fit_stats", "fit+stats"), ("semopy_fit", "fit only")):
        for name in ("first", "cold", "repeat"):
            print(f"  ratio ours ({name}) / semopy {what}: wall {wall[name] / wall[target]:.3f} "
                  f"({wall[target] / wall[name]:.1f}x), CPU {cpu[name] / cpu[target]:.3f} "
                  f"({cpu[target] / cpu[name]:.1f}x)")
    target = "semopy_fit_stats"
    ratio = wall["first"] / wall[target]
    print(f"  goal (issue 17): ours (first fit) / semopy fit+stats <= 0.2: {ratio:.3f}"
          f" ({'met' if ratio <= 0.2 else 'not met'})")
    return ratio


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=40)
    parser.add_argument("--no-alpha", action="store_true", help="skip the bootstrap alpha benchmark")
    args = parser.parse_args()
    bench_cfa(args.repeats)
    if not args.no_alpha:
        from bench_measurement_alpha import bench_alpha  # same folder: bootstrap alpha CI vs pingouin loop

        bench_alpha()
