"""Report section: the pre-registered hypotheses and their verdicts.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any

from alliance_stats.plan.context import RunContext, take
from alliance_stats.plan.sections.power_context import _hypothesis_values, _power_context, _with_power_column


def _mediation(ctx: RunContext, prep: dict[str, Any], hyp: Any) -> Callable[[], Any]:
    """The bootstrap mediation of hypothesis ``hyp`` on the prepared firms (a job of the run's second lane)."""
    spec = ctx.plan.models[hyp.model]

    def bootstrap() -> Any:
        from alliance_stats.models import MediationSettings, mediation

        covariates = [p for p in spec.predictors if p not in (hyp.mediation["x"], hyp.mediation["mediator"])
                      and p not in spec.categorical]
        return mediation(prep["firms"], hyp.mediation["x"], hyp.mediation["mediator"], hyp.mediation["outcome"],
                         covariates=covariates, cluster=spec.cluster,
                         settings=MediationSettings(seed=ctx.seeds["mediation"]))

    return bootstrap


def lane_jobs(ctx: RunContext, prep: dict[str, Any]) -> dict[str, Callable[[], Any]]:
    """This section's computations that depend only on the prepared data: the mediation bootstraps."""
    return {f"mediation_{hyp.id}": _mediation(ctx, prep, hyp) for hyp in ctx.plan.hypotheses
            if hyp.mediation is not None}


def _mediations(ctx: RunContext, section: Any, prep: dict[str, Any]) -> list[str]:
    """Exploratory mediation hypotheses: one table each; returns the ids reported."""
    plan = ctx.plan
    reported = []
    for hyp in plan.hypotheses:
        if hyp.mediation is None:
            continue
        res = ctx.log.attempt("hypotheses", f"{hyp.id} (exploratory mediation)",
                              lambda hyp=hyp: take(prep, f"mediation_{hyp.id}", _mediation(ctx, prep, hyp)))
        if res is None:
            continue
        tab = res.to_tables(ctx.lang)["mediation"]
        tab = dataclasses.replace(tab, key=f"mediation_{hyp.id.lower()}", title=f"{hyp.id}. {tab.title}")
        ctx.add_table(section, tab)
        reported.append(hyp.id)
    return reported


def tested_hypotheses(plan: Any) -> list[dict[str, Any]]:
    """The plan's tested (non-mediation) hypotheses as :func:`~alliance_stats.models.test_hypotheses` takes them:
    the plan-only fields (``mediation``, ``planned_or``) left out. The main analysis and the robustness variants
    use this one list."""
    return [h.model_dump(exclude={"mediation", "planned_or"}, exclude_none=True) for h in plan.hypotheses
            if h.mediation is None]


def _section_hypotheses(ctx: RunContext, prep: dict[str, Any]) -> Any:
    """Pre-registered hypotheses with Holm-adjusted p values and verdicts; exploratory mediation."""
    from alliance_stats.models import test_hypotheses

    plan = ctx.plan
    section = ctx.section("hypotheses", ctx.tr("models.section.hypotheses_title"))
    tested = tested_hypotheses(plan)
    if tested:
        result = ctx.log.run("hypotheses", test_hypotheses, prep["models"], tested, alpha=0.05,
                             correction=plan.correction)
        ctx.values["verdicts"] = result.verdicts
        ctx.values["hypotheses"] = _hypothesis_values(result)
        power = _power_context(ctx, prep, result)
        ctx.add_table(section, _with_power_column(ctx, result.to_tables(ctx.lang)["hypotheses"], power))
    ctx.values["mediation"] = _mediations(ctx, section, prep)
    ctx.stage_warnings(section, "hypotheses")
    return section
