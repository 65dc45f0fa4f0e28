"""How many pairs each person may take: as mentor, as mentee, and in all.

A mentor asks for up to ``capacity`` mentees, a mentee for up to ``capacity`` mentors
(default 1), and a person who signed up for both roles (``either``) shares one total
between them. The settings may cap either side for everyone (``load_cap`` for mentors,
``mentee_cap`` for mentees). Locked pairs use up capacity before the solver starts.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Capacity:
    """Pairs allowed per person (int64 arrays indexed like People): as mentor, as mentee, in all."""

    mentor: np.ndarray
    mentee: np.ndarray
    total: np.ndarray

    @classmethod
    def of(cls, people, load_cap: int | None = None, mentee_cap: int | None = None) -> "Capacity":  # noqa: ANN001
        """The people's own capacities under the programme-wide caps."""
        mentor = people.cap_mentor.copy()
        mentee = people.cap_mentee.copy()
        if load_cap is not None:
            mentor = np.minimum(mentor, load_cap)
        if mentee_cap is not None:
            mentee = np.minimum(mentee, mentee_cap)
        total = np.minimum(people.capacity, mentor + mentee)
        return cls(mentor, mentee, total)

    def used(self, m: np.ndarray, e: np.ndarray) -> "Capacity":
        """Pairs (mentor rows m, mentee rows e) counted per person the same way."""
        n = len(self.total)
        as_m = np.bincount(np.asarray(m, dtype=np.int64), minlength=n)
        as_e = np.bincount(np.asarray(e, dtype=np.int64), minlength=n)
        return Capacity(as_m, as_e, as_m + as_e)

    def minus(self, used: "Capacity") -> "Capacity":
        """What is left after ``used``."""
        return Capacity(self.mentor - used.mentor, self.mentee - used.mentee, self.total - used.total)

    def room_as_mentor(self, used: "Capacity") -> np.ndarray:
        """Whether each person could take one more pair as mentor."""
        return (used.mentor < self.mentor) & (used.total < self.total)

    def room_as_mentee(self, used: "Capacity") -> np.ndarray:
        """Whether each person could take one more pair as mentee."""
        return (used.mentee < self.mentee) & (used.total < self.total)

    def over(self, used: "Capacity") -> list[tuple[int, str, int, int]]:
        """(person row, 'as mentor' / 'as mentee' / 'in all', pairs, capacity) for every breach."""
        out = []
        for what, u, c in (("as mentor", used.mentor, self.mentor), ("as mentee", used.mentee, self.mentee),
                           ("in all", used.total, self.total)):
            out += [(int(p), what, int(u[p]), int(c[p])) for p in np.flatnonzero(u > c)]
        return sorted(out)
