"""Background runs of the local web page: one at a time, in a thread, with their progress and their failure.

:class:`JobRunner` starts a run (the plan runner or the power runner) in a daemon thread and refuses a second
one while the first is going (:class:`Busy`): two runs are never mixed. The page reads :meth:`Job.status`
(stage, share done, elapsed time) to draw the progress bar. A run that fails leaves the server up: a typed
error of :mod:`alliance_stats.errors` is kept with its location and fix, any other exception as an internal
error (its traceback goes to the server's log). The runners write their folder atomically, so a failed or
interrupted run leaves no half-written run folder.
"""

from __future__ import annotations

import sys
import threading
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from alliance_stats.core.errors import AllianceStatsError
from alliance_stats.core.i18n import tr

#: Stages of a plan run, in order (keys given by :func:`alliance_stats.plan.runner.run_plan`'s progress).
PLAN_STAGES: tuple[str, ...] = ("start", "read", "measurement", "typology", "models", "checks", "report", "done")
#: Stages of a power run.
POWER_STAGES: tuple[str, ...] = ("start", "simulate", "report", "done")


class Busy(Exception):  # noqa: N818 - a state of the runner, shown as a message
    """A run is already going."""

    def __init__(self, job: Job) -> None:
        super().__init__(job.id)
        self.job = job


@dataclass
class Job:
    """One background run: its id (the run folder's name), kind (``plan`` or ``power``) and progress."""

    id: str
    kind: str
    stages: tuple[str, ...]
    state: str = "running"
    stage: str = "start"
    done: int = 0
    total: int = 0
    started: float = field(default_factory=time.monotonic)
    ended: float | None = None
    error: dict[str, Any] | None = None

    def advance(self, stage: str) -> None:
        """The runner reached ``stage`` (a key of :attr:`stages`)."""
        if stage in self.stages:
            self.stage = stage

    def count(self, step: int, total: int) -> None:
        """The power runner did ``step`` more replicates out of ``total``."""
        self.stage = "simulate"
        self.done, self.total = self.done + int(step), int(total)

    def fraction(self) -> float:
        """Share of the run done (0 to 1), from the stage and, for a power run, the replicates."""
        if self.state == "done":
            return 1.0
        index = self.stages.index(self.stage) if self.stage in self.stages else 0
        share = index / (len(self.stages) - 1)
        if self.stage == "simulate" and self.total:
            share += min(self.done / self.total, 1.0) / (len(self.stages) - 1)
        return round(min(share, 1.0), 3)

    def status(self, lang: str) -> dict[str, Any]:
        """What the page shows (JSON): state, stages with their state, share done, seconds elapsed, error."""
        current = self.stages.index(self.stage) if self.stage in self.stages else 0
        stages = []
        for index, key in enumerate(self.stages):
            if self.state == "done" or index < current:
                state = "done"
            elif index == current:
                state = "failed" if self.state == "failed" else "running"
            else:
                state = "waiting"
            label = tr(f"app.job.stage.{key}", lang)
            if key == "simulate" and self.total:
                label += f" ({self.done} / {self.total})"
            stages.append({"key": key, "label": label, "state": state})
        end = self.ended if self.ended is not None else time.monotonic()
        return {"id": self.id, "kind": self.kind, "state": self.state,
                "state_label": tr(f"app.job.status.{self.state}", lang), "stage": self.stage, "stages": stages,
                "fraction": self.fraction(), "elapsed": round(end - self.started, 1), "error": self.error}


class JobRunner:
    """Starts runs in a background thread, one at a time (module docstring).

    Examples
    --------
    >>> runner = JobRunner()
    >>> job = runner.start("20261205-101500-3fa2", "plan", lambda job: job.advance("done"))
    >>> runner.wait(job.id, 5).state
    'done'
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._jobs: dict[str, Job] = {}
        self._threads: dict[str, threading.Thread] = {}
        self.current: Job | None = None

    def get(self, job_id: str) -> Job | None:
        return self._jobs.get(job_id)

    def running(self) -> Job | None:
        """The run going now, if any."""
        job = self.current
        return job if job is not None and job.state == "running" else None

    def start(self, job_id: str, kind: str, work: Callable[[Job], Any]) -> Job:
        """Start ``work(job)`` in a thread; :class:`Busy` when a run is going."""
        with self._lock:
            busy = self.running()
            if busy is not None:
                raise Busy(busy)
            job = Job(job_id, kind, PLAN_STAGES if kind == "plan" else POWER_STAGES)
            self._jobs[job_id] = job
            self.current = job
            thread = threading.Thread(target=self._run, args=(job, work), name=f"alliance-stats-{job_id}",
                                      daemon=True)
            self._threads[job_id] = thread
            thread.start()
        return job

    @staticmethod
    def _run(job: Job, work: Callable[[Job], Any]) -> None:
        try:
            work(job)
        except AllianceStatsError as exc:
            job.error = exc.to_dict()
            job.state = "failed"
        except Exception as exc:
            traceback.print_exc(file=sys.stderr)
            job.error = {"error": type(exc).__name__, "internal": True, "message": str(exc)[:500],
                         "file": None, "row": None, "column": None, "line": None, "value": None, "fix": None}
            job.state = "failed"
        else:
            job.stage = "done"
            job.state = "done"
        finally:
            job.ended = time.monotonic()

    def wait(self, job_id: str, timeout: float | None = None) -> Job:
        """Wait for a run to end (tests, server shutdown); return it."""
        thread = self._threads.get(job_id)
        if thread is not None:
            thread.join(timeout)
        return self._jobs[job_id]
