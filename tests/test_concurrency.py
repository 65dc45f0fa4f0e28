"""Two `revmentor run` on one workspace at once: the second refuses with a clear message, or waits.

Both are real processes started together on a copy of the demo workspace. Afterwards the store
passes its integrity check, every report is a complete page, the audit log shows the runs one
after the other (never overlapping) and nothing is left 'started'.
"""
from __future__ import annotations

import shutil
import sqlite3
import subprocess
from datetime import datetime
from pathlib import Path

import pandas as pd
import pytest
from conftest import revmentor_cmd

from revmentor_nb import Workspace

pytestmark = pytest.mark.notebook  # runs the notebooks (papermill), like test_notebooks


@pytest.fixture()
def workspace(demo_workspace, tmp_path) -> Path:
    """A private copy of the demo workspace."""
    root = tmp_path / "ws"
    shutil.copytree(demo_workspace, root, ignore=shutil.ignore_patterns("runs"))
    (root / "runs").mkdir()
    return root


def _together(*argvs: list[str]) -> list[subprocess.CompletedProcess]:
    """Start every command at once and wait for all of them."""
    procs = [subprocess.Popen(a, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for a in argvs]
    return [subprocess.CompletedProcess(p.args, p.wait(timeout=900), *p.communicate()) for p in procs]


def _consistent(root: Path) -> pd.DataFrame:
    """Integrity check, complete reports, nothing left 'started'; returns the audit log."""
    with sqlite3.connect(root / "program.sqlite") as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    for report in (root / "reports").rglob("*.html"):
        assert "</html>" in report.read_text(encoding="utf-8")[-200:], f"{report} is incomplete"
    log = Workspace(root).audit_log()
    assert not (log["status"] == "started").any()
    return log


def _intervals(log: pd.DataFrame, action: str = "run") -> list[tuple[datetime, datetime]]:
    runs = log[log["action"] == action]
    return sorted((datetime.fromisoformat(a), datetime.fromisoformat(b)) for a, b in zip(runs["at"], runs["finished_at"]))


def test_a_second_run_refuses_with_a_clear_message(workspace):
    before = len(Workspace(workspace).audit_log())
    first, second = _together(revmentor_cmd("run", str(workspace), "--stage", "design"),
                              revmentor_cmd("run", str(workspace), "--stage", "design"))
    codes = sorted([first.returncode, second.returncode])
    assert codes == [0, 75], (first.stderr, second.stderr)  # 75: busy, try later (EX_TEMPFAIL)
    refused = first if first.returncode else second
    message = refused.stderr.strip()
    assert "Traceback" not in message and message.startswith("revmentor:")
    assert str(workspace.resolve()) in message and "busy" in message and "--wait" in message
    assert len(message.splitlines()) == 1, message
    log = _consistent(workspace)
    new = log.iloc[before:]
    assert list(new.loc[new["action"] == "run", "status"]) == ["ok"]  # the refused run never started a step
    assert (workspace / "reports" / "01_design.html").exists()


def test_with_wait_the_second_run_goes_after_the_first(workspace):
    ws = Workspace(workspace)
    runs_before, log_before = len(ws.match_runs()), len(ws.audit_log())
    first, second = _together(revmentor_cmd("run", str(workspace), "--stage", "match", "--wait"),
                              revmentor_cmd("run", str(workspace), "--stage", "match", "--wait"))
    assert first.returncode == 0 and second.returncode == 0, (first.stderr[-2000:], second.stderr[-2000:])
    log = _consistent(workspace).iloc[log_before:]
    (a_start, a_end), (b_start, b_end) = _intervals(log)
    assert a_end <= b_start, "the two runs overlapped"
    assert list(log.loc[log["action"] == "match.run", "status"]) == ["ok", "ok"]
    ws = Workspace(workspace)
    assert len(ws.match_runs()) == runs_before + 2
    latest = ws.match_runs().iloc[-1]
    assert ws.match_run().id == latest["id"]  # the later run is the accepted one, stored whole
    assert len(ws.match_run().pairs) == latest["n_pairs"]
    for run_id in ws.match_runs()["id"].iloc[runs_before:]:
        assert (workspace / "exports" / run_id / "pairs.xlsx").exists()
