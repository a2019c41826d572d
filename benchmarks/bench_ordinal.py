"""Speed of the ordinal route against R (issue 13): one function per benchmark.

Run from the repository root:  .venv/bin/python benchmarks/bench_ordinal.py
``bench_polychoric``: the polychoric matrix, thresholds and NACOV of the instrument's 53 Likert items on 600
respondents (the bundled synthetic data, saved with its missing answers as
``tests/fixtures/ordinal_poly/synthetic_data.csv``), in CPU seconds, against the CPU seconds that
``tests/fixtures/ordinal_poly/make_fixtures.R`` recorded on the same file on this machine for
``psych::polychoric(correct = 0)`` (goal: >= 10 times faster), ``lavCor(ordered = , missing = "pairwise")``
(correlations and thresholds, no NACOV) and lavaan's set-up of a WLSMV model (``do.fit = FALSE``: thresholds,
correlations and NACOV). It first checks that the matrix equals lavCor's at 1e-6. R's times are read from the
fixture (R is not needed); ours are measured in this process, so the ratios mix two runs: compare them on an
idle machine.
"""

from __future__ import annotations

import json
import statistics
import time
import warnings
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd

from alliance_stats.measurement.ordinal import polychoric

FIX = Path(__file__).resolve().parents[1] / "tests" / "fixtures" / "ordinal_poly"


def _median_cpu_seconds(func: Callable[[], object], repeats: int) -> float:
    times = []
    for _ in range(repeats):
        start = time.process_time()
        func()
        times.append(time.process_time() - start)
    return statistics.median(times)


def bench_polychoric(repeats: int = 7) -> dict[str, float]:
    """Print and return our CPU time and the ratios to psych::polychoric and lavaan (53 items x 600)."""
    data = pd.read_csv(FIX / "synthetic_data.csv")
    timing = json.loads((FIX / "summary.json").read_text())["timing"]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        result = polychoric(data, missing="pairwise")
        lavcor = pd.read_csv(FIX / "synthetic_lavcor.csv", index_col=0).to_numpy()
        gap = float(np.abs(result.correlation.to_numpy() - lavcor).max())
        if gap > 1e-6:
            raise SystemExit(f"polychoric differs from lavCor by {gap:.2e}: fix before timing")
        ours = _median_cpu_seconds(lambda: polychoric(data, missing="pairwise"), repeats)
    out = {"ours_cpu_s": ours, "psych_cpu_s": timing["psych_polychoric_cpu_s"],
           "lavcor_cpu_s": timing["lavcor_pairwise_cpu_s"]}
    print(f"polychoric, {data.shape[1]} items x {data.shape[0]} respondents (pairwise deletion), "
          f"max |ours - lavCor| = {gap:.1e}")
    print(f"  ours (matrix, thresholds and NACOV): {ours:7.3f} s CPU (median of {repeats})")
    rows = [("psych::polychoric(correct = 0)", "psych_cpu_s"), ("lavCor (no NACOV)", "lavcor_cpu_s")]
    if "lavaan_nacov_cpu_s" in timing:
        out["lavaan_nacov_cpu_s"] = timing["lavaan_nacov_cpu_s"]
        rows.append(("lavaan WLSMV set-up (with NACOV)", "lavaan_nacov_cpu_s"))
    for label, key in rows:
        out[key.replace("_cpu_s", "_ratio")] = out[key] / ours
        print(f"  {label:36s} {out[key]:7.2f} s CPU (R, recorded)   ratio {out[key] / ours:6.1f}x")
    return out


if __name__ == "__main__":
    bench_polychoric()
