"""Re-solve after one click on the match board, at pilot size (300 mentors x 360 mentees): target <= 0.5 s.

A click is an override: lock a pair the optimiser did not choose, forbid a chosen pair, or
unassign one. Each re-runs the optimiser with the new lock/exclusion (``overrides``); the
figure that matters to a person is the time until the board shows the new solution, so
this prints both the re-solve alone and the whole click (re-solve + storing the run and
the audit entry in a workspace + the board's new state).

    .venv/bin/python benchmarks/bench_resolve.py [--seed 0] [--clicks 12]
"""
from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from revmentor_nb import Workspace, match  # noqa: E402
from revmentor_nb.demo.organisation import build_demo  # noqa: E402
from revmentor_nb.demo.workspace import demo_design  # noqa: E402
from revmentor_nb.review.board import board_state, filter_options, people_index  # noqa: E402
from revmentor_nb.review.overrides import Review  # noqa: E402

TARGET = 0.5


def _click(review: Review, i: int) -> tuple[str, float]:
    """One click of a rotating kind; returns (action, re-solve seconds)."""
    result = review.result
    if i % 3 == 0:
        cand = result.candidates
        row = cand[~cand["chosen"]].sort_values("score", ascending=False).iloc[i % 7]
        ov = review.lock(str(row["mentor_id"]), str(row["mentee_id"]))
    else:
        free = result.pairs[~result.pairs["locked"]]
        row = free.iloc[(i * 37) % len(free)]
        ov = review.forbid(*map(str, row[["mentor_id", "mentee_id"]])) if i % 3 == 1 else \
            review.unassign(*map(str, row[["mentor_id", "mentee_id"]]))
    return ov.action, ov.seconds


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--employees", type=int, default=3000)
    ap.add_argument("--mentors", type=int, default=300)
    ap.add_argument("--mentees", type=int, default=360)
    ap.add_argument("--clicks", type=int, default=12)
    args = ap.parse_args()

    org = build_demo(args.seed, n_employees=args.employees, n_mentors=args.mentors, n_mentees=args.mentees)
    design = demo_design(list(org.grade_order), org.start_date)
    people = org.participants
    t0 = time.perf_counter()
    result = match(people, roster=org.roster, exclusions=org.exclusions, locks=org.locks, settings=design.matching)
    first = time.perf_counter() - t0
    print(f"{len(people)} sign-ups ({people['role'].value_counts().to_dict()}); first match {first:.3f} s: "
          f"{result.n_pairs} pairs, status {result.status}, gap {result.gap:.1e}")

    index, options = people_index(people), filter_options(people)
    solve, whole, rows = [], [], []
    with tempfile.TemporaryDirectory() as tmp:
        ws = Workspace.create(Path(tmp) / "ws", design)
        review = Review(result, ws=ws, accept=True, run_id=ws.save_match(result, accepted=True))
        for i in range(args.clicks):
            t = time.perf_counter()
            action, seconds = _click(review, i)
            board_state(review.result, index, options)
            total = time.perf_counter() - t
            solve.append(seconds)
            whole.append(total)
            rows.append((i + 1, action, seconds, total, review.result.n_pairs, review.result.status))
        stored = len(ws.match_runs())
    print(f"{'click':>5} {'action':>9} {'re-solve s':>10} {'whole click s':>13} {'pairs':>6} status")
    for i, action, s, total, n, status in rows:
        print(f"{i:>5} {action:>9} {s:>10.3f} {total:>13.3f} {n:>6} {status}")
    print(f"re-solve after one click: median {statistics.median(solve):.3f} s, max {max(solve):.3f} s "
          f"(target <= {TARGET} s: {'met' if max(solve) <= TARGET else 'NOT met'})")
    print(f"whole click (re-solve + store run + audit entry + board state): median {statistics.median(whole):.3f} s, "
          f"max {max(whole):.3f} s; {stored} runs stored")
    return 0 if max(solve) <= TARGET else 1


if __name__ == "__main__":
    raise SystemExit(main())
