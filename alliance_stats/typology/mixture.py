"""Former home of the batched Gaussian mixtures, now :mod:`alliance_stats.typology.cluster.batch`.

Kept only because ``alliance_stats/power/replicate.py`` still imports ``gmm_bic_batch`` from here; once it
imports ``from alliance_stats.typology.cluster.batch import gmm_bic_batch``, delete this module.
"""

from alliance_stats.typology.cluster.batch import gmm_bic_batch

__all__ = ["gmm_bic_batch"]
