"""The simulator's batches: simulate_batch draws R data sets from one stream (one draw of R * N dyads cut into
blocks; with R = 1 exactly simulate_alliances), batch_responses gives the same draw as tables, and
simulate_arrays draws, replicate by replicate, the numeric columns simulate_alliances draws from the same seed."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from alliance_stats.core.errors import SpecificationError
from alliance_stats.simulate import SimulationParams, simulate_alliances
from alliance_stats.simulate.batch import batch_responses, simulate_arrays, simulate_batch
from alliance_stats.simulate.simulator import MAX_DYADS

PARAMS = [
    SimulationParams(),
    SimulationParams(missing_rate=0.1, missing_mechanism="MAR", dont_know_share=0.5, random_share=0.1),
    SimulationParams(structure="continuous", crossed={"kind": "breakeven"}),
]
IDENTIFIERS = ["resp_id", "dyad_id", "role", "FIRM_NAME", "RESP_NAME", "RESP_EMAIL"]


def _numeric(responses):
    return [c for c in responses.columns if responses[c].dtype.kind == "f"]


@pytest.mark.parametrize("params", PARAMS)
def test_arrays_equal_the_response_columns(params):
    seeds = np.random.SeedSequence(17).spawn(3)
    arrays = simulate_arrays(35, params, seeds)
    assert arrays.reps == 3 and arrays.n_dyads == 35
    for r, seed in enumerate(seeds):
        responses = simulate_alliances(35, params, seed=seed).responses
        numeric = _numeric(responses)
        assert set(arrays.values) == set(numeric)
        for name in numeric:
            np.testing.assert_array_equal(arrays.values[name][r], responses[name].to_numpy(), err_msg=name)


@pytest.mark.parametrize("params", PARAMS)
def test_a_batch_of_one_is_simulate_alliances(params):
    seed = np.random.SeedSequence(23, spawn_key=(1, 4))
    expected = simulate_alliances(30, params, seed=seed).responses
    (table,) = batch_responses(30, params, 1, seed)
    pd.testing.assert_frame_equal(table, expected, check_exact=True)
    arrays = simulate_batch(30, params, 1, seed)
    assert set(arrays.values) == set(_numeric(expected))
    for name, values in arrays.values.items():
        np.testing.assert_array_equal(values[0], expected[name].to_numpy(), err_msg=name)


@pytest.mark.parametrize("params", PARAMS)
def test_batch_arrays_equal_the_batch_tables(params):
    arrays = simulate_batch(25, params, 4, seed=9)
    tables = batch_responses(25, params, 4, seed=9)
    assert arrays.reps == 4 and len(tables) == 4
    for r, table in enumerate(tables):
        assert table["dyad_id"].iloc[0] == "D0001" and table["resp_id"].iloc[-1] == "R0050"
        for name, values in arrays.values.items():
            np.testing.assert_array_equal(values[r], table[name].to_numpy(), err_msg=f"{r} {name}")
    # replicates differ (one stream, not one seed per replicate reused)
    assert not np.array_equal(arrays.values["LINK_1"][0], arrays.values["LINK_1"][1], equal_nan=True)


def test_batch_is_one_draw_of_all_its_dyads_cut_into_blocks():
    """MCAR: the batch's tables are simulate_alliances(R * N) cut into R blocks of N dyads (identifiers apart)."""
    whole = simulate_alliances(4 * 20, seed=31).responses
    tables = batch_responses(20, None, 4, seed=31)
    others = [c for c in whole.columns if c not in IDENTIFIERS]
    joined = pd.concat(tables, ignore_index=True)
    pd.testing.assert_frame_equal(joined[others], whole[others], check_exact=True)
    assert joined["role"].tolist() == whole["role"].tolist()


def test_bad_arguments_are_refused():
    with pytest.raises(SpecificationError):
        simulate_arrays(0, None, [1])
    with pytest.raises(SpecificationError):
        simulate_arrays(5, None, [])
    for n, reps in ((0, 2), (5, 0), (5, True), (MAX_DYADS // 2 + 1, 2)):
        with pytest.raises(SpecificationError):
            simulate_batch(n, None, reps, seed=1)
    with pytest.raises(SpecificationError):
        simulate_batch(5, None, 2, seed=-1)
