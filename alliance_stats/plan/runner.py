"""The runner: reads the data, calls each report section in turn, renders and writes the run folder.
"""

from __future__ import annotations

import gc
import importlib
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from alliance_stats.measurement.cfa.engine import clear_shared_results
from alliance_stats.plan.checks import check_plan
from alliance_stats.plan.context import RunContext, take_all
from alliance_stats.plan.lanes import Lane, check_jobs
from alliance_stats.plan.runfolder import (
    TOOL,
    check_run_folder,
    dependency_versions,
    json_bytes,
    now_utc,
    sha256_file,
    write_run,
)
from alliance_stats.plan.schema import Plan
from alliance_stats.plan.sections.checks import _section_checks
from alliance_stats.plan.sections.descriptives import _section_descriptives
from alliance_stats.plan.sections.hypotheses import _section_hypotheses
from alliance_stats.plan.sections.instrument import _instrument_files, _section_instrument
from alliance_stats.plan.sections.measurement import _section_measurement
from alliance_stats.plan.sections.models import _section_models
from alliance_stats.plan.sections.power import _section_power
from alliance_stats.plan.sections.prepare import _prepare
from alliance_stats.plan.sections.typology import _section_typology

#: Above this many respondents the run uses one process whatever ``jobs`` says: the second lane's worker shares the
#: prepared data copy-on-write but adds its own working set (the robustness variants prepare the data again), on
#: top of the main process's 2.3 GB at 100,000 dyads.
LANE_MAX_ROWS = 60_000
# Above this many respondents the collector makes one full pass before the start-up's objects are frozen (a pass
# costs ~0.1-0.5 s, nothing next to such a run; the demo's start-up makes ~1,800 objects in cycles, no memory).
COLLECT_BEFORE_FREEZE_ROWS = 5_000

#: Modules that both processes of a two-process run would import after the fork (the main process for its
#: sections and to read the worker's results back, the worker for its jobs): imported once, before the fork, and
#: shared, instead of once in each process (0.45 s CPU of the worker on the demo, most of it scikit-learn, which
#: firthmodels imports). The main process needs them all: importing them earlier costs it nothing.
SHARED_MODULES = ("firthmodels", "alliance_stats.models.logit", "alliance_stats.models.mediation",
                  "alliance_stats.models.hypotheses", "alliance_stats.measurement.cmv",
                  "alliance_stats.measurement.nesting", "alliance_stats.measurement.cfa.kernels",
                  "alliance_stats.typology.cluster.result", "alliance_stats.typology.fuzzy",
                  "matplotlib.backends.backend_svg")

#: The cyclic garbage collector's first threshold during a run (Python's default: 700 allocations).
RUN_GC_THRESHOLD = 10_000


@contextmanager
def _collector_for_run() -> Iterator[Callable[[], None]]:
    """The cyclic garbage collector for the length of a run: off while the run starts, then lighter; put back as
    it was at the end. Yields the function that turns it on (once the data are prepared).

    While a run starts (the instrument parsed, the data read and prepared, and most of the ~2,000 modules a run
    needs imported along the way) it makes objects that stay alive and almost no garbage (about 1,800 objects in
    cycles, holding no memory, at 300 as at 10,000 dyads), but the collector passed over the growing heap 400
    times: 0.2 to 0.5 s CPU of the demo's start-up (the more, the busier the machine), every one of them a second
    of wall time (only one core is busy before the second lane's worker is forked). So the collector is off
    (:func:`gc.disable`) until the function this yields is called, once the data are prepared (before the fork;
    with ``collect=True``, for large data, after one full collection, so that no garbage is frozen).
    From then on the objects alive (modules, plan, instrument, prepared data) are frozen, that is, left out of the
    collector's passes (:func:`gc.freeze`; as Python's documentation advises before a fork, so that neither
    process copies the pages of the objects they share by touching them), the collector is on whatever it was
    when the run began (the command line keeps it off while it starts, too), and a collection of the youngest
    objects waits for 10,000 allocations instead of 700: on the demo, the collector's time in the main process
    went from 0.6 to 0.25 s CPU and in the worker from 0.2 to 0.02 s. Only the time of collection changes (what
    is garbage is garbage either way), so results are the same; at the end the frozen objects are unfrozen and
    the collector is put back as it was (the local web page runs many runs in one process).
    """
    enabled, thresholds = gc.isenabled(), gc.get_threshold()
    gc.disable()

    def start(collect: bool = False) -> None:
        if collect:  # a large data file: one full pass first, so that no cycle made while starting stays frozen
            gc.collect()
        gc.freeze()
        gc.set_threshold(max(thresholds[0], RUN_GC_THRESHOLD), *thresholds[1:])
        gc.enable()

    try:
        yield start
    finally:
        gc.set_threshold(*thresholds)
        gc.unfreeze()
        if enabled:
            gc.enable()
        else:
            gc.disable()


def run_plan(
    plan: Plan,
    output: str | Path | None = None,
    lang: str | None = None,
    force: bool = False,
    data: str | Path | None = None,
    console: Any = None,
    progress: Callable[[str], Any] | None = None,
    data_name: str | None = None,
    jobs: int = 1,
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
        Replace an earlier run folder of alliance-stats (never another folder or a file).
    data
        A responses file to use instead of the plan's ``data`` (any format the readers take).
    console
        A rich console for progress messages (optional).
    progress
        Called with the key of each stage as it starts (``"read"``, ``"measurement"``, ``"typology"``,
        ``"models"``, ``"report"``) and ``"done"`` once the folder is written (optional; the local web page
        shows it).
    data_name
        The name the report and the provenance give the data file (default: its file name); the local web page
        passes the name the user uploaded, since the stored copy has a server-chosen name.
    jobs
        Worker processes: with 2, a forked worker computes ahead, on a second core, the parts that depend only on
        the prepared data (the cluster check and its figures, the Likert figures, the common-method-variance and
        nesting checks, the robustness variants, the mediation bootstraps, the instrument's files, the crossing models'
        figures:
        :mod:`alliance_stats.plan.lanes`); the results are the same
        with 1 or 2. More than 2 is taken as 2.

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
    jobs = check_jobs(jobs)
    check_run_folder(target, force)  # before any computation: nothing of the user's is replaced
    data_path = Path(data).resolve() if data is not None else plan.resolve(plan.data)
    synthetic = plan.synthetic and data is None

    started = time.perf_counter()

    def say(message: str, step: str) -> None:
        if progress is not None:
            progress(step)
        if console is not None:
            console.print(f"[{time.perf_counter() - started:6.1f} s] {message}", highlight=False, markup=False)

    lane = None
    try:
        with _collector_for_run() as start_collector:  # off until the data are prepared
            instrument = load_instrument(plan.resolve(plan.instrument))
            check_plan(plan, instrument)
            ctx = RunContext(plan, lang, instrument)
            # One BLAS/OpenMP thread: the matrices are small (tens of items), and threaded OpenBLAS on stacks of
            # them (parallel analysis) ran 100 times slower on a busy 2-core machine. The libraries are loaded now.
            with threadpool_limits(limits=1):
                say(f"Reading {data_path}", "read")
                responses = read_responses(data_path, instrument)
                prepared = _prepare(ctx, responses, data_path)
                workers = jobs if len(responses) <= LANE_MAX_ROWS else 1
                if workers < jobs:
                    say(f"{len(responses)} respondents: one process (a second one would need too much memory)",
                        "read")
                if workers >= 2:
                    for name in SHARED_MODULES:
                        importlib.import_module(name)
                start_collector(collect=len(responses) > COLLECT_BEFORE_FREEZE_ROWS)
                lane = prepared["lane"] = Lane(_lane_jobs(ctx, prepared, responses, data_path), workers=workers)
                say("Measurement", "measurement")
                sections = [prepared.pop("section")]
                sections.append(_section_measurement(ctx, prepared))
                sections.insert(1, _section_descriptives(ctx, prepared))  # after the sample; alphas: measurement
                say("Typology", "typology")
                sections.append(_section_typology(ctx, prepared))
                ctx.values["cluster_subsample"] = _cluster_subsample(prepared.get("cluster"), ctx.seeds["cluster"])
                say("Crossing models", "models")
                sections.append(_section_models(ctx, prepared))
                sections.append(_section_hypotheses(ctx, prepared))
                say("Reviewer's checks", "checks")
                sections.append(_section_checks(ctx, prepared, responses, data_path))
                sections.append(_section_instrument(ctx))
                if plan.power_run is not None:
                    sections.append(_section_power(ctx, plan.resolve(plan.power_run)))
                exports = {path: data for files in take_all(prepared, {f"instrument_{fmt}": _instrument_job(ctx, fmt)
                                                                       for fmt in plan.exports}).values()
                           for path, data in files.items()}
                say("Report", "report")
                files = _render(ctx, sections, synthetic, data_path, plan, data_name or data_path.name, exports)
    finally:  # the CFA results shared between this run's fits are not kept for the next run (web page)
        if lane is not None:
            lane.close()
        clear_shared_results()
    write_run(target, force, files)
    say(f"Done: {len(files)} files written to {target}", "done")
    return target


def _lane_jobs(ctx: RunContext, prep: dict[str, Any], raw: Any, data_path: Path) -> dict[str, Callable[[], Any]]:
    """The computations of the run that depend only on the prepared data, in the order the worker computes those
    the main process has not taken over (:class:`~alliance_stats.plan.lanes.Lane`): the cluster check first (the
    main process needs it after the measurement section, which takes longer than the check; its figures are drawn
    with it), then the jobs the main process needs last (the checks' jobs, the longest first, the mediation
    bootstraps, the instrument's files; one job per robustness variant and one per file, so that the two processes
    share the end of the run), then the crossing models' figures (needed only by the report), then the Likert
    figures (the main process, which needs them first, draws those the worker has not begun)."""
    from alliance_stats.plan.sections import checks, hypotheses, measurement, models, typology

    return {**typology.lane_jobs(ctx, prep), **checks.lane_jobs(ctx, prep, raw, data_path),
            **hypotheses.lane_jobs(ctx, prep),
            **{f"instrument_{fmt}": _instrument_job(ctx, fmt) for fmt in ctx.plan.exports},
            **models.lane_jobs(ctx, prep), **measurement.lane_jobs(ctx, prep)}


def _instrument_job(ctx: RunContext, fmt: str) -> Callable[[], dict[str, bytes]]:
    """The instrument's file in export format ``fmt`` (one job of the run's second lane per format: at the end of
    the run the two processes share them)."""
    return lambda: _instrument_files(ctx, (fmt,))


def _render(ctx: RunContext, sections: list[Any], synthetic: bool, data_path: Path, plan: Plan,
            data_name: str, exports: dict[str, bytes]) -> dict[str, bytes]:
    from alliance_stats.report import Report, render_run

    provenance = {
        "tool": TOOL,
        "kind": "run",
        "versions": dependency_versions(),
        "inputs": {
            "data": {"file": data_name, "sha256": sha256_file(data_path)},
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
    results = {
        "synthetic": synthetic,
        "language": ctx.lang,
        "seed": plan.seed,
        "values": ctx.values,
        "tables": {key: {"title": t.title, "frame": t.frame} for key, t in ctx.tables.items()},
        "warnings": ctx.log.items,
    }
    summary, first, last, results_json = _summary_methods(ctx, plan, provenance, results)
    report = Report(title=getattr(plan.title, ctx.lang), lang=ctx.lang, synthetic=synthetic,
                    sections=[first, *sections, last], warnings=[], provenance=provenance,
                    subtitle=ctx.tr("plan.subtitle_data", file=data_name), summary=summary)
    files = render_run(report)
    files.update(exports)  # the instrument's files (survey tools, codebook), made by the second lane when there is one
    files["results.json"] = results_json  # the results as the summary and the methods read them back
    files["provenance.json"] = json_bytes(provenance)
    files["warnings.txt"] = ctx.log.text(ctx.lang).encode("utf-8")
    return files



def _summary_methods(ctx: RunContext, plan: Plan, provenance: dict[str, Any],
                     results: dict[str, Any]) -> tuple[Any, Any, Any, bytes]:
    """The summary, the methods section and the references section, written from the results as they are read
    back from results.json (so that every number they print is in that file), and results.json's bytes."""
    import json

    from alliance_stats.plan.sections.methods import methods_facts, methods_paragraphs, references_paragraphs
    from alliance_stats.plan.sections.summary import SUMMARY_RULES, summary_blocks
    from alliance_stats.report import Section, Summary

    ctx.values["decision_rules"] = dict(SUMMARY_RULES)
    ctx.values["methods"] = methods_facts(plan, ctx.instrument, provenance, ctx.values)
    results_json = json_bytes(results)
    data = json.loads(results_json)
    title, blocks = summary_blocks(data, ctx.lang)
    facts = data["values"]["methods"]
    methods = Section("methods", ctx.tr("plan.methods.title"), paragraphs=methods_paragraphs(facts, ctx.lang))
    references = Section("references", ctx.tr("plan.methods.references_title"),
                         paragraphs=references_paragraphs(facts))
    return Summary(title, blocks), methods, references, results_json


def _cluster_subsample(check: Any, seed: int) -> dict[str, Any] | None:
    """The cluster check's subsample (size, number of dyads, the check's seed) when it used one, for the methods
    text (``values["cluster_subsample"]``); ``None`` when every step used every dyad or the check was not run."""
    record = None if check is None else check.settings.get("subsample")
    if not record:
        return None
    return {"size": int(record["size"]), "of": int(record["of"]), "seed": int(seed),
            "seed_stream": record["seed_stream"], "used_by": list(record["used_by"])}
