"""A second lane for a run: independent computations done ahead by a forked worker process on another core.

Why: the stages of a run are CPU-bound Python and numpy (threads would share one core under the GIL), and on the
demo about half of the run's time is in computations that depend only on the prepared data (the cluster check
and its figures, the Likert figures, the common-method-variance and nesting checks, the robustness variants, the
mediation bootstraps, the instrument's files). With ``jobs >= 2`` a
forked worker computes them, in a fixed order, while the main process goes on with the rest; the main process
takes each result (in any order) at the point where the sequential run computes it. Fork (not spawn) shares the
prepared data with the worker without pickling it; only results travel back. Whoever begins a job first computes
it: the main process computes itself a job the worker has not begun when it needs it (a byte per job in shared
memory says who has it), so the two processes share the work as their speeds allow, whatever the data's size or
the machine's load, and neither waits for a job the other has not begun.

The same results whatever the number of workers:

- a job is a function of data fixed before the fork, with its own seed (the run's seed streams), and the main
  process asks for it with the same function: with one worker it is simply called there;
- the Python warnings a job raised in the worker are raised again in the main process when its result is taken,
  in the same order, inside the same :meth:`~alliance_stats.plan.context.WarningLog.run` as in the sequential run,
  so the report lists the same warnings in the same order;
- a job that failed in the worker, or whose result could not be sent back, is computed again in the main process:
  errors are raised there exactly as in the sequential run (``tests/plan/test_lanes.py`` checks that
  ``results.json`` and every table are the same with one and two workers).

The worker ignores Ctrl-C (the main process stops it), and is stopped when the run ends or fails.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
import pickle
import queue
import signal
import threading
import time
import warnings
from collections.abc import Callable
from typing import Any

#: Outcome of a job computed by the worker: ``("ok", value, [(category, message), ...])`` or ``("failed",)``.
Outcome = tuple[Any, ...]


def default_jobs() -> int:
    """Worker processes of a run when the user does not say: 2 when the machine has 2 CPUs or more, else 1.

    >>> default_jobs() in (1, 2)
    True
    """
    return 2 if (len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1) >= 2 \
        else 1


def check_jobs(jobs: object) -> int:
    """``jobs`` as the number of worker processes of a run (at most 2), or a typed error that says what to give.

    >>> check_jobs(4)
    2
    """
    from alliance_stats.core.errors import SpecificationError

    if isinstance(jobs, bool) or not isinstance(jobs, int) or jobs < 1:
        raise SpecificationError("the number of worker processes (--jobs) must be 1 or 2", value=jobs,
                                 fix="use --jobs 1 (one process) or --jobs 2 (a second core)")
    return min(jobs, 2)


#: A job's claim (one byte per job, in memory shared by the two processes): nobody's yet, the worker's, the main
#: process's. Whoever claims a job first computes it; the other one does not.
_FREE, _WORKER, _MAIN = 0, 1, 2

#: Seconds the main process waits for the claims' lock before it gives the worker up (the lock is held for a
#: byte's read and write: only a worker that died holding it leaves it taken).
_CLAIM_TIMEOUT = 10.0


def _claim(claims: Any, index: int, who: int, timeout: float | None = None) -> int | None:
    """Claim job ``index`` for ``who`` if nobody has; the job's claimant after that (``None``: lock not had)."""
    lock = claims.get_lock()
    if not lock.acquire(True, timeout):  # multiprocessing's lock: timeout None waits as long as it takes
        return None
    try:
        if claims[index] == _FREE:
            claims[index] = who
        return int(claims[index])
    finally:
        lock.release()


def _worker(jobs: dict[str, Callable[[], Any]], conn: Any, claims: Any) -> None:
    """Compute, in order, every job the main process has not claimed, and send each outcome as soon as it is known
    (in the forked process).

    The outcomes are written to the pipe by a second thread, so that the worker goes on with its next job at once:
    a result larger than the pipe's buffer (the cluster check with its figures, ~0.5 MB) would otherwise hold the
    worker until the main process reads it, which it does only when its sequence reaches that result (0.5 s idle
    on the demo)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C reaches the process group: the main process stops us
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    outbox: queue.SimpleQueue[bytes | None] = queue.SimpleQueue()
    sender = threading.Thread(target=_send_all, args=(conn, outbox), name="lane-sender", daemon=True)
    sender.start()
    try:
        for index, (name, job) in enumerate(jobs.items()):
            if _claim(claims, index, _WORKER) != _WORKER:
                continue  # the main process got there first and computes it itself
            outbox.put(_outcome(name, job))
    finally:
        outbox.put(None)
        sender.join()
        conn.close()


def _outcome(name: str, job: Callable[[], Any]) -> bytes:
    """The pickled ``(name, (cpu, began, ended), outcome)`` of computing ``job`` (in the worker)."""
    started, began = time.process_time(), time.perf_counter()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            value = job()
            outcome: Outcome = ("ok", value, [(w.category, str(w.message)) for w in caught])
            return pickle.dumps((name, (time.process_time() - started, began, time.perf_counter()), outcome),
                                protocol=pickle.HIGHEST_PROTOCOL)
        except BaseException:  # noqa: BLE001 - recomputed by the main process, which raises it as usual
            return pickle.dumps((name, (time.process_time() - started, began, time.perf_counter()), ("failed",)),
                                protocol=pickle.HIGHEST_PROTOCOL)


def _send_all(conn: Any, outbox: queue.SimpleQueue[bytes | None]) -> None:
    """Write the worker's outcomes to the pipe in the order they come, until ``None`` (the worker's sending thread:
    a write blocks only this thread while the main process has not read the previous outcomes)."""
    while (payload := outbox.get()) is not None:
        try:
            conn.send_bytes(payload)
        except OSError:  # the main process closed its end (the run ended or failed): nothing more is read
            return


class Lane:
    """Named computations, done ahead by a forked worker when ``workers >= 2``, else when asked for.

    Parameters
    ----------
    jobs
        ``{name: function of no argument}``; the worker computes them in this order, the main process may take
        them in another (results that come early are kept until taken). A job the worker has not begun when the
        main process asks for it is computed by the main process, and the worker passes it by: the two processes
        share the work as their speeds allow (a busy machine, a larger data set), and neither waits for a job
        the other has not begun.
    workers
        Worker processes of the run; with fewer than 2 (or where ``fork`` is not available) nothing is started
        and :meth:`take` calls the function.

    Examples
    --------
    >>> lane = Lane({"square": lambda: 7 * 7}, workers=1)
    >>> lane.take("square", lambda: 7 * 7)
    49
    >>> lane.close()
    """

    def __init__(self, jobs: dict[str, Callable[[], Any]], workers: int) -> None:
        self._names = list(jobs)
        #: CPU seconds of each job in the worker, and seconds the main process waited for it (benchmarks).
        self.worker_cpu: dict[str, float] = {}
        self.waited: dict[str, float] = {}
        #: ``time.perf_counter()`` at the fork, and when the worker began and ended each job (the clock is the
        #: system's monotonic clock, the same in both processes; benchmarks print the lanes' timeline).
        self.forked_at = time.perf_counter()
        self.worker_spans: dict[str, tuple[float, float]] = {}
        #: The jobs the main process computed itself because the worker had not begun them (benchmarks).
        self.taken_over: list[str] = []
        self._claims: Any = None
        self._outcomes: dict[str, Outcome] = {}
        self._process: Any = None
        self._conn: Any = None
        if workers >= 2 and jobs and "fork" in multiprocessing.get_all_start_methods():
            # the objects made so far are shared copy-on-write: left out of the collector's passes, so that
            # neither process copies their pages by touching them (Python's advice for fork); unfrozen by close()
            gc.freeze()
            context = multiprocessing.get_context("fork")
            self._conn, sender = context.Pipe(duplex=False)
            self._claims = context.Array("b", len(self._names), lock=True)
            self._process = context.Process(target=_worker, args=(jobs, sender, self._claims), daemon=True)
            self._process.start()
            sender.close()

    @property
    def parallel(self) -> bool:
        """Whether a worker process computes the jobs."""
        return self._process is not None

    def begun_by_worker(self) -> list[str]:
        """The jobs the worker has begun (or done) so far, in order; none without a worker."""
        if self._claims is None:
            return []
        with self._claims.get_lock():
            return [name for name, claimant in zip(self._names, self._claims, strict=True) if claimant == _WORKER]

    def take(self, name: str, compute: Callable[[], Any]) -> Any:
        """The result of job ``name``: the worker's (its warnings raised again here), or ``compute()`` when there
        is no worker, when the worker failed on it, or when ``name`` is not one of the lane's jobs. ``compute``
        must be the job's own function (the same computation)."""
        outcome = None
        if self._process is not None and name in self._names:
            claimant = _claim(self._claims, self._names.index(name), _MAIN, _CLAIM_TIMEOUT)
            if claimant is None:
                self.close()  # the worker died holding the claims' lock: the main process computes the rest
            elif claimant == _MAIN:
                self.taken_over.append(name)
            else:
                outcome = self._receive(name)
        if outcome is None or outcome[0] != "ok":
            return compute()
        _, value, caught = outcome
        for category, message in caught:
            warnings.warn_explicit(message, category, __file__, 0)
        return value

    def take_all(self, jobs: dict[str, Callable[[], Any]]) -> dict[str, Any]:
        """The results of several jobs, ``{name: result}``, as :meth:`take` gives them one by one in this order
        (the same values, and the same warnings raised in the same order), computed by the two processes together.

        Taken one by one in the order the worker computes them, the main process would wait for each job the
        worker is one step ahead on while the jobs after it are left to the worker: the main process first claims
        and computes the later half of the jobs nobody has begun (its warnings held back), the worker goes on with
        the earlier ones meanwhile, and then the results are taken in order.
        """
        if self._process is None:
            return {name: self.take(name, compute) for name, compute in jobs.items()}
        free = [name for name in jobs if name in self._names and self._claims[self._names.index(name)] == _FREE]
        own: dict[str, tuple[Outcome, list[warnings.WarningMessage]]] = {}
        for name in free[len(free) // 2:]:  # the later half: the worker is on the earlier ones
            if _claim(self._claims, self._names.index(name), _MAIN, _CLAIM_TIMEOUT) != _MAIN:
                continue  # the worker began it meanwhile (or the lock was not had): taken below as usual
            self.taken_over.append(name)
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always")
                try:
                    own[name] = (("ok", jobs[name]()), caught)
                except Exception as error:  # noqa: BLE001 - raised below, where the sequential run raises it
                    own[name] = (("failed", error), caught)
        results: dict[str, Any] = {}
        for name, compute in jobs.items():
            if name not in own:
                results[name] = self.take(name, compute)
                continue
            (status, value), caught = own[name]
            for w in caught:
                warnings.warn_explicit(w.message, w.category, w.filename, w.lineno)
            if status != "ok":
                raise value
            results[name] = value
        return results

    def _receive(self, name: str) -> Outcome | None:
        started = time.perf_counter()
        while name not in self._outcomes:
            try:
                got, (cpu, began, ended), outcome = pickle.loads(self._conn.recv_bytes())
            except (EOFError, OSError, pickle.UnpicklingError, AttributeError, ImportError):
                self.close()  # the worker died or sent something unreadable: the main process computes the rest
                return None
            self._outcomes[got] = outcome
            self.worker_cpu[got] = cpu
            self.worker_spans[got] = (began, ended)
        self.waited[name] = time.perf_counter() - started
        return self._outcomes.pop(name)

    def close(self) -> None:
        """Stop the worker (if any) and release its pipe; the jobs not yet taken are computed when asked for."""
        process, self._process = self._process, None
        if process is not None:
            if process.is_alive():
                # SIGKILL, not SIGTERM: a worker forked a moment before may take SIGTERM with the parent's handler
                # (which ignores a second one) and then block on a full pipe while we join it; it writes no file
                process.kill()
            process.join()
            self._conn.close()
            gc.unfreeze()

    def __enter__(self) -> Lane:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
