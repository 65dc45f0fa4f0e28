"""Published rule sets as data: ``matching: {preset: NAME}`` in program.yaml, or ``match(people, **preset(NAME))``.

A preset is the ``matching:`` section a scheme would write by hand; keys given beside
``preset`` override it key by key, so a programme can start from a scheme's rules and
change one thing.
"""
from __future__ import annotations

from copy import deepcopy
from typing import Any

CIVIL_SERVICE: dict[str, Any] = {
    # The cross-government staff-network scheme that mentor-match serves (traditional: mentors senior).
    "mode": "one-way",
    "rules": {
        "consent": True,
        "different_department": True,  # "different organisation": the data contract's department
        "reporting_line_levels": 0,  # the scheme has no roster; organisations differ anyway
        "grade_gap": {"enabled": True, "min": 1, "max": 2, "direction": "mentor_senior"},
        "shared_topic": False,
        "exclusions": True,
        "location": False,
    },
    "weights": {
        "topic_coverage": 0.0, "shared_interests": 0.0, "same_site": 0.0, "reciprocity": 0.0,
        "extra": [
            {"name": "grade_gap_points", "kind": "gap_points", "column": "grade_rank", "points": {1: 9.0, 2: 12.0},
             "direction": "mentor_senior"},
            {"name": "same_profession", "kind": "same", "column": "profession", "weight": 10.0},
            {"name": "shared_identity", "kind": "overlap", "giver": "mentor", "giver_column": "characteristics",
             "learner_column": "identity", "once": True, "opt_in": "identity_opt_in", "weight": 6.0},
        ],
    },
    "load_cap": 3,
    "mentee_cap": 3,
    "tiers": "both",
}

PRESETS: dict[str, dict[str, Any]] = {"civil-service": CIVIL_SERVICE}


def preset_settings(name: str) -> dict[str, Any]:
    """The ``matching:`` section of a named preset (a fresh copy); unknown names raise ValueError naming the choices."""
    key = str(name).strip().casefold()
    if key not in PRESETS:
        raise ValueError(f"unknown preset {name!r}; use one of: {', '.join(sorted(PRESETS))}")
    return deepcopy(PRESETS[key])

