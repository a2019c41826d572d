"""The FIML engine's pattern kernel (issue 17) gives the numbers of the engine before it, to 1e-10.

The reference values were written by ``tests/fixtures/measurement/fiml_engine_reference.py`` with the engine of
commit 0cf48d9 (products of the slot matrices pattern by pattern): -2 log L, gradient, expected and observed
Hessians of two FIML models (two groups with equality constraints; one group with a residual covariance).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np
import pytest

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "measurement"
sys.path.insert(0, str(FIXTURES))
from fiml_engine_reference import cases  # noqa: E402

REFERENCE = json.loads((FIXTURES / "fiml_engine_reference.json").read_text())


@pytest.mark.parametrize("name", sorted(REFERENCE))
@pytest.mark.parametrize("point", ["start", "moved"])
def test_fiml_derivatives_match_the_reference(name, point):
    model = dict(cases())[name]
    ref = REFERENCE[name][point]
    theta = np.array(ref["theta"])
    value, grad, expected = model.gradient_information(theta)
    _, _, observed = model.gradient_information(theta, hessian="observed")
    assert value == pytest.approx(ref["value"], rel=1e-12)
    np.testing.assert_allclose(grad, ref["gradient"], rtol=1e-10, atol=1e-10 * np.abs(ref["gradient"]).max())
    for mine, theirs in ((expected, ref["expected"]), (observed, ref["observed"])):
        theirs = np.array(theirs)
        np.testing.assert_allclose(mine, theirs, rtol=1e-10, atol=1e-10 * np.abs(theirs).max())


def test_observed_hessian_is_the_derivative_of_the_gradient():
    model = dict(cases())["one_group_rescov"]
    theta = np.array(REFERENCE["one_group_rescov"]["moved"]["theta"])
    hessian = model.gradient_information(theta, hessian="observed")[2]
    step = 1e-6
    numeric = np.empty_like(hessian)
    for j in range(len(theta)):
        up, down = theta.copy(), theta.copy()
        up[j] += step
        down[j] -= step
        numeric[:, j] = (model.gradient_information(up, with_information=False)[1]
                         - model.gradient_information(down, with_information=False)[1]) / (2 * step)
    np.testing.assert_allclose(hessian, numeric, rtol=1e-5, atol=1e-5 * np.abs(numeric).max())
