"""The evaluation dashboard in a browser: run 04_evaluate in JupyterLab, switch the measure, chart and table follow."""
from __future__ import annotations

import time
from types import SimpleNamespace

import pandas as pd
import pytest

from revmentor_nb import Workspace, demo
from revmentor_nb.design.program import Objective, Privacy, ProgramDesign, Schedule

pytestmark = pytest.mark.browser

MFQ_ROLE = "Mentoring Functions Questionnaire (MFQ-9): Role modelling"


def _workspace(root) -> Workspace:
    """A small seeded programme: roster, sign-ups, an accepted match, six months of activity."""
    org = demo.build_demo(seed=1, n_employees=900)
    p = org.participants
    mentors = p.loc[p["role"] == "mentor", "person_id"].tolist()
    mentees = p.loc[p["role"] == "mentee", "person_id"].tolist()
    m = min(len(mentors), len(mentees))
    pairs = pd.DataFrame({"mentor_id": mentors[:m], "mentee_id": mentees[:m]})
    act = demo.simulate_activity(org, pairs, seed=1)
    design = ProgramDesign(name="Dashboard test", grade_order=list(org.grade_order), objective=Objective(),
                           schedule=Schedule(start_date=org.start_date), privacy=Privacy(k=5))
    ws = Workspace.create(root, design)
    for kind, frame in (("roster", org.roster), ("participants", p), ("assessments", act.assessments),
                        ("meetings", act.meetings)):
        ws.import_frame(kind, frame, source_name=f"{kind}.csv")
    ws.save_match(SimpleNamespace(pairs=pairs, unmatched=pd.DataFrame({"person_id": []}), objective=0.0,
                                  status="Optimal"), accepted=True)
    return ws


def _text(page, selector: str) -> str:
    return page.locator(selector).inner_text()


def test_switching_the_measure_updates_chart_and_table(lab, page, notebook_in_lab, run_all_cells, artifacts):
    started = time.monotonic()
    ws = _workspace(lab.root / "ws")
    notebook_in_lab("04_evaluate.ipynb", workspace=str(ws.root), interactive=True, as_of="2027-03-02")

    run_all_cells(page, "04_evaluate.ipynb")
    page.wait_for_selector(".rm-eval-dashboard .rm-eval-chart svg", timeout=120_000)
    page.wait_for_selector(".rm-eval-kpis table", timeout=30_000)
    dashboard = page.locator(".rm-eval-dashboard")
    dashboard.scroll_into_view_if_needed()
    assert "Digital confidence" in _text(page, ".rm-eval-title")
    table_before = _text(page, ".rm-eval-table")
    chart_before = page.locator(".rm-eval-chart").inner_html()
    assert "Digital confidence scale" in table_before and "mentees" in table_before
    page.screenshot(path=str(artifacts / "evaluation_dashboard_before.png"))

    page.locator(".rm-eval-measure select").select_option(label=MFQ_ROLE)
    page.wait_for_function(
        "() => document.querySelector('.rm-eval-title').textContent.includes('Role modelling')", timeout=30_000)
    page.wait_for_function(
        "(before) => document.querySelector('.rm-eval-chart').innerHTML !== before", arg=chart_before, timeout=30_000)
    table_after = _text(page, ".rm-eval-table")
    assert table_after != table_before and "Role modelling" in table_after
    assert "Role modelling" in _text(page, ".rm-eval-title")
    dashboard.scroll_into_view_if_needed()
    page.screenshot(path=str(artifacts / "evaluation_dashboard_after.png"))

    # the comparison picker re-runs the roster KPIs
    kpis_before = _text(page, ".rm-eval-kpis")
    page.locator(".rm-eval-comparison select").select_option("eligible non-participants")
    page.wait_for_function(
        "() => document.querySelector('.rm-eval-status').textContent.includes('eligible non-participants')",
        timeout=60_000)
    assert _text(page, ".rm-eval-kpis") != kpis_before
    assert time.monotonic() - started < 240
