"""Shared helpers for the instrument tests: variants of the project's YAML with one deliberate change."""

from __future__ import annotations

import pytest

from alliance_stats.instrument import DEFAULT_INSTRUMENT_PATH, Instrument, default_instrument


@pytest.fixture(scope="session")
def instrument() -> Instrument:
    return default_instrument()


@pytest.fixture(scope="session")
def yaml_text() -> str:
    return DEFAULT_INSTRUMENT_PATH.read_text(encoding="utf-8")
