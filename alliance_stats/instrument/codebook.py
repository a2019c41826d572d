"""The codebook: one entry per variable of the instrument, and how the survey tools name it.

:func:`codebook` returns a DataFrame that other stages reuse (the data readers map survey-tool columns to
variables with ``xlsform_column`` / ``limesurvey_column``; reports take labels from it). Columns:

``position`` (1-based questionnaire order), ``name``, ``section``, ``type``, ``construct``, ``level``,
``label_fr``, ``label_en`` (question wording), ``scale`` (scale id), ``scale_min``, ``scale_max`` (Likert:
the scale's bounds; integer/year: the admissible range, empty when open), ``value_labels_fr``,
``value_labels_en`` (dict code-as-text -> label, including labelled missing codes), ``reverse``,
``missing_codes`` (list of int), ``personal``, ``required``, ``choices`` (choice list id),
``attention_expected``, ``source`` (ask/tool/invitation), ``show_if`` (the skip condition as text,
e.g. ``EMPLOYEES <= 10``), ``xlsform_column`` and ``limesurvey_column`` (the column name of that variable
in a KoboToolbox/ODK or LimeSurvey response export).

LimeSurvey names: question codes must start with a letter and contain only letters and digits; sub-question
codes only letters and digits, and ``time`` is reserved (LimeSurvey ``Question::rules``). So ``LINK_1``
is sub-question ``LINK1`` of the array question of its Likert block (``B<section>``, response column
``Blink[LINK1]``), a multi-choice option ``time`` of ``SAT_RESOURCE`` is sub-question ``Ctime`` (column
``SATRESOURCE[Ctime]``, value ``Y`` when ticked; ``limesurvey_column`` lists the option columns separated
by spaces), and the tool-filled ``resp_id`` and ``LANG`` are LimeSurvey's own ``id`` and
``startlanguage`` columns. ``xlsform_column`` is the variable name (KoboToolbox/ODK exports may prefix it
with the group path, ``section/name``; a multi-choice variable is the space-separated summary column).

Example
-------
>>> from alliance_stats.instrument import default_instrument
>>> book = codebook(default_instrument())
>>> row = book.set_index("name").loc["LINK_4"]
>>> row["construct"], bool(row["reverse"]), int(row["scale_min"]), int(row["scale_max"])
('LINK', True, 1, 7)
"""

from __future__ import annotations

import json
import re
from typing import Any

import pandas as pd

from alliance_stats.core.errors import InstrumentError
from alliance_stats.instrument.model import (
    AllOf,
    AnyOf,
    Condition,
    ConditionExpr,
    Instrument,
    NotOf,
    Variable,
)

__all__ = [
    "CODEBOOK_COLUMNS",
    "codebook",
    "codebook_records",
    "condition_text",
    "limesurvey_layout",
    "LimeSurveyLayout",
]

CODEBOOK_COLUMNS: tuple[str, ...] = (
    "position",
    "name",
    "section",
    "type",
    "construct",
    "level",
    "label_fr",
    "label_en",
    "scale",
    "scale_min",
    "scale_max",
    "value_labels_fr",
    "value_labels_en",
    "reverse",
    "missing_codes",
    "personal",
    "required",
    "choices",
    "attention_expected",
    "source",
    "show_if",
    "xlsform_column",
    "limesurvey_column",
)

_LS_RESERVED_SUBCODES = {"time", "other", "comment"}
_LS_TOOL_COLUMNS = {"resp_id": "id", "LANG": "startlanguage"}


def _alnum(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9]", "", text)


def condition_text(instrument: Instrument, condition: ConditionExpr | None) -> str:
    """A skip condition as plain text (named conditions expanded), e.g. ``EMPLOYEES <= 10``.

    Parameters
    ----------
    instrument
        The instrument (resolves named conditions).
    condition
        A skip condition, or ``None`` (empty text).

    Returns
    -------
    str

    References
    ----------
    XLSForm specification, ``relevant`` column (https://xlsform.org).

    Examples
    --------
    >>> from alliance_stats.instrument import default_instrument
    >>> inst = default_instrument()
    >>> condition_text(inst, inst.conditions["small_firm"])
    'EMPLOYEES <= 10'
    """
    if condition is None:
        return ""
    cond = instrument.resolve(condition)
    return _text(cond, top=True)


def _text(cond: ConditionExpr, top: bool = False) -> str:
    if isinstance(cond, Condition):
        value = cond.value if isinstance(cond.value, int) else json.dumps(cond.value, ensure_ascii=False)
        return f"{cond.variable} {cond.op} {value}"
    if isinstance(cond, AllOf | AnyOf):
        parts = cond.all if isinstance(cond, AllOf) else cond.any
        joiner = " and " if isinstance(cond, AllOf) else " or "
        body = joiner.join(_text(p) for p in parts)
        return body if top or len(parts) == 1 else f"({body})"
    if isinstance(cond, NotOf):
        return f"not ({_text(cond.not_, top=True)})"
    raise TypeError(f"unresolved condition {cond!r}")  # pragma: no cover - resolve() removes refs


class LimeSurveyLayout:
    """How the instrument maps onto LimeSurvey questions.

    Attributes
    ----------
    question_code
        Variable name -> LimeSurvey question code (variables asked as their own question).
    array_of
        Likert variable -> (array question code, sub-question code).
    arrays
        Array question code -> list of variable names (one array per run of Likert items sharing a scale
        inside a section).
    multi_subcode
        (multi variable, choice code) -> sub-question code.
    """

    def __init__(self, instrument: Instrument) -> None:
        self.question_code: dict[str, str] = {}
        self.array_of: dict[str, tuple[str, str]] = {}
        self.arrays: dict[str, list[str]] = {}
        self.array_section: dict[str, str] = {}
        self.multi_subcode: dict[tuple[str, str], str] = {}
        used: dict[str, str] = {}

        def claim(code: str, owner: str) -> str:
            key = code.lower()
            if key in used and used[key] != owner:
                raise InstrumentError(
                    f"variables {used[key]!r} and {owner!r} both become LimeSurvey code {code!r}",
                    file=instrument.source, value=owner,
                    fix="rename one of them so that the names differ in letters or digits, not only in '_'",
                )
            used[key] = owner
            return code

        for section in instrument.sections:
            run: list[Variable] = []
            runs: list[list[Variable]] = []
            for name in section.variables:
                var = instrument.variable(name)
                if var.type == "likert" and run and run[-1].scale == var.scale:
                    run.append(var)
                    continue
                if run:
                    runs.append(run)
                    run = []
                if var.type == "likert":
                    run = [var]
            if run:
                runs.append(run)
            for index, block in enumerate(runs):
                code = "B" + _alnum(section.id) + (str(index + 1) if len(runs) > 1 else "")
                code = claim(code, f"block {section.id}")
                self.arrays[code] = [v.name for v in block]
                self.array_section[code] = section.id
                sub_used: set[str] = set()
                for var in block:
                    sub = _alnum(var.name)
                    if sub.lower() in sub_used or sub.lower() in _LS_RESERVED_SUBCODES:
                        raise InstrumentError(f"item {var.name!r} cannot become a LimeSurvey sub-question code",
                                              file=instrument.source, value=var.name)
                    sub_used.add(sub.lower())
                    self.array_of[var.name] = (code, sub)
        for var in instrument.variables:
            if var.name in self.array_of or var.name in _LS_TOOL_COLUMNS:
                continue
            self.question_code[var.name] = claim(_alnum(var.name), var.name)
            if var.type == "multi" and var.choices is not None:
                for choice in instrument.choices[var.choices]:
                    self.multi_subcode[(var.name, choice.code)] = "C" + _alnum(choice.code)

    def column(self, var: Variable) -> str:
        """The response-export column ("question code" headings) holding ``var``."""
        if var.name in _LS_TOOL_COLUMNS:
            return _LS_TOOL_COLUMNS[var.name]
        if var.name in self.array_of:
            block, sub = self.array_of[var.name]
            return f"{block}[{sub}]"
        code = self.question_code[var.name]
        if var.type == "multi":
            subs = [sub for (name, _), sub in self.multi_subcode.items() if name == var.name]
            return " ".join(f"{code}[{sub}]" for sub in subs)
        return code


def limesurvey_layout(instrument: Instrument) -> LimeSurveyLayout:
    """The LimeSurvey question layout of ``instrument`` (see :class:`LimeSurveyLayout`).

    Parameters
    ----------
    instrument
        A loaded instrument.

    Returns
    -------
    LimeSurveyLayout
        Question codes and response columns as LimeSurvey names them.

    References
    ----------
    LimeSurvey manual, "Tab Separated Value import and export of survey structure".

    Examples
    --------
    >>> from alliance_stats.instrument import default_instrument
    >>> inst = default_instrument()
    >>> isinstance(limesurvey_layout(inst).column(inst.variable("EMPLOYEES")), str)
    True
    """
    return LimeSurveyLayout(instrument)


def _range(instrument: Instrument, var: Variable) -> tuple[int | None, int | None]:
    if var.type == "likert" and var.scale is not None:
        scale = instrument.scales[var.scale]
        return scale.min, scale.max
    return var.min, var.max


def codebook_records(instrument: Instrument) -> list[dict[str, Any]]:
    """The codebook as a list of dicts (JSON-ready), one per variable, keys :data:`CODEBOOK_COLUMNS`.

    Parameters
    ----------
    instrument
        A loaded instrument.

    Returns
    -------
    list of dict
        One record per variable, in questionnaire order.

    References
    ----------
    docs/design.md section 3 (the codebook); XLSForm specification (https://xlsform.org).

    Examples
    --------
    >>> from alliance_stats.instrument import default_instrument
    >>> codebook_records(default_instrument())[0]["name"]
    'resp_id'
    """
    layout = limesurvey_layout(instrument)
    records: list[dict[str, Any]] = []
    for position, var in enumerate(instrument.variables, start=1):
        labels = instrument.value_labels(var.name)
        low, high = _range(instrument, var)
        show_if = var.show_if
        section = instrument.section(var.section) if var.section else None
        parts = [c for c in (section.show_if if section else None, show_if) if c is not None]
        combined = None if not parts else parts[0] if len(parts) == 1 else AllOf(all=parts)
        records.append(
            {
                "position": position,
                "name": var.name,
                "section": var.section,
                "type": var.type,
                "construct": var.construct,
                "level": var.level,
                "label_fr": var.text["fr"],
                "label_en": var.text["en"],
                "scale": var.scale,
                "scale_min": low,
                "scale_max": high,
                "value_labels_fr": {code: text["fr"] for code, text in labels.items()},
                "value_labels_en": {code: text["en"] for code, text in labels.items()},
                "reverse": var.reverse,
                "missing_codes": list(var.missing_codes),
                "personal": var.personal,
                "required": var.required,
                "choices": var.choices,
                "attention_expected": var.attention_expected,
                "source": var.source,
                "show_if": condition_text(instrument, combined),
                "xlsform_column": var.name,
                "limesurvey_column": layout.column(var),
            }
        )
    return records


def codebook(instrument: Instrument) -> pd.DataFrame:
    """The codebook of ``instrument``: one row per variable, columns :data:`CODEBOOK_COLUMNS`.

    Parameters
    ----------
    instrument
        A loaded instrument.

    Returns
    -------
    pandas.DataFrame
        ``scale_min``/``scale_max``/``attention_expected`` are nullable integers (``Int64``); value labels are
        dicts and missing codes lists (object columns).

    References
    ----------
    docs/design.md section 3 (the codebook); XLSForm specification (https://xlsform.org).

    Examples
    --------
    >>> from alliance_stats.instrument import default_instrument
    >>> book = codebook(default_instrument())
    >>> int(book["personal"].sum())
    3
    """
    frame = pd.DataFrame.from_records(codebook_records(instrument), columns=list(CODEBOOK_COLUMNS))
    for column in ("scale_min", "scale_max", "attention_expected", "position"):
        frame[column] = frame[column].astype("Int64")
    for column in ("reverse", "personal", "required"):
        frame[column] = frame[column].astype(bool)
    return frame
