"""How notebooks show things, the same way interactively and in a headless report."""
from __future__ import annotations

from typing import Any

import altair as alt
import pandas as pd
from IPython.display import HTML, display

from revmentor_nb.report.tables import table_html

SVG = "image/svg+xml"


def _described_svg(spec: dict[str, Any], **_: Any) -> tuple[dict[str, str], dict[str, dict[str, str]]]:
    """Altair renderer for reports: offline SVG carrying the chart's description (image alt text, SVG title)."""
    from revmentor_nb.report.charts.base import with_description
    import vl_convert as vlc

    description = str(spec.get("description", ""))
    return {SVG: with_description(vlc.vegalite_to_svg(spec), description)}, {SVG: {"alt": description}}


alt.renderers.register("revmentor-svg", _described_svg)


def setup_output(interactive: bool) -> None:
    """Charts that need no network, in reports, JupyterLab and Voila alike.

    Headless runs render inline SVG (vl-convert, with the chart's description), so reports open
    offline. Interactively charts are altair's JupyterChart widget in offline mode: its Vega JavaScript
    comes from vl-convert through the kernel (no CDN; JupyterLab's own renderer cannot draw altair 6's
    Vega-Lite 6 and would fetch Vega from the internet), and tooltips and the "..." menu keep working.
    """
    alt.data_transformers.disable_max_rows()
    if interactive:
        alt.renderers.enable("jupyter", offline=True)
    else:
        alt.renderers.enable("revmentor-svg")


def table_block(frame: pd.DataFrame, caption: str = "", max_rows: int = 30) -> str:
    """The first ``max_rows`` rows, and when there are more, every row in a collapsed section below.

    A plain ``<details>`` element: it opens in JupyterLab and in an offline report alike, with no
    script, so a long table can be read whole anywhere.
    """
    page = table_html(frame, caption=caption, max_rows=max_rows)
    if len(frame) > max_rows:
        page += (f'<details class="rm-all-rows"><summary>Show all {len(frame)} rows</summary>'
                 f"{table_html(frame)}</details>")
    return page


def show_table(frame: pd.DataFrame, caption: str = "", max_rows: int = 30) -> None:
    """Display a table as escaped HTML (participant text is never interpreted as markup); long ones in full below."""
    display(HTML(table_block(frame, caption=caption, max_rows=max_rows)))
