"""Known truth: coverage of dyad-clustered intervals, naive under-coverage, type I error of the hypotheses.

Data: tests/models/simulated.py (exact marginal logistic model, outcomes correlated within dyads, dyad-level
predictors). The full studies (500 replicates) are marked ``validate`` (``make validate``); a 60-replicate
version with loose bounds runs with the normal tests.
"""

from __future__ import annotations

import numpy as np
import pytest

import alliance_stats.models as models
from alliance_stats.models import fit_logit
from tests.models.simulated import TRUE_M3, simulate_firms

SLOPES = ["trust_shared", "trust_constrained", "firm_age"]
DYAD_LEVEL = ["trust_shared", "trust_constrained"]
S = {"fr": "-", "en": "-"}
HYPOTHESES = [
    {"id": "H1", "statement": S, "model": "M1", "factor": "configuration",
     "contrast": {"plus": ["entraide", "parrainage"], "minus": ["survie", "contre_nature"]}},
    {"id": "H2", "statement": S, "model": "M1", "contrast": {"plus": ["entraide"], "minus": ["survie"]}},
    {"id": "H3", "statement": S, "model": "M3", "term": "trust_shared"},
    {"id": "H4", "statement": S, "model": "M3", "term": "trust_constrained", "direction": "less"},
]


def _coverage(replicates: int, n_dyads: int, seed: int) -> dict[str, np.ndarray]:
    covered = {"cluster": [], "naive": []}
    truth = np.array([TRUE_M3[t] for t in SLOPES])
    for child in np.random.SeedSequence(seed).spawn(replicates):
        df = simulate_firms(n_dyads, np.random.default_rng(child), model="M3")
        for kind, cluster in (("cluster", "dyad_id"), ("naive", None)):
            res = fit_logit(df, "crossed", SLOPES, method="ml", cluster=cluster)
            lo = np.log(res.coefficients.loc[SLOPES, "ci_low"].to_numpy(float))
            hi = np.log(res.coefficients.loc[SLOPES, "ci_high"].to_numpy(float))
            covered[kind].append((lo <= truth) & (truth <= hi))
    return {k: np.array(v) for k, v in covered.items()}


def _type_one(replicates: int, n_dyads: int, seed: int, fast_path: bool = False) -> tuple[np.ndarray, np.ndarray]:
    """Rejections at .05 (one-sided p) per hypothesis, and whether any confirmatory one was "supported".

    ``fast_path`` uses hypothesis_weights / wald_tests / adjust_pvalues (shown equal to test_hypotheses in
    test_hypotheses.py) because statsmodels' multipletests runs gc.collect() on every call (0.05-0.2 s).
    """
    hyps = [models.Hypothesis(**h) for h in HYPOTHESES]
    rejections, family = [], []
    for child in np.random.SeedSequence(seed).spawn(replicates):
        df = simulate_firms(n_dyads, np.random.default_rng(child), model="M1", null=True)
        results = {
            "M1": fit_logit(df, "crossed", ["configuration", "firm_age"], categorical={"configuration": "survie"},
                            method="ml", cluster="dyad_id"),
            "M3": fit_logit(df, "crossed", ["trust_shared", "trust_constrained", "firm_age"], method="ml",
                            cluster="dyad_id"),
        }
        if fast_path:
            p = np.array([
                models.wald_tests(results[h.model].params.to_numpy(), results[h.model].cov.to_numpy(),
                                  models.hypothesis_weights(h, results[h.model].terms,
                                                            results[h.model].design.factors),
                                  [h.direction])["p"][0, 0]
                for h in hyps])
            rejections.append(p < 0.05)
            family.append(bool((models.adjust_pvalues(p) < 0.05).any()))
            continue
        out = models.test_hypotheses(results, hyps)
        rejections.append(out.frame["p"].to_numpy(float) < 0.05)
        family.append((out.frame["verdict"] == "supported").any())
    return np.array(rejections), np.array(family)


@pytest.mark.slow
def test_coverage_fast():
    cov = _coverage(60, 150, seed=606)
    assert 0.85 <= cov["cluster"].mean() <= 1.0
    # naive intervals of dyad-level predictors are too narrow: never better than the clustered ones here
    assert cov["naive"][:, :2].mean() <= cov["cluster"][:, :2].mean()


@pytest.mark.slow
def test_type_one_error_fast():
    rejections, family = _type_one(60, 150, seed=707, fast_path=True)
    assert (rejections.mean(axis=0) <= 0.2).all()
    assert rejections.mean() <= 0.12
    assert family.mean() <= 0.15


@pytest.mark.validate
def test_coverage_500_replicates():
    cov = _coverage(500, 200, seed=2026)
    pooled = cov["cluster"].mean()
    per_term = cov["cluster"].mean(axis=0)
    print(f"clustered coverage pooled {pooled:.3f}, per term {dict(zip(SLOPES, per_term.round(3), strict=True))}; "
          f"naive (dyad-level) {cov['naive'][:, :2].mean(axis=0).round(3)}")
    assert 0.93 <= pooled <= 0.97
    assert ((per_term >= 0.92) & (per_term <= 0.98)).all()  # each term: 500 intervals, MC SE about 0.01
    naive = cov["naive"][:, :2].mean(axis=0)
    assert (naive < 0.92).all()  # naive SE under-cover for predictors shared by both firms of a dyad


@pytest.mark.validate
def test_type_one_error_500_replicates():
    rejections, family = _type_one(500, 200, seed=2027)
    rates = rejections.mean(axis=0)
    print(f"type I error per hypothesis {rates.round(3)}, family-wise (Holm) {family.mean():.3f}")
    assert ((rates >= 0.03) & (rates <= 0.07)).all()
    assert family.mean() <= 0.05 + 2 * np.sqrt(0.05 * 0.95 / 500)
