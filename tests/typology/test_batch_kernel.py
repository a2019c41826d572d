"""The numba assignment step of the batched k-means (issue 17) gives the labels of the numpy expression it
replaced, bit for bit, including ties and padding."""

from __future__ import annotations

import numpy as np
import pytest

from alliance_stats.typology.cluster.batch import _nearest, _squared_distances


@pytest.mark.parametrize("p", [1, 2, 3])
def test_nearest_equals_the_numpy_argmin(p):
    rng = np.random.default_rng(p)
    data = np.round(rng.normal(4, 1.5, (7, 301, p)) * 6) / 6  # ties: values on a 1/6 grid, as averaged Likert scores
    centres = np.round(rng.normal(4, 1.5, (7, 5, p)) * 6) / 6
    centres[:, 3] = centres[:, 1]  # two equal centres: the first one wins in both
    data32, centres32 = data.astype(np.float32), centres.astype(np.float32)
    expected = _squared_distances(data32, centres32).argmin(axis=2)
    assert np.array_equal(_nearest(data32, centres32), expected)
    assert not (expected == 3).any()


def test_nearest_on_non_contiguous_input():
    rng = np.random.default_rng(9)
    data = rng.random((4, 50, 4)).astype(np.float32)[:, :, :2]
    centres = rng.random((4, 3, 2)).astype(np.float32)
    assert np.array_equal(_nearest(data, centres), _squared_distances(data, centres).argmin(axis=2))
