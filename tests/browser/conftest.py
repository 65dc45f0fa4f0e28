"""Browser-test harness: JupyterLab on 127.0.0.1 with a random token, driven by Playwright and Debian's Chromium.

Reused by every UI test: ``lab`` starts one JupyterLab per test module in a temporary root
(isolated settings: no news pop-up, every cell kept in the page), ``page`` is a fresh
Chromium tab, and ``copy_notebook`` puts a stage notebook into the root with its
parameters set. Tests skip with a reason when Chromium or Playwright is missing (CI installs both).
"""
from __future__ import annotations

import json
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import nbformat
import pytest

CHROMIUM = Path(os.environ.get("REVMENTOR_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run", "--disable-quic"]
NOTEBOOKS = Path(__file__).resolve().parents[2] / "notebooks"
STARTUP_SECONDS = 90

# User settings for the test server: no news/update toasts over the page; every cell stays in the DOM;
# the notebook's kernel starts without a "Select Kernel" dialog.
LAB_SETTINGS = {
    "@jupyterlab/apputils-extension/notification.jupyterlab-settings": {"fetchNews": "false",
                                                                         "checkForUpdates": False},
    "@jupyterlab/notebook-extension/tracker.jupyterlab-settings": {"windowingMode": "none",
                                                                    "autoStartDefaultKernel": True},
    # no autosave: a notebook saved with widget outputs shows "widget model not found" when reopened
    "@jupyterlab/docmanager-extension/plugin.jupyterlab-settings": {"autosave": False},
}


def _require_browser() -> None:
    if not CHROMIUM.exists():
        pytest.skip(f"browser tests need Debian's Chromium at {CHROMIUM} (apt-get install -y chromium)")
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        pytest.skip("browser tests need playwright (pip install playwright; its own browsers are not needed)")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def copy_notebook(name: str, dest: Path, **parameters: object) -> Path:
    """Copy a stage notebook into ``dest`` with the given parameters set in its ``parameters`` cell."""
    nb = nbformat.read(NOTEBOOKS / name, as_version=4)
    cell = next(c for c in nb.cells if "parameters" in c.get("metadata", {}).get("tags", []))
    lines = cell.source.splitlines()
    for key, value in parameters.items():
        pattern = re.compile(rf"^{re.escape(key)}\s*=")
        new = f"{key} = {value!r}"
        hits = [i for i, line in enumerate(lines) if pattern.match(line)]
        if hits:
            lines[hits[0]] = new
        else:
            lines.append(new)
    cell.source = "\n".join(lines)
    out = dest / name
    nbformat.write(nb, out)
    return out


@dataclass(frozen=True)
class Lab:
    """A running JupyterLab: its base URL, token and root folder."""

    url: str
    token: str
    root: Path
    log: Path

    def tree_url(self, relative: str, workspace: str | None = None) -> str:
        """The URL that opens a file of the root in JupyterLab (in a JupyterLab workspace of its own when named,
        so tabs an earlier test opened are not restored beside it)."""
        where = f"/lab/workspaces/{workspace}" if workspace else "/lab"
        return f"{self.url}{where}/tree/{relative}?token={self.token}"


def _wait_until_up(proc: subprocess.Popen, url: str, log: Path) -> None:
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"JupyterLab exited with {proc.returncode}:\n{log.read_text()[-3000:]}")
        try:
            with urllib.request.urlopen(url, timeout=5) as resp:
                if resp.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.5)
    raise RuntimeError(f"JupyterLab did not answer {url} within {STARTUP_SECONDS} s:\n{log.read_text()[-3000:]}")


@pytest.fixture(scope="module")
def lab(tmp_path_factory) -> Iterator[Lab]:
    """JupyterLab on 127.0.0.1 (free port, random token) over a temporary root; stopped at teardown."""
    _require_browser()
    base = tmp_path_factory.mktemp("lab")
    root, home = base / "root", base / "home"
    root.mkdir()
    settings = home / "settings"
    for name, value in LAB_SETTINGS.items():
        path = settings / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(value))
    env = {**os.environ, "JUPYTERLAB_SETTINGS_DIR": str(settings), "JUPYTERLAB_WORKSPACES_DIR": str(home / "workspaces"),
           "JUPYTER_CONFIG_DIR": str(home / "config"), "JUPYTER_RUNTIME_DIR": str(home / "runtime"),
           "PYTHONWARNINGS": "ignore"}
    port, token = _free_port(), secrets.token_hex(16)
    log = base / "jupyterlab.log"
    cmd = [sys.executable, "-m", "jupyterlab", "--allow-root", "--no-browser", "--ip=127.0.0.1", f"--port={port}",
           f"--ServerApp.root_dir={root}", f"--IdentityProvider.token={token}", "--ServerApp.port_retries=0"]
    with open(log, "w") as out:
        proc = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT, env=env, cwd=root, start_new_session=True)
    server = Lab(f"http://127.0.0.1:{port}", token, root, log)
    try:
        _wait_until_up(proc, f"{server.url}/lab?token={token}", log)
        yield server
    finally:
        _stop(proc, server)


def _stop(proc: subprocess.Popen, lab: Lab | None = None) -> None:
    """Stop the server and its kernels: the shutdown API first, then its own process group, by id."""
    if proc.poll() is not None:
        return
    if lab is not None:
        request = urllib.request.Request(f"{lab.url}/api/shutdown", method="POST",
                                         headers={"Authorization": f"token {lab.token}"})
        try:
            urllib.request.urlopen(request, timeout=10).close()
            proc.wait(timeout=20)
            return
        except (urllib.error.URLError, ConnectionError, TimeoutError, subprocess.TimeoutExpired):
            pass
    try:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=15)
    except (ProcessLookupError, subprocess.TimeoutExpired):
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        proc.wait(timeout=5)


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    """Headless Chromium (Debian's) under Playwright."""
    _require_browser()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """Remember each phase's outcome on the test item (the page fixture screenshots failures)."""
    outcome = yield
    report = outcome.get_result()
    setattr(item, f"rep_{report.when}", report)


@pytest.fixture()
def page(browser, request, artifacts) -> Iterator[object]:
    """A fresh tab, large enough for a form next to JupyterLab's side bar; a failing test leaves a screenshot."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    tab = context.new_page()
    tab.set_default_timeout(30_000)
    try:
        yield tab
    finally:
        report = getattr(request.node, "rep_call", None)
        if report is not None and report.failed:
            tab.screenshot(path=str(artifacts / f"{request.node.name}-failure.png"))
        context.close()


def _run_all_cells(page, lab: Lab, notebook: str) -> None:
    page.goto(lab.tree_url(notebook, workspace=f"t{secrets.token_hex(4)}"))
    page.wait_for_selector(".jp-Notebook .jp-Cell", timeout=60_000)
    select = page.locator(".jp-Dialog button", has_text=re.compile(r"^Select$"))
    try:  # older settings or a slow kernel list can still ask once
        select.wait_for(timeout=3_000)
        select.click()
    except Exception:  # noqa: BLE001 - no dialog: nothing to do
        pass
    try:  # a Run All sent before the kernel is connected can be lost: wait for it to say Idle
        page.wait_for_function("() => /Idle/.test(document.querySelector('#jp-main-statusbar')?.textContent || '')",
                               timeout=60_000)
    except Exception:  # noqa: BLE001 - an older status bar: carry on as before
        pass
    page.locator(".lm-MenuBar-itemLabel", has_text=re.compile(r"^Run$")).click()
    page.locator(".lm-Menu-itemLabel", has_text=re.compile(r"^Run All Cells$")).click()


@pytest.fixture()
def run_all_cells(lab: Lab):
    """``run_all_cells(page, "01_design.ipynb")``: open a notebook of the lab root and Run > Run All Cells."""
    return lambda page, notebook: _run_all_cells(page, lab, notebook)


@pytest.fixture()
def notebook_in_lab(lab: Lab):
    """``notebook_in_lab("01_design.ipynb", workspace=...)``: copy a stage notebook into the lab root, parameters set."""
    return lambda name, **parameters: copy_notebook(name, lab.root, **parameters)


LOCAL_HOSTS = ("127.0.0.1", "localhost")


@dataclass
class Traffic:
    """What a page did off the machine and wrong: requests blocked, requests failed, console errors."""

    blocked: list = None  # type: ignore[assignment]
    failed: list = None  # type: ignore[assignment]
    errors: list = None  # type: ignore[assignment]

    def __post_init__(self) -> None:
        self.blocked, self.failed, self.errors = [], [], []


def block_outside_traffic(page) -> Traffic:
    """Abort every request to a host other than 127.0.0.1 (as a firewalled HR network would) and record
    console errors and failed requests."""
    from urllib.parse import urlparse

    seen = Traffic()

    def route(r) -> None:
        host = urlparse(r.request.url).hostname
        if r.request.url.startswith(("data:", "blob:")) or host in LOCAL_HOSTS:
            r.continue_()
        else:
            seen.blocked.append(r.request.url)
            r.abort()

    page.route("**/*", route)
    page.on("console", lambda m: seen.errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: seen.errors.append(f"page error: {e}"))
    page.on("requestfailed", lambda r: seen.failed.append(f"{r.url} ({r.failure})"))
    return seen


@pytest.fixture()
def offline_page(browser, request, artifacts) -> Iterator[tuple[object, Traffic]]:
    """A 1,024 px wide tab with every request off 127.0.0.1 blocked; yields (page, traffic)."""
    context = browser.new_context(viewport={"width": 1024, "height": 900})
    tab = context.new_page()
    tab.set_default_timeout(30_000)
    traffic = block_outside_traffic(tab)
    try:
        yield tab, traffic
    finally:
        report = getattr(request.node, "rep_call", None)
        if report is not None and report.failed:
            tab.screenshot(path=str(artifacts / f"{request.node.name}-failure.png"))
        context.close()


def wait_all_cells_ran(page, timeout: float = 300_000) -> None:
    """Wait until every code cell of the open notebook has run (an execution count each), or one failed;
    then fail with the error's text if one did."""
    page.wait_for_function(
        r"""() => {
            const failed = [...document.querySelectorAll(ERRORS)].some(e => /Traceback|Error/.test(e.textContent));
            if (failed) return true;
            const prompts = [...document.querySelectorAll(
                '.jp-NotebookPanel:not(.lm-mod-hidden) .jp-Notebook .jp-CodeCell .jp-InputPrompt')];
            return prompts.length > 0 && prompts.every(p => /\[\d+\]/.test(p.textContent));
        }""".replace("ERRORS", repr(_ERROR_OUTPUTS)), timeout=timeout, polling=1000)
    failed = [t for t in page.locator(_ERROR_OUTPUTS).all_inner_texts() if "Traceback" in t or "Error" in t]
    if failed:
        raise AssertionError(f"a cell failed: {failed[0][-3000:]}")


# JupyterLab draws a cell's error (and stderr) with the stderr renderer
_ERROR_OUTPUTS = '.jp-Notebook .jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"]'
