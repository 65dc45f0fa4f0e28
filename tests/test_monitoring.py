"""Meetings against cadence, by hand-computed cases."""
from __future__ import annotations

from datetime import date

import pandas as pd

from revmentor_nb.monitoring import meetings_by_month, pair_activity, status_counts

START = date(2026, 3, 2)


def _meetings(rows):
    return pd.DataFrame(rows, columns=["mentor_id", "mentee_id", "date", "logged_by"]).assign(date=lambda m: pd.to_datetime(m["date"]))


PAIRS = pd.DataFrame({"mentor_id": ["A", "B", "C"], "mentee_id": ["X", "Y", "Z"]})


def test_statuses_by_hand():
    meetings = _meetings([
        ("A", "X", "2026-03-10", "A"), ("A", "X", "2026-03-10", "X"),  # logged twice: one meeting
        ("A", "X", "2026-04-08", "A"), ("A", "X", "2026-05-05", "A"),
        ("B", "Y", "2026-03-12", "B"),                                  # lapsed after one meeting
        ("C", "Z", "2026-02-20", "C"),                                  # before launch: not counted
    ])
    act = pair_activity(PAIRS, meetings, start=START, as_of=date(2026, 5, 20), cadence_days=30).set_index("mentor_id")
    assert act.loc["A", "held"] == 3 and act.loc["A", "status"] == "on track"
    assert act.loc["B", "held"] == 1 and act.loc["B", "days_since_last"] == 69 and act.loc["B", "status"] == "at risk"
    assert act.loc["C", "held"] == 0 and act.loc["C", "status"] == "at risk"
    assert (act["expected"] == 2).all()  # 79 days // 30


def test_too_early_to_tell_in_the_first_cadence():
    act = pair_activity(PAIRS, _meetings([]), start=START, as_of=date(2026, 3, 20), cadence_days=30)
    assert set(act["status"]) == {"too early to tell"}
    counts = status_counts(act)
    assert counts.set_index("status").loc["too early to tell", "pairs"] == 3 and counts["pairs"].sum() == 3


def test_meetings_by_month_counts_distinct_meetings():
    meetings = _meetings([("A", "X", "2026-03-10", "A"), ("A", "X", "2026-03-10", "X"), ("B", "Y", "2026-04-01", "B")])
    by = meetings_by_month(meetings, START, date(2026, 6, 1))
    assert by["meetings"].tolist() == [1, 1]
