"""Instrument files: shipped MFQ-9 and digital confidence, user files, reverse keying, scoring and Cronbach's alpha."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import statsmodels.formula.api as smf
from scipy import stats
from statsmodels.stats.anova import anova_lm

import revmentor_nb
from revmentor_nb.evaluation.instruments import (
    SHIPPED_DIR,
    InstrumentError,
    cronbach_alpha,
    item_values,
    load_instrument,
    load_instruments,
    reliability,
    score_items,
)
from revmentor_nb.evaluation.prepost import person_scores

TOL = 1e-9


def test_shipped_instruments_are_package_data_with_the_required_structure():
    found = load_instruments()
    assert {"mfq9", "digital_confidence"} <= set(found)
    mfq = found["mfq9"]
    assert dict(mfq.subscales) == {"career_support": ("mfq1", "mfq2", "mfq3"),
                                   "psychosocial_support": ("mfq4", "mfq5", "mfq6"),
                                   "role_modelling": ("mfq7", "mfq8", "mfq9")}
    assert (mfq.scale_min, mfq.scale_max) == (1, 5) and not mfq.reverse and "Castro" in mfq.source
    dc = found["digital_confidence"]
    assert dc.reverse == {"dc4", "dc8"} and len(dc.items) == 8
    assert SHIPPED_DIR.is_relative_to(Path(revmentor_nb.__file__).parent)  # inside the package: hatch ships it in the wheel


def test_reverse_keying_and_subscale_means():
    dc = load_instruments()["digital_confidence"]
    rows = pd.DataFrame([{**{f"dc{i}": 4 for i in range(1, 9)}, "dc4": 1, "dc8": 2}])
    scored = score_items(rows, dc)
    assert scored.loc[0, "everyday_tools"] == pytest.approx((4 + 4 + 4 + 5) / 4)
    assert scored.loc[0, "learning_new_tools"] == pytest.approx((4 + 4 + 4 + 4) / 4)
    assert scored.loc[0, "total"] == pytest.approx((4 * 6 + 5 + 4) / 8)


def test_out_of_range_answers_are_blanked_and_too_few_items_give_no_score():
    mfq = load_instruments()["mfq9"]
    rows = pd.DataFrame([{"mfq1": 7, "mfq2": 3, "mfq3": 3, "mfq4": 2, "mfq5": None, "mfq6": None,
                          "mfq7": "4", "mfq8": 4, "mfq9": 4}])
    values, bad = item_values(rows, mfq)
    assert bad == 1 and np.isnan(values.loc[0, "mfq1"]) and values.loc[0, "mfq7"] == 4  # text digits are read
    scored = score_items(rows, mfq)
    assert scored.loc[0, "career_support"] == 3  # 2 of 3 items answered: enough
    assert np.isnan(scored.loc[0, "psychosocial_support"])  # 1 of 3: not enough
    assert scored.loc[0, "total"] == pytest.approx(np.mean([3, 3, 2, 4, 4, 4]))  # 6 of 9 answered


def test_a_given_score_stands_in_when_there_are_no_items():
    dc = load_instruments()["digital_confidence"]
    rows = pd.DataFrame({"person_id": ["a"], "stage": ["pre"], "instrument": ["digital_confidence"], "score": [3.25]})
    long = person_scores(rows, {"digital_confidence": dc})
    assert long.loc[long["scale"] == "total", "value"].item() == 3.25
    assert set(long["scale"]) == {"total"}  # no items, no subscales


def test_user_files_add_and_replace_instruments(tmp_path):
    (tmp_path / "pulse.yaml").write_text(
        "id: pulse\nname: Team pulse\nscale: {min: 0, max: 10}\nsubscales: {mood: Mood}\n"
        "items:\n  - {id: p1, subscale: mood}\n  - {id: p2, subscale: mood, reverse: true}\n")
    (tmp_path / "mfq9.yaml").write_text((SHIPPED_DIR / "mfq9.yaml").read_text().replace(
        "name: Mentoring Functions Questionnaire (MFQ-9)", "name: MFQ-9 (our wording)"))
    found = load_instruments([tmp_path])
    assert found["pulse"].reverse == {"p2"} and found["pulse"].scale_max == 10
    assert found["mfq9"].name == "MFQ-9 (our wording)"
    scored = score_items(pd.DataFrame({"p1": [8], "p2": [8]}), found["pulse"])
    assert scored.loc[0, "mood"] == 5.0  # 8 and 10 - 8


def test_a_malformed_file_lists_every_problem(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("id: bad\nname: Bad\nscale: {min: 5, max: 1}\nsubscales: {a: A, empty: E}\n"
                   "items:\n  - {id: x, subscale: a}\n  - {id: x, subscale: nowhere}\n  - {id: y, reverse: maybe}\n")
    with pytest.raises(InstrumentError) as err:
        load_instrument(bad)
    text = " ".join(err.value.problems)
    for expected in ("min < max", "listed twice", "'nowhere'", "reverse must be", "'empty' has no items"):
        assert expected in text


def _items(seed=0, n=60, k=4):
    rng = np.random.default_rng(seed)
    trait = rng.normal(size=(n, 1))
    return pd.DataFrame(np.clip(np.round(3 + trait + rng.normal(0, 0.8, (n, k))), 1, 5),
                        columns=[f"i{j}" for j in range(k)])


def test_cronbach_alpha_equals_hoyt_anova_from_statsmodels():
    items = _items()
    res = cronbach_alpha(items)
    long = items.assign(person=range(len(items))).melt(id_vars="person", var_name="item", value_name="y")
    table = anova_lm(smf.ols("y ~ C(person) + C(item)", data=long).fit())
    ms_person = table.loc["C(person)", "mean_sq"]
    ms_error = table.loc["Residual", "mean_sq"]
    assert abs(res.alpha - (ms_person - ms_error) / ms_person) < TOL
    df1, df2 = len(items) - 1, (len(items) - 1) * (items.shape[1] - 1)
    assert abs(res.low - (1 - (1 - res.alpha) * stats.f.ppf(0.975, df1, df2))) < TOL
    assert abs(res.high - (1 - (1 - res.alpha) * stats.f.ppf(0.025, df1, df2))) < TOL
    assert res.low < res.alpha < res.high and (res.n, res.k) == (60, 4)


def test_cronbach_alpha_uses_complete_rows_and_refuses_degenerate_data():
    items = _items(n=20)
    items.iloc[0, 1] = np.nan
    assert cronbach_alpha(items).n == 19
    assert np.isnan(cronbach_alpha(items.iloc[:2]).alpha)
    assert np.isnan(cronbach_alpha(pd.DataFrame({"a": [3, 3, 3], "b": [3, 3, 3]})).alpha)


def test_reliability_per_subscale_cohort_and_stage_uses_reverse_keyed_items():
    dc = load_instruments()["digital_confidence"]
    rng = np.random.default_rng(2)
    n = 50
    trait = rng.normal(size=n)
    rows = []
    for stage in ("pre", "post"):
        answers = np.clip(np.round(3 + trait[:, None] + rng.normal(0, 0.7, (n, 8))), 1, 5)
        answers[:, [3, 7]] = 6 - answers[:, [3, 7]]  # negatively worded items answered the other way round
        frame = pd.DataFrame(answers, columns=list(dc.items))
        frame.insert(0, "person_id", [f"p{i}" for i in range(n)])
        frame.insert(1, "stage", stage)
        frame.insert(2, "instrument", "digital_confidence")
        rows.append(frame)
    data = pd.concat(rows, ignore_index=True)
    rel = reliability(data, {"digital_confidence": dc}, {"first": [f"p{i}" for i in range(25)],
                                                          "second": [f"p{i}" for i in range(25, 50)]})
    assert set(rel["cohort"]) == {"first", "second"} and set(rel["stage"]) == {"pre", "post"}
    assert set(rel["scale"]) == {"total", "everyday_tools", "learning_new_tools"}
    one = rel[(rel["cohort"] == "first") & (rel["stage"] == "pre") & (rel["scale"] == "everyday_tools")].iloc[0]
    sub = data[(data["stage"] == "pre") & data["person_id"].isin([f"p{i}" for i in range(25)])]
    keyed = sub[["dc1", "dc2", "dc3", "dc4"]].assign(dc4=lambda f: 6 - f["dc4"])
    assert abs(one["alpha"] - cronbach_alpha(keyed).alpha) < TOL and one["alpha"] > 0.6
