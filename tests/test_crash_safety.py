"""Crash safety: SIGKILL real imports, match runs and report runs at random points (``crash_harness``).

Each kind first runs once to the end on a copy of the demo workspace (that gives the step's
length and the complete new state), then is killed at stratified random points across that
length in fresh copies: the previous state must be intact, the store sound, the interrupted
step failed in the audit log. The kill takes the step's process alone (match and report runs:
every other trial the whole tree, kernel included, at once). CI runs a few trials per kind;
``REVMENTOR_CRASH_TRIALS=N`` runs N per kind and ``REVMENTOR_CRASH_SEED`` picks other points
(``benchmarks/bench_crash.py`` prints a tally over many).
"""
from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from crash_harness import (
    KINDS,
    check_after,
    command,
    complete_run,
    delays,
    snapshot,
    start_and_kill,
    trial,
)

pytestmark = pytest.mark.notebook  # runs the notebooks (papermill), like test_notebooks

TRIALS = {"import": 4, "match": 2, "report": 2}
SEED = int(os.environ.get("REVMENTOR_CRASH_SEED", "8"))


def trials(kind: str) -> int:
    """How many kill points this run tries for ``kind``."""
    return int(os.environ.get("REVMENTOR_CRASH_TRIALS", TRIALS[kind]))


@pytest.fixture(scope="module")
def base(demo_workspace, tmp_path_factory) -> Path:
    """A private copy of the demo workspace (all four stages run): the state every trial starts from."""
    root = tmp_path_factory.mktemp("crash") / "base"
    shutil.copytree(demo_workspace, root, ignore=shutil.ignore_patterns("runs"))
    (root / "runs").mkdir()
    return root


@pytest.fixture(scope="module")
def big_roster(tmp_path_factory) -> Path:
    """A 20,000-person roster file: an import long enough (about a second) to be killed at many points."""
    from revmentor_nb import demo

    folder = tmp_path_factory.mktemp("roster")
    return demo.write_inputs(demo.build_demo(seed=5, n_employees=20_000), folder)["roster"]


@pytest.mark.parametrize("kind", KINDS)
def test_sigkill_at_random_points_leaves_the_previous_state_intact(kind, base, big_roster, tmp_path):
    seconds, before, after = complete_run(kind, base, tmp_path / "complete", source=big_roster)
    expected = {k: {after.datasets[ds][4]} for k, ds in after.current.items() if before.current.get(k) != ds}
    if kind == "import":
        assert "roster" in expected, "the complete import stored no new roster"
    outcomes = []
    for i, delay in enumerate(delays(SEED, kind, trials(kind), seconds)):
        mode = "tree" if kind != "import" and i % 2 else "process"
        outcomes.append(trial(kind, base, tmp_path / f"trial{i}", delay, mode, source=big_roster,
                              expected_current=expected))
    tally = "\n".join(f"{o.kind} killed {o.delay:5.2f} s into a {seconds:.1f} s step ({o.mode}): {o.label()}"
                      + "".join(f"\n    PROBLEM {p}" for p in o.problems) for o in outcomes)
    print(f"\n{tally}")
    assert not [p for o in outcomes for p in o.problems], tally
    inside = [o for o in outcomes if not o.finished_first]
    assert len(inside) >= max(1, len(outcomes) - 1), f"the kills must land inside the step:\n{tally}"
    assert all(any("failed" in s for s in o.statuses) or all(s.endswith(" ok") for s in o.statuses)
               for o in inside), tally


def test_a_killed_import_can_be_done_again(base, big_roster, tmp_path):
    """After a kill, the same import runs to the end and becomes the current roster."""
    work = tmp_path / "ws"
    outcome = trial("import", base, work, 0.3, "process", source=big_roster)
    assert not outcome.problems
    before = snapshot(work)
    again = start_and_kill(command("import", work, big_roster), work, before.last_audit, None, "")
    assert again.proc.returncode == 0, again.stderr
    after = snapshot(work)
    assert not check_after(work, before, again, {"roster": {after.datasets[after.current["roster"]][4]}})
    from revmentor_nb import Workspace

    log = Workspace(work).audit_log()
    assert list(log["status"].tail(1)) == ["ok"] and len(Workspace(work).table("roster")) == 20_000
