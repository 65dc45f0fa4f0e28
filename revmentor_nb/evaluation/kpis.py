"""Roster KPIs tied to the objective: retention and promotion of mentors and mentees against a comparison group.

Every KPI is measured from the programme's start date (the index date) for people employed on
that date. Retention at N months = share not left by start + N months; promotion at N months
= share first promoted after the start and by start + N months. With only the roster's
``last_promotion_date`` a promotion that a later one overwrote is missed (the evaluation says so
in its notes); a promotions history (person_id, date) counts every one. A KPI is only
reported once the data reach start + N months (``as_of``); until then it says how long to wait.
Participants and comparison group are compared as two independent samples (conservative for
matched samples): difference in percentage points with Newcombe's hybrid score 95% CI
(statsmodels) and Fisher's exact test (scipy).
"""
from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd
from scipy import stats
from statsmodels.stats.proportion import confint_proportions_2indep

from revmentor_nb.evaluation.comparison import ComparisonGroup
from revmentor_nb.evaluation.survival import (
    kaplan_meier,
    logrank,
    monthly_curve,
    survival_at,
)

KPI_RE = re.compile(r"^(retention|promotion)_(mentors|mentees|participants|under_represented_mentors)_(\d{1,2})m$")
WHO_LABEL = {"mentors": "mentors", "mentees": "mentees", "participants": "participants",
             "under_represented_mentors": "under-represented mentors"}
SENSITIVE_GROUPS = ("gender", "ethnicity")
UNSTATED = {"", "prefer not to say", "not known", "unknown", "undisclosed", "nan", "none"}

KPI_COLUMNS = ["kpi", "measure", "who", "months", "observable", "due", "n", "count", "rate", "rate_low", "rate_high",
               "comparison", "n_comparison", "count_comparison", "rate_comparison", "difference_points",
               "difference_low", "difference_high", "p_fisher", "km_rate", "km_rate_comparison"]


@dataclass(frozen=True)
class Kpi:
    """One KPI parsed from its name, e.g. ``retention_mentors_12m``."""

    name: str
    measure: str  # retention | promotion
    who: str
    months: int


def parse_kpi(name: str) -> Kpi:
    """``retention_mentors_12m`` -> Kpi('retention', 'mentors', 12); ValueError for any other shape."""
    m = KPI_RE.match(name.strip())
    if not m:
        raise ValueError(f"unknown KPI {name!r}: use retention_<who>_<N>m or promotion_<who>_<N>m")
    return Kpi(name.strip(), m.group(1), m.group(2), int(m.group(3)))


def month_day(index: date, months: int) -> int:
    """Days from the index date to the same calendar day ``months`` later."""
    start = pd.Timestamp(index)
    return int((start + pd.DateOffset(months=months) - start).days)


def follow_up(staff: pd.DataFrame, ids: Iterable[str], index: date, as_of: date,
              promotions: pd.DataFrame | None = None) -> pd.DataFrame:
    """Per person: days from the index date to leaving (event) or to ``as_of`` (censored), and promotion day.

    The promotion day is the first promotion after the index date and by ``as_of``: from
    ``promotions`` (a history, one row per promotion: person_id, date) when given, else from the
    roster's ``last_promotion_date``, which misses a promotion that a later one overwrote.
    """
    people = staff.loc[sorted(set(map(str, ids)) & set(staff.index))]
    start, end = pd.Timestamp(index), pd.Timestamp(as_of)
    leave = pd.to_datetime(people["exit_date"]) if "exit_date" in people else pd.Series(pd.NaT, index=people.index)
    left = leave.notna() & (leave <= end)
    time = np.where(left, (leave - start).dt.days, (end - start).days).astype(float)
    if promotions is not None:
        hist = pd.DataFrame({"person_id": promotions["person_id"].astype(str),
                             "date": pd.to_datetime(promotions["date"])})
        hist = hist[(hist["date"] > start) & (hist["date"] <= end)]
        promo = hist.groupby("person_id")["date"].min().reindex(people.index)
    elif "last_promotion_date" in people:
        promo = pd.to_datetime(people["last_promotion_date"])
    else:
        promo = pd.Series(pd.NaT, index=people.index)
    promo_day = ((promo - start).dt.days).where(promo.notna() & (promo > start) & (promo <= end))
    return pd.DataFrame({"person_id": people.index, "time": time, "event": left.to_numpy(),
                         "promotion_day": promo_day.to_numpy(dtype=float)}).reset_index(drop=True)


def _rate(fu: pd.DataFrame, measure: str, day: int) -> tuple[int, int]:
    """(people, people with the outcome) at ``day``: stayed beyond it, or promoted by it."""
    n = len(fu)
    if measure == "retention":
        return n, int((~(fu["event"] & (fu["time"] <= day))).sum())
    return n, int((fu["promotion_day"] <= day).sum())


def compare_proportions(count1: int, n1: int, count2: int, n2: int, level: float = 0.95) -> dict[str, float]:
    """Difference in percentage points (group 1 - group 2), Newcombe's 95% CI and Fisher's exact p."""
    if n1 == 0 or n2 == 0:
        return {"difference_points": np.nan, "difference_low": np.nan, "difference_high": np.nan, "p_fisher": np.nan}
    low, high = confint_proportions_2indep(count1, n1, count2, n2, method="newcomb", compare="diff",
                                           alpha=1 - level)
    p = stats.fisher_exact([[count1, n1 - count1], [count2, n2 - count2]]).pvalue
    return {"difference_points": 100 * (count1 / n1 - count2 / n2), "difference_low": 100 * float(low),
            "difference_high": 100 * float(high), "p_fisher": float(p)}


def wilson(count: int, n: int, level: float = 0.95) -> tuple[float, float]:
    """Wilson score interval of a proportion (statsmodels), in percent."""
    from statsmodels.stats.proportion import proportion_confint

    if n == 0:
        return np.nan, np.nan
    low, high = proportion_confint(count, n, alpha=1 - level, method="wilson")
    return 100 * float(low), 100 * float(high)


def kpi_row(kpi: Kpi, staff: pd.DataFrame, group: ComparisonGroup, index: date, as_of: date,
            promotions: pd.DataFrame | None = None) -> dict[str, object]:
    """One KPI for one participant group against its comparison group (figures blank until observable)."""
    day = month_day(index, kpi.months)
    due = (pd.Timestamp(index) + pd.DateOffset(months=kpi.months)).date()
    fu_p = follow_up(staff, group.participants, index, as_of, promotions)
    fu_c = follow_up(staff, group.controls, index, as_of, promotions)
    row: dict[str, object] = dict.fromkeys(KPI_COLUMNS, np.nan)
    row.update(kpi=kpi.name, measure=kpi.measure, who=WHO_LABEL.get(kpi.who, kpi.who), months=kpi.months,
               observable=pd.Timestamp(as_of) >= pd.Timestamp(due), due=due.isoformat(), n=len(fu_p),
               comparison=group.rule, n_comparison=len(fu_c))
    if not row["observable"]:
        return row
    n, c = _rate(fu_p, kpi.measure, day)
    nc, cc = _rate(fu_c, kpi.measure, day)
    low, high = wilson(c, n)
    row.update(count=c, rate=100 * c / n if n else np.nan, rate_low=low, rate_high=high)
    if kpi.measure == "retention":
        row["km_rate"] = 100 * survival_at(kaplan_meier(fu_p["time"], fu_p["event"]), day)[0] if n else np.nan
    if nc:
        row.update(count_comparison=cc, rate_comparison=100 * cc / nc, **compare_proportions(c, n, cc, nc))
        if kpi.measure == "retention":
            row["km_rate_comparison"] = 100 * survival_at(kaplan_meier(fu_c["time"], fu_c["event"]), day)[0]
    return row


def kpi_table(kpis: Iterable[Kpi], staff: pd.DataFrame, groups: Mapping[str, ComparisonGroup], index: date,
              as_of: date, promotions: pd.DataFrame | None = None) -> pd.DataFrame:
    """Every KPI whose participant group is known, one row each (see ``kpi_row``)."""
    rows = [kpi_row(k, staff, groups[k.who], index, as_of, promotions) for k in kpis if k.who in groups]
    return pd.DataFrame(rows, columns=KPI_COLUMNS)


def retention_curves(staff: pd.DataFrame, groups: Mapping[str, ComparisonGroup], index: date, as_of: date,
                     months: int = 12) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Monthly Kaplan-Meier retention of each participant group and its comparison group, and log-rank tests."""
    days = [month_day(index, m) for m in range(months + 1)]
    curves, tests = [], []
    for who, g in groups.items():
        fu_p = follow_up(staff, g.participants, index, as_of)
        fu_c = follow_up(staff, g.controls, index, as_of)
        for label, fu in ((WHO_LABEL.get(who, who), fu_p), (f"comparison for {WHO_LABEL.get(who, who)}", fu_c)):
            if len(fu):
                curves.append(monthly_curve(fu["time"], fu["event"], days).assign(who=who, group=label, n=len(fu)))
        if len(fu_p) and len(fu_c):
            chi2, p = logrank(np.r_[fu_p["time"], fu_c["time"]], np.r_[fu_p["event"], fu_c["event"]],
                              np.r_[np.zeros(len(fu_p)), np.ones(len(fu_c))])
            tests.append({"who": WHO_LABEL.get(who, who), "comparison": g.rule, "n": len(fu_p),
                          "n_comparison": len(fu_c), "logrank_chi2": chi2, "p_logrank": p})
    curve_cols = ["who", "group", "n", "month", "day", "survival", "low", "high", "at_risk"]
    curve = pd.concat(curves, ignore_index=True)[curve_cols] if curves else pd.DataFrame(columns=curve_cols)
    return curve, pd.DataFrame(tests, columns=["who", "comparison", "n", "n_comparison", "logrank_chi2", "p_logrank"])


def representation(roster_staff: pd.DataFrame, senior: pd.Series, threshold: float = 0.8) -> pd.DataFrame:
    """Per gender and ethnicity group: share of all staff vs of the senior grades; under-represented below a threshold.

    A group is under-represented when its share of the senior grades is less than ``threshold``
    times its share of all staff (the four-fifths rule); unstated answers are never a group.
    """
    rows = []
    for attr in SENSITIVE_GROUPS:
        if attr not in roster_staff:
            continue
        values = roster_staff[attr].astype("string").fillna("").str.strip()
        stated = ~values.str.lower().isin(UNSTATED)
        for g in sorted(values[stated].unique()):
            in_g = values == g
            n_all, n_sen = int(in_g[stated].sum()), int((in_g & senior & stated).sum())
            share_all = n_all / max(int(stated.sum()), 1)
            share_sen = n_sen / max(int((senior & stated).sum()), 1)
            ratio = share_sen / share_all if share_all else np.nan
            rows.append({"attribute": attr, "group": g, "staff": n_all, "senior_staff": n_sen,
                         "share_all": 100 * share_all, "share_senior": 100 * share_sen, "ratio": ratio,
                         "under_represented": bool(ratio < threshold)})
    return pd.DataFrame(rows, columns=["attribute", "group", "staff", "senior_staff", "share_all", "share_senior",
                                       "ratio", "under_represented"])


def under_represented_ids(roster_staff: pd.DataFrame, groups: Mapping[str, Iterable[str]]) -> set[str]:
    """People in any listed group, e.g. ``{"ethnicity": ["Black", "Asian"]}`` (used only in aggregate)."""
    hit = pd.Series(False, index=roster_staff.index)
    for attr, values in groups.items():
        if attr in roster_staff:
            hit |= roster_staff[attr].astype("string").isin([str(v) for v in values]).fillna(False)
    return set(roster_staff.index[hit.to_numpy()])

