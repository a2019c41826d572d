"""The run's second lane (plan/lanes.py): jobs computed ahead by a forked worker give the same results, warnings
and errors as when they are computed in the main process."""

from __future__ import annotations

import multiprocessing
import os
import time
import warnings
from pathlib import Path

import pytest

from alliance_stats.core.errors import SparseDataWarning, SpecificationError
from alliance_stats.plan.lanes import Lane, check_jobs, default_jobs


def _noisy(value: int) -> int:
    warnings.warn(f"first warning of {value}", SparseDataWarning, stacklevel=1)
    warnings.warn(f"second warning of {value}", RuntimeWarning, stacklevel=1)
    return value * 10


def _refused() -> None:
    raise SpecificationError("the pilot is too small", value=12, fix="collect more responses")


def _begun(lane: Lane, names: list[str]) -> None:
    """Wait until the worker has begun ``names`` (the main process computes itself a job the worker has not)."""
    for _ in range(6000):
        if set(names) <= set(lane.begun_by_worker()):
            return
        time.sleep(0.01)
    raise AssertionError(f"the worker began only {lane.begun_by_worker()}")


def test_worker_results_and_warnings_are_those_of_the_main_process() -> None:
    jobs = {"a": lambda: _noisy(1), "pid": os.getpid, "b": lambda: _noisy(2)}
    with Lane(jobs, workers=2) as lane:
        assert lane.parallel
        _begun(lane, ["a", "pid", "b"])
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            assert lane.take("b", lambda: _noisy(2)) == 20  # taken out of order: "a" is kept for later
            assert lane.take("a", lambda: _noisy(1)) == 10
        assert lane.take("pid", os.getpid) != os.getpid()  # computed by another process
    assert [(w.category, str(w.message)) for w in caught] == [
        (SparseDataWarning, "first warning of 2"), (RuntimeWarning, "second warning of 2"),
        (SparseDataWarning, "first warning of 1"), (RuntimeWarning, "second warning of 1")]
    assert set(lane.worker_cpu) == {"a", "pid", "b"}


def test_a_job_the_worker_has_not_begun_is_computed_by_the_main_process_and_passed_by() -> None:
    go_on = multiprocessing.get_context("fork").Event()

    def busy() -> int:  # the worker stays on this job until the main process has taken "late" over
        go_on.wait(60)
        return os.getpid()

    with Lane({"busy": busy, "late": os.getpid, "last": os.getpid}, workers=2) as lane:
        _begun(lane, ["busy"])
        assert lane.take("late", os.getpid) == os.getpid()  # not begun by the worker: computed here, no wait
        go_on.set()
        assert lane.take("busy", busy) != os.getpid()  # begun by the worker: its result
        _begun(lane, ["last"])  # the worker went on with the next job it had
        assert lane.take("last", os.getpid) != os.getpid()
    assert lane.taken_over == ["late"]
    assert set(lane.worker_cpu) == {"busy", "last"}  # the worker passed "late" by


def test_a_result_larger_than_the_pipe_does_not_hold_the_worker_until_the_main_process_reads_it() -> None:
    big = b"x" * (4 << 20)  # far larger than a pipe's buffer (64 KiB on Linux)
    with Lane({"big": lambda: big, "next": os.getpid}, workers=2) as lane:
        _begun(lane, ["big", "next"])  # nothing read yet: the worker went on to "next" while "big" waits unread
        assert lane.take("next", os.getpid) != os.getpid()
        assert lane.take("big", lambda: b"") == big
    assert lane.taken_over == []


def test_taking_several_jobs_the_main_process_computes_the_later_half_of_those_not_begun() -> None:
    go_on = multiprocessing.get_context("fork").Event()

    def busy() -> int:  # the worker stays on this job until the main process has computed its share
        go_on.wait(60)
        return os.getpid()

    def job(value: int) -> tuple[int, int]:
        if value == 4:
            go_on.set()
        return _noisy(value), os.getpid()

    jobs = {f"job{v}": (lambda v=v: job(v)) for v in (1, 2, 3, 4)}
    with Lane({"busy": busy, **jobs}, workers=2) as lane:
        _begun(lane, ["busy"])
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            results = lane.take_all(jobs)
        assert lane.take("busy", os.getpid) != os.getpid()
    assert [value for value, _ in results.values()] == [10, 20, 30, 40]
    assert results["job3"][1] == results["job4"][1] == os.getpid()  # the later half: the main process's
    assert {"job3", "job4"} <= set(lane.taken_over)
    assert [str(w.message) for w in caught] == [f"{which} warning of {v}" for v in (1, 2, 3, 4)
                                                for which in ("first", "second")]


def test_taking_several_jobs_without_a_worker_computes_them_in_order() -> None:
    order: list[int] = []
    lane = Lane({"a": lambda: order.append(1), "b": lambda: order.append(2)}, workers=1)
    lane.take_all({"a": lambda: order.append(1), "b": lambda: order.append(2)})
    assert order == [1, 2]


def test_one_worker_computes_in_the_main_process() -> None:
    lane = Lane({"pid": os.getpid}, workers=1)
    assert not lane.parallel
    assert lane.take("pid", os.getpid) == os.getpid()
    lane.close()


def test_a_job_that_fails_in_the_worker_raises_the_same_error_in_the_main_process() -> None:
    with Lane({"refused": _refused, "after": lambda: 3}, workers=2) as lane:
        _begun(lane, ["refused", "after"])
        with pytest.raises(SpecificationError) as error:
            lane.take("refused", _refused)
        assert error.value.value == 12 and error.value.fix == "collect more responses"
        assert lane.take("after", lambda: 3) == 3  # the worker went on with the next job


def test_a_result_that_cannot_travel_back_is_computed_again_in_the_main_process() -> None:
    def unpicklable() -> object:
        return lambda: "a closure"  # pickle refuses local functions

    with Lane({"closure": unpicklable, "pid": os.getpid}, workers=2) as lane:
        _begun(lane, ["closure", "pid"])
        assert lane.take("closure", unpicklable)() == "a closure"
        assert lane.take("pid", os.getpid) != os.getpid()


def test_a_worker_that_dies_leaves_the_jobs_to_the_main_process() -> None:
    with Lane({"dies": lambda: os._exit(3), "pid": os.getpid}, workers=2) as lane:
        _begun(lane, ["dies"])
        assert lane.take("dies", lambda: "computed here") == "computed here"
        assert lane.take("pid", os.getpid) == os.getpid()


@pytest.mark.parametrize("jobs", [0, -1, 1.5, True, "2"])
def test_jobs_must_be_one_or_two(jobs: object) -> None:
    with pytest.raises(SpecificationError, match="--jobs"):
        check_jobs(jobs)


def test_more_than_two_jobs_are_two() -> None:
    assert check_jobs(1) == 1 and check_jobs(2) == 2 and check_jobs(16) == 2


@pytest.mark.slow
@pytest.mark.xdist_group("packaged_run")
def test_the_run_gives_the_same_files_with_one_and_two_workers(packaged_study_run: Path, tmp_path: Path) -> None:
    """The packaged plan's run (every job of the lane: invariance, Likert figures, cluster check, CMV with the
    robustness variants) is made with the CLI's default (two workers on a machine with 2 CPUs); run again with
    the other number of workers, every file but the time stamps is the same byte for byte."""
    from tests.run_helpers import cli

    study = packaged_study_run.parent.parent
    again = tmp_path / "again"
    other = 1 if default_jobs() == 2 else 2  # the fixture's run used default_jobs() workers
    assert cli(["run", study / "plan.yaml", "-o", again, "--jobs", str(other)])[0] == 0
    stamped = {"provenance.json", "report.html", "report.docx"}
    compared = 0
    for path in sorted(again.rglob("*")):
        if path.is_file() and path.name not in stamped and path.suffix not in (".sav", ".xlsx"):
            assert (packaged_study_run / path.relative_to(again)).read_bytes() == path.read_bytes(), path.name
            compared += 1
    assert compared > 100


def test_the_cli_refuses_a_bad_jobs_value_before_any_work(tmp_path: Path,
                                                           capsys: pytest.CaptureFixture[str]) -> None:
    from tests.run_helpers import cli

    code, output = cli(["run", "--jobs", "0", "-o", tmp_path / "run"], capsys)
    assert code == 2 and "--jobs" in output
    assert not (tmp_path / "run").exists()


def _deaf_to_sigterm_then_large() -> bytes:
    """What a worker forked a moment before its parent's SIGTERM can be: the signal taken with the parent's
    handler (which ignores a second one); then a result larger than a pipe holds, that nobody reads."""
    import signal

    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    return b"x" * 2**22


def test_closing_stops_a_worker_blocked_on_its_result_even_if_it_does_not_hear_sigterm() -> None:
    import threading

    lane = Lane({"large": _deaf_to_sigterm_then_large}, workers=2)
    _begun(lane, ["large"])
    time.sleep(0.5)  # the worker is now blocked writing to the full pipe
    process = lane._process
    closing = threading.Thread(target=lane.close, daemon=True)
    closing.start()
    closing.join(60)
    stopped = not closing.is_alive()
    if not stopped:  # do not leave the worker behind
        process.kill()
    assert stopped and not process.is_alive()
