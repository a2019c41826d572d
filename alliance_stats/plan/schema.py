"""The analysis plan's schema (pydantic, unknown keys refused) and its loading with line numbers.

Paths in a plan are relative to the plan file; in the packaged plan (:mod:`alliance_stats.plan.templates`)
the paths that lead outside the package are mapped to the files the package ships.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, Field, ValidationError, field_validator

from alliance_stats.core.errors import PlanError
from alliance_stats.core.schema import Bilingual, Strict
from alliance_stats.core.yamlio import LineMap, LocatedModel, line_of, load_yaml_file
from alliance_stats.data.quality import ExclusionRules


def _default_exclusions() -> ExclusionRules:
    return ExclusionRules(fail_attention=True, max_longstring=20, mahalanobis_p=0.001, max_missing_share=0.5)


class OutcomeSpec(Strict):
    """How ``crossed`` is derived per firm (docs/design.md section 3)."""

    kind: Literal["sammut", "breakeven"] = "sammut"
    aware_cut: float = 5.0
    transf_cut: float = 5.0


class ClusterSpec(Strict):
    variables: list[str] = Field(default_factory=lambda: ["link", "symmetry"])
    k: int = Field(4, ge=2, le=12)
    methods: list[Literal["kmeans", "ward", "gmm"]] = Field(default_factory=lambda: ["kmeans", "ward", "gmm"])
    k_max: int = Field(8, ge=3, le=15)
    n_boot: int = Field(200, ge=10)
    n_perm: int = Field(999, ge=19)


class TypologySpec(Strict):
    cut: Literal["midpoint", "median"] | float = "midpoint"
    asymmetry: Literal["perceived", "dep_asymmetry", "both"] = "perceived"
    cluster: ClusterSpec = Field(default_factory=ClusterSpec)


class MeasurementSpec(Strict):
    alpha_ci: Literal["feldt", "bootstrap"] = "feldt"
    n_boot: int = Field(2000, ge=100)
    cfa_constructs: list[str] | None = Field(None, description="construct codes in the CFA (default: all)")
    parallel_iter: int = Field(100, ge=20)
    invariance_by: str | None = Field(
        None, description="a category variable (e.g. LANG): configural, metric and scalar invariance across it")
    estimator: Literal["ML", "MLM", "MLR", "WLSMV", "DWLS", "ULSMV"] = Field(
        "ML", description="CFA estimator: ML, MLR (Huber-White SE and Yuan-Bentler test; both use full "
                          "information when answers are missing) or MLM (Satorra-Bentler, complete cases only); "
                          "WLSMV, DWLS or ULSMV: the ordinal route (items as ordered categories, polychoric "
                          "correlations, pairwise deletion when answers are missing)")
    marker_item: str | None = Field(
        None, description="an item theoretically unrelated to the constructs: Lindell and Whitney's marker-variable "
                          "correction in the common-method-variance check (docs: measurement/cmv.py)")


class ModelSpec(Strict):
    label: Bilingual | None = None
    outcome: str = "crossed"
    predictors: list[str]
    categorical: dict[str, str] = Field(default_factory=dict)
    interactions: list[tuple[str, str]] = Field(default_factory=list)
    standardize: list[str] = Field(default_factory=list)
    method: Literal["ml", "firth", "auto"] = "auto"
    cluster: str | None = "dyad_id"
    gee: bool = False


class HypothesisSpec(Strict):
    id: str
    statement: Bilingual
    model: str
    term: str | None = None
    contrast: dict[str, list[str]] | None = Field(
        None, description="{'plus': [levels...], 'minus': [levels...]} of a categorical predictor"
    )
    factor: str | None = None
    direction: Literal["greater", "less", "two-sided"] = "greater"
    confirmatory: bool = True
    # exploratory mediation (H5)
    mediation: dict[str, str] | None = None
    planned_or: float | None = Field(
        None, gt=0, description="odds ratio the design was planned to detect (per unit of the term as the model "
                                "reports it; plus vs minus levels for a contrast): the analytic power shown when "
                                "the hypothesis is not supported and the plan names no power_run")


class RobustnessSpec(Strict):
    """The reviewer's checks (plan/sections/checks.py): common-method variance, nesting in dyads, robustness of the
    hypotheses' verdicts, average marginal effects and collinearity. Each can be switched off."""

    cmv: bool = Field(True, description="Harman's test, a latent method factor, the marker correction")
    nesting: bool = Field(True, description="item ICC(1) and design effects, the dyad-cluster-robust CFA")
    conclusions: bool = Field(True, description="the hypotheses' verdicts under alternative analysis choices")
    margins: bool = Field(True, description="average marginal effects and generalised VIF of every model")
    subsample_dyads: int | None = Field(
        5000, ge=100, description="above this many dyads the CFA-based checks (common-method variance, nesting) "
                                  "use a random subsample of this many dyads, stated in the report (memory and "
                                  "time at 100,000 dyads); null: every dyad")
    cut_shift: float = Field(0.5, gt=0, le=2, description="shift of the AWARE and TRANSF cuts, down and up")
    fuzzy_min_membership: float = Field(
        0.67, gt=0.5, lt=1, description="the fuzzy variant keeps the dyads whose membership in their configuration "
                                        "is at least this (clear members)")


class ReportSpec(Strict):
    suppress_below: int | None = Field(None, ge=1, description="crosstab cells below this are shown as '< k'")


class Plan(LocatedModel):
    """An analysis plan. Paths are relative to the plan file."""

    title: Bilingual
    data: str
    synthetic: bool = False
    instrument: str = "../surveys/alliance_startup.yaml"
    seed_cases: str | None = "../surveys/seed_cases.csv"
    language: Literal["fr", "en"] = "en"
    seed: int = Field(20261126, ge=0)
    exports: list[Literal["xlsform", "limesurvey", "html", "markdown", "codebook-json", "codebook-csv", "sav"]] = (
        Field(default_factory=lambda: ["xlsform", "limesurvey", "html", "markdown", "codebook-json", "codebook-csv",
                                       "sav"])
    )
    min_share: float = Field(2 / 3, gt=0, le=1, description="share of answered items needed for a score")
    exclusions: ExclusionRules = Field(default_factory=_default_exclusions)
    outcome: OutcomeSpec = Field(default_factory=OutcomeSpec)
    measurement: MeasurementSpec = Field(default_factory=MeasurementSpec)
    typology: TypologySpec = Field(default_factory=TypologySpec)
    models: dict[str, ModelSpec] = Field(default_factory=dict)
    hypotheses: list[HypothesisSpec] = Field(default_factory=list)
    report: ReportSpec = Field(default_factory=ReportSpec)
    robustness: RobustnessSpec = Field(default_factory=RobustnessSpec)
    correction: Literal["holm", "bonferroni", "none"] = Field(
        "holm", description="multiplicity correction over the confirmatory hypotheses")
    power_run: str | None = Field(
        None, description="folder of an `alliance-stats power` run whose power curves the report includes")

    @field_validator("hypotheses")
    @classmethod
    def _unique_ids(cls, value: list[HypothesisSpec]) -> list[HypothesisSpec]:
        seen: set[str] = set()
        for hyp in value:
            if hyp.id in seen:
                raise ValueError(f"hypothesis id {hyp.id!r} is used twice")
            seen.add(hyp.id)
        return value

    def resolve(self, relative: str) -> Path:
        """A path of the plan resolved against the plan's folder; in the packaged plan, a path leading outside
        the package (``../surveys/alliance_startup.yaml``) gives the file the package ships instead."""
        from alliance_stats.plan.templates import is_packaged, packaged_file

        if is_packaged(self.path):
            packaged = packaged_file(relative)
            if packaged is not None:
                return packaged
        return super().resolve(relative)


def read_yaml(path: str | Path) -> Any:
    """Read a YAML file safely (used by the CLI for simulation parameters)."""
    data, _ = load_yaml_file(path, PlanError)
    return data


def _validation_to_plan_error(exc: ValidationError, file: str, lines: LineMap) -> PlanError:
    first = exc.errors()[0]
    loc = tuple(part for part in first["loc"] if not (isinstance(part, str) and part.startswith("function-")))
    where = ".".join(str(part) for part in loc) or "(top level)"
    value = first.get("input")
    if isinstance(value, dict | list):
        value = None
    msg = first["msg"]
    if first["type"] == "extra_forbidden":
        msg = f"unknown key '{loc[-1]}'"
        fix = "remove it or check its spelling against the plan schema (alliance_stats/plan/schema.py)"
    elif first["type"] == "missing":
        fix = f"add '{loc[-1]}' to the plan"
    else:
        fix = "correct the value"
    more = len(exc.errors()) - 1
    if more:
        fix += f" ({more} more problem{'s' if more > 1 else ''} after this one)"
    return PlanError(f"{where}: {msg}", file=file, line=line_of(lines, loc), value=value, fix=fix)


def load_validated(path: str | Path, model: type[BaseModel]) -> tuple[Any, dict[str, int]]:
    """Load a YAML file and validate it with a pydantic ``model``; errors are :class:`PlanError` with the line.

    Returns the validated object and a map ``"key/path" -> line`` for later checks.
    """
    path = Path(path)
    data, lines = load_yaml_file(path, PlanError)
    if not isinstance(data, dict):
        raise PlanError("a plan must be a mapping of keys", file=str(path), line=1,
                        fix="start from the plans in analyses/")
    try:
        obj = model.model_validate(data)
    except ValidationError as exc:
        raise _validation_to_plan_error(exc, str(path), lines) from None
    return obj, {"/".join(str(p) for p in key): line for key, line in lines.items() if key}


def load_plan(path: str | Path) -> Plan:
    """Load and validate an analysis plan; errors are :class:`PlanError` with the line.

    Parameters
    ----------
    path
        The plan's YAML file.

    Returns
    -------
    Plan
        The validated plan, with ``path`` set so that relative paths resolve against its folder.
    """
    path = Path(path)
    plan, lines = load_validated(path, Plan)
    plan.path = path.resolve()
    plan.lines = lines
    return plan

