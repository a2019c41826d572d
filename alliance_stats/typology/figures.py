"""The typology map: dyads in the link x symmetry plane, cut lines, clusters, theory configurations, centres.

Readable in greyscale: the theory configuration of a dyad is its **marker shape** (circle, square, triangle,
diamond, in :data:`~alliance_stats.typology.CONFIGURATIONS` order); clusters are coloured with the viridis
palette, whose lightness rises monotonically, so clusters stay distinguishable as grey levels; cluster
centres are large crosses labelled with their number. Numbers on the axes use the decimal comma in French
(:func:`alliance_stats.core.i18n.fmt_number`). The figure is built without pyplot (its own Agg canvas).

Reference: the plane and its quadrants are the paper's Figure 2 (Jaouen 2006).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd
from matplotlib import colormaps
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.ticker import FuncFormatter, MultipleLocator

from alliance_stats.core.errors import SpecificationError
from alliance_stats.core.i18n import check_lang, fmt_number, tr
from alliance_stats.core.typology import CONFIGURATIONS, QUADRANTS
from alliance_stats.typology.classification import classify, dyad_frame, resolve_cuts
from alliance_stats.typology.cluster.result import ClusterCheck

__all__ = ["typology_map", "CONFIGURATION_MARKERS"]

#: Marker shape of each theory configuration (greyscale-safe encoding of the theory).
CONFIGURATION_MARKERS: dict[str, str] = dict(zip(CONFIGURATIONS, ("o", "s", "^", "D"), strict=True))


def _tick_formatter(lang: str) -> FuncFormatter:
    def text(value: float, _position: int | None = None) -> str:
        if not math.isfinite(value):
            return ""
        spec = "int" if abs(value - round(value)) < 1e-9 else "f1"
        return fmt_number(value, spec, lang)

    return FuncFormatter(text)


def _check_lang(lang: str) -> str:
    try:
        return check_lang(lang)
    except ValueError:
        raise SpecificationError(f"unknown language {lang!r}", value=lang, fix="use lang='fr' or lang='en'") from None


def _map_inputs(
    frame: pd.DataFrame, check: ClusterCheck | None, method: str | None, columns: tuple[str, str],
    scale: tuple[float, float], cut: Any,
) -> tuple[dict[str, float], pd.Series, pd.Series | None, str | None]:
    """The cuts, the theory labels, the cluster labels to colour by and the method."""
    link, symmetry = columns
    for column in columns:
        if column not in frame.columns:
            raise SpecificationError(f"the map needs the column {column!r}", column=column,
                                     fix="pass the dyad table with link and symmetry scores")
    cuts = (check.settings.get("cuts") if check is not None else None) or resolve_cuts(
        frame, link=link, symmetry=symmetry, cut=cut, scale=scale)
    if check is not None and check.theory is not None:
        theory = check.theory.reindex(frame.index)
    else:
        theory = classify(frame, link=link, symmetry=symmetry, cut=cut, scale=scale).astype(object)
    if check is None:
        return cuts, theory, None, None
    method = method or check.methods[0]
    if method not in check.methods:
        raise SpecificationError(f"the check has no method {method!r}", value=method,
                                 fix=f"use one of {', '.join(check.methods)}")
    return cuts, theory, check.labels[method].reindex(frame.index), method


def _palette(n_clusters: int) -> Callable[[int], Any]:
    palette = colormaps["viridis"]
    return lambda cluster: palette(0.05 + 0.85 * (cluster - 1) / max(1, n_clusters - 1))


def _draw_dyads(ax: Any, x_all: np.ndarray, y_all: np.ndarray, theory: pd.Series, cluster_labels: pd.Series | None,
                colour_of: Callable[[int], Any]) -> None:
    """One marker shape per theory configuration, coloured by cluster (grey by configuration without a check)."""
    present = ~(np.isnan(x_all) | np.isnan(y_all))
    theory_values = np.array([None if (v is None or (isinstance(v, float) and math.isnan(v))) else v
                              for v in theory.to_numpy(dtype=object)], dtype=object)
    for config in CONFIGURATIONS:
        members = present & (theory_values == config)
        if not members.any():
            continue
        if cluster_labels is not None:
            clusters = cluster_labels.to_numpy(dtype=float)[members]
            colours = [colour_of(int(c)) if not math.isnan(c) else "white" for c in clusters]
        else:
            colours = [colormaps["Greys"](0.35 + 0.15 * CONFIGURATIONS.index(config))] * int(members.sum())
        ax.scatter(x_all[members], y_all[members], marker=CONFIGURATION_MARKERS[config], c=colours, s=22,
                   edgecolors="black", linewidths=0.4, alpha=0.9, zorder=3)
    unlabelled = present & np.array([v is None for v in theory_values])
    if unlabelled.any():
        ax.scatter(x_all[unlabelled], y_all[unlabelled], marker="x", c="0.3", s=18, linewidths=0.6, zorder=3)


def _draw_quadrants(ax: Any, cuts: dict[str, float], low: float, high: float, lang: str) -> None:
    """Dashed cut lines and the configuration names in the corners."""
    ax.axvline(cuts["link"], color="0.2", linestyle="--", linewidth=0.8, zorder=2)
    if "symmetry" in cuts:
        ax.axhline(cuts["symmetry"], color="0.2", linestyle="--", linewidth=0.8, zorder=2)
    margin = 0.03 * (high - low)
    corners = {
        QUADRANTS[(True, True)]: (high - margin, high - margin, "right", "top"),
        QUADRANTS[(True, False)]: (high - margin, low + margin, "right", "bottom"),
        QUADRANTS[(False, True)]: (low + margin, high - margin, "left", "top"),
        QUADRANTS[(False, False)]: (low + margin, low + margin, "left", "bottom"),
    }
    for config, (x, y, ha, va) in corners.items():
        ax.text(x, y, tr(config, lang), ha=ha, va=va, fontsize=9, fontweight="bold", color="0.15", zorder=4,
                bbox={"boxstyle": "round,pad=0.2", "facecolor": "white", "edgecolor": "0.6", "linewidth": 0.5})


def _draw_clusters(ax: Any, check: ClusterCheck, method: str, columns: tuple[str, str], n_clusters: int,
                   colour_of: Callable[[int], Any], lang: str) -> list[Line2D]:
    """Cluster centres (labelled crosses), the title, and the legend entries of the clusters."""
    link, symmetry = columns
    centres = check.centroids[check.centroids["method"] == method]
    if link in centres.columns and symmetry in centres.columns:
        for _, row in centres.iterrows():
            ax.scatter([row[link]], [row[symmetry]], marker="X", s=160, c=[colour_of(int(row["cluster"]))],
                       edgecolors="black", linewidths=1.2, zorder=5)
            ax.annotate(str(int(row["cluster"])), (row[link], row[symmetry]), xytext=(7, 7),
                        textcoords="offset points", fontsize=9, fontweight="bold", zorder=6,
                        bbox={"boxstyle": "circle,pad=0.15", "facecolor": "white", "edgecolor": "black",
                              "linewidth": 0.5})
    handles = []
    for cluster in range(1, n_clusters + 1):
        matched = check.matching[method].get(cluster)
        name = f"{tr('typology.cluster', lang)} {cluster}" + (f" ({tr(matched, lang)})" if matched else "")
        handles.append(Line2D([], [], marker="o", linestyle="", markerfacecolor=colour_of(cluster),
                              markeredgecolor="black", color="black", label=name))
    handles.append(Line2D([], [], marker="X", linestyle="", markersize=10, markerfacecolor="0.8",
                          markeredgecolor="black", color="black", label=tr("typology.centroid", lang)))
    method_name = tr(f"typology.{method}", lang)
    # y given: where matplotlib's automatic placement puts a title when nothing stands above the map (no top ticks,
    # labels or offset text), without that placement measuring the axes' tick labels at each pass and draw
    ax.set_title(f"{tr('typology.map_title', lang)} ({method_name}, k = {check.k})", loc="left", fontsize=9, y=1.0)
    return handles


def _finish_axes(ax: Any, low: float, high: float, lang: str) -> None:
    ax.set_xlim(low - 0.3, high + 0.3)
    ax.set_ylim(low - 0.3, high + 0.3)
    ax.xaxis.set_major_locator(MultipleLocator(1.0))
    ax.yaxis.set_major_locator(MultipleLocator(1.0))
    ax.xaxis.set_major_formatter(_tick_formatter(lang))
    ax.yaxis.set_major_formatter(_tick_formatter(lang))
    ax.set_xlabel(tr("typology.link_axis", lang))
    ax.set_ylabel(tr("typology.symmetry_axis", lang))
    ax.set_aspect("equal")
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)


def typology_map(
    dyads: Any,
    check: ClusterCheck | None = None,
    lang: str = "en",
    *,
    method: str | None = None,
    columns: tuple[str, str] = ("link", "symmetry"),
    scale: tuple[float, float] = (1, 7),
    cut: Any = "midpoint",
    width: float = 6.3,
) -> Figure:
    """Map of the dyads in the link x symmetry plane.

    Parameters
    ----------
    dyads
        One row per dyad with the link and symmetry columns.
    check
        A :class:`~alliance_stats.typology.ClusterCheck` on these dyads: colours by cluster of ``method``,
        centres, and the cuts and theory labels the check used. Without it, dyads are coloured by their crisp
        configuration.
    lang
        ``"fr"`` or ``"en"`` (labels and decimal mark).
    method
        Which clustering to colour by (default: the check's first method).
    columns
        The link and symmetry columns (x and y axes).
    scale, cut
        Response scale and cut (used when ``check`` is ``None`` or has no cuts).
    width
        Figure width in inches (the height follows).

    Returns
    -------
    matplotlib.figure.Figure
        The map (its own Agg canvas; no pyplot state).

    Raises
    ------
    SpecificationError
        A missing column, a method the check does not have, an unknown language.

    References
    ----------
    Jaouen, A. (2006), the 2 x 2 typology of alliances between very small firms (Figure 2: the link x
    symmetry plane and its quadrants).

    Examples
    --------
    >>> import pandas as pd
    >>> d = pd.DataFrame({"link": [2.0, 6.0, 6.5, 1.5], "symmetry": [6.0, 6.0, 2.0, 2.5]})
    >>> fig = typology_map(d, lang="fr")
    >>> fig.axes[0].get_xlabel()
    'Lien : économique (bas) – social (haut)'
    """
    _check_lang(lang)
    frame = dyad_frame(dyads)
    link, symmetry = columns
    cuts, theory, cluster_labels, method = _map_inputs(frame, check, method, columns, scale, cut)
    low, high = float(scale[0]), float(scale[1])
    figure = Figure(figsize=(width, width * 0.62), layout="constrained")
    FigureCanvasAgg(figure)
    ax, legend_ax = figure.subplots(1, 2, width_ratios=(2.2, 1.0))
    legend_ax.axis("off")
    n_clusters = int(np.nanmax(cluster_labels.to_numpy(dtype=float))) if cluster_labels is not None else 0
    colour_of = _palette(n_clusters)
    _draw_dyads(ax, frame[link].to_numpy(dtype=float), frame[symmetry].to_numpy(dtype=float), theory,
                cluster_labels, colour_of)
    _draw_quadrants(ax, cuts, low, high, lang)
    handles: list[Line2D] = [
        Line2D([], [], marker=CONFIGURATION_MARKERS[c], linestyle="", markerfacecolor="white", markeredgecolor="black",
               color="black", label=tr(c, lang))
        for c in CONFIGURATIONS
    ]
    if check is not None and method is not None:
        handles += _draw_clusters(ax, check, method, columns, n_clusters, colour_of, lang)
    else:
        ax.set_title(tr("typology.map_title", lang), loc="left", fontsize=9, y=1.0)  # see _draw_clusters
    cut_text = ", ".join(f"{tr(key, lang).lower()} {fmt_number(value, 'f2', lang)}" for key, value in cuts.items()
                         if key in ("link", "symmetry"))
    handles.append(Line2D([], [], color="0.2", linestyle="--", linewidth=0.8,
                          label=f"{tr('typology.cut', lang)} ({cut_text})"))
    legend_ax.legend(handles=handles, title=tr("typology.theory", lang), loc="upper left", fontsize=7,
                     title_fontsize=7.5, frameon=False, alignment="left", borderaxespad=0.0)
    _finish_axes(ax, low, high, lang)
    return figure
