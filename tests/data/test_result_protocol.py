"""Every result class of the data stage follows the result protocol (core.results.check_result)."""

from __future__ import annotations

import dataclasses
import warnings
from collections.abc import Callable
from typing import Any

import pytest

from alliance_stats.core.results import Result, check_result
from alliance_stats.data import DataCheck, Dyads, build_dyads, check_responses, score_responses
from alliance_stats.instrument import Instrument
from alliance_stats.simulate import simulate_alliances


def _check(instrument: Instrument) -> DataCheck:
    responses = simulate_alliances(20, seed=3, instrument=instrument).responses
    responses.loc[0, "LINK_1"] = 99.0  # a declared missing code: one warning finding
    responses.loc[1, "LINK_2"] = 8.0  # out of range: one error
    return check_responses(responses, instrument, file="wave1.csv")


def _dyads(instrument: Instrument) -> Dyads:
    sim = simulate_alliances(20, seed=4, instrument=instrument)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        responses = sim.responses.iloc[:-1]
        return build_dyads(score_responses(responses, instrument), instrument, responses=responses)


BUILDERS: dict[type, Callable[[Instrument], Any]] = {DataCheck: _check, Dyads: _dyads}


@pytest.mark.parametrize("cls", list(BUILDERS), ids=lambda c: c.__name__)
def test_result_protocol(instrument: Instrument, cls: type) -> None:
    result = BUILDERS[cls](instrument)
    assert isinstance(result, cls)
    check_result(result)
    assert result.warnings, "the instance built for the test should carry warnings"
    with pytest.raises(dataclasses.FrozenInstanceError):
        result.warnings = ()  # type: ignore[misc]


def test_every_result_class_of_the_stage_is_covered() -> None:
    import alliance_stats.data as stage

    classes = [getattr(stage, name) for name in stage.__all__]
    results = {c for c in classes if isinstance(c, type) and issubclass(c, Result)}
    assert results == set(BUILDERS)


def test_data_check_keeps_structured_findings_beside_the_strings(instrument: Instrument) -> None:
    result = _check(instrument)
    assert [f.rule for f in result.errors] == ["out_of_range"]
    assert "declared_missing" in {f.rule for f in result.warning_findings}
    assert len(result.warnings) == len(result.warning_findings)
    assert all(line.startswith(f"{f.rule}: ") for line, f in zip(result.warnings, result.warning_findings,
                                                                   strict=True))
