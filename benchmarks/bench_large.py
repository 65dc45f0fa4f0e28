"""Large input end to end: a 100,000-person roster and 10,000 sign-ups, imported, matched and reported.

Every step runs in its own process (as a scheduled job would), so each gets its own figures:
wall-clock seconds, the peak resident memory of the step's whole process tree (the step and,
for the notebook stages, its Jupyter kernel; sampled every 0.1 s) and the largest single
process's peak (``ru_maxrss`` from ``wait4``).

Steps: ``generate`` (the seeded demo organisation at that size, written as contract CSVs, and a
workspace whose design is the demo's with ``spaces`` = the mentees), ``import`` (roster,
sign-ups, exclusions, locks through ``Workspace.import_file``: validated and stored),
``match`` (``match()`` with the workspace's design settings, stored and accepted), ``activity``
(six months of simulated meetings, check-ins and assessments for the accepted pairs), then the
four notebooks headless with ``revmentor run --stage ...`` (each re-reads the workspace; 02_match
matches again and traces its trade-off curve, as a scheduled run does).

    .venv/bin/python benchmarks/bench_large.py                        # 100,000 x 10,000, all steps
    .venv/bin/python benchmarks/bench_large.py --employees 20000 --signups 2000 --keep /tmp/big
"""
from __future__ import annotations

import argparse
import os
import pickle
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

NOTEBOOK_STAGES = ("design", "match", "monitor", "evaluate")
MACHINE_GIB = 24.0


# --------------------------------------------------------------------------- the steps (run in a child process)


def step_generate(ws_dir: Path, employees: int, signups: int, seed: int) -> str:
    """Build the organisation, write its CSVs and make the workspace."""
    from revmentor_nb import demo
    from revmentor_nb.demo.workspace import demo_design
    from revmentor_nb.workspace.workspace import Workspace

    per_role = round(signups / 2.12)  # build_demo adds 6% of mentors + mentees as 'either'
    org = demo.build_demo(seed=seed, n_employees=employees, n_mentors=per_role, n_mentees=per_role)
    demo.write_inputs(org, ws_dir / "inputs")
    design = demo_design(list(org.grade_order), org.start_date)
    design = design.model_copy(update={"spaces": int((org.participants["role"] != "mentor").sum())})
    Workspace.create(ws_dir, design, exist_ok=True)
    with open(ws_dir / "org.pickle", "wb") as fh:
        pickle.dump(org, fh)
    return f"{len(org.roster):,} roster rows, {len(org.participants):,} sign-ups"


def step_import(ws_dir: Path) -> str:
    """Import the four declared files through the workspace (validated, stored, audited)."""
    from revmentor_nb.workspace.workspace import Workspace

    ws = Workspace(ws_dir)
    rows = []
    for kind in ("roster", "participants", "exclusions", "locks"):
        rec = ws.import_file(kind, ws.resolve_input(kind))
        rows.append(f"{kind} {rec.rows:,}")
    return ", ".join(rows)


def step_match(ws_dir: Path) -> str:
    """Match with the workspace's design settings, store and accept the run."""
    from revmentor_nb import match
    from revmentor_nb.workspace.workspace import Workspace

    ws = Workspace(ws_dir)
    result = match(ws.require("participants"), roster=ws.table("roster"), exclusions=ws.table("exclusions"),
                   locks=ws.table("locks"), settings=ws.design.matching)
    ws.save_match(result, accepted=True, note="bench_large")
    return (f"{result.n_pairs:,} pairs, {len(result.unmatched):,} unmatched, status {result.status}, "
            f"gap {result.gap:.1e}, solver {result.seconds:.1f} s")


def step_activity(ws_dir: Path, seed: int) -> str:
    """Simulate six months of activity for the accepted pairs and declare the files in program.yaml."""
    from revmentor_nb import demo
    from revmentor_nb.design.program import ProgramDesign
    from revmentor_nb.workspace.workspace import Workspace

    ws = Workspace(ws_dir)
    with open(ws_dir / "org.pickle", "rb") as fh:
        org = pickle.load(fh)
    pairs = ws.require_match().pairs
    act = demo.simulate_activity(org, pairs, seed=seed, cadence_days=ws.design.schedule.cadence_days)
    written = demo.write_activity(act, ws_dir / "inputs")
    inputs = {**ws.design.inputs, **{k: str(Path(p).resolve().relative_to(ws.root)) for k, p in written.items()}}
    ws.save_design(ProgramDesign.model_validate(ws.design.model_copy(update={"inputs": inputs}).model_dump()))
    return f"{len(act.meetings):,} meetings, {len(act.checkins):,} check-ins, {len(act.assessments):,} assessments"


# --------------------------------------------------------------------------- measuring a child process tree


def _children(pid: int) -> list[int]:
    out: list[int] = []
    try:
        for task in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{task}/children") as fh:
                out += [int(c) for c in fh.read().split()]
    except OSError:
        pass
    return out


def _rss_kib(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/status") as fh:
            for line in fh:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def _tree_rss_kib(root: int) -> int:
    """Resident memory of a process and all its descendants, in KiB."""
    total, todo, seen = 0, [root], set()
    while todo:
        pid = todo.pop()
        if pid in seen:
            continue
        seen.add(pid)
        total += _rss_kib(pid)
        todo += _children(pid)
    return total


def measure(label: str, argv: list[str]) -> tuple[float, float, float, str]:
    """Run one step as a child process; (seconds, peak tree RSS GiB, largest process peak GiB, its summary line)."""
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        start = time.perf_counter()
        proc = subprocess.Popen(argv, stdout=out, stderr=err, text=True, cwd=ROOT)
        peak = [0]
        done = threading.Event()

        def sample() -> None:
            while not done.is_set():
                peak[0] = max(peak[0], _tree_rss_kib(proc.pid))
                done.wait(0.1)

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        _, status, usage = os.wait4(proc.pid, 0)  # its own rusage: max RSS of it and its reaped descendants
        proc.returncode = os.waitstatus_to_exitcode(status)
        done.set()
        sampler.join()
        seconds = time.perf_counter() - start
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read(), err.read()
    if proc.returncode != 0:
        raise SystemExit(f"step {label} failed (exit {proc.returncode}):\n{stderr[-4000:]}")
    summary = (stdout.strip().splitlines() or [""])[-1]
    return seconds, peak[0] / 2**20, usage.ru_maxrss / 2**20, summary


def main() -> None:
    """Run every step in its own process and print a table of the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--employees", type=int, default=100_000)
    parser.add_argument("--signups", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--stages", nargs="*", default=list(NOTEBOOK_STAGES), choices=NOTEBOOK_STAGES,
                        help="notebooks to run headless after matching (default: all four)")
    parser.add_argument("--keep", type=Path, help="build the workspace here and keep it (default: a temporary folder)")
    parser.add_argument("--step", help=argparse.SUPPRESS)  # internal: run one step in this process
    parser.add_argument("--workspace", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.step:
        ws_dir = args.workspace
        print({"generate": lambda: step_generate(ws_dir, args.employees, args.signups, args.seed),
               "import": lambda: step_import(ws_dir), "match": lambda: step_match(ws_dir),
               "activity": lambda: step_activity(ws_dir, args.seed)}[args.step](), flush=True)
        return

    tmp = None if args.keep else tempfile.TemporaryDirectory(prefix="bench-large-")
    ws_dir = (args.keep or Path(tmp.name)).resolve() / "ws"
    ws_dir.mkdir(parents=True, exist_ok=True)
    me = [sys.executable, str(Path(__file__).resolve()), "--workspace", str(ws_dir),
          "--employees", str(args.employees), "--signups", str(args.signups), "--seed", str(args.seed)]
    steps = [(s, me + ["--step", s]) for s in ("generate", "import", "match", "activity")]
    steps += [(f"run {s}", [sys.executable, "-m", "revmentor_nb.run.cli", "run", str(ws_dir), "--stage", s])
              for s in args.stages]
    print(f"bench_large: {args.employees:,} employees, {args.signups:,} sign-ups requested, seed {args.seed}; "
          f"{os.cpu_count()} cores; workspace {ws_dir}", flush=True)
    print(f"{'step':<14} {'seconds':>8} {'peak RSS tree':>14} {'largest proc':>13}  what", flush=True)
    total, worst = 0.0, 0.0
    try:
        for label, argv in steps:
            seconds, tree, largest, summary = measure(label, argv)
            total += seconds
            worst = max(worst, tree)
            print(f"{label:<14} {seconds:8.1f} {tree:11.2f} GiB {largest:9.2f} GiB  {summary}", flush=True)
    finally:
        if tmp is not None:
            tmp.cleanup()
    print(f"{'total':<14} {total:8.1f} {worst:11.2f} GiB {'':>13}  "
          f"({worst / MACHINE_GIB:.0%} of this machine's {MACHINE_GIB:.0f} GiB at the worst step)")


if __name__ == "__main__":
    main()
