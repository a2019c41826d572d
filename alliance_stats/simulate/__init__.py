"""simulate stage: synthetic alliances with known truth (and, in :mod:`.power`, power analysis).

``simulate_alliances(n_dyads, params=None, seed=7, instrument=None) -> Simulated`` draws responses for the
instrument from the documented generative model of :mod:`alliance_stats.simulate.simulator`.
"""

from alliance_stats.simulate.simulator import (
    CONFIGURATIONS,
    ProcessPath,
    Simulated,
    SimulationParams,
    Truth,
    simulate_alliances,
)

__all__ = ["CONFIGURATIONS", "ProcessPath", "Simulated", "SimulationParams", "Truth", "simulate_alliances"]
