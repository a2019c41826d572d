"""The compiled derivatives of the CFA engine (``measurement/cfa/kernels.py``, issue 17) against a numpy reference.

The reference writes the textbook formulas with dense arrays (``d Sigma / d theta_k`` as p x p matrices from
``CFAModel.d_sigma``, ``d mu / d theta`` from ``CFAModel.d_mu``): for complete rows with moments S, mean m,
``-2 log L = n [log|Sigma| + tr(Sigma^-1 C) + p log 2 pi]`` with ``C = S + d d'``, ``d = m - mu``; gradient
``n tr(E (Sigma - C) E dSigma_k) - 2 n dmu_k' E d``; expected Hessian ``n tr(E dSigma_k E dSigma_l) + 2 n dmu_k' E
dmu_l`` (``E = Sigma^-1``). The observed Hessian is checked against finite differences of the gradient in
``test_cfa_properties.py`` and, under FIML, against the reference engine in ``test_fiml_kernel.py``.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest

from alliance_stats.measurement.cfa import engine, kernels
from alliance_stats.measurement.syntax import parse_model

HS = Path(__file__).resolve().parents[1] / "fixtures" / "measurement" / "holzinger_swineford_1939.csv"
MODEL = "visual =~ x1 + x2 + x3\ntextual =~ x4 + x5 + x6\nspeed =~ x7 + x8 + x9\nx7 ~~ x8"


def _model(group_equal: tuple[str, ...], meanstructure: bool) -> engine.CFAModel:
    import pandas as pd

    data = pd.read_csv(HS)
    parsed = parse_model(MODEL)
    items = list(parsed.items)
    if meanstructure:
        groups = [engine.group_data_complete(s, data.loc[data.school == s, items].to_numpy(float))
                  for s in data.school.unique()]
    else:
        groups = [engine.group_data_complete("all", data[items].to_numpy(float))]
    table = engine.build_parameter_table(parsed, len(groups), meanstructure, group_equal)
    return engine.CFAModel(table, groups)


def _reference(model: engine.CFAModel, theta: np.ndarray) -> tuple[float, np.ndarray, np.ndarray]:
    value, grad, info = 0.0, np.zeros(model.k), np.zeros((model.k, model.k))
    for g, data in enumerate(model.groups):
        sigma, mu, mats = model.implied(theta, g)
        e = np.linalg.inv(sigma)
        d = data.mean - mu if model.meanstructure else np.zeros(model.p)
        c = data.cov + np.outer(d, d)
        ds = model.d_sigma(theta, g)
        dm = model.d_mu(mats, g) if model.meanstructure else np.zeros((model.k, model.p))
        value += data.n * (np.linalg.slogdet(sigma)[1] + np.trace(e @ c) + model.p * math.log(2 * math.pi))
        grad += data.n * np.einsum("ij,kji->k", e @ (sigma - c) @ e, ds) - 2 * data.n * dm @ e @ d
        eds = np.einsum("ij,kjl->kil", e, ds)
        info += data.n * np.einsum("kij,lji->kl", eds, eds) + 2 * data.n * dm @ e @ dm.T
    return value, grad, info


@pytest.mark.parametrize(("group_equal", "meanstructure"), [((), False), ((), True), (("loadings",), True),
                                                            (("loadings", "intercepts"), True)])
def test_complete_data_derivatives_match_the_numpy_reference(group_equal, meanstructure) -> None:
    model = _model(group_equal, meanstructure)
    theta = model.start_values() * 1.05 + 0.01
    value, grad, info = model.gradient_information(theta)
    ref_value, ref_grad, ref_info = _reference(model, theta)
    assert value == pytest.approx(ref_value, rel=1e-12)
    np.testing.assert_allclose(grad, ref_grad, rtol=1e-9, atol=1e-10 * np.abs(ref_grad).max())
    np.testing.assert_allclose(info, ref_info, rtol=1e-9, atol=1e-10 * np.abs(ref_info).max())
    _, grad_only, none = model.gradient_information(theta, with_information=False)
    assert none is None
    np.testing.assert_array_equal(grad_only, grad)


def test_inverse_and_log_determinant_match_numpy() -> None:
    rng = np.random.default_rng(3)
    for p in (1, 2, 9, 53):
        a = rng.normal(size=(p, 3 * p))
        a = a @ a.T / p
        ok, inv, logdet = kernels.inverse_logdet(a)
        assert ok
        np.testing.assert_allclose(inv, np.linalg.inv(a), rtol=1e-9, atol=1e-12 * np.abs(inv).max())
        assert logdet == pytest.approx(np.linalg.slogdet(a)[1], rel=1e-12, abs=1e-12)


@pytest.mark.parametrize("bad", [np.array([[1.0, 2.0], [2.0, 1.0]]), np.array([[0.0]]), np.array([[np.nan]])])
def test_not_positive_definite_gives_an_infinite_objective(bad) -> None:
    assert not kernels.inverse_logdet(bad)[0]
    ok, value, *_ = kernels.complete_terms(bad, np.zeros(0), (np.eye(bad.shape[0]), np.zeros(bad.shape[0]), 10.0))
    assert not ok and value == math.inf
