"""Report section: the pre-registered hypotheses and their verdicts.
"""

from __future__ import annotations

from typing import Any

from alliance_stats.plan.context import RunContext


def _section_hypotheses(ctx: RunContext, prep: dict[str, Any]) -> Any:
    """Pre-registered hypotheses with Holm-adjusted p values and verdicts; exploratory mediation."""
    from alliance_stats.models import hypotheses_table, mediation, test_hypotheses

    plan, lang = ctx.plan, ctx.lang
    section = ctx.section("hypotheses", ctx.t("Hypothèses", "Hypotheses"))
    tested = [h.model_dump(exclude={"mediation"}, exclude_none=True) for h in plan.hypotheses if h.mediation is None]
    if tested:
        frame = ctx.log.run("hypotheses", test_hypotheses, prep["models"], tested, alpha=0.05, correction="holm")
        ctx.add_table(section, hypotheses_table(frame, lang))
        ctx.values["verdicts"] = {str(k): v for k, v in frame["verdict"].items()}
    med_rows = []
    for hyp in plan.hypotheses:
        if hyp.mediation is None:
            continue
        spec = plan.models[hyp.model]
        covariates = [p for p in spec.predictors if p not in (hyp.mediation["x"], hyp.mediation["mediator"])
                      and p not in spec.categorical]
        res = ctx.log.attempt("hypotheses", f"{hyp.id} (exploratory mediation)",
                              mediation, prep["firms"], hyp.mediation["x"], hyp.mediation["mediator"],
                              hyp.mediation["outcome"], covariates=covariates, seed=ctx.seeds["mediation"],
                              cluster=spec.cluster)
        if res is None:
            continue
        tab = res.to_table(lang)
        tab.key = f"mediation_{hyp.id.lower()}"
        tab.title = f"{hyp.id}. {tab.title}"
        ctx.add_table(section, tab)
        med_rows.append(hyp.id)
    ctx.values["mediation"] = med_rows
    ctx.stage_warnings(section, "hypotheses")
    return section

