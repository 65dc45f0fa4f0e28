"""What every stage's charts share: the width, the palette, the programme timeline, a bar per category, and SVG.

Every chart carries a one-sentence Vega-Lite ``description`` (the alternative text of its image in a
report; a ``<title>``/``<desc>`` in its SVG). Statuses use the Okabe-Ito colour-blind-safe palette and a
second channel (a shape per status), so no reader depends on telling red from green.
"""
from __future__ import annotations

import functools
import html
from collections.abc import Callable
from datetime import date
from typing import Any, TypeVar

import altair as alt
import pandas as pd

WIDTH = 520
# Okabe & Ito (2008): distinguishable with every common colour-vision deficiency
OKABE_ITO = ["#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442", "#000000", "#999999"]
GOOD, WATCH, BAD, GREY, OTHER = "#009E73", "#E69F00", "#D55E00", "#999999", "#0072B2"
SHAPES = {"good": "circle", "watch": "triangle-up", "bad": "cross", "grey": "square", "other": "diamond"}
Make = TypeVar("Make", bound=Callable[..., Any])
FIT = alt.AutoSizeParams(type="fit-x", contains="padding")  # the width includes labels and legend


def nothing_to_draw(title: str, why: str) -> alt.Chart:
    """A one-line chart that says why there is nothing to draw, at a fixed small size."""
    return alt.Chart(pd.DataFrame({"why": [why]})).mark_text(align="left", baseline="middle", fontSize=13,
                                                                 color="#444").encode(
        x=alt.value(0), y=alt.value(20), text="why:N").properties(width=WIDTH, height=40, title=title or "",
                                                                  description=why)


def _rows_in(spec: Any) -> list[int]:
    """The number of rows of every data set in a Vega-Lite spec (named datasets and inline values)."""
    found: list[int] = []
    if isinstance(spec, dict):
        for key, value in spec.items():
            if key == "datasets" and isinstance(value, dict):
                found += [len(rows) for rows in value.values() if isinstance(rows, list)]
            elif key == "values" and isinstance(value, list):
                found.append(len(value))
            else:
                found += _rows_in(value)
    elif isinstance(spec, list):
        for item in spec:
            found += _rows_in(item)
    return found


def _title(spec: dict[str, Any]) -> str:
    title = spec.get("title", "")
    return str(title.get("text", "")) if isinstance(title, dict) else str(title)


def says_when_empty(why: str) -> Callable[[Make], Make]:
    """Decorate a chart function: with no rows to draw it returns ``nothing_to_draw`` with ``why``; a single or
    layered chart is fitted to ``WIDTH`` including its axis labels and legend.

    An empty chart is at best bare axes; at worst Vega sizes it without bound (an empty colour scale with an
    untitled bottom legend gives an SVG 1.8e308 px tall, which left 03_monitor scrolled into blank space).
    Fitting keeps every chart inside a notebook at 1,024 px with the file browser open (about 590 px):
    long labels used to push bars past the right edge. Every chart function of the package goes through this.
    """
    def wrap(make: Make) -> Make:
        @functools.wraps(make)
        def chart(*args: Any, **kwargs: Any) -> Any:
            made = make(*args, **kwargs)
            spec = made.to_dict(validate=False)
            rows = _rows_in(spec)
            if rows and not any(rows):
                return nothing_to_draw(_title(spec), why)
            faceted = any(k in spec.get("encoding", {}) for k in ("row", "column", "facet"))
            wide = isinstance(spec.get("width"), (int, float)) and spec["width"] >= WIDTH - 120
            if isinstance(made, (alt.Chart, alt.LayerChart)) and wide and not faceted:  # Vega fits these only
                made = made.properties(width=WIDTH, autosize=FIT)
            return made

        chart.says_when_empty = why  # type: ignore[attr-defined]
        return chart  # type: ignore[return-value]
    return wrap


def status_scales(domain: list[str], kinds: list[str]) -> tuple[alt.Scale, alt.Scale]:
    """Colour and shape scales for statuses; ``kinds`` says which of good/watch/bad/grey/other each one is."""
    colour = {"good": GOOD, "watch": WATCH, "bad": BAD, "grey": GREY, "other": OTHER}
    return (alt.Scale(domain=domain, range=[colour[k] for k in kinds]),
            alt.Scale(domain=domain, range=[SHAPES[k] for k in kinds]))


def date_order(plan: pd.DataFrame, label: str = "stage", start: str = "start") -> list[str]:
    """The labels of a plan in date order (earliest start first), for a time chart's category axis."""
    return list(dict.fromkeys(plan.sort_values(start, kind="stable")[label].astype(str)))


def timeline_bars(plan: pd.DataFrame, today: date | None = None) -> alt.Chart:
    """The communication plan as a Gantt chart, stages in date order, today marked when given (layerable)."""
    order = date_order(plan)
    bars = alt.Chart(plan).mark_bar(cornerRadius=3).encode(
        x=alt.X("start:T", title=None), x2="end:T",
        y=alt.Y("stage:N", sort=order, scale=alt.Scale(domain=order), title=None),
        color=alt.Color("audience:N", scale=alt.Scale(range=OKABE_ITO), legend=alt.Legend(orient="bottom", columns=2)),
        tooltip=["stage", "audience", "purpose", "start:T", "end:T"],
    ).properties(width=WIDTH, title="Programme timeline and communication plan",
                 description="A Gantt chart of the programme's stages in date order, one bar per stage from its start "
                             "to its end, coloured by the audience it addresses.")
    if today is None:
        return bars
    rule = alt.Chart(pd.DataFrame({"today": [pd.Timestamp(today)]})).mark_rule(color=BAD).encode(x="today:T")
    return (bars + rule).properties(description=bars.description)


@says_when_empty('No stages to draw: the plan is empty.')
def timeline(plan: pd.DataFrame, today: date | None = None) -> alt.Chart:
    """The communication plan as a Gantt chart, stages in date order, today marked when given."""
    return timeline_bars(plan, today)


@says_when_empty('Nothing to count yet.')
def counts(table: pd.DataFrame, category: str, value: str, title: str,
           description: str | None = None) -> alt.Chart | alt.LayerChart:
    """A horizontal bar per category (e.g. unmatched reasons, pair statuses), longest first.

    A count suppressed for privacy is a marked gap, never silently absent: its row carries the table's
    marker (``< 5`` or ``hidden``, from ``table.attrs["hidden"]``) in grey, below the shown bars.
    """
    marks = (table.attrs.get("hidden", {}) or {}).get(value, {})
    data = table.assign(marker=[marks.get(i, "hidden") if pd.isna(v) else ""
                                for i, v in zip(table.index, pd.to_numeric(table[value], errors="coerce"))])
    shown = data[data["marker"] == ""]
    order = list(dict.fromkeys([*shown.sort_values(value, ascending=False, kind="stable")[category].astype(str),
                                *data.loc[data["marker"] != "", category].astype(str)]))
    y = alt.Y(f"{category}:N", sort=order, title=None, axis=alt.Axis(labelLimit=240))
    bars = alt.Chart(shown).mark_bar(color=OTHER).encode(y=y, x=alt.X(f"{value}:Q", title=value),
                                                         tooltip=[category, value])
    text = description or f"A bar chart of the number of {value} for each {category}, longest first."
    if shown.shape[0] == data.shape[0]:
        return bars.properties(width=WIDTH, title=title, description=text)
    gaps = alt.Chart(data[data["marker"] != ""]).mark_text(align="left", dx=3, fontSize=10, color="#555").encode(
        y=y, x=alt.datum(0), text="marker:N", tooltip=[category, alt.Tooltip("marker:N", title=value)])
    return alt.layer(bars, gaps).properties(
        width=WIDTH, title=alt.TitleParams(title, subtitle=["grey labels mark counts not shown for privacy"]),
        description=text.rstrip(".") + ", with a grey label where a count is hidden for privacy.")


def with_description(svg: str, description: str) -> str:
    """The SVG with its description as ``<title>`` and ``<desc>`` (what assistive technology reads)."""
    if not description or "<desc>" in svg:
        return svg
    text = html.escape(description)
    head_end = svg.index(">", svg.index("<svg")) + 1
    root = svg[:head_end].replace("<svg ", '<svg role="img" ', 1)
    return f"{root}<title>{text}</title><desc>{text}</desc>{svg[head_end:]}"


def chart_svg(chart: alt.TopLevelMixin) -> str:
    """An altair chart as inline SVG markup, rendered offline by vl-convert (no Vega JavaScript needed)."""
    import vl_convert as vlc

    spec = chart.to_dict()
    return with_description(vlc.vegalite_to_svg(spec), str(spec.get("description", "")))
