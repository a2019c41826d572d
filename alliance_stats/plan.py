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
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from alliance_stats.errors import AllianceStatsError, AnalysisWarning, PlanError
from alliance_stats.yamlio import LineMap, line_of, load_yaml_file

# ------------------------------------------------------------------------------------------ schema


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Bilingual(_Strict):
    fr: str
    en: str


class ExclusionRules(_Strict):
    """Which careless respondents are excluded before scoring (each rule may be switched off with null)."""

    fail_attention: bool = True
    max_longstring: int | None = Field(12, ge=2, description="exclude when the longest identical run exceeds this")
    min_irv: float | None = Field(None, ge=0, description="exclude when the within-person SD is below this")
    mahalanobis_p: float | None = Field(0.001, gt=0, lt=1, description="exclude when the D2 p value is below")
    max_missing_share: float | None = Field(0.5, gt=0, le=1, description="exclude above this share of missing")


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


class Plan(_Strict):
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
    exclusions: ExclusionRules = Field(default_factory=ExclusionRules)
    outcome: OutcomeSpec = Field(default_factory=OutcomeSpec)
    measurement: MeasurementSpec = Field(default_factory=MeasurementSpec)
    typology: TypologySpec = Field(default_factory=TypologySpec)
    models: dict[str, ModelSpec] = Field(default_factory=dict)
    hypotheses: list[HypothesisSpec] = Field(default_factory=list)
    report: ReportSpec = Field(default_factory=ReportSpec)

    # set by load_plan, not by the YAML
    path: Path | None = Field(None, exclude=True)
    lines: dict[str, int] = Field(default_factory=dict, exclude=True)

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
        """A path of the plan, resolved against the plan file's folder."""
        base = self.path.parent if self.path is not None else Path.cwd()
        return (base / relative).resolve()

    def line(self, *loc: Any) -> int | None:
        """Line in the plan file of a key path (``plan.line("models", "M1", "categorical")``)."""
        key = "/".join(str(part) for part in loc)
        while key:
            if key in self.lines:
                return self.lines[key]
            key = key.rpartition("/")[0]
        return None

    def error(self, message: str, *loc: Any, value: Any = None, fix: str | None = None) -> PlanError:
        return PlanError(message, file=str(self.path) if self.path else None, line=self.line(*loc), value=value,
                         fix=fix)


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
    data, lines = load_yaml_file(path, PlanError)
    if not isinstance(data, dict):
        raise PlanError("a plan must be a mapping of keys (title, data, models, ...)", file=str(path), line=1,
                        fix="start from analyses/confirmatory.yaml")
    try:
        plan = Plan.model_validate(data)
    except ValidationError as exc:
        raise _validation_to_plan_error(exc, str(path), lines) from None
    plan.path = path.resolve()
    plan.lines = {"/".join(str(p) for p in key): line for key, line in lines.items() if key}
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
    if target.exists() and not force:
        raise AllianceStatsError(
            "the run folder already exists", file=str(target),
            fix="choose another folder with -o, or pass --force to replace it",
        )
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp"))
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


class WarningLog:
    """Collects the warnings of every stage (Python warnings and result ``.warnings``) for the report."""

    def __init__(self) -> None:
        self.items: list[dict[str, str]] = []

    def add(self, stage: str, message: str, kind: str = "AnalysisWarning") -> None:
        entry = {"stage": stage, "kind": kind, "message": str(message)}
        if entry not in self.items:
            self.items.append(entry)

    def run(self, stage: str, func: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        """Call ``func`` and record the analysis warnings it raises and its result's ``.warnings``."""
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            result = func(*args, **kwargs)
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
