"""The power chunks give, bit for bit, the golden outputs of tests/power/golden/chunks.json (p values, the cluster
check: k chosen, ARI, criterion; counts), written by make_golden.py in session 6 when each chunk came to draw its
replicates from one stream (issue 17); the compiled mixture EM gives every BIC value and label of gmm_bic.json
(its history, the last time in session 9, is in make_golden.py's docstring).

The floats were written on one machine kind (Xeon, OpenBLAS's SkylakeX kernels, AVX-512) and are equal there bit
for bit. On another kind the BLAS products' fused multiply-adds and the vectorised sums' order (numba picks them
for the vector width) move their last bits: on an AMD EPYC with OpenBLAS's Haswell kernels (session 10) the p
values moved by at most 1.2e-15 absolute, 5.5e-12 relative (the small p values of the far tail, whose relative
error is the statistic's times its size), the mixture BICs by a few 1e-15 relative, every discrete output the
same. So the floats are compared to 1e-10 relative (the issue's tolerance for the demo's results, far below any
printed digit), every discrete output (k chosen, criterion met, labels, counts, methods, failures) exactly."""

from __future__ import annotations

import json
import warnings
from pathlib import Path

import numpy as np
import pytest

from alliance_stats.instrument import default_instrument
from alliance_stats.power import execution as E  # noqa: N812
from alliance_stats.power import load_power_plan
from alliance_stats.power import replicate as pw
from alliance_stats.typology.cluster.gmm import gmm_bic_batch

GOLDEN = Path(__file__).resolve().parent / "golden"
POWER_PLAN = Path(__file__).resolve().parents[2] / "analyses" / "power.yaml"
CHUNKS = json.loads((GOLDEN / "chunks.json").read_text())


def _floats(values: list[str]) -> np.ndarray:
    return np.array([float.fromhex(v) for v in values])


def _assert_close(actual: np.ndarray, golden: list[str], **kwargs: str) -> None:
    """Equal to 1e-10 relative, the NaNs and infinities in the same places (see the module docstring)."""
    np.testing.assert_allclose(np.asarray(actual, dtype=float).ravel(), _floats(golden), rtol=1e-10, atol=0,
                               equal_nan=True, **kwargs)


@pytest.fixture(scope="module")
def context():
    plan, confirmatory = load_power_plan(POWER_PLAN)
    return plan, E._context(plan, confirmatory, default_instrument())


@pytest.mark.parametrize("golden", CHUNKS, ids=[f"N{c['n_dyads']}-chunk{c['chunk']}" for c in CHUNKS])
def test_power_chunk_equals_the_golden_outputs(context, golden):
    plan, ctx = context
    task = pw._Task(n_index=golden["n_index"], n_dyads=golden["n_dyads"], chunk_index=golden["chunk"],
                    first=golden["chunk"] * golden["size"], size=golden["size"], seed=plan.seed, context=ctx)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        res = pw._run_chunk(task)
    _assert_close(res["p"], golden["p"])
    assert res["cluster_k"].tolist() == golden["cluster_k"]
    _assert_close(res["cluster_ari"], golden["cluster_ari"])
    assert res["cluster_met"].tolist() == golden["cluster_met"]
    assert res["kept"].tolist() == golden["kept"] and res["at_risk"].tolist() == golden["at_risk"]
    np.testing.assert_array_equal(res["events"], _floats(golden["events"]))  # counts
    assert res["method"].tolist() == golden["method"] and res["failures"] == golden["failures"]


def test_mixture_em_equals_the_golden_bic_and_labels():
    golden = json.loads((GOLDEN / "gmm_bic.json").read_text())
    x = _floats(golden["x"]).reshape(golden["shape"])
    w = np.array(golden["w"])
    for fit in golden["fits"]:
        bic, labels, converged = gmm_bic_batch(x, w, np.array(fit["init"]), fit["k"], fit["covariance_type"])
        _assert_close(bic, fit["bic"], err_msg=f"{fit['k']} {fit['covariance_type']}")
        assert labels.tolist() == fit["labels"] and converged.tolist() == fit["converged"]
