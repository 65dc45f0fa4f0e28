"""program.yaml: validated on load, every bad key named with a fix, presets fill the objective."""
from __future__ import annotations

from datetime import date

import pandas as pd
import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from revmentor_nb.design.program import (
    DesignError,
    ProgramDesign,
    communication_timeline,
    design_from_dict,
    load_design,
    save_design,
)


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


# --- cross-field rules: every problem names its key and a fix ---------------------------------

GRADES = ["A1", "A2", "B1", "B2", "C1", "C2", "D1", "D2"]


def _problems(data: dict) -> pd.DataFrame:
    with pytest.raises(DesignError) as err:
        design_from_dict(data)
    problems = err.value.problems
    assert problems["fix"].str.len().gt(0).all() and problems["problem"].str.len().gt(0).all()
    return problems.set_index("column")


def test_mentors_band_above_mentees_band_is_rejected_in_reverse_mentoring():
    p = _problems({"grade_order": GRADES, "eligibility": {"mentors": {"lowest": "C1"}, "mentees": {"highest": "B2"}}})
    assert "eligibility.mentors" in p.index
    assert "junior" in p.loc["eligibility.mentors", "problem"]
    assert "junior grades" in p.loc["eligibility.mentors", "fix"]


def test_mentors_band_reaching_above_the_mentees_top_is_rejected():
    p = _problems({"grade_order": GRADES, "eligibility": {"mentors": {"highest": "D2"},
                                                           "mentees": {"lowest": "B1", "highest": "D1"}}})
    assert "below D1" in p.loc["eligibility.mentors.highest", "fix"]


def test_sensible_bands_are_accepted_and_ranked():
    from revmentor_nb.design.program import band_ranks

    d = design_from_dict({"grade_order": GRADES, "eligibility": {"mentors": {"highest": "b2"},
                                                                  "mentees": {"lowest": "B2"}}})
    assert band_ranks(d.eligibility.mentors, d.grade_order) == (None, 4)
    assert band_ranks(d.eligibility.mentees, d.grade_order) == (4, None)


def test_unknown_grade_code_and_text_grade_without_order_name_the_band_end():
    p = _problems({"grade_order": GRADES, "eligibility": {"mentees": {"lowest": "Z9"}}})
    assert "A1, A2" in p.loc["eligibility.mentees.lowest", "fix"]
    p = _problems({"eligibility": {"mentors": {"highest": "B2"}}})
    assert "grade_order" in p.loc["eligibility.mentors.highest", "fix"]


def test_band_lowest_above_highest_says_swap():
    p = _problems({"grade_order": GRADES, "eligibility": {"mentees": {"lowest": "D1", "highest": "C1"}}})
    assert p.loc["eligibility.mentees.highest", "fix"] == "swap lowest and highest"


def test_grade_gap_wider_than_the_bands_allow():
    p = _problems({"grade_order": GRADES, "eligibility": {"mentors": {"lowest": "A2", "highest": "B1"},
                                                           "mentees": {"lowest": "B2", "highest": "C1"}},
                   "matching": {"rules": {"grade_gap": {"min": 4}}}})
    assert "matching.rules.grade_gap.min" in p.index


def test_traditional_direction_is_not_reverse_mentoring():
    p = _problems({"matching": {"rules": {"grade_gap": {"direction": "mentor_senior"}}}})
    assert "mentee_senior" in p.loc["matching.rules.grade_gap.direction", "fix"]


def test_zero_spaces_names_spaces_with_a_plain_fix():
    p = _problems({"spaces": 0})
    assert "at least 1 space" in p.loc["spaces", "fix"]


def test_end_before_start_is_rejected():
    p = _problems({"schedule": {"start_date": "2026-03-02", "end": "2026-01-31"}})
    assert "before it starts" in p.loc["schedule.end", "problem"]


@pytest.mark.parametrize("months", [0, 37, -3])
def test_length_outside_1_to_36_months_is_rejected(months):
    p = _problems({"schedule": {"length_months": months}})
    assert "1 to 36" in p.loc["schedule.length_months", "fix"]


def test_end_date_sets_the_length_and_disagreement_is_named():
    d = design_from_dict({"schedule": {"start_date": "2026-03-02", "end": "2026-07-02"}})
    assert d.schedule.length_months == 4 and d.schedule.end_date == date(2026, 7, 2)
    p = _problems({"schedule": {"start_date": "2026-03-02", "end": "2026-07-02", "length_months": 9}})
    assert "schedule.length_months" in p.index
    p = _problems({"schedule": {"start_date": "2026-03-02", "end": "2026-07-02", "ongoing": True}})
    assert "ongoing" in p.loc["schedule.end", "problem"]


def test_commitment_must_cover_the_meetings():
    p = _problems({"schedule": {"cadence_days": 14, "meeting_minutes": 90}, "delivery": {"commitment_hours_per_month": 2}})
    assert "3.3" in p.loc["delivery.commitment_hours_per_month", "fix"]


def test_a_post_measure_needs_a_baseline():
    p = _problems({"evaluation": {"instruments_pre": ["mfq9"], "instruments_post": ["mfq9", "digital_confidence"]}})
    assert "digital_confidence" in p.loc["evaluation.instruments_post", "problem"]


def test_unknown_kpi_and_readiness_question_are_named():
    p = _problems({"objective": {"kpis": ["happiness"]}, "readiness": {"leaders_listen": "yes", "free_lunch": "yes"}})
    assert {"objective.kpis", "readiness.free_lunch"} <= set(p.index)
    p = _problems({"readiness": {"leaders_listen": "maybe"}})
    assert "readiness.leaders_listen" in p.index


def test_field_and_cross_field_problems_are_listed_together():
    p = _problems({"spaces": 0, "schedule": {"start_date": "2026-03-02", "end": "2026-01-01"}, "grade_order": GRADES,
                   "eligibility": {"mentors": {"lowest": "D1"}, "mentees": {"highest": "B1"}}})
    assert {"spaces", "schedule.end", "eligibility.mentors"} <= set(p.index)


@given(start=st.dates(date(2020, 1, 1), date(2030, 12, 31)), days=st.integers(-400, 1400))
@settings(max_examples=60, deadline=None)
def test_end_is_valid_exactly_when_after_start_and_1_to_36_months(start, days):
    from datetime import timedelta

    end = start + timedelta(days=days)
    months = round(days / 30.4375)
    data = {"schedule": {"start_date": start.isoformat(), "end": end.isoformat()}}
    if days > 0 and 1 <= months <= 36:
        assert design_from_dict(data).schedule.end_date == end
    else:
        with pytest.raises(DesignError) as err:
            design_from_dict(data)
        assert list(err.value.problems["column"]) == ["schedule.end"]


# --- the matching section, presets, summaries ----------------------------------------------------------


def test_matching_is_match_settings_following_mode_and_k(tmp_path):
    from revmentor_nb.matching.config import MatchSettings

    d = design_from_dict({"mode": "two-way", "privacy": {"k": 7}, "matching": {"rules": {"different_department": False}}})
    assert isinstance(d.matching, MatchSettings)
    assert (d.matching.mode, d.matching.k, d.matching.rules.different_department) == ("two-way", 7, False)
    text = d.to_yaml()
    assert "different_department: false" in text
    saved = yaml.safe_load(text)["matching"]
    assert "mode" not in saved and "k" not in saved  # stated once, at the top
    save_design(d, tmp_path / "program.yaml")
    assert load_design(tmp_path / "program.yaml") == d
    d.mode = "one-way"
    assert d.matching.mode == "one-way"


def test_apply_preset_fills_objective_and_evaluation():
    from revmentor_nb.design.program import OBJECTIVE_PRESETS, apply_preset

    d = apply_preset(ProgramDesign(), "retention")
    assert d.objective.method == OBJECTIVE_PRESETS["retention"]["method"]
    assert d.evaluation.instruments_pre == d.evaluation.instruments_post == OBJECTIVE_PRESETS["retention"]["measures"]
    assert d.evaluation.kpis == OBJECTIVE_PRESETS["retention"]["kpis"]


def test_summary_and_advice_speak_the_programme_managers_language():
    from revmentor_nb.design.program import design_advice, design_summary

    d = design_from_dict({"schedule": {"length_months": 12, "cadence_days": 60},
                          "evaluation": {"comparison": "none"}, "grade_order": GRADES,
                          "eligibility": {"mentors": {"highest": "B2"}, "mentees": {"lowest": "C1"}}})
    summary = dict(design_summary(d).values)
    assert summary["mentors (grades)"] == "up to B2" and summary["mentees (grades)"] == "C1 and above"
    assert "12 months" in summary["runs"]
    advice = set(design_advice(d)["key"])
    assert {"schedule.length_months", "schedule.cadence_days", "evaluation.comparison"} <= advice
    assert design_advice(ProgramDesign()).empty


# --- the mentoring agreement ----------------------------------------------------------------------------------


def test_agreement_template_covers_cadence_goals_confidentiality_boundaries_and_ending():
    from revmentor_nb.design.agreement import BLANK, render_agreement

    d = design_from_dict({"schedule": {"cadence_days": 21, "meeting_minutes": 45}, "delivery": {"commitment_hours_per_month": 3}})
    text = render_agreement(d, {})
    for heading in ("How often", "Why we meet", "Confidentiality", "Boundaries", "How to end"):
        assert f"## {heading}" in text
    assert "every 21 days for about 45 minutes" in text and "about 3 hours a month" in text
    assert BLANK in text and "{{" not in text


def test_agreement_escapes_participant_text_and_blanks_what_is_missing():
    from revmentor_nb.design.agreement import BLANK, render_agreement

    d = ProgramDesign(name="Tech & <Leaders>")
    out = render_agreement(d, {"mentor_name": "<script>alert(1)</script>", "mentee_name": "O'Neil",
                               "topics": ["AI tools", "Data & ethics"]}, as_html=True)
    assert "<script>" not in out and "&lt;script&gt;" in out
    assert "Tech &amp; &lt;Leaders&gt;" in out and "Data &amp; ethics" in out
    assert BLANK in out and "{{" not in out
    plain = render_agreement(d, {"mentor_name": "Ana"})
    assert "Between Ana (mentor" in plain


@pytest.mark.parametrize("scheme", ["reverse", "traditional", "two-way"])
def test_each_scheme_speaks_in_its_own_words_and_an_edited_template_wins(tmp_path, scheme):
    from revmentor_nb.design.agreement import install_templates, render_agreement, render_intro
    from revmentor_nb.design.program import new_design

    d = new_design(scheme, "Maths Reading Scheme")
    pair = {"mentor_name": "Ana", "mentee_name": "Bo", "topics": "Topology"}
    texts = render_agreement(d, pair) + render_intro(d, pair)
    assert ("reverse-mentoring" in texts) == (scheme == "reverse")
    assert ("two-way" in texts) == (scheme == "two-way")
    assert "Maths Reading Scheme" in texts and d.objective.statement in texts
    if scheme == "traditional":
        assert "junior" not in texts and "senior" not in texts and "leader" not in texts.casefold()
    written = install_templates(tmp_path, d)
    assert [p.relative_to(tmp_path).as_posix() for p in written] == [f"templates/agreement/{scheme}.md",
                                                                     f"templates/intro/{scheme}.md"]
    (tmp_path / "templates" / "intro" / f"{scheme}.md").write_text("Hello {{ mentor_name }}, from {{ programme }}.")
    assert render_intro(d, pair, tmp_path) == "Hello Ana, from Maths Reading Scheme."
    assert install_templates(tmp_path, d) == []  # an edited template is never overwritten


# --- the design form (ipywidgets, no browser): a thin view that saves only valid designs ---------------


def test_design_form_saves_valid_design_through_the_workspace(tmp_path):
    from revmentor_nb import Workspace
    from revmentor_nb.ui import DesignForm

    ws = Workspace.create(tmp_path / "ws", ProgramDesign(grade_order=GRADES))
    form = DesignForm(ws, who="tester")
    form._inputs["objective.preset"].value = "culture_change"
    assert "openness" in form._inputs["objective.statement"].value  # the preset filled the text
    form._inputs["spaces"].value = 24
    form._inputs["eligibility.mentors.highest"].value = "B2"
    form._inputs["eligibility.mentees.lowest"].value = "C1"
    form._inputs["matching.rules.different_department"].value = False
    form._inputs["readiness.executive_sponsor"].value = "no"
    assert "launch yet" in form.readiness_line.value
    assert form.save() is not None
    saved = yaml.safe_load((ws.root / "program.yaml").read_text())
    assert saved["spaces"] == 24 and saved["objective"]["preset"] == "culture_change"
    assert saved["eligibility"]["mentors"]["highest"] == "B2" and saved["eligibility"]["mentees"]["lowest"] == "C1"
    assert saved["matching"]["rules"]["different_department"] is False
    assert saved["readiness"] == {"executive_sponsor": "no"}
    assert Workspace(ws.root).audit_log()["action"].iloc[-1] == "design.save"


def test_design_form_shows_problems_inline_and_does_not_save(tmp_path):
    from datetime import date as d_

    from revmentor_nb import Workspace
    from revmentor_nb.ui import DesignForm

    ws = Workspace.create(tmp_path / "ws", ProgramDesign(grade_order=GRADES))
    before = (ws.root / "program.yaml").read_bytes()
    form = DesignForm(ws)
    form._inputs["spaces"].value = 0
    form._inputs["schedule.end"].value = d_(2025, 1, 1)
    form._inputs["eligibility.mentors.lowest"].value = "D1"
    form._inputs["eligibility.mentees.highest"].value = "B1"
    assert form.save() is None
    assert (ws.root / "program.yaml").read_bytes() == before
    shown = {k for k, e in form._errors.items() if e.layout.display != "none"}
    assert {"spaces", "schedule.end", "eligibility.mentors.lowest"} <= shown
    assert "not saved" in form.problem_box.value
    form._inputs["spaces"].value = 10
    form._inputs["schedule.end"].value = None
    form._inputs["eligibility.mentors.lowest"].value = "(any)"
    form._inputs["eligibility.mentees.highest"].value = "(any)"
    assert form.save() is not None and not any(e.value for e in form._errors.values())


def test_design_form_sets_scheme_grade_order_wording_and_warns_of_a_past_start(tmp_path):
    from datetime import date as d_

    from revmentor_nb import Workspace
    from revmentor_nb.ui import DesignForm

    ws = Workspace.create(tmp_path / "ws", ProgramDesign(name="Old name"))
    form = DesignForm(ws)
    assert "Old name" in form.heading.value
    shown = lambda: {q for q, row in form._question_rows.items() if row.layout.display != "none"}  # noqa: E731
    assert "leaders_listen" in shown()
    form._inputs["scheme"].value = "traditional"
    assert "leaders_listen" not in shown() and "mentees_safe" in shown()
    form._inputs["name"].value = "Maths Reading Scheme"
    form._inputs["objective.preset"].value = "custom"
    form._inputs["objective.statement"].value = "Students read a topic of their choice with a graduate mentor."
    form._inputs["grade_order"].value = "1\n2\n3\n4\n5+"
    assert form._inputs["eligibility.mentors.lowest"].value in ("", "(any)")
    form._inputs["schedule.start_date"].value = d_(2020, 1, 6)
    assert form.date_warning.layout.display == "block" and "in the past" in form.date_warning.value
    for q in ("mentors_available", "mentees_safe", "executive_sponsor", "confidentiality_agreed"):
        form._inputs[f"readiness.{q}"].value = "yes"
    form._inputs["readiness.training_planned"].value = "n/a"
    assert "launch yet" not in form.readiness_line.value
    assert form.save() is not None
    d = Workspace(ws.root).design
    assert (d.scheme, d.direction, d.mode, d.matching.rules.grade_gap.direction) == (
        "traditional", "traditional", "one-way", "mentor_senior")
    assert d.grade_order == ["1", "2", "3", "4", "5+"] and d.objective.statement.startswith("Students read")
    assert "Maths Reading Scheme" in form.heading.value and "Old name" not in form.heading.value
    assert "in the past" in form.status.value
    form._inputs["scheme"].value = "two-way"
    assert form.save() is not None and Workspace(ws.root).design.mode == "two-way"


# --- the design stage reads sign-ups that are not imported yet, and runs headless ----------------------------


@pytest.fixture(scope="module")
def declared_workspace(tmp_path_factory):
    """A workspace whose program.yaml names demo sign-ups and roster files that are not imported yet."""
    from revmentor_nb import Workspace, demo
    from revmentor_nb.demo.workspace import demo_design

    root = tmp_path_factory.mktemp("declared") / "ws"
    org = demo.build_demo(seed=2, n_employees=400)
    demo.write_inputs(org, root / "inputs")
    design = demo_design(list(org.grade_order), org.start_date).model_dump(mode="json")
    design["inputs"] = {"roster": "inputs/roster.csv", "participants": "inputs/signups.csv"}
    design["readiness"] = {q: "yes" for q in ("leaders_listen", "juniors_safe", "executive_sponsor",
                                              "confidentiality_agreed")}
    design["eligibility"] = {"mentors": {"highest": "C1"}, "mentees": {"lowest": "B2"}}
    return Workspace.create(root, design_from_dict(design)).root


def test_design_signups_read_the_declared_file_without_importing_it(declared_workspace, tmp_path):
    from revmentor_nb import Workspace
    from revmentor_nb.workspace.signups import design_signups

    ws = Workspace(declared_workspace)
    found = design_signups(ws)
    assert found.frame is not None and len(found.frame) > 10 and "not imported yet" in found.source
    assert not ws.has("participants")
    empty = design_signups(Workspace.create(tmp_path / "empty"))
    assert empty.frame is None and "inputs" in empty.source


@pytest.mark.notebook
def test_design_notebook_runs_headless_with_charts(declared_workspace):
    import re

    from revmentor_nb.run.pipeline import run_stages

    summary = run_stages(declared_workspace, ["design"])
    html = summary.outcomes[0].report.read_text(encoding="utf-8")
    assert len(re.findall(r'data-mime-type="image/svg\+xml"', html)) >= 5  # readiness, grades, topics, ..., pilot
    text = re.sub(r"<style.*?</style>", "", html, flags=re.S)
    for phrase in ("Design summary", "Readiness questions", "Sign-ups by grade", "Pilot size", "Communication plan",
                   "Mentoring agreement", "pairs the sign-ups allow"):
        assert phrase in text, phrase
    assert "Traceback" not in text and "Error" not in text and "<script src" not in html
