"""mentor-match's sign-up format (mentors.csv + mentees.csv): reading, every problem, either rows, CLI, workspace."""
from __future__ import annotations

import subprocess
import tempfile
from pathlib import Path

import pandas as pd
import pytest
import yaml
from conftest import revmentor_cmd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from revmentor_nb import CIVIL_SERVICE_GRADES, Workspace, read_mentor_match
from revmentor_nb.design.program import DesignError, ProgramDesign
from revmentor_nb.errors import PROBLEM_COLUMNS, InputError
from revmentor_nb.io import contract
from revmentor_nb.io.load import load_participants
from revmentor_nb.io.mentor_match import mentor_match_side, read_mentor_match_file
from revmentor_nb.run.cli import main as cli_main
from revmentor_nb.run.validate import validate_file, validate_mentor_match
from revmentor_nb.workspace.declared import import_declared
from revmentor_nb.workspace.signups import design_signups

COMMON = ["first name", "last name", "email address", "both mentor and mentee", "job title", "grade",
          "organisation", "profession"]
from test_loaders import csv_text  # noqa: E402  (CSV text as a spreadsheet program writes it)

MENTOR_HEADER = COMMON + ["characteristics", "biography"]
MENTEE_HEADER = COMMON + ["match with similar identity", "identity to match", "biography"]




def mentor(email: str, grade: str = "SEO", org: str = "Department of Fun", both: str = "no",
           characteristics: str = "", first: str = "Ann", last: str = "Lee") -> list[str]:
    return [first, last, email, both, "Analyst", grade, org, "DDaT", characteristics, f"I am {first}."]


def mentee(email: str, grade: str = "EO", org: str = "Department of Joy", both: str = "no", opt_in: str = "no",
           identity: str = "", first: str = "Bo", last: str = "Kim") -> list[str]:
    return [first, last, email, both, "Officer", grade, org, "Policy", opt_in, identity, f"I am {first}."]


def write_pair(folder: Path, mentors: list[list[str]], mentees: list[list[str]],
               mentor_header: list[str] = MENTOR_HEADER, mentee_header: list[str] = MENTEE_HEADER) -> tuple[Path, Path]:
    folder.mkdir(parents=True, exist_ok=True)
    m, e = folder / "mentors.csv", folder / "mentees.csv"
    m.write_text(csv_text(mentor_header, mentors), encoding="utf-8")
    e.write_text(csv_text(mentee_header, mentees), encoding="utf-8")
    return m, e


def problems_of(call) -> pd.DataFrame:
    with pytest.raises(InputError) as info:
        call()
    problems = info.value.problems
    assert list(problems.columns) == PROBLEM_COLUMNS
    assert (problems["problem"].str.len() > 0).all() and (problems["fix"].str.len() > 0).all()
    return problems


def located(problems: pd.DataFrame) -> set[tuple[str, object, str]]:
    return {(f, None if pd.isna(r) else int(r), c) for f, r, c in zip(problems["file"], problems["row"], problems["column"])}


# --- the sample (synthetic, and the real civil-service one when ../shared is there), read in place --


@pytest.fixture(scope="session")
def sample(civil_sample) -> pd.DataFrame:
    return read_mentor_match(civil_sample.mentors, civil_sample.mentees)


def test_the_sample_reads_to_every_mentor_and_mentee(sample, civil_sample):
    cs = civil_sample
    assert len(sample) == cs.n_mentors + cs.n_mentees
    assert sample["role"].value_counts().to_dict() == {"mentor": cs.n_mentors, "mentee": cs.n_mentees}
    assert int(sample["identity_opt_in"].sum()) == cs.opted_in
    assert not sample["identity_opt_in"][sample["role"] == "mentor"].any()
    assert sample["person_id"].is_unique and (sample["person_id"] == sample["email"]).all()
    assert sample["consent"].all() and (sample["capacity"] == 3).all()
    assert sample.attrs["format"] == "mentor-match" and sample.attrs["either_rows"] == {}


def test_the_sample_rows_keep_their_fields_and_source_rows(sample, civil_sample):
    first = sample[sample["person_id"] == "mentor.000@gov.uk"].iloc[0]
    assert first["name"] == "mentor 000" and first["grade"] == "EO" and first["grade_rank"] == 3
    assert first["characteristics"] == ["Asexual or aromantic", "Gay"]
    assert first["department"] == first["organisation"] == "Department of Truth"
    assert first["profession"] == "DDaT" and first["job_title"] == "Some role" and not first["both"]
    assert (first["source_file"], first["source_row"]) == ("mentors.csv", 2)
    assert (first["mentor_capacity"], first["mentee_capacity"]) == (3, 0)
    assert first["identity"] == [] and first["offers"] == [] and first["wants"] == [] and first["interests"] == []
    m0 = sample[sample["person_id"] == "mentee.000@gov.uk"].iloc[0]
    assert m0["identity"] == ["Non-binary"] and not m0["identity_opt_in"] and m0["both"]
    assert (m0["source_file"], m0["source_row"], m0["mentee_capacity"], m0["mentor_capacity"]) == ("mentees.csv", 2, 3, 0)
    assert m0["characteristics"] == [] and m0["grade"] == "AA" and m0["grade_rank"] == 1
    mentees = sample[sample["role"] == "mentee"]
    assert (mentees["identity"].map(len) == 0).sum() == civil_sample.mentees_no_identity  # blank "identity to match" is an empty list
    assert sample["characteristics"].map(lambda v: isinstance(v, list)).all()
    assert (sample["characteristics"].map(len)[sample["role"] == "mentor"] == 0).sum() == civil_sample.mentors_no_characteristics
    assert list(sample.index[:2]) == [2, 3] and sample.index.name == "row"


def test_grade_rank_follows_the_civil_service_order(sample):
    expected = sample["grade"].map(lambda g: CIVIL_SERVICE_GRADES.index(g) + 1)
    assert (sample["grade_rank"] == expected).all()
    by_rank = sample.groupby("grade")["grade_rank"].first().sort_values()
    assert list(by_rank.index) == [g for g in CIVIL_SERVICE_GRADES if g in set(sample["grade"])]
    assert CIVIL_SERVICE_GRADES == ("AA", "AO", "EO", "HEO", "SEO", "Grade 7", "Grade 6", "SCS1", "SCS2", "SCS3", "SCS4")


def test_biography_is_dropped_unless_asked_for(sample, civil_sample):
    assert "biography" not in sample.columns
    kept = read_mentor_match(civil_sample.mentors, civil_sample.mentees, keep_biography=True)
    assert kept["biography"].iloc[0].startswith("My name is mentor 000.")
    assert kept.drop(columns="biography").equals(sample)


def test_dtypes_are_those_the_loader_gives(sample, tmp_path):
    """Every contract column has the dtype a loaded participants file has; lists are lists, flags bool."""
    names = [c.name for c in contract.PARTICIPANTS.columns]
    row = {"person_id": "P1", "name": "Ann", "email": "a@b.org", "role": "mentor", "department": "IT",
           "manager_id": "", "grade": "2", "location": "Leeds", "remote_ok": "yes", "offers": "data",
           "wants": "", "interests": "", "capacity": "2", "consent": "yes", "gender": "", "ethnicity": "",
           "age_band": "", "preferences": "", "mentor_capacity": "2", "mentee_capacity": "0", "roster_id": "E1",
           "profession": "DDaT", "characteristics": "Gay", "identity": "", "identity_opt_in": "no"}
    assert set(row) == set(names)
    path = tmp_path / "p.csv"
    path.write_text(csv_text(names, [[row[n] for n in names]]))
    loaded = load_participants(path)
    for name in [*names, "grade_rank"]:
        assert sample[name].dtype == loaded[name].dtype, name
    assert list(sample.columns[: len(loaded.columns)]) == list(loaded.columns)
    assert list(sample.columns[len(loaded.columns):]) == ["organisation", "job_title", "both", "source_file", "source_row"]
    assert sample["both"].dtype == bool and sample["source_row"].dtype == "int64"


# --- every problem, located, in one InputError ----------------------------------------------


def test_every_problem_of_both_files_is_listed_at_once(tmp_path):
    header = [h if h != "profession" else "profesion" for h in MENTOR_HEADER]
    mentors = [
        mentor("ann@x.gov.uk"),                                  # row 2: fine
        mentor(""),                                              # row 3: blank e-mail
        mentor("not-an-email"),                                  # row 4: malformed
        mentor("ANN@x.gov.uk"),                                  # row 5: repeats row 2 (case ignored)
        mentor("cy@x.gov.uk", grade="Grade 8"),                  # row 6: unknown grade
        mentor("di@x.gov.uk", both="maybe"),                     # row 7: neither yes nor no
        mentor("eve@x.gov.uk", grade="HEO", org="Department of Fun"),  # row 8: also a mentee, disagreeing
    ]
    mentees = [
        mentee("Eve@x.gov.uk", grade="SEO", org="Department of Joy"),  # row 2: grade and organisation differ
        mentee("fay@x.gov.uk", opt_in="perhaps"),                       # row 3: neither yes nor no
        mentee("gus@x.gov.uk"),                                         # row 4: fine
    ]
    m, e = write_pair(tmp_path, mentors, mentees, mentor_header=header)
    problems = problems_of(lambda: read_mentor_match(m, e, capacity=0))
    at = located(problems)
    assert {
        ("(settings)", None, "capacity"),
        ("mentors.csv", None, "profession"),
        ("mentors.csv", 3, "email address"),
        ("mentors.csv", 4, "email address"),
        ("mentors.csv", 5, "email address"),
        ("mentors.csv", 6, "grade"),
        ("mentors.csv", 7, "both mentor and mentee"),
        ("mentees.csv", 2, "grade"),
        ("mentees.csv", 2, "organisation"),
        ("mentees.csv", 3, "match with similar identity"),
    } <= at
    assert len(problems) == 10
    text = problems.set_index(["file", "column"])
    assert "closest header found: 'profesion'" in text.loc[("mentors.csv", "profession"), "fix"]
    grade_fix = problems.loc[problems["column"] == "grade", "fix"].iloc[0]
    assert all(g in grade_fix for g in CIVIL_SERVICE_GRADES)
    repeat = problems[(problems["row"] == 5)].iloc[0]
    assert "first on row 2" in repeat["problem"]
    disagree = problems[(problems["file"] == "mentees.csv") & (problems["row"] == 2)]
    assert disagree["problem"].str.contains("mentors.csv \\(row 8\\)").all()
    assert set(disagree["value"]) == {"SEO", "Department of Joy"}


def test_a_file_that_cannot_be_read_and_swapped_files_are_problems(tmp_path):
    m, e = write_pair(tmp_path, [mentor("a@x.gov.uk")], [mentee("b@x.gov.uk")])
    missing = problems_of(lambda: read_mentor_match(tmp_path / "nope.csv", e))
    assert located(missing) == {("nope.csv", None, "")}
    swapped = problems_of(lambda: read_mentor_match(e, m))
    assert swapped["problem"].str.contains("given as the").all() and len(swapped) == 2
    with pytest.raises(ValueError):
        read_mentor_match(None, None)


def test_blank_rows_are_skipped_and_counted_not_dropped(tmp_path):
    m, e = write_pair(tmp_path, [mentor("a@x.gov.uk"), [""] * 10, mentor("b@x.gov.uk")], [mentee("c@x.gov.uk")])
    frame = read_mentor_match(m, e)
    assert frame["source_row"].tolist() == [2, 4, 2]
    assert frame.attrs["blank_rows"] == {"mentors.csv": [3], "mentees.csv": []}


def test_headers_are_matched_loosely_and_an_xlsx_is_read(tmp_path):
    import openpyxl

    header = [h.upper().replace(" ", "_") for h in MENTOR_HEADER]
    m, e = write_pair(tmp_path, [mentor("a@x.gov.uk", grade="grade 7")], [mentee("b@x.gov.uk")], mentor_header=header)
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(MENTEE_HEADER)
    sheet.append(mentee("b@x.gov.uk", opt_in="Yes", identity="Gay"))
    book.save(tmp_path / "mentees.xlsx")
    frame = read_mentor_match(m, tmp_path / "mentees.xlsx")
    assert frame["grade_rank"].tolist() == [6, 3]
    assert frame["identity"].tolist() == [[], ["Gay"]] and frame["identity_opt_in"].tolist() == [False, True]
    assert frame["source_file"].tolist() == ["mentors.csv", "mentees.xlsx"]


# --- one person in both files ---------------------------------------------------------------


def test_a_person_in_both_files_is_one_either_row_with_merged_fields(tmp_path):
    mentors = [mentor("ann@x.gov.uk"),
               mentor(" Zed@X.gov.uk ", grade="HEO", org="Department of Fun", both="yes", characteristics="Gay, Lesbian",
                      first="Zed", last="Ray")]
    mentees = [mentee("bo@x.gov.uk"),
               mentee("zed@x.gov.uk", grade="heo", org="department  of fun", both="yes", opt_in="yes", identity="Lesbian",
                      first="Zed", last="Ray"),
               mentee("cy@x.gov.uk")]
    m, e = write_pair(tmp_path, mentors, mentees)
    frame = read_mentor_match(m, e, capacity=2)
    assert len(frame) == 4  # 2 + 3 sign-ups, one person twice
    assert frame["role"].tolist() == ["mentor", "either", "mentee", "mentee"]
    zed = frame[frame["role"] == "either"].iloc[0]
    assert zed["person_id"] == "Zed@X.gov.uk" and zed["name"] == "Zed Ray"
    assert zed["grade"] == "HEO" and zed["department"] == "Department of Fun"
    assert zed["characteristics"] == ["Gay", "Lesbian"]
    assert zed["identity"] == ["Lesbian"] and zed["identity_opt_in"] and zed["both"]
    assert (zed["capacity"], zed["mentor_capacity"], zed["mentee_capacity"]) == (4, 2, 2)
    assert (zed["source_file"], zed["source_row"]) == ("mentors.csv", 3)
    assert frame.attrs["either_rows"] == {"Zed@X.gov.uk": {"mentors_row": 3, "mentees_row": 3}}
    assert frame["source_row"][frame["role"] == "mentee"].tolist() == [2, 4]
    assert (frame.loc[frame["role"] == "mentor", ["capacity", "mentor_capacity", "mentee_capacity"]].iloc[0].tolist()
            == [2, 2, 0])


# --- property: all rows or an InputError, never another exception ----------------------------

PEOPLE = [(f"p{i}@dept.gov.uk", CIVIL_SERVICE_GRADES[i % 11], ["Department of Fun", "Department of Joy"][i % 2])
          for i in range(12)]
JUNK = st.one_of(st.text(st.characters(exclude_categories=("Cs",)), max_size=12),
                 st.sampled_from(["", "maybe", "Grade 8", "a@b", "x@y.org", "YES", "=cmd()", "a,b;;c", "line\nbreak",
                                  'quote " in', "Zoë 北京", "SCS5", " ", "no", "P1@DEPT.GOV.UK"]))


@st.composite
def signup_rows(draw, side: str) -> list[list[str]]:
    """Valid rows of one file, people drawn from a shared pool (so some sign up in both files)."""
    people = draw(st.lists(st.sampled_from(PEOPLE), max_size=8, unique=True))
    rows = []
    for email, grade, org in people:
        email = draw(st.sampled_from([email, email.upper(), f" {email} "]))
        grade = draw(st.sampled_from([grade, grade.lower(), f" {grade}"]))
        both = draw(st.sampled_from(["yes", "no", "Y", "", "No"]))
        if side == "mentors":
            chars = ", ".join(draw(st.lists(st.sampled_from(["Gay", "Lesbian", "Non-binary", "Transgender"]), max_size=3)))
            rows.append(mentor(email, grade, org, both, chars))
        else:
            rows.append(mentee(email, grade, org, both, draw(st.sampled_from(["yes", "no", ""])),
                               draw(st.sampled_from(["", "Gay", "Non-binary"]))))
    return rows


@st.composite
def mutated(draw, header: list[str], rows: list[list[str]]) -> tuple[list[str], list[list[str]], bool]:
    """A few cells, columns or row widths broken (or none): (header, rows, still valid)."""
    header, rows = list(header), [list(r) for r in rows]
    actions = draw(st.lists(st.sampled_from(["cell", "cell", "drop", "repeat", "ragged", "blank"]), max_size=3))
    for action in actions:
        if action == "cell" and rows:
            row = rows[draw(st.integers(0, len(rows) - 1))]
            if row:  # a ragged row may be shorter than the header
                row[draw(st.integers(0, len(row) - 1))] = draw(JUNK)
        elif action == "drop" and len(header) > 1:
            col = draw(st.integers(0, len(header) - 1))
            header, rows = header[:col] + header[col + 1:], [r[:col] + r[col + 1:] for r in rows]
        elif action == "repeat":
            col = draw(st.integers(0, len(header) - 1))
            header, rows = header + [header[col].upper()], [r + [r[col] if col < len(r) else ""] for r in rows]
        elif action == "ragged" and rows:
            i = draw(st.integers(0, len(rows) - 1))
            rows[i] = rows[i] + [draw(JUNK)] if draw(st.booleans()) else rows[i][:-1]
        elif action == "blank":
            rows.insert(draw(st.integers(0, len(rows))), [""] * len(header))
    return header, rows, not actions or set(actions) == {"blank"}


def data_rows(rows: list[list[str]]) -> list[int]:
    """Spreadsheet numbers of the rows holding anything (the header is row 1)."""
    return [i + 2 for i, r in enumerate(rows) if any(str(c).strip() for c in r)]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_read_mentor_match_returns_every_row_or_raises_input_error(data):
    m_header, m_rows, m_ok = data.draw(mutated(MENTOR_HEADER, data.draw(signup_rows("mentors"))))
    e_header, e_rows, e_ok = data.draw(mutated(MENTEE_HEADER, data.draw(signup_rows("mentees"))))
    delimiter = data.draw(st.sampled_from([",", ";"]))
    with tempfile.TemporaryDirectory() as tmp:
        m, e = Path(tmp) / "mentors.csv", Path(tmp) / "mentees.csv"
        bom = "\ufeff" if data.draw(st.booleans()) else ""
        m.write_text(bom + csv_text(m_header, m_rows, delimiter), encoding="utf-8")
        e.write_text(csv_text(e_header, e_rows, delimiter), encoding="utf-8")
        try:
            frame = read_mentor_match(m, e, capacity=data.draw(st.integers(1, 4)))
        except InputError as err:
            assert not (m_ok and e_ok), err.problems.to_string()
            assert len(err.problems) and list(err.problems.columns) == PROBLEM_COLUMNS
            assert (err.problems["problem"].str.len() > 0).all() and (err.problems["fix"].str.len() > 0).all()
            assert set(err.problems["file"]) <= {"mentors.csv", "mentees.csv", "(settings)"}
            return
    merged = [v["mentees_row"] for v in frame.attrs["either_rows"].values()]
    seen_m = frame.loc[frame["source_file"] == "mentors.csv", "source_row"].tolist()
    seen_e = frame.loc[frame["source_file"] == "mentees.csv", "source_row"].tolist()
    assert seen_m == data_rows(m_rows)
    assert sorted(seen_e + merged) == data_rows(e_rows)
    assert len(frame) == len(data_rows(m_rows)) + len(data_rows(e_rows)) - len(merged)
    assert frame["person_id"].str.casefold().is_unique
    assert set(frame["role"]) <= {"mentor", "mentee", "either"}
    assert (frame["capacity"] == frame["mentor_capacity"] + frame["mentee_capacity"]).all()


# --- revmentor validate ---------------------------------------------------------------------


def test_cli_validate_mentor_match_on_the_sample_prints_one_line_and_exits_0(civil_sample):
    cs = civil_sample
    out = subprocess.run(revmentor_cmd("validate", "mentor-match", str(cs.mentors), str(cs.mentees)),
                         capture_output=True, text=True, timeout=600)
    assert out.returncode == 0, out.stderr
    lines = out.stdout.strip().splitlines()
    assert len(lines) == 1
    assert (f"{cs.n_mentors} mentors, {cs.n_mentees} mentees, 0 both-role, {cs.opted_in} opted in to identity matching"
            in lines[0])


def test_cli_validate_mentor_match_lists_rows_of_a_bad_file_and_exits_1(tmp_path, capsys):
    m, e = write_pair(tmp_path, [mentor("a@x.gov.uk"), mentor("a@x.gov.uk", grade="G7")], [mentee("b@x.gov.uk", opt_in="?")])
    assert cli_main(["validate", "mentor-match", str(m), str(e)]) == 1
    err = capsys.readouterr().err
    assert "Traceback" not in err and "3 problems in mentors.csv and mentees.csv" in err
    lines = err.splitlines()
    assert any("mentors.csv" in ln and " 3 " in ln and "email address" in ln for ln in lines)
    assert any("mentors.csv" in ln and " 3 " in ln and "grade" in ln and "Grade 7" in ln for ln in lines)
    assert any("mentees.csv" in ln and " 2 " in ln and "match with similar identity" in ln for ln in lines)


def test_validate_one_mentor_match_file_as_the_half_its_headers_show(capsys, civil_sample):
    cs = civil_sample
    assert cli_main(["validate", "mentor-match", str(cs.mentees)]) == 0
    assert f"0 mentors, {cs.n_mentees} mentees, 0 both-role, {cs.opted_in} opted in" in capsys.readouterr().out
    code, text = validate_file("mentor-match", cs.mentors)
    assert code == 0 and f"{cs.n_mentors} mentors, 0 mentees" in text
    assert mentor_match_side(["First Name", "Last_Name", "Email", "characteristics"]) == "mentors"
    assert len(read_mentor_match_file(cs.mentors)) == cs.n_mentors


def test_validate_participants_on_a_mentor_match_file_names_the_right_command(civil_sample):
    code, text = validate_file("participants", civil_sample.mentors)
    assert code == 1
    assert f"revmentor validate mentor-match {civil_sample.mentors} {civil_sample.mentees}" in text
    assert "missing" not in text  # not five "required column is missing" lines


def test_validate_mentor_match_usage_errors(tmp_path, capsys, civil_sample):
    MENTORS, MENTEES = civil_sample.mentors, civil_sample.mentees
    assert validate_mentor_match([MENTORS, MENTEES, MENTORS])[0] == 2
    assert cli_main(["validate", "roster", str(MENTORS), str(MENTEES)]) == 2
    assert "takes one file" in capsys.readouterr().err
    other = tmp_path / "x.csv"
    other.write_text("a,b\n1,2\n")
    code, text = validate_mentor_match([other])
    assert code == 1 and "not those of a mentor-match" in text


# --- program.yaml inputs and the workspace ----------------------------------------------------


def mentor_match_design(mentors: object, mentees: object, **more: object) -> ProgramDesign:
    spec = {"format": "mentor-match", "mentors": str(mentors), "mentees": str(mentees), **more}
    return ProgramDesign.model_validate({"inputs": {"participants": spec}})


def test_a_workspace_imports_the_declared_mentor_match_sample_in_place(tmp_path, civil_sample):
    cs = civil_sample
    MENTORS, MENTEES, total = cs.mentors, cs.mentees, cs.n_mentors + cs.n_mentees
    ws = Workspace.create(tmp_path / "ws", mentor_match_design(MENTORS, MENTEES))  # absolute paths: read in place
    assert ws.resolve_input("participants") is None and ws.input_source("participants").mentors == str(MENTORS)
    before = design_signups(ws)  # the design stage reads the declared files without importing them
    assert len(before.frame) == total and "mentor-match" in before.source and not ws.has("participants")
    done = import_declared(ws, ["participants"], {"participants": None}, who="tester")
    assert done.to_dict("records") == [{"kind": "participants", "file": "mentors.csv + mentees.csv", "rows": total,
                                        "status": "imported"}]
    people = Workspace(ws.root).require("participants")
    assert len(people) == total and int(people["identity_opt_in"].sum()) == cs.opted_in
    assert people.loc[people["person_id"] == "mentor.000@gov.uk", "characteristics"].iloc[0] == ["Asexual or aromantic", "Gay"]
    assert "biography" not in people.columns
    stored = sorted(p.name for p in (ws.root / "imports").iterdir())
    assert len(stored) == 2 and all(p.endswith(".csv") for p in stored)
    again = import_declared(ws, ["participants"], who="tester")
    assert again["status"].tolist() == ["unchanged"] and len(ws.imports()) == 1
    log = ws.audit_log()
    entry = log[log["action"] == "import"].iloc[-1]
    assert entry["status"] == "ok" and entry["who"] == "tester" and entry["target"] == "participants"
    assert entry["detail"]["format"] == "mentor-match" and entry["detail"]["mentees"]["file"] == "mentees.csv"


def test_relative_paths_the_design_grade_order_and_a_changed_file(tmp_path):
    root = tmp_path / "ws"
    write_pair(root / "inputs", [mentor("a@x.gov.uk", grade="Junior")], [mentee("b@x.gov.uk", grade="Senior")])
    design = mentor_match_design("inputs/mentors.csv", "inputs/mentees.csv", capacity=2)
    ws = Workspace.create(root, design.model_copy(update={"grade_order": ["Junior", "Senior"]}))
    saved = yaml.safe_load((root / "program.yaml").read_text())
    assert saved["inputs"]["participants"] == {"format": "mentor-match", "mentors": "inputs/mentors.csv",
                                               "mentees": "inputs/mentees.csv", "capacity": 2}
    assert import_declared(ws, ["participants"])["status"].tolist() == ["imported"]
    people = ws.table("participants")
    assert people["grade_rank"].tolist() == [1, 2] and people["capacity"].tolist() == [2, 2]
    (root / "inputs" / "mentees.csv").write_text(csv_text(MENTEE_HEADER, [mentee("b@x.gov.uk", grade="Middle")]))
    with pytest.raises(InputError) as err:
        import_declared(ws, ["participants"])
    assert located(err.value.problems) == {("mentees.csv", 2, "grade")}
    assert len(ws.imports()) == 1 and ws.audit_log()["status"].tolist()[-1] == "failed"


def test_a_bad_mentor_match_input_in_program_yaml_names_the_key(tmp_path):
    Workspace.create(tmp_path)
    (tmp_path / "program.yaml").write_text(
        "inputs:\n  participants:\n    format: mentor-match\n    mentors: m.csv\n    capcity: 2\n")
    with pytest.raises(DesignError) as err:
        Workspace(tmp_path)
    keys = set(err.value.problems["column"])
    assert {"inputs.participants.mentees", "inputs.participants.capcity"} <= keys
    (tmp_path / "program.yaml").write_text("inputs:\n  participants:\n    format: excel\n    mentors: m.csv\n")
    with pytest.raises(DesignError) as err:
        Workspace(tmp_path)
    assert set(err.value.problems["column"]) == {"inputs.participants.format"}
    assert "mentor-match" in err.value.problems["fix"].iloc[0]
    (tmp_path / "program.yaml").write_text("inputs:\n  participants: people.csv\n")
    assert Workspace(tmp_path).resolve_input("participants") == tmp_path.resolve() / "people.csv"
