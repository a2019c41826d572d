"""Report section: the instrument, and its exports copied into the run folder.
"""

from __future__ import annotations

from typing import Any

from alliance_stats.plan.context import EXPORT_EXTENSIONS, RunContext, _table


def _section_instrument(ctx: RunContext) -> Any:
    """The paper's four cases classified by the crisp rule; the instrument's constructs."""
    import pandas as pd

    from alliance_stats.core.i18n import tr
    from alliance_stats.typology.classification import classify
    from alliance_stats.typology.fuzzy import fuzzy_membership

    plan, inst, lang = ctx.plan, ctx.instrument, ctx.lang
    section = ctx.section("instrument", ctx.t("Instrument et cas de l'article", "Instrument and the paper's cases"))
    scale = inst.scales[inst.constructs[inst.construct_codes()[0]].scale]
    rows = []
    for code in inst.construct_codes():
        c = inst.constructs[code]
        n_items = len(inst.items(code))
        level = {"dyad": ctx.t("dyade", "dyad"), "firm": ctx.t("entreprise", "firm")}.get(c.level, c.level)
        rows.append({"code": code, "label": c.label[lang], "level": level, "items": n_items,
                     "reverse": sum(1 for v in inst.items(code) if v.reverse)})
    frame = pd.DataFrame(rows).set_index("code")
    headers = {"label": ctx.t("Construit", "Construct"), "level": ctx.t("Niveau", "Level"),
               "items": ctx.t("Items", "Items"), "reverse": ctx.t("Items inversés", "Reverse-keyed items")}
    frame = frame.rename(columns=headers)
    frame.index.name = "Code"
    ctx.add_table(section, _table("constructs", ctx.t("Construits de l'instrument", "Constructs of the instrument"),
                                  frame, ctx.t(f"Échelle de réponse en {scale.n_options} points, libellée en "
                                               "français et en anglais.",
                                               f"{scale.n_options}-point response scale labelled in French and "
                                               "English."),
                                  {headers["label"]: "text", headers["level"]: "text", headers["items"]: "int",
                                   headers["reverse"]: "int"}, lang))
    if plan.seed_cases:
        path = plan.resolve(plan.seed_cases)
        cases = pd.read_csv(path)
        dyad_cases = cases.drop_duplicates("dyad_id").set_index("dyad_id")
        crisp = classify(dyad_cases, cut="midpoint")
        fuzzy = fuzzy_membership(dyad_cases)
        out = pd.DataFrame({
            ctx.t("Configuration selon l'article", "Configuration in the paper"):
                [tr(str(x), lang) for x in dyad_cases["configuration"]],
            ctx.t("Règle nette", "Crisp rule"): [tr(str(x), lang) for x in crisp],
            ctx.t("Appartenance floue maximale", "Highest fuzzy membership"):
                [tr(str(fuzzy.loc[i, ["entraide", "parrainage", "survie", "contre_nature"]].astype(float).idxmax()),
                    lang) for i in dyad_cases.index],
        }, index=dyad_cases.index)
        out.index.name = ctx.t("Cas", "Case")
        ctx.values["seed_cases"] = {str(i): str(c) for i, c in zip(dyad_cases.index, crisp, strict=True)}
        ctx.values["seed_cases_match"] = bool((crisp.astype(str).to_numpy()
                                               == dyad_cases["configuration"].astype(str).to_numpy()).all())
        ctx.add_table(section, _table(
            "seed_cases", ctx.t("Les quatre cas de l'article classés par la règle", "The paper's four cases "
                                "classified by the rule"), out,
            ctx.t("Codage qualitatif de l'article porté sur l'échelle 1-7 (voir surveys/seed_cases.md).",
                  "The paper's qualitative coding placed on the 1-7 scale (see surveys/seed_cases.md)."),
            {c: "text" for c in out.columns}, lang))
    return section


def _instrument_files(ctx: RunContext) -> dict[str, bytes]:
    from alliance_stats.instrument.export import export_instrument

    files = {}
    stem = "alliance_startup"
    for fmt in ctx.plan.exports:
        lang = "both" if fmt not in ("html", "markdown") else ctx.lang
        files[f"instrument/{stem}_{fmt}.{EXPORT_EXTENSIONS[fmt]}"] = export_instrument(ctx.instrument, fmt, lang)
    return files

