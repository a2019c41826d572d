"""Speed of the simulator and of the scoring chain it feeds (power analysis calls them thousands of times).

Run from the repository root:  .venv/bin/python benchmarks/bench_simulate.py
Prints milliseconds per call (median of repeated runs) for 300 dyads, and the ratio to the 50 ms budget of
issue 7 for one draw. There is no reference library for this generative model, so no ratio to one.
"""

from __future__ import annotations

import statistics
import time
import warnings

from alliance_stats.core.errors import DataQualityWarning
from alliance_stats.data import ExclusionRules, build_dyads, careless_flags, score_responses
from alliance_stats.data.quality import careless_exclusions
from alliance_stats.instrument import default_instrument
from alliance_stats.simulate import simulate_alliances

BUDGET_MS = 50.0


def median_ms(func, repeats: int = 30) -> float:
    times = []
    for k in range(repeats):
        start = time.perf_counter()
        func(k)
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def main() -> None:
    inst = default_instrument()
    simulate_alliances(300, seed=0, instrument=inst)  # warm-up
    sims = [simulate_alliances(300, seed=k, instrument=inst) for k in range(30)]
    sim_ms = median_ms(lambda k: simulate_alliances(300, seed=k, instrument=inst))
    score_ms = median_ms(lambda k: score_responses(sims[k].responses, inst))
    scores = [score_responses(s.responses, inst) for s in sims]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DataQualityWarning)
        dyad_ms = median_ms(lambda k: build_dyads(scores[k], inst))
        agree_ms = median_ms(lambda k: build_dyads(scores[k], inst, responses=sims[k].responses))
    rules = ExclusionRules(fail_attention=True, max_longstring=20, mahalanobis_p=0.001, max_missing_share=0.5)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DataQualityWarning)
        flags_ms = median_ms(lambda k: careless_flags(sims[k].responses, inst), repeats=10)
        excl_ms = median_ms(lambda k: careless_exclusions(sims[k].responses, inst, rules))
    print(f"simulate_alliances(300 dyads): {sim_ms:6.1f} ms  ({sim_ms / BUDGET_MS:.2f} x the 50 ms budget)")
    print(f"careless_flags(600 respondents, every index): {flags_ms:6.1f} ms;  careless_exclusions (the plan's "
          f"rules, as the power analysis calls it): {excl_ms:6.1f} ms")
    print(f"score_responses(600 respondents): {score_ms:6.1f} ms")
    print(f"build_dyads (ICC only): {dyad_ms:6.1f} ms;  with rwg(j) from the items: {agree_ms:6.1f} ms")


if __name__ == "__main__":
    main()
