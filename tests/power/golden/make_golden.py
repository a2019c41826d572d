"""Writes tests/power/golden/chunks.json: the outputs of power chunks of analyses/power.yaml (p values, cluster
check, counts), and with ``--gmm`` gmm_bic.json: the compiled EM's BIC values and labels on one chunk's cluster
data. Floats are stored with ``float.hex`` so that the tests compare them bit for bit.

History: both written at commit 2476c8b (before the session-5 speed work); chunks.json rewritten in session 6
(issue 17) when each chunk's replicates came to be drawn from one stream (simulate.batch.simulate_batch; the
new chain equals the old one in distribution, tests/power/test_distribution.py). gmm_bic.json stores its data
and starting labels, so it did not depend on the simulator and was kept until session 7, when the EM's exp and
log were vectorised (typology/cluster/vecmath.py): on its old data 135 of 256 BICs moved, by at most 4.0e-15
relative, every label and convergence flag the same; it was then regenerated (on a chunk of the current stream).
chunks.json regenerated in session 7 when firth_batch's Fisher-scoring loop was compiled (models/firth_scoring.py):
of its 792 finite p values 432 moved, by at most 1.2e-12 (2.5e-12 relative), no Holm decision at alpha = 0.05
flipped, every other field (cluster check, counts, methods, failures) the same.
gmm_bic.json regenerated in session 9 when the EM's M-step sums were vectorised (``fastmath={"reassoc"}`` on
gmm._first_moments and gmm._centred_moments): the same data and starting labels, 189 of its 256 BICs moved, by
at most 7.9e-15 relative, every label and convergence flag the same; chunks.json unchanged bit for bit.

Run from the repository root: ``python tests/power/golden/make_golden.py [--gmm]`` (only to regenerate on
purpose).
"""

from __future__ import annotations

import json
import sys
import warnings
from pathlib import Path

import numpy as np

from alliance_stats.instrument import default_instrument
from alliance_stats.power import execution as E  # noqa: N812
from alliance_stats.power import load_power_plan
from alliance_stats.power import replicate as pw
from alliance_stats.power.frames import simulate_chunk
from alliance_stats.typology.cluster.batch import kmeans_batch
from alliance_stats.typology.cluster.gmm import gmm_bic_batch

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[2]
CHUNKS = [(0, 16, 0), (0, 30, 1), (0, 40, 0), (0, 40, 7), (1, 80, 3), (3, 200, 0), (3, 200, 11),
          (5, 400, 2)]  # (n index, N, chunk); at 16 and 30 dyads some k exceed the allowance (n // 5)


def _hex(values: np.ndarray) -> list:
    return [float(v).hex() for v in np.asarray(values, dtype=float).ravel()]


def chunk_outputs(ctx: E._Context, seed: int, size: int) -> list[dict]:
    out = []
    for n_index, n_dyads, chunk in CHUNKS:
        task = pw._Task(n_index=n_index, n_dyads=n_dyads, chunk_index=chunk, first=chunk * size, size=size,
                        seed=seed, context=ctx)
        res = pw._run_chunk(task)
        out.append({"n_index": n_index, "n_dyads": n_dyads, "chunk": chunk, "size": size,
                    "p": _hex(res["p"]), "cluster_k": res["cluster_k"].tolist(),
                    "cluster_ari": _hex(res["cluster_ari"]),
                    "cluster_met": res["cluster_met"].tolist(), "kept": res["kept"].tolist(),
                    "at_risk": res["at_risk"].tolist(), "events": _hex(res["events"]),
                    "method": res["method"].tolist(), "failures": res["failures"]})
    return out


def gmm_outputs(ctx: E._Context, seed: int) -> dict:
    seeds = np.random.SeedSequence(seed, spawn_key=(3, 0)).spawn(2)
    data = simulate_chunk(ctx, 60, 8, seeds[0])
    sizes = [len(z) for z in data.cluster_data]
    x = np.zeros((len(sizes), max(sizes), 2))
    w = np.zeros(x.shape[:2])
    for r, z in enumerate(data.cluster_data):
        x[r, : len(z)], w[r, : len(z)] = z, 1.0
    rng = np.random.default_rng(seeds[1])
    fits = []
    for k in range(1, 9):
        init = np.zeros(w.shape, dtype=int) if k == 1 else kmeans_batch(x, k, n_init=1, seed=rng, weights=w)[0]
        for kind in ("spherical", "diag", "tied", "full"):
            bic, labels, converged = gmm_bic_batch(x, w, init, k, kind)
            fits.append({"k": k, "covariance_type": kind, "init": init.tolist(), "bic": _hex(bic),
                         "labels": labels.tolist(), "converged": converged.tolist()})
    return {"x": _hex(x), "shape": list(x.shape), "w": w.tolist(), "fits": fits}


def main() -> None:
    plan, confirmatory = load_power_plan(ROOT / "analyses" / "power.yaml")
    ctx = E._context(plan, confirmatory, default_instrument())
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        (HERE / "chunks.json").write_text(json.dumps(chunk_outputs(ctx, plan.seed, plan.chunk_size)) + "\n")
        if "--gmm" in sys.argv[1:]:
            (HERE / "gmm_bic.json").write_text(json.dumps(gmm_outputs(ctx, plan.seed)) + "\n")


if __name__ == "__main__":
    main()
