"""The matching ILP built from arrays: its rows, columns and solution types (solved by ``matching.solve``).


Model of record (maximise):  sum_j value_j x_j + sum_a obj_a y_a
  x_j in {0,1} per usable candidate pair j, y_a continuous auxiliaries (fairness), subject
  to linear rows (capacity, one mentor per mentee, side constraints) given as *incidence
  maps*: vectorised functions from candidate columns to (row, coefficient). The same maps
  build the sparse matrix of any column subset and price every column left out.

How the optimum is reached (``solve``):
1. LP relaxation on a pool of columns (each mentee's best few), solved by HiGHS (highspy,
   warm-started as columns are added; scipy's linprog without it). Its duals price *every*
   usable candidate; each mentee's and each mentor's best column with positive reduced cost
   joins the pool and the LP is re-solved, until none is left (tolerance 1e-6 x the largest
   pair value). The LP optimum D is then the LP optimum over all candidates: the duals are
   feasible for every column (certificate); any slack within the tolerance is added to the
   bound (each mentee's largest positive reduced cost).
2. If the LP solution is integral it is optimal for the ILP (bound = D). Without 'either'
   people and side constraints the model is a bipartite b-matching, whose LP is integral:
   this is the fast path.
3. Otherwise the bound stays D (it covers every candidate) and the ILP is solved on few
   columns: first the LP's integral pairs are kept and HiGHS' MIP (in memory; CBC without
   highspy) settles the people around its fractional pairs, within a quarter of the time
   limit; if that is within ``mip_gap`` (default 1e-5) of D it is the answer, else its pairs
   start CBC (through PuLP). Reduced-cost fixing: a solution using column j is worth at most
   D + r_j, so CBC solves on the columns with r_j >= -tau, the bound is max(CBC's bound on
   those columns, D + the best reduced cost left out), and tau widens to D - z if needed
   while the ILP phase's time limit lasts (then: the last answer, status "time_limit").
Status "optimal" means the relative gap to that bound is within ``mip_gap``.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Callable

import numpy as np
import scipy.sparse as sp

if TYPE_CHECKING:
    from revmentor_nb.matching.candidates import CandidateGraph

IncidenceMap = Callable[[np.ndarray, np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]


@dataclass(frozen=True)
class PersonMap:
    """Rows indexed by one person of the pair: column j enters row ``rows[person_j]`` (if >= 0)
    with coefficient c0 + c1 * score_j. Priced with two gathers per candidate."""

    side: str  # "mentor" or "mentee"
    rows: np.ndarray  # (n_people,) int64, -1 = no row
    c0: float = 1.0
    c1: float = 0.0


INT_TOL = 1e-6
ALL_COLUMNS_BELOW = 5_000  # below this many usable candidates the first LP takes them all


class SolveError(RuntimeError):
    """The model has no feasible solution (only possible with hard side constraints)."""


@dataclass
class LinearModel:
    """Rows and auxiliary columns over the candidate columns of a graph."""

    graph: CandidateGraph
    value: np.ndarray  # objective coefficient per candidate (maximise)
    usable: np.ndarray  # bool per candidate: may be chosen
    fixed: np.ndarray  # candidate indices fixed to 1 (locks)
    rhs: list[float] = field(default_factory=list)
    eq: list[bool] = field(default_factory=list)
    maps: list[IncidenceMap] = field(default_factory=list)
    person_maps: list[PersonMap] = field(default_factory=list)
    aux_lb: list[float] = field(default_factory=list)
    aux_ub: list[float] = field(default_factory=list)
    aux_obj: list[float] = field(default_factory=list)
    aux_name: list[str] = field(default_factory=list)
    aux_entries: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = field(default_factory=list)
    side_rows: int = 0  # rows other than capacity / one-per-mentee
    tier_aux: list[int] = field(default_factory=list)  # auxiliaries that are priority tiers (not penalties)
    caps: object = None  # Capacity of the run (set by capacity_rows)
    network_rows: dict[str, np.ndarray] = field(default_factory=dict)  # person rows per side (set by capacity_rows)
    room: object = None  # Capacity left after the locks (set by capacity_rows)

    @property
    def n_rows(self) -> int:
        """Number of rows (excluding pool-dependent rows)."""
        return len(self.rhs)

    def add_rows(self, rhs: np.ndarray, eq: bool = False, side: bool = False) -> int:
        """Append rows with these right-hand sides; returns the first row's index."""
        start = len(self.rhs)
        self.rhs.extend(np.asarray(rhs, dtype=np.float64).tolist())
        self.eq.extend([eq] * len(rhs))
        if side:
            self.side_rows += len(rhs)
        return start

    def add_map(self, fn: IncidenceMap) -> None:
        """Add an incidence map: (mentor rows, mentee rows, scores) -> (global row or -1, coefficient)."""
        self.maps.append(fn)

    def add_person_map(self, side: str, rows: np.ndarray, c0: float = 1.0, c1: float = 0.0) -> None:
        """Add rows keyed by the mentor ('mentor') or the mentee ('mentee') of each pair."""
        self.person_maps.append(PersonMap(side, np.asarray(rows, dtype=np.int64), float(c0), float(c1)))

    def add_aux(self, lb: np.ndarray, ub: np.ndarray, obj: np.ndarray, names: list[str],
                rows: np.ndarray, cols: np.ndarray, coefs: np.ndarray) -> int:
        """Append auxiliary columns (``cols`` local to this call); returns the first aux index."""
        start = len(self.aux_lb)
        self.aux_lb.extend(np.asarray(lb, dtype=float).tolist())
        self.aux_ub.extend(np.asarray(ub, dtype=float).tolist())
        self.aux_obj.extend(np.asarray(obj, dtype=float).tolist())
        self.aux_name.extend(names)
        self.aux_entries.append((np.asarray(rows, np.int64), np.asarray(cols, np.int64) + start,
                                 np.asarray(coefs, np.float64)))
        return start

    # ------------------------------------------------------------------ arrays

    def entries(self, idx: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(row, local column, coefficient) of the candidate columns ``idx`` in every map."""
        g = self.graph
        m, e, s = g.m[idx], g.e[idx], g.score[idx]
        rs, cs, vs = [], [], []
        local = np.arange(len(idx), dtype=np.int64)
        for pm in self.person_maps:
            r = pm.rows[m if pm.side == "mentor" else e]
            ok = r >= 0
            rs.append(r[ok])
            cs.append(local[ok])
            vs.append((pm.c0 + pm.c1 * s[ok]) if pm.c1 else np.full(int(ok.sum()), pm.c0))
        for fn in self.maps:
            r, c = fn(m, e, s)
            ok = r >= 0
            rs.append(r[ok])
            cs.append(local[ok] if r.shape == local.shape else np.broadcast_to(local, r.shape)[ok])
            vs.append(np.broadcast_to(c, r.shape)[ok])
        cat = lambda xs, dt: np.concatenate(xs).astype(dt) if xs else np.zeros(0, dt)  # noqa: E731
        return cat(rs, np.int64), cat(cs, np.int64), cat(vs, np.float64)

    def priced(self, idx: np.ndarray, pi: np.ndarray, cols: "Columns | None" = None) -> np.ndarray:
        """Reduced cost (maximisation sense) of candidate columns ``idx`` under row duals ``pi``."""
        c = cols if cols is not None else Columns.of(self, idx)
        pi_ext = np.r_[pi, 0.0]  # row -1 -> dual 0
        n = self.graph.people.n
        const = {"mentor": np.zeros(n), "mentee": np.zeros(n)}  # per-person dual sums, by side
        slope = {"mentor": np.zeros(n), "mentee": np.zeros(n)}  # ... of the score-proportional part
        for pm in self.person_maps:
            d = pi_ext[pm.rows]
            const[pm.side] += pm.c0 * d
            if pm.c1:
                slope[pm.side] += pm.c1 * d
        out = c.value + const["mentor"][c.m]
        out += const["mentee"][c.e]
        for side, who in (("mentor", c.m), ("mentee", c.e)):
            if np.any(slope[side]):
                out += slope[side][who] * c.score
        for fn in self.maps:
            r, coef = fn(c.m, c.e, c.score)
            out += np.where(r >= 0, pi_ext[r] * coef, 0.0)
        return out

    def fixed_rhs(self) -> np.ndarray:
        """Right-hand sides with the fixed (locked) columns moved over."""
        b = np.asarray(self.rhs, dtype=np.float64).copy()
        if len(self.fixed):
            r, _, c = self.entries(self.fixed)
            np.add.at(b, r, -c)
        return b

    def matrix(self, idx: np.ndarray) -> tuple[sp.csc_matrix, np.ndarray, np.ndarray]:
        """Sparse matrix [candidate columns idx | aux] with its right-hand sides and equality flags."""
        r, c, v = self.entries(idx)
        ar = [a[0] for a in self.aux_entries]
        ac = [a[1] + len(idx) for a in self.aux_entries]
        av = [a[2] for a in self.aux_entries]
        rows = np.concatenate([r, *ar])
        cols = np.concatenate([c, *ac])
        vals = np.concatenate([v, *av])
        A = sp.csc_matrix((vals, (rows, cols)), shape=(self.n_rows, len(idx) + len(self.aux_lb)))
        return A, self.fixed_rhs(), np.asarray(self.eq, dtype=bool)


@dataclass
class Columns:
    """Gathered arrays of a set of candidate columns (reused by every pricing round)."""

    idx: np.ndarray
    m: np.ndarray
    e: np.ndarray
    score: np.ndarray
    value: np.ndarray

    @classmethod
    def of(cls, model: LinearModel, idx: np.ndarray) -> "Columns":
        """The columns ``idx`` of ``model``."""
        g = model.graph
        if len(idx) == g.n:  # every candidate (idx is sorted and unique, so it is 0..n-1): views, no copies
            return cls(idx, g.m, g.e, g.score, model.value)
        return cls(idx, g.m[idx], g.e[idx], g.score[idx], model.value[idx])

    def subset(self, pos: np.ndarray) -> "Columns":
        """The columns at positions ``pos`` of this set."""
        return Columns(self.idx[pos], self.m[pos], self.e[pos], self.score[pos], self.value[pos])


@dataclass
class Solution:
    """What the solver found, and the proof it is optimal (or how far it may be off)."""

    chosen: np.ndarray  # candidate indices set to 1 (locks not included)
    aux: np.ndarray  # values of the auxiliary columns
    value: float  # model objective of the free part (value x + aux obj)
    bound: float  # upper bound on the model objective over all candidates
    status: str  # "optimal" or "time_limit"
    method: str  # "assignment", "flow", "lp" (integral LP), "ilp-highs" (the dive), "ilp-cbc", "empty"
    certificate: str
    lp_rounds: int = 0
    lp_columns: int = 0
    ilp_columns: int = 0
    seconds: dict[str, float] = field(default_factory=dict)
    pool: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))  # the LP's final columns
    engine: object = field(default=None, repr=False)  # the LP engine, to warm-start a follow-up solve
    duals: np.ndarray | None = field(default=None, repr=False)  # the final LP's row duals (LP path), to price pairs


# ---------------------------------------------------------------------- LP
