"""The matcher's second stage: capacity on both sides, priority tiers, both-role sign-ups,
one person with two sign-ups, opt-in terms, clearing rounds, and the civil-service preset."""
from __future__ import annotations


import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from revmentor_nb import clearing_round, match, preset
from revmentor_nb.matching import MatchInputError, MatchSettings
from revmentor_nb.matching.synth import instance

FAST = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])

instances = st.builds(
    instance, seed=st.integers(0, 10_000), n_mentors=st.integers(1, 12), n_mentees=st.integers(1, 14),
    n_either=st.integers(0, 4), max_capacity=st.integers(1, 3), mentee_max_capacity=st.integers(1, 3),
    n_topics=st.integers(3, 8), n_others=st.just(12),
)


def _counts(res, column: str) -> pd.Series:
    return res.pairs.groupby(column).size()


def _declared(p: pd.DataFrame) -> pd.DataFrame:
    """What each person may take, computed from the participants table alone."""
    cap = p.set_index("person_id")["capacity"].astype(int)
    role = p.set_index("person_id")["role"]
    as_mentor = cap.where(role != "mentee", 0)
    as_mentee = cap.where(role == "mentee", np.where(role == "either", np.minimum(1, cap), 0))
    return pd.DataFrame({"role": role, "total": cap, "as_mentor": as_mentor, "as_mentee": as_mentee})


@FAST
@given(instances, st.sampled_from(["mentees", "both", "off"]), st.sampled_from([0.0, 0.5, 1.0]))
def test_capacities_hold_on_both_sides(inst, tiers, most_pairs):
    p = inst.participants
    res = match(p, roster=inst.roster, exclusions=inst.exclusions, settings={"tiers": tiers, "most_pairs": most_pairs})
    assert res.check_validity().empty
    d = _declared(p)
    as_m = _counts(res, "mentor_id").reindex(d.index, fill_value=0)
    as_e = _counts(res, "mentee_id").reindex(d.index, fill_value=0)
    assert (as_m <= d.as_mentor).all()
    assert (as_e <= d.as_mentee).all()
    assert (as_m + as_e <= d.total).all()
    assert not (res.pairs.mentor_id == res.pairs.mentee_id).any()
    pair_keys = {frozenset(x) for x in zip(res.pairs.mentor_id, res.pairs.mentee_id)}
    assert len(pair_keys) == len(res.pairs)  # a pair at most once, in either direction
    unmatched = set(res.unmatched.person_id)
    matched = set(res.pairs.mentor_id) | set(res.pairs.mentee_id)
    assert unmatched.isdisjoint(matched) and (unmatched | matched) == set(p.person_id)


@FAST
@given(instances, st.sampled_from(["mentees", "both"]), st.integers(0, 3))
def test_flow_and_lp_reach_the_same_optimum_with_and_without_locks(inst, tiers, n_locks):
    p = inst.participants
    kw = dict(roster=inst.roster, exclusions=inst.exclusions)
    flow = match(p, **kw, settings={"tiers": tiers})
    lp = match(p, **kw, settings={"tiers": tiers, "solver": {"method": "lp"}})
    assert flow.status == lp.status == "optimal"
    assert flow.objective == pytest.approx(lp.objective, rel=1e-6, abs=1e-6)
    if n_locks and flow.n_pairs:
        locks = flow.pairs.sample(min(n_locks, flow.n_pairs), random_state=0)[["mentor_id", "mentee_id"]]
        a = match(p, **kw, locks=locks, settings={"tiers": tiers})
        b = match(p, **kw, locks=locks, settings={"tiers": tiers, "solver": {"method": "lp"}})
        assert a.objective == pytest.approx(b.objective, rel=1e-6, abs=1e-6)
        assert a.check_validity().empty and b.check_validity().empty


@FAST
@given(instances)
def test_everyone_gets_one_before_anyone_gets_a_second(inst):
    """No mentor could move from someone's second (or later) pair to a mentee who has none."""
    res = match(inst.participants, roster=inst.roster, exclusions=inst.exclusions, settings={"tiers": "mentees"})
    cand = res.candidates
    allowed = set(zip(cand.mentor_id.astype(str), cand.mentee_id.astype(str)))
    per_mentee = res.pairs.groupby("mentee_id").mentor_id.apply(list).to_dict()
    p = inst.participants
    mentees = set(p.loc[p.role != "mentor", "person_id"])
    busy = set(res.pairs.mentor_id) | set(res.pairs.mentee_id)  # a both-role mentor may have no room left
    without = [e for e in mentees if e not in busy]
    for a, mentors in per_mentee.items():
        if len(mentors) < 2:
            continue
        for m in mentors:
            for b in without:
                assert (m, b) not in allowed, f"{m} could leave {a} (who has {len(mentors)}) for {b} (who has none)"


def test_tiers_spread_a_scarce_mentor_pool():
    people = pd.DataFrame([
        dict(person_id="m1", role="mentor", department="A", grade_rank=1, capacity=2, consent=True, offers=["x"]),
        dict(person_id="e1", role="mentee", department="B", grade_rank=3, capacity=2, consent=True, wants=["x"]),
        dict(person_id="e2", role="mentee", department="C", grade_rank=3, capacity=2, consent=True, wants=["x", "y"]),
        dict(person_id="m2", role="mentor", department="D", grade_rank=1, capacity=1, consent=True, offers=["x"]),
    ])
    kw = dict(rules={"reporting_line_levels": 0, "location": False})
    spread = match(people, **kw)
    assert set(spread.pairs.mentee_id) == {"e1", "e2"} and spread.n_pairs == 3
    off = match(people, **kw, settings={"tiers": "off", "most_pairs": 0.0})
    assert off.check_validity().empty


def _two_signups(roster_link: str) -> tuple[pd.DataFrame, pd.DataFrame | None]:
    """One human being (E1) signed up twice, as mentor and as mentee, under two e-mail addresses."""
    base = dict(consent=True, capacity=1)
    people = pd.DataFrame([
        dict(person_id="x@home.org", email="x@home.org", role="mentor", department="A", grade_rank=1, offers=["ai"], **base),
        dict(person_id="x@work.org", email="x@work.org", role="mentee", department="B", grade_rank=4, wants=["ai"], **base),
    ])
    roster = None
    if roster_link == "roster_id":
        people["roster_id"] = ["E1", "E1"]
    else:
        roster = pd.DataFrame(dict(person_id=["E1"], manager_id=[None], email=["x@home.org; x@work.org"]))
    return people, roster


@pytest.mark.parametrize("link", ["roster_id", "roster_email"])
def test_one_person_with_two_addresses_is_never_paired_with_themselves(link):
    people, roster = _two_signups(link)
    res = match(people, roster=roster, rules={"reporting_line_levels": 0, "location": False})
    assert res.n_pairs == 0
    assert "same_person" in set(res.rejected.rule)
    reasons = " ".join(res.unmatched.reason)
    assert "same person" in reasons
    other = pd.DataFrame([dict(person_id="y@x.org", role="mentee", department="C", grade_rank=4, wants=["ai"],
                               consent=True, capacity=1)])
    res2 = match(pd.concat([people, other], ignore_index=True), roster=roster,
                 rules={"reporting_line_levels": 0, "location": False})
    assert list(zip(res2.pairs.mentor_id, res2.pairs.mentee_id)) == [("x@home.org", "y@x.org")]
    with pytest.raises(MatchInputError) as err:
        match(people, roster=roster, rules={"reporting_line_levels": 0, "location": False},
              locks=pd.DataFrame(dict(mentor_id=["x@home.org"], mentee_id=["x@work.org"])))
    assert "same_person" in " ".join(err.value.problems.problem)


def test_a_both_role_person_mentors_one_and_is_mentored_by_another_within_their_total():
    rows = [
        dict(person_id="b", role="either", department="B", grade_rank=2, capacity=2, offers=["ai"], wants=["law"]),
        dict(person_id="j", role="mentor", department="J", grade_rank=1, capacity=1, offers=["law"], wants=[]),
        dict(person_id="s", role="mentee", department="S", grade_rank=3, capacity=1, offers=[], wants=["ai"]),
    ]
    people = pd.DataFrame(rows).assign(consent=True)
    res = match(people, rules={"reporting_line_levels": 0, "location": False})
    assert set(zip(res.pairs.mentor_id, res.pairs.mentee_id)) == {("b", "s"), ("j", "b")}
    one = match(people.assign(capacity=[1, 1, 1]), rules={"reporting_line_levels": 0, "location": False})
    assert one.n_pairs == 1 and one.check_validity().empty


# ------------------------------------------------------------------ clearing rounds


@FAST
@given(instances)
def test_a_clearing_round_never_changes_published_pairs(inst):
    p = inst.participants
    strict = {"grade_gap": {"min": 2}}
    first = match(p, roster=inst.roster, exclusions=inst.exclusions, rules=strict)
    second = clearing_round(p, first, roster=inst.roster, exclusions=inst.exclusions, rules=strict,
                            relax={"grade_gap": {"min": 1}})
    published = set(zip(first.pairs.mentor_id, first.pairs.mentee_id))
    now = set(zip(second.pairs.mentor_id, second.pairs.mentee_id))
    assert published <= now
    assert second.pairs.loc[[x in published for x in zip(second.pairs.mentor_id, second.pairs.mentee_id)], "locked"].all()
    had_mentor = set(first.pairs.mentee_id)
    new = now - published
    assert all(e not in had_mentor for _, e in new)  # only the unmatched mentees take new mentors
    assert second.check_validity().empty
    relaxed = set(zip(second.relaxed.mentor_id, second.relaxed.mentee_id))
    assert relaxed <= new
    ranks = p.set_index("person_id")["grade_rank"]
    for m, e in new:
        needs = (ranks[e] - ranks[m]) < 2
        assert needs == ((m, e) in relaxed), (m, e)
    assert set(second.relaxed.rule) <= {"grade_gap"}
    assert (second.relaxed.programme_rule == "min=2.0").all() and (second.relaxed.this_round == "min=1.0").all()


def test_relaxing_an_unknown_or_protected_rule_names_the_key_and_the_choices():
    inst = instance(1, 5, 5)
    with pytest.raises(MatchInputError) as err:
        match(inst.participants, roster=inst.roster, relax={"grade_gapp": {"min": 0}, "location": {"levels": -1}})
    probs = err.value.problems
    assert "relax.grade_gapp" in set(probs.column)
    assert "grade_gap" in probs.loc[probs.column == "relax.grade_gapp", "fix"].iloc[0]
    assert any(c.startswith("relax.location") for c in probs.column)
    people, roster = _two_signups("roster_id")
    with pytest.raises(MatchInputError) as err2:
        match(people, roster=roster, relax={"same_person": False}, rules={"reporting_line_levels": 0})
    assert "cannot be relaxed" in err2.value.problems.problem.iloc[0]


def test_a_relaxed_rule_switched_off_is_reported_for_the_pairs_that_needed_it():
    inst = instance(3, 10, 12)
    p = inst.participants
    first = match(p, roster=inst.roster, exclusions=inst.exclusions)
    second = clearing_round(p, first.pairs, roster=inst.roster, exclusions=inst.exclusions,
                            relax={"different_department": False})
    depts = p.set_index("person_id")["department"]
    same = {(m, e) for m, e in zip(second.pairs.mentor_id, second.pairs.mentee_id) if depts[m] == depts[e]}
    assert same == set(zip(second.relaxed.mentor_id, second.relaxed.mentee_id))
    assert (second.relaxed.this_round == "off").all()


# ------------------------------------------------------------------ the civil-service preset on the sample


@pytest.fixture(scope="module")
def sample(civil_sample):
    """The synthetic sample always; the real civil-service one too when ../shared is beside the clone."""
    from revmentor_nb import read_mentor_match

    return read_mentor_match(civil_sample.mentors, civil_sample.mentees)


@pytest.fixture(scope="module")
def sample_result(sample):
    return match(sample, **preset("civil-service"))


def test_the_preset_reaches_the_independent_exact_optimum_on_the_sample(sample, sample_result):
    from revmentor_nb.matching.reference import solve_reference

    res = sample_result
    assert res.status == "optimal" and res.check_validity().empty
    assert res.pair_bonus == 28.0 and res.tier_step == 56.0  # 12 + 10 + 6 is the largest score
    ref = solve_reference(sample, pair_bonus=28.0, tier_step=56.0)
    assert ref.exact_ilp
    assert res.objective == pytest.approx(ref.objective, rel=1e-9)
    assert res.n_pairs == ref.pairs


def test_the_preset_follows_the_published_rules(sample, sample_result):
    pairs = sample_result.pairs
    p = sample.set_index("person_id")
    gap = p.loc[pairs.mentor_id, "grade_rank"].to_numpy() - p.loc[pairs.mentee_id, "grade_rank"].to_numpy()
    assert set(gap) <= {1, 2}
    assert (p.loc[pairs.mentor_id, "department"].to_numpy() != p.loc[pairs.mentee_id, "department"].to_numpy()).all()
    assert np.array_equal(pairs.grade_gap_points.to_numpy(), np.where(gap == 2, 12.0, 9.0))
    same_prof = p.loc[pairs.mentor_id, "profession"].to_numpy() == p.loc[pairs.mentee_id, "profession"].to_numpy()
    assert np.array_equal(pairs.same_profession.to_numpy(), np.where(same_prof, 10.0, 0.0))
    assert pairs.groupby("mentor_id").size().max() <= 3 and pairs.groupby("mentee_id").size().max() <= 3


def test_a_mentee_who_said_no_never_gets_identity_points(sample, sample_result):
    pairs = sample_result.pairs
    opted = sample.set_index("person_id").loc[pairs.mentee_id, "identity_opt_in"].to_numpy()
    assert (pairs.shared_identity.to_numpy()[~opted] == 0).all()
    assert (pairs.shared_identity.to_numpy()[opted] == 6).sum() > 0  # the term is live for those who said yes
    everyone = sample.assign(identity_opt_in=True)
    res = match(everyone, **preset("civil-service"))
    assert (res.pairs.shared_identity == 6).sum() > (pairs.shared_identity == 6).sum()


def test_preset_keys_can_be_overridden_in_program_yaml():
    s = MatchSettings.model_validate({"preset": "civil-service", "load_cap": 2, "rules": {"grade_gap": {"max": 3}}})
    assert s.load_cap == 2 and s.mentee_cap == 3
    gap = next(r for r in s.rule_table() if r.name == "grade_gap")
    assert (gap.min, gap.max, gap.direction) == (1, 3, "mentor_senior")
    with pytest.raises(ValueError, match="civil-service"):
        MatchSettings.model_validate({"preset": "nhs"})


def test_a_misspelt_rule_key_is_named_with_the_keys_allowed_there():
    inst = instance(1, 5, 5)
    with pytest.raises(MatchInputError) as err:
        match(inst.participants, rules={"grade_gap": {"maxx": 3}},
              weights={"extra": [{"name": "x", "kind": "overlapp", "giver_column": "a", "learner_column": "b"}]})
    probs = err.value.problems.set_index("column")
    assert "direction, enabled, max, min" in probs.loc["matching.rules.grade_gap.maxx", "fix"]
    kind = probs.loc[[c for c in probs.index if c.endswith("extra.0.kind")][0], "problem"]
    assert "'gap_points'" in kind and "'overlap'" in kind  # the kinds allowed are listed
