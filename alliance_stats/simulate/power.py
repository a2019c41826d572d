"""Simulation-based power and sample size for the whole confirmatory plan (issue 7).

:func:`power_analysis` answers "how many alliances (dyads) must the survey recruit?" for a power plan
(``analyses/power.yaml``, schema :class:`PowerPlan`) and the confirmatory plan it points to. For every number
of dyads N of the grid and every replicate it runs the plan's own chain on synthetic data:

1. **simulate** the survey answers of N dyads from the assumed population (:func:`simulate_alliances` with the
   plan's :class:`SimulationParams` overrides; the simulator's definition of ``crossed`` is the confirmatory
   plan's ``outcome``);
2. **exclusions and scoring**: the plan's careless-responding rules (attention item, longstring, irv,
   Mahalanobis p, share missing), then :func:`score_responses` (``min_share``), :func:`build_dyads` and
   :func:`firms_at_risk`;
3. **classify** every dyad with the plan's crisp rule (:func:`~alliance_stats.typology.classify.classify`,
   ``typology.cut`` and ``typology.asymmetry``) and attach the configuration to its firms;
4. **fit the plan's models** that the confirmatory hypotheses use, with the plan's design
   (:func:`~alliance_stats.models.build_design`: predictors, categorical references, interactions,
   standardisation, listwise deletion) and the plan's estimation rules (below);
5. **test the plan's confirmatory hypotheses** (one-sided where directional) with the plan's correction
   (Holm by default) over the confirmatory family and record each rejection, and whether *all* of them are
   supported (the family-wise power of the whole plan) or *any* (under a null population, the family-wise
   type I error);
6. the **cluster criterion** (a cheap version of :func:`~alliance_stats.typology.cluster.cluster_check` without
   bootstrap or permutations): a Gaussian mixture fitted at every k = 1..``k_max`` with the four covariance
   types chooses k = ``typology.cluster.k`` by BIC, and the mixture's partition at that k agrees with the
   crisp classification with ARI >= ``cluster.ari_threshold`` (.65, Steinley 2004);
7. the **CFA**: analytic power of the RMSEA test of close fit (MacCallum, Browne and Sugawara 1996;
   :func:`rmsea_power`, equal to semTools::findRMSEApower) for the instrument's measurement model (one factor per
   Likert construct, marker identification, df = p(p+1)/2 - q, :func:`cfa_degrees_of_freedom`) at the mean
   number of respondents kept after exclusions.

Estimation, as the plan's :func:`~alliance_stats.models.fit_logit` does it
-----------------------------------------------------------------------------
- ``method: auto``: Firth when there are fewer than 10 events per parameter (``min(events, non-events) /
  slopes``) or separation, else maximum likelihood; ``ml`` and ``firth`` as requested.
- ML: every replicate of one N is fitted at once by :func:`logit_batch` (batched Newton, equal to statsmodels
  to 1e-6); with ``cluster: dyad_id`` the covariance is the dyad-clustered sandwich with statsmodels' small-sample
  factor (``cov_type="cluster"``); tests are Wald z on ``L beta`` (:func:`~alliance_stats.models.wald_tests`).
- Firth: :func:`firth_batch` (batched, equal to firthmodels/brglm2 to 1e-7); a hypothesis is tested by the signed
  root of the penalised likelihood-ratio statistic of ``L beta = 0`` with the full model's penalty, as
  :func:`~alliance_stats.models.test_hypotheses` does.
- Replicates of unequal size are padded with weight-0 rows; a model whose predictors are all categorical is
  fitted on its grouped-binomial sufficient statistics (one row per distinct design row) whenever the fit has
  no cluster-robust covariance (Firth fits, or ML without ``cluster``).
- A replicate whose design cannot be built (a configuration with no firm at risk, a constant predictor...)
  raises :class:`~alliance_stats.errors.SpecificationError` in the plan; here its hypotheses count as not
  supported and the failures are counted in :attr:`PowerResult.details` and the warnings.

Deviations from the confirmatory run (each one documented, none changes what is tested)
-------------------------------------------------------------------------------------------
- *Careless-responding exclusions* are recomputed with vectorised versions of the indices of
  :func:`~alliance_stats.data.careless_flags` that the plan's rules use (attention, longstring, irv, Mahalanobis
  D2 with pairwise-complete covariance, even-odd consistency, share missing, whole dyad), because
  ``careless_flags`` (loops over respondents and item pairs) would cost more than everything else; when the item
  covariance is not positive definite or is ill-conditioned the data module's own ``mahalanobis_d2`` is called.
  The tests check that both exclude the same respondents. The data check (:func:`check_responses`) is not run:
  simulated answers obey the codebook by construction.
- *Separation* under ``auto`` is detected by :func:`logit_batch`'s flag (fitted probabilities within 1e-10 of
  0/1 with diverging coefficients; it catches complete and quasi-complete separation in the tests of
  :mod:`.batch`) rather than the linear program of ``detect_separation``; with >= 10 events per parameter (the
  only case where ML is tried) separation is rare. Under ``method: ml`` a separated replicate's
  hypotheses count as not supported (the plan reports no estimate for an infinite coefficient).
- ``gee: true`` is replaced by the dyad-clustered sandwich (same clusters; GEE's exchangeable working
  correlation changes the estimates little when clusters have at most two firms); a warning says so.
- Models that no confirmatory hypothesis uses (M2 in the default plan) and exploratory hypotheses (H5, the
  mediation) are not simulated: they have no verdict, so no power.
- The cluster criterion uses one mixture start (k-means++ seeded) per k shared by the four covariance types
  (the plan: 5 starts per type), no bootstrap stability, no permutation p value (with ARI >= .65 and at least
  20 dyads it is always below .05), and the mixture method only (the plan also runs k-means and Ward).
  The batched EM (:func:`gmm_bic_batch`) reproduces scikit-learn's ``GaussianMixture`` (``reg_covar=1e-6``,
  ``tol=1e-3``, ``max_iter=500``) from the same starting values (checked in the tests).
- The CFA is not simulated: its power is the analytic RMSEA power, which needs no replicate.

Reproducibility and distribution
--------------------------------
The replicates of each N are split into chunks of ``chunk_size``; chunk ``j`` of the ``i``-th N draws from
``numpy.random.SeedSequence(seed, spawn_key=(i, j))`` (the ``j``-th child of the ``i``-th child of the plan's
seed), each replicate from its own child of that sequence. A chunk is a pure function of its task, computed
with one BLAS thread, so results are identical bit for bit whatever the number of workers (``jobs``: joblib
processes) or the backend (``backend="dask"``: the same chunks on a Dask distributed cluster), and, for a given
``chunk_size``, the first R replicates are the same whatever the total number asked.

References: MacCallum, Browne & Sugawara (1996), Psychological Methods 1, 130-149 (semTools 0.5-6); Demidenko
(2007), Statistics in Medicine 26, 3385-3397; Hsieh, Bloch & Larsen (1998), Statistics in Medicine 17,
1623-1634; Firth (1993); Heinze & Schemper (2002); Holm (1979); Steinley (2004); Morris, White & Crowther
(2019), Statistics in Medicine 38, 2074-2102 (Monte Carlo standard errors).
"""

from __future__ import annotations

import math
import warnings
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
import pandas as pd
from pydantic import BaseModel, ConfigDict, Field, PositiveFloat, field_validator
from scipy import stats
from scipy.special import expit, logit

from alliance_stats.errors import AllianceStatsError, AnalysisWarning, PlanError, SpecificationError
from alliance_stats.i18n import check_lang, fmt_number, tr
from alliance_stats.report.table import Table
from alliance_stats.simulate.batch import (
    BatchFit,
    FirthBatchFit,
    firth_batch,
    logit_batch,
    rmsea_power,
    rmsea_sample_size,
)
from alliance_stats.simulate.simulator import CONFIGURATIONS, SimulationParams, simulate_alliances
from alliance_stats.yamlio import LocatedModel

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from alliance_stats.instrument import Instrument
    from alliance_stats.plan import Plan

__all__ = [
    "BatchFit",
    "FirthBatchFit",
    "PowerPlan",
    "PowerResult",
    "cfa_degrees_of_freedom",
    "firth_batch",
    "gmm_bic_batch",
    "hsieh_power_binary",
    "load_power_plan",
    "logit_batch",
    "power_analysis",
    "rmsea_power",
    "rmsea_sample_size",
    "wald_power_binary",
]

EPV_THRESHOLD = 10.0  # alliance_stats.models.logit.EPV_THRESHOLD (method "auto")
COVARIANCE_TYPES: tuple[str, ...] = ("spherical", "diag", "tied", "full")
MIN_PER_CLUSTER = 5  # alliance_stats.typology.cluster.MIN_PER_CLUSTER

# ------------------------------------------------------------------------------------------ analytic power


def wald_power_binary(n: int, exposed_share: float, p_unexposed: float, odds_ratio: float,
                      alpha: float = 0.05) -> float:
    """Power of the two-sided Wald test of a single binary predictor in a logistic regression.

    Demidenko's (2007) formula: the Wald statistic uses the variance of the maximum-likelihood estimate at the
    alternative, ``V = 1 / ((1 - B) w0) + 1 / (B w1)`` per observation with ``w = p (1 - p)`` in the unexposed
    (``x = 0``) and exposed (``x = 1``) groups and ``B`` the share exposed, so
    ``power = Phi(sqrt(n) |b1| / sqrt(V) - z) + Phi(-sqrt(n) |b1| / sqrt(V) - z)``, ``z = z_{1 - alpha/2}``.

    Parameters
    ----------
    n
        Sample size.
    exposed_share
        Share of the sample with ``x = 1`` (B).
    p_unexposed
        Event probability when ``x = 0``.
    odds_ratio
        Odds ratio of ``x`` (``exp(b1)``).
    alpha
        Two-sided significance level.

    Returns
    -------
    float

    Examples
    --------
    >>> round(wald_power_binary(200, 0.5, 0.3, 2.0), 3)
    0.647

    References
    ----------
    Demidenko, E. (2007). Sample size determination for logistic regression revisited. Statistics in Medicine
    26, 3385-3397 (Wald test, variance at the alternative).
    """
    b1 = math.log(odds_ratio)
    p0 = p_unexposed
    p1 = float(expit(logit(p0) + b1))
    variance = 1.0 / ((1.0 - exposed_share) * p0 * (1.0 - p0)) + 1.0 / (exposed_share * p1 * (1.0 - p1))
    shift = math.sqrt(n) * abs(b1) / math.sqrt(variance)
    z = float(stats.norm.isf(alpha / 2))
    return float(stats.norm.cdf(shift - z) + stats.norm.cdf(-shift - z))


def hsieh_power_binary(n: int, exposed_share: float, p_unexposed: float, odds_ratio: float,
                       alpha: float = 0.05) -> float:
    """Power for a binary predictor by Hsieh, Bloch and Larsen (1998), equation (2), solved for the power.

    ``n = [z sqrt(P(1-P)/B) + z_power sqrt(P1(1-P1) + P2(1-P2)(1-B)/B)]^2 / ((P1 - P2)^2 (1 - B))`` with ``P1``
    and ``P2`` the event probabilities at ``x = 0`` and ``x = 1``, ``B`` the share with ``x = 1`` and
    ``P = (1 - B) P1 + B P2``: a test of two proportions (variance under the null for the critical value).
    Demidenko (2007) shows it differs from the power of the Wald test that software reports
    (:func:`wald_power_binary`); both are given for comparison.

    Examples
    --------
    >>> round(hsieh_power_binary(200, 0.5, 0.3, 2.0), 3)
    0.655

    References
    ----------
    Hsieh, F. Y., Bloch, D. A., & Larsen, M. D. (1998). A simple method of sample size calculation for linear
    and logistic regression. Statistics in Medicine 17, 1623-1634.
    """
    B = exposed_share
    p1 = p_unexposed
    p2 = float(expit(logit(p1) + math.log(odds_ratio)))
    pooled = (1.0 - B) * p1 + B * p2
    z = float(stats.norm.isf(alpha / 2))
    numerator = math.sqrt(n * (p1 - p2) ** 2 * (1.0 - B)) - z * math.sqrt(pooled * (1.0 - pooled) / B)
    z_power = numerator / math.sqrt(p1 * (1.0 - p1) + p2 * (1.0 - p2) * (1.0 - B) / B)
    return float(stats.norm.cdf(z_power))


def cfa_degrees_of_freedom(instrument: Instrument, constructs: Sequence[str] | None = None) -> tuple[int, int, int]:
    """Degrees of freedom of the instrument's CFA: one factor per Likert construct, marker identification.

    ``df = p (p + 1) / 2 - q`` with ``p`` items and ``q = (p - F)`` free loadings ``+ p`` residual variances
    ``+ F`` factor variances ``+ F (F - 1) / 2`` factor covariances (lavaan's ``cfa()`` defaults, no mean
    structure).

    Parameters
    ----------
    instrument
        The survey instrument.
    constructs
        Construct codes in the CFA (the plan's ``measurement.cfa_constructs``); default every construct with
        Likert items.

    Returns
    -------
    (df, p, F)

    Examples
    --------
    >>> from alliance_stats.instrument import default_instrument
    >>> cfa_degrees_of_freedom(default_instrument(), ["LINK", "SYM"])
    (64, 13, 2)
    """
    codes = list(constructs) if constructs else list(instrument.construct_codes())
    sizes = [len(instrument.items(code)) for code in codes]
    sizes = [s for s in sizes if s > 0]
    p, F = sum(sizes), len(sizes)
    q = (p - F) + p + F + F * (F - 1) // 2
    return p * (p + 1) // 2 - q, p, F


# ---------------------------------------------------------------------------------------------- the plan


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class _Bilingual(_Strict):
    fr: str
    en: str


class ClusterCriterion(_Strict):
    """The cheap cluster check of each replicate (see the module docstring)."""

    ari_threshold: float = Field(0.65, gt=0, le=1, description="ARI with the crisp classification needed")
    covariance_types: list[Literal["spherical", "diag", "tied", "full"]] = Field(
        default_factory=lambda: list(COVARIANCE_TYPES), min_length=1)


class CFAPower(_Strict):
    """Close-fit RMSEA test of MacCallum, Browne and Sugawara (1996)."""

    rmsea0: float = Field(0.05, ge=0, lt=1, description="RMSEA under the null (close fit)")
    rmsea_a: float = Field(0.08, gt=0, lt=1, description="RMSEA under the alternative")


class PowerPlan(LocatedModel):
    """A power plan (``analyses/power.yaml``). Paths are relative to the plan file; unknown keys are rejected.

    Attributes
    ----------
    confirmatory
        The confirmatory plan whose models and hypotheses are tested.
    population
        The assumed population: any field of :class:`SimulationParams` (configuration shares, separation,
        loadings, missingness, careless shares, odds ratios, share of dyads where both firms are at risk...).
    effects
        Optional odds ratio per confirmatory hypothesis id, translated into the simulator's parameter (a
        trust or control term, or a contrast of one configuration against the reference ``survie``).
    n_dyads, reps, target_power, alpha, correction, seed, chunk_size
        The grid of numbers of dyads, replicates per N, the power aimed at, the family's level and
        multiplicity correction, the seed and the replicates per work unit.
    """

    title: _Bilingual | None = None
    confirmatory: str = "confirmatory.yaml"
    language: Literal["fr", "en"] | None = None
    population: SimulationParams = Field(default_factory=SimulationParams)
    effects: dict[str, PositiveFloat] = Field(default_factory=dict)
    n_dyads: list[int] = Field(default_factory=lambda: [40, 80, 120, 200, 300, 400], min_length=1)
    reps: int = Field(1000, ge=1, le=1_000_000)
    target_power: float = Field(0.8, gt=0, lt=1)
    alpha: float = Field(0.05, gt=0, lt=1)
    correction: Literal["holm", "bonferroni", "none"] = "holm"
    seed: int = Field(20261127, ge=0)
    chunk_size: int = Field(25, ge=1, le=10_000)
    min_dyads_per_configuration: int = Field(
        5, ge=1, description="expected dyads of the rarest configuration needed at every N of the grid")
    cluster: ClusterCriterion = Field(default_factory=ClusterCriterion)
    cfa: CFAPower = Field(default_factory=CFAPower)

    @field_validator("n_dyads")
    @classmethod
    def _grid(cls, value: list[int]) -> list[int]:
        for n in value:
            if n < 4:
                raise ValueError(f"a number of dyads must be at least 4 (one per configuration), got {n}")
        if len(set(value)) != len(value):
            raise ValueError("a number of dyads is listed twice")
        return value



def _effect_target(hyp: Any, model: Any, params: SimulationParams) -> tuple[str, str | None]:
    """(SimulationParams field, configuration level or None) that an effect on ``hyp`` sets, or raise."""
    controls = {"firm_age": "or_firm_age", "EMPLOYEES": "or_employees", "FOUNDER_EXPERIENCE": "or_founder_experience",
                "trust_shared": "or_trust_shared", "trust_constrained": "or_trust_constrained"}
    if model is None:
        raise ValueError("the hypothesis' model is not declared")
    reference = (model.categorical or {}).get("configuration", "survie")
    if hyp.term is not None:
        if hyp.term in controls:
            return controls[hyp.term], None
        if hyp.term.startswith("configuration[") and hyp.term.endswith("]") and reference == "survie":
            level = hyp.term[len("configuration["):-1]
            if level in CONFIGURATIONS:
                return "odds_ratios", level
    elif hyp.contrast is not None and (hyp.factor in (None, "configuration")) and reference == "survie":
        plus, minus = hyp.contrast.get("plus", []), hyp.contrast.get("minus", [])
        if len(plus) == 1 and minus == ["survie"] and plus[0] in CONFIGURATIONS:
            return "odds_ratios", plus[0]
    raise ValueError("no single simulator parameter corresponds to this hypothesis")


def _apply_effects(plan: PowerPlan, confirmatory: Plan) -> SimulationParams:
    params = plan.population
    by_id = {h.id: h for h in confirmatory.hypotheses}
    update: dict[str, Any] = {}
    odds = dict(params.odds_ratios)
    for hid, value in plan.effects.items():
        if hid not in by_id:
            raise plan.error(f"effects: unknown hypothesis id '{hid}'", "effects", hid, value=hid,
                             fix=f"use one of the confirmatory plan's ids: {', '.join(by_id) or '(none)'}")
        hyp = by_id[hid]
        if not hyp.confirmatory or (hyp.term is None and hyp.contrast is None):
            raise plan.error(f"effects: hypothesis '{hid}' is exploratory (no verdict, no power)", "effects", hid,
                             value=hid, fix="remove it from effects")
        try:
            name, level = _effect_target(hyp, confirmatory.models.get(hyp.model), params)
        except ValueError:
            raise plan.error(
                f"effects: the odds ratio of '{hid}' does not map to one parameter of the simulated population",
                "effects", hid, value=value,
                fix="set the configuration odds ratios under population.odds_ratios (relative to survie) "
                    "instead") from None
        if level is None:
            update[name] = float(value)
        else:
            odds[level] = float(value)
    update["odds_ratios"] = odds
    if "crossed" not in params.model_fields_set:
        update["crossed"] = {"kind": confirmatory.outcome.kind, "aware_cut": confirmatory.outcome.aware_cut,
                             "transf_cut": confirmatory.outcome.transf_cut}
    try:
        return SimulationParams.model_validate({**params.model_dump(), **update})
    except ValueError as exc:
        raise plan.error(f"effects: {str(exc).splitlines()[-1].strip()}", "effects", fix="correct the value") \
            from None


def _configuration_shares(params: SimulationParams) -> dict[str, float]:
    if params.structure == "clusters":
        return dict(params.shares)
    return dict.fromkeys(CONFIGURATIONS, 0.25)  # quadrants of a distribution centred at 0


def check_power_plan(plan: PowerPlan, confirmatory: Plan) -> None:
    """Plan-level checks that the schema cannot express; raise :class:`PlanError` naming the line."""
    shares = _configuration_shares(plan.population)
    for name, share in shares.items():
        if share <= 0:
            raise plan.error(f"population.shares: configuration '{name}' has share 0, so no N can form dyads "
                             "of every configuration", "population", "shares", name, value=share,
                             fix="give every configuration a positive share (the confirmatory models need all four)")
    rarest = min(shares, key=shares.get)
    needed = math.ceil(plan.min_dyads_per_configuration / shares[rarest] - 1e-9)
    for i, n in enumerate(plan.n_dyads):
        if n * shares[rarest] < plan.min_dyads_per_configuration:
            raise plan.error(
                f"n_dyads: N = {n} is too small to form dyads of every configuration: the rarest, '{rarest}' "
                f"(share {shares[rarest]:.3g}), would get {n * shares[rarest]:.1f} dyads on average, fewer than "
                f"min_dyads_per_configuration = {plan.min_dyads_per_configuration}",
                "n_dyads", i, value=n, fix=f"use N >= {needed}")
    confirmatory_ids = [h for h in confirmatory.hypotheses if h.confirmatory]
    if not confirmatory_ids:
        raise PlanError("the confirmatory plan has no confirmatory hypothesis: there is nothing to compute the "
                        "power of", file=str(confirmatory.path), line=confirmatory.line("hypotheses"),
                        fix="add hypotheses with confirmatory: true")
    for index, hyp in enumerate(confirmatory.hypotheses):
        if hyp.confirmatory and hyp.model not in confirmatory.models:
            raise confirmatory.error(f"hypothesis {hyp.id}: model '{hyp.model}' is not declared", "hypotheses",
                                     index, "model", value=hyp.model,
                                     fix=f"choose one of: {', '.join(confirmatory.models)}")
    if plan.cfa.rmsea0 == plan.cfa.rmsea_a:
        raise plan.error("cfa: rmsea0 and rmsea_a must differ", "cfa", "rmsea_a", value=plan.cfa.rmsea_a)


def load_power_plan(path: str | Path) -> tuple[PowerPlan, Plan]:
    """Load a power plan and its confirmatory plan; every mistake is a :class:`PlanError` with the line.

    Returns
    -------
    (PowerPlan, Plan)
        The power plan (``path``, ``lines`` set; ``population`` with the effects applied and ``crossed`` set to
        the confirmatory plan's outcome) and the confirmatory plan.

    Examples
    --------
    >>> from alliance_stats.plan import load_plan
    >>> power_plan, confirmatory = load_power_plan("analyses/power.yaml")  # doctest: +SKIP
    """
    from alliance_stats.plan import load_plan, load_validated

    path = Path(path)
    plan, lines = load_validated(path, PowerPlan)
    plan.path = path.resolve()
    plan.lines = lines
    confirmatory_path = plan.resolve(plan.confirmatory)
    if not confirmatory_path.is_file():
        raise plan.error("the confirmatory plan is not found", "confirmatory", value=plan.confirmatory,
                         fix=f"give its path relative to {plan.path.parent} ({confirmatory_path} does not exist)")
    confirmatory = load_plan(confirmatory_path)
    plan.population = _apply_effects(plan, confirmatory)
    check_power_plan(plan, confirmatory)
    return plan, confirmatory


# --------------------------------------------------------------------------------- fast careless exclusions


def _longstring(values: np.ndarray) -> np.ndarray:
    """careless::longstring per row (NaN breaks a run; NaN when the row has no answer), vectorised."""
    m, p = values.shape
    run = np.where(np.isnan(values[:, 0]), 0, 1)
    best = run.copy()
    for j in range(1, p):
        current = values[:, j]
        same = current == values[:, j - 1]
        run = np.where(np.isnan(current), 0, np.where(same & (run > 0), run + 1, 1))
        best = np.maximum(best, run)
    return np.where(best > 0, best, np.nan).astype(float)


def _mahalanobis_p(values: np.ndarray) -> np.ndarray:
    """p value of psych::outlier's D2 as :func:`alliance_stats.data.quality.mahalanobis_d2` computes it.

    The pairwise-complete covariance is formed with matrix products instead of a loop over item pairs; when it
    is not positive definite or is ill-conditioned (condition number above 1e8, where rounding differences of
    the two formulas could change D2), the data module's own function is called so that exactly the same
    respondents are excluded.
    """
    n, p = values.shape
    out = np.full(n, np.nan)
    if n <= p:
        return out
    observed = ~np.isnan(values)
    filled = np.where(observed, values, 0.0)
    o = observed.astype(float)
    pairs = o.T @ o
    sums = filled.T @ o  # [j, k]: sum of item j over rows where both j and k are answered
    cross = filled.T @ filled
    with np.errstate(invalid="ignore", divide="ignore"):
        cov = (cross - sums * sums.T / pairs) / (pairs - 1.0)
    cov[pairs < 2] = np.nan
    if not np.isfinite(cov).all():
        return out
    eigen = np.linalg.eigvalsh(cov)
    size = np.abs(eigen)
    if size.min() <= 1e-10 * max(size.max(), 1e-300):
        return out
    if eigen.min() <= 1e-8 * eigen.max():
        from alliance_stats.data.quality import mahalanobis_d2

        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            d2, _ = mahalanobis_d2(values)
        return stats.chi2.sf(d2, df=p)
    inverse = np.linalg.inv(cov)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        centred = np.where(observed, values - np.nanmean(values, axis=0), 0.0)
    d2 = np.einsum("ij,jk,ik->i", centred, inverse, centred)
    d2[~observed.any(axis=1)] = np.nan
    return stats.chi2.sf(d2, df=p)


def _evenodd(scored: np.ndarray, sizes: list[int]) -> np.ndarray:
    """Even-odd consistency per row (Johnson 2005, Spearman-Brown corrected), vectorised over rows."""
    m = scored.shape[0]
    odd = np.full((m, len(sizes)), np.nan)
    even = np.full_like(odd, np.nan)
    start = 0
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        for f, size in enumerate(sizes):
            block = scored[:, start : start + size]
            odd[:, f] = np.nanmean(block[:, 0::2], axis=1)
            if size > 1:
                even[:, f] = np.nanmean(block[:, 1::2], axis=1)
            start += size
    both = ~np.isnan(odd) & ~np.isnan(even)
    count = both.sum(axis=1)
    a = np.where(both, odd, 0.0)
    b = np.where(both, even, 0.0)
    with np.errstate(invalid="ignore", divide="ignore"):
        da = np.where(both, a - a.sum(axis=1, keepdims=True) / count[:, None], 0.0)
        db = np.where(both, b - b.sum(axis=1, keepdims=True) / count[:, None], 0.0)
        va, vb = (da * da).sum(axis=1), (db * db).sum(axis=1)
        r = (da * db).sum(axis=1) / np.sqrt(va * vb)
        sb = np.where(r > -1, 2 * r / (1 + r), -1.0)
    out = np.maximum(sb, -1.0)
    return np.where((count >= 2) & (va > 0) & (vb > 0), out, np.nan)


def careless_exclusions(responses: pd.DataFrame, instrument: Instrument, rules: Any) -> np.ndarray:
    """Boolean mask of the respondents that the plan's careless-responding rules exclude (vectorised).

    Same indices and rules as :func:`alliance_stats.data.careless_flags` followed by
    :func:`alliance_stats.data.apply_exclusions` (``rules``: :class:`alliance_stats.data.ExclusionRules`):
    ``fail_attention``, ``max_longstring``, ``min_irv``, ``mahalanobis_p``, ``min_evenodd``,
    ``max_missing_share`` and ``exclude_dyad``. The tests check that both exclude the same respondents.
    """
    items = instrument.likert_items()
    names = [v.name for v in items if v.name in responses.columns]
    values = np.array(responses[names].apply(pd.to_numeric, errors="coerce").to_numpy(dtype=float, na_value=np.nan))
    reverse = np.zeros(len(names), dtype=bool)
    bounds = np.zeros(len(names))
    for j, name in enumerate(names):
        var = instrument.variable(name)
        scale = instrument.scales[var.scale or ""]
        points = np.asarray([float(x) for x in scale.points])
        values[~np.isin(values[:, j], points), j] = np.nan
        reverse[j] = bool(var.reverse)
        bounds[j] = scale.min + scale.max
    n_items = values.shape[1]
    excluded = np.zeros(len(responses), dtype=bool)
    answered = (~np.isnan(values)).sum(axis=1)
    if rules.max_missing_share is not None and n_items:
        excluded |= (1 - answered / n_items) > rules.max_missing_share
    if rules.max_longstring is not None:
        with np.errstate(invalid="ignore"):
            excluded |= _longstring(values) > rules.max_longstring
    if rules.min_irv is not None:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            spread = np.where(answered >= 2, np.nanstd(values, axis=1, ddof=1), np.nan)
        with np.errstate(invalid="ignore"):
            excluded |= spread < rules.min_irv
    if rules.mahalanobis_p is not None and n_items >= 2:
        with np.errstate(invalid="ignore"):
            excluded |= _mahalanobis_p(values) < rules.mahalanobis_p
    if getattr(rules, "min_evenodd", None) is not None:
        scored = np.where(reverse[None, :], bounds[None, :] - values, values)
        position = {name: j for j, name in enumerate(names)}
        groups = [[position[v.name] for v in instrument.items(code) if v.name in position]
                  for code in instrument.construct_codes()]
        groups = [g for g in groups if g]
        if len(groups) >= 2:
            order = [j for g in groups for j in g]
            with np.errstate(invalid="ignore"):
                excluded |= _evenodd(scored[:, order], [len(g) for g in groups]) < rules.min_evenodd
    if rules.fail_attention:
        for var in instrument.attention_items():
            if var.name in responses.columns:
                given = pd.to_numeric(responses[var.name], errors="coerce").to_numpy(dtype=float)
                with np.errstate(invalid="ignore"):
                    excluded |= (given != float(var.attention_expected or 0)) & ~np.isnan(given)
    if getattr(rules, "exclude_dyad", False) and "dyad_id" in responses.columns:
        dyad = responses["dyad_id"].to_numpy()
        bad = set(dyad[excluded & pd.notna(dyad)])
        excluded |= np.isin(dyad, list(bad)) & pd.notna(dyad)
    return excluded


# ------------------------------------------------------------------------------- batched Gaussian mixtures


def _gmm_m_step(x: np.ndarray, w: np.ndarray, resp: np.ndarray, covariance_type: str, reg: float
                ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Weights, means and covariances from responsibilities (scikit-learn's estimators, with case weights)."""
    d = x.shape[2]
    rw = np.swapaxes(resp * w[..., None], 1, 2)  # (R, k, n)
    nk = rw.sum(axis=2) + 10 * np.finfo(float).eps  # (R, k)
    means = (rw @ x) / nk[..., None]  # (R, k, d)
    eye = np.eye(d)
    if covariance_type == "full":
        diff = x[:, None, :, :] - means[:, :, None, :]  # (R, k, n, d)
        cov = np.swapaxes(diff * rw[..., None], -1, -2) @ diff / nk[..., None, None] + reg * eye
    elif covariance_type == "tied":
        avg_x2 = np.swapaxes(x * w[..., None], 1, 2) @ x
        avg_means2 = np.swapaxes(means * nk[..., None], 1, 2) @ means
        cov = (avg_x2 - avg_means2) / nk.sum(axis=1)[:, None, None] + reg * eye
    else:
        cov = (rw @ (x * x)) / nk[..., None] - means**2 + reg
        if covariance_type == "spherical":
            cov = cov.mean(axis=2)
    weights = nk / w.sum(axis=1, keepdims=True)
    return weights, means, cov


def _cholesky(stack: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Cholesky factors of a stack of matrices (R, k, d, d); non positive-definite ones flagged (identity)."""
    try:
        return np.linalg.cholesky(stack), np.ones(stack.shape[:-2], dtype=bool)
    except np.linalg.LinAlgError:
        flat = stack.reshape(-1, *stack.shape[-2:])
        out = np.empty_like(flat)
        good = np.ones(len(flat), dtype=bool)
        for i, matrix in enumerate(flat):
            try:
                out[i] = np.linalg.cholesky(matrix)
            except np.linalg.LinAlgError:
                out[i] = np.eye(matrix.shape[0])
                good[i] = False
        return out.reshape(stack.shape), good.reshape(stack.shape[:-2])


def _gmm_log_prob(x: np.ndarray, means: np.ndarray, cov: np.ndarray, covariance_type: str) -> np.ndarray:
    """log N(x | mean_k, cov_k) for every point and component: (R, n, k); NaN where a covariance is not PD."""
    R, n, d = x.shape
    k = means.shape[1]
    diff = x[:, None, :, :] - means[:, :, None, :]  # (R, k, n, d)
    if covariance_type in ("full", "tied"):
        stack = cov if covariance_type == "full" else np.broadcast_to(cov[:, None], (R, k, d, d))
        chol, good = _cholesky(stack)
        precision_chol = np.swapaxes(np.linalg.inv(chol), -1, -2)  # scikit-learn's precisions_cholesky_
        log_det = np.log(np.diagonal(precision_chol, axis1=-2, axis2=-1)).sum(axis=-1)  # (R, k)
        y = diff @ precision_chol
        log_prob = (y * y).sum(axis=-1)  # (R, k, n)
    elif covariance_type == "diag":
        good = (cov > 0).all(axis=-1)
        precision = 1.0 / np.where(cov > 0, cov, 1.0)  # (R, k, d)
        log_det = 0.5 * np.log(precision).sum(axis=-1)
        log_prob = (diff * diff) @ precision[..., None]
        log_prob = log_prob[..., 0]
    else:
        good = cov > 0
        precision = 1.0 / np.where(cov > 0, cov, 1.0)  # (R, k)
        log_det = 0.5 * d * np.log(precision)
        log_prob = (diff * diff).sum(axis=-1) * precision[..., None]
    out = -0.5 * (d * np.log(2 * np.pi) + log_prob) + log_det[..., None]
    out = np.where(good[..., None], out, np.nan)
    return np.swapaxes(out, 1, 2)


def _logsumexp(a: np.ndarray) -> np.ndarray:
    top = a.max(axis=-1, keepdims=True)
    return (top + np.log(np.exp(a - top).sum(axis=-1, keepdims=True)))[..., 0]


def _gmm_parameters(k: int, d: int, covariance_type: str) -> int:
    cov = {"full": k * d * (d + 1) / 2, "diag": k * d, "tied": d * (d + 1) / 2, "spherical": k}[covariance_type]
    return int(cov + k * d + k - 1)


def gmm_bic_batch(data: np.ndarray, weights: np.ndarray, init_labels: np.ndarray, k: int, covariance_type: str,
                  reg_covar: float = 1e-6, tol: float = 1e-3, max_iter: int = 500
                  ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """EM for Gaussian mixtures of many data sets at once, started from given hard labels.

    The algorithm of scikit-learn 1.9 ``GaussianMixture`` (``init_params="kmeans"`` gives the starting
    labels): M-step from the one-hot labels, then E/M steps until the mean log-likelihood changes by less
    than ``tol``, a last E-step for the labels; BIC ``-2 logL + npar log n`` (scikit-learn's sign: lower is
    better; ``-BIC`` is mclust's). Case weights (0 = padding) make data sets of unequal size one batch.

    Parameters
    ----------
    data : (R, n, d)
    weights : (R, n) 0/1
    init_labels : (R, n) int in [0, k)
    k, covariance_type : number of components and scikit-learn covariance type.

    Returns
    -------
    (bic (R,), labels (R, n), converged (R,)) ; ``bic`` is ``inf`` where a covariance became singular.

    Reference: scikit-learn 1.9 ``sklearn.mixture.GaussianMixture``; mclust 6.0.0 ``mclustBIC`` (models VII, VVI,
    EEE, VVV).
    """
    x = np.asarray(data, dtype=float)
    w = np.asarray(weights, dtype=float)
    R, n, d = x.shape
    total = w.sum(axis=1)
    resp = np.zeros((R, n, k))
    np.put_along_axis(resp, np.clip(init_labels, 0, k - 1)[..., None], 1.0, axis=2)
    params = list(_gmm_m_step(x, w, resp, covariance_type, reg_covar))
    lower = np.full(R, -np.inf)
    converged = np.zeros(R, dtype=bool)
    failed = np.zeros(R, dtype=bool)
    active = np.ones(R, dtype=bool)
    for _ in range(max_iter):
        idx = np.flatnonzero(active)
        if idx.size == 0:
            break
        xa, wa = x[idx], w[idx]
        weighted = _gmm_log_prob(xa, params[1][idx], params[2][idx], covariance_type) + \
            np.log(params[0][idx])[:, None, :]
        bad = ~np.isfinite(weighted).all(axis=(1, 2)) & (wa > 0).any(axis=1)
        weighted = np.where(np.isfinite(weighted), weighted, -1e300)
        norm = _logsumexp(weighted)
        new_lower = (norm * wa).sum(axis=1) / total[idx]
        resp_a = np.exp(weighted - norm[..., None])
        new = _gmm_m_step(xa, wa, resp_a, covariance_type, reg_covar)
        for slot, value in enumerate(new):
            params[slot][idx] = value
        change = new_lower - lower[idx]
        lower[idx] = new_lower
        done = np.abs(change) < tol
        failed[idx[bad]] = True
        converged[idx[done]] = True
        active[idx[done | bad]] = False
    weighted = _gmm_log_prob(x, params[1], params[2], covariance_type) + np.log(params[0])[:, None, :]
    failed |= ~np.isfinite(weighted).all(axis=(1, 2))
    weighted = np.where(np.isfinite(weighted), weighted, -1e300)
    norm = _logsumexp(weighted)
    labels = weighted.argmax(axis=2)
    loglik = (norm * w).sum(axis=1)
    bic = -2.0 * loglik + _gmm_parameters(k, d, covariance_type) * np.log(np.maximum(total, 1.0))
    bic[failed] = np.inf
    return bic, labels, converged


def _cluster_criterion(data: list[np.ndarray], theory: list[np.ndarray], k_target: int, k_max: int,
                       covariance_types: Sequence[str], ari_threshold: float, rng: np.random.Generator
                       ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per data set: (k chosen by BIC, ARI of the k_target partition with the theory, criterion met)."""
    from alliance_stats.typology.cluster import adjusted_rand_from_table, kmeans_batch

    R = len(data)
    chosen = np.zeros(R, dtype=int)
    ari = np.full(R, np.nan)
    if R == 0:
        return chosen, ari, np.zeros(0, dtype=bool)
    sizes = np.array([len(z) for z in data])
    d = data[0].shape[1]
    n_max = int(sizes.max())
    x = np.zeros((R, n_max, d))
    w = np.zeros((R, n_max))
    t = np.full((R, n_max), -1)
    for r, (z, lab) in enumerate(zip(data, theory, strict=True)):
        x[r, : len(z)] = z
        w[r, : len(z)] = 1.0
        t[r, : len(z)] = lab
    usable = sizes >= MIN_PER_CLUSTER * k_target
    k_allowed = np.maximum(k_target, sizes // MIN_PER_CLUSTER)
    ks = list(range(1, k_max + 1))
    bic = np.full((R, len(ks)), np.inf)
    labels_at_target = np.zeros((R, n_max), dtype=int)
    best_at_target = np.full(R, np.inf)
    for position, k in enumerate(ks):
        init = np.zeros((R, n_max), dtype=int) if k == 1 else kmeans_batch(x, k, n_init=1, seed=rng, weights=w)[0]
        for covariance_type in covariance_types:
            value, labels, _ = gmm_bic_batch(x, w, init, k, covariance_type)
            better = value < bic[:, position]
            bic[better, position] = value[better]
            if k == k_target:
                improve = value < best_at_target
                best_at_target[improve] = value[improve]
                labels_at_target[improve] = labels[improve]
        bic[k > k_allowed, position] = np.inf
    chosen = np.array(ks)[np.argmin(bic, axis=1)]
    n_theory = len(CONFIGURATIONS)
    tables = np.zeros((R, k_target, n_theory))
    for r in range(R):
        keep = (w[r] > 0) & (t[r] >= 0)
        flat = labels_at_target[r, keep] * n_theory + t[r, keep]
        tables[r] = np.bincount(flat, minlength=k_target * n_theory).reshape(k_target, n_theory)
    ari = np.asarray(adjusted_rand_from_table(tables), dtype=float)
    ari[~usable] = np.nan
    met = usable & (chosen == k_target) & (ari >= ari_threshold)
    return chosen, ari, met


# ------------------------------------------------------------------------------------------ one chunk


@dataclass
class _Context:
    """Everything a chunk needs (picklable, shipped to the workers)."""

    instrument: Any
    params: SimulationParams
    exclusions: Any
    min_share: float
    outcome: Any
    cut: Any
    asymmetry: str
    scale: tuple[float, float]
    cluster_variables: tuple[str, ...]
    k_target: int
    k_max: int
    cluster: ClusterCriterion
    models: dict[str, Any]  # model key -> ModelSpec (only the models the confirmatory hypotheses use)
    hypotheses: list[Any]  # models.Hypothesis, confirmatory, in plan order
    alpha: float
    correction: str


@dataclass
class _Task:
    n_index: int
    n_dyads: int
    chunk_index: int
    first: int
    size: int
    seed: int
    context: _Context


def _model_frame(ctx: _Context, sim_seed: np.random.SeedSequence, n_dyads: int) -> dict[str, Any]:
    """Simulate one replicate and run the data stages; returns the model data and the cluster data."""
    from alliance_stats.data import build_dyads, firms_at_risk, score_responses
    from alliance_stats.typology.classify import classify

    sim = simulate_alliances(n_dyads, ctx.params, seed=sim_seed, instrument=ctx.instrument)
    responses = sim.responses
    kept = responses.loc[~careless_exclusions(responses, ctx.instrument, ctx.exclusions)]
    scores = score_responses(kept, ctx.instrument, ctx.min_share)
    dyads = build_dyads(scores, ctx.instrument)
    configuration = classify(dyads, cut=ctx.cut, scale=ctx.scale, asymmetry=ctx.asymmetry)
    firms = firms_at_risk(scores, dyads, ctx.outcome)
    firms["configuration"] = configuration.reindex(firms["dyad_id"].to_numpy()).to_numpy()
    table = dyads.table.copy()
    table["configuration"] = configuration
    return {"firms": firms, "dyads": table, "kept": len(kept)}


def _design_arrays(firms: pd.DataFrame, spec: Any) -> tuple[np.ndarray, np.ndarray, np.ndarray | None, list[str],
                                                             dict[str, Any], bool]:
    from alliance_stats.models import build_design

    categorical = dict(spec.categorical)  # as the plan runner passes it to fit_logit
    design = build_design(firms, spec.outcome, spec.predictors, categorical, [tuple(p) for p in spec.interactions],
                          spec.standardize, spec.cluster)
    groups = None
    if design.groups is not None:
        groups = pd.factorize(design.groups.astype(object).map(str), sort=True)[0]
    only_categorical = all(name in design.factors for name in design.predictors)
    return (design.X.to_numpy(dtype=float), design.y.to_numpy(dtype=float), groups, list(design.X.columns),
            dict(design.factors), only_categorical)


def _pad(blocks: list[tuple[np.ndarray, np.ndarray, np.ndarray | None]]) -> tuple[np.ndarray, ...]:
    R = len(blocks)
    n_max = max(len(y) for _, y, _ in blocks)
    p = blocks[0][0].shape[1]
    X = np.zeros((R, n_max, p))
    y = np.zeros((R, n_max))
    w = np.zeros((R, n_max))
    g = np.full((R, n_max), -1)
    for r, (Xr, yr, wr_or_g) in enumerate(blocks):
        n = len(yr)
        X[r, :n], y[r, :n] = Xr, yr
        w[r, :n] = 1.0
        if wr_or_g is not None:
            g[r, :n] = wr_or_g
    return X, y, w, g


def _grouped(blocks: list[tuple[np.ndarray, np.ndarray, np.ndarray | None]]) -> tuple[np.ndarray, ...]:
    """Grouped-binomial sufficient statistics of each replicate, padded: (X, share of events, trials)."""
    collapsed = []
    for Xr, yr, _ in blocks:
        rows, inverse, counts = np.unique(Xr, axis=0, return_inverse=True, return_counts=True)
        events = np.bincount(inverse.ravel(), weights=yr, minlength=len(rows))
        collapsed.append((rows, events / counts, counts.astype(float)))
    R = len(collapsed)
    n_max = max(len(c[0]) for c in collapsed)
    p = collapsed[0][0].shape[1]
    X = np.zeros((R, n_max, p))
    y = np.zeros((R, n_max))
    w = np.zeros((R, n_max))
    for r, (rows, share, counts) in enumerate(collapsed):
        X[r, : len(rows)], y[r, : len(rows)], w[r, : len(rows)] = rows, share, counts
    return X, y, w


def _test_model(blocks: list[tuple[np.ndarray, np.ndarray, np.ndarray | None]], spec: Any, L: np.ndarray,
                directions: list[str], only_categorical: bool) -> tuple[np.ndarray, np.ndarray]:
    """p values (R, H) of the model's hypotheses and the estimation method per replicate (0 ML, 1 Firth, 3 none)."""
    from alliance_stats.models import directional_p, wald_tests

    R = len(blocks)
    H = L.shape[0]
    pvalues = np.full((R, H), np.nan)
    method = np.full(R, 3, dtype=np.int8)
    p_cols = L.shape[1]
    events = np.array([y.sum() for _, y, _ in blocks])
    sizes = np.array([len(y) for _, y, _ in blocks])
    epv = np.minimum(events, sizes - events) / max(p_cols - 1, 1)
    if spec.method == "firth":
        use_firth = np.ones(R, dtype=bool)
    elif spec.method == "auto":
        use_firth = epv < EPV_THRESHOLD
    else:
        use_firth = np.zeros(R, dtype=bool)
    clustered = spec.cluster is not None
    ml_rows = np.flatnonzero(~use_firth)
    if ml_rows.size:
        sub = [blocks[r] for r in ml_rows]
        if only_categorical and not clustered:
            X, y, w = _grouped(sub)
            fit = logit_batch(X, y, weights=w)
        else:
            X, y, w, g = _pad(sub)
            fit = logit_batch(X, y, weights=w, groups=g if clustered else None)
        ok = fit.converged & ~fit.separated & np.isfinite(fit.cov).all(axis=(1, 2))
        if ok.any():
            tests = wald_tests(fit.coef[ok], fit.cov[ok], L, directions)
            pvalues[ml_rows[ok]] = tests["p"]
            method[ml_rows[ok]] = 0
        if spec.method == "auto":
            use_firth[ml_rows[fit.separated]] = True
    firth_rows = np.flatnonzero(use_firth)
    if firth_rows.size:
        sub = [blocks[r] for r in firth_rows]
        if only_categorical:
            X, y, w = _grouped(sub)
        else:
            X, y, w, _ = _pad(sub)
        full = firth_batch(X, y, weights=w)
        estimate = full.coef @ L.T
        for h in range(H):
            restricted = firth_batch(X, y, weights=w, constraints=L[h][None, :], start=full.coef)
            chi2 = np.maximum(0.0, 2.0 * (full.loglik_penalised - restricted.loglik_penalised))
            signed = np.copysign(np.sqrt(chi2), estimate[:, h])
            pvalues[firth_rows, h] = directional_p(signed, directions[h])
        good = full.converged & np.isfinite(full.loglik_penalised)
        pvalues[firth_rows[~good]] = np.nan
        method[firth_rows[good]] = 1
    return pvalues, method


def _adjust(p: np.ndarray, correction: str) -> np.ndarray:
    from alliance_stats.models import holm_adjust

    if correction == "holm":
        return holm_adjust(p)
    if correction == "bonferroni":
        m = np.isfinite(p).sum(axis=1, keepdims=True)
        return np.minimum(p * m, 1.0)
    return p.copy()


def _run_chunk(task: _Task) -> dict[str, Any]:
    """Simulate and analyse one chunk of replicates (a pure function of ``task``)."""
    from threadpoolctl import threadpool_limits

    from alliance_stats.models import hypothesis_weights

    ctx = task.context
    sequence = np.random.SeedSequence(task.seed, spawn_key=(task.n_index, task.chunk_index))
    children = sequence.spawn(task.size + 1)
    R = task.size
    H = len(ctx.hypotheses)
    model_keys = list(ctx.models)
    failures: Counter[str] = Counter()
    kept = np.zeros(R, dtype=int)
    at_risk = np.zeros(R, dtype=int)
    events = np.full(R, np.nan)
    method = np.full((R, len(model_keys)), 2, dtype=np.int8)  # 2 = design could not be built
    pvalues = np.full((R, H), np.nan)
    with threadpool_limits(limits=1), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        blocks: dict[str, list[tuple[int, tuple[np.ndarray, np.ndarray, np.ndarray | None]]]] = {
            key: [] for key in model_keys}
        meta: dict[str, tuple[list[str], dict[str, Any], bool]] = {}
        cluster_data: list[np.ndarray] = []
        theory: list[np.ndarray] = []
        for r in range(R):
            frames = _model_frame(ctx, children[r], task.n_dyads)
            firms = frames["firms"]
            kept[r] = frames["kept"]
            at_risk[r] = len(firms)
            events[r] = float(np.nanmean(firms["crossed"])) if len(firms) else np.nan
            for m, key in enumerate(model_keys):
                try:
                    X, y, g, columns, factors, only_cat = _design_arrays(firms, ctx.models[key])
                except SpecificationError as exc:
                    failures[f"model {key}: {exc.message}"] += 1
                    continue
                if key not in meta:
                    meta[key] = (columns, factors, only_cat)
                elif meta[key][0] != columns:
                    failures[f"model {key}: design columns differ between replicates"] += 1
                    continue
                blocks[key].append((r, (X, y, g)))
                method[r, m] = 3
            table = frames["dyads"]
            values = table[list(ctx.cluster_variables)].to_numpy(dtype=float)
            complete = ~np.isnan(values).any(axis=1)
            codes = pd.Categorical(table["configuration"], categories=list(CONFIGURATIONS)).codes
            cluster_data.append(values[complete])
            theory.append(np.asarray(codes)[complete])
        for m, key in enumerate(model_keys):
            if not blocks[key]:
                continue
            columns, factors, only_cat = meta[key]
            positions = [h for h, hyp in enumerate(ctx.hypotheses) if hyp.model == key]
            L = np.vstack([hypothesis_weights(ctx.hypotheses[h], columns, factors) for h in positions])
            rows = np.array([r for r, _ in blocks[key]])
            p, used = _test_model([b for _, b in blocks[key]], ctx.models[key], L,
                                  [ctx.hypotheses[h].direction for h in positions], only_cat)
            pvalues[np.ix_(rows, positions)] = p
            method[rows, m] = used
            not_tested = int((used == 3).sum())
            if not_tested:
                failures[f"model {key}: estimation failed (non-convergence or separation under ML)"] += not_tested
        chosen, ari, met = _cluster_criterion(cluster_data, theory, ctx.k_target, ctx.k_max,
                                              ctx.cluster.covariance_types, ctx.cluster.ari_threshold,
                                              np.random.default_rng(children[R]))
    adjusted = _adjust(pvalues, ctx.correction)
    with np.errstate(invalid="ignore"):
        rejected = np.where(np.isnan(adjusted), False, adjusted < ctx.alpha)
    return {
        "key": (task.n_index, task.chunk_index), "n_dyads": task.n_dyads, "first": task.first,
        "p": pvalues, "p_adjusted": adjusted, "rejected": rejected, "method": method,
        "cluster_k": chosen, "cluster_ari": ari, "cluster_met": met,
        "kept": kept, "at_risk": at_risk, "events": events, "failures": dict(failures),
    }


# ------------------------------------------------------------------------------------------ execution


def _execute(tasks: list[_Task], jobs: int, backend: str, scheduler: Any,
             progress: Callable[[int, int], Any] | None) -> list[dict[str, Any]]:
    total = sum(t.size for t in tasks)
    results: list[dict[str, Any]] = []

    def done(result: dict[str, Any], size: int) -> None:
        results.append(result)
        if progress is not None:
            progress(size, total)

    if backend == "dask":
        try:
            from distributed import Client, as_completed
        except ImportError:
            raise AllianceStatsError("the dask backend needs dask[distributed]", value="dask",
                                     fix="pip install 'alliance-stats[distributed]', or use --backend local") \
                from None
        if scheduler is None:
            raise AllianceStatsError("the dask backend needs the scheduler's address", value="dask",
                                     fix="pass --scheduler tcp://HOST:PORT (a running dask scheduler)")
        own = not isinstance(scheduler, Client)
        client = Client(scheduler) if own else scheduler
        try:
            sizes = {}
            futures = []
            for task in tasks:
                future = client.submit(_run_chunk, task, pure=False)
                sizes[future.key] = task.size
                futures.append(future)
            for future in as_completed(futures):
                done(future.result(), sizes[future.key])
        finally:
            if own:
                client.close()
    elif backend == "local":
        if jobs > 1:
            from joblib import Parallel, delayed

            runner = Parallel(n_jobs=jobs, backend="loky", return_as="generator_unordered")
            for result in runner(delayed(_run_chunk)(task) for task in tasks):
                done(result, len(result["kept"]))
        else:
            for task in tasks:
                done(_run_chunk(task), task.size)
    else:
        raise AllianceStatsError("unknown backend", value=backend, fix="use 'local' or 'dask'")
    return sorted(results, key=lambda res: res["key"])


def _context(plan: PowerPlan, confirmatory: Plan, instrument: Instrument) -> _Context:
    from alliance_stats.models import Hypothesis

    hypotheses = []
    for spec in confirmatory.hypotheses:
        if not spec.confirmatory:
            continue
        try:
            hypotheses.append(Hypothesis(id=spec.id, statement=spec.statement.model_dump(), model=spec.model,
                                         term=spec.term, contrast=spec.contrast, factor=spec.factor,
                                         direction=spec.direction, confirmatory=True))
        except ValueError as exc:
            index = confirmatory.hypotheses.index(spec)
            raise confirmatory.error(f"hypothesis {spec.id}: {str(exc).splitlines()[-1].strip()}", "hypotheses",
                                     index, fix="give either a term or a contrast") from None
    models = {}
    warnings_: list[str] = []
    for hyp in hypotheses:
        spec = confirmatory.models[hyp.model]
        if spec.gee:
            warnings_.append(f"model {hyp.model}: GEE is replaced by the dyad-clustered sandwich in the power "
                             "simulation")
            spec = spec.model_copy(update={"gee": False})
        models.setdefault(hyp.model, spec)
    first_item = instrument.items("LINK")[0] if instrument.items("LINK") else instrument.likert_items()[0]
    scale = instrument.scales[first_item.scale]
    typology = confirmatory.typology
    ctx = _Context(
        instrument=instrument, params=plan.population, exclusions=confirmatory.exclusions,
        min_share=confirmatory.min_share, outcome=confirmatory.outcome, cut=typology.cut,
        asymmetry=typology.asymmetry, scale=(float(scale.min), float(scale.max)),
        cluster_variables=tuple(typology.cluster.variables), k_target=typology.cluster.k,
        k_max=typology.cluster.k_max, cluster=plan.cluster, models=models, hypotheses=hypotheses,
        alpha=plan.alpha, correction=plan.correction,
    )
    ctx.notes = warnings_  # type: ignore[attr-defined]
    return ctx


# ---------------------------------------------------------------------------------------------- result


def _mcse(p: np.ndarray, reps: np.ndarray) -> np.ndarray:
    return np.sqrt(p * (1.0 - p) / reps)


@dataclass
class PowerResult:
    """Output of :func:`power_analysis`.

    Attributes
    ----------
    power
        Long table, one row per (``n_dyads``, ``target``): ``kind`` (``hypothesis``, ``familywise``, ``any``,
        ``cluster``, ``cfa``), ``power`` (share of replicates; analytic for the CFA), ``mcse`` (Monte Carlo SE
        ``sqrt(p (1 - p) / reps)``; 0 for the analytic CFA power), ``reps``.
    sample_size
        One row per target: the smallest N of the grid whose power reaches ``target_power`` (NaN when none)
        and the power there; for the CFA also the analytic N (respondents and dyads).
    details
        One row per N: mean respondents kept, firms at risk, share crossing, share of Firth fits and of failed
        fits per model, mean ARI and share choosing k by BIC.
    replicates
        One row per replicate: ``n_dyads``, ``replicate``, the p value, adjusted p and rejection of each
        hypothesis, ``cluster_k``, ``cluster_ari``, ``cluster_met``.
    cfa
        df, items, factors, RMSEA settings, respondents per dyad kept, analytic sample sizes.
    warnings
        Failed analyses and deviations worth reading.
    """

    power: pd.DataFrame
    sample_size: pd.DataFrame
    details: pd.DataFrame
    replicates: pd.DataFrame
    cfa: dict[str, Any]
    hypotheses: list[dict[str, Any]]
    settings: dict[str, Any]
    warnings: list[str] = field(default_factory=list)

    # -------------------------------------------------------------------------------------- labels
    def _target_label(self, target: str, lang: str) -> str:
        if target in ("familywise", "any", "cluster", "cfa"):
            return tr(f"power.target.{target}", lang).format(
                k=self.settings["k"], ari=fmt_number(self.settings["ari_threshold"], "r2", lang))
        return target

    def _targets(self, include_any: bool = False) -> list[str]:
        order = [h["id"] for h in self.hypotheses] + ["familywise"] + (["any"] if include_any else []) + \
            ["cluster", "cfa"]
        return [t for t in order if t in set(self.power["target"])]

    # -------------------------------------------------------------------------------------- tables
    def to_table(self, lang: str = "en") -> dict[str, Table]:
        """Report tables: ``power`` (power per target and N), ``power_mcse`` (its Monte Carlo SE) and
        ``sample_size`` (smallest N reaching the target power)."""
        check_lang(lang)
        targets = self._targets()
        grid = sorted(self.power["n_dyads"].unique())
        columns = [f"N = {n}" for n in grid]
        tables = {}
        for key, value, spec in (("power", "power", "r2"), ("power_mcse", "mcse", "r3")):
            wide = self.power.pivot(index="target", columns="n_dyads", values=value).reindex(index=targets,
                                                                                              columns=grid)
            wide.columns = columns
            wide.index = [self._target_label(t, lang) for t in targets]
            wide.index.name = tr("power.target", lang)
            note = tr(f"power.note.{key}", lang).format(
                reps=self.settings["reps"], alpha=fmt_number(self.settings["alpha"], "f2", lang),
                correction=self.settings["correction"], seed=self.settings["seed"], df=self.cfa["df"],
                rmsea0=fmt_number(self.cfa["rmsea0"], "f2", lang), rmsea_a=fmt_number(self.cfa["rmsea_a"], "f2", lang))
            tables[key] = Table(key=key, title=tr(f"power.title.{key}", lang), frame=wide, note=note,
                                formats=dict.fromkeys(columns, spec), lang=lang)
        size = self.sample_size.reindex(targets).copy()
        frame = pd.DataFrame({
            tr("power.col.n_reached", lang).format(target=fmt_number(self.settings["target_power"], "f2", lang)):
                size["n_dyads"],
            tr("power.col.power_there", lang): size["power"],
            tr("power.col.n_analytic", lang): size["n_dyads_analytic"],
        })
        frame.index = [self._target_label(t, lang) for t in targets]
        frame.index.name = tr("power.target", lang)
        formats = dict(zip(frame.columns, ["int", "r2", "int"], strict=True))
        tables["sample_size"] = Table(key="sample_size", title=tr("power.title.sample_size", lang), frame=frame,
                                      note=tr("power.note.sample_size", lang).format(
                                          target=fmt_number(self.settings["target_power"], "f2", lang),
                                          grid="; ".join(map(str, grid))),
                                      formats=formats, lang=lang)
        details = self.details.set_index("n_dyads")
        columns_spec: list[tuple[str, str, str]] = [
            ("respondents_kept", tr("power.col.respondents_kept", lang), "f1"),
            ("excluded_share", tr("power.col.excluded_share", lang), "pct"),
            ("firms_at_risk", tr("power.col.firms_at_risk", lang), "f1"),
            ("crossed_share", tr("power.col.crossed_share", lang), "pct"),
        ]
        for key in self.settings["models"]:
            columns_spec.append((f"firth_share_{key}", tr("power.col.firth_share", lang).format(model=key), "pct"))
            columns_spec.append((f"failed_share_{key}", tr("power.col.failed_share", lang).format(model=key), "pct"))
        columns_spec += [
            ("cluster_k_share", tr("power.col.cluster_k_share", lang).format(k=self.settings["k"]), "pct"),
            ("cluster_ari_mean", tr("power.col.cluster_ari_mean", lang), "r2"),
        ]
        frame = pd.DataFrame({label: details[key] for key, label, _ in columns_spec})
        frame.index.name = tr("power.col.n_dyads", lang)
        tables["power_details"] = Table(key="power_details", title=tr("power.title.details", lang), frame=frame,
                                        note=tr("power.note.details", lang),
                                        formats={label: spec for _, label, spec in columns_spec}, lang=lang)
        return tables

    def rejection_rates(self, adjusted: bool = True) -> pd.DataFrame:
        """Share of replicates rejecting each confirmatory hypothesis per N (rows), with the adjusted p values
        (the plan's verdicts) or the unadjusted ones (each test's own rejection rate, e.g. its type I error
        under a null population)."""
        column = "p_adjusted_{}" if adjusted else "p_{}"
        alpha = self.settings["alpha"]
        frame = pd.DataFrame({h["id"]: (self.replicates[column.format(h["id"])] < alpha) for h in self.hypotheses})
        frame["n_dyads"] = self.replicates["n_dyads"].to_numpy()
        return frame.groupby("n_dyads").mean()

    def figure(self, lang: str = "en") -> Figure:
        """Power curves (:func:`alliance_stats.report.figures.power_curves_plot`), one per target."""
        from alliance_stats.report.figures import power_curves_plot

        targets = self._targets()
        frame = self.power[self.power["target"].isin(targets)].copy()
        order = {t: i for i, t in enumerate(targets)}
        frame = frame.sort_values(["target", "n_dyads"], key=lambda s: s.map(order) if s.name == "target" else s)
        data = pd.DataFrame({"n": frame["n_dyads"].to_numpy(),
                             "target": [self._target_label(t, lang) for t in frame["target"]],
                             "power": frame["power"].to_numpy(), "mcse": frame["mcse"].to_numpy()})
        return power_curves_plot(data, lang=lang, target_power=self.settings["target_power"])

    def to_dict(self) -> dict[str, Any]:
        """Summary as JSON-able objects (replicate-level values excluded)."""
        def records(frame: pd.DataFrame) -> list[dict[str, Any]]:
            out = []
            flat = frame.reset_index() if frame.index.name is not None else frame
            for row in flat.to_dict(orient="records"):
                out.append({k: (None if isinstance(v, float) and math.isnan(v) else
                                v.item() if isinstance(v, np.generic) else v) for k, v in row.items()})
            return out

        return {"power": records(self.power), "sample_size": records(self.sample_size),
                "details": records(self.details), "cfa": self.cfa, "hypotheses": self.hypotheses,
                "settings": self.settings, "warnings": list(self.warnings)}


# --------------------------------------------------------------------------------------- entry point


def power_analysis(
    plan: PowerPlan,
    confirmatory: Plan,
    *,
    reps: int | None = None,
    jobs: int = 1,
    backend: Literal["local", "dask"] = "local",
    scheduler: Any = None,
    progress: Callable[[int, int], Any] | None = None,
    instrument: Instrument | None = None,
) -> PowerResult:
    """Simulation-based power of every confirmatory hypothesis, of the whole plan, of the cluster check and of
    the CFA, for each number of dyads of the grid.

    Parameters
    ----------
    plan
        The power plan (:func:`load_power_plan`).
    confirmatory
        The confirmatory plan it points to.
    reps
        Replicates per N (default ``plan.reps``).
    jobs
        Worker processes for ``backend="local"`` (joblib, loky); 1 runs in this process.
    backend
        ``"local"`` or ``"dask"`` (the chunks run on the Dask cluster of ``scheduler``).
    scheduler
        Dask scheduler address (``tcp://HOST:PORT``) or a ``distributed.Client``.
    progress
        Optional ``callable(advance, total)`` called after each chunk with its number of replicates and the
        total number of replicates (the CLI binds it to a progress bar).
    instrument
        The survey instrument (default: the confirmatory plan's ``instrument``).

    Returns
    -------
    PowerResult
        Identical whatever ``jobs`` and ``backend`` (see the module docstring).

    Examples
    --------
    >>> from alliance_stats.simulate.power import load_power_plan, power_analysis
    >>> power_plan, confirmatory = load_power_plan("analyses/power.yaml")  # doctest: +SKIP
    >>> result = power_analysis(power_plan, confirmatory, reps=20, jobs=2)  # doctest: +SKIP
    >>> result.sample_size  # doctest: +SKIP

    References: see the module docstring.
    """
    if instrument is None:
        from alliance_stats.instrument import load_instrument

        instrument = load_instrument(confirmatory.resolve(confirmatory.instrument))
    reps = plan.reps if reps is None else int(reps)
    if reps < 1:
        raise AllianceStatsError("reps must be at least 1", value=reps)
    if jobs < 1:
        raise AllianceStatsError("jobs must be at least 1", value=jobs)
    ctx = _context(plan, confirmatory, instrument)
    tasks = []
    for i, n in enumerate(plan.n_dyads):
        for j, first in enumerate(range(0, reps, plan.chunk_size)):
            tasks.append(_Task(n_index=i, n_dyads=int(n), chunk_index=j, first=first,
                               size=min(plan.chunk_size, reps - first), seed=plan.seed, context=ctx))
    chunks = _execute(tasks, jobs, backend, scheduler, progress)
    return _summarise(plan, confirmatory, instrument, ctx, chunks, reps)


def _summarise(plan: PowerPlan, confirmatory: Plan, instrument: Instrument, ctx: _Context,
               chunks: list[dict[str, Any]], reps: int) -> PowerResult:
    hyp_ids = [h.id for h in ctx.hypotheses]
    model_keys = list(ctx.models)
    rows = []
    for chunk in chunks:
        for r in range(len(chunk["kept"])):
            row: dict[str, Any] = {"n_dyads": chunk["n_dyads"], "replicate": chunk["first"] + r}
            for h, hid in enumerate(hyp_ids):
                row[f"p_{hid}"] = chunk["p"][r, h]
                row[f"p_adjusted_{hid}"] = chunk["p_adjusted"][r, h]
                row[f"rejected_{hid}"] = bool(chunk["rejected"][r, h])
            for m, key in enumerate(model_keys):
                row[f"method_{key}"] = ("ml", "firth", "design failed", "estimation failed")[chunk["method"][r, m]]
            row.update(familywise=bool(chunk["rejected"][r].all()), any=bool(chunk["rejected"][r].any()),
                       cluster_k=int(chunk["cluster_k"][r]), cluster_ari=float(chunk["cluster_ari"][r]),
                       cluster_met=bool(chunk["cluster_met"][r]), kept=int(chunk["kept"][r]),
                       at_risk=int(chunk["at_risk"][r]), crossed_share=float(chunk["events"][r]))
            rows.append(row)
    replicates = pd.DataFrame(rows)
    cfa_df, n_items, n_factors = cfa_degrees_of_freedom(instrument, confirmatory.measurement.cfa_constructs)
    power_rows = []
    detail_rows = []
    warnings_out = list(getattr(ctx, "notes", []))
    respondents_per_dyad = []
    for n in plan.n_dyads:
        sub = replicates[replicates["n_dyads"] == n]
        count = len(sub)
        for hid in hyp_ids:
            power_rows.append({"n_dyads": n, "target": hid, "kind": "hypothesis",
                               "power": float(sub[f"rejected_{hid}"].mean())})
        power_rows.append({"n_dyads": n, "target": "familywise", "kind": "familywise",
                           "power": float(sub["familywise"].mean())})
        power_rows.append({"n_dyads": n, "target": "any", "kind": "any", "power": float(sub["any"].mean())})
        power_rows.append({"n_dyads": n, "target": "cluster", "kind": "cluster",
                           "power": float(sub["cluster_met"].mean())})
        kept_mean = float(sub["kept"].mean())
        respondents_per_dyad.append(kept_mean / n)
        cfa_n = int(math.floor(kept_mean))
        cfa_power = rmsea_power(cfa_df, max(cfa_n, 2), plan.cfa.rmsea0, plan.cfa.rmsea_a, plan.alpha)
        power_rows.append({"n_dyads": n, "target": "cfa", "kind": "cfa", "power": cfa_power})
        detail: dict[str, Any] = {"n_dyads": n, "reps": count, "respondents_kept": kept_mean,
                                  "excluded_share": 1.0 - kept_mean / (2.0 * n),
                                  "firms_at_risk": float(sub["at_risk"].mean()),
                                  "crossed_share": float(sub["crossed_share"].mean()),
                                  "cluster_k_share": float((sub["cluster_k"] == ctx.k_target).mean()),
                                  "cluster_ari_mean": float(sub["cluster_ari"].mean()),
                                  "cfa_respondents": cfa_n}
        for key in model_keys:
            used = sub[f"method_{key}"]
            detail[f"firth_share_{key}"] = float((used == "firth").mean())
            detail[f"failed_share_{key}"] = float(used.isin(["design failed", "estimation failed"]).mean())
        detail_rows.append(detail)
    failure_counts: Counter[tuple[int, str]] = Counter()
    for chunk in chunks:
        for message, count in chunk["failures"].items():
            failure_counts[(chunk["n_dyads"], message)] += count
    for (n, message), count in sorted(failure_counts.items()):
        warnings_out.append(f"N = {n}: {message} in {count} of {reps} replicates (counted as not supported)")
    for detail in detail_rows:
        if detail["excluded_share"] > 0.10:
            warnings_out.append(
                f"N = {detail['n_dyads']}: the careless-responding rules exclude {detail['excluded_share']:.0%} of "
                "the respondents on average (with few respondents per item the Mahalanobis D2 rule excludes many "
                "careful respondents; consider switching it off for small samples)")
    power = pd.DataFrame(power_rows)
    power["reps"] = np.where(power["kind"] == "cfa", 0, reps)
    power["mcse"] = np.where(power["kind"] == "cfa", 0.0, _mcse(power["power"].to_numpy(), float(reps)))
    power = power[["n_dyads", "target", "kind", "power", "mcse", "reps"]]
    per_dyad = float(np.mean(respondents_per_dyad)) if respondents_per_dyad else 2.0
    cfa_needed = rmsea_sample_size(cfa_df, plan.target_power, plan.cfa.rmsea0, plan.cfa.rmsea_a, plan.alpha)
    size_rows = []
    for target in power["target"].unique():
        rows_t = power[power["target"] == target].sort_values("n_dyads")
        reached = rows_t[rows_t["power"] >= plan.target_power]
        entry = {"target": target, "n_dyads": float(reached["n_dyads"].iloc[0]) if len(reached) else np.nan,
                 "power": float(reached["power"].iloc[0]) if len(reached) else np.nan, "n_dyads_analytic": np.nan,
                 "n_respondents_analytic": np.nan}
        if target == "cfa":
            entry["n_respondents_analytic"] = float(cfa_needed)
            entry["n_dyads_analytic"] = float(math.ceil(cfa_needed / per_dyad))
        size_rows.append(entry)
    sample_size = pd.DataFrame(size_rows).set_index("target")
    cfa = {"df": cfa_df, "items": n_items, "factors": n_factors, "rmsea0": plan.cfa.rmsea0,
           "rmsea_a": plan.cfa.rmsea_a, "alpha": plan.alpha, "respondents_per_dyad": per_dyad,
           "n_respondents_needed": cfa_needed, "n_dyads_needed": int(math.ceil(cfa_needed / per_dyad))}
    if cfa_needed < n_items:
        warnings_out.append(
            f"CFA: the analytic RMSEA sample size ({cfa_needed} respondents, df = {cfa_df}) is below the number of "
            f"items ({n_items}); a CFA needs more respondents than items to be estimable (and commonly several per "
            "free parameter), so read the CFA row as a lower bound, not as a sufficient sample")
    hypotheses = [{"id": h.id, "model": h.model, "target": h.target(), "direction": h.direction,
                   "statement_fr": h.statement.fr, "statement_en": h.statement.en} for h in ctx.hypotheses]
    settings = {"reps": reps, "n_dyads": list(plan.n_dyads), "target_power": plan.target_power,
                "alpha": plan.alpha, "correction": plan.correction, "seed": plan.seed,
                "chunk_size": plan.chunk_size, "k": ctx.k_target, "k_max": ctx.k_max,
                "ari_threshold": plan.cluster.ari_threshold, "covariance_types": list(plan.cluster.covariance_types),
                "models": {k: v.model_dump(mode="json") for k, v in ctx.models.items()},
                "population": plan.population.model_dump(mode="json")}
    for message in warnings_out:
        warnings.warn(message, AnalysisWarning, stacklevel=3)
    return PowerResult(power=power, sample_size=sample_size, details=pd.DataFrame(detail_rows),
                       replicates=replicates, cfa=cfa, hypotheses=hypotheses, settings=settings,
                       warnings=warnings_out)
