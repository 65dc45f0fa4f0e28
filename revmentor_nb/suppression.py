"""Small-cell suppression for evaluation tables, with protection against differencing.

A row describing fewer than ``k`` people shows no figures. Two ways round that are closed too:
parts of a whole whose total is published elsewhere (e.g. departments of the mentees) are
suppressed together until the hidden people number at least ``k``, and a subgroup whose
parent group is published (e.g. under-represented mentors within all mentors) is hidden when
the rest of the parent is smaller than ``k``.
"""
from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd


def _complete_partition(counts: pd.Series, small: pd.Series, k: int) -> pd.Series:
    """Add the next-smallest parts until the hidden parts hold at least k people (or all are hidden).

    Hidden parts of zero people reveal nothing, so they need no company.
    """
    small = small.copy()
    while 0 < counts[small].fillna(0).sum() < k and not small.all():
        small[counts[~small].astype(float).idxmin()] = True
    return small


def suppress(table: pd.DataFrame, k: int, count: str, values: Sequence[str] | None = None,
             partition: Sequence[str] | str | None = None, parent: str | None = None,
             extra_counts: Sequence[str] = ()) -> pd.DataFrame:
    """Blank the counts and figures of rows about fewer than ``k`` people; flag them in ``suppressed``.

    ``count`` is the number of people a row's figures rest on (``extra_counts`` are further
    counts that must also reach k, e.g. the comparison group's size). ``values`` are the
    columns to blank (default: every numeric column). Rows sharing the ``partition`` columns are
    parts of one published whole; ``parent`` names a column holding the size of a published
    parent group. Counts of zero people are not a disclosure but still show nothing.
    """
    out = table.copy()
    if out.empty:
        out["suppressed"] = pd.Series(dtype=bool)
        return out
    counts = pd.to_numeric(out[count], errors="coerce")
    small = counts.isna() | (counts < k)
    for col in extra_counts:
        c = pd.to_numeric(out[col], errors="coerce")
        small |= c.isna() | (c < k)
    if parent is not None:
        rest = pd.to_numeric(out[parent], errors="coerce") - counts
        small |= (rest > 0) & (rest < k)
    if partition is not None:
        keys = [partition] if isinstance(partition, str) else list(partition)
        for _, part in out.groupby(keys, sort=False, dropna=False):
            small.loc[part.index] = _complete_partition(counts.loc[part.index], small.loc[part.index], k)
    blank = list(values) if values is not None else [
        c for c in out.columns if pd.api.types.is_numeric_dtype(out[c]) and not pd.api.types.is_bool_dtype(out[c])]
    for col in dict.fromkeys([count, *extra_counts, *([parent] if parent else []), *blank]):
        out[col] = pd.to_numeric(out[col], errors="coerce").astype(float).where(~small.to_numpy())
    out["suppressed"] = small.to_numpy()
    return out


def blank_where(table: pd.DataFrame, count: str, columns: Sequence[str], k: int) -> pd.DataFrame:
    """Blank single figures that rest on a small count within an otherwise shown row (e.g. dropouts' mean)."""
    out = table.copy()
    low = pd.to_numeric(out[count], errors="coerce") < k
    for col in columns:
        out[col] = out[col].astype(float).where(~low.to_numpy(), np.nan)
    return out
