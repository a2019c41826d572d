"""Read a responses file in any supported format into the canonical responses frame.

Supported formats (chosen by the file extension)

===================  ==========================================================================================
``.csv .tsv .txt``   delimited text: delimiter ``,`` ``;`` or tab (detected); decimal comma accepted in numeric
                     answers (``4,0``); encodings UTF-8, UTF-8 with BOM, UTF-16 with BOM (Excel "Unicode text"),
                     Windows-1252 / Latin-1 (French Excel exports); the KoboToolbox / ODK export of our XLSForm
                     (``;`` delimiter, ``group/question`` headers, codes or labels, select_multiple as a summary
                     column and/or one 0/1 column per option, tool metadata columns).
``.xlsx .xlsm``      the sheet named ``responses`` (or ``réponses``), else the first sheet if its first row holds
                     variable names; ``sheet=`` picks another one.
``.sav .zsav``       SPSS (pyreadstat); user-missing codes such as 99 are kept as codes (``user_missing=True``)
                     so that :func:`check_responses` counts them as declared missing answers.
``.dta``             Stata (pyreadstat); Stata's own missing values (``.``, ``.a``-``.z``) become NaN.
===================  ==========================================================================================

The canonical frame (every format gives the same frame for the same answers)

- one row per data row of the file, in file order (``RangeIndex``; data row ``r`` of the file is
  ``frame.iloc[r - 1]``), trailing blank rows dropped;
- columns named and ordered as the instrument's variables; headers are matched case-insensitively, after
  stripping survey-tool group prefixes (``grp_link/LINK_1``, ``grp-link-LINK_1``) or as question labels (fr or
  en); tool metadata columns (Kobo/ODK/LimeSurvey: ``_uuid``, ``start``, ``ipaddr``, ``token``, ...) are
  dropped; columns the instrument does not know are dropped from the frame and listed in
  ``frame.attrs["unknown_columns"]`` (:func:`check_responses` reports them as errors);
- numeric variables (likert, binary, integer, year, category with numeric codes) as ``float64``; answer
  labels (``"Tout à fait d'accord"``, ``"Oui"``) are mapped back to their codes with the instrument's labels
  in French or English; a cell that is neither a number nor a label is kept as text (the column then has
  dtype ``object``) so that :func:`check_responses` can report it with its row and value;
- text, identifiers and categories with text codes (``role``, ``LANG``) as ``str``; ``multi`` variables as
  the selected codes separated by one space in the choice list's order (``"skills money"``), rebuilt from
  the 0/1 option columns when the summary column is absent; dates as ``datetime64[ns]``;
- personal variables (``personal: true``) replaced by salted pseudonyms (:mod:`.privacy`) and e-mail
  addresses typed into any other cell scrubbed: no name or e-mail leaves the reader;
- ``frame.attrs``: ``source`` (file name, format, SHA-256 of the bytes, encoding, delimiter, sheet),
  ``unknown_columns``, ``metadata_columns``, ``pseudonymised``, ``emails_scrubbed``, ``missing_words`` (cells of
  a numeric variable holding a missing-value word, ``NA``, ``N/A``, ``#N/A``, ``-``, ``.``, ``nan``, ``null``,
  ``#NULL!``, read as missing: ``{"row": 0-based, "column", "value"}``) and ``uncomputed_formulas`` (workbook
  formula cells saved without a computed value, read as empty); :func:`check_responses` reports both as warnings.

The input file is only ever read (its bytes are read once; nothing is written).

Errors: :class:`~alliance_stats.core.errors.ReadError` naming the file, the 1-based data row, the column, the value
and the fix (file missing or empty, header only, undecodable bytes, unknown extension, missing sheet, a row
with more values than the header, two columns holding the same variable, a 0/1 option column with another
value).

Example
-------
>>> import tempfile, pathlib
>>> from alliance_stats.instrument import default_instrument
>>> inst = default_instrument()
>>> path = pathlib.Path(tempfile.mkdtemp()) / "r.csv"
>>> _ = path.write_text("resp_id;dyad_id;role;LINK_1;RESP_NAME\\nr1;d1;a;Tout à fait d'accord;Zoé\\n",
...                     encoding="cp1252")
>>> df = read_responses(path, inst, salt="k")
>>> df.loc[0, "LINK_1"], df.loc[0, "RESP_NAME"].startswith("ps_")
(np.float64(7.0), True)

Reference: pandas 3.1 I/O conventions; openpyxl 3.1 (read-only mode); pyreadstat 1.3 (``read_sav``,
``read_dta``); KoboToolbox "Exporting and downloading your data" (CSV with ``;``, group separator ``/``,
select_multiple split columns); XLSForm specification.
"""

from __future__ import annotations

import codecs
import csv
import hashlib
import io
import math
import re
import unicodedata
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from alliance_stats.core.errors import ReadError
from alliance_stats.data.privacy import pseudonymise, scrub_emails
from alliance_stats.instrument import Instrument, Variable
from alliance_stats.instrument.skiplogic import is_blank as _is_blank
from alliance_stats.instrument.skiplogic import is_numeric_variable

#: Longest text cell read (characters): Python's csv module's own limit, kept for every format so that a runaway
#: cell (a whole file pasted into one answer, a missing closing quote) is named with its row and column.
MAX_CELL_CHARS = 131_072

__all__ = ["read_responses", "SUPPORTED_EXTENSIONS", "NUMERIC_TYPES", "is_numeric_variable", "TOOL_METADATA"]

SUPPORTED_EXTENSIONS: dict[str, str] = {
    ".csv": "csv",
    ".tsv": "csv",
    ".txt": "csv",
    ".xlsx": "xlsx",
    ".xlsm": "xlsx",
    ".sav": "sav",
    ".zsav": "sav",
    ".dta": "dta",
}
NUMERIC_TYPES = ("likert", "binary", "integer", "year")
_NA_TOKENS = {"na", "n/a", "#n/a", ".", "nan", "null", "#null!", "-"}
_TRUE_TOKENS = {"1", "true", "vrai", "oui", "yes", "x"}
_FALSE_TOKENS = {"0", "false", "faux", "non", "no"}
_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")
_DECIMAL_COMMA = re.compile(r"^[+-]?\d+,\d+$")
_SEPARATORS = re.compile(r"[/\-.:>]")
_SHEET_NAMES = ("responses", "réponses", "reponses")

#: Survey-tool metadata columns dropped on read (KoboToolbox, ODK Central/Briefcase, LimeSurvey), compared
#: case-insensitively after removing group prefixes. Several of them are personal data (``username``,
#: ``ipaddr``, ``token``, ``SubmitterName``): dropping them keeps them out of every output.
TOOL_METADATA = frozenset(
    name.casefold()
    for name in (
        "start", "end", "today", "deviceid", "username", "phonenumber", "simserial", "subscriberid", "audit",
        "_id", "_uuid", "_submission_time", "_validation_status", "_notes", "_status", "_submitted_by",
        "__version__", "_version_", "_tags", "_index", "_parent_index", "_parent_table_name", "_attachments",
        "_geolocation", "_xform_id_string", "_media_count", "_total_media", "_media_all_received",
        "instanceID", "instanceName", "rootUuid", "deprecatedID", "uuid", "formhub", "KEY", "SubmissionDate",
        "SubmitterID", "SubmitterName", "AttachmentsPresent", "AttachmentsExpected", "Status", "ReviewState",
        "DeviceID", "Edits", "FormVersion", "id", "submitdate", "lastpage", "startlanguage", "seed",
        "startdate", "datestamp", "ipaddr", "refurl", "token",
    )
)
#: Metadata columns that can stand in for ``resp_id`` when the file has none (first found wins).
_RESP_ID_FALLBACK = ("_uuid", "instanceid", "key", "_id", "id")


def _norm_label(text: str) -> str:
    text = unicodedata.normalize("NFC", str(text)).replace("\u2019", "'").replace("\u00a0", " ")
    return " ".join(text.split()).casefold()


# ------------------------------------------------------------------------------------------ raw tables


@dataclass
class _RawTable:
    """Headers and column-major cells as read from the file (strings for text files)."""

    headers: list[str]
    columns: list[list[Any]]
    n_rows: int
    info: dict[str, Any] = field(default_factory=dict)
    #: (0-based data row, header) of workbook formula cells saved without a computed value (read as empty)
    uncomputed: list[tuple[int, str]] = field(default_factory=list)


def _rows_to_table(rows: list[list[Any]], file: str, info: dict[str, Any]) -> _RawTable:
    """Header row + data rows -> _RawTable, with the structural checks shared by CSV and XLSX.

    ``rows`` is consumed: it is emptied once the columns are built, so that the row lists and the column lists
    are not held together (at 100,000 dyads each holds one reference per cell)."""

    def blank_row(row: list[Any]) -> bool:
        return all(_is_blank(c) for c in row)

    while rows and blank_row(rows[-1]):
        rows.pop()
    if not rows:
        raise ReadError(
            "the file holds no data: not even a header row", file=file,
            fix="export the responses again; the first row must hold the variable names (resp_id, dyad_id, ...)",
        )
    header = ["" if _is_blank(h) else str(h).strip().lstrip("\ufeff") for h in rows[0]]
    data = rows[1:]
    if not data:
        raise ReadError(
            "the file has a header row but no data rows", file=file,
            fix="export the responses again including the answers, or check that you chose the right file",
        )
    if info.pop("longest_possible", MAX_CELL_CHARS + 1) > MAX_CELL_CHARS:
        _check_cell_lengths(rows, file)
    width = len(header)
    delimiter = info.get("delimiter")
    for i, row in enumerate(data, start=1):
        if len(row) > width and not blank_row(row[width:]):
            # no cell value in this message: the shifted cells may be names or e-mail addresses
            fix = "remove the stray values or add a header for that column"
            if delimiter == ",":
                fix = (
                    "a value with a decimal comma or a comma in a text answer must be quoted; or save the file "
                    "with ';' as the delimiter (French Excel: 'CSV (séparateur : point-virgule)')"
                )
            raise ReadError(
                f"this data row has {len(row)} values but the header has {width} columns", file=file, row=i,
                fix=fix,
            )
        if 0 < len(row) < width and not blank_row(row) and info.get("format") == "csv":
            raise ReadError(
                f"this data row has {len(row)} values but the header has {width} columns", file=file, row=i,
                fix="check for a missing delimiter or a line break inside an unquoted text answer",
            )
    columns: list[list[Any]] = [[row[j] if j < len(row) else None for row in data] for j in range(width)]
    n_rows = len(data)
    data.clear()
    rows.clear()
    keep_headers: list[str] = []
    keep_columns: list[list[Any]] = []
    seen: dict[str, int] = {}
    for j, (name, values) in enumerate(zip(header, columns, strict=True)):
        if not name:
            first = next((i for i, v in enumerate(values, start=1) if not _is_blank(v)), None)
            if first is not None:
                raise ReadError(
                    f"column {j + 1} has values but no name in the header row", file=file, row=first,
                    fix="give the column its variable name or delete it",
                )
            continue
        key = name.casefold()
        if key in seen:
            raise ReadError(
                f"the header names column {name!r} twice (columns {seen[key] + 1} and {j + 1})", file=file,
                column=name, fix="rename or delete one of the two columns",
            )
        seen[key] = j
        keep_headers.append(name)
        keep_columns.append(values)
    return _RawTable(keep_headers, keep_columns, n_rows, info)


def _check_cell_lengths(rows: list[list[Any]], file: str) -> None:
    """Refuse a text cell longer than :data:`MAX_CELL_CHARS`, naming its row and column (not its value)."""
    header = rows[0]
    for i, row in enumerate(rows):
        for j, cell in enumerate(row):
            if isinstance(cell, str) and len(cell) > MAX_CELL_CHARS:
                name = str(header[j]).strip() if i and j < len(header) and not _is_blank(header[j]) else None
                raise ReadError(
                    f"a cell holds {len(cell):,} characters, more than the {MAX_CELL_CHARS:,} a text answer may have"
                    + ("" if i else " (in the header row)"),
                    file=file, row=i or None, column=name or f"column {j + 1}",
                    fix="shorten the answer; if the cell swallowed the rest of the file, close the quote (\") that "
                        "opens it",
                )


def _decode_text(data: bytes, file: str) -> tuple[str, str]:
    if data.startswith(b"PK\x03\x04"):
        raise ReadError(
            "this is a zip file (an Excel .xlsx workbook?), not a delimited text file", file=file,
            fix="give the file its real extension (.xlsx) or export it as CSV",
        )
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16"), "utf-16"
        except UnicodeDecodeError as exc:
            raise ReadError("the file starts with a UTF-16 mark but is not valid UTF-16", file=file,
                            fix="save it again as 'CSV UTF-8'") from exc
    try:
        text = data.decode("utf-8-sig")
        encoding = "utf-8-sig" if data.startswith(codecs.BOM_UTF8) else "utf-8"
    except UnicodeDecodeError:
        try:
            text = data.decode("cp1252")
            encoding = "cp1252"
        except UnicodeDecodeError as exc:
            line = data[: exc.start].count(b"\n") + 1
            raise ReadError(
                f"the bytes at line {line} are neither UTF-8 nor Windows-1252 / Latin-1 text", file=file,
                row=line - 1 if line > 1 else None, value=data[exc.start : exc.start + 1].hex(" "),
                fix="save the file as 'CSV UTF-8' from your spreadsheet or survey tool",
            ) from exc
    if "\x00" in text:
        line = text[: text.index("\x00")].count("\n") + 1
        raise ReadError(
            "the file contains NUL bytes: it is not a text file", file=file, row=line - 1 if line > 1 else None,
            fix="check the file extension (an .xlsx, .sav or .dta file renamed .csv?)",
        )
    return text, encoding


def _count_outside_quotes(line: str, char: str) -> int:
    count, quoted = 0, False
    for c in line:
        if c == '"':
            quoted = not quoted
        elif c == char and not quoted:
            count += 1
    return count


def _parse_csv(text: str, delimiter: str, file: str) -> list[list[str]]:
    # csv's field limit (131,072) is global and its error names no row: lift it while parsing (a cell cannot be
    # longer than the text) and let _check_cell_lengths name the row and column of a long cell
    previous = csv.field_size_limit()
    csv.field_size_limit(max(previous, len(text) + 1))
    try:
        return list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=False))
    except csv.Error as exc:  # pragma: no cover - csv.reader with strict=False rarely raises
        raise ReadError(f"the file is not valid delimited text ({exc})", file=file,
                        fix="export it again as CSV") from exc
    finally:
        csv.field_size_limit(previous)


def _read_csv(data: bytes, file: str) -> _RawTable:
    if not data.strip():
        raise ReadError("the file is empty", file=file,
                        fix="export the responses again; the first row must hold the variable names")
    text, encoding = _decode_text(data, file)
    if not text.strip():
        raise ReadError("the file is empty", file=file,
                        fix="export the responses again; the first row must hold the variable names")
    first_line = text.lstrip("\r\n").splitlines()[0]
    counts = {d: _count_outside_quotes(first_line, d) for d in ("\t", ";", ",")}
    candidates = sorted((d for d in counts if counts[d] > 0), key=lambda d: -counts[d])
    if not candidates:
        raise ReadError(
            "the header row has a single column: the delimiter is not a comma, a semicolon or a tab", file=file,
            value=first_line[:60], fix="export the file as CSV with ',' or ';' as the delimiter",
        )
    chosen, rows = candidates[0], None
    for delim in candidates:
        parsed = _parse_csv(text, delim, file)
        body = [r for r in parsed[1:101] if r]
        if parsed and all(len(r) == len(parsed[0]) for r in body):
            chosen, rows = delim, parsed
            break
    if rows is None:
        rows = _parse_csv(text, chosen, file)
    info = {"format": "csv", "encoding": encoding, "delimiter": chosen, "longest_possible": len(text)}
    del parsed
    return _rows_to_table(rows, file, info)  # csv.reader's rows are lists already: no copy (issue 17: memory)


def _sheet_has_variables(ws: Any, resolver: _HeaderResolver) -> bool:
    for row in ws.iter_rows(min_row=1, max_row=1, values_only=True):
        return any(resolver.resolve(str(c))[0] in ("variable", "option") for c in row if not _is_blank(c))
    return False


def _read_xlsx(data: bytes, file: str, resolver: _HeaderResolver, sheet: str | None) -> _RawTable:
    import openpyxl
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        wb = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError, ValueError, TypeError) as exc:
        raise ReadError(
            f"not a readable .xlsx workbook ({type(exc).__name__})", file=file,
            fix="open it in Excel or LibreOffice and save it again as .xlsx (Excel workbook)",
        ) from exc
    try:
        names = list(wb.sheetnames)
        found = ", ".join(repr(n) for n in names)
        if sheet is not None:
            chosen = next((n for n in names if n.casefold() == sheet.casefold()), None)
            if chosen is None:
                raise ReadError(
                    f"the workbook has no sheet named {sheet!r}; sheets found: {found}", file=file, value=sheet,
                    fix="pass the name of the sheet that holds the responses",
                )
        else:
            chosen = next((n for n in names if n.strip().casefold() in _SHEET_NAMES), None)
            if chosen is None and names and _sheet_has_variables(wb[names[0]], resolver):
                chosen = names[0]
            if chosen is None:
                raise ReadError(
                    "the workbook has no sheet named 'responses' and its first sheet does not start with a row of "
                    f"variable names; sheets found: {found}", file=file,
                    fix="name the sheet that holds the responses 'responses' (or make it the first sheet)",
                )
        rows = [list(r) for r in wb[chosen].iter_rows(values_only=True)]
    finally:
        wb.close()
    header = list(rows[0]) if rows else []
    uncomputed = _uncomputed_formulas(data, chosen, rows)
    table = _rows_to_table(rows, file, {"format": "xlsx", "sheet": chosen})
    table.uncomputed = [(i, str(header[j]).strip()) for i, j in uncomputed
                        if j < len(header) and not _is_blank(header[j])]
    return table


def _uncomputed_formulas(data: bytes, sheet: str, values: list[list[Any]]) -> list[tuple[int, int]]:
    """(0-based data row, column) of formula cells that have no cached value: openpyxl (as Excel's own viewers
    without recalculation) reads them as empty, so a workbook written by a script and never opened in Excel loses
    those answers silently. The sheet is read a second time, formulas as text, only when it holds a formula."""
    import openpyxl

    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        if not any(b"<f" in archive.read(name) for name in archive.namelist()
                   if name.startswith("xl/worksheets/") and name.endswith(".xml")):
            return []
    wb = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    try:
        found = []
        for r, row in enumerate(wb[sheet].iter_rows(values_only=True)):
            for j, cell in enumerate(row):
                if (r > 0 and isinstance(cell, str) and cell.startswith("=") and r < len(values)
                        and j < len(values[r]) and values[r][j] is None):
                    found.append((r - 1, j))
        return found
    finally:
        wb.close()


def _read_stat(data: bytes, file: str, kind: str) -> _RawTable:
    import pyreadstat

    reader = pyreadstat.read_sav if kind == "sav" else pyreadstat.read_dta
    label = "SPSS" if kind == "sav" else "Stata"
    try:
        frame, _meta = reader(io.BytesIO(data), apply_value_formats=False, user_missing=kind == "sav")
    except Exception as exc:  # pyreadstat raises ReadstatError/PyreadstatError and OSError subclasses
        raise ReadError(
            f"not a readable {label} file ({type(exc).__name__}: {exc})", file=file,
            fix=f"save the data again from {label} (or export them as CSV)",
        ) from exc
    if frame.shape[1] == 0:
        raise ReadError(f"the {label} file holds no variables", file=file, fix="export the responses again")
    if frame.shape[0] == 0:
        raise ReadError(f"the {label} file has variables but no cases (rows)", file=file,
                        fix="export the responses again including the answers")
    headers = [str(c) for c in frame.columns]
    columns = [frame[c].tolist() for c in frame.columns]
    return _rows_to_table([headers, *map(list, zip(*columns, strict=True))], file, {"format": kind})


# --------------------------------------------------------------------------------------- header names


class _HeaderResolver:
    """Map a file header to an instrument variable, a multi-choice option column, tool metadata or unknown."""

    def __init__(self, instrument: Instrument) -> None:
        self.instrument = instrument
        self.by_name = {v.name.casefold(): v.name for v in instrument.variables}
        labels: dict[str, set[str]] = {}
        for var in instrument.variables:
            for text in var.text.values():
                labels.setdefault(_norm_label(text), set()).add(var.name)
        self.by_label = {k: next(iter(v)) for k, v in labels.items() if len(v) == 1}
        self.options: dict[str, dict[str, str]] = {}
        for var in instrument.variables:
            if var.type == "multi" and var.choices is not None:
                table: dict[str, str] = {}
                for choice in instrument.choices[var.choices]:
                    table[choice.code.casefold()] = choice.code
                    for text in choice.label.values():
                        table[_norm_label(text)] = choice.code
                self.options[var.name] = table

    def _variable(self, text: str) -> str | None:
        return self.by_name.get(text.strip().casefold())

    def _option(self, var_text: str, option_text: str) -> tuple[str, str] | None:
        name = self._variable(var_text) or self.by_label.get(_norm_label(var_text))
        if name in self.options:
            code = self.options[name].get(option_text.strip().casefold()) or self.options[name].get(
                _norm_label(option_text))
            if code is not None:
                return name, code
        return None

    def resolve(self, header: str) -> tuple[str, str | None, str | None]:
        """``(kind, variable, option)`` with kind one of variable, option, metadata, unknown."""
        h = header.strip()
        name = self._variable(h)
        if name is not None:
            return "variable", name, None
        parts = [p for p in _SEPARATORS.split(h) if p.strip()]
        if len(parts) > 1:
            name = self._variable(parts[-1])
            if name is not None:
                return "variable", name, None
            found = self._option(parts[-2], parts[-1])
            if found is not None:
                return "option", found[0], found[1]
        for multi in self.options:
            prefix = multi.casefold() + "_"
            if h.casefold().startswith(prefix):
                found = self._option(multi, h[len(prefix):])
                if found is not None:
                    return "option", found[0], found[1]
        label = self.by_label.get(_norm_label(h))
        if label is not None:
            return "variable", label, None
        slash = h.split("/")
        for k in range(1, len(slash)):  # "group label/question label" (a label may itself hold a '/')
            label = self.by_label.get(_norm_label("/".join(slash[k:])))
            if label is not None:
                return "variable", label, None
            for m in range(k + 1, len(slash)):  # "group label/question label/option label"
                found = self._option("/".join(slash[k:m]), "/".join(slash[m:]))
                if found is not None:
                    return "option", found[0], found[1]
        last = parts[-1] if parts else h
        if h.casefold() in TOOL_METADATA or last.casefold() in TOOL_METADATA or h.startswith("_"):
            return "metadata", None, None
        return "unknown", None, None


# ------------------------------------------------------------------------------------ value conversion


def _number(value: Any) -> float | None:
    """``value`` as a finite float, or None when it is not a number."""
    if isinstance(value, bool | np.bool_):
        return float(value)
    if isinstance(value, int | float | np.integer | np.floating):
        number = float(value)
        return number if math.isfinite(number) else None
    if isinstance(value, str):
        text = value.strip()
        if _NUMBER.match(text):
            return float(text)
        if _DECIMAL_COMMA.match(text):
            return float(text.replace(",", "."))
    return None


def _as_text(value: Any) -> str:
    if isinstance(value, float | np.floating) and float(value).is_integer():
        return str(int(value))
    if isinstance(value, datetime | date | pd.Timestamp):
        return value.isoformat()
    return str(value).strip()


def _label_codes(var: Variable, instrument: Instrument) -> dict[str, str]:
    """Normalised label (fr and en) and code -> code (as text) for the variable's answers."""
    table: dict[str, str] = {}
    for code, labels in instrument.value_labels(var.name).items():
        for text in labels.values():
            table.setdefault(_norm_label(text), code)
    return table


def _convert_numeric(values: list[Any], var: Variable, instrument: Instrument,
                     na_words: list[int] | None = None) -> pd.Series:
    """Numbers and answer labels to codes; the rows of cells holding a missing-value word (``NA``, ``-``, ...)
    are appended to ``na_words``. A text cell is converted once per distinct text (a column of answers holds a
    few: the scale's points and blanks)."""
    labels = _label_codes(var, instrument)
    out: list[Any] = []
    text_found = False
    seen: dict[str, tuple[Any, str]] = {}
    for i, value in enumerate(values):
        if type(value) is str:
            cell = seen.get(value)
            if cell is None:
                cell = seen[value] = _numeric_cell(value, var, labels)
        else:
            cell = _numeric_cell(value, var, labels)
        converted, kind = cell
        if kind == "na_word" and na_words is not None:
            na_words.append(i)
        elif kind == "text":
            text_found = True
        out.append(converted)
    if text_found:
        return pd.Series(out, dtype=object)
    return pd.Series(out, dtype="float64")


def _numeric_cell(value: Any, var: Variable, labels: dict[str, str]) -> tuple[Any, str]:
    """One cell of a numeric variable: ``(value, kind)``, kind ``"number"`` (a float or NaN for a blank),
    ``"na_word"`` (NaN for a missing-value word) or ``"text"`` (the text kept, for check_responses to report)."""
    if _is_blank(value):
        return np.nan, "number"
    number = _number(value)
    if number is not None:
        return number, "number"
    if isinstance(value, str):
        key = _norm_label(value)
        if key in _NA_TOKENS:
            return np.nan, "na_word"
        if key in labels and _number(labels[key]) is not None:
            return float(labels[key]), "number"
        if var.type == "binary" and key in _TRUE_TOKENS | _FALSE_TOKENS:
            return (1.0 if key in _TRUE_TOKENS else 0.0), "number"
    return (value.strip() if isinstance(value, str) else _as_text(value)), "text"


def _convert_category_text(values: list[Any], var: Variable, instrument: Instrument) -> pd.Series:
    codes = {c.code.casefold(): c.code for c in instrument.choices[var.choices or ""]}
    labels = _label_codes(var, instrument)
    out: list[Any] = []
    for value in values:
        if _is_blank(value):
            out.append(np.nan)
            continue
        text = _as_text(value)
        out.append(codes.get(text.casefold()) or labels.get(_norm_label(text)) or text)
    return pd.Series(out, dtype="str")


def _split_multi(value: str, codes: dict[str, str], labels: dict[str, str], order: list[str]) -> str:
    tokens = [t for t in re.split(r"[\s,;|]+", value.strip()) if t]
    if tokens and all(t.casefold() in codes for t in tokens):
        chosen = {codes[t.casefold()] for t in tokens}
        return " ".join(c for c in order if c in chosen)
    rest = _norm_label(value)
    chosen = set()
    for label in sorted(labels, key=len, reverse=True):
        if label in rest:
            chosen.add(labels[label])
            rest = rest.replace(label, " ")
    if chosen and not re.sub(r"[\s,;|]+", "", rest):
        return " ".join(c for c in order if c in chosen)
    # unknown tokens are kept (after the known codes) so that check_responses can report them
    known = {codes[t.casefold()] for t in tokens if t.casefold() in codes}
    unknown = [t for t in tokens if t.casefold() not in codes]
    return " ".join([c for c in order if c in known] + unknown)


def _convert_multi(values: list[Any], var: Variable, instrument: Instrument) -> pd.Series:
    choices = instrument.choices[var.choices or ""]
    order = [c.code for c in choices]
    codes = {c.code.casefold(): c.code for c in choices}
    labels = {_norm_label(text): c.code for c in choices for text in c.label.values()}
    out: list[Any] = []
    for value in values:
        if _is_blank(value):
            out.append(np.nan)
            continue
        joined = _split_multi(_as_text(value), codes, labels, order)
        out.append(joined if joined else np.nan)
    return pd.Series(out, dtype="str")


def _multi_from_options(
    option_columns: dict[str, tuple[str, list[Any]]], var: Variable, instrument: Instrument, n_rows: int,
    file: str,
) -> pd.Series:
    order = [c.code for c in instrument.choices[var.choices or ""]]
    out: list[Any] = []
    for i in range(n_rows):
        chosen: list[str] = []
        answered = False
        for code, (header, values) in option_columns.items():
            value = values[i]
            if _is_blank(value):
                continue
            answered = True
            number = _number(value)
            key = _norm_label(_as_text(value)) if number is None else ("1" if number == 1 else "0" if number == 0
                                                                        else "?")
            if key in _TRUE_TOKENS:
                chosen.append(code)
            elif key not in _FALSE_TOKENS:
                raise ReadError(
                    "an option column of a multiple-choice question must hold 0 or 1", file=file, row=i + 1,
                    column=header, value=value, fix="write 1 for a selected option and 0 (or nothing) otherwise",
                )
        out.append(" ".join(c for c in order if c in chosen) if answered and chosen else np.nan)
    return pd.Series(out, dtype="str")


def _convert_date(values: list[Any]) -> pd.Series:
    out: list[Any] = []
    text_found = False
    for value in values:
        if _is_blank(value):
            out.append(pd.NaT)
            continue
        if isinstance(value, datetime | date | pd.Timestamp):
            out.append(pd.Timestamp(value).normalize())
            continue
        text = _as_text(value)
        parsed = pd.NaT
        for fmt in ("%Y-%m-%d", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M:%S", "%d/%m/%Y", "%d.%m.%Y"):
            try:
                parsed = pd.Timestamp(datetime.strptime(text, fmt)).normalize()
                break
            except ValueError:
                continue
        if parsed is pd.NaT:
            out.append(text)
            text_found = True
        else:
            out.append(parsed)
    if text_found:
        return pd.Series(out, dtype=object)
    return pd.Series(out, dtype="datetime64[ns]")


def _convert_text(values: list[Any]) -> pd.Series:
    return pd.Series([np.nan if _is_blank(v) else _as_text(v) for v in values], dtype="str")


def _convert(values: list[Any], var: Variable, instrument: Instrument,
             na_words: list[int] | None = None) -> pd.Series:
    if is_numeric_variable(var, instrument):
        return _convert_numeric(values, var, instrument, na_words)
    if var.type == "category":
        return _convert_category_text(values, var, instrument)
    if var.type == "multi":
        return _convert_multi(values, var, instrument)
    if var.type == "date":
        return _convert_date(values)
    return _convert_text(values)


# -------------------------------------------------------------------------------------------- the API


def _canonical(raw: _RawTable, instrument: Instrument, file: str, salt: str | bytes | None) -> pd.DataFrame:
    resolver = _HeaderResolver(instrument)
    columns: dict[str, int] = {}
    options: dict[str, dict[str, tuple[str, list[Any]]]] = {}
    unknown: list[str] = []
    metadata: list[str] = []
    for j, header in enumerate(raw.headers):
        kind, name, option = resolver.resolve(header)
        if kind == "variable" and name is not None:
            if name in columns:
                raise ReadError(
                    f"columns {raw.headers[columns[name]]!r} and {header!r} both hold variable {name}", file=file,
                    column=header, fix="keep only one of the two columns",
                )
            columns[name] = j
        elif kind == "option" and name is not None and option is not None:
            options.setdefault(name, {})[option] = (header, raw.columns[j])
        elif kind == "metadata":
            metadata.append(header)
        else:
            unknown.append(header)
    if not columns and not options:
        shown = ", ".join(repr(h) for h in raw.headers[:5])
        raise ReadError(
            f"none of the {len(raw.headers)} columns is a variable of the instrument (first columns: {shown})",
            file=file, fix="the first row must hold the variable names of the codebook (resp_id, dyad_id, role, "
            "LINK_1, ...); check that you chose the responses file and the right instrument",
        )
    resp_id_from = None
    if "resp_id" not in columns:
        lowered = {h.casefold(): j for j, h in enumerate(raw.headers) if h in metadata}
        for candidate in _RESP_ID_FALLBACK:
            match = next((j for h, j in lowered.items() if _SEPARATORS.split(h)[-1] == candidate), None)
            if match is not None:
                columns["resp_id"] = match
                resp_id_from = raw.headers[match]
                metadata.remove(resp_id_from)
                break
    out: dict[str, pd.Series] = {}
    missing_words: list[dict[str, Any]] = []
    for var in instrument.variables:
        if var.name in columns:
            rows: list[int] = []
            values = raw.columns[columns[var.name]]
            out[var.name] = _convert(values, var, instrument, rows)
            missing_words += [{"row": i, "column": var.name, "value": str(values[i]).strip()} for i in rows]
        elif var.type == "multi" and var.name in options:
            out[var.name] = _multi_from_options(options[var.name], var, instrument, raw.n_rows, file)
    frame = pd.DataFrame(out, index=pd.RangeIndex(raw.n_rows))
    personal = [name for name in instrument.personal_variables() if name in frame.columns]
    for name in personal:
        frame[name] = pseudonymise(frame[name], salt)
    scrubbed = 0
    for name in frame.columns:
        if name in personal or frame[name].dtype.kind in "fiMb":
            continue
        before = frame[name]
        has_at = before.map(lambda v: isinstance(v, str) and "@" in v)
        if has_at.any():
            after = before.map(lambda v: scrub_emails(v, salt))
            scrubbed += int((after[has_at] != before[has_at]).sum())
            frame[name] = after.astype(before.dtype)
    frame.attrs = {
        "source": {"file": Path(file).name, **raw.info},
        "unknown_columns": unknown,
        "metadata_columns": metadata,
        "resp_id_from": resp_id_from,
        "pseudonymised": personal,
        "emails_scrubbed": scrubbed,
        "missing_words": missing_words,
        "uncomputed_formulas": [{"row": i, "column": header} for i, header in raw.uncomputed],
    }
    return frame


def read_responses(
    path: str | Path,
    instrument: Instrument | None = None,
    *,
    salt: str | bytes | None = None,
    sheet: str | None = None,
) -> pd.DataFrame:
    """Read a responses file into the canonical responses frame (see the module docstring).

    Parameters
    ----------
    path
        ``.csv``/``.tsv``/``.txt`` (incl. KoboToolbox/ODK exports), ``.xlsx``/``.xlsm``, ``.sav``/``.zsav``
        or ``.dta``.
    instrument
        The survey instrument; default :func:`alliance_stats.instrument.default_instrument`.
    salt
        Secret key for the pseudonyms of personal variables; ``None`` uses a random salt drawn once per run
        (pseudonyms then cannot be linked across runs). See :mod:`alliance_stats.data.privacy`.
    sheet
        For workbooks: the sheet to read (default: ``responses``, else the first sheet).

    Returns
    -------
    pandas.DataFrame
        One row per data row, instrument variable names as columns, numeric codes as ``float64``, personal
        data pseudonymised; ``attrs`` describe the source and the dropped columns.

    Raises
    ------
    ReadError
        The file cannot be read; the message names the file, row, column, value and the fix.

    References
    ----------
    pandas I/O conventions; openpyxl 3.1 (read-only mode); pyreadstat 1.3 (``read_sav``, ``read_dta``); XLSForm /
    Kobo / ODK export layouts.

    Examples
    --------
    >>> from alliance_stats.instrument import default_instrument
    >>> read_responses("no/such/file.csv", default_instrument())  # doctest: +IGNORE_EXCEPTION_DETAIL
    Traceback (most recent call last):
    alliance_stats.core.errors.ReadError: no/such/file.csv: the file does not exist.
    """
    if instrument is None:
        from alliance_stats.instrument import default_instrument

        instrument = default_instrument()
    path = Path(path)
    file = str(path)
    if not path.exists():
        raise ReadError("the file does not exist", file=file, fix="check the path and the file name")
    if path.is_dir():
        raise ReadError("this is a folder, not a file", file=file, fix="give the path of the responses file")
    ext = path.suffix.lower()
    if ext not in SUPPORTED_EXTENSIONS:
        supported = ", ".join(SUPPORTED_EXTENSIONS)
        fix = f"save the responses in one of the supported formats ({supported})"
        if ext in (".xls", ".ods"):
            fix = "open the file in Excel or LibreOffice and save it as .xlsx (Excel workbook) or CSV"
        raise ReadError(f"unknown file type {ext or '(no extension)'!r}", file=file, value=path.name, fix=fix)
    data = path.read_bytes()
    if not data:
        raise ReadError("the file is empty (0 bytes)", file=file,
                        fix="export the responses again; the first row must hold the variable names")
    kind = SUPPORTED_EXTENSIONS[ext]
    if kind == "csv":
        raw = _read_csv(data, file)
    elif kind == "xlsx":
        raw = _read_xlsx(data, file, _HeaderResolver(instrument), sheet)
    else:
        raw = _read_stat(data, file, kind)
    raw.info["sha256"] = hashlib.sha256(data).hexdigest()
    return _canonical(raw, instrument, file, salt)
