"""The design stage's forecast asks the matcher's own rules: it never promises fewer pairs than match() finds.

Property: on random sign-ups and random rule settings, in both directions (reverse: mentee senior;
traditional: mentor senior), ``forecast(...).max_pairs`` >= the pairs ``match()`` finds, and equals
them when the matcher is told to make as many pairs as possible (one-role sign-ups, no tiers).
"""
from __future__ import annotations

import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from revmentor_nb.design.forecast import forecast
from revmentor_nb.design.program import design_from_dict
from revmentor_nb.matching import match

TOPICS = ["ai", "data", "social", "web"]
DEPTS = ["Ops", "Sales", "Tech"]
SITES = ["", "Leeds", "London"]


@st.composite
def signups(draw: st.DrawFn, either: bool) -> pd.DataFrame:
    n = draw(st.integers(2, 12))
    roles = ["mentor", "mentee", "either"] if either else ["mentor", "mentee"]
    rows = []
    for i in range(n):
        rows.append(dict(
            person_id=f"p{i:02d}", name=f"P {i}", role=draw(st.sampled_from(roles)),
            department=draw(st.sampled_from(DEPTS)), grade=draw(st.integers(1, 6)),
            location=draw(st.sampled_from(SITES)), remote_ok=draw(st.booleans()),
            offers=draw(st.lists(st.sampled_from(TOPICS), max_size=2, unique=True)),
            wants=draw(st.lists(st.sampled_from(TOPICS), max_size=2, unique=True)),
            capacity=draw(st.integers(1, 2)), consent=draw(st.sampled_from([True, True, True, False])),
        ))
    return pd.DataFrame(rows)


@st.composite
def matching_settings(draw: st.DrawFn) -> dict:
    gap_max = draw(st.sampled_from([None, 2, 4]))
    gap_min = draw(st.sampled_from([None, 0, 1, 2]))
    if gap_min is None and gap_max is None:
        gap_min = 1
    return {
        "rules": {
            "different_department": draw(st.booleans()),
            "grade_gap": {"enabled": draw(st.booleans()), "min": gap_min, "max": gap_max,
                          "direction": draw(st.sampled_from(["mentee_senior", "mentor_senior"]))},
            "location": draw(st.booleans()),
            "shared_topic": draw(st.booleans()),
            "reporting_line_levels": 0,
        },
    }


def _design(section: dict, **matching: object) -> object:
    gap = section.get("rules", {}).get("grade_gap", {})
    direction = "traditional" if gap.get("direction") == "mentor_senior" else "reverse"
    return design_from_dict({"spaces": 1000, "direction": direction, "matching": {**section, **matching}})


@given(people=signups(either=True), section=matching_settings())
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_forecast_is_never_below_the_pairs_match_finds(people, section):
    design = _design(section)
    found = match(people, settings=design.matching)
    assert forecast(people, design).max_pairs >= len(found.pairs)


@given(people=signups(either=False), section=matching_settings())
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_forecast_equals_the_most_pairs_match_can_make(people, section):
    design = _design(section, most_pairs=1.0, tiers="off")
    found = match(people, settings=design.matching)
    assert forecast(people, design).max_pairs == len(found.pairs)


def _traditional_scheme() -> pd.DataFrame:
    rows = []
    for i in range(10):  # seniors (grade 5-6) mentor juniors (grade 1-2): a traditional scheme
        rows.append(dict(person_id=f"m{i}", name=f"M{i}", role="mentor", department=DEPTS[i % 3], grade=5 + i % 2,
                         location="", offers=["ai"], wants=[], capacity=1, consent=True))
        rows.append(dict(person_id=f"e{i}", name=f"E{i}", role="mentee", department=DEPTS[(i + 1) % 3],
                         grade=1 + i % 2, location="", offers=[], wants=["ai"], capacity=1, consent=True))
    return pd.DataFrame(rows)


def test_traditional_direction_is_the_matchers_direction():
    """The issue's case: a senior-mentor gap of 1-4; the old forecast ignored direction and said 0 pairs."""
    people = _traditional_scheme()
    design = _design({"rules": {"grade_gap": {"enabled": True, "min": 1, "max": 4, "direction": "mentor_senior"}}})
    assert forecast(people, design).max_pairs == len(match(people, settings=design.matching).pairs) == 10


def test_two_blank_sites_are_not_the_same_site():
    """As in the matcher: blank locations never count as a shared site (only remote work can pair them)."""
    people = _traditional_scheme().assign(remote_ok=False)
    design = _design({"rules": {"location": True, "grade_gap": {"enabled": False}}})
    f = forecast(people, design)
    assert f.max_pairs == len(match(people, settings=design.matching).pairs) == 0
    assert f.people["reason"].str.startswith("location").all()
