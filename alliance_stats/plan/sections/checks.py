"""Report section: the reviewer's checks (common-method variance, nesting in dyads, robustness, AME and VIF).

Each check calls a stage (``measurement.cmv``, ``measurement.nesting``, ``models.margins``) or, for the
robustness of the conclusions, the runner's own preparation, model and hypothesis functions again on modified
inputs (another outcome definition, other cuts, without lone partners, without careless exclusions, clear
fuzzy members only): nothing of the pipeline is copied. The numbers go to ``results.json`` under
``values["checks"]`` (see :func:`_section_checks`); the text is in ``core/catalogue/checks.py``.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

from alliance_stats.core.errors import AllianceStatsError
from alliance_stats.plan.context import RunContext, _table, take, take_all

#: Robustness variants, in the order of the table's columns.
VARIANTS = ("breakeven", "cuts_down", "cuts_up", "no_lone_partners", "no_exclusions", "fuzzy_clear")


def _section_checks(ctx: RunContext, prep: dict[str, Any], raw: Any, data_path: Path) -> Any:
    """CMV, nesting, robustness of the verdicts, AME and VIF; ``ctx.values["checks"]`` holds, per check, its
    numbers and a one-line ``verdict`` (keys ``cmv``, ``nesting``, ``robustness``, ``margins``)."""
    spec = ctx.plan.robustness
    section = ctx.section("checks", ctx.tr("checks.section.title"))
    values: dict[str, Any] = {}
    inputs = _measurement_inputs(ctx, prep, log=True) if spec.cmv or spec.nesting else None
    if spec.cmv:
        values["cmv"] = _cmv(ctx, section, prep, inputs)
    if spec.nesting:
        values["nesting"] = _nesting(ctx, section, prep, inputs)
    if spec.conclusions and ctx.values.get("verdicts"):
        values["robustness"] = _robustness(ctx, section, prep, raw, data_path)
    if spec.margins and prep.get("models"):
        values["margins"] = _margins(ctx, section, prep["models"])
    from alliance_stats.core.results import to_jsonable

    ctx.values["checks"] = to_jsonable(values)  # NaN -> null: results.json stays strict JSON
    ctx.stage_warnings(section, "checks")
    return section


def lane_jobs(ctx: RunContext, prep: dict[str, Any], raw: Any, data_path: Path) -> dict[str, Callable[[], Any]]:
    """This section's computations that depend only on the prepared data, the longest first: the nesting check
    (when it has no MLR main CFA to reuse), the common-method-variance check and the robustness variants. The
    section takes the CMV check first: when the main process reaches it, the worker is then usually done with the
    nesting check, and the main process computes the CMV check itself if the worker has not begun it."""
    spec = ctx.plan.robustness
    jobs: dict[str, Callable[[], Any]] = {}
    if spec.nesting and ctx.plan.measurement.estimator != "MLR":  # else it reuses the main CFA (not fitted yet)
        jobs["nesting"] = _nesting_check(None, lambda: _measurement_inputs(ctx, prep, log=False))
    if spec.cmv:
        jobs["cmv"] = _cmv_check(ctx, lambda: _measurement_inputs(ctx, prep, log=False))
    if spec.conclusions:  # one job per variant: at the end of the run the two processes share them
        jobs.update({f"variant_{variant}": _variant(ctx, prep, raw, data_path, variant) for variant in VARIANTS})
    return jobs


def _measurement_inputs(ctx: RunContext, prep: dict[str, Any], log: bool) -> tuple[Any, str]:
    """The items (reverse-keyed reversed) with ``dyad_id`` and the marker item (the checks' subsample of dyads
    above its size, said in the log when ``log``), and the CFA model of the plan: built once for the CMV and the
    nesting checks."""
    from alliance_stats.plan.sections.measurement import _cfa_syntax

    inst, plan = ctx.instrument, ctx.plan
    codes = list(plan.measurement.cfa_constructs or inst.construct_codes())
    data = prep["items"].copy()
    data["dyad_id"] = prep["responses"]["dyad_id"].to_numpy()
    marker = plan.measurement.marker_item
    if marker is not None:
        import pandas as pd

        data[marker] = pd.to_numeric(prep["responses"][marker], errors="coerce").to_numpy()
    return _checks_subsample(ctx, data, log), _cfa_syntax(inst, codes)


def _checks_subsample(ctx: RunContext, data: Any, log: bool = True) -> Any:
    """The rows of a random subsample of ``robustness.subsample_dyads`` dyads (whole dyads, seed ``checks`` of
    the plan's seed) when there are more dyads, said once in the log (hence in the report) when ``log``; else
    ``data``."""
    import numpy as np

    size = ctx.plan.robustness.subsample_dyads
    dyads = np.unique(data["dyad_id"].to_numpy())
    if size is None or dyads.size <= size:
        return data
    kept = np.random.default_rng(ctx.seeds["checks"]).choice(dyads, size=size, replace=False)
    if not log:
        return data[np.isin(data["dyad_id"].to_numpy(), kept)]
    ctx.values["checks_subsample"] = {"size": int(size), "of": int(dyads.size), "seed": ctx.seeds["checks"]}
    ctx.log.add("checks", f"{dyads.size} dyads: the common-method-variance and nesting checks use a random "
                          f"subsample of {size} dyads (seed {ctx.seeds['checks']}, robustness.subsample_dyads in "
                          "the plan)")
    return data[np.isin(data["dyad_id"].to_numpy(), kept)]


def _cmv_check(ctx: RunContext, inputs: Callable[[], tuple[Any, str]]) -> Callable[[], Any]:
    """The common-method-variance check on ``inputs()`` (a job of the run's second lane)."""

    def check() -> Any:
        from alliance_stats.measurement.cmv import common_method_variance

        data, model = inputs()
        return common_method_variance(data, model, marker=ctx.plan.measurement.marker_item)

    return check


def _cmv(ctx: RunContext, section: Any, prep: dict[str, Any], inputs: tuple[Any, str]) -> dict[str, Any]:
    res = ctx.log.attempt("checks", "The common-method-variance check",
                          lambda: take(prep, "cmv", _cmv_check(ctx, lambda: inputs)))
    if res is None:
        return {"verdict": "not computed"}
    for table in res.to_tables(ctx.lang).values():
        ctx.add_table(section, table)
    verdict = "flagged" if res.flagged else "not flagged"
    return {"verdict": verdict, "flags": res.flags, "harman_pc_share": res.harman_pc_share,
            "harman_fa_share": res.harman_fa_share, "chisq_diff": res.chisq_diff, "df_diff": res.df_diff,
            "p_diff": res.p_diff, "method_share": res.method_share, "marker_item": res.marker_item,
            "marker_r": res.marker_r, "trait_fit": res.trait_fit, "ulmc_fit": res.ulmc_fit}


def _nesting_check(reference: Any, inputs: Callable[[], tuple[Any, str]]) -> Callable[[], Any]:
    """The nesting check on ``inputs()``, reusing the main CFA ``reference`` when it is MLR (a job of the run's
    second lane when there is none to reuse)."""

    def check() -> Any:
        from alliance_stats.measurement.nesting import nesting

        data, model = inputs()
        return nesting(data, model, "dyad_id", estimator="MLR", reference=reference)

    return check


def _nesting(ctx: RunContext, section: Any, prep: dict[str, Any], inputs: tuple[Any, str]) -> dict[str, Any]:

    # MLR with and without the dyads (robust fit indices on both rows); the main CFA is reused when it is MLR
    main = prep.get("cfa")
    reference = main if main is not None and main.estimator == "MLR" else None
    job = _nesting_check(reference, lambda: inputs)
    res = ctx.log.attempt("checks", "The nesting check",
                          (lambda: take(prep, "nesting", job)) if reference is None else job)
    if res is None:
        return {"verdict": "not computed"}
    for table in res.to_tables(ctx.lang).values():
        ctx.add_table(section, table)
    verdict = ("not computed" if res.verdict_changed is None
               else "conclusions change" if res.verdict_changed else "conclusions unchanged")
    return {"verdict": verdict, "icc1": res.items["icc1"].to_dict(),
            "design_effect": res.items["design_effect"].to_dict(), "mean_cluster_size": res.mean_cluster_size,
            "n_clusters": res.n_clusters, "fit_naive": res.fit_naive, "fit_cluster": res.fit_cluster,
            "lost_significance": list(res.lost_significance)}


def _margins(ctx: RunContext, section: Any, models: dict[str, Any]) -> dict[str, Any]:
    from alliance_stats.models.margins import ame_table, vif_table

    ame = ame_table(models, ctx.lang)
    vif = vif_table(models, ctx.lang)
    ctx.add_table(section, ame)
    ctx.add_table(section, vif)
    high = {key: [str(t) for t in res.vif.index[res.vif["gvif_adjusted"] > 10]] for key, res in models.items()}
    ame_values = {key: res.marginal_effects()[["ame", "se", "p", "ci_low", "ci_high"]].to_dict(orient="index")
                  for key, res in models.items()}
    verdict = "collinearity" if any(high.values()) else "no collinearity (GVIF^(1/df) <= 10)"
    return {"verdict": verdict, "ame": ame_values,
            "gvif": {key: res.vif["gvif_adjusted"].to_dict() for key, res in models.items()}, "high_vif": high}


# ------------------------------------------------------------------------------------------------ robustness
def _variant_plan(plan: Any, variant: str) -> Any:
    """The plan of a variant that needs the data prepared again (``None``: reuses the main preparation)."""
    from alliance_stats.data.quality import ExclusionRules

    shift = plan.robustness.cut_shift
    outcome = plan.outcome
    if variant == "breakeven":
        return plan.model_copy(update={"outcome": outcome.model_copy(update={"kind": "breakeven"})})
    if variant in ("cuts_down", "cuts_up"):
        sign = -1 if variant == "cuts_down" else 1
        return plan.model_copy(update={"outcome": outcome.model_copy(update={
            "aware_cut": outcome.aware_cut + sign * shift, "transf_cut": outcome.transf_cut + sign * shift})})
    if variant == "no_exclusions":
        return plan.model_copy(update={"exclusions": ExclusionRules()})
    return None


def _variant_firms(ctx: RunContext, prep: dict[str, Any], raw: Any, data_path: Path, variant: str) -> Any:
    """The firms at risk of a variant: prepared again with the variant's plan, or the main firms filtered."""
    firms = prep["firms"]
    if variant == "no_lone_partners":
        table = prep["dyad_table"]
        complete = set(table.index[table["n_partners"] == 2]) if "n_partners" in table else set(table.index)
        return firms[firms["dyad_id"].isin(complete)]
    if variant == "fuzzy_clear":
        fuzzy = prep.get("fuzzy")
        if fuzzy is None:
            raise _not_available("the fuzzy memberships were not computed")
        config = prep["dyad_table"]["configuration"]
        membership = {d: fuzzy.at[d, c] if d in fuzzy.index and isinstance(c, str) else float("nan")
                      for d, c in config.items()}
        clear = {d for d, m in membership.items() if m >= ctx.plan.robustness.fuzzy_min_membership}
        return firms[firms["dyad_id"].isin(clear)]
    plan = _variant_plan(ctx.plan, variant)
    if variant in ("cuts_down", "cuts_up") and ctx.plan.outcome.kind != "sammut":
        raise _not_available("the outcome is break-even only: it has no AWARE/TRANSF cuts")
    scale = next(iter(ctx.instrument.scales.values()))
    cuts = (plan.outcome.aware_cut, plan.outcome.transf_cut)
    if any(cut < scale.min or cut > scale.max for cut in cuts):
        raise _not_available("the shifted cut leaves the response scale")
    sub = RunContext(plan, ctx.lang, ctx.instrument)
    if variant == "no_exclusions":  # other respondents: scored again; the data check is the main run's
        from alliance_stats.plan.sections.prepare import _prepare

        return _prepare(sub, raw, data_path, checked=prep["check"])["firms"]
    return _firms_under(sub, prep, data_path)


def _firms_under(ctx: RunContext, prep: dict[str, Any], data_path: Path) -> Any:
    """The firms at risk under ``ctx.plan``'s outcome definition (another kind or other cuts) from the main run's
    respondents, scores, dyads and configurations: only the outcome changes, so nothing is read, checked,
    excluded, scored or classified again (the steps of :func:`~alliance_stats.plan.sections.prepare._prepare`
    that depend on the outcome, on the main preparation's objects)."""
    from alliance_stats.data import firms_at_risk
    from alliance_stats.data.scoring import CrossedDefinition
    from alliance_stats.plan.checks import check_analysis_data

    outcome = ctx.plan.outcome
    definition = CrossedDefinition(kind=outcome.kind, aware_cut=outcome.aware_cut, transf_cut=outcome.transf_cut)
    firms = ctx.log.run("dyads", firms_at_risk, prep["scores"], prep["dyads"], definition)
    configuration = prep["dyad_table"]["configuration"]
    firms["configuration"] = configuration.reindex(firms["dyad_id"].to_numpy()).to_numpy()
    check_analysis_data(ctx.plan, ctx.instrument, prep["items"], firms, file=str(data_path))
    return firms


def _not_available(message: str) -> AllianceStatsError:
    from alliance_stats.core.errors import SpecificationError

    return SpecificationError(message)


def _run_variant(ctx: RunContext, prep: dict[str, Any], raw: Any, data_path: Path, variant: str) -> dict[str, Any]:
    """Models and hypotheses of one variant: ``{"n_firms", "events", "hypotheses": {id: {...}}}`` or ``{"error"}``."""
    from alliance_stats.models import test_hypotheses
    from alliance_stats.plan.sections.hypotheses import tested_hypotheses
    from alliance_stats.plan.sections.models import _fit_models

    try:
        firms = _variant_firms(ctx, prep, raw, data_path, variant)
        sub = RunContext(ctx.plan, ctx.lang, ctx.instrument)
        models = _fit_models(sub, firms)
        result = sub.log.run("hypotheses", test_hypotheses, models, tested_hypotheses(ctx.plan), alpha=0.05,
                             correction=ctx.plan.correction)
    except AllianceStatsError as exc:  # said in the log by _robustness, in the order of the variants
        return {"error": exc.message}
    frame = result.frame
    hyps = {str(h): {"verdict": frame.at[h, "verdict"], "estimate": frame.at[h, "estimate"],
                     "p_adjusted": frame.at[h, "p_adjusted"]} for h in frame.index if frame.at[h, "verdict"]}
    known = firms["crossed"].notna()
    return {"n_firms": int(known.sum()), "events": int((firms["crossed"] == 1).sum()), "hypotheses": hyps}


def _variant(ctx: RunContext, prep: dict[str, Any], raw: Any, data_path: Path,
             variant: str) -> Callable[[], dict[str, Any]]:
    """One robustness variant's models and hypotheses (a job of the run's second lane: the fuzzy memberships that
    ``fuzzy_clear`` needs are computed again when the typology section has not yet given them)."""

    def run() -> dict[str, Any]:
        inputs = prep
        if variant == "fuzzy_clear" and "fuzzy" not in prep:
            from alliance_stats.plan.sections.typology import fuzzy_memberships

            with warnings.catch_warnings():  # the typology section records them
                warnings.simplefilter("ignore")
                inputs = {**prep, "fuzzy": fuzzy_memberships(ctx, prep["dyad_table"], log=False)}
        return _run_variant(ctx, inputs, raw, data_path, variant)

    return run


def _robustness(ctx: RunContext, section: Any, prep: dict[str, Any], raw: Any, data_path: Path) -> dict[str, Any]:
    """Every variant, the flips (a confirmatory verdict that differs from the main run's) and the table."""
    main = {h: v for h, v in ctx.values["verdicts"].items() if v}
    jobs = {f"variant_{variant}": _variant(ctx, prep, raw, data_path, variant) for variant in VARIANTS}
    variants = dict(zip(VARIANTS, take_all(prep, jobs).values(), strict=True))
    for variant, out in variants.items():
        if "error" in out:
            ctx.log.add("checks", f"robustness variant {variant} not computed: {out['error']}")
    flips = [{"hypothesis": h, "variant": variant, "main": main[h], "alternative": out["hypotheses"][h]["verdict"]}
             for variant, out in variants.items() if "hypotheses" in out
             for h in main if h in out["hypotheses"] and out["hypotheses"][h]["verdict"] != main[h]]
    for flip in flips:
        ctx.log.add("checks", f"robustness: the verdict of {flip['hypothesis']} flips from '{flip['main']}' to "
                              f"'{flip['alternative']}' in the variant {flip['variant']}")
    ctx.add_table(section, _robustness_table(ctx, prep, main, variants, flips))
    verdict = "verdicts robust" if not flips else f"{len(flips)} verdict flip(s)"
    return {"verdict": verdict, "main": main, "variants": variants, "flips": flips}


def _robustness_table(ctx: RunContext, prep: dict[str, Any], main: dict[str, str], variants: dict[str, Any],
                      flips: list[dict[str, str]]) -> Any:
    import pandas as pd

    from alliance_stats.core.i18n import fmt_number

    flipped = {(f["hypothesis"], f["variant"]) for f in flips}
    columns = {"main": ctx.tr("checks.robust.main")}
    columns.update({v: ctx.tr(f"checks.robust.{v}") for v in VARIANTS})
    rows = {}
    n_row = {columns["main"]: str(int(prep["firms"]["crossed"].notna().sum()))}
    for variant, out in variants.items():
        n_row[columns[variant]] = str(out["n_firms"]) if "n_firms" in out else ctx.tr("checks.robust.not_computed")
    for h, verdict in main.items():
        row = {columns["main"]: ctx.tr(verdict)}
        for variant, out in variants.items():
            cell = out.get("hypotheses", {}).get(h)
            if cell is None:
                row[columns[variant]] = "-"
                continue
            p = fmt_number(cell["p_adjusted"], "p", ctx.lang)
            mark = " \u2020" if (h, variant) in flipped else ""
            row[columns[variant]] = f"{ctx.tr(cell['verdict'])} (p {'' if p.startswith('<') else '= '}{p}){mark}"
        rows[h] = row
    rows[ctx.tr("checks.robust.n_firms")] = n_row
    frame = pd.DataFrame.from_dict(rows, orient="index")
    frame.index.name = ctx.tr("checks.robust.hypothesis")
    plan = ctx.plan
    note = ctx.tr("checks.robust.note", shift=fmt_number(plan.robustness.cut_shift, "f1", ctx.lang),
                  member=fmt_number(plan.robustness.fuzzy_min_membership, "r2", ctx.lang))
    note += " " + (ctx.tr("checks.robust.flips", n=len(flips)) if flips else ctx.tr("checks.robust.no_flip"))
    return _table("robustness", ctx.tr("checks.robust.title"), frame, note, dict.fromkeys(frame.columns, "text"),
                  ctx.lang)
