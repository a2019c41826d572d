"""Fixtures of the report tests (the builders they wrap are in :mod:`tests.report.builders`)."""

from __future__ import annotations

import pandas as pd
import pytest

from tests.report.builders import StandInInstrument, make_instrument, make_likert_responses


@pytest.fixture
def instrument() -> StandInInstrument:
    return make_instrument()


@pytest.fixture
def likert_responses() -> pd.DataFrame:
    return make_likert_responses()


@pytest.fixture(params=["fr", "en"])
def lang(request) -> str:
    return request.param
