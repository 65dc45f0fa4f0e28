"""Locks (pairs that must be matched): checked against every rule and capacity before solving.

A lock that cannot hold is an input conflict, reported with every other conflict at once
as a MatchInputError (a problems table), never a crash or a silently dropped pair.
"""
from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from revmentor_nb.matching.candidates import CandidateGraph
from revmentor_nb.matching.capacity import Capacity
from revmentor_nb.matching.errors import MatchInputError, problems_frame


def _row(v: Any) -> int | None:
    try:
        return int(v)
    except (TypeError, ValueError):
        return None


def lock_pairs(locks: pd.DataFrame | None) -> list[tuple[Any, str, str]]:
    """(row, mentor_id, mentee_id) of each lock, trimmed, duplicates dropped, in input order."""
    if locks is None or len(locks) == 0:
        return []
    cols = {str(c).strip().casefold(): c for c in locks.columns}
    mc, ec = cols.get("mentor_id", cols.get("mentor")), cols.get("mentee_id", cols.get("mentee"))
    if mc is None or ec is None:
        raise MatchInputError(problems_frame([dict(file="locks", row=None, column="mentor_id/mentee_id", value="",
                                                   problem="locks need columns mentor_id and mentee_id",
                                                   fix="name the columns mentor_id and mentee_id")]))
    seen, out = set(), []
    for r, a, b in zip(locks.index, locks[mc], locks[ec]):
        key = (str(a).strip(), str(b).strip())
        if key not in seen:
            seen.add(key)
            out.append((r, *key))
    return out


def check_locks(graph: CandidateGraph, locks: list[tuple[Any, str, str]], cap: "Capacity") -> np.ndarray:
    """Candidate indices of the locked pairs; raises MatchInputError listing every conflict."""
    people = graph.people
    problems: list[dict[str, Any]] = []

    def bad(row: Any, column: str, value: Any, problem: str, fix: str) -> None:
        problems.append(dict(file="locks", row=_row(row), column=column, value=value, problem=problem, fix=fix))

    ok_rows: list[tuple[Any, int, int]] = []
    for row, a, b in locks:
        ia, ib = people.index_of(a), people.index_of(b)
        fine = True
        if ia is None:
            bad(row, "mentor_id", a, f"{a} is not a participant", "use a person_id from the participants")
            fine = False
        if ib is None:
            bad(row, "mentee_id", b, f"{b} is not a participant", "use a person_id from the participants")
            fine = False
        if not fine:
            continue
        if ia == ib:
            bad(row, "mentee_id", b, f"{a} is locked with themselves", "lock two different people")
            continue
        if not people.can_mentor[ia]:
            bad(row, "mentor_id", a, f"{a} signed up as {people.role[ia]}, not as a mentor", "swap the two ids or drop the lock")
            fine = False
        if not people.can_mentee[ib]:
            bad(row, "mentee_id", b, f"{b} signed up as {people.role[ib]}, not as a mentee", "swap the two ids or drop the lock")
            fine = False
        for col, i, pid in (("mentor_id", ia, a), ("mentee_id", ib, b)):
            if not graph.consenting[i]:
                bad(row, col, pid, f"{pid} has not consented to be matched", "record their consent or drop the lock")
                fine = False
        if fine:
            ok_rows.append((row, ia, ib))
    if ok_rows:
        m = np.array([x[1] for x in ok_rows], dtype=np.int64)
        e = np.array([x[2] for x in ok_rows], dtype=np.int64)
        verdict = graph.check(m, e)
        for k, (row, ia, ib) in enumerate(ok_rows):
            for rule in graph.rules:
                if not verdict[rule.name][k]:
                    bad(row, "mentor_id", f"{people.ids[ia]} -> {people.ids[ib]}",
                        f"lock breaks the rule {rule.name!r}, which rejects partners who {rule.phrase}",
                        f"drop the lock or switch off {rule.name} in the matching rules")
        # capacity conflicts: as mentor, as mentee and in all
        used = cap.used(m, e)
        for p, what, have, allowed in cap.over(used):
            rows = [x[0] for x in ok_rows
                    if (what != "as mentee" and x[1] == p) or (what != "as mentor" and x[2] == p)]
            col = "mentee_id" if what == "as mentee" else "mentor_id"
            for r in rows:
                bad(r, col, people.ids[p], f"{people.ids[p]} has {have} locked pairs {what} but capacity {allowed}",
                    "drop locks or raise their capacity")
        pairs = {(x[1], x[2]) for x in ok_rows}
        for row, ia, ib in ok_rows:
            if (ib, ia) in pairs and ia < ib:
                bad(row, "mentee_id", people.ids[ib], f"{people.ids[ia]} and {people.ids[ib]} are locked both ways",
                    "keep one direction")
    if problems:
        raise MatchInputError(problems_frame(problems),
                              f"{len(problems)} conflict{'s' if len(problems) != 1 else ''} in the locks")
    if not ok_rows:
        return np.zeros(0, dtype=np.int64)
    idx = graph.find(m, e)
    return np.sort(idx)
