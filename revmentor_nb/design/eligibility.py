"""Who may take part under a design: each sign-up eligible as mentor, as mentee, or not, and why not.

The design's grade bands, departments and sites decide it; people who did not consent are
never eligible. Stating the reason per person lets a programme manager see what a tighter
or looser band would change before anyone is told "no".
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from revmentor_nb.design.program import ProgramDesign, band_ranks

MENTOR_ROLES = ("mentor", "either")
MENTEE_ROLES = ("mentee", "either")


def grade_rank(participants: pd.DataFrame) -> pd.Series:
    """Each person's grade rank (higher = more senior): the loader's ``grade_rank``, else an integer ``grade``."""
    if "grade_rank" in participants:
        return pd.to_numeric(participants["grade_rank"], errors="coerce")
    return pd.to_numeric(participants["grade"], errors="coerce")


def in_band(rank: pd.Series, lo: int | None, hi: int | None) -> pd.Series:
    """Whether each grade rank lies in [lo, hi] (a blank end is open; a blank rank is never in the band)."""
    ok = rank.notna()
    if lo is not None:
        ok &= rank >= lo
    if hi is not None:
        ok &= rank <= hi
    return ok.fillna(False).astype(bool)


def _allowed(values: pd.Series, allowed: list[str]) -> pd.Series:
    if not allowed:
        return pd.Series(True, index=values.index)
    keys = {a.casefold() for a in allowed}
    return values.fillna("").astype(str).str.strip().str.casefold().isin(keys)


def eligibility(participants: pd.DataFrame, design: ProgramDesign) -> pd.DataFrame:
    """Per sign-up: ``as_mentor``, ``as_mentee`` and, when neither applies to their role, the ``reason``."""
    p = participants.reset_index(drop=True)
    e = design.eligibility
    rank = grade_rank(p)
    consent = p["consent"].fillna(False).astype(bool) if "consent" in p else pd.Series(True, index=p.index)
    dept_ok = _allowed(p["department"], e.departments) if "department" in p else pd.Series(True, index=p.index)
    site_ok = _allowed(p["location"], e.sites) if "location" in p else pd.Series(not e.sites, index=p.index)
    base = consent & dept_ok & site_ok
    mentor_band = in_band(rank, *band_ranks(e.mentors, design.grade_order))
    mentee_band = in_band(rank, *band_ranks(e.mentees, design.grade_order))
    role = p["role"].astype(str)
    as_mentor = base & role.isin(MENTOR_ROLES) & mentor_band
    as_mentee = base & role.isin(MENTEE_ROLES) & mentee_band
    grade = p["grade"].astype(str)
    reason = np.select(
        [~consent, ~dept_ok, ~site_ok,
         (role == "mentor") & ~mentor_band, (role == "mentee") & ~mentee_band,
         (role == "either") & ~mentor_band & ~mentee_band],
        ["no consent", "department not eligible", "site not eligible",
         "grade outside the mentors' band (" + e.mentors.label() + ")",
         "grade outside the mentees' band (" + e.mentees.label() + ")",
         "grade in neither band"],
        default="",
    )
    out = pd.DataFrame({
        "person_id": p["person_id"].astype(str), "role": role, "grade": grade, "grade_rank": rank,
        "as_mentor": as_mentor.to_numpy(), "as_mentee": as_mentee.to_numpy(), "reason": reason,
    })
    return out


def eligible_signups(participants: pd.DataFrame, design: ProgramDesign) -> pd.DataFrame:
    """The sign-ups who can take part, each ``role`` narrowed to the side(s) they are eligible for."""
    elig = eligibility(participants, design)
    p = participants.reset_index(drop=True).copy()
    role = np.select([elig["as_mentor"] & elig["as_mentee"], elig["as_mentor"], elig["as_mentee"]],
                     ["either", "mentor", "mentee"], default="")
    p["role"] = role
    return p[p["role"] != ""].reset_index(drop=True)


def ineligible_reasons(participants: pd.DataFrame, design: ProgramDesign) -> pd.DataFrame:
    """How many sign-ups are left out, by reason (most common first)."""
    elig = eligibility(participants, design)
    left_out = elig[elig["reason"] != ""]
    counts = left_out["reason"].value_counts().rename_axis("reason").reset_index(name="people")
    return counts.astype({"people": "int64"})
