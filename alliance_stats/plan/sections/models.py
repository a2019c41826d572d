"""Report section: the crossing models.
"""

from __future__ import annotations

from typing import Any

from alliance_stats.core.errors import AllianceStatsError
from alliance_stats.plan.context import RunContext, _figure, _table


def _fit_models(ctx: RunContext, firms: Any) -> dict[str, Any]:
    """Fit every model of the plan; a data problem names the model."""
    from alliance_stats.models import LogitSettings, fit_logit

    results = {}
    for key, spec in ctx.plan.models.items():
        settings = LogitSettings(gee=spec.gee, standardize=tuple(spec.standardize))
        try:
            results[key] = ctx.log.run(
                f"model {key}", fit_logit, firms, spec.outcome, spec.predictors, categorical=dict(spec.categorical),
                interactions=[tuple(p) for p in spec.interactions], method=spec.method, cluster=spec.cluster,
                settings=settings,
            )
        except AllianceStatsError as exc:  # say which confirmatory model the data cannot support
            exc.message = f"model {key}: {exc.message}"
            exc.args = (str(exc),)
            raise
        ctx.values[f"model_{key}_method"] = {"method": results[key].method, "reason": results[key].method_reason}
        # the side-by-side table prints text cells: its numbers, machine-readable, for results.json
        ctx.values[f"model_{key}_coefficients"] = results[key].coefficients
        ctx.values[f"model_{key}_fit"] = results[key].fit_stats
    return results


def _term_tests(ctx: RunContext, section: Any, results: dict[str, Any]) -> None:
    """The models' own localised term-test tables stacked (labels, test actually used per row)."""
    import pandas as pd

    lr_frames = []
    for key, res in results.items():
        if len(res.lr_tests):
            tests_table = res.to_tables(ctx.lang)["logit_tests"]
            frame = tests_table.frame.copy()
            frame.insert(0, ctx.tr("models.section.model"), key)
            lr_frames.append((frame, tests_table.formats))
    if not lr_frames:
        return
    lr = pd.concat([frame for frame, _ in lr_frames])
    lr.index.name = ctx.tr("models.term")
    formats = {ctx.tr("models.section.model"): "text", **lr_frames[0][1]}
    note = ctx.tr("models.section.tests_note")
    marginal = [f"{key} ({', '.join(sorted({name for pair in res.design.interactions for name in pair}))})"
                for key, res in results.items() if res.design.interactions]
    if marginal:
        note += " " + ctx.tr("models.section.tests_note_marginality", models="; ".join(marginal))
    ctx.add_table(section, _table("lr_tests", ctx.tr("models.section.tests_title"), lr, note, formats, ctx.lang))


def _predictions(ctx: RunContext, section: Any, results: dict[str, Any]) -> None:
    """Predicted probability by configuration of the first model that has it: table and figure."""
    from alliance_stats.report import predicted_probabilities_plot

    keys = [key for key, spec in ctx.plan.models.items() if "configuration" in spec.predictors]
    if not keys:
        return
    key = keys[0]
    shown = results[key].predict_by("configuration")
    ctx.add_table(section, _predicted_table(ctx, shown, key))
    plot_df = shown.reset_index().rename(columns={shown.index.name or "index": "level"})
    if "level" not in plot_df.columns:
        plot_df = plot_df.rename(columns={plot_df.columns[0]: "level"})
    plot_df["level"] = [_config_label(x, ctx.lang) for x in plot_df["level"]]
    plot_df = plot_df.rename(columns={"probability": "prob"})
    _figure(ctx, section, "predicted", predicted_probabilities_plot(plot_df, ctx.lang),
            ctx.tr("models.section.predicted_caption"))


def forest_frames(results: dict[str, Any], lang: str) -> list[Any]:
    """Each model's coefficients for the forest plot, the terms named as in the models table ("Link (z)",
    "Configuration: mutual aid (vs survival)"), not by their design-matrix names."""
    from alliance_stats.models.design import INTERCEPT
    from alliance_stats.models.logit_result import term_label

    frames = []
    for key, res in results.items():
        t = res.coefficients.copy()
        t["model"] = key
        t["term"] = [term if term == INTERCEPT else term_label(term, res.design, lang) for term in t.index]
        frames.append(t)
    return frames


def _section_models(ctx: RunContext, prep: dict[str, Any]) -> Any:
    """Crossing models M1-M3 side by side, LR tests, predicted probabilities, forest plot."""
    import pandas as pd

    from alliance_stats.models import models_side_by_side
    from alliance_stats.report import forest_plot

    section = ctx.section("models", ctx.tr("models.section.title"))
    results = _fit_models(ctx, prep["firms"])
    if results:
        ctx.add_table(section, models_side_by_side(results, ctx.lang))
    _term_tests(ctx, section, results)
    _predictions(ctx, section, results)
    forest = forest_frames(results, ctx.lang)
    if forest:
        _figure(ctx, section, "forest", forest_plot(pd.concat(forest), ctx.lang),
                ctx.tr("models.section.forest_caption"))
    for key in results:
        ctx.stage_warnings(section, f"model {key}")
    prep["models"] = results
    return section


def _config_label(level: Any, lang: str) -> str:
    from alliance_stats.core.i18n import tr

    return tr(str(level), lang)


def _predicted_table(ctx: RunContext, pred: Any, key: str) -> Any:
    from alliance_stats.core.i18n import tr

    frame = pred.copy()
    frame.index = [_config_label(i, ctx.lang) for i in frame.index]
    frame.index.name = tr("configuration", ctx.lang)
    headers = {"probability": tr("models.probability", ctx.lang), "se": tr("models.se", ctx.lang),
               "ci_low": tr("models.ci_low", ctx.lang).format(level=95),
               "ci_high": tr("models.ci_high", ctx.lang).format(level=95), "n": "n",
               "observed": tr("models.observed", ctx.lang)}
    frame = frame.rename(columns=headers)
    formats = {c: ("int" if c == "n" else "r3") for c in frame.columns}
    return _table("predicted", ctx.tr("models.section.predicted_title").format(key=key), frame,
                  ctx.tr("models.section.predicted_note"), formats, ctx.lang)
