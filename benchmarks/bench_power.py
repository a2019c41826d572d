"""Benchmark of the power analysis (issue 7).

1. Batched fitting (in batches of the plan's ``chunk_size``, 25 replicates, as the power analysis fits them)
   versus a loop of reference fits on the *same* replicates, in one process and one thread:
   the confirmatory plan's models M1 (configuration + controls) and M3 (trusts + controls) on replicates of the
   default power population at N = 200 dyads (maximum likelihood with dyad-clustered standard errors:
   :func:`logit_batch` versus ``statsmodels`` ``Logit(...).fit(cov_type="cluster")``, what ``fit_logit`` runs),
   and at N = 40 (Firth: :func:`firth_batch` versus a loop of firthmodels' ``FirthLogisticRegression``).
   The results are checked to agree before the times are printed.
2. The whole grid of ``analyses/power.yaml`` (6 values of N) with ``--grid-reps`` replicates per N and
   ``--jobs`` worker processes: wall time, and the time per replicate.

Usage::

    .venv/bin/python benchmarks/bench_power.py                    # fits on 200 replicates, grid with 1000 reps
    .venv/bin/python benchmarks/bench_power.py --grid-reps 100    # smaller grid, extrapolated to 1000
"""

from __future__ import annotations

import argparse
import os
import time
import warnings
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import numpy as np  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]


def _frames(n_dyads: int, reps: int) -> tuple[list, object]:
    """Firms-at-risk frames of ``reps`` replicates of the default power population, and the run context."""
    from alliance_stats.instrument import default_instrument
    from alliance_stats.power import execution as pw_exec
    from alliance_stats.power import replicate as pw
    from alliance_stats.power import schema as pw_schema

    plan, confirmatory = pw_schema.load_power_plan(ROOT / "analyses" / "power.yaml")
    ctx = pw_exec._context(plan, confirmatory, default_instrument())
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        frames = [pw._model_frame(ctx, seq, n_dyads)["firms"] for seq in np.random.SeedSequence(7).spawn(reps)]
    return frames, ctx


def bench_fit_and_test(n_dyads: int, reps: int) -> float:
    """The whole per-replicate analysis step: the plan's fit_logit + test_hypotheses, one replicate at a time,
    versus the power module's batched path (designs, auto rule, batched ML/Firth, Wald/penalised LR, Holm)."""
    from alliance_stats.core.errors import SpecificationError
    from alliance_stats.models import LogitSettings, adjust_pvalues, fit_logit, hypothesis_weights, test_hypotheses
    from alliance_stats.power import replicate as pw

    frames, ctx = _frames(n_dyads, reps)
    start = time.perf_counter()
    loop_p = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for firms in frames:
            try:
                fits = {key: fit_logit(firms, spec.outcome, spec.predictors, categorical=dict(spec.categorical),
                                       interactions=[tuple(p) for p in spec.interactions], method=spec.method,
                                       cluster=spec.cluster,
                                       settings=LogitSettings(gee=spec.gee, standardize=tuple(spec.standardize)))
                        for key, spec in ctx.models.items()}
            except SpecificationError:
                loop_p.append(None)
                continue
            loop_p.append(test_hypotheses(fits, ctx.hypotheses).frame["p_adjusted"].to_numpy(float))
    loop = time.perf_counter() - start
    start = time.perf_counter()
    pvalues = np.full((len(frames), len(ctx.hypotheses)), np.nan)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for key, spec in ctx.models.items():
            blocks, rows = [], []
            for r, firms in enumerate(frames):
                try:
                    X, y, g, columns, factors, only_cat = pw._design_arrays(firms, spec)
                except SpecificationError:
                    continue
                blocks.append((X, y, g))
                rows.append(r)
            positions = [h for h, hyp in enumerate(ctx.hypotheses) if hyp.model == key]
            L = np.vstack([hypothesis_weights(ctx.hypotheses[h], columns, factors) for h in positions])
            p, _ = pw._test_model(blocks, spec, L, [ctx.hypotheses[h].direction for h in positions], only_cat)
            pvalues[np.ix_(rows, positions)] = p
        adjusted = adjust_pvalues(pvalues, "holm")
    batched = time.perf_counter() - start
    diff = max(float(np.nanmax(np.abs(adjusted[r] - ref))) for r, ref in enumerate(loop_p) if ref is not None)
    print(f"  fit + test both models, N = {n_dyads}: {reps} replicates, batched {batched:.3f} s, "
          f"fit_logit + test_hypotheses loop {loop:.2f} s, ratio {loop / batched:.0f}x "
          f"(max |difference| of adjusted p {diff:.1e})")
    return loop / batched


def _designs(n_dyads: int, reps: int) -> dict[str, list[tuple[np.ndarray, np.ndarray, np.ndarray]]]:
    from alliance_stats.core.errors import SpecificationError
    from alliance_stats.instrument import default_instrument
    from alliance_stats.power import execution as pw_exec
    from alliance_stats.power import replicate as pw
    from alliance_stats.power import schema as pw_schema

    plan, confirmatory = pw_schema.load_power_plan(ROOT / "analyses" / "power.yaml")
    ctx = pw_exec._context(plan, confirmatory, default_instrument())
    children = np.random.SeedSequence(2026).spawn(reps)
    out: dict[str, list] = {key: [] for key in ctx.models}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for seq in children:
            firms = pw._model_frame(ctx, seq, n_dyads)["firms"]
            for key, spec in ctx.models.items():
                try:
                    X, y, g, *_ = pw._design_arrays(firms, spec)
                except SpecificationError:  # a replicate the plan could not analyse
                    continue
                out[key].append((X, y, g))
    return out


CHUNK = 25  # replicates per batch, the chunk_size of analyses/power.yaml (as the power analysis fits them)


def bench_ml(blocks: list[tuple[np.ndarray, np.ndarray, np.ndarray]], label: str) -> float:
    import statsmodels.api as sm

    from alliance_stats.models.kernel import logit_batch
    from alliance_stats.power.replicate import _pad

    parts = [_pad(blocks[i:i + CHUNK]) for i in range(0, len(blocks), CHUNK)]
    start = time.perf_counter()
    fits = [logit_batch(X, y, weights=w, groups=g) for X, y, w, g in parts]
    batched = time.perf_counter() - start
    fit = type(fits[0])(**{name: np.concatenate([getattr(f, name) for f in fits])
                           for name in ("coef", "se", "converged", "separated", "n_iter", "loglik")})
    start = time.perf_counter()
    reference = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for Xr, yr, gr in blocks:
            res = sm.Logit(yr, Xr).fit(method="newton", maxiter=100, disp=0, cov_type="cluster",
                                       cov_kwds={"groups": gr})
            reference.append((res.params, res.bse))
    loop = time.perf_counter() - start
    ok = ~fit.separated
    diff = max(float(np.max(np.abs(np.r_[fit.coef[r] - b, fit.se[r] - s]))) for r, (b, s) in enumerate(reference)
               if ok[r])
    print(f"  {label}: {len(blocks)} replicates, batched {batched:.3f} s, statsmodels loop {loop:.3f} s, "
          f"ratio {loop / batched:.0f}x (max |difference| {diff:.1e})")
    return loop / batched


def bench_firth(blocks: list[tuple[np.ndarray, np.ndarray, np.ndarray]], label: str) -> float:
    from firthmodels import FirthLogisticRegression

    from alliance_stats.models.kernel import firth_batch
    from alliance_stats.power.replicate import _pad

    parts = [_pad(blocks[i:i + CHUNK]) for i in range(0, len(blocks), CHUNK)]
    start = time.perf_counter()
    fits = [firth_batch(X, y, weights=w) for X, y, w, _ in parts]
    batched = time.perf_counter() - start
    fit = type(fits[0])(**{name: np.concatenate([getattr(f, name) for f in fits])
                           for name in ("coef", "cov", "loglik_penalised", "loglik", "converged", "n_iter")})
    start = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        reference = [FirthLogisticRegression(fit_intercept=False, max_iter=200, gtol=1e-10, xtol=1e-10,
                                             backend="numpy").fit(Xr, yr).coef_ for Xr, yr, _ in blocks]
    loop = time.perf_counter() - start
    diff = max(float(np.max(np.abs(fit.coef[r] - b))) for r, b in enumerate(reference) if fit.converged[r])
    print(f"  {label}: {len(blocks)} replicates, batched {batched:.3f} s, firthmodels loop {loop:.3f} s, "
          f"ratio {loop / batched:.0f}x (max |difference| {diff:.1e})")
    return loop / batched


def bench_grid(reps: int, jobs: int) -> float:
    from alliance_stats.power import load_power_plan, power_analysis

    plan, confirmatory = load_power_plan(ROOT / "analyses" / "power.yaml")
    done = [0]

    def progress(advance: int, total: int) -> None:
        done[0] += advance
        if done[0] % max(total // 10, 1) < advance:
            print(f"    {done[0]}/{total} replicates, {time.perf_counter() - start:.0f} s", flush=True)

    start = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        result = power_analysis(plan, confirmatory, reps=reps, jobs=jobs, progress=progress)
    wall = time.perf_counter() - start
    total = reps * len(plan.n_dyads)
    print(f"  grid {plan.n_dyads} x {reps} replicates = {total}, jobs = {jobs}: {wall:.1f} s wall "
          f"({wall / total * 1000:.1f} ms per replicate)")
    if reps != 1000:
        print(f"  extrapolated to 1000 replicates per N: {wall * 1000 / reps:.0f} s")
    print(result.sample_size[["n_dyads", "power"]].to_string())
    return wall


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fit-reps", type=int, default=200, help="replicates for the fitting comparison")
    parser.add_argument("--grid-reps", type=int, default=1000, help="replicates per N for the grid (0: skip)")
    parser.add_argument("--jobs", type=int, default=2, help="worker processes for the grid")
    args = parser.parse_args()
    from threadpoolctl import threadpool_limits

    print(f"bench_power: {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}")
    print("1. batched fitting versus one fit at a time (same replicates, one process, one thread)")
    with threadpool_limits(limits=1):
        designs = _designs(200, args.fit_reps)
        ratios = [bench_ml(designs[key], f"ML + dyad-clustered SE, model {key}, N = 200") for key in designs]
        small = _designs(40, max(args.fit_reps // 4, 10))
        ratios += [bench_firth(small[key], f"Firth, model {key}, N = 40") for key in small]
        print(f"  smallest ratio of single fits {min(ratios):.0f}x (goal >= 30x)")
        step = [bench_fit_and_test(n, max(args.fit_reps // 4, 10)) for n in (40, 200)]
        print(f"  smallest ratio of the analysis step {min(step):.0f}x (goal >= 30x)")
    if args.grid_reps:
        print("2. the whole grid")
        bench_grid(args.grid_reps, args.jobs)


if __name__ == "__main__":
    main()
