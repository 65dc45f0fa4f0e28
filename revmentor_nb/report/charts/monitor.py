"""Charts of the monitoring stage: meetings over time, each pair's meetings, statuses, satisfaction, the timeline."""
from __future__ import annotations

from datetime import date

import altair as alt
import pandas as pd

from revmentor_nb.report.charts.base import (
    BAD,
    WIDTH,
    date_order,
    says_when_empty,
    status_scales,
    timeline,
    timeline_bars,
)


@says_when_empty('No meetings logged yet.')
def meetings_over_time(by_month: pd.DataFrame, expected_per_month: float) -> alt.Chart:
    """Meetings held per month against what the cadence expects."""
    bars = alt.Chart(by_month).mark_bar().encode(x=alt.X("month:T", timeUnit="yearmonth", title=None),
                                                 y=alt.Y("meetings:Q"))
    rule = alt.Chart(pd.DataFrame({"expected": [expected_per_month]})).mark_rule(color=BAD, strokeDash=[4, 4]).encode(
        y="expected:Q")
    return (bars + rule).properties(width=WIDTH, title="Meetings held per month (dashed: expected by cadence)",
                                    description="Bars of the meetings held each month in date order, with a dashed "
                                                "line at the number the agreed cadence expects.")


MONITOR_STATUSES = ["on track", "needs a check-in", "at risk", "too early to tell", "ended"]
_COLOUR, _SHAPE = status_scales(MONITOR_STATUSES, ["good", "watch", "bad", "grey", "other"])
MONITOR_COLOURS = list(_COLOUR.range)  # colour-blind safe (Okabe-Ito); each status has a shape too


def _status_colour(title: str | None = "status") -> alt.Color:
    return alt.Color("status:N", title=title, scale=_COLOUR, legend=alt.Legend(orient="bottom"))


def _status_shape(title: str | None = "status") -> alt.Shape:
    return alt.Shape("status:N", title=title, scale=_SHAPE, legend=alt.Legend(orient="bottom"))


@says_when_empty('No pairs running yet.')
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
    ends = alt.Chart(order).mark_point(filled=True, size=28, opacity=0.9).encode(
        x="days_running:Q", y=y, color=_status_colour(), shape=_status_shape(),
        tooltip=[c for c in ("pair_label", "status", "held") if c in order])
    return alt.layer(span, cadence, dots, ends).properties(
        width=WIDTH, height=height,
        title=f"Meetings per pair since its start (tick: a meeting; dashed: one every {cadence_days} days)",
        description="One row per pair from its own start, a tick per meeting held and a dashed line per cadence "
                    "interval, rows grouped by status with a colour and a shape per status.")


@says_when_empty('No statuses to draw yet.')
def status_over_time(long: pd.DataFrame) -> alt.Chart:
    """Pairs in each status at each date (stacked), to see whether the programme is holding up."""
    area = alt.Chart(long).mark_area(interpolate="step-after").encode(
        x=alt.X("date:T", title=None), y=alt.Y("pairs:Q", stack="zero", title="pairs"),
        color=_status_colour(None), order=alt.Order("order:Q"),
        tooltip=[alt.Tooltip("date:T"), "status:N", "pairs:Q"],
    ).transform_calculate(
        order=" + ".join(f"(datum.status == '{s}' ? {i} : 0)" for i, s in enumerate(MONITOR_STATUSES))
    ).properties(width=WIDTH, height=240, title="Pairs by status over time")
    ends = alt.Chart(long[long["date"] == long["date"].max()] if len(long) else long).mark_point(
        filled=True, size=70, stroke="black", strokeWidth=0.5).encode(
        x="date:T", y=alt.Y("pairs:Q", stack="zero"), color=_status_colour(None), shape=_status_shape(None),
        order=alt.Order("order:Q"), tooltip=[alt.Tooltip("date:T"), "status:N", "pairs:Q"],
    ).transform_calculate(
        order=" + ".join(f"(datum.status == '{s}' ? {i} : 0)" for i, s in enumerate(MONITOR_STATUSES)))
    return alt.layer(area, ends).properties(
        description="Stacked areas of the pairs in each status at each date in date order, a colour and a shape "
                    "per status, to show whether the programme is holding up.")


@says_when_empty('No check-in satisfaction to show yet: no rated answers, or every group is under the privacy threshold.')
def satisfaction_by_stage(summary: pd.DataFrame) -> alt.Chart:
    """Mean check-in satisfaction (1-5) by stage and side; groups under k are left out (suppressed, not drawn)."""
    order = ["kickoff", "pulse", "midpoint", "final"]
    data = summary.dropna(subset=["satisfaction"])
    if "suppressed" in data:
        data = data[~data["suppressed"].astype(bool)]
    return alt.Chart(data).mark_bar(clip=True).encode(
        x=alt.X("stage:N", sort=order, title=None, axis=alt.Axis(labelAngle=0)), xOffset=alt.XOffset("side:N"),
        y=alt.Y("satisfaction:Q", title="mean satisfaction (1-5)", scale=alt.Scale(domain=[1, 5])), y2=alt.datum(1),
        color=alt.Color("side:N", title=None, scale=alt.Scale(range=["#0072B2", "#E69F00"]),
                        legend=alt.Legend(orient="bottom")),
        tooltip=["stage:N", "side:N", alt.Tooltip("satisfaction:Q", format=".2f"), "rated:Q",
                 alt.Tooltip("response_rate:Q", format=".0%")],
    ).properties(width=WIDTH - 120, height=220, title="Check-in satisfaction by stage",
                 description="Bars of the mean check-in satisfaction on a 1 to 5 scale at each stage, mentors and "
                             "mentees side by side; groups under the privacy threshold are not drawn.")


@says_when_empty('No stages to draw: the plan is empty.')
def programme_timeline(plan: pd.DataFrame, checkins: pd.DataFrame, today: date) -> alt.LayerChart:
    """The communication plan with the check-ins' send dates (diamonds) and today (red line, labelled)."""
    bars = timeline_bars(plan)
    order = date_order(plan)
    marks = alt.Chart(checkins).mark_point(shape="diamond", filled=True, size=110, color="black").encode(
        x="send_on:T", y=alt.Y("row:N", sort=order, scale=alt.Scale(domain=order)),
        tooltip=["label:N", alt.Tooltip("send_on:T")])
    day = pd.DataFrame({"today": [pd.Timestamp(today)], "label": [f"as of {pd.Timestamp(today):%d %b %Y}"]})
    rule = alt.Chart(day).mark_rule(color=BAD, strokeWidth=2).encode(x="today:T")
    text = alt.Chart(day).mark_text(color=BAD, align="left", dx=4, dy=-6, baseline="bottom").encode(
        x="today:T", y=alt.value(0), text="label:N")
    return alt.layer(bars, marks, rule, text).properties(
        description="A Gantt chart of the programme's stages in date order with the check-ins' send dates as "
                    "diamonds and today as a vertical line.",
        title="Programme timeline: communication plan, check-ins (diamonds) and today (red)")
