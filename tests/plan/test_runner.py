"""The runner's cyclic garbage collector: off while the run starts, on and lighter from the prepared data on (before
the second lane's worker is forked, which inherits it), and put back as it was when the run ends or fails."""

from __future__ import annotations

import gc
from pathlib import Path

import pytest

from alliance_stats.plan import load_plan, runner
from alliance_stats.plan.runner import RUN_GC_THRESHOLD, _collector_for_run
from alliance_stats.plan.templates import default_plan_path


def _state() -> tuple[bool, tuple[int, int, int], int]:
    return gc.isenabled(), gc.get_threshold(), gc.get_freeze_count()


def test_the_collector_is_off_until_started_then_lighter_and_put_back_as_it_was() -> None:
    before = _state()
    with _collector_for_run() as start:
        assert not gc.isenabled()
        start()
        assert gc.isenabled() and gc.get_threshold()[0] == RUN_GC_THRESHOLD and gc.get_freeze_count() > 0
    assert _state() == before


def test_a_collector_the_caller_turned_off_is_on_for_the_run_and_off_again_after() -> None:
    gc.disable()
    try:
        with _collector_for_run() as start:
            start()
            assert gc.isenabled()
        assert not gc.isenabled()
    finally:
        gc.enable()


class _Node:
    def __init__(self) -> None:
        self.other = self  # a cycle: only the collector frees it


def test_started_with_collect_no_cycle_made_while_off_is_frozen() -> None:
    """For large data the start-up's garbage is collected before the objects alive are frozen (a frozen cycle would
    hold its memory until the run ends); without ``collect`` the cycle is frozen, as on the demo."""
    import weakref

    for collect, frozen in ((True, False), (False, True)):
        with _collector_for_run() as start:
            ref = weakref.ref(_Node())
            start(collect=collect)
            gc.collect()
            assert (ref() is not None) == frozen
        gc.collect()
        assert ref() is None  # unfrozen when the run ends


class _StoppedError(Exception):
    pass


def test_the_run_prepares_its_data_with_the_collector_off_and_forks_its_worker_with_it_on(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """A worker forked with the collector off would run every job without it (its memory growing with each one's
    garbage): the run turns it on before the fork; a run that stops (here at the fork) puts it back as it was."""
    seen: dict[str, object] = {}
    prepare = runner._prepare

    def prepare_and_see(*args: object, **kwargs: object) -> object:
        seen["preparing"] = gc.isenabled()
        return prepare(*args, **kwargs)

    def lane(jobs: object, workers: int) -> None:
        seen["forking"] = (gc.isenabled(), gc.get_threshold()[0], gc.get_freeze_count() > 0)
        raise _StoppedError

    monkeypatch.setattr(runner, "_prepare", prepare_and_see)
    monkeypatch.setattr(runner, "Lane", lane)
    before = _state()
    with pytest.raises(_StoppedError):
        runner.run_plan(load_plan(default_plan_path()), tmp_path / "run", jobs=2)
    assert seen == {"preparing": False, "forking": (True, RUN_GC_THRESHOLD, True)}
    assert _state() == before
