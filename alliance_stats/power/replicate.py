"""One chunk of replicates of the power analysis: simulate, exclude, score, classify (power.frames), fit, test,
cluster check.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from alliance_stats.core.constants import EPV_THRESHOLD, MIN_PER_CLUSTER
from alliance_stats.models.kernel import firth_batch, logit_batch
from alliance_stats.models.multiplicity import adjust_pvalues
from alliance_stats.power.frames import ChunkData, simulate_chunk
from alliance_stats.power.schema import ClusterCriterion
from alliance_stats.simulate.simulator import CONFIGURATIONS, SimulationParams
from alliance_stats.typology.cluster.gmm import gmm_bic_grid


def _cluster_criterion(data: list[np.ndarray], theory: list[np.ndarray], k_target: int, k_max: int,
                       covariance_types: Sequence[str], ari_threshold: float, rng: np.random.Generator
                       ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per data set: (k chosen by BIC, ARI of the k_target partition with the theory, criterion met)."""
    from alliance_stats.typology.cluster import adjusted_rand_from_table, kmeans_batch

    R = len(data)
    chosen = np.zeros(R, dtype=int)
    ari = np.full(R, np.nan)
    if R == 0:
        return chosen, ari, np.zeros(0, dtype=bool)
    sizes = np.array([len(z) for z in data])
    d = data[0].shape[1]
    n_max = int(sizes.max())
    x = np.zeros((R, n_max, d))
    w = np.zeros((R, n_max))
    t = np.full((R, n_max), -1)
    for r, (z, lab) in enumerate(zip(data, theory, strict=True)):
        x[r, : len(z)] = z
        w[r, : len(z)] = 1.0
        t[r, : len(z)] = lab
    usable = sizes >= MIN_PER_CLUSTER * k_target
    k_allowed = np.maximum(k_target, sizes // MIN_PER_CLUSTER)
    # a k above every data set's allowance is not fitted: its BIC would be set to infinity, and no k-means
    # seeding follows it (the generator's later draws are not used), so the results are the same
    ks = np.arange(1, min(k_max, int(k_allowed.max())) + 1)
    inits = np.stack([np.zeros((R, n_max), dtype=int) if k == 1 else
                      kmeans_batch(x, int(k), n_init=1, seed=rng, weights=w)[0] for k in ks])
    bic, labels, _ = gmm_bic_grid(x, w, inits, ks, covariance_types, active=ks[None, :] <= k_allowed[:, None])
    bic = np.where(np.isnan(bic), np.inf, bic)  # (R, K, T); the first of equal values wins, as a strict <
    chosen = ks[np.argmin(bic.min(axis=2), axis=1)]
    labels_at_target = np.zeros((R, n_max), dtype=int)
    if k_target <= len(ks):
        at_target = bic[:, k_target - 1]
        best = labels[np.arange(R), k_target - 1, np.argmin(at_target, axis=1)]
        labels_at_target = np.where(np.isfinite(at_target.min(axis=1))[:, None], best, 0)
    n_theory = len(CONFIGURATIONS)
    tables = np.zeros((R, k_target, n_theory))
    for r in range(R):
        keep = (w[r] > 0) & (t[r] >= 0)
        flat = labels_at_target[r, keep] * n_theory + t[r, keep]
        tables[r] = np.bincount(flat, minlength=k_target * n_theory).reshape(k_target, n_theory)
    ari = np.asarray(adjusted_rand_from_table(tables), dtype=float)
    ari[~usable] = np.nan
    met = usable & (chosen == k_target) & (ari >= ari_threshold)
    return chosen, ari, met


@dataclass
class _Context:
    """Everything a chunk needs (picklable, shipped to the workers)."""

    instrument: Any
    params: SimulationParams
    exclusions: Any
    min_share: float
    outcome: Any
    cut: Any
    asymmetry: str
    scale: tuple[float, float]
    cluster_variables: tuple[str, ...]
    k_target: int
    k_max: int
    cluster: ClusterCriterion
    models: dict[str, Any]  # model key -> ModelSpec (only the models the confirmatory hypotheses use)
    hypotheses: list[Any]  # models.Hypothesis, confirmatory, in plan order
    alpha: float
    correction: str


@dataclass
class _Task:
    n_index: int
    n_dyads: int
    chunk_index: int
    first: int
    size: int
    seed: int
    context: _Context


def _pad(blocks: list[tuple[np.ndarray, np.ndarray, np.ndarray | None]]) -> tuple[np.ndarray, ...]:
    R = len(blocks)
    n_max = max(len(y) for _, y, _ in blocks)
    p = blocks[0][0].shape[1]
    X = np.zeros((R, n_max, p))
    y = np.zeros((R, n_max))
    w = np.zeros((R, n_max))
    g = np.full((R, n_max), -1)
    for r, (Xr, yr, wr_or_g) in enumerate(blocks):
        n = len(yr)
        X[r, :n], y[r, :n] = Xr, yr
        w[r, :n] = 1.0
        if wr_or_g is not None:
            g[r, :n] = wr_or_g
    return X, y, w, g


def _grouped(blocks: list[tuple[np.ndarray, np.ndarray, np.ndarray | None]]) -> tuple[np.ndarray, ...]:
    """Grouped-binomial sufficient statistics of each replicate, padded: (X, share of events, trials)."""
    collapsed = []
    for Xr, yr, _ in blocks:
        rows, inverse, counts = np.unique(Xr, axis=0, return_inverse=True, return_counts=True)
        events = np.bincount(inverse.ravel(), weights=yr, minlength=len(rows))
        collapsed.append((rows, events / counts, counts.astype(float)))
    R = len(collapsed)
    n_max = max(len(c[0]) for c in collapsed)
    p = collapsed[0][0].shape[1]
    X = np.zeros((R, n_max, p))
    y = np.zeros((R, n_max))
    w = np.zeros((R, n_max))
    for r, (rows, share, counts) in enumerate(collapsed):
        X[r, : len(rows)], y[r, : len(rows)], w[r, : len(rows)] = rows, share, counts
    return X, y, w


def _test_model(blocks: list[tuple[np.ndarray, np.ndarray, np.ndarray | None]], spec: Any, L: np.ndarray,
                directions: list[str], only_categorical: bool) -> tuple[np.ndarray, np.ndarray]:
    """p values (R, H) of the model's hypotheses and the estimation method per replicate (0 ML, 1 Firth, 3 none)."""
    from alliance_stats.models import directional_p, wald_tests

    R = len(blocks)
    H = L.shape[0]
    pvalues = np.full((R, H), np.nan)
    method = np.full(R, 3, dtype=np.int8)
    p_cols = L.shape[1]
    events = np.array([y.sum() for _, y, _ in blocks])
    sizes = np.array([len(y) for _, y, _ in blocks])
    epv = np.minimum(events, sizes - events) / max(p_cols - 1, 1)
    if spec.method == "firth":
        use_firth = np.ones(R, dtype=bool)
    elif spec.method == "auto":
        use_firth = epv < EPV_THRESHOLD
    else:
        use_firth = np.zeros(R, dtype=bool)
    clustered = spec.cluster is not None
    ml_rows = np.flatnonzero(~use_firth)
    if ml_rows.size:
        sub = [blocks[r] for r in ml_rows]
        if only_categorical and not clustered:
            X, y, w = _grouped(sub)
            fit = logit_batch(X, y, weights=w)
        else:
            X, y, w, g = _pad(sub)
            fit = logit_batch(X, y, weights=w, groups=g if clustered else None)
        ok = fit.converged & ~fit.separated & np.isfinite(fit.cov).all(axis=(1, 2))
        if ok.any():
            tests = wald_tests(fit.coef[ok], fit.cov[ok], L, directions)
            pvalues[ml_rows[ok]] = tests["p"]
            method[ml_rows[ok]] = 0
        if spec.method == "auto":
            use_firth[ml_rows[fit.separated]] = True
    firth_rows = np.flatnonzero(use_firth)
    if firth_rows.size:
        sub = [blocks[r] for r in firth_rows]
        if only_categorical:
            X, y, w = _grouped(sub)
        else:
            X, y, w, _ = _pad(sub)
        full = firth_batch(X, y, weights=w)
        estimate = full.coef @ L.T
        for h in range(H):
            restricted = firth_batch(X, y, weights=w, constraints=L[h][None, :], start=full.coef)
            chi2 = np.maximum(0.0, 2.0 * (full.loglik_penalised - restricted.loglik_penalised))
            signed = np.copysign(np.sqrt(chi2), estimate[:, h])
            pvalues[firth_rows, h] = directional_p(signed, directions[h])
        good = full.converged & np.isfinite(full.loglik_penalised)
        pvalues[firth_rows[~good]] = np.nan
        method[firth_rows[good]] = 1
    return pvalues, method


def _test_chunk(data: ChunkData, ctx: _Context) -> np.ndarray:
    """p values (R, H) of every hypothesis; fills ``data.method`` and counts failed estimations."""
    from alliance_stats.models import hypothesis_weights

    pvalues = np.full((data.R, len(ctx.hypotheses)), np.nan)
    for m, key in enumerate(data.model_keys):
        if not data.blocks[key]:
            continue
        columns, factors, only_cat = data.meta[key]
        positions = [h for h, hyp in enumerate(ctx.hypotheses) if hyp.model == key]
        L = np.vstack([hypothesis_weights(ctx.hypotheses[h], columns, factors) for h in positions])
        rows = np.array([r for r, _ in data.blocks[key]])
        p, used = _test_model([b for _, b in data.blocks[key]], ctx.models[key], L,
                              [ctx.hypotheses[h].direction for h in positions], only_cat)
        pvalues[np.ix_(rows, positions)] = p
        data.method[rows, m] = used
        not_tested = int((used == 3).sum())
        if not_tested:
            data.failures[f"model {key}: estimation failed (non-convergence or separation under ML)"] += not_tested
    return pvalues


def chunk_seeds(seed: int, n_index: int, chunk_index: int) -> tuple[np.random.SeedSequence, np.random.SeedSequence]:
    """The two streams of chunk ``chunk_index`` of the ``n_index``-th N: the simulation of its replicates (one
    batch) and the k-means seeding of its cluster check, children of ``SeedSequence(seed, spawn_key=(n_index,
    chunk_index))``; nothing else is random, so a chunk depends on the plan's seed, its place and its size only."""
    simulation, cluster = np.random.SeedSequence(seed, spawn_key=(n_index, chunk_index)).spawn(2)
    return simulation, cluster


#: The thread pools (BLAS, OpenMP) of this process, found at the first chunk: ``threadpool_limits`` would look
#: for them again in every chunk (1.6 ms, scanning the loaded libraries), and a chunk loads no new one (this
#: module and the modules it calls are imported by then; forked workers inherit it with the libraries).
_THREADPOOLS: Any = None


def _single_thread() -> Any:
    """``threadpool_limits(limits=1)`` on the thread pools found at the first call (a context manager)."""
    global _THREADPOOLS
    if _THREADPOOLS is None:
        from threadpoolctl import ThreadpoolController

        import alliance_stats.typology.cluster  # noqa: F401 - the modules of a chunk, loaded before the scan

        _THREADPOOLS = ThreadpoolController()
    return _THREADPOOLS.limit(limits=1)


def _run_chunk(task: _Task) -> dict[str, Any]:
    """Simulate and analyse one chunk of replicates (a pure function of ``task``)."""
    simulation, cluster = chunk_seeds(task.seed, task.n_index, task.chunk_index)
    with _single_thread(), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        data = simulate_chunk(task.context, task.n_dyads, task.size, simulation)
        return analyse_chunk(task, data, np.random.default_rng(cluster))


def analyse_chunk(task: _Task, data: ChunkData, rng: np.random.Generator) -> dict[str, Any]:
    """Fits, tests and cluster check of a chunk's replicates (``rng``: the k-means seeding) -> the chunk's record."""
    ctx = task.context
    pvalues = _test_chunk(data, ctx)
    chosen, ari, met = _cluster_criterion(data.cluster_data, data.theory, ctx.k_target, ctx.k_max,
                                          ctx.cluster.covariance_types, ctx.cluster.ari_threshold, rng)
    adjusted = adjust_pvalues(pvalues, ctx.correction)
    with np.errstate(invalid="ignore"):
        rejected = np.where(np.isnan(adjusted), False, adjusted < ctx.alpha)
    return {
        "key": (task.n_index, task.chunk_index), "n_dyads": task.n_dyads, "first": task.first,
        "p": pvalues, "p_adjusted": adjusted, "rejected": rejected, "method": data.method,
        "cluster_k": chosen, "cluster_ari": ari, "cluster_met": met,
        "kept": data.kept, "at_risk": data.at_risk, "events": data.events, "failures": dict(data.failures),
    }
