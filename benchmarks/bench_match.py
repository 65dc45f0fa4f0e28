"""Benchmark the matcher against exact and greedy references on seeded demo programmes.

For each size (mentors x mentees) it prints:
- reference model (the demo's 'either' sign-ups counted as mentees, no locks, so the bare
  assignment is exactly a bipartite b-matching): seconds of ``match()`` end to end, of
  scipy's ``linear_sum_assignment`` on the same candidate scores (mentor capacity slots x
  mentees, dense) and of a greedy (best pair first); the three objectives and the ratios
  match/LSA and greedy/LSA;
- full model (the demo as it is: 'either' people on both sides with a shared capacity, the
  locks, every rule), without and with the fairness side constraints: seconds, status and
  the certified gap;
then a re-solve after one lock and after one forbidden pair at 300 x 360.

    python benchmarks/bench_match.py                  # all sizes
    python benchmarks/bench_match.py --sizes 100x120 1000x1200
"""
from __future__ import annotations

import argparse
import gc
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
from scipy.optimize import linear_sum_assignment

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from revmentor_nb.matching import match, prepare  # noqa: E402

SIZES = [(100, 120), (500, 600), (1000, 1200), (2000, 2400), (5000, 6000)]
FAIR = {"fairness": {}}  # the default fairness settings (gender, ethnicity, age_band; 10% gaps)


def demo(seed: int, n_mentors: int, n_mentees: int):
    """The seeded demo organisation (or the package's synthetic one if demo.py is missing)."""
    try:
        from revmentor_nb.demo.organisation import build_demo

        emp = max(1000, int(5.5 * (n_mentors + n_mentees)))
        return build_demo(seed, n_employees=emp, n_mentors=n_mentors, n_mentees=n_mentees)
    except ImportError:  # pragma: no cover
        from revmentor_nb.matching.synth import big

        return big(seed, n_mentors, n_mentees)


def lsa_reference(run, bonus: float) -> tuple[float, float]:
    """Exact optimum of the bare assignment by scipy's linear_sum_assignment; (seconds, objective)."""
    g = run.graph
    cap = run.capacity()
    ms, es = g.mentor_side, g.mentee_side
    t0 = time.perf_counter()
    mpos = np.full(g.people.n, -1)
    mpos[ms] = np.arange(len(ms))
    epos = np.full(g.people.n, -1)
    epos[es] = np.arange(len(es))
    first = np.r_[0, np.cumsum(cap[ms])[:-1]]
    W = np.zeros((int(cap[ms].sum()), len(es)))
    val = g.score + bonus
    for k in range(int(cap[ms].max(initial=0))):
        sel = cap[g.m] > k
        W[first[mpos[g.m[sel]]] + k, epos[g.e[sel]]] = val[sel]
    if W.shape[0] > W.shape[1]:
        W = W.T
    r, c = linear_sum_assignment(W, maximize=True)
    return time.perf_counter() - t0, float(W[r, c].sum())


def greedy(run, bonus: float) -> tuple[float, float]:
    """Best pair first while both have room; (seconds, objective)."""
    g = run.graph
    t0 = time.perf_counter()
    cap = run.capacity().copy()
    val = g.score + bonus
    order = np.argsort(-val, kind="stable")
    taken = np.zeros(g.people.n, dtype=bool)
    m_l, e_l = g.m[order].tolist(), g.e[order].tolist()
    total, left = 0.0, int(len(g.mentee_side))
    v_l = val[order].tolist()
    for m, e, v in zip(m_l, e_l, v_l):
        if cap[m] > 0 and not taken[e]:
            cap[m] -= 1
            taken[e] = True
            total += v
            left -= 1
            if left == 0:
                break
    return time.perf_counter() - t0, total


def _timed(fn):  # noqa: ANN001, ANN202
    """(seconds, result) of fn() after a garbage collection, so runs do not pay for each other's garbage."""
    gc.collect()
    t0 = time.perf_counter()
    out = fn()
    return time.perf_counter() - t0, out


def bench_size(nm: int, ne: int, seed: int, fairness: bool) -> dict:
    org = demo(seed, nm, ne)
    parts = org.participants
    row: dict = dict(size=f"{nm}x{ne}")
    # full model first (the demo as it is), with and without fairness
    t, full = _timed(lambda: match(parts, roster=org.roster, exclusions=org.exclusions, locks=org.locks, seed=seed))
    row.update(full_s=t, full_status=full.status, full_gap=full.gap)
    del full
    if fairness:
        t, fair = _timed(lambda: match(parts, roster=org.roster, exclusions=org.exclusions, locks=org.locks,
                                       seed=seed, settings=FAIR))
        row.update(fair_s=t, fair_status=fair.status, fair_gap=fair.gap, fair_method=fair.method)
        del fair
    # reference model: a plain bipartite b-matching that linear_sum_assignment solves exactly
    ref = parts.assign(role=parts.role.replace({"either": "mentee"}))
    t_match, res = _timed(lambda: match(ref, roster=org.roster, exclusions=org.exclusions, seed=seed))
    run = prepare(ref, roster=org.roster, exclusions=org.exclusions, seed=seed)
    gc.collect()
    t_lsa, lsa_obj = lsa_reference(run, res.pair_bonus)
    gc.collect()
    t_greedy, greedy_obj = greedy(run, res.pair_bonus)
    row.update(candidates=int(res.summary()["candidates"]), match_s=t_match, lsa_s=t_lsa, greedy_s=t_greedy,
               match_obj=res.objective, lsa_obj=lsa_obj, greedy_obj=greedy_obj,
               match_ratio=res.objective / lsa_obj if lsa_obj else np.nan,
               greedy_ratio=greedy_obj / lsa_obj if lsa_obj else np.nan)
    return row


def bench_resolve(seed: int) -> dict:
    """Re-solve at 300 x 360 after one lock and after one forbid (match() again, and rematch())."""
    org = demo(seed, 300, 360)
    base = match(org.participants, roster=org.roster, exclusions=org.exclusions, locks=org.locks, seed=seed)
    chosen = set(zip(base.pairs.mentor_id, base.pairs.mentee_id))
    cand = base.candidates
    other = cand[~cand.chosen & ~cand.locked].sort_values("score", ascending=False).iloc[0]
    lock = (str(other.mentor_id), str(other.mentee_id))
    forbid = next(iter(sorted(p for p in chosen if not base.pairs.set_index(["mentor_id", "mentee_id"]).loc[p, "locked"])))
    locks = pd.concat([org.locks, pd.DataFrame([lock], columns=["mentor_id", "mentee_id"])], ignore_index=True)
    t0 = time.perf_counter()
    match(org.participants, roster=org.roster, exclusions=org.exclusions, locks=locks, seed=seed)
    t_lock = time.perf_counter() - t0
    ex = pd.concat([org.exclusions, pd.DataFrame([{"person_a": forbid[0], "person_b": forbid[1], "reason": "review"}])],
                   ignore_index=True)
    t0 = time.perf_counter()
    match(org.participants, roster=org.roster, exclusions=ex, locks=org.locks, seed=seed)
    t_forbid = time.perf_counter() - t0
    t0 = time.perf_counter()
    base.rematch(lock=[lock])
    r_lock = time.perf_counter() - t0
    t0 = time.perf_counter()
    base.rematch(forbid=[forbid])
    r_forbid = time.perf_counter() - t0
    return dict(match_lock_s=t_lock, match_forbid_s=t_forbid, rematch_lock_s=r_lock, rematch_forbid_s=r_forbid)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", nargs="*", help="e.g. 100x120 500x600 (default: all)")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--no-fairness", action="store_true", help="skip the fairness runs")
    ap.add_argument("--no-resolve", action="store_true", help="skip the 300x360 re-solve")
    args = ap.parse_args(argv)
    sizes = [tuple(int(x) for x in s.lower().split("x")) for s in args.sizes] if args.sizes else SIZES
    rows = []
    for nm, ne in sizes:
        row = bench_size(nm, ne, args.seed, not args.no_fairness)
        rows.append(row)
        print(_fmt_row(row), flush=True)
    df = pd.DataFrame(rows)
    print()
    with pd.option_context("display.width", 200, "display.max_columns", 30):
        print(df.to_string(index=False, float_format=lambda x: f"{x:.3f}"))
    if not args.no_resolve:
        r = bench_resolve(args.seed)
        print(f"\nre-solve at 300x360: match() after one lock {r['match_lock_s']:.3f}s, after one forbid "
              f"{r['match_forbid_s']:.3f}s; rematch() lock {r['rematch_lock_s']:.3f}s, forbid {r['rematch_forbid_s']:.3f}s")
    return 0


def _fmt_row(r: dict) -> str:
    s = (f"{r['size']:>10}  cands {r['candidates']:>9,}  match {r['match_s']:6.2f}s  LSA {r['lsa_s']:6.2f}s  "
         f"greedy {r['greedy_s']:6.2f}s  ratio match/LSA {r['match_ratio']:.4f}  greedy/LSA {r['greedy_ratio']:.4f}  "
         f"| full model {r['full_s']:6.2f}s {r['full_status']} gap {r['full_gap']:.1e}")
    if "fair_s" in r:
        s += f"  | +fairness {r['fair_s']:6.2f}s {r['fair_status']} gap {r['fair_gap']:.1e}"
    return s


if __name__ == "__main__":
    raise SystemExit(main())
