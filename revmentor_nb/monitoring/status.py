"""The at-risk rules: each pair's status as of a date, with every reason that led to it.

The rules are data (``program.yaml``'s ``monitoring`` section, ``MonitoringRules``), so a
programme can see and change what counts as trouble; ``assess`` re-judges the prepared data
under any rules at any date without re-importing a file.

| rule | fires when | status |
|---|---|---|
| no recent meeting | no meeting for more than ``gap_factor`` x the cadence (since the start if none yet) | at risk |
| low satisfaction | the latest satisfaction from either side is ``low_satisfaction`` or lower | at risk |
| behind at the midpoint | from the programme's midpoint, ``behind_by`` or more meetings behind the cadence | at risk |
| behind the cadence | before the midpoint, ``behind_by`` or more meetings behind | needs a check-in |
| no kickoff | no meeting ``kickoff_weeks`` weeks after the pair's start | needs a check-in |
| one side not responding | a side missed the last closed check-in (open ``response_days``) | needs a check-in |

The worst status among the rules that fire wins. With none firing, a pair is *too early to tell*
during its first cadence interval and *on track* after it; a pair not started yet (matched late)
is too early to tell, and a pair that ended early is *ended* and no longer judged.
"""
from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from revmentor_nb.design.program import MonitoringRules
from revmentor_nb.monitoring.activity import (
    STATUSES,
    DateLike,
    MonitorData,
    day_of,
    pair_activity,
    pair_checkins,
)

if TYPE_CHECKING:
    from revmentor_nb.workspace.workspace import Workspace

AT_RISK, CHECK_IN, EARLY, ON_TRACK, ENDED = "at risk", "needs a check-in", "too early to tell", "on track", "ended"
RULES: tuple[tuple[str, str, str], ...] = (
    ("gap_factor", "no recent meeting", AT_RISK),
    ("low_satisfaction", "low satisfaction", AT_RISK),
    ("behind_by", "behind at the midpoint", AT_RISK),
    ("behind_by", "behind the cadence", CHECK_IN),
    ("kickoff_weeks", "no kickoff", CHECK_IN),
    ("response_days", "one side not responding", CHECK_IN),
)


def rules_table(rules: MonitoringRules, cadence_days: int) -> pd.DataFrame:
    """The rules in force, in words a programme lead can check (rule, threshold, status it gives)."""
    words = {
        "no recent meeting": f"no meeting for more than {rules.gap_factor:g} x {cadence_days} = "
                             f"{rules.gap_factor * cadence_days:g} days",
        "low satisfaction": f"latest satisfaction {rules.low_satisfaction} or lower (1-5) from either side",
        "behind at the midpoint": f"from the midpoint, {rules.behind_by} or more meetings behind the cadence",
        "behind the cadence": f"before the midpoint, {rules.behind_by} or more meetings behind the cadence",
        "no kickoff": f"no meeting {rules.kickoff_weeks} weeks after the pair's start",
        "one side not responding": f"a side did not answer the last check-in within {rules.response_days} days",
    }
    return pd.DataFrame([(name, words[name], status, key) for key, name, status in RULES],
                        columns=["rule", "fires when", "status", "setting"])


def _side_words(flags: pd.DataFrame, what: str) -> list[str]:
    """'the mentor' / 'the mentee' / 'both sides' per row, from two boolean columns."""
    both = flags["mentor"] & flags["mentee"]
    return [("both sides" if b else "the mentor" if m else "the mentee") + what
            for b, m in zip(both, flags["mentor"])]


def assess(data: MonitorData, rules: MonitoringRules, as_of: DateLike) -> pd.DataFrame:
    """Each pair's status at ``as_of`` under ``rules``, with the rules that fired and the reasons in words."""
    day = day_of(as_of)
    c, prog = data.programme.cadence_days, data.programme
    act = pair_activity(data, day)
    chk = pair_checkins(data, day, rules.response_days)
    out = act.merge(chk, on="pair")
    live = out["state"].isin(["running", "finished"])
    fired: dict[str, pd.Series] = {}
    text: dict[str, list[str]] = {}

    limit = rules.gap_factor * c
    fired["no recent meeting"] = live & (out["days_since_last"] > limit)
    text["no recent meeting"] = [
        (f"no meeting yet, {d} days after the start" if h == 0 else f"no meeting for {d} days") +
        f" (more than {rules.gap_factor:g} x the {c}-day cadence)"
        for d, h in zip(out["days_since_last"], out["held"])]

    sat = out[["mentor_satisfaction", "mentee_satisfaction"]].le(rules.low_satisfaction).fillna(False)
    sat.columns = ["mentor", "mentee"]
    fired["low satisfaction"] = live & sat.any(axis=1)
    text["low satisfaction"] = _side_words(sat, f" rated satisfaction {rules.low_satisfaction} or lower "
                                                "at the latest check-in")

    behind = out["behind"] >= rules.behind_by
    past_mid = out["judged_to"] >= prog.midpoint
    fired["behind at the midpoint"] = live & behind & past_mid
    fired["behind the cadence"] = live & behind & ~past_mid
    behind_words = [f"{h} meeting{'s' if h != 1 else ''} held, {e} expected by the {c}-day cadence"
                    for h, e in zip(out["held"], out["expected"])]
    text["behind at the midpoint"] = [w + " (past the midpoint)" for w in behind_words]
    text["behind the cadence"] = behind_words

    fired["no kickoff"] = live & (out["held"] == 0) & (out["days_running"] > 7 * rules.kickoff_weeks)
    text["no kickoff"] = [f"no kickoff meeting within {rules.kickoff_weeks} weeks of the start"] * len(out)

    missed = pd.DataFrame({s: out[f"{s}_answered_last"].eq(False).fillna(False).astype(bool)
                           for s in ("mentor", "mentee")})
    fired["one side not responding"] = live & missed.any(axis=1)
    text["one side not responding"] = [w.replace("STAGE", str(st)) for w, st in
                                       zip(_side_words(missed, " did not answer the STAGE check-in"),
                                           out["last_closed_stage"])]

    names = [name for _, name, _ in RULES]
    severity = {name: status for _, name, status in RULES}
    hit = (np.column_stack([fired[n].to_numpy(dtype=bool) for n in names]) if len(out)
           else np.zeros((0, len(names)), bool))
    at_risk = hit[:, [i for i, n in enumerate(names) if severity[n] == AT_RISK]].any(axis=1)
    check_in = hit[:, [i for i, n in enumerate(names) if severity[n] == CHECK_IN]].any(axis=1)
    early = (out["state"] == "not started") | (out["days_running"] < c)
    out["status"] = np.select([out["state"] == "ended", at_risk, check_in, early],
                              [ENDED, AT_RISK, CHECK_IN, EARLY], ON_TRACK)
    out["rules"] = [[n for j, n in enumerate(names) if row[j]] for row in hit]
    out["reasons"] = [[text[n][i] for n in rs] for i, rs in enumerate(out["rules"])]
    out["reason"] = [_reason(row, rs) for row, rs in zip(out.itertuples(index=False), out["reasons"])]
    return out


def _reason(r: Any, reasons: list[str]) -> str:
    """The reasons as one line; for a pair no rule flagged, what its status rests on (``r``: an assessed row)."""
    if r.state == "ended":
        return f"ended early on {r.ended_on:%Y-%m-%d}"
    if reasons:
        return "; ".join(reasons)
    if r.state == "not started":
        return f"starts on {r.start:%Y-%m-%d} (matched late)"
    if r.status == EARLY:
        return f"running {r.days_running} days, less than one cadence interval"
    last = "no meeting yet" if r.held == 0 else f"last meeting {r.days_since_last} days ago"
    return f"{r.held} of {r.expected} expected meetings held; {last}"


def status_counts(assessed: pd.DataFrame) -> pd.DataFrame:
    """How many pairs are in each status (every status listed, zero included)."""
    counts = assessed["status"].value_counts().reindex(list(STATUSES), fill_value=0)
    return counts.rename_axis("status").reset_index(name="pairs").astype({"pairs": "int64"})


def at_risk_count(data: MonitorData, rules: MonitoringRules, as_of: DateLike) -> int:
    """How many pairs are at risk at ``as_of`` under ``rules`` (what the dashboard's headline shows)."""
    return int((assess(data, rules, as_of)["status"] == AT_RISK).sum())


def status_dates(data: MonitorData, as_of: DateLike, every_days: int = 7) -> list[pd.Timestamp]:
    """Dates from launch to ``as_of`` (capped at the planned end), every ``every_days`` days, ``as_of`` included."""
    end = min(day_of(as_of), data.programme.end)
    if end < data.programme.start:
        return [end]
    days = list(pd.date_range(data.programme.start, end, freq=f"{every_days}D"))
    return days if days and days[-1] == end else [*days, end]


def statuses_over_time(data: MonitorData, rules: MonitoringRules, dates: Iterable[DateLike]) -> pd.DataFrame:
    """Pairs per status at each date (long: date, status, pairs), for a chart of how the programme is going."""
    frames = [status_counts(assess(data, rules, d)).assign(date=day_of(d)) for d in dates]
    if not frames:
        return pd.DataFrame({"date": pd.Series(dtype="datetime64[ns]"), "status": pd.Series(dtype=object),
                             "pairs": pd.Series(dtype="int64")})
    return pd.concat(frames, ignore_index=True)[["date", "status", "pairs"]]


def edit_rules(rules: MonitoringRules, **changes: float | int) -> MonitoringRules:
    """The rules with some thresholds changed, validated (a bad value raises pydantic's ValidationError)."""
    return MonitoringRules.model_validate({**rules.model_dump(), **changes})


def save_rules(ws: "Workspace", rules: MonitoringRules, who: str | None = None) -> None:
    """Store edited thresholds in the workspace's program.yaml (validated; the change is in the audit log)."""
    from revmentor_nb.design.program import design_from_dict

    data = ws.design.model_dump(mode="json")
    data["monitoring"] = rules.model_dump(mode="json")
    ws.save_design(design_from_dict(data), who)
