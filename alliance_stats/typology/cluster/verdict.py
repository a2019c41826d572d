"""The verdict of the cluster check: four checks per method, then one of three answers, with its reasons.

For each method, four checks at the requested k:

1. *k selection*: the method's BIC picks k, or (k-means, Ward) the gap statistic with Tibshirani's rule
   picks k;
2. *agreement*: ARI >= .65 ("moderate" or better, Steinley 2004) with permutation p < .05;
3. *stability*: every cluster has a clusterwise mean Jaccard >= .75 (Hennig's "stable");
4. *centroid pattern*: the k clusters are matched to k different configurations and every centroid lies in
   the quadrant of its configuration.

Verdict (the first rule that applies):

1. **"not supported"** when the data show no cluster structure (more than half of the picks that can choose
   a single cluster, i.e. the BIC of every method and the gap of k-means and Ward, choose k = 1), or when no
   method agrees with the theory beyond chance (every permutation p >= .05);
2. **"supported"** when at least half of the methods (rounded up: 2 of 3) pass all four checks;
3. **"partly supported"** otherwise (for example three clear clusters where the theory has four, or four
   clusters of which one is unstable or off its quadrant).

A check that cannot be made (no theory labels; variables without link and symmetry, so no quadrant) counts
as not passed, so such a run is at most "partly supported"; the reasons say which checks failed.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import pandas as pd

from alliance_stats.core.i18n import fmt_number, tr
from alliance_stats.typology.cluster.settings import ALPHA, ARI_THRESHOLD, STABLE_JACCARD

__all__ = ["Evidence", "verdict"]

_METHOD_LABELS = {"kmeans": "typology.kmeans", "ward": "typology.ward", "gmm": "typology.gmm"}


def method_label(method: str, lang: str) -> str:
    """A clustering method's name in ``lang``."""
    return tr(_METHOD_LABELS.get(method, method), lang, default=method)


@dataclass(frozen=True)
class Evidence:
    """What the verdict reads: the picks, the agreement, the stability and the centroids of every method."""

    methods: tuple[str, ...]
    k: int
    k_picks: pd.DataFrame
    ari: dict[str, float]
    ari_p: dict[str, float]
    stability: pd.DataFrame
    centroids: pd.DataFrame
    has_theory: bool
    centroid_possible: bool


def _checks(e: Evidence) -> pd.DataFrame:
    rows = {}
    for method in e.methods:
        picks = e.k_picks.loc[method]
        k_selected = bool(picks["bic"] == e.k or picks["gap_tibshirani"] == e.k)
        agreement = bool(e.ari[method] >= ARI_THRESHOLD and e.ari_p[method] < ALPHA) if e.has_theory else None
        jaccard = e.stability.loc[e.stability["method"] == method, "mean_jaccard"]
        stable = bool(jaccard.min() >= STABLE_JACCARD)
        if e.centroid_possible:
            own = e.centroids[e.centroids["method"] == method]
            centroid_ok = bool(len(own) == e.k and own["in_quadrant"].eq(True).all())
        else:
            centroid_ok = None
        rows[method] = {"k_selected": k_selected, "agreement": agreement, "stable": stable,
                        "centroids": centroid_ok,
                        "all_passed": all(v is True for v in (k_selected, agreement, stable, centroid_ok))}
    checks = pd.DataFrame.from_dict(rows, orient="index").astype(object)
    checks.index.name = "method"
    return checks


def _single_capable(e: Evidence) -> list[float]:
    """The picks able to choose a single cluster: every method's BIC, the gap of k-means and Ward."""
    return [e.k_picks.loc[m, "bic"] for m in e.methods] + [
        e.k_picks.loc[m, "gap_tibshirani"] for m in e.methods if m in ("kmeans", "ward")]


def _fmt_p(p: float, lang: str) -> str:
    text = fmt_number(p, "p", lang)
    return f"p {text}" if text.startswith("<") else f"p = {text}"


def _join(parts: list[str], lang: str) -> str:
    return "; ".join(parts) if parts else tr("typology.none", lang)


def _k_reason(e: Evidence, lang: str) -> str:
    bic = [f"{int(e.k_picks.loc[m, 'bic'])} ({method_label(m, lang)})" for m in e.methods]
    gap = [f"{int(e.k_picks.loc[m, 'gap_tibshirani'])} ({method_label(m, lang)})"
           for m in e.methods if m in ("kmeans", "ward")]
    text = tr("typology.verdict.k_selection", lang).format(k=e.k, bic=_join(bic, lang))
    if gap:
        text += tr("typology.verdict.k_selection_gap", lang).format(gap=_join(gap, lang))
    return text


def _centroid_reason(e: Evidence, lang: str) -> str:
    parts = []
    for m in e.methods:
        own = e.centroids[e.centroids["method"] == m]
        bad = own[~own["in_quadrant"].eq(True)]
        if len(own) != e.k:
            parts.append(tr("typology.verdict.clusters_found", lang).format(method=method_label(m, lang), n=len(own)))
        for _, row in bad.iterrows():
            matched = tr(row["configuration"], lang) if row["configuration"] else tr(
                "typology.verdict.no_configuration", lang)
            parts.append(tr("typology.verdict.off_quadrant", lang).format(
                method=method_label(m, lang), cluster=row["cluster"], matched=matched,
                where=tr(str(row["quadrant"]), lang)))
    if parts:
        return tr("typology.verdict.centroids", lang) + _join(parts, lang)
    return tr("typology.verdict.centroids_ok", lang)


def _reasons(e: Evidence, n_passed: int, no_structure: bool, beyond_chance: bool | None, lang: str) -> list[str]:
    out = [_k_reason(e, lang)]
    if e.has_theory:
        parts = [f"ARI = {fmt_number(e.ari[m], 'r2', lang)}, {_fmt_p(e.ari_p[m], lang)} ({method_label(m, lang)})"
                 for m in e.methods]
        out.append(tr("typology.verdict.agreement", lang) + _join(parts, lang))
    else:
        out.append(tr("typology.verdict.no_theory", lang))
    parts = []
    for m in e.methods:
        jaccard = e.stability.loc[e.stability["method"] == m, "mean_jaccard"]
        parts.append(f"{fmt_number(float(jaccard.min()), 'r2', lang)} ({method_label(m, lang)})")
    out.append(tr("typology.verdict.stability", lang) + _join(parts, lang))
    if e.centroid_possible:
        out.append(_centroid_reason(e, lang))
    elif e.has_theory:
        out.append(tr("typology.verdict.centroids_na", lang))
    capable = _single_capable(e)
    if no_structure:
        out.append(tr("typology.verdict.no_structure", lang).format(
            n_single=sum(1 for v in capable if v == 1), n_capable=len(capable)))
    elif e.has_theory and not beyond_chance:
        out.append(tr("typology.verdict.chance", lang))
    out.append(tr("typology.verdict.passed", lang).format(
        n_passed=n_passed, n_methods=len(e.methods), needed=math.ceil(len(e.methods) / 2)))
    return out


def verdict(e: Evidence) -> tuple[pd.DataFrame, str, dict[str, list[str]]]:
    """The checks of every method, the verdict and its reasons in English and French (module docstring)."""
    checks = _checks(e)
    capable = _single_capable(e)
    n_single = sum(1 for v in capable if v == 1)
    no_structure = n_single > len(capable) / 2
    beyond_chance = any(e.ari_p[m] < ALPHA for m in e.methods) if e.has_theory else None
    n_passed = int(sum(1 for m in e.methods if checks.loc[m, "all_passed"]))
    needed = math.ceil(len(e.methods) / 2)
    if no_structure or e.has_theory and not beyond_chance:
        answer = "not supported"
    elif n_passed >= needed:
        answer = "supported"
    else:
        answer = "partly supported"
    reasons = {lang: _reasons(e, n_passed, no_structure, beyond_chance, lang) for lang in ("en", "fr")}
    return checks, answer, reasons
