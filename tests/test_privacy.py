"""Reports are aggregate and pseudonymous: small groups suppressed, including by differencing."""
from __future__ import annotations

import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from revmentor_nb.privacy.pseudonyms import (
    pseudonym,
    pseudonymise,
    suppress_small_groups,
)


def test_pseudonyms_are_stable_and_do_not_contain_the_id():
    assert pseudonym("E123") == pseudonym("E123") != pseudonym("E124")
    assert "E123" not in pseudonym("E123")


def test_pseudonymise_drops_names_emails_sensitive_and_comments():
    frame = pd.DataFrame({"person_id": ["a"], "name": ["Ann"], "email": ["a@x"], "gender": ["F"], "comment": ["hi"], "x": [1]})
    out = pseudonymise(frame, ["person_id"])
    assert list(out.columns) == ["person_id", "x"] and out.loc[0, "person_id"].startswith("P-")


@settings(max_examples=100, deadline=None)
@given(st.lists(st.integers(0, 30), min_size=1, max_size=8), st.integers(2, 10))
def test_no_group_under_k_is_visible_nor_recoverable_from_the_total(sizes, k):
    table = pd.DataFrame({"group": [f"g{i}" for i in range(len(sizes))], "n": sizes, "rate": [0.5] * len(sizes)})
    out = suppress_small_groups(table, "n", k)
    visible = out[~out["suppressed"]]
    assert (visible["n"] >= k).all()
    hidden = table[out["suppressed"].to_numpy()]
    # total minus the visible groups gives the hidden people together: never 1..k-1 people unless all are hidden
    assert hidden["n"].sum() == 0 or hidden["n"].sum() >= k or out["suppressed"].all()
    assert out.loc[out["suppressed"], "rate"].isna().all()
