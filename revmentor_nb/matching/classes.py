"""People classes: sign-ups that every hard rule and score term treats alike.

A rule or term reads a few per-person arrays (codes, numbers, list indicators) from each side
of a pair. Sign-ups with equal values in every array read from their side form a class, and a
rule or term gives one answer for every pair between two classes: the rule table and the score
(without the seeded tie-break, the only per-pair part) are computed once per class x class
cell. Which arrays are read is recorded by running each compiled rule and term once on a probe
block, so this follows the compiled rule and term tables, whatever they are; a rule that looks
at the people themselves (exclusions, reporting lines, one person's two sign-ups) makes
classes no fewer than people, and the caller then keeps its per-pair blocks.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from revmentor_nb.matching.block import Block
from revmentor_nb.matching.people import People
from revmentor_nb.matching.rules import Rule
from revmentor_nb.matching.scoring import Term, score

MAX_CELL_SHARE = 0.05  # classes are used when class x class cells are at most this share of mentor x mentee cells
CHECK_PAIRS = 4096  # real pairs re-evaluated per side-by-side check of the class tables


class _Probe(Block):
    """A dense block that records every per-person array its rules and terms read, per side."""

    def __init__(self, people: People, m_idx: np.ndarray, e_idx: np.ndarray) -> None:  # noqa: D107
        self.people = people
        self._m = np.asarray(m_idx, dtype=np.int64)
        self._e = np.asarray(e_idx, dtype=np.int64)
        self.dense = True
        self.parent = None
        self.flat = None
        self._cache = {}
        self.read: dict[str, dict[int, np.ndarray]] = {"mentor": {}, "mentee": {}}
        self.direct = False  # a test looked at the people's rows themselves

    @property
    def m_idx(self) -> np.ndarray:  # type: ignore[override]
        self.direct = True
        return self._m

    @property
    def e_idx(self) -> np.ndarray:  # type: ignore[override]
        self.direct = True
        return self._e

    @property
    def shape(self) -> tuple[int, ...]:
        return (len(self._e), len(self._m))

    def _note(self, side: str, arr: np.ndarray) -> None:
        self.read[side].setdefault(id(arr), arr)

    def _real(self) -> Block:
        return Block(self.people, self._m, self._e, dense=True)

    def side(self, arr: np.ndarray, side: str) -> np.ndarray:
        self._note(side, arr)
        return self._real().side(arr, side)

    def shared(self, mentor_column: str, mentee_column: str) -> np.ndarray:
        a, b = self.people.list_pair(mentor_column, mentee_column)
        self._note("mentor", a)
        self._note("mentee", b)
        return self._real().shared(mentor_column, mentee_column)

    def first_in(self, giver: str, giver_column: str, learner_column: str) -> np.ndarray:
        learner = "mentee" if giver == "mentor" else "mentor"
        self._note(giver, self.people.list_pair(giver_column, learner_column)[0])
        self._note(learner, self.people.lists(learner_column).first)
        return self._real().first_in(giver, giver_column, learner_column)

    def size(self, column: str, side: str) -> np.ndarray:
        return self.side(self.people.lists(column).size, side)


def _class_codes(arrays: list[np.ndarray], rows: np.ndarray) -> np.ndarray:
    """One code per row: equal codes iff every array has equal values (NaN equal to NaN) at those rows."""
    if not arrays or len(rows) == 0:
        return np.zeros(len(rows), dtype=np.int64)
    cols = []
    for arr in arrays:
        v = np.asarray(arr)[rows]
        if v.ndim == 1:
            cols.append(pd.factorize(v, use_na_sentinel=True)[0].astype(np.int64))
        else:
            inverse = np.unique(v.reshape(len(rows), -1), axis=0, return_inverse=True)[1]
            cols.append(inverse.reshape(-1).astype(np.int64))
    return np.unique(np.stack(cols, axis=1), axis=0, return_inverse=True)[1].reshape(-1).astype(np.int64)


@dataclass
class Side:
    """The classes of one side: per person its class (-1 off this side), members grouped by class."""

    cls: np.ndarray  # int64 per person row
    members: np.ndarray  # person rows, grouped by class (ascending row within a class)
    start: np.ndarray  # int64, len n_classes + 1: members[start[c]:start[c+1]] are class c
    rep: np.ndarray  # one person row per class

    @property
    def n(self) -> int:
        """Number of classes."""
        return len(self.rep)

    @property
    def size(self) -> np.ndarray:
        """Members per class."""
        return np.diff(self.start)

    @classmethod
    def of(cls, codes: np.ndarray, rows: np.ndarray, n_people: int) -> "Side":
        """Classes from one code per row of ``rows`` (person rows on this side)."""
        order = np.lexsort((rows, codes))
        members = rows[order]
        sizes = np.bincount(codes, minlength=int(codes.max(initial=-1)) + 1)
        start = np.r_[0, np.cumsum(sizes)].astype(np.int64)
        per = np.full(n_people, -1, dtype=np.int64)
        per[rows] = codes
        return cls(per, members, start, members[start[:-1]])


@dataclass
class PairClasses:
    """Classes on both sides and the class x class tables: each rule's verdict and the score."""

    mentor: Side
    mentee: Side
    allowed_by: np.ndarray  # bool (n rules, mentee classes, mentor classes)
    score: np.ndarray  # float64 (mentee classes, mentor classes): the score without the tie-break

    @property
    def allowed(self) -> np.ndarray:
        """(mentee classes, mentor classes): whether every rule allows the pairs between them."""
        return np.all(self.allowed_by, axis=0) if len(self.allowed_by) else np.ones(self.score.shape, dtype=bool)


def pair_classes(people: People, rules: list[Rule], terms: list[Term], ms: np.ndarray, es: np.ndarray
                 ) -> PairClasses | None:
    """The classes of mentors ``ms`` and mentees ``es`` with their tables; None when they would not be much fewer.

    None also when a rule or term reads the people's rows themselves, or when the tables
    disagree with per-pair evaluation on a sample of real pairs (a rule that varies within a class).
    """
    if len(ms) == 0 or len(es) == 0:
        return None
    probe = _Probe(people, ms[:1], es[:1])
    for rule in rules:
        rule.allowed(probe)
    for term in terms:
        term.points(probe)
    if probe.direct:
        return None
    ce = _class_codes(list(probe.read["mentee"].values()), es)
    cm = _class_codes(list(probe.read["mentor"].values()), ms)
    n_ce, n_cm = int(ce.max()) + 1, int(cm.max()) + 1
    if n_ce * n_cm > MAX_CELL_SHARE * len(ms) * len(es):
        return None
    mentor, mentee = Side.of(cm, ms, people.n), Side.of(ce, es, people.n)
    blk = Block(people, mentor.rep, mentee.rep, dense=True)
    allowed_by = np.stack([np.asarray(r.allowed(blk), dtype=bool) for r in rules]) if rules else \
        np.zeros((0, n_ce, n_cm), dtype=bool)
    table = np.asarray(score(terms, blk), dtype=np.float64)
    out = PairClasses(mentor, mentee, allowed_by, table)
    return out if _agrees(out, people, rules, terms, ms, es) else None


def _agrees(pc: PairClasses, people: People, rules: list[Rule], terms: list[Term], ms: np.ndarray, es: np.ndarray
            ) -> bool:
    """Whether the class tables give every rule's verdict and the score of a sample of real pairs."""
    rng = np.random.default_rng(len(ms) * 7919 + len(es))
    m = ms[rng.integers(0, len(ms), CHECK_PAIRS)]
    e = es[rng.integers(0, len(es), CHECK_PAIRS)]
    blk = Block(people, m, e, dense=False)
    i, j = pc.mentee.cls[e], pc.mentor.cls[m]
    for r, rule in enumerate(rules):
        if not np.array_equal(np.asarray(rule.allowed(blk), dtype=bool), pc.allowed_by[r, i, j]):
            return False
    s = np.asarray(score(terms, blk), dtype=np.float64)
    return bool(np.allclose(s, pc.score[i, j], rtol=1e-12, atol=1e-12))


def expand(start: np.ndarray, count: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For rows with ``count[k]`` items from position ``start[k]``: (row of each item, its position)."""
    count = np.asarray(count, dtype=np.int64)
    row = np.repeat(np.arange(len(count)), count)
    if len(row) == 0:
        return row, row
    first = np.cumsum(count) - count
    return row, np.asarray(start, dtype=np.int64)[row] + (np.arange(len(row)) - first[row])
