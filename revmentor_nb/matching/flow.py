"""The fast path: a model with only capacity rows and priority tiers is a min-cost flow.

source -> each mentor (capacity arcs, one arc per priority tier) -> each allowed mentee
(one arc per candidate pair, worth its value) -> sink (capacity and tier arcs), plus a
source -> sink bypass so nobody has to be matched. Integer flows are exactly the model's
solutions, so OR-tools' min-cost flow (cost scaling, C++) returns the optimum of the ILP
itself. Values are scaled to integers: rounding moves any solution's value by at most half
a unit per arc it uses, which the bound states (a few 1e-12 of the objective), so the
result is certified like the LP path's. Side constraints, 'either' people with a shared
total and pair-once rows are not a network: those models take the LP path.
"""
from __future__ import annotations

import time
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from revmentor_nb.matching.model import LinearModel, Solution

try:  # optional accelerator; without it the LP path solves the same model
    from ortools.graph.python import min_cost_flow as _mcf  # type: ignore[import-not-found]
except Exception:  # pragma: no cover - exercised only without OR-tools
    _mcf = None

MAX_ARC_COST = 2.0**40  # |scaled cost| stays below this: OR-tools multiplies by the node count internally


def available() -> bool:
    """Whether OR-tools' min-cost flow can be used."""
    return _mcf is not None


def is_network(model: "LinearModel") -> bool:
    """Whether the model is a bipartite b-matching with tiers: two person-row maps, tier auxiliaries, nothing else."""
    rows = model.network_rows
    if set(rows) != {"mentee", "mentor"} or model.maps or model.side_rows or len(model.person_maps) != 2:
        return False
    if len(model.aux_lb) != len(model.tier_aux):
        return False
    n_rows = int((rows["mentee"] >= 0).sum() + (rows["mentor"] >= 0).sum())
    return n_rows == model.n_rows and all(pm.c0 == 1.0 and pm.c1 == 0.0 for pm in model.person_maps)


def _side_arcs(model: "LinearModel", side: str, rhs: np.ndarray, aux_row: np.ndarray, aux_obj: np.ndarray,
               aux_ub: np.ndarray) -> tuple[list, np.ndarray]:
    """Arcs between the source/sink and one side's rows: a base arc of capacity rhs, one per tier auxiliary.

    A negative rhs (locks beyond the first tier) is first covered by that row's best auxiliaries,
    which every solution must then set to 1; returns (arc parts, forced aux mask).
    """
    rows = model.network_rows[side]
    row_ids = rows[rows >= 0]
    forced = np.zeros(len(aux_obj), dtype=bool)
    base = rhs[row_ids].copy()
    mine = np.flatnonzero(np.isin(aux_row, row_ids))
    if np.any(base < -1e-9):
        by_row: dict[int, list[int]] = {}
        for a in mine[np.argsort(-aux_obj[mine], kind="stable")]:
            by_row.setdefault(int(aux_row[a]), []).append(int(a))
        for i, r in enumerate(row_ids):
            need = int(round(-base[i]))
            if need > 0:
                take = by_row.get(int(r), [])[:need]
                if len(take) < need:
                    raise ValueError("locks exceed a capacity")  # check_locks prevents this
                forced[take] = True
                base[i] = 0.0
    free_aux = mine[~forced[mine]]
    return [(row_ids, np.rint(base).astype(np.int64), np.zeros(len(row_ids))),
            (aux_row[free_aux], np.rint(aux_ub[free_aux]).astype(np.int64), aux_obj[free_aux], free_aux)], \
        forced


def solve_flow(model: "LinearModel") -> "Solution | None":
    """The optimum of a network model by min-cost flow, with its certificate; None when OR-tools cannot run it."""
    from revmentor_nb.matching.model import Solution

    if _mcf is None:
        return None
    t0 = time.perf_counter()
    g = model.graph
    usable = np.flatnonzero(model.usable)
    rhs = model.fixed_rhs()
    aux_row = np.full(len(model.aux_lb), -1, dtype=np.int64)
    for rows, cols, coefs in model.aux_entries:
        aux_row[cols] = rows
    aux_obj = np.asarray(model.aux_obj, dtype=np.float64)
    aux_ub = np.asarray(model.aux_ub, dtype=np.float64)
    try:
        arcs_m, forced_m = _side_arcs(model, "mentor", rhs, aux_row, aux_obj, aux_ub)
        arcs_e, forced_e = _side_arcs(model, "mentee", rhs, aux_row, aux_obj, aux_ub)
    except ValueError:
        return None
    values = model.value[usable]
    biggest = max(float(np.max(np.abs(values), initial=0.0)), float(np.max(np.abs(aux_obj), initial=0.0)), 1e-9)
    scale = MAX_ARC_COST / biggest
    n_rows = model.n_rows
    src, snk = n_rows, n_rows + 1
    r_m = model.network_rows["mentor"][g.m[usable]]
    r_e = model.network_rows["mentee"][g.e[usable]]
    (mrows, mcap, _), (maux_rows, maux_cap, maux_obj, maux_idx) = arcs_m
    (erows, ecap, _), (eaux_rows, eaux_cap, eaux_obj, eaux_idx) = arcs_e
    supply = int(min(mcap.sum() + maux_cap.sum(), ecap.sum() + eaux_cap.sum()))
    tails = np.concatenate([r_m, np.full(len(mrows) + len(maux_rows), src), erows, eaux_rows, [src]])
    heads = np.concatenate([r_e, mrows, maux_rows, np.full(len(erows) + len(eaux_rows), snk), [snk]])
    caps = np.concatenate([np.ones(len(usable), dtype=np.int64), mcap, maux_cap, ecap, eaux_cap, [supply]])
    costs = np.concatenate([-values, np.zeros(len(mrows)), -maux_obj, np.zeros(len(erows)), -eaux_obj, [0.0]])
    int_costs = np.rint(costs * scale).astype(np.int64)
    flow = _mcf.SimpleMinCostFlow()
    flow.add_arcs_with_capacity_and_unit_cost(tails.astype(np.int32), heads.astype(np.int32), caps, int_costs)
    flow.set_node_supply(src, supply)
    flow.set_node_supply(snk, -supply)
    status = flow.solve()
    if status != flow.OPTIMAL:
        return None
    f = flow.flows(np.arange(len(tails)))
    chosen = usable[f[: len(usable)] > 0]
    aux = (forced_m | forced_e).astype(np.float64)
    k = len(usable) + len(mrows)
    aux[maux_idx] = f[k:k + len(maux_idx)]
    k2 = k + len(maux_idx) + len(erows)
    aux[eaux_idx] = f[k2:k2 + len(eaux_idx)]
    value = float(model.value[chosen].sum() + np.dot(aux_obj, aux))
    # any solution uses at most `supply` pair arcs and as many tier arcs per side: rounding error per arc <= 0.5/scale
    slack = 3.0 * supply / scale
    seconds = time.perf_counter() - t0
    cert = (f"min-cost flow (OR-tools, exact on integer costs) over all {len(usable):,} usable pairs; values scaled "
            f"by {scale:.3g}, so rounding moves any solution by at most {slack:.1e}")
    duals = None
    if getattr(g, "kept", False):  # a kept graph: node potentials price the pairs it left out
        last = getattr(g, "flow_duals", None)  # the previous round's, as a start (same rows while pairs are added)
        start = last[:-1] * (scale / last[-1]) if last is not None and len(last) == n_rows + 3 else None
        duals = potentials(tails, heads, caps, int_costs, f, n_rows + 2, start=start)
        if duals is not None:
            duals = np.r_[duals, scale]
            g.flow_duals = duals
    return Solution(chosen, aux, value, value + slack, "optimal", "flow", cert, 0, len(usable), 0,
                    {"flow": seconds, "total": seconds}, np.sort(chosen), None, duals)


def potentials(tails: np.ndarray, heads: np.ndarray, caps: np.ndarray, costs: np.ndarray, flow: np.ndarray,
               n_nodes: int, start: np.ndarray | None = None) -> np.ndarray | None:
    """Node potentials p of an optimal flow: cost + p[tail] - p[head] >= 0 on every residual arc (exact, integer costs).

    Shortest distances in the residual graph from a virtual root joined to every node at cost 0
    (Bellman-Ford, vectorised: each round relaxes at once every arc out of a node whose distance
    moved in the round before). An optimal flow has no
    negative cycle, so they settle; None if they do not within n_nodes rounds (not optimal).
    Any arc left out of the network whose reduced cost under p is >= 0 cannot improve the flow.
    ``start``: the root's arcs cost ``start`` instead of 0 (the last round's potentials: far fewer
    rounds when the flow changed little); the result is checked the same way.
    """
    fwd = flow < caps
    back = flow > 0
    t = np.r_[tails[fwd], heads[back]].astype(np.int64)
    h = np.r_[heads[fwd], tails[back]].astype(np.int64)
    c = np.r_[costs[fwd], -costs[back]].astype(np.float64)  # integers below 2**53: exact
    order = np.argsort(t, kind="stable")  # arcs by tail: each round relaxes only the arcs out of nodes that moved
    t, h, c = t[order], h[order], c[order]
    first_arc = np.searchsorted(t, np.arange(n_nodes + 1))
    out_deg = np.diff(first_arc)
    d = np.zeros(n_nodes) if start is None else np.minimum(np.rint(np.asarray(start, dtype=np.float64)), 0.0)
    moved = np.arange(n_nodes)
    for _ in range(n_nodes + 1):
        cnt = out_deg[moved]
        total = int(cnt.sum())
        if total == 0:
            break
        idx = np.repeat(first_arc[moved] - (np.cumsum(cnt) - cnt), cnt) + np.arange(total)
        cand = d[t[idx]] + c[idx]
        hit = h[idx]
        better = cand < d[hit]
        if not better.any():
            break
        hit, cand = hit[better], cand[better]
        np.minimum.at(d, hit, cand)  # every candidate was formed from the round's starting distances
        moved = np.unique(hit)
    else:
        return None
    # checked in integers: every residual arc has a non-negative reduced cost (no float rounding trusted)
    if np.any(np.abs(d) >= 2.0**62) or np.any(d != np.rint(d)):
        return None
    di = d.astype(np.int64)
    if np.any(c.astype(np.int64) + di[t] - di[h] < 0):
        return None
    return d
