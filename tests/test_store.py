"""Frames go into SQLite and come back equal, whatever their column types."""
from __future__ import annotations

import sqlite3

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from revmentor_nb.workspace import store

_SCHEMA = """CREATE TABLE datasets(id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT, columns TEXT, n_rows INTEGER,
created_at TEXT, index_name TEXT); CREATE TABLE dataset_rows(dataset_id INTEGER, pos INTEGER, data TEXT);"""


def _roundtrip(frame: pd.DataFrame) -> pd.DataFrame:
    conn = sqlite3.connect(":memory:")
    conn.executescript(_SCHEMA)
    ds = store.write_frame(conn, "t", frame, "now")
    return store.read_frame(conn, ds)


text = st.one_of(st.none(), st.text(max_size=12))
lists = st.lists(st.text(min_size=1, max_size=6), max_size=4)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.text(min_size=1, max_size=8), text, lists, st.booleans(), st.integers(-5, 10**9),
                          st.floats(allow_nan=True, allow_infinity=False), st.dates()), min_size=1, max_size=15))
def test_frames_round_trip(rows):
    frame = pd.DataFrame(rows, columns=["person_id", "email", "offers", "consent", "capacity", "score", "hire_date"])
    frame["hire_date"] = pd.to_datetime(frame["hire_date"])
    frame.index = pd.RangeIndex(2, 2 + len(frame), name="row")
    back = _roundtrip(frame)
    pd.testing.assert_frame_equal(back, frame, check_index_type=False)


def test_optional_ints_and_bools_keep_their_blanks():
    frame = pd.DataFrame({"a": pd.array([1, None], dtype="Int64"), "b": [True, None], "c": [np.nan, 1.5]})
    back = _roundtrip(frame)
    assert back["a"].isna().tolist() == [False, True]
    assert back["b"].tolist() == [True, None]
