"""Session fixtures shared by every test folder: the default instrument, the bundled synthetic responses and
simulated data sets. Nothing is simulated or loaded when a test module is imported (collection stays fast and
``-k`` selects cheaply); each object is built once per test session (per xdist worker), on first use.

The objects are shared: a test that changes a frame works on a ``.copy()``.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from typing import Any

import pandas as pd
import pytest


@pytest.fixture(scope="session")
def instrument() -> Any:
    """The default instrument (``default_instrument()``)."""
    from alliance_stats.instrument import default_instrument

    return default_instrument()


@pytest.fixture(scope="session")
def synthetic_responses(instrument: Any) -> pd.DataFrame:
    """The bundled synthetic responses (300 dyads, 600 respondents), read as a run reads them."""
    from alliance_stats.data import read_responses
    from alliance_stats.plan.templates import template

    return read_responses(template("data/synthetic_responses.csv"), instrument)


@pytest.fixture(scope="session")
def simulated(instrument: Any) -> Callable[[int, int], Any]:
    """``simulated(n_dyads, seed)``: ``simulate_alliances(n_dyads, seed=seed)`` with the default instrument,
    computed once per session for each ``(n_dyads, seed)``."""
    from alliance_stats.simulate import simulate_alliances

    @cache
    def make(n_dyads: int, seed: int) -> Any:
        return simulate_alliances(n_dyads, seed=seed, instrument=instrument)

    return make
