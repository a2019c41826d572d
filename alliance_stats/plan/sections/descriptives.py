"""Report section: sample profile and the APA descriptives and correlations tables (firm and dyad level).

The firm level is every respondent kept (each answers for one firm): construct scores and the models' controls.
The dyad level is every dyad: the dyad scores (mean of the two partners) and the dependence asymmetry. Means and
SDs, Pearson correlations with * p < .05 and ** p < .01 (two-sided), Cronbach's alpha of each scale in
parentheses on the diagonal (from the reliability table: ``values["reliability"]``).
"""

from __future__ import annotations

from typing import Any

from alliance_stats.core.format import format_cell
from alliance_stats.plan.context import RunContext, _table

#: Category variables of the sample profile (when the instrument has them) and numeric ones.
PROFILE_CATEGORIES = ("SECTOR", "LANG", "role")
PROFILE_NUMBERS = ("EMPLOYEES", "firm_age", "FOUNDER_AGE", "FOUNDER_EXPERIENCE")


def _firm_age(frame: Any) -> Any:
    import pandas as pd

    return (pd.to_numeric(frame["ALLIANCE_START_YEAR"], errors="coerce")
            - pd.to_numeric(frame["FOUNDING_YEAR"], errors="coerce"))


def _code(value: Any) -> Any:
    """A category code as the instrument writes it: ``3``, ``3.0`` and ``"3"`` are ``"3"``; missing stays None."""
    if value is None or value != value:
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        return str(value)
    return str(int(number)) if number.is_integer() else str(value)


def _profile_table(ctx: RunContext, responses: Any) -> Any:
    """Respondents (firms) by sector, questionnaire language and partner role; size, age and experience."""
    import pandas as pd

    inst, lang = ctx.instrument, ctx.lang
    rows: dict[str, dict[str, float]] = {}
    names = set(inst.variable_names())
    for name in PROFILE_CATEGORIES:
        if name not in names or name not in responses:
            continue
        labels = inst.value_labels(name)
        counts = responses[name].map(_code).value_counts(dropna=True)
        total = int(counts.sum())
        for code, label in labels.items():
            n = int(counts.get(str(code), 0))
            rows[f"{ctx.tr(f'plan.descriptives.var.{name}')}: {label[lang]}"] = {"n": n, "pct": n / total if total
                                                                                else float("nan")}
    numbers = responses.copy()
    if "ALLIANCE_START_YEAR" in numbers and "FOUNDING_YEAR" in numbers:
        numbers["firm_age"] = _firm_age(numbers)
    for name in PROFILE_NUMBERS:
        if name in numbers:
            x = pd.to_numeric(numbers[name], errors="coerce")
            rows[ctx.tr(f"plan.descriptives.var.{name}")] = {"n": int(x.notna().sum()), "mean": float(x.mean()),
                                                             "sd": float(x.std(ddof=1))}
    frame = pd.DataFrame.from_dict(rows, orient="index").reindex(columns=["n", "pct", "mean", "sd"])
    frame["pct"] = 100 * frame["pct"]
    headers = {"n": "n", "pct": "%", "mean": "M", "sd": ctx.tr("plan.descriptives.sd")}
    frame = frame.rename(columns=headers)
    frame.index.name = ""
    ctx.values["sample_profile"] = {str(k): {c: (None if v != v else v) for c, v in r.items()}
                                    for k, r in rows.items()}
    return _table("sample_profile", ctx.tr("plan.descriptives.profile_title"), frame,
                  ctx.tr("plan.descriptives.profile_note", n=len(responses)),
                  {"n": "int", "%": "f1", "M": "f1", headers["sd"]: "f1"}, lang)


def _controls(ctx: RunContext, frame: Any) -> list[str]:
    """The models' numeric predictors that are not scores: the controls (in plan order, once each)."""
    out: list[str] = []
    for spec in ctx.plan.models.values():
        for name in spec.predictors:
            if name in frame and name not in spec.categorical and name not in out:
                out.append(name)
    return out


def _marks(p: float) -> str:
    return "**" if p < 0.01 else "*" if p < 0.05 else ""


def correlation_frame(desc: Any, labels: dict[str, str], alphas: dict[str, float | None], lang: str) -> Any:
    """The APA table frame: M, SD, then the lower triangle of r (with marks) and alphas in parentheses.

    Parameters
    ----------
    desc
        :class:`alliance_stats.data.descriptives.Descriptives`.
    labels
        Column -> row label.
    alphas
        Column -> alpha shown on the diagonal (missing: a dash).
    lang
        ``"fr"`` or ``"en"``.

    Returns
    -------
    DataFrame
        Text cells for the correlations, numbers for M and SD.
    """
    import pandas as pd

    columns = list(desc.r.columns)
    frame = pd.DataFrame(index=[f"{i + 1}. {labels[c]}" for i, c in enumerate(columns)])
    frame["M"] = desc.summary["mean"].to_numpy(dtype=float)
    frame["SD"] = desc.summary["sd"].to_numpy(dtype=float)
    for j, cj in enumerate(columns):
        cells = []
        for i, ci in enumerate(columns):
            if i == j:
                alpha = alphas.get(ci)
                cells.append(f"({format_cell(alpha, 'r2', lang)})" if alpha is not None else "—")
            elif i > j:
                r, p = desc.r.loc[ci, cj], desc.p.loc[ci, cj]
                cells.append("" if r != r else format_cell(r, "r2", lang) + _marks(p))
            else:
                cells.append("")
        frame[str(j + 1)] = cells
    frame.index.name = ""
    return frame


def _correlations(ctx: RunContext, key: str, data: Any, labels: dict[str, str], alphas: dict[str, Any],
                  unit: str) -> Any:
    from alliance_stats.data.descriptives import describe_correlate

    desc = ctx.log.run("descriptives", describe_correlate, data)
    ctx.values.setdefault("descriptives", {})[unit] = {**desc.to_dict(), "alpha": alphas}
    frame = correlation_frame(desc, labels, alphas, ctx.lang)
    sd = ctx.tr("plan.descriptives.sd")
    frame = frame.rename(columns={"SD": sd})
    n = desc.n.to_numpy()
    note = ctx.tr(f"plan.descriptives.note_{unit}", n=len(data), low=int(n.min()), high=int(n.max()))
    formats = {"M": "f2", sd: "f2", **{c: "text" for c in frame.columns[2:]}}
    return _table(key, ctx.tr(f"plan.descriptives.title_{unit}"), frame, note, formats, ctx.lang)


def _section_descriptives(ctx: RunContext, prep: dict[str, Any]) -> Any:
    """Sample profile; descriptives and correlations at firm and at dyad level (after the measurement section,
    whose alphas fill the diagonals)."""
    from alliance_stats.core.i18n import LABELS, tr
    from alliance_stats.data.dyads import dyad_column

    inst, lang = ctx.instrument, ctx.lang
    section = ctx.section("descriptives", ctx.tr("plan.descriptives.title"))
    responses, scores = prep["responses"], prep["scores"]
    ctx.add_table(section, _profile_table(ctx, responses))
    reliability = ctx.values.get("reliability") or {}
    codes = [c for c in inst.construct_codes() if c in scores]
    firm = scores[codes].copy()
    keyed = responses.set_index("resp_id") if "resp_id" in responses and scores.index.name == "resp_id" else responses
    extra = keyed.reindex(scores.index)
    if "ALLIANCE_START_YEAR" in extra and "FOUNDING_YEAR" in extra:
        extra = extra.assign(firm_age=_firm_age(extra))
    controls = _controls(ctx, extra)
    for name in controls:
        firm[name] = extra[name]
    labels = {c: f"{inst.constructs[c].label[lang]} ({c})" for c in codes}
    labels.update({c: tr(c, lang) if c in LABELS else c for c in controls})
    alphas = {c: (reliability.get(c) or {}).get("alpha") for c in firm.columns}
    ctx.add_table(section, _correlations(ctx, "correlations_firm", firm, labels, alphas, "firm"))
    table = prep["dyad_table"]
    dyad_codes = [c for c in codes if inst.constructs[c].level == "dyad" and dyad_column(c) in table]
    dyad = table[[dyad_column(c) for c in dyad_codes]].copy()
    if "dep_asymmetry" in table:
        dyad["dep_asymmetry"] = table["dep_asymmetry"]
    d_labels = {dyad_column(c): f"{inst.constructs[c].label[lang]} ({dyad_column(c)})" for c in dyad_codes}
    d_labels["dep_asymmetry"] = tr("dep_asymmetry", lang) if "dep_asymmetry" in LABELS else "dep_asymmetry"
    d_alphas = {dyad_column(c): (reliability.get(c) or {}).get("alpha") for c in dyad_codes}
    d_alphas["dep_asymmetry"] = None
    ctx.add_table(section, _correlations(ctx, "correlations_dyad", dyad, d_labels, d_alphas, "dyad"))
    ctx.stage_warnings(section, "descriptives")
    return section
