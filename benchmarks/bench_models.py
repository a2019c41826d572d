"""Benchmark of the models stage: the mediation bootstrap (the batched logistic kernel) against a statsmodels loop.

Run: .venv/bin/python benchmarks/bench_models.py
Both paths fit the same 200 bootstrap resamples (frequency weights) of ~350 firms; the coefficients are
checked equal before the timings are printed.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import numpy as np
import statsmodels.api as sm

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from alliance_stats.models import MediationSettings, fit_logit, logit_batch, mediation  # noqa: E402
from tests.models.simulated import simulate_firms  # noqa: E402


def main() -> None:
    df = simulate_firms(200, np.random.default_rng(1), model="M3")
    df["LEARN"] = 0.5 * df["trust_shared"] + np.random.default_rng(2).normal(size=len(df))
    X = sm.add_constant(df[["LEARN", "trust_shared", "firm_age"]]).to_numpy()
    y = df["crossed"].to_numpy(float)
    B = 200
    W = np.random.default_rng(3).multinomial(len(y), np.full(len(y), 1 / len(y)), size=B).astype(float)

    start = time.perf_counter()
    fit = logit_batch(np.broadcast_to(X, (B, *X.shape)), np.broadcast_to(y, (B, len(y))), weights=W)
    ours, ok = fit.coef, fit.converged & ~fit.separated
    t_ours = time.perf_counter() - start
    start = time.perf_counter()
    ref = np.array([sm.GLM(y, X, family=sm.families.Binomial(), freq_weights=W[b]).fit(tol=1e-10).params
                    for b in range(B)])
    t_ref = time.perf_counter() - start
    assert ok.all() and np.allclose(ours, ref, atol=1e-7)
    print(f"{B} weighted logistic fits (n={len(y)}, p={X.shape[1]}): batched kernel {t_ours:.3f} s, "
          f"statsmodels GLM loop {t_ref:.3f} s, ratio {t_ref / t_ours:.0f}x")

    start = time.perf_counter()
    mediation(df, "trust_shared", "LEARN", "crossed", covariates=["firm_age"], cluster="dyad_id",
              settings=MediationSettings(n_boot=2000, seed=1))
    print(f"mediation with 2000 dyad-bootstrap resamples: {time.perf_counter() - start:.2f} s")

    start = time.perf_counter()
    for _ in range(20):
        res = fit_logit(df, "crossed", ["trust_shared", "trust_constrained", "firm_age"], cluster="dyad_id")
        _ = res.coefficients, res.lr_tests, res.fit_stats  # the derived statistics are lazy
    per_model = (time.perf_counter() - start) / 20 * 1000
    print(f"fit_logit (ML, dyad-clustered, with tests and fit statistics): {per_model:.0f} ms per model")
    start = time.perf_counter()
    firth = fit_logit(df, "crossed", ["configuration", "trust_shared", "firm_age"],
                      categorical={"configuration": "survie"}, method="firth")
    _ = firth.coefficients, firth.lr_tests
    print(f"fit_logit (Firth, profile intervals, penalised LR tests): {time.perf_counter() - start:.2f} s")


if __name__ == "__main__":
    main()
