"""How notebooks show things, the same way interactively and in a headless report."""
from __future__ import annotations

import altair as alt
import pandas as pd
from IPython.display import HTML, display

from revmentor_nb.report.tables import table_html


def setup_output(interactive: bool) -> None:
    """Headless runs render charts as inline SVG (reports open offline); JupyterLab keeps live charts."""
    alt.data_transformers.disable_max_rows()
    alt.renderers.enable("default" if interactive else "svg")


def show_table(frame: pd.DataFrame, caption: str = "", max_rows: int = 30) -> None:
    """Display a table as escaped HTML (participant text is never interpreted as markup)."""
    display(HTML(table_html(frame, caption=caption, max_rows=max_rows)))
