"""Meetings against cadence, check-ins and pair statuses, on a small hand-made programme with exact expectations.

The programme runs 2 March to 2 September 2026 (midpoint 2 June; the midpoint check-in goes out
26 May), pairs meet every 30 days, and a check-in stays open 28 days. Each pair is one story:

A-X  meets monthly; the first meeting logged by both sides (one meeting)
B-Y  met once, then lapsed; B rated satisfaction 2; Y never answers
C-Z  a meeting logged before launch (ignored), then two meetings, then quiet
D-W  matched late (15 April); a meeting dated before its own start (ignored)
E-V  ended early: both filed a final check-in at the start of May
F-U  never met
G-S  first met in late May: behind the cadence
H-R  meets monthly, but R never answers a check-in
"""
from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from revmentor_nb.design.program import MonitoringRules
from revmentor_nb.monitoring.activity import (
    STATUSES,
    Programme,
    checkin_calendar,
    checkin_summary,
    meeting_days,
    meetings_by_month,
    pair_activity,
    prepare,
    resolve_as_of,
)
from revmentor_nb.monitoring.status import (
    assess,
    rules_table,
    status_counts,
    status_dates,
    statuses_over_time,
)

PROGRAMME = Programme(pd.Timestamp("2026-03-02"), pd.Timestamp("2026-09-02"), 30)
RULES = MonitoringRules()

PAIRS = pd.DataFrame({
    "mentor_id": list("ABCDEFGH"), "mentee_id": list("XYZWVUSR"),
    "matched_on": [None, None, None, "2026-04-15", None, None, None, None],
})
MEETINGS = pd.DataFrame([
    ("A", "X", "2026-03-10", "A"), ("A", "X", "2026-03-10", "X"), ("A", "X", "2026-04-08", "A"),
    ("A", "X", "2026-05-05", "X"), ("A", "X", "2026-06-03", "A"),
    ("B", "Y", "2026-03-12", "B"),
    ("C", "Z", "2026-02-20", "C"), ("C", "Z", "2026-03-20", "Z"), ("C", "Z", "2026-04-19", "C"),
    ("D", "W", "2026-04-10", "D"), ("D", "W", "2026-04-25", "W"), ("D", "W", "2026-05-24", "D"),
    ("E", "V", "2026-03-09", "E"), ("E", "V", "2026-04-07", "V"), ("E", "V", "2026-06-01", "V"),
    ("G", "S", "2026-05-20", "S"),
    ("H", "R", "2026-03-15", "H"), ("H", "R", "2026-04-14", "H"), ("H", "R", "2026-05-12", "H"),
    ("Q", "X", "2026-03-11", "Q"),  # not a pair of this programme
], columns=["mentor_id", "mentee_id", "date", "logged_by"])
CHECKINS = pd.DataFrame([
    ("A", "2026-03-12", "kickoff", 4), ("X", "2026-03-14", "kickoff", 5), ("B", "2026-03-15", "kickoff", 2),
    ("C", "2026-03-11", "kickoff", 4), ("Z", "2026-03-12", "kickoff", 4), ("D", "2026-04-20", "kickoff", 4),
    ("W", "2026-04-22", "kickoff", 3), ("E", "2026-03-10", "kickoff", 3), ("V", "2026-03-11", "kickoff", 3),
    ("F", "2026-03-10", "kickoff", 4), ("U", "2026-03-11", "kickoff", 4), ("G", "2026-03-12", "kickoff", 4),
    ("S", "2026-03-13", "kickoff", 4), ("H", "2026-03-12", "kickoff", 5),
    ("E", "2026-05-01", "final", 3), ("V", "2026-05-03", "final", 3),
], columns=["person_id", "date", "stage", "satisfaction"]).assign(
    on_track=True, comment="confidential words")


def data(meetings: pd.DataFrame = MEETINGS, checkins: pd.DataFrame = CHECKINS, pairs: pd.DataFrame = PAIRS):
    return prepare(pairs, meetings, checkins, programme=PROGRAMME)


def by_pair(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.set_index("mentor_id")


# --------------------------------------------------------------------------- preparation


def test_meetings_are_counted_once_inside_each_pairs_own_window():
    d = data()
    held = d.meetings.groupby("pair").size()
    pairs = d.pairs.set_index("mentor_id")
    assert held[pairs.loc["A", "pair"]] == 4  # logged by both sides on 10 March: one meeting
    assert held[pairs.loc["C", "pair"]] == 2  # 20 February is before launch
    assert held[pairs.loc["D", "pair"]] == 2  # 10 April is before the pair's own start
    assert held[pairs.loc["E", "pair"]] == 2  # 1 June is after the pair ended
    assert pairs.loc["D", "start"] == pd.Timestamp("2026-04-15")
    dropped = d.dropped.set_index("what")["rows"]
    assert dropped["meeting rows for no current pair"] == 1
    assert dropped["meetings before the pair's start (launch or matched_on)"] == 2
    assert dropped["meetings after the pair ended or the programme closed"] == 1
    assert dropped["meeting rows logged again for the same day (counted once)"] == 1


def test_comments_never_reach_the_prepared_data():
    d = data()
    assert "comment" not in d.checkins.columns
    assert not d.checkins.isin(["confidential words"]).any().any()


def test_a_pair_ends_early_when_it_says_so_at_an_early_final_check_in():
    pairs = data().pairs.set_index("mentor_id")
    assert pairs.loc["E", "ended_on"] == pd.Timestamp("2026-05-01")  # E is in one pair only: their word ends it
    assert pairs["ended_on"].drop("E").isna().all()
    stated = data(pairs=PAIRS.assign(ended_on=[None, "2026-05-15", *[None] * 6])).pairs.set_index("mentor_id")
    assert stated.loc["B", "ended_on"] == pd.Timestamp("2026-05-15")


def test_a_mentor_in_two_pairs_ends_only_the_pair_whose_mentee_also_says_so():
    pairs = pd.DataFrame({"mentor_id": ["A", "A"], "mentee_id": ["X", "Y"]})
    checkins = pd.DataFrame({"person_id": ["A", "Y"], "date": ["2026-05-01", "2026-05-04"], "stage": ["final", "final"],
                             "satisfaction": [3, 3]})
    ended = prepare(pairs, None, checkins, programme=PROGRAMME).pairs.set_index("mentee_id")["ended_on"]
    assert pd.isna(ended["X"]) and ended["Y"] == pd.Timestamp("2026-05-04")


# --------------------------------------------------------------------------- activity


def test_activity_by_hand_on_10_june():
    act = by_pair(pair_activity(data(), date(2026, 6, 10)))
    a = act.loc["A"]
    assert (a["held"], a["expected"], a["behind"], a["days_since_last"]) == (4, 3, 0, 7)
    assert (a["mentor_logs"], a["mentee_logs"]) == (3, 2) and a["mentor_logged_share"] == pytest.approx(0.6)
    assert a["trend"] == "steady"
    b = act.loc["B"]
    assert (b["held"], b["expected"], b["behind"], b["days_since_last"], b["trend"]) == (1, 3, 2, 90, "stopped")
    d = act.loc["D"]  # judged from its own start, 15 April: 56 days
    assert (d["days_running"], d["held"], d["expected"], d["days_since_last"]) == (56, 2, 1, 17)
    e = act.loc["E"]
    assert e["state"] == "ended" and e["judged_to"] == pd.Timestamp("2026-05-01") and e["held"] == 2
    f = act.loc["F"]
    assert (f["held"], f["days_since_last"], f["trend"]) == (0, 100, "never met")


def test_a_pair_matched_late_has_not_started_before_its_own_start():
    act = by_pair(pair_activity(data(), date(2026, 4, 1)))
    assert act.loc["D", "state"] == "not started" and act.loc["D", "held"] == 0 and act.loc["D", "expected"] == 0


def test_activity_after_the_programme_is_judged_at_its_end():
    act = by_pair(pair_activity(data(), date(2026, 12, 1)))
    assert (act["judged_to"] <= PROGRAMME.end).all()
    assert act.loc["A", "state"] == "finished" and act.loc["A", "days_running"] == 184


# --------------------------------------------------------------------------- statuses


EXPECTED = {
    date(2026, 3, 20): {"A": ("too early to tell", []), "B": ("at risk", ["low satisfaction"]),
                        "C": ("too early to tell", []), "D": ("too early to tell", []),
                        "E": ("too early to tell", []), "F": ("too early to tell", []),
                        "G": ("too early to tell", []), "H": ("too early to tell", [])},
    date(2026, 4, 20): {"A": ("on track", []), "B": ("at risk", ["low satisfaction", "one side not responding"]),
                        "C": ("on track", []), "D": ("too early to tell", []), "E": ("on track", []),
                        "F": ("at risk", ["no recent meeting", "no kickoff"]),
                        "G": ("at risk", ["no recent meeting", "no kickoff"]),
                        "H": ("needs a check-in", ["one side not responding"])},
    date(2026, 5, 31): {"A": ("on track", []),
                        "B": ("at risk", ["no recent meeting", "low satisfaction", "behind the cadence",
                                          "one side not responding"]),
                        "C": ("on track", []), "D": ("on track", []), "E": ("ended", []),  # C: 42 days <= 45
                        "F": ("at risk", ["no recent meeting", "behind the cadence", "no kickoff"]),
                        "G": ("needs a check-in", ["behind the cadence"]),
                        "H": ("needs a check-in", ["one side not responding"])},
    date(2026, 6, 10): {"A": ("on track", []),
                        "B": ("at risk", ["no recent meeting", "low satisfaction", "behind at the midpoint",
                                          "one side not responding"]),
                        "C": ("at risk", ["no recent meeting"]), "D": ("on track", []), "E": ("ended", []),
                        "F": ("at risk", ["no recent meeting", "behind at the midpoint", "no kickoff"]),
                        "G": ("at risk", ["behind at the midpoint"]),
                        "H": ("needs a check-in", ["one side not responding"])},
}


@pytest.mark.parametrize("as_of", list(EXPECTED))
def test_statuses_and_the_rules_that_fired_by_hand(as_of):
    got = by_pair(assess(data(), RULES, as_of))
    assert {m: (got.loc[m, "status"], got.loc[m, "rules"]) for m in got.index} == EXPECTED[as_of]


def test_reasons_say_why_in_words():
    got = by_pair(assess(data(), RULES, date(2026, 6, 10)))
    assert "no meeting for 90 days (more than 1.5 x the 30-day cadence)" in got.loc["B", "reason"]
    assert "the mentor rated satisfaction 2 or lower" in got.loc["B", "reason"]
    assert "the mentee did not answer the kickoff check-in" in got.loc["B", "reason"]
    assert "1 meeting held, 3 expected" in got.loc["G", "reason"]
    assert got.loc["E", "reason"] == "ended early on 2026-05-01"
    assert got.loc["A", "reason"] == "4 of 3 expected meetings held; last meeting 7 days ago"
    early = by_pair(assess(data(), RULES, date(2026, 4, 1)))
    assert early.loc["D", "reason"] == "starts on 2026-04-15 (matched late)"


def test_a_rule_change_re_judges_the_same_data():
    d = data()
    before = by_pair(assess(d, RULES, date(2026, 6, 10)))
    looser = by_pair(assess(d, RULES.model_copy(update={"gap_factor": 2.0}), date(2026, 6, 10)))
    assert before.loc["C", "status"] == "at risk" and looser.loc["C", "status"] == "on track"  # 52 days <= 60
    stricter = by_pair(assess(d, RULES.model_copy(update={"low_satisfaction": 3}), date(2026, 4, 20)))
    assert stricter.loc["E", "status"] == "at risk" and "low satisfaction" in stricter.loc["E", "rules"]


def test_a_check_in_is_not_overdue_until_it_closes():
    d = data()
    assert by_pair(assess(d, RULES, date(2026, 3, 29))).loc["H", "rules"] == []
    assert by_pair(assess(d, RULES, date(2026, 3, 30))).loc["H", "rules"] == ["one side not responding"]
    wide = by_pair(assess(d, RULES.model_copy(update={"response_days": 40}), date(2026, 4, 5)))
    assert wide.loc["H", "rules"] == []


def test_status_counts_list_every_status():
    counts = status_counts(assess(data(), RULES, date(2026, 6, 10))).set_index("status")["pairs"]
    assert list(counts.index) == list(STATUSES)
    assert counts.to_dict() == {"on track": 2, "needs a check-in": 1, "at risk": 4, "too early to tell": 0, "ended": 1}


def test_statuses_over_time_run_from_launch_to_the_date():
    days = status_dates(data(), date(2026, 4, 20))
    assert days[0] == PROGRAMME.start and days[-1] == pd.Timestamp("2026-04-20") and len(days) == 8
    long = statuses_over_time(data(), RULES, days)
    assert (long.groupby("date")["pairs"].sum() == 8).all()
    last = long[long["date"] == pd.Timestamp("2026-04-20")].set_index("status")["pairs"]
    assert last["at risk"] == 3 and last["needs a check-in"] == 1


def test_rules_table_names_each_threshold():
    table = rules_table(RULES.model_copy(update={"gap_factor": 2.0}), 30)
    assert "no meeting for more than 2 x 30 = 60 days" in set(table["fires when"])
    assert set(table["status"]) == {"at risk", "needs a check-in"}


# --------------------------------------------------------------------------- check-ins and other views


def test_checkin_summary_by_hand():
    s = checkin_summary(data(), date(2026, 4, 20), k=2).set_index(["stage", "side"])
    mentor, mentee = s.loc[("kickoff", "mentor")], s.loc[("kickoff", "mentee")]
    assert (mentor["asked"], mentor["answered"], mentor["satisfaction"]) == (8, 8, 30 / 8)
    assert mentor["low_share"] == pytest.approx(1 / 8)
    assert mentor["open"]  # the late pair's kickoff went out on 15 April: answers can still come in
    assert (mentee["asked"], mentee["answered"]) == (8, 5) and mentee["response_rate"] == pytest.approx(5 / 8)
    assert mentee["satisfaction"] == pytest.approx(4.0)
    assert ("midpoint", "mentor") not in s.index  # not sent yet


def test_checkin_summary_suppresses_small_groups_and_counts_a_person_once():
    pairs = pd.DataFrame({"mentor_id": ["A", "A", "B"], "mentee_id": ["X", "Y", "Z"]})
    checkins = pd.DataFrame({"person_id": ["A", "B", "X", "Y", "Z"], "date": ["2026-03-10"] * 5,
                             "stage": ["kickoff"] * 5, "satisfaction": [1, 5, 4, 4, 2]})
    s = checkin_summary(prepare(pairs, None, checkins, programme=PROGRAMME), date(2026, 4, 20), k=3)
    s = s.set_index(["stage", "side"])
    mentor = s.loc[("kickoff", "mentor")]
    assert mentor["suppressed"] and pd.isna(mentor["satisfaction"])
    # 2 mentors asked: fewer than k, so not even how many were asked or answered is shown
    assert pd.isna(mentor["asked"]) and pd.isna(mentor["answered"]) and pd.isna(mentor["response_rate"])
    # the only other group is blanked too, or the total minus it would reveal the small one
    assert s.loc[("kickoff", "mentee"), "suppressed"] and pd.isna(s.loc[("kickoff", "mentee"), "satisfaction"])
    shown = checkin_summary(prepare(pairs, None, checkins, programme=PROGRAMME), date(2026, 4, 20), k=2)
    shown = shown.set_index(["stage", "side"])
    assert shown.loc[("kickoff", "mentor"), "asked"] == 2 and shown.loc[("kickoff", "mentor"), "answered"] == 2
    assert shown.loc[("kickoff", "mentor"), "satisfaction"] == pytest.approx(3.0)  # A once (1), B (5)
    assert shown.loc[("kickoff", "mentee"), "satisfaction"] == pytest.approx(10 / 3)


def test_meeting_days_and_months_count_distinct_meetings():
    d = data()
    days = meeting_days(d, date(2026, 6, 10))
    a = days[days["mentor_id"] == "A"]
    assert a["day"].tolist() == [8, 37, 64, 93]
    late = days[days["mentor_id"] == "D"]
    assert late["day"].tolist() == [10, 39]  # from its own start, 15 April
    by = meetings_by_month(d, date(2026, 4, 30)).set_index("month")["meetings"]
    assert by[pd.Timestamp("2026-03-01")] == 5 and by[pd.Timestamp("2026-04-01")] == 5


def test_as_of_defaults_to_today_capped_at_the_end():
    assert resolve_as_of("2026-06-01", PROGRAMME) == date(2026, 6, 1)
    assert resolve_as_of(None, PROGRAMME, today=date(2027, 1, 1)) == date(2026, 9, 2)
    assert resolve_as_of(None, PROGRAMME, today=date(2026, 5, 1)) == date(2026, 5, 1)


def test_checkin_calendar_follows_the_plan():
    cal = checkin_calendar(PROGRAMME).set_index("stage")["send_on"]
    assert cal.to_dict() == {"kickoff": pd.Timestamp("2026-03-02"), "midpoint": pd.Timestamp("2026-05-26"),
                             "final": pd.Timestamp("2026-08-26")}


def test_checkin_summary_hides_the_counts_of_a_pulse_answered_by_few():
    """Regression: a suppressed row still showed how many answered (3 of a pulse survey, so k-1 or fewer rated)."""
    pairs = pd.DataFrame({"mentor_id": list("ABCDEF"), "mentee_id": list("UVWXYZ")})
    checkins = pd.DataFrame({"person_id": ["A", "B", "C"], "date": ["2026-03-20"] * 3, "stage": ["pulse"] * 3,
                             "satisfaction": [2, 3, 4]})
    s = checkin_summary(prepare(pairs, None, checkins, programme=PROGRAMME), date(2026, 4, 20), k=5)
    pulse = s.set_index(["stage", "side"]).loc[("pulse", "mentor")]
    assert pulse["suppressed"] and pd.isna(pulse["answered"]) and pd.isna(pulse["rated"])
    assert pd.isna(pulse["satisfaction"])


def test_no_meetings_or_check_ins_at_all():
    d = prepare(PAIRS, None, None, programme=PROGRAMME)
    got = assess(d, RULES, date(2026, 5, 1))
    assert (got["held"] == 0).all() and set(got["status"]) <= set(STATUSES)
    summary = checkin_summary(d, date(2026, 5, 1))
    assert (summary["answered"] == 0).all() and (summary["response_rate"] == 0).all()
