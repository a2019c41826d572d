"""The simulator's results (Simulated, Truth) follow the result protocol (core.results.check_result)."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from alliance_stats.core.results import Result, check_result
from alliance_stats.simulate import Simulated, Truth


@pytest.fixture(scope="module")
def sim(simulated: Callable[[int, int], Simulated]) -> Simulated:
    """simulate_alliances(15, seed=2) with the default instrument."""
    return simulated(15, 2)


@pytest.mark.parametrize("part", ["Simulated", "Truth"])
def test_result_protocol(sim: Simulated, part: str) -> None:
    result: Result = sim if part == "Simulated" else sim.truth
    assert type(result).__name__ == part
    check_result(result)


def test_every_result_class_of_the_stage_is_covered() -> None:
    import alliance_stats.simulate as stage

    classes = [getattr(stage, name) for name in stage.__all__]
    assert {c for c in classes if isinstance(c, type) and issubclass(c, Result)} == {Simulated, Truth}


def test_tables_are_the_same_from_the_result_and_its_truth(sim: Simulated) -> None:
    for lang in ("fr", "en"):
        a = sim.table("simulated_population", lang)
        b = sim.truth.table("simulated_population", lang)
        assert a.frame.equals(b.frame) and a.note == b.note and a.title == b.title
