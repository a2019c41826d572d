"""Crossing the start-up phase: logistic models, Firth for sparse data, dyad-aware errors, hypotheses.

Public API (issue 6)::

    fit_logit(data, outcome, predictors, *, categorical=..., interactions=(), method="ml"|"firth"|"auto",
              cluster=None|"dyad_id", settings=LogitSettings(gee=False, standardize=(), conf_level=0.95))
        -> LogitResult
    models_side_by_side(results, lang="en", stars=False) -> Table
    test_hypotheses(results, hypotheses, *, alpha=0.05, correction="holm") -> HypothesesResult
    mediation(data, x, mediator, outcome, *, covariates=(), cluster=None,
              settings=MediationSettings(n_boot=2000, seed=DEFAULT_SEED, conf_level=0.95)) -> MediationResult
    adjust_pvalues(p, method="holm"|"bonferroni"|"fdr_bh"|"none") -> ndarray

One logistic kernel (:mod:`alliance_stats.models.kernel`: batched Newton ML ``logit_batch``, Firth
``firth_batch``, dyad-clustered ``cluster_sandwich``) serves ``fit_logit``, the mediation bootstrap and the power
analysis. Fast path for simulations: ``build_design``, ``hypothesis_weights``, ``wald_tests``,
``adjust_pvalues``, ``logit_batch``, ``firth_batch``.
"""

from alliance_stats.models.design import CONFIGURATION_LEVELS, Design, FactorCoding, build_design
from alliance_stats.models.hypotheses import (
    Contrast,
    HypothesesResult,
    Hypothesis,
    Statement,
    directional_p,
    hypotheses_table,
    hypothesis_weights,
    test_hypotheses,
    wald_tests,
)
from alliance_stats.models.kernel import cluster_sandwich, firth_batch, logit_batch, logit_covariance
from alliance_stats.models.logit import (
    LogitResult,
    LogitSettings,
    LogitSpec,
    SeparationCheck,
    detect_separation,
    fit_logit,
    hosmer_lemeshow,
    models_side_by_side,
    term_label,
)
from alliance_stats.models.mediation import MediationResult, MediationSettings, mediation
from alliance_stats.models.multiplicity import adjust_pvalues

__all__ = [
    "CONFIGURATION_LEVELS",
    "Contrast",
    "Design",
    "FactorCoding",
    "HypothesesResult",
    "Hypothesis",
    "LogitResult",
    "LogitSettings",
    "LogitSpec",
    "MediationResult",
    "MediationSettings",
    "SeparationCheck",
    "Statement",
    "adjust_pvalues",
    "build_design",
    "cluster_sandwich",
    "detect_separation",
    "directional_p",
    "firth_batch",
    "fit_logit",
    "hosmer_lemeshow",
    "hypotheses_table",
    "hypothesis_weights",
    "logit_batch",
    "logit_covariance",
    "mediation",
    "models_side_by_side",
    "term_label",
    "test_hypotheses",
    "wald_tests",
]
