"""The data stage's rules, each with a case that fails when the rule is broken (issue 15, item 17).

Boundary cases: a respondent whose longstring equals ``max_longstring`` is kept and one a step above is
excluded (``>``, not ``>=``); a dyad whose rwg(j) is exactly .70 counts in the share of dyads with rwg(j) >= .70
(``>=``, not ``>``); the pseudonymisation salt of a run is random, so two runs give different pseudonyms.
``tests/tools/mutants.py`` plants the one-line bugs these tests must catch.
"""

from __future__ import annotations

import functools
import os
import subprocess
import sys
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import alliance_stats
from alliance_stats.core.errors import AnalysisWarning
from alliance_stats.data import privacy
from alliance_stats.data.agreement import RWG_THRESHOLD, dyad_agreement, rwg_j
from alliance_stats.data.quality import ExclusionRules, apply_exclusions, careless_exclusions, careless_flags
from alliance_stats.instrument import default_instrument
from alliance_stats.simulate import simulate_alliances

_instrument = functools.cache(default_instrument)  # loaded on first use, never at import
MAX_LONGSTRING = 9


# ------------------------------------------------------------------------------- longstring: > max_longstring


def straight_liners(runs: list[int]) -> pd.DataFrame:
    """One respondent per run length: Likert answers alternate 2, 3, ... except a first run of ``run`` fives."""
    items = [v.name for v in _instrument().likert_items()]
    rows = []
    for i, run in enumerate(runs):
        answers = [2.0 + (j % 2) for j in range(len(items))]
        answers[:run] = [5.0] * run
        rows.append({"resp_id": f"r{i}", **dict(zip(items, answers, strict=True))})
    return pd.DataFrame(rows)


def test_longstring_exactly_at_the_threshold_is_kept() -> None:
    runs = [MAX_LONGSTRING - 1, MAX_LONGSTRING, MAX_LONGSTRING + 1, MAX_LONGSTRING + 5]
    frame = straight_liners(runs)
    rules = ExclusionRules(max_longstring=MAX_LONGSTRING)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", AnalysisWarning)
        flags = careless_flags(frame, _instrument())
        fast = careless_exclusions(frame, _instrument(), rules)
    assert flags["longstring"].tolist() == runs  # the case is what it claims to be
    kept, excluded = apply_exclusions(frame, flags, rules)
    assert kept["resp_id"].tolist() == ["r0", "r1"]
    assert excluded.index.tolist() == ["r2", "r3"]
    assert fast.tolist() == [False, False, True, True]


# ------------------------------------------------------------------------------- rwg share: >= .70


def test_rwg_exactly_070_counts_in_the_share() -> None:
    sim = simulate_alliances(8, seed=3, instrument=_instrument())
    responses = sim.responses.copy()
    items = [v.name for v in _instrument().items("LINK")]
    dyads = sorted(responses["dyad_id"].unique())
    # differences between partners (1, 4, 5) on three of the seven items: s2 = 42 / 2 / 7 = 3, rwg(j) = .70
    boundary = np.array([1.0, 1, 1, 1, 2, 5, 6])
    assert rwg_j(np.vstack([np.ones(7), boundary]), 7) == RWG_THRESHOLD
    for position, dyad in enumerate(dyads):
        a = (responses["dyad_id"] == dyad) & (responses["role"].astype(str) == "a")
        b = (responses["dyad_id"] == dyad) & (responses["role"].astype(str) == "b")
        if position < 3:  # three dyads exactly at the threshold
            responses.loc[a, items], responses.loc[b, items] = 1.0, boundary
        elif position < 5:  # two in perfect agreement (rwg = 1)
            responses.loc[a, items], responses.loc[b, items] = 4.0, 4.0
        else:  # the rest far apart (rwg = 0)
            responses.loc[a, items], responses.loc[b, items] = 1.0, 7.0
    table = dyad_agreement(responses, _instrument())
    n_dyads = len(dyads)
    assert table.loc["LINK", "rwg_share_70"] == pytest.approx(5 / n_dyads)


# ------------------------------------------------------------------------------- the salt of a run is random


def test_run_salt_is_drawn_afresh(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(privacy, "_RUN_SALT", None)
    first = privacy.run_salt()
    monkeypatch.setattr(privacy, "_RUN_SALT", None)
    second = privacy.run_salt()
    assert first != second
    assert len(first) == 32 and int(first, 16) >= 0


def _pseudonym_in_a_new_process() -> str:
    package_root = str(Path(alliance_stats.__file__).resolve().parents[1])
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([package_root, os.environ.get("PYTHONPATH", "")]))
    code = ("import pandas as pd; from alliance_stats.data.privacy import pseudonymise; "
            "print(pseudonymise(pd.Series(['Zoé Quintal-Brisebois']))[0])")
    done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    return done.stdout.strip()


def test_two_runs_give_different_pseudonyms() -> None:
    """Without a salt of the user's, pseudonyms cannot be linked across runs (docs/design.md section 7)."""
    first, second = _pseudonym_in_a_new_process(), _pseudonym_in_a_new_process()
    assert first.startswith("ps_") and second.startswith("ps_")
    assert first != second
    assert first != privacy.pseudonymise_value("Zoé Quintal-Brisebois", "")
