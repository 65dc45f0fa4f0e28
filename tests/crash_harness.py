"""Kill real runs with SIGKILL at random points and check what the workspace looks like afterwards.

A trial copies a workspace, snapshots it (every stored dataset by content hash, the imports,
match runs, audit rows, report and export files), starts a real step in a child process
(``Workspace.import_file`` in a small driver, or ``revmentor run --stage ...`` with its Jupyter
kernel), waits until the step has logged itself as started, sleeps a random delay drawn from a
seeded generator, and SIGKILLs either the step's process alone (its kernel must then go by
itself) or the whole process tree at once (a power cut, the OOM killer). Then it checks:

- ``program.sqlite`` passes ``PRAGMA integrity_check`` and the workspace opens;
- everything stored before is byte-for-byte the same (datasets, imports, match runs, audit rows);
- every dataset stored since is complete, and each current table is the old one or the complete new one;
- the interrupted step shows as failed ("interrupted") in the audit log, and nothing is left "started";
- reports are complete HTML files, exports are complete folders of a stored run, imported files
  match their recorded hash, and the run lock is free.

``tests/test_crash_safety.py`` runs a few trials per kind; ``benchmarks/bench_crash.py`` runs many.
"""
from __future__ import annotations

import hashlib
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

KINDS = ("import", "match", "report")
DRIVER = """
import sys
from revmentor_nb import Workspace
ws = Workspace(sys.argv[1])
print("ready", flush=True)
rec = ws.import_file(sys.argv[2], sys.argv[3])
print("imported", rec.rows, flush=True)
"""


# --------------------------------------------------------------------------- snapshots


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@dataclass
class Snapshot:
    """What a workspace holds, by content."""

    datasets: dict[int, tuple]  # id -> (name, columns, n_rows, rows stored, hash of the rows)
    imports: dict[int, tuple]
    match_runs: dict[str, tuple]
    audit: dict[int, tuple]
    current: dict[str, int]  # kind -> current dataset id
    files: dict[str, str]  # path under the workspace -> hash (reports/, imports/, exports/)

    @property
    def last_audit(self) -> int:
        """The highest audit id."""
        return max(self.audit, default=0)


def _connect_ro(root: Path) -> sqlite3.Connection:
    return sqlite3.connect(f"file:{root / 'program.sqlite'}?mode=ro", uri=True, timeout=30)


def snapshot(root: Path) -> Snapshot:
    """Read everything a workspace stores, without opening it as a Workspace (which repairs the audit log)."""
    conn = _connect_ro(root)
    try:
        datasets = {}
        for ds, name, columns, n_rows in conn.execute("SELECT id, name, columns, n_rows FROM datasets ORDER BY id"):
            h = hashlib.sha256()
            stored = 0
            for pos, data in conn.execute("SELECT pos, data FROM dataset_rows WHERE dataset_id=? ORDER BY pos", (ds,)):
                h.update(f"{pos}\t{data}\n".encode())
                stored += 1
            datasets[ds] = (name, columns, n_rows, stored, h.hexdigest())
        imports = {r[0]: r[1:] for r in conn.execute("SELECT * FROM imports ORDER BY id")}
        runs = {r[0]: r[1:] for r in conn.execute("SELECT * FROM match_runs ORDER BY rowid")}
        audit = {r[0]: r[1:] for r in conn.execute("SELECT * FROM audit ORDER BY id")}
        current = {kind: ds for kind, ds in conn.execute(
            "SELECT kind, dataset_id FROM imports WHERE id IN (SELECT MAX(id) FROM imports GROUP BY kind)")}
    finally:
        conn.close()
    files = {}
    for sub in ("reports", "imports", "exports"):
        for p in sorted((root / sub).rglob("*")):
            if p.is_file():
                files[str(p.relative_to(root))] = _sha(p.read_bytes())
    return Snapshot(datasets, imports, runs, audit, current, files)


def integrity(root: Path) -> str:
    """``PRAGMA integrity_check`` of the store ('ok' when sound)."""
    conn = sqlite3.connect(root / "program.sqlite", timeout=30)
    try:
        return "; ".join(r[0] for r in conn.execute("PRAGMA integrity_check"))
    finally:
        conn.close()


# --------------------------------------------------------------------------- processes


def process_tree(pid: int) -> list[int]:
    """A process and all its descendants (from /proc), parents first."""
    out, todo = [], [pid]
    while todo:
        p = todo.pop(0)
        out.append(p)
        try:
            for task in os.listdir(f"/proc/{p}/task"):
                with open(f"/proc/{p}/task/{task}/children") as fh:
                    todo += [int(c) for c in fh.read().split()]
        except OSError:
            pass
    return out


def running(pid: int) -> bool:
    """Is ``pid`` a live process (a zombie counts as gone)?"""
    try:
        with open(f"/proc/{pid}/stat") as fh:
            return fh.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def wait_gone(pids: list[int], timeout: float) -> list[int]:
    """Wait until none of ``pids`` runs; returns those still running at the timeout."""
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        alive = [p for p in pids if running(p)]
        if not alive:
            return []
        time.sleep(0.05)
    return [p for p in pids if running(p)]


def command(kind: str, root: Path, source: Path | None = None, stage: str = "monitor") -> list[str]:
    """The child process of one kind of step."""
    if kind == "import":
        return [sys.executable, "-c", DRIVER, str(root), "roster", str(source)]
    return [sys.executable, "-m", "revmentor_nb.run.cli", "run", str(root), "--stage", "match" if kind == "match" else stage]


def _new_audit_row(root: Path, after: int) -> bool:
    try:
        conn = _connect_ro(root)
        try:
            return conn.execute("SELECT 1 FROM audit WHERE id>?", (after,)).fetchone() is not None
        finally:
            conn.close()
    except sqlite3.Error:
        return False


@dataclass
class Run:
    """One started step: its process, when the step logged itself, how it ended."""

    proc: subprocess.Popen
    started: float | None = None
    killed_after: float | None = None
    killed: list[int] = field(default_factory=list)
    mode: str = ""
    finished_first: bool = False
    stderr: str = ""
    wal_growth: int = 0  # bytes the store's write-ahead log grew by up to the kill: a write in progress


def start_and_kill(cmd: list[str], root: Path, after_audit: int, delay: float | None, mode: str,
                   timeout: float = 300.0) -> Run:
    """Start ``cmd``; once it has logged a new audit row, wait ``delay`` s and SIGKILL it (None: let it finish)."""
    wal = root / "program.sqlite-wal"
    wal_before = wal.stat().st_size if wal.exists() else 0
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                            start_new_session=True, cwd=root)
    run = Run(proc, mode=mode)
    t0 = time.monotonic()
    while proc.poll() is None and time.monotonic() - t0 < timeout:
        if _new_audit_row(root, after_audit):
            run.started = time.monotonic()
            break
        time.sleep(0.01)
    if delay is not None and proc.poll() is None and run.started is not None:
        end = run.started + delay
        while proc.poll() is None and time.monotonic() < end:
            time.sleep(0.005)
        if proc.poll() is None:
            tree = process_tree(proc.pid)
            targets = tree if mode == "tree" else [proc.pid]
            for pid in targets:
                try:
                    os.kill(pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
            run.killed_after = time.monotonic() - run.started
            run.killed = tree
            wait_gone(tree, 15.0)
            run.wal_growth = (wal.stat().st_size if wal.exists() else 0) - wal_before
    try:
        _, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        _, err = proc.communicate()
    run.stderr = err or ""
    run.finished_first = run.killed_after is None
    return run


# --------------------------------------------------------------------------- checks


def check_after(root: Path, before: Snapshot, run: Run, expected_current: dict[str, set[int | str]]) -> list[str]:
    """Every problem with the workspace after a killed (or finished) step; [] when all is well."""
    problems = []
    left = wait_gone(run.killed or [run.proc.pid], 15.0)
    if left:
        problems.append(f"processes still running 15 s after the kill (an orphaned kernel?): {left}")
    verdict = integrity(root)
    if verdict != "ok":
        return problems + [f"integrity_check: {verdict}"]
    from revmentor_nb import Workspace
    from revmentor_nb.workspace.workspace import WorkspaceBusy

    try:
        ws = Workspace(root)
    except Exception as err:  # noqa: BLE001 - any failure to open is the finding
        return problems + [f"the workspace does not open: {type(err).__name__}: {err}"]
    after = snapshot(root)
    for table in ("datasets", "imports", "match_runs", "audit"):
        old, new = getattr(before, table), getattr(after, table)
        changed = [key for key in old if new.get(key) != old[key]]
        if changed:
            problems.append(f"{table} stored before changed: {changed[:5]}")
    for ds, (name, _, n_rows, stored, _) in after.datasets.items():
        if stored != n_rows:
            problems.append(f"dataset {ds} ({name}) holds {stored} of its {n_rows} rows")
    for kind, ds in after.current.items():
        allowed = {before.current.get(kind)} | expected_current.get(kind, set())
        digest = after.datasets[ds][4]
        if ds not in allowed and digest not in allowed:
            problems.append(f"current {kind} is dataset {ds}: neither the one before nor the complete new one")
    new_rows = {i: r for i, r in after.audit.items() if i > before.last_audit}
    status = {i: r[5] for i, r in new_rows.items()}
    error = {i: r[7] or "" for i, r in new_rows.items()}
    if any(s == "started" for s in status.values()):
        problems.append(f"audit rows left 'started' after reopening: {[i for i, s in status.items() if s == 'started']}")
    if not run.finished_first:
        if not new_rows:
            problems.append("the killed step left no trace in the audit log")
        elif not any(s == "failed" and "interrupted" in error[i] for i, s in status.items()) and \
                not all(s == "ok" for s in status.values()):
            problems.append(f"the interrupted step is not shown as failed: {status} {error}")
    for rel, digest in before.files.items():
        if rel.startswith("reports/") and rel.endswith(".html") and rel in after.files and after.files[rel] != digest:
            text = (root / rel).read_text(encoding="utf-8", errors="replace")
            if "</html>" not in text[-200:]:
                problems.append(f"{rel} was left half written")
    for rel in after.files:
        if rel.startswith("reports/") and rel.endswith(".html") and rel not in before.files:
            if "</html>" not in (root / rel).read_text(encoding="utf-8", errors="replace")[-200:]:
                problems.append(f"new report {rel} is incomplete")
    runs = set(after.match_runs)
    for folder in (root / "exports").iterdir() if (root / "exports").exists() else ():
        if folder.name.startswith(".") or not folder.is_dir():
            continue  # a folder being built (never read), or index.html / CURRENT (checked below)
        missing = [f for f in ("pairs.csv", "pairs.xlsx", "unmatched.csv", "index.md") if not (folder / f).exists()]
        if missing or folder.name not in runs:
            problems.append(f"exports/{folder.name} is incomplete ({missing}) or of no stored run")
    pointer = root / "exports" / "CURRENT"
    if pointer.exists():  # CURRENT names a whole hand-over of a stored run, never a half-written one
        named = pointer.read_text(encoding="utf-8", errors="replace").strip()
        if not (root / "exports" / named / "index.md").exists() or named not in runs:
            problems.append(f"exports/CURRENT names {named!r}, which is not a complete hand-over of a stored run")
    for rel, digest in after.files.items():  # kept copies are named by their content hash
        name = Path(rel).name
        if rel.startswith("imports/") and not name.startswith(".") and Path(name).stem != digest:
            problems.append(f"kept import {rel} does not hold the content its name promises")
    try:
        with ws.run_lock():
            pass
    except WorkspaceBusy as err:
        problems.append(f"the run lock is still held: {err}")
    return problems


@dataclass
class Outcome:
    """One trial: what kind, when it was killed, how, and what the audit log says now."""

    kind: str
    delay: float
    mode: str
    finished_first: bool
    statuses: list[str]
    problems: list[str]
    mid_write: bool = False

    def label(self) -> str:
        """A short description for a tally."""
        if self.finished_first:
            return "finished before the kill"
        return "killed: " + ", ".join(self.statuses) + (" (mid-write: uncommitted rows rolled back)"
                                                        if self.mid_write else "")


def audit_summary(root: Path, after_audit: int) -> list[str]:
    """The new audit rows as 'action status' strings (read after the workspace was reopened)."""
    conn = _connect_ro(root)
    try:
        return [f"{a} {s}" for a, s in conn.execute("SELECT action, status FROM audit WHERE id>? ORDER BY id",
                                                    (after_audit,))]
    finally:
        conn.close()


def trial(kind: str, base: Path, work: Path, delay: float, mode: str, *, source: Path | None = None,
          stage: str = "monitor", expected_current: dict[str, set[int | str]] | None = None) -> Outcome:
    """Copy ``base`` to ``work``, start one step of ``kind`` there, kill it after ``delay`` s, check the result."""
    shutil.copytree(base, work)
    before = snapshot(work)
    run = start_and_kill(command(kind, work, source, stage), work, before.last_audit, delay, mode)
    if run.started is None:
        return Outcome(kind, delay, mode, True, [], [f"the step never logged itself as started: {run.stderr[-2000:]}"])
    problems = check_after(work, before, run, expected_current or {})
    stored = len(snapshot(work).datasets) > len(before.datasets)
    mid_write = not run.finished_first and not stored and run.wal_growth > 256 * 1024
    return Outcome(kind, delay, mode, run.finished_first, audit_summary(work, before.last_audit), problems, mid_write)


def complete_run(kind: str, base: Path, work: Path, *, source: Path | None = None,
                 stage: str = "monitor") -> tuple[float, Snapshot, Snapshot]:
    """Run one step of ``kind`` to the end on a copy: (seconds from its first audit row to exit, before, after)."""
    shutil.copytree(base, work)
    before = snapshot(work)
    run = start_and_kill(command(kind, work, source, stage), work, before.last_audit, None, "")
    if run.proc.returncode != 0 or run.started is None:
        raise RuntimeError(f"{kind} did not complete (exit {run.proc.returncode}): {run.stderr[-3000:]}")
    seconds = time.monotonic() - run.started
    return seconds, before, snapshot(work)


def delays(seed: int, kind: str, n: int, span: float) -> list[float]:
    """``n`` kill delays for ``kind``, spread over the step's duration (seeded, so a failure can be replayed)."""
    rng = np.random.default_rng([seed, KINDS.index(kind)])
    # stratified: one delay in each of n equal slices of the span, so early, middle and late points all occur
    return [float((i + rng.random()) * span / n) for i in range(n)]
