"""The crossing models' figures are drawn when the report is written, by the run's second lane when it has one
(alliance_stats.plan.sections.models, issue 17): the same bytes as the main process draws."""

from __future__ import annotations

import time
from pathlib import Path

from matplotlib.figure import Figure

from alliance_stats.plan.context import RunContext
from alliance_stats.plan.lanes import Lane
from alliance_stats.plan.sections import models
from alliance_stats.report.figures import FIGURE_DPI, figure_files
from alliance_stats.report.model import ReportFigure, Section

DEMO_PLAN = Path(__file__).resolve().parents[2] / "analyses" / "confirmatory.yaml"


def _demo() -> tuple[RunContext, dict]:
    from alliance_stats.data import read_responses
    from alliance_stats.instrument import load_instrument
    from alliance_stats.plan.schema import load_plan
    from alliance_stats.plan.sections.prepare import _prepare

    plan = load_plan(DEMO_PLAN)
    instrument = load_instrument(plan.resolve(plan.instrument))
    ctx = RunContext(plan, plan.language, instrument)
    data = plan.resolve(plan.data)
    return ctx, _prepare(ctx, read_responses(data, instrument), data)


def test_the_lane_job_draws_the_figures_the_section_draws() -> None:
    ctx, prep = _demo()
    section = models._section_models(ctx, prep)  # no lane: the figures are drawn here, when first used
    assert [figure.key for figure in section.figures] == ["predicted", "forest"]
    assert all("files" not in figure.__dict__ for figure in section.figures)  # not drawn by the section
    here = {figure.key: figure.files for figure in section.figures}
    assert models.lane_jobs(ctx, prep)[models.FIGURES_JOB]() == here
    assert here["forest"] == figure_files(section.figures[1].figure, dpi=FIGURE_DPI)


def test_the_files_are_taken_from_the_lane_once_for_every_figure() -> None:
    drawn = {"a": {"png": b"a.png", "svg": b"a.svg"}, "b": {"png": b"b.png", "svg": b"b.svg"}}
    with Lane({models.FIGURES_JOB: lambda: drawn}, workers=2) as lane:
        for _ in range(6000):  # the worker's result is the one to take (else the main process draws the figures)
            if models.FIGURES_JOB in lane.begun_by_worker():
                break
            time.sleep(0.01)
        section = Section("models", "Models")
        models._lane_figures(section, {"lane": lane}, [("a", Figure(), "A"), ("b", Figure(), "B")])
        assert [figure.files for figure in section.figures] == [drawn["a"], drawn["b"]]
        assert not lane.taken_over  # the worker's result, taken once (a second take would wait forever)


def test_a_figure_without_draw_is_drawn_from_its_figure() -> None:
    figure = Figure(figsize=(2, 1))
    figure.add_subplot().plot([0, 1], [1, 0])
    assert ReportFigure("k", figure, "K").files == figure_files(figure, dpi=FIGURE_DPI)
    assert ReportFigure("k", figure, "K", draw=lambda: {"png": b"p", "svg": b"s"}).files == {"png": b"p", "svg": b"s"}
