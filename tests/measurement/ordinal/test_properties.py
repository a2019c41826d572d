"""Invariances of polychoric(): item order, monotone relabelling of the codes, reversed items (hypothesis)."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from alliance_stats.core.errors import AnalysisWarning
from alliance_stats.measurement.ordinal import polychoric


def _data(seed: int, n_items: int = 4, n: int = 250) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    load = rng.uniform(0.3, 0.8, n_items)
    latent = rng.normal(size=(n, 1)) * load + rng.normal(size=(n, n_items)) * np.sqrt(1 - load**2)
    cols = {}
    for j in range(n_items):
        cuts = np.sort(rng.normal(0, 0.8, int(rng.integers(2, 6))))
        codes = np.digitize(latent[:, j], cuts)
        cols[f"i{j}"] = np.unique(codes, return_inverse=True)[1] + 1  # consecutive codes 1..K
    frame = pd.DataFrame(cols).astype(float)
    frame.iloc[rng.integers(0, n, 8), 0] = np.nan  # some missing answers
    return frame


def _vech_order(p: int) -> list[tuple[int, int]]:
    return [(i, j) for j in range(p) for i in range(j + 1, p)]


@settings(max_examples=15, deadline=None)
@given(seed=st.integers(0, 10_000), perm_seed=st.integers(0, 10_000))
def test_item_permutation_permutes_everything(seed: int, perm_seed: int) -> None:
    data = _data(seed)
    perm = list(np.random.default_rng(perm_seed).permutation(data.shape[1]))
    base, moved = polychoric(data), polychoric(data.iloc[:, perm])
    names = [data.columns[k] for k in perm]
    assert np.allclose(moved.correlation.to_numpy(), base.correlation.loc[names, names].to_numpy(), atol=1e-9)
    assert np.allclose(moved.thresholds.to_numpy(), base.thresholds[moved.thresholds.index].to_numpy())
    # gamma: the same statistics in the new order
    labels_base = list(base.thresholds.index) + [(data.columns[i], data.columns[j])
                                                 for i, j in _vech_order(data.shape[1])]
    labels_moved = list(moved.thresholds.index) + [(names[i], names[j]) for i, j in _vech_order(len(names))]
    pos = {lab if isinstance(lab, str) else frozenset(lab): k for k, lab in enumerate(labels_base)}
    idx = [pos[lab if isinstance(lab, str) else frozenset(lab)] for lab in labels_moved]
    assert np.allclose(moved.gamma, base.gamma[np.ix_(idx, idx)], rtol=1e-7, atol=1e-10)


@settings(max_examples=15, deadline=None)
@given(seed=st.integers(0, 10_000), shift=st.integers(1, 5), stretch=st.integers(1, 3))
def test_monotone_relabelling_changes_nothing(seed: int, shift: int, stretch: int) -> None:
    data = _data(seed)
    base = polychoric(data)
    with warnings.catch_warnings():  # stretch > 1 leaves unused codes between the observed ones (warned)
        warnings.simplefilter("ignore", AnalysisWarning)
        moved = polychoric(data * stretch + shift)  # 1..K -> e.g. 2..K+1 or 3, 5, 7, ...
    assert np.allclose(moved.correlation.to_numpy(), base.correlation.to_numpy(), atol=1e-12)
    assert np.array_equal(moved.thresholds.to_numpy(), base.thresholds.to_numpy())
    assert np.allclose(moved.gamma, base.gamma, rtol=1e-12, atol=1e-14)


@settings(max_examples=15, deadline=None)
@given(seed=st.integers(0, 10_000), item=st.integers(0, 3))
def test_reversing_an_item_flips_its_correlations_and_thresholds(seed: int, item: int) -> None:
    data = _data(seed)
    name = data.columns[item]
    flipped = data.copy()
    flipped[name] = data[name].max() + data[name].min() - data[name]
    base, moved = polychoric(data), polychoric(flipped)
    sign = np.ones(data.shape[1])
    sign[item] = -1
    assert np.allclose(moved.correlation.to_numpy(), base.correlation.to_numpy() * np.outer(sign, sign), atol=1e-9)
    keys = [k for k in base.thresholds.index if k.startswith(f"{name}|")]
    assert np.allclose(moved.thresholds[keys].to_numpy(), -base.thresholds[keys].to_numpy()[::-1], atol=1e-12)
    others = [k for k in base.thresholds.index if k not in keys]
    assert np.array_equal(moved.thresholds[others].to_numpy(), base.thresholds[others].to_numpy())
    # gamma: the item's thresholds in reverse order with the opposite sign, its correlations negated
    labels = list(base.thresholds.index)
    order = [labels.index(keys[::-1][keys.index(k)]) if k in keys else labels.index(k) for k in labels]
    signs = [-1.0 if k in keys else 1.0 for k in labels]
    for i, j in _vech_order(data.shape[1]):
        order.append(len(order))
        signs.append(-1.0 if item in (i, j) else 1.0)
    d = np.array(signs)
    expected = base.gamma[np.ix_(order, order)] * np.outer(d, d)
    assert np.allclose(moved.gamma, expected, rtol=1e-6, atol=1e-9)
