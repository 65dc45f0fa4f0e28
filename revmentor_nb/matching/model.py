"""The matching ILP built from arrays, and its certified solve.

Model of record (maximise):  sum_j value_j x_j + sum_a obj_a y_a
  x_j in {0,1} per usable candidate pair j, y_a continuous auxiliaries (fairness), subject
  to linear rows (capacity, one mentor per mentee, side constraints) given as *incidence
  maps*: vectorised functions from candidate columns to (row, coefficient). The same maps
  build the sparse matrix of any column subset and price every column left out.

How the optimum is reached (``solve``):
1. LP relaxation on a pool of columns (each mentee's best few), solved by HiGHS
   (scipy.optimize.linprog). Its duals price *every* usable candidate; columns with
   positive reduced cost join the pool and the LP is re-solved, until none is left. The
   LP optimum D is then the LP optimum over all candidates (dual feasibility certificate).
2. If the LP solution is integral it is optimal for the ILP (bound = D, gap 0). Without
   side constraints the model is a bipartite b-matching, whose LP is integral: this is
   the fast path.
3. Otherwise, reduced-cost fixing: any solution using column j is worth at most D + r_j
   (r_j <= 0 its reduced cost). CBC (through PuLP) solves the ILP on the columns with
   r_j >= -tau; if its optimum z >= D - tau, every column left out is proven useless and z
   is the optimum over all candidates; else tau widens to D - z and CBC runs once more,
   which is then certified.
"""
from __future__ import annotations

import os
import re
import tempfile
import time
from dataclasses import dataclass, field
from typing import Callable

import numpy as np
import scipy.sparse as sp

from .candidates import CandidateGraph
from .lp import LPInfeasible
from .lp import engine as lp_engine

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
        out = c.value.copy()
        pi_ext = np.r_[pi, 0.0]  # row -1 -> dual 0
        for pm in self.person_maps:
            d = pi_ext[pm.rows]  # dual of each person's row (0 when none)
            who = c.m if pm.side == "mentor" else c.e
            if pm.c1:
                out += d[who] * (pm.c0 + pm.c1 * c.score)
            elif pm.c0 == 1.0:
                out += d[who]
            else:
                out += pm.c0 * d[who]
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
        return cls(idx, g.m[idx], g.e[idx], g.score[idx], model.value[idx])


@dataclass
class Solution:
    """What the solver found, and the proof it is optimal (or how far it may be off)."""

    chosen: np.ndarray  # candidate indices set to 1 (locks not included)
    aux: np.ndarray  # values of the auxiliary columns
    value: float  # model objective of the free part (value x + aux obj)
    bound: float  # upper bound on the model objective over all candidates
    status: str  # "optimal" or "time_limit"
    method: str  # "lp" (integral LP, fast path), "ilp-cbc", "empty"
    certificate: str
    lp_rounds: int = 0
    lp_columns: int = 0
    ilp_columns: int = 0
    seconds: dict[str, float] = field(default_factory=dict)


# ---------------------------------------------------------------------- LP


def _price_all(model: LinearModel, pi: np.ndarray, cols: Columns | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Usable candidate indices and their reduced costs under ``pi``."""
    if cols is None:
        cols = Columns.of(model, np.flatnonzero(model.usable))
    return cols.idx, model.priced(cols.idx, pi, cols)


# ---------------------------------------------------------------------- ILP (PuLP + CBC)


def _cbc(model: LinearModel, idx: np.ndarray, time_limit: float | None, threads: int,
         start: np.ndarray | None) -> tuple[np.ndarray, np.ndarray, str, float | None]:
    """Solve the ILP on columns ``idx`` (+ aux) with PuLP's CBC; (x, aux, status, cbc bound or None)."""
    import pulp

    A, rhs, eq = model.matrix(idx)
    A = A.tocsr()
    n = len(idx)
    prob = pulp.LpProblem("revmentor_match", pulp.LpMaximize)
    xs = [pulp.LpVariable(f"x{j}", cat=pulp.LpBinary) for j in range(n)]
    ys = [pulp.LpVariable(f"y{a}", lowBound=lo, upBound=None if np.isinf(hi) else hi)
          for a, (lo, hi) in enumerate(zip(model.aux_lb, model.aux_ub))]
    allv = xs + ys
    obj = np.concatenate([model.value[idx], np.asarray(model.aux_obj, dtype=float)])
    prob += pulp.LpAffineExpression([(allv[k], float(obj[k])) for k in range(len(allv)) if obj[k] != 0])
    for i in range(A.shape[0]):
        lo, hi = A.indptr[i], A.indptr[i + 1]
        if lo == hi:
            continue
        expr = pulp.LpAffineExpression([(allv[k], float(v)) for k, v in zip(A.indices[lo:hi], A.data[lo:hi])])
        prob += (expr == float(rhs[i])) if eq[i] else (expr <= float(rhs[i])), f"r{i}"
    if start is not None:
        for k, v in enumerate(start):
            xs[k].setInitialValue(float(v))
    with tempfile.TemporaryDirectory() as tmp:
        log = os.path.join(tmp, "cbc.log")
        solver = pulp.PULP_CBC_CMD(msg=False, timeLimit=time_limit, threads=threads, gapRel=0.0, gapAbs=0.0,
                                   logPath=log, warmStart=start is not None)
        prob.solve(solver)
        text = open(log, encoding="utf-8", errors="replace").read() if os.path.exists(log) else ""
    st = pulp.LpStatus.get(prob.status, "Undefined")
    if st == "Infeasible":
        raise SolveError("the constraints cannot all be met")
    x = np.array([v.value() or 0.0 for v in xs]) if n else np.zeros(0)
    y = np.array([v.value() or 0.0 for v in ys])
    optimal = "Result - Optimal solution found" in text or (st == "Optimal" and "Stopped" not in text)
    bound = None
    mb = re.search(r"Lower bound:\s+(-?[\d.eE+]+)", text)
    if mb:
        bound = abs(float(mb.group(1)))  # CBC minimises -objective internally
    if st != "Optimal" and prob.sol_status not in (1, 2):
        raise SolveError(f"CBC found no solution ({st}) within the time limit")
    return x, y, ("optimal" if optimal else "time_limit"), bound


# ---------------------------------------------------------------------- the certified solve


def solve(model: LinearModel, pool: np.ndarray, *, time_limit: float | None = None, threads: int = 1,
          max_rounds: int = 12) -> Solution:
    """The model's optimum over all usable candidates, with its certificate (see module doc)."""
    t0 = time.perf_counter()
    secs: dict[str, float] = {}
    usable = np.flatnonzero(model.usable)
    n_aux = len(model.aux_lb)
    if len(usable) == 0 and n_aux == 0:
        return Solution(np.zeros(0, np.int64), np.zeros(0), 0.0, 0.0, "optimal", "empty",
                        "no candidate pair is left to choose", seconds={"lp": 0.0})
    in_pool = np.zeros(len(model.value), dtype=bool)
    in_pool[pool] = True
    in_pool &= model.usable
    if not in_pool.any() and len(usable):
        in_pool[usable[: min(len(usable), 1000)]] = True
    scale = max(1.0, float(np.max(np.abs(model.value[usable]))) if len(usable) else 1.0)
    tol = 1e-6 * scale
    rounds = 0
    cols = Columns.of(model, usable)
    try:
        eng = lp_engine(model, np.flatnonzero(in_pool), threads)
        while True:
            rounds += 1
            lp = eng.solve()
            cand, red = _price_all(model, lp.pi, cols)
            viol = (red > tol) & ~in_pool[cand]
            add = _best_per_person(cols, viol, red) if rounds < max_rounds else cand[viol]
            if len(add) == 0:
                break
            eng.add(add)
            in_pool[add] = True
    except LPInfeasible as exc:
        raise SolveError(str(exc)) from None
    idx = eng.idx
    secs["lp"] = time.perf_counter() - t0
    D = lp.D
    out_mask = ~in_pool[cand]
    pos = np.maximum(red[out_mask], 0.0)
    slack = float(pos.max()) if len(pos) else 0.0
    lp_bound = D + _per_mentee_slack(model, cand[out_mask], pos)
    frac = (lp.x > INT_TOL) & (lp.x < 1 - INT_TOL)
    n_lp = int(in_pool.sum())
    if not frac.any():
        chosen = idx[lp.x > 0.5]
        val = float(model.value[chosen].sum() + np.dot(model.aux_obj, lp.aux)) if n_aux else float(model.value[chosen].sum())
        cert = (f"LP relaxation integral; LP duals price all {len(cand):,} usable pairs "
                f"(max reduced cost outside the {n_lp:,} LP columns: {slack:.1e})")
        return Solution(chosen, lp.aux, val, max(lp_bound, val), "optimal", "lp", cert, rounds, n_lp, 0,
                        {**secs, "total": time.perf_counter() - t0})
    # ---- ILP with reduced-cost fixing
    t1 = time.perf_counter()
    red_pos = np.full(len(model.value), -np.inf)
    red_pos[cand] = red
    tau = 1e-4 * scale
    support = idx[lp.x > INT_TOL]
    status, cbc_bound = "optimal", None
    for attempt in range(2):
        keep = np.zeros(len(model.value), dtype=bool)
        keep[cand[red >= -tau]] = True
        keep[support] = True
        q = np.flatnonzero(keep)
        remaining = None if time_limit is None else max(1.0, time_limit - (time.perf_counter() - t0))
        x, aux, status, cbc_bound = _cbc(model, q, remaining, threads, None)
        chosen = q[x > 0.5]
        z = float(model.value[chosen].sum() + np.dot(model.aux_obj, aux))
        if z >= D - tau - 1e-9 * scale or status != "optimal":
            break
        tau = (D - z) * (1 + 1e-6) + 1e-9 * scale
    secs["ilp"] = time.perf_counter() - t1
    excluded = ~keep[cand]
    best_out = float(red[excluded].max()) if excluded.any() else -np.inf
    worth_out = D + best_out  # no solution using a left-out pair is worth more
    if status == "optimal":
        certified = worth_out <= z + 1e-9 * scale
        bound = z if certified else min(lp_bound, max(z, worth_out))
        status = "optimal" if certified else "feasible"
        cert = (f"LP bound {D:.6f} over all {len(cand):,} usable pairs; CBC optimal on the {len(q):,} pairs with "
                f"reduced cost >= -{tau:.3g}; any solution using another pair is worth at most "
                f"{worth_out:.6f} {'<=' if certified else '>'} {z:.6f}")
    else:
        inner = cbc_bound if cbc_bound is not None else D
        bound = min(lp_bound, max(inner, worth_out, z))
        cert = f"CBC stopped at the time limit on {len(q):,} pairs; bound from CBC and the LP reduced costs"
    return Solution(chosen, aux, z, bound, status, "ilp-cbc", cert, rounds, n_lp, len(q),
                    {**secs, "total": time.perf_counter() - t0})


def _best_per_person(cols: Columns, viol: np.ndarray, red: np.ndarray) -> np.ndarray:
    """Partial pricing: of the violating columns, each mentee's best and each mentor's best."""
    sel = np.flatnonzero(viol)
    if len(sel) == 0:
        return sel
    r = red[sel]
    keep = np.zeros(len(sel), dtype=bool)
    for who in (cols.e[sel], cols.m[sel]):
        best = np.full(int(who.max()) + 1, -np.inf)
        np.maximum.at(best, who, r)
        keep |= r >= best[who]
    return cols.idx[sel[keep]]


def _per_mentee_slack(model: LinearModel, idx: np.ndarray, pos: np.ndarray) -> float:
    """Sum over mentees of the largest positive reduced cost left out (each mentee takes one pair)."""
    if len(idx) == 0 or not np.any(pos > 0):
        return 0.0
    sel = pos > 0
    e = model.graph.e[idx[sel]]
    best = np.zeros(model.graph.people.n)
    np.maximum.at(best, e, pos[sel])
    return float(best.sum())
