"""The ordinal CFA core (:func:`alliance_stats.measurement.cfa.wls.wls_cfa`) on lavaan's own sample statistics
against lavaan 0.6-14: estimates, robust SEs, std.all and every fit measure at 1e-4 (relative above 1)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from alliance_stats.core.errors import SpecificationError
from alliance_stats.measurement.cfa.wls import wls_cfa
from alliance_stats.measurement.syntax import parse_model
from tests.measurement.cfa.wls_reference import (
    DIAGONAL_ONLY,
    FIT_KEYS,
    reference,
    sample_statistics,
)
from tests.measurement.cfa.wls_reference import compare_params as _compare
from tests.measurement.cfa.wls_reference import fit_differences as _fit_diff

CASES = [("bfi_complete", "WLSMV"), ("bfi_complete", "ULSMV"), ("bfi_complete", "DWLS"),
         ("bfi_pairwise", "WLSMV"), ("simulated_skewed", "WLSMV"), ("simulated_skewed", "DWLS"),
         ("simulated_skewed", "ULSMV"), ("simulated_resid", "WLSMV")]


def test_reference_versions_and_options():
    ref = reference("bfi_complete")
    assert ref["versions"]["lavaan"] == "0.6.14"
    opts = ref["fits"]["WLSMV"]["options"]
    assert (opts["estimator"], opts["se"], opts["test"], opts["parameterization"]) == (
        "DWLS", "robust.sem", "scaled.shifted", "delta")
    assert ref["fits"]["DWLS"]["options"]["se"] == "standard"
    assert ref["fits"]["ULSMV"]["options"]["test"] == "scaled.shifted"


@pytest.mark.parametrize(("name", "estimator"), CASES)
def test_estimates_se_and_std_all_match_lavaan(name, estimator):
    th, cor, gamma, n = sample_statistics(name)
    res = wls_cfa(parse_model(reference(name)["model"]), th, cor, gamma, n, estimator)
    assert res.converged
    diffs = _compare(res.params, name, estimator, ("est", "se", "std_all"))
    assert max(diffs.values()) < 1e-4, diffs


@pytest.mark.parametrize(("name", "estimator"), CASES)
def test_every_fit_measure_matches_lavaan(name, estimator):
    th, cor, gamma, n = sample_statistics(name)
    res = wls_cfa(parse_model(reference(name)["model"]), th, cor, gamma, n, estimator)
    diffs = _fit_diff(res.fit, name, estimator, FIT_KEYS)
    expected = 36 if estimator != "DWLS" else 17
    assert len(diffs) + (2 if estimator == "ULSMV" else 0) >= expected - 3
    assert max(diffs.values()) < 1e-4, {k: v for k, v in diffs.items() if v >= 1e-4}


def test_53_items_estimates_match_lavaan_from_the_diagonal_of_gamma():
    """The bundled synthetic data (53 items, 11 factors, pairwise): the estimates and the unscaled fit use gamma
    only through its diagonal, stored in the fixture (the full matrix is checked end to end from the answers)."""
    name = "synthetic_pairwise"
    th, cor, _, n = sample_statistics(name)
    gamma = np.diag(reference(name)["gamma_diag"])
    res = wls_cfa(parse_model(reference(name)["model"]), th, cor, gamma, n, "WLSMV")
    diffs = _compare(res.params, name, "WLSMV", ("est", "std_all"))
    assert max(diffs.values()) < 1e-4, diffs
    fit = _fit_diff(res.fit, name, "WLSMV", DIAGONAL_ONLY)
    assert max(fit.values()) < 1e-4, fit


def test_thetas_are_derived_and_unit_latent_response_variances():
    th, cor, gamma, n = sample_statistics("simulated_skewed")
    res = wls_cfa(parse_model(reference("simulated_skewed")["model"]), th, cor, gamma, n)
    p = res.params
    theta = p[(p["op"] == "~~") & (p["lhs"] == p["rhs"]) & p["lhs"].str.startswith("y")]
    assert (theta["free"] == 0).all()
    np.testing.assert_allclose(theta["est"].to_numpy() + np.diag(res.lam @ res.psi @ res.lam.T), 1.0, atol=1e-12)
    np.testing.assert_allclose(np.diag(res.implied), 1.0)
    assert list(p.loc[p["op"] == "|", "rhs"].head(3)) == ["t1", "t2", "t3"]
    # DWLS with free thresholds reproduces the sample thresholds exactly
    np.testing.assert_allclose(p.loc[p["op"] == "|", "est"].to_numpy(), th.to_numpy(), atol=1e-12)


def test_items_in_another_order_give_the_same_fit():
    name = "simulated_skewed"
    th, cor, gamma, n = sample_statistics(name)
    base = wls_cfa(parse_model(reference(name)["model"]), th, cor, gamma, n)
    swapped = "F2 =~ y5 + y6 + y7 + y8\nF1 =~ y1 + y2 + y3 + y4"
    other = wls_cfa(parse_model(swapped), th, cor, gamma, n)
    for key in ("chisq", "chisq.scaled", "cfi.robust", "rmsea.scaled", "srmr"):
        assert other.fit[key] == pytest.approx(base.fit[key], rel=1e-8, abs=1e-10)
    keep = base.params["op"].isin(["=~", "|"])
    a = base.params[keep].set_index(["lhs", "op", "rhs"])["se"]
    b = other.params.set_index(["lhs", "op", "rhs"])["se"]
    pd.testing.assert_series_equal(a.sort_index(), b.loc[a.index].sort_index(), atol=1e-7, check_exact=False)


def test_a_residual_covariance_is_a_free_parameter():
    name = "simulated_skewed"
    th, cor, gamma, n = sample_statistics(name)
    base = wls_cfa(parse_model(reference(name)["model"]), th, cor, gamma, n)
    freed = wls_cfa(parse_model(reference(name)["model"] + "\ny1 ~~ y2"), th, cor, gamma, n)
    assert freed.fit["df"] == base.fit["df"] - 1
    assert freed.fit["chisq"] < base.fit["chisq"]
    row = freed.params[(freed.params["op"] == "~~") & (freed.params["lhs"] == "y1") & (freed.params["rhs"] == "y2")]
    assert len(row) == 1 and row["free"].iloc[0] > 0 and row["se"].iloc[0] > 0
    dev = freed.implied[0, 1] - cor.loc["y1", "y2"]
    assert abs(dev) < 1e-6  # a free residual covariance reproduces its correlation


def test_bad_arguments_raise():
    th, cor, gamma, n = sample_statistics("simulated_skewed")
    model = parse_model(reference("simulated_skewed")["model"])
    with pytest.raises(SpecificationError, match="not an ordinal estimator"):
        wls_cfa(model, th, cor, gamma, n, "ML")
    with pytest.raises(SpecificationError, match="no threshold"):
        wls_cfa(model, th.drop([k for k in th.index if k.startswith("y3|")]), cor, gamma, n)
    with pytest.raises(SpecificationError, match="expected 52 x 52"):
        wls_cfa(model, th, cor, gamma[:-1, :-1], n)
    with pytest.raises(SpecificationError, match="without modifiers"):
        wls_cfa(parse_model("F1 =~ y1 + a*y2 + y3 + y4"), th, cor, gamma, n)
    with pytest.raises(SpecificationError, match="residual covariances between two items"):
        wls_cfa(parse_model("F1 =~ y1 + y2 + y3 + y4\ny1 ~~ 0.2*y2"), th, cor, gamma, n)
