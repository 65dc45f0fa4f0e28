"""The bare assignment (each mentee at most one mentor, mentors with capacities, no tiers, no side rows).

Solved exactly by scipy's sparse LAPJV (``min_weight_full_bipartite_matching``, LAPJVsp):
mentor capacities are expanded into slots, every mentee gets a private dummy column worth
nothing ("unmatched"), so a full matching always exists and the cheapest one is the optimum.
It runs on a *pool* of candidates (each mentee's and each mentor's best few) and is certified
over every usable candidate by a dual solution built from the matching itself:

  prices v_m >= 0 per mentor, u_e >= 0 per mentee with u_e + v_m >= value_em for every pair,
  tight on the chosen pairs, v_m = 0 for a mentor with spare capacity, u_e = 0 for an
  unmatched mentee; then sum(u) + sum(capacity x v) = the objective (LP duality).

The prices are the least fixed point of v_m = max(0, max over unchosen pairs (value_em - u_e)),
u_e = value(e, mate) - v_mate (a longest-path recursion over alternating paths, iterated on
the people whose price moved). Every usable candidate is then priced in numpy; any pair with
positive reduced cost joins the pool and the pool is solved again. When none is left the
dual bound covers every candidate (float slack added to the bound), so "optimal" is proved,
not assumed. Anything that does not certify returns None and the min-cost flow answers.
"""
from __future__ import annotations

import time
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import scipy.sparse as sp

if TYPE_CHECKING:
    from revmentor_nb.matching.model import LinearModel, Solution

ADD_PER_MENTEE = 5  # each pricing round adds each mentee's best few pairs with positive reduced cost
MAX_ROUNDS = 50


@dataclass
class Prices:
    """Dual prices of an assignment: u per mentee, v per mentor (indexed by person row)."""

    u: np.ndarray
    v: np.ndarray


def is_assignment(model: "LinearModel") -> bool:
    """A network model without tiers whose mentees each take at most one mentor."""
    from revmentor_nb.matching.flow import is_network

    if not is_network(model) or len(model.aux_lb):
        return False
    rows = model.network_rows["mentee"]
    rhs = model.fixed_rhs()
    r = rows[rows >= 0]
    return bool(np.all(rhs[r] <= 1.0 + 1e-9))


def capacities(model: "LinearModel") -> tuple[np.ndarray, np.ndarray]:
    """Room per person as mentor and as mentee after the locks (int64, by person row)."""
    rhs = model.fixed_rhs()
    out = []
    for side in ("mentor", "mentee"):
        rows = model.network_rows[side]
        cap = np.zeros(len(rows), dtype=np.int64)
        has = rows >= 0
        cap[has] = np.maximum(np.rint(rhs[rows[has]]), 0).astype(np.int64)
        out.append(cap)
    return out[0], out[1]


def lapjv(m: np.ndarray, e: np.ndarray, w: np.ndarray, cap_m: np.ndarray) -> np.ndarray:
    """Positions of the chosen pairs among (m, e, w) maximising sum w, mentors within cap_m, mentees once.

    scipy's LAPJVsp on mentees x (mentor slots + one dummy per mentee); costs C - w > 0.
    """
    from scipy.sparse.csgraph import min_weight_full_bipartite_matching

    keep = np.flatnonzero((w > 0) & (cap_m[m] > 0))
    if len(keep) == 0:
        return keep
    mk, ek, wk = m[keep], e[keep], w[keep]
    ments, m_pos = np.unique(mk, return_inverse=True)
    mees, e_pos = np.unique(ek, return_inverse=True)
    c = cap_m[ments]
    first = np.r_[0, np.cumsum(c)[:-1]]
    n_slots, n_e = int(c.sum()), len(mees)
    reps = c[m_pos]
    src = np.repeat(np.arange(len(keep)), reps)
    k = np.arange(len(src)) - np.repeat(np.cumsum(reps) - reps, reps)  # slot number within the mentor
    big = float(wk.max()) + 1.0
    rows = np.r_[e_pos[src], np.arange(n_e)]
    cols = np.r_[first[m_pos[src]] + k, n_slots + np.arange(n_e)]
    cost = np.r_[big - wk[src], np.full(n_e, big)]
    A = sp.csr_matrix((cost, (rows, cols)), shape=(n_e, n_slots + n_e))
    A.sum_duplicates()
    r, col = min_weight_full_bipartite_matching(A)
    real = col < n_slots
    r, col = r[real], col[real]
    # which pool pair each (mentee, slot) is: mentor of the slot, mentee of the row
    slot_mentor = np.repeat(np.arange(len(ments)), c)
    key_pool = m_pos.astype(np.int64) * n_e + e_pos
    key_hit = slot_mentor[col].astype(np.int64) * n_e + r
    order = np.argsort(key_pool, kind="stable")
    at = order[np.searchsorted(key_pool[order], key_hit)]
    return keep[at]


def prices(m: np.ndarray, e: np.ndarray, w: np.ndarray, chosen: np.ndarray, n: int) -> Prices | None:
    """The least dual prices that make the chosen pairs tight (see module doc); None if they do not settle.

    (m, e, w) are the pairs (sorted by mentee), ``chosen`` positions among them.
    """
    mate = np.full(n, -1, dtype=np.int64)
    w_mate = np.zeros(n)
    mate[e[chosen]] = m[chosen]
    w_mate[e[chosen]] = w[chosen]
    free = np.ones(len(m), dtype=bool)
    free[chosen] = False
    fm, fe, fw = m[free], e[free], w[free]
    # pairs by mentee (the input order) for the frontier, mentees by their mate for propagation
    starts = np.searchsorted(fe, np.arange(n + 1))
    matched_e = np.flatnonzero(mate >= 0)
    by_mate = matched_e[np.argsort(mate[matched_e], kind="stable")]
    mate_starts = np.searchsorted(mate[by_mate], np.arange(n + 1))
    v = np.zeros(n)
    u = np.where(mate >= 0, w_mate, 0.0)
    frontier = np.unique(fe)
    tol = 1e-12 * max(1.0, float(np.max(np.abs(w), initial=1.0)))
    # a longest-path recursion settles within (mentors + 1) rounds unless a cycle gains: then not optimal
    for _ in range(len(np.unique(m)) + 2):
        if len(frontier) == 0:
            return Prices(np.maximum(u, 0.0), v)
        lo, hi = starts[frontier], starts[frontier + 1]
        cnt = hi - lo
        pos = np.repeat(lo - np.r_[0, np.cumsum(cnt)[:-1]], cnt) + np.arange(int(cnt.sum()))
        cand = fw[pos] - u[fe[pos]]
        new = v.copy()
        np.maximum.at(new, fm[pos], cand)
        moved = np.flatnonzero(new > v + tol)
        if len(moved) == 0:
            return Prices(np.maximum(u, 0.0), v)
        v[moved] = new[moved]
        lo, hi = mate_starts[moved], mate_starts[moved + 1]
        cnt = hi - lo
        idx = np.repeat(lo - np.r_[0, np.cumsum(cnt)[:-1]], cnt) + np.arange(int(cnt.sum()))
        frontier = by_mate[idx]
        u[frontier] = w_mate[frontier] - v[mate[frontier]]
        if np.any(u[frontier] < -tol):  # a mentee would rather be unmatched: not optimal
            return None
    return None


def network(m: np.ndarray, e: np.ndarray, w: np.ndarray, cap_m: np.ndarray) -> np.ndarray | None:
    """The same optimum as ``lapjv`` by OR-tools' min-cost flow (exact on integer costs); None without OR-tools.

    Costs are rounded to integers (2**40 / the largest value): the flow is optimal for the
    rounded values, and the dual prices below certify it for the true ones.
    """
    from revmentor_nb.matching.flow import MAX_ARC_COST, _mcf

    if _mcf is None:
        return None
    keep = np.flatnonzero((w > 0) & (cap_m[m] > 0))
    if len(keep) == 0:
        return keep
    ments, mp = np.unique(m[keep], return_inverse=True)
    mees, ep = np.unique(e[keep], return_inverse=True)
    n_m, n_e = len(ments), len(mees)
    src, snk = n_m + n_e, n_m + n_e + 1
    scale = MAX_ARC_COST / float(w[keep].max())
    tails = np.r_[mp, np.full(n_m, src), n_m + np.arange(n_e), src].astype(np.int32)
    heads = np.r_[n_m + ep, np.arange(n_m), np.full(n_e, snk), snk].astype(np.int32)
    caps = np.r_[np.ones(len(keep), np.int64), cap_m[ments], np.ones(n_e, np.int64), n_e].astype(np.int64)
    costs = np.r_[np.rint(-w[keep] * scale).astype(np.int64), np.zeros(n_m + n_e + 1, np.int64)]
    flow = _mcf.SimpleMinCostFlow()
    flow.add_arcs_with_capacity_and_unit_cost(tails, heads, caps, costs)
    flow.set_node_supply(src, n_e)
    flow.set_node_supply(snk, -n_e)
    if flow.solve() != flow.OPTIMAL:
        return None
    return keep[flow.flows(np.arange(len(keep))) > 0]


def _top_per_mentee(e: np.ndarray, r: np.ndarray, k: int) -> np.ndarray:
    """Positions of each mentee's k largest r (e sorted)."""
    from revmentor_nb.matching.candidates import _row_top_k

    return _row_top_k(e, r, k)


def solve_assignment(model: "LinearModel", pool: np.ndarray | None = None, inner: str = "auto",
                     warm: np.ndarray | None = None) -> "Solution | None":
    """The certified optimum of a bare-assignment model (see module doc); None when it cannot be certified.

    ``pool``: candidate indices to start from (default: the graph's pool); ``warm``: candidate
    indices of an earlier solution (a re-solve after a lock or forbid, another trade-off point)
    that join the first pool, so the first round starts near the answer. ``inner``: "flow"
    (OR-tools min-cost flow), "lapjv" (scipy's sparse LAPJV) or "auto" (the flow when installed).
    """
    from revmentor_nb.matching.model import Solution

    t0 = time.perf_counter()
    g = model.graph
    n = g.people.n
    usable = np.flatnonzero(model.usable)
    cap_m, cap_e = capacities(model)
    usable = usable[(cap_e[g.e[usable]] > 0) & (cap_m[g.m[usable]] > 0)]
    m, e, w = g.m[usable], g.e[usable], model.value[usable]
    in_pool = np.zeros(len(usable), dtype=bool)
    start = g.pool if pool is None else pool
    for extra in (start, warm):
        if extra is not None and len(extra):
            at = np.minimum(np.searchsorted(usable, extra), max(len(usable) - 1, 0))
            if len(usable):
                in_pool[at[usable[at] == extra]] = True
    if not in_pool.any():
        in_pool[_top_per_mentee(e, w, 2)] = True
    secs = {"inner": 0.0, "prices": 0.0, "pricing": 0.0}
    scale = max(1.0, float(np.max(np.abs(w), initial=1.0)))
    tol = 1e-9 * scale
    use = inner
    chosen = np.zeros(0, dtype=np.int64)
    red = np.zeros(0)
    for rounds in range(1, MAX_ROUNDS + 1):
        sel = np.flatnonzero(in_pool)
        t = time.perf_counter()
        got = network(m[sel], e[sel], w[sel], cap_m) if use in ("auto", "flow") else None
        if got is None:
            use = "lapjv"
            got = lapjv(m[sel], e[sel], w[sel], cap_m)
        chosen = sel[got]
        secs["inner"] += time.perf_counter() - t
        t = time.perf_counter()
        pr = prices(m[sel], e[sel], w[sel], got, n)
        if pr is None and use != "lapjv":  # the flow's integer rounding missed the float optimum: LAPJV settles it
            use = "lapjv"
            got = lapjv(m[sel], e[sel], w[sel], cap_m)
            chosen = sel[got]
            pr = prices(m[sel], e[sel], w[sel], got, n)
        secs["prices"] += time.perf_counter() - t
        if pr is None:
            return None
        t = time.perf_counter()
        red = w - pr.u[e]
        red -= pr.v[m]
        viol = np.flatnonzero(red > tol)
        viol = viol[~in_pool[viol]]
        secs["pricing"] += time.perf_counter() - t
        if len(viol) == 0:
            break
        in_pool[viol[_top_per_mentee(e[viol], red[viol], ADD_PER_MENTEE)]] = True
    else:
        return None
    used = np.bincount(m[chosen], minlength=n)
    if np.any((pr.v > tol) & (used < cap_m)):  # a spare mentor with a price: the dual would exceed the primal
        return None
    value = float(w[chosen].sum())
    dual = float(pr.u.sum() + np.dot(cap_m, pr.v))
    worst = float(max(red.max(initial=0.0), 0.0))
    n_e = int(np.count_nonzero(cap_e > 0))
    bound = max(dual + worst * n_e, value)
    if bound - value > 1e-9 * max(1.0, abs(value)):
        return None
    seconds = time.perf_counter() - t0
    solver = "OR-tools min-cost flow" if use != "lapjv" else "scipy sparse LAPJV"
    cert = (f"{solver} on {int(in_pool.sum()):,} of the {len(usable):,} usable pairs in {rounds} round(s); "
            f"dual prices built from the matching price every usable pair (largest reduced cost {worst:.1e}); "
            f"dual objective {dual:.6f}, objective {value:.6f}")
    return Solution(usable[chosen], np.zeros(0), value, bound, "optimal", "assignment", cert, rounds,
                    int(in_pool.sum()), 0, {**secs, "total": seconds}, np.sort(usable[in_pool]), None)
