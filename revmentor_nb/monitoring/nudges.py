"""What is due as of a date, as a nudge list: who to contact and why.

Programmes fade when nobody follows up. As of a date this lists, one row per person (or audience)
to contact: pairs the rules flag, check-ins to send or still unanswered (kickoff at a pair's
start, midpoint and final a week before the midpoint and the end), communications the design's
plan schedules, agreements not yet returned and training not completed. ``lookahead_days`` of the
rules also brings in what falls due in the coming days. Export the list with ``export.write_csv``.
"""
from __future__ import annotations

import pandas as pd

from revmentor_nb.design.program import MonitoringRules
from revmentor_nb.monitoring.activity import (
    SIDES,
    DateLike,
    MonitorData,
    checkin_answers,
    checkin_due_dates,
    day_of,
)
from revmentor_nb.privacy.pseudonyms import pseudonym

NUDGE_COLUMNS = ["who", "role", "mentor_id", "mentee_id", "what", "why", "due_on"]
WHAT_ORDER = ["at risk", "needs a check-in", "check-in", "agreement", "training", "communication"]
TRAINING_LEAD = pd.Timedelta(weeks=2)  # training ends two weeks before launch (the plan's training window)


def _per_side(pairs: pd.DataFrame, what: str, why: pd.Series | str,
              due_on: pd.Series | pd.Timestamp) -> pd.DataFrame:
    """One nudge row for each side of each pair."""
    rows = []
    for side in SIDES:
        rows.append(pd.DataFrame({"who": pairs[f"{side}_id"].to_numpy(), "role": side,
                                  "mentor_id": pairs["mentor_id"].to_numpy(),
                                  "mentee_id": pairs["mentee_id"].to_numpy(),
                                  "what": what, "why": why if isinstance(why, str) else why.to_numpy(),
                                  "due_on": due_on if isinstance(due_on, pd.Timestamp) else due_on.to_numpy()}))
    return pd.concat(rows, ignore_index=True)


def flagged_nudges(assessed: pd.DataFrame, as_of: DateLike) -> pd.DataFrame:
    """Both people of every pair at risk or needing a check-in, with the rules' reasons."""
    flagged = assessed[assessed["status"].isin(["at risk", "needs a check-in"])]
    parts = [_per_side(flagged[flagged["status"] == s], s, flagged.loc[flagged["status"] == s, "reason"], day_of(as_of))
             for s in ("at risk", "needs a check-in")]
    return pd.concat(parts, ignore_index=True)


def checkin_nudges(data: MonitorData, rules: MonitoringRules, as_of: DateLike) -> pd.DataFrame:
    """Check-ins going out within the look-ahead, and open ones not answered yet (one row per person and stage)."""
    day = day_of(as_of)
    ahead = day + pd.Timedelta(days=rules.lookahead_days)
    open_for = pd.Timedelta(days=rules.response_days)
    due = checkin_due_dates(data)
    live = data.pairs.set_index("pair")["ended_on"]
    due = due[~(live.reindex(due["pair"]).to_numpy() <= day)]  # a pair that ended gets no more check-ins
    soon = due[(due["send_on"] > day) & (due["send_on"] <= ahead)]
    current = checkin_answers(data, due[(due["send_on"] <= day) & (day < due["send_on"] + open_for)], day)
    rows = []
    for side in SIDES:
        s = soon.assign(who=soon[f"{side}_id"], role=side)
        rows.append(s.assign(why=s["stage"] + " check-in goes out on " + s["send_on"].dt.strftime("%Y-%m-%d"),
                             due_on=s["send_on"]))
        o = current[~current[f"{side}_answered"]]
        o = o.assign(who=o[f"{side}_id"], role=side)
        closes = o["send_on"] + open_for
        rows.append(o.assign(why=o["stage"] + " check-in sent " + o["send_on"].dt.strftime("%Y-%m-%d")
                             + ", not answered yet (closes " + closes.dt.strftime("%Y-%m-%d") + ")", due_on=closes))
    out = pd.concat(rows, ignore_index=True).assign(what="check-in")
    # a person in several pairs answers each stage once: one nudge, naming their first pair
    out = out.sort_values(["who", "stage", "due_on", "mentor_id", "mentee_id"]).drop_duplicates(["who", "stage", "why"])
    return out[NUDGE_COLUMNS]


def agreement_nudges(data: MonitorData, rules: MonitoringRules, as_of: DateLike,
                     assessed: pd.DataFrame) -> pd.DataFrame:
    """Both people of each running pair whose signed agreement is due (or due within the look-ahead) and missing."""
    if data.agreements is None:
        return pd.DataFrame(columns=NUDGE_COLUMNS)
    day = day_of(as_of)
    signed = data.agreements[data.agreements["signed_on"] <= day]["pair"]
    running = assessed[assessed["state"] == "running"]
    due_on = running["start"] + pd.Timedelta(days=rules.agreement_days)
    missing = running[~running["pair"].isin(signed) & (due_on <= day + pd.Timedelta(days=rules.lookahead_days))]
    due_missing = missing["start"] + pd.Timedelta(days=rules.agreement_days)
    why = "mentoring agreement not returned (due " + due_missing.dt.strftime("%Y-%m-%d") + ")"
    return _per_side(missing, "agreement", why, due_missing)


def training_nudges(data: MonitorData, rules: MonitoringRules, as_of: DateLike,
                    assessed: pd.DataFrame) -> pd.DataFrame:
    """People in running or starting pairs with no training done by its due date (two weeks before launch)."""
    if data.training is None:
        return pd.DataFrame(columns=NUDGE_COLUMNS)
    day = day_of(as_of)
    prog = data.programme
    done = set(data.training.loc[data.training["completed_on"] <= day, "person_id"])
    pairs = assessed[assessed["state"].isin(["running", "not started"])]
    due_on = (pairs["start"] - TRAINING_LEAD).where(pairs["start"] <= prog.start, pairs["start"])
    pairs = pairs.assign(due_on=due_on)
    pairs = pairs[pairs["due_on"] <= day + pd.Timedelta(days=rules.lookahead_days)]
    out = _per_side(pairs, "training", "training not completed (due " + pairs["due_on"].dt.strftime("%Y-%m-%d") + ")",
                    pairs["due_on"])
    out = out[~out["who"].isin(done)]
    return out.sort_values(["who", "due_on"]).drop_duplicates("who")


def communication_nudges(plan: pd.DataFrame | None, rules: MonitoringRules, as_of: DateLike) -> pd.DataFrame:
    """Communications of the design's plan running now or starting within the look-ahead, for their audience."""
    if plan is None or plan.empty:
        return pd.DataFrame(columns=NUDGE_COLUMNS)
    day = day_of(as_of)
    ahead = day + pd.Timedelta(days=rules.lookahead_days)
    start, end = pd.to_datetime(plan["start"]).dt.normalize(), pd.to_datetime(plan["end"]).dt.normalize()
    now = plan[(start <= ahead) & (end >= day)]
    return pd.DataFrame({"who": now["audience"].to_numpy(), "role": "audience", "mentor_id": None, "mentee_id": None,
                         "what": "communication", "why": (now["stage"] + ": " + now["purpose"]).to_numpy(),
                         "due_on": start[now.index].to_numpy()})


def nudges(data: MonitorData, assessed: pd.DataFrame, rules: MonitoringRules, as_of: DateLike,
           plan: pd.DataFrame | None = None) -> pd.DataFrame:
    """Everything due at ``as_of``: who to contact, about what, why and by when (``assessed`` from ``assess``)."""
    parts = [flagged_nudges(assessed, as_of), checkin_nudges(data, rules, as_of),
             agreement_nudges(data, rules, as_of, assessed), training_nudges(data, rules, as_of, assessed),
             communication_nudges(plan, rules, as_of)]
    parts = [p[NUDGE_COLUMNS] for p in parts if len(p)]
    if not parts:
        return pd.DataFrame({c: pd.Series(dtype="datetime64[ns]" if c == "due_on" else object) for c in NUDGE_COLUMNS})
    out = pd.concat(parts, ignore_index=True)
    out["due_on"] = pd.to_datetime(out["due_on"]).astype("datetime64[ns]")
    order = out["what"].map({w: i for i, w in enumerate(WHAT_ORDER)})
    out = out.assign(_o=order).sort_values(["_o", "due_on", "who", "mentor_id", "mentee_id"], kind="stable")
    return out.drop(columns="_o").reset_index(drop=True)


def nudge_summary(nudges_: pd.DataFrame) -> pd.DataFrame:
    """How many people to contact per kind of nudge (every kind listed)."""
    counts = nudges_["what"].value_counts().reindex(WHAT_ORDER, fill_value=0)
    return counts.rename_axis("what").reset_index(name="contacts").astype({"contacts": "int64"})


def private_nudges(nudges_: pd.DataFrame, people: pd.DataFrame | None = None, names: bool = False,
                   salt: str = "") -> pd.DataFrame:
    """The nudge list for a report or export: pseudonymous ids, or (``names=True``) ids with names and e-mails."""
    out = nudges_.copy()
    person = out["role"] != "audience"
    if names:
        if people is not None and "name" in people:
            lookup = people.set_index("person_id")
            out.insert(1, "name", out["who"].map(lookup["name"]).where(person))
            if "email" in lookup:
                out.insert(2, "email", out["who"].map(lookup["email"]).where(person))
        return out
    for col in ("who", "mentor_id", "mentee_id"):
        values = out[col].astype(object)
        mask = values.notna() & (person if col == "who" else True)
        out[col] = values.where(~mask, values[mask].map(lambda v: pseudonym(str(v), salt)))
    return out


def with_names(frame: pd.DataFrame, people: pd.DataFrame | None, columns: list[str]) -> pd.DataFrame:
    """``frame`` with each id column shown as "Name (id)": for the administrator's screen, never for reports."""
    if people is None or "name" not in people:
        return frame
    lookup = people.drop_duplicates("person_id").set_index("person_id")["name"]
    out = frame.copy()
    for col in columns:
        ids = out[col].astype(object)
        named = ids.map(lookup)
        out[col] = [f"{n} ({i})" if isinstance(n, str) and n else i for n, i in zip(named, ids)]
    return out
