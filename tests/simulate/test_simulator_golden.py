"""Same seed, same data: the split ``simulate_alliances`` reproduces the draws of the monolithic version.

The CSV files in ``golden/`` were written by ``simulate_alliances`` *before* it was split along its phases
(commit 1cd626b); a change to the generative model or the order of the random draws makes this test fail and
must then be deliberate (regenerate the files and say why in the commit).
"""

from __future__ import annotations

import io
import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from alliance_stats.simulate import SimulationParams, simulate_alliances

GOLDEN = Path(__file__).parent / "golden"
CASES = json.loads((GOLDEN / "cases.json").read_text(encoding="utf-8"))


def _same(expected: pd.DataFrame, got: pd.DataFrame) -> None:
    assert list(got.columns) == list(expected.columns)
    for column in expected.columns:
        want = expected[column]
        have = got[column]
        if pd.api.types.is_numeric_dtype(want) and pd.api.types.is_numeric_dtype(have):
            np.testing.assert_array_equal(have.to_numpy(dtype=float), want.to_numpy(dtype=float), err_msg=column)
        else:
            left = ["" if pd.isna(v) else str(v) for v in want]
            right = ["" if pd.isna(v) else str(v) for v in have]
            assert right == left, column


@pytest.mark.parametrize("name", sorted(CASES))
def test_simulation_equals_the_pre_split_draws(name: str) -> None:
    case = CASES[name]
    sim = simulate_alliances(case["n_dyads"], params=SimulationParams.model_validate(case["params"]),
                             seed=case["seed"])
    responses = pd.read_csv(GOLDEN / f"{name}_responses.csv", keep_default_na=True)
    roundtrip = pd.read_csv(io.StringIO(sim.responses.to_csv(index=False)))
    _same(responses, roundtrip)
    firms = pd.read_csv(GOLDEN / f"{name}_firms.csv")
    _same(firms, sim.truth.firms.reset_index(drop=True).pipe(
        lambda f: pd.read_csv(io.StringIO(f.to_csv(index=False, float_format="%.17g")))))
