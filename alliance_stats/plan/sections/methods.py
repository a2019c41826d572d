"""The methods paragraph and the bibliography of a run, generated from the plan and the run.

:func:`methods_facts` gathers what the paragraph says (instrument, exclusion rules and thresholds, outcome
definition, estimator, typology cut, cluster methods, models and the method each used, correction, software
versions from the provenance, the works cited) into ``values["methods"]`` of ``results.json``;
:func:`methods_paragraphs` writes the sentences from those facts only, so that a number in the text is a number
in ``results.json`` and a changed plan value changes the sentence (tests/plan/test_methods.py). A researcher
edits the text; nothing in it is invented. :func:`references_section` lists, in APA 7, only the works cited.
"""

from __future__ import annotations

from typing import Any

from alliance_stats.core.constants import EPV_THRESHOLD
from alliance_stats.core.format import format_cell
from alliance_stats.core.i18n import LABELS, tr

#: APA 7 references of the methods the package implements (the docstrings of the modules cite the same works).
REFERENCES: dict[str, str] = {
    "bartlett1950": "Bartlett, M. S. (1950). Tests of significance in factor analysis. British Journal of "
                    "Psychology, Statistical Section, 3(2), 77-85.",
    "chen2007": "Chen, F. F. (2007). Sensitivity of goodness of fit indexes to lack of measurement invariance. "
                "Structural Equation Modeling, 14(3), 464-504. https://doi.org/10.1080/10705510701301834",
    "cronbach1951": "Cronbach, L. J. (1951). Coefficient alpha and the internal structure of tests. Psychometrika, "
                    "16(3), 297-334. https://doi.org/10.1007/BF02310555",
    "feldt1987": "Feldt, L. S., Woodruff, D. J., & Salih, F. A. (1987). Statistical inference for coefficient "
                 "alpha. Applied Psychological Measurement, 11(1), 93-103.",
    "firth1993": "Firth, D. (1993). Bias reduction of maximum likelihood estimates. Biometrika, 80(1), 27-38. "
                 "https://doi.org/10.1093/biomet/80.1.27",
    "fornell1981": "Fornell, C., & Larcker, D. F. (1981). Evaluating structural equation models with unobservable "
                   "variables and measurement error. Journal of Marketing Research, 18(1), 39-50.",
    "fraley2002": "Fraley, C., & Raftery, A. E. (2002). Model-based clustering, discriminant analysis, and density "
                  "estimation. Journal of the American Statistical Association, 97(458), 611-631.",
    "heinze2002": "Heinze, G., & Schemper, M. (2002). A solution to the problem of separation in logistic "
                  "regression. Statistics in Medicine, 21(16), 2409-2419. https://doi.org/10.1002/sim.1047",
    "hennig2007": "Hennig, C. (2007). Cluster-wise assessment of cluster stability. Computational Statistics & Data "
                  "Analysis, 52(1), 258-271. https://doi.org/10.1016/j.csda.2006.11.025",
    "henseler2015": "Henseler, J., Ringle, C. M., & Sarstedt, M. (2015). A new criterion for assessing discriminant "
                    "validity in variance-based structural equation modeling. Journal of the Academy of Marketing "
                    "Science, 43(1), 115-135. https://doi.org/10.1007/s11747-014-0403-8",
    "holm1979": "Holm, S. (1979). A simple sequentially rejective multiple test procedure. Scandinavian Journal of "
                "Statistics, 6(2), 65-70.",
    "horn1965": "Horn, J. L. (1965). A rationale and test for the number of factors in factor analysis. "
                "Psychometrika, 30(2), 179-185.",
    "hu1999": "Hu, L., & Bentler, P. M. (1999). Cutoff criteria for fit indexes in covariance structure analysis: "
              "Conventional criteria versus new alternatives. Structural Equation Modeling, 6(1), 1-55. "
              "https://doi.org/10.1080/10705519909540118",
    "hubert1985": "Hubert, L., & Arabie, P. (1985). Comparing partitions. Journal of Classification, 2(1), 193-218.",
    "kaiser1974": "Kaiser, H. F. (1974). An index of factorial simplicity. Psychometrika, 39(1), 31-36.",
    "mcdonald1999": "McDonald, R. P. (1999). Test theory: A unified treatment. Lawrence Erlbaum.",
    "revelle2022": "Revelle, W. (2022). psych: Procedures for psychological, psychometric, and personality "
                   "research (Version 2.2.9) [R package]. Northwestern University.",
    "rosseel2012": "Rosseel, Y. (2012). lavaan: An R package for structural equation modeling. Journal of "
                   "Statistical Software, 48(2), 1-36. https://doi.org/10.18637/jss.v048.i02",
    "rousseeuw1987": "Rousseeuw, P. J. (1987). Silhouettes: A graphical aid to the interpretation and validation "
                     "of cluster analysis. Journal of Computational and Applied Mathematics, 20, 53-65.",
    "sammut1995": "Sammut, S. (1995). Contribution à la compréhension du processus de démarrage en petite "
                  "entreprise [Doctoral dissertation, Université Montpellier I].",
    "satorra1994": "Satorra, A., & Bentler, P. M. (1994). Corrections to test statistics and standard errors in "
                   "covariance structure analysis. In A. von Eye & C. C. Clogg (Eds.), Latent variables analysis "
                   "(pp. 399-419). Sage.",
    "tibshirani2001": "Tibshirani, R., Walther, G., & Hastie, T. (2001). Estimating the number of clusters in a data "
                      "set via the gap statistic. Journal of the Royal Statistical Society: Series B, 63(2), 411-423.",
    "ward1963": "Ward, J. H., Jr. (1963). Hierarchical grouping to optimize an objective function. Journal of the "
                "American Statistical Association, 58(301), 236-244.",
    "yuan2000": "Yuan, K.-H., & Bentler, P. M. (2000). Three likelihood-based methods for mean and covariance "
                "structure analysis with nonnormal missing data. Sociological Methodology, 30(1), 165-200.",
}

#: The software versions the methods paragraph names (keys of provenance ``versions``).
SOFTWARE = ("python", "numpy", "scipy", "pandas", "statsmodels", "scikit-learn")


def _num(value: Any, lang: str) -> str:
    """A plan value as the methods text prints it: integers as is, other numbers with a decimal comma in French."""
    if isinstance(value, bool) or value is None:
        return str(value)
    if float(value) == int(value):
        return format_cell(int(value), "int", lang)
    text = repr(float(value))
    return text.replace(".", ",") if lang == "fr" else text


def methods_facts(plan: Any, instrument: Any, provenance: dict[str, Any], values: dict[str, Any]) -> dict[str, Any]:
    """What the methods paragraph says, JSON-ready (``values["methods"]`` of results.json).

    Parameters
    ----------
    plan
        The :class:`~alliance_stats.plan.schema.Plan` of the run.
    instrument
        The run's instrument.
    provenance
        The run's provenance (``versions``).
    values
        The run's ``values`` so far (the estimation method each model used, the CFA's missing-data handling).

    Returns
    -------
    dict
        Instrument, exclusions, outcome, measurement, typology, cluster, models, correction, software and the
        keys of the works cited (``references``).
    """
    codes = list(plan.measurement.cfa_constructs or instrument.construct_codes())
    scale = instrument.scales[instrument.items(codes[0])[0].scale]
    rules = plan.exclusions.model_dump()
    if rules.get("max_missing_share") is not None:
        rules["max_missing_percent"] = round(100 * rules["max_missing_share"], 6)
    cut = plan.typology.cut
    cut_value = {"midpoint": (float(scale.min) + float(scale.max)) / 2}.get(cut, cut) if isinstance(cut, str) else cut
    models = {key: {"predictors": list(spec.predictors), "categorical": dict(spec.categorical),
                    "interactions": [list(p) for p in spec.interactions], "standardize": list(spec.standardize),
                    "cluster": spec.cluster, "gee": spec.gee, "method": spec.method,
                    "used": (values.get(f"model_{key}_method") or {}).get("method")}
              for key, spec in plan.models.items()}
    facts: dict[str, Any] = {
        "constructs": [{"code": c, "items": len(instrument.items(c))} for c in codes],
        "n_items": sum(len(instrument.items(c)) for c in codes), "scale_min": int(scale.min),
        "scale_max": int(scale.max), "languages": _languages(instrument),
        "exclusions": rules, "min_share": plan.min_share, "min_share_percent": round(100 * plan.min_share),
        "outcome": plan.outcome.model_dump(), "estimator": plan.measurement.estimator,
        "cfa_missing": values.get("cfa_missing"), "alpha_ci": plan.measurement.alpha_ci,
        "alpha_boot": plan.measurement.n_boot, "parallel_iter": plan.measurement.parallel_iter,
        "invariance_by": plan.measurement.invariance_by,
        "typology": {"cut": cut, "cut_value": cut_value, "asymmetry": plan.typology.asymmetry},
        "cluster": plan.typology.cluster.model_dump(), "cluster_subsample": values.get("cluster_subsample"),
        "models": models, "correction": plan.correction,
        "alpha": 0.05, "firth_epv": EPV_THRESHOLD,
        "software": [[k, provenance.get("versions", {}).get(k)] for k in SOFTWARE],
        "tool_version": provenance.get("versions", {}).get("alliance-stats"),
    }
    facts["references"] = _cited(facts)
    facts["reference_texts"] = [REFERENCES[key] for key in facts["references"]]
    return facts


def _languages(instrument: Any) -> list[str]:
    """Every text of an instrument is in French and English; its default language first."""
    first = instrument.meta.default_language
    return [first] + [lang for lang in ("fr", "en") if lang != first]


def _cited(facts: dict[str, Any]) -> list[str]:
    """Keys of the works the paragraph cites, given the facts (e.g. Firth only when a model may use it)."""
    cited = ["cronbach1951", "mcdonald1999", "kaiser1974", "bartlett1950", "horn1965", "rosseel2012", "revelle2022",
             "hu1999", "fornell1981", "henseler2015", "hubert1985", "hennig2007", "rousseeuw1987",
             "tibshirani2001"]
    cited += {"feldt": ["feldt1987"]}.get(facts["alpha_ci"], [])
    cited += {"MLR": ["yuan2000"], "MLM": ["satorra1994"]}.get(facts["estimator"], [])
    if facts["invariance_by"]:
        cited.append("chen2007")
    if facts["outcome"]["kind"] == "sammut":
        cited.append("sammut1995")
    methods = set(facts["cluster"]["methods"])
    cited += (["ward1963"] if "ward" in methods else []) + (["fraley2002"] if "gmm" in methods else [])
    if any(m["method"] in ("firth", "auto") or m["used"] == "firth" for m in facts["models"].values()):
        cited += ["firth1993", "heinze2002"]
    if facts["correction"] == "holm":
        cited.append("holm1979")
    return sorted(set(cited))


def _t(key: str, lang: str, **fields: Any) -> str:
    text = tr(f"plan.methods.{key}", lang)
    return text.format(**fields) if fields else text


def _rules(rules: dict[str, Any], lang: str) -> str:
    parts = []
    if rules.get("fail_attention"):
        parts.append(_t("rule_attention", lang))
    for key in ("max_longstring", "min_irv", "mahalanobis_p", "min_evenodd"):
        if rules.get(key) is not None:
            parts.append(_t(f"rule_{key}", lang, value=_num(rules[key], lang)))
    if rules.get("max_missing_share") is not None:
        parts.append(_t("rule_missing", lang, value=_num(rules["max_missing_percent"], lang)))
    if rules.get("exclude_dyad"):
        parts.append(_t("rule_dyad", lang))
    return _t("sep", lang).join(parts)


def _models(facts: dict[str, Any], lang: str) -> str:
    parts = []
    for key, m in facts["models"].items():
        terms = [tr(p, lang) if p in LABELS else p for p in m["predictors"]]
        sep = _t("sep", lang)
        text = f"{key} ({', '.join(terms)}"
        for factor, ref in m["categorical"].items():
            text += sep + _t("reference", lang, factor=tr(factor, lang).lower(), level=tr(ref, lang).lower())
        for a, b in m["interactions"]:
            text += f"{sep}{a} x {b}"
        if m["standardize"]:
            text += sep + _t("standardized", lang, terms=", ".join(m["standardize"]))
        used = m["used"] or m["method"]
        parts.append(text + sep + _t(f"used_{used}" if f"plan.methods.used_{used}" in LABELS else "used_ml", lang)
                     + ")")
    return _t("sep", lang).join(parts)


def methods_paragraphs(facts: dict[str, Any], lang: str) -> list[str]:
    """The methods paragraphs, from :func:`methods_facts` only.

    Parameters
    ----------
    facts
        ``values["methods"]`` of a run (as read back from results.json).
    lang
        ``"fr"`` or ``"en"``.

    Returns
    -------
    list of str
        Instrument and exclusions; outcome; scales; typology; models and hypotheses; software.
    """
    constructs = ", ".join(f"{c['code']} {format_cell(c['items'], 'int', lang)}" for c in facts["constructs"])
    languages = _t("and", lang).join(tr(f"plan.methods.lang_{code}", lang) for code in facts["languages"])
    rules = _rules(facts["exclusions"], lang)
    first = _t("instrument", lang, n=format_cell(len(facts["constructs"]), "int", lang),
               items=format_cell(facts["n_items"], "int", lang), low=facts["scale_min"], high=facts["scale_max"],
               constructs=constructs, languages=languages)
    first += " " + (_t("exclusions", lang, rules=rules) if rules else _t("exclusions_none", lang))
    first += " " + _t("min_share", lang, share=format_cell(facts["min_share_percent"], "int", lang))
    outcome = facts["outcome"]
    second = (_t("outcome_sammut", lang, aware=_num(outcome["aware_cut"], lang),
                 transf=_num(outcome["transf_cut"], lang))
              if outcome["kind"] == "sammut" else _t("outcome_breakeven", lang))
    missing = _t(f"missing_{facts['cfa_missing'] or 'listwise'}", lang)
    third = _t(f"scales_{facts['alpha_ci']}", lang, boot=format_cell(facts["alpha_boot"], "int", lang))
    third += " " + _t("factorability", lang, iter=format_cell(facts["parallel_iter"], "int", lang))
    third += " " + _t(f"cfa_{facts['estimator']}", lang, missing=missing)
    if facts["invariance_by"]:
        third += " " + _t("invariance", lang, by=facts["invariance_by"])
    typ, cl = facts["typology"], facts["cluster"]
    fourth = _t("typology", lang, cut=_num(typ["cut_value"], lang), low=facts["scale_min"], high=facts["scale_max"],
                asymmetry=_t(f"asymmetry_{typ['asymmetry']}", lang))
    fourth += " " + _t("cluster", lang, methods=", ".join(_t(f"cluster_{m}", lang) for m in cl["methods"]),
                       k=format_cell(cl["k"], "int", lang), k_max=format_cell(cl["k_max"], "int", lang),
                       n_perm=format_cell(cl["n_perm"], "int", lang), n_boot=format_cell(cl["n_boot"], "int", lang))
    sub = facts.get("cluster_subsample")
    if sub:  # above a size the check samples: said with its size and seed (issue 17)
        fourth += " " + _t("cluster_subsample", lang, size=format_cell(sub["size"], "int", lang),
                           n=format_cell(sub["of"], "int", lang), seed=sub["seed"])
    fifth = _t("models", lang, models=_models(facts, lang))
    if any(m["cluster"] for m in facts["models"].values()):
        fifth += " " + _t("cluster_se", lang)
    if any(m["method"] in ("firth", "auto") for m in facts["models"].values()):
        fifth += " " + _t("firth", lang, epv=_num(facts["firth_epv"], lang))
    fifth += " " + _t(f"correction_{facts['correction']}", lang, alpha=format_cell(facts["alpha"], "r2", lang))
    software = ", ".join(f"{name} {version}" for name, version in facts["software"] if version)
    sixth = _t("software", lang, version=facts["tool_version"] or "?", software=software)
    return [first, second, third, fourth, fifth, sixth]


def references_paragraphs(facts: dict[str, Any]) -> list[str]:
    """The APA 7 reference list of the works the methods paragraph cites, in alphabetical order."""
    return list(facts.get("reference_texts") or [])
