"""Fuzzing the loaders, the CI sample: any file of five kinds loads or raises InputError, drops no row, locates every problem.

The strategies and the oracle live in ``tests/fuzz_strategies.py``; ``benchmarks/bench_fuzz.py``
runs the same cases by the ten thousand. Below the sample, one regression test per failure the
fuzzing found (each failed before its fix).
"""
from __future__ import annotations

import csv
import datetime as dt
import io
import os
import zipfile
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from fuzz_strategies import (
    KINDS,
    FuzzCase,
    Raw,
    check_case,
    data_rows,
    fuzz_case,
    render_csv,
    render_xlsx,
)
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from revmentor_nb.errors import InputError
from revmentor_nb.io import parse as values
from revmentor_nb.io import read as tables
from revmentor_nb.io.load import load

EXAMPLES = int(os.environ.get("REVMENTOR_FUZZ_EXAMPLES", "60"))  # per kind; the benchmark runs 2,000 per kind


@pytest.mark.parametrize("kind", KINDS)
@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck))
@given(data=st.data())
def test_any_file_loads_or_reports_every_problem_in_place(kind, data):
    case = data.draw(fuzz_case(kind), label="case")
    failures = check_case(case)
    assert not failures, f"{case.describe()}: " + "; ".join(f"{f.category}: {f.detail[:300]}" for f in failures)


# --- the oracle can fail ------------------------------------------------------------------------

HEADER = ["person_id", "name", "role", "department", "grade", "consent", "offers", "wants"]
ROW = ["P1", "Ann", "mentor", "Data", "3", "yes", "data", ""]


def csv_case(kind: str, records: list[list[object]], **known) -> FuzzCase:  # noqa: ANN003
    """A hand-made CSV case, described as the strategies describe theirs."""
    content, seen, _, _ = render_csv(records, ",", "utf-8", "\r\n", False)
    header_row, rows = data_rows(seen)
    return FuzzCase(kind, ".csv", content, rows, [str(c).strip() for c in seen[header_row - 1]], seen, **known)


def test_the_oracle_catches_a_dropped_row_a_missed_problem_and_a_false_alarm():
    records = [HEADER, ROW, [], ["P2", "Bob", "mentee", "Ops", "5", "no", "", "AI"]]
    assert check_case(csv_case("participants", records, must_load=True)) == []
    wrong_rows = csv_case("participants", records, must_load=True)
    wrong_rows.rows = [2, 3, 4]  # as if row 3 (blank) were data: the loaded frame lacks it
    assert [f.category for f in check_case(wrong_rows)] == ["dropped"]
    bad = [HEADER, ROW[:4] + ["senior"] + ROW[5:]]
    assert check_case(csv_case("participants", bad, expect={(2, "grade")})) == []
    assert [f.category for f in check_case(csv_case("participants", bad, expect={(2, "role")}))] == ["missed"]
    assert "false_alarm" in [f.category for f in check_case(csv_case("participants", bad, must_load=True))]


# --- regressions: failures the fuzzing found ---------------------------------------------------


def _write(tmp_path: Path, name: str, records: list[list[object]], delimiter: str = ",") -> Path:
    """A CSV (or, for .xlsx, a workbook) holding ``records``."""
    path = tmp_path / name
    if path.suffix == ".xlsx":
        path.write_bytes(render_xlsx(records, [])[0])
    else:
        out = io.StringIO()
        csv.writer(out, delimiter=delimiter, lineterminator="\r\n").writerows(records)
        path.write_text(out.getvalue(), encoding="utf-8")
    return path


def _problems(call) -> set[tuple[int | None, str]]:  # noqa: ANN001
    with pytest.raises(InputError) as info:
        call()
    p = info.value.problems
    return {(None if pd.isna(r) else int(r), c) for r, c in zip(p["row"], p["column"])}


@pytest.mark.parametrize("text", ["３", "٣", "१२", "3٣", "１.５"])
def test_non_ascii_digits_are_reported_not_lost(tmp_path, text):
    # found: '３' matched the whole-number pattern (regex \d is any Unicode digit) but pandas could not
    # read it, so an optional number became blank without a word and a required grade raised a traceback
    assert bool(values.parse_int(pd.Series([text])).bad[0]) and bool(values.parse_float(pd.Series([text])).bad[0])
    people = _write(tmp_path, "p.csv", [HEADER + ["capacity"], ROW + [text], ["P2", "Bo", "mentee", "Ops", text, "no", "", "AI", "1"]])
    assert _problems(lambda: load("participants", people)) >= {(2, "capacity"), (3, "grade")}
    checkins = _write(tmp_path, "c.csv", [["person_id", "date", "stage", "satisfaction"], ["P1", "2024-01-02", "pulse", text]])
    assert _problems(lambda: load("checkins", checkins)) == {(2, "satisfaction")}
    scores = _write(tmp_path, "a.csv", [["person_id", "stage", "instrument", "score"], ["P1", "pre", "x", text]])
    assert (2, "score") in _problems(lambda: load("assessments", scores))


def test_cells_beyond_the_header_are_located_by_column_letter(tmp_path):
    # found: the problem 'filled cells to the right of the last header' named no column
    path = _write(tmp_path, "p.xlsx", [HEADER, ROW + [None, "stray"], [None, None, None] + ROW])
    assert _problems(lambda: load("participants", path)) >= {(2, "column J"), (3, "column I")}


def test_a_title_row_above_the_table_does_not_change_the_delimiter(tmp_path):
    # found: the delimiter was sniffed from the first row only; a title row above a ';' or tab table (also
    # below blank lines holding separators) made it ',', which reads a quoted cell holding ',' and a line
    # break as two rows, so problems named rows that were not the file's
    title = ' ;\r\n"\t"\r\nSign-ups exported 2024\r\n\r\n'  # blank lines of separators, then the title
    body = [HEADER, ["P1", "Ann, the\nfirst", "mentor", "Data", "3", "yes", "data", ""], ["P2", "Bo"] + ROW[2:]]
    out = io.StringIO()
    csv.writer(out, delimiter=";", lineterminator="\r\n").writerows(body)
    assert tables.sniff_delimiter(title + out.getvalue()) == ";"
    huge = io.StringIO()  # a tab table whose second row holds a ';' cell longer than the sniffed sample
    csv.writer(huge, delimiter="\t", lineterminator="\r\n").writerows([HEADER, ["P1", ";" * 70_000] + ROW[2:], ROW])
    assert tables.sniff_delimiter(title + huge.getvalue()) == "\t"
    path = tmp_path / "p.csv"
    path.write_text(title + out.getvalue(), encoding="utf-8")
    problems = _problems(lambda: load("participants", path))
    # the title (row 3) is read as the header: rows 5 (the real header), 6 (one row over two lines) and 7 are data
    assert {r for r, c in problems if c.startswith("column ")} == {5, 6, 7}


def test_a_formula_without_a_saved_result_is_reported_not_skipped(tmp_path):
    # found: openpyxl (and other programs) write formulas with no cached result; read for values the
    # cell is empty, so a row of such formulas vanished as blank and a formula in an optional column
    # became a silent blank
    records = [HEADER + ["location"], ROW + [Raw("=A1&B1")], [Raw("=1+1"), Raw('="Bo"'), None, None, None, None, None]]
    path = tmp_path / "p.xlsx"
    path.write_bytes(render_xlsx(records, [])[0])
    assert openpyxl.load_workbook(path, data_only=True).active["I2"].value is None  # no saved result
    problems = _problems(lambda: load("participants", path))
    assert {(2, "location"), (3, "person_id"), (3, "name")} <= problems
    saved = tmp_path / "saved.xlsx"  # a formula whose result was saved (as Excel saves it) is read as its value
    _with_saved_results(render_xlsx([HEADER, ROW[:4] + [Raw("=1+2")] + ROW[5:]], [])[0], saved)
    assert load("participants", saved)["grade_rank"].tolist() == [3]


def _with_saved_results(content: bytes, path: Path) -> None:
    """Write ``content`` with the result 3 saved for every formula (openpyxl saves none)."""
    with zipfile.ZipFile(io.BytesIO(content)) as src, zipfile.ZipFile(path, "w") as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename.startswith("xl/worksheets/"):
                data = data.replace(b"<v />", b"<v>3</v>").replace(b"<v></v>", b"<v>3</v>")
            dst.writestr(item, data)


def test_xlsx_dates_numbers_and_text_numbers_read_alike(tmp_path):
    records = [["person_id", "date", "stage", "satisfaction"],
               ["P1", Raw(dt.datetime(2024, 3, 1)), "pulse", Raw(4)], ["P2", "2024-03-01", "pulse", "4"]]
    frame = load("checkins", _write(tmp_path, "c.xlsx", records))
    assert frame["date"].tolist() == [pd.Timestamp("2024-03-01")] * 2 and frame["satisfaction"].tolist() == [4, 4]
