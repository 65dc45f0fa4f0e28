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

from .block import Block
from .people import People
from .rules import Rule
from .scoring import Term, score

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
    pool: np.ndarray  # int64 candidate indices: each mentee's best few (the LP's first columns)
    rejected: pd.DataFrame
    fail_as_mentee: np.ndarray  # (n_people, n_rules): partners each rule removed, person as mentee
    fail_as_mentor: np.ndarray  # (n_people, n_rules): same, person as mentor
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
        blk = Block(self.people, self.m[idx], self.e[idx], dense=False)
        return pd.DataFrame({t.name: t.points(blk) for t in self.terms})

    def check(self, m: np.ndarray, e: np.ndarray) -> dict[str, np.ndarray]:
        """Per rule, which of the given (mentor row, mentee row) pairs it allows (paired evaluation)."""
        blk = Block(self.people, m, e, dense=False)
        return {r.name: np.asarray(r.allowed(blk), dtype=bool) for r in self.rules}


def _top_k(values: np.ndarray, alive: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """Row and column of each row's k best allowed cells (vectorised argpartition)."""
    ncols = values.shape[1]
    v = np.where(alive, values, -np.inf)
    if ncols > k:
        cols = np.argpartition(-v, k - 1, axis=1)[:, :k]
    else:
        cols = np.broadcast_to(np.arange(ncols), (v.shape[0], ncols))
    rows = np.broadcast_to(np.arange(v.shape[0])[:, None], cols.shape)
    keep = np.isfinite(v[rows, cols])
    return rows[keep], cols[keep]


def generate(people: People, rules: list[Rule], terms: list[Term], *, consent_rule: bool = True,
             pool: int = 8) -> CandidateGraph:
    """Apply the rule table to every mentor x mentee and score the survivors."""
    import time

    t0 = time.perf_counter()
    consenting = people.consent.copy() if consent_rule else np.ones(people.n, dtype=bool)
    ms = np.flatnonzero(people.can_mentor & consenting)
    es = np.flatnonzero(people.can_mentee & consenting)
    n_rules = len(rules)
    fail_e = np.zeros((people.n, n_rules), dtype=np.int64)
    fail_m = np.zeros((people.n, n_rules), dtype=np.int64)
    removed = np.zeros(n_rules, dtype=np.int64)
    failing = np.zeros(n_rules, dtype=np.int64)
    any_either = bool(np.any(people.role[ms] == "either")) and bool(np.any(people.role[es] == "either"))
    out_m, out_e, out_s, out_pool = [], [], [], []
    offset = 0
    chunk = max(1, CHUNK_CELLS // max(len(ms), 1))
    for start in range(0, len(es), chunk):
        e_idx = es[start:start + chunk]
        blk = Block(people, ms, e_idx, dense=True)
        alive = np.ones(blk.shape, dtype=bool)
        if any_either:
            alive &= e_idx[:, None] != ms[None, :]
        not_self = alive.copy()
        for r, rule in enumerate(rules):
            ok = rule.allowed(blk)
            fail = alive & ~ok
            fail_e[e_idx, r] = np.count_nonzero(fail, axis=1)
            fail_m[ms, r] += np.count_nonzero(fail, axis=0)
            removed[r] += int(fail_e[e_idx, r].sum())
            failing[r] += int(np.count_nonzero(not_self & ~ok))
            alive &= ok
        if not alive.any():
            continue
        vals = score(terms, blk)
        flat = np.flatnonzero(alive)
        rows, cols = np.divmod(flat, len(ms))
        out_m.append(ms[cols])
        out_e.append(e_idx[rows])
        out_s.append(vals.ravel()[flat])
        tr, tc = _top_k(vals, alive, pool)
        out_pool.append(offset + np.searchsorted(flat, tr * len(ms) + tc))
        offset += len(flat)
    cat = lambda xs, dt: np.concatenate(xs).astype(dt) if xs else np.zeros(0, dtype=dt)  # noqa: E731
    m, e, s = cat(out_m, np.int64), cat(out_e, np.int64), cat(out_s, np.float64)
    pool_idx = np.unique(cat(out_pool, np.int64))
    rejected = _rejected_table(people, consenting, rules, removed, failing, consent_rule, len(m))
    return CandidateGraph(people, rules, terms, consenting, ms, es, m, e, s, pool_idx, rejected, fail_e, fail_m,
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
                         description=f"partner {rule.phrase}"))
    return pd.DataFrame(rows, columns=["rule", "kind", "removed", "failing", "description"])
