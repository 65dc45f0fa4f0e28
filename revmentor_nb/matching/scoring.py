"""Score terms as data: each TermSpec kind compiles to a vectorised component on a Block.

A pair's score is the sum of weight x component over the term table; ``pairs`` and
``candidates`` carry each weighted component in its own column, so every score explains
itself.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np

from revmentor_nb.matching.block import Block
from revmentor_nb.matching.config import TermSpec
from revmentor_nb.matching.people import People
from revmentor_nb.matching.rules import gap_values

Component = Callable[[Block], np.ndarray]


@dataclass(frozen=True)
class Term:
    """A compiled score term: its spec and a vectorised component."""

    spec: TermSpec
    component: Component

    @property
    def name(self) -> str:
        """Column name of this term in pairs/candidates."""
        return self.spec.name

    def points(self, block: Block) -> np.ndarray:
        """weight x component (float64, the block's shape)."""
        return self.spec.weight * np.broadcast_to(self.component(block), block.shape)


def _sides(spec: TermSpec) -> tuple[str, str]:
    return spec.giver, ("mentee" if spec.giver == "mentor" else "mentor")


def _cols(spec: TermSpec) -> tuple[str, str]:
    """(mentor column, mentee column) of a two-list term."""
    g, lc = spec.giver_column or "", spec.learner_column or ""
    return (g, lc) if spec.giver == "mentor" else (lc, g)


def _opt_in(spec: TermSpec, people: People) -> Callable[[Block, np.ndarray], np.ndarray]:
    if not spec.opt_in:
        return lambda b, v: v
    flag = people.bools(spec.opt_in, default=False)
    learner = _sides(spec)[1]
    return lambda b, v: v * b.side(flag, learner)


def _coverage(spec: TermSpec, people: People) -> Component:
    giver, learner = _sides(spec)
    mcol, ecol = _cols(spec)
    fw = spec.first_weight - 1.0
    opt = _opt_in(spec, people)

    def comp(b: Block) -> np.ndarray:
        inter = b.shared(mcol, ecol)
        n = b.size(spec.learner_column or "", learner)
        num = inter + fw * b.first_in(giver, spec.giver_column or "", spec.learner_column or "") if fw else inter
        den = n + fw * (n > 0)
        with np.errstate(invalid="ignore", divide="ignore"):
            v = np.where(den > 0, num / np.where(den > 0, den, 1.0), 0.0)
        return opt(b, v)

    return comp


def _jaccard(spec: TermSpec, people: People) -> Component:
    mcol, ecol = _cols(spec)
    opt = _opt_in(spec, people)

    def comp(b: Block) -> np.ndarray:
        inter = b.shared(mcol, ecol)
        union = b.size(mcol, "mentor") + b.size(ecol, "mentee") - inter
        with np.errstate(invalid="ignore", divide="ignore"):
            v = np.where(union > 0, inter / np.where(union > 0, union, 1.0), 0.0)
        return opt(b, v)

    return comp


def _same(spec: TermSpec, people: People) -> Component:
    codes = people.codes(spec.column or "")
    opt = _opt_in(spec, people)

    def comp(b: Block) -> np.ndarray:
        cm, ce = b.m(codes), b.e(codes)
        return opt(b, ((cm == ce) & (cm >= 0)).astype(np.float64))

    return comp


def _overlap(spec: TermSpec, people: People) -> Component:
    mcol, ecol = _cols(spec)
    opt = _opt_in(spec, people)

    def comp(b: Block) -> np.ndarray:
        inter = b.shared(mcol, ecol)
        v = (inter > 0).astype(np.float64) if spec.once else np.minimum(inter, spec.cap or np.inf)
        return opt(b, v)

    return comp


def _gap_points(spec: TermSpec, people: People) -> Component:
    values = people.numbers(spec.column or "")
    keys = np.array(sorted(spec.points), dtype=np.float64)
    pts = np.array([spec.points[int(k)] for k in keys], dtype=np.float64)
    opt = _opt_in(spec, people)

    def comp(b: Block) -> np.ndarray:
        d = gap_values(b, values, spec.direction)
        out = np.zeros(np.shape(d), dtype=np.float64)
        for k, p in zip(keys, pts):
            out = np.where(d == k, p, out)
        return opt(b, out)

    return comp


COMPILERS: dict[str, Callable[[TermSpec, People], Component]] = {
    "coverage": _coverage,
    "jaccard": _jaccard,
    "same": _same,
    "overlap": _overlap,
    "gap_points": _gap_points,
}


def compile_terms(specs: list[TermSpec], people: People) -> list[Term]:
    """The term table compiled against these people, in table order."""
    return [Term(s, COMPILERS[s.kind](s, people)) for s in specs]


def score(terms: list[Term], block: Block) -> np.ndarray:
    """Sum of the weighted components (float64, the block's shape)."""
    total = np.zeros(block.shape, dtype=np.float64)
    for t in terms:
        total = total + t.points(block)
    return total
