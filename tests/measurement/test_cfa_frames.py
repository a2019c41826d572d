"""The tables of a CFA built from arrays (issue 17: ``cfa()`` >= 5x semopy) are the frames pandas' constructors
build, and what cfa() keeps between calls (the model's structure, parsed syntax, index objects) is never shared in
a way that lets one result change another.

``solution.frame_of_columns`` / ``frame_of_matrix`` assemble a DataFrame from blocks (pandas.api.internals) instead
of ``pd.DataFrame(...)``: these tests compare them with the constructor (values, dtypes, index and column labels,
behaviour under copy-on-write), and check the results of two fits of the same model are independent.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from alliance_stats.measurement import cfa
from alliance_stats.measurement.cfa import engine
from alliance_stats.measurement.cfa.solution import frame_of_columns, frame_of_matrix

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "measurement"
HS_MODEL = "visual =~ x1 + x2 + x3\ntextual =~ x4 + x5 + x6\nspeed =~ x7 + x8 + x9"


@pytest.fixture(scope="module")
def hs() -> pd.DataFrame:
    return pd.read_csv(FIXTURES / "holzinger_swineford_1939.csv")


def test_frame_of_columns_is_the_constructors_frame() -> None:
    rng = np.random.default_rng(3)
    columns = {"lhs": np.array(["f", "g", "h"], dtype=object), "free": np.array([True, False, True]),
               "index": np.array([0, -1, 1]), "est": rng.normal(size=3), "label": np.array(["", "a", ""], dtype=object),
               "se": rng.normal(size=3)}
    ours = frame_of_columns(columns)
    expected = pd.DataFrame({name: list(values) if values.dtype == object else values
                             for name, values in columns.items()})
    pd.testing.assert_frame_equal(ours, expected, check_exact=True)
    assert ours.columns.dtype == expected.columns.dtype and isinstance(ours.index, pd.RangeIndex)
    for name, values in columns.items():  # the frame owns its memory: changing the inputs changes nothing
        if values.dtype != object:
            assert not np.shares_memory(ours[name].to_numpy(), values)
    columns["est"][0] = 99.0
    columns["lhs"][0] = "changed"
    assert ours.loc[0, "est"] != 99.0 and ours.loc[0, "lhs"] == "f"


def test_frame_of_matrix_is_the_constructors_frame() -> None:
    values = np.random.default_rng(4).normal(size=(4, 3))
    index, columns = pd.Index(list("abcd"), name="row"), pd.Index(list("xyz"))
    ours = frame_of_matrix(values, index, columns)
    pd.testing.assert_frame_equal(ours, pd.DataFrame(values, index=index, columns=columns), check_exact=True)
    values[0, 0] = 99.0
    assert ours.iloc[0, 0] != 99.0
    fortran = np.asfortranarray(values)  # its transpose is C-contiguous: still copied
    frame = frame_of_matrix(fortran, index, columns)
    fortran[1, 1] = -99.0
    assert frame.iloc[1, 1] != -99.0


def test_two_results_of_one_model_are_independent(hs: pd.DataFrame) -> None:
    first = cfa(hs, HS_MODEL)
    second = cfa(hs, HS_MODEL)
    assert first.model is second.model  # the parsed syntax is shared (immutable) ...
    before = second.params.copy()
    # ... but a user changing one result's tables (values or index names, in place) does not reach another's
    first.params.loc[0, "lhs"] = "changed"
    first.params.loc[0, "est"] = -1.0
    first.loadings.loc[0, "factor"] = "changed"
    first.factor_corr.index.name = "renamed"
    first.vcov.index.name = "renamed"
    first.implied["all"]["cov"].columns.name = "renamed"
    first.reliability.loc["visual", "omega"] = 0.0
    third = cfa(hs, HS_MODEL)
    for result in (second, third):
        pd.testing.assert_frame_equal(result.params, before, check_exact=True)
        assert result.loadings.loc[0, "factor"] == "visual"
        assert result.factor_corr.index.name == "factor" and result.vcov.index.name is None
        assert result.implied["all"]["cov"].columns.name is None and result.sample["all"]["cov"].index.name is None
        assert result.reliability.loc["visual", "omega"] > 0.5


def test_the_shared_structure_is_read_only(hs: pd.DataFrame) -> None:
    cfa(hs, HS_MODEL)
    structures = [value for key, value in engine.STRUCTURES.items.items() if key[0] == "structure"]
    assert structures
    for structure in structures:
        for slots in structure.slots:
            assert not slots.template.flags.writeable and not slots.pos.flags.writeable
            assert not slots.fixed["lambda"].flags.writeable and not slots.free["lambda"][0].flags.writeable
        for values in structure.table.columns.values():
            assert not values.flags.writeable


def test_a_cleared_structure_cache_gives_the_same_numbers(hs: pd.DataFrame) -> None:
    shared = cfa(hs, HS_MODEL)
    engine.STRUCTURES.clear()
    engine.clear_shared_results()
    fresh = cfa(hs, HS_MODEL)
    pd.testing.assert_frame_equal(shared.params, fresh.params, check_exact=True)
    pd.testing.assert_frame_equal(shared.vcov, fresh.vcov, check_exact=True)
    assert shared.fit == fresh.fit
