"""The compiled passes of data/kernels.py against their definitions (longest run; centring) on stacks laid out
as the power analysis lays them (item-major) and as a data set is (row-major)."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from alliance_stats.data.pairwise_cov import centred_answers
from alliance_stats.data.quality import longstring


def _runs(row: np.ndarray) -> float:
    """careless::longstring by its definition, max(rle(x)$lengths), NaN never joining a run."""
    best = 0
    for value, group in itertools.groupby(row.tolist()):
        if value == value:  # not NaN
            best = max(best, len(list(group)))
    return float(best) if best else np.nan


@pytest.mark.parametrize("item_major", [False, True])
def test_longstring_equals_the_run_length_definition(item_major: bool):
    rng = np.random.default_rng(3)
    x = rng.integers(1, 4, (300, 12)).astype(float)
    x[rng.uniform(size=x.shape) < 0.15] = np.nan
    x[5] = np.nan
    x[6] = 2.0
    data = np.asfortranarray(x) if item_major else x
    got = longstring(data)
    np.testing.assert_array_equal(got, [_runs(row) for row in x])
    assert np.isnan(got[5]) and got[6] == 12


@pytest.mark.parametrize("item_major", [False, True])
def test_centred_answers_keep_the_layout_and_equal_the_numpy_formula(item_major: bool):
    rng = np.random.default_rng(4)
    stack = rng.integers(1, 8, (3, 50, 6)).astype(float)
    stack[rng.uniform(size=stack.shape) < 0.2] = np.nan
    stack[1, :, 2] = np.nan  # an item nobody answered: deviations 0
    x = np.moveaxis(np.ascontiguousarray(np.moveaxis(stack, 2, 0)), 0, 2) if item_major else stack
    centred, observed = centred_answers(x)
    with np.errstate(invalid="ignore"):
        mean = np.nansum(stack, axis=1, keepdims=True) / (~np.isnan(stack)).sum(axis=1, keepdims=True)
    np.testing.assert_array_equal(centred, np.where(np.isnan(stack), 0.0, stack - mean))
    np.testing.assert_array_equal(observed, ~np.isnan(stack))
    assert np.argsort(centred.strides).tolist() == np.argsort(x.strides).tolist()


@pytest.mark.parametrize("item_major", [False, True])
def test_off_scale_answers_become_missing_as_the_range_test_says(item_major: bool):
    from alliance_stats.data.kernels import off_scale_to_nan

    rng = np.random.default_rng(5)
    stack = rng.choice([np.nan, 0.0, 1.0, 3.0, 3.5, 7.0, 8.0, 99.0, -1.0], size=(2, 40, 5))
    x = np.moveaxis(np.ascontiguousarray(np.moveaxis(stack, 2, 0)), 0, 2) if item_major else stack.copy()
    off_scale_to_nan(x, 1, 7)
    with np.errstate(invalid="ignore"):
        on = (stack >= 1) & (stack <= 7) & (np.floor(stack) == stack)
    np.testing.assert_array_equal(x, np.where(on, stack, np.nan))


def test_construct_scores_are_the_item_loop_means():
    from alliance_stats.data.scoring import _construct_score

    rng = np.random.default_rng(6)
    block = rng.integers(1, 8, (3, 60, 5)).astype(float)
    block[rng.uniform(size=block.shape) < 0.3] = np.nan
    answered = np.zeros(block.shape[:-1], dtype=int)
    total = np.zeros(block.shape[:-1])
    for j in range(block.shape[-1]):  # the numpy loop the kernel replaced
        known = ~np.isnan(block[..., j])
        answered += known
        total += np.where(known, block[..., j], 0.0)
    with np.errstate(invalid="ignore"):
        expected = np.where(answered >= 4, total / answered, np.nan)  # 2/3 of 5 items: 4 answers
    np.testing.assert_array_equal(_construct_score(block, 2 / 3), expected)
    np.testing.assert_array_equal(_construct_score(block[1], 2 / 3), expected[1])
