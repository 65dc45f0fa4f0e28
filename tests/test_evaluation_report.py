"""The evaluation end to end on a small seeded programme: tables, verdict, dashboard, and the headless report."""
from __future__ import annotations

import re
import subprocess
import sys
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest

from revmentor_nb import Workspace, demo
from revmentor_nb.design.program import Objective, Privacy, ProgramDesign, Schedule
from revmentor_nb.evaluation import report_tables as view
from revmentor_nb.privacy.suppression import suppress
from revmentor_nb.evaluation.evaluate import (
    EvaluationInputs,
    evaluate,
    inputs_from_workspace,
)

K = 5
AS_OF = "2027-03-02"  # the demo roster records outcomes for a year after the start (2026-03-02)


def small_programme(seed: int = 1, n_employees: int = 900):
    """A seeded organisation, mentors paired with mentees in sign-up order, and six months of activity."""
    org = demo.build_demo(seed=seed, n_employees=n_employees)
    p = org.participants
    mentors = p.loc[p["role"] == "mentor", "person_id"].tolist()
    mentees = p.loc[p["role"] == "mentee", "person_id"].tolist()
    m = min(len(mentors), len(mentees))
    pairs = pd.DataFrame({"mentor_id": mentors[:m], "mentee_id": mentees[:m]})
    return org, pairs, demo.simulate_activity(org, pairs, seed=seed)


def design_for(org, preset: str = "digital_skills", **extra) -> ProgramDesign:
    return ProgramDesign(name="Evaluation test", grade_order=list(org.grade_order), objective=Objective(preset=preset),
                         schedule=Schedule(start_date=org.start_date), privacy=Privacy(k=K), **extra)


@pytest.fixture(scope="module")
def programme():
    org, pairs, act = small_programme()
    inputs = EvaluationInputs(pairs, act.assessments, org.roster, org.participants, act.meetings)
    return org, pairs, act, inputs


@pytest.fixture(scope="module")
def ev(programme):
    org, _, _, inputs = programme
    return evaluate(inputs, design_for(org), as_of=AS_OF)


def test_the_evaluation_answers_the_digital_skills_objective(ev):
    verdict = view.safe_verdict(ev)
    assert len(verdict) == 1 and verdict.loc[0, "verdict"] in ("met", "not met")
    row = ev.prepost[(ev.prepost["instrument"] == "digital_confidence") & (ev.prepost["group"] == "mentees")].iloc[0]
    assert row["n_paired"] >= K and row["missing_post"] > 0  # the demo's missing follow-ups are counted
    assert f"{row['mean_change']:+.2f}" in verdict.loc[0, "evidence"]
    assert {"retention_mentors_12m", "retention_mentees_6m", "promotion_mentors_12m"} <= set(ev.kpis["kpi"])
    assert ev.kpis["observable"].all()  # a year of follow-up: every 6- and 12-month KPI can be measured
    assert not ev.reliability.empty and set(ev.reliability["cohort"]) == {"mentees", "mentors"}
    assert ("digital_confidence", "total", "mentees") in ev.dose
    assert any("last_promotion_date only" in n for n in ev.notes)  # the roster has no promotions history


def test_a_promotions_history_replaces_the_last_promotion_caveat(programme):
    from dataclasses import replace

    org, _, _, inputs = programme
    history = org.roster.loc[org.roster["last_promotion_date"].notna(), ["person_id", "last_promotion_date"]]
    with_history = replace(inputs, promotions=history.rename(columns={"last_promotion_date": "date"}))
    ev2 = evaluate(with_history, design_for(org), as_of=AS_OF)
    assert not any("last_promotion_date only" in n for n in ev2.notes)
    base = evaluate(inputs, design_for(org), as_of=AS_OF)
    same = ["count", "count_comparison"]  # one promotion each: the history says what the roster says
    pd.testing.assert_frame_equal(ev2.kpis[same], base.kpis[same])


def test_reports_tables_never_describe_a_person(ev, programme):
    org = programme[0]
    ids = set(org.roster["person_id"])
    tables = [view.change_report(view.safe_prepost(ev)), view.levels_report(view.safe_levels(ev)),
              view.kpi_report(view.safe_kpis(ev)), view.reliability_report(view.safe_reliability(ev)),
              view.verdict_report(view.safe_verdict(ev)), view.balance_report(view.safe_balance(ev)),
              view.safe_curves(ev), view.safe_dose(ev)[0]]
    text = " ".join(t.astype(str).to_csv() for t in tables)
    assert not any(re.search(rf"\b{i}\b", text) for i in ids)
    assert (view.safe_curves(ev)["at_risk"] >= K).all()


def test_a_crafted_small_group_is_suppressed_everywhere(programme):
    org, pairs, act, inputs = programme
    # only three mentors answer a measure before and after; one criterion asks about them
    mentors = pairs["mentor_id"].unique()[:3]
    extra = pd.DataFrame({"person_id": np.r_[mentors, mentors], "stage": ["pre"] * 3 + ["post"] * 3,
                          "instrument": "selfcheck", "score": [2.0, 3.0, 2.5, 4.0, 4.5, 4.0]})
    crafted = EvaluationInputs(pairs, pd.concat([act.assessments, extra], ignore_index=True), org.roster,
                               org.participants, act.meetings)
    design = design_for(org, preset="custom")
    design = design.model_copy(update={"objective": Objective(
        preset="custom", statement="x", method="y", measures=["selfcheck"], kpis=["retention_mentors_12m"],
        success_criteria=["Mentors' selfcheck rises by at least 0.5 points"])})
    small = evaluate(crafted, design, as_of=AS_OF)
    raw = small.prepost[(small.prepost["instrument"] == "selfcheck") & (small.prepost["group"] == "mentors")].iloc[0]
    assert raw["n_paired"] == 3 and raw["mean_change"] > 0.5  # the unsuppressed figure would say "met"
    shown = view.safe_prepost(small)
    row = shown[(shown["instrument"] == "selfcheck") & (shown["group"] == "mentors")].iloc[0]
    assert row["suppressed"] and np.isnan(row["mean_change"]) and np.isnan(row["n_paired"])
    verdict = view.safe_verdict(small).iloc[0]
    assert verdict["verdict"] == "not enough data" and "fewer than 5" in verdict["evidence"]
    assert f"{raw['mean_change']:+.2f}" not in verdict["evidence"]


def test_a_department_breakdown_hides_small_departments_and_their_complement(ev):
    table = view.breakdown(ev, "digital_confidence", "total", "mentees", "department")
    assert table["suppressed"].any()
    people = ev.scores[(ev.scores["instrument"] == "digital_confidence")]
    staff = ev.staff.loc[ev.staff.index.isin(ev.groups["mentees"])]
    hidden = table.loc[table["suppressed"], "group"]
    hidden_people = people[people["person_id"].isin(staff.index[staff["department"].isin(hidden)])]
    assert hidden_people["person_id"].nunique() >= K  # subtracting the shown departments reveals >= k people
    assert (table.loc[~table["suppressed"], "n_paired"] >= K).all()


def _shown(frame: pd.DataFrame):
    """A report frame as a reader sees it: the house table's cells (markers filled in) and its footnotes."""
    from report_reading import _Parser

    from revmentor_nb.report.tables import table_html

    markup = table_html(frame)
    parser = _Parser()
    parser.feed(markup)
    return parser.tables[0], markup


MARKER = re.compile(r"^(< 5|hidden)$")
COUNTS = {"n_pre": "before", "n_post": "after", "n_paired": "paired", "missing_post": "no after response"}


@pytest.mark.parametrize("by", ["department", "grade", "location"])
def test_a_breakdowns_hidden_counts_read_their_markers_and_no_dash_stands_for_a_figure(ev, by):
    """Issue 19: the evaluation's tables show '< 5' for a small count and 'hidden' for a complement (as every
    other report does), never '—'; a hidden part's counts all go (before - no after response = paired)."""
    from revmentor_nb.evaluation.prepost import prepost

    core = view.breakdown(ev, "digital_confidence", "total", "mentees", by)
    scores = ev.scores[(ev.scores["instrument"] == "digital_confidence") & (ev.scores["scale"] == "total")]
    raw = prepost(scores, view.split_groups(ev, "mentees", by), ev.instruments).set_index("group")
    table, markup = _shown(view.change_report(core))
    assert core["suppressed"].any(), f"the demo's {by} breakdown has no small group to test"
    small_seen = 0
    for row, hidden in zip(table.records(), core["suppressed"]):
        assert "—" not in row.values(), row
        truth = raw.loc[row["group"]]
        for col, head in COUNTS.items():
            if not hidden:
                assert row[head] == str(int(truth[col])), (row, head)
            elif truth[col] == 0:
                assert row[head] == "0"
            else:
                assert row[head] == ("< 5" if truth[col] < K else "hidden"), (row, head, truth[col])
                small_seen += row[head] == "< 5"
        if hidden:
            figures = [h for h in table.header if h not in ("measure", "group", *COUNTS.values())]
            assert all(row[f] == "" for f in figures), row
    assert small_seen and "fewer than 5 people" in markup and "describes that group" in markup


def test_levels_reliability_and_kpi_tables_mark_hidden_counts():
    """The other evaluation tables carry the same markers: a small count reads '< 5', a complement 'hidden'."""
    levels = pd.DataFrame({"label": ["A", "A"], "group": ["mentees", "mentors"], "n": [40, 3],
                           "mean": [3.1, 4.0], "mean_low": [2.9, 3.5], "mean_high": [3.3, 4.5], "sd": [1.0, 0.5]})
    table, _ = _shown(view.levels_report(suppress(levels, K, "n", values=["mean", "sd", "mean_low", "mean_high"])))
    assert table.column("n") == ["40", "< 5"] and table.column("mean after [95% CI]")[1] == ""
    kpis = pd.DataFrame({"measure": ["retention"] * 2, "months": [12, 12], "who": ["mentors", "mentees"],
                         "observable": [True, True], "due": [None, None], "n": [40, 12], "n_comparison": [40, 3],
                         "rate": [80.0, 75.0], "rate_comparison": [70.0, 66.7], "difference_points": [10.0, 8.3],
                         "difference_low": [-5.0, -20.0], "difference_high": [25.0, 30.0], "p_fisher": [0.4, 0.9]})
    out = suppress(kpis, K, "n", values=["rate", "rate_comparison", "difference_points", "difference_low",
                                         "difference_high", "p_fisher"], extra_counts=["n_comparison"])
    table, _ = _shown(view.kpi_report(out))
    assert table.records()[1]["participants"] == "hidden" and table.records()[1]["comparison group"] == "< 5"
    assert table.records()[1]["Fisher p"] == "" and table.records()[0]["participants"] == "80.0% of 40"
    sides = pd.concat([kpis.assign(who=w) for w in ("mentors", "mentees", "participants")], ignore_index=True)
    sides.loc[sides["who"] == "mentees", "n"] = 3
    sides.loc[sides["who"] == "participants", ["n", "n_comparison"]] = [43, 43]
    figures = ["rate", "rate_comparison", "difference_points", "difference_low", "difference_high", "p_fisher"]
    hidden = view._hide_total(suppress(sides, K, "n", values=figures), ["measure", "months"], figures, K)
    whole = view.kpi_report(hidden).iloc[[4, 5]]  # the participants rows: mentors + mentees would give 3 away
    table, _ = _shown(whole)
    assert [r["participants"] for r in table.records()] == ["hidden", "hidden"], table.records()


def test_a_suppressed_pre_post_row_hides_every_count_that_would_give_it_away(programme):
    """Regression: the three mentors answering a measure read 'before 3, after 3' beside a hidden paired count."""
    org, pairs, act, _ = programme
    mentors = pairs["mentor_id"].unique()[:3]
    extra = pd.DataFrame({"person_id": np.r_[mentors, mentors], "stage": ["pre"] * 3 + ["post"] * 3,
                          "instrument": "selfcheck", "score": [2.0, 3.0, 2.5, 4.0, 4.5, 4.0]})
    small = evaluate(EvaluationInputs(pairs, pd.concat([act.assessments, extra], ignore_index=True), org.roster,
                                      org.participants, act.meetings), design_for(org), as_of=AS_OF)
    table, _ = _shown(view.change_report(view.safe_prepost(small)))
    row = next(r for r in table.records() if r["measure"].startswith("selfcheck"))
    assert (row["before"], row["after"], row["paired"]) == ("< 5", "< 5", "< 5") and row["mean before"] == ""


def test_the_diversity_objective_reports_under_represented_mentors(programme):
    org, _, _, inputs = programme
    ev = evaluate(inputs, design_for(org, preset="diversity_inclusion"), as_of=AS_OF)
    assert "under_represented_mentors" in ev.comparisons
    row = ev.kpis[ev.kpis["who"] == "under-represented mentors"].iloc[0]
    assert row["measure"] == "promotion" and row["n"] <= len(ev.groups["mentors"])
    assert view.safe_verdict(ev).loc[0, "verdict"] in ("met", "not met", "not enough data")
    assert view.safe_representation(ev)["under_represented"].any()


def test_the_comparison_rule_can_be_switched(programme, ev):
    from revmentor_nb.evaluation.evaluate import with_comparison

    _, _, _, inputs = programme
    other = with_comparison(ev, inputs, "eligible non-participants")
    mentors = other.kpis[(other.kpis["kpi"] == "retention_mentors_12m")].iloc[0]
    assert other.comparison_rule == "eligible non-participants" and mentors["n_comparison"] > mentors["n"]
    none = with_comparison(ev, inputs, "none")
    assert none.kpis["n_comparison"].eq(0).all()
    row = view.safe_kpis(none).iloc[0]
    assert np.isfinite(row["rate"]) and np.isnan(row["rate_comparison"])


def test_dashboard_reruns_the_core_when_the_measure_or_comparison_changes(ev, programme):
    from revmentor_nb.ui.evaluation_dashboard import EvaluationDashboard

    dash = EvaluationDashboard(ev, programme[3])
    first_table, first_chart = dash.table.value, dash.chart.value
    assert "<svg" in first_chart and "Digital confidence" in dash.title.value
    dash.measure.value = "mfq9|role_modelling"
    assert dash.table.value != first_table and dash.chart.value != first_chart and "Role modelling" in dash.title.value
    dash.group.value = "mentees|department"
    assert "&lt; 5" in dash.table.value and "—" not in dash.table.value  # small departments read "< 5"
    before = dash.kpi_table.value
    dash.comparison.value = "waiting list"
    assert dash.kpi_table.value != before and dash.ev.comparison_rule == "waiting list"
    ids = set(programme[0].roster["person_id"])
    html = dash.table.value + dash.kpi_table.value
    assert not any(re.search(rf"\b{i}\b", html) for i in ids)


def test_the_core_never_imports_widgets_charts_or_papermill():
    code = ("import sys; import revmentor_nb.evaluation.evaluate, revmentor_nb.evaluation.report_tables, revmentor_nb.evaluation.kpis, "
            "revmentor_nb.evaluation.verdict, revmentor_nb.evaluation.dose, revmentor_nb.evaluation.instruments; "
            "bad = [m for m in ('ipywidgets', 'altair', 'papermill') if m in sys.modules]; print(bad); "
            "sys.exit(1 if bad else 0)")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def build_workspace(root, preset: str = "digital_skills") -> Workspace:
    """A workspace holding the small programme: roster, sign-ups, an accepted match, activity with comments."""
    org, pairs, act = small_programme()
    ws = Workspace.create(root, design_for(org, preset))
    for kind, frame in (("roster", org.roster), ("participants", org.participants), ("assessments", act.assessments),
                        ("meetings", act.meetings), ("checkins", act.checkins)):
        ws.import_frame(kind, frame, source_name=f"{kind}.csv")
    ws.save_match(SimpleNamespace(pairs=pairs, unmatched=pd.DataFrame({"person_id": []}), objective=0.0,
                                  status="Optimal"), accepted=True)
    return ws


@pytest.mark.notebook
def test_headless_report_answers_the_objective_privately_and_offline(tmp_path):
    from revmentor_nb.run.pipeline import run_stages

    ws = build_workspace(tmp_path / "ws")
    summary = run_stages(ws.root, ["evaluate"], parameters={"k": 6, "as_of": AS_OF})
    html = summary.outcomes[0].report.read_text(encoding="utf-8")
    ev = evaluate(inputs_from_workspace(ws), ws.design, k=6, as_of=AS_OF)
    verdict = view.safe_verdict(ev).iloc[0]
    assert "Success criteria" in html and verdict["verdict"] in html
    assert verdict["evidence"].split(";")[0].replace("'", "&#x27;") in html  # the numbers behind the verdict
    assert "Cohen" in html and "Cronbach" in html and "Kaplan-Meier" in html and "meetings held" in html
    assert html.count('data-mime-type="image/svg+xml"') >= 3
    assert not re.findall(r"""(?:src|href)\s*=\s*["']?(?:https?:)?//""", html) and "<script src" not in html
    people = ws.table("participants")
    assert not any(re.search(rf">\s*{re.escape(p)}\s*<", html) for p in ws.table("roster")["person_id"])
    assert not any(n in html for n in people["name"]) and not any(e in html for e in people["email"].dropna())
    comments = ws.table("checkins")["comment"].dropna().unique()
    assert len(comments) and not any(c.replace("'", "&#x27;") in html or c in html for c in comments)
    assert "groups under 6 people are not shown" in html  # the k parameter reached the report


def test_as_of_defaults_to_the_latest_date_the_data_record(programme):
    from revmentor_nb.evaluation.evaluate import default_as_of

    org, _, act, inputs = programme
    latest = max(org.roster[c].max() for c in ("hire_date", "exit_date", "last_promotion_date"))
    latest = max(latest, act.assessments["date"].max(), act.meetings["date"].max())
    assert default_as_of(inputs) == latest.date()
    early = evaluate(inputs, design_for(org), as_of="2026-10-01")
    row = early.kpis[early.kpis["kpi"] == "retention_mentors_12m"].iloc[0]
    assert not row["observable"] and np.isnan(row["rate"])
    assert view.safe_verdict(early).loc[0, "verdict"] in ("met", "not met")  # the pre/post answer does not wait


def test_without_assessments_or_roster_everything_is_not_enough_data(programme):
    org, pairs, _, _ = programme
    bare = evaluate(EvaluationInputs(pairs), design_for(org, preset="retention"), as_of=AS_OF)
    assert bare.prepost.empty and bare.kpis.empty and bare.curves.empty
    verdict = view.safe_verdict(bare)
    assert verdict["verdict"].tolist() == ["not enough data"]
    assert any("No HR roster" in n for n in bare.notes) and any("No assessments" in n for n in bare.notes)
    assert view.change_report(view.safe_prepost(bare)).empty and view.kpi_report(view.safe_kpis(bare)).empty
