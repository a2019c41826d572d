"""Speed of the WLSMV CFA against lavaan 0.6-14 (issue 13): the instrument's 53 items, 11 factors, N = 600.

Run from the repository root:  .venv/bin/python benchmarks/bench_ordinal_cfa.py
Times one complete ``cfa(items, model, estimator="WLSMV", missing="pairwise")`` call on the bundled synthetic
data (``tests/fixtures/measurement/synthetic_items.csv``: polychoric matrix, thresholds and NACOV, DWLS estimates,
robust standard errors, the scaled-shifted test, every fit measure including the robust ones, categorical omega),
in CPU seconds (median of repeats), against the CPU seconds (user + system) of the same lavaan fit recorded by
``tests/fixtures/ordinal_cfa/make_fixtures.R`` on this machine (``system.time``; R is not needed here). It first
checks our numbers against lavaan's (estimates, SEs, chisq.scaled). Goal: ours at least 10 times faster.
"""

from __future__ import annotations

import statistics
import sys
import time
import warnings
from collections.abc import Callable
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from alliance_stats.measurement import cfa  # noqa: E402
from tests.measurement.cfa.wls_reference import compare_params, reference  # noqa: E402


def _median_cpu_seconds(func: Callable[[], object], repeats: int) -> float:
    times = []
    for _ in range(repeats):
        start = time.process_time()
        func()
        times.append(time.process_time() - start)
    return statistics.median(times)


def bench_wlsmv(repeats: int = 5) -> dict[str, float]:
    """Print and return our CPU time, lavaan's and the ratio."""
    ref = reference("synthetic_pairwise")
    data = pd.read_csv(ROOT / "tests" / "fixtures" / "measurement" / "synthetic_items.csv")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        res = cfa(data, ref["model"], estimator="WLSMV", missing="pairwise")
        gaps = compare_params(res.params, "synthetic_pairwise", "WLSMV", ("est", "se", "std_all"))
        chisq_gap = abs(res.fit["chisq.scaled"] - ref["fits"]["WLSMV"]["fit"]["chisq.scaled"])
        if max(gaps.values()) > 1e-4 or chisq_gap > 1e-3:
            raise SystemExit(f"WLSMV differs from lavaan ({gaps}, chisq.scaled {chisq_gap:.1e}): fix before timing")
        ours = _median_cpu_seconds(lambda: cfa(data, ref["model"], estimator="WLSMV", missing="pairwise"), repeats)
    cpu = ref["cpu_seconds"]
    lavaan = cpu["user_self"] + cpu["sys_self"]
    print(f"WLSMV CFA, {data.shape[1]} items x {data.shape[0]} respondents, 11 factors (pairwise): max |ours - "
          f"lavaan| est {gaps['est']:.1e}, se {gaps['se']:.1e}, chisq.scaled {chisq_gap:.1e}")
    print(f"  ours (polychoric + NACOV + WLSMV + fit measures): {ours:7.3f} s CPU (median of {repeats})")
    print(f"  lavaan 0.6-14 cfa(ordered = TRUE, estimator = 'WLSMV'): {lavaan:7.2f} s CPU (R, recorded)   "
          f"ratio {lavaan / ours:6.1f}x (goal >= 10x)")
    return {"ours_cpu_s": ours, "lavaan_cpu_s": lavaan, "ratio": lavaan / ours}


if __name__ == "__main__":
    bench_wlsmv()
