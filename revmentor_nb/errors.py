"""Errors a person can act on: every problem of an input, located, with a fix."""
from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

PROBLEM_COLUMNS = ["file", "row", "column", "value", "problem", "fix"]
SHEET_ROWS = 10_000_000  # row key of a later sheet of a workbook: position x SHEET_ROWS + row


def quoted(value: object, limit: int = 40) -> str:
    """A cell as quoted in a problem's sentence: long text cut with an ellipsis."""
    text = "" if value is None else str(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


class UserError(Exception):
    """A mistake a person can fix (a file, a setting, a missing import): shown as its message, not a traceback.

    In a notebook IPython shows ``_render_traceback_``'s lines instead of the stack, so Run All still
    stops at the cell but the person reads what to do; headless runs report the same text on stderr.
    """

    def _render_traceback_(self) -> list[str]:
        return [f"\x1b[31m{type(self).__name__}\x1b[0m: {self}"]


class InputError(UserError, ValueError):
    """Raised when an input file breaks the data contract.

    ``problems`` is a DataFrame with one row per problem (file, row, column, value,
    problem, fix); ``row`` is the spreadsheet row number (the header is row 1), or
    empty for problems of the whole file (e.g. a missing column).
    """

    def __init__(self, problems: pd.DataFrame, summary: str | None = None) -> None:
        self.problems = problems.reset_index(drop=True)
        n = len(self.problems)
        files = ", ".join(sorted({str(f) for f in self.problems["file"].dropna()})) or "input"
        self.summary = summary or f"{n} problem{'s' if n != 1 else ''} in {files}"
        super().__init__(self.summary + "\n" + format_problems(self.problems))


@dataclass
class ProblemLog:
    """Collects every problem of one input before anything is raised."""

    file: str
    rows: list[dict] = field(default_factory=list)
    sheets: list[str] = field(default_factory=list)  # a workbook read from several sheets: their titles, in order

    def add(self, row: int | None, column: str | None, value: object, problem: str, fix: str) -> None:
        """Record one problem; ``row`` is the spreadsheet row (header = 1) or None for the file.

        When rows come from several sheets (``sheets``), ``row`` is the sheet's position times
        SHEET_ROWS plus its row, and the problem names the sheet and the row within it.
        """
        text = "" if value is None or (isinstance(value, float) and pd.isna(value)) else str(value)
        if len(text) > 80:
            text = text[:77] + "..."
        file = self.file
        if self.sheets and row is not None:
            at, row = divmod(int(row), SHEET_ROWS)
            file = f"{self.file} (sheet '{self.sheets[min(at, len(self.sheets) - 1)]}')"
        self.rows.append(
            {"file": file, "row": row, "column": column or "", "value": text, "problem": problem, "fix": fix}
        )

    def __len__(self) -> int:
        return len(self.rows)

    def frame(self) -> pd.DataFrame:
        """The problems as a table, ordered by row then column."""
        df = pd.DataFrame(self.rows, columns=PROBLEM_COLUMNS)
        df["row"] = df["row"].astype("Int64")
        return df.sort_values(["row", "column"], na_position="first", kind="stable").reset_index(drop=True)

    def raise_if_any(self) -> None:
        """Raise an InputError listing every recorded problem, if there are any."""
        if self.rows:
            raise InputError(self.frame())


def format_problems(problems: pd.DataFrame, max_rows: int = 200) -> str:
    """Render a problems table as plain text for a terminal."""
    if problems.empty:
        return ""
    shown = problems.head(max_rows).copy()
    shown["row"] = shown["row"].astype("string").fillna("-")
    text = shown.to_string(index=False, max_colwidth=120)
    if len(problems) > max_rows:
        text += f"\n... and {len(problems) - max_rows} more"
    return text
