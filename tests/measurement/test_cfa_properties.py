"""Invariants of cfa(): fit does not depend on which item is the marker nor on the column order; inputs are
never modified; the analytic derivatives agree with finite differences."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from alliance_stats.measurement import cfa, htmt
from alliance_stats.measurement.cfa import engine
from alliance_stats.measurement.syntax import parse_model

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "measurement"
HS = pd.read_csv(FIXTURES / "holzinger_swineford_1939.csv")
FACTORS = {"visual": ["x1", "x2", "x3"], "textual": ["x4", "x5", "x6"], "speed": ["x7", "x8", "x9"]}
FIT_KEYS = ("chisq", "df", "pvalue", "cfi", "tli", "rmsea", "rmsea.ci.lower", "rmsea.ci.upper", "srmr", "aic",
            "bic", "logl")


def _syntax(order: dict[str, list[str]], factor_order: list[str]) -> str:
    return "\n".join(f"{f} =~ {' + '.join(order[f])}" for f in factor_order)


@pytest.fixture(scope="module")
def reference() -> Any:
    """The CFA of the three factors in their natural order (fitted once, when a test first asks for it)."""
    return cfa(HS, _syntax(FACTORS, list(FACTORS)))


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    perms=st.tuples(*(st.permutations(items) for items in FACTORS.values())),
    factor_order=st.permutations(list(FACTORS)),
    columns=st.permutations(list(HS.columns)),
)
def test_fit_unchanged_by_item_order_marker_factor_order_and_columns(reference, perms, factor_order, columns) -> None:
    order = dict(zip(FACTORS, (list(p) for p in perms), strict=True))
    res = cfa(HS[list(columns)], _syntax(order, list(factor_order)))
    for key in FIT_KEYS:
        assert res.fit[key] == pytest.approx(reference.fit[key], rel=1e-7, abs=1e-9), key
    # standardized loadings, omega, AVE and factor correlations do not depend on the marker either
    ours = res.loadings.set_index("item")["std_est"].sort_index()
    ref = reference.loadings.set_index("item")["std_est"].sort_index()
    np.testing.assert_allclose(ours.to_numpy(), ref.to_numpy(), atol=1e-6)
    pd.testing.assert_frame_equal(res.reliability.sort_index(), reference.reliability.sort_index(), atol=1e-6)
    corr = res.factor_corr.loc[list(FACTORS), list(FACTORS)]
    np.testing.assert_allclose(corr.to_numpy(), reference.factor_corr.to_numpy(), atol=1e-6)


@settings(max_examples=10, deadline=None)
@given(st.permutations(list(HS.columns)))
def test_htmt_unchanged_by_column_order(columns) -> None:
    model = _syntax(FACTORS, list(FACTORS))
    pd.testing.assert_frame_equal(htmt(HS[list(columns)], model).matrix, htmt(HS, model).matrix, atol=1e-12)


def test_inputs_are_not_modified() -> None:
    data = HS.copy()
    data.loc[3, "x4"] = np.nan
    before = data.copy()
    model = _syntax(FACTORS, list(FACTORS))
    cfa(data, model)
    cfa(data, model, missing="fiml", group="school")
    htmt(data, model)
    pd.testing.assert_frame_equal(data, before)


def test_same_input_same_output() -> None:
    model = _syntax(FACTORS, list(FACTORS))
    a, b = cfa(HS, model), cfa(HS, model)
    assert a.fit == b.fit
    pd.testing.assert_frame_equal(a.params, b.params)


def _numeric_check(model: engine.CFAModel, theta: np.ndarray) -> None:
    value, grad, hess = model.gradient_information(theta, hessian="observed")
    k = model.k
    num_grad = np.empty(k)
    num_hess = np.empty((k, k))
    for j in range(k):
        e = np.zeros(k)
        e[j] = 1e-6
        num_grad[j] = (model.minus2logl(theta + e) - model.minus2logl(theta - e)) / 2e-6
        num_hess[:, j] = (model.gradient_information(theta + e, False)[1]
                          - model.gradient_information(theta - e, False)[1]) / 2e-6
    assert value == pytest.approx(model.minus2logl(theta), rel=1e-12)
    np.testing.assert_allclose(grad, num_grad, rtol=1e-5, atol=1e-6 * np.max(np.abs(grad)))
    np.testing.assert_allclose(hess, num_hess, rtol=1e-5, atol=1e-6 * np.max(np.abs(hess)))


@pytest.mark.parametrize("group_equal", [(), ("loadings",), ("loadings", "intercepts")])
def test_gradient_and_exact_hessian_agree_with_finite_differences(group_equal) -> None:
    model = parse_model(_syntax(FACTORS, list(FACTORS)) + "\nx7 ~~ x8")
    items = list(model.items)
    groups = [engine.group_data_complete(s, HS.loc[HS.school == s, items].to_numpy(float))
              for s in HS.school.unique()]
    cfa_model = engine.CFAModel(engine.build_parameter_table(model, 2, True, group_equal), groups)
    theta = cfa_model.start_values() * 1.1 + 0.01
    _numeric_check(cfa_model, theta)


def test_fiml_gradient_and_hessian_agree_with_finite_differences() -> None:
    rng = np.random.default_rng(7)
    model = parse_model(_syntax(FACTORS, list(FACTORS)))
    values = HS[list(model.items)].to_numpy(float)
    values[rng.random(values.shape) < 0.1] = np.nan
    values = values[~np.isnan(values).all(axis=1)]
    table = engine.build_parameter_table(model, 1, True)
    cfa_model = engine.CFAModel(table, [engine.group_data_missing("all", values)])
    theta = cfa_model.start_values() * 0.9 + 0.02
    _numeric_check(cfa_model, theta)
