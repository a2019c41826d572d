"""The Newton kernel's evaluation written into buffers, and one X' shared by fits of one design (issue 17): the
numbers are those of the plain numpy expressions, bit for bit."""

from __future__ import annotations

import numpy as np
import pytest

from alliance_stats.models.kernel import _evaluate, _transposed, logit_batch


def _plain(eta: np.ndarray, y: np.ndarray, w: np.ndarray | None) -> tuple[np.ndarray, np.ndarray]:
    """The kernel's log-likelihood and probabilities as one expression each (the code before the buffers)."""
    t = np.exp(-np.abs(eta))
    terms = y * eta - (np.maximum(eta, 0.0) + np.log1p(t))
    mu = np.where(eta >= 0, 1.0, t) / (1.0 + t)
    return np.sum(terms if w is None else w * terms, axis=-1), mu


@pytest.mark.parametrize("weighted", [False, True])
def test_evaluate_gives_the_plain_expressions_bit_for_bit(weighted: bool) -> None:
    rng = np.random.default_rng(17)
    eta = rng.normal(scale=8.0, size=(40, 301))
    eta[0, :4] = [0.0, -0.0, 40.0, -745.0]
    y = (rng.random(eta.shape) < 0.4).astype(float)
    w = rng.integers(0, 4, size=eta.shape).astype(float) if weighted else None
    before = eta.copy()
    ll, mu = _evaluate(eta, y, w)
    ll_plain, mu_plain = _plain(eta, y, w)
    assert ll.tobytes() == ll_plain.tobytes() and mu.tobytes() == mu_plain.tobytes()
    assert eta.tobytes() == before.tobytes()  # the input is not a buffer


def test_one_design_broadcast_over_fits_shares_its_transpose_and_gives_the_same_fits() -> None:
    rng = np.random.default_rng(5)
    design = np.column_stack([np.ones(120), rng.normal(size=(120, 2))])
    y = (rng.random(120) < 0.5).astype(float)
    weights = rng.multinomial(120, np.full(120, 1 / 120), size=25).astype(float)
    shared = np.broadcast_to(design, (25, *design.shape))
    copied = np.ascontiguousarray(shared)
    transposed = _transposed(shared)
    assert transposed.strides[0] == 0 and transposed.tobytes() == _transposed(copied).tobytes()
    a = logit_batch(shared, np.broadcast_to(y, (25, 120)), weights=weights)
    b = logit_batch(copied, np.ascontiguousarray(np.broadcast_to(y, (25, 120))), weights=weights)
    for name in ("coef", "se", "loglik", "cov", "n_iter", "converged", "separated"):
        assert getattr(a, name).tobytes() == getattr(b, name).tobytes(), name
