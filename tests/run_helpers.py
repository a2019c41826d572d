"""Helpers of the whole-run tests (tests/test_run.py, tests/test_cli_run.py): a small plan, the CLI, and
readers of the run folder (HTML tables, Word tables, every byte of every file)."""

from __future__ import annotations

import math
import re
import struct
import zipfile
import zlib
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

import pytest

from alliance_stats.cli import main

REPO = Path(__file__).resolve().parents[1]
CONFIRMATORY = REPO / "analyses" / "confirmatory.yaml"

#: Cheaper settings than the confirmatory plan's (the numbers change, not the code paths).
CHEAP = {
    "data: data/synthetic_responses.csv": "data: responses.csv",
    "instrument: ../surveys/alliance_startup.yaml": f"instrument: {REPO / 'surveys' / 'alliance_startup.yaml'}",
    "seed_cases: ../surveys/seed_cases.csv": f"seed_cases: {REPO / 'surveys' / 'seed_cases.csv'}",
    "parallel_iter: 100": "parallel_iter: 20",
    "k_max: 8": "k_max: 6",
    "n_boot: 200": "n_boot: 20",
    "n_perm: 999": "n_perm: 99",
    # the two CFA-based reviewer's checks are run by tests/plan/test_checks_section.py's whole run and their unit
    # tests; the other whole-run tests leave them out (robustness and margins stay on)
    "  cmv: true\n  nesting: true": "  cmv: false\n  nesting: false",
}


#: The counts of the cheap settings alone (no paths): for a whole run of a plan made by ``alliance-stats init`` whose
#: claim does not depend on the replicate counts (see :func:`cheap_counts`).
CHEAP_COUNTS = {old: new for old, new in CHEAP.items() if old.split(":")[0] in ("parallel_iter", "k_max", "n_boot",
                                                                                 "n_perm")}
CMV_NESTING_OFF = {"  cmv: true\n  nesting: true": "  cmv: false\n  nesting: false"}


def cheap_counts(text: str, cmv_nesting: bool = True) -> str:
    """``text`` (a plan written by ``alliance-stats init``) with the replicate counts of :data:`CHEAP_COUNTS`; the
    two CFA-based reviewer's checks left out too unless ``cmv_nesting`` (as :data:`CHEAP` does)."""
    for old, new in [*CHEAP_COUNTS.items(), *(() if cmv_nesting else CMV_NESTING_OFF.items())]:
        text = replace_once(text, old, new)
    return text


def plan_text(**replacements: str) -> str:
    """The confirmatory plan with the cheap settings, then ``replacements`` (old text -> new text, each once)."""
    text = CONFIRMATORY.read_text(encoding="utf-8")
    for old, new in [*CHEAP.items(), *replacements.items()]:
        assert text.count(old) == 1, f"{old!r} is not once in the plan"
        text = text.replace(old, new)
    return text


def replace_once(text: str, old: str, new: str) -> str:
    assert text.count(old) == 1, f"{old!r} is not once in the text"
    return text.replace(old, new)


def line_of(text: str, fragment: str) -> int:
    """1-based line of the only line of ``text`` holding ``fragment``."""
    lines = [number for number, line in enumerate(text.splitlines(), start=1) if fragment in line]
    assert len(lines) == 1, f"{fragment!r} is on lines {lines}"
    return lines[0]


def cli(args: list[str], capsys: pytest.CaptureFixture[str] | None = None) -> tuple[int, str]:
    """Run the command line in this process: (exit status, stdout + stderr when ``capsys`` is given)."""
    with pytest.raises(SystemExit) as info:
        main([str(arg) for arg in args])
    out = ""
    if capsys is not None:
        captured = capsys.readouterr()
        out = captured.out + captured.err
    code = info.value.code
    return (0 if code is None else int(code)), out


# ------------------------------------------------------------------------------------------- HTML


@dataclass
class HtmlTable:
    key: str
    caption: str = ""
    header: list[list[tuple[str, int]]] = field(default_factory=list)  # rows of (text, colspan)
    body: list[list[tuple[bool, str]]] = field(default_factory=list)  # rows of (is stub th, text)

    def body_texts(self) -> list[list[str]]:
        return [[text for _, text in row] for row in self.body]

    def header_grid(self) -> list[list[str]]:
        """Header rows with every spanner repeated over the columns it spans (as Word shows merged cells)."""
        return [[text for text, span in row for _ in range(span)] for row in self.header]


class ReportTables(HTMLParser):
    """Every ``table.apa`` of a page with its key, caption, header rows and body cells; the figures' images."""

    def __init__(self) -> None:
        super().__init__()
        self.tables: list[HtmlTable] = []
        self.images: list[str] = []
        self._part: str | None = None
        self._cell: list[str] | None = None
        self._cell_info: tuple[bool, int] = (False, 1)
        self._in_caption = False

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "table" and "apa" in (attributes.get("class") or ""):
            self.tables.append(HtmlTable(key=attributes.get("data-key") or ""))
        elif tag == "img":
            self.images.append(attributes.get("src") or "")
        elif not self.tables:
            return
        elif tag == "caption":
            self._in_caption = True
        elif tag in ("thead", "tbody"):
            self._part = tag
        elif tag == "tr" and self._part == "thead":
            self.tables[-1].header.append([])
        elif tag == "tr" and self._part == "tbody":
            self.tables[-1].body.append([])
        elif tag in ("th", "td") and self._part in ("thead", "tbody"):
            self._cell = []
            self._cell_info = (tag == "th", int(attributes.get("colspan") or 1))

    def handle_endtag(self, tag):
        if tag == "caption":
            self._in_caption = False
        elif tag in ("thead", "tbody", "table"):
            self._part = None
        elif tag in ("th", "td") and self._cell is not None:
            text = "".join(self._cell)
            is_th, span = self._cell_info
            if self._part == "thead":
                self.tables[-1].header[-1].append((text, span))
            else:
                self.tables[-1].body[-1].append((is_th, text))
            self._cell = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)
        if self._in_caption and self.tables:
            self.tables[-1].caption += data


def read_report_tables(path: Path) -> ReportTables:
    parser = ReportTables()
    parser.feed(path.read_text(encoding="utf-8"))
    parser.close()
    return parser


# ----------------------------------------------------------------------------------- every byte


def png_texts(data: bytes) -> list[bytes]:
    """Payloads of the text chunks of a PNG (tEXt as is, zTXt and compressed iTXt inflated)."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    out, position = [], 8
    while position < len(data):
        (length,) = struct.unpack(">I", data[position:position + 4])
        kind = data[position + 4:position + 8]
        payload = data[position + 8:position + 8 + length]
        if kind == b"tEXt":
            out.append(payload)
        elif kind == b"zTXt":
            keyword, _, rest = payload.partition(b"\0")
            out.append(keyword + b"\0" + zlib.decompress(rest[1:]))
        elif kind == b"iTXt":
            keyword, _, rest = payload.partition(b"\0")
            compressed, rest = rest[0], rest[2:]
            _, _, rest = rest.partition(b"\0")  # language tag
            _, _, text = rest.partition(b"\0")  # translated keyword
            out.append(keyword + b"\0" + (zlib.decompress(text) if compressed else text))
        position += 12 + length
    return out


def readable_bytes(path: Path) -> list[bytes]:
    """The file's bytes, plus the inflated members of a zip (docx, xlsx) and the text chunks of a PNG."""
    data = path.read_bytes()
    parts = [data]
    if data[:4] == b"PK\x03\x04":
        with zipfile.ZipFile(path) as archive:
            parts += [archive.read(name) for name in archive.namelist()]
    if data[:8] == b"\x89PNG\r\n\x1a\n":
        parts += png_texts(data)
    return parts


def find_needles(folder: Path, needles: list[str]) -> list[tuple[str, str]]:
    """(file, needle) for every needle found in a file of ``folder``: UTF-8, Latin-1 or UTF-16 bytes, any case
    of its ASCII letters, in the file or in its inflated parts (:func:`readable_bytes`)."""
    found = []
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        parts = [part.lower() for part in readable_bytes(path)]
        for needle in needles:
            forms = {needle.encode(encoding, "ignore").lower() for encoding in ("utf-8", "latin-1", "utf-16-le")}
            if any(form in part for part in parts for form in forms):
                found.append((str(path.relative_to(folder)), needle))
    return found


DECIMAL_POINT = re.compile(r"(?:\d|^|[\s(<=\[-])\.\d")  # 0.82, .82, p < .001
DECIMAL_COMMA = re.compile(r"(?:\d|^|[\s(<=\[-]),\d")  # 0,82, ,82, p < ,001
SVG_TEXT = re.compile(rb"<!-- (.*?) -->", re.S)


def svg_texts(path: Path) -> list[str]:
    """The texts of a matplotlib SVG (glyphs are paths; matplotlib keeps each text in a comment)."""
    return [match.decode("utf-8") for match in SVG_TEXT.findall(path.read_bytes())]


# ------------------------------------------------------------------------------ the shared base run

#: The base run (tests/conftest.py ``base_run``): the cheap plan on 100 simulated dyads (seed 11) with a planted
#: name and e-mail address in the first row (tests/test_run.py: they must reach no file of a run folder), a
#: straight-liner and an attention failure (tests/plan/test_rules_runner.py: the plan's exclusion rules).
BASE_DYADS = 100
BASE_SEED = 11
PLANTED = {"FIRM_NAME": "Zoé Quintal-Brisebois", "RESP_NAME": "Zoé Quintal-Brisebois",
           "RESP_EMAIL": "zoe.quintal@example.org"}


@dataclass(frozen=True)
class BaseRun:
    """The base run: its folder (``root / "en"``), the folder of its inputs (``responses.csv``, ``plan.yaml``) and
    the ids of the planted straight-liner and attention failure."""

    root: Path
    folder: Path
    careless: tuple[str, str]


def base_responses(simulated, instrument) -> tuple[object, tuple[str, str]]:
    """The responses of the base run and the ids of (straight-liner, attention failure)."""
    responses = simulated(BASE_DYADS, BASE_SEED).responses.copy()
    for column, value in PLANTED.items():
        responses[column] = responses[column].astype(object)
        responses.loc[responses.index[0], column] = value
    likert = [v.name for v in instrument.likert_items()]
    attention = [v.name for v in instrument.likert_items() if v.name.startswith("ATTN")]
    passing = responses.index[(responses["ATTN_1"] == 2.0) & (responses.index != responses.index[0])]
    straight, careless = passing[0], passing[1]
    responses.loc[straight, [c for c in likert if c not in attention]] = 4.0  # longstring far above 20
    responses.loc[careless, "ATTN_1"] = 6.0  # the instructed answer is 2
    return responses, (str(responses.at[straight, "resp_id"]), str(responses.at[careless, "resp_id"]))


def csv_bytes(frame) -> bytes:
    """``frame`` as the CSV a run reads back to the same numbers (15 significant digits)."""
    return frame.to_csv(index=False, float_format="%.15g").encode("utf-8")


def write_csv(frame, path: Path) -> None:
    path.write_bytes(csv_bytes(frame))


def json_numbers(node: object, path: str = "") -> dict[str, float]:
    """Every int/float leaf of a JSON tree, keyed by its path (the pinned-results tests compare them)."""
    if isinstance(node, dict):
        return {k: v for key, value in node.items() for k, v in json_numbers(value, f"{path}/{key}").items()}
    if isinstance(node, list):
        return {k: v for i, value in enumerate(node) for k, v in json_numbers(value, f"{path}[{i}]").items()}
    if isinstance(node, int | float) and not isinstance(node, bool):
        return {path: float(node)}
    return {}


def pinned_differences(before: dict[str, float], after: dict[str, float],
                       rel_tol: float = 1e-10) -> tuple[list[str], list[tuple[str, float, float]]]:
    """The pinned numbers gone from ``after`` and those that moved beyond ``rel_tol`` (absolute 1e-12)."""
    missing = sorted(set(before) - set(after))
    moved = [(key, before[key], after[key]) for key in before if key in after
             and not (before[key] == after[key] or math.isclose(before[key], after[key], rel_tol=rel_tol,
                                                                 abs_tol=1e-12))]
    return missing, moved
