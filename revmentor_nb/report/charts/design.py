"""Charts of the design stage: supply and demand, grade bands, pilot power, readiness."""
from __future__ import annotations

import altair as alt
import pandas as pd

from revmentor_nb.report.charts.base import (  # noqa: F401
    BAD,
    GOOD,
    OKABE_ITO,
    WIDTH,
    says_when_empty,
    status_scales,
    timeline,
)


@says_when_empty('No sign-ups to compare yet.')
def supply_demand(table: pd.DataFrame) -> alt.Chart:
    """Places offered vs first choices wanted, by topic."""
    long = table.melt(id_vars="topic", value_vars=["places", "first_choice", "mentees"], var_name="measure", value_name="people")
    return alt.Chart(long).mark_bar().encode(
        y=alt.Y("topic:N", sort="-x", title=None), x=alt.X("people:Q"),
        color=alt.Color("measure:N", title=None, legend=alt.Legend(orient="bottom")),
        yOffset="measure:N", tooltip=["topic", "measure", "people"],
    ).properties(width=WIDTH, title="Supply (mentor places) and demand (mentees) by topic",
                 description="Grouped bars per topic comparing the mentor places offered with the mentees who "
                             "want it, as first choice and at all.")


MEASURES = {"mentor_places": "mentor places", "mentees": "eligible mentees", "not_eligible": "signed up, not eligible"}


@says_when_empty('No grades to draw yet: no sign-ups, or every group is under the privacy threshold.')
def grade_bands(table: pd.DataFrame, k: int | None = None) -> alt.LayerChart:
    """Per grade (junior first): eligible mentor places, eligible mentees and sign-ups left out by the bands.

    A suppressed count is a marked gap, never silently absent: its place carries the table's marker
    (``< 5`` or ``hidden``, from ``table.attrs["hidden"]``) in grey.
    """
    order = list(table["grade"])
    marks = table.attrs.get("hidden", {}) or {}
    long = table.melt(id_vars=["grade"], value_vars=list(MEASURES), var_name="column", value_name="people",
                      ignore_index=False)
    long["marker"] = [marks.get(c, {}).get(i, "hidden") if pd.isna(v) else ""
                      for i, c, v in zip(long.index, long["column"], long["people"])]
    long["measure"] = long["column"].map(MEASURES)
    sort = list(MEASURES.values())
    x = alt.X("grade:N", sort=order, title="grade (junior to senior)")
    offset = alt.XOffset("measure:N", sort=sort)
    colour = alt.Color("measure:N", title=None, legend=alt.Legend(orient="bottom"), sort=sort,
                       scale=alt.Scale(domain=sort, range=OKABE_ITO[:3]))
    bars = alt.Chart(long.dropna(subset=["people"])).mark_bar().encode(
        x=x, xOffset=offset, y=alt.Y("people:Q"), color=colour, tooltip=["grade", "measure", "people"])
    gaps = alt.Chart(long[long["marker"] != ""]).mark_text(angle=270, align="left", dx=-3, fontSize=10,
                                                           color="#555").encode(
        x=x, xOffset=offset, y=alt.datum(0), text="marker:N", tooltip=["grade", "measure", "marker"])
    hidden = "; grey labels mark counts not shown for privacy" + (f" (< {k}: fewer than {k} people)" if k else "")
    return alt.layer(bars, gaps).properties(
        width=WIDTH, title=alt.TitleParams("Supply and demand by grade under the eligibility bands",
                                           subtitle=[f"bars: people per grade{hidden}"]),
        description="Grouped bars per grade, junior to senior, of the eligible mentor places, the eligible mentees "
                    "and the sign-ups left out by the bands, with a label where a count is hidden for privacy.")


@says_when_empty('No power curve to draw.')
def pilot_power(curve: pd.DataFrame, effect_size: float, needed: int, available: int | None = None) -> alt.Chart:
    """Pairs to recruit against the expected effect; the design's choice marked, the pairs available as a line."""
    line = alt.Chart(curve).mark_line(point=True).encode(
        x=alt.X("effect_size:Q", title="expected change (Cohen's d)"),
        y=alt.Y("pairs_to_recruit:Q", title="pairs to recruit", scale=alt.Scale(type="log")),
        tooltip=["effect_size", "pairs_to_recruit"],
    )
    chosen = alt.Chart(pd.DataFrame({"effect_size": [effect_size], "pairs_to_recruit": [needed]})).mark_point(
        size=160, color=BAD, filled=True, shape="diamond").encode(x="effect_size:Q", y="pairs_to_recruit:Q",
                                                   tooltip=["effect_size", "pairs_to_recruit"])
    layers = [line, chosen]
    if available:
        layers.append(alt.Chart(pd.DataFrame({"available": [available]})).mark_rule(
            color=GOOD, strokeDash=[4, 4]).encode(y="available:Q"))
    return alt.layer(*layers).properties(
        width=WIDTH, height=260,
        title="Pairs needed to detect the change (diamond: this design; dashed: pairs available)",
        description="A line of the pairs to recruit against the expected effect size, falling as the effect grows, "
                    "with this design's choice marked and the pairs the sign-ups allow as a dashed line.")


READINESS = ["ok", "to improve", "blocker"]


@says_when_empty('No readiness answers yet.')
def readiness(items: pd.DataFrame) -> alt.LayerChart:
    """The readiness answers, one bar per question, by status: colour-blind-safe colours and a shape per status."""
    data = items.assign(points=items["answer"].map({"yes": 2, "partly": 1, "no": 0, "unknown": 0}).astype(float) + 0.15)
    colour, shape = status_scales(READINESS, ["good", "watch", "bad"])
    y = alt.Y("label:N", sort=list(items["label"]), title=None, axis=alt.Axis(labelLimit=320))
    x = alt.X("points:Q", title="no - partly - yes", scale=alt.Scale(domain=[0, 2.4]), axis=None)
    legend = alt.Legend(orient="bottom", title=None)
    tips = ["question", "answer", "status", "what to do"]
    bars = alt.Chart(data).mark_bar(opacity=0.85).encode(
        y=y, x=x, color=alt.Color("status:N", scale=colour, legend=legend), tooltip=tips)
    ends = alt.Chart(data).mark_point(filled=True, size=90, xOffset=8, stroke="black", strokeWidth=0.5).encode(
        y=y, x=x, color=alt.Color("status:N", scale=colour, legend=legend),
        shape=alt.Shape("status:N", scale=shape, legend=legend), tooltip=tips)
    return alt.layer(bars, ends).properties(
        width=WIDTH, height=180, title="Readiness to launch",
        description="One bar per readiness question, as long as its answer (no, partly, yes), with a colour and "
                    "shape per status: ok, to improve or blocker.")
