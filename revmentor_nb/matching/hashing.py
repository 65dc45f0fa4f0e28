"""A content hash of a match run's inputs and settings (same inputs, same hash, same answer)."""
from __future__ import annotations

import hashlib
import json
from typing import Any

import numpy as np
import pandas as pd


def _cell(v: Any) -> str:
    if isinstance(v, (list, tuple, np.ndarray)):
        return ";".join(map(str, v))
    if v is None or v is pd.NA or (isinstance(v, float) and np.isnan(v)):
        return ""
    return str(v)


def frame_digest(df: pd.DataFrame | None) -> bytes:
    """Digest of a frame that ignores row order, column order and column-name case."""
    if df is None or len(df) == 0:
        return b"-"
    names = sorted((str(c).strip().casefold(), c) for c in df.columns)
    h = hashlib.sha256("|".join(n for n, _ in names).encode())
    rows = np.zeros(len(df), dtype=np.uint64)
    for k, (_, col) in enumerate(names):
        s = df[col]
        if s.dtype == object:
            listy = any(isinstance(v, (list, tuple, np.ndarray)) for v in s.iloc[:200])
            s = pd.Series([_cell(v) for v in s], dtype=object) if listy else s.fillna("").astype(str)
        colhash = pd.util.hash_pandas_object(s, index=False).to_numpy()
        rows = rows * np.uint64(1000003) ^ colhash ^ np.uint64(k)
    h.update(np.sort(rows).tobytes())
    return h.digest()


def inputs_digest(participants: pd.DataFrame, roster: pd.DataFrame | None, exclusions: pd.DataFrame | None) -> bytes:
    """Digest of the three input tables (computed once per prepared run)."""
    return b"".join(frame_digest(f) for f in (participants, roster, exclusions))


def data_hash(inputs: bytes, locks: list[tuple[Any, str, str]], forbid: list[tuple[str, str]],
              settings: dict[str, Any], seed: int) -> str:
    """sha256 (hex, first 16 chars) of the inputs, locks, forbidden pairs, settings and seed."""
    h = hashlib.sha256(inputs)
    h.update(json.dumps(sorted((a, b) for _, a, b in locks)).encode())
    h.update(json.dumps(sorted(forbid)).encode())
    h.update(json.dumps(settings, sort_keys=True, default=str).encode())
    h.update(str(seed).encode())
    return h.hexdigest()[:16]
