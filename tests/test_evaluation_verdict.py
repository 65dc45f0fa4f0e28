"""Success criteria are read into checkable rules; the verdict is met, not met or not enough data, with the numbers."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from revmentor_nb.design.program import OBJECTIVE_PRESETS
from revmentor_nb.evaluation.instruments import load_instruments
from revmentor_nb.evaluation.kpis import KPI_COLUMNS
from revmentor_nb.evaluation.prepost import levels, prepost
from revmentor_nb.evaluation.verdict import (
    MET,
    NO_DATA,
    NOT_MET,
    judge,
    parse_criterion,
)

INSTRUMENTS = load_instruments()
KNOWN = ["digital_confidence", "mfq9"]


@pytest.mark.parametrize("preset, kind, who, instrument, scale, target", [
    ("digital_skills", "change", "mentees", "digital_confidence", "total", 0.3),
    ("diversity_inclusion", "promotion", "under_represented_mentors", "", "total", 0.0),
    ("retention", "retention", "mentors", "", "total", 5.0),
    ("leadership", "level", "mentors", "mfq9", "role_modelling", 3.5),
    ("culture_change", "level", "mentees", "mfq9", "psychosocial_support", 3.5),
])
def test_every_preset_criterion_is_machine_checkable(preset, kind, who, instrument, scale, target):
    (text,) = OBJECTIVE_PRESETS[preset]["success_criteria"]
    c = parse_criterion(text, INSTRUMENTS, KNOWN)
    assert (c.kind, c.who, c.target) == (kind, who, target)
    if instrument:
        assert (c.instrument, c.scale) == (instrument, scale)
    assert c.months == 12


def test_reworded_criteria_in_the_same_shape_are_checked_too():
    c = parse_criterion("Mentors' MFQ-9 career support score at least 4 at the end", INSTRUMENTS, KNOWN)
    assert (c.kind, c.scale, c.target) == ("level", "career_support", 4.0)
    c = parse_criterion("6-month retention of mentees at least 2.5 points above the comparison group")
    assert (c.kind, c.months, c.who, c.target) == ("retention", 6, "mentees", 2.5)


def test_anything_else_is_not_enough_data_with_a_reason():
    c = parse_criterion("Leaders feel more connected to the front line", INSTRUMENTS, KNOWN)
    assert c.kind == "unknown" and "checkable form" in c.note
    c = parse_criterion("Mentees' wellbeing rises by at least 0.2 points", INSTRUMENTS, KNOWN)
    assert c.kind == "unknown" and "wellbeing" in c.note
    out = judge([c], pd.DataFrame(columns=["instrument"]), pd.DataFrame(columns=["instrument"]),
                pd.DataFrame(columns=KPI_COLUMNS), 5)
    assert out.loc[0, "verdict"] == NO_DATA and np.isnan(out.loc[0, "estimate"])


def _scores(n, gain, seed=0):
    rng = np.random.default_rng(seed)
    pre = rng.normal(3, 0.5, n)
    post = pre + gain + rng.normal(0, 0.3, n)
    return pd.DataFrame({"instrument": "digital_confidence", "scale": "total",
                         "person_id": [f"p{i}" for i in range(n)] * 2, "stage": ["pre"] * n + ["post"] * n,
                         "value": np.r_[pre, post]})


@pytest.mark.parametrize("gain, verdict", [(0.6, MET), (0.0, NOT_MET)])
def test_change_criterion_met_or_not_with_the_numbers(gain, verdict):
    scores = _scores(60, gain)
    groups = {"mentees": scores["person_id"].unique()}
    table = prepost(scores, groups, INSTRUMENTS)
    c = parse_criterion(OBJECTIVE_PRESETS["digital_skills"]["success_criteria"][0], INSTRUMENTS, KNOWN)
    out = judge([c], table, levels(scores, groups), pd.DataFrame(columns=KPI_COLUMNS), 5).iloc[0]
    assert out["verdict"] == verdict and out["n"] == 60
    assert out["estimate"] == pytest.approx(table.iloc[0]["mean_change"])
    assert f"{table.iloc[0]['mean_change']:+.2f}" in out["evidence"] and "Cohen's dz" in out["evidence"]


def test_change_criterion_on_too_few_people_is_not_enough_data():
    scores = _scores(4, 1.0)
    table = prepost(scores, {"mentees": scores["person_id"].unique()}, INSTRUMENTS)
    c = parse_criterion(OBJECTIVE_PRESETS["digital_skills"]["success_criteria"][0], INSTRUMENTS, KNOWN)
    out = judge([c], table, pd.DataFrame(columns=["instrument", "scale", "group", "stage"]),
                pd.DataFrame(columns=KPI_COLUMNS), 5).iloc[0]
    assert out["verdict"] == NO_DATA and "4 mentees" in out["evidence"] and np.isnan(out["estimate"])


def _kpi(**values):
    row = dict.fromkeys(KPI_COLUMNS, np.nan)
    row.update({"kpi": "retention_mentors_12m", "measure": "retention", "who": "mentors", "months": 12,
                "observable": True, "due": "2027-03-02", "comparison": "matched non-participants", **values})
    return pd.DataFrame([row], columns=KPI_COLUMNS)


def test_kpi_criterion_verdicts():
    c = parse_criterion(OBJECTIVE_PRESETS["retention"]["success_criteria"][0])
    empty = pd.DataFrame(columns=["instrument", "scale", "group", "stage"])
    ok = _kpi(n=100, n_comparison=100, rate=90.0, rate_comparison=80.0, difference_points=10.0,
              difference_low=1.0, difference_high=19.0, p_fisher=0.04)
    assert judge([c], empty, empty, ok, 5).loc[0, "verdict"] == MET
    short = ok.assign(difference_points=3.0)
    assert judge([c], empty, empty, short, 5).loc[0, "verdict"] == NOT_MET
    early = _kpi(n=100, n_comparison=100, observable=False)
    out = judge([c], empty, empty, early, 5).iloc[0]
    assert out["verdict"] == NO_DATA and "2027-03-02" in out["evidence"]
    alone = ok.assign(comparison="none", n_comparison=0)
    assert "no comparison group" in judge([c], empty, empty, alone, 5).loc[0, "evidence"]
    hidden = ok.assign(n=np.nan)  # suppressed: the verdict may not show its figures
    out = judge([c], empty, empty, hidden, 5).iloc[0]
    assert out["verdict"] == NO_DATA and "90.0" not in out["evidence"]
