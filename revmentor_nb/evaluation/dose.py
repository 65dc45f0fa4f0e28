"""Attendance vs impact: does a person's change in a measure rise with the meetings their pairs held?

Meetings held are counted from the workspace's meetings table for the accepted pairs only, one
per pair and date (both sides may log the same meeting). The slope is an ordinary least squares
fit of change on meetings (statsmodels) with its 95% CI, beside Spearman's rank correlation
(scipy, on changes put on the exact grid of ``precision.py`` so that equal changes tie). This is
an observational association: engaged pairs meet more *and* may improve more anyway, so a slope
is not proof that meetings cause the change.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import numpy as np
import pandas as pd
from scipy import stats

from revmentor_nb.evaluation.precision import on_grid

LEVEL = 0.95


def meetings_held(pairs: pd.DataFrame, meetings: pd.DataFrame | None, until: date | None = None) -> pd.DataFrame:
    """Per person in the accepted pairs: role and the number of distinct meetings their pairs held (0 if none)."""
    keys = pairs[["mentor_id", "mentee_id"]].astype(str).drop_duplicates()
    if meetings is None or meetings.empty:
        per_pair = keys.assign(meetings=0)
    else:
        m = meetings.assign(mentor_id=meetings["mentor_id"].astype(str), mentee_id=meetings["mentee_id"].astype(str),
                            date=pd.to_datetime(meetings["date"]).dt.normalize())
        if until is not None:
            m = m[m["date"] <= pd.Timestamp(until)]
        m = m.drop_duplicates(["mentor_id", "mentee_id", "date"])
        counts = m.groupby(["mentor_id", "mentee_id"]).size().rename("meetings").reset_index()
        per_pair = keys.merge(counts, on=["mentor_id", "mentee_id"], how="left").fillna({"meetings": 0})
    per_pair["meetings"] = per_pair["meetings"].astype(int)
    mentors = per_pair.groupby("mentor_id", as_index=False)["meetings"].sum().rename(columns={"mentor_id": "person_id"})
    mentees = per_pair.groupby("mentee_id", as_index=False)["meetings"].sum().rename(columns={"mentee_id": "person_id"})
    out = pd.concat([mentors.assign(role="mentor"), mentees.assign(role="mentee")], ignore_index=True)
    return out[["person_id", "role", "meetings"]].sort_values(["role", "person_id"]).reset_index(drop=True)


@dataclass(frozen=True)
class DoseResponse:
    """The fitted association of change with meetings held, its uncertainty and binned means."""

    n: int
    slope: float = np.nan
    intercept: float = np.nan
    slope_se: float = np.nan
    slope_low: float = np.nan
    slope_high: float = np.nan
    p_slope: float = np.nan
    r2: float = np.nan
    spearman_rho: float = np.nan
    p_spearman: float = np.nan
    bins: pd.DataFrame = field(default_factory=pd.DataFrame)
    line: pd.DataFrame = field(default_factory=pd.DataFrame)

    def summary(self) -> pd.DataFrame:
        """The figures as a one-row table."""
        keys = ["n", "slope", "slope_low", "slope_high", "p_slope", "r2", "spearman_rho", "p_spearman"]
        return pd.DataFrame([{k: getattr(self, k) for k in keys}])


def meeting_bins(held: pd.Series) -> pd.Series:
    """Bands of meetings held (at most four, equal width) as labels like ``0-1``, ``2-3`` (or ``3`` at width one)."""
    top = int(held.max()) if len(held) else 0
    width = max(1, int(np.ceil((top + 1) / 4)))
    lower = (held // width * width).astype(int)
    return lower.map(lambda lo: str(lo) if width == 1 else f"{lo}-{lo + width - 1}")


def dose_response(change: pd.Series, held: pd.Series, level: float = LEVEL) -> DoseResponse:
    """OLS of change on meetings held (slope per meeting, CI, p, R^2), Spearman's rho, binned means and fitted band.

    ``change`` and ``held`` are indexed by person_id; only people present in both count.
    """
    import statsmodels.api as sm

    data = pd.concat([change.rename("change"), held.rename("meetings")], axis=1, join="inner").dropna()
    n = len(data)
    if n < 3 or data["meetings"].nunique() < 2:
        return DoseResponse(n)
    x, y = data["meetings"].to_numpy(dtype=float), data["change"].to_numpy(dtype=float)
    ranked = on_grid(y)  # equal changes must tie (see precision.py)
    grid = np.linspace(x.min(), x.max(), 25)
    flat = bool(np.all(ranked == ranked[0]))
    if flat:  # everyone changed by the same amount: a flat line exactly (no float slope of 1e-16), no test possible
        level_y = float(y.mean())
        params, se, ci, slope_p, r2 = (0.0, level_y), 0.0, np.array([[level_y] * 2, [0.0, 0.0]]), np.nan, np.nan
        line = pd.DataFrame({"meetings": grid, "fit": level_y, "low": level_y, "high": level_y})
    else:
        fit = sm.OLS(y, sm.add_constant(x)).fit()
        with np.errstate(divide="ignore", invalid="ignore"):
            ci = fit.conf_int(alpha=1 - level)
            slope_p, r2 = float(fit.pvalues[1]), float(fit.rsquared)
        params, se = (float(fit.params[1]), float(fit.params[0])), float(fit.bse[1])
        pred = fit.get_prediction(sm.add_constant(grid, has_constant="add")).summary_frame(alpha=1 - level)
        line = pd.DataFrame({"meetings": grid, "fit": pred["mean"].to_numpy(), "low": pred["mean_ci_lower"].to_numpy(),
                             "high": pred["mean_ci_upper"].to_numpy()})
    rho = None if flat else stats.spearmanr(x, ranked)
    data["band"] = meeting_bins(data["meetings"])
    rows = []
    for band, grp in data.groupby("band", sort=False):
        v = grp["change"].to_numpy()
        low = high = np.nan
        if len(v) >= 2 and np.any(on_grid(v) != on_grid(v[:1])):
            low, high = stats.t.interval(level, len(v) - 1, loc=v.mean(), scale=stats.sem(v))
        rows.append({"meetings": band, "order": float(grp["meetings"].min()), "n": len(v), "mean_change": v.mean(),
                     "low": float(low), "high": float(high)})
    bins = pd.DataFrame(rows).sort_values("order").drop(columns="order").reset_index(drop=True)
    return DoseResponse(n, params[0], params[1], se, float(ci[1, 0]),
                        float(ci[1, 1]), slope_p, r2,
                        np.nan if rho is None else float(rho.statistic), np.nan if rho is None else float(rho.pvalue),
                        bins, line)
