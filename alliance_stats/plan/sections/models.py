"""Report section: the crossing models.

The models are fitted by the main process, which needs them at once (tables, hypotheses); their two figures
(predicted probabilities and forest plot, ~0.6 s of drawing on the demo) are needed only when the report is
written: the section adds them unrendered, and their files are taken then from the run's second lane
(:func:`lane_jobs`: a worker idle at the end of the run fits the models again and draws them) or drawn by the main
process, the same bytes either way (:class:`~alliance_stats.report.ReportFigure`'s ``draw``).
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from typing import Any

from alliance_stats.core.errors import AllianceStatsError
from alliance_stats.plan.context import RunContext, _table, take

#: The second lane's job that draws the models' figures.
FIGURES_JOB = "models_figures"


def _fit(firms: Any, spec: Any) -> Any:
    """``fit_logit`` of one model of the plan."""
    from alliance_stats.models import LogitSettings, fit_logit

    return fit_logit(firms, spec.outcome, spec.predictors, categorical=dict(spec.categorical),
                     interactions=[tuple(p) for p in spec.interactions], method=spec.method, cluster=spec.cluster,
                     settings=LogitSettings(gee=spec.gee, standardize=tuple(spec.standardize)))


def _fit_models(ctx: RunContext, firms: Any) -> dict[str, Any]:
    """Fit every model of the plan; a data problem names the model."""
    results = {}
    for key, spec in ctx.plan.models.items():
        try:
            results[key] = ctx.log.run(f"model {key}", _fit, firms, spec)
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


def _prediction_model(ctx: RunContext) -> str | None:
    """The first model with the configuration among its predictors (its predictions are shown), if any."""
    return next((key for key, spec in ctx.plan.models.items() if "configuration" in spec.predictors), None)


def _figures(ctx: RunContext, results: dict[str, Any], shown: Any) -> list[tuple[str, Any, str]]:
    """``(key, figure, caption)`` of the predicted probabilities by configuration (``shown``: the predictions of
    :func:`_prediction_model`, ``None`` without one) and of the forest plot of every model."""
    import pandas as pd

    from alliance_stats.report import forest_plot, predicted_probabilities_plot

    figures = []
    if shown is not None:
        plot_df = shown.reset_index().rename(columns={shown.index.name or "index": "level"})
        if "level" not in plot_df.columns:
            plot_df = plot_df.rename(columns={plot_df.columns[0]: "level"})
        plot_df["level"] = [_config_label(x, ctx.lang) for x in plot_df["level"]]
        plot_df = plot_df.rename(columns={"probability": "prob"})
        figures.append(("predicted", predicted_probabilities_plot(plot_df, ctx.lang),
                        ctx.tr("models.section.predicted_caption")))
    forest = forest_frames(results, ctx.lang)
    if forest:
        figures.append(("forest", forest_plot(pd.concat(forest), ctx.lang), ctx.tr("models.section.forest_caption")))
    return figures


def _draw(figures: list[tuple[str, Any, str]]) -> dict[str, dict[str, bytes]]:
    """The PNG and SVG bytes of each figure, by key."""
    from alliance_stats.report.figures import FIGURE_DPI, figure_files

    return {key: figure_files(figure, dpi=FIGURE_DPI) for key, figure, _ in figures}


def lane_jobs(ctx: RunContext, prep: dict[str, Any]) -> dict[str, Callable[[], Any]]:
    """This section's computation that depends only on the prepared data: its figures' files (the models fitted
    again and drawn; the main process needs the files only when it writes the report)."""

    def draw() -> dict[str, dict[str, bytes]]:
        with warnings.catch_warnings():  # the main process records the fits' warnings from its own fits
            warnings.simplefilter("ignore")
            results = {key: _fit(prep["firms"], spec) for key, spec in ctx.plan.models.items()}
            key = _prediction_model(ctx)
            shown = None if key is None else results[key].predict_by("configuration")
            return _draw(_figures(ctx, results, shown))

    return {FIGURES_JOB: draw}


def _lane_figures(section: Any, prep: dict[str, Any], figures: list[tuple[str, Any, str]]) -> None:
    """Add ``figures`` to ``section``, unrendered: their files are taken from the second lane's :data:`FIGURES_JOB`
    when the report first uses them (once for all of them), or drawn here then (:class:`ReportFigure` ``draw``)."""
    from alliance_stats.report import ReportFigure

    drawn: dict[str, dict[str, dict[str, bytes]]] = {}

    def files(key: str) -> dict[str, bytes]:
        if not drawn:
            drawn.update(take(prep, FIGURES_JOB, lambda: _draw(figures)))
        return drawn[key]

    for key, figure, caption in figures:
        section.figures.append(ReportFigure(key=key, figure=figure, caption=caption,
                                            draw=lambda key=key: files(key)))


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
    from alliance_stats.models import models_side_by_side

    section = ctx.section("models", ctx.tr("models.section.title"))
    results = _fit_models(ctx, prep["firms"])
    if results:
        ctx.add_table(section, models_side_by_side(results, ctx.lang))
    _term_tests(ctx, section, results)
    key = _prediction_model(ctx)
    shown = None if key is None else results[key].predict_by("configuration")
    if shown is not None:
        ctx.add_table(section, _predicted_table(ctx, shown, key))
    _lane_figures(section, prep, _figures(ctx, results, shown))
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
