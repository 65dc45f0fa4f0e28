"""Charts of the design stage: supply and demand, grade bands, pilot power, readiness."""
from __future__ import annotations

import altair as alt
import pandas as pd

from revmentor_nb.report.charts.base import WIDTH, timeline  # noqa: F401


def supply_demand(table: pd.DataFrame) -> alt.Chart:
    """Places offered vs first choices wanted, by topic."""
    long = table.melt(id_vars="topic", value_vars=["places", "first_choice", "mentees"], var_name="measure", value_name="people")
    return alt.Chart(long).mark_bar().encode(
        y=alt.Y("topic:N", sort="-x", title=None), x=alt.X("people:Q"),
        color=alt.Color("measure:N", title=None, legend=alt.Legend(orient="bottom")),
        yOffset="measure:N", tooltip=["topic", "measure", "people"],
    ).properties(width=WIDTH, title="Supply (mentor places) and demand (mentees) by topic")


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
