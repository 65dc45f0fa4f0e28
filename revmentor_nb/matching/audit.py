"""Fairness audit: match rate and mean fit by group, with small groups suppressed.

Groups are formed per role (mentor / mentee / either) for the sensitive attributes
(gender, ethnicity, age_band) and for department, location and grade. A group of fewer
than k consenting people shows no figures (NaN, ``suppressed`` True); hidden groups of a
dimension and role are joined by the next smallest until they hide at least k people, so
no hidden group can be worked out from the role's total (``suppression.suppress``).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from revmentor_nb.matching.people import norm_text
from revmentor_nb.privacy.suppression import suppress

if TYPE_CHECKING:
    from revmentor_nb.matching.result import MatchResult

DIMENSIONS = ("gender", "ethnicity", "age_band", "department", "location", "grade")
SENSITIVE = ("gender", "ethnicity", "age_band")
NOT_GIVEN = "(not given)"


@dataclass(frozen=True)
class Audit:
    """The audit tables: ``table`` (one row per group) and ``long`` (chart-ready, one row per metric)."""

    k: int
    table: pd.DataFrame
    long: pd.DataFrame

    def __repr__(self) -> str:
        shown = int((~self.table["suppressed"]).sum()) if len(self.table) else 0
        return f"Audit(k={self.k}, {len(self.table)} groups, {shown} shown)"


def audit(result: "MatchResult", k: int = 5) -> Audit:
    """Match rate and mean fit by group for every dimension present in the participants."""
    g = result._run.graph
    people = g.people
    n = people.n
    chosen = result._chosen
    fit_sum = np.bincount(g.m[chosen], weights=g.score[chosen], minlength=n) + \
        np.bincount(g.e[chosen], weights=g.score[chosen], minlength=n)
    fit_cnt = np.bincount(g.m[chosen], minlength=n) + np.bincount(g.e[chosen], minlength=n)
    matched = fit_cnt > 0
    with np.errstate(invalid="ignore", divide="ignore"):
        fit = np.where(fit_cnt > 0, fit_sum / np.maximum(fit_cnt, 1), np.nan)
    pop = g.consenting
    frame = people.frame
    rows = []
    for dim in DIMENSIONS:
        col = dim if dim in frame.columns else ("grade_rank" if dim == "grade" and "grade_rank" in frame.columns else None)
        if col is None:
            continue
        label: dict[str, str] = {}  # groups compare case-insensitively; shown as first spelled
        vals = []
        for v in frame[col].tolist():
            key = norm_text(v)
            vals.append(NOT_GIVEN if key is None else label.setdefault(key, str(v).strip()))
        vals = np.array(vals, dtype=object)
        for role in ("mentor", "mentee", "either"):
            in_role = pop & (people.role == role)
            if not in_role.any():
                continue
            for v in sorted(set(vals[in_role]), key=str):
                mem = in_role & (vals == v)
                cnt = int(mem.sum())
                got = int(matched[mem].sum())
                mf = float(np.nanmean(fit[mem & matched])) if got else np.nan
                rows.append(dict(dimension=dim, sensitive=dim in SENSITIVE, role=role, group=v, n=cnt, matched=got,
                                 match_rate=got / cnt if cnt else np.nan, mean_fit=mf))
    cols = ["dimension", "sensitive", "role", "group", "n", "matched", "match_rate", "mean_fit", "suppressed"]
    if not rows:
        empty = pd.DataFrame(columns=cols)
        return Audit(k, empty, pd.DataFrame(columns=["dimension", "sensitive", "role", "group", "metric", "value",
                                                     "suppressed"]))
    t = suppress(pd.DataFrame(rows), k, "n", values=["matched", "match_rate", "mean_fit"],
                 partition=["dimension", "role"])
    t["n"] = t["n"].astype("Int64")
    t["matched"] = t["matched"].astype("Int64")
    t = t[cols].reset_index(drop=True)
    long = t.melt(id_vars=["dimension", "sensitive", "role", "group", "suppressed"],
                  value_vars=["match_rate", "mean_fit"], var_name="metric", value_name="value")
    long = long[["dimension", "sensitive", "role", "group", "metric", "value", "suppressed"]]
    return Audit(k, t, long.reset_index(drop=True))
