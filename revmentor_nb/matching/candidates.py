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
from revmentor_nb.matching.classes import PairClasses, Side, expand, pair_classes
from revmentor_nb.matching.people import People
from revmentor_nb.matching.rules import Rule
from revmentor_nb.matching.scoring import Term, score

CHUNK_CELLS = 3_000_000  # dense cells per block (mentees x mentors)
CLASSES = True  # a kept graph works through people classes when there are far fewer classes than people
PER_CLASS = 2  # a kept graph by class holds per person this many members of each of its best partner classes


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
    # people classes (``classes.pair_classes``): rule verdicts and scores per class x class cell, when the
    # sign-ups fall into far fewer classes than people; a kept graph then prices its left-out pairs by class
    classes: PairClasses | None = field(default=None, repr=False)
    _hash: np.ndarray | None = field(default=None, repr=False)
    flow_duals: np.ndarray | None = field(default=None, repr=False)  # the last flow's potentials (a warm start)

    @property
    def kept(self) -> bool:
        """Whether this graph holds only each person's best pairs (the rest priced on demand)."""
        return self.keep is not None

    @property
    def allowed(self) -> int:
        """Allowed pairs in all, including those a kept graph leaves out."""
        return self.n if self.n_allowed < 0 else self.n_allowed

    @property
    def hashes(self) -> np.ndarray:
        """The seeded 64-bit hash of every person (the tie-break's input), computed once."""
        if self._hash is None:
            self._hash = self.people.person_hash(self.seed)
        return self._hash

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
        ph = self.hashes
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
        if self.classes is not None:
            return self._outside_by_class(bound_e, bound_m, per_person)
        es = self.mentee_side[np.isfinite(self.omit_e[self.mentee_side])]
        ms = self.mentor_side[np.isfinite(self.omit_m[self.mentor_side])]
        if len(es) == 0 or len(ms) == 0:
            return empty
        es = es[self.omit_e[es] + bound_e[es] + float(bound_m[ms].max()) > 0]
        ms = ms[self.omit_m[ms] + bound_m[ms] + float(bound_e[es].max(initial=-np.inf)) > 0]
        if len(es) == 0 or len(ms) == 0:
            return empty
        any_either = bool(np.any(self.people.role[ms] == "either")) and bool(np.any(self.people.role[es] == "either"))
        ph = self.hashes
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

    def _outside_by_class(self, bound_e: np.ndarray, bound_m: np.ndarray, per_person: int | None
                          ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """``outside`` through the class tables: only pairs whose key can exceed the bounds are ever formed.

        A pair's key is below its classes' score + 2 tie_scale (a margin over the tie-break's
        tie_scale for rounding), so a mentor class and a mentee class can hold a priced pair only
        when that plus their members' largest bounds is positive; within such a class pair only
        mentees whose bound can reach it, and for each of them only mentors whose bound can,
        are formed (members sorted by bound: a search, not a scan) and priced exactly.
        """
        pc = self.classes
        assert pc is not None
        top = 2.0 * self.tie_scale
        be = np.where(np.isfinite(self.omit_e), bound_e, -np.inf)  # nobody left out: no pair to price
        bm = np.where(np.isfinite(self.omit_m), bound_m, -np.inf)
        se, sm = _SortedBounds(pc.mentee, be), _SortedBounds(pc.mentor, bm)
        live = pc.allowed & (pc.score + top + se.best[:, None] + sm.best[None, :] > 0)
        ce, cm = np.nonzero(live)
        s_cls = pc.score[ce, cm]
        # mentees of each live class pair whose bound can reach it (and whose own left-out bound allows it)
        k, pos = expand(pc.mentee.start[ce], se.count_above(ce, -(s_cls + top + sm.best[cm])))
        e = se.members[pos]
        s_e = s_cls[k]
        c_m = cm[k]
        ok = self.omit_e[e] + be[e] + sm.best[c_m] > 0
        e, s_e, c_m = e[ok], s_e[ok], c_m[ok]
        n_m = sm.count_above(c_m, -(s_e + top + be[e]))
        ph = self.hashes
        out: list[list[np.ndarray]] = [[], [], [], []]
        ends = np.cumsum(n_m)
        lo = 0
        while lo < len(e):  # rows in groups of about CHUNK_CELLS pairs
            base = ends[lo - 1] if lo else 0
            hi = max(lo + 1, int(np.searchsorted(ends, base + CHUNK_CELLS, side="right")))
            r, where = expand(pc.mentor.start[c_m[lo:hi]], n_m[lo:hi])
            ee, mm, ss = e[lo:hi][r], sm.members[where], s_e[lo:hi][r]
            lo = hi
            tb = tie_break(ph[mm], ph[ee])
            gain = ss + self.tie_scale * tb + bound_e[ee] + bound_m[mm]
            hot = (gain > 0) & (mm != ee)
            hot[hot] = self.find(mm[hot], ee[hot]) < 0  # only pairs the graph left out
            if not hot.any():
                continue
            parts = [mm[hot], ee[hot], ss[hot], tb[hot]]
            if per_person is not None:
                pick = _per_person(parts[0], parts[1], gain[hot], per_person)
                parts = [a[pick] for a in parts]
            for lst, arr in zip(out, parts):
                lst.append(arr)
        if not out[0]:
            return (np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros(0), np.zeros(0))
        mm, ee, ss, tb = (np.concatenate(x) for x in out)
        if per_person is not None and len(out[0]) > 1:
            pick = _per_person(mm, ee, ss + self.tie_scale * tb + bound_e[ee] + bound_m[mm], per_person)
            mm, ee, ss, tb = mm[pick], ee[pick], ss[pick], tb[pick]
        return mm, ee, ss, tb


class _SortedBounds:
    """One side's members grouped by class and sorted by bound (largest first): counts above a threshold by search."""

    def __init__(self, side: Side, bound: np.ndarray) -> None:
        cls = np.repeat(np.arange(side.n), side.size)
        neg = -bound[side.members]
        order = np.argsort(neg, kind="stable")
        rank = np.empty(len(neg), dtype=np.int64)
        rank[order] = np.arange(len(neg))
        self.sorted_neg = neg[order]
        o = np.lexsort((rank, cls))
        self.members = side.members[o]
        self.width = max(len(neg), 1)
        self.comp = cls * self.width + rank[o]  # ascending: class, then bound from the largest
        self.start = side.start
        self.best = -neg[o][side.start[:-1]] if len(neg) else np.zeros(0)

    def count_above(self, cls: np.ndarray, t: np.ndarray) -> np.ndarray:
        """Members of class ``cls[k]`` whose bound is > ``t[k]`` (they come first in ``members``)."""
        q = np.searchsorted(self.sorted_neg, -np.asarray(t, dtype=np.float64), side="left")  # members with -bound < -t
        return np.searchsorted(self.comp, cls * self.width + q, side="left") - self.start[cls]


def _per_person(m: np.ndarray, e: np.ndarray, gain: np.ndarray, k: int) -> np.ndarray:
    """Positions of each mentee's and each mentor's k largest (positive) gains, the union: which priced pairs to add.

    One sort per side on person - gain / (2 max gain): grouped by person, largest gain first. (Near-equal
    gains may swap places; any choice is right, since the certificate asks only that none is left.)
    """
    pick = np.zeros(len(m), dtype=bool)
    if len(m) == 0:
        return np.flatnonzero(pick)
    scaled = np.maximum(gain, 0.0) / (2.0 * float(np.max(gain)) + 1e-300)
    for who in (e, m):
        order = np.argsort(who - scaled)
        w = who[order]
        starts = np.flatnonzero(np.r_[True, w[1:] != w[:-1]])
        rank = np.arange(len(w)) - np.repeat(starts, np.diff(np.r_[starts, len(w)]))
        pick[order[rank < k]] = True
    return np.flatnonzero(pick)


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
    if keep:
        pc = pair_classes(people, rules, terms, ms, es) if CLASSES else None
        if pc is not None:
            graph = _generate_by_class(people, rules, terms, pc, consenting, ms, es, consent_rule=consent_rule,
                                       pool=pool, seed=seed, tie_scale=tie_scale, keep=keep)
            graph.seconds = time.perf_counter() - t0
            return graph
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


def _generate_by_class(people: People, rules: list[Rule], terms: list[Term], pc: PairClasses, consenting: np.ndarray,
                       ms: np.ndarray, es: np.ndarray, *, consent_rule: bool, pool: int, seed: int, tie_scale: float,
                       keep: int) -> CandidateGraph:
    """A kept graph from the class tables: counts per class x class cell, each person's best pairs by class.

    Per person, its ``keep`` pairs are spread over its best partner classes (``_best_by_class``),
    with a bound on the key of every pair left out.
    """
    n = people.n
    both = np.intersect1d(ms, es)  # 'either' people: never paired with themselves
    weight = np.outer(pc.mentee.size, pc.mentor.size).astype(np.int64)
    if len(both):
        np.subtract.at(weight, (pc.mentee.cls[both], pc.mentor.cls[both]), 1)
    n_rules = len(rules)
    removed, failing = np.zeros(n_rules, dtype=np.int64), np.zeros(n_rules, dtype=np.int64)
    alive = np.ones(pc.score.shape, dtype=bool)
    for r in range(n_rules):
        bad = ~pc.allowed_by[r]
        failing[r] = int(weight[bad].sum())
        bad &= alive
        removed[r] = int(weight[bad].sum())
        alive &= ~bad
    n_allowed = int(weight[alive].sum())
    ph = people.person_hash(seed)
    parts_e = _best_by_class(pc.mentee, pc.mentor, pc.score, alive, keep, ph, tie_scale, rows_mentee=True)
    parts_m = _best_by_class(pc.mentor, pc.mentee, pc.score.T, alive.T, keep, ph, tie_scale, rows_mentee=False)
    omit_e, omit_m = np.full(n, -np.inf), np.full(n, -np.inf)
    omit_e[parts_e[4]], omit_m[parts_m[4]] = parts_e[5], parts_m[5]
    m, e, sc, tb = (np.r_[a, b] for a, b in zip(parts_e[:4], parts_m[:4]))
    key = e * n + m
    key, first = np.unique(key, return_index=True)
    m, e, sc, tb = m[first], e[first], sc[first], tb[first]
    pool_idx = np.unique(_row_top_k(e, sc + tie_scale * tb, pool)) if len(e) else np.zeros(0, dtype=np.int64)
    rejected = _rejected_table(people, consenting, rules, removed, failing, consent_rule, n_allowed)
    return CandidateGraph(people, rules, terms, consenting, ms, es, m, e, sc, tb, pool_idx, rejected, seconds=0.0,
                          _keys=key, keep=keep, n_allowed=n_allowed, omit_e=omit_e, omit_m=omit_m,
                          tie_scale=tie_scale, seed=seed, consent_rule=consent_rule, classes=pc, _hash=ph)


def _best_by_class(rows: Side, cols: Side, table: np.ndarray, alive: np.ndarray, keep: int, ph: np.ndarray,
                   tie_scale: float, rows_mentee: bool) -> tuple[np.ndarray, ...]:
    """Each row person's ``keep`` pairs spread over the best partner classes, and a bound on every other key.

    Members of one class differ only by the tie-break, so holding many of them adds little: per
    person the partner classes are taken by score (best first), each with its ``PER_CLASS`` best
    members by score + tie-break, until ``keep`` pairs are held. A pair left out is either in a
    taken class (key at most that class's next best) or in a later class (key below its score + tie_scale):
    the largest of these bounds it. Returns (mentor rows, mentee rows, score, tiebreak) of the kept
    pairs, then (row people, their bound; -inf when every allowed partner is held).
    """
    out: list[list[np.ndarray]] = [[], [], [], [], [], []]
    for c in range(rows.n):
        allowed = np.flatnonzero(alive[c])
        if len(allowed) == 0:
            continue
        s = table[c, allowed]
        order = np.argsort(-s, kind="stable")
        allowed, s = allowed[order], s[order]
        held = np.cumsum(np.minimum(cols.size[allowed], PER_CLASS))
        k = min(int(np.searchsorted(held, keep)) + 1, len(allowed))  # classes taken
        per_class = PER_CLASS if held[-1] >= keep else keep  # too few classes: more of each
        everyone = rows.members[rows.start[c]:rows.start[c + 1]]
        step = max(1, CHUNK_CELLS // int(cols.size[allowed[:k]].max()))
        later = s[k] + 2.0 * tie_scale if k < len(allowed) else -np.inf  # above any key in the classes not taken
        for lo in range(0, len(everyone), step):
            _spread(everyone[lo:lo + step], cols, allowed[:k], s, later, ph, tie_scale, rows_mentee, per_class, out)
    empty = [np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros(0), np.zeros(0), np.zeros(0, np.int64), np.zeros(0)]
    return tuple(np.concatenate(x) if x else z for x, z in zip(out, empty))


def _spread(me: np.ndarray, cols: Side, taken: np.ndarray, s: np.ndarray, later: float, ph: np.ndarray,
            tie_scale: float, rows_mentee: bool, per_class: int, out: list[list[np.ndarray]]) -> None:
    """``_best_by_class`` for some people of one class: their ``per_class`` best in each ``taken`` class."""
    nxt = np.full(len(me), later)
    for j in range(len(taken)):
        cc = taken[j]
        partners = cols.members[cols.start[cc]:cols.start[cc + 1]]
        tb = tie_break(ph[partners][None, :], ph[me][:, None]) if rows_mentee else \
            tie_break(ph[me][:, None], ph[partners][None, :])
        key = s[j] + tie_scale * tb
        key[me[:, None] == partners[None, :]] = -np.inf
        if len(partners) > per_class:
            part = np.argpartition(-key, per_class, axis=1)
            nxt = np.maximum(nxt, key[np.arange(len(me)), part[:, per_class]])
            part = part[:, :per_class]
        else:
            part = np.broadcast_to(np.arange(len(partners)), (len(me), len(partners)))
        r = np.broadcast_to(np.arange(len(me))[:, None], part.shape)
        fine = np.isfinite(key[r, part])
        p_sel, w_sel = partners[part][fine], np.broadcast_to(me[:, None], part.shape)[fine]
        m_sel, e_sel = (p_sel, w_sel) if rows_mentee else (w_sel, p_sel)
        for lst, arr in zip(out[:4], (m_sel, e_sel, np.full(len(p_sel), s[j]), tb[r, part][fine])):
            lst.append(arr)
    out[4].append(me)
    out[5].append(nxt)


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
