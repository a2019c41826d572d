"""Memory of the FIML pieces (issue 17: 100,000 dyads within 4 GB; the main CFA's FIML evaluation is where the
measurement stage peaks at that size, ``benchmarks/bench_memory.py``).

The answered mask is a byte per answer, and :func:`fiml.evaluate` holds two N x p arrays at once (the centred then
shifted rows, and U; the product of the sum made in the centred rows' memory; four before); the numbers are those
of the float mask, bit for bit (and the demo's pinned numbers are unchanged). tracemalloc counts numpy's
allocations, so the peaks below are deterministic.
"""

from __future__ import annotations

import dataclasses
import hashlib
import tracemalloc

import numpy as np

from alliance_stats.measurement.cfa import engine, fiml, robust


def _data(n: int = 20_000, p: int = 12, seed: int = 3) -> np.ndarray:
    """Rows of p correlated items; one row in 20 misses one or two items (the FIML blocks stay small)."""
    rng = np.random.default_rng(seed)
    values = rng.multivariate_normal(np.zeros(p), 0.6 * np.eye(p) + 0.4, size=n)
    rows = np.flatnonzero(rng.random(n) < 0.05)
    values[rows, rng.integers(0, p, rows.size)] = np.nan
    values[rows[::3], rng.integers(0, p, rows[::3].size)] = np.nan
    return values


def _layout(values: np.ndarray) -> fiml.Layout:
    return engine.group_data_missing("all", values).layout


def _moments(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    p = values.shape[1]
    return 0.7 * np.eye(p) + 0.35, np.nanmean(values, axis=0) + 0.05


def _traced_peak(compute):
    """``compute()``'s result and the peak of the memory Python allocated while it ran (tracemalloc, bytes)."""
    tracemalloc.start()
    try:
        result = compute()
        return result, tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_the_answered_mask_takes_a_byte_per_answer():
    values = _data()
    lay = _layout(values)
    assert lay.mask.dtype == np.bool_
    assert lay.mask.nbytes == values.size  # the float mask took 8 bytes per answer
    assert lay.mask.sum() == np.count_nonzero(~np.isnan(values))


def test_evaluate_and_em_step_give_the_numbers_of_the_float_mask():
    values = _data(n=4_000)
    lay = _layout(values)
    floats = dataclasses.replace(lay, mask=lay.mask.astype(float))
    sigma, mu = _moments(values)
    mine, theirs = fiml.evaluate(lay, sigma, mu), fiml.evaluate(floats, sigma, mu)
    assert mine.value == theirs.value
    np.testing.assert_array_equal(mine.u, theirs.u)
    np.testing.assert_array_equal(mine.w(), theirs.w())
    for a, b in zip(fiml.em_step(lay, mu, sigma), fiml.em_step(floats, mu, sigma), strict=True):
        np.testing.assert_array_equal(a, b)


def test_evaluate_holds_two_row_arrays_at_once():
    values = _data()
    lay = _layout(values)
    sigma, mu = _moments(values)
    fiml.evaluate(lay, sigma, mu)  # numpy's and LAPACK's first-call allocations out of the measure
    row_array = values.shape[0] * values.shape[1] * 8
    terms, peak = _traced_peak(lambda: fiml.evaluate(lay, sigma, mu))
    assert terms is not None
    # the centred (then shifted) rows and U (the returned one), and the small blocks of the rows with missing
    # answers (2.07 N x p); 4.04 before (a shifted copy, the sum's product in a new array)
    assert peak < 2.4 * row_array, peak / row_array


def test_casewise_scores_by_blocks_of_rows_are_the_direct_products(monkeypatch):
    values = _data(n=3_000, p=8)
    patterns = engine.group_data_missing("all", values).patterns
    sigma, mu = _moments(values)
    blocked = robust.casewise_scores(patterns, mu, sigma)  # SCORE_ROWS rows at a time: two blocks here
    monkeypatch.setattr(robust, "SCORE_ROWS", 10**9)  # all rows at once, as before
    np.testing.assert_array_equal(blocked, robust.casewise_scores(patterns, mu, sigma))
    monkeypatch.setattr(robust, "SCORE_ROWS", 7)  # blocks that do not divide the rows
    np.testing.assert_array_equal(blocked, robust.casewise_scores(patterns, mu, sigma))


def test_casewise_scores_hold_no_row_copy_of_the_covariance_columns():
    values = _data(n=12_000, p=12)
    patterns = engine.group_data_missing("all", values).patterns
    sigma, mu = _moments(values)
    robust.casewise_scores(patterns[:3], mu, sigma)
    scores, peak = _traced_peak(lambda: robust.casewise_scores(patterns, mu, sigma))
    # the scores (N x 90), the rows' layout and u (N x 12 each, a byte per answer for the mask), and blocks of
    # SCORE_ROWS rows (1.48 x the scores); before, N x 78 copies of u[:, rows], u[:, cols] and the inverses (3.3 x)
    assert peak < 1.8 * scores.nbytes, peak / scores.nbytes


def _digest_of_copies(*parts: object) -> str:
    """The shared results' key as it was made, from a copy of each array's bytes."""
    h = hashlib.sha256()
    for part in parts:
        if isinstance(part, np.ndarray):
            h.update(f"{part.dtype.str}{part.shape}".encode())
            h.update(np.ascontiguousarray(part).tobytes())
        else:
            h.update(repr(part).encode())
        h.update(b"|")
    return h.hexdigest()


def test_the_digest_reads_a_data_block_in_place_and_keeps_its_keys():
    values = _data(n=20_000)
    cases = [(values,), (values.T,), (values[::3, 2:9], "missing", 4), (np.array(2.5),), (np.zeros((0, 3)),),
             (np.array(["a", "bb"]),), (np.arange(5), True), (np.array(["2024-01-02"], dtype="datetime64[D]"),)]
    for parts in cases:
        assert engine.digest(*parts) == _digest_of_copies(*parts)
    engine.digest(values)
    _, peak = _traced_peak(lambda: engine.digest("missing", values))
    assert peak < 0.05 * values.nbytes, peak / values.nbytes  # a copy of the block before


def test_the_variances_scores_are_the_full_scores_columns():
    values = _data(n=3_000, p=9)
    patterns = engine.group_data_missing("all", values).patterns
    sigma, mu = _moments(values)
    rows, cols = robust.vech_indices(9)
    select = np.r_[np.arange(9), 9 + np.flatnonzero(rows == cols)]
    for s in (sigma, np.diag(np.diag(sigma))):  # the independence model's scores are at a diagonal Sigma
        np.testing.assert_array_equal(robust.casewise_scores(patterns, mu, s, variances_only=True),
                                      robust.casewise_scores(patterns, mu, s)[:, select])
