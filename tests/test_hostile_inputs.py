"""Careless and hostile input, round two: one regression test per class of issue 16.

No silent loss (unclosed quotes, data on several sheets, answers outside an instrument's range,
ids unsafe in file names), no bad data accepted (scores and dates out of range), no destroyed
work (demo over a programme, write-ahead acceptance), no privacy-floor bypass (-p k), no crash on
valid input (comparison: none, an extra id-like column), typos that change meaning refused.
"""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import openpyxl
import pandas as pd
import pytest
from conftest import revmentor_cmd

from revmentor_nb.design.program import DesignError, design_from_dict
from revmentor_nb.errors import InputError
from revmentor_nb.io.load import load
from revmentor_nb.run.validate import validate_file

PARTICIPANTS = ("location,person_id,name,role,department,grade,offers,wants,consent\n"
                "L,P1,Ann,mentor,IT,1,AI,,yes\nL,P2,Bob,mentee,Finance,7,,AI,yes\nL,P3,Cy,mentee,Ops,7,,AI,yes\n"
                "L,P4,Di,mentor,HR,2,AI,,yes\n")


def problems(exc: pytest.ExceptionInfo) -> pd.DataFrame:
    return exc.value.problems


# --- CSV quotes ----------------------------------------------------------------------------


def test_a_quote_that_never_closes_is_a_problem_naming_row_and_column(tmp_path):
    f = tmp_path / "p.csv"
    f.write_text(PARTICIPANTS.replace("P2,Bob,mentee,Finance", 'P2,"Bob,mentee,Finance'))
    with pytest.raises(InputError) as exc:
        load("participants", f)
    quote = problems(exc)[problems(exc)["problem"].str.contains("quote")]
    assert list(quote["row"]) == [3] and list(quote["column"]) == ["name"]
    assert "never closes" in quote["problem"].iloc[0] and "2 line(s)" in quote["problem"].iloc[0]


def test_a_quote_closed_lines_later_is_a_problem_not_fewer_rows(tmp_path):
    f = tmp_path / "p.csv"
    f.write_text(PARTICIPANTS.replace("P2,Bob,", 'P2,"Bob,').replace("P3,Cy,mentee,Ops,7,,AI,yes",
                                                                      'P3,Cy",mentee,Ops,7,,AI,yes'))
    code, text = validate_file("participants", f)
    assert code == 1 and "closes only 1 line(s) later" in text and "valid" not in text


def test_a_cell_with_a_real_line_break_is_still_valid(tmp_path):
    f = tmp_path / "p.csv"
    f.write_text(PARTICIPANTS.replace("consent\n", "consent,note\n").replace("P1,Ann,mentor,IT,1,AI,,yes",
                                                                             'P1,Ann,mentor,IT,1,AI,,yes,"line one\nline, two"'))
    assert len(load("participants", f)) == 4


# --- workbooks with several sheets --------------------------------------------------------------


def _book(path: Path, sheets: dict[str, list[list[object]]]) -> Path:
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for title, rows in sheets.items():
        ws = wb.create_sheet(title)
        for row in rows:
            ws.append(row)
    wb.save(path)
    return path


HEAD = ["person_id", "name", "role", "department", "grade", "offers", "wants", "consent"]


def test_rows_on_two_sheets_are_all_read_and_problems_name_the_sheet(tmp_path):
    book = _book(tmp_path / "p.xlsx", {
        "2025": [HEAD, ["P1", "Ann", "mentor", "IT", 1, "AI", "", "yes"]],
        "2026": [HEAD, ["P2", "Bob", "mentee", "Finance", 7, "", "AI", "yes"],
                 ["P3", "Cy", "mentee", "Ops", 7, "", "AI", "maybe"]],
    })
    with pytest.raises(InputError) as exc:
        load("participants", book)
    bad = problems(exc)
    assert list(bad["row"]) == [3] and bad["file"].iloc[0] == "p.xlsx (sheet '2026')"
    fixed = _book(tmp_path / "q.xlsx", {"a": [HEAD, ["P1", "Ann", "mentor", "IT", 1, "AI", "", "yes"]],
                                        "b": [HEAD[::-1], ["yes", "AI", "", 7, "Finance", "mentee", "Bob", "P2"]]})
    frame = load("participants", fixed)
    assert list(frame["person_id"]) == ["P1", "P2"] and list(frame["grade"]) == ["1", "7"]
    code, text = validate_file("participants", fixed)
    assert code == 0 and "sheets 'a', 'b'" in text


def test_a_read_me_first_sheet_is_named_and_the_data_sheet_is_read(tmp_path):
    book = _book(tmp_path / "p.xlsx", {"Read me": [["How to fill this in"], ["One row per person."]],
                                       "Sign-ups": [HEAD, ["P1", "Ann", "mentor", "IT", 1, "AI", "", "yes"]]})
    code, text = validate_file("participants", book)
    assert code == 0 and "1 row" in text and "'Read me' not read" in text


def test_a_second_sheet_with_other_headers_is_a_problem_not_a_silent_loss(tmp_path):
    book = _book(tmp_path / "p.xlsx", {"main": [HEAD, ["P1", "Ann", "mentor", "IT", 1, "AI", "", "yes"]],
                                       "late": [["person_id", "name", "role"], ["P2", "Bob", "mentee"]]})
    code, text = validate_file("participants", book)
    assert code == 1 and "sheet 'late'" in text and "not read" in text


def test_no_sheet_with_the_headers_names_the_sheets_in_the_fix(tmp_path):
    book = _book(tmp_path / "p.xlsx", {"Read me": [["hello"]], "Data": [["a", "b"], [1, 2]]})
    code, text = validate_file("participants", book)
    assert code == 1 and "'Data'" in text


# --- files that are not files, and files too big -------------------------------------------------


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes on this system")
def test_a_pipe_a_folder_and_an_oversize_file_are_refused_unopened(tmp_path, monkeypatch):
    pipe = tmp_path / "p.csv"
    os.mkfifo(pipe)
    code, text = validate_file("participants", pipe)  # a read would block for ever
    assert code == 1 and "named pipe" in text
    (tmp_path / "d.csv").mkdir()
    assert "folder" in validate_file("participants", tmp_path / "d.csv")[1]
    big = tmp_path / "big.csv"
    big.write_text(PARTICIPANTS * 50)
    monkeypatch.setenv("REVMENTOR_MAX_INPUT_MB", "0.001")
    code, text = validate_file("participants", big)
    assert code == 1 and "limit" in text and "REVMENTOR_MAX_INPUT_MB" in text


def test_a_header_row_wider_than_the_limit_is_refused(tmp_path):
    f = tmp_path / "wide.csv"
    f.write_text(",".join(f"c{i}" for i in range(1500)) + "\n")
    code, text = validate_file("participants", f)
    assert code == 1 and "1500 columns" in text


# --- extra columns named like another kind's ids ------------------------------------------------------


def test_an_extra_column_named_like_another_kinds_id_is_kept_as_extra(tmp_path):
    f = tmp_path / "p.csv"
    f.write_text(PARTICIPANTS.replace("consent\n", "consent,mentor_id,person_b\n").replace("yes\n", "yes,X,Y\n"))
    frame = load("participants", f, participants=None)
    assert list(frame["mentor_id"]) == ["X"] * 4
    m = tmp_path / "m.csv"
    m.write_text("mentor_id,mentee_id,date,person_id,person_a\nP1,P2,2026-04-01,zz,P1\n")
    people = pd.DataFrame({"person_id": ["P1", "P2"]})
    assert len(load("meetings", m, participants=people)) == 1


# --- ranges: capacities, dates, instrument answers -----------------------------------------------------


def test_absurd_capacities_are_problems_before_the_matcher(tmp_path):
    f = tmp_path / "p.csv"
    f.write_text(PARTICIPANTS.replace("consent\n", "consent,capacity\n").replace("P1,Ann,mentor,IT,1,AI,,yes",
                                                                                 "P1,Ann,mentor,IT,1,AI,,yes,1000000000"))
    with pytest.raises(InputError) as exc:
        load("participants", f)
    assert "from 1 to 50" in problems(exc)["problem"].iloc[0]


def test_meetings_dated_1900_or_2099_are_problems_and_outside_the_span_warnings(tmp_path):
    f = tmp_path / "m.csv"
    f.write_text("mentor_id,mentee_id,date\nP1,P2,2099-04-01\nP1,P2,1900-01-05\nP1,P2,2026-04-01\n")
    with pytest.raises(InputError) as exc:
        load("meetings", f)
    assert list(problems(exc)["row"]) == [2, 3]
    f.write_text("mentor_id,mentee_id,date\nP1,P2,2021-04-01\nP1,P2,2026-04-01\n")
    code, text = validate_file("meetings", f, span=("2026-03-02", "2026-09-02"))
    assert code == 0 and "1 warning" in text and "2021-04-01" in text


def test_an_import_of_meetings_outside_the_span_says_so(tmp_path):
    from revmentor_nb.workspace.declared import import_declared
    from revmentor_nb.workspace.workspace import Workspace

    ws = Workspace.create(tmp_path / "ws", design_from_dict({"schedule": {"start_date": "2026-03-02"},
                                                             "inputs": {"meetings": "m.csv"}}))
    (ws.root / "m.csv").write_text("mentor_id,mentee_id,date\nP1,P2,2020-01-01\nP1,P2,2026-04-01\n")
    table = import_declared(ws, ["meetings"])
    assert "1 row(s) dated outside the programme's span" in table["status"].iloc[0]
    assert len(ws.table("meetings")) == 2, "a warning never drops a row"


def test_item_answers_and_scores_outside_the_instrument_range_are_problems():
    from revmentor_nb.evaluation.instruments import load_instruments, range_problems

    insts = load_instruments()
    inst = next(i for i in insts.values() if len(i.items) >= 2)
    frame = pd.DataFrame({"person_id": ["a", "b", "c"], "stage": "pre", "instrument": inst.id,
                          inst.items[0]: [inst.scale_max + 4, inst.scale_min, inst.scale_min],
                          inst.items[1]: [inst.scale_min, inst.scale_min - 5, inst.scale_min],
                          "score": [None, None, 99.0]}, index=pd.Index([2, 3, 4], name="row"))
    found = range_problems(frame, insts, "a.csv")
    assert list(zip(found["row"], found["column"])) == [(2, inst.items[0]), (3, inst.items[1]), (4, "score")]


def test_a_workspace_refuses_to_import_assessments_out_of_range(tmp_path):
    from revmentor_nb.evaluation.instruments import load_instruments
    from revmentor_nb.workspace.workspace import Workspace

    inst = next(i for i in load_instruments().values())
    ws = Workspace.create(tmp_path / "ws")
    (tmp_path / "ws" / "p.csv").write_text(PARTICIPANTS)
    ws.import_file("participants", tmp_path / "ws" / "p.csv")
    f = tmp_path / "a.csv"
    f.write_text(f"person_id,stage,instrument,score\nP1,pre,{inst.id},99\nP2,pre,{inst.id},-4\n")
    with pytest.raises(InputError) as exc:
        ws.import_file("assessments", f)
    assert list(problems(exc)["row"]) == [2, 3] and not ws.has("assessments")


# --- design semantics -------------------------------------------------------------------------------


def test_absurd_numbers_in_the_design_are_refused_naming_the_key():
    for key, data in [("matching.rules.reporting_line_levels", {"matching": {"rules": {"reporting_line_levels": 10**6}}}),
                      ("matching.load_cap", {"matching": {"load_cap": 10**9}}),
                      ("spaces", {"spaces": 10**12}),
                      ("matching.solver.threads", {"matching": {"solver": {"threads": 10**6}}})]:
        with pytest.raises(DesignError) as exc:
            design_from_dict(data)
        assert key in set(problems(exc)["column"]), key


def _people() -> pd.DataFrame:
    rows = [dict(person_id=f"M{i}", name=f"m{i}", role="mentor", department="IT", grade=1, offers=["AI"], wants=[],
                 consent=True, gender="f", location="Leeds") for i in range(3)]
    rows += [dict(person_id=f"E{i}", name=f"e{i}", role="mentee", department="HR", grade=5, offers=[], wants=["AI"],
                  consent=True, gender="m", location="Leeds") for i in range(3)]
    return pd.DataFrame(rows)


def test_a_misspelt_fairness_attribute_or_mix_column_is_an_error_listing_the_columns():
    from revmentor_nb.matching import match
    from revmentor_nb.matching.errors import MatchInputError

    with pytest.raises(MatchInputError) as exc:
        match(_people(), settings={"fairness": {"attributes": ["gendre"]}})
    assert "gendre" in exc.value.problems["value"].iloc[0] and "gender" in exc.value.problems["fix"].iloc[0]
    with pytest.raises(MatchInputError) as exc:
        match(_people(), settings={"mix": [{"column": "departement"}]})
    assert exc.value.problems["column"].iloc[0] == "matching.mix[0].column"
    assert match(_people(), settings={"fairness": {"attributes": ["gender"], "min_group": 2}}).n_pairs == 3
    advice = __import__("revmentor_nb.design.program", fromlist=["design_advice"]).design_advice(
        design_from_dict({"matching": {"fairness": {"attributes": ["gendre"]}}}))
    assert "matching.fairness.attributes" in set(advice["key"])


# --- -p parameters ------------------------------------------------------------------------------------


def test_parameters_are_checked_against_the_notebooks_and_the_privacy_floor():
    from revmentor_nb.run.parameters import ParameterError, check_parameters
    from revmentor_nb.run.pipeline import STAGES, notebooks_dir

    design = design_from_dict({"privacy": {"k": 6}})
    books = {s: notebooks_dir() / n for s, n in STAGES.items()}
    for params, text in [({"k": 1}, "privacy floor (privacy.k = 6"), ({"k": 0}, "privacy floor"),
                         ({"k": -5}, "privacy floor"), ({"workshp": True}, "did you mean workshop"),
                         ({"workspace": "x"}, "set by `revmentor run`"), ({"names_in_report": 3}, "true or false"),
                         ({"comparison": "all"}, "'none'"), ({"as_of": "2026-02-30"}, "YYYY-MM-DD")]:
        with pytest.raises(ParameterError, match=text.replace("(", r"\(").replace(".", r"\.")):
            check_parameters(params, books, design)
    with pytest.raises(ParameterError, match="unknown parameter -p k;"):
        check_parameters({"k": 7}, {"design": books["design"]}, design)  # the design stage takes no k
    check_parameters({"k": 6, "as_of": "2026-06-01", "comparison": "none", "seed": 3}, books, design)


def test_evaluate_itself_refuses_k_below_the_floor():
    from revmentor_nb.evaluation.evaluate import EvaluationInputs, evaluate

    with pytest.raises(ValueError, match="privacy floor"):
        evaluate(EvaluationInputs(pd.DataFrame(columns=["mentor_id", "mentee_id"])), design_from_dict({}), k=1)


# --- crashes on valid input -----------------------------------------------------------------------------


def test_no_comparison_group_gives_an_empty_balance_table_not_a_keyerror():
    from revmentor_nb.evaluation import report_tables as view

    table = view.balance_report(view.safe_balance(SimpleNamespace(comparisons={}, k=5)))
    assert table.empty and "participants (n)" in table.columns


# --- file names made from ids -----------------------------------------------------------------------------


def test_ids_that_differ_only_in_unsafe_characters_get_their_own_files(tmp_path):
    from revmentor_nb.review.handover import write_outputs
    from revmentor_nb.workspace.workspace import Workspace

    ws = Workspace.create(tmp_path / "ws")
    pairs = pd.DataFrame({"mentor_id": ["a/b", "a?b", "A", "a"], "mentee_id": ["x", "x", "y", "y"],
                          "score": [1.0, 1.0, 1.0, 1.0], "shared_topics": [["AI"]] * 4})
    out = write_outputs(ws, "r1", pairs, pd.DataFrame(columns=["person_id", "cause", "reason"]))
    stems = {p.stem.casefold() for p in out.agreements}
    assert len(stems) == 4, "one agreement per pair, even on a disk that ignores case"
    index = (out.folder / "index.md").read_text()
    assert all(f"`{m}`" in index for m in pairs["mentor_id"]) and index.count("agreements/") == 4


# --- validate --workspace uses the workspace's roster --------------------------------------------------------


def test_validate_with_a_workspace_looks_managers_up_in_its_roster(tmp_path):
    from revmentor_nb.workspace.workspace import Workspace

    ws = Workspace.create(tmp_path / "ws")
    roster = tmp_path / "ws" / "roster.csv"
    roster.write_text("person_id,department,grade,hire_date\nBOSS,IT,9,2010-01-01\nP1,IT,1,2020-01-01\n")
    ws.save_design(design_from_dict({"inputs": {"roster": "roster.csv"}}))
    signups = tmp_path / "p.csv"
    signups.write_text(PARTICIPANTS.replace("consent\n", "consent,manager_id\n").replace("P1,Ann,mentor,IT,1,AI,,yes",
                                                                                          "P1,Ann,mentor,IT,1,AI,,yes,BOSS"))
    alone = subprocess.run(revmentor_cmd("validate", "participants", str(signups)), capture_output=True, text=True)
    within = subprocess.run(revmentor_cmd("validate", "participants", str(signups), "--workspace", str(ws.root)),
                            capture_output=True, text=True)
    assert alone.returncode == 1 and "BOSS" in alone.stderr
    assert within.returncode == 0, within.stderr


# --- never destroy a workspace ------------------------------------------------------------------------------


def test_demo_refuses_a_programme_it_did_not_make_and_a_busy_demo(tmp_path):
    from revmentor_nb.run.demo import run_demo
    from revmentor_nb.workspace.workspace import DEMO_MARK, Workspace, WorkspaceError

    ws = Workspace.create(tmp_path / "ws")
    before = (ws.root / "program.yaml").read_bytes()
    with pytest.raises(WorkspaceError, match="did not make"):
        run_demo(ws.root, n_employees=200)
    assert (ws.root / "program.yaml").read_bytes() == before
    (ws.root / DEMO_MARK).write_text("made by the demo")
    holder = subprocess.Popen([sys.executable, "-c", (
        "import sys, time; from revmentor_nb.workspace.workspace import Workspace\n"
        f"with Workspace({str(ws.root)!r}).run_lock():\n    print('held', flush=True); time.sleep(60)")],
        stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "held"
        with pytest.raises(WorkspaceError, match="busy"):
            run_demo(ws.root, n_employees=200)
        assert (ws.root / "program.yaml").read_bytes() == before and not (ws.root / "inputs").exists()
    finally:
        holder.kill()
        holder.wait()


@pytest.mark.notebook
def test_a_match_stage_that_fails_after_its_notebook_leaves_the_accepted_match(tmp_path, monkeypatch):
    """Write-ahead: the new run is stored unaccepted; only a written report makes it the accepted match."""
    from revmentor_nb.run import pipeline
    from revmentor_nb.workspace.workspace import Workspace

    rows = [dict(person_id=f"M{i}", name=f"m{i}", role="mentor", department="IT", grade=1, offers="AI", wants="",
                 consent="yes", location="L") for i in range(3)]
    rows += [dict(person_id=f"E{i}", name=f"e{i}", role="mentee", department="HR", grade=5, offers="", wants="AI",
                  consent="yes", location="L") for i in range(3)]
    (tmp_path / "ws").mkdir()
    pd.DataFrame(rows).to_csv(tmp_path / "ws" / "p.csv", index=False)
    ws = Workspace.create(tmp_path / "ws", design_from_dict({"inputs": {"participants": "p.csv"}}))
    pipeline.run_stages(ws.root, ["match"], {"write_exports": False, "tradeoff_points": 0})
    first = ws.match_run()
    assert first is not None and first.accepted

    def broken_export(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("revmentor_nb.report.html.export_html", broken_export)
    with pytest.raises(OSError):
        pipeline.run_stages(ws.root, ["match"], {"write_exports": False, "tradeoff_points": 0})
    runs = ws.match_runs()
    assert len(runs) == 2 and runs["accepted_at"].isna().tolist() == [False, True]
    assert ws.match_run().id == first.id, "the previously accepted match stays accepted"


@pytest.mark.notebook
@pytest.mark.parametrize("rule", ["none", "waiting list"])
def test_the_evaluate_stage_runs_without_a_qualifying_comparison_group(demo_workspace, tmp_path, rule):
    """`comparison: none` (an allowed value), or a rule no one qualifies for, used to stop the stage with KeyError."""
    import shutil

    from revmentor_nb.run.pipeline import run_stages
    from revmentor_nb.workspace.workspace import Workspace

    copy = tmp_path / "ws"
    shutil.copytree(demo_workspace, copy)
    start = Workspace(copy).design.schedule.start_date
    as_of = (pd.Timestamp(start) + pd.DateOffset(years=1)).date().isoformat()
    summary = run_stages(copy, ["evaluate"], {"comparison": rule, "as_of": as_of})
    html = summary.outcomes[0].report.read_text(encoding="utf-8")
    assert "KeyError" not in html and "Traceback" not in html


@pytest.mark.skipif(hasattr(os, "geteuid") and os.geteuid() == 0, reason="root may write to any folder")
def test_a_reports_folder_that_is_not_writable_is_a_one_line_message(tmp_path):
    from revmentor_nb.workspace.workspace import Workspace

    ws = Workspace.create(tmp_path / "ws")
    (ws.root / "reports").chmod(0o500)
    try:
        out = subprocess.run(revmentor_cmd("run", str(ws.root), "--stage", "design"), capture_output=True, text=True)
    finally:
        (ws.root / "reports").chmod(0o700)
    assert out.returncode == 1 and "not writable" in out.stderr and "Traceback" not in out.stderr
    assert len(out.stderr.strip().splitlines()) == 1
