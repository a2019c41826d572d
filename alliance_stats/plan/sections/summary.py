"""The results summary printed first in the report and written as ``summary.md``.

It is built FROM the results dict, the same JSON written to ``results.json`` (the runner round-trips it through
JSON first), with the numbers formatted by :mod:`alliance_stats.core.format`: every number it prints can be
found in ``results.json`` (tests/plan/test_summary.py parses them). It reads ``results["values"]``:

- ``sample`` (counts), ``exclusions`` (respondents per rule id);
- ``reliability`` (per construct: ``alpha``, ``omega``, ``label_fr``, ``label_en``), ``cfa_fit`` (lavaan's fit
  measures), ``methods.estimator``;
- ``configurations`` (dyads per configuration, crisp rule), ``cluster_verdict``, ``cluster_ari``;
- ``hypotheses`` (``rows``: ``id``, ``model``, ``confirmatory``, ``odds_ratio``, ``or_ci_low``, ``or_ci_high``,
  ``p_adjusted``, ``verdict``; ``correction``, ``ci_level_percent``), ``power_context`` (per hypothesis id:
  ``power``, ``source`` = ``"power_run"`` | ``"analytic"`` | None, ``n_dyads`` or ``n``, ``planned_or``);
- ``decision_rules`` (the cut-offs the summary's verdicts use: :data:`SUMMARY_RULES`);
- ``warnings`` (top level): every warning that says an analysis was not computed, or computed otherwise.

The reviewer's checks (:mod:`alliance_stats.plan.sections.checks`), read from ``values["checks"]`` when present:

- ``robustness``: ``flips`` (``hypothesis``, ``variant`` key, ``main`` and ``alternative`` verdicts): one line per
  flipped verdict, the variant named by its catalogue label (none flipped: one line saying so);
- ``cmv``, ``nesting``, ``margins``: their ``verdict`` (``flagged`` / ``not flagged`` / ``not computed``;
  ``conclusions unchanged`` / ``conclusions change`` / ``not computed``; collinearity or not, with ``high_vif``):
  one line each, in the report's language.
"""

from __future__ import annotations

from typing import Any

from alliance_stats.core.format import format_cell, format_interval, format_p_inline
from alliance_stats.core.i18n import LABELS, tr
from alliance_stats.core.typology import CONFIGURATIONS

#: Cut-offs of the summary's verdicts, stored in results.json (``values["decision_rules"]``): alpha below
#: ``alpha_min`` is flagged (Nunnally 1978); the CFA fits when CFI and TLI >= .95, RMSEA <= .06 and SRMR <= .08
#: (Hu & Bentler 1999).
SUMMARY_RULES: dict[str, float] = {"alpha_min": 0.70, "cfi_min": 0.95, "tli_min": 0.95, "rmsea_max": 0.06,
                                   "srmr_max": 0.08}

#: Optional checks of other sections the summary reports when their entry is present.
OPTIONAL_CHECKS: tuple[str, ...] = ("cmv", "nesting", "margins")


def _t(key: str, lang: str, **fields: Any) -> str:
    text = tr(f"plan.summary.{key}", lang)
    return text.format(**fields) if fields else text


def _label(key: str, lang: str) -> str:
    return tr(key, lang) if key in LABELS else key


def _sample(values: dict[str, Any], lang: str) -> list[str]:
    s = values.get("sample") or {}
    if not s:
        return []
    n = {k: format_cell(v, "int", lang) for k, v in s.items()}
    line = _t("sample", lang, **n)
    if s.get("crossed_unknown"):
        line += " " + _t("sample_unknown", lang, crossed_unknown=n["crossed_unknown"])
    return [line]


def _exclusions(values: dict[str, Any], lang: str) -> list[str]:
    s = values.get("sample") or {}
    counts = values.get("exclusions") or {}
    if not s.get("excluded"):
        return [_t("excluded_none", lang)]
    rules = ", ".join(f"{_label(f'data.exclusion.rule.{rule}', lang)} {format_cell(n, 'int', lang)}"
                      for rule, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))
    return [_t("excluded", lang, excluded=format_cell(s["excluded"], "int", lang),
               respondents=format_cell(s["respondents"], "int", lang), rules=rules or "?")]


def _scales(values: dict[str, Any], lang: str) -> list[str]:
    rules = values.get("decision_rules") or SUMMARY_RULES
    lines = []
    reliability = values.get("reliability") or {}
    order = [c["code"] for c in (values.get("methods") or {}).get("constructs", [])]  # the instrument's order
    for code in [c for c in order if c in reliability] + [c for c in reliability if c not in order]:
        row = reliability[code]
        alpha, omega = row.get("alpha"), row.get("omega")
        line = _t("construct", lang, label=row.get(f"label_{lang}", code), code=code,
                  alpha=format_cell(alpha, "r2", lang))
        if omega is not None:
            line += ", " + _t("omega", lang, omega=format_cell(omega, "r2", lang))
        if alpha is not None and alpha < rules["alpha_min"]:
            line += " " + _t("alpha_low", lang, cut=format_cell(rules["alpha_min"], "r2", lang))
        lines.append(line)
    lines.append(_cfa_line(values, rules, lang))
    return lines


def _cfa_line(values: dict[str, Any], rules: dict[str, float], lang: str) -> str:
    fit = values.get("cfa_fit")
    if not fit:
        return _t("cfa_missing", lang)
    good = (fit["cfi"] >= rules["cfi_min"] and fit["tli"] >= rules["tli_min"] and fit["rmsea"] <= rules["rmsea_max"]
            and fit["srmr"] <= rules["srmr_max"])
    cuts = {k: format_cell(v, "r2", lang) for k, v in rules.items()}
    estimator = (values.get("methods") or {}).get("estimator") or "ML"
    return _t("cfa", lang, estimator=estimator, n=format_cell(fit["ntotal"], "int", lang),
              df=format_cell(fit["df"], "int", lang), chisq=format_cell(fit["chisq"], "f2", lang),
              cfi=format_cell(fit["cfi"], "r3", lang), tli=format_cell(fit["tli"], "r3", lang),
              rmsea=format_cell(fit["rmsea"], "r3", lang), srmr=format_cell(fit["srmr"], "r3", lang),
              verdict=_t("cfa_good" if good else "cfa_poor", lang, **cuts))


def _configurations(values: dict[str, Any], lang: str) -> list[str]:
    lines = []
    counts = values.get("configurations") or {}
    if counts:
        ordered = [c for c in CONFIGURATIONS if c in counts] + [c for c in counts if c not in CONFIGURATIONS]
        shown = ", ".join(f"{_label(c, lang).lower()} {format_cell(counts[c], 'int', lang)}" for c in ordered)
        lines.append(_t("crisp", lang, counts=shown))
    verdict = values.get("cluster_verdict")
    if verdict is None:
        lines.append(_t("cluster_missing", lang))
    else:
        ari = values.get("cluster_ari") or {}
        methods = (values.get("methods") or {}).get("cluster", {}).get("methods", [])
        ordered = [m for m in methods if m in ari] + [m for m in ari if m not in methods]
        shown = ", ".join(f"{_method(m, lang)} {format_cell(ari[m], 'r2', lang)}" for m in ordered)
        lines.append(_t("cluster", lang, verdict=_label(verdict, lang), ari=shown))
    return lines


def _method(method: str, lang: str) -> str:
    """A cluster method's name inside a French sentence starts in lower case (except Ward, a name)."""
    name = _label(f"typology.{method}", lang)
    return name[:1].lower() + name[1:] if lang == "fr" and method != "ward" else name


def _power_text(record: dict[str, Any] | None, lang: str) -> str:
    if not record or record.get("power") is None:
        return _t("power_none", lang)
    power = format_cell(record["power"], "r2", lang)
    if record.get("source") == "power_run":
        return _t("power_run", lang, power=power, n=format_cell(record["n_dyads"], "int", lang))
    return _t("power_analytic", lang, power=power, planned=format_cell(record["planned_or"], "f2", lang),
              n=format_cell(record["n"], "int", lang))


def _hypotheses(values: dict[str, Any], lang: str) -> list[str]:
    hyp = values.get("hypotheses") or {}
    power = values.get("power_context") or {}
    lines = []
    for row in hyp.get("rows", []):
        if not row["confirmatory"]:
            lines.append(_t("exploratory", lang, id=row["id"]))
            continue
        estimate = _t("estimate", lang, level=format_cell(hyp.get("ci_level_percent", 95), "int", lang),
                      odds_ratio=format_cell(row["odds_ratio"], "f2", lang),
                      ci=format_interval(row["or_ci_low"], row["or_ci_high"], "f2", lang),
                      p=format_p_inline(row["p_adjusted"], lang).replace("p", _t("p_adjusted", lang), 1))
        colon = tr("report.colon", lang)
        line = f"{row['id']} ({row['model']}){colon}{estimate}{colon}{_label(str(row['verdict']), lang)}"
        if row["verdict"] == "not supported":
            line += tr("plan.methods.sep", lang) + _power_text(power.get(row["id"]), lang)
        lines.append(line + ".")
    return lines


def _check_verdict(key: str, entry: dict[str, Any], lang: str) -> str:
    """The one-line verdict of a reviewer's check, in ``lang`` (catalogue ``plan.summary.<key>.<verdict>``)."""
    verdict = str(entry.get("verdict"))
    if key == "margins":
        high = entry.get("high_vif") or {}
        if isinstance(high, dict):  # model -> terms over the threshold
            high = [f"{model}: {term}" for model, terms in high.items() for term in terms]
        if high:
            return _t("margins.collinear", lang, terms=", ".join(str(t) for t in high))
        return _t("margins.clear", lang)
    slug = verdict.replace(" ", "_")
    return _t(f"{key}.{slug}", lang) if f"plan.summary.{key}.{slug}" in LABELS else verdict


def _checks(results: dict[str, Any], lang: str) -> list[str]:
    """Lines of the reviewer's checks (robustness of the verdicts, common-method variance, nesting, collinearity)
    present in the results."""
    checks = (results.get("values") or {}).get("checks") or {}
    lines = []
    robust = checks.get("robustness")
    if isinstance(robust, dict):
        flips = robust.get("flips") or []
        for item in flips:
            variant = tr(f"checks.robust.{item.get('variant')}", lang)
            lines.append(_t("flipped", lang, hypothesis=item.get("hypothesis"), variant=variant,
                            verdict=_label(str(item.get("alternative")), lang)))
        if not flips:
            lines.append(_t("robust", lang))
    for key in OPTIONAL_CHECKS:
        entry = checks.get(key)
        if isinstance(entry, dict) and entry.get("verdict"):
            lines.append(f"{_t(f'check_{key}', lang)}{tr('report.colon', lang)}{_check_verdict(key, entry, lang)}")
    return lines


def _not_computed(results: dict[str, Any], lang: str) -> list[str]:
    dropped = [w for w in results.get("warnings", []) if " not computed" in w.get("message", "")
               or " is shown with ML instead of " in w.get("message", "")]
    if not dropped:
        return [_t("all_computed", lang)]
    return [f"[{w['stage']}] {w['message']}" for w in dropped]


def summary_blocks(results: dict[str, Any], lang: str) -> tuple[str, list[tuple[str, list[str]]]]:
    """The summary's title and ``(heading, lines)`` blocks, from the results dict of a run.

    Parameters
    ----------
    results
        The dict written to ``results.json`` (as read back from it: plain JSON types).
    lang
        ``"fr"`` or ``"en"``.

    Returns
    -------
    tuple
        ``(title, blocks)`` for :class:`alliance_stats.report.Summary`.

    Examples
    --------
    >>> results = {"values": {"sample": {"respondents": 10, "excluded": 0, "kept": 10, "dyads": 5,
    ...            "dyads_complete": 5, "firms_at_risk": 6, "crossed": 2, "crossed_unknown": 0}}, "warnings": []}
    >>> title, blocks = summary_blocks(results, "en")
    >>> blocks[0][1][0][:40]
    '10 respondents answered; 10 were kept, i'
    """
    values = results.get("values") or {}
    correction = (values.get("hypotheses") or {}).get("correction", "holm")
    blocks = [(_t("h_sample", lang), _sample(values, lang)), (_t("h_excluded", lang), _exclusions(values, lang)),
              (_t("h_scales", lang), _scales(values, lang)),
              (_t("h_configurations", lang), _configurations(values, lang)),
              (_t("h_hypotheses", lang, correction=tr(f"models.correction.{correction}", lang)),
               _hypotheses(values, lang)),
              (_t("h_checks", lang), _checks(results, lang)),
              (_t("h_not_computed", lang), _not_computed(results, lang))]
    return _t("title", lang), [(heading, lines) for heading, lines in blocks if lines]
