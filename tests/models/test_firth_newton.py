"""The compiled Newton kernel of the restricted Firth fits (issue 17): its derivatives and its maxima."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from alliance_stats.models.firth_newton import _derivatives, _penalised
from alliance_stats.models.kernel import firth_batch, firth_newton_batch

HERE = Path(__file__).resolve().parents[1] / "fixtures" / "models"


@pytest.fixture(scope="module")
def separated() -> tuple[np.ndarray, np.ndarray]:
    data = pd.read_csv(HERE / "firth_separated.csv")
    X = np.column_stack([np.ones(len(data)), data["configuration"] == "b", data["configuration"] == "c",
                         data["x"]]).astype(float)
    return X, data["y"].to_numpy(float)


def _overlapping(seed: int, n: int = 60) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    X = np.column_stack([np.ones(n), rng.normal(size=n), rng.integers(0, 2, n), rng.normal(size=n)])
    y = (rng.random(n) < 1 / (1 + np.exp(-(0.3 + X[:, 1] - 0.5 * X[:, 2])))).astype(float)
    return X, y


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_gradient_and_hessian_equal_finite_differences(seed: int) -> None:
    X, y = _overlapping(seed, 25)
    beta = np.random.default_rng(seed).normal(scale=0.7, size=4)
    w = np.ones(len(y))
    _, mu, _, info = _penalised(X, y, w, beta)
    score, hess = _derivatives(X, y, mu, info, True)
    eps = 1e-5
    grad_num = np.empty(4)
    hess_num = np.empty((4, 4))
    for k in range(4):
        e = np.zeros(4)
        e[k] = eps
        grad_num[k] = (_penalised(X, y, w, beta + e)[0] - _penalised(X, y, w, beta - e)[0]) / (2 * eps)
        up, down = (_derivatives(X, y, *_penalised(X, y, w, b)[1::2], False)[0] for b in (beta + e, beta - e))
        hess_num[:, k] = (up - down) / (2 * eps)
    assert score == pytest.approx(grad_num, abs=1e-7)
    assert hess == pytest.approx(hess_num, abs=1e-6)
    assert np.allclose(hess, hess.T)


@pytest.mark.parametrize("explore", [0.0, 1e-3])
def test_restricted_maximum_equals_fisher_scoring_where_it_is_unique(explore: float) -> None:
    X, y = _overlapping(7)
    L = np.array([[0, 1.0, -1.0, 0], [0, 0, 0, 1.0]])
    c = np.array([0.4, -0.2])
    starts = np.random.default_rng(0).normal(size=(5, 4))
    newton = firth_newton_batch(np.broadcast_to(X, (5, *X.shape)), np.broadcast_to(y, (5, len(y))), L, c, starts,
                                explore=explore)
    fisher = firth_batch(X[None], y[None], constraints=L, constraint_values=c, max_iter=500)
    assert newton.converged.all()
    assert newton.coef == pytest.approx(np.broadcast_to(fisher.coef, (5, 4)), abs=1e-8)
    assert newton.loglik_penalised == pytest.approx(np.full(5, fisher.loglik_penalised[0]), abs=1e-10)
    assert L @ newton.coef[0] == pytest.approx(c, abs=1e-12)
    # at a restricted maximum the gradient of the penalised log-likelihood is a combination of the rows of L
    lam = np.linalg.lstsq(L.T, newton.score[0], rcond=None)[0]
    assert newton.score[0] == pytest.approx(L.T @ lam, abs=1e-8)


def test_newton_converges_where_fisher_scoring_crawls(separated: tuple[np.ndarray, np.ndarray]) -> None:
    # on the separated fixture, restricted to x = 30, Fisher scoring from zero has not converged in 200 iterations
    X, y = separated
    L, c = np.array([[0, 0, 0, 1.0]]), np.array([30.0])
    fisher = firth_batch(X[None], y[None], constraints=L, constraint_values=c, start=np.zeros((1, 4)))
    newton = firth_newton_batch(X[None], y[None], L, c, np.zeros((1, 4)))
    assert not fisher.converged[0] and fisher.n_iter[0] == 200
    assert newton.converged[0] and newton.n_iter[0] < 30
    assert newton.loglik_penalised[0] >= fisher.loglik_penalised[0] - 1e-9
    assert newton.coef[0] == pytest.approx(fisher.coef[0], abs=1e-2)
