"""Power context of the hypotheses: the power the design had for the planned effect of each hypothesis that is
"not supported" (docs/decision-rules.md, "Power context"), so that "not supported on 20 dyads" is not read as
evidence of absence.

Two sources, in this order: the power run the plan names (``power_run``: the simulated power of that hypothesis
at the number of dyads nearest to the run's), else the analytic Wald power of the hypothesis' term at the
``planned_or`` of the hypothesis (:mod:`alliance_stats.models.power`: Demidenko 2007 for a contrast of levels,
Hsieh, Bloch & Larsen 1998 for a continuous term), on the firms of the run, ignoring their clustering in dyads
(an upper bound). Without either, the power is reported as not available.
"""

from __future__ import annotations

import dataclasses
import json
import math
from typing import Any

from alliance_stats.plan.context import RunContext


def _hypothesis_values(result: Any) -> dict[str, Any]:
    """The tested hypotheses as JSON-ready numbers (``values["hypotheses"]`` of results.json)."""
    rows = []
    for hid, row in result.frame.iterrows():
        entry: dict[str, Any] = {"id": str(hid)}
        for key in ("model", "target", "direction", "test", "verdict"):
            entry[key] = None if row.get(key) is None or row.get(key) != row.get(key) else str(row[key])
        entry["confirmatory"] = bool(row["confirmatory"])
        for key in ("odds_ratio", "or_ci_low", "or_ci_high", "estimate", "se", "p", "p_adjusted"):
            value = row.get(key)
            entry[key] = None if value is None or value != value else float(value)
        rows.append(entry)
    return {"alpha": float(result.alpha), "ci_level_percent": round(100 * (1 - float(result.alpha))),
            "correction": result.correction, "rows": rows}


def _power_context(ctx: RunContext, prep: dict[str, Any], result: Any) -> dict[str, Any]:
    """Hypothesis id -> power record for every confirmatory hypothesis "not supported"; ``values["power_context"]``."""
    plan = ctx.plan
    specs = {h.id: h for h in plan.hypotheses}
    out: dict[str, Any] = {}
    runs = _power_run_records(ctx) if plan.power_run is not None else None
    for hid, row in result.frame.iterrows():
        if row["verdict"] != "not supported":
            continue
        if runs is not None:
            out[str(hid)] = _from_power_run(runs, str(hid), int(ctx.values["sample"]["dyads"]))
        elif specs[str(hid)].planned_or is not None:
            out[str(hid)] = _analytic(ctx, prep, specs[str(hid)], result.alpha)
        else:
            out[str(hid)] = {"power": None, "source": None}
    ctx.values["power_context"] = out
    return out


def _power_run_records(ctx: RunContext) -> dict[str, Any]:
    folder = ctx.plan.resolve(str(ctx.plan.power_run))
    try:
        results = json.loads((folder / "results.json").read_text(encoding="utf-8"))
        return {"records": results["power"]["power"], "reps": results["power"]["settings"].get("reps"),
                "folder": folder.name}
    except (OSError, KeyError, ValueError, TypeError):
        return {"records": [], "reps": None, "folder": folder.name}  # the power section names the problem


def _from_power_run(runs: dict[str, Any], hid: str, n_dyads: int) -> dict[str, Any]:
    """The simulated power of ``hid`` at the simulated number of dyads nearest to the run's."""
    records = [r for r in runs["records"] if r.get("target") == hid]
    if not records:
        return {"power": None, "source": "power_run", "folder": runs["folder"]}
    best = min(records, key=lambda r: (abs(int(r["n_dyads"]) - n_dyads), int(r["n_dyads"])))
    return {"power": float(best["power"]), "source": "power_run", "n_dyads": int(best["n_dyads"]),
            "mcse": float(best["mcse"]), "reps": runs["reps"], "folder": runs["folder"]}


def _analytic(ctx: RunContext, prep: dict[str, Any], spec: Any, alpha: float) -> dict[str, Any]:
    """Analytic Wald power at the hypothesis' ``planned_or`` on the run's firms (one-sided at ``alpha`` for a
    directional hypothesis, i.e. two-sided at ``2 alpha``)."""
    import numpy as np

    from alliance_stats.models.power import wald_power_binary, wald_power_continuous

    model = ctx.plan.models[spec.model]
    firms = prep["firms"]
    known = firms[firms[model.outcome].notna()]
    level = 2 * alpha if spec.direction != "two-sided" else alpha
    record: dict[str, Any] = {"power": None, "source": "analytic", "planned_or": float(spec.planned_or),
                              "alpha": float(alpha), "sided": "two" if spec.direction == "two-sided" else "one"}
    if spec.contrast is not None and spec.factor in known:
        plus = known[spec.factor].isin(spec.contrast.get("plus", []))
        minus = known[spec.factor].isin(spec.contrast.get("minus", []))
        n = int(plus.sum() + minus.sum())
        p0 = float(known.loc[minus, model.outcome].mean()) if minus.any() else math.nan
        if n and 0 < p0 < 1 and plus.any():
            record.update(n=n, power=wald_power_binary(n, float(plus.sum()) / n, p0, float(spec.planned_or), level))
    elif spec.term is not None and spec.term in known:
        x = known[spec.term].astype(float)
        ok = x.notna()
        sd = 1.0 if spec.term in model.standardize else float(x[ok].std(ddof=1))
        rate = float(known.loc[ok, model.outcome].mean())
        n = int(ok.sum())
        if n > 2 and 0 < rate < 1 and np.isfinite(sd) and sd > 0:
            or_sd = float(np.exp(np.log(float(spec.planned_or)) * sd))
            record.update(n=n, power=wald_power_continuous(n, rate, or_sd, level))
    return record


def _with_power_column(ctx: RunContext, table: Any, power: dict[str, Any]) -> Any:
    """The hypotheses table with a "power for the planned effect" column when a hypothesis is not supported."""
    if not power:
        return table
    frame = table.frame.copy()
    header = ctx.tr("plan.power_context.column")
    frame[header] = [float(power[h]["power"]) if h in power and power[h]["power"] is not None else math.nan
                     for h in frame.index]
    sources = {record["source"] for record in power.values() if record.get("power") is not None}
    notes = [ctx.tr(f"plan.power_context.note_{source}") for source in sorted(sources)]
    if not sources:
        notes = [ctx.tr("plan.power_context.note_none")]
    note = " ".join([table.note, *notes]).strip()
    return dataclasses.replace(table, frame=frame, formats={**table.formats, header: "r2"}, note=note)
