"""Data preparation: check, careless-responding exclusions, scoring, dyads, firms at risk.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from alliance_stats.data.quality import ExclusionRules
from alliance_stats.plan.context import RunContext, _table
from alliance_stats.plan.sections.typology import _link_scale


def _prepare(ctx: RunContext, responses: Any, data_path: Path, checked: Any = None) -> dict[str, Any]:
    """Check, exclusions, scoring, dyads, firms at risk, classification; the sample section.

    ``checked``: the :class:`~alliance_stats.data.DataCheck` of these same responses, already made (the
    robustness variants pass the main run's: the plan's careless rules change the check's warnings, not its
    errors), instead of checking them again."""
    import pandas as pd

    from alliance_stats.core.errors import DataError
    from alliance_stats.data import build_dyads, check_responses, firms_at_risk, score_responses
    from alliance_stats.data.quality import apply_exclusions, careless_flags
    from alliance_stats.data.scoring import CrossedDefinition, clean_items
    from alliance_stats.plan.checks import check_analysis_data
    from alliance_stats.typology.classification import classify

    plan, inst, lang = ctx.plan, ctx.instrument, ctx.lang
    check = checked if checked is not None else check_responses(responses, inst, file=str(data_path),
                                                                careless_rules=plan.exclusions)
    if not check.ok:
        first = check.errors[0]
        more = len(check.errors) - 1
        raise DataError(
            first.message + (f" ({more} more error{'s' if more > 1 else ''}: run `alliance-stats data check "
                             f"{data_path}` for the list)" if more else ""),
            file=str(data_path), row=first.row, column=first.column, value=first.value,
            fix="correct the responses file; nothing was computed",
        )
    by_rule: dict[str, list[Any]] = {}
    for finding in check.warning_findings:
        by_rule.setdefault(finding.rule, []).append(finding)
    for rule, findings in by_rule.items():
        rows = ", ".join(str(f.row) for f in findings[:12] if f.row is not None)
        more = "" if len(findings) <= 12 else ", ..."
        ctx.log.add("data", f"{rule}: {len(findings)} finding(s) in rows {rows}{more}; first: {findings[0].message}"
                    " (`alliance-stats data check` lists them all)", "DataQualityWarning")
    flags = ctx.log.run("exclusions", careless_flags, responses, inst)
    kept, excluded = apply_exclusions(responses, flags, plan.exclusions)
    if len(kept) == 0:
        raise DataError("every respondent was excluded by the plan's exclusion rules", file=str(data_path),
                        fix="check the exclusions section of the plan")
    scores = ctx.log.run("scoring", score_responses, kept, inst, plan.min_share)
    dyads = ctx.log.run("dyads", build_dyads, scores, inst, kept)
    definition = CrossedDefinition(kind=plan.outcome.kind, aware_cut=plan.outcome.aware_cut,
                                   transf_cut=plan.outcome.transf_cut)
    firms = ctx.log.run("dyads", firms_at_risk, scores, dyads, definition)
    table = dyads.table.copy()
    cut = plan.typology.cut
    configuration = ctx.log.run("typology", classify, table, cut=cut, scale=_link_scale(inst),
                                asymmetry=plan.typology.asymmetry)
    table["configuration"] = configuration
    firms["configuration"] = configuration.reindex(firms["dyad_id"].to_numpy()).to_numpy()
    items = clean_items(kept, inst)  # floats, missing codes as NaN, reverse-keyed items reversed
    check_analysis_data(plan, inst, items, firms, file=str(data_path))  # before any model: named, not late

    # ---- sample section
    section = ctx.section("sample", ctx.tr("data.sample.title"))
    n_resp = len(responses)
    complete = int((table["n_partners"] == 2).sum()) if "n_partners" in table else len(table)
    events = firms["crossed"]
    counts = {"respondents": n_resp, "excluded": len(excluded), "kept": len(kept), "dyads": len(table),
              "dyads_complete": complete, "firms_at_risk": len(firms), "crossed": int((events == 1).sum()),
              "crossed_unknown": int(events.isna().sum())}
    frame = pd.DataFrame({ctx.tr("data.sample.n"): list(counts.values())},
                         index=[ctx.tr(f"data.sample.{key}") for key in counts])
    frame.index.name = ""
    ctx.values["sample"] = dict(counts)
    ctx.values["exclusions"] = _exclusion_counts(excluded)
    from alliance_stats.core.i18n import fmt_number

    def cut(value: float) -> str:  # French: decimal comma; English: the plan's number as written
        return fmt_number(value, "f1", "fr") if lang == "fr" else str(value)

    note = ctx.tr("data.sample.note", rules=_rules_text(plan.exclusions, lang), kind=plan.outcome.kind,
                  aware=cut(plan.outcome.aware_cut), transf=cut(plan.outcome.transf_cut))
    ctx.add_table(section, _table("sample", ctx.tr("data.sample.title"), frame, note,
                                  {frame.columns[0]: "int"}, lang))
    if len(excluded):
        ctx.add_table(section, _exclusions_table(ctx, excluded, flags))
    for stage in ("data", "exclusions", "scoring", "dyads"):
        ctx.stage_warnings(section, stage)
    return {"section": section, "responses": kept, "items": items, "scores": scores, "dyads": dyads,
            "dyad_table": table, "firms": firms, "check": check}


def _exclusions_table(ctx: RunContext, excluded: Any, flags: Any) -> Any:
    """Excluded respondents: data row, the rules they broke (in the report language) and the indices as numbers,
    so that the report layer formats them (decimal comma in French) instead of an English sentence."""
    import pandas as pd

    rules = ctx.plan.exclusions
    frame = pd.DataFrame(index=excluded.index)
    frame.index.name = "resp_id"
    row, reasons = ctx.tr("data.exclusion.row"), ctx.tr("data.exclusion.reasons")
    frame[row] = excluded["row"].astype(int)
    frame[reasons] = [", ".join(ctx.tr(f"data.exclusion.rule.{rule.strip()}") if _known_rule(rule.strip())
                                else rule.strip() for rule in str(ids).split(",") if rule.strip())
                      for ids in excluded["rules"]]
    formats = {row: "int", reasons: "text"}
    shown = flags.reindex(excluded.index)
    columns = [("max_longstring", "longstring", "int"), ("min_irv", "irv", "f2"),
               ("mahalanobis_p", "mahalanobis_d2", "f1"), ("mahalanobis_p", "mahalanobis_p", "p"),
               ("min_evenodd", "evenodd", "f2"), ("max_missing_share", "missing_share", "pct")]
    for rule, column, spec in columns:
        if getattr(rules, rule) is not None and column in shown.columns:
            header = ctx.tr(f"data.exclusion.col.{column}")
            frame[header] = pd.to_numeric(shown[column], errors="coerce").to_numpy(dtype=float)
            formats[header] = spec
    return _table("exclusions", ctx.tr("data.exclusion.title"), frame,
                  ctx.tr("data.exclusion.note", rules=_rules_text(rules, ctx.lang)), formats, ctx.lang)


def _exclusion_counts(excluded: Any) -> dict[str, int]:
    """Respondents excluded per rule id (a respondent who broke two rules counts under both), for the summary."""
    counts: dict[str, int] = {}
    for ids in excluded.get("rules", []):
        for rule in str(ids).split(","):
            if rule.strip():
                counts[rule.strip()] = counts.get(rule.strip(), 0) + 1
    return counts


def _known_rule(rule: str) -> bool:
    from alliance_stats.core.i18n import LABELS

    return f"data.exclusion.rule.{rule}" in LABELS


def _rules_text(rules: ExclusionRules, lang: str) -> str:
    from alliance_stats.core.i18n import tr

    parts = []
    if rules.fail_attention:
        parts.append(tr("data.rules_text.attention", lang))
    if rules.max_longstring is not None:
        parts.append(f"longstring > {rules.max_longstring}")
    if rules.min_irv is not None:
        parts.append(f"IRV < {rules.min_irv}".replace(".", "," if lang == "fr" else "."))
    if rules.mahalanobis_p is not None:
        parts.append(f"Mahalanobis p < {rules.mahalanobis_p}".replace(".", "," if lang == "fr" else "."))
    if rules.min_evenodd is not None:
        value = str(rules.min_evenodd).replace(".", ",") if lang == "fr" else str(rules.min_evenodd)
        parts.append(tr("data.rules_text.evenodd", lang).format(value=value))
    if rules.max_missing_share is not None:
        parts.append(tr("data.rules_text.missing", lang).format(share=f"{rules.max_missing_share:.0%}"))
    return ", ".join(parts) if parts else tr("data.rules_text.none", lang)
