"""Small-cell suppression for evaluation tables, with protection against differencing.

A row describing fewer than ``k`` people shows no figures. Two ways round that are closed too:
parts of a whole whose total is published elsewhere (e.g. departments of the mentees) are
suppressed together until the hidden people number at least ``k``, and a subgroup whose
parent group is published (e.g. under-represented mentors within all mentors) is hidden when
the rest of the parent is smaller than ``k``. A frequency table of people's characteristics (e.g.
sign-ups by grade and eligibility) is suppressed cell by cell (``suppress_cells``), and a report's
list of imports leaves out the row counts of answer files (``imports_for_report``).
"""
from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd


def _complete_partition(counts: pd.Series, small: pd.Series, k: int) -> pd.Series:
    """Add the next-smallest parts until the hidden parts hold at least k people (or all are hidden).

    Hidden parts of zero people reveal nothing, so they need no company. Nor may the markers give a part
    away: parts shown ``< k`` whose hidden total is m * (k - 1) or more would each be exactly k - 1.
    """
    small = small.copy()

    def exposed() -> bool:
        hidden = counts[small].fillna(0)
        total = hidden.sum()
        return 0 < total < k or (bool(len(hidden)) and (hidden < k).all() and total >= len(hidden) * (k - 1))

    while exposed() and not small.all():
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
    marks = {col: {label: small_marker(k) if n < k else HIDDEN_MARKER
                   for label, n, hide in zip(out.index, pd.to_numeric(out[col], errors="coerce").fillna(0), small) if hide}
             for col in dict.fromkeys([count, *extra_counts])}
    for col in dict.fromkeys([count, *extra_counts, *([parent] if parent else []), *blank]):
        out[col] = pd.to_numeric(out[col], errors="coerce").astype(float).where(~small.to_numpy())
    out["suppressed"] = small.to_numpy()
    return mark_hidden(out, marks)


def blank_where(table: pd.DataFrame, count: str, columns: Sequence[str], k: int) -> pd.DataFrame:
    """Blank single figures that rest on a small count within an otherwise shown row (e.g. dropouts' mean)."""
    out = table.copy()
    low = pd.to_numeric(out[count], errors="coerce") < k
    for col in columns:
        out[col] = out[col].astype(float).where(~low.to_numpy(), np.nan)
    return out


def hide_counts(table: pd.DataFrame, columns: Sequence[str], k: int, where: pd.Series | None = None) -> pd.DataFrame:
    """Blank the counts ``columns`` of the rows ``where`` (default: the ``suppressed`` rows), each with its marker.

    A hidden group's other counts would give it away by subtraction (paired = before - no after
    response), so they go with it: a count under k reads ``< k``, a larger one ``hidden``. A zero stays
    shown (it describes nobody; e.g. the 0 answers before of a measure taken after only).
    """
    out = table.copy()
    rows = (out["suppressed"] if where is None else where).fillna(False).astype(bool).to_numpy()
    marks: dict[str, dict[object, str]] = {}
    for col in columns:
        if col not in out:
            continue
        values = pd.to_numeric(out[col], errors="coerce").astype(float)
        hide = rows & values.fillna(0).ne(0).to_numpy()
        marks[col] = {label: small_marker(k) if v < k else HIDDEN_MARKER
                      for label, v, h in zip(out.index, values, hide) if h}
        out[col] = values.where(~hide)
    return mark_hidden(out, marks)


def small_marker(k: int) -> str:
    """How a table shows a hidden count of fewer than k people (0 included): ``< 5``."""
    return f"< {k}"


HIDDEN_MARKER = "hidden"  # a count of k or more hidden so that a small one cannot be worked out


def mark_hidden(frame: pd.DataFrame, marks: dict[str, dict[object, str]]) -> pd.DataFrame:
    """Record in ``frame.attrs["hidden"]`` which blank cells are suppressed and how to show them (column -> row -> text)."""
    merged = {c: dict(v) for c, v in frame.attrs.get("hidden", {}).items()}
    for col, cells in marks.items():
        merged.setdefault(col, {}).update(cells)
    frame.attrs["hidden"] = merged
    return frame


def suppress_cells(table: pd.DataFrame, parts: Sequence[str], k: int, total: str | None = None,
                   follow: dict[str, str] | None = None, column_totals: Sequence[str] = (),
                   whole_published: bool = True) -> pd.DataFrame:
    """Hide the small counts of a frequency table (e.g. sign-ups by grade and eligibility) and the fewest others.

    ``parts`` are count columns breaking down each row's ``total`` (they may overlap, e.g. people
    eligible on both sides). A count of 1..k-1 people, and every count of a row about fewer than k
    people, is hidden (shown ``< k``); complementary cells are chosen so that no hidden count can be
    worked out or shown small from the row totals, the published grand total (``whole_published``)
    and the part columns whose totals are published elsewhere (``column_totals``), hiding a row total
    rather than a large part where that protects (``cells.choose_hidden``; shown ``hidden``).
    ``follow`` maps a figure to the part it derives from (e.g. a mentor's places from the mentors):
    it is blank wherever that part is. Zero counts stay shown. ``attrs["hidden"]`` holds the markers.
    """
    from revmentor_nb.privacy.cells import CellTable, choose_hidden

    out = table.copy()
    counts = out[list(parts)].apply(pd.to_numeric, errors="coerce").astype(float)
    if counts.isna().any().any():
        raise ValueError("suppress_cells needs every count; blank cells were found in " + ", ".join(
            c for c in parts if counts[c].isna().any()))
    totals = pd.to_numeric(out[total], errors="coerce").astype(float).fillna(0).to_numpy() if total else None
    cell_table = CellTable(counts.to_numpy(), totals, {list(parts).index(c): float(counts[c].sum()) for c in column_totals},
                           whole_published)
    hidden, small = choose_hidden(cell_table, k)
    R, P = cell_table.n_rows, cell_table.n_parts
    columns = list(parts) + ([total] if total else [])
    marks: dict[str, dict[object, str]] = {}
    for j, col in enumerate(columns):
        idx = [r * P + j for r in range(R)] if j < P else [R * P + r for r in range(R)]
        mask = hidden[idx]
        source = counts[col] if j < P else pd.Series(totals, index=out.index)
        out[col] = source.where(~mask)
        marks[col] = {label: small_marker(k) if small[i] else HIDDEN_MARKER
                      for label, i, m in zip(out.index, idx, mask) if m}
    for col, src in (follow or {}).items():
        out[col] = pd.to_numeric(out[col], errors="coerce").astype(float).where(out[src].notna())
        figure = pd.to_numeric(table[col], errors="coerce").fillna(0)
        marks[col] = {label: small_marker(k) if figure[label] < k else HIDDEN_MARKER for label in marks.get(src, {})}
    return mark_hidden(out, marks)


def suppress_parts(table: pd.DataFrame, count: str, k: int, values: Sequence[str] | None = None) -> pd.DataFrame:
    """Hide the small groups of a table whose rows are parts of one published whole, and the fewest others.

    E.g. the people left unmatched, by reason: their total follows from figures published elsewhere (sign-ups
    and pairs), so a small group alone would be that total minus the shown ones. A count of 1..k-1 reads
    ``< k``; complements (``hidden``) are chosen exactly, hiding the fewest people, then the fewest rows,
    and audited (``cells.choose_hidden``, ``cells.audit``): no hidden count can be worked out or shown small.
    ``values`` (default: every other numeric column) are blanked in hidden rows; ``suppressed`` flags them.
    """
    from revmentor_nb.privacy.cells import CellTable, choose_hidden

    out = table.copy()
    counts = pd.to_numeric(out[count], errors="coerce").astype(float)
    if counts.isna().any():
        raise ValueError(f"suppress_parts needs every count; {count!r} has blank cells")
    hidden, small = choose_hidden(CellTable(counts.to_numpy()[:, None], None, {0: float(counts.sum())}), k)
    blank = list(values) if values is not None else [
        c for c in out.columns if c != count and pd.api.types.is_numeric_dtype(out[c])
        and not pd.api.types.is_bool_dtype(out[c])]
    out[count] = counts.where(~hidden)
    for col in blank:
        out[col] = pd.to_numeric(out[col], errors="coerce").astype(float).where(~hidden)
    out["suppressed"] = hidden
    marks = {label: small_marker(k) if s else HIDDEN_MARKER for label, h, s in zip(out.index, hidden, small) if h}
    return mark_hidden(out, {count: marks})


ANSWER_FILES = ("checkins", "assessments")


def imports_for_report(imports: pd.DataFrame) -> pd.DataFrame:
    """An imports table (kind, file, rows, status) fit for a report: no row counts of answer files.

    Check-ins and assessments hold one row per answer, so their row count is a total of the
    answers: minus the groups a report shows, it would reveal a group the report suppresses
    (e.g. the 3 mentors who answered a questionnaire). Their row counts are left out (None).
    """
    out = imports.copy()
    out["rows"] = pd.Series([None if kind in ANSWER_FILES else rows for kind, rows in zip(out["kind"], out["rows"])],
                            index=out.index, dtype=object)
    if out["kind"].isin(ANSWER_FILES).any():
        out.attrs["notes"] = {"rows": "rows: not given for check-ins and assessments (one row per answer; with the "
                                      "groups the report shows, the total could reveal a suppressed group)."}
    return out
