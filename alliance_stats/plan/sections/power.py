"""Report section: the power the design had (from a power run folder).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from alliance_stats.plan.context import RunContext, _figure, _table
from alliance_stats.plan.runfolder import sha256_file


def _section_power(ctx: RunContext, folder: Path) -> Any:
    """Power curves and sample sizes of an earlier ``alliance-stats power`` run (its ``results.json``)."""
    import pandas as pd

    from alliance_stats.core.i18n import fmt_number, tr
    from alliance_stats.report import power_curves_plot

    path = folder / "results.json"
    if not path.is_file():
        raise ctx.plan.error("power_run has no results.json", "power_run", value=str(folder),
                             fix="run `alliance-stats power analyses/power.yaml -o FOLDER` first, or remove power_run")
    try:
        results = json.loads(path.read_text(encoding="utf-8"))
        records = pd.DataFrame(results["power"]["power"])
        settings = results["power"]["settings"]
        sample = results["tables"]["sample_size"]["frame"]
    except (KeyError, ValueError, TypeError) as exc:
        raise ctx.plan.error(f"power_run: {path} is not the results.json of a power run ({exc})", "power_run",
                             fix="point power_run to a folder written by `alliance-stats power`") from None
    section = ctx.section("power", ctx.tr("power.report.title"))
    hypothesis_ids = [h["id"] for h in results["power"].get("hypotheses", [])]
    order = hypothesis_ids + ["familywise", "cluster", "cfa"]
    records = records[records["target"].isin(order)].copy()

    def label(target: str) -> str:
        if target in ("familywise", "cluster", "cfa"):
            return tr(f"power.target.{target}", ctx.lang).format(
                k=settings.get("k", 4), ari=fmt_number(settings.get("ari_threshold", 0.65), "r2", ctx.lang))
        return target

    records["order"] = records["target"].map({t: i for i, t in enumerate(order)})
    records = records.sort_values(["order", "n_dyads"])
    curves = pd.DataFrame({"n": records["n_dyads"].to_numpy(), "target": [label(t) for t in records["target"]],
                           "power": records["power"].to_numpy(), "mcse": records["mcse"].to_numpy()})
    frame = pd.DataFrame(sample["data"], index=sample["index"], columns=sample["columns"])
    formats = dict(zip(frame.columns, ["int", "r2", "int"], strict=False))
    ctx.add_table(section, _table(
        "power_sample_size", results["tables"]["sample_size"]["title"], frame,
        ctx.tr("power.section.sample_size_note").format(reps=settings.get("reps", "?"), run=folder.name),
        formats, ctx.lang))
    _figure(ctx, section, "power_curves",
            power_curves_plot(curves, ctx.lang, target_power=settings.get("target_power", 0.8)),
            ctx.tr("power.report.curves_caption"))
    ctx.values["power_run"] = {"folder": folder.name, "sha256": sha256_file(path)}
    return section

