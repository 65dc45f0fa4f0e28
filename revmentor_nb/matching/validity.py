"""Re-check a result's pairs against every hard rule, capacity and lock, from scratch."""
from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

if TYPE_CHECKING:
    from revmentor_nb.matching.result import MatchResult

VIOLATION_COLUMNS = ["mentor_id", "mentee_id", "rule", "detail"]


def check_validity(result: "MatchResult") -> pd.DataFrame:
    """One row per violation on ``result.pairs`` (empty when every rule holds)."""
    run = result._run
    g = run.graph
    people = g.people
    pairs = result.pairs
    out: list[tuple[str, str, str, str]] = []
    idx_m = np.array([people.index_of(x) if people.index_of(x) is not None else -1 for x in pairs["mentor_id"]],
                     dtype=np.int64)
    idx_e = np.array([people.index_of(x) if people.index_of(x) is not None else -1 for x in pairs["mentee_id"]],
                     dtype=np.int64)
    known = (idx_m >= 0) & (idx_e >= 0)
    for a, b in pairs.loc[~known, ["mentor_id", "mentee_id"]].itertuples(index=False):
        out.append((a, b, "unknown id", "not a participant"))
    m, e = idx_m[known], idx_e[known]
    ids = pairs.loc[known, ["mentor_id", "mentee_id"]].to_numpy()
    for k in np.flatnonzero(m == e):
        out.append((*ids[k], "self", "paired with themselves"))
    for k in np.flatnonzero(~people.can_mentor[m]):
        out.append((*ids[k], "role", f"mentor signed up as {people.role[m[k]]}"))
    for k in np.flatnonzero(~people.can_mentee[e]):
        out.append((*ids[k], "role", f"mentee signed up as {people.role[e[k]]}"))
    if result.settings.rules.consent:
        for k in np.flatnonzero(~people.consent[m] | ~people.consent[e]):
            out.append((*ids[k], "consent", "someone in the pair has not consented"))
    for name, ok in g.check(m, e).items():
        rule = next(r for r in g.rules if r.name == name)
        for k in np.flatnonzero(~ok):
            out.append((*ids[k], name, f"breaks the rule: partners who {rule.phrase}"))
    caps = run.caps()
    for p, what, have, allowed in caps.over(caps.used(m, e)):
        out.append((people.ids[p], "", "capacity", f"{have} pairs {what}, capacity {allowed}"))
    seen = set()
    for a, b in ids:
        key = frozenset((a, b))
        if key in seen:
            out.append((a, b, "pair once", "the same two people are paired twice"))
        seen.add(key)
    have = {(a, b) for a, b in ids}
    for _, a, b in run.locks:
        if (a, b) not in have:
            out.append((a, b, "lock", "locked pair is missing"))
    forbid = {(a, b) for a, b in run.forbid} | {(b, a) for a, b in run.forbid}
    for a, b in ids:
        if (a, b) in forbid:
            out.append((a, b, "forbid", "forbidden pair is matched"))
    return pd.DataFrame(out, columns=VIOLATION_COLUMNS)
