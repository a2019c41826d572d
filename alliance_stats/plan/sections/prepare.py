"""Data preparation: check, careless-responding exclusions, scoring, dyads, firms at risk.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from alliance_stats.data.quality import ExclusionRules
from alliance_stats.plan.context import RunContext, _table
from alliance_stats.plan.sections.typology import _link_scale


def _prepare(ctx: RunContext, responses: Any, data_path: Path) -> dict[str, Any]:
    """Check, exclusions, scoring, dyads, firms at risk, classification; the sample section."""
    import pandas as pd

    from alliance_stats.core.errors import DataError
    from alliance_stats.data import build_dyads, check_responses, firms_at_risk, score_responses
    from alliance_stats.data.quality import apply_exclusions, careless_flags
    from alliance_stats.data.scoring import CrossedDefinition, clean_items
    from alliance_stats.typology.classification import classify

    plan, inst, lang = ctx.plan, ctx.instrument, ctx.lang
    check = check_responses(responses, inst, file=str(data_path))
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

    # ---- sample section
    section = ctx.section("sample", ctx.t("Échantillon", "Sample"))
    n_resp = len(responses)
    complete = int((table["n_partners"] == 2).sum()) if "n_partners" in table else len(table)
    events = firms["crossed"]
    rows = [
        ("respondents", ctx.t("Répondants (fichier)", "Respondents (file)"), n_resp),
        ("excluded", ctx.t("Répondants exclus (réponses négligentes)", "Respondents excluded (careless)"),
         len(excluded)),
        ("kept", ctx.t("Répondants retenus", "Respondents kept"), len(kept)),
        ("dyads", ctx.t("Dyades (alliances)", "Dyads (alliances)"), len(table)),
        ("dyads_complete", ctx.t("Dyades avec les deux partenaires", "Dyads with both partners"), complete),
        ("firms_at_risk", ctx.t("Entreprises en démarrage au début de l'alliance",
                                "Firms in their start-up phase when the alliance began"), len(firms)),
        ("crossed", ctx.t("dont cap du démarrage franchi", "of which crossed the start-up phase"),
         int((events == 1).sum())),
        ("crossed_unknown", ctx.t("dont franchissement indéterminé (réponses manquantes)",
                                  "of which crossing undetermined (missing answers)"), int(events.isna().sum())),
    ]
    frame = pd.DataFrame({ctx.t("n", "n"): [r[2] for r in rows]}, index=[r[1] for r in rows])
    frame.index.name = ""
    ctx.values["sample"] = {r[0]: r[2] for r in rows}
    from alliance_stats.core.i18n import fmt_number

    note = ctx.t(
        f"Règles d'exclusion du plan : {_rules_text(plan.exclusions, 'fr')}. Le franchissement suit la définition "
        f"« {plan.outcome.kind} » (seuils AWARE {fmt_number(plan.outcome.aware_cut, 'f1', 'fr')}, "
        f"TRANSF {fmt_number(plan.outcome.transf_cut, 'f1', 'fr')}).",
        f"Exclusion rules of the plan: {_rules_text(plan.exclusions, 'en')}. Crossing follows the "
        f"'{plan.outcome.kind}' definition (cuts AWARE {plan.outcome.aware_cut}, TRANSF {plan.outcome.transf_cut}).",
    )
    ctx.add_table(section, _table("sample", ctx.t("Échantillon", "Sample"), frame, note,
                                  {frame.columns[0]: "int"}, lang))
    if len(excluded):
        ctx.add_table(section, _exclusions_table(ctx, excluded, flags))
    for stage in ("data", "exclusions", "scoring", "dyads"):
        ctx.stage_warnings(section, stage)
    return {"section": section, "responses": kept, "items": items, "scores": scores, "dyads": dyads,
            "dyad_table": table, "firms": firms, "check": check}


#: Labels of the exclusion rule ids of :func:`alliance_stats.data.quality.apply_exclusions` (fr, en).
EXCLUSION_RULE_LABELS = {
    "longstring": ("longstring", "longstring"), "irv": ("IRV", "IRV"), "mahalanobis": ("Mahalanobis", "Mahalanobis"),
    "evenodd": ("cohérence pair-impair", "even-odd consistency"),
    "attention": ("item d'attention échoué", "attention item failed"),
    "missing": ("items manquants", "items missing"), "partner": ("partenaire exclu", "partner excluded"),
}


def _exclusions_table(ctx: RunContext, excluded: Any, flags: Any) -> Any:
    """Excluded respondents: data row, the rules they broke (in the report language) and the indices as numbers,
    so that the report layer formats them (decimal comma in French) instead of an English sentence."""
    import pandas as pd

    rules = ctx.plan.exclusions
    frame = pd.DataFrame(index=excluded.index)
    frame.index.name = "resp_id"
    row, reasons = ctx.t("Ligne", "Row"), ctx.t("Motifs", "Reasons")
    frame[row] = excluded["row"].astype(int)
    language = 0 if ctx.lang == "fr" else 1
    frame[reasons] = [", ".join(EXCLUSION_RULE_LABELS.get(rule.strip(), (rule.strip(),) * 2)[language]
                                for rule in str(ids).split(",") if rule.strip()) for ids in excluded["rules"]]
    formats = {row: "int", reasons: "text"}
    shown = flags.reindex(excluded.index)
    columns = [("max_longstring", "longstring", "Longstring", "Longstring", "int"),
               ("min_irv", "irv", "IRV", "IRV", "f2"),
               ("mahalanobis_p", "mahalanobis_d2", "Mahalanobis D²", "Mahalanobis D²", "f1"),
               ("mahalanobis_p", "mahalanobis_p", "p (Mahalanobis)", "p (Mahalanobis)", "p"),
               ("min_evenodd", "evenodd", "Pair-impair", "Even-odd", "f2"),
               ("max_missing_share", "missing_share", "% manquants", "% missing", "pct")]
    for rule, column, fr, en, spec in columns:
        if getattr(rules, rule) is not None and column in shown.columns:
            frame[ctx.t(fr, en)] = pd.to_numeric(shown[column], errors="coerce").to_numpy(dtype=float)
            formats[ctx.t(fr, en)] = spec
    return _table("exclusions", ctx.t("Répondants exclus et motifs", "Excluded respondents and reasons"), frame,
                  ctx.t(f"resp_id : identifiant pseudonyme. Règles : {_rules_text(rules, 'fr')}.",
                        f"resp_id: pseudonymous identifier. Rules: {_rules_text(rules, 'en')}."), formats, ctx.lang)


def _rules_text(rules: ExclusionRules, lang: str) -> str:
    parts = []
    if rules.fail_attention:
        parts.append("item d'attention échoué" if lang == "fr" else "failed attention item")
    if rules.max_longstring is not None:
        parts.append(f"longstring > {rules.max_longstring}")
    if rules.min_irv is not None:
        parts.append(f"IRV < {rules.min_irv}".replace(".", "," if lang == "fr" else "."))
    if rules.mahalanobis_p is not None:
        parts.append(f"Mahalanobis p < {rules.mahalanobis_p}".replace(".", "," if lang == "fr" else "."))
    if rules.min_evenodd is not None:
        parts.append(f"cohérence pair-impair < {str(rules.min_evenodd).replace('.', ',')}" if lang == "fr"
                     else f"even-odd < {rules.min_evenodd}")
    if rules.max_missing_share is not None:
        share = f"{rules.max_missing_share:.0%}"
        parts.append(f"> {share} d'items manquants" if lang == "fr" else f"> {share} of items missing")
    return ", ".join(parts) if parts else ("aucune" if lang == "fr" else "none")

