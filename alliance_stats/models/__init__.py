"""Crossing the start-up phase: logistic models, Firth for sparse data, dyad-aware errors, hypotheses.

Public API (issue 6)::

    fit_logit(data, outcome, predictors, categorical=..., interactions=(), method="ml"|"firth"|"auto",
              cluster=None|"dyad_id", gee=False, standardize=(), alpha=0.05) -> LogitResult
    models_side_by_side(results, lang="en", stars=False) -> Table
    test_hypotheses(results, hypotheses, alpha=0.05, correction="holm") -> DataFrame
    hypotheses_table(frame, lang="en") -> Table
    mediation(data, x, mediator, outcome, covariates=(), n_boot=2000, seed=..., cluster=None) -> MediationResult

Fast path for simulations: ``build_design``, ``hypothesis_weights``, ``wald_tests``, ``holm_adjust``,
``logit_newton``.
"""

from alliance_stats.models.design import CONFIGURATION_LEVELS, Design, FactorCoding, build_design
from alliance_stats.models.hypotheses import (
    Contrast,
    Hypothesis,
    Statement,
    directional_p,
    holm_adjust,
    hypotheses_table,
    hypothesis_weights,
    test_hypotheses,
    wald_tests,
)
from alliance_stats.models.logit import (
    LogitResult,
    SeparationCheck,
    detect_separation,
    fit_logit,
    hosmer_lemeshow,
    models_side_by_side,
    term_label,
)
from alliance_stats.models.mediation import MediationResult, logit_newton, mediation

__all__ = [
    "CONFIGURATION_LEVELS",
    "Contrast",
    "Design",
    "FactorCoding",
    "Hypothesis",
    "LogitResult",
    "MediationResult",
    "SeparationCheck",
    "Statement",
    "build_design",
    "detect_separation",
    "directional_p",
    "fit_logit",
    "holm_adjust",
    "hosmer_lemeshow",
    "hypotheses_table",
    "hypothesis_weights",
    "logit_newton",
    "mediation",
    "models_side_by_side",
    "term_label",
    "test_hypotheses",
    "wald_tests",
]
