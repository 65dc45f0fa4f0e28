"""Evaluation: did the measure the design chose change from before to after?

Change is reported per instrument with its uncertainty; people without a post response
are counted and reported, never imputed.
"""
from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats

_NOT_ITEMS = {"person_id", "stage", "instrument", "score", "date"}


def person_scores(assessments: pd.DataFrame) -> pd.DataFrame:
    """One score per person, stage and instrument: the ``score`` column, else the mean of the item columns."""
    a = assessments.copy()
    items = [c for c in a.columns if c not in _NOT_ITEMS and pd.api.types.is_numeric_dtype(a[c])]
    score = a["score"] if "score" in a else pd.Series(np.nan, index=a.index)
    if items:
        score = score.fillna(a[items].mean(axis=1))
    a["value"] = score.astype(float)
    return a.groupby(["instrument", "person_id", "stage"], as_index=False)["value"].mean()


def prepost(assessments: pd.DataFrame) -> pd.DataFrame:
    """Per instrument: n pre, n post, n paired, missing post, mean change, paired t-test, Wilcoxon, Cohen's d_z with 95% CI."""
    scores = person_scores(assessments)
    rows = []
    for instrument, grp in scores.groupby("instrument", sort=True):
        wide = grp.pivot_table(index="person_id", columns="stage", values="value")
        pre = wide["pre"] if "pre" in wide else pd.Series(dtype=float)
        post = wide["post"] if "post" in wide else pd.Series(dtype=float)
        paired = pd.concat([pre, post], axis=1, keys=["pre", "post"]).dropna()
        diff = (paired["post"] - paired["pre"]).to_numpy()
        rows.append({"instrument": instrument, "n_pre": int(pre.notna().sum()), "n_post": int(post.notna().sum()),
                     "n_paired": len(diff), "missing_post": int(pre.notna().sum() - len(diff)), **_paired_stats(diff)})
    return pd.DataFrame(rows)


def _paired_stats(diff: np.ndarray) -> dict[str, float]:
    n = len(diff)
    out = {"mean_pre_post_change": np.nan, "t": np.nan, "p_t": np.nan, "p_wilcoxon": np.nan,
           "d_z": np.nan, "d_z_low": np.nan, "d_z_high": np.nan}
    if n < 3 or np.allclose(diff, diff[0]):
        if n:
            out["mean_pre_post_change"] = float(diff.mean())
        return out
    t = stats.ttest_rel(diff, np.zeros(n))
    w = stats.wilcoxon(diff)
    dz = diff.mean() / diff.std(ddof=1)
    se = np.sqrt(1 / n + dz**2 / (2 * n))
    z = stats.norm.ppf(0.975)
    out.update(mean_pre_post_change=float(diff.mean()), t=float(t.statistic), p_t=float(t.pvalue),
               p_wilcoxon=float(w.pvalue), d_z=float(dz), d_z_low=float(dz - z * se), d_z_high=float(dz + z * se))
    return out


def stage_means(assessments: pd.DataFrame) -> pd.DataFrame:
    """Mean score and n per instrument and stage (for a before/after chart)."""
    s = person_scores(assessments)
    return s.groupby(["instrument", "stage"], as_index=False).agg(mean=("value", "mean"), n=("value", "size"))
