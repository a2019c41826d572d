"""Invariants of the agreement measures and of cluster_check (hypothesis).

The ARI and the verdict must not depend on how clusters are numbered, on the order of the rows, or on which
partner of a dyad is called "a" (link and symmetry are partner means, so swapping partners leaves the dyad
table unchanged and must leave the result unchanged).
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from alliance_stats.typology import ClusterCheck, cluster_check, partition_agreement

from .synthetic import dyads_from_partners, four_blobs, partner_scores

CHEAP = {"n_boot": 10, "n_perm": 19, "gap_b": 10, "k_range": range(1, 6), "seed": 5}


def check_of(frame: pd.DataFrame, **options) -> ClusterCheck:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return cluster_check(frame, **{**CHEAP, **options})


def assert_same(first: ClusterCheck, second: ClusterCheck) -> None:
    assert first.verdict == second.verdict
    assert first.ari.keys() == second.ari.keys()
    for method in first.ari:
        assert first.ari[method] == pytest.approx(second.ari[method], abs=1e-12)
        assert first.ari_p[method] == second.ari_p[method]
    pd.testing.assert_frame_equal(first.labels.sort_index(), second.labels.sort_index())
    pd.testing.assert_frame_equal(first.stability, second.stability)


@settings(max_examples=50, deadline=None)
@given(
    st.lists(st.tuples(st.integers(0, 3), st.sampled_from(["entraide", "parrainage", "survie", "contre_nature"])),
             min_size=4, max_size=40),
    st.permutations([0, 1, 2, 3]),
)
def test_agreement_is_unchanged_by_relabelling_clusters(pairs: list[tuple[int, str]], relabel: list[int]) -> None:
    labels = [p[0] for p in pairs]
    theory = [p[1] for p in pairs]
    renamed = [f"cluster-{relabel[v]}" for v in labels]
    first = partition_agreement(labels, theory, n_perm=49, seed=3)
    second = partition_agreement(renamed, theory, n_perm=49, seed=3)
    assert first.ari == pytest.approx(second.ari, abs=1e-12)
    assert first.p_value == second.p_value
    assert first.accuracy == pytest.approx(second.accuracy)
    assert first.kappa == pytest.approx(second.kappa, nan_ok=True)
    assert {k: v for k, v in first.mapping.items()} == {
        old: second.mapping[f"cluster-{relabel[old]}"] for old in first.mapping}


@pytest.mark.slow
@settings(max_examples=4, deadline=None)
@given(st.integers(0, 10_000), st.floats(0.4, 1.4), st.integers(0, 10_000))
def test_cluster_check_is_unchanged_by_row_order(data_seed: int, spread: float, order_seed: int) -> None:
    dyads = four_blobs(60, spread=spread, seed=data_seed)
    shuffled = dyads.sample(frac=1.0, random_state=order_seed)
    assert_same(check_of(dyads), check_of(shuffled))


@pytest.mark.slow
@settings(max_examples=4, deadline=None)
@given(st.integers(0, 10_000), st.floats(0.4, 1.4), st.permutations(["A", "B", "C", "D"]))
def test_cluster_check_is_unchanged_by_renaming_the_theory_labels(data_seed: int, spread: float,
                                                                   names: list[str]) -> None:
    dyads = four_blobs(60, spread=spread, seed=data_seed)
    original = dict(zip(["entraide", "parrainage", "survie", "contre_nature"], ["A", "B", "C", "D"], strict=True))
    renamed = dict(zip(["entraide", "parrainage", "survie", "contre_nature"], names, strict=True))
    first = check_of(dyads, theory=dyads["truth"].map(original))
    second = check_of(dyads, theory=dyads["truth"].map(renamed))
    assert first.verdict == second.verdict
    for method in first.ari:
        assert first.ari[method] == pytest.approx(second.ari[method], abs=1e-12)
        assert first.ari_p[method] == second.ari_p[method]
        assert first.accuracy[method] == pytest.approx(second.accuracy[method])


@pytest.mark.slow
@settings(max_examples=4, deadline=None)
@given(st.integers(0, 10_000), st.data())
def test_cluster_check_is_unchanged_by_swapping_partners(data_seed: int, data: st.DataObject) -> None:
    partners = partner_scores(80, seed=data_seed)
    dyad_ids = sorted(partners["dyad_id"].unique())
    swapped_ids = data.draw(st.sets(st.sampled_from(dyad_ids), min_size=1))
    swapped = partners.copy()
    mask = swapped["dyad_id"].isin(swapped_ids)
    swapped.loc[mask, "role"] = swapped.loc[mask, "role"].map({"a": "b", "b": "a"})
    swapped = swapped.sort_values(["dyad_id", "role"]).reset_index(drop=True)
    before = dyads_from_partners(partners.sort_values(["dyad_id", "role"]))
    after = dyads_from_partners(swapped)
    assert not partners.sort_values(["dyad_id", "role"]).reset_index(drop=True).equals(swapped)
    assert_same(check_of(before), check_of(after))
    assert np.array_equal(before.to_numpy(), after.to_numpy())
