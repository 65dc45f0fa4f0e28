"""The monitor dashboard in a browser: run 03_monitor in JupyterLab, change a threshold, see the package's count."""
from __future__ import annotations

from datetime import date
from types import SimpleNamespace

import pandas as pd
import pytest

from revmentor_nb import Workspace, demo
from revmentor_nb.design.program import ProgramDesign, Schedule
from revmentor_nb.monitoring.activity import load
from revmentor_nb.monitoring.status import at_risk_count, edit_rules

pytestmark = pytest.mark.browser

AS_OF = date(2026, 6, 1)
NEW_GAP = 3.0


def _workspace(root) -> Workspace:
    """A workspace holding a simulated programme: demo sign-ups paired in order, six months of activity."""
    org = demo.build_demo(seed=1, n_employees=800)
    people = org.participants
    mentors = people.loc[people["role"] == "mentor", "person_id"].tolist()
    mentees = people.loc[people["role"] == "mentee", "person_id"].tolist()
    n = min(len(mentors), len(mentees))
    pairs = pd.DataFrame({"mentor_id": mentors[:n], "mentee_id": mentees[:n]})
    design = ProgramDesign(schedule=Schedule(start_date=org.start_date, length_months=6, cadence_days=30),
                           grade_order=list(org.grade_order))
    ws = Workspace.create(root, design)
    ws.save_match(SimpleNamespace(pairs=pairs, unmatched=pd.DataFrame({"person_id": pd.Series(dtype=str)}),
                                  objective=float(n), status="Optimal"), accepted=True)
    act = demo.simulate_activity(org, pairs, seed=2, cadence_days=30)
    ws.import_frame("participants", people, source_name="signups.csv")
    for kind in ("meetings", "checkins", "training", "agreements"):
        ws.import_frame(kind, getattr(act, kind), source_name=f"{kind}.csv")
    return ws


def _count(page) -> str:
    return page.locator(".rm-monitor-dashboard .rm-count-at-risk").inner_text().strip()


def test_changing_a_threshold_shows_the_at_risk_count_the_package_computes(lab, page, notebook_in_lab, run_all_cells,
                                                                         artifacts):
    ws = _workspace(lab.root / "ws")
    data = load(ws)
    before = at_risk_count(data, ws.design.monitoring, AS_OF)
    after = at_risk_count(data, edit_rules(ws.design.monitoring, gap_factor=NEW_GAP), AS_OF)
    assert before != after  # the change must be visible, or the test proves nothing
    notebook_in_lab("03_monitor.ipynb", workspace=str(ws.root), interactive=True, as_of=AS_OF.isoformat())

    run_all_cells(page, "03_monitor.ipynb")
    page.wait_for_selector(".rm-monitor-dashboard .rm-count-at-risk", timeout=120_000)
    page.wait_for_function("(n) => document.querySelector('.rm-monitor-dashboard .rm-count-at-risk')"
                           ".textContent.trim() === String(n)", arg=before, timeout=30_000)
    assert _count(page) == str(before)
    page.locator(".rm-monitor-dashboard .rm-counts").scroll_into_view_if_needed()
    page.screenshot(path=str(artifacts / "monitor_dashboard_before.png"))

    box = page.locator(".rm-gap-factor input")
    box.fill(str(NEW_GAP))
    box.press("Tab")  # the box sends its value on change
    page.wait_for_function("(n) => document.querySelector('.rm-monitor-dashboard .rm-count-at-risk')"
                           ".textContent.trim() === String(n)", arg=after, timeout=30_000)
    assert _count(page) == str(after)
    shown = page.locator(".rm-monitor-dashboard .rm-counts").inner_text()
    assert "as of 01 June 2026" in shown
    page.screenshot(path=str(artifacts / "monitor_dashboard_after.png"))

    page.locator(".rm-filter-status select").select_option("at risk")
    page.wait_for_function("(n) => document.querySelector('.rm-pairs .rm-shown').textContent.startsWith(n + ' pairs')",
                           arg=after, timeout=30_000)
    assert Workspace(ws.root).design.monitoring.gap_factor == 1.5  # nothing saved until Save is pressed
