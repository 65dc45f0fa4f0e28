"""One way to show a table as HTML: escaped (participant text is never markup), the same in reports and widgets."""
from __future__ import annotations

import html

import pandas as pd


def table_html(frame: pd.DataFrame, *, caption: str = "", max_rows: int | None = None, na_rep: str = "—") -> str:
    """``frame`` as an escaped HTML table with the house class; a note says how many rows were left out."""
    shown = frame if max_rows is None else frame.head(max_rows)
    body = shown.to_html(index=False, escape=True, na_rep=na_rep, border=0, classes="rm-table")
    more = f"<p><em>showing {max_rows} of {len(frame)} rows</em></p>" if max_rows is not None and len(frame) > max_rows else ""
    title = f"<p><strong>{html.escape(caption)}</strong></p>" if caption else ""
    return title + body + more
