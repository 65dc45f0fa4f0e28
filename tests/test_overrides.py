"""Overrides: lock / forbid / unassign re-solve like match() with the new locks/exclusions, and are audited."""
from __future__ import annotations

import json

import pandas as pd
import pytest

from revmentor_nb import Workspace, match
from revmentor_nb.demo.organisation import build_demo
from revmentor_nb.demo.workspace import demo_design
from revmentor_nb.matching import MatchInputError
from revmentor_nb.review.board import board_state, filter_options, people_index
from revmentor_nb.review.overrides import Review, forbid, lock, unassign


@pytest.fixture(scope="module")
def org():
    return build_demo(1, n_employees=500)


@pytest.fixture(scope="module")
def design(org):
    return demo_design(list(org.grade_order), org.start_date)


@pytest.fixture(scope="module")
def base(org, design):
    return match(org.participants, roster=org.roster, exclusions=org.exclusions, locks=org.locks,
                 settings=design.matching)


def _pairs(result) -> set[tuple[str, str]]:
    return set(zip(result.pairs["mentor_id"].astype(str), result.pairs["mentee_id"].astype(str)))


def _fresh(org, design, locks: list[tuple[str, str]] = (), exclusions: list[tuple[str, str]] = ()):
    """match() from scratch with extra locks and exclusions: what an override must equal."""
    lk = pd.concat([org.locks[["mentor_id", "mentee_id"]],
                    pd.DataFrame(list(locks), columns=["mentor_id", "mentee_id"])], ignore_index=True)
    ex = pd.concat([org.exclusions[["person_a", "person_b"]],
                    pd.DataFrame(list(exclusions), columns=["person_a", "person_b"])], ignore_index=True)
    return match(org.participants, roster=org.roster, exclusions=ex, locks=lk, settings=design.matching)


def _unchosen(result):
    cand = result.candidates
    row = cand[~cand["chosen"]].sort_values("score", ascending=False).iloc[0]
    return str(row["mentor_id"]), str(row["mentee_id"])


def test_forbid_and_lock_equal_a_fresh_match(org, design, base):
    m, e = map(str, base.pairs.iloc[0][["mentor_id", "mentee_id"]])
    forbidden = forbid(base, m, e)
    assert (m, e) not in _pairs(forbidden.result)
    assert forbidden.result.objective == pytest.approx(_fresh(org, design, exclusions=[(m, e)]).objective, abs=1e-6)
    assert forbidden.result.check_validity().empty
    lm, le = _unchosen(base)
    locked = lock(base, lm, le)
    assert (lm, le) in _pairs(locked.result)
    assert locked.result.pairs.set_index(["mentor_id", "mentee_id"]).loc[(lm, le), "locked"]
    assert locked.result.objective == pytest.approx(_fresh(org, design, locks=[(lm, le)]).objective, abs=1e-6)
    assert locked.objective_after <= locked.objective_before + 1e-9  # a lock can only cost
    assert forbidden.objective_after <= forbidden.objective_before + 1e-9


def test_unassign_leaves_both_unmatched_and_keeps_the_mentors_other_mentees(base):
    counts = base.pairs["mentor_id"].value_counts()
    busy = counts[counts > 1].index
    row = base.pairs[base.pairs["mentor_id"].isin(busy)].iloc[0] if len(busy) else base.pairs.iloc[0]
    m, e = str(row["mentor_id"]), str(row["mentee_id"])
    others = _pairs(base) - {(m, e)}
    mine = {p for p in others if p[0] == m}
    ov = unassign(base, m, e)
    after = _pairs(ov.result)
    assert (m, e) not in after
    assert not any(p[1] == e for p in after)  # the mentee gets nobody
    assert {p for p in after if p[0] == m} <= mine  # the mentor gets no one new
    un = ov.result.unmatched.set_index("person_id")
    assert un.loc[e, "cause"] == "unassigned" and "unassigned by a reviewer" in un.loc[e, "reason"]
    if not mine:
        assert un.loc[m, "cause"] == "unassigned"


def test_review_records_every_override_and_keeps_the_accepted_run(org, design, base, tmp_path):
    ws = Workspace.create(tmp_path / "ws", design)
    run0 = ws.save_match(base, accepted=True)
    review = Review(base, ws=ws, who="ana", accept=True, run_id=run0)
    lm, le = _unchosen(base)
    review.lock(lm, le)
    fm, fe = map(str, review.result.pairs[~review.result.pairs["locked"]].iloc[0][["mentor_id", "mentee_id"]])
    review.forbid(fm, fe, reason="they know each other")
    accepted = ws.match_run()
    assert accepted.id == review.run_id != run0
    stored = set(zip(accepted.pairs["mentor_id"], accepted.pairs["mentee_id"]))
    assert (lm, le) in stored and (fm, fe) not in stored
    assert accepted.objective == pytest.approx(review.result.objective)
    log = ws.audit_log()
    ov = log[log["action"].str.startswith("override.")]
    assert ov["action"].tolist() == ["override.lock", "override.forbid"]
    assert set(ov["who"]) == {"ana"} and ov["at"].notna().all()
    lock_detail, forbid_detail = ov["detail"].tolist()
    assert (lock_detail["mentor_id"], lock_detail["mentee_id"]) == (lm, le)
    assert lock_detail["objective_before"] == pytest.approx(base.objective)
    assert forbid_detail["objective_after"] == pytest.approx(review.result.objective)
    assert forbid_detail["reason"] == "they know each other" and forbid_detail["run_id"] == accepted.id
    table = review.overrides()
    assert table["action"].tolist() == ["lock", "forbid"] and table["seconds"].lt(5).all()
    locks, exclusions = review.standing()
    assert (lm, le) in set(zip(locks["mentor_id"], locks["mentee_id"]))
    assert exclusions.values.tolist() == [[fm, fe, "they know each other"]]
    # undo goes back one step, and is itself recorded and stored
    review.undo()
    assert (fm, fe) in _pairs(review.result) and (lm, le) in _pairs(review.result)
    assert review.result.objective == pytest.approx(forbid_detail["objective_before"])
    assert review.standing()[1].empty
    assert ws.audit_log()["action"].iloc[-1] == "override.undo"
    assert ws.match_run().objective == pytest.approx(review.result.objective)


def test_a_lock_that_breaks_a_rule_changes_nothing(base, tmp_path, design):
    ws = Workspace.create(tmp_path / "ws", design)
    review = Review(base, ws=ws, accept=True)
    m = str(base.pairs.iloc[0]["mentor_id"])
    with pytest.raises(MatchInputError):
        review.lock(m, m)
    assert review.result is base and review.history == []
    assert ws.match_runs().empty and not ws.audit_log()["action"].str.startswith("override").any()


# --- what the board shows ---------------------------------------------------------------------------

def test_board_state_filters_and_hides_sensitive_columns(org, base):
    people = people_index(org.participants)
    options = filter_options(org.participants)
    full = board_state(base, people, options)
    assert full["summary"]["pairs"] == base.n_pairs and full["shown"]["pairs_total"] == base.n_pairs
    text = json.dumps(full)
    for sensitive in ("gender", "ethnicity", "age_band"):
        assert sensitive not in text
    row = full["pairs"][0]
    assert {p["term"] for p in row["parts"]} >= {"topic_coverage"}
    assert sum(p["points"] for p in row["parts"]) == pytest.approx(row["score"], abs=2e-3)
    dept = options["departments"][0]
    by_dept = board_state(base, people, options, {"department": dept, "limit": 999})
    assert by_dept["pairs"] and all(dept in (r["mentor"]["department"], r["mentee"]["department"])
                                    for r in by_dept["pairs"])
    topic = options["topics"][0]
    by_topic = board_state(base, people, options, {"topic": topic, "limit": 999})
    assert all(topic in r["shared"] for r in by_topic["pairs"])
    only = board_state(base, people, options, {"unmatched_only": True})
    assert only["pairs"] == [] and only["shown"]["unmatched_total"] == len(base.unmatched)
    assert all(u["reason"] for u in only["unmatched"])
    small = board_state(base, people, options, {"limit": 3})
    assert len(small["pairs"]) == 3 and small["shown"]["pairs_total"] == base.n_pairs


def test_board_widget_act_is_the_click_in_python(org, base):
    pytest.importorskip("anywidget")
    from revmentor_nb.ui.match_board import MatchBoard

    board = MatchBoard(Review(base), org.participants)
    first = board.state["pairs"][0]
    message = board.act("forbid", first["mentor"]["id"], first["mentee"]["id"])
    assert message.startswith("Forbade") and "objective" in message
    assert first["key"] not in {p["key"] for p in board.state["pairs"]}
    assert board.state["message"] == message and board.state["can_undo"]
    assert "Could not lock" in board.act("lock", "nobody", first["mentee"]["id"])
    board._on_msg(board, {"action": "undo"}, None)  # the front-end's message
    assert board.state["message"].startswith("Undid") and not board.state["can_undo"]
    assert board.state["summary"]["objective"] == pytest.approx(base.objective, abs=1e-4)
    board.filters = {"unmatched_only": True}
    assert board.state["pairs"] == []
