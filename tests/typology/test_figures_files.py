"""The typology map's files (issue 17): its title placed ahead (y = 1) and its ticks only where they can be drawn
give the bytes of matplotlib's automatic title placement and plain locators."""

from __future__ import annotations

import warnings

from alliance_stats.report.figures import InViewLocator, figure_files
from alliance_stats.typology import cluster_check, typology_map

from .synthetic import four_blobs


def _as_before(figure):  # noqa: ANN001, ANN202
    """``figure`` with matplotlib's automatic title placement and the locators InViewLocator wraps put back."""
    for ax in figure.axes:
        ax._autotitlepos = True
        for axis in (ax.xaxis, ax.yaxis):
            for which in ("major", "minor"):
                locator = getattr(axis, f"get_{which}_locator")()
                if isinstance(locator, InViewLocator):
                    getattr(axis, f"set_{which}_locator")(locator.locator)
    return figure


def test_map_files_are_those_of_the_automatic_placement_and_plain_locators() -> None:
    dyads = four_blobs(40, seed=3)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        check = cluster_check(dyads, methods=("kmeans",), n_boot=10, n_perm=19, gap_b=5, k_range=range(1, 5))
    for build in (lambda: typology_map(dyads, check, "fr"), lambda: typology_map(dyads, lang="en")):
        shortcut = build()
        ax = shortcut.axes[0]
        assert not ax._autotitlepos and ax.get_title(loc="left")  # the title is placed ahead
        assert isinstance(ax.xaxis.get_major_locator(), InViewLocator)
        files = figure_files(shortcut)
        assert len(ax.xaxis.majorTicks) == len(ax.xaxis._update_ticks())  # no tick beyond the view
        assert files == figure_files(_as_before(build()))
