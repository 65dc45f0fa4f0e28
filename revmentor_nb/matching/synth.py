"""Seeded synthetic matching instances in the data contract (tests and benchmarks).

Small and self-contained, so the matcher can be tested and measured without the demo
organisation; the benchmark prefers ``revmentor_nb.demo.organisation.build_demo`` when it exists.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

TOPICS = ["AI", "Data", "Cloud", "Social media", "Cyber", "Inclusion", "Gen Z", "Agile", "Design", "Python",
          "Sustainability", "Remote work", "Wellbeing", "Product", "Automation", "Accessibility"]
INTERESTS = ["running", "music", "chess", "cooking", "film", "gaming", "books", "climbing", "art", "travel"]
DEPTS = ["Finance", "HR", "IT", "Ops", "Legal", "Sales", "Marketing", "Policy"]
SITES = ["London", "Leeds", "Bristol", "Glasgow"]


@dataclass
class Instance:
    """A synthetic programme: participants, roster, exclusions and locks."""

    participants: pd.DataFrame
    roster: pd.DataFrame
    exclusions: pd.DataFrame
    locks: pd.DataFrame


def instance(seed: int = 0, n_mentors: int = 20, n_mentees: int = 24, n_either: int = 0, n_topics: int = 12,
             n_others: int = 30, consent_rate: float = 0.95, max_capacity: int = 2,
             n_exclusions: int = 3, preferences: bool = False, mentee_max_capacity: int = 1) -> Instance:
    """A random programme: junior mentors, senior mentees, a roster with managers above them.

    Mentees ask for up to ``mentee_max_capacity`` mentors (default one); mentors and
    'either' sign-ups for up to ``max_capacity`` pairs.
    """
    rng = np.random.default_rng(seed)
    n = n_mentors + n_mentees + n_either
    roles = ["mentor"] * n_mentors + ["mentee"] * n_mentees + ["either"] * n_either
    ids = [f"P{i:05d}" for i in range(n)]
    order = rng.permutation(n)
    ids = [ids[i] for i in order]
    topics = TOPICS[:n_topics]
    grade = np.where(np.array(roles) == "mentor", rng.integers(1, 4, n),
                     np.where(np.array(roles) == "mentee", rng.integers(3, 7, n), rng.integers(2, 6, n)))

    def pick(pool: list[str], lo: int, hi: int) -> list[str]:
        k = int(rng.integers(lo, hi + 1))
        return [pool[i] for i in rng.choice(len(pool), size=min(k, len(pool)), replace=False)]

    others = [f"R{i:05d}" for i in range(n_others)]
    managers_pool = others + ids
    people = []
    for i in range(n):
        mgr = managers_pool[int(rng.integers(0, len(others)))] if rng.random() < 0.8 else None
        if rng.random() < 0.15 and i > 0:
            mgr = ids[int(rng.integers(0, i))]
        people.append(dict(
            person_id=ids[i], name=f"Person {i}", role=roles[i], department=str(rng.choice(DEPTS)),
            manager_id=mgr, grade=int(grade[i]), grade_rank=int(grade[i]),
            location=str(rng.choice(SITES)), remote_ok=bool(rng.random() < 0.6),
            offers=pick(topics, 1, 4) if roles[i] != "mentee" else pick(topics, 0, 2),
            wants=pick(topics, 1, 3) if roles[i] != "mentor" else pick(topics, 0, 2),
            interests=pick(INTERESTS, 0, 3),
            capacity=min(int(rng.integers(1, max_capacity + 1)), mentee_max_capacity if roles[i] == "mentee" else 10**9),
            consent=bool(rng.random() < consent_rate),
            gender=str(rng.choice(["woman", "man", "non-binary"], p=[0.48, 0.48, 0.04])),
            ethnicity=str(rng.choice(["White", "Asian", "Black", "Mixed", "Other"], p=[0.6, 0.15, 0.12, 0.08, 0.05])),
            age_band=str(rng.choice(["16-24", "25-34", "35-49", "50+"])),
            preferences=[],
        ))
    df = pd.DataFrame(people)
    if preferences:
        mentors = df.loc[df.role != "mentee", "person_id"].tolist()
        mentees = df.loc[df.role != "mentor", "person_id"].tolist()
        df["preferences"] = [
            [str(x) for x in rng.choice(mentees if r == "mentor" else mentors,
                                        size=min(3, len(mentees if r == "mentor" else mentors)), replace=False)]
            for r in df.role
        ]
    df.index = pd.RangeIndex(2, 2 + len(df), name="row")
    roster = pd.DataFrame(dict(person_id=others, manager_id=[None] + others[:-1][: len(others) - 1],
                               department=[str(rng.choice(DEPTS)) for _ in others],
                               grade=rng.integers(5, 9, len(others))))
    ex = []
    for _ in range(n_exclusions):
        a, b = rng.choice(ids, size=2, replace=False)
        ex.append(dict(person_a=str(a), person_b=str(b), reason="conflict"))
    exclusions = pd.DataFrame(ex, columns=["person_a", "person_b", "reason"])
    return Instance(df, roster, exclusions, pd.DataFrame(columns=["mentor_id", "mentee_id"]))


def big(seed: int, n_mentors: int, n_mentees: int, n_topics: int = 40) -> Instance:
    """A large instance shaped like a real programme (for benchmarks without the demo)."""
    rng = np.random.default_rng(seed)
    inst = instance(seed, n_mentors, n_mentees, n_topics=min(n_topics, len(TOPICS)), n_others=200,
                    n_exclusions=max(3, (n_mentors + n_mentees) // 100))
    extra = [f"Topic {i}" for i in range(max(0, n_topics - len(TOPICS)))]
    if extra:
        pool = TOPICS + extra
        p = inst.participants
        p["offers"] = [list(rng.choice(pool, size=int(rng.integers(2, 6)), replace=False)) if r != "mentee" else []
                       for r in p.role]
        p["wants"] = [list(rng.choice(pool, size=int(rng.integers(1, 4)), replace=False)) if r != "mentor" else []
                      for r in p.role]
    return inst
