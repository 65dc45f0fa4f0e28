"""Candidate generation: every allowed (mentor, mentee) pair with its score, vectorised.

Mentees are processed in chunks against every mentor as dense numpy blocks: each rule
of the table is one array operation, so the cost is a few passes over mentors x mentees
numbers and never a Python loop over pairs. The rules are applied in table order, so each
rejected pair is charged to the first rule it breaks (``removed``); ``failing`` counts
every pair a rule would reject on its own. Per person, the same counts feed the
unmatched reasons.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from revmentor_nb.matching.block import Block
from revmentor_nb.matching.people import People
from revmentor_nb.matching.rules import Rule
from revmentor_nb.matching.scoring import Term, score

CHUNK_CELLS = 3_000_000  # dense cells per block (mentees x mentors)


@dataclass
class CandidateGraph:
    """The allowed pairs (sorted by mentee then mentor) and how the rest were rejected."""

    people: People
    rules: list[Rule]
    terms: list[Term]
    consenting: np.ndarray  # bool per person (all True when the consent rule is off)
    mentor_side: np.ndarray  # person rows that may mentor (consenting)
    mentee_side: np.ndarray  # person rows that may be mentored (consenting)
    m: np.ndarray  # int64 person row of the mentor, per candidate
    e: np.ndarray  # int64 person row of the mentee, per candidate
    score: np.ndarray  # float64 score per candidate
    tiebreak: np.ndarray  # float64 in [0, 1) per candidate: seeded, breaks exact ties
    pool: np.ndarray  # int64 candidate indices: each mentee's best few (the LP's first columns)
    rejected: pd.DataFrame
    seconds: float = 0.0
    _keys: np.ndarray | None = field(default=None, repr=False)
    # a *kept* graph (too many pairs to hold): each mentee's and each mentor's best ``keep`` pairs only.
    # omit_e / omit_m bound, per person, the ranking key (score + tie_scale x tiebreak) of every allowed
    # pair left out, so any left-out pair can be priced (``outside``) without holding it; -inf: none left out
    keep: int | None = None
    n_allowed: int = -1  # allowed pairs in all (kept or not); -1 = len(m)
    omit_e: np.ndarray | None = field(default=None, repr=False)
    omit_m: np.ndarray | None = field(default=None, repr=False)
    tie_scale: float = 0.0
    seed: int = 0
    consent_rule: bool = True

    @property
    def kept(self) -> bool:
        """Whether this graph holds only each person's best pairs (the rest priced on demand)."""
        return self.keep is not None

    @property
    def allowed(self) -> int:
        """Allowed pairs in all, including those a kept graph leaves out."""
        return self.n if self.n_allowed < 0 else self.n_allowed

    @property
    def n(self) -> int:
        """Number of candidate pairs."""
        return len(self.m)

    @property
    def keys(self) -> np.ndarray:
        """Sorted int64 key mentee*n_people + mentor per candidate (for lookups)."""
        if self._keys is None:
            self._keys = self.e * self.people.n + self.m
        return self._keys

    def find(self, m: np.ndarray, e: np.ndarray) -> np.ndarray:
        """Candidate index of each (mentor row, mentee row) pair, -1 when not a candidate."""
        k = np.asarray(e, dtype=np.int64) * self.people.n + np.asarray(m, dtype=np.int64)
        if self.n == 0:
            return np.full(len(k), -1, dtype=np.int64)
        pos = np.minimum(np.searchsorted(self.keys, k), self.n - 1)
        return np.where(self.keys[pos] == k, pos, -1)

    def points(self, idx: np.ndarray) -> pd.DataFrame:
        """The weighted score components of some candidates, one column per term."""
        idx = np.asarray(idx, dtype=np.int64)
        cols: dict[str, list[np.ndarray]] = {t.name: [] for t in self.terms}
        for lo in range(0, len(idx), 200_000):
            part = idx[lo:lo + 200_000]
            blk = Block(self.people, self.m[part], self.e[part], dense=False)
            for t in self.terms:
                cols[t.name].append(np.asarray(t.points(blk), dtype=np.float64))
        return pd.DataFrame({k: (np.concatenate(v) if v else np.zeros(0)) for k, v in cols.items()})

    def fails(self, person: int, side: str) -> np.ndarray:
        """Per rule, how many possible partners of ``person`` (as ``side``) it removed first."""
        ms, es = (self.mentor_side, np.array([person])) if side == "mentee" else (np.array([person]), self.mentee_side)
        blk = Block(self.people, ms, es, dense=True)
        alive = np.ones(blk.shape, dtype=bool)
        alive &= es[:, None] != ms[None, :]
        out = np.zeros(len(self.rules), dtype=np.int64)
        for r, rule in enumerate(self.rules):
            bad = alive & ~rule.allowed(blk)
            out[r] = int(np.count_nonzero(bad))
            alive &= ~bad
        return out

    def check(self, m: np.ndarray, e: np.ndarray) -> dict[str, np.ndarray]:
        """Per rule, which of the given (mentor row, mentee row) pairs it allows (paired evaluation)."""
        blk = Block(self.people, m, e, dense=False)
        return {r.name: np.asarray(r.allowed(blk), dtype=bool) for r in self.rules}


    def evaluate(self, m: np.ndarray, e: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Which of the given (mentor row, mentee row) pairs every rule allows, with their scores and tiebreaks."""
        m = np.asarray(m, dtype=np.int64)
        e = np.asarray(e, dtype=np.int64)
        p = self.people
        ok = p.can_mentor[m] & p.can_mentee[e] & self.consenting[m] & self.consenting[e] & (m != e)
        blk = Block(p, m, e, dense=False)
        for rule in self.rules:
            ok &= np.asarray(rule.allowed(blk), dtype=bool)
        ph = p.person_hash(self.seed)
        return ok, np.asarray(score(self.terms, blk), dtype=np.float64), tie_break(ph[m], ph[e])

    def with_pairs(self, m: np.ndarray, e: np.ndarray) -> "CandidateGraph":
        """This graph with the given pairs added (those the rules allow and it lacks), kept sorted by mentee."""
        ok, s, tb = self.evaluate(m, e)
        m, e, s, tb = (np.asarray(a)[ok] for a in (m, e, s, tb))
        k = e * self.people.n + m
        k, first = np.unique(k, return_index=True)
        new = ~np.isin(k, self.keys)
        if not new.any():
            return self
        sel = first[new]
        return _merged(self, m[sel], e[sel], s[sel], tb[sel])

    def outside(self, bound_e: np.ndarray, bound_m: np.ndarray, per_person: int | None = None
                ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """Left-out allowed pairs whose ranking key can exceed ``-bound_e[e] - bound_m[m]`` (a kept graph only).

        A left-out pair's key is at most omit_e[e] and at most omit_m[m], so only mentees with
        omit_e + bound_e + max(bound_m) > 0 and mentors with omit_m + bound_m + max(bound_e) > 0
        can hold one; those rows x columns are generated again, block by block, and every allowed
        left-out pair among them with key + bound_e + bound_m > 0 is returned as (m, e, score, tiebreak).
        ``per_person``: only each mentee's and (per block) each mentor's that many with the largest
        key + bounds (memory stays small; each person's best ones, and whether any exists, are kept).
        """
        empty = (np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros(0), np.zeros(0))
        if not self.kept:
            return empty
        es = self.mentee_side[np.isfinite(self.omit_e[self.mentee_side])]
        ms = self.mentor_side[np.isfinite(self.omit_m[self.mentor_side])]
        if len(es) == 0 or len(ms) == 0:
            return empty
        es = es[self.omit_e[es] + bound_e[es] + float(bound_m[ms].max()) > 0]
        ms = ms[self.omit_m[ms] + bound_m[ms] + float(bound_e[es].max(initial=-np.inf)) > 0]
        if len(es) == 0 or len(ms) == 0:
            return empty
        any_either = bool(np.any(self.people.role[ms] == "either")) and bool(np.any(self.people.role[es] == "either"))
        ph = self.people.person_hash(self.seed)
        out: list[list[np.ndarray]] = [[], [], [], []]
        chunk = max(1, CHUNK_CELLS // len(ms))
        for start in range(0, len(es), chunk):
            e_idx = es[start:start + chunk]
            blk = Block(self.people, ms, e_idx, dense=True)
            alive = _allowed(blk, self.rules, e_idx, ms, any_either)
            flat = np.flatnonzero(alive)
            if len(flat) == 0:
                continue
            cells = blk.cells(flat)
            vals = score(self.terms, cells)
            tb = tie_break(ph[cells.m_idx], ph[cells.e_idx])
            hot = vals + self.tie_scale * tb + bound_e[cells.e_idx] + bound_m[cells.m_idx] > 0
            if not hot.any():
                continue
            mm, ee = cells.m_idx[hot], cells.e_idx[hot]
            gone = np.flatnonzero(self.find(mm, ee) < 0)  # only pairs the graph left out
            if per_person is not None and len(gone):
                gain = (vals[hot] + self.tie_scale * tb[hot] + bound_e[ee] + bound_m[mm])[gone]
                pick = np.zeros(len(gone), dtype=bool)
                pick[_row_top_k(ee[gone], gain, per_person)] = True  # cells are in mentee order
                order = np.argsort(mm[gone], kind="stable")
                pick[order[_row_top_k(mm[gone][order], gain[order], per_person)]] = True
                gone = gone[pick]
            for lst, arr in zip(out, (mm, ee, vals[hot], tb[hot])):
                lst.append(arr[gone])
        if not out[0]:
            return empty
        return tuple(np.concatenate(x) for x in out)  # type: ignore[return-value]


def _allowed(blk: Block, rules: list[Rule], e_idx: np.ndarray, ms: np.ndarray, any_either: bool) -> np.ndarray:
    """The cells of a dense block that every rule allows (and that are not one person paired with themselves)."""
    alive = np.ones(blk.shape, dtype=bool)
    if any_either:
        alive &= e_idx[:, None] != ms[None, :]
    for rule in rules:
        alive &= rule.allowed(blk)
    return alive


def _merged(g: CandidateGraph, m: np.ndarray, e: np.ndarray, s: np.ndarray, tb: np.ndarray) -> CandidateGraph:
    """A copy of ``g`` with extra candidates, re-sorted by (mentee, mentor); the pool keeps its pairs."""
    from dataclasses import replace

    n = g.people.n
    all_m, all_e = np.r_[g.m, m], np.r_[g.e, e]
    order = np.argsort(all_e * n + all_m, kind="stable")
    where = np.empty(len(order), dtype=np.int64)
    where[order] = np.arange(len(order))
    return replace(g, m=all_m[order], e=all_e[order], score=np.r_[g.score, s][order],
                   tiebreak=np.r_[g.tiebreak, tb][order], pool=np.sort(where[g.pool]), _keys=None)


def _row_top_k(rows: np.ndarray, vals: np.ndarray, k: int) -> np.ndarray:
    """Positions of each row's k best cells, given cells sorted by row (k passes of segment maxima)."""
    if len(rows) == 0:
        return np.zeros(0, dtype=np.int64)
    starts = np.r_[0, np.flatnonzero(np.diff(rows)) + 1]
    seg = np.repeat(np.arange(len(starts)), np.diff(np.r_[starts, len(rows)]))
    v = vals.copy()
    out = []
    for _ in range(k):
        best = np.maximum.reduceat(v, starts)
        hit = np.flatnonzero((v >= best[seg]) & np.isfinite(v))
        if len(hit) == 0:
            break
        first = hit[np.r_[True, seg[hit][1:] != seg[hit][:-1]]]  # one per row (the first best)
        out.append(first)
        v[first] = -np.inf
    return np.sort(np.concatenate(out))


def tie_break(hm: np.ndarray, he: np.ndarray) -> np.ndarray:
    """A seeded pseudo-random number in [0, 1) per (mentor hash, mentee hash) pair (broadcasts).

    The product of two random odd 64-bit numbers, top 53 bits: cheap and well spread.
    """
    x = (hm | np.uint64(1)) * (he | np.uint64(1))
    return (x >> np.uint64(11)).astype(np.float64) / float(1 << 53)


def generate(people: People, rules: list[Rule], terms: list[Term], *, consent_rule: bool = True,
             pool: int = 8, seed: int = 0, tie_scale: float = 1e-6, keep: int | None = None) -> CandidateGraph:
    """Apply the rule table to every mentor x mentee and score the survivors.

    ``keep``: hold only each mentee's and each mentor's ``keep`` best pairs (by score + tie-break),
    with per-person bounds on the rest, so a graph of tens of millions of pairs fits in memory;
    the solve prices the left-out pairs through ``CandidateGraph.outside``.
    """
    import time

    t0 = time.perf_counter()
    consenting = people.consent.copy() if consent_rule else np.ones(people.n, dtype=bool)
    ms = np.flatnonzero(people.can_mentor & consenting)
    es = np.flatnonzero(people.can_mentee & consenting)
    n_rules = len(rules)
    removed = np.zeros(n_rules, dtype=np.int64)
    failing = np.zeros(n_rules, dtype=np.int64)
    any_either = bool(np.any(people.role[ms] == "either")) and bool(np.any(people.role[es] == "either"))
    out_m, out_e, out_s, out_t, out_pool = [], [], [], [], []
    ph = people.person_hash(seed)
    offset = 0
    chunk = max(1, CHUNK_CELLS // max(len(ms), 1))
    n_allowed = 0
    omit_e = np.full(people.n, -np.inf) if keep else None
    if keep:  # each mentor's best keep + 1 so far: key, mentee row, score, tiebreak
        top_k = np.full((keep + 1, len(ms)), -np.inf)
        top_e = np.full((keep + 1, len(ms)), -1, dtype=np.int64)
        top_s = np.zeros((keep + 1, len(ms)))
        top_t = np.zeros((keep + 1, len(ms)))
    for start in range(0, len(es), chunk):
        e_idx = es[start:start + chunk]
        blk = Block(people, ms, e_idx, dense=True)
        alive = np.ones(blk.shape, dtype=bool)
        if any_either:
            alive &= e_idx[:, None] != ms[None, :]
        not_self = alive.copy() if any_either else None
        for r, rule in enumerate(rules):
            bad = ~rule.allowed(blk)
            failing[r] += int(np.count_nonzero(bad if not_self is None else bad & not_self))
            bad &= alive
            removed[r] += int(np.count_nonzero(bad))
            alive &= ~bad
        flat = np.flatnonzero(alive)
        if len(flat) == 0:
            continue
        cells = blk.cells(flat)
        vals = score(terms, cells)
        tb = tie_break(ph[cells.m_idx], ph[cells.e_idx])
        n_allowed += len(flat)
        if keep:
            key = vals + tie_scale * tb
            rows = flat // len(ms)
            mine = _row_top_k(rows, key, keep)  # each mentee's best keep
            rest = key.copy()
            rest[mine] = -np.inf
            starts = np.r_[0, np.flatnonzero(np.diff(rows)) + 1]
            omit_e[e_idx[rows[starts]]] = np.maximum.reduceat(rest, starts)
            dense = np.full(blk.shape, -np.inf)
            dense.flat[flat] = key
            sd, td = np.zeros(blk.shape), np.zeros(blk.shape)
            sd.flat[flat], td.flat[flat] = vals, tb
            k1 = min(keep + 1, blk.shape[0])
            part = np.argpartition(-dense, k1 - 1, axis=0)[:k1] if k1 < blk.shape[0] else \
                np.broadcast_to(np.arange(blk.shape[0])[:, None], (k1, blk.shape[1]))
            cols = np.arange(blk.shape[1])[None, :]
            cat_k = np.r_[top_k, dense[part, cols]]
            cat_e, cat_s, cat_t = np.r_[top_e, e_idx[part]], np.r_[top_s, sd[part, cols]], np.r_[top_t, td[part, cols]]
            best = np.argpartition(-cat_k, keep, axis=0)[:keep + 1]
            top_k, top_e, top_s, top_t = (a[best, cols] for a in (cat_k, cat_e, cat_s, cat_t))
            cells = Block(people, cells.m_idx[mine], cells.e_idx[mine], dense=False)
            vals, tb, flat = vals[mine], tb[mine], flat[mine]
        out_m.append(cells.m_idx)
        out_e.append(cells.e_idx)
        out_s.append(vals)
        out_t.append(tb)
        out_pool.append(offset + _row_top_k(flat // len(ms), vals + tie_scale * tb, pool))
        offset += len(flat)
    cat = lambda xs, dt: np.concatenate(xs).astype(dt, copy=False) if xs else np.zeros(0, dtype=dt)  # noqa: E731
    m, e, s = cat(out_m, np.int64), cat(out_e, np.int64), cat(out_s, np.float64)
    tb = cat(out_t, np.float64)
    pool_idx = np.unique(cat(out_pool, np.int64))
    rejected = _rejected_table(people, consenting, rules, removed, failing, consent_rule, n_allowed)
    graph = CandidateGraph(people, rules, terms, consenting, ms, es, m, e, s, tb, pool_idx, rejected,
                           seconds=0.0, tie_scale=tie_scale, seed=seed, consent_rule=consent_rule)
    if keep:
        order = np.argsort(-top_k, axis=0, kind="stable")
        cols = np.arange(len(ms))[None, :]
        top_k, top_e, top_s, top_t = (a[order, cols] for a in (top_k, top_e, top_s, top_t))
        omit_m = np.full(people.n, -np.inf)
        omit_m[ms] = top_k[keep]  # the (keep+1)-th best key: no left-out pair of the mentor is above it
        fine = np.isfinite(top_k[:keep])
        mm = np.broadcast_to(ms[None, :], fine.shape)[fine]
        add = ~np.isin(top_e[:keep][fine] * people.n + mm, graph.keys)
        graph.pool = np.zeros(0, dtype=np.int64)
        graph = _merged(graph, mm[add], top_e[:keep][fine][add], top_s[:keep][fine][add], top_t[:keep][fine][add])
        graph.pool = graph.keys[:0]  # rebuilt below from the kept pairs: each mentee's best few
        graph.pool = np.unique(_row_top_k(graph.e, graph.score + tie_scale * graph.tiebreak, pool)) if graph.n else \
            np.zeros(0, dtype=np.int64)
        graph.keep, graph.n_allowed, graph.omit_e, graph.omit_m = keep, n_allowed, omit_e, omit_m
    graph.seconds = time.perf_counter() - t0
    return graph


def _rejected_table(people: People, consenting: np.ndarray, rules: list[Rule], removed: np.ndarray,
                    failing: np.ndarray, consent_rule: bool, allowed: int) -> pd.DataFrame:
    """Counts of pairs each hard rule removed (first rule broken) and would remove alone."""
    cm, ce = people.can_mentor, people.can_mentee
    both = int(np.count_nonzero(cm & ce))
    possible = int(cm.sum()) * int(ce.sum()) - both
    cmc, cec = cm & consenting, ce & consenting
    consenting_pairs = int(cmc.sum()) * int(cec.sum()) - int(np.count_nonzero(cmc & cec))
    rows = [dict(rule="consent", kind="consent", removed=possible - consenting_pairs,
                 failing=possible - consenting_pairs, description="someone in the pair has not consented")]
    if not consent_rule:
        rows[0].update(removed=0, failing=0, description="consent rule off")
    for r, rule in enumerate(rules):
        rows.append(dict(rule=rule.name, kind=rule.spec.kind, removed=int(removed[r]), failing=int(failing[r]),
                         description=f"partners who {rule.phrase}"))
    return pd.DataFrame(rows, columns=["rule", "kind", "removed", "failing", "description"])
