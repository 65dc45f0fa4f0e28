"""Pilot sizing (checked against statsmodels and an independent scipy power calculation), eligibility,
supply vs demand and who goes unmatched and why."""
from __future__ import annotations

import math
from decimal import Decimal
from fractions import Fraction

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats
from statsmodels.stats.power import TTestPower

from revmentor_nb.design.eligibility import eligibility, ineligible_reasons
from revmentor_nb.design.forecast import (
    forecast,
    grade_supply_demand,
    topic_supply_demand,
    unmatched_reasons,
)
from revmentor_nb.design.pilot import (
    analysed_pairs,
    changed_design,
    detectable_effect,
    detectable_text,
    pairs_needed,
    pairs_to_recruit,
    pilot_plan,
    power_curve,
    what_if,
)
from revmentor_nb.design.program import design_from_dict

GRADES = ["A1", "A2", "B1", "B2", "C1", "C2", "D1", "D2"]


def _paired_power(d: float, n: int, alpha: float) -> float:
    """Power of a two-sided one-sample t-test on n differences, from the noncentral t (scipy, not statsmodels).

    The lower tail is read as P(T > crit) for -nc by symmetry: scipy's CDF is NaN far in a tail at t < 0 < nc.
    """
    df, nc = n - 1, d * math.sqrt(n)
    crit = stats.t.ppf(1 - alpha / 2, df)
    return float(stats.nct.sf(crit, df, nc) + stats.nct.sf(crit, df, -nc))


# --- pilot size -------------------------------------------------------------------------------------------


@pytest.mark.parametrize("d, alpha, power", [(0.5, 0.05, 0.8), (0.3, 0.05, 0.9), (0.2, 0.01, 0.8), (0.8, 0.1, 0.8)])
def test_pairs_needed_matches_statsmodels(d, alpha, power):
    size = pairs_needed(d, alpha, power)
    exact = TTestPower().solve_power(effect_size=d, nobs=None, alpha=alpha, power=power, alternative="two-sided")
    assert size.exact == pytest.approx(exact, rel=1e-6)  # statsmodels' own solver stops near 1e-6
    assert abs(TTestPower().power(d, size.exact, alpha) - power) < 1e-9  # ours solves the equation to 1e-9
    assert size.pairs_analysed == math.ceil(exact)


def test_medium_effect_needs_34_pairs():
    assert pairs_needed(0.5, 0.05, 0.8).pairs_analysed == 34  # the textbook figure for d_z = 0.5


@given(d=st.floats(0.05, 4.0), alpha=st.floats(0.001, 0.3), power=st.floats(0.05, 0.99),
       dropout=st.sampled_from([0.0, 0.1, 0.2, 0.25, 0.3, 0.56, 0.8, 0.95]))
@settings(max_examples=60, deadline=None)
def test_the_size_is_the_smallest_with_enough_power(d, alpha, power, dropout):
    """Any valid design: at least 2 pairs; enough power at n, not at n - 1 (scipy's noncentral t; statsmodels' power
    is NaN for some of these); recruitment exact."""
    size = pairs_needed(d, alpha, power, dropout)
    n = size.pairs_analysed
    assert n >= 2
    assert _paired_power(d, n, alpha) >= power - 1e-12
    if n > 2:
        assert _paired_power(d, n - 1, alpha) < power
    keep = 1 - Fraction(Decimal(repr(dropout)))
    assert size.pairs_to_recruit * keep >= n > (size.pairs_to_recruit - 1) * keep


def test_dropout_inflates_recruitment():
    size = pairs_needed(0.5, 0.05, 0.8, dropout=0.2)
    assert size.pairs_to_recruit == math.ceil(34 / 0.8) == 43
    assert pairs_needed(0.5, dropout=0.0).pairs_to_recruit == 34


def test_detectable_effect_inverts_the_size():
    d = detectable_effect(43, 0.05, 0.8, dropout=0.2)  # 34 analysed
    assert abs(TTestPower().power(d, 34, 0.05) - 0.8) < 1e-9
    assert d == pytest.approx(TTestPower().solve_power(effect_size=None, nobs=34, alpha=0.05, power=0.8), rel=1e-5)
    assert d <= 0.5 + 1e-9 and detectable_effect(1) is None


def test_analysed_pairs_use_exact_arithmetic():
    """The issue's cases: 25 pairs at 56% drop-out leave 11 (not 10); 15 at 80% leave 3 (not none)."""
    assert analysed_pairs(25, 0.56) == 11 and analysed_pairs(15, 0.8) == 3 and analysed_pairs(10, 0.3) == 7
    assert pairs_to_recruit(11, 0.56) == 25 and pairs_to_recruit(7, 0.3) == 10
    d = detectable_effect(25, 0.05, 0.8, dropout=0.56)
    assert abs(TTestPower().power(d, 11, 0.05) - 0.8) < 1e-9
    assert detectable_effect(15, 0.05, 0.8, dropout=0.8) is not None


def test_detectable_effect_is_checked_for_tiny_pilots():
    """3 pairs, alpha 0.01, power 0.9: statsmodels' solver says 4.19 (power 0.41); the answer is 8.76."""
    d = detectable_effect(3, 0.01, 0.9)
    assert round(d, 2) == 8.76 and abs(_paired_power(d, 3, 0.01) - 0.9) < 1e-9


@given(pairs=st.integers(2, 400), alpha=st.floats(0.001, 0.3), power=st.floats(0.05, 0.99))
@settings(max_examples=60, deadline=None)
def test_detectable_effect_solves_the_power_equation(pairs, alpha, power):
    d = detectable_effect(pairs, alpha, power)
    assert d is not None and d >= 0
    if _paired_power(0.0, pairs, alpha) >= power - 1e-10:
        assert d < 1e-6  # asking for no more power than alpha: no effect is needed
        return
    assert abs(_paired_power(d, pairs, alpha) - power) < 1e-9


def test_edges_are_said_in_words():
    assert "at least 2" in detectable_text(1) and "1 pair left" in detectable_text(3, dropout=0.5)
    assert detectable_text(34) == "d = 0.50"


def test_a_design_needing_fewer_than_two_pairs_asks_for_two():
    """Effect 1.6, alpha 0.2, power 0.5 crashed with 'cannot convert float NaN to integer'."""
    size = pairs_needed(1.6, 0.2, 0.5)
    assert size.pairs_analysed == 2 and np.isnan(size.exact) and _paired_power(1.6, 2, 0.2) >= 0.5
    design = design_from_dict({"evaluation": {"effect_size": 1.6, "alpha": 0.2, "power": 0.5}})
    plan = pilot_plan(design, None)
    assert plan.size.pairs_analysed == 2 and plan.enough
    assert not power_curve(design.evaluation).empty


def test_bad_inputs_say_what_is_allowed():
    with pytest.raises(ValueError, match="effect_size"):
        pairs_needed(0)
    with pytest.raises(ValueError, match="dropout"):
        pairs_needed(0.5, dropout=1.0)


def test_power_curve_falls_as_the_effect_grows():
    curve = power_curve(design_from_dict({}).evaluation)
    assert curve["pairs_to_recruit"].is_monotonic_decreasing
    assert curve.loc[curve["effect_size"] == 0.5, "pairs_to_recruit"].item() == 43


# --- a small organisation with known answers ------------------------------------------------------------


def _person(pid, role, dept, grade, offers=(), wants=(), location="London", remote=True, capacity=1, consent=True):
    return {"person_id": pid, "name": pid, "role": role, "department": dept, "grade": grade,
            "grade_rank": GRADES.index(grade) + 1, "location": location, "remote_ok": remote,
            "offers": list(offers), "wants": list(wants), "capacity": capacity, "consent": consent}


@pytest.fixture()
def people() -> pd.DataFrame:
    return pd.DataFrame([
        _person("m1", "mentor", "Tech", "A1", offers=["AI"], capacity=2),
        _person("m2", "mentor", "Sales", "A2", offers=["Social"]),
        _person("m3", "mentor", "Ops", "B1", offers=["Data"], location="Leeds", remote=False),
        _person("m4", "mentor", "Ops", "A1", offers=["AI"], consent=False),
        _person("e1", "mentee", "Sales", "D1", wants=["AI"]),
        _person("e2", "mentee", "Finance", "D2", wants=["AI"]),
        _person("e3", "mentee", "Finance", "C1", wants=["AI"]),  # third for m1's two places: squeezed out
        _person("e4", "mentee", "Sales", "C2", wants=["Social"]),  # only Social mentor is in Sales
        _person("e5", "mentee", "Legal", "D1", wants=["Web3"]),  # nobody offers it
        _person("e6", "mentee", "Legal", "D1", wants=["Data"], location="London", remote=False),  # m3 is in Leeds
        _person("e7", "mentee", "Legal", "A2", wants=["AI"]),  # below the mentees' band
    ])


@pytest.fixture()
def design():
    return design_from_dict({"grade_order": GRADES, "spaces": 10,
                             "eligibility": {"mentors": {"highest": "B1"}, "mentees": {"lowest": "C1"}}})


def test_eligibility_gives_the_reason_for_each_person_left_out(people, design):
    e = eligibility(people, design).set_index("person_id")
    assert e.loc["m4", "reason"] == "no consent" and not e.loc["m4", "as_mentor"]
    assert "mentees' band (C1 and above)" in e.loc["e7", "reason"]
    assert e.loc["e1", "as_mentee"] and e.loc["m1", "as_mentor"] and e.loc["e1", "reason"] == ""
    d = changed_design(design, {"eligibility": {"departments": ["Tech", "Sales", "Finance"], "sites": ["London"]}})
    e = eligibility(people, d).set_index("person_id")
    assert e.loc["e5", "reason"] == "department not eligible" and e.loc["m3", "reason"] == "department not eligible"
    assert set(ineligible_reasons(people, d)["reason"]) >= {"department not eligible", "no consent"}


def test_forecast_names_the_rule_that_leaves_each_person_without_a_partner(people, design):
    f = forecast(people, design)
    why = f.people[f.people["side"] == "mentee"].set_index("person_id")
    assert why.loc["e4", "reason"].startswith("different department")
    assert why.loc["e5", "reason"].startswith("shared topic")
    assert why.loc["e6", "reason"].startswith("location")
    assert (why.loc[["e1", "e2", "e3"], "paired"]).sum() == 2  # m1 has two places for three AI mentees
    assert why.loc[["e1", "e2", "e3"], "reason"].str.startswith("capacity").sum() == 1
    assert f.max_pairs == 2 and f.pairs == 2
    mentors = f.people[f.people["side"] == "mentor"].set_index("person_id")
    assert mentors.loc["m1", "paired"] and not mentors.loc["m2", "paired"]


def test_grade_gap_rule_is_applied_in_the_forecast(people, design):
    d = changed_design(design, {"matching": {"rules": {"grade_gap": {"min": 6}}}})
    why = forecast(people, d).people.set_index("person_id")
    assert why.loc["e3", "reason"].startswith("grade gap")  # C1 is 4 grades above A1
    assert why.loc["e2", "paired"]  # D2 is 7 above A1


def test_unmatched_reasons_add_spaces_and_ineligible_people(people, design):
    d = changed_design(design, {"spaces": 1})
    r = unmatched_reasons(people, d)
    assert (r["people"] > 0).all()
    assert "spaces: the programme has only 1 spaces" in set(r["reason"])
    assert {"no consent"} <= set(r.loc[r["side"] == "not eligible", "reason"])


def test_supply_and_demand_by_grade_and_topic(people, design):
    g = grade_supply_demand(people, design).set_index("grade")
    assert g.loc["A1", "mentors"] == 1 and g.loc["A1", "mentor_places"] == 2 and g.loc["A1", "not_eligible"] == 1
    assert g.loc["A2", "mentees"] == 0 and g.loc["A2", "not_eligible"] == 1
    assert list(g.index) == sorted(g.index, key=GRADES.index)
    t = topic_supply_demand(people, design).set_index("topic")
    assert t.loc["AI", "places"] == 2 and t.loc["AI", "mentees"] == 3 and t.loc["Web3", "places"] == 0


def test_pilot_plan_verdicts(people, design):
    assert "Too small" in pilot_plan(changed_design(design, {"spaces": 5}), people).verdict
    plan = pilot_plan(changed_design(design, {"spaces": 50}), people)
    assert not plan.enough and plan.possible_pairs == 2 and "Too few sign-ups" in plan.verdict
    easy = changed_design(design, {"spaces": 50, "evaluation": {"effect_size": 3.0, "dropout": 0.0}})
    assert pilot_plan(easy, None).enough and "no sign-ups yet" in pilot_plan(easy, None).verdict


def test_tightening_grade_bands_on_the_demo_leaves_more_mentees_unmatched():
    from revmentor_nb import demo
    from revmentor_nb.demo.workspace import demo_design

    org = demo.build_demo(seed=1, n_employees=800)
    base = demo_design(list(org.grade_order), org.start_date)
    table = what_if(base, org.participants, {"eligibility": {"mentees": {"lowest": "D1"}}}).set_index("measure")
    left = table.loc["sign-ups as mentee left without a mentor"]
    assert left["changed design"] > left["current design"]
    assert table.loc["most pairs possible", "changed design"] < table.loc["most pairs possible", "current design"]


def test_forecast_pairs_never_exceed_either_side(people, design):
    f = forecast(people, design)
    mentors = people[people["role"] == "mentor"]
    assert f.max_pairs <= min(mentors["capacity"].sum(), (people["role"] == "mentee").sum())
    assert np.all(f.people["candidates"] >= 0)


def test_plan_table_and_available_pairs(people, design):
    plan = pilot_plan(changed_design(design, {"spaces": 50}), people)
    table = dict(plan.table().values)
    assert table["pairs to recruit"] == "43" and table["pairs the sign-ups allow"] == "2"
    assert plan.available == 2 and pilot_plan(design, None).available == design.spaces
