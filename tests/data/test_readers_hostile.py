"""A text cell over 131,072 characters (issue 15 item 9) is a ReadError naming its row and column (checked for
every format in the shared table checks; openpyxl itself cuts xlsx cells at 32,767 characters); a cell of exactly
131,072 characters is read."""

from __future__ import annotations

import pytest

from alliance_stats.core.errors import ReadError
from alliance_stats.data import read_responses

MAX_CELL_CHARS = 131_072  # alliance_stats.data.readers.MAX_CELL_CHARS


@pytest.fixture(scope="module")
def small_csv_rows(simulated):
    frame = simulated(3, 11).responses
    return frame.to_csv(index=False, float_format="%.15g")


def _with_cell(text: str, row: int, column: str, value: str) -> str:
    import csv
    import io

    rows = list(csv.reader(io.StringIO(text)))
    rows[row][rows[0].index(column)] = value
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    return out.getvalue()


def test_a_cell_over_the_limit_is_named_by_row_and_column(tmp_path, small_csv_rows, instrument):
    path = tmp_path / "responses.csv"
    path.write_text(_with_cell(small_csv_rows, 3, "resp_id", "x" * (MAX_CELL_CHARS + 1)), encoding="utf-8")
    with pytest.raises(ReadError) as info:
        read_responses(path, instrument)
    err = info.value
    assert (err.row, err.column) == (3, "resp_id")
    assert "131,072" in str(err) and "x" * 50 not in str(err)


def test_a_cell_at_the_limit_is_read(tmp_path, small_csv_rows, instrument):
    path = tmp_path / "responses.csv"
    path.write_text(_with_cell(small_csv_rows, 2, "resp_id", "y" * MAX_CELL_CHARS), encoding="utf-8")
    frame = read_responses(path, instrument)
    assert len(frame) == 6


def test_the_csv_field_limit_is_left_as_it_was(tmp_path, small_csv_rows, instrument):
    import csv

    before = csv.field_size_limit()
    path = tmp_path / "responses.csv"
    path.write_text(_with_cell(small_csv_rows, 1, "resp_id", "z" * 200_000), encoding="utf-8")
    with pytest.raises(ReadError):
        read_responses(path, instrument)
    assert csv.field_size_limit() == before

