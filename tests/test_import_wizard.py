"""The import wizard: files in, mapping suggested and edited, problems listed, nothing stored until clean."""
from __future__ import annotations

from pathlib import Path

import pytest

from revmentor_nb import Workspace
from revmentor_nb.demo.organisation import build_demo, write_inputs
from revmentor_nb.demo.workspace import demo_design

pytest.importorskip("ipywidgets")
from revmentor_nb.ui.import_wizard import EXTRA, ImportWizard  # noqa: E402

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture()
def ws(tmp_path):
    org = build_demo(2, n_employees=300)
    write_inputs(org, tmp_path / "ws" / "inputs")
    return Workspace.create(tmp_path / "ws", demo_design(list(org.grade_order), org.start_date))


def _widgets(wizard):
    for row in wizard.mapping_box.children:
        yield row
        yield from getattr(row, "children", ())


def _button(wizard, css):
    return next(w for w in _widgets(wizard) if css in getattr(w, "_dom_classes", ()))


_text = _button


def _dropdown(wizard, css):
    return next(w for row in wizard.mapping_box.children for w in getattr(row, "children", (row,))
                if css in getattr(w, "_dom_classes", ()))


def test_demo_files_import_through_the_wizard_in_order(ws):
    wizard = ImportWizard(ws, who="ana")
    assert "inputs/signups.csv" in wizard.path.options
    for kind in ("exclusions", "participants", "roster"):  # any order: roster goes in first
        wizard.add_file(ws.root / "inputs" / f"{'signups' if kind == 'participants' else kind}.csv", kind)
    assert [s.source for s in wizard.slots] == ["suggested"] * 3
    assert wizard.import_button.disabled
    assert wizard.check().empty and not wizard.import_button.disabled
    done = wizard.import_all()
    assert done["kind"].tolist() == ["roster", "participants", "exclusions"]
    assert ws.table("participants").shape[0] == done.set_index("kind").loc["participants", "rows"]
    assert ws.table("exclusions") is not None
    assert "Imported" in wizard.status.value
    log = ws.audit_log()
    assert set(log.loc[log["action"] == "import", "who"]) == {"ana"}


def test_problems_are_listed_and_nothing_is_stored_until_fixed(ws, tmp_path):
    bad = tmp_path / "signups.csv"
    header = "person_id,name,role,Dept,grade,Happy to be matched,offers,wants,site,manager_id"
    rows = ["p1,Ann,mentor,IT,A1,yes,AI tools,,L,", "p2,Bob,mentee,HR,D1,yes,,AI tools,L,",
            "p3,Cy,mentee,Ops,D2,no,,AI tools,L,"]
    text = [header, *rows]
    bad.write_text("\n".join([*text, "p4,Di,boss,IT,A2,yes,AI tools,,L,"]) + "\n")
    wizard = ImportWizard(ws)
    slot = wizard.add_file(bad, "participants")
    assert slot.spec.mapping["Dept"] == "department"
    assert slot.spec.mapping["Happy to be matched"] == ""  # not a known name: the person maps it
    problems = wizard.check()
    assert "consent" in set(problems["column"]) and wizard.import_button.disabled
    assert "problem(s)" in wizard.status.value and "required column" in wizard.problem_box.value
    assert not ws.has("participants")
    index = slot.headers.index("Happy to be matched")
    dd = _dropdown(wizard, f"rm-map-{index}")
    dd.value = "consent"  # what a person does in the dropdown
    assert slot.spec.mapping["Happy to be matched"] == "consent" and wizard.import_button.disabled
    problems = wizard.check()
    assert problems["row"].dropna().astype(int).tolist() == [5] and set(problems["column"]) == {"role"}
    assert "boss" in wizard.problem_box.value  # the bad value is shown (escaped) with its row and fix
    wizard.import_all()  # refuses: still a problem
    assert not ws.has("participants")
    bad.write_text("\n".join(text) + "\n")
    assert wizard.check().empty
    wizard.import_all()
    assert ws.table("participants").shape[0] == 3


def test_participant_text_is_escaped_in_the_problems_table(ws, tmp_path):
    evil = tmp_path / "evil.csv"
    evil.write_text("person_id,<b>name</b>,role,department,grade,consent,offers\n"
                    "p1,Ann,<img src=x onerror=alert(1)>,IT,A1,yes,t\n")
    wizard = ImportWizard(ws)
    wizard.add_file(evil, "participants")
    wizard.check()
    assert "<img" not in wizard.problem_box.value and "&lt;img" in wizard.problem_box.value
    shown = " ".join(c.value for row in wizard.mapping_box.children for c in getattr(row, "children", ())
                     if hasattr(c, "value") and isinstance(c.value, str) and "rm-wiz-example" in c.value)
    assert "&lt;b&gt;name&lt;/b&gt;" in shown and "&lt;img" in shown and "<img" not in shown


def test_forms_export_with_roles_per_file_and_a_mapping_reused_next_time(tmp_path, forms_sample):
    FORMS, fs = forms_sample.folder, forms_sample
    ws = Workspace.create(tmp_path / "forms")
    wizard = ImportWizard(ws)
    wizard.add_file(FORMS / "signups-mentors.csv", "participants", "mentor")
    wizard.add_file(FORMS / "signups-students.csv", "participants", "mentee")
    grid = _dropdown(wizard, "rm-map-grid")
    assert grid.value == "wants"  # the students' file is shown (the last added)
    problems = wizard.check()
    assert {"consent", "grade", "location"} <= set(problems["column"])
    assert "needed by rule 'grade_gap'" in " ".join(problems["problem"])
    offered = {c for w in _widgets(wizard) for c in getattr(w, "_dom_classes", ()) if c.startswith("rm-off-")}
    assert offered == {"rm-off-grade", "rm-off-location", "rm-off-consent"}  # students: dept
    for column in ("grade", "location"):  # the programme uses none of them
        _button(wizard, f"rm-off-{column}").click()
    wizard.pick.value = 0  # the mentors' file has no department either
    _button(wizard, "rm-off-department").click()
    assert set(ws.requirements()) == {"person_id", "name", "role", "consent"}
    assert not ws.design.matching.rules.grade_gap.enabled and not ws.design.matching.rules.location
    for i in (0, 1):
        wizard.pick.value = i
        _text(wizard, "rm-const-consent").value = "yes"
    assert wizard.check().empty
    wizard.import_all()
    people = ws.table("participants")
    assert len(people) == fs.n_mentors + fs.n_mentees
    assert people["role"].value_counts().to_dict() == {"mentee": fs.n_mentees, "mentor": fs.n_mentors}
    again = ImportWizard(ws)
    slot = again.add_file(FORMS / "signups-students.csv", "participants")
    assert slot.source == "saved mapping" and slot.spec.role == "mentee"
    assert slot.spec.constants["consent"] == "yes"
    assert again.mapping_box.children and _dropdown(again, "rm-map-0").value == "name"
    assert EXTRA in _dropdown(again, "rm-map-2").options
