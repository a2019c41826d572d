"""``figure_files`` lays a figure out once (issue 17): the PNG holds the pixels the two-pass rendering gave, the SVG
is drawn with the PNG's layout, and the figure keeps its layout engine. A grey figure's PNG is 8-bit greyscale
(the same pixels in a quarter of the samples); a figure with colour keeps matplotlib's RGBA file byte for byte."""

from __future__ import annotations

import io

import matplotlib
import numpy as np
import pandas as pd
from matplotlib.layout_engine import ConstrainedLayoutEngine
from PIL import Image

from alliance_stats.report.figures import FIGURE_DPI, figure_files, likert_diverging_bars, scree_plot
from tests.report.builders import make_instrument, make_likert_responses

METADATA = {"Software": "alliance-stats (matplotlib)"}


def _figure():  # noqa: ANN202
    instrument = make_instrument()
    return likert_diverging_bars(make_likert_responses(), instrument, "fr")


def _savefig_png(figure) -> bytes:  # noqa: ANN001
    """What figure_files wrote before: matplotlib's PNG (RGBA), laid out by savefig itself."""
    png = io.BytesIO()
    figure.savefig(png, format="png", dpi=FIGURE_DPI, metadata=METADATA)
    return png.getvalue()


def _pixels(png: bytes) -> np.ndarray:
    return np.asarray(Image.open(io.BytesIO(png)).convert("RGBA"))


def test_png_pixels_unchanged_and_svg_with_the_png_layout() -> None:
    before = _savefig_png(_figure())
    figure = _figure()
    files = figure_files(figure)
    image, reference = Image.open(io.BytesIO(files["png"])), Image.open(io.BytesIO(before))
    assert image.mode == "L" and reference.mode == "RGBA"  # the grey figure is written as greyscale
    assert np.array_equal(_pixels(files["png"]), _pixels(before))  # every pixel the same
    assert image.info == reference.info  # same resolution (pHYs) and Software text
    assert len(files["png"]) < len(before)
    assert isinstance(figure.get_layout_engine(), ConstrainedLayoutEngine)  # restored after the SVG
    # the SVG is the figure as placed for the PNG: saved without a layout engine from the same positions
    again = _figure()
    again.savefig(io.BytesIO(), format="png", dpi=FIGURE_DPI)
    again.set_layout_engine("none")
    svg = io.BytesIO()
    with matplotlib.rc_context({"svg.hashsalt": "alliance-stats", "svg.fonttype": "path"}):
        again.savefig(svg, format="svg", metadata={"Date": None, "Creator": "alliance-stats (matplotlib)"})
    assert files["svg"] == svg.getvalue()
    assert figure_files(_figure()) == files  # and two renders of the same figure stay byte-identical


def test_a_figure_with_colour_keeps_matplotlibs_png() -> None:
    coloured = scree_plot({"observed": [3.0, 1.2, 0.5], "simulated": [1.3, 1.1, 0.9]}, "en")
    coloured.axes[0].axvspan(1.5, 2.5, color="tab:orange", alpha=0.3)
    reference = scree_plot({"observed": [3.0, 1.2, 0.5], "simulated": [1.3, 1.1, 0.9]}, "en")
    reference.axes[0].axvspan(1.5, 2.5, color="tab:orange", alpha=0.3)
    png = figure_files(coloured)["png"]
    assert Image.open(io.BytesIO(png)).mode == "RGBA"
    assert png == _savefig_png(reference)


def _draws(figure) -> list[str]:  # noqa: ANN001
    draws: list[str] = []
    figure.canvas.mpl_connect("draw_event", lambda event: draws.append(type(event.renderer).__name__))
    return draws


def test_each_file_is_drawn_once() -> None:
    """savefig with a layout engine draws twice per file (an unrendered layout pass, then the print): four draws for
    PNG and SVG. figure_files lays the figure out once and draws each file once."""
    plain = _figure()
    plain_draws = _draws(plain)
    plain.savefig(io.BytesIO(), format="png", dpi=FIGURE_DPI)
    plain.savefig(io.BytesIO(), format="svg")
    assert len(plain_draws) == 4
    figure = _figure()
    draws = _draws(figure)
    figure_files(figure)
    assert draws == ["RendererAgg", "MixedModeRenderer"]  # the PNG's Agg drawing, then the SVG's


def _automatic_placement(figure):  # noqa: ANN001, ANN202
    """``figure`` with matplotlib's automatic placement of every title and axis label put back (as before issue 17's
    shortcut: titles at y = 1 and empty labels left out of the placement)."""
    for ax in figure.axes:
        ax._autotitlepos = True
        ax.xaxis._autolabelpos = ax.yaxis._autolabelpos = True
    return figure


def test_titles_and_empty_labels_placed_ahead_give_the_files_of_the_automatic_placement() -> None:
    from alliance_stats.report.figures import forest_plot, k_selection_plot

    estimates = pd.DataFrame({"term": ["Intercept", "survie", "link"], "odds_ratio": [0.5, 0.3, 1.8],
                              "ci_low": [0.2, 0.12, 1.2], "ci_high": [1.0, 0.7, 2.7]})

    k_wide = {"k": [1, 2, 3, 4], "silhouette": [np.nan, 0.31, 0.42, 0.38], "bic": [1210.5, 1102.25, 1050.0, 1075.5]}
    builders = [_figure, lambda: likert_diverging_bars(make_likert_responses(), make_instrument(), "en",
                                                       constructs=["LINK", "SYM"]),
                lambda: k_selection_plot(pd.DataFrame(k_wide), "fr"), lambda: forest_plot(estimates, "fr")]
    for build in builders:
        shortcut = build()
        assert all(not ax._autotitlepos for ax in shortcut.axes if ax.get_title(loc="left"))  # the shortcut is on
        assert all(ax.yaxis._autolabelpos == bool(ax.get_ylabel()) for ax in shortcut.axes)  # empty: left out
        assert figure_files(shortcut) == figure_files(_automatic_placement(build()))


def _with_barh_patches(figure):  # noqa: ANN001, ANN202
    """``figure`` drawn as before issue 17's one path per scale point: each bar a Rectangle of ``Axes.barh`` and the
    legend made of the bar containers."""
    from matplotlib.patches import PathPatch

    from alliance_stats.report.figures import STYLE

    with matplotlib.rc_context(STYLE):
        for ax in figure.axes:
            for bars in [patch for patch in ax.patches if isinstance(patch, PathPatch)]:
                corners = bars.get_path().vertices.reshape(-1, 5, 2)
                left, right = corners[:, 0, 0], corners[:, 1, 0]
                bottom, top = corners[:, 0, 1], corners[:, 2, 1]
                bars.remove()
                ax.barh(np.rint((bottom + top) / 2), right - left, left=left, height=0.72,
                        color=bars.get_facecolor(), edgecolor=bars.get_edgecolor(), linewidth=0.4,
                        hatch=bars.get_hatch(), hatchcolor=bars.get_hatchcolor())
        legend = figure.legends[0]
        labels = [text.get_text() for text in legend.get_texts()]
        legend.remove()
        containers = figure.axes[0].containers
        for container, text in zip(containers, labels, strict=True):
            container.set_label(text)
        figure.legend(handles=containers, loc="outside lower center", ncol=min(len(containers), 4),
                      handlelength=1.6, columnspacing=1.0)
    return figure


def test_likert_bars_as_one_path_per_scale_point_give_the_pixels_of_barh_patches() -> None:
    """The bars of a scale point are one path (one patch, one hatch tile) instead of one Rectangle patch per bar
    (about half the Likert figure's drawing): the PNG's pixels are those of the Rectangles, legend included."""
    from alliance_stats.report.figures import likert_diverging_bars as bars

    for lang, constructs in (("fr", None), ("en", ["SYM"]), ("en", ["LINK"])):
        new = figure_files(bars(make_likert_responses(), make_instrument(), lang, constructs=constructs))
        old = figure_files(_with_barh_patches(bars(make_likert_responses(), make_instrument(), lang,
                                                   constructs=constructs)))
        assert np.array_equal(_pixels(new["png"]), _pixels(old["png"]))
        assert new["svg"] != old["svg"]  # the SVG holds the same shapes, written as one path per scale point
