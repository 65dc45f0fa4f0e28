"""Monitoring on the demo organisation at several dates, against a plain re-computation of the rules.

``expected_status`` below re-derives every status from the raw files with nothing but loops
and dates (the rules as the issue states them), so a slip in the vectorised code shows up as a
disagreement. The edge cases are built into the simulated programme: a pair matched late (via
``matched_on``), meetings logged by both sides, a meeting logged before launch, a pair that ended
early. The last test reads the demo workspace the pipeline made and its monitor report.
"""
from __future__ import annotations

import re
from datetime import date, timedelta

import pandas as pd
import pytest

from revmentor_nb import demo
from revmentor_nb.design.program import MonitoringRules
from revmentor_nb.monitoring.activity import (
    EARLY_DAYS,
    Programme,
    pair_activity,
    prepare,
)
from revmentor_nb.monitoring.status import assess

START = date(2026, 3, 2)
PROGRAMME = Programme(pd.Timestamp(START), pd.Timestamp("2026-09-02"), 30)
LATE_START = pd.Timestamp(START) + pd.Timedelta(days=50)
DATES = [date(2026, 3, 20), date(2026, 4, 15), date(2026, 5, 10), date(2026, 6, 1), date(2026, 8, 1),
         date(2026, 9, 2), date(2026, 11, 1)]
RULES = [MonitoringRules(), MonitoringRules(gap_factor=2.5, low_satisfaction=1, behind_by=1, response_days=14)]


@pytest.fixture(scope="module")
def programme_files():
    """A demo organisation's sign-ups paired in order; one pair matched late; one meeting logged before launch."""
    org = demo.build_demo(seed=1, n_employees=800)
    people = org.participants
    mentors = people.loc[people["role"] == "mentor", "person_id"].tolist()
    mentees = people.loc[people["role"] == "mentee", "person_id"].tolist()
    n = min(len(mentors), len(mentees))
    pairs = pd.DataFrame({"mentor_id": mentors[:n], "mentee_id": mentees[:n], "matched_on": None})
    pairs.loc[3, "matched_on"] = LATE_START.strftime("%Y-%m-%d")
    act = demo.simulate_activity(org, pairs, seed=2, cadence_days=30)
    early = pd.DataFrame({"mentor_id": [pairs.loc[0, "mentor_id"]], "mentee_id": [pairs.loc[0, "mentee_id"]],
                          "date": [pd.Timestamp("2026-02-20")], "duration_min": [60], "mode": ["video"],
                          "logged_by": [pairs.loc[0, "mentor_id"]]})
    meetings = pd.concat([early, act.meetings], ignore_index=True)
    return pairs, meetings, act, people


@pytest.fixture(scope="module")
def prepared(programme_files):
    pairs, meetings, act, people = programme_files
    return prepare(pairs, meetings, act.checkins, programme=PROGRAMME, training=act.training,
                   agreements=act.agreements, participants=people)


def expected_status(pair: dict, meetings: pd.DataFrame, checkins: pd.DataFrame, rules: MonitoringRules,
                    as_of: date) -> tuple[str, list[str]]:
    """One pair's status and fired rules, recomputed by hand from the raw rows."""
    c = PROGRAMME.cadence_days
    day, start, ended = pd.Timestamp(as_of), pair["start"], pair["ended_on"]
    if day < start:
        return "too early to tell", []
    if pd.notna(ended) and ended <= day:
        return "ended", []
    judged = min(day, PROGRAMME.end)
    last_ok = min(ended, PROGRAMME.end) if pd.notna(ended) else PROGRAMME.end
    rows = meetings[(meetings["mentor_id"] == pair["mentor_id"]) & (meetings["mentee_id"] == pair["mentee_id"])]
    met = sorted({d for d in pd.to_datetime(rows["date"]) if start <= d <= judged and d <= last_ok})
    running = (judged - start).days
    held, expected = len(met), running // c
    since = (judged - (met[-1] if met else start)).days
    fired = []
    if since > rules.gap_factor * c:
        fired.append(("no recent meeting", "at risk"))
    mine = checkins[pd.to_datetime(checkins["date"]) <= day]
    mine = mine[pd.to_datetime(mine["date"]) >= start - timedelta(days=EARLY_DAYS)]
    for person in (pair["mentor_id"], pair["mentee_id"]):
        rated = mine[(mine["person_id"] == person) & mine["satisfaction"].notna()]
        if len(rated) and rated.sort_values("date", kind="stable").iloc[-1]["satisfaction"] <= rules.low_satisfaction:
            fired.append(("low satisfaction", "at risk"))
            break
    if max(expected - held, 0) >= rules.behind_by:
        fired.append(("behind at the midpoint", "at risk") if judged >= PROGRAMME.midpoint
                     else ("behind the cadence", "needs a check-in"))
    if held == 0 and running > 7 * rules.kickoff_weeks:
        fired.append(("no kickoff", "needs a check-in"))
    sends = {"kickoff": start, "midpoint": PROGRAMME.send_date("midpoint"), "final": PROGRAMME.send_date("final")}
    closed = [(s, d) for s, d in sends.items()
              if (s == "kickoff" or d >= start) and d + timedelta(days=rules.response_days) <= day]
    if closed:
        stage, sent = max(closed, key=lambda sd: sd[1])
        for person in (pair["mentor_id"], pair["mentee_id"]):
            answers = mine[(mine["person_id"] == person) & (mine["stage"] == stage)]
            if not (pd.to_datetime(answers["date"]) >= sent - timedelta(days=EARLY_DAYS)).any():
                fired.append(("one side not responding", "needs a check-in"))
                break
    order = ["no recent meeting", "low satisfaction", "behind at the midpoint", "behind the cadence", "no kickoff",
             "one side not responding"]
    names = sorted({n for n, _ in fired}, key=order.index)
    if any(s == "at risk" for _, s in fired):
        return "at risk", names
    if fired:
        return "needs a check-in", names
    return ("too early to tell" if running < c else "on track"), names


@pytest.mark.parametrize("rules", RULES, ids=["default rules", "edited rules"])
@pytest.mark.parametrize("as_of", DATES, ids=str)
def test_statuses_match_the_rules_recomputed_by_hand(programme_files, prepared, rules, as_of):
    _, meetings, act, _ = programme_files
    got = assess(prepared, rules, as_of)
    for pair in prepared.pairs.to_dict("records"):
        row = got[got["pair"] == pair["pair"]].iloc[0]
        assert (row["status"], row["rules"]) == expected_status(pair, meetings, act.checkins, rules, as_of), \
            f"{pair['mentor_id']}-{pair['mentee_id']} on {as_of}: {row['reason']}"


def test_the_simulated_programme_has_every_edge_case(programme_files, prepared):
    _, meetings, _, _ = programme_files
    assert meetings.duplicated(["mentor_id", "mentee_id", "date"]).any()  # logged by both sides
    assert prepared.pairs["ended_on"].notna().sum() == 1  # the pair that ended early
    assert (prepared.pairs["start"] == LATE_START).sum() == 1
    counts = {s for d in DATES for s in assess(prepared, RULES[0], d)["status"]}
    assert counts == {"on track", "needs a check-in", "at risk", "too early to tell", "ended"}


def test_the_pair_matched_late_is_judged_from_its_own_start(prepared):
    late = prepared.pairs.index[prepared.pairs["start"] == LATE_START][0]
    soon = assess(prepared, RULES[0], (LATE_START + pd.Timedelta(days=10)).date()).iloc[late]
    assert soon["status"] == "too early to tell" and soon["days_running"] == 10
    later = assess(prepared, RULES[0], date(2026, 6, 1)).iloc[late]
    assert later["expected"] == (pd.Timestamp("2026-06-01") - LATE_START).days // 30
    judged_from_launch = prepare(prepared.pairs[["mentor_id", "mentee_id"]], None, None, programme=PROGRAMME)
    assert assess(judged_from_launch, RULES[0], date(2026, 6, 1)).iloc[late]["expected"] > later["expected"]


def test_meetings_logged_twice_or_before_launch_change_nothing(programme_files, prepared):
    pairs, meetings, act, _ = programme_files
    clean = meetings[pd.to_datetime(meetings["date"]) >= pd.Timestamp(START)]
    clean = clean.drop_duplicates(["mentor_id", "mentee_id", "date"])
    plain = prepare(pairs, clean, act.checkins, programme=PROGRAMME)
    for as_of in DATES:
        a, b = assess(prepared, RULES[0], as_of), assess(plain, RULES[0], as_of)
        assert a[["status", "held", "days_since_last"]].equals(b[["status", "held", "days_since_last"]])
    logged_twice = meetings.duplicated(["mentor_id", "mentee_id", "date"], keep=False)
    act_end = pair_activity(prepared, date(2026, 9, 2))
    assert act_end["held"].sum() == len(clean) and logged_twice.sum() > 0


def test_the_pair_that_ended_early_is_ended_from_its_last_word(prepared):
    i = prepared.pairs.index[prepared.pairs["ended_on"].notna()][0]
    ended_on = prepared.pairs.loc[i, "ended_on"]
    before = assess(prepared, RULES[0], (ended_on - pd.Timedelta(days=1)).date()).iloc[i]
    after = assess(prepared, RULES[0], (ended_on + pd.Timedelta(days=60)).date()).iloc[i]
    assert before["status"] != "ended" and after["status"] == "ended"
    assert after["held"] == before["held"] or after["judged_to"] == ended_on


# --------------------------------------------------------------------------- the demo workspace


@pytest.mark.notebook
def test_demo_workspace_statuses_and_monitor_report(demo_workspace):
    from revmentor_nb import Workspace
    from revmentor_nb.monitoring.activity import load

    ws = Workspace(demo_workspace)
    data = load(ws)
    meetings, checkins = ws.require("meetings"), ws.require("checkins")
    for as_of in (date(2026, 4, 1), date(2026, 6, 1), date(2026, 9, 2)):
        got = assess(data, ws.design.monitoring, as_of)
        for pair in data.pairs.to_dict("records"):
            row = got[got["pair"] == pair["pair"]].iloc[0]
            assert (row["status"], row["rules"]) == expected_status(pair, meetings, checkins, ws.design.monitoring,
                                                                    as_of)
    html = (demo_workspace / "reports" / "03_monitor.html").read_text(encoding="utf-8")
    assert html.count('data-mime-type="image/svg+xml"') >= 5 and 'src="http' not in html
    for heading in ("The status of each pair", "Meetings against the cadence", "Check-ins", "What is due"):
        assert heading in html
    comments = checkins["comment"].dropna().unique()
    assert not [c for c in comments if c in html]
    assert not re.search(r">\s*E\d{5}\s*<", html)  # pseudonymous ids only
    nudges_csv = pd.read_csv(demo_workspace / "reports" / "03_monitor_nudges.csv", encoding="utf-8-sig")
    assert len(nudges_csv) and not nudges_csv["who"].astype(str).str.match(r"^E\d{5}$").any()
    assert "monitor.flags" in set(ws.audit_log()["action"])
