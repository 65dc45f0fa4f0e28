"""Who the participants are compared with: the comparison group rule of the design, on the HR roster.

``matched non-participants`` (the default) pairs every participant with staff who did not sign
up, exactly on department and grade and nearest in tenure (years since hire at the programme
start, within a caliper), each control used once: nearest-neighbour matching without replacement.
Participants with no control inside the caliper are left out of the comparison and counted.
Everyone compared was employed on the programme's start date.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd

from revmentor_nb.design.eligibility import in_band

RULES = ("matched non-participants", "eligible non-participants", "waiting list", "none")
DAYS_PER_YEAR = 365.25


@dataclass(frozen=True)
class ComparisonGroup:
    """The people a participant group is compared with, how they were chosen and how alike they are."""

    rule: str
    who: str
    participants: tuple[str, ...]  # the participants in the comparison (matched ones, under matching)
    controls: tuple[str, ...]
    description: str
    unmatched: int = 0
    pairs: pd.DataFrame | None = None  # person_id, control_id, tenure_gap_years (matching only)
    balance: pd.DataFrame | None = None


def staff_at(roster: pd.DataFrame, index: date) -> pd.DataFrame:
    """Everyone employed on ``index`` (hired by then, not yet left), with tenure in years and grade rank."""
    day = pd.Timestamp(index)
    hire = pd.to_datetime(roster["hire_date"])
    leave = pd.to_datetime(roster["exit_date"]) if "exit_date" in roster else pd.Series(pd.NaT, index=roster.index)
    on = (hire <= day) & (leave.isna() | (leave > day))
    out = roster.loc[on].copy()
    out["person_id"] = out["person_id"].astype(str)
    out["tenure_years"] = (day - hire[on]).dt.days / DAYS_PER_YEAR
    if "grade_rank" not in out:
        out["grade_rank"] = pd.to_numeric(out["grade"], errors="coerce")
    return out.set_index("person_id", drop=False)


def match_controls(staff: pd.DataFrame, treated: Iterable[str], pool: Iterable[str], caliper_years: float = 2.0,
                   ratio: int = 1) -> tuple[pd.DataFrame, list[str]]:
    """Nearest-neighbour matching without replacement: exact department and grade, nearest tenure within the caliper.

    Participants with the fewest candidates choose first (then by id), so scarce controls go
    where they are needed; ties in tenure go to the lower person id. Returns the pairs and the
    participants left without a control. Works on arrays per department-and-grade cell, so a
    100,000-person roster with 10,000 participants takes about a second.
    """
    treated = sorted(set(map(str, treated)) & set(staff.index))
    pool_ids = sorted(set(map(str, pool)) & set(staff.index) - set(treated))
    cand = staff.loc[pool_ids, ["department", "grade", "tenure_years"]]
    # per cell: candidate ids in id order, their tenure, and whether each is taken yet
    cells = {key: (grp.index.to_numpy(), grp["tenure_years"].to_numpy(dtype=float), np.zeros(len(grp), dtype=bool))
             for key, grp in ((key, grp.sort_index()) for key, grp in cand.groupby(["department", "grade"], sort=False))}
    limit = caliper_years + 1e-12
    mine = staff.loc[treated, ["department", "grade", "tenure_years"]]
    options: dict[str, tuple[tuple[np.ndarray, np.ndarray, np.ndarray] | None, np.ndarray, float]] = {}
    for pid, dept, grade, tenure in zip(treated, mine["department"], mine["grade"], mine["tenure_years"]):
        cell = cells.get((dept, grade))
        near = np.flatnonzero(np.abs(cell[1] - tenure) <= limit) if cell is not None else np.empty(0, dtype=int)
        options[pid] = (cell, near, float(tenure))
    order = sorted(treated, key=lambda p: (len(options[p][1]), p))
    pairs, unmatched = [], []
    for pid in order:
        cell, near, tenure = options[pid]
        free = near[~cell[2][near]] if cell is not None else near
        if not len(free):
            unmatched.append(pid)
            continue
        ids, tenures, used = cell
        gaps = np.abs(tenures[free] - tenure)
        for j in free[np.lexsort((free, gaps))][:ratio]:  # nearest first; positions are in id order
            used[j] = True
            pairs.append({"person_id": pid, "control_id": ids[j], "tenure_gap_years": float(abs(tenures[j] - tenure))})
    frame = pd.DataFrame(pairs, columns=["person_id", "control_id", "tenure_gap_years"])
    return frame.sort_values(["person_id", "control_id"]).reset_index(drop=True), sorted(unmatched)


def standardised_difference(a: np.ndarray, b: np.ndarray) -> float:
    """(mean a - mean b) / sqrt((var a + var b) / 2), variances with ddof 1 (Austin 2009).

    Undefined (NaN) when a group has fewer than two people, or when both groups are constant at
    different values; 0 when both are the same constant (nothing differs).
    """
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    a, b = a[~np.isnan(a)], b[~np.isnan(b)]
    if len(a) < 2 or len(b) < 2:
        return np.nan
    gap = float(a.mean() - b.mean())
    pooled = float(np.sqrt((a.var(ddof=1) + b.var(ddof=1)) / 2))
    if pooled > 0:
        return gap / pooled
    return 0.0 if gap == 0 else np.nan


def balance(staff: pd.DataFrame, participants: Iterable[str], controls: Iterable[str]) -> pd.DataFrame:
    """How alike the two groups are at the start: size, mean tenure and grade rank, standardised differences.

    A standardised difference is blank (NaN) where it is undefined, e.g. for a one-person group.
    """
    p, c = staff.loc[list(participants)], staff.loc[list(controls)]
    rows = []
    for name, col in (("tenure (years)", "tenure_years"), ("grade rank", "grade_rank")):
        a, b = p[col].astype(float), c[col].astype(float)
        rows.append({"characteristic": name, "participants": a.mean(), "comparison": b.mean(),
                     "standardised_difference": standardised_difference(a.to_numpy(), b.to_numpy())})
    share_p = p["department"].value_counts(normalize=True)
    share_c = c["department"].value_counts(normalize=True)
    gap = share_p.subtract(share_c, fill_value=0).abs().max() if len(p) and len(c) else np.nan
    rows.append({"characteristic": "department mix (largest share gap)", "participants": np.nan, "comparison": np.nan,
                 "standardised_difference": gap})
    out = pd.DataFrame(rows)
    out.insert(0, "n_participants", len(p))
    out.insert(1, "n_comparison", len(c))
    return out


def comparison_group(rule: str, who: str, staff: pd.DataFrame, participants_ids: Iterable[str],
                     signed_up: Iterable[str], *, waiting: Iterable[str] = (),
                     band: tuple[int | None, int | None] = (None, None), caliper_years: float = 2.0,
                     ratio: int = 1) -> ComparisonGroup:
    """The comparison group for one participant group under one of ``RULES``.

    ``signed_up`` are everyone in the sign-ups (never a non-participant control); ``waiting`` are
    sign-ups of the right role who were not matched; ``band`` the grade ranks eligible for the role.
    """
    if rule not in RULES:
        raise ValueError(f"unknown comparison rule {rule!r}; use one of: {', '.join(RULES)}")
    part = sorted(set(map(str, participants_ids)) & set(staff.index))
    outsiders = sorted(set(staff.index) - set(map(str, signed_up)))
    if rule == "none":
        return ComparisonGroup(rule, who, tuple(part), (), "no comparison group (design: comparison none)")
    if rule == "matched non-participants":
        pairs, unmatched = match_controls(staff, part, outsiders, caliper_years, ratio)
        kept = tuple(sorted(set(pairs["person_id"])))
        controls = tuple(pairs["control_id"])
        text = (f"staff who did not sign up, matched {ratio}:1 on department and grade exactly and on tenure "
                f"(nearest, within {caliper_years:g} years), each used once; {len(unmatched)} of {len(part)} {who} "
                f"had no match and are left out of the comparison")
        return ComparisonGroup(rule, who, kept, controls, text, len(unmatched), pairs,
                               balance(staff, kept, controls) if kept else None)
    if rule == "eligible non-participants":
        pool = staff.loc[outsiders]
        controls = tuple(pool.index[in_band(pd.to_numeric(pool["grade_rank"], errors="coerce"), *band)])
        text = f"every member of staff in the {who}' eligible grades who did not sign up (not matched)"
    else:  # waiting list
        controls = tuple(sorted(set(map(str, waiting)) & set(staff.index) - set(part)))
        text = f"people who signed up as {who} but were not matched (not matched on anything else)"
    return ComparisonGroup(rule, who, tuple(part), controls, text, 0, None,
                           balance(staff, part, controls) if part and controls else None)
