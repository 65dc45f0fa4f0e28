"""Overrides while reviewing a match: lock a pair, forbid a pair, unassign a pair, each followed by a re-solve.

A person reviewing pairs with colleagues knows things the data does not ("these two asked
to work together", "they had a falling-out", "she is on leave until June"). Each override
re-runs the optimiser with one more lock or forbidden pair (``MatchResult.rematch`` reuses
the candidate graph, so it equals ``match()`` with the new locks/exclusions, in well under a
second), and is written to the workspace's audit log with who, when, what and the objective
before and after; the new solution is stored as a match run (accepted when asked).

- ``lock``: the pair is kept whatever else changes.
- ``forbid``: the pair is never made (a standing exclusion, exported for the next run).
- ``unassign``: the pair is taken apart and neither person gets a new partner in this run
  (e.g. one is on leave; a mentor with room for more keeps their other mentees), while
  everyone else is re-optimised.
- ``unlock`` and ``Review.undo`` take a lock or the last override back.
"""
from __future__ import annotations

import secrets
import time
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any

import pandas as pd

if TYPE_CHECKING:
    from revmentor_nb.matching import MatchResult
    from revmentor_nb.workspace.workspace import Workspace

ACTIONS = ("lock", "unlock", "forbid", "unassign", "undo")
OVERRIDE_COLUMNS = ["at", "who", "action", "mentor_id", "mentee_id", "reason", "objective_before", "objective_after",
                    "pairs_before", "pairs_after", "seconds", "run_id"]
UNASSIGNED_CAUSE = "unassigned"


@dataclass(frozen=True)
class Override:
    """One override: what was done, by whom and when, the objective before and after, and the new result."""

    action: str
    mentor_id: str
    mentee_id: str
    who: str
    at: str
    objective_before: float
    objective_after: float
    pairs_before: int
    pairs_after: int
    seconds: float
    run_id: str | None
    reason: str = ""
    result: Any = field(default=None, repr=False, compare=False)

    def row(self) -> dict[str, Any]:
        """The override as a row of the overrides table."""
        return {c: getattr(self, c) for c in OVERRIDE_COLUMNS}


def _who(who: str | None) -> str:
    from revmentor_nb.workspace.workspace import _who as default_who

    return default_who(who)


def _pair_ids(result: "MatchResult", person_ids: Iterable[str]) -> list[tuple[str, str]]:
    """Every candidate pair (mentor, mentee) that includes one of ``person_ids``."""
    ids = {str(p) for p in person_ids}
    cand = result.candidates
    m, e = cand["mentor_id"].astype(str), cand["mentee_id"].astype(str)
    hit = m.isin(ids) | e.isin(ids)
    return list(zip(m[hit], e[hit]))


def mark_unassigned(result: "MatchResult", person_ids: Iterable[str]) -> "MatchResult":
    """The result with each unassigned (and unmatched) person's reason saying a reviewer left them out."""
    ids = {str(p) for p in person_ids}
    if not ids or not len(result.unmatched):
        return result
    un = result.unmatched.copy()
    hit = un["person_id"].astype(str).isin(ids).to_numpy()
    if not hit.any():
        return result
    un.loc[hit, "cause"] = UNASSIGNED_CAUSE
    un.loc[hit, "reason"] = "unassigned by a reviewer: left unmatched in this run"
    return replace(result, unmatched=un)


def _apply(result: "MatchResult", action: str, mentor_id: str, mentee_id: str, *, ws: "Workspace | None",
           who: str | None, accept: bool, reason: str = "", held: Iterable[str] = (),
           session: dict[str, Any] | None = None) -> Override:
    """Re-solve for one override, store the new run and write the audit entry."""
    m, e = str(mentor_id), str(mentee_id)
    t0 = time.perf_counter()
    if action == "lock":
        new = result.rematch(lock=[(m, e)])
    elif action == "unlock":
        new = result.rematch(unlock=[(m, e)])
    elif action == "forbid":
        new = result.rematch(forbid=[(m, e)], unlock=[(m, e)])
    elif action == "unassign":  # no new partner for either; a mentor keeps any other mentees they have
        keep = set(zip(result.pairs["mentor_id"].astype(str), result.pairs["mentee_id"].astype(str))) - {(m, e)}
        new = result.rematch(forbid=[p for p in _pair_ids(result, [m, e]) if p not in keep], unlock=[(m, e)])
    else:
        raise ValueError(f"unknown override {action!r}; use one of: lock, unlock, forbid, unassign")
    new = mark_unassigned(new, set(held) | ({m, e} if action == "unassign" else set()))
    seconds = time.perf_counter() - t0
    return _record(result, new, action, m, e, ws=ws, who=who, accept=accept, reason=reason, seconds=seconds,
                   session=session)


def standing_state(result: "MatchResult", held: Iterable[str] = (),
                   forbidden: dict[tuple[str, str], str] | None = None) -> dict[str, Any]:
    """What a re-solve of ``result`` stands on (every lock and forbidden pair, who is held out), as JSON.

    Written with each override so a later session can rebuild the reviewed result exactly
    (``session.open_session``): the solve depends on nothing else but the inputs.
    """
    run = getattr(result, "_run", None)
    return {"locks": [[str(m), str(e)] for _, m, e in getattr(run, "locks", [])],
            "forbid": [[str(a), str(b)] for a, b in getattr(run, "forbid", [])],
            "held": sorted(str(p) for p in held),
            "forbidden": [[a, b, r] for (a, b), r in (forbidden or {}).items()]}


def _record(before: "MatchResult", after: "MatchResult", action: str, m: str, e: str, *, ws: "Workspace | None",
            who: str | None, accept: bool, reason: str, seconds: float,
            session: dict[str, Any] | None = None) -> Override:
    run_id = None
    person = _who(who)
    if ws is not None:
        run_id = ws.save_match(after, who=person, accepted=accept, note=f"override: {action} {m} -> {e}")
    ov = Override(action, m, e, person, datetime.now(timezone.utc).isoformat(timespec="seconds"),
                  float(before.objective), float(after.objective), int(before.n_pairs), int(after.n_pairs),
                  round(seconds, 4), run_id, reason, after)
    if ws is not None:
        detail = {k: v for k, v in ov.row().items() if k not in ("at", "who")}
        if session is not None:  # the session it belongs to and what the new result stands on (to resume it)
            detail["session"] = session.get("base")
            detail["state"] = standing_state(after, session.get("held", ()), session.get("forbidden"))
        ws.record(f"override.{action}", f"{m} -> {e}", detail, person)
    return ov


def lock(result: "MatchResult", mentor_id: str, mentee_id: str, *, ws: "Workspace | None" = None,
         who: str | None = None, accept: bool = False) -> Override:
    """Keep this pair whatever else changes; re-solve and record (MatchInputError when the pair breaks a rule)."""
    return _apply(result, "lock", mentor_id, mentee_id, ws=ws, who=who, accept=accept)


def unlock(result: "MatchResult", mentor_id: str, mentee_id: str, *, ws: "Workspace | None" = None,
           who: str | None = None, accept: bool = False) -> Override:
    """Take a lock back (the pair may stay if it is still best); re-solve and record."""
    return _apply(result, "unlock", mentor_id, mentee_id, ws=ws, who=who, accept=accept)


def forbid(result: "MatchResult", person_a: str, person_b: str, *, ws: "Workspace | None" = None,
           who: str | None = None, accept: bool = False, reason: str = "") -> Override:
    """Never make this pair (either order); re-solve and record."""
    return _apply(result, "forbid", person_a, person_b, ws=ws, who=who, accept=accept, reason=reason)


def unassign(result: "MatchResult", mentor_id: str, mentee_id: str, *, ws: "Workspace | None" = None,
             who: str | None = None, accept: bool = False, reason: str = "") -> Override:
    """Take this pair apart and leave both people unmatched in this run; re-solve everyone else and record."""
    return _apply(result, "unassign", mentor_id, mentee_id, ws=ws, who=who, accept=accept, reason=reason)


class Review:
    """A review session over one match: the current result, every override so far, and undo.

    Every action has the same effect as the module function of the same name; the session
    also remembers who was unassigned (their reason stays right after later re-solves), and
    the standing locks and exclusions to carry into the next run.
    """

    def __init__(self, result: "MatchResult", *, ws: "Workspace | None" = None, who: str | None = None,
                 accept: bool = False, run_id: str | None = None, base: str | None = None,
                 prior: pd.DataFrame | None = None, held: Iterable[str] = (),
                 forbidden: dict[tuple[str, str], str] | None = None) -> None:
        self.result = result
        self.ws, self.who, self.accept = ws, who, accept
        self.run_id = run_id
        # the session's id: "<data hash of the match it started from>/<token>" (a resumed session keeps its own)
        self.base = base or f"{getattr(result, 'data_hash', '')}/{secrets.token_hex(4)}"
        self.prior = prior if prior is not None else pd.DataFrame(columns=OVERRIDE_COLUMNS)  # earlier, from the log
        self.history: list[Override] = []
        self.held: set[str] = {str(p) for p in held}
        self.forbidden: dict[tuple[str, str], str] = dict(forbidden or {})
        self._stack: list[tuple["MatchResult", frozenset[str], dict[tuple[str, str], str]]] = []

    def _session(self, held: Iterable[str], forbidden: dict[tuple[str, str], str]) -> dict[str, Any]:
        return {"base": self.base, "held": held, "forbidden": forbidden}

    def _do(self, action: str, a: str, b: str, reason: str = "") -> Override:
        before = (self.result, frozenset(self.held), dict(self.forbidden))
        held = self.held | ({str(a), str(b)} if action == "unassign" else set())
        forbidden = dict(self.forbidden)
        if action == "forbid":
            forbidden[(str(a), str(b))] = reason or "forbidden while reviewing"
        ov = _apply(self.result, action, a, b, ws=self.ws, who=self.who, accept=self.accept, reason=reason, held=held,
                    session=self._session(held, forbidden))
        self._stack.append(before)
        self.held = held
        self.forbidden = forbidden
        self.result = ov.result
        self.run_id = ov.run_id or self.run_id
        self.history.append(ov)
        return ov

    @property
    def can_undo(self) -> bool:
        """Whether there is an override to take back."""
        return bool(self._stack)

    def lock(self, mentor_id: str, mentee_id: str) -> Override:
        """Keep this pair; re-solve."""
        return self._do("lock", mentor_id, mentee_id)

    def unlock(self, mentor_id: str, mentee_id: str) -> Override:
        """Take a lock back; re-solve."""
        return self._do("unlock", mentor_id, mentee_id)

    def forbid(self, person_a: str, person_b: str, reason: str = "") -> Override:
        """Never make this pair; re-solve."""
        return self._do("forbid", person_a, person_b, reason)

    def unassign(self, mentor_id: str, mentee_id: str, reason: str = "") -> Override:
        """Leave both people of this pair unmatched in this run; re-solve everyone else."""
        return self._do("unassign", mentor_id, mentee_id, reason)

    def undo(self) -> Override | None:
        """Go back to the result before the last override (stored and recorded as an override of its own)."""
        if not self._stack:
            return None
        previous, held, forbidden = self._stack.pop()
        last = self.history[-1]
        ov = _record(self.result, previous, "undo", last.mentor_id, last.mentee_id, ws=self.ws, who=self.who,
                     accept=self.accept, reason=f"undo {last.action}", seconds=0.0,
                     session=self._session(held, forbidden))
        self.history.append(ov)
        self.result, self.held, self.forbidden = previous, set(held), forbidden
        self.run_id = ov.run_id or self.run_id
        return ov

    def overrides(self) -> pd.DataFrame:
        """Every override of this session as a table (who, when, what, objective before and after).

        A resumed session lists the overrides made before it was opened (from the audit log) first.
        """
        now = pd.DataFrame([o.row() for o in self.history], columns=OVERRIDE_COLUMNS)
        if not len(self.prior):
            return now
        return pd.concat([self.prior[OVERRIDE_COLUMNS], now], ignore_index=True) if len(now) else \
            self.prior[OVERRIDE_COLUMNS].reset_index(drop=True)

    def standing(self) -> tuple[pd.DataFrame, pd.DataFrame]:
        """(locks, exclusions) the session stands on now, to carry into the next run as files."""
        pairs = self.result.pairs
        locked = pairs[pairs["locked"].astype(bool)] if "locked" in pairs else pairs.iloc[:0]
        locks = pd.DataFrame({"mentor_id": locked["mentor_id"].astype(str).to_numpy(),
                              "mentee_id": locked["mentee_id"].astype(str).to_numpy()})
        exclusions = pd.DataFrame([(a, b, r) for (a, b), r in self.forbidden.items()],
                                  columns=["person_a", "person_b", "reason"])
        return locks, exclusions
