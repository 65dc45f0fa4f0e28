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


GROUP_LABELS = ["mentees", "mentors", "mentees by department", "mentors by department", "mentees by grade",
                "mentors by grade"]


def test_every_group_draws_or_says_why_not_at_1024(lab, offline_page, artifacts):
    """Each group with the digital-confidence measure (given to mentees only): a chart and rows, or a sentence;
    never an empty chart, a header-only table or an SVG error, with outside traffic blocked."""
    from tests.browser.conftest import _run_all_cells, copy_notebook

    page, traffic = offline_page
    ws = _workspace(lab.root / "ws-groups")
    (lab.root / "groups").mkdir()
    copy_notebook("04_evaluate.ipynb", lab.root / "groups", workspace=str(ws.root), interactive=True,
                  as_of="2027-03-02")
    _run_all_cells(page, lab, "groups/04_evaluate.ipynb")
    page.wait_for_selector(".rm-eval-dashboard .rm-eval-chart svg", timeout=120_000)
    for label in GROUP_LABELS:
        page.locator(".rm-eval-group select").select_option(label=label)
        page.wait_for_function("(l) => document.querySelector('.rm-eval-title').textContent.endsWith('— ' + l)",
                               arg=label, timeout=30_000)
        page.wait_for_timeout(300)
        chart_svgs = page.locator(".rm-eval-chart svg").count()
        empty = page.locator(".rm-eval-table .rm-eval-empty").count()
        rows = page.locator(".rm-eval-table tbody tr").count()
        if label.startswith("mentors"):
            assert empty == 1 and chart_svgs == 0, label  # the measure was not given to mentors: it says so
            assert "No Digital confidence scale responses from" in page.locator(".rm-eval-table").inner_text()
        else:
            assert rows >= 1 and chart_svgs == 1 and empty == 0, label
        if label == "mentors":
            page.locator(".rm-eval-title").scroll_into_view_if_needed()
            page.screenshot(path=str(artifacts / "evaluation_dashboard_mentors_1024.png"))
    title = page.locator(".rm-eval-title")
    assert title.evaluate("e => e.scrollWidth <= e.clientWidth + 1")  # the title is whole, not clipped
    assert not [e for e in traffic.errors if "1.8e308" in e or "Infinity" in e], traffic.errors
    assert traffic.failed == [] and traffic.errors == [], (traffic.failed, traffic.errors)
