"""Local execution of the power grid (issue 17): workers forked once a chunk has run in the main process, chunks
taken largest N first from a shared counter, every chunk computed once and put back in the grid's order, a
worker that dies or fails leaves its chunk to the main process, and nothing of a task is pickled.

The chunks here are stand-ins (``_run_chunk`` replaced by a function of the task's place) so that the machinery
is tested in a fraction of a second; tests/power/test_power.py runs the real chunks with one and two workers and
on a Dask cluster and checks that the results are identical.
"""

from __future__ import annotations

import multiprocessing
import os
import threading
import time

import pytest

from alliance_stats.core.errors import SpecificationError
from alliance_stats.power import execution as E  # noqa: N812
from alliance_stats.power.replicate import _Task

needs_fork = pytest.mark.skipif("fork" not in multiprocessing.get_all_start_methods(),
                                reason="the forked workers need the fork start method")


def _tasks(sizes: tuple[int, ...] = (40, 80, 120), chunks: int = 6, context: object = None) -> list[_Task]:
    return [_Task(n_index=i, n_dyads=n, chunk_index=j, first=2 * j, size=2, seed=7, context=context)
            for i, n in enumerate(sizes) for j in range(chunks)]


def _record(task: _Task) -> dict:
    time.sleep(0.01)  # long enough for the workers to take a share of the chunks
    return {"key": (task.n_index, task.chunk_index), "n_dyads": task.n_dyads, "pid": os.getpid(),
            "value": 1000 * task.n_dyads + task.chunk_index}


@pytest.fixture
def three_cpus(monkeypatch):
    monkeypatch.setattr(E, "available_cpus", lambda: 3)


def test_schedule_runs_the_largest_n_first():
    order = [(t.n_dyads, t.chunk_index) for t in E._schedule(_tasks(chunks=2))]
    assert order == [(120, 0), (120, 1), (80, 0), (80, 1), (40, 0), (40, 1)]


@needs_fork
def test_every_chunk_once_in_the_grid_order_with_forked_workers(monkeypatch, three_cpus):
    monkeypatch.setattr(E, "_run_chunk", _record)
    tasks = _tasks()
    calls = []
    records = E._execute(tasks, 3, "local", None, lambda advance, total: calls.append((advance, total)))
    assert [r["key"] for r in records] == [(t.n_index, t.chunk_index) for t in tasks]
    assert [r["value"] for r in records] == [1000 * t.n_dyads + t.chunk_index for t in tasks]
    pids = [r["pid"] for r in records]
    assert pids.count(os.getpid()) == 1 and len(set(pids)) > 1  # the warm-up chunk here, the others forked
    assert sum(a for a, _ in calls) == 2 * len(tasks) and {t for _, t in calls} == {2 * len(tasks)}
    assert multiprocessing.active_children() == []


def _forked_sizes(monkeypatch) -> list[tuple[int, int]]:
    """The (chunks, workers) each forked execution is started with, recorded as it starts."""
    seen: list[tuple[int, int]] = []
    real = E._Forked.__init__

    def spy(self, tasks, workers, done):
        seen.append((len(tasks), workers))
        real(self, tasks, workers, done)

    monkeypatch.setattr(E._Forked, "__init__", spy)
    return seen


@needs_fork
def test_the_main_process_warms_up_on_the_smallest_chunk_before_forking(monkeypatch, three_cpus):
    monkeypatch.setattr(E, "_run_chunk", _record)
    seen = _forked_sizes(monkeypatch)
    records = E._execute(_tasks(), 3, "local", None, None)
    assert seen == [(17, 3)]  # 18 chunks: the smallest ran here, the 17 others were shared by 3 workers
    assert [r["pid"] for r in records if r["key"] == (0, 5)] == [os.getpid()]


@needs_fork
def test_tasks_are_not_pickled(monkeypatch, three_cpus):
    """The workers inherit the tasks (their context holds a lock, which cannot be pickled)."""
    monkeypatch.setattr(E, "_run_chunk", _record)
    tasks = _tasks(context=threading.Lock())
    assert len(E._execute(tasks, 2, "local", None, None)) == len(tasks)


@needs_fork
def test_a_worker_that_dies_leaves_its_chunk_to_the_main_process(monkeypatch, three_cpus):
    main = os.getpid()

    def dying(task: _Task) -> dict:
        if os.getpid() != main and (task.n_index, task.chunk_index) == (2, 1):
            os._exit(3)  # a worker killed while it computes a chunk
        return _record(task)

    monkeypatch.setattr(E, "_run_chunk", dying)
    tasks = _tasks()
    records = E._execute(tasks, 3, "local", None, None)
    assert [r["key"] for r in records] == [(t.n_index, t.chunk_index) for t in tasks]
    assert [r["pid"] for r in records if r["key"] == (2, 1)] == [main]
    assert multiprocessing.active_children() == []


@needs_fork
def test_no_more_workers_than_chunks_left_after_the_warm_up(monkeypatch, three_cpus):
    monkeypatch.setattr(E, "_run_chunk", _record)
    seen = _forked_sizes(monkeypatch)
    tasks = _tasks(sizes=(40,), chunks=2)
    with pytest.warns(UserWarning, match="the 2 chunks of replicates: 2 worker processes are used"):
        records = E._execute(tasks, 3, "local", None, None)
    assert [r["key"] for r in records] == [(0, 0), (0, 1)]
    assert seen == [(1, 1)]


@needs_fork
def test_a_failing_chunk_raises_its_own_error_in_the_main_process(monkeypatch, three_cpus):
    def failing(task: _Task) -> dict:
        if task.n_dyads == 80 and task.chunk_index == 3:
            raise SpecificationError("chunk (1, 3) cannot be computed", value=3)
        return _record(task)

    monkeypatch.setattr(E, "_run_chunk", failing)
    with pytest.raises(SpecificationError, match=r"chunk \(1, 3\) cannot be computed"):
        E._execute(_tasks(), 3, "local", None, None)
    assert multiprocessing.active_children() == []


def test_one_worker_runs_in_order_in_this_process(monkeypatch):
    monkeypatch.setattr(E, "_run_chunk", _record)

    def no_fork(*args, **kwargs):
        raise AssertionError("a worker was forked for --jobs 1")

    monkeypatch.setattr(E, "_Forked", no_fork)
    tasks = _tasks(chunks=2)
    records = E._execute(tasks, 1, "local", None, None)
    assert {r["pid"] for r in records} == {os.getpid()}


def test_without_fork_the_chunks_run_on_joblib_processes(monkeypatch):
    """Where ``fork`` is not available (Windows), joblib's processes compute the same records."""
    monkeypatch.setattr(E, "available_cpus", lambda: 2)
    monkeypatch.setattr(E.multiprocessing, "get_all_start_methods", lambda: ["spawn"])
    monkeypatch.setattr(E, "_run_chunk", _record)
    monkeypatch.setattr(E, "_Forked", None)  # not used without fork
    tasks = _tasks(chunks=2)
    calls = []
    records = E._execute(tasks, 2, "local", None, lambda advance, total: calls.append(advance))
    assert [r["key"] for r in records] == [(t.n_index, t.chunk_index) for t in tasks]
    assert os.getpid() not in {r["pid"] for r in records} and calls == [2] * len(tasks)
