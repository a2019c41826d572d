"""The robustness variants reuse the main preparation (issue 17) and get the same firms as a full preparation.

``_variant_firms`` builds the firms of a variant that only changes the outcome (break-even only, cuts moved)
from the main run's scores, dyads and configurations, and re-prepares the variant without exclusions with the
main run's data check: each must equal, column for column, the firms of a whole ``_prepare`` with the variant's
plan (what the checks section computed before).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from alliance_stats.plan.context import RunContext
from alliance_stats.plan.schema import load_plan
from alliance_stats.plan.sections.checks import _variant_firms, _variant_plan
from alliance_stats.plan.sections.prepare import _prepare

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def demo(instrument, synthetic_responses):  # noqa: ANN001, ANN201
    plan = load_plan(ROOT / "analyses" / "confirmatory.yaml")
    data_path = plan.resolve(plan.data)
    ctx = RunContext(plan, "en", instrument)
    return ctx, _prepare(ctx, synthetic_responses, data_path), data_path


@pytest.mark.parametrize("variant", ["breakeven", "cuts_down", "cuts_up", "no_exclusions"])
def test_variant_firms_equal_those_of_a_whole_preparation(demo, synthetic_responses, variant) -> None:  # noqa: ANN001
    ctx, prep, data_path = demo
    fast = _variant_firms(ctx, prep, synthetic_responses, data_path, variant)
    plan = _variant_plan(ctx.plan, variant)
    full = _prepare(RunContext(plan, ctx.lang, ctx.instrument), synthetic_responses, data_path)["firms"]
    pd.testing.assert_frame_equal(fast, full, check_exact=True)
    # the variants do change the firms or their outcome (the comparison is not between two copies of the main one)
    main = prep["firms"]
    assert not (len(fast) == len(main) and fast["crossed"].equals(main["crossed"]))


def test_the_main_check_is_reused_not_repeated(demo, synthetic_responses, monkeypatch) -> None:  # noqa: ANN001
    import alliance_stats.data as data_pkg

    ctx, prep, data_path = demo

    def refuse(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202
        raise AssertionError("the responses were checked again")

    monkeypatch.setattr(data_pkg, "check_responses", refuse)
    for variant in ("breakeven", "cuts_down", "cuts_up", "no_exclusions"):
        assert len(_variant_firms(ctx, prep, synthetic_responses, data_path, variant))
