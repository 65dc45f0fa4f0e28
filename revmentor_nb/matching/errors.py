"""The matcher's input error: every conflict of the inputs, as a table a person can fix from."""
from __future__ import annotations

from typing import Any, Iterable

import pandas as pd

from revmentor_nb.errors import PROBLEM_COLUMNS, InputError


class MatchInputError(InputError):
    """Raised when the matcher's inputs conflict (e.g. a lock breaking a hard rule).

    ``problems`` has one row per conflict: file, row, column, value, problem, fix.
    """


def _as_row(v: Any) -> int | None:
    """A spreadsheet row number, or None when there is none."""
    try:
        return None if v is None or pd.isna(v) else int(v)
    except (TypeError, ValueError):
        return None


def problems_frame(rows: Iterable[dict[str, Any]]) -> pd.DataFrame:
    """Problem dicts as the standard problems table (row as nullable integer)."""
    rows = [{**r, "value": "" if r.get("value") is None else str(r.get("value"))} for r in rows]
    df = pd.DataFrame(rows, columns=PROBLEM_COLUMNS)
    df["row"] = pd.array([_as_row(r) for r in df["row"]], dtype="Int64")
    return df.reset_index(drop=True)
