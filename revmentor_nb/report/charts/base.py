"""What every stage's charts share: the width, the programme timeline, a bar per category, and SVG rendering."""
from __future__ import annotations

from datetime import date

import altair as alt
import pandas as pd

WIDTH = 520


def timeline(plan: pd.DataFrame, today: date | None = None) -> alt.Chart:
    """The communication plan as a Gantt chart, today marked when given."""
    bars = alt.Chart(plan).mark_bar(cornerRadius=3).encode(
        x=alt.X("start:T", title=None), x2="end:T",
        y=alt.Y("stage:N", sort=list(plan["stage"]), title=None),
        color=alt.Color("audience:N", legend=alt.Legend(orient="bottom", columns=2)),
        tooltip=["stage", "audience", "purpose", "start:T", "end:T"],
    ).properties(width=WIDTH, title="Programme timeline and communication plan")
    if today is None:
        return bars
    rule = alt.Chart(pd.DataFrame({"today": [pd.Timestamp(today)]})).mark_rule(color="red").encode(x="today:T")
    return bars + rule


def counts(table: pd.DataFrame, category: str, value: str, title: str) -> alt.Chart:
    """A horizontal bar per category (e.g. unmatched reasons, pair statuses)."""
    return alt.Chart(table).mark_bar().encode(
        y=alt.Y(f"{category}:N", sort="-x", title=None, axis=alt.Axis(labelLimit=380)),
        x=alt.X(f"{value}:Q", title=value), tooltip=[category, value],
    ).properties(width=WIDTH, title=title)


def chart_svg(chart: alt.TopLevelMixin) -> str:
    """An altair chart as inline SVG markup, rendered offline by vl-convert (no Vega JavaScript needed)."""
    import vl_convert as vlc

    return vlc.vegalite_to_svg(chart.to_dict())
