"""typology_map: labels in French and English, decimal comma, greyscale-readable encodings."""

from __future__ import annotations

import colorsys
import warnings

import numpy as np
import pandas as pd
import pytest
from matplotlib.colors import to_rgb
from matplotlib.figure import Figure

from alliance_stats.core.errors import SpecificationError
from alliance_stats.typology import CONFIGURATIONS, cluster_check, typology_map
from alliance_stats.typology.figures import CONFIGURATION_MARKERS

from .synthetic import four_blobs


@pytest.fixture(scope="module")
def dyads_and_check():
    dyads = four_blobs(80, seed=9)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        check = cluster_check(dyads, methods=("kmeans", "gmm"), n_boot=10, n_perm=19, gap_b=10, k_range=range(1, 6))
    return dyads, check


def texts(figure: Figure) -> list[str]:
    found = [t.get_text() for t in figure.findobj(lambda a: hasattr(a, "get_text"))]
    return [t for t in found if t]


def test_labels_in_both_languages(dyads_and_check) -> None:
    dyads, check = dyads_and_check
    en = typology_map(dyads, check, "en")
    fr = typology_map(dyads, check, "fr", method="gmm")
    assert isinstance(en, Figure)
    en_texts, fr_texts = texts(en), texts(fr)
    for word in ("Mutual aid", "Sponsorship", "Survival", "Against nature", "Cluster 1 (Mutual aid)", "Cluster centre"):
        assert word in en_texts
    for word in ("Entraide", "Parrainage", "Survie", "Contre nature", "Groupe 1 (Entraide)", "Centre de groupe"):
        assert word in fr_texts
    assert fr.axes[0].get_xlabel().startswith("Lien")
    assert "Mélange gaussien" in fr.axes[0].get_title(loc="left")
    assert any("4,00" in t for t in fr_texts) and not any("4.00" in t for t in fr_texts)
    assert any("4.00" in t for t in en_texts)


def test_decimal_comma_on_axes() -> None:
    figure = typology_map(pd.DataFrame({"link": [1.5, 6.5], "symmetry": [2.0, 6.0]}), lang="fr")
    formatter = figure.axes[0].xaxis.get_major_formatter()
    assert formatter(2.5, 0) == "2,5" and formatter(3.0, 0) == "3"


def test_greyscale_readable_encodings(dyads_and_check) -> None:
    dyads, check = dyads_and_check
    figure = typology_map(dyads, check, "en")
    assert len(set(CONFIGURATION_MARKERS.values())) == len(CONFIGURATIONS)
    legend = figure.axes[1].get_legend()
    handles = legend.legend_handles
    markers = [h.get_marker() for h in handles[:4]]
    assert markers == [CONFIGURATION_MARKERS[c] for c in CONFIGURATIONS]
    cluster_colours = [to_rgb(h.get_markerfacecolor()) for h in handles[4:8]]
    lightness = [colorsys.rgb_to_hls(*colour)[1] for colour in cluster_colours]
    grey = [0.299 * r + 0.587 * g + 0.114 * b for r, g, b in cluster_colours]
    assert np.all(np.diff(lightness) > 0.05) or np.all(np.diff(grey) > 0.05)
    figure.canvas.draw()


def test_without_a_check_and_bad_input() -> None:
    dyads = four_blobs(40, seed=1)
    figure = typology_map(dyads, lang="en")
    assert "Dyads in the link x symmetry plane" in figure.axes[0].get_title(loc="left")
    with pytest.raises(SpecificationError):
        typology_map(dyads.drop(columns="symmetry"))
    with pytest.raises(ValueError):
        typology_map(dyads, lang="de")
