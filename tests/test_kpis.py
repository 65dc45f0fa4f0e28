"""Roster KPIs: Kaplan-Meier and log-rank equal scipy/statsmodels; matched comparison groups; retention, promotion."""
from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd
import pytest
from scipy import stats
from statsmodels.duration.survfunc import SurvfuncRight
from statsmodels.stats.proportion import confint_proportions_2indep, proportion_confint

from revmentor_nb.evaluation.comparison import (
    balance,
    comparison_group,
    match_controls,
    staff_at,
)
from revmentor_nb.evaluation.kpis import (
    compare_proportions,
    follow_up,
    kpi_row,
    month_day,
    parse_kpi,
    representation,
    under_represented_ids,
)
from revmentor_nb.evaluation.survival import (
    kaplan_meier,
    logrank,
    monthly_curve,
    survival_at,
)

TOL = 1e-9
START = date(2026, 3, 2)


def _times(seed=0, n=80):
    rng = np.random.default_rng(seed)
    t = np.round(rng.exponential(300, n))  # whole days: ties, as real exit dates have
    censor = rng.uniform(100, 500, n)
    event = t <= censor
    return np.where(event, t, np.round(censor)), event


def test_kaplan_meier_equals_statsmodels_and_scipy():
    time, event = _times()
    km = kaplan_meier(time, event)
    sm = SurvfuncRight(time, event.astype(int))
    assert np.allclose(km["time"], sm.surv_times, atol=0, rtol=0)
    assert np.max(np.abs(km["survival"] - sm.surv_prob)) < TOL
    assert np.max(np.abs(km["se"] - sm.surv_prob_se)) < TOL
    assert (km["n_risk"].to_numpy() == sm.n_risk).all() and (km["n_events"].to_numpy() == sm.n_events).all()
    ref = stats.ecdf(stats.CensoredData.right_censored(time, ~event))
    ci = ref.sf.confidence_interval(method="log-log")
    for t, s, lo, hi in zip(km["time"], km["survival"], km["low"], km["high"]):
        assert abs(s - ref.sf.evaluate(t)) < TOL
        if np.isfinite(lo):
            assert abs(lo - ci.low.evaluate(t)) < TOL and abs(hi - ci.high.evaluate(t)) < TOL


def test_logrank_equals_scipy():
    t1, e1 = _times(1, 60)
    t2, e2 = _times(2, 70)
    chi2, p = logrank(np.r_[t1, t2], np.r_[e1, e2], np.r_[np.zeros(60), np.ones(70)])
    ref = stats.logrank(stats.CensoredData.right_censored(t1, ~e1), stats.CensoredData.right_censored(t2, ~e2))
    assert abs(chi2 - ref.statistic ** 2) < TOL and abs(p - ref.pvalue) < TOL


def test_survival_is_a_step_function_and_monthly_curve_stops_at_follow_up():
    time = np.array([10, 20, 20, 35, 50, 60.0])
    event = np.array([True, True, False, True, False, False])
    km = kaplan_meier(time, event)
    assert survival_at(km, 5)[0] == 1.0 and survival_at(km, 19)[0] == pytest.approx(5 / 6)
    assert survival_at(km, 34)[0] == pytest.approx(5 / 6 * 4 / 5)  # at day 20: 5 at risk, 1 left, 1 censored
    assert survival_at(km, 99)[0] == pytest.approx(5 / 6 * 4 / 5 * 2 / 3)
    curve = monthly_curve(time, event, [0, 30, 60, 90])
    assert list(curve["month"]) == [0, 1, 2] and curve["at_risk"].tolist() == [6, 3, 1]


def _roster(n=400, seed=0):
    rng = np.random.default_rng(seed)
    hire = pd.Timestamp(START) - pd.to_timedelta(rng.integers(30, 3000, n), unit="D")
    leave = pd.Series(pd.Timestamp(START) + pd.to_timedelta(rng.integers(-100, 500, n), unit="D"))
    leave[rng.random(n) < 0.75] = pd.NaT
    promo = pd.Series(pd.Timestamp(START) + pd.to_timedelta(rng.integers(-400, 400, n), unit="D"))
    promo[rng.random(n) < 0.6] = pd.NaT
    return pd.DataFrame({
        "person_id": [f"E{i:04d}" for i in range(n)],
        "department": rng.choice(["Ops", "Tech", "Sales"], n),
        "grade": rng.choice(["A1", "A2", "B1"], n), "grade_rank": 0,
        "hire_date": hire, "exit_date": leave, "last_promotion_date": promo,
        "ethnicity": rng.choice(["White", "Asian", "Black", "Prefer not to say"], n, p=[0.7, 0.15, 0.1, 0.05]),
        "gender": rng.choice(["Female", "Male"], n),
    }).assign(grade_rank=lambda f: f["grade"].map({"A1": 1, "A2": 2, "B1": 3}))


def test_staff_at_keeps_only_people_employed_on_the_start_date():
    roster = _roster()
    staff = staff_at(roster, START)
    day = pd.Timestamp(START)
    assert (staff["hire_date"] <= day).all() and (staff["exit_date"].isna() | (staff["exit_date"] > day)).all()
    left_before = roster[roster["exit_date"] <= day]["person_id"]
    assert not set(left_before) & set(staff.index)
    assert staff["tenure_years"].min() > 0


def test_matching_is_exact_on_department_and_grade_within_the_caliper_and_uses_each_control_once():
    staff = staff_at(_roster(), START)
    treated = list(staff.index[:40])
    signed = set(treated) | set(staff.index[40:60])
    pairs, unmatched = match_controls(staff, treated, set(staff.index) - signed, caliper_years=1.0)
    assert len(pairs) + len(unmatched) == 40
    assert pairs["control_id"].is_unique and not set(pairs["control_id"]) & signed
    a, b = staff.loc[pairs["person_id"]], staff.loc[pairs["control_id"]]
    assert (a["department"].to_numpy() == b["department"].to_numpy()).all()
    assert (a["grade"].to_numpy() == b["grade"].to_numpy()).all()
    gap = np.abs(a["tenure_years"].to_numpy() - b["tenure_years"].to_numpy())
    assert (gap <= 1.0 + 1e-12).all() and np.allclose(gap, pairs["tenure_gap_years"])


def test_matching_picks_the_nearest_tenure_and_reports_who_had_no_match():
    staff = pd.DataFrame({"person_id": ["t1", "t2", "c1", "c2", "c3"], "department": ["A", "A", "A", "A", "B"],
                          "grade": ["x"] * 5, "grade_rank": 1, "tenure_years": [5.0, 1.0, 4.5, 9.0, 1.0]}
                         ).set_index("person_id", drop=False)
    pairs, unmatched = match_controls(staff, ["t1", "t2"], ["c1", "c2", "c3"], caliper_years=2.0)
    assert pairs.to_dict("records") == [{"person_id": "t1", "control_id": "c1", "tenure_gap_years": 0.5}]
    assert unmatched == ["t2"]  # c3 is in another department, c2 too far in tenure


def test_comparison_rules():
    staff = staff_at(_roster(), START)
    part = list(staff.index[:30])
    signed = set(staff.index[:50])
    matched = comparison_group("matched non-participants", "mentors", staff, part, signed)
    assert len(matched.controls) == len(matched.participants) and matched.balance is not None
    assert abs(matched.balance.loc[matched.balance["characteristic"] == "grade rank", "standardised_difference"]
               ).max() < 1e-12
    eligible = comparison_group("eligible non-participants", "mentors", staff, part, signed, band=(1, 2))
    assert set(staff.loc[list(eligible.controls), "grade_rank"]) <= {1, 2} and not set(eligible.controls) & signed
    waiting = comparison_group("waiting list", "mentors", staff, part, signed, waiting=staff.index[30:50])
    assert set(waiting.controls) == set(staff.index[30:50])
    assert comparison_group("none", "mentors", staff, part, signed).controls == ()
    with pytest.raises(ValueError):
        comparison_group("everyone", "mentors", staff, part, signed)


def test_retention_and_promotion_at_n_months_against_the_comparison_group():
    staff = staff_at(_roster(), START)
    part, ctrl = list(staff.index[:100]), list(staff.index[100:220])
    group = comparison_group("waiting list", "mentors", staff, part, set(part) | set(ctrl), waiting=ctrl)
    as_of = date(2027, 6, 1)
    row = kpi_row(parse_kpi("retention_mentors_12m"), staff, group, START, as_of)
    horizon = pd.Timestamp("2027-03-02")
    people = staff.loc[part]
    stayed = int((people["exit_date"].isna() | (people["exit_date"] > horizon)).sum())
    assert row["observable"] and row["n"] == 100 and row["count"] == stayed
    assert abs(row["rate"] - stayed) < TOL  # 100 people: percent == count
    low, high = proportion_confint(stayed, 100, method="wilson")
    assert abs(row["rate_low"] - 100 * low) < TOL and abs(row["rate_high"] - 100 * high) < TOL
    assert abs(row["km_rate"] - row["rate"]) < TOL  # full follow-up: KM equals the plain share
    others = staff.loc[ctrl]
    stayed_c = int((others["exit_date"].isna() | (others["exit_date"] > horizon)).sum())
    low, high = confint_proportions_2indep(stayed, 100, stayed_c, 120, method="newcomb", compare="diff")
    assert abs(row["difference_low"] - 100 * low) < TOL and abs(row["difference_high"] - 100 * high) < TOL
    p = stats.fisher_exact([[stayed, 100 - stayed], [stayed_c, 120 - stayed_c]]).pvalue
    assert abs(row["p_fisher"] - p) < TOL
    promo = kpi_row(parse_kpi("promotion_mentors_12m"), staff, group, START, as_of)
    when = people["last_promotion_date"]
    assert promo["count"] == int(((when > pd.Timestamp(START)) & (when <= horizon)).sum())


def test_a_kpi_is_not_reported_before_its_follow_up_has_run():
    staff = staff_at(_roster(), START)
    group = comparison_group("waiting list", "mentors", staff, staff.index[:50], set(staff.index[:80]),
                             waiting=staff.index[50:80])
    row = kpi_row(parse_kpi("retention_mentors_12m"), staff, group, START, date(2027, 3, 1))
    assert not row["observable"] and row["due"] == "2027-03-02" and np.isnan(row["rate"])


def test_follow_up_censors_at_as_of_and_ignores_later_exits():
    staff = staff_at(_roster(), START)
    fu = follow_up(staff, staff.index, START, date(2026, 9, 1))
    assert fu["time"].max() == (pd.Timestamp("2026-09-01") - pd.Timestamp(START)).days
    assert (fu.loc[fu["event"], "time"] <= fu["time"].max()).all()


def test_compare_proportions_matches_references():
    out = compare_proportions(40, 50, 30, 50)
    low, high = confint_proportions_2indep(40, 50, 30, 50, method="newcomb", compare="diff")
    assert abs(out["difference_points"] - 20) < TOL and abs(out["difference_low"] - 100 * low) < TOL
    assert abs(out["p_fisher"] - stats.fisher_exact([[40, 10], [30, 20]]).pvalue) < TOL


def test_parse_kpi():
    assert parse_kpi("retention_mentees_6m").months == 6
    with pytest.raises(ValueError):
        parse_kpi("happiness_mentors_6m")


def test_representation_four_fifths_rule_and_unstated_answers():
    roster = pd.DataFrame({"person_id": [f"p{i}" for i in range(100)],
                           "ethnicity": ["Black"] * 20 + ["White"] * 70 + ["Prefer not to say"] * 10,
                           "gender": ["Female"] * 50 + ["Male"] * 50}).set_index("person_id", drop=False)
    senior = pd.Series([i in range(0, 2) or i in range(20, 45) or i in range(50, 52) for i in range(100)],
                       index=roster.index)
    rep = representation(roster, senior).set_index(["attribute", "group"])
    assert ("ethnicity", "Prefer not to say") not in rep.index
    black = rep.loc[("ethnicity", "Black")]
    assert black["share_all"] == pytest.approx(100 * 20 / 90) and black["under_represented"]
    assert not rep.loc[("ethnicity", "White"), "under_represented"]
    ids = under_represented_ids(roster, {"ethnicity": ["Black"]})
    assert ids == {f"p{i}" for i in range(20)}


def test_a_promotions_history_counts_a_promotion_a_later_one_overwrote():
    """Promoted 3 months in and again 14 months in: last_promotion_date alone misses the 12-month promotion."""
    roster = pd.DataFrame({"person_id": ["a", "b"], "department": "Ops", "grade": "A1", "grade_rank": 1,
                           "hire_date": pd.Timestamp("2020-01-01"), "exit_date": pd.NaT,
                           "last_promotion_date": [pd.Timestamp("2027-05-01"), pd.NaT]})
    staff = staff_at(roster, START)
    history = pd.DataFrame({"person_id": ["a", "a", "b"],
                            "date": ["2026-06-01", "2027-05-01", "2025-01-01"]})  # b's promotion predates the start
    as_of = date(2027, 6, 1)
    assert follow_up(staff, ["a"], START, as_of)["promotion_day"].item() > month_day(START, 12)  # only the later one
    fu = follow_up(staff, ["a", "b"], START, as_of, promotions=history).set_index("person_id")
    assert fu.loc["a", "promotion_day"] == (pd.Timestamp("2026-06-01") - pd.Timestamp(START)).days
    assert np.isnan(fu.loc["b", "promotion_day"])
    group = comparison_group("waiting list", "mentors", staff, ["a"], ["a", "b"], waiting=["b"])
    kpi = parse_kpi("promotion_mentors_12m")
    assert kpi_row(kpi, staff, group, START, as_of)["count"] == 0
    assert kpi_row(kpi, staff, group, START, as_of, promotions=history)["count"] == 1


def test_standardised_difference_is_blank_for_a_one_person_group():
    staff = staff_at(_roster(), START)
    table = balance(staff, staff.index[:1], staff.index[1:20]).set_index("characteristic")
    assert table["standardised_difference"].iloc[:2].isna().all()  # undefined, not 0 ("balanced")
    both = balance(staff, staff.index[:10], staff.index[10:30]).set_index("characteristic")
    assert both["standardised_difference"].iloc[:2].notna().all()
