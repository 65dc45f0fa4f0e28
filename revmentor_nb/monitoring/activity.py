"""Monitoring: are pairs meeting as often as the design agreed, and are they answering their check-ins?

A pair that stops meeting rarely says so; counting meetings against the cadence, as of a date,
finds them while there is still time to help. The files are prepared once (``prepare``): every
meeting is tied to its pair, a meeting both sides logged counts once, meetings before a pair's
own start (launch, or ``matched_on`` for a pair matched late) or after its end are set aside
and counted in ``dropped``, and check-ins (which carry a person, not a pair) are joined to every
pair the person is in, without their confidential comments. Everything after that is a function
of the prepared data, the rules and the as-of date, so a rule change re-judges without re-importing.

A pair has *ended early* when it says so: an ``ended_on`` column in the pairs table, or a final
check-in filed well before the programme's close from both sides (or from a side in no other pair).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

if TYPE_CHECKING:
    from revmentor_nb.design.program import ProgramDesign
    from revmentor_nb.workspace.workspace import Workspace

STATUSES: tuple[str, ...] = ("on track", "needs a check-in", "at risk", "too early to tell", "ended")
SCHEDULED_STAGES: tuple[str, ...] = ("kickoff", "midpoint", "final")
SIDES: tuple[str, ...] = ("mentor", "mentee")
EARLY_DAYS = 14  # an answer up to two weeks before a check-in is sent still counts for it (people answer early)
PAIR_KEY = ["mentor_id", "mentee_id"]
SURVEY_CHECKINS = "checkins-survey"  # check-ins imported from survey exports (``revmentor_nb.messages.survey``)

DateLike = date | pd.Timestamp | str


def day_of(value: DateLike) -> pd.Timestamp:
    """A date as a midnight Timestamp."""
    return pd.Timestamp(value).normalize()


def _dates(values: pd.Series) -> pd.Series:
    """A column as midnight datetimes (NaT where blank)."""
    return pd.to_datetime(values, errors="coerce").dt.normalize()


@dataclass(frozen=True)
class Programme:
    """The dates the monitor judges against: launch, planned end and the cadence pairs agreed."""

    start: pd.Timestamp
    end: pd.Timestamp
    cadence_days: int

    @classmethod
    def of(cls, design: "ProgramDesign") -> "Programme":
        """The programme's dates as its design states them."""
        s = design.schedule
        return cls(day_of(s.start_date), day_of(s.end_date), int(s.cadence_days))

    @property
    def midpoint(self) -> pd.Timestamp:
        """Half way from launch to the planned end (the midpoint review)."""
        return (self.start + (self.end - self.start) / 2).normalize()

    def send_date(self, stage: str) -> pd.Timestamp:
        """When the midpoint and final check-ins go out: a week before the midpoint and the end (the plan's windows)."""
        return {"midpoint": self.midpoint, "final": self.end}[stage] - pd.Timedelta(weeks=1)


@dataclass(frozen=True)
class MonitorData:
    """Imported activity tied to pairs, ready to be judged at any date under any rules."""

    programme: Programme
    pairs: pd.DataFrame  # pair, mentor_id, mentee_id, start, ended_on (NaT: still running)
    meetings: pd.DataFrame  # one row per distinct meeting: pair, date, logs, mentor_logs, mentee_logs
    checkins: pd.DataFrame  # pair, side, person_id, date, stage, satisfaction, on_track (no comments)
    training: pd.DataFrame | None  # person_id, completed_on (first completion); None when not imported
    agreements: pd.DataFrame | None  # pair, signed_on; None when not imported
    people: pd.DataFrame | None  # person_id, name, email, department, location
    dropped: pd.DataFrame  # what, rows: meeting and check-in rows set aside, and why


def _pairs(pairs: pd.DataFrame, programme: Programme) -> pd.DataFrame:
    """Distinct pairs with their own start (launch, or later ``matched_on``) and any stated ``ended_on``."""
    out = pairs.drop_duplicates(PAIR_KEY).reset_index(drop=True)
    frame = pd.DataFrame({"pair": np.arange(len(out)), "mentor_id": out["mentor_id"].astype(str).to_numpy(),
                          "mentee_id": out["mentee_id"].astype(str).to_numpy()})
    start = pd.Series(programme.start, index=frame.index)
    if "matched_on" in out:
        start = _dates(out["matched_on"]).fillna(programme.start).clip(lower=programme.start)
    frame["start"] = start.to_numpy(dtype="datetime64[ns]")
    ended = _dates(out["ended_on"]) if "ended_on" in out else pd.Series(pd.NaT, index=frame.index)
    frame["ended_on"] = ended.to_numpy(dtype="datetime64[ns]")
    return frame


def _distinct_meetings(meetings: pd.DataFrame | None, pairs: pd.DataFrame,
                       programme: Programme) -> tuple[pd.DataFrame, dict[str, int]]:
    """One row per pair and day met (both sides logging it counts once), inside the pair's own window."""
    cols = ["pair", "date", "logs", "mentor_logs", "mentee_logs"]
    if meetings is None or meetings.empty:
        return pd.DataFrame({c: pd.Series(dtype="datetime64[ns]" if c == "date" else "int64") for c in cols}), {}
    m = pd.DataFrame({"mentor_id": meetings["mentor_id"].astype(str).to_numpy(),
                      "mentee_id": meetings["mentee_id"].astype(str).to_numpy(),
                      "date": _dates(meetings["date"]).to_numpy(dtype="datetime64[ns]"),
                      "logged_by": (meetings["logged_by"].astype(object).to_numpy() if "logged_by" in meetings
                                    else np.full(len(meetings), None, dtype=object))})
    m = m.merge(pairs[["pair", *PAIR_KEY, "start", "ended_on"]], on=PAIR_KEY, how="left")
    unknown = m["pair"].isna()
    before = ~unknown & (m["date"] < m["start"])
    last_day = m["ended_on"].fillna(programme.end).clip(upper=programme.end)
    after = ~unknown & ~before & (m["date"] > last_day)
    keep = m[~unknown & ~before & ~after & m["date"].notna()].copy()
    keep["pair"] = keep["pair"].astype("int64")
    keep["by_mentor"] = keep["logged_by"].astype(str) == keep["mentor_id"]
    keep["by_mentee"] = keep["logged_by"].astype(str) == keep["mentee_id"]
    out = keep.groupby(["pair", "date"], as_index=False).agg(
        logs=("date", "size"), mentor_logs=("by_mentor", "sum"), mentee_logs=("by_mentee", "sum"))
    out = out.astype({"logs": "int64", "mentor_logs": "int64", "mentee_logs": "int64"})
    dropped = {"meeting rows for no current pair": int(unknown.sum()),
               "meetings before the pair's start (launch or matched_on)": int(before.sum()),
               "meetings after the pair ended or the programme closed": int(after.sum()),
               "meeting rows logged again for the same day (counted once)": int(len(keep) - len(out))}
    return out[cols].sort_values(["pair", "date"]).reset_index(drop=True), dropped


def _checkins(checkins: pd.DataFrame | None, pairs: pd.DataFrame) -> tuple[pd.DataFrame, dict[str, int]]:
    """Each check-in joined to every pair its person is in, as the mentor or the mentee side (comments left out)."""
    cols = ["pair", "side", "person_id", "date", "stage", "satisfaction", "on_track"]
    if checkins is None or checkins.empty:
        empty = pd.DataFrame({c: pd.Series(dtype="object") for c in cols})
        return empty.astype({"pair": "int64", "date": "datetime64[ns]", "satisfaction": "float64"}), {}
    c = pd.DataFrame({"person_id": checkins["person_id"].astype(str).to_numpy(),
                      "date": _dates(checkins["date"]).to_numpy(dtype="datetime64[ns]"),
                      "stage": checkins["stage"].astype(str).str.strip().str.lower().to_numpy(),
                      "satisfaction": (pd.to_numeric(checkins["satisfaction"].astype(object), errors="coerce")
                                       .astype("float64").to_numpy() if "satisfaction" in checkins else np.nan),
                      "on_track": checkins["on_track"].astype(object).to_numpy() if "on_track" in checkins else None})
    parts = []
    for side in SIDES:
        joined = c.merge(pairs[["pair", f"{side}_id", "start"]], left_on="person_id", right_on=f"{side}_id")
        parts.append(joined.assign(side=side))
    both = pd.concat(parts, ignore_index=True)
    in_pair = c["person_id"].isin(both["person_id"])
    early = both["date"] < both["start"] - pd.Timedelta(days=EARLY_DAYS)
    out = both[~early][cols].sort_values(["pair", "side", "date"], kind="stable").reset_index(drop=True)
    return out, {"check-ins from people in no current pair": int((~in_pair).sum())}


def _ended_early(pairs: pd.DataFrame, checkins: pd.DataFrame, programme: Programme) -> pd.Series:
    """When each pair ended early (NaT if not): an early final check-in from both sides, or from a side in one pair."""
    cutoff = programme.send_date("final") - pd.Timedelta(days=EARLY_DAYS)
    finals = checkins[(checkins["stage"] == "final") & (checkins["date"] < cutoff)]
    first = {side: pd.Series(finals[finals["side"] == side].groupby("pair")["date"].min().reindex(pairs["pair"])
                             .to_numpy(dtype="datetime64[ns]"), index=pairs.index) for side in SIDES}
    both = pd.concat(first.values(), axis=1).max(axis=1).where(first["mentor"].notna() & first["mentee"].notna())
    alone = [first[side].where(pairs[f"{side}_id"].map(pairs[f"{side}_id"].value_counts()) == 1) for side in SIDES]
    candidates = pd.concat([both, *alone, pd.to_datetime(pairs["ended_on"])], axis=1)
    return candidates.min(axis=1)


def prepare(pairs: pd.DataFrame, meetings: pd.DataFrame | None, checkins: pd.DataFrame | None = None, *,
            programme: Programme, training: pd.DataFrame | None = None, agreements: pd.DataFrame | None = None,
            participants: pd.DataFrame | None = None) -> MonitorData:
    """Tie meetings, check-ins, training and agreements to the accepted pairs once, so any date or rule is cheap."""
    p = _pairs(pairs, programme)
    c, c_dropped = _checkins(checkins, p)
    p["ended_on"] = _ended_early(p, c, programme).to_numpy(dtype="datetime64[ns]")
    m, m_dropped = _distinct_meetings(meetings, p, programme)
    train = None
    if training is not None:
        t = pd.DataFrame({"person_id": training["person_id"].astype(str).to_numpy(),
                          "completed_on": _dates(training["completed_on"]).to_numpy(dtype="datetime64[ns]")})
        train = t.groupby("person_id", as_index=False)["completed_on"].min()
    agree = None
    if agreements is not None:
        a = pd.DataFrame({"mentor_id": agreements["mentor_id"].astype(str).to_numpy(),
                          "mentee_id": agreements["mentee_id"].astype(str).to_numpy(),
                          "signed_on": _dates(agreements["signed_on"]).to_numpy(dtype="datetime64[ns]")})
        agree = a.merge(p[["pair", *PAIR_KEY]], on=PAIR_KEY).groupby("pair", as_index=False)["signed_on"].min()
    people = None
    if participants is not None:
        keep = [col for col in ("person_id", "name", "email", "department", "location") if col in participants]
        people = participants[keep].astype({"person_id": str}).drop_duplicates("person_id").reset_index(drop=True)
    dropped = pd.DataFrame(list({**m_dropped, **c_dropped}.items()), columns=["what", "rows"])
    return MonitorData(programme, p, m, c, train, agree, people, dropped)


def load(ws: "Workspace") -> MonitorData:
    """The workspace's accepted pairs and imported activity, prepared (meetings are required).

    Check-ins are the imported check-ins file together with every survey export imported back.
    """
    files = [c for c in (ws.table("checkins"), ws.table(SURVEY_CHECKINS)) if c is not None]
    checkins = pd.concat(files, ignore_index=True) if files else None
    return prepare(ws.require_match().pairs, ws.require("meetings"), checkins,
                   programme=Programme.of(ws.design), training=ws.table("training"),
                   agreements=ws.table("agreements"), participants=ws.table("participants"))


# --------------------------------------------------------------------------- per pair, as of a date


def pair_activity(data: MonitorData, as_of: DateLike) -> pd.DataFrame:
    """Per pair at ``as_of``: meetings held vs expected by the cadence, days since the last, trend and who logs.

    A pair is judged from its own start to the earliest of ``as_of``, its early end and the
    programme's end; ``expected`` is whole cadence intervals in that span. ``recent`` and
    ``previous`` count meetings in the last two cadence intervals and the two before; ``trend``
    compares their pace (``new`` until the pair has run three intervals).
    """
    day = day_of(as_of)
    prog, c = data.programme, data.programme.cadence_days
    p = data.pairs.copy()
    ended = p["ended_on"].notna() & (p["ended_on"] <= day)
    p["state"] = np.select([day < p["start"], ended, day > prog.end], ["not started", "ended", "finished"], "running")
    judged = p["ended_on"].where(ended).fillna(day).clip(upper=prog.end)
    p["judged_to"] = judged.where(judged >= p["start"], p["start"]).to_numpy(dtype="datetime64[ns]")
    p["days_running"] = (p["judged_to"] - p["start"]).dt.days.astype("int64")
    m = data.meetings.merge(p[["pair", "judged_to"]], on="pair")
    m = m[(m["date"] <= m["judged_to"]) & (m["date"] <= day)]
    age = (m["judged_to"] - m["date"]).dt.days
    m = m.assign(recent=age < 2 * c, previous=(age >= 2 * c) & (age < 4 * c))
    agg = m.groupby("pair").agg(held=("date", "size"), last_meeting=("date", "max"), recent=("recent", "sum"),
                                previous=("previous", "sum"), mentor_logs=("mentor_logs", "sum"),
                                mentee_logs=("mentee_logs", "sum"))
    out = p.join(agg, on="pair")
    for col in ("held", "recent", "previous", "mentor_logs", "mentee_logs"):
        out[col] = out[col].fillna(0).astype("int64")
    out["expected"] = (out["days_running"] // c).astype("int64")
    out["behind"] = (out["expected"] - out["held"]).clip(lower=0).astype("int64")
    since = out["last_meeting"].fillna(out["start"])
    out["days_since_last"] = (out["judged_to"] - since).dt.days.astype("int64")
    out["trend"] = _trend(out, c)
    logs = out["mentor_logs"] + out["mentee_logs"]
    out["mentor_logged_share"] = (out["mentor_logs"] / logs.where(logs > 0)).astype("float64")
    return out[["pair", "mentor_id", "mentee_id", "start", "ended_on", "state", "judged_to", "days_running", "held",
                "expected", "behind", "last_meeting", "days_since_last", "recent", "previous", "trend",
                "mentor_logs", "mentee_logs", "mentor_logged_share"]]


def _trend(act: pd.DataFrame, cadence: int) -> pd.Series:
    """Pace of the last two cadence intervals against the (up to) two before: picking up, steady, slowing, stopped."""
    span_prev = (act["days_running"] - 2 * cadence).clip(lower=0, upper=2 * cadence)
    recent_rate = act["recent"] / 2
    previous_rate = act["previous"] / (span_prev / cadence).where(span_prev > 0)
    diff = recent_rate - previous_rate
    label = np.select([act["days_running"] < 3 * cadence, (act["recent"] == 0) & (act["held"] > 0),
                       act["recent"] == 0, diff < -0.5, diff > 0.5],
                      ["new", "stopped", "never met", "slowing", "picking up"], "steady")
    return pd.Series(label, index=act.index, dtype=object)


def checkin_due_dates(data: MonitorData) -> pd.DataFrame:
    """Per pair and scheduled stage, the day the check-in goes out (kickoff at the pair's start; none if ended)."""
    prog = data.programme
    rows = [data.pairs.assign(stage="kickoff", send_on=data.pairs["start"])]
    for stage in ("midpoint", "final"):
        rows.append(data.pairs.assign(stage=stage, send_on=prog.send_date(stage)))
    out = pd.concat(rows, ignore_index=True)
    sent = (out["send_on"] >= out["start"]) & ~(out["ended_on"].notna() & (out["ended_on"] < out["send_on"]))
    out = out[sent | (out["stage"] == "kickoff")]
    out = out.assign(send_on=out["send_on"].to_numpy(dtype="datetime64[ns]"))
    return out[["pair", "mentor_id", "mentee_id", "stage", "send_on"]].sort_values(["pair", "send_on"]).reset_index(
        drop=True)


def checkin_answers(data: MonitorData, due: pd.DataFrame, as_of: pd.Timestamp) -> pd.DataFrame:
    """``due`` (pair, stage, send_on) with, per side, whether that person answered the stage by ``as_of``."""
    c = data.checkins[data.checkins["date"] <= as_of]
    hits = due.merge(c[["pair", "side", "stage", "date"]], on=["pair", "stage"])
    hits = hits[hits["date"] >= hits["send_on"] - pd.Timedelta(days=EARLY_DAYS)]
    out = due
    for side in SIDES:
        col = f"{side}_answered"
        keys = hits.loc[hits["side"] == side, ["pair", "stage"]].drop_duplicates().assign(**{col: True})
        out = out.merge(keys, on=["pair", "stage"], how="left")
        out[col] = out[col].eq(True)
    return out


def pair_checkins(data: MonitorData, as_of: DateLike, response_days: int) -> pd.DataFrame:
    """Per pair: each side's latest satisfaction and on-track answer, and who missed the last closed check-in.

    A scheduled check-in is *closed* ``response_days`` after it goes out; a side that had not
    answered it by then counts as not responding until the next one closes.
    """
    day = day_of(as_of)
    c = data.checkins[data.checkins["date"] <= day]
    out = data.pairs[["pair"]].copy()
    for side in SIDES:
        rated = c[(c["side"] == side) & c["satisfaction"].notna()].groupby("pair").tail(1).set_index("pair")
        out[f"{side}_satisfaction"] = out["pair"].map(rated["satisfaction"]).astype("float64")
        out[f"{side}_rated_stage"] = out["pair"].map(rated["stage"]).astype(object)
        answered = c[(c["side"] == side) & c["on_track"].notna()].groupby("pair").tail(1).set_index("pair")
        out[f"{side}_on_track"] = out["pair"].map(answered["on_track"]).astype(object)
    due = checkin_due_dates(data)
    closed = due[due["send_on"] + pd.Timedelta(days=response_days) <= day]
    last = checkin_answers(data, closed, day).sort_values(["pair", "send_on"]).groupby("pair").tail(1).set_index("pair")
    out["last_closed_stage"] = out["pair"].map(last["stage"]).astype(object)
    for side in SIDES:
        out[f"{side}_answered_last"] = out["pair"].map(last[f"{side}_answered"].astype(object)).astype("boolean")
    return out


# --------------------------------------------------------------------------- programme-wide


def checkin_summary(data: MonitorData, as_of: DateLike, k: int = 5, response_days: int = 28) -> pd.DataFrame:
    """Per check-in stage and side: people asked, answered, response rate and satisfaction (groups under k blanked).

    Ratings of fewer than k people show no satisfaction figures; fewer than k people asked (for a
    pulse survey, fewer than k answering) show no counts or response rate either.

    People are counted once per stage (a mentor with two mentees answers once); ``open`` says
    whether answers can still come in (``response_days`` after the last send). Pulse surveys
    are not scheduled, so they show answers without a response rate.
    """
    from revmentor_nb.privacy.pseudonyms import suppress_small_groups

    day = day_of(as_of)
    due = checkin_due_dates(data)
    due = due[due["send_on"] <= day]
    c = data.checkins[data.checkins["date"] <= day]
    rows = []
    for stage in (*SCHEDULED_STAGES, "pulse"):
        for side in SIDES:
            answers = c[(c["stage"] == stage) & (c["side"] == side)]
            closes = pd.NaT
            if stage != "pulse":
                sent = due[due["stage"] == stage]
                closes = sent["send_on"].max() + pd.Timedelta(days=response_days) if len(sent) else pd.NaT
                asked = set(sent[f"{side}_id"])
                window = sent[["pair", "send_on"]].merge(answers, on="pair")
                window = window[window["date"] >= window["send_on"] - pd.Timedelta(days=EARLY_DAYS)]
                answers = window[window["person_id"].isin(asked)]
            else:
                asked = None
            latest = answers.sort_values("date").drop_duplicates("person_id", keep="last")
            rated = latest["satisfaction"].dropna().astype("float64")
            track = latest["on_track"].dropna().astype(bool)
            rows.append({"stage": stage, "side": side,
                         "open": None if stage == "pulse" else bool(pd.notna(closes) and day < closes),
                         "asked": np.nan if asked is None else len(asked),
                         "answered": latest["person_id"].nunique(), "rated": len(rated),
                         "satisfaction": rated.mean() if len(rated) else np.nan,
                         "low_share": (rated <= 2).mean() if len(rated) else np.nan,
                         "on_track_share": track.mean() if len(track) else np.nan})
    out = pd.DataFrame(rows)
    out["response_rate"] = out["answered"] / out["asked"].where(out["asked"] > 0)
    out = out[["stage", "side", "open", "asked", "answered", "response_rate", "rated", "satisfaction", "low_share",
               "on_track_share"]]
    asked_any = out["asked"].fillna(0) > 0
    keep = out[asked_any | (out["answered"] > 0)].reset_index(drop=True)
    if keep.empty:
        return keep.assign(suppressed=pd.Series(dtype=bool))
    out = suppress_small_groups(keep, "rated", k, ["satisfaction", "low_share", "on_track_share"])
    # the people asked (a pulse: those who answered) are a group too: under k, its counts and rate go as well
    base = keep["asked"].fillna(keep["answered"])
    small = ((base > 0) & (base < k)).to_numpy()
    out = out.astype({"asked": float, "answered": float, "response_rate": float})
    out.loc[small, ["asked", "answered", "response_rate"]] = np.nan
    out.loc[small, "suppressed"] = True
    return out


def meeting_days(data: MonitorData, as_of: DateLike) -> pd.DataFrame:
    """Each distinct meeting held by ``as_of``, as days since its pair's own start (for the per-pair chart)."""
    act = pair_activity(data, as_of)
    m = data.meetings.merge(act[["pair", "mentor_id", "mentee_id", "start", "judged_to"]], on="pair")
    m = m[(m["date"] <= m["judged_to"]) & (m["date"] <= day_of(as_of))]
    m = m.assign(day=(m["date"] - m["start"]).dt.days.astype("int64"))
    return m[["pair", "mentor_id", "mentee_id", "date", "day"]].sort_values(["pair", "date"]).reset_index(drop=True)


def meetings_by_month(data: MonitorData, as_of: DateLike) -> pd.DataFrame:
    """Distinct meetings held per calendar month of the programme, up to ``as_of``."""
    m = data.meetings[data.meetings["date"] <= day_of(as_of)]
    months = m["date"].dt.to_period("M").dt.to_timestamp()
    out = months.value_counts().sort_index().rename_axis("month").reset_index(name="meetings")
    return out.astype({"meetings": np.int64})


PLAN_ROWS = {"kickoff": "launch", "midpoint": "midpoint check-in", "final": "close"}


def checkin_calendar(programme: Programme) -> pd.DataFrame:
    """When each scheduled check-in goes out for pairs that start at launch, with the plan row it belongs to."""
    send = {"kickoff": programme.start, "midpoint": programme.send_date("midpoint"),
            "final": programme.send_date("final")}
    return pd.DataFrame({"stage": list(send), "send_on": list(send.values()),
                         "row": [PLAN_ROWS[s] for s in send], "label": [f"{s} check-in goes out" for s in send]})


def resolve_as_of(value: DateLike | None, programme: Programme, today: date | None = None) -> date:
    """The date to judge at: the one given, else today capped at the planned end (a finished programme stays put)."""
    if value not in (None, ""):
        return day_of(value).date()
    return min(today or date.today(), programme.end.date())
