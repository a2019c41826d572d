"""Report figures: language, decimal comma on axes, greyscale cues, deterministic files."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest
from matplotlib.figure import Figure
from matplotlib.text import Text

from alliance_stats.report.figures import (
    DecimalFormatter,
    figure_files,
    forest_plot,
    format_tick,
    k_selection_plot,
    likert_distribution,
    likert_diverging_bars,
    png_size,
    power_curves_plot,
    predicted_probabilities_plot,
    scree_plot,
    term_label,
)
from tests.report.builders import make_instrument, make_likert_responses

EIGEN = pd.DataFrame({"observed": [3.2, 1.6, 1.05, 0.7, 0.5], "simulated": [1.4, 1.25, 1.12, 1.0, 0.9]})
ESTIMATES = pd.DataFrame({
    "model": ["M1", "M1", "M1", "M2", "M2", "M2"],
    "term": ["Intercept", "survie", "contre_nature", "link", "symmetry", "link:symmetry"],
    "odds_ratio": [0.5, 0.3, 0.45, 1.8, 1.2, 1.1],
    "ci_low": [0.2, 0.12, 0.2, 1.2, 0.8, 0.0],
    "ci_high": [1.0, 0.7, 1.0, 2.7, 1.8, np.inf],
})
PREDICTIONS = pd.DataFrame({
    "level": ["entraide", "parrainage", "survie", "contre_nature"], "prob": [0.62, 0.48, 0.25, 0.33],
    "ci_low": [0.5, 0.35, 0.15, 0.2], "ci_high": [0.73, 0.6, 0.38, 0.47],
})
K_WIDE = pd.DataFrame({
    "k": [2, 3, 4, 5] * 2, "algorithm": ["kmeans"] * 4 + ["gmm"] * 4,
    "silhouette": [0.31, 0.35, 0.41, 0.33, 0.29, 0.34, 0.39, 0.30],
    "bic": [-1200.5, -1180.0, -1150.2, -1160.8, -1230.0, -1190.1, -1170.3, -1175.0],
})
POWER = pd.DataFrame({
    "n": [100, 200, 300] * 2, "target": ["entraide"] * 3 + ["link"] * 3,
    "power": [0.31, 0.56, 0.74, 0.2, 0.45, 0.61], "mcse": [0.015] * 6,
})


def all_figures(lang: str) -> dict[str, Figure]:
    return {
        "likert": likert_diverging_bars(make_likert_responses(), make_instrument(), lang),
        "scree": scree_plot(EIGEN, lang),
        "forest": forest_plot(ESTIMATES, lang),
        "predicted": predicted_probabilities_plot(PREDICTIONS, lang),
        "k": k_selection_plot(K_WIDE, lang),
        "power": power_curves_plot(POWER, lang),
    }


def tick_texts(figure: Figure) -> list[str]:
    figure.canvas.draw()
    texts = []
    for ax in figure.axes:
        if not ax.get_visible():
            continue
        for axis in (ax.xaxis, ax.yaxis):
            texts += [t.get_text() for t in axis.get_ticklabels() if t.get_visible() and t.get_text()]
    return texts


def figure_texts(figure: Figure) -> list[str]:
    figure.canvas.draw()
    return [t.get_text() for t in figure.findobj(Text) if t.get_text()]


@pytest.fixture(scope="module")
def figures_fr() -> dict[str, Figure]:
    return all_figures("fr")


@pytest.fixture(scope="module")
def figures_en() -> dict[str, Figure]:
    return all_figures("en")


@pytest.mark.parametrize("name", ["likert", "scree", "forest", "predicted", "k", "power"])
def test_french_axes_use_a_decimal_comma(name, figures_fr, figures_en):
    fr_ticks = tick_texts(figures_fr[name])
    en_ticks = tick_texts(figures_en[name])
    numbers_fr = [t for t in fr_ticks if re.search(r"\d", t)]
    assert numbers_fr, f"{name}: no numeric tick label"
    assert not any(re.search(r"\d\.\d", t) for t in fr_ticks), fr_ticks
    if name != "likert":  # percentages are whole numbers
        assert any(re.search(r"\d,\d", t) for t in fr_ticks), fr_ticks
        assert any(re.search(r"\d\.\d", t) for t in en_ticks), en_ticks
        assert not any(re.search(r"\d,\d", t) for t in en_ticks), en_ticks


@pytest.mark.slow
def test_labels_follow_the_language(figures_fr, figures_en):
    assert figures_fr["scree"].axes[0].get_ylabel() == "Valeur propre"
    assert figures_en["scree"].axes[0].get_ylabel() == "Eigenvalue"
    fr_predicted = [t.get_text() for t in figures_fr["predicted"].axes[0].get_xticklabels()]
    assert fr_predicted == ["Entraide", "Parrainage", "Survie", "Contre nature"]
    en_forest = [t.get_text() for t in figures_en["forest"].axes[0].get_yticklabels()]
    assert en_forest == ["Survival", "Against nature", "Link", "Interest symmetry", "Link × Interest symmetry"]
    assert "Puissance visée = 0,8" in figure_texts(figures_fr["power"])
    assert "Entraide" in figure_texts(figures_fr["power"])
    likert_fr = figure_texts(figures_fr["likert"])
    assert "Tout à fait d'accord" in likert_fr and "Lien social (LINK)" in likert_fr
    assert any(t.startswith("LINK_3 (I)") for t in likert_fr)
    assert any(t.startswith("LINK_3 (R)") for t in figure_texts(figures_en["likert"]))
    assert "50\u00a0%" in tick_texts(figures_fr["likert"]) and "50%" in tick_texts(figures_en["likert"])


def test_figures_show_no_personal_data(figures_fr):
    texts = " ".join(figure_texts(figures_fr["likert"]))
    assert "Jeanne" not in texts
    assert b"Jeanne" not in figure_files(figures_fr["likert"])["svg"]


def test_likert_shares_exclude_missing_codes():
    responses = make_likert_responses()
    distribution = likert_distribution(responses, make_instrument(), "LINK")
    assert list(distribution.index) == ["LINK_1", "LINK_2", "LINK_3"]
    assert distribution.loc["LINK_1", "n"] == 39  # the 99 "don't know" is not an answer
    expected = responses["LINK_1"][responses["LINK_1"] != 99].value_counts(normalize=True)
    for point in range(1, 8):
        assert distribution.loc["LINK_1", point] == pytest.approx(expected.get(float(point), 0.0))
    np.testing.assert_allclose(distribution[list(range(1, 8))].sum(axis=1), 1.0)
    assert distribution.loc["LINK_2", "n"] == 40


def test_likert_shares_leave_out_text_fractions_and_a_missing_code_on_the_scale():
    instrument = make_instrument()
    instrument.variables[0].missing_codes = [4, 99]  # LINK_1: 4 declared missing although a scale point
    responses = pd.DataFrame({"LINK_1": [1, 4, 4, 7, 99, 2], "LINK_2": ["3", "x", 3.5, 2, None, 3],
                              "LINK_3": [np.nan] * 6})
    distribution = likert_distribution(responses, instrument, "LINK")
    assert list(distribution["n"]) == [3, 3, 0]
    assert list(distribution.loc["LINK_1", range(1, 8)]) == [1 / 3, 1 / 3, 0.0, 0.0, 0.0, 0.0, 1 / 3]
    assert list(distribution.loc["LINK_2", range(1, 8)]) == [0.0, 1 / 3, 2 / 3, 0.0, 0.0, 0.0, 0.0]
    assert distribution.loc["LINK_3", range(1, 8)].isna().all()


def test_likert_bars_diverge_around_the_neutral_point():
    responses = make_likert_responses()
    figure = likert_diverging_bars(responses, make_instrument(), "en", constructs=["SYM"])
    ax = figure.axes[0]
    shares = likert_distribution(responses, make_instrument(), "SYM")
    bars = ax.patches  # one path of bars per scale point, item rows in the order of the y axis
    assert len(bars) == 7
    y = {tick: row for row, tick in enumerate(ax.get_yticks())}
    for row, item in enumerate(shares.index):
        rectangles = [bar.get_path().vertices.reshape(-1, 5, 2)[row] for bar in bars]
        assert all(y[round((r[:, 1].min() + r[:, 1].max()) / 2)] == row for r in rectangles)
        widths = [r[:, 0].max() - r[:, 0].min() for r in rectangles]
        assert sum(widths) == pytest.approx(100.0)
        disagree = shares.loc[item, [1, 2, 3]].sum() + shares.loc[item, 4] / 2
        assert rectangles[0][:, 0].min() == pytest.approx(-100 * disagree)
        assert widths == pytest.approx(list(100 * shares.loc[item, list(range(1, 8))]))
    # greyscale: the disagree side is hatched, the agree side is not
    assert [bool(c.get_hatch()) for c in bars] == [True] * 3 + [False] * 4


def test_likert_needs_items():
    with pytest.raises(ValueError, match="no Likert item"):
        likert_diverging_bars(pd.DataFrame({"X": [1]}), make_instrument(), "fr")


def test_series_differ_by_marker_and_line_style(figures_en):
    for name in ("scree", "k", "power"):
        ax = figures_en[name].axes[0]
        lines = [line for line in ax.get_lines() if line.get_label()[:1] != "_"
                 and line.get_marker() not in (None, "None", "")]
        lines += [container.lines[0] for container in ax.containers]  # error-bar series
        markers = {line.get_marker() for line in lines}
        styles = {line.get_linestyle() for line in lines}
        assert len(markers) == len(lines) >= 2, name
        assert len(styles) == len(lines), name


def test_scree_marks_the_parallel_analysis_rule():
    figure = scree_plot({"observed": [2.5, 1.3, 1.0], "simulated": [1.2, 1.1, 1.05]}, "en")
    retained = [line for line in figure.axes[0].get_lines() if line.get_label().startswith("Factors retained")]
    assert retained[0].get_label() == "Factors retained = 2"
    assert retained[0].get_xdata()[0] == 2
    framed = EIGEN.assign(factor=[1, 2, 3, 4, 5])
    assert isinstance(scree_plot(framed, "fr", n_retained=3, kaiser_line=True), Figure)


def test_forest_plot_is_log_scaled_and_drops_the_intercept(figures_en):
    ax = figures_en["forest"].axes[0]
    assert ax.get_xscale() == "log"
    assert "Intercept" not in [t.get_text() for t in ax.get_yticklabels()]
    low, high = ax.get_xlim()
    assert low < 0.12 and high > 2.7
    with pytest.raises(ValueError, match="odds_ratio"):
        forest_plot(ESTIMATES.drop(columns="odds_ratio"), "en")
    single = forest_plot(ESTIMATES.drop(columns="model").set_index("term"), "fr")
    assert single.axes[0].get_yticklabels()[0].get_text() == "Survie"


def test_k_selection_accepts_long_format():
    long = K_WIDE.melt(id_vars=["k", "algorithm"], var_name="criterion", value_name="value")
    titles_long = [ax.get_title(loc="left") for ax in k_selection_plot(long, "en").axes if ax.get_visible()]
    titles_wide = [ax.get_title(loc="left") for ax in k_selection_plot(K_WIDE, "en").axes if ax.get_visible()]
    assert titles_long == titles_wide == ["Mean silhouette", "BIC"]


def test_figure_inputs_are_not_modified():
    frames = [ESTIMATES, PREDICTIONS, K_WIDE, POWER, EIGEN]
    copies = [frame.copy(deep=True) for frame in frames]
    responses = make_likert_responses()
    responses_copy = responses.copy(deep=True)
    all_figures("fr")
    for frame, copy in zip(frames, copies, strict=True):
        pd.testing.assert_frame_equal(frame, copy)
    pd.testing.assert_frame_equal(responses, responses_copy)


@pytest.mark.slow
def test_figure_files_are_byte_identical_across_renders():
    first = figure_files(forest_plot(ESTIMATES, "fr"))
    second = figure_files(forest_plot(ESTIMATES, "fr"))
    assert first["svg"] == second["svg"]
    assert first["png"] == second["png"]
    assert b"<dc:date>" not in first["svg"]
    assert first["svg"].lstrip().startswith(b"<?xml")


def test_png_resolution_is_200_dpi(figures_en):
    figure = figures_en["predicted"]
    width, height = png_size(figure_files(figure)["png"])
    inches = figure.get_size_inches()
    assert (width, height) == (round(inches[0] * 200), round(inches[1] * 200))


def test_tick_formatting_helpers():
    assert format_tick(0.5, "fr") == "0,5"
    assert format_tick(-0.0, "fr", 1) == "0,0"
    assert format_tick(-2.25, "en") == "\u22122.25"
    formatter = DecimalFormatter("fr")
    assert formatter.format_ticks([0.0, 0.5, 1.0]) == ["0,0", "0,5", "1,0"]
    assert DecimalFormatter("fr", each=True).format_ticks([0.2, 1.0, 5.0]) == ["0,2", "1", "5"]
    assert DecimalFormatter("en", percent=True, absolute=True).format_ticks([-50, 0, 50]) == ["50%", "0%", "50%"]
    assert term_label("link:symmetry", "fr") == "Lien × Symétrie de l'intérêt"


def test_likert_bars_with_the_bundled_instrument():
    from alliance_stats.instrument import default_instrument

    instrument = default_instrument()
    items = instrument.items("TRS")
    rng = np.random.default_rng(3)
    responses = pd.DataFrame({item.name: rng.integers(1, 8, size=30).astype(float) for item in items})
    figure = likert_diverging_bars(responses, instrument, "fr", constructs=["TRS"])
    texts = figure_texts(figure)
    assert f"{instrument.constructs['TRS'].label['fr']} (TRS)" in texts
    labels = [t.get_text() for t in figure.axes[0].get_yticklabels()]
    assert [label.split()[0] for label in labels] == [item.name for item in items]
    reversed_names = {item.name for item in items if item.reverse}
    assert {label.split()[0] for label in labels if "(I)" in label} == reversed_names
