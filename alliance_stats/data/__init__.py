"""data stage: readers, validation, careless-responding flags, privacy, scoring, dyads and agreement.

Readers, validation, quality flags and privacy: :mod:`.readers`, :mod:`.check`, :mod:`.quality`,
:mod:`.privacy`. Scoring, dyads and within-dyad agreement: :mod:`.scoring`, :mod:`.dyads`, :mod:`.agreement`.
"""

from alliance_stats.core.lazy import lazy_exports

_EXPORTS: dict[str, str] = {
    "dyad_agreement": "alliance_stats.data.agreement",
    "icc_bliese": "alliance_stats.data.agreement",
    "rwg_j": "alliance_stats.data.agreement",
    "RULES": "alliance_stats.data.check",
    "DataCheck": "alliance_stats.data.check",
    "Finding": "alliance_stats.data.check",
    "check_responses": "alliance_stats.data.check",
    "Dyads": "alliance_stats.data.dyads",
    "build_dyads": "alliance_stats.data.dyads",
    "firms_at_risk": "alliance_stats.data.dyads",
    "pseudonymise": "alliance_stats.data.privacy",
    "run_salt": "alliance_stats.data.privacy",
    "ExclusionRules": "alliance_stats.data.quality",
    "apply_exclusions": "alliance_stats.data.quality",
    "careless_flags": "alliance_stats.data.quality",
    "evenodd": "alliance_stats.data.quality",
    "irv": "alliance_stats.data.quality",
    "longstring": "alliance_stats.data.quality",
    "mahalanobis_d2": "alliance_stats.data.quality",
    "screening_rules": "alliance_stats.data.quality",
    "read_responses": "alliance_stats.data.readers",
    "CrossedDefinition": "alliance_stats.data.scoring",
    "clean_items": "alliance_stats.data.scoring",
    "crossed_outcome": "alliance_stats.data.scoring",
    "reverse_items": "alliance_stats.data.scoring",
    "reflect_on_scale": "alliance_stats.data.scoring",
    "check_dyad_roles": "alliance_stats.data.scoring",
    "score_responses": "alliance_stats.data.scoring",
}
__all__ = sorted(_EXPORTS)
__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)
