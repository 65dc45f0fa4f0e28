"""The demo organisation: deterministic, realistic enough to teach from, shaped like the data contract."""
from __future__ import annotations

import csv
import re
from collections import Counter
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from revmentor_nb.demo.organisation import (
    GRADE_ORDER,
    SMALL_SITE,
    UNOFFERED_TOPIC,
    DemoActivity,
    DemoOrg,
    build_demo,
    simulate_activity,
    write_activity,
    write_inputs,
)
from revmentor_nb.io import contract
from revmentor_nb.io.org import find_cycles, manager_map

SEED = 3
INPUT_FRAMES = ("roster", "participants", "exclusions", "locks")
ACTIVITY_FRAMES = ("meetings", "checkins", "assessments", "training", "agreements")


# --------------------------------------------------------------------------- helpers


def _line(managers: dict[str, str], pid: str) -> set[str]:
    """Everyone above ``pid`` in the reporting tree."""
    out: set[str] = set()
    while pid in managers and managers[pid] not in out:
        pid = managers[pid]
        out.add(pid)
    return out


def _allowed(m: pd.Series, e: pd.Series, managers: dict[str, str]) -> bool:
    """The default hard rules, restated independently of the generator."""
    return bool(
        m["consent"] and e["consent"]
        and m["department"] != e["department"]
        and e["grade_rank"] >= m["grade_rank"] + 1
        and set(m["offers"]) & set(e["wants"])
        and m["person_id"] not in _line(managers, e["person_id"])
        and e["person_id"] not in _line(managers, m["person_id"])
        and (m["location"] == e["location"] or (m["remote_ok"] and e["remote_ok"]))
    )


def _greedy_pairs(org: DemoOrg) -> pd.DataFrame:
    """A simple rule-abiding pairing (stands in for the matcher in these tests)."""
    p = org.participants
    managers = manager_map(roster=org.roster)
    mentors = [r for _, r in p[p["role"] == "mentor"].iterrows()]
    left = {m["person_id"]: int(m["capacity"]) for m in mentors}
    rows = []
    for _, e in p[p["role"] == "mentee"].iterrows():
        for m in mentors:
            if left[m["person_id"]] and _allowed(m, e, managers):
                left[m["person_id"]] -= 1
                rows.append((m["person_id"], e["person_id"]))
                break
    return pd.DataFrame(rows, columns=["mentor_id", "mentee_id"])


@pytest.fixture(scope="module")
def org() -> DemoOrg:
    return build_demo(seed=SEED)


@pytest.fixture(scope="module")
def pairs(org: DemoOrg) -> pd.DataFrame:
    return _greedy_pairs(org)


@pytest.fixture(scope="module")
def activity(org: DemoOrg, pairs: pd.DataFrame) -> DemoActivity:
    return simulate_activity(org, pairs, seed=SEED)


@pytest.fixture(scope="module")
def managers(org: DemoOrg) -> dict[str, str]:
    return manager_map(roster=org.roster)


def _as_of(org: DemoOrg) -> pd.Timestamp:
    return pd.Timestamp(org.start_date + timedelta(days=183))


# --------------------------------------------------------------------------- determinism and size


def test_same_seed_gives_identical_frames(org: DemoOrg, pairs: pd.DataFrame, activity: DemoActivity) -> None:
    again = build_demo(seed=SEED)
    for name in INPUT_FRAMES:
        pd.testing.assert_frame_equal(getattr(again, name), getattr(org, name))
    assert again.grade_order == org.grade_order and again.start_date == org.start_date
    replay = simulate_activity(again, pairs, seed=SEED)
    for name in ACTIVITY_FRAMES:
        pd.testing.assert_frame_equal(getattr(replay, name), getattr(activity, name))


def test_different_seed_gives_different_frames(org: DemoOrg, pairs: pd.DataFrame, activity: DemoActivity) -> None:
    other = build_demo(seed=SEED + 1)
    assert not other.roster.equals(org.roster)
    assert not other.participants.equals(org.participants)
    assert not simulate_activity(org, pairs, seed=SEED + 1).meetings.equals(activity.meetings)


def test_default_sizes(org: DemoOrg) -> None:
    assert len(org.roster) == 3000 and org.roster["person_id"].is_unique
    roles = org.participants["role"].value_counts()
    assert roles["mentor"] == 180 and roles["mentee"] == 210
    assert 10 <= roles["either"] <= 40
    assert org.participants["person_id"].is_unique
    assert org.grade_order == GRADE_ORDER and org.start_date == date(2026, 3, 2)


def test_counts_can_be_overridden_for_big_runs() -> None:
    big = build_demo(seed=1, n_employees=22000, n_mentors=1000, n_mentees=1200, start_date=date(2025, 9, 1))
    roles = big.participants["role"].value_counts()
    assert len(big.roster) == 22000 and roles["mentor"] == 1000 and roles["mentee"] == 1200
    assert big.start_date == date(2025, 9, 1)
    assert (big.roster["hire_date"] <= pd.Timestamp("2025-09-01")).all()


def test_impossible_counts_are_refused() -> None:
    with pytest.raises(ValueError, match="mentees"):
        build_demo(n_employees=300, n_mentees=250)
    with pytest.raises(ValueError):
        build_demo(n_employees=20)


# --------------------------------------------------------------------------- in-memory format


def _expected_columns(kind: contract.Kind) -> list[str]:
    names = []
    for c in kind.columns:
        names.append(c.name)
        if c.type == contract.GRADE:
            names.append("grade_rank")
    return names


@pytest.mark.parametrize("name", INPUT_FRAMES)
def test_frames_follow_the_clean_format(org: DemoOrg, name: str) -> None:
    frame = getattr(org, name)
    kind = contract.kind(name)
    assert list(frame.columns) == _expected_columns(kind)
    assert frame.index.name == "row" and list(frame.index) == list(range(2, len(frame) + 2))
    for c in kind.columns:
        col = frame[c.name]
        if c.type in (contract.TEXT, contract.ENUM, contract.EMAIL, contract.GRADE):
            assert col.dtype == object and all(v is None or isinstance(v, str) for v in col), c.name
        elif c.type == contract.LIST:
            assert all(isinstance(v, list) and all(isinstance(x, str) for x in v) for v in col), c.name
        elif c.type == contract.BOOL:
            assert col.dtype == bool, c.name
        elif c.type == contract.INT:  # optional whole numbers without a default are nullable, as the loader gives them
            assert col.dtype == (np.int64 if c.default is not None else "Int64"), c.name
        elif c.type == contract.DATE:
            assert col.dtype == "datetime64[ns]", c.name
    if "grade_rank" in frame:
        assert frame["grade_rank"].dtype == np.int64
        assert (frame["grade"].map({g: i + 1 for i, g in enumerate(GRADE_ORDER)}) == frame["grade_rank"]).all()


@pytest.mark.parametrize("name", ACTIVITY_FRAMES)
def test_activity_frames_follow_the_contract(activity: DemoActivity, name: str) -> None:
    frame = getattr(activity, name)
    kind = contract.kind(name)
    assert list(frame.columns)[: len(kind.columns)] == [c.name for c in kind.columns]
    assert frame.index.name == "row" and list(frame.index) == list(range(2, len(frame) + 2))
    for c in kind.columns:
        if c.type == contract.DATE:
            assert frame[c.name].dtype == "datetime64[ns]"
    assert len(frame) > 0


# --------------------------------------------------------------------------- the roster


def test_reporting_tree_is_a_tree_with_seniors_on_top(org: DemoOrg, managers: dict[str, str]) -> None:
    r = org.roster
    assert r["manager_id"].isna().sum() == 1  # one CEO
    assert set(r["manager_id"].dropna()) <= set(r["person_id"])
    assert find_cycles(managers) == []
    rank = dict(zip(r["person_id"], r["grade_rank"]))
    assert all(rank[boss] > rank[pid] for pid, boss in managers.items())
    ceo = r.loc[r["manager_id"].isna(), "person_id"].iloc[0]
    assert rank[ceo] == len(GRADE_ORDER)
    spans = r["manager_id"].value_counts()
    assert spans.min() >= 3 and spans.max() <= 9
    depth = max(len(_line(managers, p)) for p in r["person_id"])
    assert 5 <= depth <= 8


def test_departments_sites_and_grades_are_varied(org: DemoOrg) -> None:
    r = org.roster
    depts = r["department"].value_counts()
    assert (depts >= 100).sum() == 8
    assert "Technology" in depts and "Customer Service" in depts
    sites = r["location"].value_counts()
    assert len(sites) >= 5 and sites.idxmax() == "London" and sites[SMALL_SITE] < 0.08 * len(r)
    assert set(r["grade"]) == set(GRADE_ORDER)
    assert (r["grade_rank"] >= 6).mean() > 0.15  # enough senior staff to recruit mentees from


def test_seniors_are_older_and_less_diverse(org: DemoOrg) -> None:
    r = org.roster
    junior, senior = r[r["grade_rank"] <= 3], r[r["grade_rank"] >= 7]
    young = {"16-24", "25-34"}
    assert junior["age_band"].isin(young).mean() > senior["age_band"].isin(young).mean() + 0.4
    assert (senior["gender"] == "Male").mean() > (junior["gender"] == "Male").mean()
    assert (senior["ethnicity"] == "White").mean() > (junior["ethnicity"] == "White").mean()


def test_roster_dates_tell_a_story(org: DemoOrg) -> None:
    r = org.roster
    start = pd.Timestamp(org.start_date)
    assert (r["hire_date"] <= start).all()
    left = r["exit_date"].dropna()
    assert (left > start).all() and (left <= start + pd.Timedelta(days=366)).all()
    assert 0.10 <= r["exit_date"].notna().mean() <= 0.16
    young_junior = (r["age_band"] == "16-24") & (r["grade_rank"] <= 2)
    assert r.loc[young_junior, "exit_date"].notna().mean() > r.loc[~young_junior, "exit_date"].notna().mean()
    promoted = r["last_promotion_date"].dropna()
    assert (promoted >= r.loc[promoted.index, "hire_date"]).all()
    assert 0.05 <= (promoted > start).sum() / len(r) <= 0.15


def test_participation_nudges_retention_and_promotion() -> None:
    big = build_demo(seed=0, n_employees=30000)
    r = big.roster
    joined = r["person_id"].isin(big.participants.loc[big.participants["consent"], "person_id"])
    start = pd.Timestamp(big.start_date)
    for grades in ([1, 2, 3], [5, 6, 7, 8]):
        same = r["grade_rank"].isin(grades)
        leave_in, leave_out = r.loc[same & joined, "exit_date"].notna().mean(), r.loc[same & ~joined, "exit_date"].notna().mean()
        up_in = (r.loc[same & joined, "last_promotion_date"] > start).mean()
        up_out = (r.loc[same & ~joined, "last_promotion_date"] > start).mean()
        assert leave_in < leave_out and up_in > up_out
        assert leave_out - leave_in < 0.15  # a nudge, not a miracle


# --------------------------------------------------------------------------- sign-ups


def test_participants_agree_with_the_roster(org: DemoOrg) -> None:
    cols = ["department", "manager_id", "grade", "grade_rank", "location", "gender", "ethnicity", "age_band"]
    merged = org.participants.merge(org.roster, on="person_id", suffixes=("", "_hr"), validate="one_to_one")
    assert len(merged) == len(org.participants)
    for c in cols:
        assert merged[c].equals(merged[c + "_hr"]), c
    assert (merged["exit_date"].isna() | (merged["exit_date"] > pd.Timestamp(org.start_date))).all()


def test_roles_follow_seniority(org: DemoOrg) -> None:
    p = org.participants
    rank = p.groupby("role")["grade_rank"]
    assert rank.max()["mentor"] < rank.min()["mentee"]
    assert rank.median()["mentor"] < rank.median()["either"] < rank.median()["mentee"]
    young = p["age_band"].isin({"16-24", "25-34"}).groupby(p["role"]).mean()
    assert young["mentor"] > 0.8 and young["mentee"] < 0.3


def test_topics_by_role(org: DemoOrg) -> None:
    p = org.participants
    role, offers, wants = p["role"], p["offers"].map(len), p["wants"].map(len)
    assert (offers[role == "mentor"] > 0).all() and (wants[role == "mentor"] == 0).all()
    assert (wants[role == "mentee"] > 0).all() and (offers[role == "mentee"] == 0).all()
    assert ((offers > 0) & (wants > 0))[role == "either"].all()
    assert all(len(set(map(str.casefold, x))) == len(x) for x in p["offers"].tolist() + p["wants"].tolist())


def test_some_topics_are_scarce(org: DemoOrg) -> None:
    p = org.participants
    offered = Counter(t for x in p["offers"] for t in x)
    wanted = Counter(t for x in p["wants"] for t in x)
    assert wanted["AI tools"] >= 3 * offered["AI tools"] > 0
    assert offered[UNOFFERED_TOPIC] == 0 and wanted[UNOFFERED_TOPIC] > 0
    assert len(offered) >= 12


def test_people_with_no_feasible_partner(org: DemoOrg, managers: dict[str, str]) -> None:
    p = org.participants
    givers = [r for _, r in p[p["role"] != "mentee"].iterrows()]
    only_unoffered = p[p["wants"].map(lambda w: w == [UNOFFERED_TOPIC])]
    assert len(only_unoffered) >= 1
    stranded = p[(p["role"] == "mentee") & (p["location"] == SMALL_SITE) & ~p["remote_ok"] & p["consent"]]
    assert len(stranded) >= 1
    for _, e in pd.concat([only_unoffered, stranded]).iterrows():
        assert not any(_allowed(m, e, managers) for m in givers if m["person_id"] != e["person_id"])
    assert 1 <= (~p["consent"]).sum() <= 0.06 * len(p)
    assert 0.05 <= (~p["remote_ok"]).mean() <= 0.2


def test_some_pairs_are_blocked_only_by_the_reporting_line(org: DemoOrg, managers: dict[str, str]) -> None:
    p = org.participants.set_index("person_id", drop=False)
    blocked = []
    for pid in p.index[p["role"] == "mentor"]:
        for boss in _line(managers, pid) & set(p.index[p["role"] == "mentee"]):
            m, e = p.loc[pid], p.loc[boss]
            if (m["consent"] and e["consent"] and m["department"] != e["department"]
                    and set(m["offers"]) & set(e["wants"])):
                blocked.append((pid, boss))
    assert len(blocked) >= 2


def test_sign_up_details_are_plausible(org: DemoOrg) -> None:
    p = org.participants
    assert p["email"].is_unique
    assert p["email"].str.fullmatch(r"[a-z]+\.[a-z]+\d*@[a-z.-]+\.example").all()
    assert p["name"].str.fullmatch(r"[A-Z][a-z]+ [A-Z][A-Za-z']+").all()
    cap = p.loc[p["role"] == "mentor", "capacity"]
    assert cap.between(1, 3).all() and (cap == 3).sum() < (cap == 2).sum() < (cap == 1).sum()
    assert (p.loc[p["role"] != "mentor", "capacity"] == 1).all()
    assert p["interests"].map(len).between(0, 4).all() and p["interests"].map(len).mean() > 1


def test_preferences_rank_people_on_the_other_side(org: DemoOrg) -> None:
    p = org.participants
    has = p["preferences"].map(len) > 0
    assert 0.2 <= has.mean() <= 0.4
    givers = set(p.loc[p["role"] != "mentee", "person_id"])
    takers = set(p.loc[p["role"] != "mentor", "person_id"])
    for _, r in p[has].iterrows():
        assert len(r["preferences"]) == len(set(r["preferences"])) and r["person_id"] not in r["preferences"]
        side = takers if r["role"] == "mentor" else givers if r["role"] == "mentee" else givers | takers
        assert set(r["preferences"]) <= side


def test_exclusions_and_locks(org: DemoOrg, managers: dict[str, str]) -> None:
    p = org.participants.set_index("person_id", drop=False)
    ex, locks = org.exclusions, org.locks
    assert 5 <= len(ex) <= 12 and ex["reason"].map(bool).all()
    assert set(ex["person_a"]) | set(ex["person_b"]) <= set(p.index)
    assert 1 <= len(locks) <= 2
    excluded = {frozenset(x) for x in zip(ex["person_a"], ex["person_b"])}
    for m, e in zip(locks["mentor_id"], locks["mentee_id"]):
        assert p.loc[m, "role"] == "mentor" and p.loc[e, "role"] == "mentee"
        assert _allowed(p.loc[m], p.loc[e], managers)
        assert frozenset((m, e)) not in excluded


# --------------------------------------------------------------------------- activity


def test_activity_only_for_given_pairs_and_not_after_as_of(org: DemoOrg, pairs: pd.DataFrame,
                                                           activity: DemoActivity) -> None:
    given = set(zip(pairs["mentor_id"], pairs["mentee_id"]))
    people = set(pairs["mentor_id"]) | set(pairs["mentee_id"])
    assert set(zip(activity.meetings["mentor_id"], activity.meetings["mentee_id"])) <= given
    assert set(zip(activity.agreements["mentor_id"], activity.agreements["mentee_id"])) <= given
    for name in ("checkins", "assessments", "training"):
        assert set(getattr(activity, name)["person_id"]) <= people
    dated = {"meetings": "date", "checkins": "date", "assessments": "date", "training": "completed_on",
             "agreements": "signed_on"}
    for name, col in dated.items():
        assert getattr(activity, name)[col].max() <= _as_of(org), name


def test_an_earlier_as_of_cuts_the_story_short(org: DemoOrg, pairs: pd.DataFrame) -> None:
    as_of = org.start_date + timedelta(days=60)
    early = simulate_activity(org, pairs, seed=SEED, as_of=as_of)
    assert early.meetings["date"].max() <= pd.Timestamp(as_of)
    assert (early.assessments["stage"] == "pre").all()
    assert set(early.checkins["stage"]) <= {"kickoff", "pulse", "final"}
    finals = early.checkins[early.checkins["stage"] == "final"]
    assert finals["comment"].str.contains("end the pairing early").all()  # only the pair that ended early


def test_meetings_mostly_monthly_with_lapses_and_late_starts(org: DemoOrg, pairs: pd.DataFrame,
                                                             activity: DemoActivity) -> None:
    m = activity.meetings
    distinct = m.drop_duplicates(["mentor_id", "mentee_id", "date"])
    held = distinct.groupby(["mentor_id", "mentee_id"]).size().reindex(
        pd.MultiIndex.from_frame(pairs[["mentor_id", "mentee_id"]]), fill_value=0)
    assert held.median() >= 5
    lapsed = (held <= 3).mean()
    assert 0.08 <= lapsed <= 0.3
    first = distinct.groupby(["mentor_id", "mentee_id"])["date"].min()
    assert (first > pd.Timestamp(org.start_date) + pd.Timedelta(days=40)).any()  # matched or started late
    assert m["duration_min"].dtype == "Int64" and m["duration_min"].between(15, 120).all()
    assert set(m["mode"]) <= {"video", "in person", "phone"}


def test_some_meetings_are_logged_by_both_sides(activity: DemoActivity) -> None:
    m = activity.meetings
    assert ((m["logged_by"] == m["mentor_id"]) | (m["logged_by"] == m["mentee_id"])).all()
    twice = m[m.duplicated(["mentor_id", "mentee_id", "date"], keep=False)]
    assert 0 < len(twice) < 0.15 * len(m)
    assert (twice.groupby(["mentor_id", "mentee_id", "date"])["logged_by"].nunique() == 2).all()


def test_checkins_from_both_sides_with_satisfaction_tracking_engagement(pairs: pd.DataFrame,
                                                                          activity: DemoActivity) -> None:
    c = activity.checkins
    assert set(c["stage"]) == set(contract.CHECKIN_STAGES)
    assert set(c["person_id"]) & set(pairs["mentor_id"]) and set(c["person_id"]) & set(pairs["mentee_id"])
    sat = c["satisfaction"].dropna()
    assert c["satisfaction"].dtype == "Int64" and sat.between(1, 5).all() and sat.nunique() >= 4
    assert set(c["on_track"].map(repr)) <= {"True", "False", "None"}
    kickoffs = c[c["stage"] == "kickoff"]["person_id"].nunique()
    assert kickoffs < len(set(pairs["mentor_id"]) | set(pairs["mentee_id"]))  # some never answer
    said = c["comment"].dropna()
    assert 0.2 < len(said) / len(c) < 0.7
    assert said.str.contains("end the pairing early").any()
    assert c.loc[c["on_track"] == False, "satisfaction"].mean() < c.loc[c["on_track"] == True, "satisfaction"].mean()  # noqa: E712


def test_assessments_show_a_modest_gain_and_missing_follow_ups(pairs: pd.DataFrame, activity: DemoActivity) -> None:
    a = activity.assessments
    assert a.attrs["items"] == [f"mfq{i}" for i in range(1, 10)]
    dc = a[a["instrument"] == "digital_confidence"].pivot(index="person_id", columns="stage", values="score")
    assert dc["pre"].dropna().between(1, 5).all() and dc["post"].dropna().between(1, 5).all()
    missing_post = dc["pre"].notna() & dc["post"].isna()
    assert 0.04 <= missing_post.mean() <= 0.2
    both = dc.dropna()
    gain = both["post"] - both["pre"]
    d = gain.mean() / np.sqrt((both["pre"].var() + both["post"].var()) / 2)
    assert 0.3 <= d <= 0.65
    held = activity.meetings.drop_duplicates(["mentor_id", "mentee_id", "date"]).groupby("mentee_id").size()
    assert np.corrcoef(gain, held.reindex(both.index, fill_value=0))[0, 1] > 0.1
    assert not a.duplicated(["person_id", "instrument", "stage"]).any()
    mfq = a[a["instrument"] == "mfq9"]
    items = mfq[[f"mfq{i}" for i in range(1, 10)]]
    assert (mfq["stage"] == "post").all() and mfq["score"].isna().all()
    assert items.notna().all().all() and items.isin([1.0, 2.0, 3.0, 4.0, 5.0]).all().all()
    assert set(mfq["person_id"]) & set(pairs["mentor_id"]) and set(mfq["person_id"]) & set(pairs["mentee_id"])


def test_training_and_agreements_for_most(pairs: pd.DataFrame, activity: DemoActivity) -> None:
    t = activity.training
    mentors, mentees = set(pairs["mentor_id"]), set(pairs["mentee_id"])
    assert set(t.loc[t["module"] == "mentor_training", "person_id"]) <= mentors
    assert set(t.loc[t["module"] == "mentee_briefing", "person_id"]) <= mentees
    assert 0.75 <= t.loc[t["module"] == "mentor_training", "person_id"].nunique() / len(mentors) < 1
    agreed = len(activity.agreements) / len(pairs)
    assert 0.8 <= agreed < 1


def test_two_way_people_answer_each_survey_once(org: DemoOrg) -> None:
    p = org.participants
    either = p.loc[(p["role"] == "either") & p["consent"], "person_id"].head(4).tolist()
    mentors = p.loc[p["role"] == "mentor", "person_id"].head(4).tolist()
    mentees = p.loc[p["role"] == "mentee", "person_id"].head(4).tolist()
    two_way = pd.DataFrame({"mentor_id": either + mentors, "mentee_id": mentees + either})
    a = simulate_activity(org, two_way, seed=2).assessments
    assert not a.duplicated(["person_id", "instrument", "stage"]).any()
    assert set(a.loc[a["instrument"] == "mfq9", "person_id"]) & set(either)


def test_matched_on_is_honoured_and_bad_pairs_refused(org: DemoOrg, pairs: pd.DataFrame) -> None:
    late = pairs.head(3).assign(matched_on=pd.Timestamp(org.start_date) + pd.Timedelta(days=100))
    act = simulate_activity(org, late, seed=1)
    assert (act.meetings["date"] > late["matched_on"].iloc[0]).all()
    with pytest.raises(ValueError, match="mentee_id"):
        simulate_activity(org, pairs[["mentor_id"]])
    with pytest.raises(ValueError, match="did not sign up"):
        simulate_activity(org, pd.DataFrame({"mentor_id": ["NOPE"], "mentee_id": [pairs["mentee_id"].iloc[0]]}))
    empty = simulate_activity(org, pairs.iloc[:0])
    assert all(len(getattr(empty, n)) == 0 for n in ACTIVITY_FRAMES)


# --------------------------------------------------------------------------- files


def _header(path: Path) -> list[str]:
    with open(path, newline="", encoding="utf-8") as fh:
        return next(csv.reader(fh))


def test_csv_files_use_the_contract_columns(org: DemoOrg, activity: DemoActivity, tmp_path: Path) -> None:
    inputs = write_inputs(org, tmp_path / "in")
    assert {k: p.name for k, p in inputs.items()} == {
        "roster": "roster.csv", "participants": "signups.csv", "exclusions": "exclusions.csv", "locks": "locks.csv"}
    for kind, path in inputs.items():
        assert _header(path) == [c.name for c in contract.kind(kind).columns]
    done = write_activity(activity, tmp_path / "act")
    assert set(done) == set(ACTIVITY_FRAMES)
    for kind, path in done.items():
        names = [c.name for c in contract.kind(kind).columns]
        assert _header(path)[: len(names)] == names
    assert _header(done["assessments"])[len(contract.ASSESSMENTS.columns):] == [f"mfq{i}" for i in range(1, 10)]
    signups = pd.read_csv(inputs["participants"], dtype=str, keep_default_na=False)
    assert set(signups["consent"]) <= {"yes", "no"} and set(signups["remote_ok"]) <= {"yes", "no"}
    assert signups["wants"].str.contains("; ").any()
    assert signups["hire_date"].str.fullmatch(r"\d{4}-\d{2}-\d{2}").all() if "hire_date" in signups else True
    roster = pd.read_csv(inputs["roster"], dtype=str, keep_default_na=False)
    assert roster["hire_date"].map(lambda s: bool(re.fullmatch(r"\d{4}-\d{2}-\d{2}", s))).all()


def test_loaders_read_the_files_back_to_equal_frames(org: DemoOrg, activity: DemoActivity, tmp_path: Path) -> None:
    loaders = pytest.importorskip("revmentor_nb.io.load")
    paths = {**write_inputs(org, tmp_path), **write_activity(activity, tmp_path)}
    for kind, path in paths.items():
        extra = {"roster": org.roster} if kind == "participants" else {}
        got = loaders.load(kind, path, grade_order=list(org.grade_order), **extra)
        mine = getattr(org, kind) if kind in INPUT_FRAMES else getattr(activity, kind)
        pd.testing.assert_frame_equal(got, mine, check_exact=True, obj=kind)
