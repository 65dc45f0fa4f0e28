"""Attendance vs impact: meetings counted per accepted pair and date; the slope equals scipy's linregress."""
from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd
from scipy import stats

from revmentor_nb.evaluation.dose import dose_response, meeting_bins, meetings_held

TOL = 1e-9


def test_meetings_held_counts_distinct_dates_of_accepted_pairs_only():
    pairs = pd.DataFrame({"mentor_id": ["m1", "m1", "m2"], "mentee_id": ["e1", "e2", "e3"]})
    meetings = pd.DataFrame({
        "mentor_id": ["m1", "m1", "m1", "m1", "m9", "m2"],
        "mentee_id": ["e1", "e1", "e2", "e2", "e1", "e3"],
        "date": pd.to_datetime(["2026-03-05", "2026-03-05", "2026-04-01", "2026-05-01", "2026-03-05", "2027-01-01"]),
    })  # both sides logged e1's first meeting; m9 is not an accepted pair; m2's meeting is after as_of
    held = meetings_held(pairs, meetings, until=date(2026, 12, 31)).set_index(["role", "person_id"])["meetings"]
    assert held[("mentee", "e1")] == 1 and held[("mentee", "e2")] == 2 and held[("mentee", "e3")] == 0
    assert held[("mentor", "m1")] == 3 and held[("mentor", "m2")] == 0
    assert meetings_held(pairs, None)["meetings"].sum() == 0


def test_slope_and_correlation_equal_scipy():
    rng = np.random.default_rng(4)
    ids = [f"p{i}" for i in range(80)]
    held = pd.Series(rng.integers(0, 9, 80), index=ids)
    change = pd.Series(0.05 * held.to_numpy() + rng.normal(0, 0.4, 80), index=ids)
    d = dose_response(change, held)
    ref = stats.linregress(held.to_numpy(float), change.to_numpy())
    assert d.n == 80
    assert abs(d.slope - ref.slope) < TOL and abs(d.intercept - ref.intercept) < TOL
    assert abs(d.slope_se - ref.stderr) < TOL and abs(d.p_slope - ref.pvalue) < TOL
    assert abs(d.r2 - ref.rvalue ** 2) < TOL
    half = stats.t.ppf(0.975, 78) * ref.stderr
    assert abs(d.slope_low - (ref.slope - half)) < TOL and abs(d.slope_high - (ref.slope + half)) < TOL
    rho = stats.spearmanr(held, change)
    assert abs(d.spearman_rho - rho.statistic) < TOL and abs(d.p_spearman - rho.pvalue) < TOL
    assert d.bins["n"].sum() == 80 and (d.line["low"] <= d.line["fit"]).all()


def test_people_without_a_change_or_without_variation_give_no_fit():
    held = pd.Series([2, 2, 2, 2], index=list("abcd"))
    assert np.isnan(dose_response(pd.Series([0.1, 0.2, 0.3, 0.4], index=list("abcd")), held).slope)
    assert dose_response(pd.Series([0.1], index=["a"]), held).n == 1


def test_meeting_bands_have_equal_width():
    bands = meeting_bins(pd.Series([0, 1, 2, 3, 4, 5, 6, 7, 8]))
    assert list(dict.fromkeys(bands)) == ["0-2", "3-5", "6-8"]
    assert list(dict.fromkeys(meeting_bins(pd.Series([0, 1, 2])))) == ["0", "1", "2"]
