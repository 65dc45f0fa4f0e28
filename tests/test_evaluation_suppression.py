"""Small-cell suppression on crafted small groups, including protection against differencing."""
from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from revmentor_nb.privacy.suppression import (
    blank_where,
    imports_for_report,
    suppress,
    suppress_cells,
)

K = 5


def _parts(counts):
    return pd.DataFrame({"group": [f"g{i}" for i in range(len(counts))], "n": counts,
                         "mean": np.linspace(1, 2, len(counts)), "part": 1})


def test_a_group_under_k_shows_no_figures_not_even_its_count():
    out = suppress(pd.DataFrame({"group": ["small", "big"], "n": [4, 50], "mean": [3.2, 3.9]}), K, "n")
    small = out.iloc[0]
    assert small["suppressed"] and np.isnan(small["n"]) and np.isnan(small["mean"])
    assert not out.iloc[1]["suppressed"] and out.iloc[1]["mean"] == 3.9


def test_one_hidden_part_drags_the_next_smallest_with_it():
    out = suppress(_parts([3, 10, 20]), K, "n", partition="part")
    assert out["suppressed"].tolist() == [True, True, False]


def test_hidden_parts_are_joined_until_they_hold_k_people():
    out = suppress(_parts([6, 2, 2, 30]), K, "n", partition="part")
    assert out["suppressed"].tolist() == [True, True, True, False]  # 2 + 2 < 5: add the 6
    assert not suppress(_parts([5, 5, 5]), K, "n", partition="part")["suppressed"].any()
    assert suppress(_parts([2, 9]), K, "n", partition="part")["suppressed"].all()
    assert suppress(_parts([0, 9, 12]), K, "n", partition="part")["suppressed"].tolist() == [True, False, False]


def test_separate_partitions_are_protected_separately():
    t = pd.concat([_parts([3, 10, 20]).assign(part="a"), _parts([8, 9]).assign(part="b")], ignore_index=True)
    out = suppress(t, K, "n", partition="part")
    assert out["suppressed"].tolist() == [True, True, False, False, False]


def test_a_subgroup_is_hidden_when_the_rest_of_its_parent_is_small():
    t = pd.DataFrame({"who": ["under-represented mentors", "under-represented mentors"], "n": [48, 20],
                      "parent_n": [50, 60], "rate": [10.0, 12.0]})
    out = suppress(t, K, "n", parent="parent_n")
    assert out["suppressed"].tolist() == [True, False]  # 50 - 48 = 2 people would be exposed


def test_a_small_comparison_group_hides_the_row():
    t = pd.DataFrame({"n": [40], "n_comparison": [3], "rate": [80.0], "rate_comparison": [66.7]})
    out = suppress(t, K, "n", extra_counts=["n_comparison"])
    assert out["suppressed"].item() and np.isnan(out["rate_comparison"].item())


def test_blank_where_hides_one_figure_on_a_small_count():
    t = pd.DataFrame({"missing_post": [3, 9], "pre_mean_missing_post": [2.1, 2.5]})
    out = blank_where(t, "missing_post", ["pre_mean_missing_post"], K)
    assert np.isnan(out.loc[0, "pre_mean_missing_post"]) and out.loc[1, "pre_mean_missing_post"] == 2.5


@settings(max_examples=200, deadline=None)
@given(st.lists(st.integers(0, 40), min_size=1, max_size=12), st.integers(2, 10))
def test_no_hidden_part_can_be_recovered_by_subtraction(counts, k):
    out = suppress(_parts(counts), k, "n", partition="part")
    shown = out.loc[~out["suppressed"], "n"]
    hidden_total = sum(c for c, s in zip(counts, out["suppressed"]) if s)
    assert (shown >= k).all()
    # total - visible = what is hidden: it is either nothing or at least k people together
    assert hidden_total == 0 or hidden_total >= k or out["suppressed"].all()


def test_suppress_cells_hides_a_small_part_and_what_the_row_total_would_give_away():
    """The design report's grade breakdown: 'not eligible: 2' in a grade of 37 is hidden with the fewest others."""
    t = pd.DataFrame({"grade": ["A1", "B2", "C2"], "signed_up": [37, 9, 27], "mentors": [35, 5, 0],
                      "mentor_places": [46, 5, 0], "mentees": [0, 8, 27], "not_eligible": [2, 1, 0]})
    out = suppress_cells(t, ["mentors", "mentees", "not_eligible"], K, total="signed_up",
                         follow={"mentor_places": "mentors"})
    a1, b2, c2 = out.to_dict("records")
    assert np.isnan(a1["not_eligible"]) and np.isnan(b2["not_eligible"])
    # neither the row total nor the published grand total leaves a hidden part under k
    for before, after in zip(t.to_dict("records"), out.to_dict("records")):
        if not np.isnan(after["signed_up"]):
            shown = sum(after[c] for c in ("mentors", "mentees", "not_eligible") if not np.isnan(after[c]))
            overlap = before["mentors"] + before["mentees"] + before["not_eligible"] - before["signed_up"]
            assert before["signed_up"] - shown + overlap in (0,) or before["signed_up"] - shown + overlap >= K
    assert np.isnan(a1["mentor_places"]) == np.isnan(a1["mentors"])
    assert (c2["mentors"], c2["mentees"], c2["not_eligible"]) == (0, 27, 0)  # zeros stay
    assert out.attrs["hidden"]["not_eligible"] == {0: "< 5", 1: "< 5"}


def test_imports_for_report_leaves_out_the_row_counts_of_answer_files():
    t = pd.DataFrame({"kind": ["roster", "assessments", "checkins"], "file": ["r.csv", "a.csv", "c.csv"],
                      "rows": [700, 139, 307], "status": ["imported"] * 3})
    out = imports_for_report(t)
    assert out["rows"].tolist() == [700, None, None] and t["rows"].tolist() == [700, 139, 307]


def test_two_hidden_groups_of_k_minus_1_get_company_so_the_markers_do_not_pin_them():
    """4 + 4 hidden (both shown '< 5') with the whole published would tell each is 4: a third group is hidden."""
    out = suppress(_parts([4, 4, 30, 40]), K, "n", partition="part")
    assert out["suppressed"].tolist() == [True, True, True, False]
    assert out.attrs["hidden"]["n"] == {0: "< 5", 1: "< 5", 2: "hidden"}
