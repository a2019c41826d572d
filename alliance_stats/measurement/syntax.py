"""Parser for the measurement part of lavaan's model syntax.

:func:`parse_model` reads the subset of lavaan syntax (lavaan 0.6-14, ``lavParseModelString``) that a
confirmatory factor analysis needs and returns a :class:`MeasurementModel`. Nothing in the text is ever
evaluated: names are matched against a strict identifier pattern and numbers are parsed with ``float``.

What is accepted (as lavaan does)
---------------------------------
- ``f =~ a + b + c``: factor ``f`` measured by items ``a``, ``b``, ``c``. The first item is the marker (its
  loading is fixed to 1) unless a modifier says otherwise. A factor may be continued on a later line
  (``f =~ d``), which appends items, and a formula may span several lines: a line without an operator
  continues the previous formula (``f =~ a + b`` then ``+ c`` on the next line).
- ``a ~~ b``: a residual covariance between items (``a ~~ b + c`` for two of them), ``a ~~ a`` a residual
  variance (useful with a modifier), ``f1 ~~ f2`` / ``f ~~ f`` a factor covariance / variance.
- Modifiers on the right-hand side, as in lavaan: ``0.5*a`` fixes the parameter, ``NA*a`` frees it (frees
  the marker loading, to be combined with ``f ~~ 1*f``), ``lab*a`` labels it; parameters sharing a label
  are constrained equal (across groups too, as in lavaan).
- Comments start with ``#`` or ``!``; ``;`` separates formulas; blank lines are ignored.

What is refused, with a :class:`~alliance_stats.core.errors.SpecificationError` naming the line
-----------------------------------------------------------------------------------------------
- anything that is not ``name op terms`` with a known operator, a term that is not ``[modifier*]name``,
  a formula starting with ``+``;
- operators outside a measurement model (``~`` regressions, ``~1`` intercepts, ``:=``, ``==``, ``<``,
  ``>``, ``|``, ``<~``, ``~*~``) and per-group modifiers ``c(...)``: lavaan accepts them, ``cfa()`` does not
  estimate them;
- an item listed twice for one factor; an item in two factors (a cross-loading: lavaan allows it, we
  refuse it unless ``allow_cross_loadings=True`` because the validity indices then lose their meaning);
  a factor with fewer than two items (lavaan fits it but it is not identified without fixing the item's
  residual variance); a factor used as an item of another factor (second-order models);
- ``~~`` between a factor and an item; a name used in ``~~`` that is neither a factor nor an item;
- with ``columns``: an item that is not a column of the data.

Example
-------
>>> m = parse_model('''
... # Holzinger & Swineford (1939)
... visual  =~ x1 + x2 + x3
... textual =~ x4 + x5 + x6
... speed   =~ x7 + x8 + x9
... x7 ~~ x8
... ''')
>>> m.factors
('visual', 'textual', 'speed')
>>> m.items_of("speed")
('x7', 'x8', 'x9')
>>> [(c.lhs, c.rhs) for c in m.covariances]
[('x7', 'x8')]
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from alliance_stats.core.errors import SpecificationError

__all__ = ["Modifier", "Loading", "Covariance", "MeasurementModel", "parse_model"]

_NAME = r"[A-Za-z_.][A-Za-z0-9_.]*"
_NAME_RE = re.compile(rf"^{_NAME}$")
_NUMBER_RE = re.compile(r"^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$")
# Operators in the order lavaan tests them (longest first).
_OPERATORS = ("=~", "<~", "~*~", "~~", "~", "==", ":=", "<", ">", "|", "%", ":")
_SUPPORTED = ("=~", "~~")


@dataclass(frozen=True)
class Modifier:
    """A right-hand-side modifier: ``fixed`` (``value``), ``free`` (``NA*``) or ``label`` (``label``)."""

    kind: str
    value: float | None = None
    label: str | None = None


@dataclass(frozen=True)
class Loading:
    """One ``factor =~ item`` term, with its optional modifier and the 1-based line it comes from."""

    factor: str
    item: str
    modifier: Modifier | None
    line: int


@dataclass(frozen=True)
class Covariance:
    """One ``lhs ~~ rhs`` term (``lhs == rhs`` for a variance)."""

    lhs: str
    rhs: str
    modifier: Modifier | None
    line: int


@dataclass(frozen=True)
class MeasurementModel:
    """A parsed measurement model.

    Attributes
    ----------
    factors
        Factor names in order of definition.
    items
        Item (observed variable) names in order of first appearance, as lavaan orders ``ov.names``.
    loadings
        Every ``=~`` term; the first term of each factor is its marker unless modified.
    covariances
        Every ``~~`` term (residual covariances/variances of items, covariances/variances of factors).
    text
        The model syntax as given.
    """

    factors: tuple[str, ...]
    items: tuple[str, ...]
    loadings: tuple[Loading, ...]
    covariances: tuple[Covariance, ...] = ()
    text: str = ""
    factor_lines: dict[str, int] = field(default_factory=dict)

    def items_of(self, factor: str) -> tuple[str, ...]:
        """Items of ``factor`` in the order written (the first is the marker)."""
        return tuple(ld.item for ld in self.loadings if ld.factor == factor)

    def line_of(self, name: str) -> int | None:
        """Line where a factor is defined or where an item first appears."""
        if name in self.factor_lines:
            return self.factor_lines[name]
        for ld in self.loadings:
            if ld.item == name:
                return ld.line
        for cv in self.covariances:
            if name in (cv.lhs, cv.rhs):
                return cv.line
        return None

    def check_columns(self, columns: Iterable[str]) -> None:
        """Raise :class:`SpecificationError` naming the line of the first item that is not a column."""
        available = set(map(str, columns))
        for item in self.items:
            if item not in available:
                close = sorted(c for c in available if c.lower() == item.lower())
                hint = f" (a column is named {close[0]!r}: names are case-sensitive)" if close else ""
                raise SpecificationError(
                    f"model item {item!r} is not a column of the data{hint}",
                    line=self.line_of(item),
                    column=item,
                    fix="correct the item name in the model syntax or add the column to the data",
                )


def _error(message: str, line: int, text: str, fix: str) -> SpecificationError:
    return SpecificationError(f"model syntax: {message} (in {text.strip()!r})", line=line, fix=fix)


def _parse_modifier(raw: str, line: int, text: str) -> Modifier:
    if raw.startswith("c(") or raw.startswith("start(") or raw.startswith("equal("):
        raise _error(
            f"modifier {raw!r} is not supported",
            line,
            text,
            "use a single number (fixed), NA (free) or a label; give per-group constraints with group_equal",
        )
    if raw == "NA":
        return Modifier("free")
    if _NUMBER_RE.match(raw):
        value = float(raw)
        if not math.isfinite(value):
            raise _error(f"modifier {raw!r} is not a finite number", line, text, "use a finite number")
        return Modifier("fixed", value=value)
    if _NAME_RE.match(raw):
        return Modifier("label", label=raw)
    raise _error(
        f"modifier {raw!r} is neither a number, NA nor a label",
        line,
        text,
        "write modifiers as 1*x1 (fixed), NA*x1 (free) or a*x1 (label)",
    )


def _parse_terms(rhs: str, line: int, text: str) -> list[tuple[str, Modifier | None]]:
    if not rhs:
        raise _error("nothing on the right-hand side", line, text, "list the items, e.g. f =~ a + b + c")
    if rhs.startswith("+") or rhs.endswith("+") or "++" in rhs:
        raise _error("a '+' without a term", line, text, "separate terms with a single '+'")
    terms: list[tuple[str, Modifier | None]] = []
    for raw in rhs.split("+"):
        parts = raw.split("*")
        if len(parts) > 2:
            raise _error(f"term {raw!r} has more than one modifier", line, text, "use one modifier per term")
        name = parts[-1]
        if not _NAME_RE.match(name):
            raise _error(
                f"{name!r} is not a variable name",
                line,
                text,
                "variable names start with a letter, '_' or '.', then letters, digits, '_' or '.'",
            )
        modifier = _parse_modifier(parts[0], line, text) if len(parts) == 2 else None
        terms.append((name, modifier))
    return terms


def _statements(model: str) -> list[tuple[int, str]]:
    """Split the text into (first line number, formula without blanks), joining continuation lines."""
    statements: list[tuple[int, str]] = []
    for lineno, raw_line in enumerate(model.splitlines(), start=1):
        code = re.split(r"[#!]", raw_line, maxsplit=1)[0]
        for piece in code.split(";"):
            gap = re.search(r"([A-Za-z0-9_.]+)\s+([A-Za-z0-9_.]+)", piece)
            if gap:  # lavaan would silently glue "b c" into "bc"
                raise _error(f"'{gap.group(1)}' and '{gap.group(2)}' are separated by a space", lineno, piece,
                             "separate terms with '+' (f =~ a + b + c); names cannot contain spaces")
            compact = re.sub(r"\s+", "", piece)
            if not compact:
                continue
            has_operator = any(op in compact for op in _OPERATORS)
            if has_operator or not statements:
                if not has_operator:
                    raise _error(
                        "no operator found (expected '=~' or '~~')",
                        lineno,
                        piece,
                        "write one measurement model per line: factor =~ item1 + item2 + item3",
                    )
                statements.append((lineno, compact))
            else:  # a continuation line, as lavaan joins lines without an operator to the previous formula
                first, previous = statements[-1]
                statements[-1] = (first, previous + compact)
    return statements


def _operator(formula: str) -> str:
    for op in _OPERATORS:
        if op in formula:
            return op
    raise AssertionError("unreachable: statements always contain an operator")


def parse_model(
    model: str,
    columns: Iterable[str] | None = None,
    *,
    allow_cross_loadings: bool = False,
) -> MeasurementModel:
    """Parse lavaan measurement syntax into a :class:`MeasurementModel`.

    Parameters
    ----------
    model
        lavaan model syntax (see the module docstring for what is accepted).
    columns
        Column names of the data; when given, every item must be one of them.
    allow_cross_loadings
        Accept an item measured by two factors (lavaan accepts it; off by default).

    Returns
    -------
    MeasurementModel

    Raises
    ------
    SpecificationError
        Naming the line (1-based) and the offending text, with a fix.

    Examples
    --------
    >>> parse_model("f =~ a + b + c").items
    ('a', 'b', 'c')
    >>> parse_model("f =~ NA*a + b + c; f ~~ 1*f").loadings[0].modifier
    Modifier(kind='free', value=None, label=None)

    References
    ----------
    Rosseel, Y. (2012). lavaan: An R package for structural equation modeling. *Journal of Statistical
    Software*, 48(2), 1-36; lavaan 0.6-14 ``lavParseModelString`` and ``lavaanify`` (defaults of ``cfa()``).
    """
    if not isinstance(model, str):
        raise SpecificationError(
            f"the model must be lavaan syntax in a string, got {type(model).__name__}",
            fix="pass the model as text, e.g. 'f =~ a + b + c'",
        )
    statements = _statements(model)
    if not statements:
        raise SpecificationError("the model syntax is empty", fix="write at least one line 'f =~ a + b + c'")
    loadings, raw_covariances, factor_lines = _read_statements(statements)
    factors = tuple(factor_lines)
    items = _check_loadings(loadings, factor_lines, allow_cross_loadings)
    if not factors:
        raise SpecificationError("the model has no '=~' line", line=statements[0][0],
                                 fix="define at least one factor: f =~ a + b + c")
    covariances = _check_covariances(raw_covariances, set(items), set(factors))
    result = MeasurementModel(
        factors=factors,
        items=tuple(items),
        loadings=tuple(loadings),
        covariances=tuple(covariances),
        text=model,
        factor_lines=factor_lines,
    )
    if columns is not None:
        result.check_columns(columns)
    return result


_RawCovariance = tuple[str, str, "Modifier | None", int, str]


def _read_statements(statements: list[tuple[int, str]]
                     ) -> tuple[list[Loading], list[_RawCovariance], dict[str, int]]:
    """Each statement's operator and terms: loadings, raw covariances and the line defining each factor."""
    loadings: list[Loading] = []
    raw_covariances: list[_RawCovariance] = []
    factor_lines: dict[str, int] = {}
    for lineno, formula in statements:
        op = _operator(formula)
        if op not in _SUPPORTED:
            what = {"~": "a regression or an intercept (~1)", "<~": "a formative indicator",
                    "~*~": "a scaling factor", "==": "an equality constraint", ":=": "a defined parameter",
                    "<": "an inequality constraint", ">": "an inequality constraint",
                    "|": "a threshold", "%": "a block modifier", ":": "a block (group/level) label"}[op]
            raise _error(
                f"operator '{op}' ({what}) is not part of a measurement model",
                lineno,
                formula,
                "cfa() estimates measurement models only: keep '=~' and '~~' lines",
            )
        lhs, rhs = formula.split(op, 1)
        if "*" in lhs or not _NAME_RE.match(lhs):
            raise _error(f"{lhs!r} is not a valid name on the left of '{op}'", lineno, formula,
                         "start the line with a factor or variable name")
        terms = _parse_terms(rhs, lineno, formula)
        if op == "=~":
            factor_lines.setdefault(lhs, lineno)
            seen = {ld.item for ld in loadings if ld.factor == lhs}
            for name, modifier in terms:
                if name in seen:
                    raise _error(f"item {name!r} is listed twice for factor {lhs!r}", lineno, formula,
                                 "list each item once")
                if name == lhs:
                    raise _error(f"factor {lhs!r} cannot measure itself", lineno, formula,
                                 "give the factor a name that is not an item")
                seen.add(name)
                loadings.append(Loading(lhs, name, modifier, lineno))
        else:
            for name, modifier in terms:
                raw_covariances.append((lhs, name, modifier, lineno, formula))
    return loadings, raw_covariances, factor_lines


def _check_loadings(loadings: list[Loading], factor_lines: dict[str, int], allow_cross_loadings: bool
                    ) -> list[str]:
    """First-order factors with two items or more, cross-loadings only when allowed; the items in order."""
    factor_set = set(factor_lines)
    for ld in loadings:
        if ld.item in factor_set:
            raise SpecificationError(
                f"model syntax: factor {ld.item!r} is used as an item of factor {ld.factor!r}",
                line=ld.line,
                fix="second-order factors are not supported by cfa(): model first-order factors only",
            )
    items: list[str] = []
    owner: dict[str, str] = {}
    for ld in loadings:
        if ld.item in owner and owner[ld.item] != ld.factor and not allow_cross_loadings:
            raise SpecificationError(
                f"model syntax: item {ld.item!r} loads on two factors ({owner[ld.item]!r} and {ld.factor!r})",
                line=ld.line,
                column=ld.item,
                fix="assign each item to one factor, or pass allow_cross_loadings=True if the cross-loading "
                "is intended",
            )
        owner.setdefault(ld.item, ld.factor)
        if ld.item not in items:
            items.append(ld.item)
    for factor in factor_lines:
        n_items = sum(1 for ld in loadings if ld.factor == factor)
        if n_items < 2:
            raise SpecificationError(
                f"model syntax: factor {factor!r} has {n_items} item; a factor needs at least two "
                "(three for a model with one factor)",
                line=factor_lines[factor],
                fix=f"add items to {factor!r} or drop the factor",
            )
    return items


def _check_covariances(raw_covariances: list[_RawCovariance], item_set: set[str], factor_set: set[str]
                       ) -> list[Covariance]:
    """``~~`` lines between two known items or two factors, each pair once."""
    covariances: list[Covariance] = []
    seen_pairs: set[frozenset[str]] = set()
    for lhs, rhs, modifier, lineno, formula in raw_covariances:
        for name in (lhs, rhs):
            if name not in item_set and name not in factor_set:
                raise _error(f"{name!r} is neither a factor nor an item of the model", lineno, formula,
                             "declare the variable in a '=~' line first, or correct its name")
        if (lhs in factor_set) != (rhs in factor_set):
            raise _error(f"'~~' between a factor and an item ({lhs} ~~ {rhs})", lineno, formula,
                         "covariances link two items (residuals) or two factors")
        pair = frozenset((lhs, rhs))
        if pair in seen_pairs:
            raise _error(f"'{lhs} ~~ {rhs}' is specified twice", lineno, formula, "keep one of the two lines")
        seen_pairs.add(pair)
        covariances.append(Covariance(lhs, rhs, modifier, lineno))
    return covariances
