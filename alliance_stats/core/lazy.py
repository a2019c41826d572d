"""Lazy public names for stage packages (PEP 562).

A stage package lists its public names and the module that defines each; the module is imported the first
time the name is used. ``import alliance_stats.typology.definition`` then costs what that module costs, not
scikit-learn and matplotlib.

Example
-------
>>> __getattr__, __dir__ = lazy_exports("json", {"dumps": "json"})
>>> __getattr__("dumps")({"a": 1})
'{"a": 1}'
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any


def lazy_exports(package: str, names: dict[str, str]) -> tuple[Callable[[str], Any], Callable[[], list[str]]]:
    """Return ``(__getattr__, __dir__)`` resolving each public name from its module on first use.

    Parameters
    ----------
    package
        The package's ``__name__`` (used in the error message).
    names
        Public name -> absolute module path that defines it.
    """

    def __getattr__(name: str) -> Any:  # noqa: N807
        try:
            module = names[name]
        except KeyError:
            raise AttributeError(f"module {package!r} has no attribute {name!r}") from None
        return getattr(importlib.import_module(module), name)

    def __dir__() -> list[str]:  # noqa: N807
        return sorted(names)

    return __getattr__, __dir__
