"""The result of a power analysis: power, Monte Carlo error and sample size tables, curves.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from alliance_stats.core.i18n import check_lang, fmt_number, tr
from alliance_stats.core.results import Result
from alliance_stats.core.table import Table

if TYPE_CHECKING:
    from matplotlib.figure import Figure



@dataclass(frozen=True, eq=False)
class PowerResult(Result):
    """Output of :func:`power_analysis`.

    Attributes
    ----------
    power
        Long table, one row per (``n_dyads``, ``target``): ``kind`` (``hypothesis``, ``familywise``, ``any``,
        ``cluster``, ``cfa``), ``power`` (share of replicates; analytic for the CFA), ``mcse`` (Monte Carlo SE
        ``sqrt(p (1 - p) / reps)``; 0 for the analytic CFA power), ``reps``.
    sample_size
        One row per target: the smallest N of the grid whose power reaches ``target_power`` (NaN when none)
        and the power there; for the CFA also the analytic N (respondents and dyads).
    details
        One row per N: mean respondents kept, firms at risk, share crossing, share of Firth fits and of failed
        fits per model, mean ARI and share choosing k by BIC.
    replicates
        One row per replicate: ``n_dyads``, ``replicate``, the p value, adjusted p and rejection of each
        hypothesis, ``cluster_k``, ``cluster_ari``, ``cluster_met``.
    cfa
        df, items, factors, RMSEA settings, respondents per dyad kept, analytic sample sizes.
    warnings
        Failed analyses and deviations worth reading.
    """

    power: pd.DataFrame
    sample_size: pd.DataFrame
    details: pd.DataFrame
    replicates: pd.DataFrame
    cfa: dict[str, Any]
    hypotheses: tuple[dict[str, Any], ...]
    settings: dict[str, Any]
    warnings: tuple[str, ...] = ()

    # -------------------------------------------------------------------------------------- labels
    def _target_label(self, target: str, lang: str) -> str:
        if target in ("familywise", "any", "cluster", "cfa"):
            return tr(f"power.target.{target}", lang).format(
                k=self.settings["k"], ari=fmt_number(self.settings["ari_threshold"], "r2", lang))
        return target

    def _targets(self, include_any: bool = False) -> list[str]:
        order = [h["id"] for h in self.hypotheses] + ["familywise"] + (["any"] if include_any else []) + \
            ["cluster", "cfa"]
        return [t for t in order if t in set(self.power["target"])]

    # -------------------------------------------------------------------------------------- tables
    def to_tables(self, lang: str = "en") -> dict[str, Table]:
        """Report tables: ``power`` (power per target and N), ``power_mcse`` (its Monte Carlo SE),
        ``sample_size`` (smallest N reaching the target power) and ``power_details`` (per N)."""
        check_lang(lang)
        return {"power": self._wide_table("power", "power", "r2", lang),
                "power_mcse": self._wide_table("power_mcse", "mcse", "r3", lang),
                "sample_size": self._sample_size_table(lang), "power_details": self._details_table(lang)}

    def _wide_table(self, key: str, value: str, spec: str, lang: str) -> Table:
        targets = self._targets()
        grid = sorted(self.power["n_dyads"].unique())
        columns = [f"N = {n}" for n in grid]
        wide = self.power.pivot(index="target", columns="n_dyads", values=value).reindex(index=targets, columns=grid)
        wide.columns = columns
        wide.index = [self._target_label(t, lang) for t in targets]
        wide.index.name = tr("power.target", lang)
        note = tr(f"power.note.{key}", lang).format(
            reps=self.settings["reps"], alpha=fmt_number(self.settings["alpha"], "f2", lang),
            correction=self.settings["correction"], seed=self.settings["seed"], df=self.cfa["df"],
            rmsea0=fmt_number(self.cfa["rmsea0"], "f2", lang), rmsea_a=fmt_number(self.cfa["rmsea_a"], "f2", lang))
        return Table(key=key, title=tr(f"power.title.{key}", lang), frame=wide, note=note,
                     formats=dict.fromkeys(columns, spec), lang=lang)

    def _sample_size_table(self, lang: str) -> Table:
        targets = self._targets()
        grid = sorted(self.power["n_dyads"].unique())
        size = self.sample_size.reindex(targets).copy()
        target_power = fmt_number(self.settings["target_power"], "f2", lang)
        frame = pd.DataFrame({
            tr("power.col.n_reached", lang).format(target=target_power): size["n_dyads"],
            tr("power.col.power_there", lang): size["power"],
            tr("power.col.n_analytic", lang): size["n_dyads_analytic"],
        })
        frame.index = [self._target_label(t, lang) for t in targets]
        frame.index.name = tr("power.target", lang)
        formats = dict(zip(frame.columns, ["int", "r2", "int"], strict=True))
        note = tr("power.note.sample_size", lang).format(target=target_power, grid="; ".join(map(str, grid)))
        return Table(key="sample_size", title=tr("power.title.sample_size", lang), frame=frame, note=note,
                     formats=formats, lang=lang)

    def _details_table(self, lang: str) -> Table:
        details = self.details.set_index("n_dyads")
        columns_spec: list[tuple[str, str, str]] = [
            ("respondents_kept", tr("power.col.respondents_kept", lang), "f1"),
            ("excluded_share", tr("power.col.excluded_share", lang), "pct"),
            ("firms_at_risk", tr("power.col.firms_at_risk", lang), "f1"),
            ("crossed_share", tr("power.col.crossed_share", lang), "pct"),
        ]
        for key in self.settings["models"]:
            columns_spec.append((f"firth_share_{key}", tr("power.col.firth_share", lang).format(model=key), "pct"))
            columns_spec.append((f"failed_share_{key}", tr("power.col.failed_share", lang).format(model=key), "pct"))
        columns_spec += [
            ("cluster_k_share", tr("power.col.cluster_k_share", lang).format(k=self.settings["k"]), "pct"),
            ("cluster_ari_mean", tr("power.col.cluster_ari_mean", lang), "r2"),
        ]
        frame = pd.DataFrame({label: details[key] for key, label, _ in columns_spec})
        frame.index.name = tr("power.col.n_dyads", lang)
        return Table(key="power_details", title=tr("power.title.details", lang), frame=frame,
                     note=tr("power.note.details", lang), formats={label: spec for _, label, spec in columns_spec},
                     lang=lang)

    def rejection_rates(self, adjusted: bool = True) -> pd.DataFrame:
        """Share of replicates rejecting each confirmatory hypothesis per N (rows), with the adjusted p values
        (the plan's verdicts) or the unadjusted ones (each test's own rejection rate, e.g. its type I error
        under a null population)."""
        column = "p_adjusted_{}" if adjusted else "p_{}"
        alpha = self.settings["alpha"]
        frame = pd.DataFrame({h["id"]: (self.replicates[column.format(h["id"])] < alpha) for h in self.hypotheses})
        frame["n_dyads"] = self.replicates["n_dyads"].to_numpy()
        return frame.groupby("n_dyads").mean()

    def figure(self, lang: str = "en") -> Figure:
        """Power curves (:func:`alliance_stats.report.figures.power_curves_plot`), one per target."""
        from alliance_stats.report.figures import power_curves_plot

        targets = self._targets()
        frame = self.power[self.power["target"].isin(targets)].copy()
        order = {t: i for i, t in enumerate(targets)}
        frame = frame.sort_values(["target", "n_dyads"], key=lambda s: s.map(order) if s.name == "target" else s)
        data = pd.DataFrame({"n": frame["n_dyads"].to_numpy(),
                             "target": [self._target_label(t, lang) for t in frame["target"]],
                             "power": frame["power"].to_numpy(), "mcse": frame["mcse"].to_numpy()})
        return power_curves_plot(data, lang=lang, target_power=self.settings["target_power"])

    def to_dict(self) -> dict[str, Any]:
        """Summary as JSON-able objects (replicate-level values excluded)."""
        def records(frame: pd.DataFrame) -> list[dict[str, Any]]:
            out = []
            flat = frame.reset_index() if frame.index.name is not None else frame
            for row in flat.to_dict(orient="records"):
                out.append({k: (None if isinstance(v, float) and math.isnan(v) else
                                v.item() if isinstance(v, np.generic) else v) for k, v in row.items()})
            return out

        return {"power": records(self.power), "sample_size": records(self.sample_size),
                "details": records(self.details), "cfa": self.cfa, "hypotheses": list(self.hypotheses),
                "settings": self.settings, "warnings": list(self.warnings)}

