"""Column mapping: suggestions onto the contract, saved per workspace and found again for the same layout."""
from __future__ import annotations

import pytest

from revmentor_nb import Workspace
from revmentor_nb.errors import InputError
from revmentor_nb.io.forms import (
    check_signups,
    prepare,
    read_cells,
    read_signups,
    slug_ids,
)
from revmentor_nb.io.mapping import (
    FileSpec,
    find_saved_spec,
    fingerprint,
    missing_required,
    save_spec,
    suggest_spec,
    suggestion_table,
)

HEADERS = ["Staff No", "Full Name", "E-mail", "Dept", "Level", "Site", "Reference", "Departmnt code",
           "What can you teach? [AI tools]", "What can you teach? [Social media]"]


def test_suggestion_uses_names_aliases_close_spellings_and_grids():
    spec = suggest_spec(HEADERS, role="mentor")
    assert spec.mapping["Full Name"] == "name" and spec.mapping["E-mail"] == "email"
    assert spec.mapping["Dept"] == "department" and spec.mapping["Level"] == "grade"
    assert spec.mapping["Site"] == "location"
    assert spec.mapping["Reference"] == ""  # never guessed onto an optional column (preferences)
    assert spec.grids == {"What can you teach?": "offers"}
    assert spec.role == "mentor" and spec.id_from == "email"
    assert "What can you teach? [AI tools]" not in spec.mapping
    table = suggestion_table(HEADERS, spec)
    assert table.set_index("header").loc["Dept", "how"] == "known alias"
    assert table.set_index("header").loc["What can you teach? [AI tools]", "column"] == "offers"
    assert missing_required(HEADERS, spec) == ["consent"]


def test_close_spelling_of_a_required_column():
    spec = suggest_spec(["person id", "Nmae", "role", "Departmnet", "grade", "consent", "offers", "wants"])
    assert spec.mapping["Departmnet"] == "department"
    assert spec.mapping["Nmae"] == ""  # too short to guess safely: the wizard asks
    assert suggestion_table(["Departmnet"], spec).iloc[0]["how"] == "similar name"


def test_spec_validation_and_round_trip():
    with pytest.raises(ValueError, match="role"):
        FileSpec(role="boss")
    with pytest.raises(ValueError, match="grid questions"):
        FileSpec(grids={"Q": "hobbies"})
    spec = FileSpec(mapping={"A": "name"}, grids={"Q": "wants"}, role="mentee", constants={"consent": "yes"})
    assert FileSpec.from_dict(spec.to_dict()) == spec
    assert fingerprint(["B", "a "]) == fingerprint(["A", "b"]) != fingerprint(["A", "c"])


def test_saved_spec_is_found_for_the_same_layout_and_a_close_one(tmp_path):
    ws = Workspace.create(tmp_path / "ws")
    spec = suggest_spec(HEADERS, role="mentor")
    spec.constants["consent"] = "yes"
    save_spec(ws, HEADERS, spec, name="mentors.csv", who="ana")
    again = find_saved_spec(ws, list(reversed(HEADERS)))
    assert again == spec
    near = find_saved_spec(ws, HEADERS + ["Comments"])  # one column more: still this form
    assert near is not None and near.constants == {"consent": "yes"}
    assert find_saved_spec(ws, ["x", "y"]) is None
    assert find_saved_spec(ws, HEADERS, kind="roster") is None
    log = ws.audit_log()
    assert log["action"].tolist() == ["mapping.save"] and log["who"].tolist() == ["ana"]


def _write(path, rows):
    path.write_text("\n".join(",".join(r) for r in rows) + "\n", encoding="utf-8")
    return path


def test_prepare_and_check_a_messy_file(tmp_path):
    q = "What can you teach?"
    path = _write(tmp_path / "mentors.csv", [
        ["Full Name", "E-mail", "Dept", "Level", f"{q} [AI tools]", f"{q} [Social media]", f"{q} [Data]"],
        ["Zoë Ángel", "zoe@x.org", "Tech", "1", "Second Choice", "First Choice", ""],
        ["Sam Lee", "sam@x.org", "Ops", "2", "First Choice", "", "Third Choice"],
        ["Kim Ho", "kim@x.org", "Ops", "2", "", "sometimes", ""],
    ])
    spec = suggest_spec(read_cells(path).headers, role="mentor")
    prepared = prepare(read_cells(path), spec, "mentors.csv")
    assert prepared.text.loc[2, "offers"] == "Social media; AI tools"
    assert prepared.text.loc[3, "person_id"] == "sam@x.org"
    assert prepared.problems[["row", "column", "value"]].values.tolist() == [[4, f"{q} [Social media]", "sometimes"]]
    frame, problems = check_signups([(path, spec)])
    assert frame is None
    assert {(r, c) for r, c in zip(problems["row"].fillna(0), problems["column"])} >= {
        (4, f"{q} [Social media]"), (0, "consent")}
    spec.constants["consent"] = "yes"
    _write(path, [line.split(",") for line in path.read_text().splitlines()[:3]])  # drop the bad row
    people = read_signups([(path, spec)])
    assert people["offers"].tolist() == [["Social media", "AI tools"], ["AI tools", "Data"]]
    assert people["role"].tolist() == ["mentor", "mentor"] and people["consent"].all()
    assert slug_ids(people["name"]).tolist() == ["zoe-angel", "sam-lee"]


def test_ids_repeated_across_files_are_problems(tmp_path):
    a = _write(tmp_path / "a.csv", [["name", "department", "grade", "consent", "offers"], ["Jo", "X", "1", "yes", "t"]])
    b = _write(tmp_path / "b.csv", [["name", "department", "grade", "consent", "wants"], ["Jo", "Y", "5", "yes", "t"]])
    with pytest.raises(InputError) as err:
        read_signups([(a, suggest_spec(read_cells(a).headers, role="mentor")),
                      (b, suggest_spec(read_cells(b).headers, role="mentee"))])
    problems = err.value.problems
    assert problems["problem"].str.contains("also in a.csv").any() and (problems["file"] == "b.csv").all()
