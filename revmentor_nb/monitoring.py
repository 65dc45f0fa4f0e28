"""Monitoring: are pairs meeting as often as the design agreed?

A pair that stops meeting rarely says so; counting meetings against the cadence,
as of a date, finds them while there is still time to help.
"""
from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd

STATUSES = ("on track", "needs a check-in", "at risk", "too early to tell")


def distinct_meetings(meetings: pd.DataFrame, start: date, as_of: date) -> pd.DataFrame:
    """Meetings inside the programme window, counting a meeting logged by both sides once."""
    m = meetings.copy()
    m["date"] = pd.to_datetime(m["date"])
    inside = (m["date"] >= pd.Timestamp(start)) & (m["date"] <= pd.Timestamp(as_of))
    return m[inside].drop_duplicates(["mentor_id", "mentee_id", "date"]).reset_index(drop=True)


def pair_activity(pairs: pd.DataFrame, meetings: pd.DataFrame | None, *, start: date, as_of: date,
                  cadence_days: int) -> pd.DataFrame:
    """Per pair: meetings held vs expected by ``as_of``, days since the last one, and a status with its reason."""
    base = pairs[["mentor_id", "mentee_id"]].copy()
    if meetings is None or meetings.empty:
        held = pd.DataFrame(columns=["mentor_id", "mentee_id", "held", "last_meeting"])
    else:
        m = distinct_meetings(meetings, start, as_of)
        held = m.groupby(["mentor_id", "mentee_id"]).agg(held=("date", "size"), last_meeting=("date", "max")).reset_index()
    out = base.merge(held, on=["mentor_id", "mentee_id"], how="left")
    out["held"] = out["held"].fillna(0).astype(int)
    out["last_meeting"] = pd.to_datetime(out["last_meeting"])
    days_running = (pd.Timestamp(as_of) - pd.Timestamp(start)).days
    out["expected"] = max(days_running // cadence_days, 0)
    since = (pd.Timestamp(as_of) - out["last_meeting"].fillna(pd.Timestamp(start))).dt.days
    out["days_since_last"] = since.astype(int)
    out["status"], out["reason"] = zip(*[_status(h, e, s, days_running, cadence_days)
                                          for h, e, s in zip(out["held"], out["expected"], out["days_since_last"])]) \
        if len(out) else ([], [])
    return out


def _status(held: int, expected: int, since: int, days_running: int, cadence: int) -> tuple[str, str]:
    if days_running < cadence:
        return "too early to tell", f"the programme has run {days_running} days, less than one cadence ({cadence} days)"
    if since > 1.5 * cadence:
        what = "no meeting yet" if held == 0 else f"last meeting {since} days ago"
        return "at risk", f"{what}: more than 1.5 x the {cadence}-day cadence"
    if held < expected - 1:
        return "needs a check-in", f"{held} meetings held, {expected} expected by now"
    return "on track", f"{held} of {expected} expected meetings held"


def status_counts(activity: pd.DataFrame) -> pd.DataFrame:
    """How many pairs are in each status (every status listed, zero included)."""
    counts = activity["status"].value_counts().reindex(list(STATUSES), fill_value=0)
    return counts.rename_axis("status").reset_index(name="pairs")


def meetings_by_month(meetings: pd.DataFrame, start: date, as_of: date) -> pd.DataFrame:
    """Distinct meetings held per calendar month of the programme."""
    m = distinct_meetings(meetings, start, as_of)
    months = m["date"].dt.to_period("M").dt.to_timestamp()
    out = months.value_counts().sort_index().rename_axis("month").reset_index(name="meetings")
    return out.astype({"meetings": np.int64})
