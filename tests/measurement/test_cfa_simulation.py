"""Known truth: on data simulated from a CFA model, the loadings' 95 % Wald intervals cover the true values
at the nominal rate, and the chi-square test has about its nominal size."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from alliance_stats.measurement import cfa

LAMBDA = np.array([[1.0, 0.0], [0.8, 0.0], [1.2, 0.0], [0.9, 0.0],
                   [0.0, 1.0], [0.0, 0.7], [0.0, 1.1], [0.0, 0.6]])
PSI = np.array([[1.0, 0.3], [0.3, 0.8]])
THETA = np.diag([0.5, 0.6, 0.4, 0.5, 0.5, 0.6, 0.4, 0.7])
ITEMS = [f"i{j}" for j in range(1, 9)]
MODEL = "f1 =~ i1 + i2 + i3 + i4\nf2 =~ i5 + i6 + i7 + i8"
SIGMA = LAMBDA @ PSI @ LAMBDA.T + THETA
TRUE = {(f"f{f + 1}", ITEMS[i]): LAMBDA[i, f] for i in range(8) for f in range(2) if LAMBDA[i, f] != 0}


def simulate_coverage(n_rep: int, n_obs: int, seed: int) -> tuple[float, float]:
    """Share of 95 % intervals of the free loadings covering the truth, and share of chi-square tests
    rejecting the true model at 5 %."""
    covered = total = rejected = 0
    for child in np.random.SeedSequence(seed).spawn(n_rep):
        rng = np.random.default_rng(child)
        data = pd.DataFrame(rng.multivariate_normal(np.full(8, 3.0), SIGMA, size=n_obs), columns=ITEMS)
        res = cfa(data, MODEL)
        assert res.converged
        free = res.loadings[~res.loadings["fixed"]]
        truth = np.array([TRUE[(f, i)] for f, i in zip(free["factor"], free["item"], strict=True)])
        covered += int(np.sum((free["ci_lower"].to_numpy() <= truth) & (truth <= free["ci_upper"].to_numpy())))
        total += len(free)
        rejected += int(res.fit["pvalue"] < 0.05)
    return covered / total, rejected / n_rep


def test_loading_intervals_cover_the_truth_fast() -> None:
    coverage, rejection = simulate_coverage(n_rep=30, n_obs=300, seed=20260401)
    assert 0.88 <= coverage <= 1.0  # 180 intervals: nominal .95, binomial SD about .016
    assert rejection <= 0.2


@pytest.mark.validate
def test_loading_intervals_cover_the_truth_at_nominal_rate() -> None:
    coverage, rejection = simulate_coverage(n_rep=200, n_obs=300, seed=20260402)
    assert 0.93 <= coverage <= 0.97
    assert 0.02 <= rejection <= 0.09
