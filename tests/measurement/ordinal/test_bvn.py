"""The vectorised bivariate normal distribution function against scipy (Genz's algorithm, tight tolerances)."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.stats import multivariate_normal

from alliance_stats.measurement.ordinal._bvn import bvn_cdf, bvn_pdf


def _scipy_cdf(x: float, y: float, r: float) -> float:
    return float(multivariate_normal.cdf([x, y], mean=[0.0, 0.0], cov=[[1.0, r], [r, 1.0]],
                                         abseps=1e-14, releps=1e-14))


@pytest.mark.parametrize("rho_range", [(-0.3, 0.3), (-0.92, 0.92), (0.925, 0.9999), (-0.9999, -0.925)])
def test_cdf_matches_scipy_at_1e10(rho_range: tuple[float, float]) -> None:
    rng = np.random.default_rng(11)
    x, y = rng.normal(0, 1.5, 150), rng.normal(0, 1.5, 150)
    r = rng.uniform(*rho_range, 150)
    ours = bvn_cdf(x, y, r)
    ref = np.array([_scipy_cdf(a, b, c) for a, b, c in zip(x, y, r, strict=True)])
    assert np.abs(ours - ref).max() < 1e-10


def test_cdf_limits_and_exact_values() -> None:
    assert bvn_cdf(0.0, 0.0, 0.0) == pytest.approx(0.25, abs=1e-15)
    assert bvn_cdf(0.0, 0.0, 0.5) == pytest.approx(1 / 3, abs=1e-15)
    assert bvn_cdf(0.3, -0.2, 1.0) == pytest.approx(float(multivariate_normal.cdf(-0.2)), abs=1e-12)
    phi = multivariate_normal.cdf  # P(X < .3, -X < -.2) = P(.2 < X < .3); P(X < -.3, -X < .2) = 0
    assert bvn_cdf(0.3, -0.2, -1.0) == pytest.approx(float(phi(0.3) - phi(0.2)), abs=1e-12)
    assert bvn_cdf(-0.3, 0.2, -1.0) == pytest.approx(0.0, abs=1e-12)


def test_pdf_matches_scipy() -> None:
    rng = np.random.default_rng(2)
    x, y, r = rng.normal(size=50), rng.normal(size=50), rng.uniform(-0.95, 0.95, 50)
    ref = [multivariate_normal.pdf([a, b], cov=[[1, c], [c, 1]]) for a, b, c in zip(x, y, r, strict=True)]
    assert np.allclose(bvn_pdf(x, y, r), ref, rtol=1e-12, atol=0)
    assert bvn_pdf(np.inf, 0.0, 0.3) == 0.0
