"""The interactive state model: opening 02_match's review session never stores or accepts; it resumes the
accepted run with its overrides exactly, and replacing reviewed work is an explicit act that says what is lost."""
from __future__ import annotations

import pytest

from revmentor_nb import Workspace, match
from revmentor_nb.demo.organisation import build_demo
from revmentor_nb.demo.workspace import demo_design
from revmentor_nb.review.session import open_session


@pytest.fixture(scope="module")
def org():
    return build_demo(1, n_employees=500)


@pytest.fixture(scope="module")
def design(org):
    return demo_design(list(org.grade_order), org.start_date)


def _match(org, design, participants=None):
    """Today's match as 02_match computes it on each run (a fresh solve every time)."""
    return match(org.participants if participants is None else participants, roster=org.roster,
                 exclusions=org.exclusions, locks=org.locks, settings=design.matching)


def _pairs(frame) -> set[tuple[str, str]]:
    return set(zip(frame["mentor_id"].astype(str), frame["mentee_id"].astype(str)))


def _footprint(ws: Workspace) -> tuple[int, int, str | None]:
    """(stored runs, audit entries, accepted run id): what opening a session must leave alone."""
    accepted = ws.match_run()
    return len(ws.match_runs()), len(ws.audit_log()), accepted.id if accepted else None


def _unchosen(result):
    cand = result.candidates
    row = cand[~cand["chosen"]].sort_values(["score", "mentor_id", "mentee_id"], ascending=False).iloc[0]
    return str(row["mentor_id"]), str(row["mentee_id"])


def test_a_new_workspace_opens_an_unaccepted_proposal_and_stores_nothing(org, design, tmp_path):
    ws = Workspace.create(tmp_path / "ws", design)
    before = _footprint(ws)
    session = open_session(ws, _match(org, design), who="analyst")
    assert session.kind == "new" and not session.is_accepted and session.loses() == ""
    assert _footprint(ws) == before == (0, 0, None)
    run_id = session.accept()
    assert ws.match_run().id == run_id and session.is_accepted


def test_rerunning_resumes_locks_forbids_and_unassigned_exactly(org, design, tmp_path):
    ws = Workspace.create(tmp_path / "ws", design)
    first = open_session(ws, _match(org, design), who="analyst")
    first.accept()
    review = first.review
    lm, le = _unchosen(review.result)
    review.lock(lm, le)
    fm, fe = (str(x) for x in review.result.pairs.loc[~review.result.pairs["locked"].astype(bool)].iloc[0][
        ["mentor_id", "mentee_id"]])
    review.forbid(fm, fe, reason="a falling-out")
    um, ue = (str(x) for x in review.result.pairs.loc[~review.result.pairs["locked"].astype(bool)].iloc[-1][
        ["mentor_id", "mentee_id"]])
    review.unassign(um, ue)
    accepted = ws.match_run()
    assert accepted.id == review.run_id  # overrides on the accepted session are accepted, as before

    before = _footprint(ws)
    again = open_session(ws, _match(org, design), who="analyst")  # Run All again, or a Voila page load
    assert _footprint(ws) == before  # nothing stored, nothing accepted, nothing logged
    assert again.kind == "resumed" and again.is_accepted, again.why
    pairs = _pairs(again.result.pairs)
    assert pairs == _pairs(accepted.pairs)
    assert (lm, le) in pairs and (fm, fe) not in pairs and (um, ue) not in pairs
    locked = again.result.pairs.set_index(["mentor_id", "mentee_id"])["locked"]
    assert bool(locked.loc[(lm, le)])
    reasons = again.result.unmatched.set_index("person_id")["cause"]
    assert reasons.get(ue) == "unassigned" and again.review.held == {um, ue}  # a mentor may keep other mentees
    assert again.review.overrides()["action"].tolist() == ["lock", "forbid", "unassign"]
    locks, exclusions = again.review.standing()
    assert (lm, le) in _pairs(locks) and (fm, fe) in set(zip(exclusions["person_a"], exclusions["person_b"]))

    # the resumed session carries on: a further override builds on the rebuilt result and is accepted
    om, oe = _unchosen(again.result)
    ov = again.review.lock(om, oe)
    assert ws.match_run().id == ov.run_id
    third = open_session(ws, _match(org, design))
    assert third.kind == "resumed" and _pairs(third.result.pairs) == _pairs(ws.match_run().pairs)
    assert third.review.overrides()["action"].tolist() == ["lock", "forbid", "unassign", "lock"]


def test_an_undone_override_stays_undone_after_a_rerun(org, design, tmp_path):
    ws = Workspace.create(tmp_path / "ws", design)
    session = open_session(ws, _match(org, design))
    session.accept()
    start = _pairs(session.result.pairs)
    session.review.lock(*_unchosen(session.result))
    session.review.undo()
    again = open_session(ws, _match(org, design))
    assert again.kind == "resumed" and _pairs(again.result.pairs) == start
    assert not again.result.pairs["locked"].astype(bool).sum() > org.locks.shape[0]


def test_changed_inputs_keep_the_accepted_run_until_an_explicit_replace_says_what_is_lost(org, design, tmp_path):
    ws = Workspace.create(tmp_path / "ws", design)
    session = open_session(ws, _match(org, design))
    session.accept()
    session.review.forbid(*map(str, session.result.pairs.iloc[0][["mentor_id", "mentee_id"]]))
    reviewed = ws.match_run()

    fewer = org.participants[org.participants["person_id"] != reviewed.pairs["mentee_id"].iloc[-1]]
    before = _footprint(ws)
    changed = open_session(ws, _match(org, design, fewer))
    assert changed.kind == "changed" and "changed since" in changed.why
    assert _footprint(ws) == before and ws.match_run().id == reviewed.id
    lost = changed.loses()
    assert reviewed.id in lost and "1 override" in lost and "1 forbidden pair" in lost
    with pytest.raises(ValueError, match="set aside"):
        changed.accept()
    assert ws.match_run().id == reviewed.id
    new_id = changed.accept(replace=True)
    assert ws.match_run().id == new_id != reviewed.id
    log = ws.audit_log()
    replaced = log[log["action"] == "review.replace"]
    assert replaced["detail"].iloc[-1]["replaced"] == reviewed.id


def test_start_over_puts_todays_match_on_the_board_without_storing(org, design, tmp_path):
    ws = Workspace.create(tmp_path / "ws", design)
    session = open_session(ws, _match(org, design))
    session.accept()
    session.review.lock(*_unchosen(session.result))
    before = _footprint(ws)
    session.start_over()
    assert session.kind == "changed" and not session.is_accepted and _footprint(ws) == before
    assert "1 override" in session.loses()


def test_a_headless_accepted_run_is_resumed_as_is(org, design, tmp_path):
    ws = Workspace.create(tmp_path / "ws", design)
    result = _match(org, design)
    run_id = ws.save_match(result, accepted=True, note="headless run")  # what `revmentor run` does
    again = open_session(ws, _match(org, design))
    assert again.kind == "resumed" and again.review.run_id == run_id
    assert _pairs(again.result.pairs) == _pairs(result.pairs)
    assert len(again.review.overrides()) == 0
