"""Execution of the power analysis: chunks of replicates on forked worker processes or a Dask cluster, then the summary.

Local workers (``jobs >= 2``; joblib's processes where ``fork`` is not available) are forked from this process
once the plan, the context and the modules of a chunk are loaded and the smallest chunk has run here (the
compiled kernels loaded from numba's cache, the design templates built): a worker starts with all of it, and
nothing but the chunks' records travels between processes. The joblib workers they replace each imported the
package again (~1.8 s CPU), loaded the compiled kernels again (~0.9 s; on a cold cache, the whole compilation
twice at once) and unpickled the context with every chunk. The workers take the chunks one at a time, largest
N first, from a shared counter (the last ones, the smallest, keep every worker busy until the end); this process
takes their records as they come (the progress bar moves with each chunk) and puts them back in the order of
the grid, so the result does not depend on which process computed what. A chunk that a worker failed on, or
claimed and never sent (the worker died), is computed here: its error is raised as in a run with one process.
"""

from __future__ import annotations

import math
import multiprocessing
import os
import pickle
import signal
import socket
from collections import Counter
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
import pandas as pd

from alliance_stats.core.errors import AllianceStatsError, AnalysisWarning, SpecificationError
from alliance_stats.core.results import warn
from alliance_stats.power.analytic import rmsea_power, rmsea_sample_size

if TYPE_CHECKING:

    from alliance_stats.instrument import Instrument
    from alliance_stats.plan.schema import Plan
from alliance_stats.power.analytic import cfa_degrees_of_freedom
from alliance_stats.power.replicate import _Context, _run_chunk, _Task
from alliance_stats.power.results import PowerResult
from alliance_stats.power.schema import PowerPlan

BACKENDS = ("local", "dask")


def available_cpus() -> int:
    """CPUs this process may run on (the affinity mask under Slurm or taskset, else ``os.cpu_count()``)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):  # pragma: no cover - not Linux
        return max(1, os.cpu_count() or 1)


def worker_count(jobs: int, n_tasks: int, cpus: int | None = None) -> tuple[int, str | None]:
    """Worker processes actually started for ``jobs`` requested: at most one per CPU and one per task.

    Parameters
    ----------
    jobs
        Worker processes requested (``--jobs``), at least 1.
    n_tasks
        Chunks of replicates to run.
    cpus
        CPUs available (default :func:`available_cpus`).

    Returns
    -------
    tuple of (int, str or None)
        The number of workers and, when it is below ``jobs``, a sentence saying why (for a warning).

    Raises
    ------
    SpecificationError
        ``jobs`` below 1.

    References
    ----------
    joblib's ``Parallel(n_jobs=...)`` starts the processes it is asked for, even more than the CPUs; each extra
    process only adds start-up time and memory (issue 15: ``--jobs 50`` was 8 times slower than ``--jobs 1``).

    Examples
    --------
    >>> worker_count(8, 3, cpus=2)
    (2, '--jobs 8 is more than the 2 CPUs available and the 3 chunks of replicates: 2 worker processes are used')
    >>> worker_count(1, 10, cpus=4)
    (1, None)
    """
    if isinstance(jobs, bool) or not isinstance(jobs, int | np.integer) or jobs < 1:
        raise SpecificationError("the number of worker processes (--jobs) must be a whole number of at least 1",
                                 value=jobs, fix="use --jobs 1 (one process) up to the number of CPUs")
    cpus = available_cpus() if cpus is None else cpus
    workers = max(1, min(int(jobs), cpus, n_tasks))
    if workers == jobs:
        return workers, None
    return workers, (f"--jobs {jobs} is more than the {cpus} CPUs available and the {n_tasks} chunks of "
                     f"replicates: {workers} worker process{'es are' if workers > 1 else ' is'} used")


def _probe_scheduler(address: str) -> None:
    """Fail fast when nothing listens at a ``tcp://HOST:PORT`` address (a refused connection is immediate;
    distributed's own connect retries for 30 s and ends in a traceback)."""
    rest = address.split("://", 1)[1] if "://" in address else address
    if "://" in address and not address.startswith(("tcp://", "tls://")):
        return  # inproc://, ucx://: leave them to distributed
    host, _, port = rest.rpartition(":")
    host = host.strip("[]")
    if not host or not port.isdigit():
        raise SpecificationError("the dask scheduler address is not of the form tcp://HOST:PORT", value=address,
                                 fix="pass --scheduler tcp://HOST:PORT, e.g. tcp://127.0.0.1:8786")
    try:
        with socket.create_connection((host, int(port)), timeout=5):
            pass
    except OSError as exc:
        raise AllianceStatsError(f"no dask scheduler answers at this address ({exc.strerror or exc})",
                                 value=address,
                                 fix="start one (`dask scheduler`, and workers with `dask worker ADDRESS`), check "
                                     "the host and port, or use --backend local") from None


def check_execution(backend: str, scheduler: Any = None, jobs: int = 1) -> None:
    """Check the execution options before any work: the backend, the worker count and, for Dask, that the
    scheduler answers.

    Parameters
    ----------
    backend
        ``"local"`` or ``"dask"``.
    scheduler
        Dask scheduler address (``tcp://HOST:PORT``) or a ``distributed.Client`` (dask backend only).
    jobs
        Worker processes requested for the local backend.

    Raises
    ------
    SpecificationError
        Unknown backend, ``jobs`` below 1, a malformed scheduler address.
    AllianceStatsError
        The dask backend without ``distributed`` installed, without a scheduler, or with a scheduler that does
        not answer.

    Examples
    --------
    >>> check_execution("local", jobs=2)
    >>> check_execution("threads")
    Traceback (most recent call last):
    ...
    alliance_stats.core.errors.SpecificationError: value 'threads': unknown backend.
    Fix: use --backend local (worker processes on this machine) or --backend dask (a Dask cluster).
    """
    if backend not in BACKENDS:
        raise SpecificationError("unknown backend", value=backend,
                                 fix="use --backend local (worker processes on this machine) or --backend dask "
                                     "(a Dask cluster)")
    worker_count(jobs, 1, 1)
    if backend != "dask":
        return
    if not isinstance(scheduler, _distributed(scheduler).Client):
        _probe_scheduler(str(scheduler))


def _schedule(tasks: list[_Task]) -> list[_Task]:
    """The chunks in the order the workers take them: largest N first (then the grid's order), so that the last
    chunks to run are the shortest ones and the processes finish together."""
    return sorted(tasks, key=lambda task: (-task.n_dyads, task.n_index, task.chunk_index))


def _claim(counter: Any) -> int:
    """The next chunk to compute (an index into the schedule), from the counter shared by the processes."""
    with counter.get_lock():
        index = int(counter.value)
        counter.value = index + 1
    return index


def _fork_worker(tasks: list[_Task], counter: Any, conn: Any) -> None:
    """Compute chunks, claimed one at a time, and send ``(i, record)`` for each, or ``(i, None)`` and stop when
    one fails (the main process computes it again and raises its error). In the forked process."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C reaches the process group: the main process stops us
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    while (index := _claim(counter)) < len(tasks):
        try:
            payload = pickle.dumps((index, _run_chunk(tasks[index])), protocol=pickle.HIGHEST_PROTOCOL)
        except BaseException:  # noqa: BLE001 - computed again by the main process, which raises it as usual
            conn.send_bytes(pickle.dumps((index, None)))
            break
        conn.send_bytes(payload)
    conn.close()
    # end here: the exit steps of multiprocessing would flush a copy of this process's standard streams (a line
    # of the progress bar that the main process had not yet written when it forked would be written twice)
    os._exit(0)


def _import_figures() -> None:
    """Import the module of the result's figure (matplotlib, ~0.4 s CPU) while the forked workers compute and this
    process waits for them, rather than after the grid."""
    import alliance_stats.report.figures  # noqa: F401


class _Forked:
    """Forked workers computing the chunks of a schedule while the main process takes their records (see the
    module docstring)."""

    def __init__(self, tasks: list[_Task], workers: int, done: Callable[[dict[str, Any], int], None]) -> None:
        self.tasks = tasks
        self.done = done
        self.finished: set[int] = set()
        context = multiprocessing.get_context("fork")
        self.counter = context.Value("q", 0)
        self.processes: list[Any] = []
        self.receivers: list[Any] = []  # the receiving ends of the workers' pipes still open
        try:
            for _ in range(workers):
                receiver, sender = context.Pipe(duplex=False)
                process = context.Process(target=_fork_worker, args=(tasks, self.counter, sender), daemon=True)
                process.start()
                sender.close()  # before the next fork: a pipe ends (EOF) when its worker ends
                self.processes.append(process)
                self.receivers.append(receiver)
        except BaseException:
            self.close()
            raise

    def _record(self, index: int, record: dict[str, Any] | None) -> None:
        self.finished.add(index)
        self.done(_run_chunk(self.tasks[index]) if record is None else record, self.tasks[index].size)

    def run(self) -> None:
        """Take the workers' records as they come until every worker has ended; a chunk that a worker failed on,
        or claimed and did not send (it died), is computed here."""
        from multiprocessing.connection import wait

        _import_figures()
        while self.receivers:
            for receiver in wait(self.receivers):
                try:
                    index, record = pickle.loads(receiver.recv_bytes())
                except (EOFError, OSError, pickle.UnpicklingError, AttributeError, ImportError):
                    receiver.close()  # the worker ended (or sent something unreadable): its pipe is done
                    self.receivers.remove(receiver)
                    continue
                self._record(index, record)
        for index in range(len(self.tasks)):
            if index not in self.finished:
                self._record(index, None)

    def close(self) -> None:
        """Stop the workers still running (after an error here) and release their pipes."""
        for process in self.processes:
            if process.is_alive():
                process.kill()  # not SIGTERM: see plan/lanes.py Lane.close (a worker writes no file)
            process.join()
        for receiver in self.receivers:
            receiver.close()
        self.receivers = []


def _execute_local(tasks: list[_Task], jobs: int, done: Callable[[dict[str, Any], int], None]) -> None:
    workers, why = worker_count(jobs, len(tasks))
    if why is not None:
        warn(None, why, UserWarning)
    if workers == 1:
        for task in tasks:
            done(_run_chunk(task), task.size)
        return
    schedule = _schedule(tasks)
    if "fork" in multiprocessing.get_all_start_methods():
        # the smallest chunk here first: the workers are forked with its imports and compiled kernels loaded
        done(_run_chunk(schedule[-1]), schedule[-1].size)
        forked = _Forked(schedule[:-1], min(workers, len(schedule) - 1), done)
        try:
            forked.run()
        finally:
            forked.close()
        return
    from joblib import Parallel, delayed  # platforms without fork: joblib's processes (each task pickled)

    sizes = {(task.n_index, task.chunk_index): task.size for task in schedule}
    runner = Parallel(n_jobs=workers, backend="loky", return_as="generator_unordered")
    for result in runner(delayed(_run_chunk)(task) for task in schedule):
        done(result, sizes[result["key"]])


def _execute(tasks: list[_Task], jobs: int, backend: str, scheduler: Any,
             progress: Callable[[int, int], Any] | None) -> list[dict[str, Any]]:
    total = sum(t.size for t in tasks)
    results: list[dict[str, Any]] = []

    def done(result: dict[str, Any], size: int) -> None:
        results.append(result)
        if progress is not None:
            progress(size, total)

    if backend == "dask":
        _execute_dask(_schedule(tasks), scheduler, done)
    elif backend == "local":
        _execute_local(tasks, jobs, done)
    else:
        check_execution(backend)
    return sorted(results, key=lambda res: res["key"])


def _distributed(scheduler: Any) -> Any:
    """The ``distributed`` module, or the typed error when it is not installed or no scheduler was given."""
    try:
        import distributed
    except ImportError:
        raise AllianceStatsError("the dask backend needs dask[distributed]", value="dask",
                                 fix="pip install 'alliance-stats[distributed]', or use --backend local") from None
    if scheduler is None:
        raise AllianceStatsError("the dask backend needs the scheduler's address", value="dask",
                                 fix="pass --scheduler tcp://HOST:PORT (a running dask scheduler)")
    return distributed


def _execute_dask(tasks: list[_Task], scheduler: Any, done: Callable[[dict[str, Any], int], None]) -> None:
    distributed = _distributed(scheduler)
    Client, as_completed = distributed.Client, distributed.as_completed  # noqa: N806
    own = not isinstance(scheduler, Client)
    try:
        client = Client(scheduler, timeout="10s") if own else scheduler
    except (OSError, TimeoutError) as exc:
        raise AllianceStatsError(f"cannot connect to the dask scheduler ({exc})", value=str(scheduler),
                                 fix="check that the scheduler runs and the address, or use --backend local"
                                 ) from None
    try:
        sizes = {}
        futures = []
        for task in tasks:
            future = client.submit(_run_chunk, task, pure=False)
            sizes[future.key] = task.size
            futures.append(future)
        for future in as_completed(futures):
            done(future.result(), sizes[future.key])
    finally:
        if own:
            client.close()


def _context(plan: PowerPlan, confirmatory: Plan, instrument: Instrument) -> _Context:
    from alliance_stats.models import Hypothesis

    hypotheses = []
    for spec in confirmatory.hypotheses:
        if not spec.confirmatory:
            continue
        try:
            hypotheses.append(Hypothesis(id=spec.id, statement=spec.statement.model_dump(), model=spec.model,
                                         term=spec.term, contrast=spec.contrast, factor=spec.factor,
                                         direction=spec.direction, confirmatory=True))
        except ValueError as exc:
            index = confirmatory.hypotheses.index(spec)
            raise confirmatory.error(f"hypothesis {spec.id}: {str(exc).splitlines()[-1].strip()}", "hypotheses",
                                     index, fix="give either a term or a contrast") from None
    models = {}
    warnings_: list[str] = []
    for hyp in hypotheses:
        spec = confirmatory.models[hyp.model]
        if spec.gee:
            warnings_.append(f"model {hyp.model}: GEE is replaced by the dyad-clustered sandwich in the power "
                             "simulation")
            spec = spec.model_copy(update={"gee": False})
        models.setdefault(hyp.model, spec)
    first_item = instrument.items("LINK")[0] if instrument.items("LINK") else instrument.likert_items()[0]
    scale = instrument.scales[first_item.scale]
    typology = confirmatory.typology
    ctx = _Context(
        instrument=instrument, params=plan.population, exclusions=confirmatory.exclusions,
        min_share=confirmatory.min_share, outcome=confirmatory.outcome, cut=typology.cut,
        asymmetry=typology.asymmetry, scale=(float(scale.min), float(scale.max)),
        cluster_variables=tuple(typology.cluster.variables), k_target=typology.cluster.k,
        k_max=typology.cluster.k_max, cluster=plan.cluster, models=models, hypotheses=hypotheses,
        alpha=plan.alpha, correction=plan.correction,
    )
    ctx.notes = warnings_  # type: ignore[attr-defined]
    return ctx


def _mcse(p: np.ndarray, reps: np.ndarray) -> np.ndarray:
    return np.sqrt(p * (1.0 - p) / reps)


def power_analysis(
    plan: PowerPlan,
    confirmatory: Plan,
    *,
    reps: int | None = None,
    jobs: int = 1,
    backend: Literal["local", "dask"] = "local",
    scheduler: Any = None,
    progress: Callable[[int, int], Any] | None = None,
    instrument: Instrument | None = None,
) -> PowerResult:
    """Simulation-based power of every confirmatory hypothesis, of the whole plan, of the cluster check and of
    the CFA, for each number of dyads of the grid.

    Parameters
    ----------
    plan
        The power plan (:func:`load_power_plan`).
    confirmatory
        The confirmatory plan it points to.
    reps
        Replicates per N (default ``plan.reps``).
    jobs
        Worker processes for ``backend="local"`` (forked from this process once its first chunk has run, see
        the module docstring); 1 runs in this process. At most one per CPU and
        one per chunk of replicates are started (:func:`worker_count`; a warning says so).
    backend
        ``"local"`` or ``"dask"`` (the chunks run on the Dask cluster of ``scheduler``).
    scheduler
        Dask scheduler address (``tcp://HOST:PORT``) or a ``distributed.Client``.
    progress
        Optional ``callable(advance, total)`` called after each chunk with its number of replicates and the
        total number of replicates (the CLI binds it to a progress bar).
    instrument
        The survey instrument (default: the confirmatory plan's ``instrument``).

    Returns
    -------
    PowerResult
        Identical whatever ``jobs`` and ``backend`` (see the module docstring).

    Raises
    ------
    SpecificationError
        ``reps`` or ``jobs`` below 1, unknown backend (checked before any work, :func:`check_execution`).
    AllianceStatsError
        The dask backend without a scheduler answering at ``scheduler``.

    References
    ----------
    Arnold, B. F., Hogan, D. R., Colford, J. M., & Hubbard, A. E. (2011). Simulation methods to estimate design
    power. BMC Medical Research Methodology 11, 94. Morris, T. P., White, I. R., & Crowther, M. J. (2019).
    Using simulation studies to evaluate statistical methods. Statistics in Medicine 38, 2074-2102 (Monte
    Carlo standard errors). See the package docstring for the estimation rules.

    Examples
    --------
    >>> from pathlib import Path
    >>> import alliance_stats
    >>> from alliance_stats.power import load_power_plan
    >>> plan, confirmatory = load_power_plan(Path(alliance_stats.__file__).parents[1] / "analyses" / "power.yaml")
    >>> tiny = plan.model_copy(update={"n_dyads": [40], "chunk_size": 2})
    >>> result = power_analysis(tiny, confirmatory, reps=2)
    >>> sorted(result.to_tables()), int(result.power["reps"].max())
    (['power', 'power_details', 'power_mcse', 'sample_size'], 2)
    """
    reps = plan.reps if reps is None else int(reps)
    if reps < 1:
        raise SpecificationError("reps must be at least 1", value=reps)
    check_execution(backend, scheduler, jobs)
    if instrument is None:
        from alliance_stats.instrument import load_instrument

        instrument = load_instrument(confirmatory.resolve(confirmatory.instrument))
    ctx = _context(plan, confirmatory, instrument)
    tasks = []
    for i, n in enumerate(plan.n_dyads):
        for j, first in enumerate(range(0, reps, plan.chunk_size)):
            tasks.append(_Task(n_index=i, n_dyads=int(n), chunk_index=j, first=first,
                               size=min(plan.chunk_size, reps - first), seed=plan.seed, context=ctx))
    chunks = _execute(tasks, jobs, backend, scheduler, progress)
    return _summarise(plan, confirmatory, instrument, ctx, chunks, reps)


def _replicate_frame(chunks: list[dict[str, Any]], hyp_ids: list[str], model_keys: list[str]) -> pd.DataFrame:
    """One row per replicate: p values, adjusted p values, rejections, methods, cluster check, counts."""
    rows = []
    for chunk in chunks:
        for r in range(len(chunk["kept"])):
            row: dict[str, Any] = {"n_dyads": chunk["n_dyads"], "replicate": chunk["first"] + r}
            for h, hid in enumerate(hyp_ids):
                row[f"p_{hid}"] = chunk["p"][r, h]
                row[f"p_adjusted_{hid}"] = chunk["p_adjusted"][r, h]
                row[f"rejected_{hid}"] = bool(chunk["rejected"][r, h])
            for m, key in enumerate(model_keys):
                row[f"method_{key}"] = ("ml", "firth", "design failed", "estimation failed")[chunk["method"][r, m]]
            row.update(familywise=bool(chunk["rejected"][r].all()), any=bool(chunk["rejected"][r].any()),
                       cluster_k=int(chunk["cluster_k"][r]), cluster_ari=float(chunk["cluster_ari"][r]),
                       cluster_met=bool(chunk["cluster_met"][r]), kept=int(chunk["kept"][r]),
                       at_risk=int(chunk["at_risk"][r]), crossed_share=float(chunk["events"][r]))
            rows.append(row)
    return pd.DataFrame(rows)


def _per_n(plan: PowerPlan, ctx: _Context, replicates: pd.DataFrame,
           cfa_df: int) -> tuple[list[dict[str, Any]], list[dict[str, Any]], list[float]]:
    """Power rows (per N and target), detail rows (per N) and respondents kept per dyad."""
    hyp_ids = [h.id for h in ctx.hypotheses]
    power_rows: list[dict[str, Any]] = []
    detail_rows: list[dict[str, Any]] = []
    respondents_per_dyad = []
    for n in plan.n_dyads:
        sub = replicates[replicates["n_dyads"] == n]
        for hid in hyp_ids:
            power_rows.append({"n_dyads": n, "target": hid, "kind": "hypothesis",
                               "power": float(sub[f"rejected_{hid}"].mean())})
        for target, column in (("familywise", "familywise"), ("any", "any"), ("cluster", "cluster_met")):
            power_rows.append({"n_dyads": n, "target": target, "kind": target, "power": float(sub[column].mean())})
        kept_mean = float(sub["kept"].mean())
        respondents_per_dyad.append(kept_mean / n)
        cfa_n = int(math.floor(kept_mean))
        cfa_power = rmsea_power(cfa_df, max(cfa_n, 2), plan.cfa.rmsea0, plan.cfa.rmsea_a, plan.alpha)
        power_rows.append({"n_dyads": n, "target": "cfa", "kind": "cfa", "power": cfa_power})
        detail: dict[str, Any] = {"n_dyads": n, "reps": len(sub), "respondents_kept": kept_mean,
                                  "excluded_share": 1.0 - kept_mean / (2.0 * n),
                                  "firms_at_risk": float(sub["at_risk"].mean()),
                                  "crossed_share": float(sub["crossed_share"].mean()),
                                  "cluster_k_share": float((sub["cluster_k"] == ctx.k_target).mean()),
                                  "cluster_ari_mean": float(sub["cluster_ari"].mean()),
                                  "cfa_respondents": cfa_n}
        for key in ctx.models:
            used = sub[f"method_{key}"]
            detail[f"firth_share_{key}"] = float((used == "firth").mean())
            detail[f"failed_share_{key}"] = float(used.isin(["design failed", "estimation failed"]).mean())
        detail_rows.append(detail)
    return power_rows, detail_rows, respondents_per_dyad


def _sample_sizes(power: pd.DataFrame, target_power: float, cfa_needed: int, per_dyad: float) -> pd.DataFrame:
    """Smallest N of the grid reaching ``target_power`` per target; the analytic N for the CFA."""
    size_rows = []
    for target in power["target"].unique():
        rows_t = power[power["target"] == target].sort_values("n_dyads")
        reached = rows_t[rows_t["power"] >= target_power]
        entry = {"target": target, "n_dyads": float(reached["n_dyads"].iloc[0]) if len(reached) else np.nan,
                 "power": float(reached["power"].iloc[0]) if len(reached) else np.nan, "n_dyads_analytic": np.nan,
                 "n_respondents_analytic": np.nan}
        if target == "cfa":
            entry["n_respondents_analytic"] = float(cfa_needed)
            entry["n_dyads_analytic"] = float(math.ceil(cfa_needed / per_dyad))
        size_rows.append(entry)
    return pd.DataFrame(size_rows).set_index("target")


def _run_warnings(chunks: list[dict[str, Any]], detail_rows: list[dict[str, Any]], reps: int,
                  cfa: dict[str, Any]) -> list[str]:
    """Failed analyses counted per N, heavy careless-responding exclusions, an under-sized CFA."""
    out = []
    failure_counts: Counter[tuple[int, str]] = Counter()
    for chunk in chunks:
        for message, count in chunk["failures"].items():
            failure_counts[(chunk["n_dyads"], message)] += count
    for (n, message), count in sorted(failure_counts.items()):
        out.append(f"N = {n}: {message} in {count} of {reps} replicates (counted as not supported)")
    for detail in detail_rows:
        if detail["excluded_share"] > 0.10:
            out.append(
                f"N = {detail['n_dyads']}: the careless-responding rules exclude {detail['excluded_share']:.0%} of "
                "the respondents on average (with few respondents per item the Mahalanobis D2 rule excludes many "
                "careful respondents; consider switching it off for small samples)")
    if cfa["n_respondents_needed"] < cfa["items"]:
        out.append(
            f"CFA: the analytic RMSEA sample size ({cfa['n_respondents_needed']} respondents, df = {cfa['df']}) is "
            f"below the number of items ({cfa['items']}); a CFA needs more respondents than items to be estimable "
            "(and commonly several per free parameter), so read the CFA row as a lower bound, not as a sufficient "
            "sample")
    return out


def _settings(plan: PowerPlan, ctx: _Context, reps: int) -> dict[str, Any]:
    return {"reps": reps, "n_dyads": list(plan.n_dyads), "target_power": plan.target_power,
            "alpha": plan.alpha, "correction": plan.correction, "seed": plan.seed,
            "chunk_size": plan.chunk_size, "k": ctx.k_target, "k_max": ctx.k_max,
            "ari_threshold": plan.cluster.ari_threshold, "covariance_types": list(plan.cluster.covariance_types),
            "models": {k: v.model_dump(mode="json") for k, v in ctx.models.items()},
            "population": plan.population.model_dump(mode="json")}


def _summarise(plan: PowerPlan, confirmatory: Plan, instrument: Instrument, ctx: _Context,
               chunks: list[dict[str, Any]], reps: int) -> PowerResult:
    """The power result from the chunks: replicate table, power per N, sample sizes, CFA, warnings."""
    replicates = _replicate_frame(chunks, [h.id for h in ctx.hypotheses], list(ctx.models))
    cfa_df, n_items, n_factors = cfa_degrees_of_freedom(instrument, confirmatory.measurement.cfa_constructs)
    power_rows, detail_rows, respondents_per_dyad = _per_n(plan, ctx, replicates, cfa_df)
    power = pd.DataFrame(power_rows)
    power["reps"] = np.where(power["kind"] == "cfa", 0, reps)
    power["mcse"] = np.where(power["kind"] == "cfa", 0.0, _mcse(power["power"].to_numpy(), float(reps)))
    power = power[["n_dyads", "target", "kind", "power", "mcse", "reps"]]
    per_dyad = float(np.mean(respondents_per_dyad)) if respondents_per_dyad else 2.0
    cfa_needed = rmsea_sample_size(cfa_df, plan.target_power, plan.cfa.rmsea0, plan.cfa.rmsea_a, plan.alpha)
    cfa = {"df": cfa_df, "items": n_items, "factors": n_factors, "rmsea0": plan.cfa.rmsea0,
           "rmsea_a": plan.cfa.rmsea_a, "alpha": plan.alpha, "respondents_per_dyad": per_dyad,
           "n_respondents_needed": cfa_needed, "n_dyads_needed": int(math.ceil(cfa_needed / per_dyad))}
    messages: list[str] = []
    for message in [*getattr(ctx, "notes", []), *_run_warnings(chunks, detail_rows, reps, cfa)]:
        warn(messages, message, AnalysisWarning)
    hypotheses = tuple({"id": h.id, "model": h.model, "target": h.target(), "direction": h.direction,
                        "statement_fr": h.statement.fr, "statement_en": h.statement.en} for h in ctx.hypotheses)
    return PowerResult(power=power, sample_size=_sample_sizes(power, plan.target_power, cfa_needed, per_dyad),
                       details=pd.DataFrame(detail_rows), replicates=replicates, cfa=cfa, hypotheses=hypotheses,
                       settings=_settings(plan, ctx, reps), warnings=tuple(messages))
