"""data stage: readers, validation, careless-responding flags, privacy, scoring, dyads and agreement.

Readers, validation, quality flags and privacy: :mod:`.readers`, :mod:`.check`, :mod:`.quality`,
:mod:`.privacy`. Scoring, dyads and within-dyad agreement: :mod:`.scoring`, :mod:`.dyads`, :mod:`.agreement`.
"""

from alliance_stats.data.agreement import dyad_agreement, icc_bliese, rwg_j
from alliance_stats.data.check import RULES, DataCheck, Finding, check_responses
from alliance_stats.data.dyads import Dyads, build_dyads, firms_at_risk
from alliance_stats.data.privacy import pseudonymise, run_salt
from alliance_stats.data.quality import (
    ExclusionRules,
    apply_exclusions,
    careless_flags,
    evenodd,
    irv,
    longstring,
    mahalanobis_d2,
    screening_rules,
)
from alliance_stats.data.readers import read_responses
from alliance_stats.data.scoring import (
    CrossedDefinition,
    clean_items,
    crossed_outcome,
    reverse_items,
    score_responses,
)

__all__ = [
    # readers, validation, quality flags, privacy
    "RULES",
    "DataCheck",
    "ExclusionRules",
    "Finding",
    "apply_exclusions",
    "careless_flags",
    "check_responses",
    "evenodd",
    "irv",
    "longstring",
    "mahalanobis_d2",
    "pseudonymise",
    "read_responses",
    "run_salt",
    "screening_rules",
    # scoring, dyads, agreement
    "CrossedDefinition",
    "Dyads",
    "build_dyads",
    "clean_items",
    "crossed_outcome",
    "dyad_agreement",
    "firms_at_risk",
    "icc_bliese",
    "reverse_items",
    "rwg_j",
    "score_responses",
]
