"""Participants encoded as arrays once: codes, ranks, topic indicator matrices, sides.

Every rule and score term reads these arrays, so candidate generation never touches
Python objects per pair. People are sorted by person_id so the same input always gives
the same arrays (and the same answer).
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

MAX_CAPACITY = 50  # most pairs one person may ask for (the loader's bound too): absurd numbers never reach the solver

from revmentor_nb.matching.errors import MatchInputError, problems_frame


def norm_text(v: Any) -> str | None:
    """Trimmed, case-folded text, or None when blank (used for every comparison)."""
    if v is None or (isinstance(v, float) and np.isnan(v)) or v is pd.NA:
        return None
    s = str(v).strip().casefold()
    return s or None


def as_list(v: Any) -> list[str]:
    """A cell as a list of items (lists kept; ';'-text split; blanks dropped)."""
    if v is None or v is pd.NA or (isinstance(v, float) and np.isnan(v)):
        return []
    if isinstance(v, str):
        items = v.split(";")
    elif isinstance(v, (list, tuple, set, np.ndarray, pd.Series)):
        items = list(v)
    else:
        items = [v]
    return [str(x).strip() for x in items if x is not None and str(x).strip()]


def as_bool(v: Any, default: bool) -> bool:
    """A cell as a boolean (yes/no/true/false/1/0/y/n), ``default`` when blank."""
    if v is None or v is pd.NA or (isinstance(v, float) and np.isnan(v)):
        return default
    if isinstance(v, (bool, np.bool_)):
        return bool(v)
    if isinstance(v, (int, np.integer, float)):
        return bool(v)
    s = str(v).strip().casefold()
    if s in ("yes", "y", "true", "t", "1"):
        return True
    if s in ("no", "n", "false", "f", "0"):
        return False
    return default


@dataclass
class ListColumn:
    """A list column as a 0/1 indicator matrix over its (case-folded) vocabulary."""

    vocab: list[str]
    matrix: np.ndarray  # (n, V) float32 0/1
    first: np.ndarray  # (n,) int64 code of the first item, -1 when empty
    size: np.ndarray  # (n,) float64 number of items
    items: list[list[str]]  # original spellings, per person


@dataclass
class People:
    """Participants as arrays, indexed 0..n-1 in person_id order."""

    ids: np.ndarray  # object array of str
    frame: pd.DataFrame  # the participants, sorted by id, index 0..n-1
    role: np.ndarray  # object array: mentor / mentee / either
    consent: np.ndarray  # bool
    capacity: np.ndarray  # int64: most pairs in all (both roles together)
    remote_ok: np.ndarray  # bool
    can_mentor: np.ndarray  # bool: role mentor or either
    can_mentee: np.ndarray  # bool: role mentee or either
    cap_mentor: np.ndarray = field(default=None)  # type: ignore[assignment]  # int64: most pairs as mentor
    cap_mentee: np.ndarray = field(default=None)  # type: ignore[assignment]  # int64: most pairs as mentee
    identity: np.ndarray = field(default=None)  # type: ignore[assignment]  # int64: one code per human being
    _codes: dict[str, np.ndarray] = field(default_factory=dict)
    _nums: dict[str, np.ndarray] = field(default_factory=dict)
    _lists: dict[str, ListColumn] = field(default_factory=dict)
    _index: dict[str, int] = field(default_factory=dict)
    _vocab: dict[str, int] = field(default_factory=dict)

    @property
    def n(self) -> int:
        """Number of people."""
        return len(self.ids)

    def index_of(self, pid: Any) -> int | None:
        """Row of a person_id, or None when unknown."""
        if not self._index:
            self._index = {p: i for i, p in enumerate(self.ids)}
        return self._index.get(str(pid).strip())

    def has(self, column: str) -> bool:
        """Whether the participants have this column."""
        return column in self.frame.columns

    def codes(self, column: str) -> np.ndarray:
        """Integer codes of a text column (case-folded, trimmed); -1 = blank."""
        if column not in self._codes:
            if column not in self.frame.columns:
                self._codes[column] = np.full(self.n, -1, dtype=np.int64)
            else:
                raw = self.frame[column]
                text = raw.astype("string").str.strip().str.casefold()
                text = text.mask(text == "")
                codes, _ = pd.factorize(text, use_na_sentinel=True)
                self._codes[column] = np.asarray(codes, dtype=np.int64)
        return self._codes[column]

    def numbers(self, column: str) -> np.ndarray:
        """A numeric column as float64 (NaN = blank); grade_rank falls back to an integer grade."""
        if column not in self._nums:
            if column in self.frame.columns:
                s = pd.to_numeric(self.frame[column], errors="coerce")
            elif column == "grade_rank" and "grade" in self.frame.columns:
                s = pd.to_numeric(self.frame["grade"], errors="coerce")
            else:
                s = pd.Series(np.nan, index=self.frame.index)
            self._nums[column] = s.to_numpy(dtype=np.float64, na_value=np.nan)
        return self._nums[column]

    def bools(self, column: str, default: bool = False) -> np.ndarray:
        """A boolean column (missing column or blank = ``default``)."""
        if column not in self.frame.columns:
            return np.full(self.n, default, dtype=bool)
        return np.array([as_bool(v, default) for v in self.frame[column].tolist()], dtype=bool)

    def lists(self, column: str) -> ListColumn:
        """A list column as an indicator matrix (shared vocabulary within the column)."""
        if column not in self._lists:
            raw = self.frame[column].tolist() if column in self.frame.columns else [[]] * self.n
            items = [as_list(v) for v in raw]
            vocab = self._vocab  # one vocabulary for every list column, so columns compare
            rows, cols = [], []
            first = np.full(self.n, -1, dtype=np.int64)
            size = np.zeros(self.n, dtype=np.float64)
            kept: list[list[str]] = []
            for i, lst in enumerate(items):
                seen: list[str] = []
                keep: list[str] = []
                for it in lst:
                    key = it.casefold()
                    if key in seen:
                        continue
                    seen.append(key)
                    keep.append(it)
                    c = vocab.setdefault(key, len(vocab))
                    rows.append(i)
                    cols.append(c)
                if seen:
                    first[i] = vocab[seen[0]]
                size[i] = len(seen)
                kept.append(keep)
            mat = np.zeros((self.n, max(len(vocab), 1)), dtype=np.float32)
            if rows:
                mat[np.asarray(rows), np.asarray(cols)] = 1.0
            self._lists[column] = ListColumn(list(vocab), mat, first, size, kept)
        return self._lists[column]

    def list_pair(self, a: str, b: str) -> tuple[np.ndarray, np.ndarray]:
        """Indicator matrices of two list columns over the same vocabulary (padded to equal width)."""
        la, lb = self.lists(a), self.lists(b)
        width = max(la.matrix.shape[1], lb.matrix.shape[1])
        out = []
        for lc in (la, lb):
            if lc.matrix.shape[1] < width:
                lc.matrix = np.pad(lc.matrix, ((0, 0), (0, width - lc.matrix.shape[1])))
            out.append(lc.matrix)
        return out[0], out[1]

    def shared_items(self, mentor: int, mentee: int, mentor_column: str, mentee_column: str) -> list[str]:
        """Items of the mentee's list also in the mentor's list (mentee's spelling and order)."""
        offers = {x.casefold() for x in self.lists(mentor_column).items[mentor]}
        return [x for x in self.lists(mentee_column).items[mentee] if x.casefold() in offers]

    def person_hash(self, seed: int) -> np.ndarray:
        """A stable 64-bit hash per person (id and seed), for seeded tie-breaking."""
        out = np.empty(self.n, dtype=np.uint64)
        for i, pid in enumerate(self.ids):
            h = hashlib.blake2b(f"{seed}\x00{pid}".encode(), digest_size=8).digest()
            out[i] = np.frombuffer(h, dtype=np.uint64)[0]
        return out


REQUIRED = ("person_id", "role")


def encode(participants: pd.DataFrame, *, consent_rule: bool = True, load_cap: int | None = None) -> People:
    """Encode the participants DataFrame (the loader's format) as arrays; bad input raises MatchInputError."""
    if not isinstance(participants, pd.DataFrame):
        raise TypeError("participants must be a pandas DataFrame")
    problems: list[dict[str, Any]] = []
    df = participants.copy()
    df.columns = [str(c).strip().casefold() for c in df.columns]
    for col in REQUIRED:
        if col not in df.columns:
            problems.append(dict(file="participants", row=None, column=col, value="",
                                 problem=f"missing column {col!r}", fix=f"add a {col} column"))
    if consent_rule and "consent" not in df.columns:
        problems.append(dict(file="participants", row=None, column="consent", value="",
                             problem="missing column 'consent'", fix="add a consent column (yes/no)"))
    if problems:
        raise MatchInputError(problems_frame(problems))
    rows = list(df.index)
    df["person_id"] = [None if norm_text(v) is None else str(v).strip() for v in df["person_id"]]
    df["role"] = [norm_text(v) for v in df["role"]]
    df["_row"] = rows
    for i, (pid, role) in enumerate(zip(df["person_id"], df["role"])):
        if pid is None:
            problems.append(dict(file="participants", row=rows[i], column="person_id", value="",
                                 problem="blank person_id", fix="give every person an id"))
        if role not in ("mentor", "mentee", "either"):
            problems.append(dict(file="participants", row=rows[i], column="role", value=role,
                                 problem="role is not mentor, mentee or either", fix="use mentor, mentee or either"))
    dup = df["person_id"].dropna()
    for pid in sorted(set(dup[dup.duplicated()])):
        for r in df.loc[df["person_id"] == pid, "_row"]:
            problems.append(dict(file="participants", row=r, column="person_id", value=pid,
                                 problem="duplicate person_id", fix="make every person_id unique"))
    caps = {c: (pd.to_numeric(df[c].astype(object), errors="coerce").astype("float64") if c in df.columns
                else pd.Series(np.nan, index=df.index, dtype="float64"))
            for c in ("capacity", "mentor_capacity", "mentee_capacity")}
    for col, low in (("capacity", 1), ("mentor_capacity", 0), ("mentee_capacity", 0)):
        raw = df[col] if col in df.columns else None
        vals = caps[col]
        bad = (vals.notna() & ((vals < low) | (vals > MAX_CAPACITY) | (vals != vals.round())))
        if raw is not None:
            bad |= vals.isna() & pd.Series([norm_text(v) is not None for v in raw], index=df.index)
        for r, v in zip(df.loc[bad, "_row"], (raw if raw is not None else vals)[bad]):
            problems.append(dict(file="participants", row=r, column=col, value=v,
                                 problem=f"{col} is not a whole number from {low} to {MAX_CAPACITY}",
                                 fix=f"use an integer from {low} to {MAX_CAPACITY} (or leave blank for the default)"))
    if problems:
        raise MatchInputError(problems_frame(problems))
    df["capacity"] = caps["capacity"]
    df["mentor_capacity"] = caps["mentor_capacity"]
    df["mentee_capacity"] = caps["mentee_capacity"]
    df = df.sort_values("person_id", kind="stable").reset_index(drop=True)
    ids = df["person_id"].to_numpy(dtype=object)
    role = df["role"].to_numpy(dtype=object)
    cap_mentor, cap_mentee, capacity = side_capacities(role, df["capacity"].to_numpy(dtype=np.float64),
                                                       df["mentor_capacity"].to_numpy(dtype=np.float64),
                                                       df["mentee_capacity"].to_numpy(dtype=np.float64))
    if load_cap is not None:
        cap_mentor = np.minimum(cap_mentor, load_cap)
    consent = (np.array([as_bool(v, False) for v in df["consent"]], dtype=bool)
               if "consent" in df.columns else np.ones(len(df), dtype=bool))
    remote = (np.array([as_bool(v, True) for v in df["remote_ok"]], dtype=bool)
              if "remote_ok" in df.columns else np.ones(len(df), dtype=bool))
    people = People(
        ids=ids, frame=df, role=role, consent=consent, capacity=capacity, remote_ok=remote,
        can_mentor=np.isin(role, ["mentor", "either"]), can_mentee=np.isin(role, ["mentee", "either"]),
        cap_mentor=cap_mentor, cap_mentee=cap_mentee,
    )
    people.identity = np.arange(people.n, dtype=np.int64)
    return people


def side_capacities(role: np.ndarray, capacity: np.ndarray, mentor_capacity: np.ndarray,
                    mentee_capacity: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(most pairs as mentor, as mentee, in all) per person from the capacity columns (NaN = blank).

    ``capacity`` is what a person asked for: mentees for a mentor, mentors for a mentee, and
    for an ``either`` sign-up the total over both roles. ``mentor_capacity`` / ``mentee_capacity``
    cap one side; an ``either`` person is a mentee at most once unless ``mentee_capacity`` says more.
    """
    def pick(*cols: np.ndarray, default: float) -> np.ndarray:
        out = np.full(len(role), default, dtype=np.float64)
        for c in reversed(cols):
            out = np.where(np.isnan(c), out, c)
        return out

    is_m, is_e, is_x = role == "mentor", role == "mentee", role == "either"
    total_x = pick(capacity, default=1.0)
    as_mentor = np.where(is_m, pick(mentor_capacity, capacity, default=1.0),
                         np.where(is_x, np.minimum(pick(mentor_capacity, capacity, default=1.0), total_x), 0.0))
    as_mentee = np.where(is_e, pick(mentee_capacity, capacity, default=1.0),
                         np.where(is_x, np.minimum(pick(mentee_capacity, default=1.0), total_x), 0.0))
    total = np.where(is_x, total_x, as_mentor + as_mentee)
    return as_mentor.astype(np.int64), as_mentee.astype(np.int64), total.astype(np.int64)
