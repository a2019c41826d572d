"""Figures of the report (matplotlib, Agg canvas), readable in greyscale, labelled in French or English.

Every function takes plain pandas objects (no stage result, no raw responses beyond the Likert items) and
returns a :class:`matplotlib.figure.Figure` built without pyplot (no global figure registry, no backend
switch: each figure gets its own Agg canvas). :func:`figure_files` turns a figure into PNG and SVG bytes.

Conventions
-----------
- Greyscale-readable: series differ by marker, line style and fill (and Likert sides by hatching), never by
  colour alone; the palette is grey.
- Numbers on axes go through :class:`DecimalFormatter`, so French figures show a decimal comma
  (``0,5``) whatever the machine's locale (matplotlib's ``axes.formatter.use_locale`` depends on an
  installed system locale and is not used).
- Deterministic files: SVG ids are salted with a fixed ``svg.hashsalt`` and carry no date; PNG metadata
  carry no date either, so two renders of the same figure are byte-identical.
- Ticks only where they can be drawn: every figure's locators are wrapped in :class:`InViewLocator` (matplotlib
  makes, labels and places a tick object for each location, drawn or not), and titles and empty axis labels are
  placed ahead where matplotlib's automatic placement would put them; the files are those of the plain figure.
- PNG files of grey figures are 8-bit greyscale (every pixel as matplotlib's RGBA rendering has it, half the
  bytes); a figure with colour keeps matplotlib's RGBA PNG.

Reference: diverging stacked bars follow Heiberger & Robbins (2014), "Design of diverging stacked bar
charts for Likert scales and other applications", J. Stat. Softw. 57(5) (R package HH ``likert``);
the scree plot follows ``psych::fa.parallel`` (observed versus simulated eigenvalues).
"""

from __future__ import annotations

import io
import math
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import matplotlib
import matplotlib.image
import numpy as np
import pandas as pd
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch, PathPatch
from matplotlib.path import Path
from matplotlib.ticker import FixedLocator, Formatter, Locator, MaxNLocator, MultipleLocator, NullFormatter, NullLocator
from PIL import Image
from PIL.PngImagePlugin import PngInfo

from alliance_stats.core.i18n import check_lang
from alliance_stats.report.labels import label

FIGURE_DPI = 200
SVG_HASHSALT = "alliance-stats"
WIDTH_INCHES = 6.3  # fits a portrait A4 / letter text block

STYLE: dict[str, Any] = {
    "font.family": "DejaVu Sans",
    "font.size": 8,
    "axes.titlesize": 8.5,
    "axes.titleweight": "bold",
    "axes.labelsize": 8,
    "axes.linewidth": 0.6,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.unicode_minus": True,
    "xtick.labelsize": 7.5,
    "ytick.labelsize": 7.5,
    "xtick.major.width": 0.6,
    "ytick.major.width": 0.6,
    "legend.fontsize": 7.5,
    "legend.frameon": False,
    "lines.linewidth": 1.2,
    "lines.markersize": 5,
    "hatch.linewidth": 0.5,
    "svg.fonttype": "path",
    "svg.hashsalt": SVG_HASHSALT,
    "figure.facecolor": "white",
    "savefig.facecolor": "white",
}

GREYS: tuple[str, ...] = ("0.05", "0.45", "0.25", "0.6", "0.35", "0.5")
MARKERS: tuple[str, ...] = ("o", "s", "^", "D", "v", "P", "X", "<")
LINESTYLES: tuple[Any, ...] = ("-", "--", ":", "-.", (0, (5, 1, 1, 1, 1, 1)), (0, (1, 2)))
INTERCEPT_NAMES = frozenset({"intercept", "(intercept)", "const", "constant", "constante"})


# ------------------------------------------------------------------------------------ number format


def format_tick(value: float, lang: str, decimals: int | None = None) -> str:
    """Text of one axis number: decimal comma in French, typographic minus, no ``-0``.

    >>> format_tick(0.5, "fr")
    '0,5'
    >>> format_tick(-1.25, "en", 1)
    '−1.2'
    """
    if not math.isfinite(value):
        return ""
    if decimals is None:
        text = np.format_float_positional(round(float(value), 10), trim="-")
    else:
        text = f"{value:.{decimals}f}"
    if text.startswith("-") and not any(digit in text for digit in "123456789"):
        text = text[1:]
    text = text.replace("-", "\u2212")
    return text.replace(".", ",") if lang == "fr" else text


def _decimals_needed(values: Iterable[float], limit: int = 6) -> int:
    finite = [float(v) for v in values if math.isfinite(v)]
    for decimals in range(limit + 1):
        if all(abs(round(v, decimals) - v) < 1e-9 * max(1.0, abs(v)) for v in finite):
            return decimals
    return limit


class DecimalFormatter(Formatter):
    """Tick formatter with a locale-independent decimal mark.

    All ticks of an axis share the smallest number of decimals that prints each of them exactly
    (``0,0 0,5 1,0``), unless ``each`` is true (each tick uses its own, for log axes: ``0,2 0,5 1 2``).

    Parameters
    ----------
    lang
        ``"fr"`` (decimal comma) or ``"en"``.
    percent
        Append a percent sign (``50 %`` with a no-break space in French, ``50%`` in English).
    absolute
        Print absolute values (the left half of a diverging bar chart).
    each
        Decimals per tick rather than shared.
    """

    def __init__(self, lang: str, *, percent: bool = False, absolute: bool = False, each: bool = False):
        self.lang = check_lang(lang)
        self.percent = percent
        self.absolute = absolute
        self.each = each
        self._shared_decimals: int | None = None

    def set_locs(self, locs: Sequence[float]) -> None:
        """Remember the decimals that all ticks of the axis need (called by matplotlib before drawing): those of
        every location the locator made, the ones :class:`InViewLocator` left out included."""
        locator = self.axis.get_major_locator() if self.axis is not None else None
        if isinstance(locator, InViewLocator) and locator.made is not None and {float(v) for v in locs} <= set(
                locator.made):  # the locations this locator kept (not those of a minor locator)
            locs = locator.made
        values = [abs(float(v)) if self.absolute else float(v) for v in locs]
        self._shared_decimals = _decimals_needed(values) if values else None

    def __call__(self, x: float, pos: int | None = None) -> str:
        value = abs(x) if self.absolute else x
        shared = None if self.each else self._shared_decimals
        decimals = _decimals_needed([value]) if shared is None else shared
        text = format_tick(value, self.lang, decimals)
        if self.percent and text:
            text += "\u00a0%" if self.lang == "fr" else "%"
        return text


def _format_axis(axis: Any, lang: str, **options: Any) -> None:
    axis.set_major_formatter(DecimalFormatter(lang, **options))


class InViewLocator(Locator):
    """The locations of ``locator`` that can be drawn: those outside the axis's view interval left out.

    matplotlib makes a tick (two lines, a grid line and two texts, each styled) for every location a locator returns,
    labels and places it at every layout pass and draw, and draws only those within the view interval
    (``Axis._update_ticks``): a ``MultipleLocator`` or ``MaxNLocator`` adds one location beyond each end, a log
    axis's minor locator a whole decade. Leaving those out draws the same ticks (a location is kept when within the
    interval widened by a millionth of its length, matplotlib's own test being a ten-billionth) with a quarter fewer
    tick objects. :class:`DecimalFormatter` still counts its decimals on every location made (:attr:`made`), so
    labels do not change either.

    Parameters
    ----------
    locator
        The locator whose locations are filtered (autoscaling and view limits are its own).
    """

    def __init__(self, locator: Locator):
        self.locator = locator
        self.made: list[float] | None = None

    def set_axis(self, axis: Any) -> None:
        super().set_axis(axis)
        self.locator.set_axis(axis)

    def __call__(self) -> list[float]:
        made = [float(v) for v in self.locator()]
        self.made = made
        low, high = sorted(self.axis.get_view_interval())
        low_t, high_t = sorted(self.axis.get_transform().transform([low, high]))
        slack = (high_t - low_t) * 1e-6
        with np.errstate(all="ignore"):
            shown = self.axis.get_transform().transform(np.asarray(made, dtype=float).reshape(-1, 1)).ravel()
        return [v for v, t in zip(made, shown, strict=True) if not t < low_t - slack and not t > high_t + slack]

    def tick_values(self, vmin: float, vmax: float) -> Any:
        return self.locator.tick_values(vmin, vmax)

    def nonsingular(self, v0: float, v1: float) -> tuple[float, float]:
        return self.locator.nonsingular(v0, v1)

    def view_limits(self, vmin: float, vmax: float) -> tuple[float, float]:
        return self.locator.view_limits(vmin, vmax)

    def set_params(self, **kwargs: Any) -> None:
        self.locator.set_params(**kwargs)


def ticks_in_view(axes: Iterable[Any]) -> None:
    """Give every axis of ``axes`` an :class:`InViewLocator` of its major and minor locators (call once the axes
    are built: a locator set afterwards, e.g. by ``set_xticks``, replaces it); a ``NullLocator`` (no tick) is
    left as it is, and so is a locator already wrapped (shared axes share their locators)."""
    for ax in axes:
        for axis in (ax.xaxis, ax.yaxis):
            for which in ("major", "minor"):
                locator = getattr(axis, f"get_{which}_locator")()
                if not isinstance(locator, InViewLocator | NullLocator):
                    getattr(axis, f"set_{which}_locator")(InViewLocator(locator))


# --------------------------------------------------------------------------------------- helpers


def _new_figure(width: float, height: float) -> Figure:
    with matplotlib.rc_context(STYLE):
        figure = Figure(figsize=(width, height), layout="constrained")
    FigureCanvasAgg(figure)
    return figure


def _require_columns(frame: pd.DataFrame, columns: Sequence[str], what: str) -> None:
    missing = [column for column in columns if column not in frame.columns]
    if missing:
        raise ValueError(f"{what} needs the columns {list(columns)}; missing {missing} in {list(frame.columns)}")


def _ordered_unique(values: Iterable[Any]) -> list[Any]:
    seen: dict[Any, None] = {}
    for value in values:
        seen.setdefault(value, None)
    return list(seen)


def _series_style(position: int) -> dict[str, Any]:
    """Marker, line style, colour and fill of the ``position``-th series (greyscale-distinct)."""
    colour = GREYS[position % len(GREYS)]
    filled = position % 2 == 0
    return {
        "marker": MARKERS[position % len(MARKERS)],
        "linestyle": LINESTYLES[position % len(LINESTYLES)],
        "color": colour,
        "markerfacecolor": colour if filled else "white",
        "markeredgecolor": colour,
    }


def _truncate(text: str, limit: int) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _frame_from(data: pd.DataFrame | Mapping[str, Any]) -> pd.DataFrame:
    return data if isinstance(data, pd.DataFrame) else pd.DataFrame(dict(data))


# ----------------------------------------------------------------------------------------- Likert


def likert_distribution(responses: pd.DataFrame, instrument: Any, code: str) -> pd.DataFrame:
    """Share of valid answers in each scale point for every item of construct ``code``.

    Declared missing codes (e.g. 99 "don't know"), empty answers and codes outside the scale are left
    out of the denominator.

    Returns
    -------
    DataFrame
        One row per item present in ``responses`` (index: item name, questionnaire order), one column per
        scale point (shares summing to 1), plus ``n`` (valid answers).
    """
    rows: dict[str, pd.Series] = {}
    counts: dict[str, int] = {}
    points: list[int] = []
    for item in instrument.items(code):
        if item.name not in responses.columns:
            continue
        scale = instrument.scales[item.scale]
        points = list(range(int(scale.min), int(scale.max) + 1))
        answers = pd.to_numeric(responses[item.name], errors="coerce").to_numpy(dtype=float)
        answers = answers[~np.isin(answers, list(item.missing_codes or []))]
        tallies = (answers[:, None] == np.asarray(points, dtype=float)).sum(axis=0).astype(float)
        size = int(tallies.sum())  # the answers on a scale point
        counts[item.name] = size
        rows[item.name] = pd.Series(tallies / size if size else tallies * np.nan, index=points)
    table = pd.DataFrame.from_dict(rows, orient="index", columns=points)
    table["n"] = pd.Series(counts, dtype="int64")
    return table


def likert_diverging_bars(
    responses: pd.DataFrame,
    instrument: Any,
    lang: str = "en",
    constructs: Sequence[str] | None = None,
    wording_chars: int = 40,
) -> Figure:
    """Diverging stacked bars of the Likert answers, one panel per construct.

    Disagreement extends to the left of zero, agreement to the right, the neutral point straddles zero
    (Heiberger & Robbins 2014). Sides differ by hatching (disagree) and by grey level, so the figure
    reads in greyscale. Percentages are of valid answers (declared missing codes excluded).

    Parameters
    ----------
    responses
        Responses in the canonical layout; only the Likert item columns are read.
    instrument
        The :class:`~alliance_stats.instrument.Instrument` (constructs, items, scales, wording).
    lang
        Language of labels, scale points and numbers.
    constructs
        Construct codes to draw (default: every construct with items in ``responses``, instrument order).
        Pass one code to get one figure per construct (all eleven constructs in one figure make a figure
        about 18 inches tall: group them, e.g. dyad-level and firm-level constructs).
    wording_chars
        Item wording is shortened to this many characters on the axis.

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> fig = likert_diverging_bars(responses, instrument, "fr", constructs=["LINK"])  # doctest: +SKIP
    """
    check_lang(lang)
    codes = list(constructs) if constructs is not None else list(instrument.construct_codes())
    panels: list[tuple[str, pd.DataFrame]] = []
    for code in codes:
        distribution = likert_distribution(responses, instrument, code)
        if len(distribution):
            panels.append((code, distribution))
    if not panels:
        raise ValueError(f"no Likert item of the constructs {codes} is a column of the responses")

    n_items = sum(len(distribution) for _, distribution in panels)
    height = 0.24 * n_items + 0.42 * len(panels) + 1.1
    figure = _new_figure(WIDTH_INCHES, height)
    with matplotlib.rc_context(STYLE):
        axes = figure.subplots(
            len(panels), 1, sharex=True, squeeze=False,
            gridspec_kw={"height_ratios": [len(d) + 0.6 for _, d in panels]},
        )[:, 0]
        legend_handles: list[Patch] = []
        for ax, (code, distribution) in zip(axes, panels, strict=True):
            items = {item.name: item for item in instrument.items(code)}
            points = [column for column in distribution.columns if column != "n"]
            scale = instrument.scales[items[distribution.index[0]].scale]
            shares = distribution[points].fillna(0.0).to_numpy() * 100
            n_points = len(points)
            mid = (n_points - 1) / 2  # position of the neutral point (between two points when even)
            left_of_zero = shares[:, [i for i in range(n_points) if i < mid]].sum(axis=1)
            if n_points % 2 == 1:
                left_of_zero = left_of_zero + shares[:, int(mid)] / 2
            start = -left_of_zero
            y = np.arange(len(distribution))[::-1]
            handles = []
            for i, point in enumerate(points):
                distance = abs(i - mid) / max(mid, 1)  # 0 at the neutral point, 1 at the extremes
                grey = 0.93 - 0.68 * distance
                neutral = n_points % 2 == 1 and i == int(mid)
                style = {"facecolor": str(round(grey, 3)) if not neutral else "white", "edgecolor": "0.15",
                         "linewidth": 0.4, "hatch": "/////" if i < mid else None,
                         "hatchcolor": "0.1" if grey > 0.5 else "white"}
                ax.add_patch(_bars(y, start, shares[:, i], 0.72, style))
                handles.append(Patch(
                    **style, label=str(scale.labels.get(point, {}).get(lang, point)) if scale.labels else str(point),
                ))
                start = start + shares[:, i]
            if not legend_handles:
                legend_handles = handles
            reversed_mark = label("reversed_item", lang)
            ticklabels = []
            for name in distribution.index:
                item = items[name]
                wording = _truncate(item.text.get(lang, ""), wording_chars) if getattr(item, "text", None) else ""
                mark = f" {reversed_mark}" if getattr(item, "reverse", False) else ""
                ticklabels.append(f"{name}{mark}  {wording}".rstrip())
            ax.set_yticks(y, ticklabels)
            ax.tick_params(axis="y", length=0)
            ax.axvline(0, color="0", linewidth=0.8)
            ax.set_xlim(-100, 100)
            construct = instrument.constructs[code]
            # y given: where matplotlib's automatic placement puts a title when nothing stands above the panel (no
            # top ticks, labels or offset text here), without that placement measuring every tick label of the
            # panel at each draw (about a seventh of this figure's drawing time)
            ax.set_title(f"{construct.label.get(lang, code)} ({code})", loc="left", y=1.0)
            ax.spines["left"].set_visible(False)
            ax.set_ylim(-0.6, len(distribution) - 0.4)
        axes[-1].xaxis.set_major_locator(MultipleLocator(50))
        axes[-1].xaxis.set_minor_locator(MultipleLocator(25))
        _format_axis(axes[-1].xaxis, lang, percent=True, absolute=True)
        axes[-1].set_xlabel(label("percent_of_answers", lang))
        _unplaced_empty_labels(axes)
        figure.legend(
            handles=legend_handles, loc="outside lower center", ncol=min(len(legend_handles), 4),
            handlelength=1.6, columnspacing=1.0,
        )
    ticks_in_view(figure.axes)
    return figure


def _bars(y: np.ndarray, left: np.ndarray, width: np.ndarray, height: float, style: dict[str, Any]) -> PathPatch:
    """Horizontal bars as one patch of one path: the rectangles ``Axes.barh`` would make (same corners, in the same
    order, the same edge, fill and hatch), each a closed subpath.

    One path is filled, hatched and stroked by one drawing call, where one patch per bar (``barh``) or a collection
    renders Agg's hatch tile again for every bar (half the drawing time of a Likert figure). The bars of one scale
    point lie in different rows, several pixels apart, so drawing them together leaves every pixel as drawing them
    one by one (tested against ``barh``).
    """
    x0, x1 = left, left + width
    y0, y1 = y - height / 2, y + height / 2
    corners = np.stack([np.column_stack(pair) for pair in ((x0, y0), (x1, y0), (x1, y1), (x0, y1), (x0, y0))], axis=1)
    codes = np.tile([Path.MOVETO, Path.LINETO, Path.LINETO, Path.LINETO, Path.CLOSEPOLY], len(corners))
    return PathPatch(Path(corners.reshape(-1, 2), codes.astype(Path.code_type)), joinstyle="miter", capstyle="butt",
                     **style)


def _unplaced_empty_labels(axes: Iterable[Any]) -> None:
    """Leave out of matplotlib's label placement the axis labels that are empty (nothing is drawn for them, and
    a tight box of no width counts for no layout): the automatic placement measures every tick label of the axis
    again at each draw to put a label below or beside them."""
    for ax in axes:
        for axis in (ax.xaxis, ax.yaxis):
            if not axis.label.get_text():
                axis.set_label_coords(*axis.label.get_position())


# ------------------------------------------------------------------------------------------ scree


def scree_plot(
    eigenvalues: pd.DataFrame | Mapping[str, Any],
    lang: str = "en",
    n_retained: int | None = None,
    kaiser_line: bool = False,
) -> Figure:
    """Parallel-analysis scree plot: observed eigenvalues against those of simulated random data.

    Parameters
    ----------
    eigenvalues
        Columns (or mapping keys) ``observed`` and ``simulated`` (mean or 95th percentile of the
        simulated eigenvalues), one row per factor in order; an optional ``factor`` column numbers them
        (default 1, 2, ...).
    lang
        Language of labels and numbers.
    n_retained
        Number of factors retained, marked by a vertical line; default: the number of leading factors
        whose observed eigenvalue exceeds the simulated one (the rule of ``psych::fa.parallel``).
    kaiser_line
        Also draw the eigenvalue = 1 line (meaningful for principal components).

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> fig = scree_plot({"observed": [3.1, 1.4, 0.6], "simulated": [1.3, 1.1, 0.9]}, "fr")
    >>> fig.axes[0].get_xlabel()
    'Numéro du facteur'

    Reference: ``psych::fa.parallel`` (psych 2.4), plot of observed and simulated eigenvalues.
    """
    check_lang(lang)
    frame = _frame_from(eigenvalues)
    _require_columns(frame, ["observed", "simulated"], "scree_plot")
    observed = frame["observed"].to_numpy(dtype=float)
    simulated = frame["simulated"].to_numpy(dtype=float)
    factor = (
        frame["factor"].to_numpy(dtype=float) if "factor" in frame.columns else np.arange(1, len(frame) + 1)
    )
    if n_retained is None:
        above = observed > simulated
        n_retained = int(np.argmin(above)) if not above.all() else int(above.size)
    figure = _new_figure(4.6, 3.1)
    with matplotlib.rc_context(STYLE):
        ax = figure.subplots()
        ax.plot(factor, observed, label=label("observed_eigenvalues", lang), **_series_style(0))
        ax.plot(factor, simulated, label=label("simulated_eigenvalues", lang), **_series_style(1))
        if kaiser_line:
            ax.axhline(1.0, color="0.4", linewidth=0.7, linestyle=(0, (1, 1)), label=label("kaiser_line", lang))
        if n_retained > 0:
            ax.axvline(
                n_retained, color="0.3", linewidth=0.7, linestyle=(0, (4, 2)),
                label=f"{label('factors_retained', lang)} = {n_retained}",
            )
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        _format_axis(ax.xaxis, lang)
        _format_axis(ax.yaxis, lang)
        ax.set_xlabel(label("factor_number", lang))
        ax.set_ylabel(label("eigenvalue", lang))
        ax.legend(loc="upper right")
    ticks_in_view(figure.axes)
    return figure


# ----------------------------------------------------------------------------------------- forest


def _offset(index: int, count: int, spread: float) -> float:
    """Vertical offset of the ``index``-th of ``count`` series drawn on one row (top to bottom)."""
    return 0.0 if count <= 1 else spread / 2 - index * spread / (count - 1)


def term_label(term: str, lang: str) -> str:
    """Label of a model term: translated keys, interactions ``a:b`` printed ``A × B``.

    >>> term_label("link:symmetry", "en")
    'Link × Interest symmetry'
    """
    return " × ".join(label(part.strip(), lang) for part in str(term).split(":"))


def _log_ticks(low: float, high: float) -> list[float]:
    candidates = [m * 10.0**e for e in range(-3, 4) for m in (1, 2, 5)]
    ticks = [t for t in candidates if low <= t <= high]
    if len(ticks) > 9:
        ticks = [t for t in ticks if round(t / 10 ** math.floor(math.log10(t)), 6) in (1.0, 5.0)]
    return ticks or [1.0]


def forest_plot(estimates: pd.DataFrame, lang: str = "en", drop_intercept: bool = True) -> Figure:
    """Forest plot of odds ratios with confidence intervals on a log scale, one marker style per model.

    Parameters
    ----------
    estimates
        Columns ``odds_ratio``, ``ci_low``, ``ci_high``; the term in a ``term`` column (else the index);
        optionally ``model`` (one marker, line style and vertical offset per model). Terms are labelled
        through :func:`alliance_stats.report.labels.label` (configuration and dimension keys are translated).
        Infinite bounds (separation) are drawn to the axis edge and ended with an arrow head.
    lang
        Language of labels and numbers.
    drop_intercept
        Leave out the intercept (``Intercept``, ``const``...).

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> est = pd.DataFrame({"term": ["link", "symmetry"], "odds_ratio": [1.8, 0.7],
    ...                     "ci_low": [1.2, 0.5], "ci_high": [2.7, 1.0]})
    >>> forest_plot(est, "fr").axes[0].get_xscale()
    'log'
    """
    check_lang(lang)
    _require_columns(estimates, ["odds_ratio", "ci_low", "ci_high"], "forest_plot")
    frame = estimates.copy()
    if "term" not in frame.columns:
        frame = frame.rename_axis("term").reset_index()
    frame["term"] = frame["term"].astype(str)
    if drop_intercept:
        frame = frame[~frame["term"].str.lower().isin(INTERCEPT_NAMES)]
    if frame.empty:
        raise ValueError("forest_plot has no term to draw")
    models = _ordered_unique(frame["model"]) if "model" in frame.columns else [None]
    terms = _ordered_unique(frame["term"])
    values = frame[["odds_ratio", "ci_low", "ci_high"]].to_numpy(dtype=float)
    finite = values[np.isfinite(values) & (values > 0)]
    low = min(float(finite.min()) if finite.size else 0.5, 1.0) / 1.25
    high = max(float(finite.max()) if finite.size else 2.0, 1.0) * 1.25
    height = 0.3 * len(terms) * max(1, 0.55 * len(models)) + 1.2
    figure = _new_figure(5.2, height)
    with matplotlib.rc_context(STYLE):
        ax = figure.subplots()
        ax.set_xscale("log")
        base_y = {term: len(terms) - 1 - i for i, term in enumerate(terms)}
        # models sharing a term are spread around the term's line; a term of one model sits on its line
        models_of_term = {term: _ordered_unique(frame.loc[frame["term"] == term, "model"]) if "model" in frame
                          else [None] for term in terms}
        spread = 0.62
        handles = []
        for position, model in enumerate(models):
            rows = frame if model is None else frame[frame["model"] == model]
            style = _series_style(position)
            y = np.array([
                base_y[term] + _offset(models_of_term[term].index(model), len(models_of_term[term]), spread)
                for term in rows["term"]
            ])
            estimate = rows["odds_ratio"].to_numpy(dtype=float)
            ci_low = rows["ci_low"].to_numpy(dtype=float)
            ci_high = rows["ci_high"].to_numpy(dtype=float)
            lo_draw = np.where(np.isfinite(ci_low) & (ci_low > 0), ci_low, low)
            hi_draw = np.where(np.isfinite(ci_high), ci_high, high)
            ax.hlines(y, lo_draw, hi_draw, color=style["color"], linestyle=style["linestyle"], linewidth=1.0)
            for yy, lo, hi, lo_ok, hi_ok in zip(
                y, lo_draw, hi_draw, lo_draw == ci_low, hi_draw == ci_high, strict=True
            ):
                if not lo_ok:
                    ax.plot([lo], [yy], marker="<", color=style["color"], markersize=4)
                if not hi_ok:
                    ax.plot([hi], [yy], marker=">", color=style["color"], markersize=4)
            shown = np.isfinite(estimate) & (estimate > 0)
            ax.plot(
                np.clip(estimate[shown], low, high), y[shown], linestyle="none", marker=style["marker"],
                color=style["color"], markerfacecolor=style["markerfacecolor"], markeredgecolor=style["color"],
            )
            handles.append(Line2D(
                [], [], color=style["color"], linestyle=style["linestyle"], marker=style["marker"],
                markerfacecolor=style["markerfacecolor"], label=str(model),
            ))
        ax.axvline(1.0, color="0", linewidth=0.7, linestyle=(0, (3, 2)))
        ax.set_xlim(low, high)
        ax.xaxis.set_major_locator(FixedLocator(_log_ticks(low, high)))
        ax.xaxis.set_minor_formatter(NullFormatter())
        _format_axis(ax.xaxis, lang, each=True)
        ax.set_yticks(list(base_y.values()), [term_label(term, lang) for term in base_y])
        ax.set_ylim(-0.7, len(terms) - 0.3)
        ax.tick_params(axis="y", length=0)
        ax.spines["left"].set_visible(False)
        ax.set_xlabel(label("odds_ratio_ci", lang))
        _unplaced_empty_labels([ax])
        if models != [None]:
            figure.legend(handles=handles, loc="outside lower center", ncol=min(len(models), 4),
                          title=label("model", lang))
    ticks_in_view(figure.axes)
    return figure


# -------------------------------------------------------------------------- predicted probabilities


def predicted_probabilities_plot(predictions: pd.DataFrame, lang: str = "en") -> Figure:
    """Predicted probability of crossing the start-up phase per level (configuration) with its CI.

    Parameters
    ----------
    predictions
        Columns ``level``, ``prob``, ``ci_low``, ``ci_high``; optionally ``model`` (points side by side
        with distinct markers). Levels are labelled through :func:`~alliance_stats.report.labels.label`
        (``entraide`` -> "Mutual aid" / "Entraide").
    lang
        Language of labels and numbers.

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> pred = pd.DataFrame({"level": ["entraide", "survie"], "prob": [0.6, 0.3],
    ...                      "ci_low": [0.5, 0.2], "ci_high": [0.7, 0.4]})
    >>> predicted_probabilities_plot(pred, "fr").axes[0].get_ylabel()
    'Probabilité prédite de franchir le démarrage'
    """
    check_lang(lang)
    _require_columns(predictions, ["level", "prob", "ci_low", "ci_high"], "predicted_probabilities_plot")
    models = _ordered_unique(predictions["model"]) if "model" in predictions.columns else [None]
    levels = _ordered_unique(predictions["level"])
    figure = _new_figure(4.8, 3.2)
    with matplotlib.rc_context(STYLE):
        ax = figure.subplots()
        width = 0.5
        step = width / max(len(models) - 1, 1) if len(models) > 1 else 0.0
        for position, model in enumerate(models):
            rows = predictions if model is None else predictions[predictions["model"] == model]
            offset = -width / 2 + position * step if len(models) > 1 else 0.0
            x = np.array([levels.index(level) + offset for level in rows["level"]])
            prob = rows["prob"].to_numpy(dtype=float)
            errors = np.vstack([prob - rows["ci_low"].to_numpy(dtype=float),
                                rows["ci_high"].to_numpy(dtype=float) - prob])
            style = _series_style(position)
            ax.errorbar(
                x, prob, yerr=np.clip(errors, 0, None), linestyle="none", marker=style["marker"],
                color=style["color"], markerfacecolor=style["markerfacecolor"], capsize=3, elinewidth=1.0,
                label=None if model is None else str(model), markersize=6,
            )
        ax.set_xticks(range(len(levels)), [label(str(level), lang) for level in levels])
        ax.set_xlim(-0.6, len(levels) - 0.4)
        ax.set_ylim(0.0, 1.0)
        ax.yaxis.set_major_locator(MultipleLocator(0.2))
        _format_axis(ax.yaxis, lang)
        ax.set_ylabel(label("predicted_probability", lang))
        ax.set_xlabel(label("configuration", lang))
        ax.grid(axis="y", color="0.85", linewidth=0.5)
        ax.set_axisbelow(True)
        if models != [None]:
            ax.legend(title=label("model", lang))
    ticks_in_view(figure.axes)
    return figure


# ---------------------------------------------------------------------------------------- k choice


def k_selection_plot(k_selection: pd.DataFrame, lang: str = "en") -> Figure:
    """Cluster-number selection curves: one panel per criterion, one line style per algorithm.

    Parameters
    ----------
    k_selection
        Wide (``k`` column or index, one numeric column per criterion such as ``bic``, ``silhouette``,
        ``calinski_harabasz``, ``gap``) or long (columns ``k``, ``criterion``, ``value``); an optional
        ``algorithm`` (or ``method``) column gives one line per algorithm.
    lang
        Language of labels and numbers.

    Returns
    -------
    matplotlib.figure.Figure
    """
    check_lang(lang)
    frame = k_selection.copy()
    if "k" not in frame.columns:
        frame = frame.rename_axis("k").reset_index()
    group = next((name for name in ("algorithm", "method") if name in frame.columns), None)
    if {"criterion", "value"} <= set(frame.columns):
        keys = ["k"] + ([group] if group else [])
        frame = frame.pivot_table(index=keys, columns="criterion", values="value", sort=False).reset_index()
        frame.columns.name = None
    criteria = [
        column for column in frame.columns
        if column not in ("k", group) and pd.api.types.is_numeric_dtype(frame[column])
    ]
    if not criteria:
        raise ValueError(f"k_selection_plot found no numeric criterion column in {list(frame.columns)}")
    n_cols = 1 if len(criteria) == 1 else 2
    n_rows = math.ceil(len(criteria) / n_cols)
    figure = _new_figure(WIDTH_INCHES if n_cols == 2 else 4.2, 2.2 * n_rows + 0.5)
    groups = _ordered_unique(frame[group]) if group else [None]
    with matplotlib.rc_context(STYLE):
        axes = figure.subplots(n_rows, n_cols, squeeze=False).ravel()
        for ax, criterion in zip(axes, criteria, strict=False):
            for position, name in enumerate(groups):
                rows = frame if name is None else frame[frame[group] == name]
                rows = rows.sort_values("k")
                ax.plot(rows["k"].to_numpy(dtype=float), rows[criterion].to_numpy(dtype=float),
                        label=None if name is None else str(name), **_series_style(position))
            ax.set_title(label(str(criterion), lang, default=str(criterion)), loc="left", y=1.0)  # see Likert
            ax.xaxis.set_major_locator(MaxNLocator(integer=True))
            _format_axis(ax.xaxis, lang)
            _format_axis(ax.yaxis, lang)
            ax.set_xlabel(label("number_of_clusters", lang))
        for ax in axes[len(criteria):]:
            ax.set_visible(False)
        _unplaced_empty_labels(axes)
        if group:
            handles, labels = axes[0].get_legend_handles_labels()
            figure.legend(handles, labels, loc="outside lower center", ncol=min(len(groups), 4))
    ticks_in_view(figure.axes)
    return figure


# ------------------------------------------------------------------------------------------ power


def power_curves_plot(power: pd.DataFrame, lang: str = "en", target_power: float = 0.8) -> Figure:
    """Simulated power against sample size, one curve per target (hypothesis or parameter).

    Parameters
    ----------
    power
        Columns ``n`` (sample size), ``target`` (what the power is of; labelled via
        :func:`~alliance_stats.report.labels.label`), ``power`` (share of replicates rejecting) and
        ``mcse`` (its Monte Carlo standard error; drawn as a 95% band, ``power ± 1.96 mcse``).
    lang
        Language of labels and numbers.
    target_power
        Level marked by a horizontal dashed line (0.80 by default).

    Returns
    -------
    matplotlib.figure.Figure
    """
    check_lang(lang)
    _require_columns(power, ["n", "target", "power", "mcse"], "power_curves_plot")
    targets = _ordered_unique(power["target"])
    many = len(targets) > 4  # the legend goes beside the plot so that it never hides a curve
    figure = _new_figure(7.2 if many else 4.8, 3.2)
    with matplotlib.rc_context(STYLE):
        ax = figure.subplots()
        for position, target in enumerate(targets):
            rows = power[power["target"] == target].sort_values("n")
            n = rows["n"].to_numpy(dtype=float)
            value = rows["power"].to_numpy(dtype=float)
            half = 1.96 * rows["mcse"].to_numpy(dtype=float)
            style = _series_style(position)
            ax.errorbar(n, value, yerr=half, capsize=2, elinewidth=0.7,
                        label=label(str(target), lang), **style)
        ax.axhline(target_power, color="0.3", linewidth=0.7, linestyle=(0, (4, 2)),
                   label=f"{label('target_power', lang)} = {format_tick(target_power, lang)}")
        ax.set_ylim(0.0, 1.0)
        ax.yaxis.set_major_locator(MultipleLocator(0.2))
        _format_axis(ax.xaxis, lang)
        _format_axis(ax.yaxis, lang)
        ax.set_xlabel(label("sample_size", lang))
        ax.set_ylabel(label("power", lang))
        ax.grid(axis="y", color="0.85", linewidth=0.5)
        ax.set_axisbelow(True)
        if many:
            handles, labels = ax.get_legend_handles_labels()
            figure.legend(handles, labels, loc="outside right center", frameon=False)
        else:
            ax.legend(loc="lower right")
    ticks_in_view(figure.axes)
    return figure


# ------------------------------------------------------------------------------------------ files


def figure_files(figure: Figure, dpi: int = FIGURE_DPI) -> dict[str, bytes]:
    """PNG (``dpi`` dots per inch) and SVG bytes of ``figure``, byte-identical from one run to the next.

    The figure is laid out once, at ``dpi``, and each file drawn once with that layout; the PNG is greyscale when
    every pixel is grey (see the module notes).

    Parameters
    ----------
    figure
        A figure from this module (or any matplotlib figure).
    dpi
        Resolution of the PNG (200 by default).

    Returns
    -------
    dict
        ``{"png": ..., "svg": ...}``.

    Examples
    --------
    >>> fig = scree_plot({"observed": [2.0, 0.5], "simulated": [1.2, 0.8]})
    >>> figure_files(fig)["svg"] == figure_files(fig)["svg"]
    True
    """
    if not isinstance(figure.canvas, FigureCanvasAgg):
        FigureCanvasAgg(figure)
    files: dict[str, bytes] = {}
    layout = figure.get_layout_engine()
    with matplotlib.rc_context({"svg.hashsalt": SVG_HASHSALT, "svg.fonttype": "path",
                                "figure.autolayout": False, "figure.constrained_layout.use": False}):
        # With a layout engine, every savefig draws the figure twice: once (not rendered) to lay it out, once to
        # print it. The layout is computed here once, at the PNG's resolution (as savefig's first pass did), and
        # both files are printed without an engine: two draws instead of four, the same bytes, and the SVG
        # places everything where the PNG does.
        if layout is not None:
            _lay_out(figure, layout, dpi)
            figure.set_layout_engine(None)
        try:
            files["png"] = _png(figure, dpi)
            svg = io.BytesIO()
            figure.savefig(svg, format="svg", metadata={"Date": None, "Creator": "alliance-stats (matplotlib)"})
            files["svg"] = svg.getvalue()
        finally:
            if layout is not None:
                figure.set_layout_engine(layout)
    return files


PNG_METADATA = {"Software": "alliance-stats (matplotlib)"}


def _png(figure: Figure, dpi: float) -> bytes:
    """The figure drawn at ``dpi`` as PNG: 8-bit greyscale when every pixel is an opaque grey (the figures of this
    module are grey by design), else RGBA as matplotlib writes it.

    The greyscale file holds the same pixels as matplotlib's RGBA file (R = G = B, alpha 255, same ``pHYs`` and
    text chunks) in a quarter of the samples: about half the bytes and half the compression time.
    """
    figure.savefig(io.BytesIO(), format="rgba", dpi=dpi)  # the PNG's drawing (savefig's dpi and face colour)
    rgba = np.asarray(figure.canvas.buffer_rgba())
    output = io.BytesIO()
    if (rgba[..., 3] == 255).all() and (rgba[..., 0] == rgba[..., 1]).all() and (rgba[..., 1] == rgba[..., 2]).all():
        info = PngInfo()
        for key, value in PNG_METADATA.items():
            info.add_text(key, value)
        grey = Image.fromarray(np.ascontiguousarray(rgba[..., 0]))  # 2-D uint8: mode "L"
        grey.save(output, format="png", pnginfo=info, dpi=(dpi, dpi))
    else:
        matplotlib.image.imsave(output, figure.canvas.buffer_rgba(), format="png", origin="upper", dpi=dpi,
                                metadata=PNG_METADATA)
    return output.getvalue()


def _lay_out(figure: Figure, layout: Any, dpi: float) -> None:
    """Run ``layout`` on ``figure`` at ``dpi`` (text extents depend on it), the figure's dpi restored after."""
    original = figure.dpi
    figure.dpi = dpi
    try:
        layout.execute(figure)
    finally:
        figure.dpi = original


def png_size(png: bytes) -> tuple[int, int]:
    """(width, height) in pixels read from a PNG header."""
    if png[:8] != b"\x89PNG\r\n\x1a\n":
        raise ValueError("not a PNG file")
    return int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")
