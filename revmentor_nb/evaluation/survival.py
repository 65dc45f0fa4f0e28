"""Kaplan-Meier retention: who is still employed, day by day after the programme started.

People who are still employed when the data end (``as_of``) are censored, not counted as
stayers beyond what was observed. Curves for reports are read off on a monthly grid so a
chart never pins down the day one person left.
"""
from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats

LEVEL = 0.95


def kaplan_meier(time: np.ndarray, event: np.ndarray, level: float = LEVEL) -> pd.DataFrame:
    """Product-limit estimate at each event time with Greenwood's SE and a log-log 95% CI.

    survival = prod(1 - d_i / n_i); se = survival * sqrt(sum d_i / (n_i (n_i - d_i))); the CI is
    exp(-exp(log(-log S) +- z * sqrt(sum d/(n(n-d))) / |log S|)), as scipy's ``ecdf`` 'log-log'.
    """
    time = np.asarray(time, dtype=float)
    event = np.asarray(event).astype(bool)
    cols = ["time", "n_risk", "n_events", "survival", "se", "low", "high"]
    if len(time) == 0 or not event.any():
        return pd.DataFrame(columns=cols)
    times = np.unique(time[event])
    n_risk = np.array([(time >= t).sum() for t in times], dtype=float)
    d = np.array([((time == t) & event).sum() for t in times], dtype=float)
    surv = np.cumprod(1 - d / n_risk)
    with np.errstate(divide="ignore", invalid="ignore"):
        var_sum = np.cumsum(d / (n_risk * (n_risk - d)))
        se = surv * np.sqrt(var_sum)
        z = stats.norm.ppf(1 - (1 - level) / 2)
        log_s = np.log(surv)
        half = z * np.sqrt(var_sum) / np.abs(log_s)
        low = np.exp(-np.exp(np.log(-log_s) + half))
        high = np.exp(-np.exp(np.log(-log_s) - half))
    undefined = (surv <= 0) | (surv >= 1)
    low, high = np.where(undefined, np.nan, low), np.where(undefined, np.nan, high)
    return pd.DataFrame({"time": times, "n_risk": n_risk.astype(int), "n_events": d.astype(int), "survival": surv,
                         "se": se, "low": low, "high": high}, columns=cols)


def survival_at(curve: pd.DataFrame, t: float) -> tuple[float, float, float]:
    """The estimate and CI at time ``t`` (the step function: the last event time at or before t)."""
    before = curve[curve["time"] <= t]
    if before.empty:
        return 1.0, np.nan, np.nan
    last = before.iloc[-1]
    return float(last["survival"]), float(last["low"]), float(last["high"])


def monthly_curve(time: np.ndarray, event: np.ndarray, month_days: list[float], level: float = LEVEL) -> pd.DataFrame:
    """Survival, CI and number still at risk at each month boundary (``month_days[m]`` = day of month m).

    Months past the longest follow-up are left out (nothing is known about them).
    """
    time = np.asarray(time, dtype=float)
    curve = kaplan_meier(time, event, level)
    longest = float(time.max()) if len(time) else 0.0
    rows = []
    for m, day in enumerate(month_days):
        if day > longest + 1e-9:
            break
        s, low, high = survival_at(curve, day) if not curve.empty else (1.0, np.nan, np.nan)
        rows.append({"month": m, "day": day, "survival": s, "low": low, "high": high,
                     "at_risk": int((time >= day).sum())})
    return pd.DataFrame(rows, columns=["month", "day", "survival", "low", "high", "at_risk"])


def logrank(time: np.ndarray, event: np.ndarray, group: np.ndarray) -> tuple[float, float]:
    """Log-rank test that the groups' retention curves are the same: (chi-square, p), by statsmodels.

    NaN when it is undefined: one group, no events, or no variance (as scipy's ``logrank``).
    """
    from statsmodels.duration.survfunc import survdiff

    event = np.asarray(event).astype(int)
    if len(np.unique(group)) < 2 or event.sum() == 0:
        return np.nan, np.nan
    try:
        chi2, p = survdiff(np.asarray(time, dtype=float), event, np.asarray(group))
    except np.linalg.LinAlgError:  # no variance: every event happened with one group alone at risk
        return np.nan, np.nan
    return float(chi2), float(p)
