"""The power analysis's per-replicate chain of public functions (its path until issue 17), kept for the tests as
the reference the batched chunk (power/frames.py) must equal replicate by replicate on the same data: each
replicate's response table is ``batch_responses(...)[r]``, the batch of the chunk's one simulation stream cut
into tables (``simulate_alliances(n, seed=...)`` when the chunk has one replicate)."""

from __future__ import annotations

from collections import Counter

import numpy as np
import pandas as pd

from alliance_stats.core.errors import SpecificationError
from alliance_stats.data import build_dyads, firms_at_risk, score_responses
from alliance_stats.data.quality import careless_exclusions
from alliance_stats.power.frames import ChunkData, design_arrays
from alliance_stats.simulate import CONFIGURATIONS
from alliance_stats.simulate.batch import batch_responses
from alliance_stats.typology.classification import classify


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


def model_frame(ctx, responses):
    """The per-replicate chain on one response table: exclude, score, pair, classify, firms at risk."""
    excluded = careless_exclusions(responses, ctx.instrument, ctx.exclusions)
    return _frames(ctx, responses, excluded)


def chunk_tables(ctx, n_dyads, reps, seed):
    """The response tables of a chunk's replicates (its one simulation stream)."""
    return batch_responses(n_dyads, ctx.params, reps, seed, ctx.instrument)


def reference_chunk(ctx, n_dyads, reps, seed):
    R, keys = reps, list(ctx.models)
    data = ChunkData(R=R, model_keys=keys, failures=Counter(), kept=np.zeros(R, dtype=int),
                     at_risk=np.zeros(R, dtype=int), events=np.full(R, np.nan),
                     method=np.full((R, len(keys)), 2, dtype=np.int8), blocks={k: [] for k in keys}, meta={})
    for r, responses in enumerate(chunk_tables(ctx, n_dyads, reps, seed)):
        frames = model_frame(ctx, responses)
        firms, table = frames["firms"], frames["dyads"]
        data.kept[r], data.at_risk[r] = frames["kept"], len(firms)
        data.events[r] = float(np.nanmean(firms["crossed"])) if len(firms) else np.nan
        for m, key in enumerate(keys):
            try:
                X, y, g, columns, factors, only = design_arrays(firms, ctx.models[key])
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
