"""Re-running 02_match interactively in a real kernel (as Run All or a Voila page load does) stores nothing,
accepts nothing and resumes the reviewed session; `revmentor lab` and `revmentor new` give the user notebooks."""
from __future__ import annotations

import shutil
import urllib.error
import sqlite3
import subprocess

import pytest

from revmentor_nb import Workspace, match
from revmentor_nb.review.session import open_session
from revmentor_nb.run.lab import install_notebooks
from tests.conftest import revmentor_cmd


def _copy(demo_workspace, dest):
    conn = sqlite3.connect(demo_workspace / "program.sqlite")
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    shutil.copytree(demo_workspace, dest, ignore=shutil.ignore_patterns(".revmentor.lock", "*-wal", "*-shm"))
    return Workspace(dest)


@pytest.mark.notebook
def test_rerunning_02_match_interactively_keeps_the_accepted_run_and_overrides(demo_workspace, tmp_path):
    import papermill as pm

    ws = _copy(demo_workspace, tmp_path / "ws")
    people = ws.require("participants")
    fresh = match(people, roster=ws.table("roster"), exclusions=ws.table("exclusions"), locks=ws.table("locks"),
                  settings=ws.design.matching)
    session = open_session(ws, fresh, who="reviewer")
    assert session.kind == "resumed", session.why  # the headless demo's accepted run, rebuilt
    cand = session.result.candidates
    lock = tuple(map(str, cand[~cand["chosen"]].sort_values("score").iloc[-1][["mentor_id", "mentee_id"]]))
    session.review.lock(*lock)
    pair = session.result.pairs[~session.result.pairs["locked"].astype(bool)].iloc[0]
    forbid = (str(pair["mentor_id"]), str(pair["mentee_id"]))
    session.review.forbid(*forbid)
    reviewed = ws.match_run()
    runs_before, log_before = len(ws.match_runs()), len(ws.audit_log())

    written, _ = install_notebooks(ws.root)
    out = tmp_path / "executed.ipynb"
    nb = pm.execute_notebook(str(ws.root / "notebooks" / "02_match.ipynb"), str(out), kernel_name="python3",
                             parameters={"tradeoff_points": 2}, cwd=str(ws.root / "notebooks"), progress_bar=False)
    again = Workspace(ws.root)
    assert again.match_run().id == reviewed.id  # still the reviewed run: nothing accepted by running
    assert len(again.match_runs()) == runs_before and len(again.audit_log()) == log_before
    said = [o["data"]["text/markdown"] for c in nb.cells for o in c.get("outputs", [])
            if "text/markdown" in o.get("data", {})]
    assert any(f"accepted match, run {reviewed.id}" in t and "its 2 overrides" in t for t in said), said
    pairs = set(zip(reviewed.pairs["mentor_id"], reviewed.pairs["mentee_id"]))
    assert lock in pairs and forbid not in pairs


def test_new_gives_notebooks_and_lab_starts_jupyterlab_there(tmp_path):
    made = subprocess.run(revmentor_cmd("new", str(tmp_path / "ws")), capture_output=True, text=True)
    assert made.returncode == 0, made.stderr
    folder = tmp_path / "ws" / "notebooks"
    assert sorted(p.name for p in folder.glob("*.ipynb")) == ["01_design.ipynb", "02_match.ipynb",
                                                              "03_monitor.ipynb", "04_evaluate.ipynb"]
    assert "workspace = '..'" in (folder / "02_match.ipynb").read_text()
    (folder / "02_match.ipynb").write_text((folder / "02_match.ipynb").read_text().replace("Review", "My review"))
    dry = subprocess.run(revmentor_cmd("lab", str(tmp_path / "ws"), "--no-browser", "--port", "8899", "--dry-run"),
                         capture_output=True, text=True)
    assert dry.returncode == 0, dry.stderr
    assert "kept your 4 notebook(s)" in dry.stdout and "My review" in (folder / "02_match.ipynb").read_text()
    assert f"--ServerApp.root_dir={(tmp_path / 'ws').resolve()}" in dry.stdout
    assert "--port=8899" in dry.stdout and "--no-browser" in dry.stdout and "token" not in dry.stdout
    bad = subprocess.run(revmentor_cmd("lab", str(tmp_path / "nothing")), capture_output=True, text=True)
    assert bad.returncode == 1 and "revmentor new" in bad.stderr and "Traceback" not in bad.stderr


def test_lab_serves_the_workspace_notebooks_with_jupyterlabs_own_token(tmp_path):
    import json
    import os
    import re
    import signal
    import socket
    import time
    import urllib.request

    subprocess.run(revmentor_cmd("new", str(tmp_path / "ws")), check=True, capture_output=True)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    home = tmp_path / "home"
    env = {**os.environ, "JUPYTER_CONFIG_DIR": str(home / "config"), "JUPYTER_RUNTIME_DIR": str(home / "runtime"),
           "JUPYTERLAB_WORKSPACES_DIR": str(home / "workspaces")}
    log = tmp_path / "lab.log"
    with open(log, "w") as out:
        proc = subprocess.Popen(revmentor_cmd("lab", str(tmp_path / "ws"), "--no-browser", "--port", str(port),
                                              "--ip", "127.0.0.1"), stdout=out, stderr=subprocess.STDOUT, env=env,
                                start_new_session=True)
    try:
        deadline, url = time.monotonic() + 90, None
        while url is None and time.monotonic() < deadline and proc.poll() is None:
            found = re.search(rf"http://127\.0\.0\.1:{port}/\S*\?token=([0-9a-f]+)", log.read_text())
            url = found and found.group(0)
            time.sleep(0.5)
        assert url, log.read_text()[-2000:]
        token = re.search(r"token=([0-9a-f]+)", url).group(1)
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/contents/notebooks?token={token}", timeout=10) as r:
            listing = json.load(r)
        assert sorted(x["name"] for x in listing["content"]) == ["01_design.ipynb", "02_match.ipynb",
                                                                 "03_monitor.ipynb", "04_evaluate.ipynb"]
        with pytest.raises(urllib.error.HTTPError):  # no token, no access: JupyterLab's own token is in force
            urllib.request.urlopen(f"http://127.0.0.1:{port}/api/contents/notebooks", timeout=10)
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=20)
