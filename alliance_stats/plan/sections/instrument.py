"""Report section: the instrument, and its exports copied into the run folder.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from alliance_stats.plan.context import EXPORT_EXTENSIONS, RunContext, _table


def _section_instrument(ctx: RunContext) -> Any:
    """The instrument's constructs; the paper's four cases classified by the crisp rule."""
    import pandas as pd

    plan, inst, lang = ctx.plan, ctx.instrument, ctx.lang
    section = ctx.section("instrument", ctx.tr("instrument.section.title"))
    scale = inst.scales[inst.constructs[inst.construct_codes()[0]].scale]
    rows = []
    for code in inst.construct_codes():
        c = inst.constructs[code]
        level = ctx.tr(f"instrument.level.{c.level}") if c.level in ("dyad", "firm") else c.level
        rows.append({"code": code, "label": c.label[lang], "level": level, "items": len(inst.items(code)),
                     "reverse": sum(1 for v in inst.items(code) if v.reverse)})
    frame = pd.DataFrame(rows).set_index("code")
    headers = {key: ctx.tr(f"instrument.constructs.{key}") for key in ("label", "level", "items", "reverse")}
    frame = frame.rename(columns=headers)
    frame.index.name = "Code"
    ctx.add_table(section, _table("constructs", ctx.tr("instrument.constructs.title"), frame,
                                  ctx.tr("instrument.constructs.note", n=scale.n_options),
                                  {headers["label"]: "text", headers["level"]: "text", headers["items"]: "int",
                                   headers["reverse"]: "int"}, lang))
    if plan.seed_cases:
        ctx.add_table(section, _seed_cases_table(ctx, plan.resolve(plan.seed_cases)))
    return section


def _seed_cases_table(ctx: RunContext, path: Any) -> Any:
    """The paper's four cases classified by the crisp rule and by the highest fuzzy membership."""
    import pandas as pd

    from alliance_stats.core.i18n import tr
    from alliance_stats.typology.classification import classify
    from alliance_stats.typology.fuzzy import fuzzy_membership

    lang = ctx.lang
    cases = pd.read_csv(path)
    dyad_cases = cases.drop_duplicates("dyad_id").set_index("dyad_id")
    crisp = classify(dyad_cases, cut="midpoint")
    fuzzy = fuzzy_membership(dyad_cases)
    out = pd.DataFrame({
        ctx.tr("instrument.seed_cases.paper"): [tr(str(x), lang) for x in dyad_cases["configuration"]],
        ctx.tr("instrument.seed_cases.crisp"): [tr(str(x), lang) for x in crisp],
        ctx.tr("instrument.seed_cases.fuzzy"):
            [tr(str(fuzzy.loc[i, ["entraide", "parrainage", "survie", "contre_nature"]].astype(float).idxmax()),
                lang) for i in dyad_cases.index],
    }, index=dyad_cases.index)
    out.index.name = ctx.tr("instrument.seed_cases.case")
    ctx.values["seed_cases"] = {str(i): str(c) for i, c in zip(dyad_cases.index, crisp, strict=True)}
    ctx.values["seed_cases_match"] = bool((crisp.astype(str).to_numpy()
                                           == dyad_cases["configuration"].astype(str).to_numpy()).all())
    return _table("seed_cases", ctx.tr("instrument.seed_cases.title"), out, ctx.tr("instrument.seed_cases.note"),
                  {c: "text" for c in out.columns}, lang)


def _instrument_files(ctx: RunContext, formats: Sequence[str] | None = None) -> dict[str, bytes]:
    """The instrument's files in the plan's export formats (or in ``formats`` only): ``{path: bytes}``."""
    from alliance_stats.instrument.export import export_instrument

    files = {}
    stem = "alliance_startup"
    for fmt in ctx.plan.exports if formats is None else formats:
        # survey-tool files carry both languages; printouts and the SPSS file (one label set per variable) are in
        # the report's language, so that an English report comes with English SPSS labels
        lang = ctx.lang if fmt in ("html", "markdown", "sav") else "both"
        files[f"instrument/{stem}_{fmt}.{EXPORT_EXTENSIONS[fmt]}"] = export_instrument(ctx.instrument, fmt, lang)
    return files

