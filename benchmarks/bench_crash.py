"""Crash safety at many kill points: SIGKILL imports, match runs and report runs, then check the workspace.

The same trials as ``tests/test_crash_safety.py`` (see ``tests/crash_harness.py``), many more of
them: for each kind, one complete run gives the step's length, then ``--trials`` kills at
stratified random points across it (seeded), alternately of the step's process alone and of its
whole process tree. Prints one line per trial and a tally per kind; exits 1 if any trial found
a problem.

    .venv/bin/python benchmarks/bench_crash.py                       # 20 trials per kind
    .venv/bin/python benchmarks/bench_crash.py --trials 50 --kinds import --seed 3
"""
from __future__ import annotations

import argparse
import collections
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from crash_harness import KINDS, complete_run, delays, trial  # noqa: E402


def main() -> int:
    """Run the trials and print the tally."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trials", type=int, default=20, help="kill points per kind (default 20)")
    parser.add_argument("--kinds", nargs="*", default=list(KINDS), choices=KINDS)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--employees", type=int, default=1500, help="size of the demo workspace (default 1500)")
    parser.add_argument("--roster", type=int, default=20_000, help="rows of the roster the import trials import")
    args = parser.parse_args()

    from revmentor_nb import demo
    from revmentor_nb.run.demo import run_demo

    failed = 0
    with tempfile.TemporaryDirectory(prefix="bench-crash-") as tmp:
        base = Path(tmp) / "base"
        t0 = time.perf_counter()
        run_demo(base, seed=args.seed, n_employees=args.employees)
        shutil.rmtree(base / "runs")
        (base / "runs").mkdir()
        roster = demo.write_inputs(demo.build_demo(seed=5, n_employees=args.roster), Path(tmp) / "big")["roster"]
        print(f"demo workspace ({args.employees} employees) and a {args.roster:,}-row roster in "
              f"{time.perf_counter() - t0:.0f} s", flush=True)
        for kind in args.kinds:
            seconds, before, after = complete_run(kind, base, Path(tmp) / f"{kind}-complete", source=roster)
            expected = {k: {after.datasets[ds][4]} for k, ds in after.current.items() if before.current.get(k) != ds}
            print(f"\n{kind}: a complete step takes {seconds:.2f} s from its first audit row to exit", flush=True)
            tally: collections.Counter[str] = collections.Counter()
            for i, delay in enumerate(delays(args.seed, kind, args.trials, seconds)):
                mode = "tree" if kind != "import" and i % 2 else "process"
                work = Path(tmp) / f"{kind}-{i}"
                o = trial(kind, base, work, delay, mode, source=roster, expected_current=expected)
                shutil.rmtree(work, ignore_errors=True)
                tally["PROBLEM" if o.problems else o.label()] += 1
                failed += bool(o.problems)
                print(f"  {i:3d} +{delay:6.2f} s {mode:<7} {o.label()}"
                      + "".join(f"\n        PROBLEM {p}" for p in o.problems), flush=True)
            print(f"{kind}: {args.trials} kills -> " + "; ".join(f"{n} x {label}" for label, n in tally.most_common()))
    print(f"\n{'no problems' if not failed else f'{failed} trial(s) with problems'}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
