"""From simulated survey answers to the cluster check (simulator -> scores -> dyads -> typology)."""

from __future__ import annotations

import warnings

import pytest
from sklearn.metrics import adjusted_rand_score

from alliance_stats.data import build_dyads, score_responses
from alliance_stats.instrument import default_instrument
from alliance_stats.simulate import SimulationParams, simulate_alliances
from alliance_stats.typology import classify, cluster_check


def dyads_of(params: SimulationParams, seed: int):
    instrument = default_instrument()
    simulated = simulate_alliances(200, params, seed=seed, instrument=instrument)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        dyads = build_dyads(score_responses(simulated.responses, instrument), instrument)
    truth = simulated.truth.dyads.set_index("dyad_id")["configuration"]
    return dyads, truth


@pytest.mark.slow
def test_simulated_configurations_are_recovered() -> None:
    dyads, truth = dyads_of(SimulationParams(separation=6.0), seed=3)
    check = cluster_check(dyads, n_boot=40, n_perm=99, gap_b=30, seed=1)
    assert check.verdict == "supported"
    for method in ("kmeans", "gmm"):
        labels = check.labels[method]
        assert adjusted_rand_score(truth.loc[labels.index], labels) >= 0.85
    crisp = classify(dyads)
    assert (crisp.astype(str) == truth.loc[crisp.index]).mean() >= 0.9


@pytest.mark.slow
@pytest.mark.parametrize("seed", [4, 5])
def test_simulated_single_cloud_is_not_supported(seed: int) -> None:
    dyads, _ = dyads_of(SimulationParams(structure="none"), seed=seed)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        check = cluster_check(dyads, n_boot=30, n_perm=99, gap_b=30, seed=seed)
    assert check.verdict != "supported"
