"""The review session a notebook opens: the accepted run and its overrides, resumed; never accepted by itself.

Running (or re-running) ``02_match`` interactively, or loading it in Voila, computes today's match
(the *proposal*) and then calls ``open_session``; nothing is stored or accepted by that:

- ``new``: no match is accepted yet. The board shows the proposal; overrides on it are stored
  as runs but not accepted until someone presses Accept (``ReviewSession.accept``).
- ``resumed``: a match is accepted and today's inputs are the ones it was made from. The
  reviewed result is rebuilt from the standing state each override wrote to the audit log
  (locks, forbidden pairs, who was unassigned) in one re-solve, checked pair by pair against
  the accepted run, and the board carries on from it; each further override is accepted, as before.
- ``changed``: a match is accepted but today's inputs (or rules) give a different one, or the
  reviewed result cannot be rebuilt. The accepted run stays accepted; the board shows the
  proposal, and ``accept`` replaces the accepted run only when asked, after ``loses()`` said
  what is set aside.

Headless runs do not use this: ``accept=True`` there stores and accepts, as before.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import pandas as pd

from revmentor_nb.review.overrides import OVERRIDE_COLUMNS, Review, mark_unassigned

if TYPE_CHECKING:
    from revmentor_nb.matching import MatchResult
    from revmentor_nb.workspace.workspace import MatchRun, Workspace

KINDS = ("new", "resumed", "changed")


def _pairs(frame: pd.DataFrame) -> set[tuple[str, str]]:
    if frame is None or not len(frame):
        return set()
    return set(zip(frame["mentor_id"].astype(str), frame["mentee_id"].astype(str)))


@dataclass(frozen=True)
class SessionLog:
    """The overrides of the session that produced a run, read back from the audit log."""

    base: str | None  # the session id, "<data hash it started from>/<token>" (None: no overrides led to the run)
    state: dict[str, Any] | None  # what the run stands on (overrides.standing_state), None without overrides
    overrides: pd.DataFrame  # one row per override of the session up to the run, oldest first


def session_log(ws: "Workspace", run: "MatchRun") -> SessionLog:
    """The overrides that led to ``run`` (from the audit log), with the standing state to rebuild it."""
    log = ws.audit_log()
    log = log[log["action"].str.startswith("override.") & (log["status"] == "ok")]
    empty = pd.DataFrame(columns=OVERRIDE_COLUMNS)
    made = log[log["detail"].map(lambda d: d.get("run_id") == run.id)]
    if not len(made):
        return SessionLog(None, None, empty)
    last = made.iloc[-1]
    base = last["detail"].get("session")
    chain = log[(log["id"] <= last["id"]) & log["detail"].map(lambda d: base is not None and d.get("session") == base)]
    rows = [{**{c: d.get(c) for c in OVERRIDE_COLUMNS}, "at": at, "who": who}
            for d, at, who in zip(chain["detail"], chain["at"], chain["who"])]
    return SessionLog(base, last["detail"].get("state"), pd.DataFrame(rows, columns=OVERRIDE_COLUMNS))


def rebuild(proposal: "MatchResult", state: dict[str, Any]) -> "MatchResult":
    """Today's match re-solved on a session's standing state: its locks, forbidden pairs and people held out."""
    have = {(str(m), str(e)) for _, m, e in proposal._run.locks}
    want = {(str(m), str(e)) for m, e in state.get("locks", [])}
    known = {(str(a), str(b)) for a, b in proposal._run.forbid}
    forbid = [(str(a), str(b)) for a, b in state.get("forbid", []) if (str(a), str(b)) not in known]
    result = proposal.rematch(lock=sorted(want - have), unlock=sorted(have - want), forbid=forbid)
    return mark_unassigned(result, state.get("held", []))


def accepted_id(ws: "Workspace") -> str | None:
    """The id of the workspace's accepted match run (the latest acceptance wins), without loading its tables."""
    runs = ws.match_runs()
    runs = runs[runs["accepted_at"].notna()]
    if not len(runs):
        return None
    return str(runs.iloc[::-1].sort_values("accepted_at", ascending=False, kind="stable").iloc[0]["id"])


def _count(overrides: pd.DataFrame) -> str:
    if not len(overrides):
        return "no overrides"
    counts = overrides["action"].value_counts()
    parts = ", ".join(f"{n} {a}" for a, n in counts.items())
    return f"{len(overrides)} override{'s' if len(overrides) != 1 else ''} ({parts})"


@dataclass
class ReviewSession:
    """What the board opens: the session (a ``Review``), how it relates to the accepted run, and the explicit acts."""

    ws: "Workspace"
    kind: str
    proposal: "MatchResult"
    review: Review
    accepted: "MatchRun | None" = None
    accepted_log: SessionLog | None = None
    why: str = ""
    replaced: list[str] = field(default_factory=list)

    @property
    def result(self) -> "MatchResult":
        """The result the board shows now."""
        return self.review.result

    @property
    def is_accepted(self) -> bool:
        """Is the board's current result the workspace's accepted match (as stored now)?"""
        return bool(self.review.accept and self.review.run_id and self.review.run_id == accepted_id(self.ws))

    def _refresh(self) -> None:
        """Follow the workspace: the accepted run may have moved on (overrides, another tab)."""
        now = accepted_id(self.ws)
        if now is not None and (self.accepted is None or self.accepted.id != now):
            self.accepted = self.ws.match_run(now)
            self.accepted_log = session_log(self.ws, self.accepted)  # type: ignore[arg-type]

    def describe(self) -> str:
        """What state the session is in and what running the notebook did (Markdown, one paragraph)."""
        self._refresh()
        if self.kind == "resumed" and self.accepted is not None:
            log = self.accepted_log
            done = log.overrides if log else pd.DataFrame()
            return (f"**The board shows the accepted match, run {self.accepted.id}** ({len(self.accepted.pairs)} "
                    f"pairs, by {self.accepted.who}), with {'its ' if len(done) else ''}{_count(done)} "
                    "from the audit log. Running this notebook again (or opening it in Voila) stores and accepts "
                    "nothing; each override you make on the board is stored, accepted and logged.")
        if self.kind == "new":
            return ("**No match is accepted in this workspace yet.** The board shows today's match; overrides are "
                    "stored but not accepted. Press *Accept this match* on the board when the review is done "
                    "(monitoring follows the accepted match).")
        return (f"**Today's match differs from the accepted match run {self.accepted.id}** ({self.why}). "
                "The accepted run stays accepted; the board shows today's match, not accepted. "
                f"Accepting it would set aside {self.loses()}")

    def loses(self) -> str:
        """What accepting the board's result would set aside ('' when nothing reviewed would be replaced)."""
        self._refresh()
        if self.accepted is None or self.is_accepted:
            return ""
        log = self.accepted_log or SessionLog(None, None, pd.DataFrame(columns=OVERRIDE_COLUMNS))
        ov = log.overrides
        locks = len((log.state or {}).get("locks", [])) if log.state else int(
            self.accepted.pairs["locked"].astype(bool).sum()) if "locked" in self.accepted.pairs else 0
        forbids = len((log.state or {}).get("forbidden", []))
        held = len((log.state or {}).get("held", []))
        kept = len(_pairs(self.accepted.pairs) & _pairs(self.review.result.pairs))
        return (f"match run {self.accepted.id} ({len(self.accepted.pairs)} pairs, accepted by {self.accepted.who}) "
                f"and {'its ' if len(ov) else ''}{_count(ov)}: {locks} locked pair(s), {forbids} forbidden pair(s), {held} person(s) "
                f"unassigned. {len(self.accepted.pairs) - kept} of its pairs are not in the new match. The old run "
                "and the audit log are kept, but monitoring will follow the new pairs.")

    def accept(self, *, replace: bool = False, who: str | None = None) -> str:
        """Make the board's result the accepted match (stored first if need be); returns the run id.

        Refuses (ValueError, saying what would be lost) to replace an accepted run reviewed differently
        unless ``replace=True``: the plain-Python twin of the board's confirm step.
        """
        if self.is_accepted:
            return self.accepted.id  # type: ignore[union-attr]
        lost = self.loses()
        if lost and not replace:
            raise ValueError(f"accepting this match would set aside {lost} Pass replace=True to go ahead.")
        person = who or self.review.who
        if self.review.run_id is None:
            self.review.run_id = self.ws.save_match(self.review.result, who=person, accepted=True,
                                                    note="accepted on the match board")
        else:
            self.ws.accept_match(self.review.run_id, who=person)
        if lost:
            self.ws.record("review.replace", self.review.run_id, {"replaced": self.accepted.id, "lost": lost}, person)
            self.replaced.append(self.accepted.id)  # type: ignore[union-attr]
        self.review.accept = True
        self._refresh()
        self.kind, self.why = "resumed", ""
        return self.review.run_id

    def start_over(self) -> None:
        """Put today's match (no overrides) on the board as a proposal; nothing is stored or accepted."""
        self._refresh()
        self.review = Review(self.proposal, ws=self.ws, who=self.review.who, accept=False)
        if self.accepted is not None:
            self.kind, self.why = "changed", "you started again from today's match"
        else:
            self.kind = "new"


def open_session(ws: "Workspace", proposal: "MatchResult", *, who: str | None = None) -> ReviewSession:
    """Open the review session for today's match: resume the accepted one when it can be rebuilt. Stores nothing."""
    accepted = ws.match_run()
    if accepted is None:
        return ReviewSession(ws, "new", proposal, Review(proposal, ws=ws, who=who, accept=False))
    log = session_log(ws, accepted)
    proposal_review = Review(proposal, ws=ws, who=who, accept=False)
    base = (log.base or "").split("/")[0] or None if log.state is not None else accepted.data_hash
    if base is None or base != proposal.data_hash:
        why = ("the sign-ups, roster, exclusions, locks or matching rules changed since it was made"
               if base is not None else "it was reviewed before sessions were recorded, so it cannot be rebuilt")
        return ReviewSession(ws, "changed", proposal, proposal_review, accepted, log, why)
    result = proposal if log.state is None else rebuild(proposal, log.state)
    differ = _pairs(result.pairs) ^ _pairs(accepted.pairs)
    if differ:
        why = f"rebuilding the reviewed match gave {len(differ)} pair(s) different from the stored run"
        return ReviewSession(ws, "changed", proposal, proposal_review, accepted, log, why)
    state = log.state or {}
    forbidden = {(str(a), str(b)): str(r) for a, b, r in state.get("forbidden", [])}
    review = Review(result, ws=ws, who=who, accept=True, run_id=accepted.id, base=log.base, prior=log.overrides,
                    held=state.get("held", []), forbidden=forbidden)
    return ReviewSession(ws, "resumed", proposal, review, accepted, log)


def export_handover(session: ReviewSession, participants: pd.DataFrame | None = None) -> str:
    """Write the hand-over files of the board's current result (stored first, not accepted); returns what was done."""
    from revmentor_nb.review.handover import hand_over

    review, ws = session.review, session.ws
    if not review.run_id:
        review.run_id = ws.save_match(review.result, accepted=False, who=review.who, note="exported from the board")
    done = hand_over(ws, review.run_id, review.result, participants, review)  # the notebook's hand-over too
    where = done.folder.relative_to(ws.root)
    warn = "" if session.is_accepted else " This match is not accepted yet: accept it before sending anything."
    return f"Wrote the exports, {len(done.stems)} agreements and notes to {where}.{warn}"
