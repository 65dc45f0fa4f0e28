"""Readiness: answers -> score, verdict, blockers and what to do about each."""
from __future__ import annotations

import pytest

from revmentor_nb.design.program import DesignError, design_from_dict
from revmentor_nb.design.readiness import (
    QUESTION_IDS,
    QUESTIONS,
    VERDICT_CARE,
    VERDICT_READY,
    VERDICT_WAIT,
    assess,
    questions_for,
    verdict_text,
)

REVERSE = questions_for("reverse")
CRITICAL = [q.id for q in REVERSE if q.critical]
OTHER = [q.id for q in REVERSE if not q.critical]


def test_the_questionnaire_covers_the_known_failure_modes():
    assert {q.id for q in REVERSE} == {"leaders_listen", "juniors_safe", "executive_sponsor", "strategy_aligned",
                                       "training_planned", "confidentiality_agreed", "emotional_labour"}
    assert {"leaders_listen", "juniors_safe", "executive_sponsor", "confidentiality_agreed"} == set(CRITICAL)
    assert all(q.action and q.why and q.text.endswith("?") for q in QUESTIONS)
    assert {q.id for q in questions_for("two-way")} == {q.id for q in REVERSE}


def test_a_traditional_scheme_is_asked_nothing_about_role_reversal():
    asked = questions_for("traditional")
    ids = {q.id for q in asked}
    assert not ids & {"leaders_listen", "juniors_safe", "emotional_labour"}
    assert {"mentors_available", "mentees_safe", "executive_sponsor", "confidentiality_agreed"} <= ids
    text = " ".join(f"{q.label} {q.text} {q.why} {q.action}" for q in asked).casefold()
    assert "reverse" not in text and "junior" not in text and "leaders" not in text
    r = assess({q.id: "yes" for q in asked}, "traditional")
    assert (r.score, r.verdict) == (100, VERDICT_READY) and set(r.items["id"]) == ids


def test_not_applicable_is_left_out_of_the_score_and_never_blocks():
    answers = {q: "yes" for q in QUESTION_IDS} | {"executive_sponsor": "n/a", "training_planned": "n/a"}
    r = assess(answers)
    assert (r.score, r.blockers, r.verdict) == (100, (), VERDICT_READY)
    assert r.items.set_index("id").loc["executive_sponsor", "status"] == "not applicable"
    d = design_from_dict({"readiness": {"executive_sponsor": "Not applicable"}})
    assert d.readiness["executive_sponsor"] == "n/a"


def test_all_yes_is_ready_with_full_score():
    r = assess({q: "yes" for q in QUESTION_IDS})
    assert (r.score, r.verdict, r.blockers, r.ready) == (100, VERDICT_READY, (), True)
    assert (r.items["what to do"] == "").all()


@pytest.mark.parametrize("qid", CRITICAL)
def test_a_critical_no_blocks_launch_and_says_what_to_do(qid):
    answers = {q: "yes" for q in QUESTION_IDS} | {qid: "no"}
    r = assess(answers)
    assert r.verdict == VERDICT_WAIT and r.blockers == (qid,)
    row = r.items.set_index("id").loc[qid]
    assert row["status"] == "blocker" and len(row["what to do"]) > 20
    assert "don't launch yet" in verdict_text(r).lower()


def test_non_critical_gaps_lower_the_score_but_do_not_block():
    r = assess({q: "yes" for q in CRITICAL} | {q: "no" for q in OTHER})
    assert r.blockers == () and r.verdict == VERDICT_CARE
    assert r.score == round(100 * 2 * len(CRITICAL) / (2 * len(REVERSE)))


def test_partly_scores_half_and_unknown_critical_blocks():
    r = assess({q: "partly" for q in QUESTION_IDS})
    assert r.score == 50 and r.blockers == ()
    r = assess({})
    assert r.score == 0 and set(r.blockers) == set(CRITICAL)
    assert r.items.set_index("id").loc["leaders_listen", "what to do"].startswith("find out")


def test_unknown_question_or_answer_is_named():
    with pytest.raises(KeyError, match="free_lunch"):
        assess({"free_lunch": "yes"})
    with pytest.raises(ValueError, match="readiness.leaders_listen"):
        assess({"leaders_listen": "maybe"})


def test_answers_live_in_program_yaml():
    d = design_from_dict({"readiness": {"leaders_listen": "Yes", "juniors_safe": "no"}})
    assert assess(d.readiness).blockers[0] == "juniors_safe"
    with pytest.raises(DesignError) as err:
        design_from_dict({"readiness": {"leaders_listen": "perhaps"}})
    assert err.value.problems.loc[0, "column"] == "readiness.leaders_listen"
