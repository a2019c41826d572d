"""The instrument loader: the project's YAML loads, honours the contracts, and every malformed file is
rejected with the file, the YAML line and a message naming the problem."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from alliance_stats.core.errors import InstrumentError
from alliance_stats.instrument import (
    ConditionRef,
    UnknownVariableError,
    load_instrument,
    parse_instrument,
)
from tests.instrument.helpers import line_of, variant

CONTRACT_VARIABLES = [
    "resp_id", "dyad_id", "role", "LANG", "EMPLOYEES", "FOUNDING_YEAR", "FIRST_ORDER_YEAR", "STARTUP_AT_ALLIANCE",
    "STRAT_1", "STRAT_2", "STRAT_3", "STRAT_4", "ALLIANCE_START_YEAR", "CONTRACT", "JOINT_BRAND",
    "SHARED_PREMISES", "JOINT_BIDS", "SECTOR", "FOUNDER_AGE", "FOUNDER_EXPERIENCE", "SAT_RESOURCE", "BREAKEVEN",
    "BREAKEVEN_YEAR", "FIRM_NAME", "RESP_NAME", "RESP_EMAIL", "ATTN_1",
]
CONTRACT_TYPES = {
    "EMPLOYEES": "integer", "FOUNDING_YEAR": "year", "FIRST_ORDER_YEAR": "year", "STARTUP_AT_ALLIANCE": "binary",
    "STRAT_1": "binary", "STRAT_4": "binary", "ALLIANCE_START_YEAR": "year", "CONTRACT": "binary",
    "JOINT_BRAND": "binary", "SHARED_PREMISES": "binary", "JOINT_BIDS": "binary", "SECTOR": "category",
    "FOUNDER_AGE": "integer", "FOUNDER_EXPERIENCE": "integer", "SAT_RESOURCE": "multi", "BREAKEVEN": "binary",
    "BREAKEVEN_YEAR": "year", "FIRM_NAME": "identifier", "RESP_NAME": "identifier", "RESP_EMAIL": "identifier",
    "resp_id": "identifier", "ATTN_1": "likert",
}
MINIMUM_ITEMS = {"LINK": 5, "SYM": 4, "DEP": 3, "TRS": 4, "TRC": 4, "SAT": 3, "STRUCT": 3, "REFLEX": 3,
                 "LEARN": 3, "AWARE": 4, "TRANSF": 4}


# ------------------------------------------------------------------------------------ the project's file


def test_default_instrument_has_every_construct_with_its_minimum(instrument):
    assert instrument.construct_codes() == list(MINIMUM_ITEMS)
    for code, minimum in MINIMUM_ITEMS.items():
        construct = instrument.constructs[code]
        assert construct.min_items == minimum
        items = instrument.items(code)
        assert len(items) >= minimum, code
        assert any(item.reverse for item in items), f"{code} has no reverse-keyed item"
        assert [item.name for item in items] == [f"{code}_{k}" for k in range(1, len(items) + 1)]
        assert all(item.scale == "agree7" and item.missing_codes == [99] for item in items)
    assert instrument.constructs["LINK"].level == "dyad"
    assert instrument.constructs["STRUCT"].answered_by == "each"


def test_default_instrument_honours_the_variable_contract(instrument):
    names = instrument.variable_names()
    assert len(names) == len(set(names))
    for name in CONTRACT_VARIABLES:
        assert name in names, name
    for name, vtype in CONTRACT_TYPES.items():
        assert instrument.variable(name).type == vtype, name
    assert instrument.personal_variables() == ["FIRM_NAME", "RESP_NAME", "RESP_EMAIL"]
    assert not instrument.variable("resp_id").personal
    assert [v.name for v in instrument.attention_items()] == ["ATTN_1"]
    attention = instrument.variable("ATTN_1")
    assert attention.construct is None and attention.scale == "agree7" and 1 <= attention.attention_expected <= 7
    assert instrument.scales["agree7"].n_options == 7
    assert set(instrument.scales["agree7"].labels) == set(range(1, 8))
    assert [c.code for c in instrument.choices["yesno"]] == ["1", "0"]
    assert [c.code for c in instrument.choices["role"]] == ["a", "b"]
    assert sorted(c.code for c in instrument.choices["lang"]) == ["en", "fr"]
    assert len(instrument.choices["resource"]) == 6
    for var in instrument.variables:
        assert var.text["fr"].strip() and var.text["en"].strip()


def test_item_wording_is_plain(instrument):
    """One idea per item, no double negatives: no "ne ... pas ... pas/jamais/rien" and no "not ... not/never"."""
    for var in instrument.likert_items():
        fr, en = var.text["fr"].lower(), var.text["en"].lower()
        assert len(re.findall(r"\b(pas|jamais|rien|aucun)\b", fr)) <= 1, var.name
        assert len(re.findall(r"\b(not|never|no|nothing|n't)\b", en.replace("n't", " n't"))) <= 1, var.name
        assert len(fr) <= 130 and len(en) <= 130, var.name


def test_screening_and_skip_logic(instrument):
    eligible = instrument.conditions["eligible"]
    assert instrument.section("screened_out").show_if.not_ == ConditionRef(ref="eligible")
    for section in instrument.sections[instrument.sections.index(instrument.section("alliance")):]:
        assert section.show_if == ConditionRef(ref="eligible"), section.id
    resolved = instrument.resolve(eligible)
    assert "EMPLOYEES" in str(resolved) and all(f"STRAT_{k}" in str(resolved) for k in range(1, 5))
    assert instrument.variable("BREAKEVEN_YEAR").show_if is not None


def test_unknown_variable_is_a_keyerror_and_an_instrument_error(instrument):
    with pytest.raises(KeyError):
        instrument.variable("NOPE")
    with pytest.raises(UnknownVariableError, match="no variable 'NOPE'"):
        instrument.variable("NOPE")
    with pytest.raises(InstrumentError, match="unknown construct"):
        instrument.items("NOPE")


def test_yaml_yes_no_words_stay_text(yaml_text):
    inst = parse_instrument(yaml_text.replace('{code: "0", label: {fr: "Non", en: "No"}}',
                                              '{code: "0", label: {fr: Non, en: No}}'))
    assert inst.choices["yesno"][1].label == {"fr": "Non", "en": "No"}


# ------------------------------------------------------------------------------------------ rejections


def _rejects(path: Path, expected_line: int, *fragments: str) -> InstrumentError:
    with pytest.raises(InstrumentError) as caught:
        load_instrument(path)
    error = caught.value
    message = str(error)
    assert error.line == expected_line, message
    assert str(path) in message and f"line {expected_line}" in message, message
    for fragment in fragments:
        assert fragment in message, f"{fragment!r} not in {message!r}"
    return error


def test_rejects_duplicate_variable_names(tmp_path, yaml_text):
    path, text = variant(tmp_path, yaml_text, "- name: LINK_2\n", "- name: LINK_1\n")
    _rejects(path, line_of(text, "- name: LINK_1", 2), "duplicate variable name 'LINK_1'",
             f"line {line_of(text, '- name: LINK_1')}")


def test_rejects_an_item_whose_construct_is_unknown(tmp_path, yaml_text):
    path, text = variant(tmp_path, yaml_text, "      - name: SYM_2\n", "      - name: SYM_2\n        construct: SYMM\n")
    _rejects(path, line_of(text, "construct: SYMM"), "SYM_2", "unknown construct 'SYMM'")


def test_rejects_a_missing_english_translation(tmp_path, yaml_text):
    old = 'text: {fr: "Mon partenaire et moi sommes aussi des amis.", en: "My partner and I are also friends."}'
    path, text = variant(tmp_path, yaml_text, old, 'text: {fr: "Mon partenaire et moi sommes aussi des amis."}')
    _rejects(path, line_of(text, "Mon partenaire et moi sommes aussi des amis."), "LINK_1", "missing translation",
             "en")


def test_rejects_a_missing_french_translation_in_a_scale_label(tmp_path, yaml_text):
    path, text = variant(tmp_path, yaml_text, '3: {fr: "Plutôt pas d\'accord", en: "Somewhat disagree"}',
                         '3: {en: "Somewhat disagree"}')
    _rejects(path, line_of(text, '3: {en: "Somewhat disagree"}'), "agree7", "missing translation", "fr")


def test_rejects_an_empty_translation_in_a_choice(tmp_path, yaml_text):
    path, text = variant(tmp_path, yaml_text, '{code: "b", label: {fr: "Partenaire B", en: "Partner B"}}',
                         '{code: "b", label: {fr: "Partenaire B", en: "  "}}')
    _rejects(path, line_of(text, '{code: "b"'), "choice list 'role'", "missing translation", "en")


def test_rejects_a_likert_construct_without_reverse_keyed_item(tmp_path, yaml_text):
    old = "      - name: DEP_3\n        reverse: true\n"
    path, text = variant(tmp_path, yaml_text, old, "      - name: DEP_3\n")
    _rejects(path, line_of(text, "  DEP:\n"), "construct DEP has no reverse-keyed item")


def test_rejects_a_construct_with_fewer_than_its_minimum_items(tmp_path, yaml_text):
    old = "    min_items: 4\n    scale: agree7\n  DEP:"
    path, text = variant(tmp_path, yaml_text, old, "    min_items: 7\n    scale: agree7\n  DEP:")
    _rejects(path, line_of(text, "  SYM:\n"), "construct SYM has 6 Likert item(s); it needs at least 7")


def test_rejects_a_scale_with_min_not_below_max(tmp_path, yaml_text):
    path, text = variant(tmp_path, yaml_text, "    min: 1\n    max: 7\n    labels:",
                         "    min: 7\n    max: 7\n    labels:")
    _rejects(path, line_of(text, "    max: 7\n    labels:"), "scale 'agree7' has min 7 >= max 7")


def test_rejects_a_value_label_outside_the_scale(tmp_path, yaml_text):
    old = '      7: {fr: "Tout à fait d\'accord", en: "Strongly agree"}\n'
    path, text = variant(tmp_path, yaml_text, old, old + '      8: {fr: "Huit", en: "Eight"}\n')
    _rejects(path, line_of(text, '8: {fr: "Huit"'), "value label for 8, outside its range 1-7")


def test_rejects_a_missing_code_inside_the_scale(tmp_path, yaml_text):
    path, text = variant(tmp_path, yaml_text, '      99: {fr: "Je ne sais pas"', '      6: {fr: "Je ne sais pas"')
    _rejects(path, line_of(text, '      6: {fr: "Je ne sais pas"'), "missing-value code 6", "inside the scale")


def test_rejects_an_unknown_variable_type(tmp_path, yaml_text):
    path, text = variant(tmp_path, yaml_text, "- name: EMPLOYEES\n        type: integer\n",
                         "- name: EMPLOYEES\n        type: number\n")
    _rejects(path, line_of(text, "type: number"), "EMPLOYEES", "unknown type 'number'", "integer")


def test_rejects_an_unknown_choice_list(tmp_path, yaml_text):
    path, text = variant(tmp_path, yaml_text, "choices: sector\n", "choices: sectors\n")
    _rejects(path, line_of(text, "choices: sectors"), "SECTOR", "unknown choice list 'sectors'")


def test_rejects_show_if_naming_an_unknown_variable(tmp_path, yaml_text):
    path, text = variant(tmp_path, yaml_text, "{variable: BREAKEVEN, op:", "{variable: BREAK_EVEN, op:")
    _rejects(path, line_of(text, "BREAK_EVEN"), "show_if of variable BREAKEVEN_YEAR", "unknown variable 'BREAK_EVEN'")


def test_rejects_show_if_on_a_variable_asked_later(tmp_path, yaml_text):
    old = "      - name: FOUNDING_YEAR\n        type: year\n        min: 1950\n        show_if: [{ref: small_firm}]\n"
    new = old.replace("[{ref: small_firm}]", '[{variable: FOUNDER_AGE, op: ">", value: 20}]')
    path, text = variant(tmp_path, yaml_text, old, new)
    _rejects(path, line_of(text, "variable: FOUNDER_AGE"), "FOUNDER_AGE")


def test_rejects_a_condition_value_that_is_not_a_code(tmp_path, yaml_text):
    path, text = variant(tmp_path, yaml_text, "{variable: BREAKEVEN, op: \"==\", value: 1}",
                         "{variable: BREAKEVEN, op: \"==\", value: 2}")
    _rejects(path, line_of(text, "value: 2}"), "value 2 is not a code of BREAKEVEN")


def test_rejects_an_unknown_named_condition(tmp_path, yaml_text):
    path, text = variant(tmp_path, yaml_text, "    show_if: {not: {ref: eligible}}\n",
                         "    show_if: {not: {ref: eligable}}\n")
    _rejects(path, line_of(text, "ref: eligable"), "unknown condition 'eligable'")


def test_rejects_a_key_given_twice(tmp_path, yaml_text):
    old = "  TRS:\n    label:"
    path, text = variant(tmp_path, yaml_text, old, "  TRS:\n    level: dyad\n    label:")
    original = "    level: dyad\n    answered_by: both\n    min_items: 4\n    scale: agree7\n  TRC:"
    _rejects(path, line_of(text, original), "key 'level' is given twice")


def test_rejects_invalid_yaml_with_its_line(tmp_path, yaml_text):
    path, text = variant(tmp_path, yaml_text, '2: {fr: "Pas d\'accord", en: "Disagree"}',
                         '2: {fr: "Pas d\'accord", en: "Disagree"')
    with pytest.raises(InstrumentError, match="not valid YAML") as caught:
        load_instrument(path)
    assert caught.value.line is not None and abs(caught.value.line - line_of(text, "2: {fr:")) <= 1


def test_rejects_a_missing_file(tmp_path):
    with pytest.raises(InstrumentError, match="instrument file not found"):
        load_instrument(tmp_path / "absent.yaml")


def test_rejects_an_empty_file(tmp_path):
    path = tmp_path / "empty.yaml"
    path.write_text("# nothing\n", encoding="utf-8")
    with pytest.raises(InstrumentError, match="empty"):
        load_instrument(path)


@pytest.mark.parametrize("tagged", ["!!python/object/apply:os.getcwd []", "!!python/name:os.getcwd ''"])
def test_never_constructs_python_objects(tmp_path, yaml_text, tagged):
    path, text = variant(tmp_path, yaml_text, "  version: \"2025.1\"\n", f"  version: {tagged}\n")
    with pytest.raises(InstrumentError, match="not valid YAML") as caught:
        load_instrument(path)
    assert caught.value.line == line_of(text, "  version: !!python")
