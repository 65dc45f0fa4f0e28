"""Before matching: supply vs demand by topic and grade, and who will go unmatched and why.

Each eligible person's possible partners under the programme's hard rules -- the matcher's own
compiled rules (``matching.feasible``), direction, blank sites and all -- then the most pairs
those candidates and capacities allow (a maximum flow). Reporting lines use the sign-ups'
manager ids (and the roster when given), exclusions when given; the pair count is an upper
bound on what ``match()`` finds and the unmatched counts a lower bound.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from revmentor_nb.design.eligibility import (
    eligibility,
    eligible_signups,
    ineligible_reasons,
)
from revmentor_nb.design.program import ProgramDesign
from revmentor_nb.design.supply import supply_demand
from revmentor_nb.matching.feasible import feasible_pairs


@dataclass(frozen=True)
class Forecast:
    """Who can be paired: per-person outcome (``people``) and the most pairs possible."""

    people: pd.DataFrame  # person_id, side, candidates, paired, reason
    max_pairs: int
    spaces: int

    @property
    def pairs(self) -> int:
        """Pairs the programme can form: the most the sign-ups allow, capped by its spaces."""
        return min(self.max_pairs, self.spaces)


def topic_supply_demand(participants: pd.DataFrame, design: ProgramDesign) -> pd.DataFrame:
    """Per topic, among eligible sign-ups: mentors, places, mentees, first choices, shortfall."""
    return supply_demand(eligible_signups(participants, design))


def grade_supply_demand(participants: pd.DataFrame, design: ProgramDesign) -> pd.DataFrame:
    """Per grade (junior first): sign-ups, eligible mentors and their places, eligible mentees, not eligible."""
    elig = eligibility(participants, design)
    cap = participants.reset_index(drop=True)["capacity"] if "capacity" in participants else 1
    elig = elig.assign(places=np.where(elig["as_mentor"], cap, 0), left_out=elig["reason"] != "")
    table = elig.groupby(["grade_rank", "grade"], dropna=False).agg(
        signed_up=("person_id", "size"), mentors=("as_mentor", "sum"), mentor_places=("places", "sum"),
        mentees=("as_mentee", "sum"), not_eligible=("left_out", "sum"),
    ).reset_index().sort_values("grade_rank", kind="stable")
    return table.astype({c: "int64" for c in ("signed_up", "mentors", "mentor_places", "mentees", "not_eligible")}) \
        .reset_index(drop=True)


def _rule_label(rule_name: str) -> str:
    return rule_name.replace("_", " ")


def forecast(participants: pd.DataFrame, design: ProgramDesign, *, roster: pd.DataFrame | None = None,
             exclusions: pd.DataFrame | None = None) -> Forecast:
    """Each eligible person's possible partners, the most pairs possible, and why people would go unmatched.

    The rules are the matcher's own (``matching.feasible``), so the forecast never disagrees with
    ``match()`` about who may be paired; the pair count is an upper bound on what it finds.
    """
    people = eligible_signups(participants, design)
    feas = feasible_pairs(people, design.matching, roster=roster, exclusions=exclusions)
    most, m_used, e_used = feas.max_pairs()
    frames = []
    for side, rows, used, left in (("mentee", feas.mentees, e_used, feas.mentee_left),
                                   ("mentor", feas.mentors, m_used, feas.mentor_left)):
        first = feas.first_emptying(side)
        reason = np.array([
            "nobody eligible on the other side" if f < 0 else
            f"{_rule_label(feas.rules[f].name)}: all remaining partners {feas.rules[f].phrase}" if f < len(feas.rules)
            else "" for f in first], dtype=object)
        paired = used > 0
        squeezed = ("capacity: more mentees than places among the mentors who suit them" if side == "mentee"
                    else "demand: the mentees who suit them are paired with other mentors")
        reason = np.where(paired, "", np.where(reason == "", squeezed, reason))
        frames.append(pd.DataFrame({"person_id": feas.people.ids[rows].astype(str), "side": side,
                                    "candidates": left[-1], "paired": paired, "reason": reason}))
    return Forecast(pd.concat(frames, ignore_index=True), most, design.spaces)


def unmatched_reasons(participants: pd.DataFrame, design: ProgramDesign, result: Forecast | None = None) -> pd.DataFrame:
    """How many people would go unmatched, per side and reason: ineligible, ruled out, or squeezed out."""
    result = result or forecast(participants, design)
    left = result.people[~result.people["paired"]]
    rows = [left.groupby(["side", "reason"]).size().rename("people").reset_index()]
    over = result.max_pairs - result.spaces
    if over > 0:
        rows.append(pd.DataFrame([{"side": "mentee", "reason": f"spaces: the programme has only {result.spaces} spaces",
                                   "people": over}]))
    inel = ineligible_reasons(participants, design)
    if len(inel):
        rows.append(inel.assign(side="not eligible")[["side", "reason", "people"]])
    out = pd.concat(rows, ignore_index=True) if rows else pd.DataFrame(columns=["side", "reason", "people"])
    return out.astype({"people": "int64"}).sort_values(["side", "people"], ascending=[True, False], kind="stable") \
        .reset_index(drop=True)
