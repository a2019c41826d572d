"""French versions of the stages' English warnings (issue 15 item 16: the French report printed them in English)."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from alliance_stats.core.catalogue.messages import MESSAGES
from alliance_stats.core.i18n import has_translation, translate_message

PLACEHOLDER = re.compile(r"\{(\w+)\}")
COUNTS = {"n", "k", "m", "n2", "total", "blank", "lone"}


def _filled(template: str, values: dict[str, str]) -> str:
    return PLACEHOLDER.sub(lambda m: values[m.group(1)], template)


@pytest.mark.parametrize(("english", "french"), MESSAGES, ids=[e[:40] for e, _ in MESSAGES])
def test_every_template_translates_a_message_built_from_it(english, french):
    names = PLACEHOLDER.findall(english)
    values = {name: str(7 + i) if name in COUNTS else f"V{i}x" for i, name in enumerate(names)}
    message = _filled(english, values)
    assert has_translation(message)
    translated = translate_message(message, "fr")
    assert translated != message
    for name in names:
        if not name.startswith("msg"):
            assert values[name] in translated, (name, translated)
    assert translate_message(message, "en") == message


def test_numbers_get_the_decimal_comma_and_nested_messages_are_translated():
    text = ("careless_irv: 3 finding(s) in rows 4, 9, 12; first: response SD 0.21 below 0.5 "
            "(`alliance-stats data check` lists them all)")
    assert translate_message(text, "fr") == (
        "careless_irv : 3 constat(s), lignes 4, 9, 12 ; premier : écart-type des réponses 0,21 inférieur à 0,5 "
        "(`alliance-stats data check` les liste tous)")
    assert translate_message("Fornell-Larcker: the correlation of LINK and TRS (0.82) exceeds sqrt(AVE) of TRS "
                             "(0.80)", "fr") == ("Fornell-Larcker : la corrélation de LINK et TRS (0,82) dépasse la "
                                                 "racine de l'AVE de TRS (0,80)")


def test_a_prefixed_message_takes_the_prefix_template_not_a_longer_one():
    text = ("metric model: 580 observations for 386 free parameters: fewer than 5 per parameter, estimates and fit "
            "indices may be unstable")
    assert translate_message(text, "fr").startswith("modèle métrique : 580 observations pour 386 paramètres")


def test_identifiers_keep_their_digits():
    text = "item LINK_1: 23% of answers at the scale's floor (above 15%)"
    assert translate_message(text, "fr") == "item LINK_1 : 23 % des réponses au plancher de l'échelle (plus de 15 %)"


@given(st.text(max_size=60))
def test_an_unknown_message_is_returned_unchanged(text):
    if not has_translation(text):
        assert translate_message(text, "fr") == text
