"""Defaults and thresholds used by more than one stage, defined once.

Each constant names where its value comes from; a stage imports it from here instead of repeating it.
"""

from __future__ import annotations

DEFAULT_SEED: int = 20261126
"""Seed of every random step when the caller gives none (bootstrap, cluster starts, simulation)."""

DEFAULT_CONF_LEVEL: float = 0.95
"""Confidence level of every interval when the caller gives none (argument ``conf_level``)."""

EPV_THRESHOLD: float = 10.0
"""Events per variable below which the crossing models switch to Firth's penalisation (method ``"auto"``;
Peduzzi et al. 1996)."""

MIN_PER_CLUSTER: int = 5
"""Smallest cluster the cluster check accepts as a configuration (fewer members: a warning)."""

COVARIANCE_TYPES: tuple[str, ...] = ("spherical", "diag", "tied", "full")
"""Gaussian mixture covariance structures, in scikit-learn's names (mclust VII, VVI, EEE, VVV)."""

MCLUST_MODELS: dict[str, str] = {"spherical": "VII", "diag": "VVI", "tied": "EEE", "full": "VVV"}
"""scikit-learn covariance type -> mclust model name."""
