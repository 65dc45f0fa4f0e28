"""program.yaml: validated on load, every bad key named with a fix, presets fill the objective."""
from __future__ import annotations

from datetime import date

import pytest

from revmentor_nb.design import (DesignError, ProgramDesign, communication_timeline, design_from_dict, load_design,
                                 save_design)


def test_default_design_round_trips_through_yaml(tmp_path):
    d = ProgramDesign(name="Pilot", grade_order=["A", "B", "C"])
    save_design(d, tmp_path / "program.yaml")
    assert load_design(tmp_path / "program.yaml") == d


def test_every_problem_is_listed_with_its_key():
    with pytest.raises(DesignError) as err:
        design_from_dict({"spaces": 0, "mode": "both", "privacy": {"k": 1}, "colour": "red"})
    problems = err.value.problems
    assert set(problems["column"]) == {"spaces", "mode", "privacy.k", "colour"}
    assert problems["fix"].str.len().gt(0).all()


def test_yaml_syntax_error_gives_the_line(tmp_path):
    (tmp_path / "program.yaml").write_text("name: x\nschedule:\n  start_date: [\n")
    with pytest.raises(DesignError) as err:
        load_design(tmp_path / "program.yaml")
    assert err.value.problems.loc[0, "row"] >= 3


def test_missing_file_says_how_to_create_it(tmp_path):
    with pytest.raises(DesignError) as err:
        load_design(tmp_path / "program.yaml")
    assert "revmentor new" in err.value.problems.loc[0, "fix"]


def test_preset_fills_method_and_measures_but_keeps_what_the_user_wrote():
    d = ProgramDesign.model_validate({"objective": {"preset": "retention", "statement": "Keep our graduates"}})
    assert d.objective.statement == "Keep our graduates"
    assert d.objective.measures and d.objective.kpis and d.objective.method


def test_unknown_input_kind_is_rejected():
    with pytest.raises(DesignError) as err:
        design_from_dict({"inputs": {"signups": "a.csv"}})
    assert "participants" in err.value.problems.loc[0, "problem"]


def test_timeline_covers_every_stage_in_order():
    d = ProgramDesign.model_validate({"schedule": {"start_date": "2026-03-02", "length_months": 6}})
    plan = communication_timeline(d)
    assert list(plan["stage"])[:2] == ["announce", "recruit"] and list(plan["stage"])[-1] == "report"
    assert (plan["end"] >= plan["start"]).all()
    assert plan.loc[plan["stage"] == "launch", "start"].iloc[0].date() == date(2026, 3, 2)
    assert d.schedule.end_date == date(2026, 9, 2)
