"""Known truth: answers cut from a normal factor model with known loadings and skewed thresholds. WLSMV's
standardized loadings recover the latent loadings, ML on the raw codes is attenuated; the scaled-shifted test
keeps its level (the long study is marked ``validate``: ``make validate``)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from alliance_stats.measurement import cfa

LAMBDA = np.array([0.8, 0.7, 0.6, 0.5, 0.75, 0.65, 0.55, 0.7])
PHI = 0.4
CUTS = [(-0.2, 0.5, 1.3), (0.3, 1.0, 1.8), (-1.5, -0.8, 0.1), (0.0, 0.9, 1.6), (-1.8, -1.0, -0.3), (0.6, 1.2, 2.0),
        (-0.5, 0.4, 1.1), (0.2, 0.8, 1.5)]
MODEL = "F1 =~ y1 + y2 + y3 + y4\nF2 =~ y5 + y6 + y7 + y8"


def simulate(n: int, rng: np.random.Generator) -> pd.DataFrame:
    """Latent responses y* = Lambda eta + e with unit variances, cut at skewed thresholds into 4 categories."""
    eta = rng.multivariate_normal([0.0, 0.0], [[1.0, PHI], [PHI, 1.0]], size=n)
    load = np.zeros((8, 2))
    load[:4, 0], load[4:, 1] = LAMBDA[:4], LAMBDA[4:]
    ystar = eta @ load.T + rng.standard_normal((n, 8)) * np.sqrt(1 - LAMBDA**2)
    codes = np.column_stack([np.searchsorted(CUTS[j], ystar[:, j]) + 1 for j in range(8)])
    return pd.DataFrame(codes, columns=[f"y{j}" for j in range(1, 9)])


def test_wlsmv_recovers_the_latent_loadings_where_ml_on_the_codes_is_attenuated():
    rng = np.random.default_rng(20261205)
    wlsmv, ml = [], []
    for _ in range(50):
        data = simulate(1000, rng)
        wlsmv.append(cfa(data, MODEL, estimator="WLSMV").loadings["std_est"].to_numpy())
        ml.append(cfa(data, MODEL).loadings["std_est"].to_numpy())
    bias_wlsmv = np.mean(wlsmv, axis=0) - LAMBDA
    bias_ml = np.mean(ml, axis=0) - LAMBDA
    assert np.max(np.abs(bias_wlsmv)) < 0.02, bias_wlsmv
    assert np.mean(bias_ml) < -0.04 and np.all(bias_ml < 0), bias_ml  # Pearson correlations of codes shrink


def _rejection_rate(n_rep: int, n: int, seed: int) -> tuple[float, float]:
    rng = np.random.default_rng(seed)
    pvalues = np.array([cfa(simulate(n, rng), MODEL, estimator="WLSMV").fit["pvalue.scaled"] for _ in range(n_rep)])
    return float(np.mean(pvalues < 0.05)), float(np.mean(pvalues))


def test_scaled_test_is_not_wildly_off_level_short():
    rate, mean_p = _rejection_rate(60, 300, 7)
    assert rate <= 0.15 and 0.35 < mean_p < 0.65, (rate, mean_p)


@pytest.mark.validate
def test_scaled_test_type_one_error_within_3_to_7_percent():
    rate, _ = _rejection_rate(500, 300, 20261205)
    assert 0.03 <= rate <= 0.07, rate
