"""Confirmatory factor analysis (lavaan 0.6-14 conventions), split along the method's phases.

- :mod:`.api`: the public :func:`cfa` and its argument and data checks;
- :mod:`.engine`: parameter table, implied moments, ML and FIML estimation;
- :mod:`.fit`: fit indices (chi-square, CFI, TLI, RMSEA and its interval, SRMR, scaled and robust variants);
- :mod:`.robust`: MLM (Satorra-Bentler) and MLR (Huber-White, Yuan-Bentler) corrections;
- :mod:`.solution`: parameter table with std.all and post-fit checks;
- :mod:`.results`: :class:`CFAResult` and its report tables.

Note: ``alliance_stats.measurement.cfa`` (the attribute of the stage package) is the *function*; this
sub-package is reached as ``sys.modules["alliance_stats.measurement.cfa"]`` or through its modules.
"""

from alliance_stats.measurement.cfa.api import cfa
from alliance_stats.measurement.cfa.fit import FIT_MEASURES
from alliance_stats.measurement.cfa.results import SINGLE_GROUP, CFAResult

__all__ = ["CFAResult", "FIT_MEASURES", "SINGLE_GROUP", "cfa"]
