"""Unit tests of the matcher: each rule, the reasons, audit suppression, stability, trade-off, settings."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from pydantic import ValidationError

import revmentor_nb
from revmentor_nb.matching import (
    MatchInputError,
    MatchResult,
    MatchSettings,
    match,
    tradeoff,
)
from revmentor_nb.matching.synth import instance


def person(pid, role, **kw):
    base = dict(person_id=pid, name=pid, role=role, department="D-" + pid, manager_id=None, grade_rank=1 if role == "mentor" else 5,
                location="London", remote_ok=True, offers=["AI"] if role != "mentee" else [],
                wants=["AI"] if role != "mentor" else [], interests=[], capacity=1, consent=True,
                gender="woman", ethnicity="White", age_band="25-34", preferences=[])
    base.update(kw)
    return base


def frame(*rows):
    df = pd.DataFrame(list(rows))
    df.index = pd.RangeIndex(2, 2 + len(df), name="row")
    return df


def pair_set(res: MatchResult) -> set[tuple[str, str]]:
    return set(zip(res.pairs.mentor_id, res.pairs.mentee_id))


# ------------------------------------------------------------------------------ API surface


def test_public_api_is_exported():
    from revmentor_nb import matching

    for name in ("match", "MatchResult", "tradeoff", "MatchSettings"):
        assert hasattr(matching, name)
    assert revmentor_nb.match is match


def test_default_settings_are_the_default_programme():
    s = MatchSettings()
    names = [r.name for r in s.rule_table()]
    assert names == ["exclusions", "different_department", "reporting_line", "grade_gap", "location", "shared_topic"]
    assert [t.name for t in s.term_table()] == ["topic_coverage", "shared_interests", "same_site"]
    assert [t.name for t in MatchSettings(mode="two-way").term_table()][-1] == "reciprocity"
    MatchSettings.model_validate(s.model_dump(mode="json"))  # round-trips through YAML-able data


def test_misspelt_setting_is_named():
    with pytest.raises(ValidationError, match="diferent_department"):
        MatchSettings.model_validate({"rules": {"diferent_department": False}})
    people = frame(person("A", "mentor"), person("B", "mentee"))
    with pytest.raises(MatchInputError) as err:
        match(people, rules={"diferent_department": False})
    assert err.value.problems["column"].str.contains("diferent_department").any()


# ------------------------------------------------------------------------------ each hard rule


def test_simple_pair_is_matched_with_breakdown():
    res = match(frame(person("A", "mentor", interests=["chess"]), person("B", "mentee", interests=["chess", "go"])))
    assert pair_set(res) == {("A", "B")}
    row = res.pairs.iloc[0]
    assert row.topic_coverage == pytest.approx(1.0)
    assert row.shared_interests == pytest.approx(0.3 * 0.5)
    assert row.same_site == pytest.approx(0.2)
    assert row.score == pytest.approx(row.topic_coverage + row.shared_interests + row.same_site)
    assert row.shared_topics == ["AI"] and not row.locked
    assert res.status == "optimal" and res.unmatched.empty


@pytest.mark.parametrize("rule,change,phrase", [
    ("different_department", dict(department="Ops"), "same department"),
    ("grade_gap", dict(grade_rank=1), "grade gap"),
    ("location", dict(location="Leeds", remote_ok=False), "another location"),
    ("shared_topic", dict(wants=["Cloud"]), "no topic"),
])
def test_each_rule_blocks_and_is_explained(rule, change, phrase):
    mentor = person("A", "mentor", department="Ops")
    mentee = person("B", "mentee", **{"department": "HR", **change})
    res = match(frame(mentor, mentee))
    assert res.pairs.empty
    rej = res.rejected.set_index("rule")
    assert rej.loc[rule, "removed"] == 1
    reasons = res.unmatched.set_index("person_id")
    assert reasons.loc["B", "cause"] == "no candidate"
    assert phrase in reasons.loc["B", "reason"]
    # switching the rule off lets the pair through
    off = {"different_department": {"different_department": False}, "grade_gap": {"grade_gap": False},
           "location": {"location": False}, "shared_topic": {"shared_topic": False}}[rule]
    if rule == "shared_topic":
        assert match(frame(mentor, mentee), rules=off).n_pairs == 1
    else:
        assert pair_set(match(frame(mentor, mentee), rules=off)) == {("A", "B")}


def test_grade_gap_direction_min_and_max():
    people = frame(person("A", "mentor", grade_rank=6), person("B", "mentee", grade_rank=3))
    assert match(people).pairs.empty  # reverse mentoring: the mentee must be senior
    trad = {"grade_gap": {"direction": "mentor_senior", "min": 1, "max": 2}}
    assert match(people, rules=trad).pairs.empty  # gap 3 > max 2
    trad["grade_gap"]["max"] = 3
    assert match(people, rules=trad).n_pairs == 1


def test_reporting_line_is_traced_through_the_roster():
    # B (mentee) manages R1 (not signed up), who manages A (mentor): A is 2 levels below B
    people = frame(person("A", "mentor", manager_id="R1"), person("B", "mentee"))
    roster = pd.DataFrame({"person_id": ["R1", "B"], "manager_id": ["B", None], "department": ["X", "Y"], "grade": [3, 5]})
    assert match(people, roster=roster).pairs.empty
    assert match(people, roster=roster, rules={"reporting_line_levels": 1}).n_pairs == 1
    assert match(people, rules={"reporting_line_levels": 3}).n_pairs == 1  # without the roster no line is known


def test_location_allows_remote_pairs():
    people = frame(person("A", "mentor", location="Leeds"), person("B", "mentee", location="London"))
    res = match(people)
    assert res.n_pairs == 1 and res.pairs.same_site.iloc[0] == 0.0
    people.loc[people.person_id == "A", "remote_ok"] = False
    assert match(people).pairs.empty


def test_consent_and_exclusions_either_order():
    people = frame(person("A", "mentor"), person("B", "mentee"), person("C", "mentee", consent=False))
    res = match(people)
    assert pair_set(res) == {("A", "B")}
    assert res.unmatched.set_index("person_id").loc["C", "cause"] == "no consent"
    ex = pd.DataFrame({"person_a": ["B"], "person_b": ["A"], "reason": ["conflict"]})
    res = match(people, exclusions=ex)
    assert res.pairs.empty
    assert "excluded" in res.unmatched.set_index("person_id").loc["B", "reason"]


def test_capacity_and_lost_to_capacity_reason():
    people = frame(person("A", "mentor", capacity=2), person("B", "mentee", wants=["AI", "Data"]),
                   person("C", "mentee"), person("D", "mentee", interests=["x"]))
    res = match(people)
    assert res.n_pairs == 2 and set(res.pairs.mentor_id) == {"A"}
    why = res.unmatched.set_index("person_id")
    (loser,) = list(why.index)
    assert why.loc[loser, "cause"] == "lost to capacity"
    assert "A has" in why.loc[loser, "reason"]
    assert match(people, settings={"load_cap": 1}).n_pairs == 1


def test_either_people_take_one_side_within_shared_capacity_and_never_themselves():
    people = frame(person("E", "either", offers=["AI"], wants=["AI"], grade_rank=3),
                   person("A", "mentor"), person("B", "mentee"))
    res = match(people)
    assert res.check_validity().empty
    e_pairs = res.pairs[(res.pairs.mentor_id == "E") | (res.pairs.mentee_id == "E")]
    assert len(e_pairs) <= 1
    assert not ((res.pairs.mentor_id == "E") & (res.pairs.mentee_id == "E")).any()
    people.loc[people.person_id == "E", "capacity"] = 2
    res = match(people)
    assert ((res.pairs.mentor_id == "E") | (res.pairs.mentee_id == "E")).sum() == 2  # mentor of B, mentee of A


# ------------------------------------------------------------------------------ locks


def test_lock_conflicts_are_all_listed():
    people = frame(person("A", "mentor"), person("B", "mentee"), person("C", "mentee", department="D-A"),
                   person("N", "mentee", consent=False))
    locks = pd.DataFrame({"mentor_id": ["A", "A", "A", "Z", "A"], "mentee_id": ["B", "C", "N", "B", "A"]})
    with pytest.raises(MatchInputError) as err:
        match(people, locks=locks)
    text = " | ".join(err.value.problems.problem)
    assert "different_department" in text  # A-C share a department
    assert "not consented" in text
    assert "Z is not a participant" in text
    assert "themselves" in text
    assert "capacity 1" in text  # three valid-looking locks on a capacity-1 mentor


def test_lock_is_kept_and_marked():
    people = frame(person("A", "mentor"), person("B", "mentee"), person("C", "mentee", wants=["AI", "Data"]))
    best = match(people)
    other = ({"B", "C"} - set(best.pairs.mentee_id)).pop()
    res = match(people, locks=pd.DataFrame({"mentor_id": ["A"], "mentee_id": [other]}))
    assert pair_set(res) == {("A", other)} and res.pairs.locked.all()
    assert res.objective <= best.objective
    again = best.rematch(lock=[("A", other)])
    assert pair_set(again) == pair_set(res)
    assert again.data_hash == res.data_hash


# ------------------------------------------------------------------------------ result surface


def test_candidates_are_the_graph_the_optimiser_saw():
    inst = instance(3, 8, 10)
    res = match(inst.participants, roster=inst.roster, exclusions=inst.exclusions)
    cand = res.candidates
    assert {"mentor_id", "mentee_id", "score", "topic_coverage", "chosen", "locked"} <= set(cand.columns)
    chosen = set(zip(cand.mentor_id[cand.chosen].astype(str), cand.mentee_id[cand.chosen].astype(str)))
    assert chosen == pair_set(res)
    comps = cand[["topic_coverage", "shared_interests", "same_site"]].sum(axis=1)
    np.testing.assert_allclose(comps, cand.score, atol=1e-12)
    total = res.rejected["removed"].sum() + len(cand)
    n = inst.participants
    possible = (n.role != "mentee").sum() * (n.role != "mentor").sum() - (n.role == "either").sum()
    assert total == possible


def test_check_validity_reports_a_tampered_pair():
    inst = instance(5, 8, 10)
    res = match(inst.participants, roster=inst.roster, exclusions=inst.exclusions)
    assert res.check_validity().empty
    if res.n_pairs:
        bad = res.pairs.copy()
        bad.loc[len(bad)] = bad.iloc[0]  # the same mentee twice
        object.__setattr__(res, "pairs", bad)
        v = res.check_validity()
        assert any(r == "capacity" and "as mentee" in d for r, d in zip(v.rule, v.detail))


def test_audit_suppresses_small_groups():
    rows = [person(f"M{i}", "mentor", gender="woman" if i < 6 else "man") for i in range(8)]
    rows += [person(f"E{i}", "mentee", department=f"X{i}", gender="woman" if i < 7 else "non-binary") for i in range(8)]
    res = match(frame(*rows))
    a = res.audit(k=5)
    t = a.table.set_index(["dimension", "role", "group"])
    # 6 women and 2 men: showing the women's 6 would reveal the men's 2 from the role's total of 8
    assert t.loc[("gender", "mentor", "woman"), "suppressed"]
    assert t.loc[("gender", "mentor", "man"), "suppressed"]
    assert np.isnan(t.loc[("gender", "mentor", "man"), "match_rate"])
    assert pd.isna(t.loc[("gender", "mentor", "man"), "n"])
    # hidden groups of a dimension never hide 1..k-1 people in all (else total - visible reveals them)
    for _, part in a.table.groupby(["dimension", "role"]):
        raw = res.audit(k=1).table.set_index(["dimension", "role", "group"]).loc[
            [tuple(x) for x in part[["dimension", "role", "group"]].to_numpy()], "n"]
        hidden = raw[part["suppressed"].to_numpy()].sum()
        assert hidden == 0 or hidden >= 5 or part["suppressed"].all()
    assert {"metric", "value", "suppressed"} <= set(a.long.columns)
    assert res.audit(k=1).table.suppressed.sum() == 0


def test_blocking_pairs_on_a_hand_made_example():
    # two mentors, two mentees; fit says A-C, B-D, but A and D rank each other first
    rows = [
        person("A", "mentor", offers=["AI", "Data"], preferences=["D", "C"]),
        person("B", "mentor", offers=["AI"], preferences=["C", "D"]),
        person("C", "mentee", wants=["Data", "AI"], preferences=["B", "A"]),
        person("D", "mentee", wants=["AI"], preferences=["A", "B"]),
    ]
    res = match(frame(*rows))
    assert pair_set(res) == {("A", "C"), ("B", "D")}
    bp = res.blocking_pairs()
    assert set(zip(bp.mentor_id, bp.mentee_id)) == {("A", "D"), ("B", "C")}
    assert list(bp.columns[:4]) == ["mentor_id", "mentee_id", "mentor_rank_of_mentee", "mentee_rank_of_mentor"]
    rows[0]["preferences"] = ["C"]  # A now prefers its own mentee: (A, D) no longer blocks
    bp = match(frame(*rows)).blocking_pairs()
    assert set(zip(bp.mentor_id, bp.mentee_id)) == {("B", "C")}


def test_tradeoff_is_monotone():
    inst = instance(11, 14, 18, max_capacity=2)
    curve = tradeoff(inst.participants, roster=inst.roster, exclusions=inst.exclusions, points=6)
    assert list(curve.columns[:3]) == ["setting", "pairs", "total_fit"]
    assert curve.setting.iloc[0] == 0 and curve.setting.iloc[-1] == 1
    assert curve.pairs.is_monotonic_increasing
    assert (curve.total_fit.diff().dropna() <= 1e-6).all() or (curve.pairs.diff().dropna() > 0).any()
    # at equal pair counts the fit cannot rise with the setting
    for _, grp in curve.groupby("pairs"):
        assert grp.total_fit.is_monotonic_decreasing or grp.total_fit.max() - grp.total_fit.min() < 1e-6


def test_two_way_mode_scores_reciprocity():
    people = frame(person("A", "mentor", wants=["TikTok"]), person("B", "mentee", offers=["TikTok"]))
    res = match(people, settings={"mode": "two-way"})
    assert res.pairs.reciprocity.iloc[0] == pytest.approx(0.5)
    assert "reciprocity" not in match(people).pairs.columns


def test_mix_cap_limits_a_department():
    rows = [person(f"M{i}", "mentor", department="Big" if i < 4 else f"S{i}") for i in range(6)]
    rows += [person(f"E{i}", "mentee", department=f"X{i}") for i in range(6)]
    free = match(frame(*rows))
    capped = match(frame(*rows), settings={"mix": [{"column": "department", "side": "mentor", "max_share": 0.5}]})
    dep = capped.pairs.mentor_id.map(lambda m: "Big" if int(m[1:]) < 4 else m)
    assert (dep == "Big").mean() <= 0.5 + 1e-9
    assert capped.check_validity().empty
    assert capped.objective <= free.objective + 1e-9


def test_rule_table_extends_with_data():
    people = frame(person("A", "mentor", location="Leeds", site_group="north"),
                   person("B", "mentee", location="York", site_group="south"))
    extra = {"extra": [{"name": "same_region", "kind": "same", "column": "site_group"}]}
    assert match(people).n_pairs == 1
    res = match(people, rules=extra)
    assert res.pairs.empty and "same_region" in set(res.rejected.rule)
    terms = {"extra": [{"name": "grade_bonus", "kind": "gap_points", "column": "grade_rank", "points": {4: 1.5}}]}
    assert match(people, weights=terms).pairs.grade_bonus.iloc[0] == pytest.approx(1.5)


def test_missing_columns_and_bad_exclusions_are_input_errors():
    people = frame(person("A", "mentor"), person("B", "mentee")).drop(columns=["department"])
    with pytest.raises(MatchInputError) as err:
        match(people)
    assert "department" in set(err.value.problems.column)
    assert match(people, rules={"different_department": False}).n_pairs == 1
    with pytest.raises(MatchInputError):
        match(frame(person("A", "mentor"), person("B", "mentee")), exclusions=pd.DataFrame({"x": [1]}))
    dup = frame(person("A", "mentor"), person("A", "mentee"))
    with pytest.raises(MatchInputError, match="duplicate person_id"):
        match(dup)


def test_result_summary_and_hash_follow_the_inputs():
    people = frame(person("A", "mentor"), person("B", "mentee"), person("C", "mentee", wants=["AI", "x"]))
    a, b = match(people), match(people, weights={"same_site": 0.5})
    assert a.data_hash != b.data_hash
    assert match(people, seed=1).data_hash != a.data_hash
    s = a.summary()
    assert s["status"] == "optimal" and s["pairs"] == 1 and s["candidates"] == 2
    assert "pairs" in repr(a)


def test_fairness_table_reports_floors_and_shortfall():
    inst = instance(21, 16, 20, n_either=2)
    res = match(inst.participants, roster=inst.roster, exclusions=inst.exclusions,
                settings={"fairness": {"min_group": 2, "max_rate_gap": 0.0, "max_fit_gap": 0.0}})
    f = res.fairness
    assert list(f.columns) == ["side", "attribute", "group", "n", "matched", "rate", "rate_floor", "mean_fit",
                               "fit_floor", "shortfall"]
    assert len(f) > 0 and (f.n >= 2).all()
    met = (f.rate >= f.rate_floor - 1e-9) | (f.shortfall > 0)
    assert met.all()
    assert res.check_validity().empty


def test_mix_cap_broken_by_locks_is_an_input_error():
    rows = [person(f"M{i}", "mentor", department="Big") for i in range(2)] + [person("E0", "mentee", department="X")]
    locks = pd.DataFrame({"mentor_id": ["M0"], "mentee_id": ["E0"]})
    with pytest.raises(MatchInputError, match="side constraints"):
        match(frame(*rows), locks=locks, settings={"mix": [{"column": "department", "max_share": 0.5}]})
