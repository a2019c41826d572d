"""Fuzzing the two doors of user input (issue 15): responses files through the readers and ``data check``, and
plans through the strict YAML loader, the schema and the plan check.

Every generated input must either be accepted or be refused with a typed error
(:class:`~alliance_stats.core.errors.AllianceStatsError`: ReadError, DataError, PlanError, ...). Any other
exception (KeyError, RecursionError, csv.Error, a numpy error, ...) is a bug: it would reach the user as a
traceback. ``make test`` runs 1,000 responses files and 1,000 plans (2,000 cases, derandomised so that the run is
reproducible); ``make validate`` runs 50,000 of each (100,000 cases, random seeds).
"""

from __future__ import annotations

import csv
import functools
import io
import itertools
import os
import tempfile
import warnings
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from alliance_stats.core.errors import AllianceStatsError

#: Cases per target in ``make test`` (two targets) and in ``make validate``.
FAST_EXAMPLES = int(os.environ.get("ALLIANCE_FUZZ_EXAMPLES", "1000"))
VALIDATE_EXAMPLES = int(os.environ.get("ALLIANCE_FUZZ_VALIDATE_EXAMPLES", "50000"))
_COUNTER = itertools.count()
_TMP = tempfile.TemporaryDirectory(prefix="alliance_fuzz_")


def _settings(n: int, derandomize: bool) -> Any:
    return settings(max_examples=n, deadline=None, database=None, derandomize=derandomize, print_blob=True,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                           HealthCheck.filter_too_much])


@functools.cache
def _instrument() -> Any:
    from alliance_stats.instrument import default_instrument

    return default_instrument()


# ------------------------------------------------------------------------------------------- responses files

_HOSTILE_CELLS = ["", " ", "NA", "N/A", "-", ".", "nan", "null", "99", "-1", "0", "8", "1e309", "4,5", "3.0",
                  "Oui", "Tout à fait d'accord", "=cmd|' /C calc'!A0", "\x01", "\x0b", "\x1b[31mred", "\ufeff",
                  '"', '""', "a;b", "a,b", "a\tb", "a\nb", "\r", "1 2 3", "x" * 300, "2026-13-45", "1899",
                  "9" * 40, "-0", "inf", "\u202e", "\x00"]


def _cells() -> st.SearchStrategy[str]:
    return st.one_of(
        st.sampled_from(_HOSTILE_CELLS),
        st.integers(min_value=-3, max_value=12).map(str),
        st.text(max_size=12),
    )


@st.composite
def _responses_file(draw: st.DrawFn) -> tuple[str, bytes]:
    """A small responses file: real and odd headers, odd cells, any delimiter and encoding, or raw bytes."""
    names = _instrument().variable_names()
    if draw(st.integers(0, 19)) == 0:  # raw bytes under a responses file's extension
        suffix = draw(st.sampled_from([".csv", ".txt", ".xlsx", ".sav", ".dta", ".tsv"]))
        return suffix, draw(st.binary(max_size=400))
    core = ["resp_id", "dyad_id", "role"]
    header = draw(st.lists(st.sampled_from(names), min_size=0, max_size=12))
    if draw(st.booleans()):
        header = core + header
    if draw(st.integers(0, 4)) == 0:
        header.insert(draw(st.integers(0, len(header))), draw(st.sampled_from(["", "resp_id", "grp/LINK_1", "?"])))
    n_rows = draw(st.integers(0, 5))
    rows = [[draw(_cells()) for _ in header] for _ in range(n_rows)]
    if rows and draw(st.booleans()):  # ragged rows
        rows[draw(st.integers(0, n_rows - 1))].append(draw(_cells()))
    delimiter = draw(st.sampled_from([",", ";", "\t"]))
    out = io.StringIO()
    if draw(st.integers(0, 5)) == 0:  # unquoted join: delimiters and quotes inside cells break the layout
        out.write("\n".join(delimiter.join(row) for row in [header, *rows]))
    else:
        csv.writer(out, delimiter=delimiter, lineterminator=draw(st.sampled_from(["\n", "\r\n"]))).writerows(
            [header, *rows])
    text = out.getvalue()
    encoding = draw(st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "cp1252"]))
    return ".csv", text.encode(encoding, errors="replace")


def _read_and_check(suffix: str, payload: bytes) -> None:
    from alliance_stats.data import check_responses, read_responses

    path = Path(_TMP.name) / f"r{next(_COUNTER)}{suffix}"
    path.write_bytes(payload)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            frame = read_responses(path, _instrument())
            check_responses(frame, _instrument(), file=str(path)).summary("fr")
    except AllianceStatsError:
        pass
    finally:
        path.unlink()


@_settings(FAST_EXAMPLES, derandomize=True)
@given(_responses_file())
def test_fuzz_responses_files_end_in_data_or_a_typed_error(case):
    _read_and_check(*case)


@pytest.mark.validate
@_settings(VALIDATE_EXAMPLES, derandomize=False)
@given(_responses_file())
def test_fuzz_responses_files_many(case):
    _read_and_check(*case)


# ------------------------------------------------------------------------------------------------- plans

_FRAGMENTS = ["null", "~", "[]", "{}", "-1", "0", "1e9", "yes", "no", "on", "'x'", '"', "[a, b", "{a: 1",
              "*undefined", "&a [*a]", "!!python/object:os.system 'ls'", "!!binary aGVsbG8=", "<<: *x",
              "dyad_id", "resp_id", "crossed", "AWARE", "configuration", "@", "`", "%TAG", "---", "...", "\t",
              "- item", "key: value: other", "[[[[[[[[[[]]]]]]]]]]", "\x01", "\u202e", "2026-01-01", ".inf"]


@functools.cache
def _template_lines_tuple() -> tuple[str, ...]:
    from alliance_stats.plan.templates import default_plan_path

    return tuple(Path(default_plan_path()).read_text(encoding="utf-8").splitlines())


def _template_lines() -> list[str]:
    return list(_template_lines_tuple())


@st.composite
def _plan_text(draw: st.DrawFn) -> str:
    """The packaged plan with a few lines deleted, duplicated, replaced or given a new value."""
    lines = _template_lines()
    for _ in range(draw(st.integers(1, 4))):
        i = draw(st.integers(0, len(lines) - 1))
        action = draw(st.sampled_from(["value", "value", "value", "delete", "duplicate", "insert", "indent"]))
        piece = draw(st.one_of(st.sampled_from(_FRAGMENTS), st.text(max_size=10)))
        if action == "value" and ":" in lines[i]:
            key = lines[i].split(":", 1)[0]
            lines[i] = f"{key}: {piece}"
        elif action == "delete":
            del lines[i]
        elif action == "duplicate":
            lines.insert(i, lines[i])
        elif action == "insert":
            lines.insert(i, piece)
        elif action == "indent":
            lines[i] = "  " + lines[i]
        if not lines:
            lines = [""]
    return "\n".join(lines) + "\n"


def _load_and_check(text: str) -> None:
    from alliance_stats.plan import check_plan, load_plan

    path = Path(_TMP.name) / f"plan{next(_COUNTER)}.yaml"
    path.write_text(text, encoding="utf-8", errors="surrogatepass")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            check_plan(load_plan(path), _instrument())
    except AllianceStatsError:
        pass
    finally:
        path.unlink()


@_settings(FAST_EXAMPLES, derandomize=True)
@given(_plan_text())
def test_fuzz_plans_end_in_a_plan_or_a_typed_error(text):
    _load_and_check(text)


@pytest.mark.validate
@_settings(VALIDATE_EXAMPLES, derandomize=False)
@given(_plan_text())
def test_fuzz_plans_many(text):
    _load_and_check(text)
