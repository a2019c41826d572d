"""The compiled answer passes of the simulator (simulate/kernels.py) against the numpy steps they replaced."""

from __future__ import annotations

import numpy as np
import pytest

from alliance_stats.simulate.kernels import careless_answers, construct_answers


def _numpy_answers(noise, latent, loading, sd, thresholds, missing_u, p_missing, direction, cut, lo, hi, reverse):
    """The numpy steps of the simulator before issue 17's kernels (_draw_items, _remove_missing,
    _force_definition, _record_answers), for one construct: (m, k) recorded answers."""
    ystar = loading * latent[:, None] + sd * noise
    below = np.zeros(ystar.shape, dtype=np.int8)
    for threshold in thresholds:
        below += (ystar > threshold).view(np.int8)
    block = below + float(lo)
    block[missing_u < p_missing[:, None]] = np.nan
    if direction is not None:
        for _ in range(hi - lo):
            answered = (~np.isnan(block)).sum(axis=1)
            with np.errstate(invalid="ignore", divide="ignore"):
                mean = np.where(answered > 0, np.nansum(block, axis=1) / answered, np.nan)
            need_up = (direction == 1) & (mean < cut)
            need_down = (direction == -1) & (mean >= cut)
            if not (need_up.any() or need_down.any()):
                break
            block[need_up] = np.minimum(block[need_up] + 1, hi)
            block[need_down] = np.maximum(block[need_down] - 1, lo)
    return np.where(reverse[None, :], (lo + hi) - block, block)


@pytest.mark.parametrize("seed", [1, 2, 3])
@pytest.mark.parametrize("forced", [False, True])
def test_construct_answers_equal_the_numpy_steps_bit_for_bit(seed: int, forced: bool):
    rng = np.random.default_rng(seed)
    m, k, lo, hi = 500, 6, 1, 7
    noise, latent = rng.standard_normal((m, k)), rng.normal(0, 1.5, m)
    missing_u, p_missing = rng.uniform(size=(m, k)), rng.uniform(0, 0.4, m)  # MAR-like: per respondent
    thresholds = np.sort(rng.normal(0, 1, hi - lo))
    direction = rng.integers(-1, 2, m) if forced else None
    reverse = np.array([False, True, False, False, True, False])
    rows = np.array([5, 0, 2, 1, 4, 3])
    out = np.full((k + 1, m), -1.0)
    construct_answers(noise, latent, (0.8, 0.6, thresholds), (missing_u, p_missing),
                      (direction, 4.0) if forced else None, (lo, hi), (reverse, rows), out)
    expected = _numpy_answers(noise, latent, 0.8, 0.6, thresholds, missing_u, p_missing, direction, 4.0, lo, hi,
                              reverse)
    np.testing.assert_array_equal(out[rows], expected.T)
    assert (out[k] == -1.0).all()  # rows not named are left alone
    if forced:  # the moves did happen, and toward the required side whenever the mean could get there
        kept = expected[direction == 1]
        assert np.isnan(kept).any()
        means = np.nanmean(np.where(reverse, (lo + hi) - kept, kept), axis=1)
        assert (means[np.isfinite(means)] >= 4.0).mean() > 0.99


def test_careless_answers_equal_the_numpy_step():
    rng = np.random.default_rng(4)
    m, rows = 400, 9
    recorded = rng.integers(1, 8, (rows, m)).astype(float)
    recorded[rng.uniform(size=recorded.shape) < 0.1] = np.nan
    u, straight_value, random_values = rng.uniform(size=m), rng.integers(1, 8, m), rng.integers(1, 8, (m, rows))
    expected = recorded.copy()
    straight = u < 0.1
    random_resp = ~straight & (u < 0.25)
    expected[:, straight] = straight_value[straight].astype(float)
    expected[:, random_resp] = random_values[random_resp].T.astype(float)
    kind = careless_answers(u, (0.1, 0.15), straight_value, random_values, recorded)
    np.testing.assert_array_equal(recorded, expected)
    np.testing.assert_array_equal(kind, np.where(straight, 1, np.where(random_resp, 2, 0)))
