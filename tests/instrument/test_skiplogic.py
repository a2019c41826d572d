"""The one skip-logic evaluator: three-valued logic, checked against a brute-force truth table (hypothesis)."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from alliance_stats.core.errors import SpecificationError
from alliance_stats.instrument import AllOf, AnyOf, Condition, ConditionRef, NotOf
from alliance_stats.instrument.skiplogic import FALSE, TRUE, UNKNOWN, evaluate, to_labels

VARIABLES = ("A", "B", "C")
# answers: 1, 0 or missing (None)
answers = st.lists(st.sampled_from([1.0, 0.0, None]), min_size=1, max_size=6)


def _atom(name: str) -> Condition:
    return Condition(variable=name, op="==", value=1)


def conditions(depth: int = 3) -> st.SearchStrategy:
    atoms = st.sampled_from(VARIABLES).map(_atom)
    return st.recursive(
        atoms,
        lambda inner: st.one_of(
            st.lists(inner, min_size=1, max_size=3).map(lambda cs: AllOf(all=cs)),
            st.lists(inner, min_size=1, max_size=3).map(lambda cs: AnyOf(any=cs)),
            inner.map(lambda c: NotOf(**{"not": c})),
        ),
        max_leaves=8,
    )


def _brute(cond, row: dict[str, float | None]) -> str:
    """Kleene's truth tables written out case by case (no min/max)."""
    if isinstance(cond, Condition):
        value = row.get(cond.variable)
        if value is None or (isinstance(value, float) and math.isnan(value)):
            return "unknown"
        return "true" if value == cond.value else "false"
    if isinstance(cond, NotOf):
        inner = _brute(cond.not_, row)
        return {"true": "false", "false": "true", "unknown": "unknown"}[inner]
    if isinstance(cond, AllOf):
        parts = [_brute(c, row) for c in cond.all]
        if "false" in parts:
            return "false"
        return "unknown" if "unknown" in parts else "true"
    parts = [_brute(c, row) for c in cond.any]
    if "true" in parts:
        return "true"
    return "unknown" if "unknown" in parts else "false"


@st.composite
def frames(draw):
    n = draw(st.integers(1, 6))
    return {name: [draw(st.sampled_from([1.0, 0.0, None])) for _ in range(n)] for name in VARIABLES}, n


@settings(max_examples=200, deadline=None)
@given(cond=conditions(), data=frames())
def test_evaluator_agrees_with_brute_force_truth_table(cond, data) -> None:
    columns, n = data
    got = to_labels(evaluate(cond, columns, n))
    expected = [_brute(cond, {k: v[i] for k, v in columns.items()}) for i in range(n)]
    assert got == expected


@pytest.mark.slow
@settings(max_examples=200, deadline=None)
@given(a=conditions(), b=conditions(), data=frames())
def test_de_morgan_holds_under_unknowns(a, b, data) -> None:
    columns, n = data
    not_and = evaluate(NotOf(**{"not": AllOf(all=[a, b])}), columns, n)
    or_not = evaluate(AnyOf(any=[NotOf(**{"not": a}), NotOf(**{"not": b})]), columns, n)
    not_or = evaluate(NotOf(**{"not": AnyOf(any=[a, b])}), columns, n)
    and_not = evaluate(AllOf(all=[NotOf(**{"not": a}), NotOf(**{"not": b})]), columns, n)
    assert np.array_equal(not_and, or_not)
    assert np.array_equal(not_or, and_not)


@settings(max_examples=100, deadline=None)
@given(a=conditions(), data=frames())
def test_double_negation_and_excluded_middle_only_when_known(a, data) -> None:
    columns, n = data
    value = evaluate(a, columns, n)
    assert np.array_equal(evaluate(NotOf(**{"not": NotOf(**{"not": a})}), columns, n), value)
    either = evaluate(AnyOf(any=[a, NotOf(**{"not": a})]), columns, n)
    # a or not a is true where a is known, unknown where a is unknown (not two-valued logic)
    assert np.array_equal(either == TRUE, value != UNKNOWN)


def test_the_three_rules_of_the_issue() -> None:
    columns = {"X": [None], "F": [0.0], "T": [1.0]}
    x, f, t = _atom("X"), _atom("F"), _atom("T")
    assert to_labels(evaluate(NotOf(**{"not": x}), columns, 1)) == ["unknown"]
    assert to_labels(evaluate(AllOf(all=[x, f]), columns, 1)) == ["false"]
    assert to_labels(evaluate(AnyOf(any=[x, t]), columns, 1)) == ["true"]


def test_declared_missing_code_and_absent_variable_are_unknown(instrument) -> None:
    cond = Condition(variable="LINK_1", op=">=", value=4)
    got = evaluate(cond, {"LINK_1": [5.0, 99.0, 2.0, float("nan")]}, 4, instrument)
    assert to_labels(got) == ["true", "unknown", "false", "unknown"]
    assert to_labels(evaluate(cond, {}, 2, instrument)) == ["unknown", "unknown"]


def test_named_condition_and_text_and_selected(instrument) -> None:
    columns = {"EMPLOYEES": [3, 12, None], "LANG": ["fr", " en ", ""], "SAT_RESOURCE": ["time money", None, "x"]}
    assert to_labels(evaluate(ConditionRef(ref="small_firm"), columns, 3, instrument)) == ["true", "false", "unknown"]
    lang = Condition(variable="LANG", op="==", value="en")
    assert to_labels(evaluate(lang, columns, 3, instrument)) == ["false", "true", "unknown"]
    sel = Condition(variable="SAT_RESOURCE", op="selected", value="money")
    assert to_labels(evaluate(sel, columns, 3, instrument)) == ["true", "unknown", "false"]


def test_unknown_reference_is_a_specification_error() -> None:
    with pytest.raises(SpecificationError, match="nowhere"):
        evaluate(ConditionRef(ref="nowhere"), {}, 1)


def test_codes_are_ordered_false_unknown_true() -> None:
    assert FALSE < UNKNOWN < TRUE
