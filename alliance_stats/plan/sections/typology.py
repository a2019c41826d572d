"""Report section: the four configurations (classification, fuzzy sets, cluster check).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from alliance_stats.plan.context import RunContext, _rendered_figure, rendered_figure, take
from alliance_stats.plan.suppression import suppress_small_counts


def _link_scale(instrument: Any) -> tuple[float, float]:
    """The response scale (min, max) of the link items: the scale of the typology's cuts and anchors."""
    scale = instrument.scales[instrument.items("LINK")[0].scale]
    return (float(scale.min), float(scale.max))


def _cluster_settings(spec: Any, scale: tuple[float, float], seed: Any) -> Any:
    """The plan's cluster options as the stage's settings object."""
    from alliance_stats.typology import ClusterSettings

    return ClusterSettings(
        variables=tuple(spec.cluster.variables), k=spec.cluster.k, methods=tuple(spec.cluster.methods),
        k_range=range(1, spec.cluster.k_max + 1), n_boot=spec.cluster.n_boot, n_perm=spec.cluster.n_perm,
        seed=seed, cut=spec.cut, scale=scale, asymmetry=spec.asymmetry)


_CLUSTER_TABLES = ("cluster_verdict", "cluster_k_picks", "cluster_k_selection", "cluster_agreement",
                   "cluster_crosstab", "cluster_stability", "cluster_centroids")


def _cluster_section(ctx: RunContext, section: Any, check: Any, figures: dict[str, Any]) -> None:
    """The cluster check's tables (small crosstab cells suppressed) and its two figures (rendered with the check)."""
    plan, lang = ctx.plan, ctx.lang
    tables = check.to_tables(lang)
    if "cluster_crosstab" in tables:
        tables["cluster_crosstab"] = suppress_small_counts(tables["cluster_crosstab"], plan.report.suppress_below,
                                                            rows_add_up=True)
    for key in _CLUSTER_TABLES:
        if key in tables:
            ctx.add_table(section, tables[key])
    for key, caption in (("typology_map", "typology.section.map_caption"),
                         ("k_selection", "typology.section.k_selection_caption")):
        if key in figures:
            _rendered_figure(section, key, figures[key], ctx.tr(caption))


def _cluster_check(ctx: RunContext, prep: dict[str, Any]) -> Callable[[], Any]:
    """The cluster check of the plan on the prepared dyads and its figures, rendered (a job of the run's second
    lane: the figures are drawn where the check is computed)."""
    spec = ctx.plan.typology

    def check() -> tuple[Any, dict[str, Any]]:
        from alliance_stats.report import k_selection_plot
        from alliance_stats.typology import cluster_check, typology_map

        table = prep["dyad_table"]
        on_axes = tuple(spec.cluster.variables) == ("link", "symmetry")
        settings = _cluster_settings(spec, _link_scale(ctx.instrument), ctx.seeds["cluster"])
        result = cluster_check(table, settings=settings, theory=None if on_axes else table["configuration"])
        figures = {}
        if on_axes:
            figures["typology_map"] = rendered_figure(typology_map(table, result, ctx.lang))
        curves = result.k_selection[["method", "k", "bic", "silhouette", "calinski_harabasz", "gap"]]
        figures["k_selection"] = rendered_figure(k_selection_plot(curves, ctx.lang))
        return result, figures

    return check


def fuzzy_memberships(ctx: RunContext, table: Any, log: bool = True) -> Any:
    """The dyads' fuzzy memberships of the four configurations, the crossovers at the crisp cuts (the
    membership's warnings recorded in the log under ``typology`` when ``log``)."""
    from alliance_stats.typology import fuzzy_membership, resolve_cuts
    from alliance_stats.typology.fuzzy import anchors_at_cuts

    spec = ctx.plan.typology
    # the fuzzy crossovers are the crisp cuts (also for cut: median or a number), on the instrument's scale
    scale = _link_scale(ctx.instrument)
    cuts = resolve_cuts(table, cut=spec.cut, scale=scale, asymmetry=spec.asymmetry)
    args = (table,)
    kwargs = {"anchors": anchors_at_cuts(cuts, scale), "scale": scale, "asymmetry": spec.asymmetry}
    return ctx.log.run("typology", fuzzy_membership, *args, **kwargs) if log else fuzzy_membership(*args, **kwargs)


def _section_typology(ctx: RunContext, prep: dict[str, Any]) -> Any:
    """Crisp and fuzzy configuration counts, sufficiency, cluster check, typology map."""
    from alliance_stats.typology import sufficiency, typology_counts

    plan, lang = ctx.plan, ctx.lang
    table = prep["dyad_table"]
    firms = prep["firms"]
    section = ctx.section("typology", ctx.tr("typology.section.title"))
    fuzzy = fuzzy_memberships(ctx, table)
    counts = ctx.log.run("typology", typology_counts, table["configuration"], fuzzy)
    ctx.add_table(section, suppress_small_counts(counts.table("typology_counts", lang), plan.report.suppress_below))
    known = firms["crossed"].notna()
    suff = ctx.log.run("typology", sufficiency, fuzzy, firms.loc[known, "crossed"],
                       dyad_id=firms.loc[known, "dyad_id"])
    ctx.add_table(section, suff.table("typology_sufficiency", lang))
    checked = ctx.log.attempt("typology", "Cluster check", lambda: take(prep, "cluster", _cluster_check(ctx, prep)))
    check, figures = (None, {}) if checked is None else checked
    ctx.values["configurations"] = {str(k): int(v) for k, v in table["configuration"].value_counts().items()}
    ctx.values["cluster_verdict"] = None if check is None else check.verdict
    ctx.values["cluster_ari"] = None if check is None else dict(check.ari)
    if check is not None:
        _cluster_section(ctx, section, check, figures)
    ctx.stage_warnings(section, "typology")
    prep["fuzzy"] = fuzzy
    prep["cluster"] = check
    return section


def lane_jobs(ctx: RunContext, prep: dict[str, Any]) -> dict[str, Callable[[], Any]]:
    """This section's computation that depends only on the prepared data: the cluster check and its figures."""
    return {"cluster": _cluster_check(ctx, prep)}
