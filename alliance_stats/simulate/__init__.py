"""simulate stage: synthetic alliances with known truth (the generative model only; the power analysis is in
:mod:`alliance_stats.power`).

``simulate_alliances(n_dyads, params=None, seed=DEFAULT_SEED, instrument=None) -> Simulated`` draws responses
for the instrument from the documented generative model of :mod:`alliance_stats.simulate.simulator`.
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
