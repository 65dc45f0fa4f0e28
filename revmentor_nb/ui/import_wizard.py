"""The import wizard: choose files, map their columns onto the contract, see every problem, import when clean.

A thin ipywidgets view over plain functions: ``column_mapping.suggest_spec`` /
``find_saved_spec`` (the suggestion, or the mapping saved for this layout last time),
``form_import.check_signups`` / ``check_file`` (every problem with its row and fix) and
``form_import.import_signups`` / ``import_with_spec`` (store only when clean, save the
mapping for next time). Headless runs call those functions directly.
"""
from __future__ import annotations

import html
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import ipywidgets as w
import pandas as pd

from revmentor_nb.errors import InputError
from revmentor_nb.fileio import atomic_write_bytes
from revmentor_nb.io.contract import ROLES
from revmentor_nb.io.contract import kind as get_kind
from revmentor_nb.design.columns import required_columns, switch_off, with_grade_order
from revmentor_nb.io.forms import (
    cells_frame,
    grade_values,
    check_file,
    check_signups,
    import_signups,
    import_with_spec,
    read_cells,
)
from revmentor_nb.io.grid import find_grids
from revmentor_nb.io.mapping import (
    LIST_TARGETS,
    FileSpec,
    find_saved_spec,
    missing_required,
    suggest_spec,
)
from revmentor_nb.report.tables import table_html
from revmentor_nb.workspace.workspace import Workspace

KINDS = ("participants", "roster", "exclusions", "locks")
ORDER = {k: i for i, k in enumerate(("roster", "participants", "exclusions", "locks"))}
EXTRA = "(keep as extra column)"
NOT_USED = "(not used)"
IGNORED = "(not used by this programme)"
_CSS = """<style>
.rm-import-wizard h3 {margin: 12px 0 4px 0;}
.rm-wiz-files table, .rm-wiz-problems table {border-collapse: collapse;}
.rm-wiz-files td, .rm-wiz-files th, .rm-wiz-problems td, .rm-wiz-problems th {padding: 2px 8px; text-align: left;
  border-bottom: 1px solid #ddd; vertical-align: top;}
.rm-wiz-problems {color: #8a1c1c;}
.rm-wiz-example {color: #666; font-size: 90%;}
</style>"""


@dataclass
class Slot:
    """One chosen file: its kind, path, layout and the spec being edited."""

    kind: str
    path: Path
    headers: list[str]
    sample: pd.DataFrame
    spec: FileSpec
    source: str  # "saved mapping" or "suggested"
    widgets: dict[str, w.Widget] = field(default_factory=dict)


class ImportWizard(w.VBox):
    """Choose files (sign-ups, roster, exclusions, locks), map columns, check, import when clean."""

    def __init__(self, workspace: Workspace, who: str | None = None) -> None:
        self.ws, self.who = workspace, who
        self.slots: list[Slot] = []
        self.problems: pd.DataFrame = pd.DataFrame()
        self.checked = False
        self.kind = w.Dropdown(description="Kind", options=KINDS, layout=w.Layout(width="260px")).add_class("rm-wiz-kind")
        self.path = w.Combobox(description="File", placeholder="path of a .csv or .xlsx file", options=self._files(),
                               ensure_option=False, layout=w.Layout(width="520px")).add_class("rm-wiz-path")
        self.role = w.Dropdown(description="Role", options=[("read from a column", ""), *[(r, r) for r in ROLES]],
                               layout=w.Layout(width="260px")).add_class("rm-wiz-role")
        self.upload = w.FileUpload(accept=".csv,.xlsx", multiple=False, description="Upload").add_class("rm-wiz-upload")
        self.upload.observe(self._on_upload, names="value")
        add = w.Button(description="Add file", icon="plus", button_style="info").add_class("rm-wiz-add")
        add.on_click(lambda _: self.add_file(self.path.value, self.kind.value, self.role.value or None))
        self.files_box = w.HTML().add_class("rm-wiz-files")
        self.pick = w.Dropdown(description="Edit", options=[], layout=w.Layout(width="520px")).add_class("rm-wiz-pick")
        self.pick.observe(lambda _: self._show_mapping(), names="value")
        remove = w.Button(description="Remove file", icon="trash").add_class("rm-wiz-remove")
        remove.on_click(lambda _: self.remove_file(self.pick.value))
        self.mapping_box = w.VBox().add_class("rm-wiz-mapping")
        check = w.Button(description="Check", icon="check").add_class("rm-wiz-check")
        check.on_click(lambda _: self.check())
        self.import_button = w.Button(description="Import", icon="upload", button_style="primary",
                                      disabled=True).add_class("rm-wiz-import")
        self.import_button.on_click(lambda _: self.import_all())
        self.status = w.HTML().add_class("rm-wiz-status")
        self.problem_box = w.HTML().add_class("rm-wiz-problems")
        super().__init__([
            w.HTML(_CSS + "<h3>1 · Choose files</h3><div>Sign-ups may come in several files (e.g. one per role: "
                   "set the role for the whole file). The roster, exclusions and locks are optional.</div>"),
            w.HBox([self.kind, self.role]), w.HBox([self.path, add, self.upload]), self.files_box,
            w.HTML("<h3>2 · Map columns</h3><div>Suggested from the contract's names and aliases, or the mapping "
                   "saved for this layout last time; change anything that is wrong.</div>"),
            w.HBox([self.pick, remove]), self.mapping_box,
            w.HTML("<h3>3 · Check, then import</h3><div>Nothing is stored while any problem remains.</div>"),
            w.HBox([check, self.import_button]), self.status, self.problem_box,
        ])
        self.add_class("rm-import-wizard")

    # -- step 1: files --------------------------------------------------------------------
    def _files(self) -> list[str]:
        found = []
        for folder in (self.ws.root, self.ws.root / "inputs", self.ws.root / "uploads"):
            if folder.is_dir():
                found += [str(p.relative_to(self.ws.root)) for p in sorted(folder.iterdir())
                          if p.suffix.lower() in (".csv", ".xlsx") and p.is_file()]
        return found

    def _on_upload(self, change: dict[str, Any]) -> None:
        for item in change["new"] or ():
            name = Path(str(item["name"])).name
            dest = atomic_write_bytes(self.ws.root / "uploads" / name, bytes(item["content"]))
            self.path.options = self._files()
            self.path.value = str(dest.relative_to(self.ws.root))

    def add_file(self, path: str | Path, kind: str = "participants", role: str | None = None) -> Slot | None:
        """Add a file: read its headers, take the saved mapping for its layout or suggest one."""
        p = Path(path)
        p = p if p.is_absolute() else self.ws.root / p
        try:
            cells = read_cells(p)
        except InputError as err:
            self._say(f"Cannot read {html.escape(p.name)}", err.problems)
            return None
        saved = find_saved_spec(self.ws, cells.headers, kind)
        spec = saved or suggest_spec(cells.headers, kind, role=role)
        if saved is not None and role:
            spec.role = role
        slot = Slot(kind, p, list(cells.headers), cells_frame(cells).head(20), spec,
                    "saved mapping" if saved is not None else "suggested")
        self.slots.append(slot)
        self._files_changed(select=len(self.slots) - 1)
        self._say(f"Added {html.escape(p.name)} ({slot.source}).")
        return slot

    def remove_file(self, index: int | None) -> None:
        """Drop a chosen file from the list."""
        if index is not None and 0 <= index < len(self.slots):
            self.slots.pop(index)
            self._files_changed(select=0 if self.slots else None)

    def _files_changed(self, select: int | None) -> None:
        rows = [{"file": s.path.name, "kind": s.kind, "role": s.spec.role or "(column)", "columns": len(s.headers),
                 "mapping": s.source} for s in self.slots]
        self.files_box.value = table_html(pd.DataFrame(rows), max_rows=200, na_rep="") if rows else "<em>no files yet</em>"
        self.pick.options = [(f"{s.path.name} ({s.kind})", i) for i, s in enumerate(self.slots)]
        self.pick.value = select
        self._invalidate()

    # -- step 2: the mapping ----------------------------------------------------------------
    def _show_mapping(self) -> None:
        index = self.pick.value
        if index is None or not 0 <= index < len(self.slots):
            self.mapping_box.children = ()
            return
        slot = self.slots[index]
        columns = [EXTRA, IGNORED, *[c.name for c in get_kind(slot.kind).columns]]
        grids = find_grids(slot.headers) if slot.kind == "participants" else []
        in_grid = {h for g in grids for h in g.headers}
        rows: list[w.Widget] = []
        slot.widgets = {}
        for i, header in enumerate(slot.headers):
            if header in in_grid:
                continue
            example = next((str(v) for v in slot.sample.iloc[:, i] if str(v).strip()), "") if i < slot.sample.shape[1] else ""
            value = IGNORED if header in slot.spec.ignored else slot.spec.mapping.get(header) or EXTRA
            dd = w.Dropdown(options=columns, value=value,
                            layout=w.Layout(width="240px")).add_class(f"rm-map-{i}")
            dd.observe(lambda ch, h=header, s=slot: self._set_mapping(s, h, ch["new"]), names="value")
            slot.widgets[header] = dd
            rows.append(w.HBox([w.HTML(f"<b>{html.escape(header)}</b> <span class='rm-wiz-example'>"
                                       f"e.g. {html.escape(example[:40])}</span>", layout=w.Layout(width="380px")), dd]))
        for g in grids:
            dd = w.Dropdown(options=[NOT_USED, *LIST_TARGETS], value=slot.spec.grids.get(g.question) or NOT_USED,
                            layout=w.Layout(width="240px")).add_class("rm-map-grid")
            dd.observe(lambda ch, q=g.question, s=slot: self._set_grid(s, q, ch["new"]), names="value")
            slot.widgets[f"grid:{g.question}"] = dd
            rows.append(w.HBox([w.HTML(f"<b>grid question</b> {html.escape(g.question)} "
                                       f"<span class='rm-wiz-example'>({len(g.columns)} topics, ranked cells become "
                                       "an ordered list)</span>", layout=w.Layout(width="380px")), dd]))
        rows += self._constant_rows(slot)
        self.mapping_box.children = tuple(rows)

    def _required(self) -> dict[str, Any]:
        """The sign-up columns this programme requires, each with what needs it (asked of the design)."""
        roster = any(s.kind == "roster" for s in self.slots) or self.ws.has("roster")
        return required_columns(self.ws.design, roster=roster)

    def _constant_rows(self, slot: Slot) -> list[w.Widget]:
        """Per file: each required column nothing supplies (a value for every row, or switch off what needs it),
        a value for every row of any other column (e.g. capacity 2 for a mentors' file), where ids come from,
        and the grade order learned from the grades the file holds."""
        rows: list[w.Widget] = []
        needs = self._required() if slot.kind == "participants" else {}
        required = list(needs) if slot.kind == "participants" else None
        lacking = set(missing_required(slot.headers, slot.spec, required))
        for column in sorted(lacking | set(slot.spec.constants)):
            if column == "person_id" and slot.kind == "participants":
                continue
            box = w.Text(description=column, value=slot.spec.constants.get(column, ""),
                         placeholder="value for every row of this file", layout=w.Layout(width="420px"),
                         style={"description_width": "120px"}).add_class(f"rm-const-{column}")
            box.observe(lambda ch, c=column, s=slot: self._set_constant(s, c, ch["new"]), names="value")
            slot.widgets[f"const:{column}"] = box
            parts: list[w.Widget] = [box]
            need = needs.get(column)
            if column in lacking and need is not None and need.needed_by:
                parts.append(w.HTML(f"<span class='rm-wiz-example'>needed by {html.escape(', '.join(need.needed_by))}"
                                    "</span>"))
                off = w.Button(description=f"Not used: switch off {', '.join(need.needed_by)}",
                               layout=w.Layout(width="auto")).add_class(f"rm-off-{column}")
                off.on_click(lambda _, c=column: self.switch_off(c))
                parts.append(off)
            rows.append(w.HBox(parts))
        if rows:
            rows.insert(0, w.HTML("<div><b>Columns this programme needs that this file lacks</b>: give a value for "
                                  "every row (e.g. consent = yes when signing the form is consent), map a column "
                                  "above, or switch off the rule that needs it.</div>"))
        kinds_columns = [c.name for c in get_kind(slot.kind).columns]
        pick = w.Dropdown(description="Every row:", options=kinds_columns, value="capacity" if "capacity" in
                          kinds_columns else kinds_columns[0], layout=w.Layout(width="300px"),
                          style={"description_width": "90px"}).add_class("rm-const-pick")
        value = w.Text(placeholder="value", layout=w.Layout(width="160px")).add_class("rm-const-value")
        add = w.Button(description="Set for this file", icon="plus").add_class("rm-const-add")
        add.on_click(lambda _, s=slot: self.set_constant(self.slots.index(s), pick.value, value.value))
        rows.append(w.HBox([pick, value, add]))
        if slot.kind == "participants" and "person_id" not in slot.spec.mapping.values():
            ids = w.Dropdown(description="ids from", options=["name", "email"], value=slot.spec.id_from or "name",
                             style={"description_width": "120px"}).add_class("rm-wiz-idfrom")
            ids.observe(lambda ch, s=slot: self._set_id_from(s, ch["new"]), names="value")
            rows.append(ids)
        rows += self._grade_rows(slot)
        return rows

    def _grade_rows(self, slot: Slot) -> list[w.Widget]:
        """The grades seen in the file, to put in order (most junior first) and save as program.yaml's grade_order."""
        if slot.kind not in ("participants", "roster"):
            return []
        seen = grade_values(slot.path, slot.spec)
        order = self.ws.design.grade_order or []
        if not seen or all(g.lstrip("+-").isdigit() for g in seen) or set(seen) <= set(order):
            return []
        known = [g for g in order if g in seen] + [g for g in seen if g not in order]
        box = w.Textarea(value="\n".join(known), rows=min(len(known), 10), layout=w.Layout(width="300px"),
                         description="Grade order", style={"description_width": "120px"}).add_class("rm-grade-order")
        save = w.Button(description="Save grade order", icon="save").add_class("rm-grade-order-save")
        save.on_click(lambda _: self.save_grade_order([g for g in box.value.splitlines() if g.strip()]))
        return [w.HTML("<div><b>Grades in this file</b> are text: put them in order, most junior first (one a line), "
                       "and save them to program.yaml.</div>"), w.HBox([box, save])]

    def switch_off(self, column: str) -> None:
        """Switch off every rule of the design that needs ``column`` (saved in program.yaml, audited)."""
        self.ws.save_design(switch_off(self.ws.design, column), who=self.who)
        self._show_mapping()
        self._say(f"Switched off what needed <b>{html.escape(column)}</b>; program.yaml saved.")
        self._invalidate()

    def save_grade_order(self, order: list[str]) -> None:
        """Save the grade order (most junior first) in program.yaml, audited."""
        self.ws.save_design(with_grade_order(self.ws.design, order), who=self.who)
        self._show_mapping()
        self._say(f"Saved the grade order ({html.escape(' < '.join(order))}) in program.yaml.")
        self._invalidate()

    def set_mapping(self, index: int, header: str, column: str | None) -> None:
        """Map ``header`` of file ``index`` to a contract column (None = keep as extra)."""
        self._set_mapping(self.slots[index], header, column or EXTRA)
        self._show_mapping()

    def set_constant(self, index: int, column: str, value: str) -> None:
        """Give ``column`` the same ``value`` on every row of file ``index``."""
        self._set_constant(self.slots[index], column, value)
        self._show_mapping()

    def _set_mapping(self, slot: Slot, header: str, column: str) -> None:
        if column == IGNORED:
            slot.spec.ignored = sorted({*slot.spec.ignored, header})
            slot.spec.mapping[header] = ""
        else:
            slot.spec.ignored = [h for h in slot.spec.ignored if h != header]
            slot.spec.mapping[header] = "" if column == EXTRA else column
        self._invalidate()

    def _set_grid(self, slot: Slot, question: str, target: str) -> None:
        slot.spec.grids[question] = "" if target == NOT_USED else target
        self._invalidate()

    def _set_constant(self, slot: Slot, column: str, value: str) -> None:
        name, column_html = html.escape(slot.path.name), html.escape(column)
        if str(value).strip():
            slot.spec.constants[column] = str(value).strip()
            said = f"<b>{column_html}</b> = {html.escape(str(value).strip())} for every row of {name}."
        else:
            slot.spec.constants.pop(column, None)
            said = f"<b>{column_html}</b> is no longer set for every row of {name}."
        self.status.value = said + " Check again before importing."  # seen at once; the problem list stays
        self._invalidate()

    def _set_id_from(self, slot: Slot, column: str) -> None:
        slot.spec.id_from = column
        self._invalidate()

    # -- step 3: check and import -------------------------------------------------------------
    def _invalidate(self) -> None:
        self.checked = False
        self.import_button.disabled = True

    def _ordered(self) -> list[Slot]:
        return sorted(self.slots, key=lambda s: ORDER[s.kind])

    def check(self) -> pd.DataFrame:
        """Validate every chosen file through its mapping; list every problem; allow Import only when clean."""
        if not self.slots:
            self._say("Add a file first.")
            return pd.DataFrame()
        found: list[pd.DataFrame] = []
        people = [(s.path, s.spec) for s in self.slots if s.kind == "participants"]
        roster = None
        for slot in self._ordered():
            if slot.kind == "roster":
                roster, problems = check_file(slot.path, slot.spec, grade_order=self.ws.design.grade_order)
                found.append(problems)
        participants = self.ws.table("participants")
        if people:
            roster = roster if roster is not None else self.ws.table("roster")
            participants, problems = check_signups(people, grade_order=self.ws.design.grade_order, roster=roster,
                                                   required=self.ws.requirements(roster=roster is not None))
            found.append(problems)
        for slot in self.slots:
            if slot.kind in ("exclusions", "locks"):
                found.append(check_file(slot.path, slot.spec, participants=participants)[1])
        parts = [f for f in found if len(f)]
        self.problems = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame()
        self.checked = True
        self.import_button.disabled = bool(len(self.problems))
        if len(self.problems):
            self._say(f"<b>{len(self.problems)} problem(s)</b>: fix them in the file or in the mapping above, then "
                      "Check again. Nothing has been imported.", self.problems)
        else:
            self._say("<span style='color:#2e7d32'><b>Clean.</b> Ready to import.</span>")
        return self.problems

    def import_all(self) -> pd.DataFrame:
        """Store every chosen file in the workspace (roster first) and save each mapping for next time."""
        if not self.checked or len(self.problems):
            self.check()
            if len(self.problems):
                return pd.DataFrame()
        rows = []
        try:
            for kind in ("roster", "participants", "exclusions", "locks"):
                slots = [s for s in self.slots if s.kind == kind]
                if kind == "participants" and slots:
                    rec = import_signups(self.ws, [(s.path, s.spec) for s in slots], who=self.who)
                    rows.append({"kind": kind, "file": rec.file_name, "rows": rec.rows})
                    continue
                for slot in slots:
                    rec = import_with_spec(self.ws, slot.path, slot.spec, who=self.who)
                    rows.append({"kind": kind, "file": slot.path.name, "rows": rec.rows})
        except InputError as err:
            self._say("Import stopped: a file changed since it was checked.", err.problems)
            return pd.DataFrame(rows)
        done = pd.DataFrame(rows)
        self._say("<span style='color:#2e7d32'><b>Imported</b></span>; the mappings are saved for the next export.",
                  None, done)
        self._invalidate()
        return done

    def _say(self, message: str, problems: pd.DataFrame | None = None, table: pd.DataFrame | None = None) -> None:
        self.status.value = message
        shown = problems if problems is not None and len(problems) else table
        self.problem_box.value = table_html(shown, max_rows=200, na_rep="") if shown is not None and len(shown) else ""
