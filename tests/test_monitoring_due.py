"""What is due as of a date: the nudge list, by hand, its privacy and its formula-safe CSV export."""
from __future__ import annotations

import csv
from datetime import date

import pandas as pd
import pytest
from test_monitoring import CHECKINS, MEETINGS, PAIRS, PROGRAMME, RULES

from revmentor_nb.design.program import ProgramDesign, Schedule, communication_timeline
from revmentor_nb.io.export import safe_cell, write_csv, write_xlsx
from revmentor_nb.monitoring.activity import prepare
from revmentor_nb.monitoring.nudges import nudge_summary, nudges, private_nudges
from revmentor_nb.monitoring.status import assess
from revmentor_nb.privacy.pseudonyms import pseudonym

TRAINING = pd.DataFrame({"person_id": [p for p in "ABCDEFGHXZWVUSR" if p not in "YW"] + ["Y"],
                         "module": "briefing", "completed_on": ["2026-02-10"] * 14 + ["2026-04-01"]})
AGREEMENTS = pd.DataFrame({"mentor_id": list("ACEFGH"), "mentee_id": list("XZVUSR"),
                           "signed_on": ["2026-03-05"] + ["2026-03-10"] * 5})
PEOPLE = pd.DataFrame({"person_id": list("ABCDEFGHXYZWVUSR"), "name": [f"Name {p}" for p in "ABCDEFGHXYZWVUSR"],
                       "email": [f"{p.lower()}@example.org" for p in "ABCDEFGHXYZWVUSR"]})
PLAN = communication_timeline(ProgramDesign(schedule=Schedule(start_date=date(2026, 3, 2), length_months=6)))


def data():
    return prepare(PAIRS, MEETINGS, CHECKINS, programme=PROGRAMME, training=TRAINING, agreements=AGREEMENTS,
                   participants=PEOPLE)


def due_on(as_of: date) -> pd.DataFrame:
    d = data()
    return nudges(d, assess(d, RULES, as_of), RULES, as_of, PLAN)


def rows(frame: pd.DataFrame, what: str) -> set[tuple[str, str]]:
    part = frame[frame["what"] == what]
    return set(zip(part["who"], part["why"]))


def test_nudges_on_25_march_by_hand():
    due = due_on(date(2026, 3, 25))
    assert nudge_summary(due).set_index("what")["contacts"].to_dict() == {
        "at risk": 2, "needs a check-in": 0, "check-in": 2, "agreement": 2, "training": 1, "communication": 0}
    assert {w for w, _ in rows(due, "at risk")} == {"B", "Y"}  # B rated satisfaction 2
    assert rows(due, "check-in") == {(p, "kickoff check-in sent 2026-03-02, not answered yet (closes 2026-03-30)")
                                     for p in ("Y", "R")}
    assert rows(due, "agreement") == {(p, "mentoring agreement not returned (due 2026-03-23)") for p in ("B", "Y")}
    assert rows(due, "training") == {("Y", "training not completed (due 2026-02-16)")}  # W starts later
    assert list(due.columns) == ["who", "role", "mentor_id", "mentee_id", "what", "why", "due_on"]
    assert list(due["what"].drop_duplicates()) == ["at risk", "check-in", "agreement", "training"]


def test_the_late_pair_is_nudged_from_its_own_start():
    due = due_on(date(2026, 4, 10))  # D-W starts 15 April: within the 7-day look-ahead
    assert ("D", "kickoff check-in goes out on 2026-04-15") in rows(due, "check-in")
    assert ("W", "training not completed (due 2026-04-15)") in rows(due, "training")
    later = due_on(date(2026, 5, 10))  # D-W's agreement was due 6 May
    assert ("D", "mentoring agreement not returned (due 2026-05-06)") in rows(later, "agreement")
    assert "Y" not in {w for w, _ in rows(later, "training")}  # Y finished training on 1 April


def test_communications_and_midpoint_check_ins_come_up_in_time():
    due = due_on(date(2026, 5, 20))
    assert ("pairs", "midpoint check-in: is it working? adjust or end well") in rows(due, "communication")
    soon = rows(due, "check-in")
    assert ("A", "midpoint check-in goes out on 2026-05-26") in soon
    assert not any(w in ("E", "V") for w, _ in soon)  # E-V ended on 1 May


def test_a_person_in_several_pairs_is_asked_once_per_check_in():
    pairs = pd.DataFrame({"mentor_id": ["A", "A"], "mentee_id": ["X", "Y"]})
    d = prepare(pairs, None, None, programme=PROGRAMME)
    due = nudges(d, assess(d, RULES, date(2026, 3, 10)), RULES, date(2026, 3, 10))
    assert (due[due["what"] == "check-in"]["who"].value_counts() == 1).all()


def test_nudges_are_pseudonymous_unless_names_are_asked_for():
    due = due_on(date(2026, 5, 20))
    hidden = private_nudges(due)
    people = set("ABCDEFGHXYZWVUSR")
    assert not (set(hidden["who"]) & people) and not (set(hidden["mentor_id"].dropna()) & people)
    assert pseudonym("A") in set(hidden["mentor_id"])
    assert "pairs" in set(hidden["who"])  # an audience is not a person
    named = private_nudges(due, data().people, names=True)
    row = named[named["who"] == "A"].iloc[0]
    assert row["name"] == "Name A" and row["email"] == "a@example.org"


@pytest.mark.parametrize("text", ["=1+1", "+cmd", "-2+3", "@SUM(A1)", "\tx", "\rx"])
def test_formula_starts_are_neutralised(text):
    assert safe_cell(text) == "'" + text


def test_csv_and_xlsx_exports_cannot_run_formulas(tmp_path):
    frame = pd.DataFrame({"who": ["=HYPERLINK(\"http://x\")", "Ann"], "n": [-1, 2],
                          "why": ["@evil", "fine - really"], "due_on": pd.to_datetime(["2026-03-01", "2026-03-02"])})
    path = write_csv(frame, tmp_path / "n.csv", bom=True)
    with open(path, encoding="utf-8-sig", newline="") as fh:
        got = list(csv.reader(fh))
    assert got[1] == ["'=HYPERLINK(\"http://x\")", "-1", "'@evil", "2026-03-01"]
    assert got[2] == ["Ann", "2", "fine - really", "2026-03-02"]
    xlsx = write_xlsx({"nudges": frame}, tmp_path / "n.xlsx")
    back = pd.read_excel(xlsx)
    assert back["who"].tolist()[0] == "=HYPERLINK(\"http://x\")" and back["n"].tolist() == [-1, 2]  # text as written
    from openpyxl import load_workbook

    assert all(c.data_type != "f" for row in load_workbook(xlsx)["nudges"].iter_rows() for c in row)  # never a formula


def test_the_exported_nudge_list_is_safe_and_complete(tmp_path):
    due = due_on(date(2026, 3, 25))
    out = write_csv(private_nudges(due), tmp_path / "nudges.csv")
    back = pd.read_csv(out)
    assert len(back) == len(due) and set(back["what"]) == set(due["what"])
