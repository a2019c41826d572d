"""Loaders for the psych fixtures (made by tests/fixtures/measurement/make_fixtures_psych.R)."""

from __future__ import annotations

import itertools
import json
from functools import cache
from pathlib import Path

import numpy as np
import pandas as pd

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "measurement"


@cache
def psych_fixtures() -> dict:
    return json.loads((FIXTURES / "psych_fixtures.json").read_text(encoding="utf-8"))


@cache
def _dataset(name: str) -> pd.DataFrame:
    return pd.read_csv(FIXTURES / {"hs": "psych_hs1939.csv", "bfi": "psych_bfi.csv"}[name])


def dataset(name: str) -> pd.DataFrame:
    """A fresh copy of ``hs`` (HolzingerSwineford1939 x1-x9) or ``bfi`` (the 25 items, with missing)."""
    return _dataset(name).copy()


def match_columns(ours: np.ndarray, reference: np.ndarray) -> tuple[tuple[int, ...], np.ndarray]:
    """Column permutation and signs of ``ours`` closest to ``reference`` (max absolute difference)."""
    ours, reference = np.asarray(ours, dtype=float), np.asarray(reference, dtype=float)
    best: tuple[float, tuple[int, ...], np.ndarray] | None = None
    for perm in itertools.permutations(range(ours.shape[1])):
        candidate = ours[:, perm]
        signs = np.sign(np.sum(candidate * reference, axis=0))
        signs[signs == 0] = 1.0
        gap = float(np.max(np.abs(candidate * signs - reference)))
        if best is None or gap < best[0]:
            best = (gap, perm, signs)
    assert best is not None
    return best[1], best[2]
