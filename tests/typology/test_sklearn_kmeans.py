"""The compiled copy of scikit-learn's k-means (alliance_stats/typology/cluster/sklearn_kmeans.py) gives scikit-learn's
own results: for ``KMeans(n_clusters=k, n_init, random_state).fit`` the same labels, centres and inertia bit for bit,
the same warning and the random state advanced by the same draws; for ``kmeans_plusplus`` the same indices. Data on
a grid (ties, duplicate points, as the survey scores) and continuous, k = 1..8. The fallback to scikit-learn (data
that are not two columns, a choice the compiled sums cannot certify) keeps the random stream."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.cluster import KMeans, kmeans_plusplus
from threadpoolctl import threadpool_limits

from alliance_stats.typology.cluster import sklearn_kmeans
from alliance_stats.typology.cluster.sklearn_kmeans import kmeans_fit, kmeans_plusplus_indices


def _data(kind: int, n: int, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    if kind == 0:  # the typology's scores: means of ten 1-7 answers
        return np.round(rng.uniform(1, 7, (n, 2)), 1)
    if kind == 1:  # coarse grid: many duplicate points
        return np.round(rng.normal(4, 1.2, (n, 2)).clip(1, 7) * 2) / 2
    return rng.normal(size=(n, 2)) * rng.uniform(0.01, 100) + rng.uniform(-50, 50)


def _scikit_learn(x: np.ndarray, k: int, n_init: int, rng: np.random.RandomState) -> tuple:
    with warnings.catch_warnings(record=True) as caught, threadpool_limits(limits=1):
        warnings.simplefilter("always")
        model = KMeans(n_clusters=k, n_init=n_init, random_state=rng).fit(x)
    return model.labels_, model.cluster_centers_, model.inertia_, bool(caught)


def _assert_same_fit(x: np.ndarray, k: int, n_init: int, seed: int) -> None:
    ours_rng, their_rng = np.random.RandomState(seed), np.random.RandomState(seed)
    with threadpool_limits(limits=1):
        labels, centres, inertia, warned = kmeans_fit(x, k, n_init, ours_rng)
    their_labels, their_centres, their_inertia, their_warned = _scikit_learn(x, k, n_init, their_rng)
    np.testing.assert_array_equal(labels, their_labels)
    np.testing.assert_array_equal(centres, their_centres)
    assert inertia == their_inertia
    assert warned == their_warned
    assert ours_rng.random_sample() == their_rng.random_sample()  # the same number of draws


@settings(max_examples=150, deadline=None)
@given(kind=st.integers(0, 2), n=st.integers(8, 320), k=st.integers(1, 8), n_init=st.integers(1, 6),
       seed=st.integers(0, 2**31 - 1))
def test_kmeans_fit_is_scikit_learns_fit(kind, n, k, n_init, seed):
    _assert_same_fit(_data(kind, n, seed), k, n_init, seed)


@settings(max_examples=150, deadline=None)
@given(kind=st.integers(0, 2), n=st.integers(8, 320), k=st.integers(1, 8), seed=st.integers(0, 2**31 - 1))
def test_kmeans_plusplus_indices_are_scikit_learns(kind, n, k, seed):
    x = _data(kind, n, seed)
    np.testing.assert_array_equal(kmeans_plusplus_indices(x, k, seed), kmeans_plusplus(x, k, random_state=seed)[1])


@pytest.mark.parametrize("k", [2, 4, 8])
def test_grid_data_are_fitted_by_the_compiled_loop(monkeypatch, k):
    """On the typology's kind of data the compiled loop itself gives scikit-learn's fit (no fallback taken)."""
    def no_fallback(*args):
        raise AssertionError("fell back to scikit-learn")

    monkeypatch.setattr(sklearn_kmeans, "_sklearn_fit", no_fallback)
    for seed in range(5):
        _assert_same_fit(_data(0, 300, seed), k, 50 if seed == 0 else 1, seed)


def test_uncertain_fit_falls_back_from_the_same_random_state(monkeypatch):
    """When the compiled loop cannot certify a choice, scikit-learn fits from the state the fit started from."""
    def uncertain(x, xsq, w, k, n_init, trials, u, tol):
        return np.zeros(len(x), dtype=np.int32), 0.0, np.zeros((k, 2)), False

    monkeypatch.setattr(sklearn_kmeans, "_fit", uncertain)
    _assert_same_fit(_data(0, 200, 3), 4, 3, 11)


def test_other_shapes_are_fitted_by_scikit_learn():
    rng = np.random.default_rng(4)
    _assert_same_fit(np.round(rng.uniform(1, 7, (120, 3)), 1), 3, 4, 5)
    x = np.round(rng.uniform(1, 7, (60, 1)), 1)
    np.testing.assert_array_equal(kmeans_plusplus_indices(x, 3, 2), kmeans_plusplus(x, 3, random_state=2)[1])


def test_duplicate_points_warn_as_scikit_learn():
    """Fewer distinct points than clusters: scikit-learn's warning (and its fit) is reproduced."""
    x = np.repeat(np.array([[1.0, 1.0], [2.0, 2.0], [5.0, 1.0]]), 10, axis=0)
    _assert_same_fit(x, 4, 2, 0)


def test_a_start_with_a_point_between_two_centres_runs_scikit_learns_lloyd(monkeypatch):
    """A point as near two centres as rounding can tell (exact ties on a grid: which one wins depends on how the
    BLAS kernel rounds, so on the machine) sends that start, and only it, to scikit-learn's own Lloyd iterations
    from the same initial centres: the fit is still scikit-learn's, bit for bit."""
    from sklearn.cluster import _kmeans

    lloyd, whole = _kmeans._kmeans_single_lloyd, sklearn_kmeans._sklearn_fit
    sent = 0
    for seed in range(12):
        x, k = _data(0, 300, seed), 6 + seed % 3
        runs = []

        def counted(*args, runs=runs, **kwargs):  # noqa: ANN002, ANN003, ANN202
            runs.append(args[2].copy())
            return lloyd(*args, **kwargs)

        ours_rng, their_rng = np.random.RandomState(seed), np.random.RandomState(seed)
        with monkeypatch.context() as patch, threadpool_limits(limits=1):
            patch.setattr(_kmeans, "_kmeans_single_lloyd", counted)
            patch.setattr(sklearn_kmeans, "_sklearn_fit", lambda *args, runs=runs: runs.append(None) or whole(*args))
            labels, centres, inertia, _ = kmeans_fit(x, k, 4, ours_rng)
        their_labels, their_centres, their_inertia, _ = _scikit_learn(x, k, 4, their_rng)
        np.testing.assert_array_equal(labels, their_labels)
        np.testing.assert_array_equal(centres, their_centres)
        assert inertia == their_inertia and ours_rng.random_sample() == their_rng.random_sample()
        if not any(run is None for run in runs):  # (a k-means++ draw too close to call: the whole fit sent)
            sent += len(runs)
    assert sent  # scores on a 0.1 grid put a point midway between two centres in some starts


def test_another_scikit_learn_release_fits_everything_itself(monkeypatch):
    """The copy follows one release's operation order: with another release installed, scikit-learn fits."""
    import sklearn

    fits = []
    monkeypatch.setattr(sklearn, "__version__", "1.10.0")
    monkeypatch.setattr(sklearn_kmeans, "_sklearn_fit", lambda *args: fits.append(args) or (None,) * 4)
    kmeans_fit(_data(0, 50, 1), 3, 2, 4)
    assert len(fits) == 1
