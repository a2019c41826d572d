"""Timing budgets: the speed checks that used to be assertions in the test suite (issue 12 keeps timing out of
`make test`, where a busy shared machine made them flaky). Each check runs once, prints its time and budget,
and the script exits 1 when one is over budget.

Run: .venv/bin/python benchmarks/timing_budgets.py   (also run by `make bench`)
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from alliance_stats.models import mediation  # noqa: E402
from alliance_stats.typology import cluster_check  # noqa: E402
from tests.models.simulated import simulate_firms  # noqa: E402
from tests.typology.synthetic import four_blobs  # noqa: E402


def _cluster_check_default_settings() -> None:
    """cluster_check with its defaults (200 bootstrap draws, 999 permutations) on 300 dyads: target < 20 s on
    one free core (tests/typology/test_cluster.py checks the settings and the verdict)."""
    cluster_check(four_blobs(300, seed=5))


def _mediation_bootstrap() -> None:
    """The mediation bootstrap, 2,000 cluster resamples of ~350 firms: ~0.2 s alone."""
    data = simulate_firms(200, np.random.default_rng(41), model="M3")
    data["LEARN"] = 4 + 0.7 * data["trust_shared"] + np.random.default_rng(42).normal(size=len(data))
    mediation(data, "trust_shared", "LEARN", "crossed", n_boot=2000, seed=7, cluster="dyad_id")


#: name -> (function, budget in seconds on a shared 2-core machine)
BUDGETS: dict[str, tuple[Callable[[], None], float]] = {
    "cluster_check, defaults, 300 dyads": (_cluster_check_default_settings, 60.0),
    "mediation bootstrap, 2,000 resamples": (_mediation_bootstrap, 10.0),
}


def main() -> int:
    over = []
    for name, (func, budget) in BUDGETS.items():
        started = time.perf_counter()
        func()
        elapsed = time.perf_counter() - started
        print(f"{name:<42} {elapsed:7.2f} s   budget {budget:5.1f} s   {'OK' if elapsed < budget else 'OVER'}")
        if elapsed >= budget:
            over.append(name)
    return 1 if over else 0


if __name__ == "__main__":
    sys.exit(main())
