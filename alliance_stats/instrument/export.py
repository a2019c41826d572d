"""Export the instrument for survey tools, for print, as a codebook and as an empty SPSS file.

:func:`export_instrument` returns the file's bytes (the CLI writes them atomically). Formats:

``xlsform``
    An XLSForm workbook (sheets ``survey``, ``choices``, ``settings``) for KoboToolbox / ODK, following the
    XLSForm specification: translated columns ``label::Français (fr)`` / ``label::English (en)`` (and
    ``hint::``, ``constraint_message::``), ``required``, ``constraint`` (numeric ranges, e-mail pattern),
    ``relevant`` (skip logic translated from the structured ``show_if`` conditions), one group per section
    (``field-list``: one page each, Likert blocks with the ``likert`` appearance), choice codes written as
    text cells, settings ``form_title``, ``form_id``, ``version``, ``default_language``. The pseudonymous
    ``resp_id`` is a ``calculate`` (``once(uuid())``); XLSForm cannot read the display language, so
    ``LANG`` is asked. Checked with ``pyxform.xls2xform.convert`` (pyxform 4.5).
``limesurvey``
    LimeSurvey's tab-separated survey structure (``.txt``): columns ``id, related_id, class, type/scale,
    name, relevance, text, help, language, validation, mandatory, other, default, same_default`` and the
    attributes ``min_num_value_n, max_num_value_n, num_value_int_only``; rows ``S``, ``SL``, then per
    language one full block of ``G``/``Q``/``SQ``/``A`` rows (primary language first; attributes only in the
    primary block). Likert runs are array questions (type ``F``), yes/no and categories lists (``L``),
    multi-choice ``M``, numbers ``N``, texts ``S``, dates ``D``, a section without questions a text display
    (``X``). Codes follow LimeSurvey's rules (see :mod:`alliance_stats.instrument.codebook`); relevance uses
    ``.NAOK`` so that an unanswered, hidden screening question does not hide the screen-out page.
``html``, ``markdown``
    A printable questionnaire. With ``lang="both"`` the document holds the full questionnaire twice, in the
    instrument's default language first and then in the other one (chosen so that one file serves a
    bilingual mailing); with ``fr`` or ``en`` only that language. Tool-filled fields (``resp_id``,
    ``LANG``) are not printed; filters are printed as "(only if Q5 = Yes)".
``codebook-json``, ``codebook-csv``
    One entry per variable (:func:`alliance_stats.instrument.codebook.codebook`). Codebooks are always
    bilingual (``label_fr``/``label_en``, ``value_labels_fr``/``value_labels_en``), whatever ``lang``.
    In the CSV, value labels are JSON objects and missing codes are separated by ``;``.
``sav``
    An empty SPSS file (no cases) with variable labels (question wording; with ``both``, the default
    language), value labels, user-missing codes (99 on Likert items) and measurement levels, written by
    pyreadstat. Multi-choice answers are a string of space-separated codes (as in ODK exports).

Spreadsheet exports (xlsform, limesurvey, codebook-csv) neutralise formula injection: a cell text that
begins with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return (after any leading apostrophes) gets one
more leading apostrophe (OWASP "CSV injection"); :func:`restore_cell` undoes it exactly. Characters that XML
forbids (``\\x01``, ``\\v``) become U+FFFD in every format but the exact codebooks. Both defences are
those of every writer of the tool (:mod:`alliance_stats.core.safetext`).

Example
-------
>>> from alliance_stats.instrument import default_instrument
>>> payload = export_instrument(default_instrument(), "markdown", "en")
>>> payload.decode("utf-8").splitlines()[0]
'# Alliances between very small firms in their start-up phase'

Reference: XLSForm specification (xlsform.org) and pyxform 4.5; LimeSurvey manual, "Tab Separated Value
survey structure" and ``TSVImportSurvey`` in ``application/helpers/admin/import_helper.php``; pyreadstat
1.3 ``write_sav``.
"""

from __future__ import annotations

import csv
import html
import io
import json
import os
import re
import tempfile
from collections.abc import Callable
from typing import Any

import pandas as pd

from alliance_stats.core.errors import InstrumentError
from alliance_stats.core.safetext import neutralise_cell, restore_cell, xml_safe
from alliance_stats.instrument.codebook import (
    CODEBOOK_COLUMNS,
    _alnum,
    codebook_records,
    limesurvey_layout,
)
from alliance_stats.instrument.model import (
    LANGS,
    AllOf,
    AnyOf,
    Condition,
    ConditionExpr,
    Instrument,
    NotOf,
    Variable,
)

__all__ = [
    "EXPORT_FORMATS",
    "EXPORT_LANGS",
    "LANGUAGE_NAMES",
    "export_instrument",
    "neutralise_cell",
    "restore_cell",
    "read_codebook",
]

EXPORT_FORMATS: tuple[str, ...] = (
    "xlsform",
    "limesurvey",
    "html",
    "markdown",
    "codebook-json",
    "codebook-csv",
    "sav",
)
EXPORT_LANGS: tuple[str, ...] = ("fr", "en", "both")
#: Language names used in XLSForm column headers (``label::Français (fr)``).
LANGUAGE_NAMES: dict[str, str] = {"fr": "Français (fr)", "en": "English (en)"}


class _Catalogue:
    """``_UI[key][lang]``: the catalogue text ``instrument.export.<key>`` (core/catalogue/instrument.py)."""

    def __getitem__(self, key: str) -> dict[str, str]:
        from alliance_stats.core.i18n import LANGS, tr

        return {lang: tr(f"instrument.export.{key}", lang) for lang in LANGS}


_UI = _Catalogue()


# ----------------------------------------------------------------------------------------- utilities


def _langs(instrument: Instrument, lang: str) -> list[str]:
    if lang == "both":
        first = instrument.meta.default_language
        return [first] + [other for other in LANGS if other != first]
    return [lang]


def _check_args(fmt: str, lang: str) -> None:
    if fmt not in EXPORT_FORMATS:
        raise InstrumentError(f"unknown export format {fmt!r}", value=fmt,
                              fix=f"use one of {', '.join(EXPORT_FORMATS)}")
    if lang not in EXPORT_LANGS:
        raise InstrumentError(f"unknown export language {lang!r}", value=lang,
                              fix=f"use one of {', '.join(EXPORT_LANGS)}")


def _missing_list_name(var: Variable) -> str:
    assert var.scale is not None
    if not var.missing_codes:
        return var.scale
    return f"{var.scale}_m" + "_".join(str(code) for code in var.missing_codes)


def _quote_xpath(value: str) -> str:
    if "'" not in value:
        return f"'{value}'"
    if '"' not in value:
        return f'"{value}"'
    raise InstrumentError(f"condition value {value!r} mixes both quote characters", value=value)


# ------------------------------------------------------------------------------------------- XLSForm


def _xpath(instrument: Instrument, cond: ConditionExpr) -> str:
    cond = instrument.resolve(cond)
    if isinstance(cond, AllOf | AnyOf):
        parts = cond.all if isinstance(cond, AllOf) else cond.any
        joiner = " and " if isinstance(cond, AllOf) else " or "
        inner = joiner.join(_xpath(instrument, part) for part in parts)
        return inner if len(parts) == 1 else f"({inner})"
    if isinstance(cond, NotOf):
        return f"not({_xpath(instrument, cond.not_)})"
    assert isinstance(cond, Condition)
    var = instrument.variable(cond.variable)
    ref = f"${{{var.name}}}"
    op = "=" if cond.op == "==" else cond.op
    if cond.op == "selected":
        return f"selected({ref}, {_quote_xpath(str(cond.value))})"
    if var.choices is not None and cond.op in ("==", "!="):
        return f"{ref} {op} {_quote_xpath(str(cond.value))}"
    if isinstance(cond.value, int):
        return f"{ref} {op} {cond.value}"
    return f"{ref} {op} {_quote_xpath(cond.value)}"


def _xlsform_constraint(var: Variable, langs: list[str]) -> tuple[str, dict[str, str]]:
    if var.type in ("integer", "year"):
        parts: list[str] = []
        if var.min is not None:
            parts.append(f". >= {var.min}")
        if var.max is not None:
            parts.append(f". <= {var.max}")
        elif var.type == "year":
            parts.append(". <= int(format-date(today(), '%Y'))")
        if not parts:
            return "", {}
        lo = var.min if var.min is not None else 0
        if var.type == "year" and var.max is None:
            key = "year_range"
        elif var.max is None:
            key = "int_min"
        else:
            key = "int_range"
        return " and ".join(parts), {lang: _UI[key][lang].format(lo=lo, hi=var.max) for lang in langs}
    if var.format == "email":
        return r"regex(., '^[^@\s]+@[^@\s]+\.[^@\s]+$')", {lang: _UI["email"][lang] for lang in langs}
    return "", {}


def _xlsform_type(var: Variable) -> str:
    if var.type == "likert":
        return f"select_one {_missing_list_name(var)}"
    if var.type in ("binary", "category"):
        return f"select_one {var.choices}"
    if var.type == "multi":
        return f"select_multiple {var.choices}"
    if var.type in ("integer", "year"):
        return "integer"
    if var.type == "date":
        return "date"
    return "text"


def _xlsform_sheets(instrument: Instrument, langs: list[str]) -> dict[str, list[dict[str, str]]]:
    def tr(text: dict[str, str] | None, column: str) -> dict[str, str]:
        if text is None:
            return {}
        return {f"{column}::{LANGUAGE_NAMES[lang]}": text[lang] for lang in langs}

    survey: list[dict[str, str]] = []
    used_lists: list[str] = []
    for section in instrument.sections:
        likert_block = any(instrument.variable(n).type == "likert" for n in section.variables)
        survey.append(
            {
                "type": "begin_group",
                "name": section.id,
                **tr(section.title, "label"),
                "relevant": "" if section.show_if is None else _xpath(instrument, section.show_if),
                "appearance": "field-list",
            }
        )
        if section.intro is not None:
            survey.append({"type": "note", "name": f"{section.id}_intro", **tr(section.intro, "label")})
        if likert_block:
            survey.append({"type": "note", "name": f"{section.id}_scale", **tr(_UI["agree_instruction"], "label")})
        for name in section.variables:
            var = instrument.variable(name)
            if var.source == "tool" and var.type == "identifier":
                survey.append({"type": "calculate", "name": var.name, "calculation": "once(uuid())"})
                continue
            row = {"type": _xlsform_type(var), "name": var.name, **tr(var.text, "label"), **tr(var.hint, "hint")}
            list_name = row["type"].split(" ", 1)[1] if " " in row["type"] else None
            if list_name is not None and list_name not in used_lists:
                used_lists.append(list_name)
            if var.required:
                row["required"] = "yes"
            constraint, messages = _xlsform_constraint(var, langs)
            if constraint:
                row["constraint"] = constraint
                row.update({f"constraint_message::{LANGUAGE_NAMES[lang]}": msg for lang, msg in messages.items()})
            if var.show_if is not None:
                row["relevant"] = _xpath(instrument, var.show_if)
            if var.type == "likert":
                row["appearance"] = "likert"
            survey.append(row)
        survey.append({"type": "end_group", "name": section.id})

    choices: list[dict[str, str]] = []
    for list_name in used_lists:
        if list_name in instrument.choices:
            for choice in instrument.choices[list_name]:
                choices.append({"list_name": list_name, "name": choice.code, **tr(choice.label, "label")})
            continue
        var = next(v for v in instrument.variables if v.type == "likert" and _missing_list_name(v) == list_name)
        assert var.scale is not None
        scale = instrument.scales[var.scale]
        for point in scale.points:
            label = scale.labels.get(point, {lang: str(point) for lang in LANGS})
            choices.append({"list_name": list_name, "name": str(point), **tr(label, "label")})
        for code in var.missing_codes:
            choices.append({"list_name": list_name, "name": str(code), **tr(scale.missing[code], "label")})

    settings = [
        {
            "form_title": instrument.meta.title[langs[0]],
            "form_id": instrument.meta.id,
            "version": instrument.meta.version,
            "default_language": LANGUAGE_NAMES[langs[0]],
            "style": "pages",
        }
    ]
    return {"survey": survey, "choices": choices, "settings": settings}


def _columns(rows: list[dict[str, str]], preferred: list[str]) -> list[str]:
    seen = [c for c in preferred if any(c in row for row in rows)]
    for row in rows:
        for key in row:
            if key not in seen:
                seen.append(key)
    return seen


def _export_xlsform(instrument: Instrument, langs: list[str]) -> bytes:
    from openpyxl import Workbook

    sheets = _xlsform_sheets(instrument, langs)
    translated = [f"{col}::{LANGUAGE_NAMES[lang]}" for col in ("label", "hint") for lang in langs]
    order = {
        "survey": ["type", "name", *translated, "required", "constraint",
                   *[f"constraint_message::{LANGUAGE_NAMES[lang]}" for lang in langs], "relevant", "appearance",
                   "calculation"],
        "choices": ["list_name", "name", *[f"label::{LANGUAGE_NAMES[lang]}" for lang in langs]],
        "settings": ["form_title", "form_id", "version", "default_language", "style"],
    }
    book = Workbook()
    book.remove(book.active)
    for sheet_name, rows in sheets.items():
        sheet = book.create_sheet(sheet_name)
        columns = _columns(rows, order[sheet_name])
        sheet.append(columns)
        for row in rows:
            sheet.append([_xlsx_text(row.get(column, "")) for column in columns])
    book.properties.creator = "alliance-stats"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _xlsx_text(value: str) -> str | None:
    if value == "":
        return None
    return neutralise_cell(xml_safe(str(value)))


# ----------------------------------------------------------------------------------------- LimeSurvey

_LS_COLUMNS = [
    "id", "related_id", "class", "type/scale", "name", "relevance", "text", "help", "language", "validation",
    "mandatory", "other", "default", "same_default", "min_num_value_n", "max_num_value_n", "num_value_int_only",
]


def _ls_expression(instrument: Instrument, cond: ConditionExpr, layout: Any) -> str:
    cond = instrument.resolve(cond)
    if isinstance(cond, AllOf | AnyOf):
        parts = cond.all if isinstance(cond, AllOf) else cond.any
        joiner = " and " if isinstance(cond, AllOf) else " or "
        inner = joiner.join(_ls_expression(instrument, part, layout) for part in parts)
        return inner if len(parts) == 1 else f"({inner})"
    if isinstance(cond, NotOf):
        return f"!({_ls_expression(instrument, cond.not_, layout)})"
    assert isinstance(cond, Condition)
    var = instrument.variable(cond.variable)
    if var.name in layout.array_of:
        block, sub = layout.array_of[var.name]
        ref = f"{block}_{sub}"
    elif var.name in layout.question_code:
        ref = layout.question_code[var.name]
    else:
        raise InstrumentError(
            f"variable {var.name} is filled by the survey tool and cannot be used in a LimeSurvey condition",
            file=instrument.source, value=var.name,
        )
    if cond.op == "selected":
        return f'{ref}_{layout.multi_subcode[(var.name, str(cond.value))]}.NAOK == "Y"'
    if var.choices is not None and cond.op in ("==", "!="):
        return f'{ref}.NAOK {cond.op} "{cond.value}"'
    if isinstance(cond.value, int):
        return f"{ref}.NAOK {cond.op} {cond.value}"
    return f"{ref}.NAOK {cond.op} {json.dumps(cond.value, ensure_ascii=False)}"


def _ls_rows(instrument: Instrument, langs: list[str]) -> list[dict[str, str]]:
    layout = limesurvey_layout(instrument)
    rows: list[dict[str, str]] = [
        {"class": "S", "name": "language", "text": langs[0]},
        {"class": "S", "name": "additional_languages", "text": " ".join(langs[1:])},
        {"class": "S", "name": "format", "text": "G"},
        {"class": "S", "name": "showprogress", "text": "Y"},
        {"class": "S", "name": "allowprev", "text": "Y"},
    ]
    for lang in langs:
        rows.append({"class": "SL", "name": "surveyls_title", "text": instrument.meta.title[lang], "language": lang})
        if instrument.meta.description is not None:
            rows.append({"class": "SL", "name": "surveyls_description",
                         "text": instrument.meta.description[lang], "language": lang})
        rows.append({"class": "SL", "name": "surveyls_endtext", "text": _UI["end"][lang], "language": lang})
    used_codes = {code.lower() for code in layout.question_code} | {code.lower() for code in layout.arrays}
    for index, lang in enumerate(langs):
        primary = index == 0
        for section in instrument.sections:
            asked = [instrument.variable(n) for n in section.variables]
            note_only = not any(v.name in layout.question_code or v.name in layout.array_of for v in asked)
            rows.append(
                {
                    "class": "G",
                    "name": section.title[lang],
                    "relevance": "1" if section.show_if is None else _ls_expression(instrument, section.show_if,
                                                                                    layout),
                    "text": "" if section.intro is None or note_only else section.intro[lang],
                    "language": lang,
                }
            )
            if note_only:
                code = "Note" + _alnum(section.id)
                if code.lower() in used_codes:
                    raise InstrumentError(f"LimeSurvey code {code!r} of section {section.id!r} is already used",
                                          file=instrument.source, value=code)
                text = section.intro or section.title
                rows.append({"class": "Q", "type/scale": "X", "name": code, "relevance": "1", "text": text[lang],
                             "language": lang, "mandatory": "N", "other": "N"})
                continue
            done_arrays: set[str] = set()
            for var in asked:
                if var.name in layout.array_of:
                    block = layout.array_of[var.name][0]
                    if block in done_arrays:
                        continue
                    done_arrays.add(block)
                    rows.extend(_ls_array(instrument, layout, block, lang))
                elif var.name in layout.question_code:
                    rows.extend(_ls_question(instrument, layout, var, lang, primary))
    return rows


def _ls_array(instrument: Instrument, layout: Any, block: str, lang: str) -> list[dict[str, str]]:
    items = [instrument.variable(name) for name in layout.arrays[block]]
    scale = instrument.scales[items[0].scale or ""]
    rows = [
        {
            "class": "Q", "type/scale": "F", "name": block, "relevance": "1",
            "text": _UI["agree_instruction"][lang], "language": lang,
            "mandatory": "Y" if all(v.required for v in items) else "N", "other": "N",
        }
    ]
    for var in items:
        rows.append({
            "class": "SQ", "type/scale": "0", "name": layout.array_of[var.name][1],
            "relevance": "1" if var.show_if is None else _ls_expression(instrument, var.show_if, layout),
            "text": var.text[lang], "language": lang,
        })
    for point in scale.points:
        label = scale.labels.get(point, {code: str(point) for code in LANGS})
        rows.append({"class": "A", "type/scale": "0", "name": str(point), "text": label[lang], "language": lang})
    missing = sorted({code for var in items for code in var.missing_codes})
    for code in missing:
        rows.append({"class": "A", "type/scale": "0", "name": str(code), "text": scale.missing[code][lang],
                     "language": lang})
    return rows


def _ls_question(instrument: Instrument, layout: Any, var: Variable, lang: str, primary: bool) -> list[dict[str, str]]:
    code = layout.question_code[var.name]
    qtype = {"binary": "L", "category": "L", "multi": "M", "integer": "N", "year": "N", "date": "D",
             "text": "S", "identifier": "S", "likert": "L"}[var.type]
    row = {
        "class": "Q", "type/scale": qtype, "name": code,
        "relevance": "1" if var.show_if is None else _ls_expression(instrument, var.show_if, layout),
        "text": var.text[lang], "help": "" if var.hint is None else var.hint[lang], "language": lang,
        "mandatory": "Y" if var.required else "N", "other": "N",
    }
    if var.format == "email":
        row["validation"] = r"/^[^@\s]+@[^@\s]+\.[^@\s]+$/"
    if primary and var.type in ("integer", "year"):
        row["num_value_int_only"] = "1"
        if var.min is not None:
            row["min_num_value_n"] = str(var.min)
        if var.max is not None:
            row["max_num_value_n"] = str(var.max)
    rows = [row]
    if var.type == "multi" and var.choices is not None:
        for choice in instrument.choices[var.choices]:
            rows.append({"class": "SQ", "type/scale": "0", "name": layout.multi_subcode[(var.name, choice.code)],
                         "relevance": "1", "text": choice.label[lang], "language": lang})
    elif var.choices is not None:
        for choice in instrument.choices[var.choices]:
            rows.append({"class": "A", "type/scale": "0", "name": choice.code, "text": choice.label[lang],
                         "language": lang})
    return rows


def _export_limesurvey(instrument: Instrument, langs: list[str]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter="\t", quotechar='"', lineterminator="\r\n")
    writer.writerow(_LS_COLUMNS)
    for row in _ls_rows(instrument, langs):
        writer.writerow([neutralise_cell(row.get(column, "")) for column in _LS_COLUMNS])
    return buffer.getvalue().encode("utf-8")


# ------------------------------------------------------------------------------------ print: HTML, MD


def _printable(instrument: Instrument, lang: str) -> dict[str, Any]:
    """A language-specific outline of the questionnaire shared by the HTML and Markdown renderers."""
    numbers: dict[str, int] = {}
    for var in instrument.variables:
        if var.source != "tool":
            numbers[var.name] = len(numbers) + 1

    def describe(cond: ConditionExpr | None) -> str:
        if cond is None:
            return ""
        return _describe(instrument, instrument.resolve(cond), numbers, lang, top=True)

    sections = []
    for section in instrument.sections:
        blocks: list[dict[str, Any]] = []
        for name in section.variables:
            var = instrument.variable(name)
            if var.source == "tool":
                continue
            entry = {
                "number": numbers[var.name],
                "name": var.name,
                "type": var.type,
                "text": var.text[lang],
                "hint": "" if var.hint is None else var.hint[lang],
                "filter": describe(var.show_if),
                "options": [label[lang] for label in instrument.value_labels(var.name).values()],
            }
            if var.type == "likert":
                scale = instrument.scales[var.scale or ""]
                header = [f"{p} {scale.labels[p][lang]}" if p in scale.labels else str(p) for p in scale.points]
                header += [scale.missing[c][lang] for c in var.missing_codes]
                if blocks and blocks[-1]["kind"] == "likert" and blocks[-1]["scale"] == var.scale:
                    last = blocks[-1]
                    if len(header) > len(last["header"]):
                        last["header"] = header
                    last["items"].append(entry)
                    continue
                blocks.append({"kind": "likert", "scale": var.scale, "header": header, "items": [entry]})
            else:
                blocks.append({"kind": "question", "item": entry})
        for block in blocks:
            if block["kind"] == "likert":
                width = len(block["header"])
                for item in block["items"]:
                    item["cells"] = width
        sections.append(
            {
                "id": section.id,
                "title": section.title[lang],
                "intro": "" if section.intro is None else section.intro[lang],
                "filter": describe(section.show_if),
                "blocks": blocks,
                "instruction": _UI["agree_instruction"][lang] if any(b["kind"] == "likert" for b in blocks) else "",
            }
        )
    return {
        "lang": lang,
        "title": instrument.meta.title[lang],
        "description": "" if instrument.meta.description is None else instrument.meta.description[lang],
        "only_if": _UI["only_if"][lang],
        "several": _UI["several"][lang],
        "statement": _UI["statement"][lang],
        "year": _UI["year"][lang],
        "number": _UI["number"][lang],
        "sections": sections,
    }


def _describe(instrument: Instrument, cond: ConditionExpr, numbers: dict[str, int], lang: str,
              top: bool = False) -> str:
    if isinstance(cond, AllOf | AnyOf):
        parts = cond.all if isinstance(cond, AllOf) else cond.any
        joiner = f" {_UI['and' if isinstance(cond, AllOf) else 'or'][lang]} "
        inner = joiner.join(_describe(instrument, part, numbers, lang) for part in parts)
        return inner if top or len(parts) == 1 else f"({inner})"
    if isinstance(cond, NotOf):
        return f"{_UI['not'][lang]} ({_describe(instrument, cond.not_, numbers, lang, top=True)})"
    assert isinstance(cond, Condition)
    var = instrument.variable(cond.variable)
    ref = f"Q{numbers[var.name]}" if var.name in numbers else var.name
    labels = instrument.value_labels(var.name)
    value = labels[str(cond.value)][lang] if str(cond.value) in labels else str(cond.value)
    if cond.op == "selected":
        return f"« {value} » {_UI['ticked'][lang]} (Q{numbers.get(var.name, '?')})" if lang == "fr" else \
            f"“{value}” {_UI['ticked'][lang]} (Q{numbers.get(var.name, '?')})"
    symbol = {"==": "=", "!=": "≠", "<": "<", "<=": "≤", ">": ">", ">=": "≥"}[cond.op]
    return f"{ref} {symbol} {value}"


_HTML_TEMPLATE = """<!DOCTYPE html>
<html lang="{{ docs[0].lang }}">
<head>
<meta charset="utf-8">
<title>{{ docs[0].title }}</title>
<style>
body { font-family: "DejaVu Sans", Arial, sans-serif; font-size: 11pt; margin: 2em; color: #111; }
h1 { font-size: 16pt; } h2 { font-size: 13pt; margin-top: 1.6em; border-bottom: 1px solid #999; }
.filter { font-style: italic; color: #444; } .hint { font-size: 9pt; color: #444; }
table.likert { border-collapse: collapse; width: 100%; margin: .6em 0; page-break-inside: avoid; }
table.likert th, table.likert td { border: 1px solid #999; padding: 3px; font-size: 9pt; text-align: center; }
table.likert td.item { text-align: left; width: 40%; font-size: 10pt; }
.question { margin: .8em 0; page-break-inside: avoid; } .box { margin-right: 1.2em; white-space: nowrap; }
.answer { display: inline-block; min-width: 12em; border-bottom: 1px solid #333; height: 1.2em; }
section.language { page-break-after: always; }
@media print { body { margin: 0; } }
</style>
</head>
<body>
{% for doc in docs %}
<section class="language" lang="{{ doc.lang }}">
<h1>{{ doc.title }}</h1>
{% if doc.description %}<p>{{ doc.description }}</p>{% endif %}
{% for section in doc.sections %}
<h2 id="{{ doc.lang }}-{{ section.id }}">{{ section.title }}</h2>
{% if section.filter %}<p class="filter">({{ doc.only_if }} {{ section.filter }})</p>{% endif %}
{% if section.intro %}<p>{{ section.intro }}</p>{% endif %}
{% if section.instruction %}<p>{{ section.instruction }}</p>{% endif %}
{% for block in section.blocks %}
{% if block.kind == "likert" %}
<table class="likert">
<thead><tr><th>{{ doc.statement }}</th>{% for label in block.header %}<th>{{ label }}</th>{% endfor %}</tr></thead>
<tbody>
{% for item in block["items"] %}<tr><td class="item">Q{{ item.number }}. {{ item.text }}
{%- if item.filter %} <span class="filter">({{ doc.only_if }} {{ item.filter }})</span>{% endif %}</td>
{%- for _ in range(block.header|length) %}<td>&#9744;</td>{% endfor %}</tr>
{% endfor %}</tbody>
</table>
{% else %}{% set item = block.item %}
<div class="question">
<p><strong>Q{{ item.number }}.</strong> {{ item.text }}
{%- if item.filter %} <span class="filter">({{ doc.only_if }} {{ item.filter }})</span>{% endif %}</p>
{% if item.hint %}<p class="hint">{{ item.hint }}</p>{% endif %}
{% if item.type in ("binary", "category", "multi") %}<p>
{%- for option in item.options %}<span class="box">&#9744; {{ option }}</span> {% endfor %}</p>
{% elif item.type == "year" %}<p>{{ doc.year }} : <span class="answer"></span></p>
{% elif item.type == "integer" %}<p>{{ doc.number }} : <span class="answer"></span></p>
{% else %}<p><span class="answer"></span></p>{% endif %}
</div>
{% endif %}
{% endfor %}
{% endfor %}
</section>
{% endfor %}
</body>
</html>
"""


def _export_html(instrument: Instrument, langs: list[str]) -> bytes:
    import jinja2

    env = jinja2.Environment(autoescape=True, undefined=jinja2.StrictUndefined)
    template = env.from_string(_HTML_TEMPLATE)
    return template.render(docs=[_printable(instrument, lang) for lang in langs]).encode("utf-8")


_MD_SPECIAL = re.compile(r"([\\`*_\[\]{}<>#|!])")


def _md(text: str) -> str:
    """Escape Markdown and raw HTML in a label."""
    return _MD_SPECIAL.sub(r"\\\1", html.escape(text, quote=False)).replace("\n", " ")


def _export_markdown(instrument: Instrument, langs: list[str]) -> bytes:
    lines: list[str] = []
    for index, lang in enumerate(langs):
        doc = _printable(instrument, lang)
        if index:
            lines += ["", "---", ""]
        lines += [f"# {_md(doc['title'])}", ""]
        if doc["description"]:
            lines += [_md(doc["description"]), ""]
        for section in doc["sections"]:
            lines += [f"## {_md(section['title'])}", ""]
            if section["filter"]:
                lines += [f"*({doc['only_if']} {_md(section['filter'])})*", ""]
            if section["intro"]:
                lines += [_md(section["intro"]), ""]
            if section["instruction"]:
                lines += [_md(section["instruction"]), ""]
            for block in section["blocks"]:
                if block["kind"] == "likert":
                    header = [doc["statement"], *block["header"]]
                    lines.append("| " + " | ".join(_md(h) for h in header) + " |")
                    lines.append("|" + "---|" * len(header))
                    for item in block["items"]:
                        text = f"Q{item['number']}. {_md(item['text'])}"
                        if item["filter"]:
                            text += f" *({doc['only_if']} {_md(item['filter'])})*"
                        lines.append("| " + text + " |" + " ☐ |" * len(block["header"]))
                    lines.append("")
                    continue
                item = block["item"]
                text = f"**Q{item['number']}.** {_md(item['text'])}"
                if item["filter"]:
                    text += f" *({doc['only_if']} {_md(item['filter'])})*"
                lines += [text, ""]
                if item["hint"]:
                    lines += [f"> {_md(item['hint'])}", ""]
                if item["type"] in ("binary", "category", "multi"):
                    lines += [f"- ☐ {_md(option)}" for option in item["options"]] + [""]
                elif item["type"] == "year":
                    lines += [f"{doc['year']} : ________", ""]
                elif item["type"] == "integer":
                    lines += [f"{doc['number']} : ________", ""]
                else:
                    lines += ["________________________________", ""]
    return ("\n".join(lines).rstrip() + "\n").encode("utf-8")


# ----------------------------------------------------------------------------------------- codebooks


def _export_codebook_json(instrument: Instrument) -> bytes:
    document = {
        "instrument": {
            "id": instrument.meta.id,
            "version": instrument.meta.version,
            "title": instrument.meta.title,
            "default_language": instrument.meta.default_language,
            "languages": list(LANGS),
        },
        "constructs": {
            code: {
                "label": c.label,
                "level": c.level,
                "answered_by": c.answered_by,
                "min_items": c.min_items,
                "scale": c.scale,
                "items": [v.name for v in instrument.items(code)],
                "reverse_items": [v.name for v in instrument.items(code) if v.reverse],
            }
            for code, c in instrument.constructs.items()
        },
        "variables": codebook_records(instrument),
    }
    return (json.dumps(document, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def _csv_cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, list):
        return ";".join(str(v) for v in value)
    return str(value)


def _export_codebook_csv(instrument: Instrument) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")  # \r\n so that a \r inside a label is quoted
    writer.writerow(CODEBOOK_COLUMNS)
    for record in codebook_records(instrument):
        writer.writerow([neutralise_cell(_csv_cell(record[column])) for column in CODEBOOK_COLUMNS])
    return buffer.getvalue().encode("utf-8-sig")


def read_codebook(payload: bytes, fmt: str) -> list[dict[str, Any]]:
    """Read a codebook written by :func:`export_instrument` back into records (the inverse of the export).

    Parameters
    ----------
    payload
        The bytes of a ``codebook-json`` or ``codebook-csv`` export.
    fmt
        ``"codebook-json"`` or ``"codebook-csv"``.

    Returns
    -------
    list of dict
        Equal to :func:`alliance_stats.instrument.codebook.codebook_records` of the exported instrument.

    References
    ----------
    docs/design.md section 3 (the codebook); the ``codebook-json`` export of :func:`export_instrument`.

    Examples
    --------
    >>> from alliance_stats.instrument import default_instrument
    >>> from alliance_stats.instrument.codebook import codebook_records
    >>> inst = default_instrument()
    >>> read_codebook(export_instrument(inst, "codebook-json"), "codebook-json") == codebook_records(inst)
    True
    """
    if fmt == "codebook-json":
        return list(json.loads(payload.decode("utf-8"))["variables"])
    if fmt != "codebook-csv":
        raise InstrumentError(f"not a codebook format: {fmt!r}", value=fmt,
                              fix="use codebook-json or codebook-csv")
    reader = csv.reader(io.StringIO(payload.decode("utf-8-sig"), newline=""))
    header = next(reader)
    records = []
    ints = {"position", "scale_min", "scale_max", "attention_expected"}
    bools = {"reverse", "personal", "required"}
    for cells in reader:
        record: dict[str, Any] = {}
        for column, cell in zip(header, cells, strict=True):
            cell = restore_cell(cell)
            if column in ints:
                record[column] = int(cell) if cell != "" else None
            elif column in bools:
                record[column] = cell == "true"
            elif column in ("value_labels_fr", "value_labels_en"):
                record[column] = json.loads(cell) if cell else {}
            elif column == "missing_codes":
                record[column] = [int(v) for v in cell.split(";")] if cell else []
            elif column in ("construct", "scale", "choices") and cell == "":
                record[column] = None
            else:
                record[column] = cell
        records.append(record)
    return records


# ----------------------------------------------------------------------------------------------- SAV


def _export_sav(instrument: Instrument, langs: list[str]) -> bytes:
    import pyreadstat

    lang = langs[0]
    columns: dict[str, pd.Series] = {}
    labels: dict[str, str] = {}
    value_labels: dict[str, dict[Any, str]] = {}
    missing: dict[str, list[Any]] = {}
    measure: dict[str, str] = {}
    formats: dict[str, str] = {}
    for var in instrument.variables:
        labels[var.name] = xml_safe(var.text[lang])
        var_labels = instrument.value_labels(var.name)
        numeric_codes = all(re.fullmatch(r"-?\d+", code) for code in var_labels)
        if var.type in ("likert", "binary", "integer", "year") or (var.type == "category" and numeric_codes):
            columns[var.name] = pd.Series([], dtype="float64")
            formats[var.name] = "F8.0"
            if var_labels:
                value_labels[var.name] = {float(code): xml_safe(text[lang]) for code, text in var_labels.items()}
            if var.missing_codes:
                missing[var.name] = [float(code) for code in var.missing_codes]
            measure[var.name] = {"likert": "ordinal", "integer": "scale", "year": "scale"}.get(var.type, "nominal")
        elif var.type == "date":
            columns[var.name] = pd.Series([], dtype="datetime64[ns]")
            formats[var.name] = "DATE11"
            measure[var.name] = "scale"
        else:
            width = 255
            if var.type == "category":
                width = max(8, max(len(code.encode("utf-8")) for code in var_labels))
                value_labels[var.name] = {code: xml_safe(text[lang]) for code, text in var_labels.items()}
            columns[var.name] = pd.Series([], dtype="object")
            formats[var.name] = f"A{width}"
            measure[var.name] = "nominal"
    frame = pd.DataFrame(columns)
    fd, path = tempfile.mkstemp(suffix=".sav")
    os.close(fd)
    try:
        pyreadstat.write_sav(
            frame,
            path,
            file_label=xml_safe(instrument.meta.title[lang])[:64],
            column_labels=labels,
            variable_value_labels=value_labels,
            missing_ranges=missing,
            variable_measure=measure,
            variable_format=formats,
        )
        with open(path, "rb") as handle:
            return handle.read()
    finally:
        os.unlink(path)


# -------------------------------------------------------------------------------------------- public


def export_instrument(instrument: Instrument, fmt: str, lang: str = "both") -> bytes:
    """Render the instrument in one export format.

    Parameters
    ----------
    instrument
        A loaded :class:`~alliance_stats.instrument.model.Instrument`.
    fmt
        One of :data:`EXPORT_FORMATS`: ``xlsform``, ``limesurvey``, ``html``, ``markdown``,
        ``codebook-json``, ``codebook-csv``, ``sav``.
    lang
        ``fr``, ``en`` or ``both`` (see the module docstring for what ``both`` means in each format).

    Returns
    -------
    bytes
        The file content (UTF-8 for text formats; ``.xlsx`` and ``.sav`` binaries).

    Raises
    ------
    InstrumentError
        Unknown format or language, or an instrument that a tool's naming rules cannot represent.

    References
    ----------
    XLSForm specification (https://xlsform.org) and pyxform 4.5; LimeSurvey manual, "Tab Separated Value import and
    export of survey structure"; IBM SPSS Statistics ``.sav`` format via pyreadstat 1.3.

    Examples
    --------
    >>> from alliance_stats.instrument import default_instrument
    >>> xlsx = export_instrument(default_instrument(), "xlsform", "both")
    >>> xlsx[:2]
    b'PK'
    """
    _check_args(fmt, lang)
    langs = _langs(instrument, lang)
    renderers: dict[str, Callable[[], bytes]] = {
        "xlsform": lambda: _export_xlsform(instrument, langs),
        "limesurvey": lambda: _export_limesurvey(instrument, langs),
        "html": lambda: _export_html(instrument, langs),
        "markdown": lambda: _export_markdown(instrument, langs),
        "codebook-json": lambda: _export_codebook_json(instrument),
        "codebook-csv": lambda: _export_codebook_csv(instrument),
        "sav": lambda: _export_sav(instrument, langs),
    }
    payload = renderers[fmt]()
    if fmt in ("html", "markdown", "limesurvey"):  # no control character reaches a page or a survey tool
        return xml_safe(payload.decode("utf-8")).encode("utf-8")
    # xlsform and sav: their text went through xml_safe cell by cell; the codebooks are exact data
    # dictionaries (JSON escapes control characters, the CSV round-trips them: read_codebook)
    return payload
