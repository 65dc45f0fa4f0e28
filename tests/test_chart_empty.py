"""Charts with nothing to draw say why, at a small fixed size (an empty chart once made an SVG 1.8e308 px tall)."""
from __future__ import annotations

import importlib
import inspect
import re

import altair as alt
import pandas as pd

from revmentor_nb.report.charts import _EXPORTS
from revmentor_nb.report.charts.base import chart_svg, says_when_empty

HELPERS = {"chart_svg", "with_description", "status_scales", "date_order"}  # not charts: no guard needed


def _size(svg: str) -> tuple[float, float]:
    width, height = re.search(r'<svg[^>]*width="([^"]+)" height="([^"]+)"', svg).groups()
    return float(width), float(height)


def test_every_chart_function_says_when_it_has_nothing_to_draw():
    charts = {name: getattr(importlib.import_module(module), name) for name, module in _EXPORTS.items()}
    functions = {n: f for n, f in charts.items() if inspect.isfunction(f) and n not in HELPERS}
    assert len(functions) >= 20
    unguarded = [n for n, f in functions.items() if not getattr(f, "says_when_empty", "")]
    assert unguarded == [], f"chart functions without @says_when_empty: {unguarded}"


def test_empty_check_in_chart_is_a_short_sentence_not_an_endless_svg():
    from revmentor_nb.report.charts.monitor import satisfaction_by_stage

    empty = pd.DataFrame({"stage": [], "side": [], "satisfaction": [], "rated": [], "response_rate": [],
                          "suppressed": []})
    svg = chart_svg(satisfaction_by_stage(empty))
    width, height = _size(svg)
    assert width < 1000 and height < 200
    assert "No check-in satisfaction to show yet" in svg and "Check-in satisfaction by stage" in svg
    one = pd.DataFrame({"stage": ["kickoff"], "side": ["mentor"], "satisfaction": [4.0], "rated": [6],
                        "response_rate": [0.5], "suppressed": [False]})
    drawn = satisfaction_by_stage(one).to_dict()
    assert drawn["mark"]["type"] == "bar" and "No check-in" not in str(drawn)


def test_the_guard_keeps_a_chart_with_rows_and_replaces_one_without():
    @says_when_empty("Nothing here yet.")
    def bars(frame: pd.DataFrame) -> alt.Chart:
        return alt.Chart(frame).mark_bar().encode(x="a:N", y="b:Q", color=alt.Color(
            "a:N", title=None, scale=alt.Scale(range=["#0072B2", "#E69F00"]), legend=alt.Legend(orient="bottom"))).properties(
            title="Bars")

    raw = bars.__wrapped__(pd.DataFrame({"a": [], "b": []}))
    assert _size(chart_svg(raw))[1] > 1e300  # the Vega behaviour the guard exists for (untitled bottom legend)
    said = chart_svg(bars(pd.DataFrame({"a": [], "b": []})))
    assert "Nothing here yet." in said and _size(said)[1] < 200
    assert bars(pd.DataFrame({"a": ["x"], "b": [1]})).to_dict()["mark"]["type"] == "bar"
