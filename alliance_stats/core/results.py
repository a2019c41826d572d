"""The result protocol every stage follows, and the one warning helper.

A stage function returns a *result*: a frozen dataclass whose fields are plain values, tuples and pandas
objects (never a DataFrame subclass, which loses its metadata under ``pd.concat``), with

- ``warnings: tuple[str, ...]``: the statistical trouble met (non-convergence, Heywood case, sparse cells),
  in English, each also issued as a Python warning when it happened;
- ``to_tables(lang="en") -> dict[str, Table]``: the report tables, keyed by a stable table key, titles and
  notes in ``lang``;
- ``to_dict() -> dict``: JSON-ready numbers (``json.dumps(result.to_dict(), allow_nan=False)`` works; a
  missing number is ``None``).

:class:`Result` gives the default ``to_dict`` (every field, pandas objects in ``orient="split"`` form) and
the accessor ``table(key, lang)``; a result class lists its fields and implements ``to_tables``.
:func:`check_result` is the conformance check the test suite runs over every result class (in the manner of
scikit-learn's ``check_estimator``).

:func:`warn` is the one way a stage records trouble: it keeps the message for the result's ``warnings`` and
issues it as a Python warning pointing at the caller's code outside this package.

Example
-------
>>> from dataclasses import dataclass
>>> import pandas as pd
>>> from alliance_stats.core.table import Table
>>> @dataclass(frozen=True)
... class MeanResult(Result):
...     mean: float
...     warnings: tuple[str, ...] = ()
...     def to_tables(self, lang: str = "en") -> dict[str, Table]:
...         frame = pd.DataFrame({"mean": [self.mean]})
...         return {"mean": Table("mean", "Mean", frame, lang=lang)}
>>> MeanResult(2.5).to_dict()
{'mean': 2.5, 'warnings': []}
>>> check_result(MeanResult(2.5))
"""

from __future__ import annotations

import dataclasses
import json
import math
import sys
import warnings as _warnings
from collections.abc import Mapping
from datetime import date, datetime
from pathlib import Path
from typing import Any

from alliance_stats.core.errors import AnalysisWarning
from alliance_stats.core.table import Table

__all__ = ["Result", "check_result", "to_jsonable", "warn"]

_PACKAGE_DIR = str(Path(__file__).resolve().parents[1])


def warn(messages: list[str] | None, text: str, category: type[Warning] = AnalysisWarning) -> None:
    """Record ``text`` for a result's ``warnings`` and issue it as a Python warning.

    The warning points at the first frame outside this package (the user's call), whatever the depth of the
    stage code that found the trouble.

    Parameters
    ----------
    messages
        The list the result's ``warnings`` tuple is built from (``None``: only warn).
    text
        One sentence in English saying what happened and what it means for the numbers.
    category
        A subclass of :class:`~alliance_stats.core.errors.AnalysisWarning` (``ConvergenceWarning``, ...).
    """
    level, frame = 1, sys._getframe(0)
    while frame is not None and frame.f_code.co_filename.startswith(_PACKAGE_DIR):
        frame, level = frame.f_back, level + 1
    _warnings.warn(text, category, stacklevel=level)
    if messages is not None:
        messages.append(text)


def to_jsonable(obj: Any) -> Any:
    """Turn numbers, arrays, pandas objects, dataclasses and containers into JSON-ready values.

    NaN and infinities become ``None``; DataFrames and Series use pandas' ``orient="split"`` layout with
    full double precision.
    """
    import numpy as np
    import pandas as pd

    if obj is None or isinstance(obj, bool | str):
        return obj
    if isinstance(obj, int | np.integer):
        return int(obj)
    if isinstance(obj, float | np.floating):
        value = float(obj)
        return value if math.isfinite(value) else None
    if isinstance(obj, np.bool_):
        return bool(obj)
    if isinstance(obj, np.ndarray):
        return [to_jsonable(v) for v in obj.tolist()]
    if isinstance(obj, pd.DataFrame | pd.Series):
        return json.loads(obj.to_json(orient="split", double_precision=15))
    if isinstance(obj, Table):
        return {"key": obj.key, "title": obj.title, "frame": to_jsonable(obj.frame), "note": obj.note}
    if isinstance(obj, Result):
        return obj.to_dict()
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        return {f.name: to_jsonable(getattr(obj, f.name)) for f in dataclasses.fields(obj)}
    if isinstance(obj, Mapping):
        return {str(k): to_jsonable(v) for k, v in obj.items()}
    if isinstance(obj, list | tuple | set | frozenset):
        return [to_jsonable(v) for v in obj]
    if isinstance(obj, Path):
        return str(obj)
    if isinstance(obj, datetime | date):
        return obj.isoformat()
    if hasattr(obj, "model_dump"):  # pydantic
        return to_jsonable(obj.model_dump())
    raise TypeError(f"not JSON serialisable: {type(obj).__name__}")


class Result:
    """Base of every stage result (use with ``@dataclass(frozen=True)``); see the module docstring."""

    warnings: tuple[str, ...]

    def to_tables(self, lang: str = "en") -> dict[str, Table]:  # pragma: no cover - abstract
        raise NotImplementedError

    def table(self, key: str, lang: str = "en") -> Table:
        """One table of :meth:`to_tables` by key (``KeyError`` naming the keys there are)."""
        tables = self.to_tables(lang)
        if key not in tables:
            raise KeyError(f"{type(self).__name__} has no table {key!r}; it has {sorted(tables)}")
        return tables[key]

    def to_dict(self) -> dict[str, Any]:
        """Every field as JSON-ready values (``json.dumps(..., allow_nan=False)`` accepts it)."""
        return {f.name: to_jsonable(getattr(self, f.name)) for f in dataclasses.fields(self)}  # type: ignore[arg-type]


def check_result(result: Any) -> None:
    """Assert that ``result`` follows the result protocol (raises ``AssertionError`` saying what breaks it).

    Checks: a frozen dataclass; no DataFrame subclass among its fields; ``warnings`` a tuple of strings;
    ``to_tables`` gives a non-empty ``dict[str, Table]`` in both languages with the same keys, each table's
    ``key`` equal to its dict key and its ``lang`` the one asked; ``to_dict`` strict JSON.
    """
    import pandas as pd

    name = type(result).__name__
    assert dataclasses.is_dataclass(result), f"{name} is not a dataclass"
    params = getattr(type(result), "__dataclass_params__", None)
    assert params is not None and params.frozen, f"{name} is not a frozen dataclass"
    assert isinstance(result, Result), f"{name} does not derive from core.results.Result"
    for f in dataclasses.fields(result):
        value = getattr(result, f.name)
        if isinstance(value, pd.DataFrame):
            assert type(value) is pd.DataFrame, f"{name}.{f.name} is a DataFrame subclass ({type(value).__name__})"
    assert isinstance(result.warnings, tuple), f"{name}.warnings is {type(result.warnings).__name__}, not tuple"
    assert all(isinstance(w, str) for w in result.warnings), f"{name}.warnings holds non-strings"
    keys: dict[str, list[str]] = {}
    for lang in ("en", "fr"):
        tables = result.to_tables(lang)
        assert isinstance(tables, dict) and tables, f"{name}.to_tables({lang!r}) is not a non-empty dict"
        for key, table in tables.items():
            assert isinstance(table, Table), f"{name}.to_tables()[{key!r}] is {type(table).__name__}, not Table"
            assert table.key == key, f"{name}.to_tables()[{key!r}].key is {table.key!r}"
            assert table.lang == lang, f"{name}.to_tables({lang!r})[{key!r}].lang is {table.lang!r}"
        keys[lang] = sorted(tables)
    assert keys["en"] == keys["fr"], f"{name}: table keys differ between languages: {keys}"
    json.dumps(result.to_dict(), allow_nan=False)
