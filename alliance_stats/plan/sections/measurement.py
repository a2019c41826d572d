"""Report section: scale validation (items, reliability, EFA, CFA, validity, invariance).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from alliance_stats.plan.context import RunContext, _figure, _table


def _cfa_syntax(instrument: Any, codes: list[str]) -> str:
    return "\n".join(f"{code} =~ " + " + ".join(v.name for v in instrument.items(code)) for code in codes)


def _section_measurement(ctx: RunContext, prep: dict[str, Any]) -> Any:
    """Item statistics, reliability, EFA diagnostics, CFA, discriminant validity, agreement."""
    import numpy as np
    import pandas as pd

    from alliance_stats.measurement import (
        bartlett_sphericity,
        cfa,
        cronbach_alpha,
        fornell_larcker,
        htmt,
        item_analysis,
        kmo,
        parallel_analysis,
    )
    from alliance_stats.report import likert_diverging_bars, scree_plot

    plan, inst, lang = ctx.plan, ctx.instrument, ctx.lang
    items: pd.DataFrame = prep["items"]
    section = ctx.section("measurement", ctx.t("Validation des échelles", "Scale validation"))
    codes = list(plan.measurement.cfa_constructs or inst.construct_codes())

    # item statistics (reverse-keyed items already reversed)
    frames = []
    for code in codes:
        names = [v.name for v in inst.items(code)]
        stats_ = ctx.log.run("measurement", item_analysis, items[names])
        stats_.insert(0, "construct", code)
        frames.append(stats_)
    item_stats = pd.concat(frames)
    item_stats.index.name = "item"
    reversed_names = set(inst.reverse_items())
    item_stats.insert(1, "reverse", [("R" if name in reversed_names else "") for name in item_stats.index])
    headers = {"construct": ctx.t("Construit", "Construct"), "reverse": ctx.t("Inversé", "Reversed"),
               "n": "n", "mean": ctx.t("Moyenne", "Mean"), "sd": ctx.t("É.-T.", "SD"), "skew": ctx.t("Asymétrie",
               "Skew"), "kurtosis": ctx.t("Aplatissement", "Kurtosis"), "floor": ctx.t("% plancher", "% floor"),
               "ceiling": ctx.t("% plafond", "% ceiling"), "r_drop": "r(drop)",
               "alpha_if_dropped": ctx.t("α si supprimé", "α if dropped")}
    fmt = {"construct": "text", "reverse": "text", "n": "int", "mean": "f2", "sd": "f2", "skew": "f2",
           "kurtosis": "f2", "floor": "pct", "ceiling": "pct", "r_drop": "r2", "alpha_if_dropped": "r2"}
    cols = [c for c in headers if c in item_stats.columns]
    shown = item_stats[cols].rename(columns=headers)
    ctx.add_table(section, _table(
        "item_statistics", ctx.t("Statistiques des items", "Item statistics"), shown,
        ctx.t("Items inversés (R) recodés (min + max) - x avant calcul. r(drop) : corrélation item-total corrigée. "
              "Asymétrie et aplatissement : type 3 de psych::describe.",
              "Reverse-keyed items (R) recoded as (min + max) - x first. r(drop): corrected item-total "
              "correlation. Skew and kurtosis: psych::describe type 3."),
        {headers[c]: fmt[c] for c in cols}, lang))

    # reliability
    alphas = {}
    for code in codes:
        names = [v.name for v in inst.items(code)]
        alphas[code] = ctx.log.run("measurement", cronbach_alpha, items[names], ci=plan.measurement.alpha_ci,
                                   n_boot=plan.measurement.n_boot, seed=ctx.seeds["alpha"])
    model = _cfa_syntax(inst, codes)
    has_missing = items[[v.name for c in codes for v in inst.items(c)]].isna().any().any()

    def missing_for(estimator: str) -> str:  # ML and MLR: full information; MLM needs complete cases
        return "fiml" if has_missing and estimator != "MLM" else "listwise"

    fit = _with_ml_fallback(ctx, "CFA", "the CFA", plan.measurement.estimator,
                            lambda estimator: cfa(items, model, missing=missing_for(estimator), estimator=estimator))
    ctx.values["cfa_missing"] = fit.missing if fit is not None else missing_for("ML")
    rows = []
    for code in codes:
        a = alphas[code]
        omega = cr = ave = np.nan  # from the CFA, when it could be estimated
        if fit is not None:
            lam = fit.loadings.loc[fit.loadings["factor"] == code, "std_est"].to_numpy(dtype=float)
            cr = float(lam.sum() ** 2 / (lam.sum() ** 2 + np.sum(1 - lam**2)))
            omega, ave = float(fit.reliability.loc[code, "omega"]), float(fit.reliability.loc[code, "ave"])
        rows.append({"k": a.k, "n": a.n, "alpha": a.alpha, "alpha_low": a.ci[0] if a.ci else np.nan,
                     "alpha_high": a.ci[1] if a.ci else np.nan, "omega": omega, "cr": cr, "ave": ave})
    for code, row in zip(codes, rows, strict=True):
        for message in convergent_validity_warnings(code, row):
            ctx.log.add("measurement", message, "AnalysisWarning")
    reliability = pd.DataFrame(rows, index=pd.Index([inst.constructs[c].label[lang] for c in codes]))
    reliability.index.name = ctx.t("Construit", "Construct")
    rel_headers = {"k": "k", "n": "n", "alpha": "α", "alpha_low": ctx.t("IC 95 % bas", "95% CI low"),
                   "alpha_high": ctx.t("IC 95 % haut", "95% CI high"), "omega": "ω", "cr": "CR", "ave": "AVE"}
    shown = reliability.rename(columns=rel_headers)
    ctx.add_table(section, _table(
        "reliability", ctx.t("Fiabilité et validité convergente", "Reliability and convergent validity"), shown,
        ctx.t(f"α : alpha de Cronbach brut (psych::alpha), IC {plan.measurement.alpha_ci}. ω : semTools::compRelSEM "
              "(variance observée). CR : fiabilité composite à partir des saturations standardisées. AVE : "
              "semTools::AVE. Seuils usuels : α et CR ≥ ,70 ; AVE ≥ ,50.",
              f"α: raw Cronbach's alpha (psych::alpha), {plan.measurement.alpha_ci} CI. ω: semTools::compRelSEM "
              "(observed variance). CR: composite reliability from the standardised loadings. AVE: semTools::AVE. "
              "Usual thresholds: α and CR ≥ .70; AVE ≥ .50."),
        {rel_headers["k"]: "int", rel_headers["n"]: "int", "α": "r2", rel_headers["alpha_low"]: "r2",
         rel_headers["alpha_high"]: "r2", "ω": "r2", "CR": "r2", "AVE": "r2"}, lang))

    # EFA diagnostics on all construct items
    # pairwise correlations (psych's default): rows with a missing answer still count
    all_items = items[[v.name for c in codes for v in inst.items(c)]].dropna(how="all")
    k_res = ctx.log.attempt("measurement", "KMO", kmo, all_items)
    b_res = ctx.log.attempt("measurement", "Bartlett's test", bartlett_sphericity,
                            all_items)
    pa = ctx.log.attempt("measurement", "Parallel analysis", parallel_analysis,
                         all_items, n_iter=plan.measurement.parallel_iter, seed=ctx.seeds["parallel"])
    diag = pd.DataFrame({ctx.t("Valeur", "Value"): [
        k_res.msa if k_res else np.nan, b_res.chisq if b_res else np.nan, b_res.df if b_res else np.nan,
        b_res.p if b_res else np.nan, pa.n_factors if pa else np.nan, len(codes), len(all_items)]},
                        index=["KMO (MSA)", ctx.t("Bartlett χ²", "Bartlett χ²"), ctx.t("Bartlett ddl", "Bartlett df"),
                               ctx.t("Bartlett p", "Bartlett p"),
                               ctx.t("Facteurs suggérés (analyse parallèle)", "Factors suggested (parallel analysis)"),
                               ctx.t("Construits du modèle", "Constructs in the model"),
                               ctx.t("n (répondants, corrélations par paires)",
                                     "n (respondents, pairwise correlations)")])
    diag.index.name = ""
    col = diag.columns[0]
    formats = {col: "f2", "row:" + diag.index[2]: "int", "row:" + diag.index[3]: "p", "row:" + diag.index[0]: "r2",
               "row:" + diag.index[4]: "int", "row:" + diag.index[5]: "int", "row:" + diag.index[6]: "int"}
    ctx.add_table(section, _table(
        "efa_diagnostics", ctx.t("Factorisabilité et analyse parallèle", "Factorability and parallel analysis"),
        diag, ctx.t("KMO et Bartlett : psych::KMO et psych::cortest.bartlett. Analyse parallèle de Horn "
                    f"({plan.measurement.parallel_iter} tirages, 95e centile).",
                    "KMO and Bartlett: psych::KMO and psych::cortest.bartlett. Horn's parallel analysis "
                    f"({plan.measurement.parallel_iter} draws, 95th percentile)."), formats, lang))

    # CFA tables
    fl = None
    if fit is not None:
        cfa_tables = fit.to_table(lang)
        for key in ("cfa_fit", "cfa_loadings"):
            if key in cfa_tables:
                ctx.add_table(section, cfa_tables[key])
        fl = ctx.log.run("measurement", fornell_larcker, fit)
    if plan.measurement.invariance_by is not None and fit is not None:
        _invariance_table(ctx, section, prep, model, has_missing)
    ht = ctx.log.attempt("measurement", "HTMT", htmt, items, model)
    if fl is not None and ht is not None:
        for message in discriminant_validity_warnings(fl, ht):
            ctx.log.add("measurement", message, "AnalysisWarning")
    for result in (fl, ht):
        if result is not None:
            ctx.add_table(section, result.to_table(lang))
    ctx.add_table(section, prep["dyads"].to_table(lang, inst))

    # figures
    for group in (codes[:6], codes[6:]):
        if group:
            fig = likert_diverging_bars(prep["responses"], inst, lang, constructs=group)
            _figure(ctx, section, f"likert_{group[0].lower()}", fig,
                    ctx.t("Réponses aux items de Likert par construit", "Likert answers per construct"))
    if pa is not None:
        eig = pa.eigenvalues.rename(columns={"fa_observed": "observed", "fa_simulated": "simulated"})[
            ["observed", "simulated"]]
        _figure(ctx, section, "scree", scree_plot(eig, lang, n_retained=pa.n_factors),
                ctx.t("Éboulis des valeurs propres et analyse parallèle", "Scree plot and parallel analysis"))
    ctx.values["cfa_fit"] = dict(fit.fit) if fit is not None else None
    ctx.stage_warnings(section, "measurement")
    prep["cfa"] = fit
    return section


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
    """Configural, metric and scalar invariance of the CFA model across the plan's ``invariance_by`` variable
    (ML, or MLR when the plan asks for a robust estimator), with a warning when a step loses more fit than
    Chen's (2007) limits."""
    from alliance_stats.measurement import invariance

    plan, lang = ctx.plan, ctx.lang
    by = str(plan.measurement.invariance_by)
    data = prep["items"].copy()
    data[by] = prep["responses"][by].to_numpy()
    estimator = "ML" if plan.measurement.estimator == "ML" else "MLR"  # MLM has no multi-group version here
    label = ctx.instrument.variable(by).text[lang].lower()
    missing = "fiml" if has_missing else "listwise"
    table = _with_ml_fallback(ctx, f"Measurement invariance across {by}", f"measurement invariance across {by}",
                              estimator, lambda est: invariance(data, model, by, missing=missing, estimator=est))
    if table is None:
        return
    table.group = label
    ctx.add_table(section, table.to_table(lang))
    for step in table.index[1:]:
        d_cfi, d_rmsea = float(table.loc[step, "delta_cfi"]), float(table.loc[step, "delta_rmsea"])
        if d_cfi < -0.010 or d_rmsea > 0.015:
            ctx.log.add("measurement", f"{step} invariance across {by} is doubtful: CFI changes by {d_cfi:+.3f} "
                                       f"(limit -.010), RMSEA by {d_rmsea:+.3f} (limit +.015) (Chen 2007)")


def convergent_validity_warnings(code: str, row: dict[str, float]) -> list[str]:
    """Messages for a construct below the usual thresholds: alpha and CR >= .70, AVE >= .50 (Fornell and
    Larcker 1981; Nunnally 1978).

    >>> convergent_validity_warnings("LINK", {"alpha": 0.65, "cr": 0.81, "ave": 0.45})
    ['LINK: alpha = 0.65 is below .70', 'LINK: AVE = 0.45 is below .50']
    """
    messages = []
    for key, label, cut in (("alpha", "alpha", 0.70), ("cr", "CR", 0.70), ("ave", "AVE", 0.50)):
        value = row.get(key)
        if value is not None and value == value and value < cut:
            messages.append(f"{code}: {label} = {value:.2f} is below {f'{cut:.2f}'.lstrip('0')}")
    return messages


def discriminant_validity_warnings(fornell_larcker: Any, htmt: Any, htmt_cut: float = 0.85) -> list[str]:
    """Messages for each pair of factors failing the Fornell-Larcker criterion or above the HTMT cut.

    Fornell and Larcker (1981): sqrt(AVE) of each factor must exceed its correlations with the others;
    Henseler, Ringle and Sarstedt (2015): HTMT below .85 (strict) or .90.

    >>> import pandas as pd
    >>> fl = pd.DataFrame([[0.8, None], [0.85, 0.9]], index=["A", "B"], columns=["A", "B"])
    >>> ht = pd.DataFrame([[1, None], [0.5, 1]], index=["A", "B"], columns=["A", "B"])
    >>> discriminant_validity_warnings(fl, ht)
    ['Fornell-Larcker: the correlation of A and B (0.85) exceeds sqrt(AVE) of A (0.80)']
    """
    import numpy as np

    messages = []
    names = list(fornell_larcker.index)
    values = np.asarray(fornell_larcker, dtype=float)
    for i, a in enumerate(names):
        for j in range(i):
            b = names[j]
            r = values[i, j] if np.isfinite(values[i, j]) else values[j, i]
            low = [(name, values[k, k]) for name, k in ((b, j), (a, i)) if abs(r) > values[k, k]]
            for name, root in low:
                messages.append(f"Fornell-Larcker: the correlation of {b} and {a} ({abs(r):.2f}) exceeds "
                                f"sqrt(AVE) of {name} ({root:.2f})")
    ht = np.asarray(htmt, dtype=float)
    hnames = list(htmt.index)
    for i, a in enumerate(hnames):
        for j in range(i):
            value = ht[i, j] if np.isfinite(ht[i, j]) else ht[j, i]
            if value >= htmt_cut:
                messages.append(f"HTMT of {hnames[j]} and {a} is {value:.2f} (>= {htmt_cut:.2f}): discriminant "
                                "validity is doubtful")
    return messages

