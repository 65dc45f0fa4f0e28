"""Charts of the match stage: pair scores, fairness, the trade-off curve, unmatched reasons."""
from __future__ import annotations

import altair as alt
import pandas as pd

from revmentor_nb.report.charts.base import (  # noqa: F401
    BAD,
    OKABE_ITO,
    WIDTH,
    says_when_empty,
    timeline,
)

MIN_POINTS = 5  # distinct solutions a trade-off curve should show, or say why it cannot


@says_when_empty('No pairs to draw: the match made none.')
def score_distribution(pairs: pd.DataFrame) -> alt.Chart:
    """How good the matches are: the distribution of pair scores."""
    return alt.Chart(pairs).mark_bar().encode(
        x=alt.X("score:Q", bin=alt.Bin(maxbins=20), title="pair score"), y=alt.Y("count():Q", title="pairs"),
    ).properties(width=WIDTH, height=220, title="Score of each pair",
                 description="A histogram of the pairs' scores: how many pairs fall in each band of score.")


@says_when_empty('No groups to compare: none large enough to show (privacy threshold), or no pairs.')
def fairness(audit_long: pd.DataFrame, metric: str = "match_rate") -> alt.Chart:
    """One metric (match rate or mean fit) by group and role, one panel per dimension; suppressed groups left out."""
    data = audit_long[(audit_long["metric"] == metric) & ~audit_long["suppressed"].astype(bool)].dropna(subset=["value"])
    title = {"match_rate": "Match rate by group", "mean_fit": "Mean fit of matched people by group"}.get(metric, metric)
    return alt.Chart(data).mark_bar().encode(
        x=alt.X("value:Q", title=metric.replace("_", " ")), y=alt.Y("group:N", title=None),
        yOffset="role:N", color=alt.Color("role:N", scale=alt.Scale(range=OKABE_ITO), legend=alt.Legend(orient="bottom")),
        row=alt.Row("dimension:N", title=None, header=alt.Header(labelAngle=0, labelAlign="left")),
        tooltip=["dimension", "role", "group", alt.Tooltip("value:Q", format=".2f")],
    ).properties(width=WIDTH - 120, title=title,
                 description=f"Bars of the {metric.replace('_', ' ')} of each group, mentors and mentees side by side, "
                             "one panel per characteristic; groups under the privacy threshold are not drawn."
                 ).resolve_scale(y="independent")


@says_when_empty('No trade-off curve: no feasible points.')
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
        layers.append(alt.Chart(hit.head(1)).mark_point(size=220, color=BAD, strokeWidth=2).encode(
            x="pairs:Q", y="mean_fit:Q"))
    title = alt.TitleParams("Most pairs vs best fit (labels: most-pairs setting; circled: this run)")
    if len(data) < MIN_POINTS:
        tried = f"{len(curve)} settings from {curve['setting'].min():.2f} to {curve['setting'].max():.2f}" if len(curve) \
            else "no setting"
        why = (["every setting gives the same pairs: no pair is traded for a better fit,",
                "so the choice of setting does not matter for these sign-ups."] if len(data) == 1 else
               [f"only {len(data)} different solutions: the settings within a labelled range",
                "give the same pairs."] if len(data) else ["the curve has no solution to show."])
        title = alt.TitleParams("Most pairs vs best fit", subtitle=[f"{tried}:", *why])
    return alt.layer(*layers).properties(
        width=WIDTH - 120, height=240, title=title,
        description="A line of pairs matched against the mean fit of a pair, one point per distinct solution across "
                    "the most-pairs setting, with this run's setting circled.")


@says_when_empty('Nobody was left unmatched.')
def unmatched_reasons(unmatched: pd.DataFrame) -> alt.Chart:
    """Unmatched people by cause, split by the side they signed up for."""
    table = unmatched.groupby(["cause", "role"]).size().reset_index(name="people") if len(unmatched) else \
        pd.DataFrame({"cause": [], "role": [], "people": []})
    return alt.Chart(table).mark_bar().encode(
        y=alt.Y("cause:N", sort="-x", title=None, axis=alt.Axis(labelLimit=300)),
        x=alt.X("sum(people):Q", title="people"),
        color=alt.Color("role:N", scale=alt.Scale(range=OKABE_ITO), legend=alt.Legend(orient="bottom")),
        tooltip=["cause", "role", "people"],
    ).properties(width=WIDTH - 120, title="Unmatched people by reason",
                 description="Stacked bars of the people left unmatched for each reason, split by the side they "
                             "signed up for, most common reason first.")


@says_when_empty('No groups to audit: none large enough to show (privacy threshold), or no pairs.')
def fairness_audit(audit_long: pd.DataFrame) -> alt.Chart:
    """The fairness audit on one screen: match rate and mean fit by group and role; groups under k are not drawn."""
    shown = audit_long[~audit_long["suppressed"].astype(bool)].dropna(subset=["value"])
    shown = shown[shown["metric"].isin(["match_rate", "mean_fit"])]
    data = shown.assign(label=shown["dimension"].astype(str).str.replace("_", " ") + ": " + shown["group"].astype(str),
                        measure=shown["metric"].map({"match_rate": "match rate", "mean_fit": "mean fit"}))
    order = list(dict.fromkeys(data.sort_values(["dimension", "group"], kind="stable")["label"]))
    return alt.Chart(data).mark_point(filled=True, size=70).encode(
        x=alt.X("value:Q", title=None, scale=alt.Scale(zero=False)),
        y=alt.Y("label:N", sort=order, title=None, axis=alt.Axis(labelLimit=180)),
        color=alt.Color("role:N", scale=alt.Scale(range=OKABE_ITO), legend=alt.Legend(orient="bottom", title=None)),
        shape=alt.Shape("role:N", legend=None),
        column=alt.Column("measure:N", title=None, sort=["match rate", "mean fit"]),
        tooltip=["dimension", "group", "role", "measure", alt.Tooltip("value:Q", format=".2f")],
    ).properties(width=180, title="Fairness audit: match rate and mean fit by group (groups under k not shown)",
                 description="Dots of the match rate and the mean fit of each group, mentors and mentees by colour and "
                             "shape, one panel per measure; groups under the privacy threshold are not drawn."
                 ).resolve_scale(x="independent")
