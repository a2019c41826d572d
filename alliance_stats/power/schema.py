"""The power plan (``analyses/power.yaml``): schema, checks against the confirmatory plan, loading.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from pydantic import Field, PositiveFloat, field_validator

from alliance_stats.core.constants import COVARIANCE_TYPES, DEFAULT_SEED
from alliance_stats.core.errors import PlanError
from alliance_stats.core.schema import Bilingual, Strict
from alliance_stats.core.yamlio import LocatedModel
from alliance_stats.simulate.simulator import CONFIGURATIONS, SimulationParams

if TYPE_CHECKING:

    from alliance_stats.plan.schema import Plan


class ClusterCriterion(Strict):
    """The cheap cluster check of each replicate (see the module docstring)."""

    ari_threshold: float = Field(0.65, gt=0, le=1, description="ARI with the crisp classification needed")
    covariance_types: list[Literal["spherical", "diag", "tied", "full"]] = Field(
        default_factory=lambda: list(COVARIANCE_TYPES), min_length=1)


class CFAPower(Strict):
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

    title: Bilingual | None = None
    confirmatory: str = "confirmatory.yaml"
    language: Literal["fr", "en"] | None = None
    population: SimulationParams = Field(default_factory=SimulationParams)
    effects: dict[str, PositiveFloat] = Field(default_factory=dict)
    n_dyads: list[int] = Field(default_factory=lambda: [40, 80, 120, 200, 300, 400], min_length=1)
    reps: int = Field(1000, ge=1, le=1_000_000)
    target_power: float = Field(0.8, gt=0, lt=1)
    alpha: float = Field(0.05, gt=0, lt=1)
    correction: Literal["holm", "bonferroni", "none"] = "holm"
    seed: int = Field(DEFAULT_SEED, ge=0)
    chunk_size: int = Field(25, ge=1, le=10_000)
    min_dyads_per_configuration: int = Field(
        5, ge=1, description="expected dyads of the rarest configuration needed at every N of the grid")
    cluster: ClusterCriterion = Field(default_factory=ClusterCriterion)
    cfa: CFAPower = Field(default_factory=CFAPower)

    @field_validator("n_dyads")
    @classmethod
    def _grid(cls, value: list[int]) -> list[int]:
        from alliance_stats.simulate.simulator import MAX_DYADS

        for n in value:
            if n < 4:
                raise ValueError(f"a number of dyads must be at least 4 (one per configuration), got {n}")
            if n > MAX_DYADS:
                raise ValueError(f"a number of dyads must be at most {MAX_DYADS:,} (what one simulation holds in "
                                 f"memory), got {n:,}")
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

