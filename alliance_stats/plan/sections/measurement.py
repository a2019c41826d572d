"""Report section: scale validation (items, reliability, EFA, CFA, validity, invariance).

Only calls the measurement stage and its tables; the text is in ``core/catalogue/measurement.py``. The stage
is imported inside the functions, as in the other sections, so that importing the runner stays light.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import Any

from alliance_stats.plan.context import RunContext, _figure, _rendered_figure, rendered_figure, take

_ORDINAL = ("WLSMV", "DWLS", "ULSMV")  # the ordinal route of measurement.cfa (polychoric correlations)


def _cfa_syntax(instrument: Any, codes: list[str]) -> str:
    return "\n".join(f"{code} =~ " + " + ".join(v.name for v in instrument.items(code)) for code in codes)


def _section_measurement(ctx: RunContext, prep: dict[str, Any]) -> Any:
    """Item statistics, reliability, EFA diagnostics, CFA, discriminant validity, agreement."""

    plan, inst = ctx.plan, ctx.instrument
    items: Any = prep["items"]
    section = ctx.section("measurement", ctx.tr("measurement.section.title"))
    codes = list(plan.measurement.cfa_constructs or inst.construct_codes())
    fit, model, has_missing = _scales_and_cfa(ctx, section, items, codes)
    parallel = _factorability(ctx, section, items, codes)
    _cfa_and_validity(ctx, section, prep, fit, model, has_missing)
    _figures(ctx, section, prep, parallel)
    ctx.values["cfa_fit"] = dict(fit.fit) if fit is not None else None
    ctx.stage_warnings(section, "measurement")
    prep["cfa"] = fit
    return section


def _scales_and_cfa(ctx: RunContext, section: Any, items: Any, codes: list[str]) -> tuple[Any, str, bool]:
    """Item statistics, alpha per construct, the CFA, and the reliability and convergent validity table."""
    from alliance_stats import measurement

    plan, inst, lang = ctx.plan, ctx.instrument, ctx.lang
    # item statistics (reverse-keyed items already reversed)
    analyses = {code: ctx.log.run("measurement", measurement.item_analysis, items[[v.name for v in inst.items(code)]])
                for code in codes}
    ctx.add_table(section, measurement.construct_item_table(analyses, inst.reverse_keyed_items(), lang))
    alphas = {}
    for code in codes:
        names = [v.name for v in inst.items(code)]
        alphas[code] = ctx.log.run("measurement", measurement.cronbach_alpha, items[names],
                                   ci=plan.measurement.alpha_ci, n_boot=plan.measurement.n_boot,
                                   seed=ctx.seeds["alpha"])
    model = _cfa_syntax(inst, codes)
    has_missing = bool(items[[v.name for c in codes for v in inst.items(c)]].isna().any().any())

    def missing_for(estimator: str) -> str:  # ML and MLR: full information; MLM needs complete cases
        if estimator in _ORDINAL:  # the ordinal route: pairwise polychoric correlations
            return "pairwise" if has_missing else "listwise"
        return "fiml" if has_missing and estimator != "MLM" else "listwise"

    fit = _with_ml_fallback(ctx, "CFA", "the CFA", plan.measurement.estimator,
                            lambda estimator: measurement.cfa(items, model, missing=missing_for(estimator),
                                                              estimator=estimator))
    ctx.values["cfa_missing"] = fit.missing if fit is not None else missing_for("ML")
    validity = measurement.convergent_validity_frame(alphas, fit)
    for code, row in validity.iterrows():
        for message in measurement.convergent_validity_warnings(str(code), row.to_dict()):
            ctx.log.add("measurement", message, "AnalysisWarning")
    labels = {c: inst.constructs[c].label[lang] for c in codes}
    ctx.values["reliability"] = {  # machine-readable, for the summary and the descriptives' diagonal
        str(code): {**{k: (None if v != v else float(v)) for k, v in row.items() if isinstance(v, float | int)},
                    "label_fr": inst.constructs[code].label["fr"], "label_en": inst.constructs[code].label["en"]}
        for code, row in validity.iterrows()}
    ctx.add_table(section, measurement.reliability_validity_table(validity, labels, plan.measurement.alpha_ci, lang))
    if fit is not None and fit.estimator in _ORDINAL:
        _ordinal_reliability(ctx, section, items, codes, fit)
    return fit, model, has_missing


def _ordinal_reliability(ctx: RunContext, section: Any, items: Any, codes: list[str], fit: Any) -> None:
    """The ordinal route's reliability: ordinal alpha (alpha on the polychoric matrix) and categorical omega."""
    from alliance_stats.measurement.cfa.wls_tables import ordinal_reliability_table
    from alliance_stats.measurement.ordinal import ordinal_alpha

    inst = ctx.instrument
    alphas = {code: ctx.log.attempt("measurement", f"ordinal alpha ({code})", ordinal_alpha,
                                    items[[v.name for v in inst.items(code)]]) for code in codes}
    labels = {c: inst.constructs[c].label[ctx.lang] for c in codes}
    ctx.add_table(section, ordinal_reliability_table(alphas, fit, labels, ctx.lang))


def _factorability(ctx: RunContext, section: Any, items: Any, codes: list[str]) -> Any:
    """KMO, Bartlett and parallel analysis on all construct items (pairwise correlations, psych's default:
    rows with a missing answer still count); keeps the parallel analysis for the scree plot."""
    from alliance_stats import measurement

    plan, inst = ctx.plan, ctx.instrument
    all_items = items[[v.name for c in codes for v in inst.items(c)]].dropna(how="all")
    k_res = ctx.log.attempt("measurement", "KMO", measurement.kmo, all_items)
    b_res = ctx.log.attempt("measurement", "Bartlett's test", measurement.bartlett_sphericity, all_items)
    pa = ctx.log.attempt("measurement", "Parallel analysis", measurement.parallel_analysis,
                         all_items, n_iter=plan.measurement.parallel_iter, seed=ctx.seeds["parallel"])
    ctx.add_table(section, measurement.factorability_table(
        k_res, b_res, pa, n_constructs=len(codes), n_obs=len(all_items), n_iter=plan.measurement.parallel_iter,
        lang=ctx.lang))
    return pa


def _ordinal_invariance(ctx: RunContext, data: Any, model: str, by: str, has_missing: bool) -> tuple[Any, str]:
    """The ordinal invariance table (or None) and the note on the categories merged beforehand."""
    from alliance_stats import measurement
    from alliance_stats.measurement.invariance_ordinal import merge_empty_categories
    from alliance_stats.measurement.syntax import parse_model

    estimator = ctx.plan.measurement.estimator
    items = list(parse_model(model).items)
    data = data[data[by].notna()]
    merged, merges = merge_empty_categories(data, items, by)
    for item, code, target, group in merges:
        ctx.log.add("measurement", f"ordinal invariance across {by}: category {code} of {item} is empty in group "
                                   f"{group!r}; merged with category {target} in every group")
    table = ctx.log.attempt(
        "measurement", f"Measurement invariance across {by} ({estimator})", measurement.invariance, merged, model,
        by, missing="pairwise" if has_missing else "listwise", estimator=estimator)
    note = ""
    if table is not None and merges:
        parts = [f"{item} {code}→{target} ({group})" for item, code, target, group in merges]
        shown = "; ".join(parts) if len(parts) <= 8 else "; ".join(parts[:8]) + f"; … (+{len(parts) - 8})"
        note = ctx.tr("measurement.ordinal_cfa.invariance_collapsed").format(items=shown)
    return table, note


def _cfa_and_validity(ctx: RunContext, section: Any, prep: dict[str, Any], fit: Any, model: str,
                      has_missing: bool) -> None:
    """CFA fit and loadings, invariance, Fornell-Larcker and HTMT with their warnings, dyad agreement."""
    from alliance_stats import measurement

    plan, lang = ctx.plan, ctx.lang
    fl = None
    if fit is not None:
        cfa_tables = fit.to_tables(lang)
        for key in ("cfa_fit", "cfa_loadings"):
            ctx.add_table(section, cfa_tables[key])
        fl = ctx.log.run("measurement", measurement.fornell_larcker, fit)
    if plan.measurement.invariance_by is not None and fit is not None:
        _invariance_table(ctx, section, prep, model, has_missing)
    if fit is not None and fit.estimator in _ORDINAL:  # the ordinal route: HTMT on the polychoric matrix
        ht: Any = ctx.log.attempt("measurement", "HTMT", measurement.htmt, None, model,
                             correlation=fit.sample["all"]["cov"])
    else:
        ht = ctx.log.attempt("measurement", "HTMT", measurement.htmt, prep["items"], model)
    if fl is not None and ht is not None:
        for message in measurement.discriminant_validity_warnings(fl, ht):
            ctx.log.add("measurement", message, "AnalysisWarning")
    ordinal = fit is not None and fit.estimator in _ORDINAL
    for result in (fl, ht):
        if result is not None:
            for table in result.to_tables(lang).values():
                if ordinal and result is ht:  # say which correlations the HTMT used
                    table = replace(table, note=table.note + " " + ctx.tr("measurement.ordinal_cfa.htmt_route"))
                ctx.add_table(section, table)
    ctx.add_table(section, prep["dyads"].to_tables(lang)["dyad_agreement"])


def _codes(ctx: RunContext) -> list[str]:
    """The constructs of the CFA (the plan's ``cfa_constructs``, else every construct of the instrument)."""
    return list(ctx.plan.measurement.cfa_constructs or ctx.instrument.construct_codes())


def _likert_groups(ctx: RunContext) -> list[list[str]]:
    """The constructs of each Likert figure: six per figure."""
    codes = _codes(ctx)
    return [group for group in (codes[:6], codes[6:]) if group]


def _likert_figure(ctx: RunContext, prep: dict[str, Any], number: int) -> Callable[[], Any]:
    """Likert figure ``number`` (0, 1) of the constructs, rendered (a job of the run's second lane)."""

    def render() -> Any:
        from alliance_stats.report import likert_diverging_bars

        group = _likert_groups(ctx)[number]
        return rendered_figure(likert_diverging_bars(prep["responses"], ctx.instrument, ctx.lang, constructs=group))

    return render


def lane_jobs(ctx: RunContext, prep: dict[str, Any]) -> dict[str, Callable[[], Any]]:
    """This section's computations that depend only on the prepared data: the Likert figures, the last one first
    (the main process draws, in order, those the worker has not begun)."""
    # The invariance steps stay in the main process: the worker's chain (cluster check, CMV, nesting, robustness
    # variants) is the longer one (benchmarks/bench_scale.py --jobs 2 prints the waits).
    return {f"likert_{number}": _likert_figure(ctx, prep, number)
            for number in reversed(range(len(_likert_groups(ctx))))}


def _figures(ctx: RunContext, section: Any, prep: dict[str, Any], pa: Any) -> None:
    from alliance_stats.report import scree_plot

    inst, lang = ctx.instrument, ctx.lang
    for number, group in enumerate(_likert_groups(ctx)):
        rendered = take(prep, f"likert_{number}", _likert_figure(ctx, prep, number))
        names = ", ".join(inst.constructs[c].label[lang] for c in group)
        _rendered_figure(section, f"likert_{group[0].lower()}", rendered,
                         ctx.tr("measurement.section.likert_caption_of", constructs=names))
    if pa is not None:
        eig = pa.eigenvalues.rename(columns={"fa_observed": "observed", "fa_simulated": "simulated"})[
            ["observed", "simulated"]]
        _figure(ctx, section, "scree", scree_plot(eig, lang, n_retained=pa.n_factors),
                ctx.tr("measurement.section.scree_caption"))


def _with_ml_fallback(ctx: RunContext, what: str, shown: str, estimator: str, fit: Callable[[str], Any]) -> Any:
    """``fit(estimator)`` through :meth:`WarningLog.attempt`; when a robust estimator is refused (e.g. a pilot
    too small for MLR), ``fit("ML")`` and a warning that says so. ``None`` when nothing could be computed."""
    result = ctx.log.attempt("measurement", what + (f" ({estimator})" if estimator != "ML" else ""), fit, estimator)
    if result is None and estimator != "ML":
        result = ctx.log.attempt("measurement", what, fit, "ML")
        if result is not None:
            ctx.log.add("measurement", f"{shown} is shown with ML instead of {estimator} (see the previous warning)")
    return result


def _invariance_table(ctx: RunContext, section: Any, prep: dict[str, Any], model: str, has_missing: bool) -> None:
    """Invariance of the CFA model across the plan's ``invariance_by`` variable, with a warning when a step loses
    more fit than Chen's (2007) limits. ML or MLR: configural, metric and scalar steps. With an ordinal estimator
    (WLSMV, DWLS, ULSMV): configural, thresholds, loadings and intercepts (Wu and Estabrook 2016) on the groups'
    polychoric statistics, categories empty in one group merged with their neighbour first; when that route
    cannot be computed, the MLR route with a note saying so."""
    from alliance_stats import measurement

    plan, lang = ctx.plan, ctx.lang
    by = str(plan.measurement.invariance_by)
    data = prep["items"].copy()
    data[by] = prep["responses"][by].to_numpy()
    label = ctx.instrument.variable(by).text[lang].lower()
    table, note = None, ""
    if plan.measurement.estimator in _ORDINAL:
        table, note = _ordinal_invariance(ctx, data, model, by, has_missing)
    if table is None:
        estimator = "ML" if plan.measurement.estimator == "ML" else "MLR"  # MLM has no multi-group version here
        missing = "fiml" if has_missing else "listwise"
        table = _with_ml_fallback(
            ctx, f"Measurement invariance across {by}", f"measurement invariance across {by}", estimator,
            lambda est: measurement.invariance(data, model, by, missing=missing, estimator=est))
        if table is not None and plan.measurement.estimator in _ORDINAL:  # say the ordinal route was not taken
            note = ctx.tr("measurement.ordinal_cfa.invariance_route").format(estimator=table.estimator)
    if table is None:
        return
    shown = replace(table, group_label=label).table("invariance", lang)
    if note:
        shown = replace(shown, note=shown.note + " " + note)
    ctx.add_table(section, shown)
    steps = table.steps
    for step in steps.index[1:]:
        d_cfi, d_rmsea = float(steps.loc[step, "delta_cfi"]), float(steps.loc[step, "delta_rmsea"])
        if d_cfi < -0.010 or d_rmsea > 0.015:
            ctx.log.add("measurement", f"{step} invariance across {by} is doubtful: CFI changes by {d_cfi:+.3f} "
                                       f"(limit -.010), RMSEA by {d_rmsea:+.3f} (limit +.015) (Chen 2007)")
