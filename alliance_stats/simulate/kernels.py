"""The simulator's answers from their random draws, compiled (steps 6, 9b and 10 of :mod:`.simulator`).

:func:`construct_answers` turns one construct's item noise into the recorded answers: ``loading * latent +
sd * noise`` cut into the response scale by counting thresholds, answers removed as missing where their
uniform is below the respondent's probability, a firm's answers moved one point at a time toward the side of
the cut its latent crossing requires (step 9b), reverse-keyed items reversed, each item written into its row
of the answers array. :func:`careless_answers` then replaces every answer of the careless respondents
(step 10). The random numbers themselves are drawn by :mod:`.simulator` from the same streams, in the same
order, as before: the data are the same bit for bit (tests/simulate/test_simulator_golden.py).

Why numba (issue 17): these steps are element-wise over respondents x items with a per-respondent loop (the
moves toward the cut) and scatter into rows in questionnaire order; in numpy they were some twenty passes over
``(m, items)`` temporaries per construct (thresholds counted, missing masked, means recomputed at every move,
reverse keying, transposing copies, boolean column assignment for careless respondents): about 1.2 ms of the
3.1 ms a 400-dyad power replicate spent simulating, the rest being the random numbers. One compiled pass per
construct reads each draw once and writes each answer once. The arithmetic is numpy's: the same products and
sum for ``y*``, the same comparisons, means of small integers (exact in any order).

Reference: the generative model of :mod:`alliance_stats.simulate.simulator` (module docstring, steps 6-10).
"""

from __future__ import annotations

import math

import numba
import numpy as np

__all__ = ["careless_answers", "construct_answers"]


@numba.njit(cache=True)
def _moved(block: np.ndarray, direction: int, cut: float, scale_min: float, scale_max: float, steps: int) -> None:
    """One firm's answered items moved one point at a time (at most ``steps``) until their mean is on the side
    of ``cut`` that ``direction`` requires (+1: at least the cut, -1: below it); in place."""
    for _ in range(steps):
        total = 0.0
        answered = 0
        for j in range(block.size):
            if not math.isnan(block[j]):
                total += block[j]
                answered += 1
        if answered == 0:  # no mean: left alone
            return
        mean = total / answered
        if direction == 1 and mean < cut:
            for j in range(block.size):
                block[j] = min(block[j] + 1.0, scale_max)  # NaN stays NaN
        elif direction == -1 and mean >= cut:
            for j in range(block.size):
                block[j] = max(block[j] - 1.0, scale_min)
        else:
            return


@numba.njit(cache=True)
def _construct_answers(noise: np.ndarray, latent: np.ndarray, missing_u: np.ndarray, p_missing: np.ndarray,
                       force: np.ndarray, settings: np.ndarray, items: np.ndarray, out: np.ndarray) -> None:
    """``settings``: loading, sd, cut, scale min, scale max, then the thresholds; ``items``: (row, reversed)."""
    m, k = noise.shape
    loading, sd, cut, scale_min, scale_max = settings[0], settings[1], settings[2], settings[3], settings[4]
    thresholds = settings[5:]
    ystar = np.empty(m)
    for j in range(k):  # item by item, into the item's row of ``out`` (the loops over respondents vectorise)
        keyed = out[items[j, 0]]
        for i in range(m):
            ystar[i] = loading * latent[i] + sd * noise[i, j]
            keyed[i] = scale_min
        for t in thresholds:
            for i in range(m):
                keyed[i] += 1.0 if ystar[i] > t else 0.0  # (integers: exact in any order)
        for i in range(m):
            if missing_u[i, j] < p_missing[i]:
                keyed[i] = np.nan
    if force.size:  # the firms whose answers must be moved toward the cut, one at a time
        block = np.empty(k)
        steps = int(scale_max - scale_min)
        for i in range(m):
            if force[i] != 0:
                for j in range(k):
                    block[j] = out[items[j, 0], i]
                _moved(block, force[i], cut, scale_min, scale_max, steps)
                for j in range(k):
                    out[items[j, 0], i] = block[j]
    for j in range(k):
        if items[j, 1]:  # reverse-keyed
            answers = out[items[j, 0]]
            for i in range(m):
                answers[i] = (scale_min + scale_max) - answers[i]


def construct_answers(noise: np.ndarray, latent: np.ndarray, model: tuple[float, float, np.ndarray],
                      missing: tuple[np.ndarray, np.ndarray], force: tuple[np.ndarray, float] | None,
                      scale: tuple[int, int], layout: tuple[np.ndarray, np.ndarray], out: np.ndarray) -> None:
    """One construct's recorded answers, written into their rows of ``out`` (steps 6, 9b and reverse keying).

    Parameters
    ----------
    noise
        ``(m, k)`` standard normal draws, one per respondent and item.
    latent
        ``(m,)`` each respondent's latent value of the construct.
    model
        ``(loading, sd, thresholds)``: ``y* = loading * latent + sd * noise``; the keyed answer is ``scale[0]``
        plus the number of (increasing) thresholds below ``y*``.
    missing
        ``(missing_u (m, k), p_missing (m,))``: the answer is missing where ``missing_u < p_missing``.
    force
        ``(direction (m,), cut)`` or ``None``: where ``direction`` is +1 (-1), the firm's answered items are
        moved up (down) one point at a time, at most ``scale[1] - scale[0]`` times, until their mean is at
        least (below) ``cut``.
    scale
        ``(min, max)`` of the response scale.
    layout
        ``(reverse (k,), rows (k,))``: whether each item is reverse-keyed (written as ``min + max - keyed``)
        and its row in ``out``.
    out
        ``(rows, m)`` float array written in place.

    Returns
    -------
    None
        ``out`` is filled.

    References
    ----------
    The generative model of :mod:`alliance_stats.simulate.simulator`, steps 6, 9b and 10.

    Examples
    --------
    >>> out = np.zeros((2, 1))
    >>> construct_answers(np.array([[0.0, 0.0]]), np.array([1.0]), (1.0, 1.0, np.array([-0.5, 0.5, 1.5])),
    ...                   (np.array([[0.5, 0.5]]), np.array([0.0])), None, (1, 4),
    ...                   (np.array([False, True]), np.array([1, 0])), out)
    >>> out.ravel().tolist()  # keyed 3 (two thresholds below 1.0); the reversed item gets 1 + 4 - 3
    [2.0, 3.0]
    """
    loading, sd, thresholds = model
    direction, cut = force if force is not None else (np.zeros(0, dtype=np.int64), 0.0)
    settings = np.concatenate([[float(loading), float(sd), float(cut), float(scale[0]), float(scale[1])],
                               np.asarray(thresholds, dtype=float)])
    items = np.column_stack([np.asarray(layout[1], dtype=np.int64), np.asarray(layout[0], dtype=np.int64)])
    _construct_answers(np.ascontiguousarray(noise, dtype=float), np.ascontiguousarray(latent, dtype=float),
                       np.ascontiguousarray(missing[0], dtype=float), np.ascontiguousarray(missing[1], dtype=float),
                       np.ascontiguousarray(direction, dtype=np.int64), settings, items, out)


@numba.njit(cache=True)
def _careless_answers(u: np.ndarray, straight_share: float, random_share: float, straight_value: np.ndarray,
                      random_values: np.ndarray, out: np.ndarray) -> np.ndarray:
    m = u.size
    kind = np.zeros(m, dtype=np.int8)
    for i in range(m):
        if u[i] < straight_share:
            kind[i] = 1
            for r in range(out.shape[0]):
                out[r, i] = straight_value[i]
        elif u[i] < straight_share + random_share:
            kind[i] = 2
            for r in range(out.shape[0]):
                out[r, i] = random_values[i, r]
    return kind


def careless_answers(u: np.ndarray, shares: tuple[float, float], straight_value: np.ndarray,
                     random_values: np.ndarray, out: np.ndarray) -> np.ndarray:
    """Every answer of the careless respondents replaced (step 10): straight-liners answer ``straight_value``,
    random respondents their row of ``random_values``.

    Parameters
    ----------
    u
        ``(m,)`` uniforms: straight-liner below ``shares[0]``, random respondent below ``shares[0] + shares[1]``.
    shares
        ``(straightliner_share, random_share)``.
    straight_value
        ``(m,)`` each respondent's straight-lining value.
    random_values
        ``(m, rows)`` each respondent's random answers (one per row of ``out``).
    out
        ``(rows, m)`` the answers, changed in place.

    Returns
    -------
    numpy.ndarray
        ``(m,)`` int8: 0 careful, 1 straight-liner, 2 random.

    References
    ----------
    Meade, A. W. & Craig, S. B. (2012), Psychological Methods 17, 437-455 (careless-responding patterns).

    Examples
    --------
    >>> out = np.zeros((2, 3))
    >>> careless_answers(np.array([0.01, 0.03, 0.5]), (0.02, 0.02), np.array([4, 5, 6]),
    ...                  np.array([[1, 2], [3, 7], [1, 1]]), out).tolist(), out.tolist()
    ([1, 2, 0], [[4.0, 3.0, 0.0], [4.0, 7.0, 0.0]])
    """
    return _careless_answers(np.ascontiguousarray(u, dtype=float), float(shares[0]), float(shares[1]),
                             np.ascontiguousarray(straight_value, dtype=float), np.ascontiguousarray(random_values),
                             out)
