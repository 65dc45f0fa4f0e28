"""The charts the notebooks and reports show (altair), one function per chart."""
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


def supply_demand(table: pd.DataFrame) -> alt.Chart:
    """Places offered vs first choices wanted, by topic."""
    long = table.melt(id_vars="topic", value_vars=["places", "first_choice", "mentees"], var_name="measure", value_name="people")
    return alt.Chart(long).mark_bar().encode(
        y=alt.Y("topic:N", sort="-x", title=None), x=alt.X("people:Q"),
        color=alt.Color("measure:N", title=None, legend=alt.Legend(orient="bottom")),
        yOffset="measure:N", tooltip=["topic", "measure", "people"],
    ).properties(width=WIDTH, title="Supply (mentor places) and demand (mentees) by topic")


def score_distribution(pairs: pd.DataFrame) -> alt.Chart:
    """How good the matches are: the distribution of pair scores."""
    return alt.Chart(pairs).mark_bar().encode(
        x=alt.X("score:Q", bin=alt.Bin(maxbins=20), title="pair score"), y=alt.Y("count():Q", title="pairs"),
    ).properties(width=WIDTH, height=220, title="Score of each pair")


def counts(table: pd.DataFrame, category: str, value: str, title: str) -> alt.Chart:
    """A horizontal bar per category (e.g. unmatched reasons, pair statuses)."""
    return alt.Chart(table).mark_bar().encode(
        y=alt.Y(f"{category}:N", sort="-x", title=None, axis=alt.Axis(labelLimit=380)),
        x=alt.X(f"{value}:Q", title=value), tooltip=[category, value],
    ).properties(width=WIDTH, title=title)


def fairness(audit_long: pd.DataFrame) -> alt.Chart:
    """Match rate by group for each attribute (suppressed groups left out)."""
    data = audit_long.dropna(subset=["value"])
    return alt.Chart(data).mark_bar().encode(
        x=alt.X("value:Q", title=None), y=alt.Y("group:N", title=None),
        color=alt.Color("attribute:N", legend=None), row=alt.Row("attribute:N", title=None),
        column=alt.Column("measure:N", title=None), tooltip=["attribute", "group", "measure", "value", "n"],
    ).properties(width=220).resolve_scale(y="independent", x="independent")


def meetings_over_time(by_month: pd.DataFrame, expected_per_month: float) -> alt.Chart:
    """Meetings held per month against what the cadence expects."""
    bars = alt.Chart(by_month).mark_bar().encode(x=alt.X("month:T", timeUnit="yearmonth", title=None),
                                                 y=alt.Y("meetings:Q"))
    rule = alt.Chart(pd.DataFrame({"expected": [expected_per_month]})).mark_rule(color="red", strokeDash=[4, 4]).encode(
        y="expected:Q")
    return (bars + rule).properties(width=WIDTH, title="Meetings held per month (dashed: expected by cadence)")


def before_after(means: pd.DataFrame) -> alt.Chart:
    """Mean score before and after, per instrument."""
    return alt.Chart(means).mark_bar().encode(
        x=alt.X("stage:N", sort=["pre", "post"], title=None), y=alt.Y("mean:Q", title="mean score"),
        color=alt.Color("stage:N", sort=["pre", "post"], legend=None), column=alt.Column("instrument:N", title=None),
        tooltip=["instrument", "stage", "mean", "n"],
    ).properties(width=160, title="Before and after")
