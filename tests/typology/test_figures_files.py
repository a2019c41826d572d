"""The typology map's files (issue 17): its title placed ahead (y = 1) gives the bytes of matplotlib's automatic
title placement."""

from __future__ import annotations

import warnings

from alliance_stats.report.figures import figure_files
from alliance_stats.typology import cluster_check, typology_map

from .synthetic import four_blobs


def _as_before(figure):  # noqa: ANN001, ANN202
    """``figure`` with matplotlib's automatic title placement put back."""
    for ax in figure.axes:
        ax._autotitlepos = True
    return figure


def test_map_files_are_those_of_the_automatic_title_placement() -> None:
    dyads = four_blobs(40, seed=3)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        check = cluster_check(dyads, methods=("kmeans",), n_boot=10, n_perm=19, gap_b=5, k_range=range(1, 5))
    for build in (lambda: typology_map(dyads, check, "fr"), lambda: typology_map(dyads, lang="en")):
        shortcut = build()
        ax = shortcut.axes[0]
        assert not ax._autotitlepos and ax.get_title(loc="left")  # the title is placed ahead
        assert figure_files(shortcut) == figure_files(_as_before(build()))
