"""Operating characteristics of the verdict over many simulated data sets (``make validate``).

Fast versions of each scenario (two or three seeds) run in test_cluster.py; here 30 seeds each, with the
default numbers of resamples and permutations.
"""

from __future__ import annotations

import warnings

import pytest

from alliance_stats.typology import cluster_check

from .synthetic import four_blobs, three_blobs, unimodal_cloud

SEEDS = range(100, 130)


def verdict_and_ari(frame, seed: int):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        check = cluster_check(frame, seed=seed)
    return check


@pytest.mark.validate
def test_known_truth_is_supported_on_every_seed() -> None:
    for seed in SEEDS:
        check = verdict_and_ari(four_blobs(200, seed=seed), seed)
        assert check.verdict == "supported", (seed, check.reasons["en"])
        assert min(check.ari["kmeans"], check.ari["gmm"]) >= 0.90, seed
        assert (check.stability["mean_jaccard"] >= 0.85).all(), seed


@pytest.mark.validate
@pytest.mark.parametrize("scenario", [unimodal_cloud, three_blobs])
def test_negative_controls_are_never_supported(scenario) -> None:
    verdicts = [verdict_and_ari(scenario(200, seed=seed), seed).verdict for seed in SEEDS]
    assert "supported" not in verdicts, verdicts
    if scenario is unimodal_cloud:
        assert all(v == "not supported" for v in verdicts), verdicts
