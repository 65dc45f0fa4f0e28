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
             pool: int = 8, seed: int = 0, tie_scale: float = 1e-6) -> CandidateGraph:
    """Apply the rule table to every mentor x mentee and score the survivors."""
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
    rejected = _rejected_table(people, consenting, rules, removed, failing, consent_rule, len(m))
    return CandidateGraph(people, rules, terms, consenting, ms, es, m, e, s, tb, pool_idx, rejected,
                          seconds=time.perf_counter() - t0)


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
