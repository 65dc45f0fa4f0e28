"""The matching ILP built from arrays, and its certified solve.

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
3. Otherwise the bound stays D (it covers every candidate) and the ILP is solved by CBC
   through PuLP on few columns: first the LP's integral pairs are kept and CBC settles the
   people around its fractional pairs; if that is within ``mip_gap`` (default 1e-5) of D it
   is the answer. Else reduced-cost fixing: a solution using column j is worth at most
   D + r_j, so CBC solves on the columns with r_j >= -tau, the bound is max(CBC's bound on
   those columns, D + the best reduced cost left out), and tau widens to D - z if needed.
Status "optimal" means the relative gap to that bound is within ``mip_gap``.
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
from .flow import is_network, solve_flow
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
    pool: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))  # the LP's final columns
    engine: object = field(default=None, repr=False)  # the LP engine, to warm-start a follow-up solve


# ---------------------------------------------------------------------- LP


def _price_all(model: LinearModel, pi: np.ndarray, cols: Columns | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Usable candidate indices and their reduced costs under ``pi``."""
    if cols is None:
        cols = Columns.of(model, np.flatnonzero(model.usable))
    return cols.idx, model.priced(cols.idx, pi, cols)


# ---------------------------------------------------------------------- ILP (PuLP + CBC)


def _cbc_solver(pulp, **options):  # noqa: ANN001, ANN003, ANN202
    """CBC through PuLP: a system CBC if installed, else the binary bundled with PuLP."""
    bundled = getattr(getattr(pulp.apis, "coin_api", None), "pulp_cbc_path", None)
    cmd = pulp.COIN_CMD(**options)
    if not cmd.available() and bundled and os.path.exists(bundled):
        cmd = pulp.COIN_CMD(path=bundled, **options)
    return cmd


def _cbc(model: LinearModel, idx: np.ndarray, time_limit: float | None, threads: int,
         start: np.ndarray | None, gap: float = 0.0) -> tuple[np.ndarray, np.ndarray, str, float | None]:
    """Solve the ILP on columns ``idx`` (+ aux) with PuLP's CBC; (x, aux, status, cbc bound or None)."""
    import pulp

    A, rhs, eq = model.matrix(idx)
    A = A.tocsr()
    n = len(idx)
    prob = pulp.LpProblem("revmentor_match", pulp.LpMaximize)
    new_var = getattr(prob, "add_variable", None) or pulp.LpVariable  # PuLP >= 3.3 / older
    xs = [new_var(f"x{j}", cat=pulp.LpBinary) for j in range(n)]
    ys = [new_var(f"y{a}", lowBound=float(lo), upBound=None if np.isinf(hi) else float(hi))
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
        solver = _cbc_solver(pulp, msg=False, timeLimit=time_limit, threads=threads, gapRel=gap, gapAbs=0.0,
                             logPath=log, warmStart=start is not None, cuts=False)
        try:
            prob.solve(solver)
        except (pulp.PulpSolverError, OSError):  # CBC missing or crashed: HiGHS (scipy) solves the same ILP
            return _milp(model, idx, A, rhs, eq, time_limit, gap)
        text = open(log, encoding="utf-8", errors="replace").read() if os.path.exists(log) else ""
    st = pulp.LpStatus.get(prob.status, "Undefined")
    if st == "Infeasible":
        raise SolveError("the constraints cannot all be met")
    x = np.array([v.value() or 0.0 for v in xs]) if n else np.zeros(0)
    y = np.array([v.value() or 0.0 for v in ys])
    optimal = "Result - Optimal solution found" in text or (st == "Optimal" and "Stopped" not in text)
    bound = None
    mb = re.search(r"(?:Upper|Lower) bound:\s+(-?[\d.eE+]+)", text)
    if mb:
        bound = abs(float(mb.group(1)))  # CBC minimises -objective internally; the sign is lost
    if st != "Optimal" and prob.sol_status not in (1, 2):
        raise SolveError(f"CBC found no solution ({st}) within the time limit")
    return x, y, ("optimal" if optimal else "time_limit"), bound


def _milp(model: LinearModel, idx: np.ndarray, A: sp.csr_matrix, rhs: np.ndarray, eq: np.ndarray,
          time_limit: float | None, gap: float) -> tuple[np.ndarray, np.ndarray, str, float | None]:
    """The same ILP with scipy's HiGHS MIP (fallback when CBC cannot run)."""
    from scipy.optimize import Bounds, LinearConstraint, milp

    n, n_aux = len(idx), len(model.aux_lb)
    c = -np.concatenate([model.value[idx], np.asarray(model.aux_obj, dtype=float)])
    lo = np.where(eq, rhs, -np.inf)
    opts: dict = {"mip_rel_gap": gap}
    if time_limit is not None:
        opts["time_limit"] = float(time_limit)
    res = milp(c, constraints=[LinearConstraint(A, lo, rhs)], integrality=np.r_[np.ones(n), np.zeros(n_aux)],
               bounds=Bounds(np.r_[np.zeros(n), model.aux_lb], np.r_[np.ones(n), model.aux_ub]), options=opts)
    if res.x is None:
        raise SolveError(f"no solution found ({res.message})")
    bound = -float(res.mip_dual_bound) if getattr(res, "mip_dual_bound", None) is not None else None
    return res.x[:n], res.x[n:], ("optimal" if res.status == 0 else "time_limit"), bound


# ---------------------------------------------------------------------- the certified solve


def solve(model: LinearModel, pool: np.ndarray, *, time_limit: float | None = None, threads: int = 1,
          max_rounds: int = 30, mip_gap: float = 1e-5, warm: object = None, method: str = "auto") -> Solution:
    """The model's optimum over all usable candidates, with its certificate (see module doc).

    ``method``: "auto" solves a pure network model (no side rows) as a min-cost flow when
    OR-tools is installed, everything else by LP column generation (+ CBC); "lp" forces the latter.
    """
    t0 = time.perf_counter()
    secs: dict[str, float] = {}
    usable = np.flatnonzero(model.usable)
    n_aux = len(model.aux_lb)
    if len(usable) == 0 and n_aux == 0:
        return Solution(np.zeros(0, np.int64), np.zeros(0), 0.0, 0.0, "optimal", "empty",
                        "no candidate pair is left to choose", seconds={"lp": 0.0})
    if method != "lp" and is_network(model):  # a bipartite b-matching with tiers: exact min-cost flow
        sol = solve_flow(model)
        if sol is not None:
            return sol
    in_pool = np.zeros(len(model.value), dtype=bool)
    in_pool[pool] = True
    if len(usable) <= ALL_COLUMNS_BELOW:  # small: one LP over every candidate, no pricing rounds
        in_pool[usable] = True
    in_pool &= model.usable
    if not in_pool.any() and len(usable):
        in_pool[usable[: min(len(usable), 1000)]] = True
    scale = max(1.0, float(np.max(np.abs(model.value[usable]))) if len(usable) else 1.0)
    tol = 1e-6 * scale
    rounds = 0
    cols = Columns.of(model, usable)
    try:
        if warm is not None:  # the previous stage's LP, extended with this model's extra rows
            eng = warm.extend(model)
            in_pool[:] = False
            in_pool[eng.idx] = True
        else:
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
                        {**secs, "total": time.perf_counter() - t0}, np.sort(idx), eng)
    # ---- ILP with reduced-cost fixing
    t1 = time.perf_counter()
    tau = min(mip_gap * abs(D), 1e-4 * scale)
    support = idx[lp.x > INT_TOL]
    dive = _dive(model, idx, lp.x, cand, red, tau, time_limit, threads, mip_gap, lp_bound)
    if dive is not None:  # rounding the few fractional pairs already meets the gap to the LP bound
        chosen, aux, z, gap, n_free = dive
        secs["ilp"] = time.perf_counter() - t1
        cert = (f"LP bound {lp_bound:.6f} over all {len(cand):,} usable pairs; the LP's integral pairs kept and CBC "
                f"settling the {n_free:,} pairs around its fractional ones found {z:.6f}; gap {gap:.2e} <= mip_gap "
                f"{mip_gap:g}")
        return Solution(chosen, aux, z, lp_bound, "optimal", "ilp-cbc", cert, rounds, n_lp, n_free,
                        {**secs, "total": time.perf_counter() - t0}, np.sort(idx), eng)
    start_set = np.zeros(0, dtype=np.int64)
    for attempt in range(4):
        keep = np.zeros(len(model.value), dtype=bool)
        if attempt > 0:  # first try the LP's support alone: near-integral LPs round within the gap
            keep[cand[red >= -tau]] = True
        keep[support] = True
        q = np.flatnonzero(keep)
        remaining = None if time_limit is None else max(1.0, time_limit - (time.perf_counter() - t0))
        start = np.isin(q, start_set).astype(float) if len(start_set) else None
        try:
            x, aux, status, cbc_bound = _cbc(model, q, remaining, threads, start, gap=mip_gap)
        except SolveError:
            if len(q) >= len(cand):  # every usable pair was there: truly infeasible
                raise
            tau = np.inf  # a restricted column set may admit no integer point (e.g. a pairs floor): widen to all
            continue
        chosen = q[x > 0.5]
        z = float(model.value[chosen].sum() + np.dot(model.aux_obj, aux))
        excluded = ~keep[cand]
        best_out = float(red[excluded].max()) if excluded.any() else -np.inf
        worth_out = D + best_out  # no solution using a left-out pair is worth more
        inner = cbc_bound if cbc_bound is not None else (z if status == "optimal" else D)
        bound = max(z, min(lp_bound, max(inner, worth_out)))
        gap = (bound - z) / max(abs(bound), 1e-12)
        if gap <= mip_gap or status != "optimal":
            break
        if attempt > 0:
            tau = (D - z) * (1 + 1e-6) + 1e-9 * scale
        start_set = chosen
    secs["ilp"] = time.perf_counter() - t1
    certified = status == "optimal" and gap <= mip_gap
    status = "optimal" if certified else ("time_limit" if status == "time_limit" else "feasible")
    cert = (f"LP bound {D:.6f} over all {len(cand):,} usable pairs; CBC on the {len(q):,} pairs with reduced cost "
            f">= -{tau:.3g} found {z:.6f} (its bound {inner:.6f}); any solution using another pair is worth at most "
            f"{worth_out:.6f}; gap {gap:.2e} {'<=' if certified else '>'} mip_gap {mip_gap:g}")
    return Solution(chosen, aux, z, bound, status, "ilp-cbc", cert, rounds, n_lp, len(q),
                    {**secs, "total": time.perf_counter() - t0}, np.sort(idx), eng)


def _dive(model: LinearModel, idx: np.ndarray, x: np.ndarray, cand: np.ndarray, red: np.ndarray, tau: float,
          time_limit: float | None, threads: int, mip_gap: float, lp_bound: float
          ) -> tuple[np.ndarray, np.ndarray, float, float, int] | None:
    """Keep the LP's integral pairs, let CBC settle the people around its fractional ones.

    A heuristic for the solution only: it is accepted when its value is within ``mip_gap``
    of the LP bound (which covers every candidate), so the certificate is unchanged.
    """
    g = model.graph
    frac = idx[(x > INT_TOL) & (x < 1 - INT_TOL)]
    ones = idx[x >= 1 - INT_TOL]
    if len(frac) == 0 or len(frac) > 2_000:
        return None
    touched = np.zeros(g.people.n, dtype=bool)
    touched[g.m[frac]] = True
    touched[g.e[frac]] = True
    near = cand[(red >= -tau)]
    near = near[touched[g.m[near]] | touched[g.e[near]]]
    free_ones = ones[touched[g.m[ones]] | touched[g.e[ones]]]
    keep_ones = np.setdiff1d(ones, free_ones)
    q = np.union1d(np.union1d(frac, near), free_ones)
    sub = LinearModel(**{**model.__dict__, "fixed": np.union1d(model.fixed, keep_ones)})
    try:
        xq, aux, status, _ = _cbc(sub, q, time_limit, threads, None, gap=mip_gap)
    except SolveError:
        return None
    chosen = np.union1d(keep_ones, q[xq > 0.5])
    z = float(model.value[chosen].sum() + np.dot(model.aux_obj, aux))
    gap = (lp_bound - z) / max(abs(lp_bound), 1e-12)
    if status != "optimal" or gap > mip_gap:
        return None
    return chosen, aux, z, gap, len(q)


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
    """Sum over mentees of (pairs they may still take) x their largest positive reduced cost left out.

    Any LP solution over all columns gains at most sum_j r_j x_j over the left-out columns j, and a
    mentee's columns sum to at most their room, so this bounds the gap between D and the full LP.
    """
    if len(idx) == 0 or not np.any(pos > 0):
        return 0.0
    sel = pos > 0
    e = model.graph.e[idx[sel]]
    best = np.zeros(model.graph.people.n)
    np.maximum.at(best, e, pos[sel])
    room = getattr(model.room, "mentee", None)
    weight = np.maximum(room, 1) if room is not None else 1
    return float(np.sum(best * weight))
