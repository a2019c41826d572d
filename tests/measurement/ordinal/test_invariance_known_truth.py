"""Known truth for the ordinal invariance sequence: answers cut from the same normal factor model in two groups
(different latent means and variances, the same loadings and thresholds) -> the thresholds and loadings tests
keep their level; a planted shift of one threshold on two items in one group -> the thresholds test detects it.
The long study is marked ``validate`` (``make validate``)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from alliance_stats.measurement import invariance

LAMBDA = np.array([0.8, 0.7, 0.6, 0.7, 0.55])
TAU = np.array([-1.0, 0.0, 0.9])
MODEL = "F =~ y1 + y2 + y3 + y4 + y5"
STEPS = ("configural", "thresholds", "loadings")


def simulate(n: int, rng: np.random.Generator, shift: float = 0.0) -> pd.DataFrame:
    """Two groups of ``n``; group b has latent mean .3 and SD 1.2; ``shift`` moves the first threshold of y2
    and y4 in group b."""
    blocks = []
    for label, mean, sd in (("a", 0.0, 1.0), ("b", 0.3, 1.2)):
        eta = mean + sd * rng.standard_normal(n)
        ystar = eta[:, None] * LAMBDA + rng.standard_normal((n, 5)) * np.sqrt(1 - LAMBDA**2)
        codes = {}
        for j in range(5):
            cuts = TAU.copy()
            if label == "b" and j in (1, 3):
                cuts[0] += shift
            codes[f"y{j + 1}"] = np.searchsorted(cuts, ystar[:, j]) + 1
        blocks.append(pd.DataFrame(codes).assign(grp=label))
    return pd.concat(blocks, ignore_index=True)


def _pvalues(n_rep: int, n: int, seed: int, shift: float = 0.0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    out = []
    for _ in range(n_rep):
        table = invariance(simulate(n, rng, shift), MODEL, "grp", estimator="WLSMV", steps=STEPS)
        out.append(table.steps.loc[["thresholds", "loadings"], "p_diff"].to_numpy(dtype=float))
    return np.asarray(out)


def test_invariant_groups_are_not_rejected_at_more_than_the_nominal_rate_short():
    p = _pvalues(25, 300, 20261205)
    rejected = (p < 0.05).sum(axis=0)
    assert np.all(rejected <= 5), rejected  # P(X >= 6) = .001 for Binomial(25, .05)
    assert np.all((p.mean(axis=0) > 0.3) & (p.mean(axis=0) < 0.7)), p.mean(axis=0)


def test_a_planted_threshold_shift_is_detected_short():
    p = _pvalues(10, 300, 7, shift=0.5)
    assert (p[:, 0] < 0.05).mean() >= 0.8, p[:, 0]


@pytest.mark.validate
def test_thresholds_and_loadings_tests_keep_their_level():
    p = _pvalues(400, 300, 11)
    rate = (p < 0.05).mean(axis=0)
    assert np.all((rate >= 0.025) & (rate <= 0.08)), rate
