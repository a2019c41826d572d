"""Ordinal items: polychoric correlations, thresholds and their asymptotic covariance, ordinal reliability.

A 1-7 answer is an ordered category: :func:`polychoric` estimates the correlations of the normal latent
responses behind the items as lavaan 0.6-14 (``lavCor(..., ordered = )``) with lavaan's NACOV for WLSMV;
:func:`ordinal_alpha` and :func:`categorical_omega` are the reliabilities on that scale.
"""

from alliance_stats.measurement.ordinal.polychoric import PolychoricResult, polychoric, polyserial
from alliance_stats.measurement.ordinal.reliability import categorical_omega, ordinal_alpha

__all__ = ["PolychoricResult", "polychoric", "polyserial", "ordinal_alpha", "categorical_omega"]
