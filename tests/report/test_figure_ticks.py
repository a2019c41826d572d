"""Ticks only where they can be drawn (issue 17): every figure's locators are :class:`InViewLocator`, which leaves
out the locations beyond the axis's view; the files are those of the plain locators, byte for byte."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from matplotlib.figure import Figure
from matplotlib.ticker import MultipleLocator

from alliance_stats.report.figures import (
    DecimalFormatter,
    InViewLocator,
    figure_files,
    forest_plot,
    k_selection_plot,
    likert_diverging_bars,
    power_curves_plot,
    predicted_probabilities_plot,
    scree_plot,
    ticks_in_view,
)
from tests.report.builders import make_instrument, make_likert_responses


def all_figures(lang: str) -> dict[str, Figure]:
    """One figure of each kind, with an automatic locator (scree, k, power), a fixed one (Likert, predicted) and a
    log axis (forest)."""
    estimates = pd.DataFrame({"model": ["M1", "M1", "M2", "M2"], "term": ["survie", "link", "link", "symmetry"],
                              "odds_ratio": [0.3, 1.8, 1.6, 1.2], "ci_low": [0.12, 1.2, 1.1, 0.8],
                              "ci_high": [0.7, 2.7, 2.4, 1.8]})
    predictions = pd.DataFrame({"level": ["entraide", "survie"], "prob": [0.62, 0.25], "ci_low": [0.5, 0.15],
                                "ci_high": [0.73, 0.38]})
    k_wide = pd.DataFrame({"k": [2, 3, 4, 5], "silhouette": [0.31, 0.35, 0.41, 0.33],
                           "bic": [-1200.5, -1180.0, -1150.2, -1160.8]})
    power = pd.DataFrame({"n": [100, 200, 300], "target": ["link"] * 3, "power": [0.31, 0.56, 0.74],
                          "mcse": [0.015] * 3})
    return {
        "likert": likert_diverging_bars(make_likert_responses(), make_instrument(), lang),
        "scree": scree_plot({"observed": [3.2, 1.6, 1.05, 0.7, 0.5], "simulated": [1.4, 1.25, 1.12, 1.0, 0.9]}, lang),
        "forest": forest_plot(estimates, lang),
        "predicted": predicted_probabilities_plot(predictions, lang),
        "k": k_selection_plot(k_wide, lang),
        "power": power_curves_plot(power, lang),
    }


def _plain(figure: Figure) -> Figure:
    """``figure`` with each InViewLocator replaced by the locator it wraps (what the figures had before)."""
    for ax in figure.axes:
        for axis in (ax.xaxis, ax.yaxis):
            for which in ("major", "minor"):
                locator = getattr(axis, f"get_{which}_locator")()
                if isinstance(locator, InViewLocator):
                    getattr(axis, f"set_{which}_locator")(locator.locator)
    return figure


def _tick_counts(figure: Figure) -> list[tuple[int, int]]:
    """(tick objects made, ticks drawn) of every axis, the figure drawn."""
    return [(len(axis.majorTicks) + len(axis.minorTicks), len(axis._update_ticks()))
            for ax in figure.axes for axis in (ax.xaxis, ax.yaxis)]


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_files_are_those_of_the_plain_locators(lang: str) -> None:
    made, plain = all_figures(lang), all_figures(lang)
    for name, figure in made.items():
        assert any(isinstance(ax.xaxis.get_major_locator(), InViewLocator) for ax in figure.axes), name
        assert figure_files(figure) == figure_files(_plain(plain[name])), name


def test_no_tick_is_made_beyond_the_view() -> None:
    """A MultipleLocator adds a location beyond each end of the view, a log axis's minor locator a decade: a tick
    object each (five texts and lines, styled, labelled and placed at every pass) that is never drawn."""
    for name, figure in all_figures("en").items():
        figure_files(figure)
        plain = _plain(all_figures("en")[name])
        figure_files(plain)
        counts, plain_counts = _tick_counts(figure), _tick_counts(plain)
        assert [drawn for _, drawn in counts] == [drawn for _, drawn in plain_counts], name  # the same ticks drawn
        assert all(made <= plain_made for (made, _), (plain_made, _) in zip(counts, plain_counts, strict=True)), name
        if name in ("likert", "forest"):
            # one tick beyond those drawn at most (matplotlib's first minor tick, made even when there is none); an
            # automatic locator may have made more at the first pass, on the axes' size before the layout
            assert all(made <= drawn + 1 for made, drawn in counts), (name, counts)
        if name in ("likert", "forest", "k", "scree"):
            assert sum(made for made, _ in counts) < sum(made for made, _ in plain_counts), name


def test_decimals_are_counted_on_every_location_made() -> None:
    """One location in view (1.0) of a 0.5 step: its label keeps the decimal the left-out 0.5 and 1.5 need."""
    figure = Figure()
    ax = figure.subplots()
    ax.set_xlim(0.9, 1.1)
    ax.xaxis.set_major_locator(MultipleLocator(0.5))
    ax.xaxis.set_major_formatter(DecimalFormatter("fr"))
    ticks_in_view([ax])
    shown = ax.xaxis._update_ticks()
    assert [tick.get_loc() for tick in shown] == [1.0]
    assert [tick.label1.get_text() for tick in shown] == ["1,0"]
    assert np.allclose(ax.xaxis.get_major_locator().made, [0.5, 1.0, 1.5])


def test_in_view_locator_keeps_the_wrapped_locators_limits() -> None:
    locator = InViewLocator(MultipleLocator(0.5))
    assert locator.view_limits(0.2, 1.3) == MultipleLocator(0.5).view_limits(0.2, 1.3)
    assert locator.nonsingular(1.0, 1.0) == MultipleLocator(0.5).nonsingular(1.0, 1.0)
    assert list(locator.tick_values(0.2, 1.3)) == list(MultipleLocator(0.5).tick_values(0.2, 1.3))


def test_a_minor_formatter_counts_its_own_locations() -> None:
    """DecimalFormatter takes the locations of the axis's major InViewLocator only when given those it kept."""
    figure = Figure()
    ax = figure.subplots()
    ax.set_xlim(0.0, 1.0)
    ax.xaxis.set_major_locator(MultipleLocator(1.0))
    ax.xaxis.set_minor_locator(MultipleLocator(0.25))
    ax.xaxis.set_minor_formatter(DecimalFormatter("fr"))
    ticks_in_view([ax])
    ax.xaxis._update_ticks()
    minor = ax.xaxis.get_minor_ticks()
    assert [tick.label1.get_text() for tick in minor[:3]] == ["0,25", "0,50", "0,75"]
