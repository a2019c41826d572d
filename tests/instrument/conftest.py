"""Shared helpers for the instrument tests: variants of the project's YAML with one deliberate change (the
``instrument`` fixture is the session one, in tests/conftest.py)."""

from __future__ import annotations

import pytest

from alliance_stats.instrument import DEFAULT_INSTRUMENT_PATH


@pytest.fixture(scope="session")
def yaml_text() -> str:
    return DEFAULT_INSTRUMENT_PATH.read_text(encoding="utf-8")
