"""All four notebooks in JupyterLab at 1,024 px with every request off 127.0.0.1 blocked (a firewalled HR
network): each runs with no console error, no failed request, and draws its charts (altair's offline
JupyterChart: Vega's JavaScript comes through the kernel, not from a CDN)."""
from __future__ import annotations

import shutil
import sqlite3

import nbformat
import pytest

from revmentor_nb.run.lab import install_notebooks, set_parameter
from tests.browser.conftest import wait_all_cells_ran

pytestmark = pytest.mark.browser

CHART = ".jp-Notebook .vega-embed svg, .jp-Notebook .vega-embed canvas"
# widgets each notebook shows, besides its charts
WIDGETS = {"01_design.ipynb": ".rm-design-form", "02_match.ipynb": ".rm-match-board",
           "03_monitor.ipynb": ".rm-monitor-dashboard", "04_evaluate.ipynb": ".rm-eval-dashboard"}


@pytest.fixture(scope="module")
def seat(demo_workspace, lab):
    """A copy of the demo programme in the lab's root, with its notebooks (as `revmentor workshop` makes a seat)."""
    conn = sqlite3.connect(demo_workspace / "program.sqlite")
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    root = lab.root / "seat"
    shutil.copytree(demo_workspace, root, ignore=shutil.ignore_patterns(".revmentor.lock", "*-wal", "*-shm"))
    install_notebooks(root, overwrite=True)
    path = root / "notebooks" / "02_match.ipynb"
    nb = nbformat.read(path, as_version=4)
    set_parameter(nb, "tradeoff_points", 2)  # the trade-off curve is traced twice (notebook and board): keep it short
    nbformat.write(nb, path)
    return root


@pytest.mark.parametrize("notebook", list(WIDGETS))
def test_each_notebook_runs_offline_with_charts_and_no_errors(notebook, seat, offline_page, run_all_cells, artifacts):
    page, traffic = offline_page
    run_all_cells(page, f"seat/notebooks/{notebook}")
    wait_all_cells_ran(page)
    page.wait_for_selector(CHART, timeout=60_000)
    page.wait_for_selector(WIDGETS[notebook], timeout=60_000)
    drawn = page.locator(CHART).count()
    assert drawn >= 1
    assert not page.locator(".jp-Notebook :text('Error loading script')").count()
    cut = page.evaluate("""() => {
        const nb = document.querySelector('.jp-NotebookPanel:not(.lm-mod-hidden) .jp-Notebook').getBoundingClientRect();
        return [...document.querySelectorAll('.jp-NotebookPanel:not(.lm-mod-hidden) .vega-embed svg')]
            .map(e => e.getBoundingClientRect()).filter(r => r.right > nb.right + 1).map(r => Math.round(r.width));
    }""")
    assert cut == [], f"charts cut at the notebook's right edge at 1,024 px (their widths): {cut}"
    page.locator(CHART).first.scroll_into_view_if_needed()
    page.screenshot(path=str(artifacts / f"offline_{notebook.replace('.ipynb', '')}_chart_1024.png"))
    assert traffic.failed == [], traffic.failed
    assert traffic.errors == [], traffic.errors
