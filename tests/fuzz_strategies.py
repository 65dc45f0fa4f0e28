"""Fuzzing the loaders: hypothesis strategies for malformed input files, and the oracle every file must pass.

Shared by ``tests/test_fuzz_inputs.py`` (a sample CI runs) and ``benchmarks/bench_fuzz.py``
(10,000+ cases). A case is one file of kind participants, roster, meetings, checkins or
assessments, written as CSV (',', ';' or tab; UTF-8 with or without BOM, UTF-16, cp1252;
CRLF, LF or CR line ends) or as .xlsx through openpyxl (numbers stored as numbers or as
text, dates as dates or as serial numbers, formulas without saved results, merged cells,
error cells, tables not starting in column A), together with what is known about it.

Two families of case:

* **planted** - a valid table of the kind (aliases, extra columns, any column order, a
  roster or participants table passed alongside) broken in known ways: wrong types, blanks
  in required columns, out-of-range numbers, missing/repeated/ambiguous columns, repeated
  ids, unknown people, manager cycles of any length (also through the roster), pairs of one
  person, rows longer than the header, formulas, date serials, merged cells - plus harmless
  oddities (HTML/script and formula-like text, huge cells, odd Unicode, trailing empty
  cells). Each break names the (row, column) problem it must cause; a case with no break
  must load.
* **chaos** - any headers (contract names, aliases, junk, blanks, repeats) over junk cells
  (control characters, huge cells, ragged rows, title rows, BOM-less UTF-16): nothing is
  known but the oracle's general rules.

What counts as blank: a spreadsheet row is blank when every cell is empty after trimming
whitespace (Python ``str.strip``) - so a CSV line holding only delimiters, quotes or spaces is
blank. Blank rows may be skipped but never renumber the others: rows are numbered as a
spreadsheet numbers them (the first non-blank row is the header; a quoted cell spanning
lines is one row). A formula cell is never blank, even when its result was not saved.

The oracle (``check_case``): ``load`` returns a frame or raises InputError - anything else is
a traceback, and so is a warning; a frame holds exactly the non-blank data rows under their
spreadsheet numbers, and no non-blank cell of a recognised column came back empty (nothing
silently dropped); each problem names a data row and a column, or (no row) a column, or is
the single problem of a file that cannot be read at all; every planted problem is reported
at its row and column; a case with nothing planted loads.
"""
from __future__ import annotations

import csv
import datetime as dt
import io
import random
import re
import tempfile
import traceback
import warnings
import zlib
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
from hypothesis import strategies as st
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from revmentor_nb.errors import InputError
from revmentor_nb.io import contract
from revmentor_nb.io import read as tables
from revmentor_nb.io.contract import (
    BOOL,
    DATE,
    EMAIL,
    ENUM,
    FLOAT,
    GRADE,
    INT,
    LIST,
    TEXT,
)
from revmentor_nb.io.load import ACTIVITY_DATES, load, validate_frame
from revmentor_nb.io.read import normalise_header
from revmentor_nb.run.validate import validate_file

KINDS = ("participants", "roster", "meetings", "checkins", "assessments")
GRADE_ORDER = ["A", "b", "C"]  # a declared text grade order, junior first
ID_COLUMN = {"participants": "person_id", "roster": "person_id", "meetings": "mentor_id",
             "checkins": "person_id", "assessments": "person_id"}
XLSX_CELL_LIMIT = 32_767  # Excel's longest cell
TOPICS = ["data", "AI tools", "cloud", "inclusion", "podcasts", "Excel", "<b>HTML</b>", "Zoë", "=SUM(A1)"]
# Text a person may type in a name, a comment or a department: never wrong, whatever it looks like.
ODD_TEXT = ["=cmd()", '=HYPERLINK("http://example.org","x")', "+SUM(A1)", "@evil", "-x", "-1", "=1+1",
            "<script>alert(1)</script>", "<img src=x onerror=alert(1)>", '"><b>', "<b>bold</b> & co",
            "semi;colon,comma", 'quote " inside', "line\nbreak", "tab\tinside", "Zoë Ñandú 北京", "مرحبا بكم",
            "👩🏽‍💻 dev", "a\u200bb", "NULL", "NaN", "None", "#N/A", "#REF!", "TRUE", "0", "1e5", "  padded  ",
            "'quoted", "a\u2028b", "ＡＢＣ", "٣"]
UNICODE_DIGITS = ["３", "٣", "१२", "²", "3٣", "１.５", "２０２４-０１-０１"]
BAD: dict[str, list[str]] = {
    INT: ["abc", "3.5", "1,000", "1e3", "--2", "three", "1" * 16, "4 4", "½", *UNICODE_DIGITS],
    FLOAT: ["abc", "1.2.3", "nan", "inf", "-inf", "1e999", "3,5,1", "½", "1_000", *UNICODE_DIGITS],
    BOOL: ["maybe", "ja", "2", "yes please", "✓", "-1"],
    DATE: ["2024-02-30", "31/02/2024", "03/31/2024", "2024.03.31", "March 3", "45000", "0224-01-01",
           "2024-13-01", "2024-01-01T25:00", "2204-01-01", "１/１/２０２４", "2024-٠١-٠١"],
    EMAIL: ["a@b", "no-at-sign", "a b@c.org", "x@@y.org", ".x@y.org", "x@y..org"],
    GRADE: ["senior", "B2", "3.5", "٣"],
}
BAD_GRADE_CODE = ["D", "7", "AA", "A b"]
BAD_ENUM = ["boss", "mentors", "??", "pre-", "kick off", "ＰＲＥ"]
# Whole numbers out of range, per (kind, column) with a range in the loader.
OUT_OF_RANGE = {("participants", "capacity"): ["0", "-1", "-30"], ("checkins", "satisfaction"): ["0", "6", "99", "-1"],
                ("meetings", "duration_min"): ["-5", "-1"]}
NOBODY = "nobody#"  # ids never generated as real people (generated ids have no '#' and no lower case)
# Free-text columns: any text is valid in them (other text columns hold ids or checked lists).
FREE_TEXT = {"name", "department", "location", "ethnicity", "gender", "age_band", "mode", "logged_by", "comment",
             "instrument", "profession"}
# Typed columns whose valid values may be rewritten freely (no rule ties them to another column).
RETYPED = {"remote_ok", "consent", "on_track", "date", "last_promotion_date"}

safe_name = st.text(st.characters(categories=("L", "N"), include_characters=" -()#&."), min_size=1, max_size=20)
letters = st.text(st.characters(categories=("L",)), min_size=1, max_size=12)
any_text = st.text(st.characters(exclude_categories=("Cs",)), max_size=25)
huge = st.builds(lambda n, c: c * n, st.integers(1_000, 200_000), st.sampled_from(["a", ";", "x,", '"', "é", "\t", "1"]))


@dataclass(frozen=True)
class Raw:
    """A cell value other than text: a number, date or formula in a workbook (its text in a CSV)."""

    value: object

    def text(self) -> str:
        """The cell as a CSV holds it."""
        v = self.value
        if isinstance(v, dt.datetime):
            return v.date().isoformat() if v.time() == dt.time(0) else v.isoformat(sep=" ")
        return str(v)


@dataclass
class FuzzCase:
    """One file to load and what must come of it."""

    kind: str
    suffix: str  # ".csv" or ".xlsx"
    content: bytes
    rows: list[int] | None  # spreadsheet numbers of the non-blank data rows (None: unknown, bytes were broken)
    header: list[str]  # the header row as written, trimmed
    records: list[list[object]] | None  # the file's rows as a spreadsheet sees them (None = empty cell)
    expect: set[tuple[int | None, str]] = field(default_factory=set)  # (row, column) problems; column "*" = any
    must_load: bool = False  # nothing planted: load must return a frame
    readable: bool = True  # clean text: the file must not be refused as a whole
    ids: list[str] | None = None  # the id column's values, in row order, when the case must load
    kwargs: dict = field(default_factory=dict)
    label: str = ""
    same_in_memory: bool = False  # the rows as a DataFrame must validate exactly as the file loads
    sniff_failure: str | None = None  # a generated table whose delimiter the loader does not find

    def describe(self) -> str:
        """One line: kind, format, family and mutations."""
        return f"{self.kind}{self.suffix} {self.label}"


@dataclass
class Failure:
    """A broken property: its category and what happened."""

    category: str  # traceback, warning, dropped, lost_value, mangled, unlocated, misplaced, missed, false_alarm,
    # refused, validate (``revmentor validate`` disagrees or fails), differs (the in-memory path disagrees),
    # sniffed (a generated table's delimiter is not found)
    detail: str


# --- the oracle -------------------------------------------------------------------------------

_SCRATCH: list[Path] = []


def _scratch() -> Path:
    """A temporary folder for this process, made once."""
    if not _SCRATCH:
        _SCRATCH.append(Path(tempfile.mkdtemp(prefix="revmentor-fuzz-")))
    return _SCRATCH[0]


def nonblank(value: object) -> bool:
    """Whether a cell holds anything (text not all whitespace, a number, a date, a formula)."""
    if value is None:
        return False
    if isinstance(value, Raw):
        return nonblank(value.value)
    return bool(value.strip()) if isinstance(value, str) else True


def data_rows(records: list[list[object]]) -> tuple[int | None, list[int]]:
    """(header row, data rows): spreadsheet numbers of the first non-blank row and the non-blank rows after it."""
    filled = [i + 1 for i, r in enumerate(records) if any(nonblank(c) for c in r)]
    return (filled[0], filled[1:]) if filled else (None, [])


def check_case(case: FuzzCase) -> list[Failure]:
    """Load the case's file and list every property it breaks (empty = all hold)."""
    path = _scratch() / f"{case.kind}{case.suffix}"
    path.write_bytes(case.content)
    if case.sniff_failure:
        return [Failure("sniffed", case.sniff_failure)]
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            frame = load(case.kind, path, **case.kwargs)
        except InputError as exc:
            frame, problems = None, exc.problems
            failures = _check_problems(case, problems)
        except Exception as exc:  # noqa: BLE001 - any other exception is the failure being looked for
            return [Failure("traceback", _where(exc))]
        else:
            problems = None
            failures = _check_frame(case, frame)
        if zlib.crc32(case.content) % 4 == 0:  # the CLI path loads the file again: a quarter of the cases
            failures += _check_validate(case, path, frame)
        if case.same_in_memory:
            failures += _check_in_memory(case, frame, problems)
    failures += [Failure("warning", f"{w.category.__name__}: {w.message} ({w.filename}:{w.lineno})") for w in caught]
    return failures


def _check_validate(case: FuzzCase, path: Path, frame: pd.DataFrame | None) -> list[Failure]:
    """`revmentor validate` on the same file: no traceback, and (same inputs) the same verdict."""
    try:
        code, text = validate_file(case.kind, path, grade_order=case.kwargs.get("grade_order"))
    except Exception as exc:  # noqa: BLE001
        return [Failure("validate", "traceback: " + _where(exc))]
    alone = not ({"roster", "participants"} & set(case.kwargs))  # validate_file takes neither
    disagree = alone and ((code == 0 and frame is None)
                          or (frame is not None and re.match(r"[0-9]+ problems? in ", text) is not None))
    if code not in (0, 1) or disagree:
        return [Failure("validate", f"exit {code} but load {'returned a frame' if frame is not None else 'raised'}: "
                                    f"{text[:200]}")]
    return []


def _check_in_memory(case: FuzzCase, frame: pd.DataFrame | None, problems: pd.DataFrame | None) -> list[Failure]:
    """The file's rows as an in-memory text table (the import wizard's path) validate exactly as the file loads."""
    header = list(case.header)
    width = max([len(header)] + [len(case.records[r - 1]) for r in case.rows])
    if width > len(header):
        return []  # cells beyond the header are a problem of files only: a table has no such cells

    rows = [[_cell_text(c) for c in case.records[r - 1]] for r in case.rows]
    table = pd.DataFrame([r + [""] * (len(header) - len(r)) for r in rows], columns=header, dtype=object,
                         index=pd.Index(case.rows, name="row", dtype="int64"))
    try:
        other = validate_frame(case.kind, table, file=f"{case.kind}{case.suffix}", **case.kwargs)
    except InputError as exc:
        if problems is None:
            return [Failure("differs", f"the file loads, the table has problems: {_rows_text(exc.problems)}")]
        mine = sorted(zip(problems["row"].astype("string").fillna("-"), problems["column"], problems["problem"]))
        theirs = sorted(zip(exc.problems["row"].astype("string").fillna("-"), exc.problems["column"], exc.problems["problem"]))
        if mine != theirs:
            return [Failure("differs", f"file {set(mine) - set(theirs)} table {set(theirs) - set(mine)}"[:600])]
        return []
    except Exception as exc:  # noqa: BLE001
        return [Failure("differs", "traceback: " + _where(exc))]
    if frame is None:
        return [Failure("differs", f"the table loads, the file has problems: {_rows_text(problems)}")]
    try:
        pd.testing.assert_frame_equal(frame, other, check_like=False)
    except AssertionError as exc:
        return [Failure("differs", str(exc)[:400])]
    return []


def _cell_text(value: object) -> str:
    """A truth cell as text (what the loader reads from a CSV)."""
    if value is None:
        return ""
    return value.text() if isinstance(value, Raw) else str(value)


def _where(exc: BaseException) -> str:
    """The exception and the project's frames it passed through (innermost last)."""
    frames = [f for f in traceback.extract_tb(exc.__traceback__) if "revmentor_nb" in f.filename]
    shown = " <- ".join(f"{Path(f.filename).name}:{f.lineno} {f.name}" for f in reversed(frames[-4:]))
    return f"{type(exc).__name__}: {str(exc)[:200]} at {shown}"


def _check_frame(case: FuzzCase, frame: pd.DataFrame) -> list[Failure]:
    """A loaded frame: exactly the data rows, every filled cell of a recognised column kept."""
    failures: list[Failure] = []
    rows = [int(r) for r in frame.index]
    if case.rows is None:  # broken bytes: only the numbering can be checked
        return [] if rows == sorted(set(rows)) and all(r >= 2 for r in rows) else [Failure("dropped", f"rows {rows[:10]}")]
    if rows != case.rows:
        missing = sorted(set(case.rows) - set(rows))
        extra = sorted(set(rows) - set(case.rows))
        failures.append(Failure("dropped", f"rows missing {missing[:10]}, rows not in the file {extra[:10]}"))
    if case.expect:
        failures.append(Failure("missed", f"loaded without reporting {sorted(case.expect, key=str)[:6]}"))
    if case.ids is not None and not failures:
        got = ["" if v is None else str(v) for v in frame[ID_COLUMN[case.kind]]]
        if got != case.ids:
            failures.append(Failure("mangled", f"ids {got[:5]} != {case.ids[:5]}"))
    failures += _lost_values(case, frame)
    return failures


def _lost_values(case: FuzzCase, frame: pd.DataFrame) -> list[Failure]:
    """Filled cells of recognised columns that came back empty."""
    if case.records is None:
        return []
    k = contract.kind(case.kind)
    types = {c.name: c.type for c in k.columns}
    position = {}
    for i, h in enumerate(case.header):
        position.setdefault(h, i)
    lost: list[str] = []
    for header, column in frame.attrs.get("mapping", {}).items():
        p = position.get(header)
        if p is None or column not in frame:
            continue
        for r in case.rows:
            if r not in frame.index:
                continue
            record = case.records[r - 1]
            cell = record[p] if p < len(record) else None
            if not nonblank(cell):
                continue
            value = frame.at[r, column]
            if types.get(column) == LIST:
                text = cell.text() if isinstance(cell, Raw) else str(cell)
                empty = bool(text.replace(";", "").strip()) and len(value) == 0
            else:
                empty = value is None or (not isinstance(value, (list, str)) and bool(pd.isna(value)))
            if types.get(column) == GRADE and not empty:
                empty = bool(pd.isna(frame.at[r, "grade_rank"]))
            if empty:
                lost.append(f"row {r} {column} {str(cell)[:30]!r}")
    return [Failure("lost_value", "; ".join(lost[:5]))] if lost else []


def _check_problems(case: FuzzCase, problems: pd.DataFrame) -> list[Failure]:
    """Problems of an InputError: located, inside the file's data rows, covering what was planted."""
    failures: list[Failure] = []
    row_less = problems["row"].isna()
    whole_file = row_less & (problems["column"] == "")
    if whole_file.any():
        if len(problems) > 1:
            failures.append(Failure("unlocated", _rows_text(problems[whole_file])))
        if case.readable:
            failures.append(Failure("refused", _rows_text(problems)))
        return failures
    data = set(case.rows) if case.rows is not None else None
    for p in problems.itertuples(index=False):
        text_ok = isinstance(p.problem, str) and p.problem.strip() and isinstance(p.fix, str) and p.fix.strip()
        if not text_ok or not str(p.column).strip():
            failures.append(Failure("unlocated", f"row {p.row} column {p.column!r}: {p.problem!r} / {p.fix!r}"))
        elif not pd.isna(p.row) and (int(p.row) < 2 if data is None else int(p.row) not in data):
            failures.append(Failure("misplaced", f"row {p.row} is no data row ({len(data)} rows): {p.problem[:80]}"))
    reported = {(None if pd.isna(r) else int(r), str(c)) for r, c in zip(problems["row"], problems["column"])}
    rows_reported = {r for r, _ in reported}
    missed = [(r, c) for r, c in case.expect if ((r, c) not in reported if c != "*" else r not in rows_reported)]
    if missed:
        failures.append(Failure("missed", f"{sorted(missed, key=str)[:6]} not in {_rows_text(problems)}"))
    if case.must_load:
        failures.append(Failure("false_alarm", _rows_text(problems)))
    return failures


def _rows_text(problems: pd.DataFrame) -> str:
    """The problems as one line (cut at 600 characters)."""
    return " | ".join(f"{r}/{c}: {p[:70]}" for r, c, p in zip(problems["row"], problems["column"], problems["problem"]))[:600]


# --- rendering files --------------------------------------------------------------------------


def render_csv(records: list[list[object]], delimiter: str, encoding: str, terminator: str,
               quote_all: bool) -> tuple[bytes, list[list[object]], str, str]:
    """(bytes, rows as a spreadsheet reads them back, encoding used, text) of a CSV file."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, lineterminator=terminator,
                        quoting=csv.QUOTE_ALL if quote_all else csv.QUOTE_MINIMAL)
    writer.writerows([[c.text() if isinstance(c, Raw) else ("" if c is None else c) for c in r] for r in records])
    text = out.getvalue()
    if encoding == "cp1252":
        try:
            data = text.encode("cp1252")
        except UnicodeEncodeError:
            encoding, data = "utf-8", text.encode("utf-8")
    elif encoding == "utf-16-le":  # no BOM
        data = text.encode("utf-16-le")
    else:
        data = text.encode(encoding)
    return data, read_back(text, delimiter), encoding, text


def read_back(text: str, delimiter: str) -> list[list[object]]:
    """The rows of a CSV text as a spreadsheet reads them with ``delimiter``."""
    if csv.field_size_limit() < len(text):  # read back whole, as the loader does (it raises the limit too)
        csv.field_size_limit(max(len(text), 1 << 27))
    return list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))


def xlsx_value(value: object) -> object:
    """A cell value openpyxl can store: no illegal control characters, at most 32,767 characters."""
    if isinstance(value, Raw):
        value = value.value
    if isinstance(value, str):
        return ILLEGAL_CHARACTERS_RE.sub("", value)[:XLSX_CELL_LIMIT]
    return value


def render_xlsx(records: list[list[object]], merges: list[str], sheet_title: str = "Sheet1") -> tuple[bytes, list[list[object]]]:
    """(bytes, rows as written) of a one-sheet workbook; text starting '=' is stored as text unless Raw."""
    wb = Workbook()
    ws = wb.active
    ws.title = sheet_title
    written: list[list[object]] = []
    for r, record in enumerate(records, start=1):
        row = [xlsx_value(c) for c in record]
        written.append([c if not (isinstance(c, str) and c == "") else None for c in row])
        for col, value in enumerate(row, start=1):
            if value is None or value == "":
                continue
            cell = ws.cell(row=r, column=col, value=value)
            if isinstance(value, str) and not isinstance(record[col - 1], Raw) and cell.data_type == "f":
                cell.data_type = "s"  # text that looks like a formula, as Excel keeps it ('=x)
    for ref in merges:
        ws.merge_cells(ref)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue(), written


# --- headers ---------------------------------------------------------------------------------


def reserved(k: contract.Kind) -> set[str]:
    """Normalised names and aliases of a kind's columns (and grade_rank)."""
    return {normalise_header(n) for c in k.columns for n in (c.name, *c.aliases)} | {"grade rank"}


def header_variant(draw, k: contract.Kind, name: str) -> str:
    """The column's name or an alias, in some case, padded, with spaces/underscores swapped."""
    text = draw(st.sampled_from([name, *k.column(name).aliases]))
    text = draw(st.sampled_from([text, text.upper(), text.title(), f"  {text} "]))
    return text.replace("_", " ") if draw(st.booleans()) else text


# --- the planted family ----------------------------------------------------------------------


NAME_CHARS = ("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 -()#&."
              "ÀÉÎÕÜàéîõüßÑñçÇøØåÅłŁ北京東京김박ابجدαβγδЖЗИКअआ")
PLAIN_CHARS = NAME_CHARS + "!\"#$%&'*+,/:;<=>?@[\\]^_`{|}~€£¥©®™°±×÷😀👍🏽\u00a0\u2009\u0301\u200d\t\n"
HUGE_CHARS = "a;\",é1 x"


class Values:
    """Cell values from a seeded Random: hypothesis draws a table's shape and breaks, this fills its cells fast."""

    def __init__(self, seed: int) -> None:
        self.rnd = random.Random(seed)

    def pick(self, options: list) -> object:
        """One of ``options``."""
        return options[self.rnd.randrange(len(options))]

    def flip(self) -> bool:
        """True or False."""
        return self.rnd.random() < 0.5

    def between(self, lo: int, hi: int) -> int:
        """An integer from ``lo`` to ``hi``."""
        return self.rnd.randint(lo, hi)

    def some(self, options: list, lo: int, hi: int, unique: bool = False) -> list:
        """``lo`` to ``hi`` of ``options`` (distinct ones when ``unique``)."""
        k = self.between(lo, min(hi, len(options)) if unique else hi)
        return self.rnd.sample(options, k) if unique else [self.pick(options) for _ in range(k)]

    def word(self, chars: str, lo: int, hi: int) -> str:
        """A string of ``lo`` to ``hi`` characters from ``chars``."""
        return "".join(self.rnd.choice(chars) for _ in range(self.between(lo, hi)))

    def ids(self, n: int, prefix: str = "") -> list[str]:
        """``n`` distinct ids (upper case, digits, '-_.'), never ';' or white space."""
        out: dict[str, None] = {}
        while len(out) < n:
            out[prefix + self.word("ABCDEFGHJKLMNPQRSTUVWXYZ0123456789-_.", 1, 8)] = None
        return list(out)

    def date(self, lo: dt.date, hi: dt.date) -> dt.date:
        """A day from ``lo`` to ``hi``."""
        return lo + dt.timedelta(days=self.between(0, (hi - lo).days))


@dataclass
class Table:
    """A table under construction: column keys in file order, header text per key, rows of cells by key."""

    kind: contract.Kind
    fmt: str
    keys: list[str]
    headers: dict[str, str]
    rows: list[dict[str, object]]
    v: Values
    kwargs: dict = field(default_factory=dict)
    expect: set[tuple[int | None, str]] = field(default_factory=set)  # (row index or None, column)
    protected: set[tuple[int, str]] = field(default_factory=set)
    must_load: bool = True
    items: list[str] = field(default_factory=list)  # assessments: item columns
    merges: list[tuple[str, int, int]] = field(default_factory=list)  # (key, first row index, last row index)
    done: list[str] = field(default_factory=list)

    def has(self, column: str) -> bool:
        """Whether the table has this contract column (under a name the loader will use)."""
        return column in self.keys

    def free(self, column: str) -> list[int]:
        """Row indexes whose cell in ``column`` no mutation has touched."""
        return [i for i in range(len(self.rows)) if (i, column) not in self.protected]

    def plant(self, i: int | None, column: str, what: str) -> None:
        """Record a problem that must be reported (row index or None for the file)."""
        self.expect.add((i, column))
        self.must_load = False
        self.done.append(what)


def _activity_date_text(v: Values) -> str:
    """A date of programme activity (a meeting, a check-in): inside the loader's plausible window."""
    return _date_text(v, lo=dt.date(1995, 1, 1), hi=dt.date(2026, 1, 1))[0]


def _date_text(v: Values, lo: dt.date = dt.date(1950, 1, 1), hi: dt.date = dt.date(2100, 12, 31)) -> tuple[str, dt.date]:
    """A valid date as a person types it (ISO or DD/MM/YYYY), and the date."""
    d = v.date(lo, hi)
    form = v.pick(["iso", "iso", "dmy", "dmy0", "isotime"])
    text = {"iso": d.isoformat(), "dmy": f"{d.day}/{d.month}/{d.year}", "dmy0": d.strftime("%d/%m/%Y"),
            "isotime": f"{d.isoformat()} {v.between(0, 23):02d}:{v.between(0, 59):02d}"}[form]
    return text, d


def _bool_text(v: Values, value: bool) -> str:
    """yes/no in one of its accepted spellings."""
    return v.pick(["yes", "y", "true", "1", "YES", "True", " Y "] if value else ["no", "n", "false", "0", "No", "FALSE"])


def _text(v: Values, fmt: str, required: bool = False) -> str:
    """Harmless free text: names, HTML, formula-like text, odd Unicode, now and then a huge cell."""
    choice = v.between(0, 19)
    if choice == 0:
        text = "x" + v.pick(list(HUGE_CHARS)) * v.between(1_000, 200_000)
    elif choice < 8:
        text = v.pick(ODD_TEXT)
    elif choice < 12:
        text = v.word(PLAIN_CHARS, 0, 30)
    else:
        text = v.word(NAME_CHARS, 1, 20)
    if fmt == "xlsx":
        text = text[:XLSX_CELL_LIMIT]
    return text if (text.strip() or not required) else "N"


def _grade_text(v: Values, kwargs: dict) -> str:
    """A valid grade: an integer (maybe '3.0') or a declared code in any case."""
    if kwargs.get("grade_order"):
        code = v.pick(GRADE_ORDER)
        return v.pick([code, code.lower(), code.upper(), f" {code} "])
    g = v.between(0, 20)
    return v.pick([str(g), f"{g}.0", f"+{g}"])


def _manager_forest(v: Values, ids: list[str], outside: list[str]) -> list[str]:
    """A manager per id ('' or an earlier id or an outside id): never a cycle."""
    out = []
    for i in range(len(ids)):
        pool = ids[:i] + outside
        out.append("" if not pool or v.flip() else v.pick(pool))
    return out


def _roster_frame(v: Values, ids: list[str]) -> tuple[pd.DataFrame, list[str]]:
    """A loaded HR roster passed alongside sign-ups: roster-only people in a chain, maybe some sign-ups."""
    others = [i.lower() for i in v.ids(v.between(0, 6), prefix="R")]  # lower case: never a sign-up's id
    listed = others + v.some(ids, 0, 3, unique=True)
    managers = [None if i == 0 or i >= len(others) or v.flip() else others[v.between(0, i - 1)]
                for i in range(len(listed))]
    return pd.DataFrame({"person_id": listed, "manager_id": managers}, dtype=object), others


def _people_frame(ids: list[str]) -> pd.DataFrame:
    """The loaded participants passed alongside activity files."""
    return pd.DataFrame({"person_id": ids}, dtype=object)


def _base(draw, kind: str, fmt: str) -> Table:
    """A valid table of ``kind`` with its required columns, some optional ones and maybe extras."""
    k = contract.kind(kind)
    big = draw(st.integers(0, 9)) == 0
    n = draw(st.integers(13, 40)) if big else draw(st.integers(0, 12))
    kwargs: dict = {}
    rows: list[dict[str, object]] = [{} for _ in range(n)]
    optional = [c.name for c in k.columns if not c.required]
    always: list[str] = []
    if kind == "participants":
        always = ["offers", "wants"]
    if kind in ("participants", "roster") and draw(st.booleans()):
        kwargs["grade_order"] = GRADE_ORDER
    if kind == "assessments":
        optional = ["date"]
    chosen = [c.name for c in k.columns if c.required or c.name in always]
    chosen += draw(st.lists(st.sampled_from([o for o in optional if o not in always] or ["_"]), unique=True))
    chosen = [c for c in chosen if c != "_"]
    t = Table(k, fmt, [], {}, rows, Values(draw(st.integers(0, 2**32 - 1))), kwargs)
    {"participants": _fill_participants, "roster": _fill_roster, "meetings": _fill_meetings,
     "checkins": _fill_checkins, "assessments": _fill_assessments}[kind](t, chosen)
    t.keys = [c.name for c in k.columns if c.name in chosen]
    t.headers = {c: header_variant(draw, k, c) for c in t.keys}
    taken = {normalise_header(h) for h in t.headers.values()}
    for item in t.items:
        t.keys.append(item)
        t.headers[item] = item
        taken.add(normalise_header(item))
    for _ in range(draw(st.integers(0, 2))):
        extra = draw(safe_name if kind != "assessments" else letters)
        key = normalise_header(extra)
        if not extra.strip() or key in reserved(k) or key in taken or key.startswith("column "):
            continue
        taken.add(key)
        t.keys.append(extra.strip())
        t.headers[extra.strip()] = extra
        for row in rows:
            row[extra.strip()] = (t.v.word("abcdefghijklmnopqrstuvwxyzéßЖ", 1, 12) if kind == "assessments"
                                  else t.v.pick(["", t.v.word(NAME_CHARS, 1, 20)]))
    order = draw(st.permutations(t.keys))
    t.keys = list(order)
    for row in rows:
        for key in t.keys:
            row.setdefault(key, "")
    return t


def _fill_participants(t: Table, chosen: list[str]) -> None:
    """Sign-ups: unique ids, a manager forest (maybe through a roster), topics that fit each role."""
    v, n = t.v, len(t.rows)
    ids = v.ids(n)
    outside: list[str] = []
    if v.flip():
        t.kwargs["roster"], outside = _roster_frame(v, ids)
    managers = _manager_forest(v, ids, outside)
    for i, row in enumerate(t.rows):
        role = v.pick(list(contract.ROLES))
        cells = {
            "person_id": ids[i], "name": _text(v, t.fmt, required=True),
            "email": v.pick(["", f"p{i}@example.org", f"first.last+{i}@mail.example.co.uk", "O'Neil@x.ie"]),
            "role": v.pick([role, role.upper(), role.title(), f" {role} "]),
            "department": _text(v, t.fmt, required=True), "manager_id": managers[i],
            "grade": _grade_text(v, t.kwargs), "location": _text(v, t.fmt),
            "remote_ok": v.pick(["", _bool_text(v, v.flip())]),
            "offers": "; ".join(v.some(TOPICS, role != "mentee", 3)),
            "wants": "; ".join(v.some(TOPICS, role != "mentor", 3)),
            "interests": v.pick(["", "chess; running", "chess;CHESS", "<i>knitting</i>"]),
            "capacity": v.pick(["", "1", "2", "5", "3.0"]), "consent": _bool_text(v, v.flip()),
            "gender": v.pick(["", "F", "M", "X", "prefer not to say"]),
            "ethnicity": _text(v, t.fmt), "age_band": v.pick(["", "25-34", "<25", "55+"]),
            "preferences": "; ".join(v.some(ids, 0, 3, unique=True)),
        }
        row.update({c: cells[c] if c in cells else _default_cell(t.kind.column(c)) for c in chosen})


def _fill_roster(t: Table, chosen: list[str]) -> None:
    """An HR extract: unique ids, a manager forest, exit dates on or after hire dates."""
    v, n = t.v, len(t.rows)
    ids = v.ids(n)
    managers = _manager_forest(v, ids, [])
    for i, row in enumerate(t.rows):
        hired_text, hired = _date_text(v, hi=dt.date(2090, 1, 1))
        exit_text = "" if v.flip() else _date_text(v, lo=hired + dt.timedelta(days=1))[0]
        cells = {
            "person_id": ids[i], "manager_id": managers[i], "department": _text(v, t.fmt, required=True),
            "grade": _grade_text(v, t.kwargs), "location": _text(v, t.fmt), "hire_date": hired_text,
            "exit_date": exit_text, "last_promotion_date": v.pick(["", _date_text(v)[0]]),
            "gender": v.pick(["", "F", "M"]), "ethnicity": _text(v, t.fmt), "age_band": v.pick(["", "25-34"]),
        }
        row.update({c: cells[c] if c in cells else _default_cell(t.kind.column(c)) for c in chosen})


def _default_cell(column: contract.Column) -> str:
    """A valid cell for a column the generator does not know (added to the contract later): blank if allowed."""
    if not column.required:
        return ""
    return {INT: "1", FLOAT: "1.5", BOOL: "yes", DATE: "2024-01-31", GRADE: "1", EMAIL: "a@example.org",
            ENUM: (column.choices or ("x",))[0]}.get(column.type, "x")


def _pool(t: Table) -> list[str]:
    """Ids activity rows may name: the participants passed alongside, or any."""
    ids = t.v.ids(t.v.between(2, 12))
    if t.v.flip():
        t.kwargs["participants"] = _people_frame(ids)
    return ids


def _fill_meetings(t: Table, chosen: list[str]) -> None:
    """Meetings: two different people, a date, maybe a duration, mode and logger."""
    v, ids = t.v, _pool(t)
    for row in t.rows:
        a, b = v.some(ids, 2, 2, unique=True)
        cells = {"mentor_id": a, "mentee_id": b, "date": _activity_date_text(v),
                 "duration_min": v.pick(["", "0", "30", "45", "60.0", "+90"]),
                 "mode": v.pick(["", "video", "in person", "<b>walk</b>", "=phone"]), "logged_by": _text(v, t.fmt)}
        row.update({c: cells[c] if c in cells else _default_cell(t.kind.column(c)) for c in chosen})


def _fill_checkins(t: Table, chosen: list[str]) -> None:
    """Check-ins: a person, date and stage; maybe a rating, on-track flag and a free comment."""
    v, ids = t.v, _pool(t)
    for row in t.rows:
        stage = v.pick(list(contract.CHECKIN_STAGES))
        cells = {"person_id": v.pick(ids), "date": _activity_date_text(v),
                 "stage": v.pick([stage, stage.upper(), f" {stage.title()} "]),
                 "satisfaction": v.pick(["", "1", "3", "5", "4.0"]),
                 "on_track": v.pick(["", _bool_text(v, v.flip())]), "comment": _text(v, t.fmt)}
        row.update({c: cells[c] if c in cells else _default_cell(t.kind.column(c)) for c in chosen})


def _fill_assessments(t: Table, chosen: list[str]) -> None:
    """Pre/post measures: a score, or item columns holding numbers; every row answered."""
    v, ids = t.v, _pool(t)
    with_score = v.flip()
    t.items = [f"q{i + 1}" for i in range(v.between(0 if with_score else 1, 3))]
    if with_score:
        chosen.append("score")
    elif not t.rows:
        t.must_load = False  # a header of item columns with no answers under it: no item column is known
    for row in t.rows:
        cells = {"person_id": v.pick(ids), "stage": v.pick(["pre", "post", "PRE", " Post "]),
                 "instrument": v.pick(["wellbeing", "confidence", "<i>scale</i>", "Zoë's scale"]),
                 "date": v.pick(["", _activity_date_text(v)])}
        answers = {q: v.pick(["", "1", "2", "4", "5", "3.5", "3,5"]) for q in t.items}
        score = v.pick(["", "3.5", "12", "-1.5", "1e2", ".5", "4,25"]) if with_score else ""
        if not score and not any(answers.values()):
            if with_score:
                score = "3"
            else:
                answers[t.items[0]] = "4"
        if with_score:
            cells["score"] = score
        row.update({c: cells[c] if c in cells else _default_cell(t.kind.column(c)) for c in chosen})
        row.update(answers)


# --- breaking a table ----------------------------------------------------------------------


def _structure(draw, t: Table) -> None:
    """Drop a column, repeat one, or give one two competing aliases; each required loss is planted."""
    action = draw(st.sampled_from(["drop", "repeat", "ambiguous"]))
    contract_keys = [c for c in t.keys if c in {x.name for x in t.kind.columns}]
    if not contract_keys:
        return
    column = draw(st.sampled_from(contract_keys))
    col = t.kind.column(column)
    if action == "drop":
        t.keys.remove(column)
        for row in t.rows:
            row.pop(column, None)
        t.must_load = False
        t.done.append(f"drop {column}")
        if col.required:
            t.plant(None, column, f"drop required {column}")
    elif action == "repeat":
        copy = f"#copy-{column}"
        text = t.headers[column].upper() if t.headers[column].upper() != t.headers[column] else t.headers[column].lower()
        if normalise_header(text) != normalise_header(t.headers[column]):
            return
        t.keys.insert(draw(st.integers(t.keys.index(column) + 1, len(t.keys))), copy)
        t.headers[copy] = text
        for row in t.rows:
            row[copy] = draw(st.sampled_from([row[column], "", "junk"]))
        t.plant(None, text.strip(), f"repeat {column}")
    elif action == "ambiguous":
        aliases = [a for a in col.aliases if normalise_header(a) != normalise_header(column)]
        if len(aliases) < 2:
            return
        first, second = draw(st.lists(st.sampled_from(aliases), min_size=2, max_size=2, unique_by=normalise_header))
        mine, twin = f"#amb-{column}", f"#twin-{column}"  # neither is the contract column any more
        t.keys[t.keys.index(column)] = mine
        t.keys.append(twin)
        t.headers[mine], t.headers[twin] = first, second
        for row in t.rows:
            row[mine] = row[twin] = row.pop(column)
        t.must_load = False  # neither alias is used; both are kept as extra columns
        if col.required:
            t.plant(None, column, f"ambiguous {column}")
        else:
            t.done.append(f"ambiguous {column}")


def _bad_value(draw, t: Table, column: str) -> str | None:
    """A value ``column`` must reject, or None when its type accepts anything."""
    col = t.kind.column(column)
    if col.type == ENUM:
        return draw(st.sampled_from(BAD_ENUM))
    if col.type == GRADE and t.kwargs.get("grade_order"):
        return draw(st.sampled_from(BAD_GRADE_CODE))
    if col.type in BAD:
        return draw(st.sampled_from(BAD[col.type]))
    return None


def _mutate(draw, t: Table) -> None:
    """One break of a cell or row (planted when it must be reported), or a harmless oddity."""
    kind = t.kind.name
    n = len(t.rows)
    action = draw(st.sampled_from([
        "bad", "bad", "blank", "range", "dup_id", "unknown_manager", "cycle", "cycle", "roster_cycle",
        "exit_before_hire", "no_topics", "unknown_pref", "same_pair", "unknown_id", "no_answer",
        "odd_text", "odd_text", "typed_ok", "long_row", "trailing_empty", "formula", "serial", "merged"]))
    if n == 0:
        return
    typed = [c for c in t.keys if c in {x.name for x in t.kind.columns}
             and t.kind.column(c).type not in (TEXT, LIST) and t.free(c)]
    if action == "bad" and typed:
        column = draw(st.sampled_from(typed))
        value = _bad_value(draw, t, column)
        if value is not None:
            i = draw(st.sampled_from(t.free(column)))
            t.rows[i][column] = value
            t.protected.add((i, column))
            t.plant(i, column, f"bad {column}={value!r}")
    elif action == "blank":
        required = [c for c in t.kind.required if t.has(c) and t.free(c)]
        if required:
            column = draw(st.sampled_from(required))
            i = draw(st.sampled_from(t.free(column)))
            t.rows[i][column] = draw(st.sampled_from(["", " ", "\t", "\n"]))
            t.protected.add((i, column))
            t.plant(i, column, f"blank {column}")
    elif action == "range":
        spots = [c for (k, c) in OUT_OF_RANGE if k == kind and t.has(c) and t.free(c)]
        if spots:
            column = spots[0]
            i = draw(st.sampled_from(t.free(column)))
            t.rows[i][column] = draw(st.sampled_from(OUT_OF_RANGE[(kind, column)]))
            t.protected.add((i, column))
            t.plant(i, column, f"range {column}")
    elif action == "dup_id" and kind in ("participants", "roster") and t.has("person_id"):
        free = [i for i in t.free("person_id") if str(t.rows[i]["person_id"]).strip()]
        if len(free) >= 2:
            i, j = sorted(draw(st.lists(st.sampled_from(free), min_size=2, max_size=2, unique=True)))
            t.rows[j]["person_id"] = t.rows[i]["person_id"]
            t.protected |= {(i, "person_id"), (j, "person_id"), (i, "manager_id"), (j, "manager_id")}
            t.plant(j, "person_id", "dup id")
    elif action == "unknown_manager" and t.has("manager_id") and t.has("person_id"):
        free = [i for i in t.free("manager_id")]
        if free:
            i = draw(st.sampled_from(free))
            t.rows[i]["manager_id"] = NOBODY + "m"
            t.protected.add((i, "manager_id"))
            t.plant(i, "manager_id", "unknown manager")
    elif action == "cycle" and t.has("manager_id") and t.has("person_id"):
        _plant_cycle(draw, t)
    elif action == "roster_cycle" and kind == "participants" and t.has("manager_id") and t.has("person_id"):
        _plant_roster_cycle(draw, t)
    elif action == "exit_before_hire" and kind == "roster" and t.has("hire_date") and t.has("exit_date"):
        free = [i for i in t.free("exit_date") if (i, "hire_date") not in t.protected]
        if free:
            i = draw(st.sampled_from(free))
            hired = dt.date(2000, 1, 1) + dt.timedelta(days=draw(st.integers(1, 20000)))
            t.rows[i]["hire_date"] = hired.isoformat()
            t.rows[i]["exit_date"] = (hired - dt.timedelta(days=draw(st.integers(1, 900)))).strftime("%d/%m/%Y")
            t.protected |= {(i, "hire_date"), (i, "exit_date")}
            t.plant(i, "exit_date", "exit before hire")
    elif action == "no_topics" and kind == "participants" and all(t.has(c) for c in ("role", "offers", "wants")):
        free = [i for i in t.free("role") if (i, "offers") not in t.protected and (i, "wants") not in t.protected]
        if free:
            i = draw(st.sampled_from(free))
            role, column = draw(st.sampled_from([("mentor", "offers"), ("mentee", "wants"), ("Either", "wants")]))
            t.rows[i]["role"] = role
            t.rows[i][column] = draw(st.sampled_from(["", " ; ", ";;"]))
            t.protected |= {(i, "role"), (i, "offers"), (i, "wants")}
            t.plant(i, column, f"{role} without {column}")
    elif action == "unknown_pref" and kind == "participants" and t.has("preferences") and t.has("person_id"):
        if not t.free("preferences"):
            return
        i = draw(st.sampled_from(t.free("preferences")))
        t.rows[i]["preferences"] = f"{NOBODY}p; " + str(t.rows[i]["preferences"])
        t.protected.add((i, "preferences"))
        t.plant(i, "preferences", "unknown preference")
    elif action == "same_pair" and kind == "meetings" and t.has("mentor_id") and t.has("mentee_id"):
        free = [i for i in t.free("mentee_id") if (i, "mentor_id") not in t.protected]
        if free:
            i = draw(st.sampled_from(free))
            t.rows[i]["mentee_id"] = t.rows[i]["mentor_id"]
            t.protected |= {(i, "mentor_id"), (i, "mentee_id")}
            t.plant(i, "mentee_id", "same pair")
    elif action == "unknown_id" and "participants" in t.kwargs:
        columns = [c for c in ("person_id", "mentor_id", "mentee_id") if t.has(c) and t.free(c)]
        if columns:
            column = draw(st.sampled_from(columns))
            i = draw(st.sampled_from(t.free(column)))
            t.rows[i][column] = NOBODY + "x"
            t.protected.add((i, column))
            t.plant(i, column, f"unknown {column}")
    elif action == "no_answer" and kind == "assessments":
        free = [i for i in range(n) if all((i, c) not in t.protected for c in ["score", *t.items])]
        if free and (t.has("score") or t.items):
            i = draw(st.sampled_from(free))
            for c in ["score", *t.items]:
                if c in t.rows[i]:
                    t.rows[i][c] = ""
                t.protected.add((i, c))
            if t.items and not any(str(r.get(q, "")).strip() for r in t.rows for q in t.items):
                t.must_load = False  # no item column has an answer left: none is an item column
                t.done.append("no answers at all")
            else:
                t.plant(i, "score", "no score or answers")
    elif action == "odd_text":
        texts = [c for c in t.keys if c in FREE_TEXT and c in {x.name for x in t.kind.columns} and t.free(c)]
        if texts:
            column = draw(st.sampled_from(texts))
            i = draw(st.sampled_from(t.free(column)))
            t.rows[i][column] = _text(t.v, t.fmt, required=t.kind.column(column).required)
            t.done.append(f"odd text in {column}")
    elif action == "typed_ok" and [c for c in typed if c in RETYPED]:
        column = draw(st.sampled_from([c for c in typed if c in RETYPED]))
        i = draw(st.sampled_from(t.free(column)))
        ctype = t.kind.column(column).type
        if ctype == DATE and column in ACTIVITY_DATES.values() and t.kind.name in ACTIVITY_DATES:
            value = _activity_date_text(t.v)
        elif ctype == DATE:
            value, _ = _date_text(t.v, lo=dt.date(1950, 1, 1), hi=dt.date(2100, 1, 1))
        elif ctype == BOOL:
            value = _bool_text(t.v, t.v.flip())
        else:
            return
        t.rows[i][column] = value
        t.done.append(f"typed ok {column}")
    elif action == "long_row":
        i = draw(st.integers(0, n - 1))
        t.rows[i]["#overflow"] = [draw(st.sampled_from(["x", "=1", "<b>", "1"])) for _ in range(draw(st.integers(1, 3)))]
        t.plant(i, "*", "cells right of the header")
    elif action == "trailing_empty":
        i = draw(st.integers(0, n - 1))
        t.rows[i]["#trim"] = True  # trailing empty cells are not written
        t.done.append("trailing empties cut")
    elif action == "formula" and t.fmt == "xlsx":
        i = draw(st.integers(0, n - 1))
        key = draw(st.sampled_from(t.keys))
        t.rows[i][key] = Raw(draw(st.sampled_from(["=1+1", "=SUM(A1:A3)", '=HYPERLINK("http://x","y")', "=NOW()"])))
        t.protected.add((i, key))
        t.plant(i, _loader_name(t, key), f"formula in {key}")
    elif action == "serial":
        dates = [c for c in t.keys if c in {x.name for x in t.kind.columns}
                 and t.kind.column(c).type == DATE and t.free(c)]
        if dates:
            column = draw(st.sampled_from(dates))
            i = draw(st.sampled_from(t.free(column)))
            t.rows[i][column] = Raw(draw(st.integers(1, 60000)))
            t.protected.add((i, column))
            t.plant(i, column, f"date serial in {column}")
    elif action == "merged" and t.fmt == "xlsx" and n >= 2:
        columns = [c for c in t.keys if c in {x.name for x in t.kind.columns}
                   and (t.kind.column(c).required or c in ("location", "gender", "mode", "logged_by", "comment"))
                   and c not in ("person_id", "mentor_id", "mentee_id")]
        if columns:
            column = draw(st.sampled_from(columns))
            first = draw(st.integers(0, n - 2))
            last = draw(st.integers(first + 1, min(n - 1, first + 4)))
            if any((r, column) in t.protected for r in range(first, last + 1)):
                return
            t.merges.append((column, first, last))
            for r in range(first + 1, last + 1):
                t.rows[r][column] = ""
                t.protected.add((r, column))
                if t.kind.column(column).required:
                    t.plant(r, column, f"merged {column}")
            t.protected.add((first, column))
            t.done.append(f"merged {column}")


def _loader_name(t: Table, key: str) -> str:
    """The column name the loader reports a cell problem under: contract name, or the header."""
    if key in {c.name for c in t.kind.columns}:
        return key
    return t.headers[key].strip()


def _plant_cycle(draw, t: Table) -> None:
    """Make k rows (any k, 1 = managing oneself) a manager cycle; each row on it must be reported."""
    all_ids = [str(r["person_id"]).strip() for r in t.rows if str(r["person_id"]).strip()]
    free = [i for i in t.free("manager_id") if (i, "person_id") not in t.protected
            and str(t.rows[i]["person_id"]).strip()]
    if not free or len(set(all_ids)) != len(all_ids):  # a repeated id changes the graph
        return
    members = draw(st.lists(st.sampled_from(free), min_size=1, max_size=len(free), unique=True))
    for m, i in enumerate(members):
        t.rows[i]["manager_id"] = t.rows[members[(m + 1) % len(members)]]["person_id"]
        t.protected |= {(i, "manager_id"), (i, "person_id")}
    for i in members:
        t.plant(i, "manager_id", f"cycle of {len(members)}")


def _plant_roster_cycle(draw, t: Table) -> None:
    """A sign-up whose manager's line in the roster leads back to them; their row must be reported."""
    free = [i for i in t.free("manager_id") if (i, "person_id") not in t.protected and str(t.rows[i]["person_id"]).strip()]
    if not free:
        return
    i = draw(st.sampled_from(free))
    me = str(t.rows[i]["person_id"]).strip()
    all_ids = [str(r["person_id"]).strip() for r in t.rows]
    if all_ids.count(me) != 1:
        return
    chain = [f"{NOBODY}r{i}.{j}" for j in range(draw(st.integers(1, 10)))]
    roster = t.kwargs.get("roster")
    extra = pd.DataFrame({"person_id": chain, "manager_id": [me] + chain[:-1]}, dtype=object)
    keep = roster[roster["person_id"] != me] if roster is not None else None  # the sign-up's own line wins
    t.kwargs["roster"] = pd.concat([keep, extra], ignore_index=True) if keep is not None else extra
    t.rows[i]["manager_id"] = chain[-1]
    t.protected |= {(i, "manager_id"), (i, "person_id")}
    t.plant(i, "manager_id", f"cycle through the roster of {len(chain) + 1}")


@st.composite
def planted_case(draw, kind: str) -> FuzzCase:
    """A valid table of ``kind`` with 0-4 known breaks, written as CSV or .xlsx."""
    fmt = draw(st.sampled_from(["csv", "csv", "xlsx"]))
    t = _base(draw, kind, fmt)
    if draw(st.integers(0, 4)) == 0:
        _structure(draw, t)
    for _ in range(draw(st.sampled_from([0, 1, 1, 2, 3, 4]))):
        _mutate(draw, t)
    for i, row in enumerate(t.rows):  # a row every break left blank is skipped: nothing to report on it
        if not any(nonblank(row.get(k)) for k in t.keys) and not row.get("#overflow"):
            t.expect = {(r, c) for r, c in t.expect if r != i}
    header = [t.headers[k] for k in t.keys]
    body: list[list[object]] = []
    for row in t.rows:
        cells = [row.get(k, "") for k in t.keys]
        if row.get("#trim") and not row.get("#overflow"):
            while cells and not nonblank(cells[-1]) and not isinstance(cells[-1], Raw):
                cells.pop()
        body.append(cells + list(row.get("#overflow", [])))
    offset = draw(st.sampled_from([0, 0, 0, 1, 2]))
    title = draw(st.sampled_from([None] * 9 + ["Sign-ups export (HR) 2024"]))
    if title is not None:  # a title row above the table is read as the header: the contract's columns are missing
        t.expect = {(None, c) for c in t.kind.required}
        t.must_load = False
        t.done.append("title row")
    records, positions = _layout(draw, header, body, fmt, offset, title)
    label = f"planted[{', '.join(t.done) or 'valid'}]"
    merges = [f"{_letter(offset + t.keys.index(k))}{positions[a] + 1}:{_letter(offset + t.keys.index(k))}{positions[b] + 1}"
              for k, a, b in t.merges if k in t.keys]
    case = _render(draw, kind, records, fmt, merges, chaos=False, label=label)
    row_of = {i: positions[i] + 1 for i in range(len(t.rows))}
    case.expect = {(None if i is None else row_of[i], c) for i, c in t.expect}
    case.same_in_memory = fmt == "csv"
    case.must_load = t.must_load
    case.kwargs = dict(t.kwargs)
    if t.must_load and ID_COLUMN[kind] in t.keys:
        case.ids = [_cell_text(r[ID_COLUMN[kind]]).strip() for r in t.rows]
    return case


def _letter(position: int) -> str:
    """Spreadsheet column letter of a 0-based position (openpyxl's, independent of the loader's own)."""
    from openpyxl.utils import get_column_letter

    return get_column_letter(position + 1)


def _layout(draw, header: list[str], body: list[list[object]], fmt: str, offset: int,
            title: str | None = None) -> tuple[list[list[object]], list[int]]:
    """Records with blank rows before and between the rows, the table shifted ``offset`` columns right.

    Returns the records and, per body row, its record index.
    """
    if fmt == "xlsx":
        blank = st.sampled_from([[], [None], [" "], [None, "  "]])
    else:
        blank = st.sampled_from([[], [""], [" "], ["\t"], ["", "", ""], [" ", ""]])
    pad: list[object] = [""] * offset
    records: list[list[object]] = list(draw(st.lists(blank, max_size=2)))
    if title is not None:
        records.append(pad + [title])
        records.extend(draw(st.lists(blank, max_size=1)))
    records.append(pad + header)
    positions = []
    for row in body:
        records.extend(draw(st.lists(blank, max_size=1)))
        positions.append(len(records))
        records.append(pad + row)
    records.extend(draw(st.lists(blank, max_size=2)))
    return records, positions


def _render(draw, kind: str, records: list[list[object]], fmt: str, merges: list[str], *, chaos: bool,
            label: str) -> FuzzCase:
    """Write the records as CSV or .xlsx (with Excel's quirks) and describe the result."""
    sniff_failure = None
    if fmt == "xlsx":
        quirky = [[_excel_quirk(draw, c, chaos) for c in r] for r in records]
        content, seen = render_xlsx(quirky, merges, draw(st.sampled_from(["Sheet1", "Participants <x>", "Données"])))
        suffix, readable = ".xlsx", True
        label += " xlsx"
    else:
        delimiter = draw(st.sampled_from([",", ",", ";", "\t"]))
        encodings = ["utf-8", "utf-8", "utf-8-sig", "utf-16", "cp1252"] + (["utf-16-le"] if chaos else [])
        encoding = draw(st.sampled_from(encodings))
        terminator = draw(st.sampled_from(["\r\n", "\n", "\r"] if chaos else ["\r\n", "\n"]))
        if not chaos and terminator == "\n" and any(isinstance(c, str) and "\r" in c for r in records for c in r):
            terminator = "\r\n"  # a bare CR in a cell is only quoted when CR ends rows
        content, seen, encoding, text = render_csv(records, delimiter, encoding, terminator, draw(st.booleans()))
        suffix, readable = ".csv", encoding != "utf-16-le"
        label += f" csv{delimiter!r} {encoding} {terminator!r}"
        sniffed = tables.sniff_delimiter(text)
        if sniffed != delimiter:
            if not chaos:  # a table the generator made: the delimiter must be found
                sniff_failure = f"written with {delimiter!r}, read with {sniffed!r}"
            # junk can be ambiguous (one column; rows of ';' in a ',' file): count rows as the loader reads them
            seen = read_back(text, sniffed)
            label += f" read as {sniffed!r}"
    header_row, rows = data_rows(seen)
    header = [] if header_row is None else [_cell_text(c).strip() for c in seen[header_row - 1]]
    return FuzzCase(kind, suffix, content, rows, header, seen, readable=readable and not chaos, label=label,
                    sniff_failure=sniff_failure)


def _excel_quirk(draw, value: object, chaos: bool) -> object:
    """How Excel might hold a cell: numbers as numbers (or text), ISO dates as dates, formulas as formulas."""
    if not isinstance(value, str) or not value.strip():
        return value
    text = value
    if re.fullmatch(r"-?(?:0|[1-9][0-9]{0,14})", text) and draw(st.booleans()):
        return Raw(int(text))
    if re.fullmatch(r"-?[0-9]+\.[0-9]+", text):
        number = float(text)
        if repr(number) == text and not number.is_integer() and draw(st.booleans()):
            return Raw(number)
    if re.fullmatch(r"(19[0-9][1-9]|2[01][0-9]{2})-[0-9]{2}-[0-9]{2}", text) and draw(st.booleans()):
        try:
            return Raw(dt.datetime.fromisoformat(text))
        except ValueError:
            return value
    if chaos and text.startswith("=") and draw(st.booleans()):
        return Raw(text)  # a formula whose result was never saved
    if chaos and draw(st.integers(0, 9)) == 0:
        return Raw(draw(st.sampled_from(EXCEL_VALUES)))
    return value


EXCEL_VALUES = [True, False, dt.time(10, 30), dt.timedelta(hours=5, minutes=3), dt.datetime(2024, 2, 29, 23, 59, 59),
                1e300, -0.0, 0.1 + 0.2, 10**20, -(10**15), 1e-300, 45000, 45000.5]

# --- the chaos family --------------------------------------------------------------------------

junk_small = st.one_of(any_text, st.sampled_from(ODD_TEXT + UNICODE_DIGITS + BAD[DATE]), st.just(""))
junk = st.integers(0, 14).flatmap(lambda k: huge if k == 0 else junk_small)


@st.composite
def chaos_case(draw, kind: str) -> FuzzCase:
    """Any headers over junk cells, ragged rows, title rows, odd encodings: only the general rules are known."""
    k = contract.kind(kind)
    fmt = draw(st.sampled_from(["csv", "csv", "xlsx"]))
    names = [c.name for c in k.columns]
    columns = draw(st.lists(st.sampled_from(names), min_size=0, max_size=len(names) + 2))
    header: list[object] = [header_variant(draw, k, c) for c in columns]
    header += draw(st.lists(st.one_of(safe_name, any_text, st.just("")), max_size=3))
    header = list(draw(st.permutations(header)))
    n = draw(st.integers(0, 10))
    ids = [f"P{i}" for i in range(n)]
    body = []
    for _ in range(n):
        row = [draw(st.one_of(junk, st.sampled_from(ids or [""]))) if draw(st.booleans()) else draw(junk_small)
               for _ in header]
        cut = draw(st.integers(-2, 2))
        row = row[:cut] if cut < 0 else row + [draw(junk_small) for _ in range(cut)]
        body.append(row)
    title = draw(st.sampled_from([None, None, None, "Participants export (HR)", "=TODAY()"]))
    records, _ = _layout(draw, header, body, fmt, draw(st.sampled_from([0, 0, 1])), title)
    merges = ["A1:C1"] if fmt == "xlsx" and title and draw(st.booleans()) else []
    case = _render(draw, kind, records, fmt, merges, chaos=True, label="chaos")
    if kind in ("participants", "roster") and draw(st.booleans()):
        case.kwargs["grade_order"] = draw(st.sampled_from([GRADE_ORDER, [1, 2, 3], ["A", "a"], ["", "B"], [" A ", "b c"],
                                                            [None, "x"], ["1", 1]]))
    if kind == "participants" and draw(st.booleans()):
        case.kwargs["roster"] = pd.DataFrame({"person_id": ids[:3] + ["R1"], "manager_id": ["R1", None, "P0", "P1"][: len(ids[:3]) + 1]})
    if kind in ("meetings", "checkins", "assessments") and draw(st.booleans()):
        case.kwargs["participants"] = _people_frame(ids[: max(1, n // 2)])
    return case


@st.composite
def broken_bytes_case(draw, kind: str) -> FuzzCase:
    """A planted or chaos file with its bytes broken: NULs, bytes no encoding reads, a cut, a stray quote, a second BOM."""
    case = draw(st.one_of(planted_case(kind), chaos_case(kind)))
    data = bytearray(case.content)
    done = []
    for _ in range(draw(st.integers(1, 3))):
        where = draw(st.integers(0, 1000)) * len(data) // 1000  # a share: a workbook's length varies with its timestamps
        action = draw(st.sampled_from(["nul", "byte", "cut", "quote", "cr", "bom"]))
        if action == "nul":
            data[where:where] = b"\x00" * draw(st.integers(1, 3))
        elif action == "byte":
            data[where:where] = draw(st.sampled_from([b"\xff", b"\x81\x8d", b"\xc3", b"\xed\xa0\x80", b"\x1a"]))
        elif action == "cut":
            del data[where:]
        elif action == "quote":
            data[where:where] = b'"'
        elif action == "cr":
            data = bytearray(bytes(data).replace(b"\r\n", b"\r"))
        else:
            data[0:0] = b"\xef\xbb\xbf"
        done.append(action)
    return FuzzCase(kind, case.suffix, bytes(data), None, [], None, kwargs=case.kwargs, readable=False,
                    label=f"bytes[{', '.join(done)}] of {case.label}")


FAMILIES = ("planted",) * 6 + ("chaos", "bytes")


@st.composite
def fuzz_case(draw, kind: str) -> FuzzCase:
    """A case of ``kind``: of every eight, six planted, one chaos and one with broken bytes."""
    family = draw(st.sampled_from(FAMILIES))
    if family == "chaos":
        return draw(chaos_case(kind))
    if family == "bytes":
        return draw(broken_bytes_case(kind))
    return draw(planted_case(kind))
