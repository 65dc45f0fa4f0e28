"""Before matching: supply vs demand by topic and grade, and who will go unmatched and why.

A quick, exact-enough forecast from the sign-ups and the design's rules: each eligible person's
possible partners under the rules a file can show (department, grade gap, site, shared topic),
then the most pairs those candidates allow (a maximum bipartite matching with mentor
capacities). Reporting lines and exclusions need the roster and are left to the matcher, so
the pair count is an upper bound and the unmatched counts a lower bound.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import maximum_bipartite_matching

from revmentor_nb.design.eligibility import (
    eligibility,
    eligible_signups,
    grade_rank,
    ineligible_reasons,
)
from revmentor_nb.design.program import ProgramDesign
from revmentor_nb.design.supply import supply_demand


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


def _topic_matrix(lists: pd.Series, topics: list[str]) -> np.ndarray:
    index = {t: i for i, t in enumerate(topics)}
    out = np.zeros((len(lists), len(topics)), dtype=bool)
    for row, items in enumerate(lists):
        for item in items if isinstance(items, (list, tuple, np.ndarray)) else []:
            key = str(item).strip().casefold()
            if key in index:
                out[row, index[key]] = True
    return out


def _keys(values: pd.Series) -> np.ndarray:
    return values.fillna("").astype(str).str.strip().str.casefold().to_numpy()


def _rule_masks(mentors: pd.DataFrame, mentees: pd.DataFrame, design: ProgramDesign) -> list[tuple[str, np.ndarray]]:
    """(reason if this rule leaves nobody, mentee x mentor mask) per checkable rule: topic first, as people choose."""
    rules = design.matching.rules
    shape = (len(mentees), len(mentors))
    masks: list[tuple[str, np.ndarray]] = []
    if rules.shared_topic:
        topics = sorted({str(t).strip().casefold() for col, df in (("offers", mentors), ("wants", mentees))
                         for items in df[col] if isinstance(items, (list, tuple, np.ndarray)) for t in items})
        shared = (_topic_matrix(mentees["wants"], topics).astype(np.int32)
                  @ _topic_matrix(mentors["offers"], topics).astype(np.int32).T) > 0 if topics \
            else np.zeros(shape, dtype=bool)
        masks.append(("shared topic: nobody eligible on the other side shares a topic with them", shared))
    if rules.different_department:
        masks.append(("different department: every partner sharing a topic is in their own department",
                      _keys(mentees["department"])[:, None] != _keys(mentors["department"])[None, :]))
    gap = rules.grade_gap
    if gap.enabled and (gap.min is not None or gap.max is not None):
        diff = grade_rank(mentees).to_numpy(float)[:, None] - grade_rank(mentors).to_numpy(float)[None, :]
        ok = ~np.isnan(diff)
        if gap.min is not None:
            ok &= diff >= gap.min
        if gap.max is not None:
            ok &= diff <= gap.max
        span = f"{gap.min} or more" if gap.max is None else f"{gap.min or 0} to {gap.max}"
        masks.append((f"grade gap: no remaining partner is {span} grades apart, mentee senior", ok))
    if rules.location:
        e_loc = _keys(mentees.get("location", pd.Series("", index=mentees.index)))
        m_loc = _keys(mentors.get("location", pd.Series("", index=mentors.index)))
        same = (e_loc[:, None] == m_loc[None, :]) | (e_loc[:, None] == "") | (m_loc[None, :] == "")
        e_rem = mentees.get("remote_ok", pd.Series(True, index=mentees.index)).fillna(True).astype(bool).to_numpy()
        m_rem = mentors.get("remote_ok", pd.Series(True, index=mentors.index)).fillna(True).astype(bool).to_numpy()
        masks.append(("location: no remaining partner at their site, and one side cannot meet remotely",
                      same | (e_rem[:, None] & m_rem[None, :])))
    return masks


def _first_emptying(masks: list[tuple[str, np.ndarray]], start: np.ndarray, axis: int) -> tuple[np.ndarray, np.ndarray]:
    """Candidates per person after all rules, and the first rule after which a person has none left.

    ``axis=1`` counts per mentee (rows), ``axis=0`` per mentor (columns).
    """
    allowed = start.copy()
    reason = np.where(allowed.sum(axis=axis) == 0, "nobody eligible on the other side", "").astype(object)
    for text, mask in masks:
        allowed &= mask
        reason[(allowed.sum(axis=axis) == 0) & (reason == "")] = text
    return allowed.sum(axis=axis), reason


def forecast(participants: pd.DataFrame, design: ProgramDesign) -> Forecast:
    """Each eligible person's possible partners, the most pairs possible, and why people would go unmatched."""
    people = eligible_signups(participants, design)
    mentors = people[people["role"].isin(["mentor", "either"])].reset_index(drop=True)
    mentees = people[people["role"].isin(["mentee", "either"])].reset_index(drop=True)
    start = mentees["person_id"].astype(str).to_numpy()[:, None] != mentors["person_id"].astype(str).to_numpy()[None, :]
    masks = _rule_masks(mentors, mentees, design)
    allowed = start.copy()
    for _, mask in masks:
        allowed &= mask
    e_count, e_reason = _first_emptying(masks, start, axis=1)
    m_count, m_reason = _first_emptying(masks, start, axis=0)
    cap = mentors["capacity"].fillna(1).astype(int).to_numpy() if "capacity" in mentors else np.ones(len(mentors), int)
    if design.matching.load_cap:
        cap = np.minimum(cap, design.matching.load_cap)
    slot_owner = np.repeat(np.arange(len(mentors)), cap)
    e_paired = np.zeros(len(mentees), dtype=bool)
    m_used = np.zeros(len(mentors), dtype=int)
    if allowed.any() and len(slot_owner):
        graph = csr_matrix(allowed[:, slot_owner].astype(np.int8))
        match = maximum_bipartite_matching(graph, perm_type="column")
        e_paired = match >= 0
        np.add.at(m_used, slot_owner[match[e_paired]], 1)
    e_reason = np.where(e_paired, "", np.where(e_reason == "", "capacity: more mentees than places among the "
                                                               "mentors who suit them", e_reason))
    m_paired = m_used > 0
    m_reason = np.where(m_paired, "", np.where(m_reason == "", "demand: the mentees who suit them are paired "
                                                               "with other mentors", m_reason))
    out = pd.concat([
        pd.DataFrame({"person_id": mentees["person_id"].astype(str), "side": "mentee", "candidates": e_count,
                      "paired": e_paired, "reason": e_reason}),
        pd.DataFrame({"person_id": mentors["person_id"].astype(str), "side": "mentor", "candidates": m_count,
                      "paired": m_paired, "reason": m_reason}),
    ], ignore_index=True)
    return Forecast(out, int(e_paired.sum()), design.spaces)


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
