"""The evaluation dashboard: pick a measure, a group and a comparison; the tables and charts follow.

A thin ipywidgets view over the core: the measure and group pickers re-run
``evaluation_view.breakdown`` (``level_breakdown`` for measures taken after only) and
``prepost.stage_means`` for the chart; the comparison picker re-runs ``evaluation.with_comparison``.
Everything shown is the suppressed, aggregate view a report would show. Charts are drawn to SVG in
Python (vl-convert), so they need no network.
"""
from __future__ import annotations

import html
from typing import Any

import ipywidgets as w
import pandas as pd

from revmentor_nb.evaluation import report_tables as view
from revmentor_nb.evaluation.comparison import RULES
from revmentor_nb.evaluation.evaluate import (
    Evaluation,
    EvaluationInputs,
    with_comparison,
)
from revmentor_nb.evaluation.prepost import stage_means
from revmentor_nb.report import charts
from revmentor_nb.report.charts.base import chart_svg
from revmentor_nb.report.tables import table_html

_CSS = """<style>
.rm-eval-dashboard .rm-table {border-collapse: collapse; font-size: 90%;}
.rm-eval-dashboard .rm-table td, .rm-eval-dashboard .rm-table th {padding: 2px 8px; text-align: left;}
.rm-eval-dashboard h4 {margin: 10px 0 2px 0;}
</style>"""
GROUPS = [("mentees", "mentees"), ("mentors", "mentors"), ("mentees by department", "mentees|department"),
          ("mentors by department", "mentors|department"), ("mentees by grade", "mentees|grade"),
          ("mentors by grade", "mentors|grade")]


class EvaluationDashboard(w.VBox):
    """Measure, group and comparison pickers over one evaluation; ``on_change`` re-runs the core and redraws."""

    def __init__(self, ev: Evaluation, inputs: EvaluationInputs | None = None) -> None:
        self.ev, self.inputs = ev, inputs
        measures = ev.measures()
        self.measure = w.Dropdown(description="Measure", layout=w.Layout(width="520px"),
                                  options=[(self._measure_label(m), f"{m[0]}|{m[1]}") for m in measures])
        self.group = w.Dropdown(description="Group", options=GROUPS, value="mentees")
        self.comparison = w.Dropdown(description="Comparison", options=list(RULES), value=ev.comparison_rule,
                                     layout=w.Layout(width="420px"), disabled=inputs is None)
        for widget, css in ((self.measure, "rm-eval-measure"), (self.group, "rm-eval-group"),
                            (self.comparison, "rm-eval-comparison")):
            widget.add_class(css)
            widget.style.description_width = "90px"
        self.title = w.HTML().add_class("rm-eval-title")
        self.chart = w.HTML().add_class("rm-eval-chart")
        self.table = w.HTML().add_class("rm-eval-table")
        self.kpi_chart = w.HTML().add_class("rm-eval-km")
        self.kpi_table = w.HTML().add_class("rm-eval-kpis")
        self.status = w.HTML().add_class("rm-eval-status")
        self.measure.observe(self.on_change, names="value")
        self.group.observe(self.on_change, names="value")
        self.comparison.observe(self.on_comparison, names="value")
        super().__init__([
            w.HTML(_CSS + "<h3>Evaluation dashboard</h3><div><em>aggregate figures only; groups under "
                   f"{ev.k} people are suppressed</em></div>"),
            w.HBox([self.measure, self.group], layout=w.Layout(flex_flow="row wrap")), self.title, self.chart, self.table,
            w.HTML("<h4>Retention and promotion against a comparison group</h4>"), self.comparison,
            self.kpi_chart, self.kpi_table, self.status,
        ])
        self.add_class("rm-eval-dashboard")
        self.on_change()
        self.on_comparison()

    def _measure_label(self, m: tuple[str, str]) -> str:
        """The readable name of an (instrument, scale) pair."""
        inst = self.ev.instruments.get(m[0])
        if inst is None:
            return m[0]
        return inst.name if m[1] == "total" else f"{inst.name}: {inst.label(m[1])}"

    def selection(self) -> tuple[str, str, str, str | None]:
        """(instrument, scale, side, breakdown column or None) as picked."""
        instrument, scale = (self.measure.value or "|").split("|", 1)
        who, _, by = str(self.group.value).partition("|")
        return instrument, scale, who, by or None

    def on_change(self, _: Any = None) -> None:
        """Re-run the breakdown for the picked measure and group; redraw the chart and table."""
        instrument, scale, who, by = self.selection()
        if not instrument:
            self.title.value = "<p>No assessments to show.</p>"
            return
        label = self._measure_label((instrument, scale))
        try:
            self._draw(instrument, scale, who, by, label)
        finally:  # the title last: when it names the new selection, the table and chart below are its own
            self.title.value = f"<h4>{html.escape(label)} — {html.escape(self.group.label)}</h4>"

    def _draw(self, instrument: str, scale: str, who: str, by: str | None, label: str) -> None:
        """The table and chart of one selection (a sentence instead when it has no responses)."""
        table = view.breakdown(self.ev, instrument, scale, who, by)
        if table.empty or not (table["n_pre"].isna() | table["n_pre"].gt(0)).any():  # measured after only: levels
            table = view.level_breakdown(self.ev, instrument, scale, who, by)
            report = view.levels_report(table) if not table.empty else pd.DataFrame()
        else:
            report = view.change_report(table)
        if report.empty:  # e.g. a measure only mentees answer, picked for mentors: say so, draw nothing
            self.table.value = (f"<p class='rm-eval-empty'>No {html.escape(label)} responses from "
                                f"{html.escape(self.group.label)}: the measure was not given to them, or nobody has "
                                "answered yet. Pick another measure or group.</p>")
            self.chart.value = ""
            return
        self.table.value = table_html(report)
        groups = view.split_groups(self.ev, who, by)
        shown = set(table.loc[~table["suppressed"], "group"]) if "suppressed" in table else set()
        scores = self.ev.scores[(self.ev.scores["instrument"] == instrument) & (self.ev.scores["scale"] == scale)]
        means = stage_means(scores, {g: v for g, v in groups.items() if g in shown}, self.ev.instruments)
        means = means[(means["n"] >= self.ev.k) & means["mean"].notna()] if len(means) else means
        if means.empty:
            self.chart.value = (f"<p class='rm-eval-empty'>Nothing to draw: every group here has fewer than "
                                f"{self.ev.k} people with responses, so its figures are suppressed.</p>")
            return
        self.chart.value = chart_svg(charts.measure_before_after(means, "Mean before and after (95% CI)"))

    def on_comparison(self, _: Any = None) -> None:
        """Re-run the roster KPIs under the picked comparison rule; redraw the retention chart and KPI table."""
        if self.inputs is not None and self.comparison.value != self.ev.comparison_rule:
            self.status.value = "<em>re-running the comparison ...</em>"
            self.ev = with_comparison(self.ev, self.inputs, self.comparison.value)
        kpis = view.safe_kpis(self.ev)
        self.kpi_table.value = table_html(view.kpi_report(kpis))
        curves = view.safe_curves(self.ev)
        self.kpi_chart.value = chart_svg(charts.retention_curves(curves)) if not curves.empty else \
            "<p>No retention curve to show (no roster, or groups under k).</p>"
        self.status.value = f"<em>comparison: {html.escape(self.ev.comparison_rule)}</em>"
