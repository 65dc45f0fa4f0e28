"""Bring your own programme, end to end, through the functions the widgets call (no browser).

A traditional scheme: `revmentor new --direction traditional`; the design form sets the dates and
readiness; a synthetic form export (no department, grade, manager or site column; ranked grid topics)
goes through the import wizard, which offers to switch off each rule that needs a missing column, takes
constants (consent, mentor capacity 2) and learns a grade order; match, lock one pair, accept, hand over.
The second import of the same export asks nothing. tests/browser/test_journey.py clicks the same path.
"""
from __future__ import annotations

from datetime import date, timedelta

import pytest

from journey_data import write_form_export
from revmentor_nb import Workspace, match
from revmentor_nb.io.forms import import_signup_files
from revmentor_nb.io.mapping import missing_required
from revmentor_nb.review.handover import current_export, export_review
from revmentor_nb.review.overrides import Review
from revmentor_nb.run.cli import main as cli

pytest.importorskip("ipywidgets")
from revmentor_nb.ui.design_form import DesignForm  # noqa: E402
from revmentor_nb.ui.import_wizard import ImportWizard  # noqa: E402


def _find(box, css):
    stack = [box]
    while stack:
        w = stack.pop()
        if css in getattr(w, "_dom_classes", ()):
            return w
        stack.extend(getattr(w, "children", ()))
    raise LookupError(css)


def _offered(wizard) -> set[str]:
    found, stack = set(), [wizard.mapping_box]
    while stack:
        w = stack.pop()
        found |= {c.removeprefix("rm-off-") for c in getattr(w, "_dom_classes", ()) if c.startswith("rm-off-")}
        stack.extend(getattr(w, "children", ()))
    return found


def test_a_traditional_scheme_from_form_export_to_reviewed_hand_over(tmp_path, capsys):
    root = tmp_path / "reading-scheme"
    assert cli(["new", str(root), "--direction", "traditional", "--name", "Maths Reading Scheme"]) == 0
    ws = Workspace(root)
    assert ws.design.scheme == "traditional"
    assert sorted(p.relative_to(root).as_posix() for p in (root / "templates").rglob("*.md")) == [
        "templates/agreement/traditional.md", "templates/intro/traditional.md"]
    files = write_form_export(root / "inputs")

    # validate from the command line: it says which rule needs the missing column
    assert cli(["validate", "participants", str(files["mentee"]), "--workspace", str(root)]) == 1
    said = capsys.readouterr().err
    assert "needed by rule 'different_department'" in said and "switch that off (matching.rules.different_department: false)" in said

    # the design form: a start in the future, readiness answered for a traditional scheme
    form = DesignForm(ws)
    start = date.today() + timedelta(days=60)
    form._inputs["schedule.start_date"].value = start
    assert form.date_warning.layout.display == "none"
    for q in ("mentors_available", "mentees_safe", "executive_sponsor", "confidentiality_agreed"):
        form._inputs[f"readiness.{q}"].value = "yes"
    assert form.save() is not None and "Maths Reading Scheme" in form.heading.value

    # the import wizard
    wizard = ImportWizard(ws, who="analyst")
    wizard.add_file(files["mentor"], "participants", "mentor")
    students = wizard.add_file(files["mentee"], "participants", "mentee")
    problems = wizard.check()
    assert {"consent", "department", "grade", "location"} <= set(problems["column"])
    assert _offered(wizard) >= {"department", "grade", "location"}
    for column in ("department", "grade", "location"):  # none of them is in this export
        _find(wizard.mapping_box, f"rm-off-{column}").click()
    assert set(ws.requirements()) == {"person_id", "name", "role", "consent"}
    wizard.set_mapping(1, "Class", "grade")  # the students' year, text with "5+": learn its order
    assert _find(wizard.mapping_box, "rm-grade-order").value == "1\n2\n3\n4\n5+"
    _find(wizard.mapping_box, "rm-grade-order-save").click()
    assert ws.design.grade_order == ["1", "2", "3", "4", "5+"]
    wizard.set_constant(1, "consent", "yes")
    wizard.pick.value = 0
    wizard.set_constant(0, "consent", "yes")
    _find(wizard.mapping_box, "rm-const-pick").value = "capacity"  # every mentor of this file takes two
    _find(wizard.mapping_box, "rm-const-value").value = "2"
    _find(wizard.mapping_box, "rm-const-add").click()
    assert "capacity</b> = 2 for every row of signups-mentors.csv" in wizard.status.value  # said, not silent
    assert wizard.slots[0].spec.constants == {"consent": "yes", "capacity": "2"} and students.spec.role == "mentee"
    assert wizard.check().empty
    wizard.import_all()
    people = ws.require("participants")
    assert len(people) == 28 and set(people.loc[people["role"] == "mentor", "capacity"]) == {2}

    # match (the notebook's call), lock one pair, accept explicitly, hand over
    result = match(people, roster=ws.table("roster"), exclusions=ws.table("exclusions"), locks=ws.table("locks"),
                   settings=ws.design.matching)
    review = Review(result, ws=ws, who="analyst", accept=False)
    first = review.result.pairs.iloc[0]
    review.lock(str(first["mentor_id"]), str(first["mentee_id"]))
    assert ws.match_run() is None  # nothing accepted by itself
    ws.accept_match(review.run_id, who="analyst")
    said = export_review(review, people)
    assert "agreements" in said
    pairs = review.result.pairs
    per_mentor = pairs.groupby("mentor_id").size()
    mentors = people.loc[people["role"] == "mentor", "person_id"]
    assert len(pairs) == 16 and per_mentor.reindex(mentors).fillna(0).eq(2).all()  # every mentor's 2 places used
    assert bool(pairs["locked"].any())

    folder = current_export(ws)
    assert folder is not None and folder.name == review.run_id
    written = [p for p in folder.rglob("*") if p.is_file()]
    assert len([p for p in written if p.parent.name == "agreements"]) == 2 * len(pairs)
    for path in [*written, root / "exports" / "index.html"]:
        text = path.read_text(encoding="utf-8", errors="ignore") if path.suffix != ".xlsx" else ""
        assert "reverse" not in text.casefold(), path
    intro = next(p for p in written if p.parent.name == "intros" and p.suffix == ".md").read_text()
    assert "Maths Reading Scheme" in intro and f"{start:%d %B %Y}" in intro and "brings experience" in intro
    assert "current (accepted)" in (root / "exports" / "index.html").read_text()

    # the next export of the same form: the saved mapping, no questions
    again = ImportWizard(ws)
    slots = [again.add_file(files["mentor"], "participants", "mentor"),
             again.add_file(files["mentee"], "participants", "mentee")]
    assert [s.source for s in slots] == ["saved mapping"] * 2
    assert all(missing_required(s.headers, s.spec, list(ws.requirements())) == [] for s in slots)
    assert again.check().empty
    record = import_signup_files(ws, [(files["mentor"], "mentor"), (files["mentee"], "mentee")])
    assert record.rows == 28


@pytest.mark.notebook
def test_the_design_report_of_a_traditional_scheme_says_nothing_reverse_specific(tmp_path):
    import re

    from revmentor_nb.run.pipeline import run_stages

    root = tmp_path / "reading-scheme"
    assert cli(["new", str(root), "--direction", "traditional", "--name", "Maths Reading Scheme"]) == 0
    run_stages(root, ["design"], {})
    page = (root / "reports" / "01_design.html").read_text(encoding="utf-8")
    text = re.sub(r"<[^>]+>", " ", re.sub(r"<(script|style)\b.*?</\1>", "", page, flags=re.S))
    assert "Maths Reading Scheme" in text and "Can mentees speak honestly" in text
    for word in ("reverse", "junior", "role reversal", "leaders ready"):
        assert word not in text.casefold(), word
