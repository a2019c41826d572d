"""The data check's vectorised routes (issue 17: 100,000 dyads) give the findings of its cell-by-cell rules.

The checker visits, in a float column, only the rows that can break a rule (found with numpy masks); a column
of another dtype (text typed into a numeric answer) still goes cell by cell. The same answers held as floats and
as Python objects must give the same findings, in the same order, for every rule a numeric cell, a date, a
dyad, the skip logic, careless responding and hostile text can break.
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd

from alliance_stats.data import check_responses
from alliance_stats.instrument import Instrument
from tests.data.builders import valid_responses


def _planted(instrument: Instrument) -> pd.DataFrame:
    """A valid frame with at least one breach of each cell-level rule, in float columns."""
    frame = valid_responses(instrument, n_dyads=40, seed=11)
    edits = {
        (0, "LINK_1"): 9.0, (1, "LINK_2"): 4.5, (2, "SYM_1"): 99.0, (3, "TRS_1"): 0.0, (4, "LINK_3"): np.inf,
        (5, "FOUNDING_YEAR"): 2099.0, (6, "EMPLOYEES"): 14.0, (7, "EMPLOYEES"): 2.5, (8, "CONTRACT"): 3.0,
        (9, "FIRST_ORDER_YEAR"): 1990.0, (10, "ALLIANCE_START_YEAR"): 1980.0, (12, "JOINT_BIDS"): 1 - 0.0,
        (13, "JOINT_BIDS"): 0.0, (14, "BREAKEVEN"): 0.0, (14, "BREAKEVEN_YEAR"): 2019.0, (15, "SECTOR"): np.nan,
        (16, "EMPLOYEES"): -1.0, (17, "STRAT_1"): 0.0, (17, "STRAT_2"): 0.0, (17, "STRAT_3"): 0.0,
        (17, "STRAT_4"): 0.0, (16, "STRAT_1"): 0.0, (16, "STRAT_2"): 0.0, (16, "STRAT_3"): 0.0,
        (16, "STRAT_4"): 0.0,
    }
    for (row, column), value in edits.items():
        if column in frame.columns:
            frame.loc[row, column] = value
    items = [v.name for v in instrument.likert_items() if v.name in frame.columns]
    frame.loc[20, items] = 4.0  # straight-lining
    frame.loc[21, items[:30]] = np.nan  # many items left blank
    frame.loc[22, "LANG"] = "=1+1"
    frame.loc[23, "LANG"] = "fr\x01"
    frame.loc[24, "role"] = "c"
    frame.loc[25, "resp_id"] = frame.loc[26, "resp_id"]
    return frame


def _findings(frame: pd.DataFrame, instrument: Instrument) -> list[dict]:
    return [dataclasses.asdict(f) for f in check_responses(frame, instrument).findings]


def test_float_columns_give_the_cell_by_cell_findings(instrument: Instrument):
    frame = _planted(instrument)
    fast = _findings(frame, instrument)
    numeric = [c for c in frame.columns if frame[c].dtype == np.float64]
    slow = _findings(frame.astype({c: object for c in numeric}), instrument)
    assert fast == slow
    rules = {f["rule"] for f in fast}
    # every route of the checker is exercised by the planted breaches
    assert {"out_of_range", "invalid_code", "declared_missing", "future_year", "date_order", "not_tpe",
            "alliance_before_founding", "partner_disagreement", "skip_logic", "careless_longstring",
            "respondent_missing_share", "formula_like", "control_characters", "invalid_role",
            "duplicate_id"} <= rules, sorted(rules)
