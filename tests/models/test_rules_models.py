"""The models' rules, each with a case that fails when the rule is broken (issue 15, item 17).

- ``method="auto"`` fits Firth below 10 events per parameter and ML at 10 or more (``EPV_THRESHOLD``):
  boundary cases at exactly 10 and at 9.5.
- The mediation bootstrap with ``cluster="dyad_id"`` resamples whole dyads: on data where the two firms of
  every dyad are identical, it must give exactly the row bootstrap of one firm per dyad (same seed, same
  multinomial draws; frequency weights 2w and w give the same estimates), which resampling firms does not.

``tests/tools/mutants.py`` plants the one-line bugs these tests must catch.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from alliance_stats.core.constants import EPV_THRESHOLD
from alliance_stats.models import fit_logit
from alliance_stats.models.mediation import MediationSettings, mediation


def epv_data(n: int, events: int, seed: int = 5) -> pd.DataFrame:
    """n firms, two continuous predictors unrelated to the outcome, exactly ``events`` events."""
    rng = np.random.default_rng(seed)
    y = np.zeros(n)
    y[rng.choice(n, events, replace=False)] = 1.0
    return pd.DataFrame({"crossed": y, "x1": rng.normal(size=n), "x2": rng.normal(size=n)})


@pytest.mark.parametrize(("events", "method"), [
    (20, "ml"),      # 20 events / 2 parameters = 10 events per parameter: ML
    (19, "firth"),   # 9.5: Firth
    (40, "ml"),      # the rarer class counts: 40 events of 60 leave 20 non-events, 10 per parameter
    (41, "firth"),   # 19 non-events: 9.5
])
def test_auto_switches_to_firth_below_ten_events_per_parameter(events: int, method: str) -> None:
    assert EPV_THRESHOLD == 10.0
    result = fit_logit(epv_data(60, events), "crossed", ["x1", "x2"], method="auto")
    assert not result.separation.separated
    assert result.method == method, result.method_reason


def duplicated_dyads(n_dyads: int = 80, seed: int = 2) -> tuple[pd.DataFrame, pd.DataFrame]:
    """One firm per dyad, and the same with each firm's row twice (the two firms of a dyad identical)."""
    rng = np.random.default_rng(seed)
    x = rng.normal(size=n_dyads)
    m = 0.5 * x + rng.normal(size=n_dyads)
    y = (rng.random(n_dyads) < 1 / (1 + np.exp(-(0.8 * m)))).astype(float)
    one = pd.DataFrame({"dyad_id": [f"d{i:03d}" for i in range(n_dyads)], "x": x, "m": m, "y": y})
    both = one.loc[np.repeat(one.index, 2)].reset_index(drop=True)
    return one, both


def test_mediation_bootstrap_resamples_dyads_not_firms() -> None:
    one, both = duplicated_dyads()
    settings = MediationSettings(n_boot=200, seed=9)
    firms = mediation(one, "x", "m", "y", settings=settings)
    dyads = mediation(both, "x", "m", "y", cluster="dyad_id", settings=settings)
    assert dyads.n == 2 * firms.n
    assert dyads.n_boot_used == firms.n_boot_used == 200
    columns = ["estimate", "boot_se", "ci_low", "ci_high"]
    pd.testing.assert_frame_equal(dyads.paths[columns], firms.paths[columns], rtol=1e-6, atol=1e-9)
    # resampling the 160 rows one by one would make the bootstrap SE about 1/sqrt(2) of this
    rows = mediation(both, "x", "m", "y", settings=settings)
    assert (dyads.paths["boot_se"] / rows.paths["boot_se"]).min() > 1.2
