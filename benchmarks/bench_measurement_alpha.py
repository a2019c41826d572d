"""Speed of the bootstrap alpha interval against a loop of pingouin.cronbach_alpha (issue 4).

Run from the repository root:  .venv/bin/python benchmarks/bench_measurement_alpha.py
On the same data (n = 1,000 respondents, k = 6 items) and the same 2,000 resamples, it times
``cronbach_alpha(ci="bootstrap", n_boot=2000)`` (the whole BCa interval: 2,000 resamples plus the 1,000
jackknife fits) against a Python loop calling ``pingouin.cronbach_alpha`` on each resample (the bootstrap
distribution only), checks that both give the same bootstrap alphas, and prints the ratio (goal: >= 20).
"""

from __future__ import annotations

import statistics
import time

import numpy as np
import pandas as pd
import pingouin

from alliance_stats.measurement.reliability import bootstrap_alpha, cronbach_alpha

N, K, N_BOOT, SEED = 1000, 6, 2000, 20261126


def _data(seed: int = 1) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    factor = rng.normal(size=(N, 1))
    latent = 0.7 * factor + rng.normal(scale=0.7, size=(N, K))
    return pd.DataFrame(np.clip(np.round(4 + 1.2 * latent), 1, 7), columns=[f"item{j + 1}" for j in range(K)])


def _median_seconds(func, repeats: int) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        func()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def bench_alpha() -> float:
    """Print and return the speed ratio (pingouin loop time / our BCa interval time)."""
    data = _data()
    index = np.random.default_rng(SEED).integers(0, N, (N_BOOT, N))  # the resamples cronbach_alpha draws

    def ours() -> None:
        cronbach_alpha(data, ci="bootstrap", n_boot=N_BOOT, seed=SEED)

    def pingouin_loop() -> np.ndarray:
        return np.array([pingouin.cronbach_alpha(data.iloc[rows])[0] for rows in index])

    ours()  # warm-up
    ours_s = _median_seconds(ours, repeats=5)
    ref_s = _median_seconds(pingouin_loop, repeats=1)
    boot, _ = bootstrap_alpha(data.to_numpy(dtype=float), N_BOOT, SEED)
    gap = float(np.max(np.abs(boot - pingouin_loop())))
    ratio = ref_s / ours_s
    result = cronbach_alpha(data, ci="bootstrap", n_boot=N_BOOT, seed=SEED)
    print(f"bootstrap alpha CI, n = {N}, k = {K}, {N_BOOT} resamples")
    print(f"  ours (BCa, incl. jackknife):       {1000 * ours_s:8.1f} ms   alpha = {result.alpha:.4f}, "
          f"95% BCa [{result.ci[0]:.4f}, {result.ci[1]:.4f}]")
    print(f"  loop of pingouin.cronbach_alpha:   {1000 * ref_s:8.1f} ms")
    print(f"  same bootstrap alphas: max |difference| = {gap:.1e}")
    print(f"  ratio (pingouin loop / ours): {ratio:.0f}x  (goal >= 20x)")
    return ratio


if __name__ == "__main__":
    bench_alpha()
