"""The roster lookups the matcher makes at 100,000 rows (e-mail -> person, person -> manager), vectorised,
checked against the row-by-row code they replaced on generated rosters with blanks, lists and repeats."""
from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from revmentor_nb.io.org import manager_map
from revmentor_nb.matching.people import norm_text
from revmentor_nb.matching.rules import roster_emails


def _emails_row_by_row(who: pd.Series, emails: pd.Series) -> dict[str, str]:
    out: dict[str, str] = {}
    for w, cell in zip(who, emails):
        if norm_text(w) is None:
            continue
        if cell is pd.NA or cell is None or (isinstance(cell, float) and np.isnan(cell)):
            cell = ""
        for addr in (cell if isinstance(cell, (list, tuple)) else str(cell).replace(",", ";").split(";")):
            a = norm_text(addr)
            if a and a not in ("nan", "<na>"):
                out[a] = str(w).strip()
    return out


def _managers_row_by_row(*frames: pd.DataFrame | None) -> dict[str, str]:
    out: dict[str, str] = {}
    for frame in frames:
        if frame is None or "manager_id" not in frame:
            continue
        sub = frame[["person_id", "manager_id"]].dropna()
        for pid, mid in zip(sub["person_id"].astype(str), sub["manager_id"].astype(str)):
            if mid and mid != pid:
                out[pid] = mid
    return out


IDS = st.one_of(st.none(), st.just(float("nan")), st.sampled_from(["", " ", "E1", " E1 ", "e1", "E2", "M1", "nan", "7"]),
                st.integers(0, 3))
ADDR = st.sampled_from(["a@x", " A@X ", "b@x", "", "nan", "<NA>", "c@x, d@x", "a@x;b@x", "e@x ;"])
CELL = st.one_of(st.none(), st.just(float("nan")), ADDR, st.lists(st.one_of(ADDR, st.none()), max_size=3))


@settings(max_examples=200, deadline=None)
@given(rows=st.lists(st.tuples(IDS, CELL), max_size=12))
def test_roster_emails_equals_the_row_by_row_lookup(rows):
    who = pd.Series([r[0] for r in rows], dtype=object)
    emails = pd.Series([r[1] for r in rows], dtype=object)
    assert roster_emails(who, emails) == _emails_row_by_row(who, emails)


@settings(max_examples=200, deadline=None)
@given(roster=st.lists(st.tuples(IDS, IDS), max_size=12), signups=st.lists(st.tuples(IDS, IDS), max_size=6))
def test_manager_map_equals_the_row_by_row_map(roster, signups):
    frames = [pd.DataFrame(rows, columns=["person_id", "manager_id"], dtype=object) for rows in (roster, signups)]
    assert manager_map(frames[1], frames[0]) == _managers_row_by_row(frames[0], frames[1])
