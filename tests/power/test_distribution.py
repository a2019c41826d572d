"""The power analysis's one-stream batches (issue 17) give the same distribution of replicate results as the
per-replicate streams they replaced: power estimates and other replicate summaries agree within Monte Carlo
error.

Since issue 17 a chunk's replicates are one draw of the generative model (``simulate_batch``: R x N dyads cut into
R data sets) instead of one ``simulate_alliances`` call per replicate seed, so the numbers of a given seed changed
while their distribution should not. The old chain is rebuilt here exactly as it ran (``simulate_arrays`` on the
chunk's ``size + 1`` child seeds, the last one seeding the cluster check), and both chains go through the same
analysis (``chunk_from_arrays`` and ``analyse_chunk``). Compared per statistic with a two-sample z test on the
replicate means (|z| < 3.5: with about 20 statistics, a false alarm below 1 % under equality): the rejection
rate of every confirmatory hypothesis and of the whole family (the power estimates), the mean p value of each
hypothesis, the share meeting the cluster criterion and choosing k, the share of Firth fits, the mean numbers of
respondents kept and firms at risk and the share crossed; and the distributions of respondents kept, firms at
risk and share crossed with a two-sample Kolmogorov-Smirnov test (p > .001).

- ``test_batches_equal_per_replicate_streams_in_distribution`` (slow, ~9 s CPU; ``make test``): N = 80, 120
  replicates of each chain, and a negative control: the same comparison tells the old chain apart from the new
  one on a population whose entraide odds ratio is 1.5 instead of 3 (it flags H2, H4, the family and the share
  crossed: the comparison can fail).
- ``test_power_estimates_agree_on_2000_replicates`` (slow, ~1 min CPU; ``make test``): N = 120, 2,000
  replicates of each chain (session 6: nothing flagged; power estimates and cluster shares within 0.01).
"""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
import pytest
from scipy import stats

from alliance_stats.instrument import default_instrument
from alliance_stats.power import execution as E  # noqa: N812
from alliance_stats.power import load_power_plan
from alliance_stats.power import replicate as pw
from alliance_stats.power.frames import chunk_from_arrays
from alliance_stats.simulate import SimulationParams
from alliance_stats.simulate.batch import simulate_arrays

POWER_PLAN = Path(__file__).resolve().parents[2] / "analyses" / "power.yaml"
Z_LIMIT = 3.5
KS_LEVEL = 1e-3


def _context(population=None):
    plan, confirmatory = load_power_plan(POWER_PLAN)
    if population:
        params = SimulationParams.model_validate({**plan.population.model_dump(), **population})
        plan = plan.model_copy(update={"population": params})
    return plan, E._context(plan, confirmatory, default_instrument())


def _per_seed_chunk(task):
    """The chain until issue 17: replicate r from child r of the chunk's SeedSequence, child ``size`` seeding
    the cluster check."""
    from threadpoolctl import threadpool_limits

    ctx = task.context
    children = np.random.SeedSequence(task.seed, spawn_key=(task.n_index, task.chunk_index)).spawn(task.size + 1)
    with threadpool_limits(limits=1), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        arrays = simulate_arrays(task.n_dyads, ctx.params, children[: task.size], ctx.instrument)
        return pw.analyse_chunk(task, chunk_from_arrays(ctx, arrays), np.random.default_rng(children[task.size]))


def _replicates(ctx, seed, n_dyads, reps, chunk_size, run):
    """Per-replicate summaries of ``reps`` replicates (chunks of ``chunk_size``) of one chain."""
    chunks = [run(pw._Task(n_index=0, n_dyads=n_dyads, chunk_index=j, first=first,
                           size=min(chunk_size, reps - first), seed=seed, context=ctx))
              for j, first in enumerate(range(0, reps, chunk_size))]

    def cat(key):
        return np.concatenate([c[key] for c in chunks])

    rejected, p, method = cat("rejected"), cat("p"), cat("method")
    out = {f"power {hyp.id}": rejected[:, h] for h, hyp in enumerate(ctx.hypotheses)}
    out["power family"] = rejected.all(axis=1)
    out.update({f"mean p {hyp.id}": np.nan_to_num(p[:, h], nan=1.0) for h, hyp in enumerate(ctx.hypotheses)})
    out["cluster criterion met"] = cat("cluster_met")
    out["cluster k chosen = target"] = cat("cluster_k") == ctx.k_target
    out.update({f"Firth share {key}": method[:, m] == 1 for m, key in enumerate(ctx.models)})
    out.update({"kept": cat("kept"), "at risk": cat("at_risk"), "share crossed": cat("events")})
    return {name: np.asarray(values, dtype=float) for name, values in out.items()}


def _differences(new, old):
    """Statistics whose means differ beyond Monte Carlo error, and distributions that differ (KS)."""
    out = []
    for name in new:
        a, b = new[name][~np.isnan(new[name])], old[name][~np.isnan(old[name])]
        se = np.sqrt(a.var(ddof=1) / len(a) + b.var(ddof=1) / len(b))
        z = (a.mean() - b.mean()) / se if se > 0 else (0.0 if a.mean() == b.mean() else np.inf)
        if abs(z) >= Z_LIMIT:
            out.append(f"{name}: {a.mean():.4f} vs {b.mean():.4f} (z = {z:.2f})")
        if name in ("kept", "at risk", "share crossed"):
            ks = stats.ks_2samp(a, b)
            if ks.pvalue <= KS_LEVEL:
                out.append(f"{name}: KS p = {ks.pvalue:.2g}")
    return out


def _compare(n_dyads, reps, old_population=None):
    plan, ctx = _context()
    new = _replicates(ctx, plan.seed, n_dyads, reps, plan.chunk_size, pw._run_chunk)
    _, old_ctx = _context(old_population)
    old = _replicates(old_ctx, plan.seed + 1, n_dyads, reps, plan.chunk_size, _per_seed_chunk)
    return new, old, _differences(new, old)


@pytest.mark.slow
def test_batches_equal_per_replicate_streams_in_distribution():
    new, old, differences = _compare(80, 120)
    assert not differences, differences
    assert 0.1 < new["power family"].mean() < 0.9  # a power that can move (not stuck at 0 or 1)
    # negative control: a weaker entraide effect in the old chain's population is detected
    _, _, control = _compare(80, 120, {"odds_ratios": {"entraide": 1.5, "parrainage": 2.0, "survie": 1.0,
                                                       "contre_nature": 1.2}})
    assert any(d.startswith("power") for d in control), control


@pytest.mark.slow
def test_power_estimates_agree_on_2000_replicates():
    new, old, differences = _compare(120, 2000)
    assert not differences, differences
