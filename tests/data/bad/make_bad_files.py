"""Write the malformed (and the tricky-but-valid) responses files of tests/data/bad/.

Run from anywhere:  .venv/bin/python tests/data/bad/make_bad_files.py
Every file starts from the same small valid frame (tests/data/builders.valid_responses, 8 dyads, seed 11) and
breaks one thing. ``CASES`` says what each file must produce; tests/data/test_bad_files.py asserts it:

- ``read_error``: :func:`read_responses` raises :class:`ReadError` naming the row / column / value given;
- ``error`` / ``warning``: the file reads, and :func:`check_responses` reports the rule at the row, column
  and value given (with that severity);
- ``ok``: the file reads and checks without error (formats that French users produce and that must work).

Text files are byte-for-byte reproducible (the test regenerates them and compares); the .xlsx and .sav
files carry the time they were written, so only their content is compared.
"""

from __future__ import annotations

import io
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

from alliance_stats.instrument import default_instrument  # noqa: E402
from tests.data.builders import to_kobo_csv, valid_responses  # noqa: E402


@dataclass(frozen=True)
class BadCase:
    """One file and what it must produce."""

    file: str
    expect: str  # read_error | error | warning | ok
    rule: str | None = None  # check rule (error / warning); None for read errors and ok files
    row: int | None = None  # 1-based data row named by the error or finding
    column: str | None = None
    value: Any = None
    about: str = ""


CASES: list[BadCase] = [
    BadCase("accents_cp1252_semicolon.csv", "ok",
            about="French Excel export: Windows-1252, ';', decimal comma, answer labels with accents"),
    BadCase("decimal_comma_semicolon.csv", "ok", about="';' delimiter with decimal commas ('4,0') in every code"),
    BadCase("utf16_tab.txt", "ok", about="Excel 'Unicode text': UTF-16 with BOM, tab-delimited"),
    BadCase("kobo_labels.csv", "ok", about="KoboToolbox export with group prefixes, French labels, 0/1 options"),
    BadCase("decimal_comma_unquoted.csv", "read_error", row=3,
            about="',' delimiter and an unquoted decimal comma: the row has one value too many"),
    BadCase("undecodable.csv", "read_error", row=2, value="81",
            about="bytes that are neither UTF-8 nor Windows-1252 (an unknown code page)"),
    BadCase("empty.csv", "read_error", about="0 bytes"),
    BadCase("header_only.csv", "read_error", about="a header row and no data"),
    BadCase("missing_sheet.xlsx", "read_error", value=None,
            about="a workbook whose sheets are 'Notes' and 'Codebook' (no responses sheet)"),
    BadCase("responses.ods", "read_error", value="responses.ods", about="unknown extension"),
    BadCase("xlsx_renamed.csv", "read_error", about="an .xlsx workbook saved under a .csv name"),
    BadCase("duplicate_header.csv", "read_error", column="LINK_2", about="a column name given twice"),
    BadCase("corrupt.sav", "read_error", about="a .sav file that is not an SPSS file"),
    BadCase("stray_text.csv", "error", "non_numeric", row=5, column="LINK_3", value="quatre",
            about="a text answer in a Likert item"),
    BadCase("code_8.csv", "error", "out_of_range", row=4, column="LINK_2", value=8, about="code 8 on a 1-7 item"),
    BadCase("binary_2.csv", "error", "invalid_code", row=6, column="CONTRACT", value=2, about="2 on a yes/no item"),
    BadCase("multi_unknown_option.csv", "error", "invalid_code", row=2, column="SAT_RESOURCE", value="skills luck",
            about="an option that is not in the choice list"),
    BadCase("dyad_of_three.csv", "error", "dyad_size", row=17, column="dyad_id", value="D001",
            about="a third respondent with dyad D001"),
    BadCase("lone_partner.csv", "warning", "lone_partner", row=15, column="dyad_id", value="D008",
            about="dyad D008 with one respondent"),
    BadCase("duplicate_id.csv", "error", "duplicate_id", row=8, column="resp_id", value="R0003",
            about="resp_id R0003 twice"),
    BadCase("unknown_column.csv", "error", "unknown_column", column="LINK_01", value="LINK_01",
            about="a misspelt column (LINK_01 for LINK_1)"),
    BadCase("missing_column.csv", "error", "missing_column", column="TRS_2", about="item TRS_2 absent"),
    BadCase("first_order_before_founding.csv", "error", "date_order", row=3, column="FIRST_ORDER_YEAR", value=2009,
            about="first order in 2009, founding in 2012"),
    BadCase("twelve_employees.csv", "error", "not_tpe", row=7, column="EMPLOYEES", value=12,
            about="12 people: not a TPE"),
    BadCase("no_strategic_criterion.csv", "error", "no_strategic_criterion", row=9, column="STRAT_1", value=0,
            about="both partners of D005 answer no to STRAT_1..4"),
    BadCase("role_c.csv", "error", "invalid_role", row=10, column="role", value="c", about="role 'c'"),
    BadCase("roles_both_a.csv", "error", "dyad_roles", row=12, column="role", value="a",
            about="both partners of D006 have role a"),
    BadCase("missing_dyad_id.csv", "error", "missing_key", row=11, column="dyad_id", about="an empty dyad_id"),
    BadCase("future_year.csv", "error", "future_year", row=2, column="ALLIANCE_START_YEAR", value=2999,
            about="an alliance starting in 2999"),
    BadCase("declared_missing_99.csv", "warning", "declared_missing", row=5, column="SYM_2", value=99,
            about="99 = don't know"),
    BadCase("attention_failed.csv", "warning", "attention_failed", row=2, column="ATTN_1", value=6,
            about="the attention item asks for 2"),
    BadCase("straightliner.csv", "warning", "careless_longstring", row=3, value=53,
            about="every item answered 5"),
    BadCase("breakeven_year_without_breakeven.csv", "warning", "skip_logic", row=4, column="BREAKEVEN_YEAR",
            value=2018, about="a break-even year although break-even is no"),
    BadCase("no_startup_firm.csv", "warning", "no_startup_firm", row=13, column="STARTUP_AT_ALLIANCE", value=0,
            about="neither partner of D007 in its start-up phase"),
    BadCase("partner_disagreement.csv", "warning", "partner_disagreement", row=1, column="CONTRACT",
            about="partners of D001 disagree about the written contract"),
]


def base_frame() -> pd.DataFrame:
    """The valid starting frame: 8 dyads, 16 rows, seed 11 (names and e-mails in clear)."""
    return valid_responses(default_instrument(), n_dyads=8, seed=11)


def _csv(frame: pd.DataFrame, **kwargs: Any) -> bytes:
    options = {"index": False, "float_format": "%.15g", "lineterminator": "\n"} | kwargs
    encoding = options.pop("encoding", "utf-8")
    return frame.to_csv(**options).encode(encoding)


def build_text_files() -> dict[str, bytes]:
    """Every text file of CASES, name -> bytes (deterministic)."""
    inst = default_instrument()
    base = base_frame()
    files: dict[str, bytes] = {}

    def edit(**cells: Any) -> pd.DataFrame:
        frame = base.copy()
        for key, value in cells.items():
            column, row = key.rsplit("__", 1)
            frame[column] = frame[column].astype(object)
            frame.loc[int(row) - 1, column] = value
        return frame

    # files that must read fine
    french = base.copy().astype(object)
    agree = inst.scales["agree7"].labels
    for name in ("LINK_1", "LINK_2", "TRS_1"):
        french[name] = [agree[int(v)]["fr"] for v in base[name]]
    french["SECTOR"] = [next(c.label["fr"] for c in inst.choices["sector"] if c.code == str(int(v)))
                        for v in base["SECTOR"]]
    french["CONTRACT"] = ["Oui" if v == 1 else "Non" for v in base["CONTRACT"]]
    files["accents_cp1252_semicolon.csv"] = _csv(french, sep=";", decimal=",", float_format="%.1f",
                                                 encoding="cp1252")
    files["decimal_comma_semicolon.csv"] = _csv(base, sep=";", decimal=",", float_format="%.1f")
    files["utf16_tab.txt"] = _csv(base, sep="\t", encoding="utf-16")
    files["kobo_labels.csv"] = to_kobo_csv(base, inst, values="labels", headers="names", lang="fr")

    # unreadable files
    text = _csv(base, float_format="%.1f").decode("utf-8").splitlines()
    header = text[0].split(",")
    cells = text[3].split(",")
    j = header.index("LINK_1")
    cells[j] = cells[j].replace(".", ",")  # 4.0 -> 4,0 unquoted: one value too many on data row 3
    text[3] = ",".join(cells)
    files["decimal_comma_unquoted.csv"] = ("\n".join(text) + "\n").encode("utf-8")
    lines = _csv(base).split(b"\n")
    lines[2] = lines[2].replace(b"R0002", b"R0002\x81", 1)  # 0x81: undefined in UTF-8 and in Windows-1252
    files["undecodable.csv"] = b"\n".join(lines)
    files["empty.csv"] = b""
    files["header_only.csv"] = (",".join(base.columns) + "\n").encode("utf-8")
    dup = base.rename(columns={"LINK_3": "LINK_2"})
    files["duplicate_header.csv"] = _csv(dup)
    files["corrupt.sav"] = b"$FL2@(#) this is not really an SPSS system file\n" + bytes(range(256))

    # check errors
    files["stray_text.csv"] = _csv(edit(LINK_3__5="quatre"))
    files["code_8.csv"] = _csv(edit(LINK_2__4=8.0))
    files["binary_2.csv"] = _csv(edit(CONTRACT__6=2.0))
    files["multi_unknown_option.csv"] = _csv(edit(SAT_RESOURCE__2="skills luck"))
    three = pd.concat([base, base.iloc[[0]].assign(resp_id="R0017", role="b")], ignore_index=True)
    files["dyad_of_three.csv"] = _csv(three)
    files["lone_partner.csv"] = _csv(base.drop(index=15).reset_index(drop=True))
    files["duplicate_id.csv"] = _csv(edit(resp_id__8="R0003"))
    files["unknown_column.csv"] = _csv(base.rename(columns={"LINK_1": "LINK_01"}))
    files["missing_column.csv"] = _csv(base.drop(columns="TRS_2"))
    files["first_order_before_founding.csv"] = _csv(edit(FOUNDING_YEAR__3=2012.0, FIRST_ORDER_YEAR__3=2009.0,
                                                         ALLIANCE_START_YEAR__3=2019.0, ALLIANCE_START_YEAR__4=2019.0,
                                                         BREAKEVEN_YEAR__3=np.nan, BREAKEVEN__3=0.0))
    files["twelve_employees.csv"] = _csv(edit(EMPLOYEES__7=12.0))
    files["no_strategic_criterion.csv"] = _csv(edit(**{f"STRAT_{k}__{r}": 0.0 for k in range(1, 5) for r in (9, 10)}))
    files["role_c.csv"] = _csv(edit(role__10="c"))
    files["roles_both_a.csv"] = _csv(edit(role__12="a"))
    files["missing_dyad_id.csv"] = _csv(edit(dyad_id__11=np.nan))
    files["future_year.csv"] = _csv(edit(ALLIANCE_START_YEAR__1=2999.0, ALLIANCE_START_YEAR__2=2999.0))

    # warnings
    files["declared_missing_99.csv"] = _csv(edit(SYM_2__5=99.0))
    files["attention_failed.csv"] = _csv(edit(ATTN_1__2=6.0))
    files["straightliner.csv"] = _csv(edit(**{f"{v.name}__3": 5.0 for v in inst.likert_items()}))
    files["breakeven_year_without_breakeven.csv"] = _csv(edit(BREAKEVEN__4=0.0, BREAKEVEN_YEAR__4=2018.0))
    files["no_startup_firm.csv"] = _csv(edit(STARTUP_AT_ALLIANCE__13=0.0, STARTUP_AT_ALLIANCE__14=0.0))
    other = 1.0 - float(base.loc[1, "CONTRACT"])
    files["partner_disagreement.csv"] = _csv(edit(CONTRACT__2=other))
    return files


def build_binary_files() -> dict[str, bytes]:
    """The workbook and the renamed workbook (their bytes hold the time of writing)."""
    import openpyxl

    files: dict[str, bytes] = {}
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Notes"
    ws.append(["Enquête alliances TPE", "vague 1"])
    ws.append(["Les réponses sont dans un autre classeur."])
    codebook = wb.create_sheet("Codebook")
    codebook.append(["variable", "label"])
    codebook.append(["LINK_1", "Mon partenaire et moi sommes aussi des amis."])
    buffer = io.BytesIO()
    wb.save(buffer)
    files["missing_sheet.xlsx"] = buffer.getvalue()
    buffer = io.BytesIO()
    base_frame().to_excel(buffer, index=False, sheet_name="responses")
    files["xlsx_renamed.csv"] = buffer.getvalue()
    files["responses.ods"] = b"PK\x03\x04 an OpenDocument spreadsheet is not supported"
    return files


def main() -> None:
    for name, payload in {**build_text_files(), **build_binary_files()}.items():
        (HERE / name).write_bytes(payload)
    missing = [case.file for case in CASES if not (HERE / case.file).exists()]
    if missing:
        raise SystemExit(f"cases without a file: {missing}")
    print(f"{len(CASES)} files written to {HERE}")


if __name__ == "__main__":
    main()
