"""cluster_check's building blocks against R (fixtures written by make_fixtures_cluster.R).

- mclust 6.0.0 BIC (faithful, k = 1..6, VII/VVI/EEE/VVV = spherical/diag/tied/full). mclust's BIC is
  2 logL - npar log n; ours (scikit-learn's) is its negative. (a) At mclust's fitted parameters our
  parameter count equals mclust's df and our BIC equals minus mclust's within 0.05: mclust reports the
  log-likelihood of its last E-step, computed with the parameters of the step before the ones it returns, so
  at the returned parameters the likelihood is higher by up to 0.011 here (EM never decreases it); k = 1 and 2
  (closed form or converged) agree to 1e-11. (b) From
  our own k-means starts, k = 1 and 2 (a single optimum) agree within 0.5 BIC units, and the best model of the
  whole table is mclust's (EEE, k = 3), within 0.5. For k >= 3 the two EM programs can stop at different
  local optima (mclust starts from a hierarchical agglomeration, we from k-means); on faithful's rounded
  waiting times some optima are near-degenerate, so cell-by-cell equality is not a property of either program.
- fpc 2.2.10 clusterboot (kmeansCBI with 50 starts, B = 200, bootmethod "boot"): clusterwise mean Jaccard
  within max(0.03, 4 * sqrt(2) * SE), SE = sd(R's per-resample Jaccard) / sqrt(200): the two programs draw
  different resamples (different random streams), so the means differ by bootstrap noise, whose standard
  error is estimated from R's bootresult (0.03 floors it for clusters with almost no variation).
- cluster 2.1.4 clusGap (d.power = 2, spaceH0 = "scaledPCA", B = 500) on scaled faithful: log W_k equal for
  Ward (deterministic) to 1e-9 and for k-means to 2e-3 (R's Hartigan-Wong finds marginally lower inertia
  than Lloyd at some k); E log W_k within 4 standard errors of the difference of two Monte Carlo means;
  the same picks by Tibs2001SEmax and firstSEmax. maxSE's two rules on fixed vectors: exact.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from sklearn.mixture import GaussianMixture
from sklearn.mixture._gaussian_mixture import _compute_precision_cholesky

from alliance_stats.typology import MCLUST_MODELS, cluster_check, gap_statistic, gmm_bic, max_se

HERE = Path(__file__).parents[1] / "fixtures" / "typology"
FIXTURES = json.loads((HERE / "cluster_fixtures.json").read_text())
FAITHFUL = pd.read_csv(HERE / "faithful.csv")
IRIS = pd.read_csv(HERE / "iris.csv")


def scaled(frame: pd.DataFrame) -> pd.DataFrame:
    return (frame - frame.mean()) / frame.std()


def mclust_bic(model: str) -> np.ndarray:
    return np.array(FIXTURES["mclust_bic"]["bic"][model], dtype=float)


def gmm_at(fit: dict, covariance_type: str) -> GaussianMixture:
    g = int(fit["G"])
    p = FAITHFUL.shape[1]
    sigma = np.array(fit["sigma"], dtype=float).reshape(g, p, p)
    covariances = {"spherical": sigma[:, 0, 0], "diag": np.array([np.diag(s) for s in sigma]),
                   "tied": sigma[0], "full": sigma}[covariance_type]
    model = GaussianMixture(g, covariance_type=covariance_type)
    model.weights_ = np.atleast_1d(np.array(fit["pro"], dtype=float))
    model.means_ = np.array(fit["mean"], dtype=float).reshape(g, p)
    model.covariances_ = covariances
    model.precisions_cholesky_ = _compute_precision_cholesky(covariances, covariance_type)
    return model


@pytest.mark.parametrize("covariance_type", list(MCLUST_MODELS))
def test_bic_convention_at_mclust_parameters(covariance_type: str) -> None:
    model_name = MCLUST_MODELS[covariance_type]
    x = FAITHFUL.to_numpy(dtype=float)
    for fit in FIXTURES["mclust_bic"]["fits"][model_name]:
        model = gmm_at(fit, covariance_type)
        gain = model.score(x) * len(x) - fit["loglik"]
        assert -1e-6 <= gain <= 0.02
        assert model.bic(x) == pytest.approx(-fit["bic"], abs=0.05)
        assert model._n_parameters() == fit["df"]


def test_gmm_bic_from_our_starts_matches_mclust() -> None:
    ours = gmm_bic(FAITHFUL.to_numpy(dtype=float), range(1, 7), n_init=5, seed=1)
    for covariance_type, model_name in MCLUST_MODELS.items():
        reference = -mclust_bic(model_name)
        assert ours.loc[[1, 2], covariance_type].to_numpy() == pytest.approx(reference[:2], abs=0.5)
    best = ours.stack().idxmin()
    assert best == (3, "tied")  # mclust: EEE with 3 components
    assert ours.loc[3, "tied"] == pytest.approx(-mclust_bic("EEE")[2], abs=0.5)


@pytest.mark.parametrize("case", ["faithful_k2", "faithful_k3", "iris_k3"])
def test_clusterwise_jaccard_agrees_with_fpc_clusterboot(case: str) -> None:
    reference = FIXTURES["clusterboot"][case]
    data = scaled(FAITHFUL if case.startswith("faithful") else IRIS)
    k = int(reference["k"])
    check = cluster_check(data, variables=tuple(data.columns), k=k, methods=("kmeans",), k_range=range(1, k + 2),
                          n_boot=int(reference["B"]), n_perm=19, gap_b=10, seed=7)
    ours = check.labels["kmeans"].to_numpy() - 1
    theirs = np.array(reference["partition"]) - 1
    table = pd.crosstab(ours, theirs).to_numpy()
    assert (table > 0).sum() == k  # the same partition of the data, up to the labels
    to_r = table.argmax(axis=1)
    boot = np.array(reference["bootresult"], dtype=float)
    se = boot.std(axis=1, ddof=1) / np.sqrt(boot.shape[1])
    jaccard = check.stability.sort_values("cluster")["mean_jaccard"].to_numpy()
    tolerance = np.maximum(0.03, 4 * np.sqrt(2) * se[to_r])
    assert (np.abs(jaccard - np.array(reference["bootmean"])[to_r]) <= tolerance).all()


@pytest.mark.slow
@pytest.mark.parametrize("method", ["kmeans", "ward"])
def test_gap_statistic_agrees_with_clusgap(method: str) -> None:
    reference = FIXTURES["clusgap"][f"faithful_{method}"]
    n_refs = 200
    ours = gap_statistic(scaled(FAITHFUL).to_numpy(), method, k_max=8, n_refs=n_refs, seed=11, ref_n_init=10)
    log_w = np.array(reference["logW"])
    assert ours["log_w"].to_numpy() == pytest.approx(log_w, abs=1e-9 if method == "ward" else 2e-3)
    se_sim = np.array(reference["SE.sim"]) / np.sqrt(1 + 1 / reference["B"])
    difference_se = np.sqrt(se_sim**2 / reference["B"] + se_sim**2 / n_refs)
    assert (np.abs(ours["e_log_w"].to_numpy() - np.array(reference["E.logW"])) <= 4 * difference_se).all()
    assert ours.attrs["k_tibshirani"] == reference["k_Tibs2001SEmax"]
    assert ours.attrs["k_first_se_max"] == reference["k_firstSEmax"]


def test_max_se_rules_match_cluster_maxse() -> None:
    for case in FIXTURES["maxse"]:
        assert max_se(case["f"], case["se"], "Tibs2001SEmax") == case["Tibs2001SEmax"]
        assert max_se(case["f"], case["se"], "firstSEmax") == case["firstSEmax"]
    with pytest.raises(ValueError):
        max_se([1.0], [0.1], "globalmax")
