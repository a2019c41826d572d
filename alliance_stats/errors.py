"""Typed errors and warning categories: the public name of :mod:`alliance_stats.core.errors`.

``from alliance_stats.errors import DataError`` and ``from alliance_stats.core.errors import DataError`` give
the same class; the classes are defined once, in ``core/errors.py``.
"""

from alliance_stats.core.errors import *  # noqa: F403
from alliance_stats.core.errors import __all__  # noqa: F401
