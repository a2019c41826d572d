"""data stage."""

# scoring, dyads, agreement (simulator helper, issue 3)
from alliance_stats.data.agreement import dyad_agreement, icc_bliese, rwg_j
from alliance_stats.data.dyads import Dyads, build_dyads, firms_at_risk
from alliance_stats.data.scoring import (
    CrossedDefinition,
    clean_items,
    crossed_outcome,
    reverse_items,
    score_responses,
)
