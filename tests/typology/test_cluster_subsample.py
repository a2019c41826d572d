"""The cluster check above ``settings.subsample`` dyads (issue 15 item 12, issue 17): a seeded subsample for
Ward, the gap statistic and the stability resampling, said in a warning and in the settings; exact below."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
from scipy.cluster.hierarchy import linkage

from alliance_stats.core.errors import AnalysisWarning, SpecificationError
from alliance_stats.typology import ClusterSettings, cluster_check
from alliance_stats.typology.cluster import criteria, fitting, stability
from alliance_stats.typology.cluster.agreement import _permuted_ari
from alliance_stats.typology.cluster.fitting import _extend_labels, _ward_labels
from alliance_stats.typology.cluster.prepare import prepare
from alliance_stats.typology.cluster.solutions import _Permutations
from alliance_stats.typology.cluster.ward import ward_tree

from .synthetic import four_blobs

pytestmark = pytest.mark.filterwarnings("ignore::alliance_stats.core.errors.AnalysisWarning")

FAST = {"n_boot": 10, "n_perm": 19, "gap_b": 5, "k_range": range(1, 6), "kmeans_n_init": 5, "gmm_n_init": 1,
        "boot_n_init": 2}


def run(frame: pd.DataFrame, **options) -> tuple[object, list[str]]:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", AnalysisWarning)
        check = cluster_check(frame, **{**FAST, **options})
    return check, [str(w.message) for w in caught]


def test_subsample_is_stated_with_its_size_and_seed_stream():
    frame = four_blobs(400, seed=3)
    check, caught = run(frame, subsample=120, seed=11)
    record = check.settings["subsample"]
    assert record == {"size": 120, "of": 400, "seed_stream": "subsample",
                      "used_by": ["ward", "gap", "stability", "ari_ci"]}
    stated = [m for m in check.warnings if "random subsample of 120 dyads" in m]
    assert len(stated) == 1 and "400 dyads" in stated[0]
    assert any("random subsample of 120 dyads" in m for m in caught)
    assert check.labels["ward"].notna().all() and len(check.labels) == 400


def test_no_subsample_at_or_below_the_size_and_the_numbers_are_the_exact_ones():
    frame = four_blobs(200, seed=5)
    exact, _ = run(frame, seed=4)
    at_size, _ = run(frame, seed=4, subsample=200)
    assert exact.settings["subsample"] is None and at_size.settings["subsample"] is None
    assert not any("subsample" in m for m in exact.warnings)
    assert exact.ari == at_size.ari and exact.ari_p == at_size.ari_p
    pd.testing.assert_frame_equal(exact.stability, at_size.stability)
    pd.testing.assert_frame_equal(exact.gap, at_size.gap)


def test_subsample_is_reproducible_and_follows_the_seed():
    frame = four_blobs(300, seed=2)
    settings = ClusterSettings(**FAST, subsample=100, seed=5)
    first = prepare(frame, settings, "truth").sub
    again = prepare(frame, settings, "truth").sub
    other = prepare(frame, ClusterSettings(**FAST, subsample=100, seed=6), "truth").sub
    assert first is not None and len(first) == 100 and len(np.unique(first)) == 100
    assert np.array_equal(first, again) and not np.array_equal(first, other)
    assert np.array_equal(first, np.sort(first))


def test_ward_and_resampling_never_see_more_than_the_subsample(monkeypatch):
    sizes: list[int] = []

    def recording(data):
        sizes.append(len(data))
        return ward_tree(data)

    for module in (fitting, stability, criteria):
        monkeypatch.setattr(module, "ward_tree", recording)
    frame = four_blobs(1200, seed=7)
    check, _ = run(frame, subsample=150, methods=("kmeans", "ward"))
    assert sizes and max(sizes) <= 150
    assert check.boot_jaccard["ward"].shape == (10, 4)
    assert check.ari["ward"] > 0.9  # well separated blobs: the extension by nearest centroid recovers them


def test_ward_labels_of_the_subsample_are_its_own_tree():
    frame = four_blobs(400, seed=9)
    settings = ClusterSettings(**FAST, subsample=120, methods=("ward",))
    prep = prepare(frame, settings, "truth")
    labels: dict[int, np.ndarray] = {}
    fitting._fit_ward(prep, labels)
    own = _ward_labels(linkage(prep.z[prep.sub], method="ward"), 4)
    assert np.array_equal(labels[4][prep.sub], own)
    others = np.setdiff1d(np.arange(len(prep.z)), prep.sub)
    centres = np.vstack([prep.z[prep.sub][own == c].mean(axis=0) for c in range(4)])
    nearest = ((prep.z[others][:, None, :] - centres[None]) ** 2).sum(axis=2).argmin(axis=1)
    assert np.array_equal(labels[4][others], nearest)


def test_extend_labels_in_chunks_equals_one_block():
    rng = np.random.default_rng(1)
    data = rng.normal(size=(500, 2))
    sub = np.sort(rng.choice(500, 60, replace=False))
    sub_labels = rng.integers(0, 3, 60)
    assert np.array_equal(_extend_labels(data, sub, sub_labels, chunk=7), _extend_labels(data, sub, sub_labels))


def test_chunked_permutations_are_those_of_one_call():
    rng_codes = np.random.default_rng(3)
    base = rng_codes.integers(0, 4, 250)
    labels = rng_codes.integers(0, 4, 250)
    whole = np.random.default_rng(8).permuted(np.broadcast_to(base, (99, 250)), axis=1)
    chunked = _Permutations(base, 99, np.random.default_rng(8), cells=1000)
    assert len(chunked.chunks) > 1 and chunked.chunks[0].dtype == np.uint8
    assert np.array_equal(np.vstack(chunked.chunks), whole)
    assert np.array_equal(chunked.ari(labels, 4, 4), _permuted_ari(labels, whole, 4, 4))


@pytest.mark.parametrize("bad", [99, 0, 2.5, True])
def test_bad_subsample_is_refused(bad):
    with pytest.raises(SpecificationError, match="subsample"):
        ClusterSettings(subsample=bad)
