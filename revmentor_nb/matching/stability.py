"""Stability diagnostics from ranked ``preferences``: which pairs would rather be together.

A *blocking pair* is an allowed pair (mentor m, mentee e) — it passes every hard rule and
is neither forbidden nor already matched — such that
- e ranks m, and e is unmatched or ranks m above e's current mentor (a current mentor e
  did not rank counts as worse than any ranked one), and
- m ranks e, and m has a free place or ranks e above the worst of m's current mentees
  (an unranked current mentee counts as worse than any ranked one).
People who gave no preferences are never in a blocking pair: nothing says they would move.
An optimal-fit matching need not be stable; this reports how far it is from it.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from revmentor_nb.matching.people import as_list

if TYPE_CHECKING:
    from revmentor_nb.matching.result import MatchResult

BLOCKING_COLUMNS = ["mentor_id", "mentee_id", "mentor_rank_of_mentee", "mentee_rank_of_mentor", "score"]


def blocking_pairs(result: "MatchResult") -> pd.DataFrame:
    """Every blocking pair of the result (empty when stable or when nobody ranked anyone)."""
    run = result._run
    g = run.graph
    people = g.people
    if not people.has("preferences"):
        return pd.DataFrame(columns=BLOCKING_COLUMNS)
    ranks: list[dict[int, int]] = []
    for v in people.frame["preferences"]:
        r: dict[int, int] = {}
        for pos, pid in enumerate(as_list(v)):
            i = people.index_of(pid)
            if i is not None and i not in r:
                r[i] = pos + 1
        ranks.append(r)
    chosen = result._chosen
    mentor_of: dict[int, int] = {int(g.e[j]): int(g.m[j]) for j in chosen}
    mentees_of: dict[int, list[int]] = {}
    for j in chosen:
        mentees_of.setdefault(int(g.m[j]), []).append(int(g.e[j]))
    caps = run.caps()
    live = result._usable.copy()
    live[result._fixed] = True
    in_chosen = set(zip(g.m[chosen].tolist(), g.e[chosen].tolist()))
    worst = float("inf")
    rows = []
    for e in range(people.n):
        if not people.can_mentee[e] or not ranks[e]:
            continue
        cur = mentor_of.get(e)
        cur_rank = ranks[e].get(cur, worst) if cur is not None else worst
        for m, rank_m in sorted(ranks[e].items(), key=lambda kv: kv[1]):
            if rank_m >= cur_rank:
                break
            if m == e or not people.can_mentor[m] or (m, e) in in_chosen:
                continue
            r_me = ranks[m].get(e)
            if r_me is None:
                continue
            have = mentees_of.get(m, [])
            as_mentee = int(np.count_nonzero(g.e[chosen] == m))
            if len(have) >= caps.mentor[m] or len(have) + as_mentee >= caps.total[m]:
                worst_rank = max((ranks[m].get(x, worst) for x in have), default=worst)
                if not r_me < worst_rank:
                    continue
            j = g.find(np.array([m]), np.array([e]))[0]
            if j < 0 or not live[j]:
                continue
            rows.append((people.ids[m], people.ids[e], r_me, rank_m, float(g.score[j])))
    return pd.DataFrame(rows, columns=BLOCKING_COLUMNS).sort_values(["mentor_id", "mentee_id"]).reset_index(drop=True)
