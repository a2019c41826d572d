"""Validate responses against the instrument: errors that block the analysis and warnings to read.

:func:`check_responses` returns a :class:`DataCheck` whose findings each name the data row (1-based, header
excluded, as a spreadsheet user counts it), the ``resp_id``, the column, the value, the rule and a message.

Errors (the analysis must not run until they are fixed)

=========================  ================================================================================
``unknown_column``         a column the instrument does not define (often a renamed or misspelt variable,
                           whose answers would otherwise be silently ignored).
``missing_column``         a required variable, a construct item or the attention item is absent.
``missing_key``            ``resp_id``, ``dyad_id`` or ``role`` is empty: the row cannot be placed in a dyad.
``non_numeric``            text in a numeric variable (``"quatre"``, ``"4 ou 5"``).
``out_of_range``           a code outside the scale (8 on a 1-7 item) that is not a declared missing code, a
                           number outside the variable's bounds (age 12, year 1900).
``invalid_code``           a value that is not one of the variable's codes (2 on a yes/no item, sector 12,
                           4.5 on an integer item, an unknown option of a multiple choice).
``duplicate_id``           two rows share a ``resp_id``.
``invalid_role``           ``role`` is not ``a`` or ``b``.
``dyad_size``              a ``dyad_id`` held by more than two respondents (a typing error in the dyad codes).
``dyad_roles``             the two partners of a dyad are not one ``a`` and one ``b``.
``date_order``             an impossible sequence: first order before founding, break-even before the first
                           order or before founding.
``future_year``            a year after the current year.
``not_tpe``                more than 10 people in the firm (the ``small_firm`` condition of the instrument).
                           Eligibility is part of the population definition (alliances between two TPE): a
                           larger firm is either a typing error (12 for 1,2?) or out of scope, and the
                           researcher must decide which; an analysis that silently kept or silently dropped it
                           would be wrong either way. Hence an error, not a warning with automatic exclusion.
``no_strategic_criterion`` an alliance for which no partner answered yes to any of ``STRAT_1..STRAT_4``: by
                           definition not a strategic alliance (docs/design.md section 2), so out of scope; judged
                           per dyad because a criterion that holds for one firm makes the alliance strategic.
=========================  ================================================================================

Warnings (admissible data the researcher should know about)

===========================  ==============================================================================
``missing_optional_column``  a non-required variable is absent (personal identifiers may be absent silently).
``declared_missing``         a declared missing code (99 = "don't know") in an item: counted, scored as
                             missing.
``missing_answer``           a required non-item variable left empty where the questionnaire asked it.
``skip_logic``               an answer given where the questionnaire's skip logic did not ask the question
                             (e.g. a break-even year although break-even is "no").
``respondent_missing_share`` more than ``max_missing_share`` of a respondent's construct items unanswered.
``item_missing_share``       more than ``max_missing_share`` of the respondents left an item unanswered.
``alliance_before_founding`` the alliance began before the firm was founded (possible for a project carried
                             before registration, hence a warning).
``no_startup_firm``          neither partner was in its start-up phase when the alliance began: the dyad
                             stays in the measurement and typology analyses but has no firm at risk in the
                             crossing models.
``lone_partner``             a ``dyad_id`` held by one respondent: real dyadic surveys always have partners who
                             did not answer. The respondent stays in the firm-level analyses (scales, firms at
                             risk); the dyad's scores are that partner's and its dependence asymmetry is
                             missing, as in the run. The message gives the number of such dyads.
``partner_disagreement``     the partners report different alliance facts (contract, joint brand, ...) or
                             start years two or more years apart (a one-year gap is usual recall noise).
``careless_longstring``,     careless-responding indices beyond :func:`screening_rules` (longstring at least
``careless_mahalanobis``,    half the items, Mahalanobis p < .001, even-odd consistency < .30), and a failed
``careless_evenodd``,        attention item. Exclusions are decided in the analysis plan
``attention_failed``         (:func:`apply_exclusions`), not here.
``control_characters``       a cell (or a column name) holds control characters (``\\x01``, ``\\v``, the ESC of
                             ANSI/OSC terminal sequences): they are replaced by U+FFFD in the reports and
                             escaped on the console; the value is probably a copy-paste accident.
``formula_like``             a text cell begins with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return (and
                             is not a number): a spreadsheet would run it as a formula. Every CSV and XLSX the
                             tool writes neutralises it (a leading apostrophe, OWASP); check where it came from.
``missing_word``             a numeric answer written as a missing-value word (``NA``, ``N/A``, ``#N/A``,
                             ``-``, ``.``, ``nan``, ``null``, ``#NULL!``): read as unanswered, and counted.
``uncomputed_formula``       an ``.xlsx`` formula cell saved without its computed value (a workbook written by
                             a script and never recalculated): read as empty, so said.
===========================  ==============================================================================

Example
-------
>>> import pandas as pd
>>> from alliance_stats.instrument import default_instrument
>>> inst = default_instrument()
>>> result = check_responses(pd.DataFrame({"resp_id": ["r1"], "LINK_1": [8.0]}), inst)
>>> result.ok
False
>>> [f.rule for f in result.errors if f.column == "LINK_1"]
['out_of_range']

Reference: docs/design.md sections 2-4 and 7; Sammut (1995) and Jaouen's definitions of TPE, start-up phase and
strategic alliance; careless-responding thresholds in :mod:`alliance_stats.data.quality`.
"""

from __future__ import annotations

import difflib
import math
import warnings
from dataclasses import dataclass
from datetime import date
from typing import Any

import numpy as np
import pandas as pd

from alliance_stats.core.errors import DataError, SpecificationError
from alliance_stats.core.i18n import tr
from alliance_stats.core.results import Result
from alliance_stats.core.safetext import FORMULA_PREFIXES, control_characters, is_formula_like
from alliance_stats.core.table import Table
from alliance_stats.data.quality import ExclusionRules, _rule_masks, careless_flags, screening_rules
from alliance_stats.data.readers import is_numeric_variable
from alliance_stats.instrument import Condition, Instrument, Variable
from alliance_stats.instrument.skiplogic import FALSE, TRUE, evaluate

__all__ = ["Finding", "DataCheck", "check_responses", "RULES", "TPE_MAX_EMPLOYEES"]

TPE_MAX_EMPLOYEES = 10
KEY_COLUMNS = ("resp_id", "dyad_id", "role")

#: rule id -> severity; each rule's description is the catalogue text ``data.rule.<rule id>`` (fr, en).
RULES: dict[str, str] = {
    "unknown_column": "error",
    "missing_column": "error",
    "missing_key": "error",
    "non_numeric": "error",
    "out_of_range": "error",
    "invalid_code": "error",
    "duplicate_id": "error",
    "invalid_role": "error",
    "dyad_size": "error",
    "dyad_roles": "error",
    "date_order": "error",
    "future_year": "error",
    "not_tpe": "error",
    "no_strategic_criterion": "error",
    "missing_optional_column": "warning",
    "declared_missing": "warning",
    "missing_answer": "warning",
    "skip_logic": "warning",
    "respondent_missing_share": "warning",
    "item_missing_share": "warning",
    "alliance_before_founding": "warning",
    "no_startup_firm": "warning",
    "partner_disagreement": "warning",
    "lone_partner": "warning",
    "careless_longstring": "warning",
    "careless_irv": "warning",
    "careless_mahalanobis": "warning",
    "careless_evenodd": "warning",
    "attention_failed": "warning",
    "control_characters": "warning",
    "formula_like": "warning",
    "missing_word": "warning",
    "uncomputed_formula": "warning",
}


_FORMULA_START = frozenset((*FORMULA_PREFIXES, "'"))  # the first character of a cell is_formula_like may flag


def _json_value(value: Any) -> Any:
    """A JSON-able scalar: None for missing, int for whole floats, str for everything else non-numeric."""
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, float | np.floating):
        if math.isnan(value):
            return None
        return int(value) if float(value).is_integer() else float(value)
    if isinstance(value, bool | np.bool_):
        return bool(value)
    if isinstance(value, int | np.integer):
        return int(value)
    return str(value)


@dataclass(frozen=True)
class Finding:
    """One problem in the responses.

    ``row`` is the 1-based data row (``None`` for a whole column), ``resp_id`` the respondent's id when known,
    ``value`` the offending value (JSON-able), ``rule`` an id of :data:`RULES`.
    """

    row: int | None
    resp_id: str | None
    column: str | None
    value: Any
    rule: str
    message: str
    severity: str = "error"

    def to_dict(self) -> dict[str, Any]:
        return {"severity": self.severity, "rule": self.rule, "row": self.row, "resp_id": self.resp_id,
                "column": self.column, "value": self.value, "message": self.message}

    def line(self) -> str:
        where = []
        if self.row is not None:
            where.append(f"row {self.row}")
        if self.resp_id is not None:
            where.append(f"resp_id {self.resp_id}")
        if self.column is not None:
            where.append(f"column {self.column}")
        if self.value is not None:
            where.append(f"value {self.value!r}" if isinstance(self.value, str) else f"value {self.value}")
        prefix = ", ".join(where)
        return f"{prefix}: {self.message}" if prefix else self.message


@dataclass(frozen=True)
class DataCheck(Result):
    """Result of :func:`check_responses`.

    Attributes
    ----------
    errors
        The findings that block the analysis (:class:`Finding`, severity ``error``).
    warning_findings
        The findings to read (:class:`Finding`, severity ``warning``): the structured form of ``warnings``.
    file
        The checked file's name, when given.
    n_rows, n_columns
        Size of the checked frame.
    notes
        What could not be checked and why (e.g. Mahalanobis D2 with fewer respondents than items).
    careless
        The :func:`careless_flags` table used for the careless-responding warnings (or ``None``).
    warnings
        One line per warning finding (``"rule: row ..., column ...: message"``), the result protocol's strings.
    """

    errors: tuple[Finding, ...] = ()
    warning_findings: tuple[Finding, ...] = ()
    file: str | None = None
    n_rows: int = 0
    n_columns: int = 0
    notes: tuple[str, ...] = ()
    careless: pd.DataFrame | None = None
    warnings: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        """True when there is no error (warnings allowed)."""
        return not self.errors

    @property
    def findings(self) -> tuple[Finding, ...]:
        """Every finding, errors first."""
        return self.errors + self.warning_findings

    def raise_if_errors(self) -> None:
        """Raise :class:`DataError` naming the first error (and how many there are) when the check failed.

        For pipelines (the plan runner): errors block the analysis.
        """
        if self.ok:
            return
        first = self.errors[0]
        more = f" ({len(self.errors) - 1} more error(s))" if len(self.errors) > 1 else ""
        raise DataError(
            f"{first.message} [rule {first.rule}]{more}", file=self.file, row=first.row, column=first.column,
            value=first.value,
            fix=f"run 'alliance-stats data check {self.file or 'FILE'}' to list every error, fix them in a copy "
            "of the responses file and run again",
        )

    def counts(self) -> dict[str, int]:
        """Number of findings per rule, in the order of :data:`RULES`."""
        found: dict[str, int] = {}
        for finding in self.findings:
            found[finding.rule] = found.get(finding.rule, 0) + 1
        return {rule: found[rule] for rule in RULES if rule in found}

    def to_frame(self) -> pd.DataFrame:
        """Every finding, errors first: severity, rule, row, resp_id, column, value, message."""
        rows = [f.to_dict() for f in self.findings]
        columns = ["severity", "rule", "row", "resp_id", "column", "value", "message"]
        frame = pd.DataFrame(rows, columns=columns)
        frame["row"] = frame["row"].astype("Int64")
        frame["value"] = frame["value"].map(lambda v: None if v is None else str(v)).astype(object)
        return frame

    def to_dict(self) -> dict[str, Any]:
        """JSON-able summary and every finding (what ``alliance-stats data check --json`` prints): ``errors``
        and ``warnings`` as finding records, ``warning_messages`` the result protocol's strings."""
        return {
            "file": self.file,
            "ok": self.ok,
            "n_rows": self.n_rows,
            "n_columns": self.n_columns,
            "n_errors": len(self.errors),
            "n_warnings": len(self.warning_findings),
            "counts": self.counts(),
            "errors": [f.to_dict() for f in self.errors],
            "warnings": [f.to_dict() for f in self.warning_findings],
            "warning_messages": list(self.warnings),
            "notes": list(self.notes),
        }

    def summary(self, lang: str = "en", max_per_rule: int = 5) -> str:
        """Human-readable report: totals, then up to ``max_per_rule`` findings per rule (fr or en)."""
        if lang not in ("en", "fr"):
            raise SpecificationError(f"lang must be 'en' or 'fr', got {lang!r}", value=lang)

        def t(key: str) -> str:
            return tr(f"data.check.{key}", lang)

        head = t("title") + (f" — {self.file}" if self.file else "")
        lines = [head, f"{self.n_rows} {t('rows')}, {self.n_columns} {t('columns')}; "
                 f"{len(self.errors)} {t('errors').lower()}, {len(self.warning_findings)} {t('warnings').lower()}."]
        for title, findings in ((t("errors"), self.errors), (t("warnings"), self.warning_findings)):
            if findings:
                lines += ["", f"{title}:", *_rule_lines(findings, lang, max_per_rule)]
        if self.notes:
            lines += ["", f"{t('notes')}:", *(f"  - {note}" for note in self.notes)]
        lines += ["", t("ok") if self.ok else t("failed")]
        return "\n".join(lines)

    def to_tables(self, lang: str = "en") -> dict[str, Table]:
        """``data_check``: counts of findings per rule, for the report."""
        def t(key: str) -> str:
            return tr(f"data.check.{key}", lang)

        counts = self.counts()
        frame = pd.DataFrame(
            {
                t("rule"): list(counts),
                t("severity"): [t(RULES[r]) for r in counts],
                t("description"): [tr(f"data.rule.{r}", lang) for r in counts],
                t("count"): list(counts.values()),
            }
        )
        table = Table(key="data_check", title=t("title"), frame=frame, note=t("table_note"),
                      formats={t("rule"): "text", t("severity"): "text", t("description"): "text", t("count"): "int"},
                      lang=lang, show_index=False)
        return {"data_check": table}


def _rule_lines(findings: tuple[Finding, ...], lang: str, max_per_rule: int) -> list[str]:
    """Summary lines of one severity: per rule, its count and description, then up to ``max_per_rule`` findings."""
    by_rule: dict[str, list[Finding]] = {}
    for finding in findings:
        by_rule.setdefault(finding.rule, []).append(finding)
    lines = []
    for rule in RULES:
        group = by_rule.get(rule)
        if not group:
            continue
        lines.append(f"  {rule} ({len(group)}): {tr(f'data.rule.{rule}', lang)}")
        lines.extend(f"    - {finding.line()}" for finding in group[:max_per_rule])
        if len(group) > max_per_rule:
            lines.append("      " + tr("data.check.more", lang).format(n=len(group) - max_per_rule))
    return lines


# --------------------------------------------------------------------------------------- the checker


class _Checker:
    def __init__(self, df: pd.DataFrame, instrument: Instrument, max_missing_share: float,
                 careless_rules: ExclusionRules | None) -> None:
        self.df = df.reset_index(drop=True)
        self.inst = instrument
        self.max_missing_share = max_missing_share
        self.careless_rules = careless_rules
        self.findings: list[Finding] = []
        self.notes: list[str] = []
        self.careless: pd.DataFrame | None = None
        self.n = len(self.df)
        if "resp_id" in self.df.columns:
            self.rids = [None if _json_value(v) is None else str(_json_value(v)) for v in self.df["resp_id"].tolist()]
        else:
            self.rids = [None] * self.n
        self.names = set(instrument.variable_names())
        self.numbers: dict[str, pd.Series] = {}
        self.texts: dict[str, list[str | None]] = {}
        self.memo: dict[int, np.ndarray] = {}
        self._dyads: dict[str, list[int]] | None = None

    # -- helpers
    def add(self, rule: str, message: str, *, row: int | None = None, column: str | None = None,
            value: Any = None) -> None:
        rid = self.rids[row] if row is not None else None
        self.findings.append(Finding(row=None if row is None else row + 1, resp_id=rid, column=column,
                                     value=_json_value(value), rule=rule, message=message,
                                     severity=RULES[rule]))

    def number(self, name: str) -> pd.Series:
        """The column as floats (text and missing -> NaN)."""
        if name not in self.numbers:
            if name in self.df.columns:
                self.numbers[name] = pd.to_numeric(self.df[name], errors="coerce").astype(float)
            else:
                self.numbers[name] = pd.Series(np.nan, index=self.df.index)
        return self.numbers[name]

    def text(self, name: str) -> list[str | None]:
        """The column as stripped text (whole numbers without '.0'; missing and blank -> None), cached."""
        if name not in self.texts:
            column = self.df[name]
            if column.dtype == np.float64:  # the reader's numeric columns: _json_value's rule without its dispatch
                self.texts[name] = [None if v != v else str(int(v)) if v.is_integer() else str(v)
                                    for v in column.tolist()]
            else:
                out: list[str | None] = []
                for v in column.tolist():
                    j = _json_value(v)
                    out.append(None if j is None or (isinstance(j, str) and not j.strip()) else str(j).strip())
                self.texts[name] = out
        return self.texts[name]

    def answered(self, name: str) -> np.ndarray:
        """Rows whose cell is not empty (:meth:`text` is not None): for a float column, not NaN."""
        column = self.df[name]
        if column.dtype == np.float64 and name not in self.texts:
            return ~np.isnan(column.to_numpy())
        return np.array([t is not None for t in self.text(name)], dtype=bool)

    def array(self, name: str) -> np.ndarray:
        """:meth:`number` as a numpy array by position (the checker's frame has a fresh RangeIndex)."""
        return self.number(name).to_numpy(dtype=float)

    # -- columns
    def columns(self) -> None:
        unknown = [c for c in self.df.columns if str(c) not in self.names]
        unknown += [c for c in self.df.attrs.get("unknown_columns", []) if c not in unknown]
        for col in unknown:
            close = difflib.get_close_matches(str(col), sorted(self.names), n=1, cutoff=0.75)
            hint = f"; did you mean {close[0]}?" if close else ""
            self.add("unknown_column", f"the instrument has no variable {col!r}{hint} Rename the column to its "
                     "variable name or delete it", column=str(col), value=str(col))
        for var in self.inst.variables:
            if var.name in self.df.columns or var.personal:
                continue
            if var.required or var.is_item or var.attention_expected is not None or var.name in KEY_COLUMNS:
                self.add("missing_column", f"required variable {var.name} ({var.text['en']}) is absent; add the "
                         "column (empty cells are allowed for unanswered questions)", column=var.name)
            else:
                self.add("missing_optional_column", f"optional variable {var.name} is absent", column=var.name)

    # -- values
    def values(self) -> None:
        for var in self.inst.variables:
            if var.name not in self.df.columns or var.personal:
                continue
            if is_numeric_variable(var, self.inst):
                self.numeric(var)
            elif var.type == "category" and var.name != "role":
                codes = {c.code for c in self.inst.choices[var.choices or ""]}
                for i, v in enumerate(self.text(var.name)):
                    if v is not None and v not in codes:
                        self.add("invalid_code", f"{v!r} is not a code of {var.name} (codes: "
                                 f"{', '.join(sorted(codes))})", row=i, column=var.name, value=v)
            elif var.type == "multi":
                codes = {c.code for c in self.inst.choices[var.choices or ""]}
                for i, v in enumerate(self.text(var.name)):
                    bad = [t for t in (v or "").split() if t not in codes]
                    if bad:
                        self.add("invalid_code", f"option(s) {', '.join(bad)} not in the list of {var.name} "
                                 f"({', '.join(c.code for c in self.inst.choices[var.choices or ''])})", row=i,
                                 column=var.name, value=v)

    def _valid_numbers(self, var: Variable, x: np.ndarray, this_year: int) -> np.ndarray:
        """Rows of a float column that :meth:`numeric` has nothing to say about (missing, or a valid answer): the
        per-cell rules then run only on the other rows, with the same findings in the same order."""
        whole = np.isfinite(x) & (np.mod(x, 1) == 0)
        if var.type == "likert":
            scale = self.inst.scales[var.scale or ""]
            ok = whole & (x >= scale.min) & (x <= scale.max) & ~np.isin(x, [float(c) for c in var.missing_codes])
        elif var.type in ("binary", "category"):
            ok = np.isin(x, [float(c.code) for c in self.inst.choices[var.choices or ""]])
        else:
            ok = whole & (x >= var.min if var.min is not None else True) & (x <= var.max if var.max is not None
                                                                             else True)
            if var.type == "year":
                ok &= x <= this_year
        return np.isnan(x) | ok

    def numeric(self, var: Variable) -> None:
        this_year = date.today().year
        column = self.df[var.name]
        values = column.tolist()
        rows: Any = range(self.n)
        if column.dtype == np.float64:
            with np.errstate(invalid="ignore"):
                rows = np.flatnonzero(~self._valid_numbers(var, column.to_numpy(), this_year)).tolist()
        for i in rows:
            self._numeric_cell(var, i, values[i], this_year)

    def _numeric_cell(self, var: Variable, i: int, raw: Any, this_year: int) -> None:
        """The rules of one numeric cell (row ``i``)."""
        j = _json_value(raw)
        if j is None or (isinstance(j, str) and not j.strip()):
            return
        if isinstance(j, str):
            try:
                x = float(j.replace(",", "."))
            except ValueError:
                self.add("non_numeric", f"text in numeric variable {var.name} ({var.type}); write the code "
                         "(a number) or leave the cell empty", row=i, column=var.name, value=j)
                return
        else:
            x = float(j)
        if var.type == "likert":
            scale = self.inst.scales[var.scale or ""]
            if x in var.missing_codes:
                label = scale.missing.get(int(x), {}).get("en", "missing")
                self.add("declared_missing", f"declared missing code {int(x)} ({label}); scored as missing",
                         row=i, column=var.name, value=x)
            elif not x.is_integer():
                self.add("invalid_code", f"{j} is not a point of the {scale.min}-{scale.max} scale", row=i,
                         column=var.name, value=x)
            elif not scale.min <= x <= scale.max:
                declared = ", ".join(str(c) for c in var.missing_codes) or "none"
                self.add("out_of_range", f"code {int(x)} is outside the {scale.min}-{scale.max} scale of "
                         f"{var.name} (declared missing codes: {declared}); recode the answer or leave it "
                         "empty", row=i, column=var.name, value=x)
        elif var.type in ("binary", "category"):
            codes = {float(c.code) for c in self.inst.choices[var.choices or ""]}
            if x not in codes:
                shown = ", ".join(c.code for c in self.inst.choices[var.choices or ""])
                self.add("invalid_code", f"{j} is not a code of {var.name} (codes: {shown})", row=i,
                         column=var.name, value=x)
        else:  # integer, year
            if not x.is_integer():
                self.add("invalid_code", f"{var.name} must be a whole number", row=i, column=var.name, value=x)
                return
            if var.min is not None and x < var.min:
                self.add("out_of_range", f"{int(x)} is below the minimum {var.min} of {var.name}", row=i,
                         column=var.name, value=x)
            elif var.max is not None and x > var.max:
                self.add("out_of_range", f"{int(x)} is above the maximum {var.max} of {var.name}", row=i,
                         column=var.name, value=x)
            elif var.type == "year" and x > this_year:
                self.add("future_year", f"{int(x)} is after the current year {this_year}", row=i,
                         column=var.name, value=x)

    # -- identifiers and dyads
    def keys(self) -> None:
        for name in KEY_COLUMNS:
            if name not in self.df.columns:
                continue
            for i, v in enumerate(self.text(name)):
                if v is None:
                    self.add("missing_key", f"{name} is empty: every row needs resp_id, dyad_id and role", row=i,
                             column=name)
        if "resp_id" in self.df.columns:
            positions: dict[str, list[int]] = {}
            for i, v in enumerate(self.text("resp_id")):
                if v is not None:
                    positions.setdefault(v, []).append(i)
            for rid, rows in positions.items():
                if len(rows) > 1:
                    listed = ", ".join(str(r + 1) for r in rows)
                    for i in rows:
                        self.add("duplicate_id", f"resp_id {rid} is used by rows {listed}; each respondent needs "
                                 "a unique id (remove the duplicate submission)", row=i, column="resp_id", value=rid)
        roles = self.text("role") if "role" in self.df.columns else [None] * self.n
        for i, v in enumerate(roles):
            if v is not None and v not in ("a", "b"):
                self.add("invalid_role", "role must be 'a' or 'b' (the partner letter of the invitation)", row=i,
                         column="role", value=v)
        if "dyad_id" not in self.df.columns:
            return
        groups = self.dyads()
        lone = sum(len(rows) == 1 for rows in groups.values())
        for dyad, rows in groups.items():
            listed = ", ".join(str(r + 1) for r in rows)
            if len(rows) == 1:
                self.add("lone_partner", f"dyad {dyad} has one respondent ({lone} of {len(groups)} dyads have one): "
                         "the respondent is kept in the firm-level analyses; the dyad's scores are this partner's "
                         "and its dependence asymmetry is missing (add the partner's response if it exists)",
                         row=rows[0], column="dyad_id", value=dyad)
            elif len(rows) > 2:
                for i in rows:
                    self.add("dyad_size", f"dyad {dyad} has {len(rows)} respondents (rows {listed}); a dyad has at "
                             "most two: check the dyad codes", row=i, column="dyad_id", value=dyad)
            elif sorted(str(roles[i]) for i in rows) != ["a", "b"] and all(roles[i] in ("a", "b") for i in rows):
                for i in rows:
                    self.add("dyad_roles", f"the two partners of dyad {dyad} (rows {listed}) both have role "
                             f"{roles[i]}; one must be 'a' and the other 'b'", row=i, column="role", value=roles[i])

    def dyads(self) -> dict[str, list[int]]:
        """Rows per dyad_id (computed once; callers do not modify it)."""
        if self._dyads is None:
            groups: dict[str, list[int]] = {}
            if "dyad_id" in self.df.columns:
                for i, v in enumerate(self.text("dyad_id")):
                    if v is not None:
                        groups.setdefault(v, []).append(i)
            self._dyads = groups
        return self._dyads

    def units(self) -> list[list[int]]:
        """Dyads (rows sharing a dyad_id) plus single rows without a dyad_id."""
        groups = list(self.dyads().values())
        placed = {i for g in groups for i in g}
        return groups + [[i] for i in range(self.n) if i not in placed]

    # -- facts and eligibility
    def facts(self) -> None:
        founding, first = self.array("FOUNDING_YEAR"), self.array("FIRST_ORDER_YEAR")
        start, breakeven_year = self.array("ALLIANCE_START_YEAR"), self.array("BREAKEVEN_YEAR")
        # comparisons with NaN are False, as in the row-by-row rules; only the rows where one holds are visited
        flagged = (first < founding) | (breakeven_year < first) | (breakeven_year < founding) | (start < founding)
        for i in np.flatnonzero(flagged).tolist():
            if first[i] < founding[i]:
                self.add("date_order", f"first order in {first[i]:.0f} before the firm was founded in "
                         f"{founding[i]:.0f}; correct one of the two years", row=i, column="FIRST_ORDER_YEAR",
                         value=first[i])
            if breakeven_year[i] < first[i]:
                self.add("date_order", f"break-even in {breakeven_year[i]:.0f} before the first order in "
                         f"{first[i]:.0f}", row=i, column="BREAKEVEN_YEAR", value=breakeven_year[i])
            elif breakeven_year[i] < founding[i]:
                self.add("date_order", f"break-even in {breakeven_year[i]:.0f} before the firm was founded in "
                         f"{founding[i]:.0f}", row=i, column="BREAKEVEN_YEAR", value=breakeven_year[i])
            if start[i] < founding[i]:
                self.add("alliance_before_founding", f"the alliance began in {start[i]:.0f}, before the firm was "
                         f"founded in {founding[i]:.0f}", row=i, column="ALLIANCE_START_YEAR", value=start[i])
        limit = self.tpe_limit()
        employees = self.array("EMPLOYEES")
        for i in np.flatnonzero(employees > limit).tolist():
            self.add("not_tpe", f"{employees[i]:.0f} people: a TPE has at most {limit}; correct a typing error, "
                     "otherwise remove the alliance from the analysed file (out of the study population)",
                     row=i, column="EMPLOYEES", value=employees[i])
        self.unit_facts()

    def unit_facts(self) -> None:
        """Per dyad: no strategic criterion, no firm in its start-up phase."""
        strat_names = [f"STRAT_{k}" for k in range(1, 5) if f"STRAT_{k}" in self.df.columns]
        has_startup = "STARTUP_AT_ALLIANCE" in self.df.columns
        startup = self.array("STARTUP_AT_ALLIANCE")
        strat = np.column_stack([self.array(s) for s in strat_names]) if strat_names else None
        for unit in self.units():
            if strat is not None:
                block = strat[unit]
                if not (block == 1).any() and not np.isnan(block).any() and len(strat_names) == 4:
                    for i in unit:
                        self.add("no_strategic_criterion", "no partner answered yes to any of STRAT_1..STRAT_4: "
                                 "the alliance is not strategic by definition; remove it from the analysed file "
                                 "or correct the answers", row=i, column="STRAT_1", value=0)
            if has_startup:
                values = [startup[i] for i in unit]
                if all(v == 0 for v in values) and len(unit) == 2:
                    for i in unit:
                        self.add("no_startup_firm", "neither partner was in its start-up phase when the alliance "
                                 "began: no firm of this dyad enters the crossing models", row=i,
                                 column="STARTUP_AT_ALLIANCE", value=0)

    def tpe_limit(self) -> float:
        condition = self.inst.conditions.get("small_firm")
        if isinstance(condition, Condition) and condition.variable == "EMPLOYEES" and condition.op in ("<=", "<"):
            return float(condition.value) - (1 if condition.op == "<" else 0)
        return float(TPE_MAX_EMPLOYEES)

    def partners(self) -> None:
        pairs = [rows for rows in self.dyads().values() if len(rows) == 2]
        first = np.array([rows[0] for rows in pairs], dtype=int)
        second = np.array([rows[1] for rows in pairs], dtype=int)
        for var in self.inst.variables:
            if var.level != "dyad" or var.name not in self.df.columns or var.type not in ("binary", "year",
                                                                                          "integer", "category"):
                continue
            if var.type == "category" and not is_numeric_variable(var, self.inst):
                continue
            values = self.array(var.name)
            gap = np.abs(values[first] - values[second])  # NaN when either partner did not answer: no finding
            for k in np.flatnonzero(gap >= 2 if var.type == "year" else gap > 0).tolist():
                a, b = values[first[k]], values[second[k]]
                for i, other in ((int(first[k]), b), (int(second[k]), a)):
                    self.add("partner_disagreement", f"{var.name}: this partner answered {values[i]:.0f}, the "
                             f"other partner {other:.0f}", row=i, column=var.name, value=values[i])

    # -- skip logic and missing answers
    def shown(self, condition: Any) -> np.ndarray:
        """Three-valued truth of a skip condition per row (:func:`alliance_stats.instrument.skiplogic.evaluate`)."""
        return evaluate(condition, self.df, self.n, self.inst, memo=self.memo)

    def skips(self) -> None:
        section_of = {name: sec for sec in self.inst.sections for name in sec.variables}
        # rows already reported as out of the population: their skipped questions would only repeat that
        screened = {f.row - 1 for f in self.findings if f.rule == "not_tpe" and f.row is not None}
        for var in self.inst.variables:
            if var.name not in self.df.columns or var.personal or var.source != "ask":
                continue
            section = section_of.get(var.name)
            own = self.shown(var.show_if)
            in_section = self.shown(section.show_if if section else None)
            answered = self.answered(var.name)
            skipped = answered & (np.asarray(own) == FALSE)
            skipped[list(screened)] = False
            empty = (~answered & (np.asarray(own) == TRUE) & (np.asarray(in_section) == TRUE)
                     if var.required and not var.is_item else np.zeros(self.n, dtype=bool))
            column = self.df[var.name]
            for i in np.flatnonzero(skipped | empty).tolist():  # row order, as row by row
                if skipped[i]:
                    self.add("skip_logic", f"{var.name} is answered although the questionnaire skips it here",
                             row=i, column=var.name, value=column.iloc[i])
                else:
                    self.add("missing_answer", f"required answer {var.name} is empty", row=i, column=var.name)

    # -- missing shares and careless responding
    def quality(self) -> None:
        items = [v for v in self.inst.likert_items() if v.name in self.df.columns]
        if not items:
            return
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            flags = careless_flags(self.df, self.inst)
        self.notes.extend(str(w.message) for w in caught)
        self.careless = flags
        limit = self.max_missing_share
        for i, share in enumerate(flags["missing_share"]):
            if share > limit:
                self.add("respondent_missing_share", f"{share:.0%} of the {len(items)} construct items are "
                         f"unanswered (more than {limit:.0%})", row=i, value=round(float(share), 3))
        for var in items:
            missing = 1 - float(self._answered(var).mean())
            if missing > limit:
                self.add("item_missing_share", f"{missing:.0%} of the respondents left {var.name} unanswered "
                         f"(more than {limit:.0%})", column=var.name, value=round(float(missing), 3))
        self.careless_warnings(flags)

    def careless_warnings(self, flags: pd.DataFrame) -> None:
        """A warning per careless-responding rule broken (the rules of :func:`apply_exclusions`, one code)."""
        rules = self.careless_rules or screening_rules(self.inst)
        indices = {name: flags[name].to_numpy(dtype=float, na_value=np.nan) for name in flags.columns if name != "row"}
        masks = _rule_masks(indices, rules.model_copy(update={"max_missing_share": None}))
        names = [v.name for v in self.inst.attention_items() if v.name in self.df.columns]
        expected = ", ".join(f"{v.name} = {v.attention_expected}" for v in self.inst.attention_items())
        any_rule = np.zeros(len(flags), dtype=bool)
        for mask in masks.values():
            any_rule |= np.asarray(mask, dtype=bool)
        for i in np.flatnonzero(any_rule).tolist():  # the flagged rows only, in row order
            f = flags.iloc[i]
            if "longstring" in masks and masks["longstring"][i]:
                self.add("careless_longstring", f"{f['longstring']:.0f} identical answers in a row (flagged above "
                         f"{rules.max_longstring})", row=i, value=f["longstring"])
            if "irv" in masks and masks["irv"][i]:
                self.add("careless_irv", f"response SD {f['irv']:.2f} below {rules.min_irv}", row=i, value=f["irv"])
            if "mahalanobis" in masks and masks["mahalanobis"][i]:
                self.add("careless_mahalanobis", f"Mahalanobis D2 = {f['mahalanobis_d2']:.1f}, p = "
                         f"{f['mahalanobis_p']:.2g} < {rules.mahalanobis_p}", row=i,
                         value=round(float(f["mahalanobis_d2"]), 3))
            if "evenodd" in masks and masks["evenodd"][i]:
                self.add("careless_evenodd", f"even-odd consistency {f['evenodd']:.2f} below {rules.min_evenodd}",
                         row=i, value=round(float(f["evenodd"]), 3))
            if "attention" in masks and masks["attention"][i]:
                self.add("attention_failed", f"attention item answered otherwise than instructed ({expected})",
                         row=i, column=names[0] if names else None,
                         value=self.df[names[0]].iloc[i] if names else None)

    def _answered(self, var: Variable) -> pd.Series:
        scale = self.inst.scales[var.scale or ""]
        return self.number(var.name).isin([float(p) for p in scale.points])

    def hostile(self) -> None:
        """Control characters and formula-like text in any cell or column name (writers and terminals)."""
        for col in self.df.columns:
            if isinstance(col, str) and control_characters(col):
                self.add("control_characters", f"the column name holds control characters "
                         f"{' '.join(control_characters(col))}", column=col, value=col)
        for col in self.df.columns:
            series = self.df[col]
            if not (series.dtype == object or pd.api.types.is_string_dtype(series.dtype)):
                continue
            cells = [(i, value) for i, value in enumerate(series.tolist()) if isinstance(value, str)]
            # one search of the column's text joined by line feeds (not a control character) tells whether any
            # cell holds one; a formula-like cell starts with a formula prefix or an apostrophe
            any_control = bool(control_characters("\n".join(value for _, value in cells)))
            for i, value in cells:
                if not any_control and value[:1] not in _FORMULA_START:
                    continue
                found = control_characters(value)
                if found:
                    self.add("control_characters", f"control characters {' '.join(found)} in the text; they are "
                             "replaced by U+FFFD in the reports", row=i, column=str(col), value=value)
                if is_formula_like(value):
                    self.add("formula_like", "a spreadsheet would read this text as a formula; the tool's CSV "
                             "and XLSX files neutralise it with a leading apostrophe", row=i, column=str(col),
                             value=value)

    def read_notes(self) -> None:
        """What the reader turned into missing values: missing-value words and uncomputed workbook formulas."""
        words = self.df.attrs.get("missing_words", [])
        for cell in words:
            self.add("missing_word", f"the word {cell['value']!r} is read as an unanswered question ({len(words)} such "
                     "cell(s) in the file); leave the cell empty or use the item's declared missing code if the "
                     "respondent did answer", row=cell["row"], column=cell["column"], value=cell["value"])
        formulas = self.df.attrs.get("uncomputed_formulas", [])
        for cell in formulas:
            self.add("uncomputed_formula", f"a formula saved without its computed value is read as empty "
                     f"({len(formulas)} such cell(s)); open the workbook in Excel or LibreOffice, let it "
                     "recalculate and save it again, or replace the formulas by their values",
                     row=cell["row"], column=cell["column"])

    def run(self) -> list[Finding]:
        self.hostile()
        self.read_notes()
        self.columns()
        self.values()
        self.keys()
        self.facts()
        self.partners()
        self.skips()
        self.quality()
        return self.findings


def check_responses(
    df: pd.DataFrame,
    instrument: Instrument | None = None,
    *,
    file: str | None = None,
    max_missing_share: float = 0.2,
    careless_rules: ExclusionRules | None = None,
) -> DataCheck:
    """Check responses against the instrument's codebook and the study's definitions.

    Parameters
    ----------
    df
        Responses in the canonical layout (:func:`read_responses`); not modified. Unknown columns the reader
        dropped (``df.attrs["unknown_columns"]``) are reported too.
    instrument
        The survey instrument (default: the bundled one).
    file
        Name shown in the summary (default: the reader's ``attrs["source"]["file"]``).
    max_missing_share
        Share of unanswered construct items above which a respondent or an item gets a warning (default .20).
    careless_rules
        Thresholds of the careless-responding warnings (default :func:`screening_rules`).

    Returns
    -------
    DataCheck
        ``.errors`` and ``.warning_findings`` (tuples of :class:`Finding`), ``.warnings`` (their messages),
        ``.ok``, ``.to_frame()``, ``.to_dict()``, ``.summary(lang)``, ``.to_tables(lang)``. Rules and their
        severity: module docstring.

    References
    ----------
    docs/design.md sections 2-4 and 7; Sammut (1995) and Jaouen's definitions of TPE, start-up phase and strategic
    alliance; careless-responding thresholds: Curran (2016), Johnson (2005), Meade & Craig (2012).

    Examples
    --------
    >>> import pandas as pd
    >>> from alliance_stats.instrument import default_instrument
    >>> check = check_responses(pd.DataFrame({"resp_id": ["r1", "r1"]}), default_instrument())
    >>> sorted({f.rule for f in check.errors})[:2]
    ['duplicate_id', 'missing_column']
    """
    if instrument is None:
        from alliance_stats.instrument import default_instrument

        instrument = default_instrument()
    if file is None:
        file = (df.attrs.get("source") or {}).get("file")
    checker = _Checker(df, instrument, max_missing_share, careless_rules)
    findings = checker.run()
    order = {name: k for k, name in enumerate(instrument.variable_names())}

    def key(f: Finding) -> tuple[int, int, int]:
        return (f.row or 0, order.get(f.column or "", -1), list(RULES).index(f.rule))

    errors = tuple(sorted((f for f in findings if f.severity == "error"), key=key))
    warns = tuple(sorted((f for f in findings if f.severity == "warning"), key=key))
    return DataCheck(errors=errors, warning_findings=warns, file=None if file is None else str(file),
                     n_rows=len(df), n_columns=df.shape[1], notes=tuple(checker.notes), careless=checker.careless,
                     warnings=tuple(f"{f.rule}: {f.line()}" for f in warns))
