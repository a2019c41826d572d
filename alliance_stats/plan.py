"""The analysis plan (schema) and the runner that chains the stages.

A plan is a YAML file (``analyses/confirmatory.yaml``) validated by :class:`Plan` (pydantic, unknown keys
rejected). Every mistake is reported as a :class:`~alliance_stats.errors.PlanError` naming the plan file and
the line, *before* any computation starts: the YAML is parsed, validated against the schema, then checked
against the instrument (variables, construct codes, reference levels, hypothesis terms).

This module and :mod:`alliance_stats.cli` are the only places that write files. A run is written into a
temporary folder next to the target and renamed at the end, so a run folder is either complete or absent;
an existing folder is replaced only with ``force=True``.
"""

from __future__ import annotations

import hashlib
import json
import os
import platform
import shutil
import tempfile
import time
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from alliance_stats.data.quality import ExclusionRules
from alliance_stats.errors import AllianceStatsError, AnalysisWarning, PlanError, SpecificationError
from alliance_stats.yamlio import LineMap, LocatedModel, line_of, load_yaml_file

# ------------------------------------------------------------------------------------------ schema


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Bilingual(_Strict):
    fr: str
    en: str


def _default_exclusions() -> ExclusionRules:
    return ExclusionRules(fail_attention=True, max_longstring=20, mahalanobis_p=0.001, max_missing_share=0.5)


class OutcomeSpec(_Strict):
    """How ``crossed`` is derived per firm (DESIGN.md section 3)."""

    kind: Literal["sammut", "breakeven"] = "sammut"
    aware_cut: float = 5.0
    transf_cut: float = 5.0


class ClusterSpec(_Strict):
    variables: list[str] = Field(default_factory=lambda: ["link", "symmetry"])
    k: int = Field(4, ge=2, le=12)
    methods: list[Literal["kmeans", "ward", "gmm"]] = Field(default_factory=lambda: ["kmeans", "ward", "gmm"])
    k_max: int = Field(8, ge=3, le=15)
    n_boot: int = Field(200, ge=10)
    n_perm: int = Field(999, ge=19)


class TypologySpec(_Strict):
    cut: Literal["midpoint", "median"] | float = "midpoint"
    asymmetry: Literal["perceived", "dep_asymmetry", "both"] = "perceived"
    cluster: ClusterSpec = Field(default_factory=ClusterSpec)


class MeasurementSpec(_Strict):
    alpha_ci: Literal["feldt", "bootstrap"] = "feldt"
    n_boot: int = Field(2000, ge=100)
    cfa_constructs: list[str] | None = Field(None, description="construct codes in the CFA (default: all)")
    parallel_iter: int = Field(100, ge=20)
    invariance_by: str | None = Field(
        None, description="a category variable (e.g. LANG): configural, metric and scalar invariance across it")
    estimator: Literal["ML", "MLM", "MLR"] = Field(
        "ML", description="CFA estimator: ML, MLR (Huber-White SE and Yuan-Bentler test; both use full "
                          "information when answers are missing) or MLM (Satorra-Bentler, complete cases only)")


class ModelSpec(_Strict):
    label: Bilingual | None = None
    outcome: str = "crossed"
    predictors: list[str]
    categorical: dict[str, str] = Field(default_factory=dict)
    interactions: list[tuple[str, str]] = Field(default_factory=list)
    standardize: list[str] = Field(default_factory=list)
    method: Literal["ml", "firth", "auto"] = "auto"
    cluster: str | None = "dyad_id"
    gee: bool = False


class HypothesisSpec(_Strict):
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


class ReportSpec(_Strict):
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
        fix = "remove it or check its spelling against the plan schema (alliance_stats/plan.py)"
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


# ---------------------------------------------------------------------------------------- run folder


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def dependency_versions() -> dict[str, str]:
    names = ["alliance-stats", "numpy", "scipy", "pandas", "statsmodels", "scikit-learn", "pingouin", "semopy",
             "firthmodels", "matplotlib", "pydantic", "PyYAML", "openpyxl", "pyreadstat", "python-docx", "jinja2"]
    out: dict[str, str] = {"python": platform.python_version()}
    for name in names:
        try:
            out[name] = version(name)
        except PackageNotFoundError:
            out[name] = "not installed"
    return out


@contextmanager
def run_folder(target: Path, force: bool) -> Iterator[Path]:
    """Yield a temporary folder that becomes ``target`` when the block succeeds (atomic publication)."""
    target = Path(target)
    refuse_existing(target, force)
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp"))
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(tmp, 0o777 & ~umask)  # mkdtemp creates 0700; a run folder gets the usual permissions
    try:
        yield tmp
        if target.exists():
            old = target.with_name(f".{target.name}.old")
            if old.exists():
                shutil.rmtree(old)
            os.replace(target, old)
            os.replace(tmp, target)
            shutil.rmtree(old)
        else:
            os.replace(tmp, target)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise


def refuse_existing(target: Path, force: bool) -> None:
    """Raise before any computation when ``target`` exists and ``force`` is not set."""
    if Path(target).exists() and not force:
        raise AllianceStatsError("the run folder already exists", file=str(target),
                                 fix="choose another folder with -o, or pass --force to replace it")


def write_run(target: Path, force: bool, files: dict[str, bytes]) -> None:
    """Write ``files`` (relative path -> bytes) as the run folder ``target``, atomically."""
    with run_folder(target, force) as tmp:
        for relative, payload in sorted(files.items()):
            path = tmp / relative
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(payload)


def json_bytes(obj: Any) -> bytes:
    """Deterministic JSON (sorted keys, full float precision) for results.json and provenance.json."""
    return json.dumps(obj, default=json_default, sort_keys=True, indent=1, ensure_ascii=False).encode("utf-8")


class WarningLog:
    """Collects the warnings of every stage (Python warnings and result ``.warnings``) for the report."""

    def __init__(self) -> None:
        self.items: list[dict[str, str]] = []

    def add(self, stage: str, message: str, kind: str = "AnalysisWarning") -> None:
        message = str(message)
        for entry in self.items:
            if entry["stage"] == stage and entry["message"] == message:
                if entry["kind"] == "AnalysisWarning":  # keep the most specific category
                    entry["kind"] = kind
                return
        self.items.append({"stage": stage, "kind": kind, "message": message})

    def attempt(self, stage: str, what: str, func: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        """:meth:`run`, except that an analysis the data cannot support (a :class:`SpecificationError`, e.g. a
        CFA of 53 items on 60 pilot respondents) is recorded as a warning and gives ``None``: the rest of the
        run goes on and the report says what was not computed and why."""
        try:
            return self.run(stage, func, *args, **kwargs)
        except SpecificationError as exc:
            where = f" ({exc.location()})" if exc.location() else ""
            fix = f" {exc.fix[:1].upper()}{exc.fix[1:].rstrip('.')}." if exc.fix else ""
            self.add(stage, f"{what} not computed: {exc.message.rstrip('.')}{where}.{fix}", "AnalysisWarning")
            return None

    def run(self, stage: str, func: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        """Call ``func`` and record the analysis warnings it raises and its result's ``.warnings``."""
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            try:
                result = func(*args, **kwargs)
            finally:  # warnings raised before an error still reach the report (e.g. rows dropped, then refused)
                for w in caught:
                    if issubclass(w.category, AnalysisWarning | RuntimeWarning | UserWarning) and not issubclass(
                        w.category, DeprecationWarning | FutureWarning
                    ):
                        self.add(stage, str(w.message), w.category.__name__)
        for message in getattr(result, "warnings", None) or []:
            self.add(stage, str(message))
        return result

    def text(self) -> str:
        if not self.items:
            return "No warnings.\n"
        return "".join(f"[{w['stage']}] {w['kind']}: {w['message']}\n" for w in self.items)


def json_default(obj: Any) -> Any:
    import numpy as np
    import pandas as pd

    if isinstance(obj, np.integer):
        return int(obj)
    if isinstance(obj, np.floating):
        return None if np.isnan(obj) else float(obj)
    if isinstance(obj, np.bool_):
        return bool(obj)
    if isinstance(obj, np.ndarray):
        return obj.tolist()
    if isinstance(obj, pd.DataFrame):
        return json.loads(obj.to_json(orient="split", double_precision=15))
    if isinstance(obj, pd.Series):
        return json.loads(obj.to_json(orient="split", double_precision=15))
    if isinstance(obj, Path):
        return str(obj)
    if isinstance(obj, datetime):
        return obj.isoformat()
    raise TypeError(f"not JSON serialisable: {type(obj).__name__}")


def now_utc() -> str:
    return datetime.now(UTC).replace(microsecond=0).isoformat()


# ------------------------------------------------------------------------------------ plan checks

#: Columns the runner derives per firm at risk or per dyad (besides instrument variables and construct codes).
DERIVED_COLUMNS = {"link", "symmetry", "trust_shared", "trust_constrained", "dep_asymmetry", "configuration",
                   "firm_age", "dyad_id", "crossed"}


def check_plan(plan: Plan, instrument: Any) -> None:
    """Check a plan against the instrument before any computation; raise :class:`PlanError` with the line.

    Checks: model predictors are known variables, construct codes or derived columns; ``crossed`` is not
    explained by the constructs that define it (AWARE, TRANSF under the Sammut definition); categorical
    predictors and their reference levels exist; interaction terms are predictors; hypotheses name an
    existing model, a predictor of it or levels of its factor; cuts lie on the scale; cluster variables are
    dyad columns; measurement constructs exist.
    """
    from alliance_stats.typology import CONFIGURATIONS

    codes = set(instrument.constructs)
    numeric_types = {"likert", "binary", "integer", "year"}
    variables = {v.name for v in instrument.variables if v.type in numeric_types and not v.personal}
    known = DERIVED_COLUMNS | codes | variables
    defining = {"AWARE", "TRANSF"} if plan.outcome.kind == "sammut" else set()
    scale = next(iter(instrument.scales.values()))
    for key, model in plan.models.items():
        if model.outcome != "crossed":
            raise plan.error(f"model {key}: the outcome must be 'crossed'", "models", key, "outcome",
                             value=model.outcome, fix="the crossing models explain crossed (DESIGN.md section 3)")
        for predictor in model.predictors:
            if predictor not in known:
                raise plan.error(f"model {key}: unknown predictor '{predictor}'", "models", key, "predictors",
                                 value=predictor,
                                 fix=f"use a construct code ({', '.join(sorted(codes))}), a numeric instrument "
                                     f"variable or one of {', '.join(sorted(DERIVED_COLUMNS - {'crossed'}))}")
            if predictor in defining or predictor == "crossed":
                raise plan.error(f"model {key}: '{predictor}' defines the outcome crossed and cannot predict it",
                                 "models", key, "predictors", value=predictor,
                                 fix="remove it, or define crossed as break-even only (outcome: kind: breakeven)")
        if len(set(model.predictors)) != len(model.predictors):
            raise plan.error(f"model {key}: a predictor is listed twice", "models", key, "predictors")
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
    for i, hyp in enumerate(plan.hypotheses):
        targets = [hyp.term is not None, hyp.contrast is not None, hyp.mediation is not None]
        if sum(targets) != 1:
            raise plan.error(f"hypothesis {hyp.id}: give exactly one of term, contrast or mediation",
                             "hypotheses", i, fix="see the examples in analyses/confirmatory.yaml")
        if hyp.model not in plan.models:
            raise plan.error(f"hypothesis {hyp.id}: unknown model '{hyp.model}'", "hypotheses", i, "model",
                             value=hyp.model, fix=f"use one of {', '.join(plan.models)}")
        model = plan.models[hyp.model]
        if hyp.term is not None:
            interactions = {f"{a}:{b}" for a, b in model.interactions} | {f"{b}:{a}" for a, b in model.interactions}
            if hyp.term not in model.predictors and hyp.term not in interactions:
                raise plan.error(f"hypothesis {hyp.id}: '{hyp.term}' is not a term of model {hyp.model}",
                                 "hypotheses", i, "term", value=hyp.term,
                                 fix=f"use one of {', '.join(model.predictors)}")
            if hyp.term in model.categorical:
                raise plan.error(f"hypothesis {hyp.id}: '{hyp.term}' is a factor: test it with a contrast",
                                 "hypotheses", i, "term", value=hyp.term,
                                 fix="write contrast: {plus: [levels], minus: [levels]} and factor: " + hyp.term)
        if hyp.contrast is not None:
            factor = hyp.factor or "configuration"
            if factor not in model.categorical:
                raise plan.error(f"hypothesis {hyp.id}: '{factor}' is not a factor of model {hyp.model}",
                                 "hypotheses", i, "factor", value=factor)
            if set(hyp.contrast) != {"plus", "minus"}:
                raise plan.error(f"hypothesis {hyp.id}: a contrast has exactly the keys plus and minus",
                                 "hypotheses", i, "contrast")
            for side in ("plus", "minus"):
                for level in hyp.contrast[side]:
                    if factor == "configuration" and level not in CONFIGURATIONS:
                        raise plan.error(f"hypothesis {hyp.id}: unknown level '{level}'", "hypotheses", i,
                                         "contrast", value=level, fix=f"use one of {', '.join(CONFIGURATIONS)}")
        if hyp.mediation is not None:
            if hyp.confirmatory:
                raise plan.error(f"hypothesis {hyp.id}: mediation is exploratory here", "hypotheses", i,
                                 fix="set confirmatory: false")
            if set(hyp.mediation) != {"x", "mediator", "outcome"}:
                raise plan.error(f"hypothesis {hyp.id}: mediation needs exactly x, mediator and outcome",
                                 "hypotheses", i, "mediation")
            for role in ("x", "mediator"):
                name = hyp.mediation[role]
                if name not in known or name in defining or name == "crossed":
                    raise plan.error(f"hypothesis {hyp.id}: '{name}' cannot be the {role} of crossed",
                                     "hypotheses", i, "mediation", value=name,
                                     fix="use a construct or derived score other than AWARE and TRANSF")
            if hyp.mediation["outcome"] != "crossed":
                raise plan.error(f"hypothesis {hyp.id}: the mediation outcome must be crossed", "hypotheses", i,
                                 "mediation", value=hyp.mediation["outcome"])
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
    by = plan.measurement.invariance_by
    if by is not None and (by not in instrument.variable_names() or instrument.variable(by).type != "category"):
        raise plan.error(f"invariance_by '{by}' is not a category variable of the instrument", "measurement",
                         "invariance_by", value=by, fix="use a category variable such as LANG, or null")
    for code in plan.measurement.cfa_constructs or []:
        if code not in codes:
            raise plan.error(f"unknown construct '{code}'", "measurement", "cfa_constructs", value=code,
                             fix=f"use one of {', '.join(sorted(codes))}")
    if plan.power_run is not None and not (plan.resolve(plan.power_run) / "results.json").is_file():
        raise plan.error("power_run has no results.json", "power_run", value=plan.power_run,
                         fix="run `alliance-stats power analyses/power.yaml -o FOLDER` first, or remove power_run")
    for key in ("aware_cut", "transf_cut"):
        value = getattr(plan.outcome, key)
        if not scale.min <= value <= scale.max:
            raise plan.error(f"outcome {key} {value} is outside the {scale.min}-{scale.max} scale", "outcome", key,
                             value=value)


# ------------------------------------------------------------------------------------------ runner

EXPORT_EXTENSIONS = {"xlsform": "xlsx", "limesurvey": "txt", "html": "html", "markdown": "md",
                     "codebook-json": "json", "codebook-csv": "csv", "sav": "sav"}


class RunContext:
    """State shared by the sections of one run: plan, language, instrument, warnings and numbers."""

    def __init__(self, plan: Plan, lang: str, instrument: Any) -> None:
        import numpy as np

        self.plan = plan
        self.lang = lang
        self.instrument = instrument
        self.log = WarningLog()
        self.values: dict[str, Any] = {}
        self.tables: dict[str, Any] = {}
        seeds = np.random.SeedSequence(plan.seed).generate_state(8)
        self.seeds = {name: int(seeds[i]) for i, name in
                      enumerate(["alpha", "parallel", "cluster", "mediation", "efa", "spare1", "spare2", "spare3"])}

    def t(self, fr: str, en: str) -> str:
        return fr if self.lang == "fr" else en

    def section(self, sid: str, fr: str, en: str) -> Any:
        from alliance_stats.report import Section

        return Section(id=sid, title=self.t(fr, en))

    def add_table(self, section: Any, table: Any) -> None:
        section.tables.append(table)
        self.tables[table.key] = table

    def stage_warnings(self, section: Any, stage: str) -> None:
        section.warnings.extend(w["message"] for w in self.log.items if w["stage"] == stage)


def _figure(ctx: RunContext, section: Any, key: str, fig: Any, fr: str, en: str, note: str = "") -> None:
    import matplotlib.pyplot as plt

    from alliance_stats.report import ReportFigure

    figure = ReportFigure(key=key, figure=fig, caption=ctx.t(fr, en), note=note)
    _ = figure.files  # render now, then free the matplotlib figure
    plt.close(fig)
    section.figures.append(figure)


def run_plan(
    plan: Plan,
    output: str | Path | None = None,
    lang: str | None = None,
    force: bool = False,
    data: str | Path | None = None,
    console: Any = None,
) -> Path:
    """Run the confirmatory plan end to end and write the run folder.

    read -> check (stop on errors) -> exclusions -> scoring and dyads -> measurement -> typology -> crossing
    models -> hypotheses -> report. Everything is computed in memory first; the folder is then written
    atomically (:func:`run_folder`).

    Parameters
    ----------
    plan
        A plan from :func:`load_plan`.
    output
        Run folder (default ``reports/<plan file stem>``).
    lang
        ``"fr"`` or ``"en"``; default the plan's ``language``.
    force
        Replace an existing run folder.
    data
        A responses file to use instead of the plan's ``data`` (any format the readers take).
    console
        A rich console for progress messages (optional).

    Returns
    -------
    Path
        The run folder.
    """
    from threadpoolctl import threadpool_limits

    from alliance_stats.data import read_responses
    from alliance_stats.instrument import load_instrument

    lang = lang or plan.language
    target = Path(output) if output is not None else Path("reports") / (plan.path.stem if plan.path else "run")
    refuse_existing(target, force)
    instrument = load_instrument(plan.resolve(plan.instrument))
    check_plan(plan, instrument)
    data_path = Path(data).resolve() if data is not None else plan.resolve(plan.data)
    synthetic = plan.synthetic and data is None

    started = time.perf_counter()

    def say(message: str) -> None:
        if console is not None:
            console.print(f"[{time.perf_counter() - started:6.1f} s] {message}", highlight=False, markup=False)

    ctx = RunContext(plan, lang, instrument)
    # One BLAS/OpenMP thread: the matrices are small (tens of items), and threaded OpenBLAS on stacks of them
    # (parallel analysis) ran 100 times slower on a busy 2-core machine. The libraries are loaded by now.
    with threadpool_limits(limits=1):
        say(f"Reading {data_path}")
        responses = read_responses(data_path, instrument)
        prepared = _prepare(ctx, responses, data_path)
        say("Measurement")
        sections = [prepared.pop("section")]
        sections.append(_section_measurement(ctx, prepared))
        say("Typology")
        sections.append(_section_typology(ctx, prepared))
        say("Crossing models")
        sections.append(_section_models(ctx, prepared))
        sections.append(_section_hypotheses(ctx, prepared))
        sections.append(_section_instrument(ctx))
        if plan.power_run is not None:
            sections.append(_section_power(ctx, plan.resolve(plan.power_run)))
        say("Report")
        files = _render(ctx, sections, synthetic, data_path, plan)
    write_run(target, force, files)
    say(f"Done: {len(files)} files written to {target}")
    return target


def _table(key: str, title: str, frame: Any, note: str, formats: dict[str, str], lang: str,
           show_index: bool = True) -> Any:
    from alliance_stats.report.table import Table

    return Table(key=key, title=title, frame=frame, note=note, formats=formats, lang=lang, show_index=show_index)


def _prepare(ctx: RunContext, responses: Any, data_path: Path) -> dict[str, Any]:
    """Check, exclusions, scoring, dyads, firms at risk, classification; the sample section."""
    import pandas as pd

    from alliance_stats.data import build_dyads, check_responses, firms_at_risk, score_responses
    from alliance_stats.data.quality import apply_exclusions, careless_flags
    from alliance_stats.data.scoring import CrossedDefinition, clean_items
    from alliance_stats.errors import DataError
    from alliance_stats.typology.classify import classify

    plan, inst, lang = ctx.plan, ctx.instrument, ctx.lang
    check = check_responses(responses, inst, file=str(data_path))
    if not check.ok:
        first = check.errors[0]
        more = len(check.errors) - 1
        raise DataError(
            first.message + (f" ({more} more error{'s' if more > 1 else ''}: run `alliance-stats data check "
                             f"{data_path}` for the list)" if more else ""),
            file=str(data_path), row=first.row, column=first.column, value=first.value,
            fix="correct the responses file; nothing was computed",
        )
    by_rule: dict[str, list[Any]] = {}
    for finding in check.warnings:
        by_rule.setdefault(finding.rule, []).append(finding)
    for rule, findings in by_rule.items():
        rows = ", ".join(str(f.row) for f in findings[:12] if f.row is not None)
        more = "" if len(findings) <= 12 else ", ..."
        ctx.log.add("data", f"{rule}: {len(findings)} finding(s) in rows {rows}{more}; first: {findings[0].message}"
                    " (`alliance-stats data check` lists them all)", "DataQualityWarning")
    flags = ctx.log.run("exclusions", careless_flags, responses, inst)
    kept, excluded = apply_exclusions(responses, flags, plan.exclusions)
    if len(kept) == 0:
        raise DataError("every respondent was excluded by the plan's exclusion rules", file=str(data_path),
                        fix="check the exclusions section of the plan")
    scores = ctx.log.run("scoring", score_responses, kept, inst, plan.min_share)
    dyads = ctx.log.run("dyads", build_dyads, scores, inst, kept)
    definition = CrossedDefinition(kind=plan.outcome.kind, aware_cut=plan.outcome.aware_cut,
                                   transf_cut=plan.outcome.transf_cut)
    firms = ctx.log.run("dyads", firms_at_risk, scores, dyads, definition)
    table = dyads.table.copy()
    cut = plan.typology.cut
    configuration = ctx.log.run("typology", classify, table, cut=cut, scale=_link_scale(inst),
                                asymmetry=plan.typology.asymmetry)
    table["configuration"] = configuration
    firms["configuration"] = configuration.reindex(firms["dyad_id"].to_numpy()).to_numpy()
    items = clean_items(kept, inst)  # floats, missing codes as NaN, reverse-keyed items reversed

    # ---- sample section
    section = ctx.section("sample", "Échantillon", "Sample")
    n_resp = len(responses)
    complete = int((table["n_partners"] == 2).sum()) if "n_partners" in table else len(table)
    events = firms["crossed"]
    rows = [
        ("respondents", ctx.t("Répondants (fichier)", "Respondents (file)"), n_resp),
        ("excluded", ctx.t("Répondants exclus (réponses négligentes)", "Respondents excluded (careless)"),
         len(excluded)),
        ("kept", ctx.t("Répondants retenus", "Respondents kept"), len(kept)),
        ("dyads", ctx.t("Dyades (alliances)", "Dyads (alliances)"), len(table)),
        ("dyads_complete", ctx.t("Dyades avec les deux partenaires", "Dyads with both partners"), complete),
        ("firms_at_risk", ctx.t("Entreprises en démarrage au début de l'alliance",
                                "Firms in their start-up phase when the alliance began"), len(firms)),
        ("crossed", ctx.t("dont cap du démarrage franchi", "of which crossed the start-up phase"),
         int((events == 1).sum())),
        ("crossed_unknown", ctx.t("dont franchissement indéterminé (réponses manquantes)",
                                  "of which crossing undetermined (missing answers)"), int(events.isna().sum())),
    ]
    frame = pd.DataFrame({ctx.t("n", "n"): [r[2] for r in rows]}, index=[r[1] for r in rows])
    frame.index.name = ""
    ctx.values["sample"] = {r[0]: r[2] for r in rows}
    from alliance_stats.i18n import fmt_number

    note = ctx.t(
        f"Règles d'exclusion du plan : {_rules_text(plan.exclusions, 'fr')}. Le franchissement suit la définition "
        f"« {plan.outcome.kind} » (seuils AWARE {fmt_number(plan.outcome.aware_cut, 'f1', 'fr')}, "
        f"TRANSF {fmt_number(plan.outcome.transf_cut, 'f1', 'fr')}).",
        f"Exclusion rules of the plan: {_rules_text(plan.exclusions, 'en')}. Crossing follows the "
        f"'{plan.outcome.kind}' definition (cuts AWARE {plan.outcome.aware_cut}, TRANSF {plan.outcome.transf_cut}).",
    )
    ctx.add_table(section, _table("sample", ctx.t("Échantillon", "Sample"), frame, note,
                                  {frame.columns[0]: "int"}, lang))
    if len(excluded):
        ctx.add_table(section, _exclusions_table(ctx, excluded, flags))
    for stage in ("data", "exclusions", "scoring", "dyads"):
        ctx.stage_warnings(section, stage)
    return {"section": section, "responses": kept, "items": items, "scores": scores, "dyads": dyads,
            "dyad_table": table, "firms": firms, "check": check}


#: Labels of the exclusion rule ids of :func:`alliance_stats.data.quality.apply_exclusions` (fr, en).
EXCLUSION_RULE_LABELS = {
    "longstring": ("longstring", "longstring"), "irv": ("IRV", "IRV"), "mahalanobis": ("Mahalanobis", "Mahalanobis"),
    "evenodd": ("cohérence pair-impair", "even-odd consistency"),
    "attention": ("item d'attention échoué", "attention item failed"),
    "missing": ("items manquants", "items missing"), "partner": ("partenaire exclu", "partner excluded"),
}


def _exclusions_table(ctx: RunContext, excluded: Any, flags: Any) -> Any:
    """Excluded respondents: data row, the rules they broke (in the report language) and the indices as numbers,
    so that the report layer formats them (decimal comma in French) instead of an English sentence."""
    import pandas as pd

    rules = ctx.plan.exclusions
    frame = pd.DataFrame(index=excluded.index)
    frame.index.name = "resp_id"
    row, reasons = ctx.t("Ligne", "Row"), ctx.t("Motifs", "Reasons")
    frame[row] = excluded["row"].astype(int)
    language = 0 if ctx.lang == "fr" else 1
    frame[reasons] = [", ".join(EXCLUSION_RULE_LABELS.get(rule.strip(), (rule.strip(),) * 2)[language]
                                for rule in str(ids).split(",") if rule.strip()) for ids in excluded["rules"]]
    formats = {row: "int", reasons: "text"}
    shown = flags.reindex(excluded.index)
    columns = [("max_longstring", "longstring", "Longstring", "Longstring", "int"),
               ("min_irv", "irv", "IRV", "IRV", "f2"),
               ("mahalanobis_p", "mahalanobis_d2", "Mahalanobis D²", "Mahalanobis D²", "f1"),
               ("mahalanobis_p", "mahalanobis_p", "p (Mahalanobis)", "p (Mahalanobis)", "p"),
               ("min_evenodd", "evenodd", "Pair-impair", "Even-odd", "f2"),
               ("max_missing_share", "missing_share", "% manquants", "% missing", "pct")]
    for rule, column, fr, en, spec in columns:
        if getattr(rules, rule) is not None and column in shown.columns:
            frame[ctx.t(fr, en)] = pd.to_numeric(shown[column], errors="coerce").to_numpy(dtype=float)
            formats[ctx.t(fr, en)] = spec
    return _table("exclusions", ctx.t("Répondants exclus et motifs", "Excluded respondents and reasons"), frame,
                  ctx.t(f"resp_id : identifiant pseudonyme. Règles : {_rules_text(rules, 'fr')}.",
                        f"resp_id: pseudonymous identifier. Rules: {_rules_text(rules, 'en')}."), formats, ctx.lang)


def _rules_text(rules: ExclusionRules, lang: str) -> str:
    parts = []
    if rules.fail_attention:
        parts.append("item d'attention échoué" if lang == "fr" else "failed attention item")
    if rules.max_longstring is not None:
        parts.append(f"longstring > {rules.max_longstring}")
    if rules.min_irv is not None:
        parts.append(f"IRV < {rules.min_irv}".replace(".", "," if lang == "fr" else "."))
    if rules.mahalanobis_p is not None:
        parts.append(f"Mahalanobis p < {rules.mahalanobis_p}".replace(".", "," if lang == "fr" else "."))
    if rules.min_evenodd is not None:
        parts.append(f"cohérence pair-impair < {str(rules.min_evenodd).replace('.', ',')}" if lang == "fr"
                     else f"even-odd < {rules.min_evenodd}")
    if rules.max_missing_share is not None:
        share = f"{rules.max_missing_share:.0%}"
        parts.append(f"> {share} d'items manquants" if lang == "fr" else f"> {share} of items missing")
    return ", ".join(parts) if parts else ("aucune" if lang == "fr" else "none")


def _cfa_syntax(instrument: Any, codes: list[str]) -> str:
    return "\n".join(f"{code} =~ " + " + ".join(v.name for v in instrument.items(code)) for code in codes)


def _section_measurement(ctx: RunContext, prep: dict[str, Any]) -> Any:
    """Item statistics, reliability, EFA diagnostics, CFA, discriminant validity, agreement."""
    import numpy as np
    import pandas as pd

    from alliance_stats.measurement import (
        bartlett_sphericity,
        cfa,
        cronbach_alpha,
        fornell_larcker,
        htmt,
        item_analysis,
        kmo,
        parallel_analysis,
    )
    from alliance_stats.report import likert_diverging_bars, scree_plot

    plan, inst, lang = ctx.plan, ctx.instrument, ctx.lang
    items: pd.DataFrame = prep["items"]
    section = ctx.section("measurement", "Validation des échelles", "Scale validation")
    codes = list(plan.measurement.cfa_constructs or inst.construct_codes())

    # item statistics (reverse-keyed items already reversed)
    frames = []
    for code in codes:
        names = [v.name for v in inst.items(code)]
        stats_ = ctx.log.run("measurement", item_analysis, items[names])
        stats_.insert(0, "construct", code)
        frames.append(stats_)
    item_stats = pd.concat(frames)
    item_stats.index.name = "item"
    reversed_names = set(inst.reverse_items())
    item_stats.insert(1, "reverse", [("R" if name in reversed_names else "") for name in item_stats.index])
    headers = {"construct": ctx.t("Construit", "Construct"), "reverse": ctx.t("Inversé", "Reversed"),
               "n": "n", "mean": ctx.t("Moyenne", "Mean"), "sd": ctx.t("É.-T.", "SD"), "skew": ctx.t("Asymétrie",
               "Skew"), "kurtosis": ctx.t("Aplatissement", "Kurtosis"), "floor": ctx.t("% plancher", "% floor"),
               "ceiling": ctx.t("% plafond", "% ceiling"), "r_drop": "r(drop)",
               "alpha_if_dropped": ctx.t("α si supprimé", "α if dropped")}
    fmt = {"construct": "text", "reverse": "text", "n": "int", "mean": "f2", "sd": "f2", "skew": "f2",
           "kurtosis": "f2", "floor": "pct", "ceiling": "pct", "r_drop": "r2", "alpha_if_dropped": "r2"}
    cols = [c for c in headers if c in item_stats.columns]
    shown = item_stats[cols].rename(columns=headers)
    ctx.add_table(section, _table(
        "item_statistics", ctx.t("Statistiques des items", "Item statistics"), shown,
        ctx.t("Items inversés (R) recodés (min + max) - x avant calcul. r(drop) : corrélation item-total corrigée. "
              "Asymétrie et aplatissement : type 3 de psych::describe.",
              "Reverse-keyed items (R) recoded as (min + max) - x first. r(drop): corrected item-total "
              "correlation. Skew and kurtosis: psych::describe type 3."),
        {headers[c]: fmt[c] for c in cols}, lang))

    # reliability
    alphas = {}
    for code in codes:
        names = [v.name for v in inst.items(code)]
        alphas[code] = ctx.log.run("measurement", cronbach_alpha, items[names], ci=plan.measurement.alpha_ci,
                                   n_boot=plan.measurement.n_boot, seed=ctx.seeds["alpha"])
    model = _cfa_syntax(inst, codes)
    has_missing = items[[v.name for c in codes for v in inst.items(c)]].isna().any().any()

    def missing_for(estimator: str) -> str:  # ML and MLR: full information; MLM needs complete cases
        return "fiml" if has_missing and estimator != "MLM" else "listwise"

    fit = _with_ml_fallback(ctx, "CFA", "the CFA", plan.measurement.estimator,
                            lambda estimator: cfa(items, model, missing=missing_for(estimator), estimator=estimator))
    ctx.values["cfa_missing"] = fit.missing if fit is not None else missing_for("ML")
    rows = []
    for code in codes:
        a = alphas[code]
        omega = cr = ave = np.nan  # from the CFA, when it could be estimated
        if fit is not None:
            lam = fit.loadings.loc[fit.loadings["factor"] == code, "std_est"].to_numpy(dtype=float)
            cr = float(lam.sum() ** 2 / (lam.sum() ** 2 + np.sum(1 - lam**2)))
            omega, ave = float(fit.reliability.loc[code, "omega"]), float(fit.reliability.loc[code, "ave"])
        rows.append({"k": a.k, "n": a.n, "alpha": a.alpha, "alpha_low": a.ci[0] if a.ci else np.nan,
                     "alpha_high": a.ci[1] if a.ci else np.nan, "omega": omega, "cr": cr, "ave": ave})
    for code, row in zip(codes, rows, strict=True):
        for message in convergent_validity_warnings(code, row):
            ctx.log.add("measurement", message, "AnalysisWarning")
    reliability = pd.DataFrame(rows, index=pd.Index([inst.constructs[c].label[lang] for c in codes]))
    reliability.index.name = ctx.t("Construit", "Construct")
    rel_headers = {"k": "k", "n": "n", "alpha": "α", "alpha_low": ctx.t("IC 95 % bas", "95% CI low"),
                   "alpha_high": ctx.t("IC 95 % haut", "95% CI high"), "omega": "ω", "cr": "CR", "ave": "AVE"}
    shown = reliability.rename(columns=rel_headers)
    ctx.add_table(section, _table(
        "reliability", ctx.t("Fiabilité et validité convergente", "Reliability and convergent validity"), shown,
        ctx.t(f"α : alpha de Cronbach brut (psych::alpha), IC {plan.measurement.alpha_ci}. ω : semTools::compRelSEM "
              "(variance observée). CR : fiabilité composite à partir des saturations standardisées. AVE : "
              "semTools::AVE. Seuils usuels : α et CR ≥ ,70 ; AVE ≥ ,50.",
              f"α: raw Cronbach's alpha (psych::alpha), {plan.measurement.alpha_ci} CI. ω: semTools::compRelSEM "
              "(observed variance). CR: composite reliability from the standardised loadings. AVE: semTools::AVE. "
              "Usual thresholds: α and CR ≥ .70; AVE ≥ .50."),
        {rel_headers["k"]: "int", rel_headers["n"]: "int", "α": "r2", rel_headers["alpha_low"]: "r2",
         rel_headers["alpha_high"]: "r2", "ω": "r2", "CR": "r2", "AVE": "r2"}, lang))

    # EFA diagnostics on all construct items
    # pairwise correlations (psych's default): rows with a missing answer still count
    all_items = items[[v.name for c in codes for v in inst.items(c)]].dropna(how="all")
    k_res = ctx.log.attempt("measurement", "KMO", kmo, all_items)
    b_res = ctx.log.attempt("measurement", "Bartlett's test", bartlett_sphericity,
                            all_items)
    pa = ctx.log.attempt("measurement", "Parallel analysis", parallel_analysis,
                         all_items, n_iter=plan.measurement.parallel_iter, seed=ctx.seeds["parallel"])
    diag = pd.DataFrame({ctx.t("Valeur", "Value"): [
        k_res.msa if k_res else np.nan, b_res.chisq if b_res else np.nan, b_res.df if b_res else np.nan,
        b_res.p if b_res else np.nan, pa.n_factors if pa else np.nan, len(codes), len(all_items)]},
                        index=["KMO (MSA)", ctx.t("Bartlett χ²", "Bartlett χ²"), ctx.t("Bartlett ddl", "Bartlett df"),
                               ctx.t("Bartlett p", "Bartlett p"),
                               ctx.t("Facteurs suggérés (analyse parallèle)", "Factors suggested (parallel analysis)"),
                               ctx.t("Construits du modèle", "Constructs in the model"),
                               ctx.t("n (répondants, corrélations par paires)",
                                     "n (respondents, pairwise correlations)")])
    diag.index.name = ""
    col = diag.columns[0]
    formats = {col: "f2", "row:" + diag.index[2]: "int", "row:" + diag.index[3]: "p", "row:" + diag.index[0]: "r2",
               "row:" + diag.index[4]: "int", "row:" + diag.index[5]: "int", "row:" + diag.index[6]: "int"}
    ctx.add_table(section, _table(
        "efa_diagnostics", ctx.t("Factorisabilité et analyse parallèle", "Factorability and parallel analysis"),
        diag, ctx.t("KMO et Bartlett : psych::KMO et psych::cortest.bartlett. Analyse parallèle de Horn "
                    f"({plan.measurement.parallel_iter} tirages, 95e centile).",
                    "KMO and Bartlett: psych::KMO and psych::cortest.bartlett. Horn's parallel analysis "
                    f"({plan.measurement.parallel_iter} draws, 95th percentile)."), formats, lang))

    # CFA tables
    fl = None
    if fit is not None:
        cfa_tables = fit.to_table(lang)
        for key in ("cfa_fit", "cfa_loadings"):
            if key in cfa_tables:
                ctx.add_table(section, cfa_tables[key])
        fl = ctx.log.run("measurement", fornell_larcker, fit)
    if plan.measurement.invariance_by is not None and fit is not None:
        _invariance_table(ctx, section, prep, model, has_missing)
    ht = ctx.log.attempt("measurement", "HTMT", htmt, items, model)
    if fl is not None and ht is not None:
        for message in discriminant_validity_warnings(fl, ht):
            ctx.log.add("measurement", message, "AnalysisWarning")
    for result in (fl, ht):
        if result is not None:
            ctx.add_table(section, result.to_table(lang))
    ctx.add_table(section, prep["dyads"].to_table(lang, inst))

    # figures
    for group in (codes[:6], codes[6:]):
        if group:
            fig = likert_diverging_bars(prep["responses"], inst, lang, constructs=group)
            _figure(ctx, section, f"likert_{group[0].lower()}", fig,
                    "Réponses aux items de Likert par construit", "Likert answers per construct")
    if pa is not None:
        eig = pa.eigenvalues.rename(columns={"fa_observed": "observed", "fa_simulated": "simulated"})[
            ["observed", "simulated"]]
        _figure(ctx, section, "scree", scree_plot(eig, lang, n_retained=pa.n_factors),
                "Éboulis des valeurs propres et analyse parallèle", "Scree plot and parallel analysis")
    ctx.values["cfa_fit"] = dict(fit.fit) if fit is not None else None
    ctx.stage_warnings(section, "measurement")
    prep["cfa"] = fit
    return section


def _with_ml_fallback(ctx: RunContext, what: str, shown: str, estimator: str, fit: Callable[[str], Any]) -> Any:
    """``fit(estimator)`` through :meth:`WarningLog.attempt`; when a robust estimator is refused (e.g. a pilot
    too small for MLR), ``fit("ML")`` and a warning that says so. ``None`` when nothing could be computed."""
    result = ctx.log.attempt("measurement", what + (f" ({estimator})" if estimator != "ML" else ""), fit, estimator)
    if result is None and estimator != "ML":
        result = ctx.log.attempt("measurement", what, fit, "ML")
        if result is not None:
            ctx.log.add("measurement", f"{shown} is shown with ML instead of {estimator} (see the previous warning)")
    return result


def _invariance_table(ctx: RunContext, section: Any, prep: dict[str, Any], model: str, has_missing: bool) -> None:
    """Configural, metric and scalar invariance of the CFA model across the plan's ``invariance_by`` variable
    (ML, or MLR when the plan asks for a robust estimator), with a warning when a step loses more fit than
    Chen's (2007) limits."""
    from alliance_stats.measurement import invariance

    plan, lang = ctx.plan, ctx.lang
    by = str(plan.measurement.invariance_by)
    data = prep["items"].copy()
    data[by] = prep["responses"][by].to_numpy()
    estimator = "ML" if plan.measurement.estimator == "ML" else "MLR"  # MLM has no multi-group version here
    label = ctx.instrument.variable(by).text[lang].lower()
    missing = "fiml" if has_missing else "listwise"
    table = _with_ml_fallback(ctx, f"Measurement invariance across {by}", f"measurement invariance across {by}",
                              estimator, lambda est: invariance(data, model, by, missing=missing, estimator=est))
    if table is None:
        return
    table.group = label
    ctx.add_table(section, table.to_table(lang))
    for step in table.index[1:]:
        d_cfi, d_rmsea = float(table.loc[step, "delta_cfi"]), float(table.loc[step, "delta_rmsea"])
        if d_cfi < -0.010 or d_rmsea > 0.015:
            ctx.log.add("measurement", f"{step} invariance across {by} is doubtful: CFI changes by {d_cfi:+.3f} "
                                       f"(limit -.010), RMSEA by {d_rmsea:+.3f} (limit +.015) (Chen 2007)")


_TOTAL_LABELS = {"total", "ensemble"}


def _suppression_lines(frame: Any, count_columns: list[int], rows_add_up: bool) -> list[list[tuple[int, int]]]:
    """Sets of cells whose sum is printed or derivable (a column within a block, a row of a crosstab)."""
    import pandas as pd

    labels = [str(key[-1] if isinstance(key, tuple) else key).strip().lower() for key in frame.index]
    totals = {i for i, label in enumerate(labels) if label in _TOTAL_LABELS}
    block_of = [key[0] for key in frame.index] if isinstance(frame.index, pd.MultiIndex) else [0] * len(frame)
    blocks: dict[Any, list[int]] = {}
    for i, block in enumerate(block_of):
        if i not in totals:
            blocks.setdefault(block, []).append(i)
    lines = [[(i, j) for i in rows] for rows in blocks.values() for j in count_columns]
    if rows_add_up:
        lines += [[(i, j) for j in count_columns] for i in range(len(frame)) if i not in totals]
    return [line for line in lines if len(line) > 1]


def suppress_small_counts(table: Any, below: int | None, rows_add_up: bool = False) -> Any:
    """A copy of a table of counts whose counts from 1 to ``below - 1`` read ``"< below"`` (disclosure control),
    with complementary suppression so that no hidden count can be derived from a total.

    Count columns are those formatted ``int``. *Primary suppression*: counts from 1 to ``below - 1`` read
    ``"< below"``. *Complementary suppression*: the counts of a column (within each block of a two-level
    index, total rows excluded) add up to a total that is printed or derivable elsewhere in the report, and so
    do the counts of a row when ``rows_add_up`` (a crosstab, whose rows add up to the cluster sizes); a line
    with exactly one hidden cell would give it back by subtraction, so its smallest other cell is hidden too
    (shown ``"x"``), zeros only when no other cell is left, until every line has none or at least two hidden
    cells (the usual heuristic of statistical offices; Statistics Canada 2020). A percentage column (``pct``)
    right after a count column loses the cells of the hidden counts (en dash). Zeros and counts of ``below``
    or more that are not needed for protection are kept. Hidden cells are strings in the frame, so
    ``results.json`` and the CSV files do not hold them either. ``below=None`` returns ``table`` unchanged.

    Parameters
    ----------
    table
        A :class:`~alliance_stats.report.table.Table` of counts (cluster-theory crosstab, configuration counts).
    below
        The plan's ``report.suppress_below`` (``k``); ``None``: no suppression.
    rows_add_up
        Also protect the rows (a crosstab whose row totals are known).

    Returns
    -------
    Table

    Example
    -------
    >>> import pandas as pd
    >>> from alliance_stats.report.table import Table
    >>> t = Table("x", "X", pd.DataFrame({"n": [0, 2, 7, 12], "%": [0.0, 0.1, 0.33, 0.57]}, index=list("abcd")),
    ...           formats={"n": "int", "%": "pct"})
    >>> suppress_small_counts(t, 5).frame.to_dict("list")
    {'n': [0, '< 5', 'x', 12], '%': [0.0, '–', '–', 0.57]}

    Reference: Statistics Canada (2020). *Disclosure control for frequency tables*: threshold rule (primary
    suppression) and complementary suppression so that suppressed cells cannot be derived from totals.
    """
    import dataclasses
    import numbers

    if below is None:
        return table
    frame = table.frame.copy()
    columns = list(frame.columns)
    count_columns = [j for j, column in enumerate(columns) if table.formats.get(column) == "int"]

    def value(i: int, j: int) -> float | None:
        v = frame.iat[i, j]
        if isinstance(v, numbers.Real) and not isinstance(v, bool) and v == v:  # not NaN
            return float(v)
        return None

    primary = {(i, j) for j in count_columns for i in range(len(frame))
               if (v := value(i, j)) is not None and 0 < v < below}
    if not primary:
        return table
    hidden = set(primary)
    lines = _suppression_lines(frame, count_columns, rows_add_up)
    changed = True
    while changed:
        changed = False
        for line in lines:
            if sum(cell in hidden for cell in line) != 1:
                continue
            candidates = [(value(*cell), cell) for cell in line if cell not in hidden and value(*cell) is not None]
            positive = [c for c in candidates if c[0] > 0]
            pool = positive or candidates
            if not pool:
                continue
            hidden.add(min(pool)[1])
            changed = True
    for i, j in sorted(hidden):
        cell = f"< {below}" if (i, j) in primary else "x"
        column = frame.iloc[:, j].astype(object)
        column.iat[i] = cell
        frame.isetitem(j, column)
        if j + 1 < len(columns) and table.formats.get(columns[j + 1]) == "pct":
            pct = frame.iloc[:, j + 1].astype(object)
            pct.iat[i] = "–"
            frame.isetitem(j + 1, pct)
    fr = table.lang == "fr"
    note = (f"Effectifs de 1 à {below - 1} masqués (< {below})." if fr
            else f"Counts from 1 to {below - 1} are suppressed (< {below}).")
    if len(hidden) > len(primary):
        note += (" x : effectif masqué pour qu'un petit effectif ne puisse pas être retrouvé à partir des totaux."
                 if fr else " x: count suppressed so that a small count cannot be derived from the totals.")
    return dataclasses.replace(table, frame=frame, note=f"{table.note} {note}".strip())


def _link_scale(instrument: Any) -> tuple[float, float]:
    """The response scale (min, max) of the link items: the scale of the typology's cuts and anchors."""
    scale = instrument.scales[instrument.items("LINK")[0].scale]
    return (float(scale.min), float(scale.max))


def _section_typology(ctx: RunContext, prep: dict[str, Any]) -> Any:
    """Crisp and fuzzy configuration counts, sufficiency, cluster check, typology map."""
    from alliance_stats.report import k_selection_plot
    from alliance_stats.typology import (
        cluster_check,
        fuzzy_membership,
        resolve_cuts,
        sufficiency,
        typology_counts,
        typology_map,
    )
    from alliance_stats.typology.fuzzy import anchors_at_cuts

    plan, lang = ctx.plan, ctx.lang
    spec = plan.typology
    table = prep["dyad_table"]
    firms = prep["firms"]
    section = ctx.section("typology", "Les quatre configurations", "The four configurations")
    # the fuzzy crossovers are the crisp cuts (also for cut: median or a number), on the instrument's scale
    scale = _link_scale(ctx.instrument)
    cuts = resolve_cuts(table, cut=spec.cut, scale=scale, asymmetry=spec.asymmetry)
    fuzzy = ctx.log.run("typology", fuzzy_membership, table, anchors=anchors_at_cuts(cuts, scale), scale=scale,
                        asymmetry=spec.asymmetry)
    counts = ctx.log.run("typology", typology_counts, table["configuration"], fuzzy)
    ctx.add_table(section, suppress_small_counts(counts.to_table(lang), plan.report.suppress_below))
    known = firms["crossed"].notna()
    suff = ctx.log.run("typology", sufficiency, fuzzy, firms.loc[known, "crossed"],
                       dyad_id=firms.loc[known, "dyad_id"])
    ctx.add_table(section, suff.to_table(lang))
    check = ctx.log.attempt(
        "typology", "Cluster check", cluster_check, table,
        variables=tuple(spec.cluster.variables), k=spec.cluster.k,
        methods=tuple(spec.cluster.methods), k_range=range(1, spec.cluster.k_max + 1), n_boot=spec.cluster.n_boot,
        n_perm=spec.cluster.n_perm, theory=table["configuration"] if tuple(spec.cluster.variables) != (
            "link", "symmetry") else None, seed=ctx.seeds["cluster"], cut=spec.cut, scale=scale,
        asymmetry=spec.asymmetry,
    )
    ctx.values["cluster_verdict"] = None if check is None else check.verdict
    ctx.values["cluster_ari"] = None if check is None else dict(check.ari)
    if check is not None:
        tables = check.to_table(lang)
        if "cluster_crosstab" in tables:
            tables["cluster_crosstab"] = suppress_small_counts(tables["cluster_crosstab"],
                                                                plan.report.suppress_below, rows_add_up=True)
        for key in ("cluster_verdict", "cluster_k_picks", "cluster_k_selection", "cluster_agreement",
                    "cluster_crosstab", "cluster_stability", "cluster_centroids"):
            if key in tables:
                ctx.add_table(section, tables[key])
        if tuple(spec.cluster.variables) == ("link", "symmetry"):
            _figure(ctx, section, "typology_map", typology_map(table, check, lang),
                    "Carte de la typologie : dyades dans le plan lien x symétrie",
                    "Typology map: dyads in the link x symmetry plane")
        curves = check.k_selection[["method", "k", "bic", "silhouette", "calinski_harabasz", "gap"]]
        _figure(ctx, section, "k_selection", k_selection_plot(curves, lang),
                "Choix du nombre de groupes", "Choosing the number of clusters")
    ctx.stage_warnings(section, "typology")
    prep["fuzzy"] = fuzzy
    prep["cluster"] = check
    return section


def _section_models(ctx: RunContext, prep: dict[str, Any]) -> Any:
    """Crossing models M1-M3 side by side, LR tests, predicted probabilities, forest plot."""
    import pandas as pd

    from alliance_stats.models import fit_logit, models_side_by_side
    from alliance_stats.report import forest_plot, predicted_probabilities_plot

    plan, lang = ctx.plan, ctx.lang
    firms = prep["firms"]
    section = ctx.section("models", "Franchissement du cap du démarrage", "Crossing the start-up phase")
    results = {}
    for key, spec in plan.models.items():
        stage = f"model {key}"
        try:
            results[key] = ctx.log.run(
                stage, fit_logit, firms, spec.outcome, spec.predictors, categorical=dict(spec.categorical),
                interactions=[tuple(p) for p in spec.interactions], method=spec.method, cluster=spec.cluster,
                gee=spec.gee, standardize=list(spec.standardize),
            )
        except AllianceStatsError as exc:  # say which confirmatory model the data cannot support
            exc.message = f"model {key}: {exc.message}"
            exc.args = (str(exc),)
            raise
        ctx.values[f"model_{key}_method"] = {"method": results[key].method, "reason": results[key].method_reason}
        # the side-by-side table prints text cells: its numbers, machine-readable, for results.json
        ctx.values[f"model_{key}_coefficients"] = results[key].table
        ctx.values[f"model_{key}_fit"] = results[key].fit_stats
    if results:
        ctx.add_table(section, models_side_by_side(results, lang))
    lr_frames = []
    for key, res in results.items():
        if len(res.lr_tests):
            # the model's own localised term-test table (labels, test actually used per row)
            tests_table = res.to_tables(lang)["tests"]
            frame = tests_table.frame.copy()
            frame.insert(0, ctx.t("Modèle", "Model"), key)
            lr_frames.append((frame, tests_table.formats))
    if lr_frames:
        lr = pd.concat([frame for frame, _ in lr_frames])
        lr.index.name = ctx.t("Terme", "Term")
        formats = {ctx.t("Modèle", "Model"): "text", **lr_frames[0][1]}
        title = ctx.t("Tests de chaque terme des modèles", "Tests of the model terms")
        ctx.add_table(section, _table("lr_tests", title,
                                      lr, ctx.t(
                                          "Chaque facteur est testé dans son ensemble (configuration : 3 ddl). Avec "
                                          "des erreurs types robustes par dyade, test de Wald robuste (un test du "
                                          "rapport de vraisemblance supposerait des entreprises indépendantes) ; "
                                          "sinon rapport de vraisemblance (pénalisé pour Firth).",
                                          "Each factor is tested as a whole (configuration: 3 df). With dyad-robust "
                                          "standard errors, cluster-robust Wald test (a likelihood-ratio test would "
                                          "assume independent firms); otherwise likelihood ratio (penalised for "
                                          "Firth)."), formats, lang))
    pred_frames = []
    for key, spec in plan.models.items():
        if "configuration" in spec.predictors:
            pred = results[key].predict_by("configuration")
            pred_frames.append((key, pred))
    if pred_frames:
        key, pred = pred_frames[0]
        shown = pred.copy()
        ctx.add_table(section, _predicted_table(ctx, shown, key))
        plot_df = shown.reset_index().rename(columns={shown.index.name or "index": "level"})
        if "level" not in plot_df.columns:
            plot_df = plot_df.rename(columns={plot_df.columns[0]: "level"})
        plot_df["level"] = [_config_label(x, lang) for x in plot_df["level"]]
        plot_df = plot_df.rename(columns={"probability": "prob"})
        _figure(ctx, section, "predicted", predicted_probabilities_plot(plot_df, lang),
                "Probabilité prédite de franchir le cap du démarrage par configuration",
                "Predicted probability of crossing the start-up phase by configuration")
    forest = []
    for key, res in results.items():
        t = res.table.copy()
        t["model"] = key
        forest.append(t)
    if forest:
        _figure(ctx, section, "forest", forest_plot(pd.concat(forest), lang),
                "Rapports de cotes et intervalles de confiance à 95 %", "Odds ratios with 95% confidence intervals")
    for key in results:
        ctx.stage_warnings(section, f"model {key}")
    prep["models"] = results
    return section


def _config_label(level: Any, lang: str) -> str:
    from alliance_stats.i18n import tr

    return tr(str(level), lang)


def _predicted_table(ctx: RunContext, pred: Any, key: str) -> Any:
    frame = pred.copy()
    frame.index = [_config_label(i, ctx.lang) for i in frame.index]
    frame.index.name = ctx.t("Configuration", "Configuration")
    from alliance_stats.i18n import tr

    headers = {"probability": tr("models.probability", ctx.lang), "se": tr("models.se", ctx.lang),
               "ci_low": tr("models.ci_low", ctx.lang).format(level=95),
               "ci_high": tr("models.ci_high", ctx.lang).format(level=95), "n": "n",
               "observed": tr("models.observed", ctx.lang)}
    frame = frame.rename(columns=headers)
    formats = {c: ("int" if c == "n" else "r3") for c in frame.columns}
    return _table("predicted", ctx.t(f"Probabilité prédite de franchissement par configuration ({key})",
                                     f"Predicted probability of crossing by configuration ({key})"), frame,
                  ctx.t("Probabilité moyenne prédite sur l'échantillon en fixant la configuration (standardisation), "
                        "IC 95 % calculé sur l'échelle logit (méthode delta).",
                        "Probability averaged over the sample with the configuration set to each level "
                        "(standardisation), 95% CI computed on the logit scale (delta method)."), formats, ctx.lang)


def _section_hypotheses(ctx: RunContext, prep: dict[str, Any]) -> Any:
    """Pre-registered hypotheses with Holm-adjusted p values and verdicts; exploratory mediation."""
    from alliance_stats.models import hypotheses_table, mediation, test_hypotheses

    plan, lang = ctx.plan, ctx.lang
    section = ctx.section("hypotheses", "Hypothèses", "Hypotheses")
    tested = [h.model_dump(exclude={"mediation"}, exclude_none=True) for h in plan.hypotheses if h.mediation is None]
    if tested:
        frame = ctx.log.run("hypotheses", test_hypotheses, prep["models"], tested, alpha=0.05, correction="holm")
        ctx.add_table(section, hypotheses_table(frame, lang))
        ctx.values["verdicts"] = {str(k): v for k, v in frame["verdict"].items()}
    med_rows = []
    for hyp in plan.hypotheses:
        if hyp.mediation is None:
            continue
        spec = plan.models[hyp.model]
        covariates = [p for p in spec.predictors if p not in (hyp.mediation["x"], hyp.mediation["mediator"])
                      and p not in spec.categorical]
        res = ctx.log.attempt("hypotheses", f"{hyp.id} (exploratory mediation)",
                              mediation, prep["firms"], hyp.mediation["x"], hyp.mediation["mediator"],
                              hyp.mediation["outcome"], covariates=covariates, seed=ctx.seeds["mediation"],
                              cluster=spec.cluster)
        if res is None:
            continue
        tab = res.to_table(lang)
        tab.key = f"mediation_{hyp.id.lower()}"
        tab.title = f"{hyp.id}. {tab.title}"
        ctx.add_table(section, tab)
        med_rows.append(hyp.id)
    ctx.values["mediation"] = med_rows
    ctx.stage_warnings(section, "hypotheses")
    return section


def convergent_validity_warnings(code: str, row: dict[str, float]) -> list[str]:
    """Messages for a construct below the usual thresholds: alpha and CR >= .70, AVE >= .50 (Fornell and
    Larcker 1981; Nunnally 1978).

    >>> convergent_validity_warnings("LINK", {"alpha": 0.65, "cr": 0.81, "ave": 0.45})
    ['LINK: alpha = 0.65 is below .70', 'LINK: AVE = 0.45 is below .50']
    """
    messages = []
    for key, label, cut in (("alpha", "alpha", 0.70), ("cr", "CR", 0.70), ("ave", "AVE", 0.50)):
        value = row.get(key)
        if value is not None and value == value and value < cut:
            messages.append(f"{code}: {label} = {value:.2f} is below {f'{cut:.2f}'.lstrip('0')}")
    return messages


def discriminant_validity_warnings(fornell_larcker: Any, htmt: Any, htmt_cut: float = 0.85) -> list[str]:
    """Messages for each pair of factors failing the Fornell-Larcker criterion or above the HTMT cut.

    Fornell and Larcker (1981): sqrt(AVE) of each factor must exceed its correlations with the others;
    Henseler, Ringle and Sarstedt (2015): HTMT below .85 (strict) or .90.

    >>> import pandas as pd
    >>> fl = pd.DataFrame([[0.8, None], [0.85, 0.9]], index=["A", "B"], columns=["A", "B"])
    >>> ht = pd.DataFrame([[1, None], [0.5, 1]], index=["A", "B"], columns=["A", "B"])
    >>> discriminant_validity_warnings(fl, ht)
    ['Fornell-Larcker: the correlation of A and B (0.85) exceeds sqrt(AVE) of A (0.80)']
    """
    import numpy as np

    messages = []
    names = list(fornell_larcker.index)
    values = np.asarray(fornell_larcker, dtype=float)
    for i, a in enumerate(names):
        for j in range(i):
            b = names[j]
            r = values[i, j] if np.isfinite(values[i, j]) else values[j, i]
            low = [(name, values[k, k]) for name, k in ((b, j), (a, i)) if abs(r) > values[k, k]]
            for name, root in low:
                messages.append(f"Fornell-Larcker: the correlation of {b} and {a} ({abs(r):.2f}) exceeds "
                                f"sqrt(AVE) of {name} ({root:.2f})")
    ht = np.asarray(htmt, dtype=float)
    hnames = list(htmt.index)
    for i, a in enumerate(hnames):
        for j in range(i):
            value = ht[i, j] if np.isfinite(ht[i, j]) else ht[j, i]
            if value >= htmt_cut:
                messages.append(f"HTMT of {hnames[j]} and {a} is {value:.2f} (>= {htmt_cut:.2f}): discriminant "
                                "validity is doubtful")
    return messages


def _section_instrument(ctx: RunContext) -> Any:
    """The paper's four cases classified by the crisp rule; the instrument's constructs."""
    import pandas as pd

    from alliance_stats.i18n import tr
    from alliance_stats.typology.classify import classify
    from alliance_stats.typology.fuzzy import fuzzy_membership

    plan, inst, lang = ctx.plan, ctx.instrument, ctx.lang
    section = ctx.section("instrument", "Instrument et cas de l'article", "Instrument and the paper's cases")
    scale = inst.scales[inst.constructs[inst.construct_codes()[0]].scale]
    rows = []
    for code in inst.construct_codes():
        c = inst.constructs[code]
        n_items = len(inst.items(code))
        level = {"dyad": ctx.t("dyade", "dyad"), "firm": ctx.t("entreprise", "firm")}.get(c.level, c.level)
        rows.append({"code": code, "label": c.label[lang], "level": level, "items": n_items,
                     "reverse": sum(1 for v in inst.items(code) if v.reverse)})
    frame = pd.DataFrame(rows).set_index("code")
    headers = {"label": ctx.t("Construit", "Construct"), "level": ctx.t("Niveau", "Level"),
               "items": ctx.t("Items", "Items"), "reverse": ctx.t("Items inversés", "Reverse-keyed items")}
    frame = frame.rename(columns=headers)
    frame.index.name = "Code"
    ctx.add_table(section, _table("constructs", ctx.t("Construits de l'instrument", "Constructs of the instrument"),
                                  frame, ctx.t(f"Échelle de réponse en {scale.n_options} points, libellée en "
                                               "français et en anglais.",
                                               f"{scale.n_options}-point response scale labelled in French and "
                                               "English."),
                                  {headers["label"]: "text", headers["level"]: "text", headers["items"]: "int",
                                   headers["reverse"]: "int"}, lang))
    if plan.seed_cases:
        path = plan.resolve(plan.seed_cases)
        cases = pd.read_csv(path)
        dyad_cases = cases.drop_duplicates("dyad_id").set_index("dyad_id")
        crisp = classify(dyad_cases, cut="midpoint")
        fuzzy = fuzzy_membership(dyad_cases)
        out = pd.DataFrame({
            ctx.t("Configuration selon l'article", "Configuration in the paper"):
                [tr(str(x), lang) for x in dyad_cases["configuration"]],
            ctx.t("Règle nette", "Crisp rule"): [tr(str(x), lang) for x in crisp],
            ctx.t("Appartenance floue maximale", "Highest fuzzy membership"):
                [tr(str(fuzzy.loc[i, ["entraide", "parrainage", "survie", "contre_nature"]].astype(float).idxmax()),
                    lang) for i in dyad_cases.index],
        }, index=dyad_cases.index)
        out.index.name = ctx.t("Cas", "Case")
        ctx.values["seed_cases"] = {str(i): str(c) for i, c in zip(dyad_cases.index, crisp, strict=True)}
        ctx.values["seed_cases_match"] = bool((crisp.astype(str).to_numpy()
                                               == dyad_cases["configuration"].astype(str).to_numpy()).all())
        ctx.add_table(section, _table(
            "seed_cases", ctx.t("Les quatre cas de l'article classés par la règle", "The paper's four cases "
                                "classified by the rule"), out,
            ctx.t("Codage qualitatif de l'article porté sur l'échelle 1-7 (voir surveys/seed_cases.md).",
                  "The paper's qualitative coding placed on the 1-7 scale (see surveys/seed_cases.md)."),
            {c: "text" for c in out.columns}, lang))
    return section


def _section_power(ctx: RunContext, folder: Path) -> Any:
    """Power curves and sample sizes of an earlier ``alliance-stats power`` run (its ``results.json``)."""
    import pandas as pd

    from alliance_stats.i18n import fmt_number, tr
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
    section = ctx.section("power", "Puissance et taille d'échantillon", "Power and sample size")
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
        ctx.t(f"Puissance simulée ({settings.get('reps', '?')} réplications par N) de l'analyse "
              f"{folder.name} ; voir son rapport pour le détail.",
              f"Simulated power ({settings.get('reps', '?')} replicates per N) from the run {folder.name}; see "
              "its report for details."), formats, ctx.lang))
    _figure(ctx, section, "power_curves",
            power_curves_plot(curves, ctx.lang, target_power=settings.get("target_power", 0.8)),
            "Courbes de puissance selon le nombre de dyades", "Power curves by number of dyads")
    ctx.values["power_run"] = {"folder": folder.name, "sha256": sha256_file(path)}
    return section


def _instrument_files(ctx: RunContext) -> dict[str, bytes]:
    from alliance_stats.instrument.export import export_instrument

    files = {}
    stem = "alliance_startup"
    for fmt in ctx.plan.exports:
        lang = "both" if fmt not in ("html", "markdown") else ctx.lang
        files[f"instrument/{stem}_{fmt}.{EXPORT_EXTENSIONS[fmt]}"] = export_instrument(ctx.instrument, fmt, lang)
    return files


def _render(ctx: RunContext, sections: list[Any], synthetic: bool, data_path: Path, plan: Plan) -> dict[str, bytes]:
    from alliance_stats.report import Report, render_run

    provenance = {
        "versions": dependency_versions(),
        "inputs": {
            "data": {"file": data_path.name, "sha256": sha256_file(data_path)},
            "plan": {"file": plan.path.name if plan.path else None,
                     "sha256": sha256_file(plan.path) if plan.path else None},
            "instrument": {"file": plan.resolve(plan.instrument).name,
                           "sha256": sha256_file(plan.resolve(plan.instrument))},
        },
        "seed": plan.seed,
        "language": ctx.lang,
        "synthetic": synthetic,
        "time": now_utc(),
        "plan": plan.model_dump(mode="json", exclude={"path", "lines"}),
    }
    title = plan.title.fr if ctx.lang == "fr" else plan.title.en
    report = Report(title=title, lang=ctx.lang, synthetic=synthetic, sections=sections,
                    warnings=[], provenance=provenance,
                    subtitle=ctx.t(f"Données : {data_path.name}", f"Data: {data_path.name}"))
    files = render_run(report)
    files.update(_instrument_files(ctx))
    results = {
        "synthetic": synthetic,
        "language": ctx.lang,
        "seed": plan.seed,
        "values": ctx.values,
        "tables": {key: {"title": t.title, "frame": t.frame} for key, t in ctx.tables.items()},
        "warnings": ctx.log.items,
    }
    files["results.json"] = json_bytes(results)
    files["provenance.json"] = json_bytes(provenance)
    files["warnings.txt"] = ctx.log.text().encode("utf-8")
    return files


# ------------------------------------------------------------------------------------------- power run


def run_power_plan(
    plan_path: str | Path,
    reps: int | None = None,
    jobs: int = 1,
    backend: str = "local",
    scheduler: str | None = None,
    output: str | Path | None = None,
    force: bool = False,
    console: Any = None,
) -> Path:
    """Run a power plan (``analyses/power.yaml``) and write its run folder.

    Loads and checks the power plan and its confirmatory plan (every mistake is a :class:`PlanError` with the
    line, before any computation), runs :func:`alliance_stats.simulate.power.power_analysis` with a rich
    progress bar (replicates done, elapsed time, ETA) on ``console``, and writes atomically ``report.html``,
    ``report.docx``, ``tables/``, ``figures/`` (power curves), ``results.json``, ``provenance.json`` and
    ``warnings.txt``.

    Parameters
    ----------
    plan_path
        The power plan's YAML file.
    reps
        Replicates per N (default: the plan's ``reps``).
    jobs
        Worker processes (joblib) for the local backend.
    backend
        ``"local"`` or ``"dask"``.
    scheduler
        Dask scheduler address (``tcp://HOST:PORT``) for the dask backend.
    output
        Run folder (default ``reports/<plan file stem>``).
    force
        Replace an existing run folder.
    console
        A rich console for the progress bar (none: no progress display).

    Returns
    -------
    Path
        The run folder.
    """
    from alliance_stats.i18n import tr
    from alliance_stats.report import Report, ReportFigure, Section, render_run
    from alliance_stats.simulate.power import load_power_plan, power_analysis

    plan_path = Path(plan_path)
    power_plan, confirmatory = load_power_plan(plan_path)
    lang = power_plan.language or confirmatory.language
    target = Path(output) if output is not None else Path("reports") / plan_path.stem
    refuse_existing(target, force)
    n_reps = power_plan.reps if reps is None else int(reps)
    log = WarningLog()
    started = now_utc()
    if console is not None:
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            Progress,
            TaskProgressColumn,
            TextColumn,
            TimeElapsedColumn,
            TimeRemainingColumn,
        )

        bar = Progress(TextColumn("[progress.description]{task.description}"), BarColumn(), TaskProgressColumn(),
                       MofNCompleteColumn(), TextColumn("elapsed"), TimeElapsedColumn(), TextColumn("ETA"),
                       TimeRemainingColumn(), console=console)
        with bar:
            task = bar.add_task(f"Power: {len(power_plan.n_dyads)} N x {n_reps} replicates",
                                total=len(power_plan.n_dyads) * n_reps)

            def advance(step: int, total: int) -> None:
                bar.update(task, advance=step, total=total)

            result = log.run("power", power_analysis, power_plan, confirmatory, reps=n_reps, jobs=jobs,
                             backend=backend, scheduler=scheduler, progress=advance)
    else:
        result = log.run("power", power_analysis, power_plan, confirmatory, reps=n_reps, jobs=jobs,
                         backend=backend, scheduler=scheduler)

    def t(fr: str, en: str) -> str:
        return fr if lang == "fr" else en

    tables = result.to_table(lang)
    population = power_plan.population
    shares = ", ".join(f"{tr(name, lang)} {value:.0%}" for name, value in population.shares.items())
    odds = ", ".join(f"{tr(name, lang)} {value:g}" for name, value in population.odds_ratios.items())
    paragraphs = [
        t(f"Puissance simulée du plan confirmatoire « {confirmatory.path.name if confirmatory.path else ''} » : "
          f"{n_reps} réplications par nombre de dyades, chacune simulée, nettoyée, classée, modélisée et testée "
          f"comme le plan le fait (correction {power_plan.correction}, alpha {power_plan.alpha:g}).",
          f"Simulated power of the confirmatory plan '{confirmatory.path.name if confirmatory.path else ''}': "
          f"{n_reps} replicates per number of dyads, each simulated, cleaned, classified, modelled and tested as "
          f"the plan does it ({power_plan.correction} correction, alpha {power_plan.alpha:g})."),
        t(f"Population supposée : configurations {shares} ; rapports de cotes {odds} (référence survie) ; "
          f"confiance partagée {population.or_trust_shared:g}, confiance contrainte "
          f"{population.or_trust_constrained:g} par unité latente ; séparation {population.separation:g} ; "
          f"saturations {population.loading:g}.",
          f"Assumed population: configurations {shares}; odds ratios {odds} (reference survival); shared trust "
          f"{population.or_trust_shared:g}, constrained trust {population.or_trust_constrained:g} per latent "
          f"unit; separation {population.separation:g}; loadings {population.loading:g}."),
    ]
    caption = t("Courbes de puissance selon le nombre de dyades", "Power curves by number of dyads")
    note = t("Barres : ± 1,96 erreur type Monte-Carlo. Ligne pointillée : puissance visée.",
             "Bars: ± 1.96 Monte Carlo standard errors. Dashed line: target power.")
    section = Section(
        id="power", title=t("Puissance et taille d'échantillon", "Power and sample size"), paragraphs=paragraphs,
        tables=[tables[key] for key in ("sample_size", "power", "power_mcse", "power_details")],
        figures=[ReportFigure(key="power_curves", figure=result.figure(lang), caption=caption, note=note)],
        warnings=list(result.warnings),
    )
    plan_files = {"power_plan": power_plan.path, "confirmatory_plan": confirmatory.path,
                  "instrument": confirmatory.resolve(confirmatory.instrument)}
    provenance = {
        "versions": dependency_versions(),
        "inputs": {key: {"file": path.name, "sha256": sha256_file(path)} for key, path in plan_files.items()
                   if path is not None},
        "seed": power_plan.seed,
        "reps": n_reps,
        "jobs": jobs,
        "backend": backend,
        "language": lang,
        "synthetic": True,
        "started": started,
        "time": now_utc(),
        "plan": power_plan.model_dump(mode="json", exclude={"path", "lines"}),
    }
    if power_plan.title is not None:
        title = power_plan.title.fr if lang == "fr" else power_plan.title.en
    else:
        title = t("Puissance et taille d'échantillon", "Power and sample size")
    report = Report(title=title, lang=lang, synthetic=True, sections=[section], warnings=[],
                    provenance=provenance)
    files = render_run(report)
    results = {
        "synthetic": True,
        "language": lang,
        "seed": power_plan.seed,
        "power": result.to_dict(),
        "tables": {key: {"title": table.title, "frame": table.frame} for key, table in tables.items()},
        "warnings": log.items,
    }
    files["results.json"] = json_bytes(results)
    files["provenance.json"] = json_bytes(provenance)
    files["warnings.txt"] = log.text().encode("utf-8")
    write_run(target, force, files)
    return target
