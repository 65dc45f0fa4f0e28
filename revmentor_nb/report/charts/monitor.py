"""Charts of the monitoring stage: meetings over time, each pair's meetings, statuses, satisfaction, the timeline."""
from __future__ import annotations

from datetime import date

import altair as alt
import pandas as pd

from revmentor_nb.report.charts.base import WIDTH, timeline  # noqa: F401


def meetings_over_time(by_month: pd.DataFrame, expected_per_month: float) -> alt.Chart:
    """Meetings held per month against what the cadence expects."""
    bars = alt.Chart(by_month).mark_bar().encode(x=alt.X("month:T", timeUnit="yearmonth", title=None),
                                                 y=alt.Y("meetings:Q"))
    rule = alt.Chart(pd.DataFrame({"expected": [expected_per_month]})).mark_rule(color="red", strokeDash=[4, 4]).encode(
        y="expected:Q")
    return (bars + rule).properties(width=WIDTH, title="Meetings held per month (dashed: expected by cadence)")


MONITOR_STATUSES = ["on track", "needs a check-in", "at risk", "too early to tell", "ended"]
MONITOR_COLOURS = ["#2e7d32", "#f9a825", "#c62828", "#9e9e9e", "#5c6bc0"]


def _status_colour(title: str | None = "status") -> alt.Color:
    return alt.Color("status:N", title=title, scale=alt.Scale(domain=MONITOR_STATUSES, range=MONITOR_COLOURS),
                     legend=alt.Legend(orient="bottom"))


def pair_meetings(spans: pd.DataFrame, meetings: pd.DataFrame, cadence_days: int) -> alt.LayerChart:
    """One row per pair: its meetings (ticks) from its own start against the cadence (dashed), coloured by status.

    ``spans``: pair, days_running, held, status (and an optional ``pair_label`` for tooltips);
    ``meetings``: pair, day (days since the pair's start). Rows are sorted by status, then meetings held.
    """
    rank = {s: i for i, s in enumerate(MONITOR_STATUSES)}
    order = spans.assign(_s=spans["status"].map(rank)).sort_values(["_s", "held", "pair"],
                                                                   ascending=[True, False, True])
    order = order.assign(row=range(len(order)))[["pair", "row", "status", "days_running", "held"]
                                                + (["pair_label"] if "pair_label" in spans else [])]
    ticks = meetings.merge(order, on="pair")
    height = int(min(max(2.2 * len(order), 160), 520))
    y = alt.Y("row:O", title=f"pairs ({len(order)}), by status", axis=alt.Axis(labels=False, ticks=False))
    tip = [c for c in ("pair_label", "status", "held", "day") if c in ticks]
    span = alt.Chart(order).mark_rule(opacity=0.25, strokeWidth=1).encode(
        x=alt.X("x0:Q", title="days since the pair's start"), x2="days_running:Q", y=y, color=_status_colour(),
    ).transform_calculate(x0="0")
    dots = alt.Chart(ticks).mark_tick(thickness=2, size=5, opacity=0.9).encode(
        x="day:Q", y=y, color=_status_colour(), tooltip=tip)
    longest = int(order["days_running"].max()) if len(order) else cadence_days
    every = pd.DataFrame({"day": list(range(cadence_days, longest + 1, cadence_days))})
    cadence = alt.Chart(every).mark_rule(color="black", strokeDash=[4, 4], opacity=0.6).encode(x="day:Q")
    return alt.layer(span, cadence, dots).properties(
        width=WIDTH, height=height,
        title=f"Meetings per pair since its start (tick: a meeting; dashed: one every {cadence_days} days)")


def status_over_time(long: pd.DataFrame) -> alt.Chart:
    """Pairs in each status at each date (stacked), to see whether the programme is holding up."""
    return alt.Chart(long).mark_area(interpolate="step-after").encode(
        x=alt.X("date:T", title=None), y=alt.Y("pairs:Q", stack="zero", title="pairs"),
        color=_status_colour(None), order=alt.Order("order:Q"),
        tooltip=[alt.Tooltip("date:T"), "status:N", "pairs:Q"],
    ).transform_calculate(
        order=" + ".join(f"(datum.status == '{s}' ? {i} : 0)" for i, s in enumerate(MONITOR_STATUSES))
    ).properties(width=WIDTH, height=240, title="Pairs by status over time")


def satisfaction_by_stage(summary: pd.DataFrame) -> alt.Chart:
    """Mean check-in satisfaction (1-5) by stage and side; groups under k are left out (suppressed, not drawn)."""
    order = ["kickoff", "pulse", "midpoint", "final"]
    data = summary.dropna(subset=["satisfaction"])
    if "suppressed" in data:
        data = data[~data["suppressed"].astype(bool)]
    return alt.Chart(data).mark_bar(clip=True).encode(
        x=alt.X("stage:N", sort=order, title=None, axis=alt.Axis(labelAngle=0)), xOffset=alt.XOffset("side:N"),
        y=alt.Y("satisfaction:Q", title="mean satisfaction (1-5)", scale=alt.Scale(domain=[1, 5])), y2=alt.datum(1),
        color=alt.Color("side:N", title=None, legend=alt.Legend(orient="bottom")),
        tooltip=["stage:N", "side:N", alt.Tooltip("satisfaction:Q", format=".2f"), "rated:Q",
                 alt.Tooltip("response_rate:Q", format=".0%")],
    ).properties(width=WIDTH - 120, height=220, title="Check-in satisfaction by stage")


def programme_timeline(plan: pd.DataFrame, checkins: pd.DataFrame, today: date) -> alt.LayerChart:
    """The communication plan with the check-ins' send dates (diamonds) and today (red line, labelled)."""
    bars = timeline(plan)
    marks = alt.Chart(checkins).mark_point(shape="diamond", filled=True, size=110, color="black").encode(
        x="send_on:T", y=alt.Y("row:N", sort=list(plan["stage"])), tooltip=["label:N", alt.Tooltip("send_on:T")])
    day = pd.DataFrame({"today": [pd.Timestamp(today)], "label": [f"as of {pd.Timestamp(today):%d %b %Y}"]})
    rule = alt.Chart(day).mark_rule(color="red", strokeWidth=2).encode(x="today:T")
    text = alt.Chart(day).mark_text(color="red", align="left", dx=4, dy=-6, baseline="bottom").encode(
        x="today:T", y=alt.value(0), text="label:N")
    return alt.layer(bars, marks, rule, text).properties(
        title="Programme timeline: communication plan, check-ins (diamonds) and today (red)")
