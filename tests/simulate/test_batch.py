"""simulate_arrays draws, replicate by replicate, the numeric columns simulate_alliances draws from the same seed."""

from __future__ import annotations

import numpy as np
import pytest

from alliance_stats.core.errors import SpecificationError
from alliance_stats.simulate import SimulationParams, simulate_alliances
from alliance_stats.simulate.batch import simulate_arrays


@pytest.mark.parametrize("params", [
    SimulationParams(),
    SimulationParams(missing_rate=0.1, missing_mechanism="MAR", dont_know_share=0.5, random_share=0.1),
    SimulationParams(structure="continuous", crossed={"kind": "breakeven"}),
])
def test_arrays_equal_the_response_columns(params):
    seeds = np.random.SeedSequence(17).spawn(3)
    arrays = simulate_arrays(35, params, seeds)
    assert arrays.reps == 3 and arrays.n_dyads == 35
    for r, seed in enumerate(seeds):
        responses = simulate_alliances(35, params, seed=seed).responses
        numeric = [c for c in responses.columns if responses[c].dtype.kind == "f"]
        assert set(arrays.values) == set(numeric)
        for name in numeric:
            np.testing.assert_array_equal(arrays.values[name][r], responses[name].to_numpy(), err_msg=name)


def test_bad_arguments_are_refused():
    with pytest.raises(SpecificationError):
        simulate_arrays(0, None, [1])
    with pytest.raises(SpecificationError):
        simulate_arrays(5, None, [])
