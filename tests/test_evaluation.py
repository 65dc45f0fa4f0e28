"""Pre/post statistics equal scipy's on the same data; missing post responses are counted, never imputed."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from revmentor_nb.evaluation.evaluate import person_scores, prepost
from revmentor_nb.evaluation.instruments import load_instruments
from revmentor_nb.evaluation.precision import on_grid
from revmentor_nb.evaluation.prepost import dz_confidence_interval, levels, paired_stats

TOL = 1e-9


def _data(seed=1, n=40, missing=5, pre_only_extra=0):
    rng = np.random.default_rng(seed)
    pre = rng.normal(3, 0.6, n)
    post = pre + rng.normal(0.3, 0.5, n)
    rows = [(f"p{i}", "pre", "dc", pre[i]) for i in range(n)]
    rows += [(f"p{i}", "post", "dc", post[i]) for i in range(n - missing)]
    rows += [(f"q{i}", "post", "dc", 3.0) for i in range(pre_only_extra)]
    frame = pd.DataFrame(rows, columns=["person_id", "stage", "instrument", "score"])
    return frame, pre[: n - missing], post[: n - missing], pre[n - missing:]


def test_prepost_matches_scipy():
    frame, pre, post, dropped = _data(pre_only_extra=2)
    r = prepost(frame).iloc[0]
    diff = post - pre
    ref_t = stats.ttest_rel(post, pre)
    ci = ref_t.confidence_interval()
    assert (r["n_pre"], r["n_post"], r["n_paired"], r["missing_post"], r["missing_pre"]) == (40, 37, 35, 5, 2)
    assert abs(r["t"] - ref_t.statistic) < TOL and abs(r["p_t"] - ref_t.pvalue) < TOL and r["df"] == 34
    assert abs(r["change_low"] - ci.low) < TOL and abs(r["change_high"] - ci.high) < TOL
    ref_w = stats.wilcoxon(post - pre)
    assert abs(r["p_wilcoxon"] - ref_w.pvalue) < TOL and abs(r["wilcoxon_w"] - ref_w.statistic) < TOL
    assert abs(r["mean_change"] - diff.mean()) < TOL
    assert abs(r["d_z"] - diff.mean() / diff.std(ddof=1)) < TOL
    assert r["d_z_low"] < r["d_z"] < r["d_z_high"]
    # attrition is shown, not imputed: the dropouts' starting level beside the completers'
    assert abs(r["pre_mean_missing_post"] - dropped.mean()) < TOL
    assert abs(r["pre_mean_completers"] - pre.mean()) < TOL
    assert abs(r["mean_post"] - post.mean()) < TOL  # the paired people only, nobody filled in


def test_dz_ci_inverts_the_noncentral_t_exactly():
    frame, pre, post, _ = _data(seed=3, n=25, missing=0)
    r = prepost(frame).iloc[0]
    n = r["n_paired"]
    t_obs = r["d_z"] * np.sqrt(n)
    assert abs(stats.nct.cdf(t_obs, n - 1, r["d_z_low"] * np.sqrt(n)) - 0.975) < TOL
    assert abs(stats.nct.cdf(t_obs, n - 1, r["d_z_high"] * np.sqrt(n)) - 0.025) < TOL
    assert abs(t_obs - r["t"]) < 1e-9  # d_z * sqrt(n) is the paired t statistic


@pytest.mark.parametrize("dz, n", [(0.0, 10), (-0.8, 8), (2.5, 5), (0.3, 400)])
def test_dz_ci_bounds_bracket_the_estimate(dz, n):
    low, high = dz_confidence_interval(dz, n)
    assert low < dz < high
    assert abs(stats.nct.cdf(dz * np.sqrt(n), n - 1, low * np.sqrt(n)) - 0.975) < TOL


def test_ties_and_zero_changes_follow_scipy_defaults():
    pre = np.array([3, 3, 3.5, 2, 4, 3, 2.5, 3, 4, 3.5, 2, 3.0])
    post = np.array([3, 3.5, 4, 2.5, 4, 3.5, 3, 3.5, 4.5, 3.5, 2.5, 3.5])
    out = paired_stats(pre, post)
    ref = stats.wilcoxon(post - pre)
    assert abs(out["p_wilcoxon"] - ref.pvalue) < TOL and out["n_zero_change"] == 3


def test_too_few_or_constant_changes_give_blanks_not_errors():
    one = paired_stats(np.array([1.0]), np.array([2.0]))
    assert one["mean_change"] == 1.0 and np.isnan(one["t"])
    same = paired_stats(np.array([1.0, 2, 3]), np.array([2.0, 3, 4]))
    assert same["mean_change"] == 1.0 and np.isnan(same["d_z"]) and same["sd_change"] == 0


def test_unknown_instrument_averages_its_item_columns():
    frame = pd.DataFrame({"person_id": ["a", "a"], "stage": ["pre", "post"], "instrument": ["custom"] * 2,
                          "q1": [2.0, 4.0], "q2": [4.0, 4.0]})
    r = prepost(frame).iloc[0]
    assert r["n_paired"] == 1 and r["mean_change"] == 1.0 and np.isnan(r["t"])
    assert "unvalidated" in r["label"]


def test_groups_split_the_people_and_skip_empty_groups():
    frame, pre, post, _ = _data(n=20, missing=0)
    out = prepost(frame, {"first": [f"p{i}" for i in range(10)], "rest": [f"p{i}" for i in range(10, 20)],
                          "nobody": ["zz"]})
    assert list(out["group"]) == ["first", "rest"]
    ref = stats.ttest_rel(post[:10], pre[:10])
    assert abs(out.iloc[0]["t"] - ref.statistic) < TOL


def test_levels_ci_matches_scipy_t_interval():
    inst = load_instruments()
    rng = np.random.default_rng(5)
    items = rng.integers(1, 6, size=(30, 9)).astype(float)
    frame = pd.DataFrame(items, columns=[f"mfq{i}" for i in range(1, 10)])
    frame.insert(0, "person_id", [f"p{i}" for i in range(30)])
    frame.insert(1, "stage", "post")
    frame.insert(2, "instrument", "mfq9")
    scores = person_scores(frame, inst)
    lv = levels(scores, {"all": frame["person_id"]}, "post", inst)
    row = lv[lv["scale"] == "role_modelling"].iloc[0]
    x = items[:, 6:9].mean(axis=1)
    low, high = stats.t.interval(0.95, len(x) - 1, loc=x.mean(), scale=stats.sem(x))
    assert abs(row["mean"] - x.mean()) < TOL and abs(row["mean_low"] - low) < TOL and abs(row["mean_high"] - high) < TOL


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(st.floats(1, 5), st.floats(1, 5)), min_size=3, max_size=40))
def test_paired_t_matches_scipy_on_any_data(pairs):
    pre = np.array([p for p, _ in pairs])
    post = np.array([q for _, q in pairs])
    out = paired_stats(pre, post)
    diff = post - pre
    if np.all(on_grid(diff) == on_grid(diff)[0]):  # equal to 1e-9: rounding noise is not a change (precision.py)
        assert np.isnan(out["t"]) and out["sd_change"] == 0
        return
    ref = stats.ttest_rel(post, pre)
    assert np.isclose(out["t"], ref.statistic, rtol=1e-12, atol=TOL) or not np.isfinite(ref.statistic)
    assert abs(out["p_t"] - ref.pvalue) < TOL


def test_dz_interval_survives_nearly_constant_changes():
    """Found by hypothesis: changes 2.75, 2.75, 2.738 give d_z ~ 400, where scipy's noncentral t failed (issue 15:
    the old normal fallback gave [81.1, 730.6]; exact is [64.6, 779.5], see test_evaluation_reference)."""
    out = paired_stats(np.array([1.0, 1.0, 1.0]), np.array([3.75, 3.75, 3.73828125]))
    assert np.isfinite(out["d_z_low"]) and out["d_z_low"] < out["d_z"] < out["d_z_high"]
