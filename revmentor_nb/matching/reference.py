"""An independent reference for the civil-service rule set: plain numpy scoring and one scipy MILP.

Shares no code with the matcher (no candidate graph, no rule or term table, no column
generation, no flow): every mentor x mentee pair is scored from the published rules, and
the whole b-matching with capacities and priority tiers is handed to
``scipy.optimize.milp`` (or, for large copies, its LP relaxation, whose optimum bounds the
ILP from above; the b-matching LP is integral). Tests and ``benchmarks/bench_peer.py``
compare ``match(people, **preset("civil-service"))`` against it.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import scipy.sparse as sp


@dataclass(frozen=True)
class ReferenceSolve:
    """The reference optimum: objective, pairs, whether it is the ILP (True) or its LP bound (False), seconds."""

    objective: float
    pairs: int
    exact_ilp: bool
    seconds: float
    candidates: int


def civil_service_pairs(people: pd.DataFrame) -> pd.DataFrame:
    """Every allowed (mentor, mentee) pair under the published rules, with its points, by plain numpy.

    Rules: both consented; different organisation; the mentor one or two grades above. Points:
    +12 for a two-grade gap, +9 for one; +10 same profession; +6 when the mentee opted in to
    identity matching and their identity is among the mentor's characteristics.
    """
    role = people["role"].astype(str).to_numpy()
    consent = people["consent"].astype(bool).to_numpy()
    mentors = np.flatnonzero(np.isin(role, ["mentor", "either"]) & consent)
    mentees = np.flatnonzero(np.isin(role, ["mentee", "either"]) & consent)
    org = pd.factorize(people["department"].astype(str).str.strip().str.casefold())[0]
    prof = pd.factorize(people["profession"].astype(str).str.strip().str.casefold())[0]
    rank = people["grade_rank"].to_numpy(dtype=np.float64)
    ident = [{str(x).strip().casefold() for x in v} if isinstance(v, (list, tuple)) else set()
             for v in people["identity"]]
    chars = [{str(x).strip().casefold() for x in v} if isinstance(v, (list, tuple)) else set()
             for v in people["characteristics"]]
    opt = people["identity_opt_in"].astype(bool).to_numpy()
    vocab = sorted(set().union(*ident, *chars)) or ["-"]
    col = {v: i for i, v in enumerate(vocab)}
    C = np.zeros((len(people), len(vocab)), dtype=np.float32)
    I = np.zeros((len(people), len(vocab)), dtype=np.float32)  # noqa: E741
    for i, s in enumerate(chars):
        C[i, [col[x] for x in s]] = 1
    for i, s in enumerate(ident):
        I[i, [col[x] for x in s]] = 1
    out = []
    for lo in range(0, len(mentees), 500):
        e = mentees[lo:lo + 500]
        gap = rank[mentors][None, :] - rank[e][:, None]
        ok = (org[mentors][None, :] != org[e][:, None]) & (gap >= 1) & (gap <= 2)
        ok &= mentors[None, :] != e[:, None]
        shared = (I[e] @ C[mentors].T) > 0
        pts = np.where(gap == 2, 12.0, 9.0) + 10.0 * (prof[mentors][None, :] == prof[e][:, None])
        pts += 6.0 * (shared & opt[e][:, None])
        r, c = np.nonzero(ok)
        out.append(pd.DataFrame({"mentor": mentors[c], "mentee": e[r], "points": pts[r, c]}))
    return pd.concat(out, ignore_index=True) if out else pd.DataFrame(columns=["mentor", "mentee", "points"])


def solve_reference(people: pd.DataFrame, *, pair_bonus: float, tier_step: float, max_per_mentor: int = 3,
                    max_per_mentee: int = 3, exact_below: int = 400_000, time_limit: float = 600.0) -> ReferenceSolve:
    """The optimum of sum(points + pair_bonus) + tier bonuses over the civil-service b-matching.

    Each person's k-th pair earns (top - k) x tier_step on each side (top = the largest capacity
    on that side), written as one variable per (person, tier) -- a formulation of its own.
    Below ``exact_below`` candidate pairs the MILP is solved; above, its LP relaxation.
    """
    import time

    from scipy.optimize import Bounds, LinearConstraint, linprog, milp

    t0 = time.perf_counter()
    pairs = civil_service_pairs(people)
    n = len(people)
    cap_m = np.minimum(people.get("mentor_capacity", people["capacity"]).fillna(people["capacity"]).to_numpy(), max_per_mentor)
    cap_e = np.minimum(people.get("mentee_capacity", people["capacity"]).fillna(people["capacity"]).to_numpy(), max_per_mentee)
    cap_m = np.asarray(cap_m, dtype=np.int64)
    cap_e = np.asarray(cap_e, dtype=np.int64)
    P = len(pairs)
    m = pairs["mentor"].to_numpy()
    e = pairs["mentee"].to_numpy()
    top_m, top_e = int(cap_m[np.unique(m)].max(initial=1)), int(cap_e[np.unique(e)].max(initial=1))
    # tier variables: (person, side, k) for k = 1..capacity
    tm_p = np.repeat(np.arange(n), cap_m)
    tm_k = np.concatenate([np.arange(1, c + 1) for c in cap_m]) if cap_m.sum() else np.zeros(0, np.int64)
    te_p = np.repeat(np.arange(n), cap_e)
    te_k = np.concatenate([np.arange(1, c + 1) for c in cap_e]) if cap_e.sum() else np.zeros(0, np.int64)
    nv = P + len(tm_p) + len(te_p)
    c = -np.concatenate([pairs["points"].to_numpy() + pair_bonus, (top_m - tm_k) * tier_step, (top_e - te_k) * tier_step])
    # rows: per person as mentor: sum x - sum t_m = 0; per person as mentee: sum x - sum t_e = 0
    rows = np.concatenate([m, np.arange(P) * 0 + n + e, tm_p, n + te_p])
    cols = np.concatenate([np.arange(P), np.arange(P), P + np.arange(len(tm_p)), P + len(tm_p) + np.arange(len(te_p))])
    vals = np.concatenate([np.ones(2 * P), -np.ones(len(tm_p) + len(te_p))])
    A = sp.csr_matrix((vals, (rows, cols)), shape=(2 * n, nv))
    if P <= exact_below:
        res = milp(c, constraints=[LinearConstraint(A, 0, 0)], integrality=np.ones(nv),
                   bounds=Bounds(np.zeros(nv), np.ones(nv)), options={"time_limit": time_limit, "mip_rel_gap": 0})
        x = res.x
        exact = True
    else:
        res = linprog(c, A_eq=A, b_eq=np.zeros(2 * n), bounds=(0, 1), method="highs")
        x = res.x
        exact = False
    if x is None:
        raise RuntimeError(f"reference solve failed: {res.message}")
    return ReferenceSolve(float(-c @ x), int(round(x[:P].sum())), exact, time.perf_counter() - t0, P)
