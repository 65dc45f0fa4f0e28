"""How notebooks show things, the same way interactively and in a headless report."""
from __future__ import annotations

import altair as alt
import pandas as pd
from IPython.display import HTML, display


def setup_output(interactive: bool) -> None:
    """Headless runs render charts as inline SVG (reports open offline); JupyterLab keeps live charts."""
    alt.data_transformers.disable_max_rows()
    alt.renderers.enable("default" if interactive else "svg")


def show_table(frame: pd.DataFrame, caption: str = "", max_rows: int = 30) -> None:
    """Display a table as escaped HTML (participant text is never interpreted as markup)."""
    shown = frame.head(max_rows)
    html = shown.to_html(index=False, escape=True, na_rep="—", border=0, classes="rm-table")
    more = f"<p><em>showing {max_rows} of {len(frame)} rows</em></p>" if len(frame) > max_rows else ""
    title = f"<p><strong>{_escape(caption)}</strong></p>" if caption else ""
    display(HTML(title + html + more))


def _escape(text: str) -> str:
    import html

    return html.escape(text)
