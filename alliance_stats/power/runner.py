"""The run folder of ``alliance-stats power``: load, run with a progress bar, render, write.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from alliance_stats.plan.context import WarningLog
from alliance_stats.plan.runfolder import (
    TOOL,
    check_run_folder,
    dependency_versions,
    json_bytes,
    now_utc,
    sha256_file,
    write_run,
)


def _run_with_progress(log: WarningLog, power_plan: Any, confirmatory: Any, run: dict[str, Any],
                       console: Any, progress: Callable[[int, int], Any] | None = None) -> Any:
    """:func:`power_analysis` under the warning log, with a rich progress bar on ``console`` when given, else
    reporting to ``progress`` (replicates done in this step, total) when given."""
    from alliance_stats.power import power_analysis

    options = {"reps": run["reps"], "jobs": run["jobs"], "backend": run["backend"], "scheduler": run["scheduler"]}
    if console is None:
        return log.run("power", power_analysis, power_plan, confirmatory, progress=progress, **options)
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
        task = bar.add_task(f"Power: {len(power_plan.n_dyads)} N x {run['reps']} replicates",
                            total=len(power_plan.n_dyads) * run["reps"])

        def advance(step: int, total: int) -> None:
            bar.update(task, advance=step, total=total)

        return log.run("power", power_analysis, power_plan, confirmatory, progress=advance, **options)


def run_power_plan(
    plan_path: str | Path,
    reps: int | None = None,
    jobs: int = 1,
    backend: str = "local",
    scheduler: str | None = None,
    output: str | Path | None = None,
    force: bool = False,
    console: Any = None,
    progress: Callable[[int, int], Any] | None = None,
) -> Path:
    """Run a power plan (``analyses/power.yaml``) and write its run folder.

    Loads and checks the power plan and its confirmatory plan (every mistake is a :class:`PlanError` with the
    line, before any computation), runs :func:`alliance_stats.power.power_analysis` with a rich
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
        Worker processes for the local backend (forked, :mod:`alliance_stats.power.execution`).
    backend
        ``"local"`` or ``"dask"``.
    scheduler
        Dask scheduler address (``tcp://HOST:PORT``) for the dask backend.
    output
        Run folder (default ``reports/<plan file stem>``).
    force
        Replace an earlier run folder of alliance-stats (never another folder or a file).
    console
        A rich console for the progress bar (none: no progress display).
    progress
        Without ``console``: called with (replicates just done, total replicates) as the work advances (the
        local web page's progress bar).

    Returns
    -------
    Path
        The run folder.
    """
    from alliance_stats.core.i18n import tr
    from alliance_stats.power import load_power_plan
    from alliance_stats.power.execution import check_execution, worker_count
    check_execution(backend, None if backend != "dask" else scheduler, jobs)  # before reading anything
    plan_path = Path(plan_path)
    power_plan, confirmatory = load_power_plan(plan_path)
    lang = power_plan.language or confirmatory.language
    target = Path(output) if output is not None else Path("reports") / plan_path.stem
    check_run_folder(target, force)  # before any computation: nothing of the user's is replaced
    n_reps = power_plan.reps if reps is None else int(reps)
    if backend == "local":
        n_tasks = len(power_plan.n_dyads) * -(-n_reps // power_plan.chunk_size)
        _, why = worker_count(jobs, n_tasks)
        if why is not None and console is not None:
            console.print(f"Warning: {why}.", highlight=False, markup=False)
    log = WarningLog()
    started = now_utc()
    run = {"reps": n_reps, "jobs": jobs, "backend": backend, "scheduler": scheduler}
    result = _run_with_progress(log, power_plan, confirmatory, run, console, progress)
    # imported after the grid (matplotlib: ~0.4 s), which the forked workers do not need; with workers, the main
    # process has already imported it while it waited for them (power.execution)
    from alliance_stats.report import Report, ReportFigure, Section, render_run

    tables = result.to_tables(lang)
    population = power_plan.population
    paragraphs = [
        tr("power.report.intro", lang).format(plan=confirmatory.path.name if confirmatory.path else "", reps=n_reps,
                                              correction=power_plan.correction, alpha=f"{power_plan.alpha:g}"),
        tr("power.report.population", lang).format(
            shares=", ".join(f"{tr(name, lang)} {value:.0%}" for name, value in population.shares.items()),
            odds=", ".join(f"{tr(name, lang)} {value:g}" for name, value in population.odds_ratios.items()),
            shared=f"{population.or_trust_shared:g}", constrained=f"{population.or_trust_constrained:g}",
            separation=f"{population.separation:g}", loading=f"{population.loading:g}"),
    ]
    section = Section(
        id="power", title=tr("power.report.title", lang), paragraphs=paragraphs,
        tables=[tables[key] for key in ("sample_size", "power", "power_mcse", "power_details")],
        figures=[ReportFigure(key="power_curves", figure=result.figure(lang),
                              caption=tr("power.report.curves_caption", lang),
                              note=tr("power.report.curves_note", lang))],
        warnings=list(result.warnings),
    )
    plan_files = {"power_plan": power_plan.path, "confirmatory_plan": confirmatory.path,
                  "instrument": confirmatory.resolve(confirmatory.instrument)}
    provenance = {
        "tool": TOOL,
        "kind": "power",
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
        title = tr("power.report.title", lang)
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
    files["warnings.txt"] = log.text(lang).encode("utf-8")
    write_run(target, force, files)
    return target

