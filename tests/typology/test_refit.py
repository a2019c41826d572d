"""The compiled mixture fits of the cluster check (alliance_stats/typology/cluster/refit.py) give the numbers of the
scikit-learn ``GaussianMixture`` fits they replaced: on the data (k-means starts, best lower bound of n_init: the
BIC to 1e-10 and the same labels) and on the stability resamples (warm start from the full-data fit and a
k-means++ start, the higher score kept: the same labels), for every covariance type."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from sklearn.mixture import GaussianMixture

from alliance_stats.typology.cluster.agreement import _first_appearance_ids
from alliance_stats.typology.cluster.fitting import _fit_gmm, resolution_variance
from alliance_stats.typology.cluster.refit import _parameters_of, fit_mixture, refit_mixture


def _scikit_learn_labels(data, model, covariance_type, reg_covar, seed):
    candidates = []
    for init in ({"means_init": model.means_, "weights_init": model.weights_, "precisions_init": model.precisions_},
                 {"init_params": "k-means++"}):
        fitted, _ = _fit_gmm(data, model.n_components, covariance_type, 1, seed, reg_covar, **init)
        if fitted is not None:
            candidates.append((float(fitted.score(data)), fitted))
    return max(candidates, key=lambda item: item[0])[1].predict(data)


@pytest.mark.parametrize("covariance_type", ["full", "tied", "diag", "spherical"])
def test_refit_gives_scikit_learns_labels_on_resamples(covariance_type):
    rng = np.random.default_rng(20261205)
    centres = np.array([[5.5, 5.5], [5.5, 2.5], [2.5, 5.5], [2.5, 2.5]])
    z = np.round(np.vstack([rng.normal(c, 0.9, (60, 2)) for c in centres]).clip(1, 7) * 10) / 10  # ties: 0.1 grid
    reg_covar = resolution_variance(z)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model = GaussianMixture(4, covariance_type=covariance_type, n_init=2, random_state=1, max_iter=500,
                                reg_covar=reg_covar).fit(z)
        moved = 0
        for b in range(12):
            sample = np.flatnonzero(np.bincount(rng.integers(0, len(z), len(z)), minlength=len(z)))
            expected = _scikit_learn_labels(z[sample], model, covariance_type, reg_covar, 1000 + b)
            ours = refit_mixture(z[sample], _parameters_of(model, covariance_type), covariance_type, reg_covar,
                                 1000 + b)
            np.testing.assert_array_equal(ours, expected)
            moved += int((expected != model.predict(z[sample])).any())
    assert moved > 0  # some resamples move away from the full-data solution: the test can tell the starts apart


@pytest.mark.parametrize("covariance_type", ["full", "tied", "diag", "spherical"])
def test_fit_mixture_gives_scikit_learns_bic_and_labels(covariance_type):
    rng = np.random.default_rng(7)
    centres = np.array([[5.5, 5.5], [5.5, 2.5], [2.5, 5.5], [2.5, 2.5]])
    z = np.round(np.vstack([rng.normal(c, 1.1, (50, 2)) for c in centres]).clip(1, 7) * 10) / 10
    reg_covar = resolution_variance(z)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for k in (1, 2, 4, 6):
            model, _ = _fit_gmm(z, k, covariance_type, 5, 100 + k, reg_covar)
            ours = fit_mixture(z, k, covariance_type, 5, 100 + k, reg_covar)
            assert ours["bic"] == pytest.approx(model.bic(z), rel=1e-10, abs=0)
            # the same partition: two starts reaching one optimum with the components in another order have equal
            # lower bounds up to rounding, and either may be kept (no reported number depends on the numbering)
            same = _first_appearance_ids(ours["labels"]) == _first_appearance_ids(model.predict(z))
            assert same.all()
            assert ours["converged"] == model.converged_
            order, reference = np.lexsort(ours["parameters"][1].T), np.lexsort(model.means_.T)
            np.testing.assert_allclose(ours["parameters"][1][order], model.means_[reference], rtol=1e-10)
