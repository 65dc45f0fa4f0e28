"""The model's certified solve: the fastest exact path for its shape, with a bound (the model is in ``model``)."""
from __future__ import annotations

import os
import re
import tempfile
import time

import numpy as np
import scipy.sparse as sp

from revmentor_nb.matching.assignment import is_assignment, solve_assignment
from revmentor_nb.matching.flow import is_network, solve_flow
from revmentor_nb.matching.lp import LPInfeasible
from revmentor_nb.matching.lp import engine as lp_engine
from revmentor_nb.matching.lp import highspy as lp_highspy
from revmentor_nb.matching.model import (
    ALL_COLUMNS_BELOW,
    INT_TOL,
    Columns,
    LinearModel,
    Solution,
    SolveError,
)


def _price_all(model: LinearModel, pi: np.ndarray, cols: Columns | None = None,
               dead: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Candidate indices and their reduced costs under ``pi`` (-inf for the ``dead`` ones: not usable)."""
    if cols is None:
        cols = Columns.of(model, np.flatnonzero(model.usable))
    red = model.priced(cols.idx, pi, cols)
    if dead is not None:
        red[dead] = -np.inf
    return cols.idx, red


# ---------------------------------------------------------------------- ILP (PuLP + CBC; HiGHS for the dive)

DIVE_BACKEND = "highs"  # the dive's ILP: "highs" (highspy's branch and cut, in memory) or "cbc" (PuLP's CBC)


def _cbc_solver(pulp, **options):  # noqa: ANN001, ANN003, ANN202
    """CBC through PuLP: a system CBC if installed, else the binary bundled with PuLP."""
    bundled = getattr(getattr(pulp.apis, "coin_api", None), "pulp_cbc_path", None)
    cmd = pulp.COIN_CMD(**options)
    if not cmd.available() and bundled and os.path.exists(bundled):
        cmd = pulp.COIN_CMD(path=bundled, **options)
    return cmd


def _dive_ilp(model: LinearModel, idx: np.ndarray, time_limit: float | None, threads: int,
              gap: float) -> tuple[np.ndarray, np.ndarray, str, float | None]:
    """The dive's small ILP: HiGHS' MIP in memory when installed (milliseconds), else CBC.

    CBC through PuLP writes the model to a file and starts a process (about half a second even
    for 150 pairs). The full ILP stays with CBC, whose heuristics found good solutions of the
    large fairness ILP (bench_scale ``strict``) sooner than HiGHS' did.
    """
    if DIVE_BACKEND == "highs" and lp_highspy is not None:
        return _highs_mip(model, idx, time_limit, threads, None, gap)
    return _cbc(model, idx, time_limit, threads, None, gap=gap)


def _dive_name() -> str:
    return "HiGHS' MIP" if DIVE_BACKEND == "highs" and lp_highspy is not None else "CBC"


def _highs_mip(model: LinearModel, idx: np.ndarray, time_limit: float | None, threads: int,
               start: np.ndarray | None, gap: float = 0.0) -> tuple[np.ndarray, np.ndarray, str, float | None]:
    """The ILP on columns ``idx`` (+ aux) by HiGHS' branch and cut; ``start`` (0/1 per column) is its first incumbent.

    The start is completed by HiGHS (auxiliaries solved for with the pairs fixed), so a
    time-limited solve still returns at least that solution with HiGHS' bound.
    """
    from revmentor_nb.matching.lp import _new_highs, highs_model

    hs = lp_highspy
    A, rhs, eq = model.matrix(idx)
    A = A.tocsc()
    n, n_aux = len(idx), len(model.aux_lb)
    lp = highs_model(A, -np.concatenate([model.value[idx], np.asarray(model.aux_obj, dtype=float)]),
                     np.concatenate([np.zeros(n), np.asarray(model.aux_lb, dtype=float)]),
                     np.concatenate([np.ones(n), np.asarray(model.aux_ub, dtype=float)]), eq, rhs)
    lp.integrality_ = [hs.HighsVarType.kInteger] * n + [hs.HighsVarType.kContinuous] * n_aux
    h = _new_highs()
    h.passModel(lp)
    h.setOptionValue("threads", int(threads))
    h.setOptionValue("mip_rel_gap", float(gap))
    h.setOptionValue("mip_abs_gap", 0.0)
    if time_limit is not None:
        h.setOptionValue("time_limit", float(time_limit))
    if start is not None and n:
        h.setSolution(n, np.arange(n, dtype=np.int32), np.asarray(start, dtype=np.float64))
    h.run()
    status = h.getModelStatus()
    S = hs.HighsModelStatus
    if status == S.kInfeasible:
        raise SolveError("the constraints cannot all be met")
    if status == S.kModelEmpty:  # no rows or no columns: CBC (through PuLP) answers the trivial case
        return _cbc(model, idx, time_limit, threads, start, gap)
    info = h.getInfo()
    if int(info.primal_solution_status) != int(hs.SolutionStatus.kSolutionStatusFeasible):  # no solution found
        raise SolveError(f"no solution found ({h.modelStatusToString(status)})")
    col = np.asarray(h.getSolution().col_value)
    x = np.rint(col[:n])
    bound = -float(info.mip_dual_bound) if np.isfinite(info.mip_dual_bound) else None
    return x, col[n:], ("optimal" if status == S.kOptimal else "time_limit"), bound


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
    ys = [new_var(f"y{a}", lowBound=None if np.isinf(lo) else float(lo), upBound=None if np.isinf(hi) else float(hi))
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
          max_rounds: int = 30, mip_gap: float = 1e-5, warm: object = None, method: str = "auto",
          warm_pairs: np.ndarray | None = None, start: object = None) -> Solution:
    """The model's optimum over all usable candidates, with its certificate (see module doc).

    ``method``: "auto" solves a bare assignment (mentees once, no tiers, no side rows) by the
    pooled assignment of ``matching.assignment``, any other pure network model (capacities and
    tiers) as a min-cost flow when OR-tools is installed, everything else by LP column
    generation (+ CBC); "assignment", "flow" and "lp" force a path (a model that is not of
    that shape falls through to the next). ``warm_pairs``: an earlier solution's pairs, a
    hint for the assignment path's first pool; ``start``: the LP engine of an earlier solve
    of a same-shaped model (another trade-off point, a lock or a forbid), re-based onto this
    one so column generation starts from its columns and basis. Neither changes the answer
    or its certificate, only the time to reach it.
    """
    t0 = time.perf_counter()
    secs: dict[str, float] = {}
    usable = np.flatnonzero(model.usable)
    n_aux = len(model.aux_lb)
    if len(usable) == 0 and n_aux == 0:
        return Solution(np.zeros(0, np.int64), np.zeros(0), 0.0, 0.0, "optimal", "empty",
                        "no candidate pair is left to choose", seconds={"lp": 0.0})
    if method in ("auto", "assignment") and is_assignment(model):  # mentees once, no tiers: pooled assignment
        sol = solve_assignment(model, pool, warm=warm_pairs)
        if sol is not None:
            return sol
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
    # nearly every pair usable (locks, forbidden pairs): price the graph's own arrays and mask the rest,
    # instead of gathering copies of millions of columns
    dead = None
    if len(usable) >= 0.9 * len(model.value) and len(usable) < len(model.value):
        dead = np.flatnonzero(~model.usable)
        cols = Columns.of(model, np.arange(len(model.value)))
    else:
        cols = Columns.of(model, usable)
    try:
        if warm is not None:  # the previous stage's LP, extended with this model's extra rows
            eng = warm.extend(model)
            in_pool[:] = False
            in_pool[eng.idx] = True
        elif start is not None and start.fits(model):  # an earlier same-shaped LP: new costs and bounds
            eng = start.rebase(model)
            in_pool[:] = False
            in_pool[eng.idx] = True
            extra = np.zeros(len(model.value), dtype=bool)
            if warm_pairs is not None:
                extra[warm_pairs] = True
            new = np.flatnonzero(extra & model.usable & ~in_pool)
            in_pool &= model.usable
            if len(new):
                eng.add(new)
                in_pool[new] = True
        else:
            eng = lp_engine(model, np.flatnonzero(in_pool), threads)
        while True:
            rounds += 1
            lp = eng.solve()
            cand, red = _price_all(model, lp.pi, cols, dead)
            viol = red > tol
            viol &= ~(in_pool if len(cand) == len(in_pool) else in_pool[cand])  # all columns: cand is 0..n-1
            add = _best_per_person(cols, viol, red) if rounds < max_rounds else cand[viol]
            if len(add) == 0:
                break
            eng.add(add)
            in_pool[add] = True
    except LPInfeasible as exc:
        raise SolveError(str(exc)) from None
    idx = eng.idx
    if dead is not None:  # from here on: the usable pairs only
        cand, red = usable, red[usable]
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
                        {**secs, "total": time.perf_counter() - t0}, np.sort(idx), eng, np.asarray(lp.pi))
    # ---- ILP with reduced-cost fixing
    t1 = time.perf_counter()
    tau = min(mip_gap * abs(D), 1e-4 * scale)
    support = idx[lp.x > INT_TOL]
    # the dive is a heuristic: a quarter of the time limit, and a solution it finds starts the full ILP
    dive = _dive(model, idx, lp.x, cand, red, tau, None if time_limit is None else time_limit / 4, threads,
                 mip_gap, lp_bound)
    start_set = np.zeros(0, dtype=np.int64)
    if dive is not None and dive[3] > mip_gap:
        start_set = dive[0]
        dive = None
    if dive is not None:  # rounding the few fractional pairs already meets the gap to the LP bound
        chosen, aux, z, gap, n_free = dive
        secs["ilp"] = time.perf_counter() - t1
        cert = (f"LP bound {lp_bound:.6f} over all {len(cand):,} usable pairs; the LP's integral pairs kept and {_dive_name()} "
                f"settling the {n_free:,} pairs around its fractional ones found {z:.6f}; gap {gap:.2e} <= mip_gap "
                f"{mip_gap:g}")
        return Solution(chosen, aux, z, lp_bound, "optimal", "ilp-cbc" if _dive_name() == "CBC" else "ilp-highs", cert,
                        rounds, n_lp, n_free,
                        {**secs, "total": time.perf_counter() - t0}, np.sort(idx), eng)
    have = False  # an attempt has returned a solution
    for attempt in range(4):
        remaining = None if time_limit is None else time_limit - (time.perf_counter() - t1)  # the ILP phase's budget
        if remaining is not None and remaining < 1.0:
            if have:  # out of time after a restricted attempt: its answer, with the gap to the LP bound
                status = "time_limit"
                break
            remaining = 1.0
        keep = np.zeros(len(model.value), dtype=bool)
        if attempt > 0:  # first try the LP's support alone: near-integral LPs round within the gap
            keep[cand[red >= -tau]] = True
        keep[support] = True
        q = np.flatnonzero(keep)
        start = np.isin(q, start_set).astype(float) if len(start_set) else None
        try:
            x, aux, status, cbc_bound = _cbc(model, q, remaining, threads, start, gap=mip_gap)
        except SolveError:
            if len(q) >= len(cand):  # every usable pair was there: truly infeasible
                raise
            tau = np.inf  # a restricted column set may admit no integer point (e.g. a pairs floor): widen to all
            continue
        chosen = q[x > 0.5]
        have = True
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
    """Keep the LP's integral pairs, let the ILP solver settle the people around its fractional ones.

    A heuristic for the solution only: it is accepted when its value is within ``mip_gap``
    of the LP bound (which covers every candidate), so the certificate is unchanged; otherwise
    (gap returned as found, or inf) its pairs start the full ILP.
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
        xq, aux, status, _ = _dive_ilp(sub, q, time_limit, threads, mip_gap)
    except SolveError:
        return None
    chosen = np.union1d(keep_ones, q[xq > 0.5])
    z = float(model.value[chosen].sum() + np.dot(model.aux_obj, aux))
    gap = (lp_bound - z) / max(abs(lp_bound), 1e-12)
    return chosen, aux, z, gap, len(q)  # within mip_gap of the LP bound: optimal whatever the sub-ILP's status


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
