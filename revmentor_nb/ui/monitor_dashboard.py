"""The monitor dashboard: a thin ipywidgets view over ``monitoring_rules.assess`` and ``due.nudges``.

Every control has a plain-Python equivalent: a threshold box is ``edit_rules`` then ``assess``,
the filters select rows of ``assess``'s table, Save rules is ``save_rules`` and Export is
``export.write_csv(private_nudges(...))``. The dashboard holds no rules of its own: it re-runs the
core on the data prepared once, so a threshold change re-judges every pair without re-importing.
Check-in comments never reach it; ids are pseudonymous unless names are asked for.
"""
from __future__ import annotations

import html
from datetime import date
from pathlib import Path

import ipywidgets as w
import pandas as pd
from pydantic import ValidationError

from revmentor_nb.design.program import MonitoringRules
from revmentor_nb.io.export import write_csv
from revmentor_nb.monitoring.activity import STATUSES, MonitorData
from revmentor_nb.monitoring.nudges import nudge_summary, nudges, private_nudges
from revmentor_nb.monitoring.status import assess, edit_rules, save_rules, status_counts
from revmentor_nb.privacy.pseudonyms import pseudonym
from revmentor_nb.report.tables import table_html
from revmentor_nb.workspace.workspace import Workspace

_STYLE = {"description_width": "240px"}
_WIDE = w.Layout(width="370px")
_CSS = """<style>
.rm-monitor-dashboard h3 {margin: 12px 0 4px 0;}
.rm-counts {display: flex; gap: 10px;}
.rm-count-box {border: 1px solid #ccc; border-radius: 6px; padding: 4px 10px; text-align: center; min-width: 90px;}
.rm-count {font-size: 150%; font-weight: bold; display: block;}
.rm-monitor-dashboard table {border-collapse: collapse; font-size: 90%;}
.rm-monitor-dashboard td, .rm-monitor-dashboard th {padding: 2px 8px; text-align: left; border-bottom: 1px solid #eee;}
.rm-monitor-dashboard td:nth-child(-n+2), .rm-nudges td:last-child {white-space: nowrap;}
.rm-error {color: #b00020;}
</style>"""
# (rule setting, label, widget class, minimum, maximum, step)
_CONTROLS: tuple[tuple[str, str, type, float, float, float], ...] = (
    ("gap_factor", "no meeting for more than (x cadence)", w.BoundedFloatText, 1.0, 5.0, 0.1),
    ("low_satisfaction", "latest satisfaction at or below", w.BoundedIntText, 1, 4, 1),
    ("behind_by", "meetings behind the cadence", w.BoundedIntText, 1, 12, 1),
    ("kickoff_weeks", "no kickoff meeting after (weeks)", w.BoundedIntText, 1, 12, 1),
    ("response_days", "days to answer a check-in", w.BoundedIntText, 7, 90, 1),
)
# why a pair has its status sits beside the status: at 1,024 px the columns after it need a scroll
_PAIR_COLUMNS = ["mentor", "mentee", "status", "reason", "held", "expected", "days since last", "trend",
                 "mentor logged"]
MAX_ROWS = 60


def slug(text: str) -> str:
    """A status as a CSS class suffix: 'needs a check-in' -> 'needs-a-check-in'."""
    return "".join(ch if ch.isalnum() else "-" for ch in text.lower()).strip("-")


class MonitorDashboard(w.VBox):
    """Pairs' statuses as of a date under editable rules, with filters, the nudge list and its CSV export."""

    def __init__(self, data: MonitorData, rules: MonitoringRules, as_of: date, *, names: bool = False,
                 workspace: Workspace | None = None, plan: pd.DataFrame | None = None, who: str | None = None,
                 export_names: bool | None = None) -> None:
        """``names``: show people by name on screen (the administrator in JupyterLab); ``export_names``: in the
        exported CSV too (default: as ``names``; the notebook passes the report setting)."""
        self.data, self.rules, self.as_of = data, rules, as_of
        self.names, self.workspace, self.plan, self.who = names, workspace, plan, who
        self.export_names = names if export_names is None else export_names
        people = data.people
        self._names = (people.drop_duplicates("person_id").set_index("person_id")["name"].astype(str).to_dict()
                       if names and people is not None and "name" in people else {})
        self._salt = workspace.pseudonym_salt if workspace is not None else ""  # the workspace's secret, as in reports
        self.assessed: pd.DataFrame = pd.DataFrame()
        self.nudge_list: pd.DataFrame = pd.DataFrame()
        self.controls: dict[str, w.Widget] = {}
        for key, label, kind, lo, hi, step in _CONTROLS:
            box = kind(value=getattr(rules, key), min=lo, max=hi, step=step, description=label, style=_STYLE,
                       layout=_WIDE, tooltip=MonitoringRules.model_fields[key].description).add_class(f"rm-{slug(key)}")
            box.observe(self._on_rule, names="value")
            self.controls[key] = box
        self.date_picker = w.DatePicker(value=as_of, description="as of", style=_STYLE,
                                        layout=_WIDE).add_class("rm-as-of")
        self.date_picker.observe(self._on_date, names="value")
        self.status_filter = w.Dropdown(options=["all", "needs attention", *STATUSES], value="all",
                                        description="status", style=_STYLE, layout=_WIDE).add_class("rm-filter-status")
        self.department_filter = w.Dropdown(options=["all", *self._departments()], value="all",
                                            description="department (either side)", style=_STYLE,
                                            layout=_WIDE).add_class("rm-filter-department")
        self.search = w.Text(value="", description="name or id contains" if names else "id contains", style=_STYLE,
                             layout=_WIDE).add_class("rm-filter-search")
        for f in (self.status_filter, self.department_filter, self.search):
            f.observe(lambda _: self._show(), names="value")
        self.counts = w.HTML().add_class("rm-counts")
        self.message = w.HTML().add_class("rm-message")
        self.pairs_box = w.HTML().add_class("rm-pairs")
        self.nudges_box = w.HTML().add_class("rm-nudges")
        save = w.Button(description="Save rules to program.yaml", icon="save", layout=w.Layout(width="auto"),
                        disabled=workspace is None).add_class("rm-save-rules")
        export = w.Button(description="Export nudge list (CSV)", icon="download", layout=w.Layout(width="auto"),
                          disabled=workspace is None).add_class("rm-export")
        save.on_click(lambda _: self.save())
        export.on_click(lambda _: self.export())
        rules_box = w.VBox([w.HTML("<h3>At-risk rules</h3>"), *self.controls.values(), save])
        filters = w.VBox([w.HTML("<h3>Filters</h3>"), self.status_filter, self.department_filter, self.search])
        self.tabs = w.Tab(children=[self.pairs_box, w.VBox([export, self.nudges_box])], titles=["Pairs", "What is due"])
        super().__init__([
            w.HTML(_CSS + "<h2>Monitor</h2>"), self.date_picker, self.counts, self.message,
            w.HBox([rules_box, filters]), self.tabs,
        ])
        self.add_class("rm-monitor-dashboard")
        self.refresh()

    # -- the plain-Python equivalents ------------------------------------------------------
    def set_rule(self, **changes: float | int) -> None:
        """Change thresholds (as the boxes do) and re-judge every pair."""
        self.rules = edit_rules(self.rules, **changes)
        for key, value in changes.items():
            if key in self.controls and self.controls[key].value != value:
                self.controls[key].value = value  # its observer sees an unchanged rule: no second refresh
        self.refresh()

    def refresh(self) -> None:
        """Re-run the core at the current date and rules; redraw counts, pairs and nudges."""
        self.assessed = assess(self.data, self.rules, self.as_of)
        self.nudge_list = nudges(self.data, self.assessed, self.rules, self.as_of, self.plan)
        self._show()

    @property
    def at_risk(self) -> int:
        """Pairs at risk now (the headline the dashboard shows)."""
        return int((self.assessed["status"] == "at risk").sum())

    def save(self) -> Path | None:
        """Write the current thresholds to program.yaml."""
        if self.workspace is None:
            return None
        save_rules(self.workspace, self.rules, self.who)
        self.message.value = "<span class='rm-saved'>Rules saved to program.yaml.</span>"
        return self.workspace.root / "program.yaml"

    def export(self) -> Path | None:
        """Write the nudge list (pseudonymous unless names are asked for) as a formula-safe CSV under reports/."""
        if self.workspace is None:
            return None
        out = self.workspace.root / "reports" / f"03_monitor_nudges_{self.as_of:%Y-%m-%d}.csv"
        write_csv(private_nudges(self.nudge_list, self.data.people, self.export_names, salt=self._salt), out, bom=True)
        self.message.value = f"<span class='rm-exported'>Nudge list written to {html.escape(str(out))}</span>"
        return out

    # -- events and drawing -----------------------------------------------------------------
    def _on_rule(self, change: dict) -> None:
        key = next(k for k, box in self.controls.items() if box is change["owner"])
        if getattr(self.rules, key) == change["new"]:
            return
        try:
            self.rules = edit_rules(self.rules, **{key: change["new"]})
        except ValidationError as err:
            self.message.value = f"<span class='rm-error'>{html.escape(str(err.errors()[0]['msg']))}</span>"
            return
        self.message.value = ""
        self.refresh()

    def _on_date(self, change: dict) -> None:
        if change["new"] is not None:
            self.as_of = change["new"]
            self.refresh()

    def _departments(self) -> list[str]:
        people = self.data.people
        if people is None or "department" not in people:
            return []
        ids = set(self.data.pairs["mentor_id"]) | set(self.data.pairs["mentee_id"])
        return sorted(people.loc[people["person_id"].isin(ids), "department"].dropna().astype(str).unique())

    def _id(self, value: str) -> str:
        if not self.names:
            return pseudonym(value, self._salt)
        name = self._names.get(value)
        return f"{name} ({value})" if name else value

    def filtered(self) -> pd.DataFrame:
        """The assessed pairs the filters select."""
        a = self.assessed
        status = self.status_filter.value
        if status == "needs attention":
            a = a[a["status"].isin(["at risk", "needs a check-in"])]
        elif status != "all":
            a = a[a["status"] == status]
        dept = self.department_filter.value
        if dept != "all" and self.data.people is not None:
            where = self.data.people.set_index("person_id")["department"]
            a = a[(a["mentor_id"].map(where) == dept) | (a["mentee_id"].map(where) == dept)]
        text = self.search.value.strip().lower()
        if text:
            shown = a["mentor_id"].map(self._id).str.lower() + " " + a["mentee_id"].map(self._id).str.lower()
            a = a[shown.str.contains(text, regex=False)]
        return a

    def _show(self) -> None:
        counts = status_counts(self.assessed)
        boxes = "".join(f"<div class='rm-count-box'><span class='rm-count rm-count-{slug(s)}'>{n}</span>{s}</div>"
                        for s, n in zip(counts["status"], counts["pairs"]))
        self.counts.value = f"<div class='rm-counts-row' style='display:flex;gap:10px'>{boxes}</div>" \
                            f"<p>as of {self.as_of:%d %B %Y}: {len(self.assessed)} pairs</p>"
        rows = self.filtered()
        table = pd.DataFrame({
            "mentor": rows["mentor_id"].map(self._id), "mentee": rows["mentee_id"].map(self._id),
            "status": rows["status"], "held": rows["held"], "expected": rows["expected"],
            "days since last": rows["days_since_last"], "trend": rows["trend"],
            "mentor logged": rows["mentor_logged_share"].map(lambda v: "" if pd.isna(v) else f"{v:.0%}"),
            "reason": rows["reason"]})[_PAIR_COLUMNS]
        self.pairs_box.value = (f"<p class='rm-shown'>{len(table)} pairs match the filters</p>"
                                + table_html(table, max_rows=MAX_ROWS, na_rep=""))
        summary = nudge_summary(self.nudge_list)
        listed = private_nudges(self.nudge_list, self.data.people, self.names, salt=self._salt)
        listed = listed.assign(due_on=listed["due_on"].dt.strftime("%Y-%m-%d"))
        self.nudges_box.value = table_html(summary) + table_html(listed, max_rows=MAX_ROWS, na_rep="")
