"""Loaders: reading CSV/xlsx, header matching, every contract rule, validate_file."""
from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from revmentor_nb.errors import InputError
from revmentor_nb.io import contract
from revmentor_nb.io import parse as values
from revmentor_nb.io import read as tables
from revmentor_nb.io.load import load, load_participants, load_roster, validate_frame
from revmentor_nb.run.validate import validate_file

HEADER = ["person_id", "name", "email", "role", "department", "manager_id", "grade", "offers", "wants", "consent"]
GOOD = [
    ["P1", "Ann", "ann@example.org", "mentor", "Data", "", "2", "python; SQL", "", "yes"],
    ["P2", "Bob", "", "mentee", "Policy", "P1", "6", "", "AI tools", "no"],
    ["P3", "Cy", "cy@example.org", "either", "Ops", "P1", "4", "cloud", "data", "y"],
]


def csv_text(header: list[str], rows: list[list[str]], delimiter: str = ",") -> str:
    """CSV text as a spreadsheet program would write it."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue()


def write(tmp_path: Path, name: str, text: str, encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def participants_file(tmp_path: Path, rows: list[list[str]] | None = None, header: list[str] | None = None,
                      name: str = "participants.csv") -> Path:
    return write(tmp_path, name, csv_text(header or HEADER, GOOD if rows is None else rows))


def problems_of(call) -> pd.DataFrame:
    with pytest.raises(InputError) as info:
        call()
    problems = info.value.problems
    assert (problems["problem"].str.len() > 0).all() and (problems["fix"].str.len() > 0).all()
    return problems


def cells_at(problems: pd.DataFrame) -> set[tuple[object, str]]:
    return {(None if pd.isna(r) else int(r), c) for r, c in zip(problems["row"], problems["column"])}


def with_cell(rows: list[list[str]], row: int, column: str, value: str, header: list[str] = HEADER) -> list[list[str]]:
    out = [list(r) for r in rows]
    out[row][header.index(column)] = value
    return out


# --- reading files -------------------------------------------------------------------------


def test_valid_participants_follow_the_in_memory_format(tmp_path):
    df = load_participants(participants_file(tmp_path))
    expected = [c.name for c in contract.PARTICIPANTS.columns]
    expected.insert(expected.index("grade") + 1, "grade_rank")
    assert list(df.columns) == expected
    assert df.index.name == "row" and list(df.index) == [2, 3, 4]
    assert df["grade_rank"].dtype == "int64" and list(df["grade_rank"]) == [2, 6, 4]
    assert df["grade"].tolist() == ["2", "6", "4"]
    assert df["capacity"].dtype == "int64" and df["capacity"].tolist() == [1, 1, 1]
    assert df["consent"].dtype == bool and df["consent"].tolist() == [True, False, True]
    assert df["remote_ok"].dtype == bool and df["remote_ok"].all()
    assert df.loc[2, "offers"] == ["python", "SQL"] and df.loc[2, "wants"] == []
    assert df.loc[3, "email"] is None and df.loc[2, "manager_id"] is None
    assert df["role"].dtype == object and df["email"].dtype == object
    assert df.attrs["file"].endswith("participants.csv") and df.attrs["blank_rows"] == []
    assert df.attrs["mapping"]["person_id"] == "person_id"


def test_csv_with_bom_and_semicolons(tmp_path):
    rows = with_cell(GOOD, 0, "name", "Ann, Jr.")
    path = write(tmp_path, "p.csv", "\ufeff" + csv_text(HEADER, rows, delimiter=";"))
    df = load_participants(path)
    assert df.loc[2, "person_id"] == "P1" and df.loc[2, "name"] == "Ann, Jr."
    assert df.attrs["source"] == {"encoding": "utf-8-sig", "delimiter": ";"}


def test_semicolon_file_with_commas_in_quoted_header():
    assert tables.sniff_delimiter('id;"dept, unit";name\n1;a;b\n') == ";"
    assert tables.sniff_delimiter("a,b;c,d\n") == ","
    assert tables.sniff_delimiter("only\n1\n") == ","


def test_cp1252_file_falls_back_instead_of_crashing(tmp_path):
    rows = with_cell(GOOD, 0, "name", "Zoë Renée")
    path = write(tmp_path, "p.csv", csv_text(HEADER, rows), encoding="cp1252")
    df = load_participants(path)
    assert df.loc[2, "name"] == "Zoë Renée" and df.attrs["source"]["encoding"] == "cp1252"


def test_utf16_export_is_read(tmp_path):
    path = write(tmp_path, "p.csv", "\ufeff" + csv_text(HEADER, GOOD), encoding="utf-16-le")
    assert len(load_participants(path)) == 3


def test_blank_lines_are_skipped_but_rows_keep_their_numbers(tmp_path):
    text = csv_text(HEADER, GOOD[:1]) + "\n , ,,\n" + csv_text(HEADER, GOOD[1:]).split("\n", 1)[1] + "\n\n"
    df = load_participants(write(tmp_path, "p.csv", text))
    assert list(df.index) == [2, 5, 6]
    assert df.attrs["blank_rows"] == [3, 4]


def test_quoted_line_break_is_one_spreadsheet_row(tmp_path):
    rows = with_cell(GOOD, 0, "name", "Ann\nSecond line")
    df = load_participants(participants_file(tmp_path, rows))
    assert list(df.index) == [2, 3, 4] and df.loc[2, "name"] == "Ann\nSecond line"


def test_xlsx_first_sheet_as_text_with_iso_dates(tmp_path):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Employee ID", "Manager", "Dept", "Level", "Start Date", "Leave date"])
    sheet.append(["E1", None, "Ops", 7, dt.datetime(2020, 1, 31), None])
    sheet.append([None] * 6)
    sheet.append(["E2", "E1", "Ops", 5.0, dt.date(2021, 5, 1), "2023-02-01"])
    sheet.append([3, "E1", "Data", 4, "01/02/2022", dt.datetime(2024, 3, 1, 12, 30)])
    book.create_sheet("ignored").append(["nothing", "here"])
    path = tmp_path / "roster.xlsx"
    book.save(path)
    df = load_roster(path)
    assert list(df.index) == [2, 4, 5] and df.attrs["blank_rows"] == [3]
    assert df["person_id"].tolist() == ["E1", "E2", "3"]
    assert df["grade"].tolist() == ["7", "5", "4"] and df["grade_rank"].tolist() == [7, 5, 4]
    assert df["hire_date"].dtype == "datetime64[ns]"
    assert df["hire_date"].dt.strftime("%Y-%m-%d").tolist() == ["2020-01-31", "2021-05-01", "2022-02-01"]
    assert df.loc[5, "exit_date"] == pd.Timestamp("2024-03-01 12:30")
    assert df.attrs["mapping"] == {"Employee ID": "person_id", "Manager": "manager_id", "Dept": "department",
                                   "Level": "grade", "Start Date": "hire_date", "Leave date": "exit_date"}


def test_excel_cell_text():
    assert tables.excel_text(3.0) == "3" and tables.excel_text(2.5) == "2.5"
    assert tables.excel_text(True) == "true" and tables.excel_text(None) == ""
    assert tables.excel_text(dt.datetime(2024, 1, 2)) == "2024-01-02"
    assert tables.excel_text(dt.datetime(2024, 1, 2, 9, 5)) == "2024-01-02 09:05:00"


def test_headers_match_case_spaces_underscores_and_aliases(tmp_path):
    header = ["  PERSON   ID ", "Full_Name", "E-mail", "Programme Role", "DEPT", "line_manager", "Job Grade",
              "Can Teach", "Learning Goals", "Opt-In", "Favourite Colour"]
    rows = [r + ["blue"] for r in GOOD]
    df = load_participants(participants_file(tmp_path, rows, header))
    assert df["person_id"].tolist() == ["P1", "P2", "P3"]
    assert df.loc[2, "offers"] == ["python", "SQL"] and df.loc[3, "wants"] == ["AI tools"]
    assert list(df.columns)[-1] == "Favourite Colour" and df["Favourite Colour"].tolist() == ["blue"] * 3
    assert df.attrs["mapping"]["Full_Name"] == "name" and "Favourite Colour" not in df.attrs["mapping"]


def test_user_mapping_takes_precedence_over_aliases(tmp_path):
    header = ["Staff Ref", "id", "name", "email", "role", "Dept Name", "manager_id", "grade", "offers", "wants", "consent"]
    rows = [[r[0], "X" + r[0]] + r[1:] for r in GOOD]
    df = load_participants(participants_file(tmp_path, rows, header),
                           mapping={"staff ref": "person_id", "Dept Name": "Department", "id": None})
    assert df["person_id"].tolist() == ["P1", "P2", "P3"]
    assert df["id"].tolist() == ["XP1", "XP2", "XP3"]  # mapped away: kept as an extra column
    assert df["department"].tolist() == ["Data", "Policy", "Ops"]
    assert df.attrs["mapping"]["Staff Ref"] == "person_id"


def test_bad_mappings_are_problems(tmp_path):
    path = participants_file(tmp_path)
    problems = problems_of(lambda: load_participants(path, mapping={"name": "nickname", "email": "person_id", "Person ID": "person_id"}))
    assert problems["problem"].str.contains("not a participants column").any()
    assert problems["problem"].str.contains("sends both").any()


def test_competing_aliases_are_not_guessed(tmp_path):
    header = [h if h != "department" else "team" for h in HEADER] + ["dept"]
    rows = [r + ["x"] for r in GOOD]
    problems = problems_of(lambda: load_participants(participants_file(tmp_path, rows, header)))
    (fix,) = problems.loc[problems["column"] == "department", "fix"]
    assert "'team'" in fix and "'dept'" in fix


def test_duplicate_headers_are_problems(tmp_path):
    header = HEADER + ["Notes", "notes"]
    rows = [r + ["a", "b"] for r in GOOD]
    problems = problems_of(lambda: load_participants(participants_file(tmp_path, rows, header)))
    assert len(problems) == 1 and "appears more than once" in problems.loc[0, "problem"]
    assert pd.isna(problems.loc[0, "row"])


def test_cells_right_of_the_last_header_are_problems(tmp_path):
    text = csv_text(HEADER, GOOD) + "P4,Di,,mentee,Ops,,3,,art,yes,surprise\nP5,Ed\n"
    problems = problems_of(lambda: load_participants(write(tmp_path, "p.csv", text)))
    assert (5, "column K") in cells_at(problems)  # located: the first cell beyond the header
    assert cells_at(problems) >= {(6, "role"), (6, "department"), (6, "grade"), (6, "consent")}


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        ("empty.csv", b"", "empty"),
        ("blank.csv", b"\n \n,,\n", "empty"),
        ("people.json", b"{}", "unsupported file type"),
        ("old.xls", b"\xd0\xcf\x11\xe0", "old Excel format"),
        ("broken.xlsx", b"this is not a zip", "could not be opened as an Excel workbook"),
        ("zipped.csv", b"PK\x03\x04rest", "Excel workbook saved with a text-file name"),
        ("binary.csv", b"\x00\x01\x02\x00", "not text"),
        ("renamed.csv", b"\xd0\xcf\x11\xe0\xa1\xb1", "old Excel (.xls) workbook saved"),
    ],
)
def test_unreadable_files_are_problems_not_tracebacks(tmp_path, name, content, expected):
    path = tmp_path / name
    path.write_bytes(content)
    problems = problems_of(lambda: load_participants(path))
    assert len(problems) == 1 and expected in problems.loc[0, "problem"]
    assert problems.loc[0, "file"] == name


def test_missing_file_and_folder_are_problems(tmp_path):
    assert "file not found" in problems_of(lambda: load("roster", tmp_path / "nope.csv")).loc[0, "problem"]
    assert "folder" in problems_of(lambda: load("roster", tmp_path)).loc[0, "problem"]


def test_header_only_file_is_an_empty_valid_frame(tmp_path):
    df = load("exclusions", write(tmp_path, "ex.csv", "person_a,person_b,reason\n"))
    assert df.empty and list(df.columns) == ["person_a", "person_b", "reason"]


def test_headerless_column_with_data_is_kept(tmp_path):
    text = csv_text(HEADER + [""], [r + ["note"] for r in GOOD])
    df = load_participants(write(tmp_path, "p.csv", text))
    assert df["column K"].tolist() == ["note"] * 3


def test_read_table_returns_text_and_mapping(tmp_path):
    frame, mapping = tables.read_table(participants_file(tmp_path), "participants")
    assert frame.loc[2, "grade"] == "2" and frame.loc[2, "manager_id"] == ""
    assert mapping["consent"] == "consent"


# --- value parsers -----------------------------------------------------------------------


def s(*cells: str) -> pd.Series:
    return pd.Series(list(cells), dtype=object)


def test_bool_parser():
    parsed = values.parse_bool(s("Yes", "n", "TRUE", "0", "1", "y", "No", "maybe", ""))
    assert parsed.values.tolist() == [True, False, True, False, True, True, False, None, None]
    assert parsed.bad.tolist() == [False] * 7 + [True, False]


def test_int_and_float_parsers():
    ints = values.parse_int(s("3", "3.0", "-2", "3.5", "x", ""))
    assert ints.bad.tolist() == [False, False, False, True, True, False]
    assert ints.values.dtype == "Int64" and ints.values.tolist()[:3] == [3, 3, -2]
    floats = values.parse_float(s("3.5", "3,5", "1e3", "inf", "x", ""))
    assert floats.values.tolist()[:3] == [3.5, 3.5, 1000.0]
    assert floats.bad.tolist() == [False, False, False, True, True, False]


def test_date_parser_is_explicit():
    parsed = values.parse_date(s("2024-03-31", "31/03/2024", "2024-03-31 14:05:00", "2024-03-31T00:00:00",
                                 "03/31/2024", "31/02/2024", "2024.03.31", "March 3", "0224-01-01", ""))
    assert parsed.values.dtype == "datetime64[ns]"
    assert parsed.values.iloc[0] == parsed.values.iloc[1] == pd.Timestamp("2024-03-31")
    assert parsed.values.iloc[2] == pd.Timestamp("2024-03-31 14:05")
    assert parsed.bad.tolist() == [False] * 4 + [True] * 5 + [False]


def test_list_email_enum_grade_parsers():
    assert values.parse_list(s(" a ; b;;A; c", "")).values.tolist() == [["a", "b", "c"], []]
    assert values.parse_email(s("a@b.org", "a@b", "a b@c.org", "a..b@c.org", "")).bad.tolist() == [
        False, True, True, True, False]
    assert values.parse_enum(s("Mentor", "boss"), contract.ROLES).values.tolist() == ["mentor", None]
    graded = values.parse_grade(s("heo", "Grade  7", "SCS1", "x"), ["AA", "HEO", "Grade 7", "SCS1"])
    assert graded.values.tolist()[:3] == [2, 3, 4] and graded.bad.tolist() == [False, False, False, True]
    with pytest.raises(ValueError):
        values.grade_ranks(["AA", "aa"])


def test_contract_aliases_are_unambiguous_within_each_kind():
    for k in contract.KINDS.values():
        owner: dict[str, str] = {}
        for c in k.columns:
            for n in (c.name, *c.aliases):
                assert owner.setdefault(tables.normalise_header(n), c.name) == c.name, (k.name, n)


# --- participants rules --------------------------------------------------------------------


def test_acceptance_five_problems_with_rows(tmp_path):
    header = [h if h != "department" else "dept name" for h in HEADER]
    rows = [
        ["P1", "Ann", "", "mentor", "Data", "", "5", "python", "", "yes"],
        ["P2", "Bob", "", "mentee", "Data", "P3", "senior", "", "ai", "yes"],  # grade senior; P2<->P3 cycle
        ["P3", "Cy", "", "mentor", "Ops", "P2", "4", "cloud", "", "yes"],
        ["P1", "Dee", "", "mentee", "Ops", "P99", "2", "", "ai", "yes"],  # duplicate id; unknown manager
    ]
    problems = problems_of(lambda: load_participants(participants_file(tmp_path, rows, header)))
    assert cells_at(problems) == {(None, "department"), (3, "grade"), (3, "manager_id"), (4, "manager_id"),
                                  (5, "person_id"), (5, "manager_id")}
    by = {(None if pd.isna(r) else int(r), c): (p, f) for r, c, p, f in
          zip(problems["row"], problems["column"], problems["problem"], problems["fix"])}
    assert by[(None, "department")][1] == "add a 'department' column (closest header found: 'dept name')"
    assert "first on row 2" in by[(5, "person_id")][0]
    assert "grade_order" in by[(3, "grade")][1] and "integer" in by[(3, "grade")][1]
    assert "P99" in by[(5, "manager_id")][0]
    assert by[(3, "manager_id")][0] == by[(4, "manager_id")][0] == "manager cycle: P2 → P3 → P2"
    assert set(problems["file"]) == {"participants.csv"}


def test_blank_required_values(tmp_path):
    rows = with_cell(with_cell(GOOD, 0, "name", " "), 1, "consent", "")
    problems = problems_of(lambda: load_participants(participants_file(tmp_path, rows)))
    assert cells_at(problems) == {(2, "name"), (3, "consent")}
    assert problems["problem"].str.endswith("is blank").all()


def test_bad_role_email_consent_remote_capacity(tmp_path):
    header = HEADER + ["remote_ok", "capacity"]
    rows = [r + ["yes", "2"] for r in GOOD]
    rows = with_cell(rows, 0, "role", "boss", header)
    rows = with_cell(rows, 0, "email", "ann(at)example.org", header)
    rows = with_cell(rows, 1, "consent", "maybe", header)
    rows = with_cell(rows, 1, "remote_ok", "sometimes", header)
    rows = with_cell(rows, 2, "capacity", "0", header)
    rows.append(["P4", "Di", "", "mentor", "Ops", "", "3", "x", "", "yes", "no", "two"])
    rows.append(["P5", "Ed", "", "mentor", "Ops", "", "3", "x", "", "yes", "", "1.5"])
    problems = problems_of(lambda: load_participants(participants_file(tmp_path, rows, header)))
    assert cells_at(problems) == {(2, "role"), (2, "email"), (3, "consent"), (3, "remote_ok"),
                                  (4, "capacity"), (5, "capacity"), (6, "capacity")}
    fixes = dict(zip(problems["column"], problems["fix"]))
    assert fixes["role"] == "use one of: mentor, mentee, either"
    assert fixes["consent"].startswith("use yes or no")


def test_grade_order_gives_ranks_case_insensitively(tmp_path):
    rows = [with_cell(GOOD, i, "grade", g)[i] for i, g in enumerate(["eo", "Grade 7", "SCS1"])]
    df = load_participants(participants_file(tmp_path, rows), grade_order=["AA", "AO", "EO", "HEO", "Grade 7", "SCS1"])
    assert df["grade"].tolist() == ["eo", "Grade 7", "SCS1"] and df["grade_rank"].tolist() == [3, 5, 6]
    rows[0][HEADER.index("grade")] = "senior"
    problems = problems_of(lambda: load_participants(participants_file(tmp_path, rows), grade_order=["EO", "Grade 7", "SCS1"]))
    assert cells_at(problems) == {(2, "grade")} and "declared in grade_order" in problems.loc[0, "fix"]


def test_managers_resolve_through_the_roster(tmp_path):
    roster = pd.DataFrame({"person_id": ["R1", "R2", "P1"], "manager_id": ["R2", None, "R1"]})
    rows = with_cell(GOOD, 0, "manager_id", "R1")
    df = load_participants(participants_file(tmp_path, rows), roster=roster)
    assert df.loc[2, "manager_id"] == "R1"
    rows = with_cell(rows, 1, "manager_id", "R9")
    problems = problems_of(lambda: load_participants(participants_file(tmp_path, rows), roster=roster))
    assert cells_at(problems) == {(3, "manager_id")} and "participants or the roster" in problems.loc[0, "problem"]


def test_cycle_through_the_roster_and_self_manager(tmp_path):
    roster = pd.DataFrame({"person_id": ["R1", "R2"], "manager_id": ["R2", "P1"]})
    rows = with_cell(with_cell(GOOD, 0, "manager_id", "R1"), 2, "manager_id", "P3")
    problems = problems_of(lambda: load_participants(participants_file(tmp_path, rows), roster=roster))
    assert cells_at(problems) == {(2, "manager_id"), (4, "manager_id")}
    texts = dict(zip(problems["row"], problems["problem"]))
    assert texts[2] == "manager cycle: P1 → R1 → R2 → P1 (3 people)"
    assert texts[4] == "manager cycle: P3 → P3"


def test_long_cycle_lists_every_row(tmp_path):
    n = 30
    rows = [[f"P{i}", f"N{i}", "", "mentee", "D", f"P{(i + 1) % n}", "1", "", "x", "yes"] for i in range(n)]
    problems = problems_of(lambda: load_participants(participants_file(tmp_path, rows)))
    assert sorted(problems["row"]) == list(range(2, n + 2))
    assert problems["problem"].str.contains("(30 people)", regex=False).all()


def test_mentors_need_offers_and_mentees_need_wants(tmp_path):
    rows = with_cell(with_cell(GOOD, 0, "offers", ""), 1, "wants", " ; ")
    rows = with_cell(with_cell(rows, 2, "offers", ""), 2, "wants", "")
    problems = problems_of(lambda: load_participants(participants_file(tmp_path, rows)))
    assert cells_at(problems) == {(2, "offers"), (3, "wants"), (4, "offers"), (4, "wants")}
    assert "role is either but offers is blank" in set(problems["problem"])


def test_missing_offers_column_is_one_problem(tmp_path):
    header = [h for h in HEADER if h != "offers"]
    rows = [[c for h, c in zip(HEADER, r) if h != "offers"] for r in GOOD]
    problems = problems_of(lambda: load_participants(participants_file(tmp_path, rows, header)))
    assert cells_at(problems) == {(None, "offers")} and "2 rows" in problems.loc[0, "problem"]


def test_preferences_must_name_participants(tmp_path):
    header = HEADER + ["preferences"]
    rows = [r + [p] for r, p in zip(GOOD, ["P2; P3", "P1; ghost; P9", ""])]
    problems = problems_of(lambda: load_participants(participants_file(tmp_path, rows, header)))
    assert cells_at(problems) == {(3, "preferences")} and problems.loc[0, "problem"].endswith("ghost, P9")


def test_every_problem_is_listed_at_once(tmp_path):
    rows = [["", "", "bad", "x", "", "", "?", "", "", "?"]] * 3
    problems = problems_of(lambda: load_participants(participants_file(tmp_path, rows)))
    assert len(problems) == 3 * 7  # blank id, name, department; bad email, role, grade, consent
    assert set(problems["row"]) == {2, 3, 4}


# --- roster --------------------------------------------------------------------------------

ROSTER_HEADER = ["person_id", "manager_id", "department", "grade", "hire_date", "exit_date"]


def roster_file(tmp_path: Path, rows: list[list[str]]) -> Path:
    return write(tmp_path, "roster.csv", csv_text(ROSTER_HEADER, rows))


def test_valid_roster(tmp_path):
    rows = [["R1", "", "Exec", "9", "2001-01-01", ""], ["R2", "R1", "Ops", "5", "15/06/2010", "2020-01-01"]]
    df = load_roster(roster_file(tmp_path, rows))
    assert df["exit_date"].isna().tolist() == [True, False]
    assert df["last_promotion_date"].dtype == "datetime64[ns]" and df["last_promotion_date"].isna().all()
    assert validate_file("roster", tmp_path / "roster.csv") == (0, "roster.csv: 2 rows, 2 departments — valid")


def test_roster_problems(tmp_path):
    rows = [
        ["R1", "", "Exec", "9", "2001-01-01", ""],
        ["R1", "R1", "Ops", "5", "2010-13-01", ""],  # duplicate id, self-managed, bad date
        ["R3", "R4", "Ops", "5", "2015-01-01", "2014-12-31"],  # exit before hire; R3<->R4 cycle
        ["R4", "R3", "Ops", "4", "2016-01-01", ""],
        ["R5", "R404", "Ops", "3", "2016-01-01", ""],  # unknown manager
    ]
    problems = problems_of(lambda: load_roster(roster_file(tmp_path, rows)))
    assert cells_at(problems) == {(3, "person_id"), (3, "manager_id"), (3, "hire_date"), (4, "exit_date"),
                                  (4, "manager_id"), (5, "manager_id"), (6, "manager_id")}
    texts = set(problems["problem"])
    assert "exit_date 2014-12-31 is before hire_date 2015-01-01" in texts
    assert "manager 'R404' is not a person_id in the roster" in texts


# --- other kinds ---------------------------------------------------------------------------

PEOPLE = pd.DataFrame({"person_id": ["P1", "P2", "P3"]})


def test_exclusions_and_locks(tmp_path):
    path = write(tmp_path, "ex.csv", "Person 1,Person 2,reason\nP1,P2,same team\nP1,P1,\nP1,P9,\n")
    problems = problems_of(lambda: load("exclusions", path, participants=PEOPLE))
    assert cells_at(problems) == {(3, "person_b"), (4, "person_b")}
    locks = write(tmp_path, "locks.csv", "mentor,mentee\nP1,P2\n")
    assert load("locks", locks, participants=PEOPLE).loc[2].tolist() == ["P1", "P2"]


def test_meetings(tmp_path):
    path = write(tmp_path, "m.csv", "mentor_id,mentee_id,date,duration_min,mode\n"
                                    "P1,P2,2024-03-01,45,video\nP1,P2,1 March,-5,\nP1,P2,01/04/2024,,\nP1,P2,2024-04-02,abc,\n")
    problems = problems_of(lambda: load("meetings", path, participants=PEOPLE))
    assert cells_at(problems) == {(3, "date"), (3, "duration_min"), (5, "duration_min")}
    fixed = path.read_text().replace("1 March,-5", "2024-03-08,30").replace("abc", "60")
    df = load("meetings", write(tmp_path, "m2.csv", fixed))
    assert df["duration_min"].dtype == "Int64" and df["duration_min"].isna().tolist() == [False, False, True, False]


def test_checkins(tmp_path):
    path = write(tmp_path, "c.csv", "person_id,date,stage,satisfaction,on_track,comment\n"
                                    "P1,2024-03-01,Kickoff,5,yes,fine\nP2,2024-03-01,launch,6,perhaps,\nP9,2024-03-01,pulse,,,\n")
    problems = problems_of(lambda: load("checkins", path, participants=PEOPLE))
    assert cells_at(problems) == {(3, "stage"), (3, "satisfaction"), (3, "on_track"), (4, "person_id")}
    ok = load("checkins", write(tmp_path, "ok.csv", "person_id,date,stage,satisfaction,on_track\nP1,2024-03-01,Final,4,\n"))
    assert ok.loc[2, "stage"] == "final" and ok.loc[2, "on_track"] is None


def test_assessments_with_score_or_items(tmp_path):
    path = write(tmp_path, "a.csv", "person_id,stage,instrument,score,q1,q2,comment\n"
                                    "P1,pre,confidence,3.5,,,ok\nP1,post,confidence,,4,5,\nP2,mid,confidence,,,,\n"
                                    "P2,post,confidence,,4,x,\n")
    problems = problems_of(lambda: load("assessments", path))
    assert cells_at(problems) == {(4, "stage"), (4, "score"), (5, "q2")}
    good = path.read_text().replace("mid,confidence,,,,", "pre,confidence,2,,,").replace("4,x", "4,3")
    df = load("assessments", write(tmp_path, "a2.csv", good))
    assert df.attrs["items"] == ["q1", "q2"] and df["q1"].dtype == "float64" and df["comment"].dtype == object
    no_scores = write(tmp_path, "a3.csv", "person_id,stage,instrument,comment\nP1,pre,x,hello\n")
    assert cells_at(problems_of(lambda: load("assessments", no_scores))) == {(None, "score")}


def test_training_and_agreements(tmp_path):
    training = write(tmp_path, "t.csv", "person_id,course,completed\nP1,intro,2024-01-05\nP2,intro,\n")
    assert cells_at(problems_of(lambda: load("training", training))) == {(3, "completed_on")}
    agreements = write(tmp_path, "ag.csv", "mentor_id,mentee_id,signed_on\nP1,P2,2024-01-05\nP3,P3,2024-01-05\n")
    assert cells_at(problems_of(lambda: load("agreements", agreements))) == {(3, "mentee_id")}


# --- frames in memory and validate_file --------------------------------------------------


def test_validate_frame_checks_memory_like_a_file():
    frame = pd.DataFrame({"Employee ID": ["E1", "E2"], "Manager": [None, "E1"], "team": ["A", "B"],
                          "level": [3, 2.0], "joined": [pd.Timestamp("2020-01-01"), "2021-02-03"]})
    df = validate_frame("roster", frame, file="wizard")
    assert list(df.index) == [2, 3] and df["grade_rank"].tolist() == [3, 2]
    frame["level"] = frame["level"].astype(object)
    frame.loc[1, "level"] = "high"
    problems = problems_of(lambda: validate_frame("roster", frame, file="wizard"))
    assert cells_at(problems) == {(3, "grade")} and problems.loc[0, "file"] == "wizard"
    mapped = validate_frame("roster", frame.rename(columns={"team": "unit"}).assign(level=[1, 2]),
                            file="wizard", mapping={"unit": "department"})
    assert mapped["department"].tolist() == ["A", "B"]


def test_validate_file_exit_codes_and_text(tmp_path):
    path = participants_file(tmp_path)
    code, text = validate_file("participants", path)
    assert (code, text) == (0, "participants.csv: 3 rows, 1 mentor, 1 mentee, 1 either — valid")
    bad = participants_file(tmp_path, with_cell(GOOD, 0, "role", "boss"), name="bad.csv")
    code, text = validate_file("participants", bad)
    assert code == 1 and text.splitlines()[0] == "1 problem in bad.csv" and "boss" in text
    code, text = validate_file("people", path)
    assert code == 2 and "participants, roster" in text
    code, text = validate_file("roster", tmp_path / "missing.csv")
    assert code == 1 and "file not found" in text and "Traceback" not in text


def test_validate_file_with_a_roster(tmp_path):
    path = participants_file(tmp_path, with_cell(GOOD, 0, "manager_id", "R1"))
    assert validate_file("participants", path)[0] == 1  # R1 is nobody without the roster
    roster = roster_file(tmp_path, [["R1", "", "Exec", "9", "2001-01-01", ""]])
    assert validate_file("participants", path, roster=roster)[0] == 0
    broken = roster_file(tmp_path, [["R1", "R1", "Exec", "9", "2001-01-01", ""]])
    code, text = validate_file("participants", path, roster=broken)
    assert code == 1 and text.startswith("1 problem in roster.csv")


def test_blank_rows_are_mentioned_in_the_summary(tmp_path):
    path = write(tmp_path, "ex.csv", "person_a,person_b\nP1,P2\n,\n\nP2,P3\n")
    assert validate_file("exclusions", path) == (0, "ex.csv: 2 rows — valid (2 blank rows skipped)")


def test_repeated_grade_in_grade_order_is_one_problem(tmp_path):
    problems = problems_of(lambda: load_participants(participants_file(tmp_path), grade_order=["1", "2", "2"]))
    assert cells_at(problems) == {(None, "grade")} and "more than once" in problems.loc[0, "problem"]


def test_validate_file_uses_grade_order(tmp_path):
    rows = with_cell(GOOD, 0, "grade", "HEO")
    assert validate_file("participants", participants_file(tmp_path, rows))[0] == 1
    assert validate_file("participants", participants_file(tmp_path, rows), grade_order=["2", "4", "6", "HEO"])[0] == 0
