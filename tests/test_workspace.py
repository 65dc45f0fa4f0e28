"""The workspace: design on load, imports kept by hash, versions never overwritten, audit log, locks."""
from __future__ import annotations

import multiprocessing
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

from revmentor_nb import Workspace
from revmentor_nb.design.program import DesignError, ProgramDesign
from revmentor_nb.workspace.workspace import WorkspaceBusy, WorkspaceError


def test_create_then_open_reads_the_design(tmp_path):
    ws = Workspace.create(tmp_path / "p", ProgramDesign(name="Pilot", spaces=12))
    again = Workspace(tmp_path / "p")
    assert again.design.name == "Pilot" and again.design.spaces == 12
    assert {p.name for p in again.root.iterdir()} >= {"program.yaml", "program.sqlite", "imports", "runs", "reports"}


def test_create_refuses_to_overwrite(tmp_path):
    Workspace.create(tmp_path)
    with pytest.raises(WorkspaceError, match="already holds a programme"):
        Workspace.create(tmp_path)


def test_open_a_folder_without_program_yaml_says_how_to_make_one(tmp_path):
    with pytest.raises(WorkspaceError, match="revmentor new"):
        Workspace(tmp_path)


def test_invalid_program_yaml_names_the_key(tmp_path):
    Workspace.create(tmp_path)
    (tmp_path / "program.yaml").write_text("name: x\nspaces: 0\nschedule:\n  cadense_days: 30\n")
    with pytest.raises(DesignError) as err:
        Workspace(tmp_path)
    keys = set(err.value.problems["column"])
    assert keys == {"spaces", "schedule.cadense_days"}


def test_schema_version_is_recorded(tmp_path):
    import sqlite3

    ws = Workspace.create(tmp_path)
    with sqlite3.connect(ws.db_path) as conn:
        assert conn.execute("SELECT value FROM meta WHERE key='schema_version'").fetchone() == ("1",)


def test_record_and_step_write_the_audit_log(tmp_path):
    ws = Workspace.create(tmp_path)
    ws.record("override.lock", "M1->E1", {"before": 10.0, "after": 9.5}, who="ana")
    with pytest.raises(RuntimeError):
        with ws.step("import", "roster", who="ana"):
            raise RuntimeError("disk full")
    log = ws.audit_log()
    assert list(log["action"]) == ["override.lock", "import"]
    assert list(log["status"]) == ["ok", "failed"]
    assert log.iloc[1]["error"] == "RuntimeError: disk full"
    assert log.iloc[0]["detail"] == {"before": 10.0, "after": 9.5}


def _start_step_and_die(root: str) -> None:
    ws = Workspace(root)
    with ws.step("import", "participants"):
        os.kill(os.getpid(), signal.SIGKILL)


def test_a_killed_step_shows_as_failed_on_next_open(tmp_path):
    Workspace.create(tmp_path)
    proc = multiprocessing.get_context("fork").Process(target=_start_step_and_die, args=(str(tmp_path),))
    proc.start()
    proc.join(30)
    assert proc.exitcode == -signal.SIGKILL
    log = Workspace(tmp_path).audit_log()
    assert log.iloc[-1]["status"] == "failed" and "interrupted" in log.iloc[-1]["error"]


class _FakeResult:
    """A match result as the workspace sees it (only the attributes it stores)."""

    def __init__(self, pairs: pd.DataFrame, objective: float) -> None:
        self.pairs = pairs
        self.unmatched = pd.DataFrame({"person_id": ["E9"], "role": ["mentee"], "reason": ["no candidate"]})
        self.status, self.objective, self.bound, self.gap, self.seconds, self.data_hash = "Optimal", objective, objective, 0.0, 0.1, "abc"


def test_match_runs_are_versions_and_the_accepted_one_is_current(tmp_path):
    ws = Workspace.create(tmp_path)
    p1 = pd.DataFrame({"mentor_id": ["M1"], "mentee_id": ["E1"], "score": [3.0], "shared_topics": [["AI"]], "locked": [False]})
    p2 = p1.assign(mentee_id=["E2"], score=[4.0])
    first = ws.save_match(_FakeResult(p1, 3.0), accepted=True)
    second = ws.save_match(_FakeResult(p2, 4.0))
    assert ws.match_run().id == first  # the later run is not accepted yet
    assert ws.match_run(accepted=False).id == second
    ws.accept_match(second)
    current = ws.match_run()
    assert current.id == second and current.accepted
    pd.testing.assert_frame_equal(current.pairs, p2)
    assert len(ws.match_runs()) == 2  # the earlier run is still there


def test_run_lock_refuses_a_second_holder(tmp_path):
    ws = Workspace.create(tmp_path)
    other = Workspace(tmp_path)
    with ws.run_lock():
        with pytest.raises(WorkspaceBusy, match="busy"):
            with other.run_lock():
                pass
    with other.run_lock():  # free again
        pass


def test_pseudonym_salt_is_made_once_per_workspace_and_kept(tmp_path):
    a, b = Workspace.create(tmp_path / "a"), Workspace.create(tmp_path / "b")
    salt = a.pseudonym_salt
    assert len(salt) >= 32 and Workspace(tmp_path / "a").pseudonym_salt == salt != b.pseudonym_salt


def test_a_step_whose_process_is_a_zombie_counts_as_interrupted(tmp_path):
    """A killed process nobody has reaped yet (no init in a container) is not running its step any more."""
    from revmentor_nb.workspace.workspace import _pid_alive

    ws = Workspace.create(tmp_path)
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:  # exited, not yet waited for: a zombie
        with open(f"/proc/{child.pid}/stat") as fh:
            if fh.read().rsplit(")", 1)[1].split()[0] == "Z":
                break
        time.sleep(0.02)
    assert not _pid_alive(child.pid, socket.gethostname())
    with ws._transaction() as conn:
        conn.execute("INSERT INTO audit(at, who, action, status, pid, host) VALUES (?, ?, ?, ?, ?, ?)",
                     ("2026-01-01T00:00:00+00:00", "test", "import", "started", child.pid, socket.gethostname()))
    assert Workspace(tmp_path).audit_log().iloc[-1]["status"] == "failed"
    child.wait()
