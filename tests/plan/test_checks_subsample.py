"""The CFA-based reviewer's checks (common-method variance, nesting) on a random subsample of whole dyads above
``robustness.subsample_dyads`` (the memory and time goal at 100,000 dyads), said in the log in both languages."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from alliance_stats.core.i18n import has_translation, translate_message
from alliance_stats.plan import load_plan
from alliance_stats.plan.context import RunContext
from alliance_stats.plan.sections.checks import _checks_subsample

ROOT = Path(__file__).resolve().parents[2]


def _context(size: int | None, seed: int = 11) -> RunContext:
    plan = load_plan(ROOT / "analyses" / "confirmatory.yaml")
    plan = plan.model_copy(update={"seed": seed,
                                   "robustness": plan.robustness.model_copy(update={"subsample_dyads": size})})
    return RunContext(plan, "en", instrument=None)


def _data(n_dyads: int) -> pd.DataFrame:
    rng = np.random.default_rng(3)
    dyad = np.repeat(np.arange(n_dyads) * 7 + 1000, 2)[:-1]  # one lone partner
    return pd.DataFrame({"a1": rng.normal(size=dyad.size), "dyad_id": dyad})


def test_whole_dyads_are_drawn_above_the_size_and_the_report_says_so() -> None:
    ctx = _context(100)
    data = _data(300)
    sub = _checks_subsample(ctx, data)
    kept = np.unique(sub["dyad_id"])
    assert kept.size == 100
    whole = data[data["dyad_id"].isin(kept)]
    pd.testing.assert_frame_equal(sub, whole)  # every row of a drawn dyad, in the data's order, values untouched
    assert ctx.values["checks_subsample"] == {"size": 100, "of": 300, "seed": ctx.seeds["checks"]}
    [entry] = [w for w in ctx.log.items if w["stage"] == "checks"]
    assert "300 dyads" in entry["message"] and "subsample of 100 dyads" in entry["message"]
    assert has_translation(entry["message"])
    assert "sous-échantillon aléatoire de 100 dyades" in translate_message(entry["message"], "fr")


def test_the_subsample_follows_the_plans_seed() -> None:
    data = _data(300)
    first = np.unique(_checks_subsample(_context(100, seed=11), data)["dyad_id"])
    again = np.unique(_checks_subsample(_context(100, seed=11), data)["dyad_id"])
    other = np.unique(_checks_subsample(_context(100, seed=12), data)["dyad_id"])
    np.testing.assert_array_equal(first, again)
    assert not np.array_equal(first, other)


def test_every_dyad_at_or_below_the_size_or_when_switched_off() -> None:
    data = _data(300)
    for ctx in (_context(300), _context(None)):
        assert _checks_subsample(ctx, data) is data
        assert "checks_subsample" not in ctx.values and not ctx.log.items
