"""Firth profile intervals when a continuous covariate separates the outcome (issue 15, item 13).

The restricted penalised likelihood has several local maxima there; a single Newton ascent from the full
estimate stops on a lower one and the interval came out too narrow (x's upper bound 39.65 instead of
47.96). Reference: a global multistart profile computed in R (BFGS from 40+ starts with continuation, the
penalised likelihood written out, brglm2 0.9 for the estimate), tests/fixtures/models/
make_fixtures_firth_profile.R -> firth_profile.json; logistf is not packaged in Debian 12.
"""

from __future__ import annotations

import json
import math
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from alliance_stats.core.errors import ConvergenceWarning
from alliance_stats.models import firth as firth_module
from alliance_stats.models.firth import (
    fit_firth,
    profile_interval,
    profile_interval_linear,
    restricted_penalised_loglik,
)
from alliance_stats.models.logit import fit_logit

HERE = Path(__file__).resolve().parents[1] / "fixtures" / "models"


@pytest.fixture(scope="module")
def ref() -> dict:
    return json.loads((HERE / "firth_profile.json").read_text())


@pytest.fixture(scope="module")
def data() -> pd.DataFrame:
    return pd.read_csv(HERE / "firth_separated.csv")


@pytest.fixture(scope="module")
def design(data: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    X = np.column_stack([np.ones(len(data)), data["configuration"] == "b", data["configuration"] == "c",
                         data["x"]]).astype(float)
    return X, data["y"].to_numpy(float)


def test_data_are_completely_separated_by_x(data: pd.DataFrame) -> None:
    shifted = data["x"] + 0.3 * (data["configuration"] == "b")
    assert ((shifted > 0) == (data["y"] == 1)).all()


def test_estimate_equals_brglm2(design: tuple[np.ndarray, np.ndarray], ref: dict) -> None:
    fit = fit_firth(*design)
    assert fit.coef == pytest.approx(list(ref["coef"].values()), abs=1e-6)
    assert fit.loglik_penalised == pytest.approx(ref["loglik_penalised"], abs=1e-8)


def test_profile_bounds_of_separating_covariate_equal_global_profile(design: tuple[np.ndarray, np.ndarray],
                                                                     ref: dict) -> None:
    X, y = design
    fit = fit_firth(X, y)
    r = ref["x"]
    with warnings.catch_warnings():
        warnings.simplefilter("error", ConvergenceWarning)
        lo, hi = profile_interval_linear(X, y, fit, np.array(r["L"], float))
        lo_j, hi_j, _ = profile_interval(X, y, fit, 3)
    assert (lo, hi) == pytest.approx((r["lower"], r["upper"]), abs=1e-5)
    assert (lo_j, hi_j) == pytest.approx((r["lower"], r["upper"]), abs=1e-5)
    assert r["upper"] > 45  # the single-start root finder stopped at 39.65


def test_contrast_bounds_equal_global_profile(design: tuple[np.ndarray, np.ndarray], ref: dict) -> None:
    X, y = design
    fit = fit_firth(X, y)
    r = ref["contrast_b_c"]
    lo, hi = profile_interval_linear(X, y, fit, np.array(r["L"], float))
    assert (lo, hi) == pytest.approx((r["lower"], r["upper"]), abs=1e-5)


def test_bounds_are_roots_of_the_profile_deviance(design: tuple[np.ndarray, np.ndarray], ref: dict) -> None:
    X, y = design
    fit = fit_firth(X, y)
    crit = stats.chi2.ppf(0.95, 1)
    for key in ("x", "contrast_b_c"):
        L = np.array(ref[key]["L"], float)[None, :]
        for bound in (ref[key]["lower"], ref[key]["upper"]):
            ll, beta, _ = restricted_penalised_loglik(X, y, L, np.array([bound]), start=fit.coef)
            assert float(L[0] @ beta) == pytest.approx(bound, abs=1e-8)
            assert 2 * (fit.loglik_penalised - ll) == pytest.approx(crit, abs=1e-4)


def test_fit_logit_firth_interval_of_separating_covariate(data: pd.DataFrame, ref: dict) -> None:
    res = fit_logit(data, "y", ["configuration", "x"], categorical={"configuration": "a"}, method="firth")
    row = res.coefficients.loc["x"]
    assert math.log(row["ci_low"]) == pytest.approx(ref["x"]["lower"], abs=1e-5)
    assert math.log(row["ci_high"]) == pytest.approx(ref["x"]["upper"], abs=1e-5)
    assert not any("not a root" in w for w in res.warnings)


def test_a_jump_in_the_profile_is_reported(design: tuple[np.ndarray, np.ndarray],
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    X, y = design
    fit = fit_firth(X, y)
    real = firth_module._restricted_fits
    est = float(fit.coef[1] - fit.coef[2])

    def jumping(X_, y_, L, c, starts, max_iter=100):  # noqa: ANN001, ANN202
        res = real(X_, y_, L, c, starts, max_iter)
        if float(np.ravel(c)[0]) > est + 1.0:
            res.loglik_penalised = res.loglik_penalised - 50.0
        return res

    monkeypatch.setattr(firth_module, "_restricted_fits", jumping)
    messages: list[str] = []
    lo, hi = profile_interval_linear(X, y, fit, np.array([0, 1.0, -1.0, 0]), messages=messages, label="b - c")
    assert hi == pytest.approx(est + 1.0, abs=1e-6)
    assert len(messages) == 1 and "upper bound" in messages[0] and "not a root" in messages[0]
    assert "b - c" in messages[0]
    with pytest.warns(ConvergenceWarning, match="not a root"):
        profile_interval_linear(X, y, fit, np.array([0, 1.0, -1.0, 0]))
