"""Report section: the crossing models.
"""

from __future__ import annotations

from typing import Any

from alliance_stats.core.errors import AllianceStatsError
from alliance_stats.plan.context import RunContext, _figure, _table


def _section_models(ctx: RunContext, prep: dict[str, Any]) -> Any:
    """Crossing models M1-M3 side by side, LR tests, predicted probabilities, forest plot."""
    import pandas as pd

    from alliance_stats.models import fit_logit, models_side_by_side
    from alliance_stats.report import forest_plot, predicted_probabilities_plot

    plan, lang = ctx.plan, ctx.lang
    firms = prep["firms"]
    section = ctx.section("models", ctx.t("Franchissement du cap du démarrage", "Crossing the start-up phase"))
    results = {}
    for key, spec in plan.models.items():
        stage = f"model {key}"
        try:
            results[key] = ctx.log.run(
                stage, fit_logit, firms, spec.outcome, spec.predictors, categorical=dict(spec.categorical),
                interactions=[tuple(p) for p in spec.interactions], method=spec.method, cluster=spec.cluster,
                gee=spec.gee, standardize=list(spec.standardize),
            )
        except AllianceStatsError as exc:  # say which confirmatory model the data cannot support
            exc.message = f"model {key}: {exc.message}"
            exc.args = (str(exc),)
            raise
        ctx.values[f"model_{key}_method"] = {"method": results[key].method, "reason": results[key].method_reason}
        # the side-by-side table prints text cells: its numbers, machine-readable, for results.json
        ctx.values[f"model_{key}_coefficients"] = results[key].table
        ctx.values[f"model_{key}_fit"] = results[key].fit_stats
    if results:
        ctx.add_table(section, models_side_by_side(results, lang))
    lr_frames = []
    for key, res in results.items():
        if len(res.lr_tests):
            # the model's own localised term-test table (labels, test actually used per row)
            tests_table = res.to_tables(lang)["tests"]
            frame = tests_table.frame.copy()
            frame.insert(0, ctx.t("Modèle", "Model"), key)
            lr_frames.append((frame, tests_table.formats))
    if lr_frames:
        lr = pd.concat([frame for frame, _ in lr_frames])
        lr.index.name = ctx.t("Terme", "Term")
        formats = {ctx.t("Modèle", "Model"): "text", **lr_frames[0][1]}
        title = ctx.t("Tests de chaque terme des modèles", "Tests of the model terms")
        ctx.add_table(section, _table("lr_tests", title,
                                      lr, ctx.t(
                                          "Chaque facteur est testé dans son ensemble (configuration : 3 ddl). Avec "
                                          "des erreurs types robustes par dyade, test de Wald robuste (un test du "
                                          "rapport de vraisemblance supposerait des entreprises indépendantes) ; "
                                          "sinon rapport de vraisemblance (pénalisé pour Firth).",
                                          "Each factor is tested as a whole (configuration: 3 df). With dyad-robust "
                                          "standard errors, cluster-robust Wald test (a likelihood-ratio test would "
                                          "assume independent firms); otherwise likelihood ratio (penalised for "
                                          "Firth)."), formats, lang))
    pred_frames = []
    for key, spec in plan.models.items():
        if "configuration" in spec.predictors:
            pred = results[key].predict_by("configuration")
            pred_frames.append((key, pred))
    if pred_frames:
        key, pred = pred_frames[0]
        shown = pred.copy()
        ctx.add_table(section, _predicted_table(ctx, shown, key))
        plot_df = shown.reset_index().rename(columns={shown.index.name or "index": "level"})
        if "level" not in plot_df.columns:
            plot_df = plot_df.rename(columns={plot_df.columns[0]: "level"})
        plot_df["level"] = [_config_label(x, lang) for x in plot_df["level"]]
        plot_df = plot_df.rename(columns={"probability": "prob"})
        _figure(ctx, section, "predicted", predicted_probabilities_plot(plot_df, lang),
                ctx.t("Probabilité prédite de franchir le cap du démarrage par configuration",
                      "Predicted probability of crossing the start-up phase by configuration"))
    forest = []
    for key, res in results.items():
        t = res.table.copy()
        t["model"] = key
        forest.append(t)
    if forest:
        _figure(ctx, section, "forest", forest_plot(pd.concat(forest), lang),
                ctx.t("Rapports de cotes et intervalles de confiance à 95 %",
                      "Odds ratios with 95% confidence intervals"))
    for key in results:
        ctx.stage_warnings(section, f"model {key}")
    prep["models"] = results
    return section


def _config_label(level: Any, lang: str) -> str:
    from alliance_stats.core.i18n import tr

    return tr(str(level), lang)


def _predicted_table(ctx: RunContext, pred: Any, key: str) -> Any:
    frame = pred.copy()
    frame.index = [_config_label(i, ctx.lang) for i in frame.index]
    frame.index.name = ctx.t("Configuration", "Configuration")
    from alliance_stats.core.i18n import tr

    headers = {"probability": tr("models.probability", ctx.lang), "se": tr("models.se", ctx.lang),
               "ci_low": tr("models.ci_low", ctx.lang).format(level=95),
               "ci_high": tr("models.ci_high", ctx.lang).format(level=95), "n": "n",
               "observed": tr("models.observed", ctx.lang)}
    frame = frame.rename(columns=headers)
    formats = {c: ("int" if c == "n" else "r3") for c in frame.columns}
    return _table("predicted", ctx.t(f"Probabilité prédite de franchissement par configuration ({key})",
                                     f"Predicted probability of crossing by configuration ({key})"), frame,
                  ctx.t("Probabilité moyenne prédite sur l'échantillon en fixant la configuration (standardisation), "
                        "IC 95 % calculé sur l'échelle logit (méthode delta).",
                        "Probability averaged over the sample with the configuration set to each level "
                        "(standardisation), 95% CI computed on the logit scale (delta method)."), formats, ctx.lang)

