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


def fairness(audit_long: pd.DataFrame, metric: str = "match_rate") -> alt.Chart:
    """One metric (match rate or mean fit) by group and role, one panel per dimension; suppressed groups left out."""
    data = audit_long[(audit_long["metric"] == metric) & ~audit_long["suppressed"].astype(bool)].dropna(subset=["value"])
    title = {"match_rate": "Match rate by group", "mean_fit": "Mean fit of matched people by group"}.get(metric, metric)
    return alt.Chart(data).mark_bar().encode(
        x=alt.X("value:Q", title=metric.replace("_", " ")), y=alt.Y("group:N", title=None),
        yOffset="role:N", color=alt.Color("role:N", legend=alt.Legend(orient="bottom")),
        row=alt.Row("dimension:N", title=None, header=alt.Header(labelAngle=0, labelAlign="left")),
        tooltip=["dimension", "role", "group", alt.Tooltip("value:Q", format=".2f")],
    ).properties(width=WIDTH - 120, title=title).resolve_scale(y="independent")


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


def grade_bands(table: pd.DataFrame) -> alt.Chart:
    """Per grade (junior first): eligible mentor places, eligible mentees and sign-ups left out by the bands."""
    order = list(table["grade"])
    long = table.melt(id_vars=["grade"], value_vars=["mentor_places", "mentees", "not_eligible"],
                      var_name="measure", value_name="people").dropna(subset=["people"])
    long["measure"] = long["measure"].map({"mentor_places": "mentor places", "mentees": "eligible mentees",
                                           "not_eligible": "signed up, not eligible"})
    return alt.Chart(long).mark_bar().encode(
        x=alt.X("grade:N", sort=order, title="grade (junior to senior)"), y=alt.Y("people:Q"),
        color=alt.Color("measure:N", title=None, legend=alt.Legend(orient="bottom"),
                        sort=["mentor places", "eligible mentees", "signed up, not eligible"]),
        xOffset=alt.XOffset("measure:N", sort=["mentor places", "eligible mentees", "signed up, not eligible"]),
        tooltip=["grade", "measure", "people"],
    ).properties(width=WIDTH, title="Supply and demand by grade under the eligibility bands")


def pilot_power(curve: pd.DataFrame, effect_size: float, needed: int, available: int | None = None) -> alt.Chart:
    """Pairs to recruit against the expected effect; the design's choice marked, the pairs available as a line."""
    line = alt.Chart(curve).mark_line(point=True).encode(
        x=alt.X("effect_size:Q", title="expected change (Cohen's d)"),
        y=alt.Y("pairs_to_recruit:Q", title="pairs to recruit", scale=alt.Scale(type="log")),
        tooltip=["effect_size", "pairs_to_recruit"],
    )
    chosen = alt.Chart(pd.DataFrame({"effect_size": [effect_size], "pairs_to_recruit": [needed]})).mark_point(
        size=160, color="red", filled=True).encode(x="effect_size:Q", y="pairs_to_recruit:Q",
                                                   tooltip=["effect_size", "pairs_to_recruit"])
    layers = [line, chosen]
    if available:
        layers.append(alt.Chart(pd.DataFrame({"available": [available]})).mark_rule(
            color="green", strokeDash=[4, 4]).encode(y="available:Q"))
    return alt.layer(*layers).properties(
        width=WIDTH, height=260,
        title="Pairs needed to detect the change (red: this design; dashed: pairs available)")


def readiness(items: pd.DataFrame) -> alt.Chart:
    """The readiness answers, one bar per question, coloured by status (blockers in red)."""
    data = items.assign(points=items["answer"].map({"yes": 2, "partly": 1, "no": 0, "unknown": 0}).astype(float) + 0.15)
    return alt.Chart(data).mark_bar().encode(
        y=alt.Y("label:N", sort=list(items["label"]), title=None, axis=alt.Axis(labelLimit=320)),
        x=alt.X("points:Q", title="no - partly - yes", scale=alt.Scale(domain=[0, 2.2]), axis=None),
        color=alt.Color("status:N", scale=alt.Scale(domain=["ok", "to improve", "blocker"],
                                                    range=["#2e7d32", "#f9a825", "#c62828"]),
                        legend=alt.Legend(orient="bottom", title=None)),
        tooltip=["question", "answer", "status", "what to do"],
    ).properties(width=WIDTH, height=180, title="Readiness to launch")
