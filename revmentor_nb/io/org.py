"""The reporting graph: who manages whom, traced through the whole roster.

A programme must never pair someone with their own reporting line. Sign-ups rarely
name every manager in between, so lines are traced through the HR roster too.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping

import numpy as np
import pandas as pd


def manager_map(participants: pd.DataFrame | None = None, roster: pd.DataFrame | None = None) -> dict[str, str]:
    """person_id -> manager_id from the roster, overridden by the sign-ups where they name one."""
    managers: dict[str, str] = {}
    for frame in (roster, participants):
        if frame is None or "manager_id" not in frame:
            continue
        sub = frame[["person_id", "manager_id"]].dropna()
        pid = sub["person_id"].astype(str).to_numpy(dtype=object)
        mid = sub["manager_id"].astype(str).to_numpy(dtype=object)
        named = (mid != "") & (mid != pid)  # a blank or oneself as manager names no line
        managers.update(zip(pid[named], mid[named]))  # later rows win, as row by row (100,000-row rosters)
    return managers


def find_cycles(managers: Mapping[str, str]) -> list[list[str]]:
    """Every cycle in the manager graph, each once, starting at its smallest id.

    A cycle (A manages B, B manages A) makes "reporting line" meaningless, so the
    loader reports it as a problem of every row involved.
    """
    state: dict[str, int] = {}  # 1 = on current path, 2 = done
    cycles: list[list[str]] = []
    for start in sorted(managers):
        if state.get(start):
            continue
        path: list[str] = []
        node: str | None = start
        while node is not None and not state.get(node):
            state[node] = 1
            path.append(node)
            node = managers.get(node)
        if node is not None and state.get(node) == 1:
            cyc = path[path.index(node):]
            k = cyc.index(min(cyc))
            cycles.append(cyc[k:] + cyc[:k])
        for p in path:
            state[p] = 2
    return sorted(cycles)


def ancestor_codes(managers: Mapping[str, str], ids: Iterable[str], levels: int) -> tuple[np.ndarray, dict[str, int]]:
    """For each id, the integer codes of its managers up to ``levels`` levels up (-1 = none).

    Returns (array of shape (len(ids), levels), code of every id seen). Codes let the
    matcher test "is m in e's line within N levels" with array comparisons instead of
    a Python loop over pairs. Cycles are cut where they repeat.
    """
    ids = [str(i) for i in ids]
    codes: dict[str, int] = {}

    def code(x: str) -> int:
        if x not in codes:
            codes[x] = len(codes)
        return codes[x]

    for i in ids:
        code(i)
    out = np.full((len(ids), max(levels, 0)), -1, dtype=np.int64)
    for row, pid in enumerate(ids):
        seen = {pid}
        node = managers.get(pid)
        for lvl in range(levels):
            if node is None or node in seen:
                break
            out[row, lvl] = code(node)
            seen.add(node)
            node = managers.get(node)
    return out, codes


def in_line(anc_a: np.ndarray, code_b: np.ndarray) -> np.ndarray:
    """Row-wise: is b among a's managers (the given ancestor columns)? Vectorised over pairs."""
    if anc_a.shape[1] == 0:
        return np.zeros(len(code_b), dtype=bool)
    return (anc_a == code_b[:, None]).any(axis=1)
