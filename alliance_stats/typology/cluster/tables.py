"""The report tables of the cluster check, labelled from the catalogue (``typology.*`` keys)."""

from __future__ import annotations

from typing import Any

import pandas as pd

from alliance_stats.core.i18n import fmt_number, tr
from alliance_stats.core.table import Table
from alliance_stats.core.typology import CONFIGURATIONS
from alliance_stats.typology.cluster.agreement import _config_text
from alliance_stats.typology.cluster.verdict import method_label

ClusterCheck = Any  # a typology.cluster.result.ClusterCheck (not imported: result imports this module)

__all__ = ["cluster_tables"]


def _h(column: str, lang: str) -> str:
    """A column header in ``lang``."""
    return tr(f"typology.col.{column}", lang)


def _by_method(frame: pd.DataFrame, lang: str) -> pd.DataFrame:
    """A frame indexed by method, with translated method names and headers."""
    frame = frame.copy()
    frame.index = [method_label(m, lang) for m in frame.index]
    frame.index.name = _h("method", lang)
    frame.columns = [_h(c, lang) for c in frame.columns]
    return frame


def _k_selection(check: ClusterCheck, lang: str) -> Table:
    frame = check.k_selection.copy()
    frame["method"] = [method_label(m, lang) for m in frame["method"]]
    frame = frame.set_index(["method", "k"])
    frame.index.names = [_h("method", lang), "k"]
    frame.columns = [_h(c, lang) for c in frame.columns]
    h = {c: _h(c, lang) for c in ("bic", "covariance_type", "silhouette", "calinski_harabasz", "gap", "gap_se")}
    return Table(
        key="cluster_k_selection", title=tr("typology.k_selection.title", lang), frame=frame, lang=lang,
        note=tr("typology.k_selection.note", lang).format(gap_b=check.settings["gap_b"]),
        formats={h["bic"]: "f1", h["covariance_type"]: "text", h["silhouette"]: "r3",
                 h["calinski_harabasz"]: "f1", h["gap"]: "f3", h["gap_se"]: "f3"},
    )


def _k_picks(check: ClusterCheck, lang: str) -> Table:
    frame = _by_method(check.k_picks, lang)
    return Table(key="cluster_k_picks", title=tr("typology.k_picks.title", lang), frame=frame, lang=lang,
                 formats={c: "int" for c in frame.columns}, note=tr("typology.k_picks.note", lang))


def _agreement(check: ClusterCheck, lang: str) -> Table:
    frame = _by_method(check.agreement, lang)
    level = fmt_number(100 * check.settings["conf_level"], "f1", lang).rstrip("0").rstrip(".,")
    note = tr("typology.cluster_agreement.note", lang).format(
        n_perm=check.settings["n_perm"], level=level, n_boot=check.settings["n_boot"])
    formats = {_h(c, lang): "r3" for c in ("ari", "ari_ci_low", "ari_ci_high", "kappa", "accuracy", "min_jaccard",
                                          "mean_jaccard")}
    formats[_h("ari_p", lang)] = "p"
    return Table(key="cluster_agreement", title=tr("typology.cluster_agreement.title", lang), frame=frame,
                 note=note, lang=lang, formats=formats)


def _crosstab(check: ClusterCheck, lang: str) -> Table:
    blocks = {}
    for method, table in check.confusion.items():
        block = table.copy()
        block.index = [f"{c} ({_config_text(check.matching[method][c], lang)})" for c in block.index]
        block.columns = [_config_text(c, lang) if c in CONFIGURATIONS else str(c) for c in block.columns]
        blocks[method_label(method, lang)] = block
    frame = pd.concat(blocks, names=[_h("method", lang), _h("cluster", lang)])
    return Table(key="cluster_crosstab", title=tr("typology.crosstab.title", lang), frame=frame, lang=lang,
                 formats={c: "int" for c in frame.columns}, note=tr("typology.crosstab.note", lang))


def _stability(check: ClusterCheck, lang: str) -> Table:
    frame = check.stability.copy()
    frame["method"] = [method_label(m, lang) for m in frame["method"]]
    frame["configuration"] = [_config_text(c, lang) for c in frame["configuration"]]
    frame["reading"] = [tr(f"typology.reading.{r}", lang) if r else "" for r in frame["reading"]]
    frame = frame.set_index(["method", "cluster"])
    frame.index.names = [_h("method", lang), _h("cluster", lang)]
    frame.columns = [_h(c, lang) for c in frame.columns]
    formats = {_h("configuration", lang): "text", _h("n", lang): "int", _h("mean_jaccard", lang): "r3",
               _h("dissolved", lang): "int", _h("recovered", lang): "int", _h("reading", lang): "text"}
    return Table(key="cluster_stability", title=tr("typology.stability.title", lang), frame=frame, lang=lang,
                 formats=formats, note=tr("typology.stability.note", lang).format(n_boot=check.settings["n_boot"]))


def _centroids(check: ClusterCheck, lang: str) -> Table:
    fixed = ("n", "configuration", "quadrant", "in_quadrant")
    frame = check.centroids.copy()
    frame["method"] = [method_label(m, lang) for m in frame["method"]]
    frame["configuration"] = [_config_text(c, lang) for c in frame["configuration"]]
    frame["quadrant"] = ["" if q is None else _config_text(q, lang) for q in frame["quadrant"]]
    frame = frame.set_index(["method", "cluster"])
    frame.index.names = [_h("method", lang), _h("cluster", lang)]
    value_columns = [c for c in frame.columns if c not in fixed]
    frame = frame.rename(columns={**{c: tr(c, lang) for c in value_columns}, **{c: _h(c, lang) for c in fixed}})
    cuts: dict[str, Any] = check.settings.get("cuts") or {}
    cut_text = ", ".join(f"{tr(key, lang)} {fmt_number(value, 'f2', lang)}" for key, value in cuts.items())
    formats = {**{tr(c, lang): "f2" for c in value_columns}, _h("n", lang): "int"}
    formats.update({_h(c, lang): "text" for c in ("configuration", "quadrant", "in_quadrant")})
    return Table(key="cluster_centroids", title=tr("typology.centroids.title", lang), frame=frame, lang=lang,
                 formats=formats, note=tr("typology.centroids.note", lang).format(cuts=cut_text) if cuts else "")


def _verdict(check: ClusterCheck, lang: str) -> Table:
    frame = _by_method(check.checks, lang)
    return Table(key="cluster_verdict",
                 title=tr("typology.verdict.title", lang).format(verdict=tr(check.verdict, lang)),
                 frame=frame, lang=lang, formats={c: "text" for c in frame.columns},
                 note=" ".join(r.rstrip(".") + "." for r in check.reasons[lang]))


def cluster_tables(check: ClusterCheck, lang: str) -> dict[str, Table]:
    """Every report table of a cluster check, keyed by table key (the crosstab only with theory labels)."""
    tables = {"cluster_k_selection": _k_selection(check, lang), "cluster_k_picks": _k_picks(check, lang),
              "cluster_agreement": _agreement(check, lang)}
    if check.confusion:
        tables["cluster_crosstab"] = _crosstab(check, lang)
    tables["cluster_stability"] = _stability(check, lang)
    tables["cluster_centroids"] = _centroids(check, lang)
    tables["cluster_verdict"] = _verdict(check, lang)
    return tables
