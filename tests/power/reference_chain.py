"""The power analysis's per-replicate chain of public functions (its path until issue 17), kept for the tests as
the reference the batched chunk (power/frames.py) must equal replicate by replicate, and timed stage by stage by
benchmarks/bench_power.py (the ``clock`` argument: ``clock(stage, func, *args)`` calls ``func(*args)``)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd

from alliance_stats.core.errors import SpecificationError
from alliance_stats.data import build_dyads, firms_at_risk, score_responses
from alliance_stats.data.quality import careless_exclusions
from alliance_stats.power.frames import ChunkData, design_arrays
from alliance_stats.simulate import CONFIGURATIONS, simulate_alliances
from alliance_stats.typology.classification import classify


def untimed(stage: str, func: Callable, *args: Any, **kwargs: Any) -> Any:
    """The default clock: call ``func`` (the stage name is for a timing clock)."""
    return func(*args, **kwargs)


def _frames(ctx, responses, excluded):
    kept = responses.loc[~excluded]
    scores = score_responses(kept, ctx.instrument, ctx.min_share)
    dyads = build_dyads(scores, ctx.instrument)
    configuration = classify(dyads, cut=ctx.cut, scale=ctx.scale, asymmetry=ctx.asymmetry)
    firms = firms_at_risk(scores, dyads, ctx.outcome)
    firms["configuration"] = configuration.reindex(firms["dyad_id"].to_numpy()).to_numpy()
    table = dyads.table.copy()
    table["configuration"] = configuration
    return {"firms": firms, "dyads": table, "kept": len(kept)}


def model_frame(ctx, seed, n_dyads, clock=untimed):
    """The per-replicate chain: simulate, exclude, score, pair, classify, firms at risk (DataFrames)."""
    responses = clock("1 simulate", simulate_alliances, n_dyads, ctx.params, seed=seed,
                      instrument=ctx.instrument).responses
    excluded = clock("2 careless exclusions", careless_exclusions, responses, ctx.instrument, ctx.exclusions)
    return clock("3 scores, dyads, classes, firms", _frames, ctx, responses, excluded)


def reference_chunk(ctx, n_dyads, seeds, clock=untimed):
    R, keys = len(seeds), list(ctx.models)
    data = ChunkData(R=R, model_keys=keys, failures=Counter(), kept=np.zeros(R, dtype=int),
                     at_risk=np.zeros(R, dtype=int), events=np.full(R, np.nan),
                     method=np.full((R, len(keys)), 2, dtype=np.int8), blocks={k: [] for k in keys}, meta={})
    for r, seed in enumerate(seeds):
        frames = model_frame(ctx, seed, n_dyads, clock)
        firms, table = frames["firms"], frames["dyads"]
        data.kept[r], data.at_risk[r] = frames["kept"], len(firms)
        data.events[r] = float(np.nanmean(firms["crossed"])) if len(firms) else np.nan
        for m, key in enumerate(keys):
            try:
                X, y, g, columns, factors, only = clock("4 design matrices", design_arrays, firms, ctx.models[key])
            except SpecificationError as exc:
                data.failures[f"model {key}: {exc.message}"] += 1
                continue
            if key not in data.meta:
                data.meta[key] = (columns, factors, only)
            elif data.meta[key][0] != columns:
                data.failures[f"model {key}: design columns differ between replicates"] += 1
                continue
            data.blocks[key].append((r, (X, y, g)))
            data.method[r, m] = 3
        values = table[list(ctx.cluster_variables)].to_numpy(dtype=float)
        complete = ~np.isnan(values).any(axis=1)
        codes = np.asarray(pd.Categorical(table["configuration"], categories=list(CONFIGURATIONS)).codes)
        data.cluster_data.append(values[complete])
        data.theory.append(codes[complete])
    return data
