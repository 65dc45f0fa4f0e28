"""Why each unmatched person is unmatched, in words a programme manager can act on.

Causes, in order: did not consent; no candidate (which rules ruled out every possible
partner, with counts); lost to capacity (every possible partner is full, and with whom);
not chosen (a partner was free, but pairing would lower the objective under the
current settings, e.g. side constraints or a best-fit priority).
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from revmentor_nb.matching.candidates import CandidateGraph
from revmentor_nb.matching.capacity import Capacity

UNMATCHED_COLUMNS = ["person_id", "role", "cause", "reason"]


def _fmt(x: float) -> str:
    return f"{x:.2f}"


def _singular(phrase: str) -> str:
    """'are in the same department' -> 'is in the same department' (first word only)."""
    first, _, rest = phrase.partition(" ")
    return {"are": "is", "have": "has", "share": "shares"}.get(first, first) + " " + rest


def _all(k: int, noun: str) -> str:
    """'the only possible mentor' / 'both possible mentors' / 'all 5 possible mentors'."""
    if k == 1:
        return f"the only {noun}"
    if k == 2:
        return f"both {noun}s"
    return f"all {k} {noun}s"


def _ruled_out(graph: CandidateGraph, p: int, side: str, unusable: int) -> str:
    """'every possible mentor is ruled out: 41 are in the same department, 12 ...' for person p."""
    people = graph.people
    partner = "mentor" if side == "mentee" else "mentee"
    can = people.can_mentor if side == "mentee" else people.can_mentee
    possible = int(can.sum()) - int(can[p])
    if possible == 0:
        return f"nobody signed up as a {partner}"
    parts = []
    noncons = int((can & ~graph.consenting).sum()) - int(can[p] and not graph.consenting[p])
    if noncons:
        parts.append(f"{noncons:,} {'has' if noncons == 1 else 'have'} not consented")
    fails = graph.fails(p, side)
    for rule, cnt in zip(graph.rules, fails):
        if cnt:
            parts.append(f"{int(cnt):,} {_singular(rule.phrase) if cnt == 1 else rule.phrase}")
    if unusable:
        parts.append(f"{unusable:,} {'is' if unusable == 1 else 'are'} forbidden or filled by locked pairs")
    word = f"the only possible {partner}" if possible == 1 else f"every possible {partner} ({possible:,})"
    return f"{word} is ruled out: " + "; ".join(parts)


def explain(graph: CandidateGraph, chosen: np.ndarray, usable: np.ndarray, fixed: np.ndarray, cap: "Capacity",
            side_constraints: bool, most_pairs: float) -> pd.DataFrame:
    """The unmatched table: person_id, role, cause, reason (one row per unmatched participant)."""
    people = graph.people
    n = people.n
    m_all, e_all = graph.m[chosen], graph.e[chosen]
    either = people.role == "either"
    used = cap.used(m_all, e_all)
    room_m, room_e = cap.room_as_mentor(used), cap.room_as_mentee(used)
    matched = (np.bincount(m_all, minlength=n) + np.bincount(e_all, minlength=n)) > 0
    took: dict[int, list[int]] = {}
    for j in chosen:
        took.setdefault(int(graph.m[j]), []).append(int(j))
    mentor_of = {int(graph.e[j]): int(j) for j in chosen}
    live = usable.copy()
    live[fixed] = True
    unm = np.flatnonzero(~matched)
    # candidate lists of the unmatched: as mentee (graph sorted by mentee) and as mentor
    is_unm = np.zeros(n, dtype=bool)
    is_unm[unm] = True
    sel_e = np.flatnonzero(is_unm[graph.e])
    sel_m = np.flatnonzero(is_unm[graph.m])
    sel_m = sel_m[np.argsort(graph.m[sel_m], kind="stable")]
    by_e = _group(graph.e[sel_e], sel_e)
    by_m = _group(graph.m[sel_m], sel_m)
    rows = []
    ids = people.ids
    for p in unm:
        role = people.role[p]
        if not graph.consenting[p]:
            rows.append((ids[p], role, "no consent", "has not consented to be matched"))
            continue
        sides = [s for s, ok in (("mentee", people.can_mentee[p]), ("mentor", people.can_mentor[p])) if ok]
        cands = {s: (by_e if s == "mentee" else by_m).get(int(p), np.zeros(0, np.int64)) for s in sides}
        live_c = {s: c[live[c]] for s, c in cands.items()}
        if all(len(c) == 0 for c in live_c.values()):
            texts = [(f"as {s}: " if len(sides) > 1 else "") + _ruled_out(graph, p, s, int(len(cands[s]) - len(live_c[s])))
                     for s in sides]
            rows.append((ids[p], role, "no candidate", "no candidate: " + "; ".join(texts)))
            continue
        full_texts, free = [], []
        for s in sides:
            c = live_c[s]
            if len(c) == 0:
                continue
            c = c[np.argsort(-graph.score[c], kind="stable")]
            if s == "mentee":
                partners = graph.m[c]
                busy = ~room_m[partners]
                free += [ids[q] for q in partners[~busy]]
                if busy.all():
                    shown = []
                    for j in c[:3]:
                        q = int(graph.m[j])
                        taken = sorted(took.get(q, []), key=lambda k: graph.score[k])
                        if taken:
                            low = taken[0]
                            shown.append(f"{ids[q]} has {ids[graph.e[low]]} (fit {_fmt(graph.score[low])} vs "
                                         f"{_fmt(graph.score[j])} here)")
                        else:
                            shown.append(f"{ids[q]} is full as a mentee-side 'either' person")
                    more = f", and {len(c) - 3} more" if len(c) > 3 else ""
                    full_texts.append(f"{_all(len(c), 'possible mentor')} {'are' if len(c) != 1 else 'is'} full: "
                                      + "; ".join(shown) + more)
            else:
                partners = graph.e[c]
                taken = ~room_e[partners]
                free += [ids[q] for q in partners[~taken]]
                if taken.all():
                    shown = []
                    for j in c[:3]:
                        q = int(graph.e[j])
                        k = mentor_of.get(q)
                        if k is not None:
                            shown.append(f"{ids[q]} went to {ids[graph.m[k]]} (fit {_fmt(graph.score[k])} vs "
                                         f"{_fmt(graph.score[j])} here)")
                        else:
                            shown.append(f"{ids[q]} is at capacity")
                    more = f", and {len(c) - 3} more" if len(c) > 3 else ""
                    full_texts.append(f"{_all(len(c), 'possible mentee')} {'were' if len(c) != 1 else 'was'} matched "
                                      "elsewhere: " + "; ".join(shown) + more)
        if not free:
            rows.append((ids[p], role, "lost to capacity", "lost to capacity: " + "; ".join(full_texts)))
            continue
        why = []
        if side_constraints:
            why.append("the fairness/mix side constraints")
        if most_pairs == 0:
            why.append("the best-fit priority (most_pairs = 0)")
        if either[p]:
            why.append("their shared capacity as an 'either' participant")
        why_text = f" ({', '.join(why)})" if why else ""
        shown = ", ".join(free[:3]) + (f" and {len(free) - 3} more" if len(free) > 3 else "")
        rows.append((ids[p], role, "not chosen",
                     f"not chosen: {len(free)} possible partner{'s' if len(free) != 1 else ''} with a free place "
                     f"({shown}), but pairing would lower the programme objective under the current settings{why_text}"))
    return pd.DataFrame(rows, columns=UNMATCHED_COLUMNS)


def _group(keys: np.ndarray, vals: np.ndarray) -> dict[int, np.ndarray]:
    """Split ``vals`` by the (sorted) ``keys``."""
    if len(keys) == 0:
        return {}
    cut = np.flatnonzero(np.diff(keys)) + 1
    starts = np.r_[0, cut]
    return {int(keys[s]): part for s, part in zip(starts, np.split(vals, cut))}
