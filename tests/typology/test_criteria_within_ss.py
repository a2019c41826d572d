"""The within-cluster sum of squares of the BIC and gap statistic (criteria._within_ss, compiled) is numpy's
``sum over clusters of ((block - block.mean(axis=0)) ** 2).sum()`` bit for bit."""

from __future__ import annotations

import numpy as np
import pytest

from alliance_stats.typology.cluster.criteria import _within_ss


def _numpy_within_ss(data: np.ndarray, labels: np.ndarray) -> float:
    total = 0.0
    for value in np.unique(labels):
        block = data[labels == value]
        total += float(((block - block.mean(axis=0)) ** 2).sum())
    return total


@pytest.mark.parametrize("case", range(16))
def test_within_ss_is_numpys_bit_for_bit(case):
    rng = np.random.default_rng(400 + case)
    n = [1, 2, 7, 9, 16, 17, 129, 130, 257, 300, 1000, 2000, 2500, 3000, 64, 5][case]
    p = 1 + case % 3
    x = rng.normal(4, 1.5, (n, p)) * (1e6 if case % 5 == 0 else 1.0)
    labels = rng.integers(0, 1 + case % 8, n) * (3 if case % 2 else 1) - (case % 3)
    assert _within_ss(x, labels) == _numpy_within_ss(x, labels)
