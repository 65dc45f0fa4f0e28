"""A block of (mentor, mentee) pairs that rules and score terms evaluate with numpy.

Two shapes share one interface, so each rule and term is written once:
- dense: a chunk of mentees (rows) x every mentor (columns), for candidate generation;
- paired: two aligned arrays of people, for re-checking locks and chosen pairs.
Mentor-side arrays broadcast as (1, n_mentors) or (n,), mentee-side as (n_mentees, 1) or (n,).
"""
from __future__ import annotations

from typing import Any

import numpy as np

from revmentor_nb.matching.people import People


class Block:
    """Pairs of people (by row in People) with per-side attribute access and cached overlaps."""

    def __init__(self, people: People, m_idx: np.ndarray, e_idx: np.ndarray, dense: bool,
                 parent: "Block | None" = None, flat: np.ndarray | None = None) -> None:
        self.people = people
        self.m_idx = np.asarray(m_idx, dtype=np.int64)
        self.e_idx = np.asarray(e_idx, dtype=np.int64)
        self.dense = dense
        self.parent = parent  # a dense block whose cells ``flat`` (row-major) this paired block is
        self.flat = flat
        self._cache: dict[Any, np.ndarray] = {}
        if not dense and len(self.m_idx) != len(self.e_idx):
            raise ValueError("paired block needs aligned arrays")

    def cells(self, flat: np.ndarray) -> "Block":
        """The cells ``flat`` (row-major indices) of this dense block, as a paired block sharing its products."""
        rows, cols = np.divmod(flat, len(self.m_idx))
        return Block(self.people, self.m_idx[cols], self.e_idx[rows], dense=False, parent=self, flat=flat)

    @property
    def shape(self) -> tuple[int, ...]:
        """(n_mentees, n_mentors) when dense, (n_pairs,) when paired."""
        return (len(self.e_idx), len(self.m_idx)) if self.dense else (len(self.m_idx),)

    def side(self, arr: np.ndarray, side: str) -> np.ndarray:
        """A per-person array seen from one side of the block ('mentor' or 'mentee'), broadcastable."""
        if side == "mentor":
            v = arr[self.m_idx]
            return v[None, :] if self.dense else v
        v = arr[self.e_idx]
        return v[:, None] if self.dense else v

    def m(self, arr: np.ndarray) -> np.ndarray:
        """Mentor-side view of a per-person array."""
        return self.side(arr, "mentor")

    def e(self, arr: np.ndarray) -> np.ndarray:
        """Mentee-side view of a per-person array."""
        return self.side(arr, "mentee")

    def shared(self, mentor_column: str, mentee_column: str) -> np.ndarray:
        """Number of items in both the mentor's and the mentee's list (exact integer counts)."""
        key = ("shared", mentor_column, mentee_column)
        if key not in self._cache and self.parent is not None:
            self._cache[key] = self.parent.shared(mentor_column, mentee_column).ravel()[self.flat].astype(np.float64)
        if key not in self._cache:
            a, b = self.people.list_pair(mentor_column, mentee_column)
            if self.dense:
                self._cache[key] = b[self.e_idx] @ a[self.m_idx].T  # float32, exact small integers
            else:
                self._cache[key] = np.einsum("ij,ij->i", a[self.m_idx], b[self.e_idx]).astype(np.float64)
        return self._cache[key]

    def first_in(self, giver: str, giver_column: str, learner_column: str) -> np.ndarray:
        """Whether the learner's first-listed item is in the giver's list (0/1)."""
        key = ("first", giver, giver_column, learner_column)
        if key not in self._cache and self.parent is not None:
            self._cache[key] = self.parent.first_in(giver, giver_column, learner_column).ravel()[self.flat].astype(np.float64)
        if key not in self._cache:
            g_mat = self.people.list_pair(giver_column, learner_column)[0]
            l_first = self.people.lists(learner_column).first
            g_idx = self.m_idx if giver == "mentor" else self.e_idx
            l_idx = self.e_idx if giver == "mentor" else self.m_idx
            first = l_first[l_idx]
            has = first >= 0
            safe = np.where(has, first, 0)
            if self.dense:  # one-hot of the learner's first item times the giver's indicators (BLAS)
                onehot = np.zeros((len(l_idx), g_mat.shape[1]), dtype=np.float32)
                onehot[np.flatnonzero(has), first[has]] = 1.0
                if giver == "mentor":  # rows mentees (learners), cols mentors (givers)
                    hit = onehot @ g_mat[g_idx].T
                else:  # rows mentees (givers), cols mentors (learners)
                    hit = g_mat[g_idx] @ onehot.T
            else:
                hit = g_mat[g_idx, safe] * has
            self._cache[key] = hit if self.dense else hit.astype(np.float64)
        return self._cache[key]

    def size(self, column: str, side: str) -> np.ndarray:
        """Number of items in a list column, seen from one side."""
        return self.side(self.people.lists(column).size, side)
