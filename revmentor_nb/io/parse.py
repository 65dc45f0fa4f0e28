"""Vectorised parsers, one per contract type: trimmed text cells in, typed values and a bad-cell mask out.

Every parser takes an object Series of trimmed strings ('' = blank) and returns
``Parsed(values, bad)``. A blank cell is *missing*, never bad: whether a blank is allowed
(required column, default value) is the loader's decision, not the parser's. ``bad`` is
True exactly where a non-blank cell could not be read, so the loader can report one
problem per bad cell.
"""
from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import NamedTuple

import numpy as np
import pandas as pd

TRUE_WORDS = ("yes", "y", "true", "1")
FALSE_WORDS = ("no", "n", "false", "0")
BOOL_WORDS: dict[str, bool] = {**{w: True for w in TRUE_WORDS}, **{w: False for w in FALSE_WORDS}}

# Whole numbers, optionally written the way spreadsheets write them ("3.0"); 15 digits
# at most, so every accepted value is exact in int64 and float64. Digits are ASCII [0-9]:
# regex \d also matches '３' or '٣', which the number parsers then cannot read.
INT_PATTERN = r"[+-]?[0-9]{1,15}(?:\.0*)?"
FLOAT_PATTERN = r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]{1,3})?"
DECIMAL_COMMA_PATTERN = r"[+-]?[0-9]*,[0-9]+"  # 3,5 as written where ';' separates the cells
ISO_DATE = re.compile(
    r"(?P<y>[0-9]{4})-(?P<m>[0-9]{1,2})-(?P<d>[0-9]{1,2})"
    r"(?:[T ](?P<H>[0-9]{1,2}):(?P<M>[0-9]{2})(?::(?P<S>[0-9]{2})(?:\.[0-9]{1,9})?)?)?"
)
DMY_DATE = re.compile(r"(?P<d>[0-9]{1,2})/(?P<m>[0-9]{1,2})/(?P<y>[0-9]{4})")
# Plausible years only: a typo such as 2204 or 0224 is reported, not stored.
MIN_YEAR, MAX_YEAR = 1900, 2199
_EMAIL_CHARS = r"[^\s@<>()\[\],;:\"]"
_DOMAIN_LABEL = r"[^\s@<>()\[\],;:\".]+"
# name@domain.tld: no spaces, one @, no leading/trailing/double dot in the name, a dotted domain.
EMAIL_PATTERN = rf"(?!\.)(?!.*\.\.){_EMAIL_CHARS}+(?<!\.)@{_DOMAIN_LABEL}(?:\.{_DOMAIN_LABEL})+"
LIST_SEPARATOR = ";"


class Parsed(NamedTuple):
    """Typed values of one column and the mask of cells that could not be read."""

    values: pd.Series
    bad: pd.Series


def blank(cells: pd.Series) -> pd.Series:
    """True where a cell is blank (empty after trimming)."""
    return cells.eq("") | cells.isna()


def _object(values: np.ndarray, index: pd.Index) -> pd.Series:
    """An object Series (None for missing), whatever pandas would otherwise infer."""
    return pd.Series(values, index=index, dtype=object)


def _matches(cells: pd.Series, pattern: str) -> pd.Series:
    """Boolean mask: the whole cell matches ``pattern`` (blank cells never match)."""
    return cells.str.fullmatch(pattern).fillna(False).astype(bool)


def parse_text(cells: pd.Series) -> Parsed:
    """Text as given, None when blank; text is never bad."""
    empty = blank(cells).to_numpy()
    arr = cells.to_numpy(dtype=object, copy=True)
    arr[empty] = None
    return Parsed(_object(arr, cells.index), pd.Series(False, index=cells.index))


def parse_enum(cells: pd.Series, choices: Iterable[str]) -> Parsed:
    """Lower-cased choice, None when blank; bad when not one of ``choices`` (case-insensitive)."""
    lowered = cells.str.lower()
    empty = blank(cells)
    bad = ~empty & ~lowered.isin(list(choices))
    arr = lowered.to_numpy(dtype=object, copy=True)
    arr[(empty | bad).to_numpy()] = None
    return Parsed(_object(arr, cells.index), bad)


def parse_bool(cells: pd.Series) -> Parsed:
    """True/False/None from yes/no, true/false, y/n, 1/0 (any case); anything else is bad."""
    mapped = cells.str.lower().map(BOOL_WORDS)
    bad = ~blank(cells) & mapped.isna()
    arr = np.full(len(cells), None, dtype=object)
    known = mapped.notna().to_numpy()
    arr[known] = mapped.to_numpy()[known].astype(bool)
    return Parsed(_object(arr, cells.index), bad)


def parse_int(cells: pd.Series) -> Parsed:
    """Nullable Int64 from whole numbers ('3' or '3.0'); anything else is bad."""
    ok = _matches(cells, INT_PATTERN)
    bad = ~blank(cells) & ~ok
    numbers = pd.to_numeric(cells.where(ok, None), errors="coerce")
    return Parsed(numbers.astype("Int64"), bad)


def parse_float(cells: pd.Series) -> Parsed:
    """float64 (NaN when blank) from decimal numbers, '.' or ',' as the decimal mark."""
    comma = _matches(cells, DECIMAL_COMMA_PATTERN)
    good = _matches(cells, FLOAT_PATTERN) | comma
    text = cells.where(~comma, cells.str.replace(",", ".", regex=False))
    numbers = pd.to_numeric(text.where(good, None), errors="coerce").astype("float64")
    bad = ~blank(cells) & (~good | ~np.isfinite(numbers.fillna(0.0)))
    return Parsed(numbers.where(~bad), bad)


def split_list(cell: str) -> list[str]:
    """Items of one ';'-separated cell: trimmed, blanks dropped, order kept, repeats dropped."""
    if not cell:
        return []
    seen: set[str] = set()
    items: list[str] = []
    for part in cell.split(LIST_SEPARATOR):
        item = part.strip()
        key = item.casefold()
        if item and key not in seen:
            seen.add(key)
            items.append(item)
    return items


def parse_list(cells: pd.Series) -> Parsed:
    """A Python list per cell (empty list when blank); lists are never bad."""
    arr = np.empty(len(cells), dtype=object)
    arr[:] = [split_list(c) if isinstance(c, str) else [] for c in cells.to_numpy()]
    return Parsed(_object(arr, cells.index), pd.Series(False, index=cells.index))


def _civil_dates(year: np.ndarray, month: np.ndarray, day: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """datetime64[D] from integer arrays, and the mask of real calendar dates in range."""
    ok = (year >= MIN_YEAR) & (year <= MAX_YEAR) & (month >= 1) & (month <= 12) & (day >= 1) & (day <= 31)
    y = np.where(ok, year, 2000)
    m = np.where(ok, month, 1)
    d = np.where(ok, day, 1)
    months = ((y - 1970) * 12 + (m - 1)).astype("datetime64[M]")
    dates = months.astype("datetime64[D]") + (d - 1).astype("timedelta64[D]")
    ok &= dates.astype("datetime64[M]") == months  # 31/02 rolls into March: not a date
    return dates, ok


def _int_groups(found: pd.DataFrame, names: Sequence[str], fill: int = 0) -> list[np.ndarray]:
    """Integer arrays of regex groups (``fill`` where a group did not match)."""
    return [pd.to_numeric(found[n], errors="coerce").fillna(fill).to_numpy(dtype=np.int64) for n in names]


def _dates_by_pattern(cells: pd.Series, pattern: re.Pattern[str]) -> tuple[np.ndarray, np.ndarray]:
    """datetime64[ns] values and validity mask for cells written in ``pattern``."""
    found = cells.str.extract(f"^{pattern.pattern}$")
    matched = found["y"].notna().to_numpy()
    year, month, day = _int_groups(found, ("y", "m", "d"))
    dates, ok = _civil_dates(year, month, day)
    stamps = dates.astype("datetime64[ns]")
    if "H" in found:
        hour, minute, second = _int_groups(found, ("H", "M", "S"))
        ok &= (hour <= 23) & (minute <= 59) & (second <= 59)
        stamps = stamps + (hour * 3600 + minute * 60 + second).astype("timedelta64[s]")
    return stamps, matched & ok


def parse_date(cells: pd.Series) -> Parsed:
    """datetime64[ns] (NaT when blank) from YYYY-MM-DD, DD/MM/YYYY or ISO date-time text.

    Nothing else is guessed: 03/31/2024 (US order), 2024.03.31 or "March 3" are bad,
    because a wrong guess would silently move a date.
    """
    out = np.full(len(cells), np.datetime64("NaT"), dtype="datetime64[ns]")
    fast = pd.to_datetime(cells, format="%Y-%m-%d", errors="coerce")
    years = fast.dt.year.to_numpy(dtype="float64", na_value=np.nan)
    done = (fast.notna() & (years >= MIN_YEAR) & (years <= MAX_YEAR)).to_numpy(copy=True)
    out[done] = fast.to_numpy()[done].astype("datetime64[ns]")
    empty = blank(cells).to_numpy()
    rest = ~done & ~empty
    if rest.any():
        sub = cells[rest]
        found = np.zeros(len(sub), dtype=bool)
        values = np.full(len(sub), np.datetime64("NaT"), dtype="datetime64[ns]")
        for pattern in (ISO_DATE, DMY_DATE):
            stamps, ok = _dates_by_pattern(sub, pattern)
            take = ok & ~found
            values[take] = stamps[take]
            found |= ok
        out[rest] = values
        done[rest] = found
    bad = pd.Series(~done & ~empty, index=cells.index)
    return Parsed(pd.Series(out, index=cells.index), bad)


def parse_email(cells: pd.Series) -> Parsed:
    """The address as given, None when blank; bad unless it looks like name@domain.tld."""
    text = parse_text(cells).values
    bad = ~blank(cells) & ~_matches(cells, EMAIL_PATTERN)
    return Parsed(text.where(~bad, None), bad)


_EMAIL_RE = re.compile(EMAIL_PATTERN)


def is_email(text: str) -> bool:
    """Whether one trimmed text looks like name@domain.tld (the rule ``parse_email`` applies to cells)."""
    return _EMAIL_RE.fullmatch(text) is not None


def grade_key(code: object) -> str:
    """How grade codes are compared: trimmed, inner spaces collapsed, case-folded."""
    return " ".join(str(code).split()).casefold()


def grade_ranks(grade_order: Sequence[object]) -> dict[str, int]:
    """Grade code -> rank (1 = most junior, as listed first); ValueError on a repeated code."""
    ranks: dict[str, int] = {}
    for position, code in enumerate(grade_order, start=1):
        key = grade_key(code)
        if not key:
            raise ValueError("grade_order contains a blank grade")
        if key in ranks:
            raise ValueError(f"grade_order lists {str(code).strip()!r} more than once")
        ranks[key] = position
    return ranks


def parse_grade(cells: pd.Series, grade_order: Sequence[object] | None = None) -> Parsed:
    """Grade rank (Int64, higher = more senior): the integer itself, or the position in ``grade_order``.

    With a ``grade_order`` every grade must be one of its codes (case-insensitive);
    without one every grade must be an integer.
    """
    if not grade_order:
        return parse_int(cells)
    ranks = grade_ranks(grade_order)
    keys = cells.str.casefold().str.replace(r"\s+", " ", regex=True)
    rank = pd.to_numeric(keys.map(ranks), errors="coerce").astype("Int64")
    bad = ~blank(cells) & rank.isna()
    return Parsed(rank, bad)


PARSERS = {
    "text": parse_text,
    "int": parse_int,
    "float": parse_float,
    "bool": parse_bool,
    "list": parse_list,
    "date": parse_date,
    "email": parse_email,
}
