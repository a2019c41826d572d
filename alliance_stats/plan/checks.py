"""Checks of a plan against the instrument, before any computation (every mistake a PlanError with its line).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from alliance_stats.core.typology import CONFIGURATIONS
from alliance_stats.plan.schema import HypothesisSpec, ModelSpec, Plan

#: Columns the runner derives per firm at risk or per dyad (besides instrument variables and construct codes).
DERIVED_COLUMNS = {"link", "symmetry", "trust_shared", "trust_constrained", "dep_asymmetry", "configuration",
                   "firm_age", "dyad_id", "crossed"}

#: Identifier and cluster columns: they name respondents and alliances and can never be predictors.
ID_COLUMNS = frozenset({"dyad_id", "resp_id", "role"})

#: Fewest respondents with at least one answered item a construct needs (item analysis and alpha need 3).
MIN_CONSTRUCT_RESPONDENTS = 3


@dataclass(frozen=True)
class _Names:
    """What a plan may name: construct codes, every usable column, and the constructs that define crossed."""

    codes: frozenset[str]
    known: frozenset[str]
    defining: frozenset[str]


def check_plan(plan: Plan, instrument: Any) -> None:
    """Check a plan against the instrument before any computation; raise :class:`PlanError` with the line.

    Checks: model predictors are known variables (never an identifier or the cluster variable), construct codes
    or derived columns; ``crossed`` is not explained by the constructs that define it (AWARE, TRANSF under the
    Sammut definition); categorical predictors and their reference levels exist; interaction terms are
    predictors; hypotheses name an existing model, a predictor of it or levels of its factor; cuts lie on the
    scale; cluster variables are dyad columns; measurement constructs exist. The data-dependent checks (blank
    constructs, an outcome without variation) are :func:`check_analysis_data`, once the data are prepared.
    """
    codes = set(instrument.constructs)
    numeric_types = {"likert", "binary", "integer", "year"}
    variables = {v.name for v in instrument.variables if v.type in numeric_types and not v.personal}
    names = _Names(codes=frozenset(codes), known=frozenset(DERIVED_COLUMNS | codes | variables),
                   defining=frozenset({"AWARE", "TRANSF"} if plan.outcome.kind == "sammut" else set()))
    scale = next(iter(instrument.scales.values()))
    for key, model in plan.models.items():
        _check_model(plan, key, model, names)
    for i, hyp in enumerate(plan.hypotheses):
        _check_hypothesis(plan, i, hyp, names)
    _check_typology(plan, scale)
    _check_measurement(plan, instrument, names)
    _check_outcome_and_power_run(plan, scale)


def _check_model(plan: Plan, key: str, model: ModelSpec, names: _Names) -> None:
    if model.outcome != "crossed":
        raise plan.error(f"model {key}: the outcome must be 'crossed'", "models", key, "outcome",
                         value=model.outcome, fix="the crossing models explain crossed (docs/design.md section 3)")
    for predictor in model.predictors:
        if predictor in ID_COLUMNS or predictor == model.cluster:
            raise plan.error(f"model {key}: '{predictor}' identifies respondents or alliances (it is the cluster of "
                             "the standard errors), it cannot be a predictor", "models", key, "predictors",
                             value=predictor, fix="remove it from predictors; dyads are accounted for by "
                                                  "`cluster: dyad_id`")
        if predictor not in names.known:
            raise plan.error(f"model {key}: unknown predictor '{predictor}'", "models", key, "predictors",
                             value=predictor,
                             fix=f"use a construct code ({', '.join(sorted(names.codes))}), a numeric instrument "
                                 f"variable or one of {', '.join(sorted(DERIVED_COLUMNS - {'crossed'}))}")
        if predictor in names.defining or predictor == "crossed":
            raise plan.error(f"model {key}: '{predictor}' defines the outcome crossed and cannot predict it",
                             "models", key, "predictors", value=predictor,
                             fix="remove it, or define crossed as break-even only (outcome: kind: breakeven)")
    if len(set(model.predictors)) != len(model.predictors):
        raise plan.error(f"model {key}: a predictor is listed twice", "models", key, "predictors")
    _check_model_terms(plan, key, model)


def _check_model_terms(plan: Plan, key: str, model: ModelSpec) -> None:
    """Factors and their reference levels, interactions, standardised terms and the cluster of one model."""
    for factor, reference in model.categorical.items():
        if factor not in model.predictors:
            raise plan.error(f"model {key}: categorical '{factor}' is not a predictor", "models", key,
                             "categorical", value=factor, fix="add it to predictors or remove it here")
        if factor == "configuration" and reference not in CONFIGURATIONS:
            raise plan.error(f"model {key}: unknown reference level '{reference}' of configuration",
                             "models", key, "categorical", value=reference,
                             fix=f"use one of {', '.join(CONFIGURATIONS)}")
    if "configuration" in model.predictors and "configuration" not in model.categorical:
        raise plan.error(f"model {key}: configuration needs a reference level", "models", key, "predictors",
                         fix="add `categorical: {configuration: survie}`")
    for pair in model.interactions:
        for term in pair:
            if term not in model.predictors:
                raise plan.error(f"model {key}: interaction term '{term}' is not a predictor", "models", key,
                                 "interactions", value=term, fix="interact two listed predictors")
    for term in model.standardize:
        if term not in model.predictors or term in model.categorical:
            raise plan.error(f"model {key}: cannot standardise '{term}'", "models", key, "standardize",
                             value=term, fix="standardise continuous predictors of the model only")
    if model.cluster not in (None, "dyad_id"):
        raise plan.error(f"model {key}: unknown cluster '{model.cluster}'", "models", key, "cluster",
                         value=model.cluster, fix="use dyad_id or null")


def _check_hypothesis(plan: Plan, i: int, hyp: HypothesisSpec, names: _Names) -> None:
    targets = [hyp.term is not None, hyp.contrast is not None, hyp.mediation is not None]
    if sum(targets) != 1:
        raise plan.error(f"hypothesis {hyp.id}: give exactly one of term, contrast or mediation",
                         "hypotheses", i, fix="see the examples in analyses/confirmatory.yaml")
    if hyp.model not in plan.models:
        raise plan.error(f"hypothesis {hyp.id}: unknown model '{hyp.model}'", "hypotheses", i, "model",
                         value=hyp.model, fix=f"use one of {', '.join(plan.models)}")
    model = plan.models[hyp.model]
    if hyp.term is not None:
        _check_term(plan, i, hyp, model)
    if hyp.contrast is not None:
        _check_contrast(plan, i, hyp, model)
    if hyp.mediation is not None:
        _check_mediation(plan, i, hyp, names)


def _check_term(plan: Plan, i: int, hyp: HypothesisSpec, model: ModelSpec) -> None:
    interactions = {f"{a}:{b}" for a, b in model.interactions} | {f"{b}:{a}" for a, b in model.interactions}
    if hyp.term not in model.predictors and hyp.term not in interactions:
        raise plan.error(f"hypothesis {hyp.id}: '{hyp.term}' is not a term of model {hyp.model}",
                         "hypotheses", i, "term", value=hyp.term,
                         fix=f"use one of {', '.join(model.predictors)}")
    if hyp.term in model.categorical:
        raise plan.error(f"hypothesis {hyp.id}: '{hyp.term}' is a factor: test it with a contrast",
                         "hypotheses", i, "term", value=hyp.term,
                         fix="write contrast: {plus: [levels], minus: [levels]} and factor: " + str(hyp.term))


def _check_contrast(plan: Plan, i: int, hyp: HypothesisSpec, model: ModelSpec) -> None:
    factor = hyp.factor or "configuration"
    if factor not in model.categorical:
        raise plan.error(f"hypothesis {hyp.id}: '{factor}' is not a factor of model {hyp.model}",
                         "hypotheses", i, "factor", value=factor)
    contrast = hyp.contrast or {}
    if set(contrast) != {"plus", "minus"}:
        raise plan.error(f"hypothesis {hyp.id}: a contrast has exactly the keys plus and minus",
                         "hypotheses", i, "contrast")
    for side in ("plus", "minus"):
        for level in contrast[side]:
            if factor == "configuration" and level not in CONFIGURATIONS:
                raise plan.error(f"hypothesis {hyp.id}: unknown level '{level}'", "hypotheses", i,
                                 "contrast", value=level, fix=f"use one of {', '.join(CONFIGURATIONS)}")


def _check_mediation(plan: Plan, i: int, hyp: HypothesisSpec, names: _Names) -> None:
    mediation = hyp.mediation or {}
    if hyp.confirmatory:
        raise plan.error(f"hypothesis {hyp.id}: mediation is exploratory here", "hypotheses", i,
                         fix="set confirmatory: false")
    if set(mediation) != {"x", "mediator", "outcome"}:
        raise plan.error(f"hypothesis {hyp.id}: mediation needs exactly x, mediator and outcome",
                         "hypotheses", i, "mediation")
    for role in ("x", "mediator"):
        name = mediation[role]
        if name not in names.known or name in names.defining or name == "crossed":
            raise plan.error(f"hypothesis {hyp.id}: '{name}' cannot be the {role} of crossed",
                             "hypotheses", i, "mediation", value=name,
                             fix="use a construct or derived score other than AWARE and TRANSF")
    if mediation["outcome"] != "crossed":
        raise plan.error(f"hypothesis {hyp.id}: the mediation outcome must be crossed", "hypotheses", i,
                         "mediation", value=mediation["outcome"])


def _check_typology(plan: Plan, scale: Any) -> None:
    cut = plan.typology.cut
    if isinstance(cut, float | int) and not scale.min < cut < scale.max:
        raise plan.error(f"typology cut {cut} is not inside the {scale.min}-{scale.max} scale", "typology", "cut",
                         value=cut, fix="use midpoint, median or a number strictly inside the scale")
    for name in plan.typology.cluster.variables:
        if name not in {"link", "symmetry", "trust_shared", "trust_constrained", "dep_asymmetry"}:
            raise plan.error(f"unknown cluster variable '{name}'", "typology", "cluster", "variables", value=name,
                             fix="use dyad scores: link, symmetry, trust_shared, trust_constrained, dep_asymmetry")
    if plan.typology.cluster.k > plan.typology.cluster.k_max:
        raise plan.error("cluster k is above k_max", "typology", "cluster", "k", value=plan.typology.cluster.k)


def _check_measurement(plan: Plan, instrument: Any, names: _Names) -> None:
    by = plan.measurement.invariance_by
    if by is not None and (by not in instrument.variable_names() or instrument.variable(by).type != "category"):
        raise plan.error(f"invariance_by '{by}' is not a category variable of the instrument", "measurement",
                         "invariance_by", value=by, fix="use a category variable such as LANG, or null")
    for code in plan.measurement.cfa_constructs or []:
        if code not in names.codes:
            raise plan.error(f"unknown construct '{code}'", "measurement", "cfa_constructs", value=code,
                             fix=f"use one of {', '.join(sorted(names.codes))}")
    marker = plan.measurement.marker_item
    if marker is not None:
        variable = instrument.variable(marker) if marker in instrument.variable_names() else None
        if variable is None or variable.type not in ("likert", "integer") or variable.construct is not None:
            raise plan.error(f"marker_item '{marker}' is not a Likert or integer variable outside the constructs",
                             "measurement", "marker_item", value=marker,
                             fix="name an item that measures none of the constructs (Lindell and Whitney 2001), "
                                 "or null")


def _check_outcome_and_power_run(plan: Plan, scale: Any) -> None:
    if plan.power_run is not None and not (plan.resolve(plan.power_run) / "results.json").is_file():
        raise plan.error("power_run has no results.json", "power_run", value=plan.power_run,
                         fix="run `alliance-stats power analyses/power.yaml -o FOLDER` first, or remove power_run")
    for key in ("aware_cut", "transf_cut"):
        value = getattr(plan.outcome, key)
        if not scale.min <= value <= scale.max:
            raise plan.error(f"outcome {key} {value} is outside the {scale.min}-{scale.max} scale", "outcome", key,
                             value=value)


def check_analysis_data(plan: Plan, instrument: Any, items: Any, firms: Any, file: str | None = None) -> None:
    """Check the prepared data against the plan before any model is fitted; raise :class:`DataError` naming the
    construct or the outcome.

    Two failures that the models would otherwise meet late (after the measurement and the clustering): a
    construct whose items are (almost) all blank, and an outcome ``crossed`` that does not vary among the firms
    at risk (no firm crossed, or all did), with which no crossing model can be fitted.

    Parameters
    ----------
    plan
        The confirmatory plan.
    instrument
        Its instrument.
    items
        The kept respondents' items (:func:`alliance_stats.data.scoring.clean_items`: one column per item).
    firms
        The firms at risk (:func:`alliance_stats.data.firms_at_risk`), with the column ``crossed`` (0, 1 or NaN).
    file
        The responses file, for the message.

    Raises
    ------
    DataError
        A construct of the measurement or of a model with fewer than :data:`MIN_CONSTRUCT_RESPONDENTS`
        respondents answering any of its items; an outcome without events or without non-events.

    References
    ----------
    docs/design.md section 3 (the outcome, firms at risk); Peduzzi, P., Concato, J., Kemper, E., Holford, T. R.
    & Feinstein, A. R. (1996). A simulation study of the number of events per variable in logistic regression
    analysis. Journal of Clinical Epidemiology 49, 1373-1379 (a model needs events and non-events).

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> from alliance_stats.instrument import default_instrument
    >>> from alliance_stats.plan import load_plan
    >>> from alliance_stats.plan.templates import default_plan_path
    >>> plan, inst = load_plan(default_plan_path()), default_instrument()
    >>> items = pd.DataFrame({v.name: [3.0, 4.0, 5.0, 2.0] for v in inst.likert_items()})
    >>> check_analysis_data(plan, inst, items, pd.DataFrame({"crossed": [0.0, 1.0, np.nan]}))
    >>> from alliance_stats.core.errors import DataError
    >>> try:
    ...     check_analysis_data(plan, inst, items, pd.DataFrame({"crossed": [0.0, 0.0, np.nan]}), "r.csv")
    ... except DataError as exc:
    ...     print(exc.column, "|", exc.message)
    crossed | the outcome crossed does not vary: none of the 2 firms at risk with a known outcome crossed, so no \
crossing model can be fitted
    """
    _check_constructs_answered(plan, instrument, items, file)
    if plan.models:
        _check_outcome_varies(plan, firms, file)


def _check_constructs_answered(plan: Plan, instrument: Any, items: Any, file: str | None) -> None:
    from alliance_stats.core.errors import DataError

    codes = list(plan.measurement.cfa_constructs or instrument.construct_codes())
    for model in plan.models.values():
        codes += [p for p in model.predictors if p in instrument.constructs and p not in codes]
    for code in codes:
        names = [v.name for v in instrument.items(code) if v.name in items.columns]
        answered = int(items[names].notna().any(axis=1).sum()) if names else 0
        if answered < MIN_CONSTRUCT_RESPONDENTS:
            shown = ", ".join(names[:8]) + (", ..." if len(names) > 8 else "")
            who = "no respondent answers" if answered == 0 else f"only {answered} respondent(s) answer"
            raise DataError(
                f"construct {code}: {who} any of its items ({shown}); its scores, reliability and the models "
                f"using it need at least {MIN_CONSTRUCT_RESPONDENTS}", file=file, column=names[0] if names else None,
                fix="check that the export holds these columns with their answers (not blank), or leave the "
                    "construct out of measurement: cfa_constructs and of the models")


def _check_outcome_varies(plan: Plan, firms: Any, file: str | None) -> None:
    from alliance_stats.core.errors import DataError

    crossed = firms["crossed"].dropna() if "crossed" in firms else firms.iloc[:0, :0]
    n, events = len(crossed), int((crossed == 1).sum()) if len(crossed) else 0
    if n == 0:
        what = "no firm at risk has a known outcome"
    elif events == 0:
        what = f"none of the {n} firms at risk with a known outcome crossed"
    elif events == n:
        what = f"all {n} firms at risk with a known outcome crossed"
    else:
        return
    raise DataError(
        f"the outcome crossed does not vary: {what}, so no crossing model can be fitted", file=file,
        column="crossed",
        fix="check the outcome's definition in the plan (outcome: kind, aware_cut, transf_cut) and the answers "
            "behind it; with a single class the models cannot be estimated")
