"""A form export imports cleanly and matches: a synthetic one in the real export's layout (always), and the real
DRP export read in place from ../shared/data/forms-export/ when it is beside the clone (else skipped, with the reason)."""
from __future__ import annotations

import csv
from pathlib import Path

import pytest

from revmentor_nb import Workspace, match
from revmentor_nb.design.program import ProgramDesign
from revmentor_nb.io.forms import (
    FORMS_EXPORT_FILES,
    FORMS_EXPORT_RULES,
    forms_export_specs,
    import_signup_files,
    import_signups,
    read_cells,
    read_forms_export,
)
from revmentor_nb.io.grid import parse_choice, split_grid_header
from revmentor_nb.io.mapping import find_saved_spec


def _raw(folder: Path, name: str) -> list[dict[str, str]]:
    with open(folder / name, encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh))


def _expected_order(row: dict[str, str]) -> list[str]:
    """Topics ranked by an independent reading of the raw cells: best rank, then column order."""
    ranked = []
    for pos, (header, cell) in enumerate(row.items()):
        parts = split_grid_header(header)
        if parts is None or not cell.strip():
            continue
        ranks = [["first", "second", "third", "fourth"].index(p.strip().split()[0].lower()) + 1
                 for p in cell.split(",") if p.strip()]
        ranked.append((min(ranks), pos, parts[1]))
    return [t for _, _, t in sorted(ranked)]


@pytest.fixture(scope="module")
def people(forms_sample):
    return read_forms_export(forms_sample.folder, capacity=2)


def test_imports_every_row_with_roles_from_the_files(people, forms_sample):
    fs = forms_sample
    mentors, students = _raw(fs.folder, "signups-mentors.csv"), _raw(fs.folder, "signups-students.csv")
    assert len(people) == len(mentors) + len(students) == fs.n_mentors + fs.n_mentees
    assert people["role"].value_counts().to_dict() == {"mentee": fs.n_mentees, "mentor": fs.n_mentors}
    assert people["person_id"].is_unique
    assert people["consent"].all()
    assert (people.loc[people["role"] == "mentor", "capacity"] == 2).all()
    assert set(people["source_file"]) == set(FORMS_EXPORT_FILES.values())


def test_grid_cells_become_ordered_lists(people, forms_sample):
    by_name = people.set_index("name")
    for raw, column in ((_raw(forms_sample.folder, "signups-students.csv"), "wants"),
                        (_raw(forms_sample.folder, "signups-mentors.csv"), "offers")):
        for row in raw:
            assert by_name.loc[row["Name"].strip(), column] == _expected_order(row), row["Name"]
    # every mentee wants something, every mentor offers something
    assert (people.loc[people["role"] == "mentee", "wants"].map(len) > 0).all()
    assert (people.loc[people["role"] == "mentor", "offers"].map(len) > 0).all()


def test_the_odd_cells_are_read_not_dropped(people, forms_sample):
    rows = _raw(forms_sample.folder, "signups-students.csv")
    several = [r for r in rows if any("," in v and parse_choice(v) for v in r.values())]
    lone_break = [r for r in rows if any(v == "\n" for v in r.values())]
    assert several and lone_break
    for row in several + lone_break:
        assert people.set_index("name").loc[row["Name"].strip(), "wants"] == _expected_order(row)


def test_matches_with_department_grade_and_manager_rules_off(people, forms_sample):
    result = match(people, rules=FORMS_EXPORT_RULES)
    assert result.status == "optimal"
    assert result.n_pairs == forms_sample.n_mentees  # two places per mentor cover every student
    assert result.check_validity().empty
    assert all(len(t) > 0 for t in result.pairs["shared_topics"])
    names = {r.name for r in result.settings.rules.table()}
    assert {"different_department", "reporting_line", "grade_gap"}.isdisjoint(names)
    assert "shared_topic" in names


def test_default_rules_say_which_rule_needs_a_missing_column(people):
    """With the default rules on, the export (no grade, no department) is refused by name, never silently."""
    from revmentor_nb.matching.errors import MatchInputError

    with pytest.raises(MatchInputError) as err:
        match(people)
    problems = err.value.problems
    assert "grade_gap" in " ".join(problems["problem"]) and "switch the rule off" in " ".join(problems["fix"])


def test_forms_export_requires_what_its_rules_need():
    """One source: the columns the forms export is read with are those the design with its rules requires."""
    from revmentor_nb.design.columns import required_columns
    from revmentor_nb.io.forms import FORMS_EXPORT_REQUIRED

    design = ProgramDesign(matching={"rules": FORMS_EXPORT_RULES})
    assert tuple(required_columns(design)) == FORMS_EXPORT_REQUIRED


def test_workspace_import_saves_the_mapping_that_the_next_import_reuses(tmp_path, forms_sample):
    FORMS, total = forms_sample.folder, forms_sample.n_mentors + forms_sample.n_mentees
    ws = Workspace.create(tmp_path / "ws", ProgramDesign(name="DRP", matching={"rules": FORMS_EXPORT_RULES}))
    record = import_signups(ws, forms_export_specs(FORMS))
    assert record.rows == total
    saved = find_saved_spec(ws, read_cells(FORMS / "signups-students.csv").headers)
    assert saved is not None and saved.role == "mentee" and saved.constants["consent"] == "yes"
    # the next run reads the same files with the saved mappings: no questions asked
    again = import_signup_files(ws, [(FORMS / n, r) for r, n in FORMS_EXPORT_FILES.items()])
    assert again.rows == total
    log = ws.audit_log()
    assert (log["action"] == "mapping.save").sum() == 4 and (log["action"] == "import").sum() == 2
    assert sorted(p.suffix for p in (ws.root / "imports").iterdir()) == [".csv", ".csv"]
    result = match(ws.require("participants"), settings=ws.design.matching)
    assert result.n_pairs == forms_sample.n_mentors and result.status == "optimal"  # capacity 1: one student each


@pytest.mark.notebook
def test_headless_match_stage_reads_form_exports_with_the_saved_mapping(tmp_path, forms_sample):
    """`revmentor run DIR --stage match -p signup_files ...` after a person mapped the files once."""
    FORMS, n = forms_sample.folder, forms_sample.n_mentors
    from revmentor_nb.io.mapping import save_spec
    from revmentor_nb.run.pipeline import run_stages

    ws = Workspace.create(tmp_path / "ws", ProgramDesign(name="DRP", matching={"rules": FORMS_EXPORT_RULES}))
    for path, spec in forms_export_specs(FORMS):  # what the wizard saves
        save_spec(ws, read_cells(path).headers, spec, name=path.name)
    files = [[str(FORMS / name), role] for role, name in FORMS_EXPORT_FILES.items()]
    summary = run_stages(ws.root, ["match"], {"signup_files": files, "tradeoff_points": 3})
    html = summary.outcomes[0].report.read_text(encoding="utf-8")
    assert html.count('data-mime-type="image/svg+xml"') >= 4 and 'src="http' not in html
    assert "Student1<" not in html and "Mentor1<" not in html  # pseudonymous ids in the report
    accepted = Workspace(ws.root).match_run()
    assert accepted is not None and len(accepted.pairs) == n
    exports = ws.root / "exports" / accepted.id
    assert (exports / "pairs.xlsx").exists() and len(list((exports / "agreements").glob("*.html"))) == n
