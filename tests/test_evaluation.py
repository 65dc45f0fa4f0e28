"""Pre/post statistics equal scipy's on the same data; missing post responses are counted."""
from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats

from revmentor_nb.evaluation import prepost


def _data(seed=1, n=40, missing=5):
    rng = np.random.default_rng(seed)
    pre = rng.normal(3, 0.6, n)
    post = pre + rng.normal(0.3, 0.5, n)
    rows = [(f"p{i}", "pre", "dc", pre[i]) for i in range(n)] + [(f"p{i}", "post", "dc", post[i]) for i in range(n - missing)]
    return pd.DataFrame(rows, columns=["person_id", "stage", "instrument", "score"]), pre[: n - missing], post[: n - missing]


def test_prepost_matches_scipy():
    frame, pre, post = _data()
    r = prepost(frame).iloc[0]
    diff = post - pre
    assert r["n_paired"] == 35 and r["missing_post"] == 5 and r["n_pre"] == 40
    assert abs(r["t"] - stats.ttest_rel(post, pre).statistic) < 1e-9
    assert abs(r["p_t"] - stats.ttest_rel(post, pre).pvalue) < 1e-9
    assert abs(r["p_wilcoxon"] - stats.wilcoxon(post - pre).pvalue) < 1e-9
    assert abs(r["d_z"] - diff.mean() / diff.std(ddof=1)) < 1e-12
    assert r["d_z_low"] < r["d_z"] < r["d_z_high"]


def test_item_columns_are_averaged_when_there_is_no_score():
    frame = pd.DataFrame({"person_id": ["a", "a"], "stage": ["pre", "post"], "instrument": ["mfq9"] * 2,
                          "mfq1": [2.0, 4.0], "mfq2": [4.0, 4.0]})
    r = prepost(frame).iloc[0]
    assert r["n_paired"] == 1 and r["mean_pre_post_change"] == 1.0 and np.isnan(r["t"])
