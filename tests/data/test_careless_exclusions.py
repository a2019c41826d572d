"""The fast careless exclusions (used by the power analysis) exclude the same respondents as the data module."""

from __future__ import annotations

import warnings

import pandas as pd

from alliance_stats.data.quality import careless_exclusions


def _quiet(func, *args, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return func(*args, **kwargs)


def test_careless_exclusions_equal_the_data_module():
    from alliance_stats.data import ExclusionRules, apply_exclusions, careless_flags
    from alliance_stats.instrument import default_instrument
    from alliance_stats.simulate import SimulationParams, simulate_alliances

    inst = default_instrument()
    params = SimulationParams(straightliner_share=0.05, random_share=0.05, missing_rate=0.1, dont_know_share=0.5)
    rule_sets = [ExclusionRules(fail_attention=True, max_longstring=20, mahalanobis_p=0.001, max_missing_share=0.5),
                 ExclusionRules(min_irv=0.8, min_evenodd=0.3, max_missing_share=0.1, exclude_dyad=True),
                 ExclusionRules(max_longstring=8, mahalanobis_p=0.05)]
    for seed, n in ((1, 30), (2, 30), (3, 150)):
        responses = simulate_alliances(n, params, seed=seed, instrument=inst).responses
        before = responses.copy()
        flags = _quiet(careless_flags, responses, inst)
        for rules in rule_sets:
            kept, _ = apply_exclusions(responses, flags, rules)
            ours = careless_exclusions(responses, inst, rules)
            assert (ours == ~responses.index.isin(kept.index)).all(), (seed, n, rules)
        pd.testing.assert_frame_equal(responses, before)
