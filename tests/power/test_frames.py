"""The batched data stages of a power chunk (power/frames.py and the stacked functions it uses) give, replicate
by replicate, exactly what the per-replicate chain of public functions gives on the same data
(tests/power/reference_chain.py, the power analysis's path until issue 17, on each replicate's table of the
chunk's one simulation stream)."""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
import pytest

from alliance_stats.data import score_responses
from alliance_stats.data.quality import (
    ExclusionRules,
    careless_exclusions,
    careless_exclusions_stack,
    mahalanobis_d2,
    mahalanobis_d2_stack,
)
from alliance_stats.data.scoring import construct_scores_stack
from alliance_stats.instrument import default_instrument
from alliance_stats.power import execution as E  # noqa: N812
from alliance_stats.power import load_power_plan
from alliance_stats.power.frames import simulate_chunk
from alliance_stats.simulate import SimulationParams, simulate_alliances
from alliance_stats.simulate.batch import simulate_arrays
from tests.power.reference_chain import reference_chunk

POWER_PLAN = Path(__file__).resolve().parents[2] / "analyses" / "power.yaml"


def _quiet(func, *args, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return func(*args, **kwargs)


def _context(population=None, exclusions=None, cut=None):
    plan, confirmatory = load_power_plan(POWER_PLAN)
    if population:
        params = SimulationParams.model_validate({**plan.population.model_dump(), **population})
        plan = plan.model_copy(update={"population": params})
    ctx = E._context(plan, confirmatory, default_instrument())
    if exclusions:
        ctx.exclusions = ctx.exclusions.model_copy(update=exclusions)
    if cut is not None:
        ctx.cut = cut
    return ctx


def assert_same_chunk(new, old):
    assert new.kept.tolist() == old.kept.tolist()
    assert new.at_risk.tolist() == old.at_risk.tolist()
    np.testing.assert_array_equal(new.events, old.events)
    assert dict(new.failures) == dict(old.failures)
    np.testing.assert_array_equal(new.method, old.method)
    assert {k: v[0] for k, v in new.meta.items()} == {k: v[0] for k, v in old.meta.items()}
    for key in old.blocks:
        assert [r for r, _ in new.blocks[key]] == [r for r, _ in old.blocks[key]]
        for (_, a), (_, b) in zip(new.blocks[key], old.blocks[key], strict=True):
            for x, y in zip(a, b, strict=True):
                np.testing.assert_array_equal(x, y)
    for x, y in zip(new.cluster_data + new.theory, old.cluster_data + old.theory, strict=True):
        np.testing.assert_array_equal(x, y)


@pytest.mark.parametrize("n_dyads, population, exclusions, cut", [
    (40, None, None, None),
    (120, None, None, None),
    (60, {"missing_rate": 0.1, "dont_know_share": 0.5, "random_share": 0.1, "straightliner_share": 0.1},
     {"exclude_dyad": True, "min_irv": 0.5, "min_evenodd": 0.3}, None),
    (30, {"missing_rate": 0.05, "shares": {"entraide": 0.85, "parrainage": 0.05, "survie": 0.05,
                                         "contre_nature": 0.05}},
     None, "median"),
    (16, {"shares": {"entraide": 0.85, "parrainage": 0.05, "survie": 0.05, "contre_nature": 0.05}}, None, None),
])
def test_batched_chunk_equals_the_per_replicate_chain(n_dyads, population, exclusions, cut):
    ctx = _context(population, exclusions, cut)
    seed = np.random.SeedSequence(20261205, spawn_key=(n_dyads,))
    new = _quiet(simulate_chunk, ctx, n_dyads, 8, seed)
    old = _quiet(reference_chunk, ctx, n_dyads, 8, seed)
    assert_same_chunk(new, old)
    if n_dyads == 16:  # small and lopsided: some replicates cannot be analysed, with the per-replicate message
        assert old.failures


def test_stacked_exclusions_scores_and_d2_equal_the_single_data_set_functions():
    inst = default_instrument()
    params = SimulationParams(missing_rate=0.08, dont_know_share=0.5, random_share=0.1, straightliner_share=0.05)
    seeds = [3, 4, 5]
    arrays = simulate_arrays(50, params, seeds, inst)
    rules = ExclusionRules(fail_attention=True, max_longstring=10, min_irv=0.6, mahalanobis_p=0.01,
                           min_evenodd=0.2, max_missing_share=0.3, exclude_dyad=True)
    stacked = careless_exclusions_stack(arrays.values, inst, rules, np.repeat(np.arange(50), 2))
    scores = construct_scores_stack(arrays.values, inst, 0.6667)
    items = np.stack([arrays.values[v.name] for v in inst.likert_items()], axis=-1)
    items = np.where(items > 7, np.nan, items)
    d2, _ = mahalanobis_d2_stack(items)
    assert stacked.any() and not stacked.all()
    for r, seed in enumerate(seeds):
        responses = simulate_alliances(50, params, seed=seed, instrument=inst).responses
        np.testing.assert_array_equal(stacked[r], careless_exclusions(responses, inst, rules))
        single = score_responses(responses, inst, 0.6667)
        for code, values in scores.items():
            np.testing.assert_array_equal(values[r], single[code].to_numpy())
        np.testing.assert_array_equal(d2[r], mahalanobis_d2(items[r])[0])


@pytest.mark.parametrize("cached", [False, True])
def test_a_template_from_another_chunk_gives_the_same_chunk(cached):
    """The template design kept per process (frames._TEMPLATES) codes a later chunk as build_design does, and a
    replicate build_design refuses is still refused with its message, whichever chunk gave the template."""
    from alliance_stats.power import frames

    lopsided = {"shares": {"entraide": 0.85, "parrainage": 0.05, "survie": 0.05, "contre_nature": 0.05}}
    ctx = _context(lopsided)
    frames._TEMPLATES.clear()
    if cached:
        _quiet(simulate_chunk, _context(), 120, 2, np.random.SeedSequence(5))
        assert frames._TEMPLATES
    seed = np.random.SeedSequence(20261205, spawn_key=(16,))
    new = _quiet(simulate_chunk, ctx, 16, 8, seed)
    old = _quiet(reference_chunk, ctx, 16, 8, seed)
    assert_same_chunk(new, old)
    assert old.failures


def test_rank_screen_accepts_only_clearly_full_rank_designs():
    from alliance_stats.power.frames import _clearly_full_rank

    rng = np.random.default_rng(3)
    full = np.column_stack([np.ones(30), rng.normal(size=(30, 3))])
    collinear = full.copy()
    collinear[:, 3] = 2 * full[:, 1] - full[:, 2]
    nearly = full.copy()
    nearly[:, 3] = collinear[:, 3] + 1e-14 * rng.normal(size=30)
    assert _clearly_full_rank([full, collinear, nearly[:20], full[:12]]).tolist() == [True, False, False, True]


@pytest.mark.parametrize("dyad", [[3, 3, 5, 8, 8, 8, 9], [4], [], [7, 2, 2, 9, 7]])
def test_group_codes_are_numpy_unique_inverse(dyad):
    from alliance_stats.power.frames import _group_codes

    values = np.array(dyad, dtype=int)
    np.testing.assert_array_equal(_group_codes(values), np.unique(values, return_inverse=True)[1])
