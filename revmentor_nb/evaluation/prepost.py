"""Before and after: per measure and group, the paired change with its tests and effect size.

Only people with both a pre and a post score are paired; those with a pre score but no post
score are counted (``missing_post``) and their starting level is shown beside the completers',
so attrition is reported, never imputed.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping

import numpy as np
import pandas as pd
from scipy import stats

from revmentor_nb.evaluation.effect_size import dz_confidence_interval
from revmentor_nb.evaluation.instruments import TOTAL, Instrument, score_items
from revmentor_nb.evaluation.precision import on_grid

NOT_ITEMS = frozenset({"person_id", "stage", "instrument", "score", "date"})
LEVEL = 0.95

PREPOST_COLUMNS = [
    "instrument", "scale", "label", "group", "n_pre", "n_post", "n_paired", "missing_post", "missing_pre",
    "mean_pre", "mean_post", "mean_change", "change_low", "change_high", "sd_change", "t", "df", "p_t",
    "wilcoxon_w", "p_wilcoxon", "n_zero_change", "d_z", "d_z_low", "d_z_high",
    "pre_mean_completers", "pre_mean_missing_post",
]


def person_scores(assessments: pd.DataFrame, instruments: Mapping[str, Instrument] | None = None) -> pd.DataFrame:
    """One value per instrument, scale, person and stage (long format; repeated responses averaged).

    A known instrument is scored from its items (total and subscales) or its ``score``;
    an instrument without a file takes ``score``, else the mean of its numeric extra columns
    (scale ``total``, label marked unvalidated).
    """
    instruments = instruments or {}
    parts = []
    for inst_id, grp in assessments.groupby("instrument", sort=True):
        inst = instruments.get(str(inst_id))
        if inst is not None:
            scored = score_items(grp, inst)
        else:
            extra = [c for c in grp.columns if c not in NOT_ITEMS and pd.api.types.is_numeric_dtype(grp[c])]
            total = pd.to_numeric(grp["score"], errors="coerce") if "score" in grp else pd.Series(np.nan, grp.index)
            if extra:
                total = total.fillna(grp[extra].mean(axis=1))
            scored = pd.DataFrame({TOTAL: total.astype(float)}, index=grp.index)
        long = scored.assign(person_id=grp["person_id"].astype(str), stage=grp["stage"].astype(str)).melt(
            id_vars=["person_id", "stage"], var_name="scale", value_name="value")
        parts.append(long.assign(instrument=str(inst_id)))
    if not parts:
        return pd.DataFrame(columns=["instrument", "scale", "person_id", "stage", "value"])
    out = pd.concat(parts, ignore_index=True).dropna(subset=["value"])
    out = out.groupby(["instrument", "scale", "person_id", "stage"], as_index=False, sort=True)["value"].mean()
    return out[["instrument", "scale", "person_id", "stage", "value"]]


def paired_stats(pre: np.ndarray, post: np.ndarray, level: float = LEVEL) -> dict[str, float]:
    """Mean change (post - pre) with its t CI, paired t-test, Wilcoxon signed-rank and d_z with its exact CI.

    Equality-based figures read the changes on the exact grid (``precision.on_grid``): the count of
    zero changes, whether the changes are all equal (then t and d_z are undefined) and the Wilcoxon
    ranks. The Wilcoxon test is scipy's (zero changes dropped; exact distribution without ties or
    zeros, the exact permutation distribution with them up to 13 changes, else the normal
    approximation with tie correction); it runs whenever a change is non-zero, including when every
    change is the same. t, its CI and d_z = mean change / SD (ddof 1) use the unrounded values.
    """
    pre, post = np.asarray(pre, dtype=float), np.asarray(post, dtype=float)
    diff = post - pre
    exact = on_grid(diff)
    n = len(diff)
    out = dict.fromkeys(["mean_pre", "mean_post", "mean_change", "change_low", "change_high", "sd_change", "t", "df",
                         "p_t", "wilcoxon_w", "p_wilcoxon", "d_z", "d_z_low", "d_z_high"], np.nan)
    out["n_zero_change"] = int(np.sum(exact == 0))
    if n == 0:
        return out
    out.update(mean_pre=float(np.mean(pre)), mean_post=float(np.mean(post)), mean_change=float(diff.mean()))
    if n < 2:
        return out
    if np.any(exact != 0):
        w = stats.wilcoxon(exact)
        out.update(wilcoxon_w=float(w.statistic), p_wilcoxon=float(w.pvalue))
    constant = bool(np.all(exact == exact[0]))
    sd = 0.0 if constant else float(diff.std(ddof=1))
    out["sd_change"] = sd
    if constant:
        return out
    t = stats.ttest_rel(post, pre)
    ci = t.confidence_interval(confidence_level=level)
    out.update(t=float(t.statistic), df=float(t.df), p_t=float(t.pvalue), change_low=float(ci.low),
               change_high=float(ci.high))
    dz = float(diff.mean() / sd)
    low, high = dz_confidence_interval(dz, n, level)
    out.update(d_z=dz, d_z_low=float(low), d_z_high=float(high))
    return out


def _label(instruments: Mapping[str, Instrument], instrument: str, scale: str) -> str:
    inst = instruments.get(instrument)
    if inst is None:
        return f"{instrument} (no instrument file: unvalidated)"
    return inst.name if scale == TOTAL else f"{inst.name}: {inst.label(scale)}"


def prepost(scores: pd.DataFrame, groups: Mapping[str, Iterable[str]] | None = None,
            instruments: Mapping[str, Instrument] | None = None, level: float = LEVEL) -> pd.DataFrame:
    """Per instrument, scale and group: counts (paired, missing post), mean change and every paired statistic.

    ``scores`` is ``person_scores``' long frame, or a raw assessments frame (scored here);
    ``groups`` maps a group name to its person ids (default: everyone, as group ``all``).
    Groups with no response at all are left out.
    """
    instruments = instruments or {}
    if "value" not in scores:
        scores = person_scores(scores, instruments)
    groups = {"all": scores["person_id"].unique()} if groups is None else groups
    rows = []
    for (instrument, scale), grp in scores.groupby(["instrument", "scale"], sort=False):
        wide = grp.pivot_table(index="person_id", columns="stage", values="value", aggfunc="mean")
        for name, ids in groups.items():
            sub = wide[wide.index.isin(set(map(str, ids)))]
            pre = sub["pre"].dropna() if "pre" in sub else pd.Series(dtype=float)
            post = sub["post"].dropna() if "post" in sub else pd.Series(dtype=float)
            if pre.empty and post.empty:
                continue
            both = pre.index.intersection(post.index)
            missing_post = pre.index.difference(post.index)
            row = {"instrument": instrument, "scale": scale, "label": _label(instruments, instrument, scale),
                   "group": name, "n_pre": len(pre), "n_post": len(post), "n_paired": len(both),
                   "missing_post": len(missing_post), "missing_pre": len(post.index.difference(pre.index)),
                   **paired_stats(pre[both].to_numpy(), post[both].to_numpy(), level),
                   "pre_mean_completers": float(pre[both].mean()) if len(both) else np.nan,
                   "pre_mean_missing_post": float(pre[missing_post].mean()) if len(missing_post) else np.nan}
            rows.append(row)
    return pd.DataFrame(rows, columns=PREPOST_COLUMNS)


def levels(scores: pd.DataFrame, groups: Mapping[str, Iterable[str]], stage: str = "post",
           instruments: Mapping[str, Instrument] | None = None, level: float = LEVEL) -> pd.DataFrame:
    """Mean score at one stage per instrument, scale and group, with its t-based CI (for 'at least X at the end')."""
    instruments = instruments or {}
    rows = []
    at = scores[scores["stage"] == stage]
    for (instrument, scale), grp in at.groupby(["instrument", "scale"], sort=False):
        for name, ids in groups.items():
            x = grp.loc[grp["person_id"].isin(set(map(str, ids))), "value"].to_numpy(dtype=float)
            if len(x) == 0:
                continue
            low = high = sd = np.nan
            if len(x) >= 2:
                sd = float(x.std(ddof=1))
                if sd > 0:
                    low, high = stats.t.interval(level, len(x) - 1, loc=x.mean(), scale=stats.sem(x))
            rows.append({"instrument": instrument, "scale": scale, "label": _label(instruments, instrument, scale),
                         "group": name, "stage": stage, "n": len(x), "mean": float(x.mean()), "sd": sd,
                         "mean_low": float(low), "mean_high": float(high)})
    return pd.DataFrame(rows, columns=["instrument", "scale", "label", "group", "stage", "n", "mean", "sd",
                                       "mean_low", "mean_high"])


def stage_means(scores: pd.DataFrame, groups: Mapping[str, Iterable[str]] | None = None,
                instruments: Mapping[str, Instrument] | None = None) -> pd.DataFrame:
    """Mean, n and 95% CI per instrument, scale, group and stage (for a before/after chart)."""
    instruments = instruments or {}
    if "value" not in scores:
        scores = person_scores(scores, instruments)
    groups = {"all": scores["person_id"].unique()} if groups is None else groups
    parts = [levels(scores, groups, stage, instruments) for stage in ("pre", "post")]
    out = pd.concat([p for p in parts if not p.empty] or [parts[0]], ignore_index=True)
    return out
