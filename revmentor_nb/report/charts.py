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


# --------------------------------------------------------------------------- evaluation (issue 7)


def change_estimates(table: pd.DataFrame) -> alt.Chart:
    """Mean change before -> after with its 95% CI, one row per measure and group (suppressed rows left out)."""
    data = table.dropna(subset=["mean_change", "change_low", "change_high"]).assign(
        row=lambda f: f["label"] + " · " + f["group"])
    base = alt.Chart(data).encode(y=alt.Y("row:N", title=None, axis=alt.Axis(labelLimit=380)))
    bars = base.mark_rule(strokeWidth=2).encode(
        x=alt.X("change_low:Q", title="mean change (after - before), 95% CI", axis=alt.Axis(tickCount=6, format="+.2f")),
        x2="change_high:Q")
    points = base.mark_point(filled=True, size=80).encode(
        x="mean_change:Q", tooltip=["label:N", "group:N", alt.Tooltip("mean_change:Q", format="+.2f"), "n_paired:Q"])
    zero = alt.Chart(pd.DataFrame({"x": [0.0]})).mark_rule(color="grey", strokeDash=[4, 4]).encode(x="x:Q")
    return (bars + points + zero).properties(width=WIDTH, title="Change from before to after (dot: mean; line: 95% CI)")


def measure_before_after(means: pd.DataFrame, title: str) -> alt.Chart:
    """One measure's mean before and after with 95% CIs, one colour per group (aggregate means only)."""
    data = means.dropna(subset=["mean"])
    base = alt.Chart(data).encode(
        x=alt.X("stage:N", sort=["pre", "post"], title=None),
        color=alt.Color("group:N", legend=alt.Legend(orient="bottom", title=None)),
        xOffset=alt.XOffset("group:N"))
    points = base.mark_point(filled=True, size=90).encode(
        y=alt.Y("mean:Q", title="mean score", scale=alt.Scale(zero=False)),
        tooltip=["group:N", "stage:N", "n:Q", alt.Tooltip("mean:Q", format=".2f")])
    ci = base.mark_rule(strokeWidth=2).encode(y="mean_low:Q", y2="mean_high:Q")
    return (ci + points).properties(width=320, height=240, title=title)


def retention_curves(curves: pd.DataFrame) -> alt.Chart:
    """Kaplan-Meier retention by month since the start, participants vs comparison, 95% CI band, one panel per side."""
    data = curves.assign(pct=curves["survival"] * 100, low_pct=curves["low"].fillna(curves["survival"]) * 100,
                         high_pct=curves["high"].fillna(curves["survival"]) * 100,
                         line=curves["group"].str.startswith("comparison").map({True: "comparison group",
                                                                                 False: "participants"}))
    base = alt.Chart(data).encode(x=alt.X("month:Q", title="months since the programme started"),
                                  color=alt.Color("line:N", title=None, legend=alt.Legend(orient="bottom")))
    band = base.mark_area(opacity=0.15, interpolate="step-after").encode(y="low_pct:Q", y2="high_pct:Q")
    line = base.mark_line(interpolate="step-after").encode(
        y=alt.Y("pct:Q", title="still employed (%)", scale=alt.Scale(zero=False)),
        tooltip=["group:N", "month:Q", alt.Tooltip("pct:Q", format=".1f"), "at_risk:Q"])
    return alt.layer(band, line).properties(width=260, height=220).facet(
        column=alt.Column("who:N", title=None)).properties(title="Retention since the start (Kaplan-Meier, 95% CI)")


def dose_response(bins: pd.DataFrame, line: pd.DataFrame, title: str) -> alt.Chart:
    """Mean change by meetings held (bands, 95% CI) with the fitted line and its 95% CI band."""
    order = list(bins["meetings"])
    shown = bins.dropna(subset=["mean_change"])
    bars = alt.Chart(shown).mark_point(filled=True, size=90).encode(
        x=alt.X("meetings:N", sort=order, title="meetings held"), y=alt.Y("mean_change:Q", title="mean change"),
        tooltip=["meetings:N", "n:Q", alt.Tooltip("mean_change:Q", format="+.2f")])
    ci = alt.Chart(shown).mark_rule(strokeWidth=2).encode(x=alt.X("meetings:N", sort=order), y="low:Q", y2="high:Q")
    left = (ci + bars).properties(width=240, height=220, title="by band of meetings held")
    fit = alt.Chart(line).encode(x=alt.X("meetings:Q", title="meetings held"))
    right = (fit.mark_area(opacity=0.2).encode(y=alt.Y("low:Q", title="fitted change"), y2="high:Q")
             + fit.mark_line().encode(y="fit:Q")).properties(width=240, height=220, title="fitted line, 95% CI")
    return alt.hconcat(left, right).properties(title=title)


def kpi_rates(kpis: pd.DataFrame) -> alt.Chart:
    """Each KPI's rate for participants and their comparison group (suppressed or unobservable rows left out)."""
    rows = kpis.dropna(subset=["rate"]).assign(kpi_label=lambda f: f["measure"] + " " + f["months"].astype(str) + "m · "
                                               + f["who"])
    long = pd.concat([rows.assign(group="participants", value=rows["rate"]),
                      rows.assign(group="comparison group", value=rows["rate_comparison"])]).dropna(subset=["value"])
    return alt.Chart(long).mark_bar().encode(
        y=alt.Y("kpi_label:N", title=None, axis=alt.Axis(labelLimit=320)), x=alt.X("value:Q", title="%"),
        yOffset="group:N", color=alt.Color("group:N", title=None, legend=alt.Legend(orient="bottom")),
        tooltip=["kpi_label:N", "group:N", alt.Tooltip("value:Q", format=".1f")],
    ).properties(width=WIDTH, title="Roster KPIs: participants vs comparison group")


def tradeoff_curve(curve: pd.DataFrame, current: float | None = None) -> alt.LayerChart:
    """Most pairs vs best fit: pairs matched against mean fit across the most-pairs setting, this run's setting marked.

    Settings that give the same solution share one point, labelled with their range.
    """
    data = curve.assign(fit_key=curve["mean_fit"].round(6)).groupby(["pairs", "fit_key"], as_index=False).agg(
        mean_fit=("mean_fit", "first"), total_fit=("total_fit", "first"), low=("setting", "min"),
        high=("setting", "max")).sort_values("low")
    data["settings"] = [f"{lo:.2f}" if lo == hi else f"{lo:.2f}–{hi:.2f}" for lo, hi in zip(data["low"], data["high"])]
    base = alt.Chart(data).encode(
        x=alt.X("pairs:Q", title="pairs matched", scale=alt.Scale(zero=False, padding=20)),
        y=alt.Y("mean_fit:Q", title="mean fit of a pair", scale=alt.Scale(zero=False, padding=20)),
        tooltip=[alt.Tooltip("settings:N", title="most-pairs setting"), "pairs",
                 alt.Tooltip("mean_fit:Q", format=".3f"), alt.Tooltip("total_fit:Q", format=".2f")],
    )
    layers = [base.mark_line(point=True), base.mark_text(dx=6, dy=-10, fontSize=10, align="left").encode(
        text="settings:N")]
    if current is not None and len(data):
        hit = data[(data["low"] <= current + 1e-9) & (data["high"] >= current - 1e-9)]
        layers.append(alt.Chart(hit.head(1)).mark_point(size=220, color="red", strokeWidth=2).encode(
            x="pairs:Q", y="mean_fit:Q"))
    title = "Most pairs vs best fit (labels: most-pairs setting; red circle: this run)"
    if len(data) == 1:
        title = "Most pairs vs best fit: every setting gives the same pairs here"
    return alt.layer(*layers).properties(width=WIDTH - 120, height=240, title=title)


def unmatched_reasons(unmatched: pd.DataFrame) -> alt.Chart:
    """Unmatched people by cause, split by the side they signed up for."""
    table = unmatched.groupby(["cause", "role"]).size().reset_index(name="people") if len(unmatched) else \
        pd.DataFrame({"cause": [], "role": [], "people": []})
    return alt.Chart(table).mark_bar().encode(
        y=alt.Y("cause:N", sort="-x", title=None, axis=alt.Axis(labelLimit=300)),
        x=alt.X("sum(people):Q", title="people"),
        color=alt.Color("role:N", legend=alt.Legend(orient="bottom")),
        tooltip=["cause", "role", "people"],
    ).properties(width=WIDTH - 120, title="Unmatched people by reason")


def fairness_audit(audit_long: pd.DataFrame) -> alt.Chart:
    """The fairness audit on one screen: match rate and mean fit by group and role; groups under k are not drawn."""
    shown = audit_long[~audit_long["suppressed"].astype(bool)].dropna(subset=["value"])
    shown = shown[shown["metric"].isin(["match_rate", "mean_fit"])]
    data = shown.assign(label=shown["dimension"].astype(str).str.replace("_", " ") + ": " + shown["group"].astype(str),
                        measure=shown["metric"].map({"match_rate": "match rate", "mean_fit": "mean fit"}))
    order = list(dict.fromkeys(data.sort_values(["dimension", "group"], kind="stable")["label"]))
    return alt.Chart(data).mark_point(filled=True, size=70).encode(
        x=alt.X("value:Q", title=None, scale=alt.Scale(zero=False)),
        y=alt.Y("label:N", sort=order, title=None, axis=alt.Axis(labelLimit=220)),
        color=alt.Color("role:N", legend=alt.Legend(orient="bottom", title=None)),
        shape=alt.Shape("role:N", legend=None),
        column=alt.Column("measure:N", title=None, sort=["match rate", "mean fit"]),
        tooltip=["dimension", "group", "role", "measure", alt.Tooltip("value:Q", format=".2f")],
    ).properties(width=200, title="Fairness audit: match rate and mean fit by group (groups under k not shown)"
                 ).resolve_scale(x="independent")


# --------------------------------------------------------------------------- monitoring (issue 6)
# The monitor charts live in monitor_charts (imported last: it builds on timeline and WIDTH above).
from .monitor_charts import pair_meetings, programme_timeline, satisfaction_by_stage, status_over_time  # noqa: E402,F401
