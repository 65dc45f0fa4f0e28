"""Voila (the workshop extra): 02_match as a code-free page with outside traffic blocked. The page load runs the
notebook on the server, resumes the seat's accepted match and accepts nothing; the board and a chart draw."""
from __future__ import annotations

import os
import re
import secrets
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
import urllib.error
import urllib.request

import pytest

from revmentor_nb import Workspace
from revmentor_nb.run.lab import install_notebooks, set_parameter
from tests.browser.conftest import _free_port

pytestmark = pytest.mark.browser

CHART = ".vega-embed svg, .vega-embed canvas"
# Voila's page template links Font Awesome from a CDN (icons only; the page works without it)
VOILA_CDN_CSS = re.compile(r"^https://cdn\.jsdelivr\.net/npm/(font-awesome|@fortawesome/fontawesome-free)@[^/]+/css/")


@pytest.fixture()
def voila_seat(demo_workspace, tmp_path):
    pytest.importorskip("voila", reason="Voila is the optional workshop extra: pip install 'revmentor_nb[workshop]'")
    import nbformat

    conn = sqlite3.connect(demo_workspace / "program.sqlite")
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    root = tmp_path / "room" / "seat-01"
    shutil.copytree(demo_workspace, root, ignore=shutil.ignore_patterns(".revmentor.lock", "*-wal", "*-shm"))
    install_notebooks(root, overwrite=True)
    path = root / "notebooks" / "02_match.ipynb"
    nb = nbformat.read(path, as_version=4)
    set_parameter(nb, "tradeoff_points", 2)
    nbformat.write(nb, path)
    port, token = _free_port(), secrets.token_hex(16)
    home = tmp_path / "home"
    env = {**os.environ, "JUPYTER_CONFIG_DIR": str(home / "config"), "JUPYTER_RUNTIME_DIR": str(home / "runtime"),
           "PYTHONWARNINGS": "ignore"}
    log = tmp_path / "voila.log"
    with open(log, "w") as out:
        proc = subprocess.Popen([sys.executable, "-m", "voila", str(tmp_path / "room"), "--no-browser",
                                 f"--port={port}", "--Voila.ip=127.0.0.1", f"--token={token}"],
                                stdout=out, stderr=subprocess.STDOUT, env=env, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                urllib.request.urlopen(f"{base}/?token={token}", timeout=5).close()
                break
            except (urllib.error.URLError, ConnectionError):
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"Voila did not start:\n{log.read_text()[-3000:]}") from None
                time.sleep(0.5)
        yield root, f"{base}/voila/render/seat-01/notebooks/02_match.ipynb?token={token}"
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)


def test_voila_page_load_resumes_the_seat_and_accepts_nothing(voila_seat, offline_page, artifacts):
    root, url = voila_seat
    page, traffic = offline_page
    ws = Workspace(root)
    accepted, runs = ws.match_run().id, len(ws.match_runs())
    page.goto(url, timeout=240_000)
    page.wait_for_selector(".rm-match-board tr.rm-pair", timeout=240_000)
    page.wait_for_selector(CHART, timeout=60_000)
    assert "The board shows the accepted match" in page.locator(".rm-session").inner_text()
    again = Workspace(root)
    assert again.match_run().id == accepted and len(again.match_runs()) == runs
    page.locator(".rm-review-panel").scroll_into_view_if_needed()
    page.screenshot(path=str(artifacts / "voila_02_match_1024.png"))
    assert all(VOILA_CDN_CSS.match(u) for u in traffic.blocked), traffic.blocked
    unexplained = [f for f in traffic.failed if not VOILA_CDN_CSS.match(f)]
    assert unexplained == [], unexplained
    errors = [e for e in traffic.errors if "font-awesome" not in e and "net::ERR_FAILED" not in e]
    assert errors == [], errors
