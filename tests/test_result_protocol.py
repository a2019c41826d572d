"""Every result class of the package follows the result protocol.

The stages' tests run :func:`alliance_stats.core.results.check_result` on real instances of their result
classes (``tests/<stage>/test_result*.py``, ``tests/power/test_power.py``), in the manner of scikit-learn's
``parametrize_with_checks``. This test finds every subclass of :class:`~alliance_stats.core.results.Result` in
the package and checks the class itself (frozen dataclass, ``warnings`` a tuple, ``to_tables`` implemented),
so a new result class cannot slip past the protocol; and no class of the package subclasses ``DataFrame``.
"""

from __future__ import annotations

import dataclasses
import importlib
import pkgutil

import pytest

import alliance_stats
from alliance_stats.core.results import Result


def _result_classes() -> list[type]:
    for module in pkgutil.walk_packages(alliance_stats.__path__, "alliance_stats."):
        importlib.import_module(module.name)
    found: dict[str, type] = {}
    stack = list(Result.__subclasses__())
    while stack:
        cls = stack.pop()
        found[f"{cls.__module__}.{cls.__qualname__}"] = cls
        stack.extend(cls.__subclasses__())
    return [found[k] for k in sorted(found) if found[k].__module__.startswith("alliance_stats.")]


CLASSES = _result_classes()


def test_the_package_has_result_classes() -> None:
    assert len(CLASSES) >= 20


@pytest.mark.parametrize("cls", CLASSES, ids=lambda c: c.__name__)
def test_result_class_is_a_frozen_dataclass_with_tuple_warnings(cls: type) -> None:
    assert dataclasses.is_dataclass(cls)
    assert cls.__dataclass_params__.frozen  # type: ignore[attr-defined]
    fields = {f.name: f for f in dataclasses.fields(cls)}
    assert "warnings" in fields, f"{cls.__name__} has no warnings field"
    assert "tuple" in str(fields["warnings"].type), f"{cls.__name__}.warnings is {fields['warnings'].type}"
    assert "to_tables" in vars(cls) or any("to_tables" in vars(b) for b in cls.__mro__[1:] if b is not Result)


def test_no_dataframe_subclass_in_the_package() -> None:
    import inspect

    import pandas as pd

    bad = []
    for module in pkgutil.walk_packages(alliance_stats.__path__, "alliance_stats."):
        for name, obj in inspect.getmembers(importlib.import_module(module.name), inspect.isclass):
            if obj.__module__ == module.name and issubclass(obj, pd.DataFrame | pd.Series):
                bad.append(f"{module.name}.{name}")
    assert not bad, f"DataFrame/Series subclasses lose their metadata under pd.concat: {bad}"
