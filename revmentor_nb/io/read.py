"""Read one input file (CSV or .xlsx) into an all-text DataFrame with contract column names.

Reading is kept apart from checking values: this module only turns bytes into trimmed
text cells, locates every data row by its spreadsheet row number (header = row 1) and
decides which header is which contract column. Anything wrong with the *file* (missing,
unreadable, empty, duplicate headers) becomes a problem in a ProblemLog, never a traceback.
"""
from __future__ import annotations

import csv
import datetime as dt
import difflib
import io
import os
import re
import zipfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from revmentor_nb.errors import SHEET_ROWS, InputError, ProblemLog
from revmentor_nb.fileio import unreadable_reason
from revmentor_nb.io.contract import Kind
from revmentor_nb.io.contract import kind as get_kind

CSV_SUFFIXES = (".csv", ".txt", ".tsv")
EXCEL_SUFFIXES = (".xlsx", ".xlsm")
DELIMITERS = (",", ";", "\t")
FIELD_SIZE_LIMIT = 1 << 27  # the csv module's default (128 KiB) rejects long free-text cells
SNIFF_CHARS = 1 << 16
SNIFF_ROWS = 50
MAX_COLUMNS = 1000  # more is not a sign-up sheet; the checks per column would also take minutes
BLANK_LINE = re.compile(r'[\s,;"]*')  # blank under any delimiter: only separators and spaces
FORMULA_TAG = re.compile(rb"<(?:\w+:)?f[\s>/]")  # a <f> element in a worksheet's XML
UNSAVED = "_unsaved_formulas"  # key of the source dict that carries them from the reader


@dataclass
class Cells:
    """The text cells of a file: header texts, body by position, spreadsheet row numbers."""

    headers: list[str]
    body: pd.DataFrame  # columns 0..n-1, trimmed str, index = spreadsheet row (blank rows removed)
    blank_rows: list[int] = field(default_factory=list)
    overflow: dict[int, list[str]] = field(default_factory=dict)  # row -> cells beyond the last header
    source: dict[str, object] = field(default_factory=dict)  # encoding, delimiter, sheet
    overflow_column: dict[int, str] = field(default_factory=dict)  # row -> 'column X' of its first cell beyond
    unsaved: dict[tuple[int, int], str] = field(default_factory=dict)  # (row, body column) -> formula, no result saved


# --- header names ----------------------------------------------------------------------


def normalise_header(text: object) -> str:
    """Header as compared: lower-case, trimmed, runs of spaces/underscores made one space."""
    return re.sub(r"[\s_]+", " ", str(text).replace("\ufeff", "")).strip().casefold()


def column_letter(position: int) -> str:
    """Spreadsheet letter of a 0-based column position (0 -> A, 26 -> AA)."""
    letters = ""
    n = position + 1
    while n:
        n, rem = divmod(n - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def _contract_names(kind: Kind) -> tuple[dict[str, str], dict[str, str]]:
    """(normalised column name -> column, normalised alias -> column) of one kind."""
    names = {normalise_header(c.name): c.name for c in kind.columns}
    aliases = {normalise_header(a): c.name for c in kind.columns for a in c.aliases}
    return names, aliases


def _mapping_target(value: object, kind: Kind) -> str | None:
    """The contract column a user mapping value names, or None when it names none."""
    names, _ = _contract_names(kind)
    return names.get(normalise_header(value))


def _user_mapping(
    headers: Sequence[str], kind: Kind, mapping: Mapping[str, object] | None, log: ProblemLog
) -> dict[int, str | None]:
    """Header position -> contract column (or None = keep as extra) from the user's mapping."""
    if not mapping:
        return {}
    exact = {str(k): v for k, v in mapping.items()}
    loose = {normalise_header(k): v for k, v in mapping.items()}
    chosen: dict[int, str | None] = {}
    for i, header in enumerate(headers):
        if header in exact:
            value = exact[header]
        elif normalise_header(header) in loose:
            value = loose[normalise_header(header)]
        else:
            continue
        if value is None or str(value).strip() == "":
            chosen[i] = None
            continue
        target = _mapping_target(value, kind)
        if target is None:
            log.add(None, header, value,
                    f"the column mapping sends '{header}' to '{value}', which is not a {kind.name} column",
                    f"map it to one of: {', '.join(c.name for c in kind.columns)}")
            chosen[i] = None
        else:
            chosen[i] = target
    return chosen


def _claims(headers: Sequence[str], kind: Kind, taken: set[int]) -> tuple[dict[str, list[int]], dict[str, list[int]]]:
    """Positions whose header is a column's own name, and positions whose header is an alias."""
    names, aliases = _contract_names(kind)
    by_name: dict[str, list[int]] = {}
    by_alias: dict[str, list[int]] = {}
    for i, header in enumerate(headers):
        if i in taken:
            continue
        key = normalise_header(header)
        if key in names:
            by_name.setdefault(names[key], []).append(i)
        elif key in aliases:
            by_alias.setdefault(aliases[key], []).append(i)
    return by_name, by_alias


def _report_duplicates(headers: Sequence[str], log: ProblemLog) -> set[int]:
    """Log every header repeated (after normalising); return the positions of the repeats."""
    first: dict[str, int] = {}
    repeats: set[int] = set()
    for i, header in enumerate(headers):
        key = normalise_header(header)
        if key in first:
            j = first[key]
            log.add(None, header, header,
                    f"the header '{header}' appears more than once (columns {column_letter(j)} and {column_letter(i)})",
                    "rename or delete one of these columns so every header is different")
            repeats.add(i)
        else:
            first[key] = i
    return repeats


@dataclass
class HeaderMatch:
    """How a file's headers were read: a name per position, and what could not be decided."""

    names: list[str | None]  # contract column, extra header, or None (a repeated header)
    mapping: dict[str, str]  # file header -> contract column, for every matched column
    ambiguous: dict[str, list[str]] = field(default_factory=dict)  # column -> alias headers competing


def match_headers(
    headers: Sequence[str], kind: Kind, mapping: Mapping[str, object] | None, log: ProblemLog
) -> HeaderMatch:
    """Name every column: user mapping first, then a contract name, then an alias.

    Two aliases of the same column (e.g. 'dept' and 'team') are ambiguous: neither is
    used and both stay as extra columns, so nothing is guessed.
    """
    repeats = _report_duplicates(headers, log)
    user = _user_mapping(headers, kind, mapping, log)
    assigned: dict[int, str] = {}
    by_target: dict[str, list[int]] = {}
    for i, target in user.items():
        if target is not None and i not in repeats:
            by_target.setdefault(target, []).append(i)
    for target, positions in by_target.items():
        if len(positions) > 1:
            shown = " and ".join(f"'{headers[i]}'" for i in positions)
            log.add(None, target, "", f"the column mapping sends both {shown} to {target}",
                    f"map only one of these columns to {target}")
        assigned[positions[0]] = target
    taken = set(user) | repeats
    by_name, by_alias = _claims(headers, kind, taken)
    ambiguous: dict[str, list[str]] = {}
    for column in (c.name for c in kind.columns):
        if column in by_target:
            continue
        if column in by_name:
            assigned[by_name[column][0]] = column
        elif len(by_alias.get(column, [])) == 1:
            assigned[by_alias[column][0]] = column
        elif column in by_alias:
            ambiguous[column] = [headers[i] for i in by_alias[column]]
    names = _output_names(headers, kind, assigned, repeats)
    used = {headers[i]: c for i, c in sorted(assigned.items())}
    return HeaderMatch(names, used, ambiguous)


def _output_names(headers: Sequence[str], kind: Kind, assigned: Mapping[int, str], repeats: set[int]) -> list[str | None]:
    """Final column names: contract names, then extra headers made unique against them."""
    contract = {c.name for c in kind.columns} | {"grade_rank"}
    used = set(contract)
    names: list[str | None] = []
    for i, header in enumerate(headers):
        if i in repeats:
            names.append(None)
        elif i in assigned:
            names.append(assigned[i])
        else:
            name = header
            n = 2
            while name in used:
                name = f"{header} ({n})"
                n += 1
            used.add(name)
            names.append(name)
    return names


def closest_header(column: str, kind: Kind, candidates: Sequence[str]) -> str | None:
    """The header most like ``column`` or one of its aliases (None when nothing is close)."""
    targets = [normalise_header(column)] + [normalise_header(a) for a in kind.column(column).aliases]
    best, best_score = None, 0.0
    matchers = [difflib.SequenceMatcher(None, b=t) for t in targets]
    for header in candidates:
        key = normalise_header(header)
        if not key:
            continue
        score = 0.0
        for m in matchers:  # the cheap upper bounds first: a wide file has thousands of headers
            m.set_seq1(key)
            if m.real_quick_ratio() > score and m.quick_ratio() > score:
                score = max(score, m.ratio())
        if any(t in key or key in t for t in targets if len(t) >= 3 and len(key) >= 3):
            score = max(score, 0.8)
        if score > best_score:
            best, best_score = header, score
    return best if best_score >= 0.5 else None


# --- decoding and reading --------------------------------------------------------------


def decode(raw: bytes) -> tuple[str, str]:
    """Text and encoding of a CSV: UTF-8 (BOM or not), UTF-16 with BOM, else cp1252/latin-1."""
    if raw.startswith(b"\xef\xbb\xbf"):
        try:
            return raw[3:].decode("utf-8"), "utf-8-sig"
        except UnicodeDecodeError:
            raw = raw[3:]
    elif raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return raw.decode("utf-16"), "utf-16"
        except UnicodeDecodeError:
            pass
    for encoding in ("utf-8", "cp1252"):
        try:
            return raw.decode(encoding), encoding
        except UnicodeDecodeError:
            continue
    return raw.decode("latin-1"), "latin-1"


def _delimiter_score(sample: str, delimiter: str) -> tuple[bool, float, int]:
    """How well ``delimiter`` splits the first records: (splits the header, share of rows as wide, width)."""
    records: list[list[str]] = []
    try:
        for record in csv.reader(io.StringIO(sample, newline=""), delimiter=delimiter):
            if not BLANK_LINE.fullmatch(delimiter.join(record)):
                records.append(record)
            if len(records) > SNIFF_ROWS:
                break
    except csv.Error:
        return (False, 0.0, 0)
    if not records:
        return (False, 0.0, 0)
    width = len(records[0])
    rows = records[1:-1] if len(records) > 2 else records[1:]  # the last may be cut by the sample
    same = sum(len(r) == width for r in rows) / len(rows) if rows else 1.0
    return (width > 1, same, width)


def _table_start(text: str) -> int:
    """Where the table starts: after any blank lines and lines holding no delimiter at all (a title, a note)."""
    start = 0
    for line in io.StringIO(text[:SNIFF_CHARS], newline=""):
        if not line.endswith(("\n", "\r")):
            break
        if any(d in line for d in DELIMITERS) and not BLANK_LINE.fullmatch(line):
            return start
        start += len(line)
    return 0


def sniff_delimiter(text: str) -> str:
    """',' ';' or tab: the one that splits the header and gives the data rows the header's width.

    The header is the first non-blank line holding a delimiter (a title row above the table holds none).
    Ties go to ',' then ';'. Counting characters alone fails on a ';' file whose header
    quotes a comma, or a ',' file whose cells hold ';' lists.
    """
    start = _table_start(text)
    sample = text[start:start + SNIFF_CHARS]
    _allow_long_cells()
    scores = {d: _delimiter_score(sample, d) for d in DELIMITERS}
    if not any(splits for splits, _, _ in scores.values()):
        return DELIMITERS[0]  # one column (or none): nothing to choose between
    return max(DELIMITERS, key=lambda d: (scores[d], -DELIMITERS.index(d)))


def _allow_long_cells() -> None:
    """Raise the csv module's cell-size limit (process-wide) so long free text is read, not refused."""
    if csv.field_size_limit() < FIELD_SIZE_LIMIT:
        csv.field_size_limit(FIELD_SIZE_LIMIT)


def _csv_records(text: str, delimiter: str) -> list[list[str]]:
    """Every record of a CSV text (a record may span lines inside quotes)."""
    _allow_long_cells()
    return list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))


def looks_binary(text: str, sample: int = 4096, share: float = 0.1) -> bool:
    """True when control characters (other than tab and line ends) fill over ``share`` of the start."""
    head = text[:sample]
    controls = sum(1 for ch in head if ch < " " and ch not in "\t\r\n\x0c")
    return bool(head) and controls / len(head) > share


def _read_csv(path: Path, log: ProblemLog) -> tuple[list[list[str]], dict[str, object]] | None:
    """Records of a CSV file, or None after logging why it cannot be read."""
    raw = path.read_bytes()
    if raw.startswith(b"PK\x03\x04"):
        log.add(None, None, path.name, "this is an Excel workbook saved with a text-file name",
                "rename it to end in .xlsx, or save it from Excel as CSV")
        return None
    if raw.startswith(b"\xd0\xcf\x11\xe0"):
        log.add(None, None, path.name, "this is an old Excel (.xls) workbook saved with a text-file name",
                "open it in Excel and save it as .xlsx, or export it as CSV")
        return None
    text, encoding = decode(raw)
    if looks_binary(text):
        log.add(None, None, path.name, "the file is not text (it looks like a binary file)",
                "export the data again as CSV (UTF-8) or .xlsx")
        return None
    delimiter = sniff_delimiter(text)
    try:
        records, spans = _csv_records_with_lines(text, delimiter)
    except csv.Error as exc:
        log.add(None, None, path.name, f"the file could not be read as CSV ({exc})",
                "open it in a spreadsheet program and save it again as CSV")
        return None
    _report_runaway_quotes(text, delimiter, records, spans, log)
    return records, {"encoding": encoding, "delimiter": delimiter}


def _csv_records_with_lines(text: str, delimiter: str) -> tuple[list[list[str]], list[tuple[int, int]]]:
    """Every record of a CSV text and the (first, last) physical line (0-based) each one spans."""
    _allow_long_cells()
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    records: list[list[str]] = []
    spans: list[tuple[int, int]] = []
    before = 0
    for record in reader:
        records.append(record)
        spans.append((before, reader.line_num - 1))
        before = reader.line_num
    return records, spans


def _report_runaway_quotes(text: str, delimiter: str, records: list[list[str]], spans: list[tuple[int, int]],
                           log: ProblemLog) -> None:
    """A quote that opens in a cell and closes lines later (or never) swallows the rows between: a problem.

    A cell may hold line breaks; it is suspect when one of its inner lines holds as many
    delimiters as a whole row (rows read as text), or when its quote never closes at all.
    """
    header_at = next((i for i, r in enumerate(records) if any(c.strip() for c in r)), None)
    if header_at is None:
        return
    headers = records[header_at]
    width = len(headers)
    lines: list[str] | None = None

    def row_like(line: str) -> bool:  # split as if no quote were there, the line is as wide as a row
        n = line.count(delimiter) + 1
        return n == width if width < 4 else width - 1 <= n <= width + 1

    for i, (first, last) in enumerate(spans):
        if last <= first or i < header_at or width < 2:
            continue
        if lines is None:
            lines = io.StringIO(text, newline="").readlines()
        segment = lines[first:last + 1]
        never_closed = i == len(records) - 1 and "".join(segment).count('"') % 2 == 1
        rows_inside = sum(row_like(ln.rstrip("\r\n")) for ln in segment)
        if rows_inside < 2 and not never_closed:
            continue
        for col, cell in enumerate(records[i]):
            inner = [ln for ln in re.split(r"\r\n|\r|\n", cell)[1:] if ln.strip()]
            if not inner and not (never_closed and ("\n" in cell or "\r" in cell)):
                continue
            column = headers[col].strip() if col < width and headers[col].strip() else f"column {column_letter(col)}"
            if never_closed:
                problem = (f"a quote (\") opens in this cell and never closes: the {len(inner)} line(s) after it, "
                           f"to the end of the file, were read as this one cell")
            else:
                problem = (f"a quote (\") opens in this cell and closes only {len(inner)} line(s) later: "
                           f"{rows_inside - 1} line(s) that look like rows were read as this one cell")
            log.add(i + 1, column, cell.splitlines()[0] if cell else "", problem,
                    "add the missing closing quote at the end of the cell (or remove the stray quote), "
                    "then check that no row below was merged into it")
            break


def excel_text(value: object) -> str:
    """One Excel cell as text: dates as ISO (YYYY-MM-DD), whole numbers without '.0'."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 1e15:
            return str(int(value))
        return repr(value)
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0):
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if isinstance(value, (dt.date, dt.time)):
        return value.isoformat()
    return str(value)




@dataclass
class _Sheet:
    """One worksheet as text records, with its formula cells that have no saved result."""

    title: str
    records: list[list[str]]
    unsaved: dict[tuple[int, int], str]

    @property
    def has_data(self) -> bool:
        return any(str(c).strip() for r in self.records for c in r)

    @property
    def headers(self) -> list[str]:
        return next((r for r in self.records if any(str(c).strip() for c in r)), [])


def _read_sheets(path: Path, log: ProblemLog) -> list[_Sheet] | None:
    """Every worksheet of a workbook as text records, or None after logging why it cannot be opened."""
    import openpyxl  # imported here: only needed for workbooks

    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True, keep_links=False)
    except Exception as exc:  # openpyxl raises many kinds on damaged files; all mean "cannot open"
        log.add(None, None, path.name, f"the file could not be opened as an Excel workbook ({type(exc).__name__})",
                "open it in Excel and save it again as .xlsx, or export it as CSV")
        return None
    raws: list[tuple[str, list[list[object]]]] = []
    try:
        for sheet in book.worksheets:
            if hasattr(sheet, "reset_dimensions"):
                sheet.reset_dimensions()  # declared sizes are often wrong in exported workbooks
            raws.append((sheet.title, [list(row) for row in sheet.iter_rows(values_only=True)]))
    finally:
        book.close()
    unsaved = _unsaved_formulas(path, [raw for _, raw in raws]) if _has_formulas(path) else [{} for _ in raws]
    sheets = []
    for (title, raw), missing in zip(raws, unsaved):
        for (r, c), formula in missing.items():
            raw[r][c] = formula  # never an empty cell: the row is kept and the formula reported
        sheets.append(_Sheet(title, [[excel_text(v) for v in row] for row in raw], missing))
    return sheets


def _contract_columns(headers: Sequence[str], kind: Kind) -> frozenset[str]:
    """The contract columns of ``kind`` that a header row names (by name or alias)."""
    names, aliases = _contract_names(kind)
    found = set()
    for h in headers:
        key = normalise_header(h)
        if key in names:
            found.add(names[key])
        elif key in aliases:
            found.add(aliases[key])
    return frozenset(found)


def _data_sheets(sheets: list[_Sheet], kind: Kind | None, log: ProblemLog, name: str) -> list[int]:
    """Positions of the sheets to read: every sheet whose headers carry the kind's columns.

    The sheet naming most required columns sets the layout; every other sheet with the same
    contract columns is read too (rows split across sheets). A sheet with some of the kind's
    columns but a different set is a problem (its rows would be lost); a sheet with none of
    them (a read-me, a lookup list) is not read and is named in the source.
    """
    with_data = [i for i, sh in enumerate(sheets) if sh.has_data]
    if not with_data:
        return [0] if sheets else []
    if kind is None:
        return [with_data[0]]
    columns = {i: _contract_columns(sheets[i].headers, kind) for i in with_data}
    required = set(kind.required)
    best = max(with_data, key=lambda i: (len(columns[i] & required), len(columns[i]), -i))
    if not columns[best]:
        return [with_data[0]]
    chosen = [i for i in with_data if columns[i] == columns[best]]
    enough = min(2, len(required))
    for i in with_data:
        if i in chosen or len(columns[i] & required) < enough:
            continue
        differ = sorted(columns[i] ^ columns[best])
        log.add(None, None, f"sheet '{sheets[i].title}'",
                f"sheet '{sheets[i].title}' was not read: it holds {kind.name} columns but not the same ones as "
                f"sheet '{sheets[best].title}' (they differ in {', '.join(differ)})",
                f"give every data sheet of {name} the same header row, or move these rows onto sheet "
                f"'{sheets[best].title}'")
    return chosen


def _read_workbook(path: Path, log: ProblemLog, kind: Kind | None) -> Cells | None:
    """The cells of a workbook: every sheet that carries the kind's headers, stacked; others named, not read."""
    sheets = _read_sheets(path, log)
    if sheets is None:
        return None
    if not sheets:
        log.add(None, None, path.name, "the workbook has no worksheets", "export the data again as .xlsx or CSV")
        return None
    chosen = _data_sheets(sheets, kind, log, path.name)
    skipped = [sh.title for i, sh in enumerate(sheets) if sh.has_data and i not in chosen]
    parts = []
    for i in chosen:
        cells = cells_from_records(sheets[i].records, log, sheets[i].unsaved)
        if cells is None:
            return None
        parts.append((sheets[i].title, cells))
    cells = parts[0][1] if len(parts) == 1 else _stack_sheets(parts, log)
    cells.source.update({"sheet": parts[0][0], "sheets": [t for t, _ in parts], "sheets_not_read": skipped})
    return cells


def _stack_sheets(parts: list[tuple[str, Cells]], log: ProblemLog) -> Cells:
    """Several sheets' cells as one: columns matched by header, rows keyed sheet position x SHEET_ROWS + row."""
    headers = list(parts[0][1].headers)
    position = {normalise_header(h): j for j, h in enumerate(headers)}
    bodies, blank, overflow, beyond, unsaved = [], [], {}, {}, {}
    for n, (_, cells) in enumerate(parts):
        where: dict[int, int] = {}
        for j, h in enumerate(cells.headers):
            key = normalise_header(h)
            target = j if n == 0 else position.get(key)
            if target is None or target in where.values():  # a new header, or one repeated within this sheet
                target = len(headers)
                headers.append(h)
                position.setdefault(key, target)
            where[j] = target
        offset = n * SHEET_ROWS
        body = cells.body.rename(columns=where)
        body.index = pd.Index(body.index.to_numpy(dtype=np.int64) + offset, name="row")
        bodies.append(body)
        blank += [r + offset for r in cells.blank_rows]
        overflow.update({r + offset: v for r, v in cells.overflow.items()})
        beyond.update({r + offset: v for r, v in cells.overflow_column.items()})
        unsaved.update({(r + offset, where[c]): f for (r, c), f in cells.unsaved.items()})
    body = pd.concat(bodies).reindex(columns=range(len(headers))).fillna("").astype(object)
    log.sheets = [t for t, _ in parts]
    return Cells(headers, body, blank, overflow, {}, beyond, unsaved)


def _has_formulas(path: Path) -> bool:
    """Whether any worksheet of the workbook holds a formula (a cheap scan of its XML)."""
    try:
        with zipfile.ZipFile(path) as z:
            for name in z.namelist():
                if name.startswith("xl/worksheets/") and name.endswith(".xml") and FORMULA_TAG.search(z.read(name)):
                    return True
    except (zipfile.BadZipFile, OSError, KeyError):
        return False
    return False


def _unsaved_formulas(path: Path, values: list[list[list[object]]]) -> list[dict[tuple[int, int], str]]:
    """Per sheet: (record, column) -> formula of the formula cells whose result was not saved.

    A workbook written by a program rather than saved by Excel holds formulas without their
    results; read for values, such a cell looks empty, so its row could vanish unreported.
    """
    import openpyxl

    found: list[dict[tuple[int, int], str]] = [{} for _ in values]
    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=False, keep_links=False)
    except Exception:  # noqa: BLE001 - it opened for values a moment ago; without formulas there is nothing to add
        return found
    try:
        for sheet, rows, out in zip(book.worksheets, values, found):
            if hasattr(sheet, "reset_dimensions"):
                sheet.reset_dimensions()
            for r, row in enumerate(sheet.iter_rows()):
                for c, cell in enumerate(row):
                    if getattr(cell, "data_type", None) != "f" or r >= len(rows):
                        continue
                    if c >= len(rows[r]) or rows[r][c] is None:
                        out[(r, c)] = str(cell.value)
    finally:
        book.close()
    return found


def _pad(records: list[list[str]], width: int) -> tuple[list[list[str]], dict[int, list[str]], dict[int, int]]:
    """Rows cut or padded to ``width`` cells; the non-blank cells cut off and the position of the first, by record index."""
    rows: list[list[str]] = []
    overflow: dict[int, list[str]] = {}
    first_at: dict[int, int] = {}
    for i, rec in enumerate(records):
        n = len(rec)
        if n == width:
            rows.append(rec)
        elif n < width:
            rows.append(rec + [""] * (width - n))
        else:
            extra = [c.strip() for c in rec[width:] if c.strip()]
            if extra:
                overflow[i] = extra
                first_at[i] = width + next(k for k, c in enumerate(rec[width:]) if c.strip())
            rows.append(rec[:width])
    return rows, overflow, first_at


def _strip_all(body: pd.DataFrame) -> pd.DataFrame:
    """Every cell trimmed, as object-dtype str (one pass over the values: wide files stay fast)."""
    values = body.to_numpy(dtype=object)
    flat = np.array([v.strip() if isinstance(v, str) else ("" if v is None else str(v).strip())
                     for v in values.ravel()], dtype=object).reshape(values.shape)
    return pd.DataFrame(flat, index=body.index, columns=body.columns, dtype=object)


def cells_from_records(records: list[list[str]], log: ProblemLog,
                       unsaved: Mapping[tuple[int, int], str] | None = None) -> Cells | None:
    """Header and body of a file's records; blank rows dropped but their numbers kept.

    ``unsaved`` maps (record index, column position) to formulas whose result the file lacks.
    """
    header_at = next((i for i, r in enumerate(records) if any(str(c).strip() for c in r)), None)
    if header_at is None:
        log.add(None, None, "", "the file is empty (no header row and no data)",
                "export the data again, with the column names in the first row")
        return None
    headers = [str(c).strip() for c in records[header_at]]
    if len(headers) > MAX_COLUMNS:
        log.add(None, None, f"{len(headers)} columns",
                f"the header row has {len(headers)} columns, more than the {MAX_COLUMNS} an input file may have",
                "check it is the right file (or the right sheet); delete the columns the programme does not need")
        return None
    rows, overflow, first_at = _pad(records[header_at + 1:], len(headers))
    body = _strip_all(pd.DataFrame(rows, columns=range(len(headers)), dtype=object))
    body.index = pd.Index(np.arange(len(rows), dtype=np.int64) + header_at + 2, name="row")
    has_data = (body != "").any(axis=1).to_numpy(copy=True)
    if overflow:
        has_data[list(overflow)] = True
    last = body.index[has_data].max() if has_data.any() else header_at + 1
    blank_rows = [int(r) for r in body.index[~has_data] if r < last]
    extra = {int(body.index[i]): cells for i, cells in overflow.items()}
    beyond = {int(body.index[i]): f"column {column_letter(p)}" for i, p in first_at.items()}
    headers, body, keep = _name_blank_headers(headers, body[has_data])
    where = {raw: j for j, raw in enumerate(keep)}
    formulas = {(r + 1, where[c]): f for (r, c), f in (unsaved or {}).items() if r > header_at and c in where}
    return Cells(headers, body, blank_rows, extra, overflow_column=beyond, unsaved=formulas)


def _name_blank_headers(headers: list[str], body: pd.DataFrame) -> tuple[list[str], pd.DataFrame, list[int]]:
    """Drop columns with no header and no data; call a headerless column with data 'column F'.

    Returns the names, the body and the position in the file of each column kept.
    """
    keep: list[int] = []
    names: list[str] = []
    for i, header in enumerate(headers):
        if header:
            keep.append(i)
            names.append(header)
        elif (body[i] != "").any():
            keep.append(i)
            names.append(f"column {column_letter(i)}")
    body = body[keep]
    body.columns = range(len(keep))
    return names, body, keep


def cells_from_frame(frame: pd.DataFrame) -> Cells:
    """The text cells of a DataFrame already in memory (e.g. mapped by the import wizard)."""
    headers = [str(c).strip() for c in frame.columns]
    body = pd.DataFrame({i: _series_text(frame.iloc[:, i]) for i in range(frame.shape[1])}, index=frame.index)
    if frame.index.name == "row" and pd.api.types.is_integer_dtype(frame.index):
        body.index = pd.Index(frame.index.to_numpy(dtype=np.int64), name="row")
    else:
        body.index = pd.Index(np.arange(len(frame), dtype=np.int64) + 2, name="row")
    has_data = (body != "").any(axis=1).to_numpy() if body.shape[1] else np.zeros(len(body), dtype=bool)
    last = body.index[has_data].max() if has_data.any() else 1
    blank_rows = [int(r) for r in body.index[~has_data] if r < last]
    headers, body, _ = _name_blank_headers(headers, body[has_data])
    return Cells(headers, body, blank_rows, {}, {"source": "memory"})


def _series_text(series: pd.Series) -> pd.Series:
    """Any column as trimmed text ('' for missing), dates as ISO text."""
    if pd.api.types.is_datetime64_any_dtype(series):
        text = series.dt.strftime("%Y-%m-%d %H:%M:%S").str.replace(" 00:00:00", "", regex=False)
        return text.astype(object).where(series.notna(), "")
    values = [excel_text(None if _missing(v) else v) for v in series.to_numpy(dtype=object)]
    return pd.Series(values, index=series.index, dtype=object).str.strip()


def _missing(value: object) -> bool:
    """True for None, NaN, NaT and pd.NA (but not for lists or other containers)."""
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def read_cells(path: str | os.PathLike[str], log: ProblemLog, kind: Kind | None = None) -> Cells | None:
    """The text cells of a CSV or .xlsx file, or None after logging why it cannot be read.

    Folders, pipes, devices and files over the size limit are refused before they are opened.
    With ``kind``, every sheet of a workbook whose headers carry that kind's columns is read
    (see ``_data_sheets``).
    """
    path = Path(path)
    suffix = path.suffix.lower()
    refused = unreadable_reason(path)
    if refused is not None:
        log.add(None, None, str(path), *refused)
        return None
    if suffix == ".xls":
        log.add(None, None, path.name, "old Excel format (.xls) is not supported",
                "open it in Excel and save it as .xlsx, or export it as CSV")
        return None
    if suffix not in CSV_SUFFIXES + EXCEL_SUFFIXES:
        log.add(None, None, path.name, f"unsupported file type '{suffix or '(none)'}'",
                "use a .csv file (comma or semicolon separated) or an Excel .xlsx file")
        return None
    try:
        if suffix in EXCEL_SUFFIXES:
            return _read_workbook(path, log, kind)
        read = _read_csv(path, log)
    except OSError as exc:
        log.add(None, None, path.name, f"the file could not be read ({exc.strerror or exc})",
                "check that the file exists, that you may read it, and that no other program has it locked")
        return None
    if read is None:
        return None
    records, source = read
    cells = cells_from_records(records, log, source.pop(UNSAVED, None))
    if cells is not None:
        cells.source.update(source)
    return cells


# --- the text frame --------------------------------------------------------------------


def named_frame(cells: Cells, kind: Kind, mapping: Mapping[str, object] | None, log: ProblemLog) -> tuple[pd.DataFrame, HeaderMatch]:
    """The body with contract/extra column names (repeated headers left out) and the header match."""
    match = match_headers(cells.headers, kind, mapping, log)
    keep = [i for i, n in enumerate(match.names) if n is not None]
    frame = cells.body[keep].copy()
    frame.columns = [match.names[i] for i in keep]
    for row, extra in cells.overflow.items():
        log.add(row, cells.overflow_column.get(row, "beyond the last header"), "; ".join(extra),
                f"this row has {len(extra)} filled cell(s) to the right of the last header",
                "delete the extra cells, or add a header for them in the header row")
    for (row, j), formula in sorted(cells.unsaved.items()):
        log.add(row, match.names[j] or cells.headers[j], formula,
                f"this cell holds the formula {_quote(formula)} but the file has no saved result for it",
                "open the file in Excel and save it again so results are stored, or paste the cells as values")
    frame.attrs.update(
        {"headers": list(cells.headers), "mapping": dict(match.mapping), "blank_rows": list(cells.blank_rows),
         "ambiguous": dict(match.ambiguous), **cells.source}
    )
    return frame, match


def _quote(text: str, limit: int = 40) -> str:
    """Text quoted in a sentence, long text cut with an ellipsis."""
    return "'" + (text if len(text) <= limit else text[: limit - 3] + "...") + "'"


def read_table(
    path: str | os.PathLike[str],
    kind: str | Kind,
    *,
    mapping: Mapping[str, object] | None = None,
    log: ProblemLog | None = None,
) -> tuple[pd.DataFrame, dict[str, str]]:
    """Read ``path`` as all-text cells named by the contract; return (frame, header mapping used).

    The frame's index is the spreadsheet row (``row``); blank rows are skipped and listed in
    ``frame.attrs["blank_rows"]``. A file that cannot be read at all raises InputError at once;
    header problems go to ``log`` (or raise InputError when no log is given).
    """
    k = get_kind(kind) if isinstance(kind, str) else kind
    own = log is None
    log = log if log is not None else ProblemLog(Path(path).name)
    cells = read_cells(path, log)
    if cells is None:  # the file itself cannot be read: nothing more to check
        raise InputError(log.frame())
    frame, match = named_frame(cells, k, mapping, log)
    if own:
        log.raise_if_any()
    return frame, match.mapping
