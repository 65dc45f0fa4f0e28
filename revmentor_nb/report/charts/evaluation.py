"""Charts of the evaluation stage: before/after, change estimates, retention curves, dose-response, KPIs."""
from __future__ import annotations

import altair as alt
import pandas as pd

from revmentor_nb.report.charts.base import OKABE_ITO, WIDTH, says_when_empty, timeline  # noqa: F401


def _span(*columns: pd.Series, pad: float = 0.08, include: float | None = None) -> list[float]:
    """A scale domain holding every value of the columns (whiskers included) with a margin, so nothing is clipped."""
    values = pd.concat([pd.to_numeric(c, errors="coerce") for c in columns]).dropna()
    if include is not None:
        values = pd.concat([values, pd.Series([include])])
    if values.empty:
        return [0.0, 1.0]
    lo, hi = float(values.min()), float(values.max())
    margin = (hi - lo) * pad or max(abs(hi), 1.0) * pad
    return [lo - margin, hi + margin]


@says_when_empty('No before and after scores yet (or every group is under the privacy threshold).')
def before_after(means: pd.DataFrame) -> alt.Chart:
    """Mean score before and after, per instrument."""
    return alt.Chart(means).mark_bar().encode(
        x=alt.X("stage:N", sort=["pre", "post"], title=None), y=alt.Y("mean:Q", title="mean score"),
        color=alt.Color("stage:N", sort=["pre", "post"], legend=None), column=alt.Column("instrument:N", title=None),
        tooltip=["instrument", "stage", "mean", "n"],
    ).properties(width=160, title="Before and after",
                 description="Bars of the mean score before and after the programme, one panel per instrument.")


@says_when_empty('No changes to estimate yet: no one has both a before and an after score.')
def change_estimates(table: pd.DataFrame) -> alt.Chart:
    """Mean change before -> after with its 95% CI, one row per measure and group (suppressed rows left out)."""
    data = table.dropna(subset=["mean_change", "change_low", "change_high"]).assign(
        row=lambda f: f["label"] + " · " + f["group"])
    base = alt.Chart(data).encode(y=alt.Y("row:N", title=None, axis=alt.Axis(labelLimit=380)))
    domain = _span(data["change_low"], data["change_high"], data["mean_change"], include=0.0)
    bars = base.mark_rule(strokeWidth=2).encode(
        x=alt.X("change_low:Q", title="mean change (after - before), 95% CI", axis=alt.Axis(tickCount=6, format="+.2f"),
                scale=alt.Scale(domain=domain, nice=False)),
        x2="change_high:Q")
    points = base.mark_point(filled=True, size=80).encode(
        x="mean_change:Q", tooltip=["label:N", "group:N", alt.Tooltip("mean_change:Q", format="+.2f"), "n_paired:Q"])
    zero = alt.Chart(pd.DataFrame({"x": [0.0]})).mark_rule(color="grey", strokeDash=[4, 4]).encode(x="x:Q")
    return (bars + points + zero).properties(
        width=WIDTH, title="Change from before to after (dot: mean; line: 95% CI)",
        description="Dots of the mean change from before to after for each measure and group, with a line for its "
                    "95% confidence interval and a dashed line at no change.")


@says_when_empty('No before and after scores yet for this measure.')
def measure_before_after(means: pd.DataFrame, title: str) -> alt.Chart:
    """One measure's mean before and after with 95% CIs, one colour and shape per group (aggregate means only).

    One legend: colour and shape name the same groups, so the dots' layer draws one legend for both; the
    whiskers take the same colours through the stroke channel, which has no legend (a colour encoding on
    both layers would make Vega-Lite draw a colour legend beside the shape legend).
    """
    data = means.dropna(subset=["mean"])
    legend = alt.Legend(orient="bottom", title=None)
    color = alt.Color("group:N", scale=alt.Scale(range=OKABE_ITO), legend=legend)
    base = alt.Chart(data).encode(x=alt.X("stage:N", sort=["pre", "post"], title=None), xOffset=alt.XOffset("group:N"))
    domain = _span(data["mean"], data.get("mean_low", data["mean"]), data.get("mean_high", data["mean"]))
    points = base.mark_point(filled=True, size=90).encode(
        color=color, shape=alt.Shape("group:N", legend=legend),
        y=alt.Y("mean:Q", title="mean score", scale=alt.Scale(domain=domain, zero=False, nice=False)),
        tooltip=["group:N", "stage:N", "n:Q", alt.Tooltip("mean:Q", format=".2f")])
    ci = base.mark_rule(strokeWidth=2).encode(stroke=alt.Stroke("group:N", scale=alt.Scale(range=OKABE_ITO), legend=None),
                                              y="mean_low:Q", y2="mean_high:Q")
    return (points + ci).properties(width=320, height=240, title=title,
                                    description="Dots of one measure's mean before and after per group, each with "
                                                "its 95% confidence interval as a vertical line.")


@says_when_empty('No retention data to draw yet.')
def retention_curves(curves: pd.DataFrame) -> alt.Chart:
    """Kaplan-Meier retention by month since the start, participants vs comparison, 95% CI band, one panel per side."""
    data = curves.assign(pct=curves["survival"] * 100, low_pct=curves["low"].fillna(curves["survival"]) * 100,
                         high_pct=curves["high"].fillna(curves["survival"]) * 100,
                         line=curves["group"].str.startswith("comparison").map({True: "comparison group",
                                                                                 False: "participants"}))
    base = alt.Chart(data).encode(x=alt.X("month:Q", title="months since the programme started"),
                                  color=alt.Color("line:N", title=None, scale=alt.Scale(range=OKABE_ITO),
                                                  legend=alt.Legend(orient="bottom")))
    band = base.mark_area(opacity=0.15, interpolate="step-after").encode(y="low_pct:Q", y2="high_pct:Q")
    line = base.mark_line(interpolate="step-after").encode(
        y=alt.Y("pct:Q", title="still employed (%)", scale=alt.Scale(zero=False)),
        tooltip=["group:N", "month:Q", alt.Tooltip("pct:Q", format=".1f"), "at_risk:Q"])
    return alt.layer(band, line).properties(width=240, height=220).facet(
        column=alt.Column("who:N", title=None)).properties(
        title="Retention since the start (Kaplan-Meier, 95% CI)",
        description="Step lines of the share still employed by month since the programme started, participants "
                    "against their comparison group with 95% confidence bands, one panel per side.")


@says_when_empty('No one has both meetings and a change in this measure yet.')
def dose_response(bins: pd.DataFrame, line: pd.DataFrame, title: str) -> alt.Chart:
    """Mean change by meetings held (bands, 95% CI) with the fitted line and its 95% CI band."""
    order = list(bins["meetings"])
    shown = bins.dropna(subset=["mean_change"])
    bars = alt.Chart(shown).mark_point(filled=True, size=90).encode(
        x=alt.X("meetings:N", sort=order, title="meetings held"), y=alt.Y("mean_change:Q", title="mean change"),
        tooltip=["meetings:N", "n:Q", alt.Tooltip("mean_change:Q", format="+.2f")])
    domain = _span(shown["mean_change"], shown["low"], shown["high"], include=0.0)
    bars = bars.encode(y=alt.Y("mean_change:Q", title="mean change", scale=alt.Scale(domain=domain, nice=False)))
    ci = alt.Chart(shown).mark_rule(strokeWidth=2).encode(x=alt.X("meetings:N", sort=order), y="low:Q", y2="high:Q")
    left = (ci + bars).properties(width=220, height=220, title="by band of meetings held")
    fit = alt.Chart(line).encode(x=alt.X("meetings:Q", title="meetings held"))
    right = (fit.mark_area(opacity=0.2).encode(y=alt.Y("low:Q", title="fitted change"), y2="high:Q")
             + fit.mark_line().encode(y="fit:Q")).properties(width=220, height=220, title="fitted line, 95% CI")
    return alt.hconcat(left, right).properties(
        title=title, description="Left: dots of the mean change per band of meetings held with 95% confidence "
                                 "intervals; right: the fitted change per meeting with its 95% confidence band.")


@says_when_empty('No outcome rates yet (or every group is under the privacy threshold).')
def kpi_rates(kpis: pd.DataFrame) -> alt.Chart:
    """Each KPI's rate for participants and their comparison group (suppressed or unobservable rows left out)."""
    rows = kpis.dropna(subset=["rate"]).assign(kpi_label=lambda f: f["measure"] + " " + f["months"].astype(str) + "m · "
                                               + f["who"])
    long = pd.concat([rows.assign(group="participants", value=rows["rate"]),
                      rows.assign(group="comparison group", value=rows["rate_comparison"])]).dropna(subset=["value"])
    return alt.Chart(long).mark_bar().encode(
        y=alt.Y("kpi_label:N", title=None, axis=alt.Axis(labelLimit=320)), x=alt.X("value:Q", title="%"),
        yOffset="group:N", color=alt.Color("group:N", title=None, scale=alt.Scale(range=OKABE_ITO),
                                           legend=alt.Legend(orient="bottom")),
        tooltip=["kpi_label:N", "group:N", alt.Tooltip("value:Q", format=".1f")],
    ).properties(width=WIDTH, title="Roster KPIs: participants vs comparison group",
                 description="Bars of each roster KPI's rate in percent for the participants and their comparison "
                             "group side by side.")
