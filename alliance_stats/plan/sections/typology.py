"""Report section: the four configurations (classification, fuzzy sets, cluster check).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from alliance_stats.plan.context import RunContext, _figure, take
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


def _cluster_section(ctx: RunContext, section: Any, table: Any, check: Any) -> None:
    """The cluster check's tables (small crosstab cells suppressed) and its two figures."""
    from alliance_stats.report import k_selection_plot
    from alliance_stats.typology import typology_map

    plan, lang = ctx.plan, ctx.lang
    tables = check.to_tables(lang)
    if "cluster_crosstab" in tables:
        tables["cluster_crosstab"] = suppress_small_counts(tables["cluster_crosstab"], plan.report.suppress_below,
                                                            rows_add_up=True)
    for key in _CLUSTER_TABLES:
        if key in tables:
            ctx.add_table(section, tables[key])
    if tuple(plan.typology.cluster.variables) == ("link", "symmetry"):
        _figure(ctx, section, "typology_map", typology_map(table, check, lang), ctx.tr("typology.section.map_caption"))
    curves = check.k_selection[["method", "k", "bic", "silhouette", "calinski_harabasz", "gap"]]
    _figure(ctx, section, "k_selection", k_selection_plot(curves, lang), ctx.tr("typology.section.k_selection_caption"))


def _cluster_check(ctx: RunContext, prep: dict[str, Any]) -> Callable[[], Any]:
    """The cluster check of the plan on the prepared dyads (a job of the run's second lane)."""
    spec = ctx.plan.typology

    def check() -> Any:
        from alliance_stats.typology import cluster_check

        table = prep["dyad_table"]
        theory = table["configuration"] if tuple(spec.cluster.variables) != ("link", "symmetry") else None
        settings = _cluster_settings(spec, _link_scale(ctx.instrument), ctx.seeds["cluster"])
        return cluster_check(table, settings=settings, theory=theory)

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
    check = ctx.log.attempt("typology", "Cluster check", lambda: take(prep, "cluster", _cluster_check(ctx, prep)))
    ctx.values["configurations"] = {str(k): int(v) for k, v in table["configuration"].value_counts().items()}
    ctx.values["cluster_verdict"] = None if check is None else check.verdict
    ctx.values["cluster_ari"] = None if check is None else dict(check.ari)
    if check is not None:
        _cluster_section(ctx, section, table, check)
    ctx.stage_warnings(section, "typology")
    prep["fuzzy"] = fuzzy
    prep["cluster"] = check
    return section


def lane_jobs(ctx: RunContext, prep: dict[str, Any]) -> dict[str, Callable[[], Any]]:
    """This section's computation that depends only on the prepared data: the cluster check."""
    return {"cluster": _cluster_check(ctx, prep)}
