"""Speed of cfa() against semopy on HolzingerSwineford1939, three factors (issue 4).

Run from the repository root:  .venv/bin/python benchmarks/bench_measurement.py
In the same process and on the same data, times one complete ``cfa()`` call (parsing, estimation, standard
errors, every lavaan fit measure including SRMR and the RMSEA interval, standardized solution, omega and
AVE) against semopy 2.3.11 (``Model(desc).fit(data)``, and the same plus ``calc_stats`` for its fit indices).
Interleaved repeats, medians; prints the ratios (goal: ours / semopy <= 1). Then runs the bootstrap alpha
benchmark of ``bench_measurement_alpha.py`` (``bench_alpha``: BCa interval vs a pingouin loop, goal >= 20x).
"""

from __future__ import annotations

import statistics
import time
import warnings
from collections.abc import Callable
from pathlib import Path

import pandas as pd

from alliance_stats.measurement import cfa

DATA = Path(__file__).resolve().parents[1] / "tests" / "fixtures" / "measurement" / "holzinger_swineford_1939.csv"
MODEL = "visual =~ x1 + x2 + x3\ntextual =~ x4 + x5 + x6\nspeed =~ x7 + x8 + x9"


def _interleaved_medians(funcs: dict[str, Callable[[], object]], repeats: int) -> dict[str, float]:
    times: dict[str, list[float]] = {name: [] for name in funcs}
    for _ in range(repeats):
        for name, func in funcs.items():
            start = time.perf_counter()
            func()
            times[name].append(time.perf_counter() - start)
    return {name: statistics.median(values) for name, values in times.items()}


def bench_cfa(repeats: int = 40) -> float:
    """Print and return ours / semopy (fit + calc_stats) time per fit."""
    import semopy  # imported here: only the benchmark needs it

    data = pd.read_csv(DATA)
    items = data[[f"x{i}" for i in range(1, 10)]]

    def ours() -> float:
        return cfa(data, MODEL).fit["chisq"]

    def semopy_fit() -> semopy.Model:
        model = semopy.Model(MODEL)
        model.fit(items)
        return model

    def semopy_fit_stats() -> float:
        return float(semopy.calc_stats(semopy_fit())["chi2"].iloc[0])

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        chisq_ours, chisq_semopy = ours(), semopy_fit_stats()  # warm-up, and the same answer
        medians = _interleaved_medians(
            {"ours": ours, "semopy_fit": semopy_fit, "semopy_fit_stats": semopy_fit_stats}, repeats)
    ratio = medians["ours"] / medians["semopy_fit_stats"]
    print(f"CFA HolzingerSwineford1939 3 factors (N = 301), median of {repeats} interleaved runs")
    print(f"  chi-square: ours {chisq_ours:.4f}, semopy {chisq_semopy:.4f} (lavaan 85.3055)")
    print(f"  ours cfa() (all lavaan fit measures, SE, std.all, omega, AVE): {1e3 * medians['ours']:8.2f} ms")
    print(f"  semopy Model.fit:                                          {1e3 * medians['semopy_fit']:8.2f} ms")
    print(f"  semopy Model.fit + calc_stats:                             {1e3 * medians['semopy_fit_stats']:8.2f} ms")
    print(f"  ratio ours / semopy fit+stats = {ratio:.2f};"
          f" ours / semopy fit only = {medians['ours'] / medians['semopy_fit']:.2f} (goal <= 1)")
    return ratio


if __name__ == "__main__":
    bench_cfa()
    from bench_measurement_alpha import bench_alpha  # same folder: bootstrap alpha CI vs pingouin loop

    bench_alpha()
