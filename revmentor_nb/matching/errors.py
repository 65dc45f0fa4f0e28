"""The matcher's input error: every conflict of the inputs, as a table a person can fix from."""
from __future__ import annotations

from typing import Any, Iterable

import pandas as pd

from ..errors import PROBLEM_COLUMNS, InputError


class MatchInputError(InputError):
    """Raised when the matcher's inputs conflict (e.g. a lock breaking a hard rule).

    ``problems`` has one row per conflict: file, row, column, value, problem, fix.
    """


def problems_frame(rows: Iterable[dict[str, Any]]) -> pd.DataFrame:
    """Problem dicts as the standard problems table (row as nullable integer)."""
    df = pd.DataFrame(list(rows), columns=PROBLEM_COLUMNS)
    df["row"] = pd.array(df["row"].where(df["row"].notna(), None), dtype="Int64") if len(df) else df["row"].astype("Int64")
    df["value"] = df["value"].map(lambda v: "" if v is None else str(v))
    return df.reset_index(drop=True)
