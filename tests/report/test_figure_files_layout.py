"""``figure_files`` lays a figure out once (issue 17): the PNG is the one the two-pass rendering gave, the SVG is
drawn with the PNG's layout, and the figure keeps its layout engine."""

from __future__ import annotations

import io

import matplotlib
from matplotlib.layout_engine import ConstrainedLayoutEngine

from alliance_stats.report.figures import FIGURE_DPI, figure_files, likert_diverging_bars
from tests.report.builders import make_instrument, make_likert_responses


def _figure():  # noqa: ANN202
    instrument = make_instrument()
    return likert_diverging_bars(make_likert_responses(), instrument, "fr")


def test_png_unchanged_and_svg_with_the_png_layout() -> None:
    before = _figure()  # what figure_files wrote before: a PNG save, then an SVG save laid out again
    png = io.BytesIO()
    before.savefig(png, format="png", dpi=FIGURE_DPI, metadata={"Software": "alliance-stats (matplotlib)"})
    figure = _figure()
    files = figure_files(figure)
    assert files["png"] == png.getvalue()
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
