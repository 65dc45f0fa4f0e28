"""Spreadsheet exports that cannot run formulas: CSV and Excel files safe to open in a spreadsheet.

A participant's name or a free-text field such as ``=HYPERLINK(...)`` becomes live code when a
file is opened in Excel or LibreOffice (CSV/formula injection). Text starting with ``=``, ``+``,
``-``, ``@``, a tab or a carriage return is prefixed with a single quote, which spreadsheets show
as text. Numbers, dates and booleans are left as they are; lists are written ``;``-separated
(the data contract's list format). Writes are atomic.
"""
from __future__ import annotations

import io
from collections.abc import Mapping
from pathlib import Path
from typing import Any

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
    return atomic_write_text(Path(path), ("\ufeff" if bom else "") + text)


def write_xlsx(sheets: Mapping[str, pd.DataFrame], path: str | Path) -> Path:
    """Write one formula-safe sheet per frame (sheet names cut to Excel's 31 characters) to an .xlsx file."""
    buffer = io.BytesIO()
    used: set[str] = set()
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        for name, frame in sheets.items():
            safe = safe_frame(frame)
            for i in range(safe.shape[1]):  # Excel has no time zones
                if isinstance(safe.iloc[:, i].dtype, pd.DatetimeTZDtype):
                    safe.isetitem(i, safe.iloc[:, i].dt.tz_localize(None))
            safe.to_excel(writer, sheet_name=sheet_name(name, used), index=False)
    return atomic_write_bytes(Path(path), buffer.getvalue())


def sheet_name(name: object, used: set[str]) -> str:
    """A sheet name Excel accepts: no []:*?/\\ characters, at most 31 characters, unique in the workbook."""
    base = "".join("_" if ch in SHEET_NAME_BAD else ch for ch in str(name)).strip("'")[:31] or "sheet"
    out, n = base, 2
    while out.casefold() in used:
        out = f"{base[:31 - len(str(n)) - 3]} ({n})"
        n += 1
    used.add(out.casefold())
    return out
