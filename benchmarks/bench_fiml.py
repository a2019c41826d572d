"""CPU time of every ``cfa()`` fit of a run of the confirmatory plan (issue 17: the FIML CFA engine).

Run from the repository root:
    OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 PYTHONPATH=. .venv/bin/python benchmarks/bench_fiml.py
    ... benchmarks/bench_fiml.py --n-dyads 10000 --fits 1     # the measurement CFA alone on simulated data

Runs ``alliance-stats run analyses/confirmatory.yaml`` in this process (the demo, 300 dyads; with ``--n-dyads``,
on ``alliance-stats simulate --seed 7`` data of that size) with ``cfa()`` timed call by call (``process_time``:
CPU of this process, single-threaded BLAS), and stops after ``--fits`` fits when given. On the demo the run makes
eight fits: the measurement CFA, the three invariance steps, the CMV check's two models, the nesting check's MLR
fit with and without the dyads as clusters. Shared results (``engine.MEMO``) are kept between the fits, as in a
run, so a later fit can be cheaper than the same fit alone.
"""

from __future__ import annotations

import argparse
import contextlib
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from alliance_stats.measurement.cfa import api


class _EnoughError(Exception):
    """Raised to stop the run after the requested number of fits."""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n-dyads", type=int, default=None, help="simulate this many dyads (default: the demo)")
    parser.add_argument("--fits", type=int, default=None, help="stop after this many cfa() fits")
    args = parser.parse_args()
    from alliance_stats.cli import app

    timings: list[tuple[str, float]] = []
    original = api._cfa

    def timed(data: Any, model: Any, settings: Any, allow: bool) -> Any:
        start = time.process_time()
        result = original(data, model, settings, allow)
        label = f"{settings.estimator}{' group=' + settings.group if settings.group else ''}" \
                f"{' equal=' + '+'.join(settings.group_equal) if settings.group_equal else ''}" \
                f"{' cluster=' + settings.cluster if settings.cluster else ''} ({len(data)} rows)"
        timings.append((label, time.process_time() - start))
        if args.fits is not None and len(timings) >= args.fits:
            raise _EnoughError
        return result

    api._cfa = timed
    with tempfile.TemporaryDirectory() as folder:
        command = ["run", "analyses/confirmatory.yaml", "-o", str(Path(folder) / "run"), "--force"]
        if args.n_dyads is not None:
            data = Path(folder) / "responses.csv"
            _cli(app, ["simulate", "--n-dyads", str(args.n_dyads), "--seed", "7", "-o", str(data)])
            command += ["--data", str(data)]
        with contextlib.suppress(_EnoughError):
            _cli(app, command)
    for label, seconds in timings:
        print(f"  {seconds:7.3f} s  cfa() {label}")
    print(f"  {sum(s for _, s in timings):7.3f} s  in {len(timings)} cfa() fits (CPU)")


def _cli(app: Any, argv: list[str]) -> None:
    sys.argv = ["alliance-stats", *argv]
    try:
        app()
    except SystemExit as stop:
        if stop.code not in (0, None):
            raise


if __name__ == "__main__":
    main()
