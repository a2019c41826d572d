"""The 2 x 2 typology (axes, configurations, labels): the stage's name for :mod:`alliance_stats.core.typology`.

The definitions live once, in ``core/typology.py``, because every stage uses them; importing this module is
cheap (no scikit-learn, no matplotlib).
"""

from alliance_stats.core.typology import *  # noqa: F403
from alliance_stats.core.typology import __all__  # noqa: F401
