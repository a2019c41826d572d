"""Plans of the local web page: the form's choices written as a plan YAML, an uploaded plan checked, the power
form written as a power plan.

Every plan the page runs is a file under ``plans/`` (so the run's provenance names it and its SHA-256), made
from the study folder's ``plan.yaml`` (the reference plan copied by ``alliance-stats init``) or uploaded. Its
relative paths (instrument, seed cases, power run) are read from the study folder, and must stay inside the
workspace; the data file is always the checked upload chosen on the page. Checks are those of the command
line (:func:`alliance_stats.plan.load_plan`, :func:`alliance_stats.plan.check_plan`): a mistake is a
:class:`~alliance_stats.core.errors.PlanError` naming the line.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from alliance_stats.core.errors import PlanError
from alliance_stats.core.i18n import tr

ESTIMATORS: tuple[str, ...] = ("ML", "MLR", "MLM")
CUTS: tuple[str, ...] = ("midpoint", "median")
EXCLUSION_NUMBERS: tuple[tuple[str, type], ...] = (("max_longstring", int), ("min_irv", float),
                                                    ("mahalanobis_p", float), ("max_missing_share", float))
POPULATION_NUMBERS: tuple[str, ...] = ("separation", "loading", "missing_rate", "straightliner_share", "random_share",
                                       "both_startup_share", "base_probability", "or_trust_shared",
                                       "or_trust_constrained")


def parse_number(text: Any, kind: type = float, *, field: str, lang: str) -> float | int | None:
    """A number typed in a form (decimal point or comma); blank gives ``None``; anything else a PlanError.

    Examples
    --------
    >>> parse_number("0,001", field="p", lang="fr"), parse_number(" ", field="p", lang="fr"), \
parse_number("20", int, field="n", lang="en")
    (0.001, None, 20)
    """
    text = "" if text is None else str(text).strip()
    if not text:
        return None
    try:
        value = float(text.replace(",", "."))
        if kind is int:
            if not value.is_integer():
                raise ValueError(text)
            return int(value)
        return value
    except ValueError:
        raise PlanError(tr("app.power.bad_number", lang).format(value=text[:40], field=field),
                        fix=tr("app.power.fix_number", lang)) from None


def reference_plan(study: Path) -> dict[str, Any]:
    """The study folder's ``plan.yaml`` as data (the form's defaults)."""
    from alliance_stats.core.yamlio import load_yaml_file

    data, _ = load_yaml_file(study / "plan.yaml", PlanError)
    return data


def plan_from_form(study: Path, form: Any, lang: str) -> dict[str, Any]:
    """The reference plan with the form's choices: language, estimator, exclusion rules, typology cut, hypotheses.

    Parameters
    ----------
    study
        The study folder (its ``plan.yaml`` gives every value the form does not set).
    form
        The submitted form (``get``, ``getlist``).
    lang
        Language of the messages.

    Returns
    -------
    dict
        The plan as data, ready to be written as YAML.
    """
    data = reference_plan(study)
    choice = {"language": ("fr", "en"), "estimator": ESTIMATORS}
    for name, allowed in choice.items():
        if form.get(name) not in allowed:
            raise PlanError(f"{name}: {tr('app.plan.bad_choice', lang)}", value=form.get(name),
                            fix=" / ".join(allowed))
    data["language"] = form.get("language")
    data.setdefault("measurement", {})["estimator"] = form.get("estimator")
    exclusions = data.setdefault("exclusions", {})
    exclusions["fail_attention"] = form.get("fail_attention") == "on"
    for name, kind in EXCLUSION_NUMBERS:
        exclusions[name] = parse_number(form.get(name), kind, field=tr(f"app.plan.{name}", lang), lang=lang)
    cut = str(form.get("cut", "midpoint")).strip()
    data.setdefault("typology", {})["cut"] = cut if cut in CUTS else parse_number(
        cut, field=tr("app.plan.cut", lang), lang=lang)
    chosen = set(form.getlist("hypotheses"))
    data["hypotheses"] = [h for h in data.get("hypotheses") or [] if h.get("id") in chosen]
    return data


def write_plan(path: Path, data: dict[str, Any], note: str) -> None:
    """Write a plan (data) as YAML, a comment line first."""
    from alliance_stats.plan.runfolder import write_bytes_atomic

    text = f"# {note}\n" + yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=100)
    write_bytes_atomic(path, text.encode("utf-8"))


def _inside(workspace: Any, plan: Any, key: str, value: str | None, lang: str) -> str | None:
    """A path of the plan read from the study folder, refused when it leads out of the workspace."""
    if value is None:
        return None
    resolved = (workspace.study / value).resolve()
    if not workspace.contains(resolved):
        raise plan.error(tr("app.plan.outside", lang), key, value=value,
                         fix=tr("app.plan.outside_fix", lang).format(study=workspace.study))
    return str(resolved)


def prepare_plan(workspace: Any, plan_path: Path, data_path: Path, synthetic: bool, display: str,
                 lang: str = "en") -> Any:
    """Load and check a plan file for a run on ``data_path``; every mistake is a PlanError with its line.

    Parameters
    ----------
    workspace
        The :class:`~alliance_stats.app.workspace.Workspace`: the plan's relative paths (instrument, seed cases,
        power run) are read from its study folder and must stay inside it.
    plan_path
        The plan file (under ``plans/``).
    data_path
        The checked upload to analyse (replaces the plan's ``data``).
    synthetic
        The upload is byte for byte the bundled synthetic file: the report says so.
    display
        The name the user knows the plan file by (it replaces the server's file name in the messages).
    lang
        Language of the messages.

    Returns
    -------
    Plan
        The plan, ready for :func:`alliance_stats.plan.run_plan`.

    Raises
    ------
    PlanError
        The plan's mistakes (schema, YAML, checks against the instrument) with their line, or a path leading out
        of the workspace.
    """
    from alliance_stats.instrument import load_instrument
    from alliance_stats.plan import check_plan, load_plan

    try:
        plan = load_plan(plan_path)
        update = {key: _inside(workspace, plan, key, getattr(plan, key), lang)
                  for key in ("instrument", "seed_cases", "power_run")}
        plan = plan.model_copy(update={**update, "data": str(data_path), "synthetic": synthetic})
        check_plan(plan, load_instrument(plan.instrument))
    except PlanError as exc:
        if exc.file is not None and Path(exc.file).name == plan_path.name:
            exc.file = display
        raise
    return plan


def power_plan_from_form(study: Path, form: Any, lang: str) -> dict[str, Any]:
    """The study's ``power.yaml`` with the form's population, grid, replicates, target, level and seed.

    Parameters
    ----------
    study
        The study folder (its ``power.yaml`` gives every value the form leaves blank; its ``plan.yaml`` is the
        confirmatory plan).
    form
        The submitted form (``get``).
    lang
        The report's and the messages' language.

    Returns
    -------
    dict
        The power plan as data, ready to be written as YAML and checked by
        :func:`alliance_stats.power.load_power_plan`.
    """
    from alliance_stats.core.yamlio import load_yaml_file
    from alliance_stats.simulate.simulator import CONFIGURATIONS

    data, _ = load_yaml_file(study / "power.yaml", PlanError)
    data["confirmatory"] = str((study / "plan.yaml").resolve())
    data["language"] = lang
    population = data.setdefault("population", {})
    for name in POPULATION_NUMBERS:
        value = parse_number(form.get(name), field=tr(f"app.power.{name}", lang), lang=lang)
        if value is not None:
            population[name] = value
    for group, key in (("shares", "app.power.shares"), ("odds_ratios", "app.power.odds")):
        values = {c: parse_number(form.get(f"{group}.{c}"), field=f"{tr(key, lang)}: {tr(c, lang)}", lang=lang)
                  for c in CONFIGURATIONS}
        population[group] = {c: v for c, v in values.items() if v is not None} or population.get(group)
    grid = [parse_number(part, int, field=tr("app.power.n_dyads", lang), lang=lang)
            for part in str(form.get("n_dyads", "")).replace(";", ",").split(",") if part.strip()]
    if grid:
        data["n_dyads"] = grid
    for name, kind in (("reps", int), ("target_power", float), ("alpha", float), ("seed", int)):
        value = parse_number(form.get(name), kind, field=tr(f"app.power.{name}", lang), lang=lang)
        if value is not None:
            data[name] = value
    return data
