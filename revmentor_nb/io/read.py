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

from revmentor_nb.errors import InputError, ProblemLog
from revmentor_nb.io.contract import Kind
from revmentor_nb.io.contract import kind as get_kind

CSV_SUFFIXES = (".csv", ".txt", ".tsv")
EXCEL_SUFFIXES = (".xlsx", ".xlsm")
DELIMITERS = (",", ";", "\t")
FIELD_SIZE_LIMIT = 1 << 27  # the csv module's default (128 KiB) rejects long free-text cells
SNIFF_CHARS = 1 << 16
SNIFF_ROWS = 50
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
    for header in candidates:
        key = normalise_header(header)
        if not key:
            continue
        score = max(difflib.SequenceMatcher(None, key, t).ratio() for t in targets)
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
        records = _csv_records(text, delimiter)
    except csv.Error as exc:
        log.add(None, None, path.name, f"the file could not be read as CSV ({exc})",
                "open it in a spreadsheet program and save it again as CSV")
        return None
    return records, {"encoding": encoding, "delimiter": delimiter}


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


def _read_xlsx(path: Path, log: ProblemLog) -> tuple[list[list[str]], dict[str, object]] | None:
    """Records of the first sheet of a workbook, or None after logging why it cannot be read."""
    import openpyxl  # imported here: only needed for workbooks

    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True, keep_links=False)
    except Exception as exc:  # openpyxl raises many kinds on damaged files; all mean "cannot open"
        log.add(None, None, path.name, f"the file could not be opened as an Excel workbook ({type(exc).__name__})",
                "open it in Excel and save it again as .xlsx, or export it as CSV")
        return None
    try:
        sheet = book.worksheets[0]
        sheet.reset_dimensions()  # declared sizes are often wrong in exported workbooks
        raw = [list(row) for row in sheet.iter_rows(values_only=True)]
        title = sheet.title
    finally:
        book.close()
    unsaved = _unsaved_formulas(path, raw) if _has_formulas(path) else {}
    for (r, c), formula in unsaved.items():
        raw[r][c] = formula  # never an empty cell: the row is kept and the formula reported
    records = [[excel_text(v) for v in row] for row in raw]
    return records, {"sheet": title, UNSAVED: unsaved}


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


def _unsaved_formulas(path: Path, values: list[list[object]]) -> dict[tuple[int, int], str]:
    """(record, column) -> formula of the first sheet's formula cells whose result was not saved.

    A workbook written by a program rather than saved by Excel holds formulas without their
    results; read for values, such a cell looks empty, so its row could vanish unreported.
    """
    import openpyxl

    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=False, keep_links=False)
    except Exception:  # noqa: BLE001 - it opened for values a moment ago; without formulas there is nothing to add
        return {}
    found: dict[tuple[int, int], str] = {}
    try:
        sheet = book.worksheets[0]
        sheet.reset_dimensions()
        for r, row in enumerate(sheet.iter_rows()):
            for c, cell in enumerate(row):
                if getattr(cell, "data_type", None) != "f" or r >= len(values):
                    continue
                if c >= len(values[r]) or values[r][c] is None:
                    found[(r, c)] = str(cell.value)
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
    """Every cell trimmed, as object-dtype str."""
    return pd.DataFrame({c: body[c].astype(object).str.strip() for c in body.columns}, index=body.index)


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


def read_cells(path: str | os.PathLike[str], log: ProblemLog) -> Cells | None:
    """The text cells of a CSV or .xlsx file, or None after logging why it cannot be read."""
    path = Path(path)
    suffix = path.suffix.lower()
    if not path.exists():
        log.add(None, None, str(path), "file not found", f"check the file name and folder (looked for {path.absolute()})")
        return None
    if path.is_dir():
        log.add(None, None, str(path), "this is a folder, not a file", "give the path of a .csv or .xlsx file")
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
        read = _read_xlsx(path, log) if suffix in EXCEL_SUFFIXES else _read_csv(path, log)
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
