"""The rules as data: defaults in program.yaml, validation, saving, re-judging without re-import; dashboard."""
from __future__ import annotations

import subprocess
import sys
from datetime import date
from types import SimpleNamespace

import pandas as pd
import pytest
import yaml
from test_monitoring import CHECKINS, MEETINGS, PAIRS

from revmentor_nb import Workspace
from revmentor_nb.design.program import (
    DesignError,
    MonitoringRules,
    ProgramDesign,
    Schedule,
    load_design,
)
from revmentor_nb.monitoring.activity import load
from revmentor_nb.monitoring.status import assess, at_risk_count, edit_rules, save_rules


def test_defaults_are_the_issues_rules():
    r = ProgramDesign().monitoring
    assert (r.gap_factor, r.low_satisfaction, r.behind_by, r.kickoff_weeks, r.response_days) == (1.5, 2, 2, 4, 28)


def test_program_yaml_without_a_monitoring_section_gets_the_defaults(tmp_path):
    path = tmp_path / "program.yaml"
    path.write_text("name: Old programme\n")
    assert load_design(path).monitoring == MonitoringRules()
    assert "monitoring" in yaml.safe_load(ProgramDesign().to_yaml())


def test_a_bad_threshold_is_named_with_its_key(tmp_path):
    path = tmp_path / "program.yaml"
    path.write_text("monitoring:\n  gap_factor: 0.5\n  low_satisfaction: 9\n  no_such_rule: 1\n")
    with pytest.raises(DesignError) as err:
        load_design(path)
    keys = set(err.value.problems["column"])
    assert {"monitoring.gap_factor", "monitoring.low_satisfaction", "monitoring.no_such_rule"} <= keys
    with pytest.raises(ValueError):
        edit_rules(MonitoringRules(), behind_by=0)


@pytest.fixture()
def workspace(tmp_path) -> Workspace:
    """A workspace with an accepted match (the hand-made pairs), meetings and check-ins imported."""
    design = ProgramDesign(schedule=Schedule(start_date=date(2026, 3, 2), length_months=6, cadence_days=30))
    ws = Workspace.create(tmp_path / "ws", design)
    pairs = PAIRS.drop(columns="matched_on").assign(matched_on=pd.to_datetime(PAIRS["matched_on"]))
    run = ws.save_match(SimpleNamespace(pairs=pairs, unmatched=pd.DataFrame({"person_id": pd.Series(dtype=str)}),
                                        objective=1.0, status="Optimal"), accepted=True)
    assert run
    ws.import_frame("meetings", MEETINGS.assign(date=pd.to_datetime(MEETINGS["date"])), source_name="meetings.csv")
    ws.import_frame("checkins", CHECKINS.assign(date=pd.to_datetime(CHECKINS["date"])), source_name="checkins.csv")
    return ws


def test_a_rule_change_re_judges_without_re_importing(workspace):
    data = load(workspace)
    imports_before = len(workspace.imports())
    default = at_risk_count(data, workspace.design.monitoring, date(2026, 6, 10))
    looser = edit_rules(workspace.design.monitoring, gap_factor=2.0)
    assert default == 4 and at_risk_count(data, looser, date(2026, 6, 10)) == 3  # C-Z's 52 days are now fine
    save_rules(workspace, looser, who="tester")
    reopened = Workspace(workspace.root)
    assert reopened.design.monitoring.gap_factor == 2.0
    assert yaml.safe_load((workspace.root / "program.yaml").read_text())["monitoring"]["gap_factor"] == 2.0
    assert at_risk_count(load(reopened), reopened.design.monitoring, date(2026, 6, 10)) == 3
    assert len(reopened.imports()) == imports_before
    assert reopened.audit_log()["action"].iloc[-1] == "design.save"


def test_the_dashboard_shows_what_the_core_computes(workspace):
    from revmentor_nb.ui.monitor_dashboard import MonitorDashboard

    data = load(workspace)
    board = MonitorDashboard(data, workspace.design.monitoring, date(2026, 6, 10), workspace=workspace)
    assert board.at_risk == 4 and "rm-count-at-risk'>4<" in board.counts.value
    board.controls["gap_factor"].value = 2.0  # what typing into the box does
    assert board.at_risk == 3 == at_risk_count(data, edit_rules(MonitoringRules(), gap_factor=2.0), date(2026, 6, 10))
    assert "rm-count-at-risk'>3<" in board.counts.value
    board.status_filter.value = "at risk"
    assert set(board.filtered()["status"]) == {"at risk"} and "3 pairs match the filters" in board.pairs_box.value
    assert "A" not in set(board.filtered()["mentor_id"].map(board._id))  # pseudonymous by default
    board.date_picker.value = date(2026, 3, 20)
    assert board.at_risk == 1
    out = board.export()
    assert out is not None and out.exists() and "=" not in out.read_text(encoding="utf-8-sig").split("\n")[0]
    board.save()
    assert Workspace(workspace.root).design.monitoring.gap_factor == 2.0


def test_the_core_never_loads_widgets_or_charts():
    code = ("import sys, revmentor_nb.monitoring.activity, revmentor_nb.monitoring.status, revmentor_nb.monitoring.nudges, "
            "revmentor_nb.io.export; bad = [m for m in ('ipywidgets', 'altair', 'papermill') if m in sys.modules]; "
            "print(bad); sys.exit(1 if bad else 0)")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_the_administrator_sees_names_on_screen_but_exports_stay_pseudonymous(workspace):
    """In JupyterLab the person running 03_monitor acts on 'what is due': names on screen, never in the files."""
    from dataclasses import replace

    from revmentor_nb.monitoring.nudges import with_names
    from revmentor_nb.ui.monitor_dashboard import MonitorDashboard

    data = load(workspace)
    ids = sorted(set(data.pairs["mentor_id"]) | set(data.pairs["mentee_id"]))
    people = pd.DataFrame({"person_id": ids, "name": [f"Person {i}" for i in ids], "department": "Ops"})
    data = replace(data, people=people)
    board = MonitorDashboard(data, workspace.design.monitoring, date(2026, 6, 10), workspace=workspace, names=True,
                             export_names=False)
    first = ids[0]
    assert f"Person {first} ({first})" in board.pairs_box.value + board.nudges_box.value
    board.search.value = f"person {first}"
    assert len(board.filtered()) >= 1
    out = board.export()
    text = out.read_text(encoding="utf-8-sig")
    assert "Person " not in text and "P-" in text  # the CSV under reports/ keeps pseudonyms
    shown = with_names(data.pairs[["mentor_id", "mentee_id"]], people, ["mentor_id", "mentee_id"])
    assert shown["mentor_id"].str.startswith("Person ").all()
