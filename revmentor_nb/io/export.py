"""Spreadsheet exports that cannot run formulas: CSV and Excel files safe to open in a spreadsheet.

A participant's name or a free-text field such as ``=HYPERLINK(...)`` becomes live code when a
file is opened in Excel or LibreOffice (CSV/formula injection).

- CSV has no cell types, so text starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage
  return is prefixed with a single quote, which spreadsheets show as text.
- XLSX cells have a type: every text cell is stored as a string cell (never a formula), so the
  text is written exactly as it is, with no quote (XlsxWriter with formula detection off).

Numbers, dates and booleans are left as they are; lists are written ``;``-separated (the data
contract's list format). Writes are atomic, and readable as the user's umask allows (exports
are for colleagues).
"""
from __future__ import annotations

import datetime
import io
import math
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from revmentor_nb.fileio import atomic_write_bytes, atomic_write_text

FORMULA_STARTS: tuple[str, ...] = ("=", "+", "-", "@", "\t", "\r",
                                   "\uff1d", "\uff0b", "\uff0d", "\uff20")  # and their full-width forms
SHEET_NAME_BAD = "[]:*?/\\"


def safe_cell(value: Any) -> Any:
    """The value with text a spreadsheet would run as a formula made plain text; lists joined with ``; ``."""
    if isinstance(value, (list, tuple, set, frozenset)):
        value = "; ".join(str(v) for v in value)
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def _joined(value: Any) -> Any:
    return "; ".join(str(v) for v in value) if isinstance(value, (list, tuple, set, frozenset)) else value


def _text_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``frame`` with lists joined and column names as text (no quote: XLSX cells carry a type)."""
    out = frame.copy()
    out.columns = [str(c) for c in out.columns]
    for i in range(out.shape[1]):
        col = out.iloc[:, i]
        if col.dtype == object:
            out.isetitem(i, col.map(_joined))
    return out


def safe_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``frame`` with every text cell and column name neutralised (numbers, dates, booleans kept)."""
    out = frame.copy()
    out.columns = [safe_cell(str(c)) for c in out.columns]
    for i in range(out.shape[1]):
        col = out.iloc[:, i]
        if (pd.api.types.is_numeric_dtype(col) or pd.api.types.is_datetime64_any_dtype(col)
                or pd.api.types.is_bool_dtype(col)):
            continue
        out.isetitem(i, col.map(safe_cell).astype(object))
    return out


def write_csv(frame: pd.DataFrame, path: str | Path, *, bom: bool = False) -> Path:
    """Write ``frame`` as a formula-safe UTF-8 CSV (``bom=True`` adds a BOM so Excel reads accents)."""
    # CRLF rows: the csv writer then quotes any cell holding a bare CR, which a spreadsheet would
    # otherwise read as a row break, starting a new (unneutralised) cell such as "=cmd".
    text = safe_frame(frame).to_csv(index=False, lineterminator="\r\n", date_format="%Y-%m-%d")
    return atomic_write_text(Path(path), ("\ufeff" if bom else "") + text, private=False)


def write_xlsx(sheets: Mapping[str, pd.DataFrame], path: str | Path) -> Path:
    """Write one sheet per frame (sheet names cut to Excel's 31 characters) to an .xlsx file; text stays text.

    Every text cell, the header included, is a string cell: ``=HYPERLINK(...)`` shows as those
    characters and never runs, with no quote added in front. Written column by column with
    XlsxWriter (formula, URL and number detection off): a 5,000-pair hand-over in well under a
    second, where pandas' cell-by-cell writer through openpyxl took several.
    """
    import xlsxwriter  # imported here: only the hand-over writes workbooks

    buffer = io.BytesIO()
    used: set[str] = set()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False,
                                        "strings_to_numbers": False})
    header = book.add_format({"bold": True})
    formats = {"datetime": book.add_format({"num_format": "yyyy-mm-dd hh:mm:ss"}),
               "date": book.add_format({"num_format": "yyyy-mm-dd"})}
    for name, frame in sheets.items():
        text = _text_frame(frame)
        sheet = book.add_worksheet(sheet_name(name, used))
        for j, title in enumerate(text.columns):
            sheet.write_string(0, j, title, header)
        for j in range(text.shape[1]):
            col = text.iloc[:, j]
            if isinstance(col.dtype, pd.DatetimeTZDtype):  # Excel has no time zones
                col = col.dt.tz_localize(None)
            if pd.api.types.is_float_dtype(col.dtype) or pd.api.types.is_integer_dtype(col.dtype):
                if not isinstance(col.dtype, pd.api.extensions.ExtensionDtype) or col.notna().all():
                    _write_numbers(sheet, j, col.to_numpy(dtype=np.float64, na_value=np.nan))
                    continue
            for i, value in enumerate(col.astype(object).tolist(), start=1):
                _write_cell(sheet, i, j, value, formats)
    book.close()
    return atomic_write_bytes(Path(path), buffer.getvalue(), private=False)


def _write_numbers(sheet: Any, col: int, values: np.ndarray) -> None:
    """A numeric column as ``_write_cell`` writes it, without its per-cell type tests: numbers, NaN blank, +-inf as text."""
    write = sheet.write_number
    for i in np.flatnonzero(np.isfinite(values)).tolist():
        write(i + 1, col, float(values[i]))
    for i in np.flatnonzero(np.isinf(values)).tolist():
        sheet.write_string(i + 1, col, str(float(values[i])))


def _write_cell(sheet: Any, row: int, col: int, value: Any, formats: Mapping[str, Any]) -> None:
    """One cell with its own type: blank, boolean, number, date or (anything else) text."""
    if value is None or value is pd.NaT or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return
    if isinstance(value, (bool, np.bool_)):
        sheet.write_boolean(row, col, bool(value))
    elif isinstance(value, (int, float, np.integer, np.floating)) and math.isfinite(value):
        sheet.write_number(row, col, float(value))
    elif isinstance(value, datetime.datetime):
        sheet.write_datetime(row, col, value, formats["datetime"])
    elif isinstance(value, datetime.date):
        sheet.write_datetime(row, col, value, formats["date"])
    else:  # a bare CR as a line break, as openpyxl wrote it (XlsxWriter would keep it as the escape _x000D_)
        sheet.write_string(row, col, str(value).replace("\r\n", "\n").replace("\r", "\n"))


def sheet_name(name: object, used: set[str]) -> str:
    """A sheet name Excel accepts: no []:*?/\\ characters, at most 31 characters, unique in the workbook."""
    base = "".join("_" if ch in SHEET_NAME_BAD else ch for ch in str(name)).strip("'")[:31] or "sheet"
    out, n = base, 2
    while out.casefold() in used:
        out = f"{base[:31 - len(str(n)) - 3]} ({n})"
        n += 1
    used.add(out.casefold())
    return out
