"""DataFrames in and out of SQLite, with their column types kept so they come back equal.

Lists become JSON text, dates ISO text, booleans 0/1; the types are recorded next to the
rows, so a stored table reads back as the loader produced it.
"""
from __future__ import annotations

import json
import sqlite3
from typing import Any

import numpy as np
import pandas as pd


def _column_type(s: pd.Series) -> str:
    if isinstance(s.dtype, pd.StringDtype):
        return "str"
    if pd.api.types.is_bool_dtype(s):
        return "bool"
    if pd.api.types.is_datetime64_any_dtype(s):
        return f"datetime:{s.dtype}"
    if isinstance(s.dtype, pd.Int64Dtype):
        return "Int64"
    if pd.api.types.is_integer_dtype(s):
        return "int"
    if pd.api.types.is_float_dtype(s):
        return "float"
    non_null = s.dropna()
    if len(non_null) and non_null.map(lambda v: isinstance(v, (list, tuple))).all():
        return "list"
    if len(non_null) and non_null.map(lambda v: isinstance(v, (bool, np.bool_))).all():
        return "optbool"
    return "text"


def _encode(s: pd.Series, kind: str) -> list[Any]:
    if kind.startswith("datetime"):
        return [None if pd.isna(v) else pd.Timestamp(v).isoformat() for v in s]
    if kind == "list":
        return [None if v is None or (isinstance(v, float) and np.isnan(v)) else json.dumps(list(v)) for v in s]
    if kind in ("bool", "optbool"):
        return [None if v is None or v is pd.NA or (isinstance(v, float) and np.isnan(v)) else int(bool(v)) for v in s]
    if kind in ("int", "Int64"):
        return [None if pd.isna(v) else int(v) for v in s]
    if kind == "float":
        return [None if pd.isna(v) else float(v) for v in s]
    return [None if v is None or (not isinstance(v, (list, tuple)) and pd.isna(v)) else str(v) for v in s]


def _decode(values: list[Any], kind: str) -> pd.Series:
    if kind.startswith("datetime"):
        parsed = pd.to_datetime(pd.Series(values, dtype=object), format="ISO8601")
        return parsed.astype(kind.split(":", 1)[1]) if ":" in kind else parsed
    if kind == "list":
        return pd.Series([None if v is None else json.loads(v) for v in values], dtype=object)
    if kind == "bool":
        return pd.Series([bool(v) for v in values], dtype=bool)
    if kind == "optbool":
        return pd.Series([None if v is None else bool(v) for v in values], dtype=object)
    if kind == "int":
        return pd.Series(values, dtype="int64")
    if kind == "Int64":
        return pd.Series(values, dtype="Int64")
    if kind == "float":
        return pd.Series([np.nan if v is None else v for v in values], dtype="float64")
    if kind == "str":
        return pd.Series(values, dtype="str")
    return pd.Series(values, dtype=object)


def write_frame(conn: sqlite3.Connection, name: str, frame: pd.DataFrame, created_at: str) -> int:
    """Store ``frame`` as a new dataset (inside the caller's transaction); returns its id."""
    index_name = frame.index.name or "__index"
    flat = frame.reset_index(names=["__index__"])
    types = {col: _column_type(flat[col]) for col in flat.columns}
    cur = conn.execute(
        "INSERT INTO datasets(name, columns, n_rows, created_at, index_name) VALUES (?,?,?,?,?)",
        (name, json.dumps(types), len(flat), created_at, index_name),
    )
    ds = int(cur.lastrowid)
    cols = list(flat.columns)
    encoded = [_encode(flat[c], types[c]) for c in cols]
    conn.executemany(
        "INSERT INTO dataset_rows(dataset_id, pos, data) VALUES (?,?,?)",
        ((ds, i, json.dumps(row)) for i, row in enumerate(zip(*encoded))),
    )
    return ds


def read_frame(conn: sqlite3.Connection, dataset_id: int) -> pd.DataFrame:
    """Read a stored dataset back with its original column types and index."""
    meta = conn.execute("SELECT columns, index_name FROM datasets WHERE id=?", (dataset_id,)).fetchone()
    if meta is None:
        raise KeyError(f"dataset {dataset_id} is not in the workspace")
    types: dict[str, str] = json.loads(meta[0])
    data = [r[0] for r in conn.execute("SELECT data FROM dataset_rows WHERE dataset_id=? ORDER BY pos", (dataset_id,))]
    rows = json.loads("[" + ",".join(data) + "]")  # one parse for the whole table, not one per row
    cols = list(types)
    columns = list(zip(*rows)) if rows else [[] for _ in cols]
    frame = pd.DataFrame({c: _decode(list(v), types[c]) for c, v in zip(cols, columns)})
    frame = frame.set_index("__index__")
    frame.index.name = None if meta[1] == "__index" else meta[1]
    return frame
