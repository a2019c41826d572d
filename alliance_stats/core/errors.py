"""Typed errors and warnings of alliance-stats (docs/design.md section 7).

User mistakes (a bad file, an unknown variable, an out-of-range code, a bad plan entry) raise a subclass of
:class:`AllianceStatsError`. Each error knows *where* the problem is (file, row, column, YAML line, value)
and *how to fix it*; ``str(error)`` renders all of that in one message. The CLI catches
:class:`AllianceStatsError`, prints the message without a traceback and exits with status 2.

Statistical trouble (non-convergence, Heywood case, separation, sparse cells, unstable clusters) is not an
error: it is a :class:`AnalysisWarning` (a ``UserWarning``), and every result object also keeps the
messages in its ``.warnings`` list so that they reach the report.

Example
-------
>>> err = DataError("code 8 is outside the 1-7 scale", file="responses.csv", row=12, column="LINK_3",
...                 value=8, fix="recode the answer or declare 8 as a missing-value code")
>>> print(err)  # doctest: +NORMALIZE_WHITESPACE
responses.csv, row 12, column LINK_3, value 8: code 8 is outside the 1-7 scale.
Fix: recode the answer or declare 8 as a missing-value code.
"""

from __future__ import annotations

from typing import Any

__all__ = [
    "AllianceStatsError",
    "InstrumentError",
    "DataError",
    "ReadError",
    "PlanError",
    "SpecificationError",
    "AnalysisWarning",
    "ConvergenceWarning",
    "HeywoodWarning",
    "SeparationWarning",
    "SparseDataWarning",
    "StabilityWarning",
    "DataQualityWarning",
    "CollinearityWarning",
]


def _short(value: Any, limit: int = 60) -> str:
    text = repr(value) if isinstance(value, str) else str(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


class AllianceStatsError(Exception):
    """Base class of every user-facing error.

    Parameters
    ----------
    message
        What is wrong, in one sentence.
    file, row, column, line, value
        Where it is wrong. ``row`` is the 1-based data row (header excluded) as a spreadsheet user counts
        it; ``line`` is the 1-based line of a YAML file.
    fix
        What the user should do about it.
    """

    def __init__(
        self,
        message: str,
        *,
        file: str | None = None,
        row: int | None = None,
        column: str | None = None,
        line: int | None = None,
        value: Any = None,
        fix: str | None = None,
    ) -> None:
        self.message = message
        self.file = None if file is None else str(file)
        self.row = row
        self.column = column
        self.line = line
        self.value = value
        self.fix = fix
        super().__init__(self.__str__())

    def location(self) -> str:
        parts: list[str] = []
        if self.file:
            parts.append(self.file)
        if self.line is not None:
            parts.append(f"line {self.line}")
        if self.row is not None:
            parts.append(f"row {self.row}")
        if self.column is not None:
            parts.append(f"column {self.column}")
        if self.value is not None:
            parts.append(f"value {_short(self.value)}")
        return ", ".join(parts)

    def __str__(self) -> str:
        loc = self.location()
        text = f"{loc}: {self.message}" if loc else self.message
        if not text.endswith("."):
            text += "."
        if self.fix:
            fix = self.fix if self.fix.endswith(".") else self.fix + "."
            text += f"\nFix: {fix}"
        return text

    def to_dict(self) -> dict[str, Any]:
        return {
            "error": type(self).__name__,
            "message": self.message,
            "file": self.file,
            "row": self.row,
            "column": self.column,
            "line": self.line,
            "value": None if self.value is None else str(self.value),
            "fix": self.fix,
        }


class InstrumentError(AllianceStatsError):
    """The survey instrument (YAML) is malformed: duplicate names, missing translation, bad scale, ..."""


class ReadError(AllianceStatsError):
    """A responses file cannot be read: missing, empty, wrong encoding, unknown format, missing sheet."""


class DataError(AllianceStatsError):
    """Responses are readable but invalid: unknown column, out-of-range code, bad dyad, duplicate id."""


class PlanError(AllianceStatsError):
    """An analysis plan (YAML) is invalid: unknown variable, bad cut, unknown reference level or hypothesis."""


class SpecificationError(AllianceStatsError, ValueError):
    """A statistical request cannot be honoured with these data, or a function got a bad argument: too few
    items, constant predictor, a model line naming a missing column, more factors than the items allow, a
    non-binary outcome, a confidence level outside (0, 1). The one error type for bad arguments of every stage
    function; it is also a ``ValueError``, so code catching ``ValueError`` keeps working."""


class AnalysisWarning(UserWarning):
    """Base class of statistical warnings that must reach the report."""


class ConvergenceWarning(AnalysisWarning):
    """An estimator did not converge."""


class HeywoodWarning(AnalysisWarning):
    """A negative variance or a standardised loading above 1 (Heywood case), or a non-positive-definite
    matrix."""


class SeparationWarning(AnalysisWarning):
    """Complete or quasi-complete separation in a logistic model."""


class SparseDataWarning(AnalysisWarning):
    """Too few events per parameter, sparse or empty cells, small clusters."""


class StabilityWarning(AnalysisWarning):
    """A cluster solution that is not stable under resampling."""


class DataQualityWarning(AnalysisWarning):
    """Careless responding, missing answers, questionable but admissible values."""


class CollinearityWarning(AnalysisWarning):
    """Strongly collinear predictors (variance inflation factor above 10)."""
