"""The instrument's look-ups (variable, items, likert_items, attention_items) from an index built once per list
of variables, rebuilt when the list is replaced or extended."""

from __future__ import annotations

import pickle

import pytest

from alliance_stats.instrument import Variable, default_instrument
from alliance_stats.instrument.model import InstrumentError, UnknownVariableError


def test_lookups_equal_a_scan_of_the_variables():
    inst = default_instrument()
    for code in inst.construct_codes():
        assert inst.items(code) == [v for v in inst.variables if v.is_item and v.construct == code]
    assert inst.likert_items() == [v for v in inst.variables if v.is_item]
    assert inst.attention_items() == [v for v in inst.variables if v.attention_expected is not None]
    assert all(inst.variable(v.name) is v for v in inst.variables)
    assert inst._index() is inst._index()  # built once
    with pytest.raises(UnknownVariableError):
        inst.variable("NOPE")
    with pytest.raises(InstrumentError):
        inst.items("NOPE")


def test_returned_lists_are_the_callers_and_a_changed_list_of_variables_is_seen():
    inst = default_instrument().model_copy(deep=True)
    items = inst.items("LINK")
    items.clear()  # the caller's list: the instrument is not changed
    assert len(inst.items("LINK")) == 7
    extra = Variable(name="LINK_99", type="likert", construct="LINK", scale="agree7", text={"fr": "x", "en": "x"})
    inst.variables += [extra]
    assert inst.items("LINK")[-1] is extra and inst.variable("LINK_99") is extra
    inst.variables = inst.variables[:-1]
    assert len(inst.items("LINK")) == 7
    with pytest.raises(UnknownVariableError):
        inst.variable("LINK_99")


def test_index_is_not_part_of_the_model():
    inst = default_instrument()
    inst.items("LINK")
    copy = pickle.loads(pickle.dumps(inst))
    assert copy == inst and copy.model_dump() == inst.model_dump()
    assert [v.name for v in copy.items("SYM")] == [v.name for v in inst.items("SYM")]
