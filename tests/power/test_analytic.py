"""Analytic power (power/analytic.py): RMSEA power against semTools, Demidenko and Hsieh formulas, CFA df."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from scipy import stats
from scipy.special import expit, logit

from alliance_stats.models.kernel import logit_batch
from alliance_stats.power import (
    cfa_degrees_of_freedom,
    hsieh_power_binary,
    rmsea_power,
    rmsea_sample_size,
    wald_power_binary,
)

FIX = Path(__file__).resolve().parents[1] / "fixtures" / "simulate" / "rmsea_power.json"


def test_rmsea_power_matches_semtools():
    ref = json.loads(FIX.read_text())
    assert ref["semTools"] == "0.5.6"
    for row in ref["power"]:
        ours = rmsea_power(row["df"], row["n"], row["rmsea0"], row["rmsea_a"], row["alpha"])
        assert ours == pytest.approx(row["power"], abs=1e-9), row
    for row in ref["sample_size"]:
        assert rmsea_sample_size(row["df"], row["power"], row["rmsea0"], row["rmsea_a"], row["alpha"]) == row["n"]

# --------------------------------------------------------------------------------- against known values


@pytest.mark.parametrize("n, exposed, p0, odds_ratio", [(300, 0.5, 0.3, 1.8), (500, 0.5, 0.1, 1.6),
                                                        (400, 0.4, 0.3, 1.5)])
def test_single_binary_predictor_power_matches_demidenko(n, exposed, p0, odds_ratio):
    """Batched Wald tests of a binary predictor reject as often as Demidenko's (2007) formula says."""
    R = 20_000
    rng = np.random.default_rng(n)
    n1 = round(n * exposed)
    n0 = n - n1
    p1 = expit(logit(p0) + np.log(odds_ratio))
    events = np.stack([rng.binomial(n0, p0, R), rng.binomial(n1, p1, R)], axis=1)
    X = np.broadcast_to(np.array([[1.0, 0.0], [1.0, 1.0]]), (R, 2, 2)).copy()
    counts = np.broadcast_to(np.array([n0, n1], float), (R, 2)).copy()
    fit = logit_batch(X, events / counts, weights=counts)  # grouped-binomial sufficient statistics
    z = fit.coef[:, 1] / fit.se[:, 1]
    simulated = float(np.mean(np.where(np.isfinite(z), np.abs(z) > stats.norm.isf(0.025), False)))
    analytic = wald_power_binary(n, exposed, p0, odds_ratio)
    mcse = np.sqrt(analytic * (1 - analytic) / R)
    assert abs(simulated - analytic) < 2 * mcse, (simulated, analytic, mcse)


def test_analytic_power_formulas():
    # Demidenko (2007): power rises with n and the effect, equals alpha at OR = 1
    assert wald_power_binary(100, 0.5, 0.3, 1.0) == pytest.approx(0.05)
    assert wald_power_binary(400, 0.5, 0.3, 1.5) > wald_power_binary(200, 0.5, 0.3, 1.5)
    # Hsieh et al. (1998) eq. (2): back-solving the sample size of a 0.80 design gives 0.80
    B, P1, P2, z = 0.5, 0.3, float(expit(logit(0.3) + np.log(2.0))), stats.norm.isf(0.025)
    pooled = (1 - B) * P1 + B * P2
    n = ((z * np.sqrt(pooled * (1 - pooled) / B) + stats.norm.isf(0.2) *
          np.sqrt(P1 * (1 - P1) + P2 * (1 - P2) * (1 - B) / B)) ** 2 / ((P1 - P2) ** 2 * (1 - B)))
    assert hsieh_power_binary(n, B, P1, 2.0) == pytest.approx(0.8, abs=1e-9)


def test_cfa_degrees_of_freedom_by_hand():
    from alliance_stats.instrument import default_instrument

    inst = default_instrument()
    df, p, F = cfa_degrees_of_freedom(inst)
    assert p == len(inst.likert_items())
    assert len([c for c in inst.construct_codes() if inst.items(c)]) == F
    assert df == p * (p + 1) // 2 - (2 * p + F * (F - 1) // 2)
    assert cfa_degrees_of_freedom(inst, ["LINK"])[0] == 7 * 8 // 2 - 14  # one factor, 7 items: 14 df

