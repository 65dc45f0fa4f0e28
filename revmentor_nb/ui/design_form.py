"""The design form: a thin ipywidgets view over ``ProgramDesign`` that saves program.yaml when valid.

Every action has a plain-Python equivalent: the preset button is ``design.apply_preset``,
Check is ``design.design_from_dict``, Save is ``Workspace.save_design``, the readiness line is
``readiness.assess``. The form holds no rules of its own: problems come from the model and are
shown next to the field they name, and nothing is written while any remain.
"""
from __future__ import annotations

import html
from datetime import date
from typing import Any, Callable

import ipywidgets as w
import pandas as pd

from revmentor_nb.design.program import (
    OBJECTIVE_PRESETS,
    PRESET_LABELS,
    SCHEMES,
    DesignError,
    ProgramDesign,
    design_from_dict,
    scheme_changes,
)
from revmentor_nb.design.readiness import QUESTIONS, assess, questions_for, verdict_text
from revmentor_nb.errors import PROBLEM_COLUMNS
import revmentor_nb.ui.design_sections as design_sections
from revmentor_nb.ui.design_sections import Unreadable, read_optional, write_optional
from revmentor_nb.workspace.workspace import Workspace

_WIDE = w.Layout(width="min(640px, 100%)")
_ANSWERS = [("yes", "yes"), ("partly", "partly"), ("no", "no"), ("don't know", "unknown"), ("n/a", "n/a")]
_CSS = """<style>
.rm-design-form h3 {margin: 14px 0 4px 0;}
.rm-design-form .rm-label {font-weight: 600; margin: 6px 0 0 0; line-height: 1.3; white-space: normal;}
.rm-design-form .widget-toggle-buttons .widget-toggle-button {width: auto; min-width: 64px; padding: 0 10px;}
.rm-design-form .widget-checkbox .widget-label-basic {white-space: normal; overflow: visible;}
.rm-field-error {color: #b00020; font-size: 90%;}
.rm-field-warning {color: #8a5a00; font-size: 90%;}
.rm-problems table {border-collapse: collapse;} .rm-problems td, .rm-problems th {padding: 2px 8px; text-align: left;}
.rm-problems {color: #b00020;}
.rm-design-form .rm-advanced .jupyter-widget-Collapse-header {white-space: normal; overflow: visible;}
</style>"""


def _split(text: str, sep: str = ",") -> list[str]:
    return [s.strip() for s in str(text or "").replace("\n" if sep == "," else "\0", sep).split(sep) if s.strip()]


def _grade_value(v: Any) -> Any:
    """A grade band end as the model wants it: None when blank, an int for an integer grade, else the code."""
    if v is None:
        return None
    text = str(v).strip()
    if not text or text == "(any)":
        return None
    return int(text) if text.lstrip("+-").isdigit() else text


def _deep_set(data: dict[str, Any], key: str, value: Any) -> None:
    node = data
    parts = key.split(".")
    for part in parts[:-1]:
        if not isinstance(node.get(part), dict):
            node[part] = {}
        node = node[part]
    node[parts[-1]] = value


class DesignForm(w.VBox):
    """Edit a workspace's design: every key of program.yaml a person sets, in sections, saved only when valid."""

    #: design keys set through another field of the form (key -> that field)
    DERIVED = design_sections.DERIVED
    #: fields the form turns into design values itself (not one key each): the scheme, fairness on/off, inputs
    SPECIAL = ("scheme", "matching.fairness")

    def __init__(self, workspace: Workspace, who: str | None = None) -> None:
        self.workspace = workspace
        self.who = who
        self.design: ProgramDesign = workspace.design
        self.problems: pd.DataFrame = pd.DataFrame()
        self._inputs: dict[str, w.Widget] = {}
        self._errors: dict[str, w.HTML] = {}
        self._readers: dict[str, Callable[[w.Widget], Any]] = {}
        self._writers: dict[str, Callable[[w.Widget, Any], None]] = {}
        self.unreadable: list[Unreadable] = []
        self._loading = False
        self.status = w.HTML().add_class("rm-status")
        self.problem_box = w.HTML().add_class("rm-problems")
        self.readiness_line = w.HTML().add_class("rm-readiness-verdict")
        check = w.Button(description="Check", icon="check", tooltip="validate without saving").add_class("rm-check")
        save = w.Button(description="Save program.yaml", button_style="primary", icon="save",
                        layout=w.Layout(width="auto")).add_class("rm-save")
        check.on_click(lambda _: self.check())
        save.on_click(lambda _: self.save())
        self.heading = w.HTML().add_class("rm-heading")
        self.date_warning = w.HTML(layout=w.Layout(display="none")).add_class("rm-field-warning").add_class(
            "rm-start-warning")
        super().__init__([
            w.HTML(_CSS), self.heading,
            *self._objective(), *self._who(), *self._when(), *self._mode_and_rules(), *self._evaluation(),
            self._header("Advanced settings", "open a section: scores, more rules, fairness, capacity and mix, "
                                              "solver, monitoring thresholds, messages, input files"),
            design_sections.advanced(self),
            *self._readiness(),
            w.HBox([check, save]), self.status, self.problem_box,
        ])
        self.add_class("rm-design-form")
        self.load(self.design)
        self._inputs["schedule.start_date"].observe(lambda _: self._warn_dates(), names="value")
        self._inputs["scheme"].observe(lambda _: self._show_questions(), names="value")
        self._inputs["grade_order"].observe(lambda _: self._grade_options(), names="value")

    def _show_heading(self) -> None:
        self.heading.value = f"<h2>Design: {html.escape(self.design.name)}</h2>"

    # -- building ------------------------------------------------------------------
    def _field(self, key: str, widget: w.Widget, css: str,
               read: Callable[[w.Widget], Any] | None = None, write: Callable[[w.Widget, Any], None] | None = None
               ) -> w.Widget:
        """Register an input under its design key: its label above it (never truncated), an error line beneath."""
        widget.add_class(css)
        parts: list[w.Widget] = []
        if isinstance(widget, w.Checkbox):  # the label sits beside the box, at its full length
            widget.indent = False
            widget.layout.width = "auto"
        elif getattr(widget, "description", ""):
            parts.append(w.HTML(html.escape(widget.description)).add_class("rm-label"))
            widget.description = ""
        if isinstance(widget, w.ToggleButtons):
            widget.style.button_width = "auto"
        error = w.HTML(layout=w.Layout(display="none")).add_class("rm-field-error")
        error.add_class(css + "-error")
        self._inputs[key], self._errors[key] = widget, error
        self._readers[key] = read or (lambda x: x.value)
        self._writers[key] = write or (lambda x, v: setattr(x, "value", v))
        return w.VBox([*parts, widget, error])

    @staticmethod
    def _header(text: str, note: str = "") -> w.HTML:
        return w.HTML(f"<h3>{text}</h3>" + (f"<div><em>{note}</em></div>" if note else ""))

    def _list_field(self, key: str, description: str, css: str, placeholder: str = "") -> w.Widget:
        return self._field(key, w.Text(description=description, placeholder=placeholder, layout=_WIDE), css,
                           read=lambda x: _split(x.value), write=lambda x, v: setattr(x, "value", ", ".join(v or [])))

    def _objective(self) -> list[w.Widget]:
        preset = w.Dropdown(description="Objective", options=[(label, key) for key, label in PRESET_LABELS.items()],
                            layout=_WIDE)
        preset.observe(self._on_preset, names="value")
        return [
            self._header("Objective", "what the programme is for and how success is judged; a preset fills the rest"),
            self._field("name", w.Text(description="Programme name", layout=_WIDE), "rm-name"),
            self._field("objective.preset", preset, "rm-preset"),
            self._field("objective.statement", w.Textarea(description="Statement", layout=_WIDE), "rm-statement"),
            self._field("objective.method", w.Textarea(description="Method", layout=_WIDE), "rm-method"),
            self._field("objective.success_criteria", w.Textarea(description="Success criteria (one a line)",
                                                                 layout=_WIDE), "rm-success",
                        read=lambda x: _split(x.value, "\n"), write=lambda x, v: setattr(x, "value", "\n".join(v))),
            self._list_field("objective.measures", "Measures (instruments)", "rm-measures", "e.g. mfq9"),
            self._list_field("objective.kpis", "KPIs from the roster", "rm-kpis", "e.g. retention_mentors_12m"),
        ]

    def _grade_widget(self, description: str) -> w.Widget:
        order = self.design.grade_order
        if order:
            return w.Dropdown(description=description, options=["(any)", *order], layout=w.Layout(width="200px"))
        return w.Text(description=description, placeholder="blank = any; an integer grade")

    def _who(self) -> list[w.Widget]:
        grade_write = (lambda x, v: setattr(x, "value", "(any)" if v is None else str(v))) if self.design.grade_order \
            else (lambda x, v: setattr(x, "value", "" if v is None else str(v)))
        read = lambda x: _grade_value(x.value)  # noqa: E731
        return [
            self._header("Who and how many", "grade bands are inclusive; blank = any grade"),
            self._field("grade_order", w.Textarea(description="Grade order (text grades, most junior first, one a "
                                                              "line; blank when grades are whole numbers)",
                                                  rows=4, layout=w.Layout(width="min(360px, 100%)")), "rm-grade-order",
                        read=lambda x: _split(x.value, "\n") or None,
                        write=lambda x, v: setattr(x, "value", "\n".join(v or []))),
            self._field("eligibility.mentors.lowest", self._grade_widget("Mentors' lowest grade"), "rm-mentor-lowest",
                        read, grade_write),
            self._field("eligibility.mentors.highest", self._grade_widget("Mentors' highest grade"), "rm-mentor-highest",
                        read, grade_write),
            self._field("eligibility.mentees.lowest", self._grade_widget("Mentees' lowest grade"), "rm-mentee-lowest",
                        read, grade_write),
            self._field("eligibility.mentees.highest", self._grade_widget("Mentees' highest grade"), "rm-mentee-highest",
                        read, grade_write),
            self._list_field("eligibility.departments", "Departments", "rm-departments", "blank = all departments"),
            self._list_field("eligibility.sites", "Sites", "rm-sites", "blank = all sites"),
            self._field("eligibility.selection", w.ToggleButtons(description="Selection", options=["open", "closed"]),
                        "rm-selection"),
            self._field("spaces", w.IntText(description="Spaces (pairs)"), "rm-spaces"),
        ]

    def _when(self) -> list[w.Widget]:
        routes = ["online form", "line manager nomination", "HR invitation", "staff network"]
        monitoring = ["meeting log", "check-in surveys", "programme lead check-ins", "midpoint review"]
        return [
            self._header("When, how often, how", "3-6 months and a monthly meeting are typical"),
            self._field("schedule.start_date", w.DatePicker(description="Starts", layout=w.Layout(width="200px")),
                        "rm-start"),
            self.date_warning,
            self._field("schedule.ongoing", w.Checkbox(description="Ongoing (no set end; length = review cycle)"),
                        "rm-ongoing"),
            self._field("schedule.length_months", w.IntText(description="Length (months)"), "rm-length"),
            self._field("schedule.end", w.DatePicker(description="or ends on (optional)",
                                                     layout=w.Layout(width="200px")), "rm-end"),
            self._field("schedule.cadence_days", w.IntText(description="Days between meetings"), "rm-cadence"),
            self._field("schedule.meeting_minutes", w.IntText(description="Minutes per meeting"), "rm-minutes"),
            self._field("delivery.commitment_hours_per_month", w.FloatText(description="Commitment (hours a month)"),
                        "rm-commitment"),
            self._field("delivery.training_hours", w.FloatText(description="Training before launch (hours)"),
                        "rm-training"),
            self._field("delivery.signup_route", w.Dropdown(description="Sign-up route", options=routes,
                                                            layout=w.Layout(width="480px")),
                        "rm-signup"),
            self._field("delivery.formality", w.ToggleButtons(description="Format", options=["formal", "informal"]),
                        "rm-formality"),
            self._field("delivery.monitoring", w.SelectMultiple(description="Progress monitored by", options=monitoring,
                                                                rows=4, layout=w.Layout(width="min(360px, 100%)")),
                        "rm-monitoring",
                        read=lambda x: list(x.value), write=lambda x, v: setattr(x, "value", tuple(v))),
        ]

    def _mode_and_rules(self) -> list[w.Widget]:
        return [
            self._header("Scheme and matching rules", "hard rules: a pair breaking one is never proposed"),
            self._field("scheme", w.RadioButtons(description="Who mentors whom",
                                                 options=[(label, key) for key, label in SCHEMES.items()],
                                                 layout=w.Layout(width="auto")), "rm-scheme"),
            self._field("matching.rules.consent", w.Checkbox(description="Only people who consented"), "rm-rule-consent"),
            self._field("matching.rules.different_department", w.Checkbox(description="Different departments"),
                        "rm-rule-department"),
            self._field("matching.rules.reporting_line_levels",
                        w.IntText(description="No reporting line within (levels, 0 = off)"), "rm-rule-line"),
            self._field("matching.rules.grade_gap.enabled", w.Checkbox(description="Grade gap rule"), "rm-rule-gap-on"),
            self._field("matching.rules.grade_gap.min", w.Text(description="Grade gap: at least this many grades "
                                                                           "between mentor and mentee",
                                                               placeholder="blank = no minimum",
                                                               layout=w.Layout(width="160px")),
                        "rm-rule-gap", read_optional, write_optional),
            self._field("matching.rules.shared_topic", w.Checkbox(description="At least one shared topic"),
                        "rm-rule-topic"),
            self._field("matching.rules.location", w.Checkbox(description="Same site unless both can meet remotely"),
                        "rm-rule-location"),
            self._field("matching.most_pairs", w.FloatSlider(description="Best fit ... most pairs", min=0, max=1,
                                                             step=0.05), "rm-most-pairs"),
        ]

    def _evaluation(self) -> list[w.Widget]:
        comparisons = ["none", "eligible non-participants", "matched non-participants", "waiting list"]
        return [
            self._header("Evaluation plan", "measure before and after; size the pilot so a real change can show"),
            self._list_field("evaluation.instruments_pre", "Instruments before", "rm-pre"),
            self._list_field("evaluation.instruments_post", "Instruments after", "rm-post"),
            self._list_field("evaluation.kpis", "KPIs to compare", "rm-eval-kpis"),
            self._field("evaluation.comparison", w.Dropdown(description="Compared with", options=comparisons,
                                                            layout=w.Layout(width="480px")),
                        "rm-comparison"),
            self._field("evaluation.effect_size", w.FloatText(description="Expected change (Cohen's d)", step=0.05),
                        "rm-effect"),
            self._field("evaluation.alpha", w.FloatText(description="Alpha", step=0.01), "rm-alpha"),
            self._field("evaluation.power", w.FloatText(description="Power", step=0.05), "rm-power"),
            self._field("evaluation.dropout", w.FloatText(description="Expected drop-out", step=0.05), "rm-dropout"),
            self._header("Privacy", "reports hide any group smaller than k"),
            self._field("privacy.k", w.IntText(description="Smallest group a report shows (k)"), "rm-privacy-k"),
            self._field("privacy.names_in_reports", w.Checkbox(description="Names in headless reports"),
                        "rm-names-in-reports"),
        ]

    def _readiness(self) -> list[w.Widget]:
        rows: list[w.Widget] = [self._header("Readiness", "a critical 'no' or 'don't know' means: don't launch yet; "
                                                          "'n/a': the question does not apply")]
        self._question_rows: dict[str, w.Widget] = {}
        for q in QUESTIONS:
            toggle = w.ToggleButtons(options=_ANSWERS, style={"button_width": "auto"})
            toggle.observe(lambda _: self._show_readiness(), names="value")
            label = w.HTML(f"{html.escape(q.text)}{' <strong>(critical)</strong>' if q.critical else ''}"
                           ).add_class("rm-label")
            self._field(f"readiness.{q.id}", toggle, f"rm-ready-{q.id.replace('_', '-')}")
            row = w.VBox([label, toggle]).add_class("rm-question")
            self._question_rows[q.id] = row
            rows.append(row)
        rows.append(self.readiness_line)
        return rows

    def _scheme(self) -> str:
        return str(self._inputs["scheme"].value)

    def _show_questions(self) -> None:
        """Only the questions the chosen scheme asks are shown (and scored)."""
        asked = {q.id for q in questions_for(self._scheme())}
        for qid, row in self._question_rows.items():
            row.layout.display = "flex" if qid in asked else "none"
        self._show_readiness()

    def _grade_options(self) -> None:
        """Grade band lists follow the grade order as it is typed."""
        order = self._readers["grade_order"](self._inputs["grade_order"]) or []
        for end in ("mentors.lowest", "mentors.highest", "mentees.lowest", "mentees.highest"):
            box = self._inputs[f"eligibility.{end}"]
            if isinstance(box, w.Dropdown):
                keep = box.value if box.value in order else "(any)"
                box.options = ["(any)", *order]
                box.value = keep

    def _warn_dates(self) -> None:
        """A start date already past gets a warning (introductions would name it); saving is still allowed."""
        start = self._inputs["schedule.start_date"].value
        past = isinstance(start, date) and start < date.today()
        self.date_warning.value = (f"Warning: the programme starts on {start:%d %B %Y}, which is in the past; the "
                                   "introduction notes and agreements will name that date. Move it if the programme "
                                   "has not started." if past else "")
        self.date_warning.layout.display = "block" if past else "none"

    # -- values ------------------------------------------------------------------------
    def load(self, design: ProgramDesign) -> None:
        """Show ``design`` in the form."""
        data = design_sections.fairness_shown(design.model_dump(mode="python"))
        self._loading = True
        for key, widget in self._inputs.items():
            if key.startswith("readiness."):
                value = design.readiness.get(key.split(".", 1)[1], "unknown")
            elif key == "scheme":
                value = design.scheme
            elif key == "matching.fairness":
                value = design.matching.fairness
            else:
                value = data
                for part in key.split("."):
                    value = value.get(part) if isinstance(value, dict) else None
            self._writers[key](widget, value)
        self._loading = False
        self._show_heading()
        self._show_questions()
        self._warn_dates()

    def values(self) -> dict[str, Any]:
        """The design the form describes, as a dict.

        A box whose text cannot take its key's shape keeps the saved value here and is listed in
        ``unreadable`` (Check and Save report it and save nothing).
        """
        data = self.design.model_dump(mode="json")
        self.unreadable = []
        for key, widget in self._inputs.items():
            if key in self.SPECIAL or key.startswith("inputs."):
                continue
            try:
                value = self._readers[key](widget)
            except Unreadable as err:
                self.unreadable.append(err)
                continue
            if isinstance(value, date):
                value = value.isoformat()
            _deep_set(data, key, value)
        change = scheme_changes(str(self._inputs["scheme"].value))
        data["direction"], data["mode"] = change["direction"], change["mode"]
        data["matching"]["rules"]["grade_gap"]["direction"] = change["gap_direction"]
        if not self._inputs["matching.fairness"].value:
            data["matching"]["fairness"] = None
        data["inputs"] = design_sections.inputs_value(self)
        if data["schedule"].get("end"):  # an end date decides the length
            data["schedule"].pop("length_months", None)
        data["readiness"] = {k: v for k, v in data["readiness"].items() if v != "unknown"}
        data["evaluation"] = {k: v for k, v in data["evaluation"].items() if v != []}
        return data

    # -- actions ---------------------------------------------------------------------------
    def _on_preset(self, change: dict[str, Any]) -> None:
        preset = OBJECTIVE_PRESETS.get(change["new"])
        if not preset:
            return
        for key in ("statement", "method", "success_criteria", "measures", "kpis"):
            self._writers[f"objective.{key}"](self._inputs[f"objective.{key}"], preset[key])
        for key, source in (("instruments_pre", "measures"), ("instruments_post", "measures"), ("kpis", "kpis")):
            self._writers[f"evaluation.{key}"](self._inputs[f"evaluation.{key}"], preset[source])

    def _on_matching_preset(self, change: dict[str, Any]) -> None:
        """A published rule set fills the matching fields (as the objective preset fills the wording)."""
        if not change["new"] or self._loading:
            return
        from revmentor_nb.matching.config import MatchSettings

        rules = MatchSettings(preset=change["new"]).model_dump(mode="python")
        data = design_sections.fairness_shown({"matching": rules})
        for key in [k for k in self._inputs if k.startswith("matching.") and k != "matching.preset"]:
            value: Any = data
            for part in key.split("."):
                value = value.get(part) if isinstance(value, dict) else None
            if key == "matching.fairness":
                value = rules["fairness"]
            self._writers[key](self._inputs[key], value)

    def _show_readiness(self) -> None:
        answers = {k.split(".", 1)[1]: self._readers[k](x) for k, x in self._inputs.items() if k.startswith("readiness.")}
        result = assess(answers, self._scheme())
        colour = {"ready to launch": "#2e7d32", "launch with care": "#f9a825"}.get(result.verdict, "#c62828")
        self.readiness_line.value = f'<strong style="color:{colour}">{html.escape(verdict_text(result))}</strong>'

    def _target(self, key: str) -> str | None:
        """The registered field a problem key belongs to (itself, its first sub-field, or its parent)."""
        if key in ("direction", "mode"):
            return "scheme"
        if key in self._inputs:
            return key
        children = [k for k in self._inputs if k.startswith(key + ".")]
        if children:
            return children[0]
        parents = [k for k in self._inputs if key.startswith(k + ".")]
        return max(parents, key=len) if parents else None

    def _show_problems(self, problems: pd.DataFrame) -> None:
        messages: dict[str, list[str]] = {}
        for _, p in problems.iterrows():
            target = self._target(str(p["column"]))
            if target:
                messages.setdefault(target, []).append(f"{p['problem']} — {p['fix']}")
        for key, error in self._errors.items():
            texts = messages.get(key, [])
            error.value = "<br>".join(html.escape(t) for t in texts)
            error.layout.display = "block" if texts else "none"
        if problems.empty:
            self.problem_box.value = ""
            return
        rows = "".join(f"<tr><td><code>{html.escape(str(p['column']))}</code></td><td>{html.escape(str(p['problem']))}"
                       f"</td><td>{html.escape(str(p['fix']))}</td></tr>" for _, p in problems.iterrows())
        self.problem_box.value = (f"<p><strong>{len(problems)} problem(s): program.yaml was not saved.</strong></p>"
                                  f"<table><tr><th>key</th><th>problem</th><th>fix</th></tr>{rows}</table>")

    def check(self) -> ProgramDesign | None:
        """Validate the form; show each problem next to its field. Returns the design when valid."""
        values = self.values()
        unread = pd.DataFrame([["design form", None, u.key, u.value, u.problem, u.fix] for u in self.unreadable],
                              columns=PROBLEM_COLUMNS)
        try:
            design = design_from_dict(values, "design form")
            problems = unread
        except DesignError as err:
            design, problems = None, pd.concat([unread, err.problems], ignore_index=True) if len(unread) else err.problems
        if design is None or len(problems):
            self.status.value = ""  # cleared first: the front-end then never shows problems beside a stale "Saved"
            self.problems = problems
            self._show_problems(problems)
            return None
        self.problems = pd.DataFrame()
        self._show_problems(self.problems)
        self.status.value = "<span>Valid design (not saved yet).</span>"
        return design

    def save(self) -> ProgramDesign | None:
        """Validate and, only when valid, write program.yaml through the workspace (audited)."""
        design = self.check()
        if design is None:
            return None
        self.workspace.save_design(design, who=self.who)
        self.design = design
        self._show_heading()
        past = design.schedule.start_date < date.today()
        self.status.value = (f'<span style="color:#2e7d32"><strong>Saved</strong> '
                             f'{html.escape(str(self.workspace.root / "program.yaml"))}</span>'
                             + (" <span class='rm-field-warning'>(the start date is in the past)</span>" if past else ""))
        return design
