"""A seeded synthetic organisation for demos, workshops, tests and benchmarks.

``build_demo`` grows an HR roster (a reporting tree with departments, sites, grades,
tenure, leavers and promotions), the programme's sign-ups, exclusions and locks, all in the
loaders' clean in-memory format (docs/dataframes.md). ``simulate_activity`` then plays out
six months of meetings, check-ins, assessments, training and agreements for accepted pairs.

The data are built to have something true to show at every stage: scarce topics, people
with no feasible partner, pairs inside one reporting line, lapsing pairs, missing
follow-ups, a modest real improvement, and a small true effect of participation on
retention and promotion mixed with self-selection (sign-ups are more engaged to begin with),
so a naive comparison overstates it. Same seed, same frames.
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from types import MappingProxyType

import numpy as np
import pandas as pd

from revmentor_nb.fileio import atomic_write_text
from revmentor_nb.io.contract import BOOL, DATE, FLOAT, INT, KINDS, LIST

GRADE_ORDER: tuple[str, ...] = ("A1", "A2", "B1", "B2", "C1", "C2", "D1", "D2", "E1", "E2")
# Target share of each grade in the workforce (most junior first); the tree bends it a little.
GRADE_SHARE = (0.12, 0.15, 0.16, 0.15, 0.13, 0.11, 0.09, 0.06, 0.025, 0.005)
# Mentors come from the junior grades, either from the middle, mentees from B2 up weighted
# steeply towards the top (big organisations reach further down for enough of them).
MENTOR_MAX_RANK, EITHER_RANKS, MENTEE_MIN_RANK = 2, (3, 4), 3

# (name, share of staff)
DEPARTMENTS: tuple[tuple[str, float], ...] = (
    ("Customer Service", 0.21), ("Operations", 0.19), ("Technology", 0.16), ("Sales", 0.13),
    ("Finance", 0.10), ("Marketing", 0.08), ("People", 0.07), ("Legal", 0.06),
)
CEO_DEPARTMENT = "Executive Office"
# (name, share of staff, share of ethnic-minority staff); Belfast is the small site where a
# local-only person can be stranded.
SITES: tuple[tuple[str, float, float], ...] = (
    ("London", 0.34, 0.40), ("Manchester", 0.20, 0.22), ("Leeds", 0.17, 0.18), ("Glasgow", 0.13, 0.10),
    ("Cardiff", 0.11, 0.10), ("Belfast", 0.05, 0.05),
)
SMALL_SITE = "Belfast"
# (topic, supply weight among juniors, demand weight among seniors): "AI tools" is scarce.
TOPICS: tuple[tuple[str, float, float], ...] = (
    ("AI tools", 0.45, 3.0), ("Social media", 2.0, 1.1), ("Data literacy", 1.0, 1.6),
    ("Cybersecurity", 0.5, 1.1), ("Remote collaboration", 1.4, 0.8),
    ("Gen Z workplace expectations", 2.0, 1.5), ("Inclusion & lived experience", 1.4, 1.3),
    ("Sustainability", 1.0, 0.7), ("Mobile & apps", 1.5, 0.5), ("Automation", 0.7, 1.3),
    ("Neurodiversity", 0.6, 0.8), ("Content creation", 1.6, 0.4),
)
UNOFFERED_TOPIC = "Web3 & blockchain"  # wanted by a few, offered by nobody
# department -> {topic: multiplier on the chance a junior there offers it}
TOPIC_AFFINITY: Mapping[str, Mapping[str, float]] = MappingProxyType({
    "Technology": {"AI tools": 3.0, "Cybersecurity": 3.0, "Automation": 2.5, "Data literacy": 2.0,
                   "Mobile & apps": 1.5},
    "Marketing": {"Social media": 2.5, "Content creation": 3.0},
    "People": {"Inclusion & lived experience": 2.5, "Neurodiversity": 2.5, "Gen Z workplace expectations": 1.5},
    "Finance": {"Data literacy": 2.0, "Automation": 1.5},
    "Customer Service": {"Social media": 1.3, "Remote collaboration": 1.5},
    "Operations": {"Sustainability": 2.0, "Automation": 1.5},
    "Legal": {"Cybersecurity": 1.5},
    "Sales": {"Social media": 1.5, "Mobile & apps": 1.5},
})
HOBBIES = (
    "Running", "Football", "Cooking", "Gaming", "Photography", "Hiking", "Reading", "Music", "Yoga",
    "Cycling", "Gardening", "Travel", "Board games", "Climbing", "Film", "Podcasts", "Volunteering",
    "Baking", "Swimming", "Art",
)
GENDERS = ("Female", "Male", "Non-binary", "Prefer not to say")
ETHNICITIES = ("White", "Asian", "Black", "Mixed", "Other", "Prefer not to say")
AGE_BANDS = ((25, "16-24"), (35, "25-34"), (45, "35-44"), (55, "45-54"), (65, "55-64"), (200, "65+"))
FIRST_NAMES: Mapping[tuple[str, str], tuple[str, ...]] = MappingProxyType({
    ("F", "White"): ("Olivia", "Emily", "Sophie", "Charlotte", "Hannah", "Lucy", "Rebecca", "Claire", "Sarah",
                     "Laura", "Emma", "Jessica", "Rachel", "Katie", "Megan", "Eleanor", "Fiona", "Catherine",
                     "Helen", "Joanne", "Siobhan", "Cerys"),
    ("M", "White"): ("James", "Oliver", "Thomas", "Jack", "Harry", "George", "Daniel", "Matthew", "Andrew", "David",
                     "Michael", "Christopher", "Richard", "Paul", "Mark", "Stephen", "Callum", "Ewan", "Rhys",
                     "Owen", "Ciaran", "Gareth"),
    ("F", "Asian"): ("Priya", "Aisha", "Fatima", "Ayesha", "Anjali", "Sana", "Nadia", "Zara", "Mei", "Hina",
                     "Simran", "Kavya"),
    ("M", "Asian"): ("Mohammed", "Arjun", "Rahul", "Imran", "Hamza", "Sanjay", "Ravi", "Amir", "Wei", "Bilal",
                     "Vikram", "Hassan"),
    ("F", "Black"): ("Amara", "Chioma", "Grace", "Abena", "Folake", "Naomi", "Adaeze", "Tanisha", "Esi", "Zainab"),
    ("M", "Black"): ("Kwame", "Chidi", "Tunde", "Emmanuel", "Kofi", "Jerome", "Marcus", "Obinna", "Samuel",
                     "Dwayne"),
    ("N", "any"): ("Alex", "Sam", "Jordan", "Charlie", "Robin", "Jamie", "Taylor", "Morgan", "Riley", "Ash"),
})
LAST_NAMES: Mapping[str, tuple[str, ...]] = MappingProxyType({
    "White": ("Smith", "Jones", "Taylor", "Brown", "Williams", "Wilson", "Johnson", "Davies", "Robinson", "Wright",
              "Thompson", "Evans", "Walker", "White", "Roberts", "Green", "Hall", "Wood", "Jackson", "Clarke",
              "Campbell", "Murray", "MacDonald", "Hughes", "Edwards", "O'Brien", "Kelly", "Morgan"),
    "Asian": ("Patel", "Khan", "Singh", "Ahmed", "Hussain", "Shah", "Begum", "Ali", "Sharma", "Chen", "Wang", "Li",
              "Kaur", "Iqbal", "Rahman", "Gupta"),
    "Black": ("Okafor", "Mensah", "Adeyemi", "Boateng", "Osei", "Campbell", "Williams", "Johnson", "Eze", "Okoye",
              "Asante", "Bello", "Francis", "Clarke"),
})
EMAIL_DOMAIN = "demo-org.example"
EXCLUSION_REASONS = (
    "known conflict", "previous grievance", "close relatives", "former line manager",
    "already mentoring informally", "same project team",
)
MFQ_ITEMS = tuple(f"mfq{i}" for i in range(1, 10))
PROGRAMME_DAYS = 183
MODULES: Mapping[str, str] = MappingProxyType({"mentor": "mentor_training", "mentee": "mentee_briefing"})
COMMENTS: Mapping[str, tuple[str, ...]] = MappingProxyType({
    "good": ("Really valuable conversations so far.", "Learning a lot from how my partner works.",
             "Great rapport; we meet every month.", "Genuinely curious and open conversations.",
             "Eye-opening session on how younger colleagues use tools.",
             "We've agreed a small experiment to try in my team."),
    "mixed": ("Finding time is hard but we're managing.", "Going okay; still working out what to focus on.",
              "Had to reschedule twice.", "Useful but a bit unstructured."),
    "poor": ("We haven't managed to meet since the kickoff.", "Diaries keep clashing; not much progress.",
             "Not sure this pairing is a good fit.", "Feels like a box-ticking exercise."),
    "ended": ("We've agreed to end the pairing early.",),
})
MAX_LEVELS = len(GRADE_ORDER)  # a manager is always senior, so no deeper than the grades allow
LEVEL_GROWTH = (5.0, 4.5, 3.5, 2.5, 1.6, 1.5)  # head-count ratio level L+1 : L, from level 1 down


# --------------------------------------------------------------------------- public types


@dataclass(frozen=True, eq=False)
class DemoOrg:
    """A synthetic organisation: HR roster, sign-ups, exclusions and locks in the loaders' clean format.

    ``grade_rank`` is 1 for the first (most junior) code of ``grade_order``, as the loaders rank.
    """

    roster: pd.DataFrame
    participants: pd.DataFrame
    exclusions: pd.DataFrame
    locks: pd.DataFrame
    grade_order: tuple[str, ...]
    start_date: date


@dataclass(frozen=True, eq=False)
class DemoActivity:
    """Six months of simulated programme activity, one frame per input kind (contract columns)."""

    meetings: pd.DataFrame
    checkins: pd.DataFrame
    assessments: pd.DataFrame
    training: pd.DataFrame
    agreements: pd.DataFrame


@dataclass(frozen=True, eq=False)
class _Tree:
    """The reporting tree as arrays over employees in level order (node 0 is the CEO)."""

    parent: np.ndarray  # int64, -1 for the root
    level: np.ndarray  # int64, 0 for the root
    height: np.ndarray  # int64, longest path down to a leaf
    dept: np.ndarray  # int64 code into DEPARTMENTS; -1 for the CEO's office
    site: np.ndarray  # int64 code into SITES


@dataclass(frozen=True, eq=False)
class _People:
    """Per-employee attributes (arrays aligned with the tree's nodes)."""

    rank: np.ndarray
    age: np.ndarray
    gender: np.ndarray  # codes into GENDERS
    ethnicity: np.ndarray  # codes into ETHNICITIES
    hire: np.ndarray  # datetime64[D]
    promoted: np.ndarray  # datetime64[D], NaT if never
    engagement: np.ndarray  # latent: drives sign-up, retention and promotion


@dataclass(frozen=True, eq=False)
class _SignUps:
    """The chosen sign-ups: node indices, roles and their list answers (sign-up order)."""

    node: np.ndarray
    role: np.ndarray  # str: mentor / mentee / either
    offers: list[list[str]]
    wants: list[list[str]]
    remote_ok: np.ndarray
    consent: np.ndarray
    capacity: np.ndarray


# --------------------------------------------------------------------------- the roster


def _level_sizes(n: int) -> list[int]:
    """Head-count per level: CEO, one head per department, then a pyramid that fits in MAX_LEVELS.

    Growth per level shrinks with depth (fewer managers lower down) and is scaled up for
    big organisations so the tree never needs more levels than there are grades.
    """
    for scale in np.arange(1.0, 8.0, 0.1):
        sizes = [1, len(DEPARTMENTS)]
        while sum(sizes) < n and len(sizes) < MAX_LEVELS:
            growth = min(LEVEL_GROWTH[min(len(sizes) - 2, len(LEVEL_GROWTH) - 1)] * scale, 8.0)
            sizes.append(int(round(sizes[-1] * growth)))
        if sum(sizes) >= n:
            break
    sizes[-1] -= sum(sizes) - n
    if sizes[-1] < 3:  # too few for a team of their own: fold into the level above
        sizes[-2] += sizes.pop()
    return sizes


def _spans(rng: np.random.Generator, n_children: int, n_parents: int, min_k: int = 1) -> np.ndarray:
    """Managers' spans of control: 3-9 each, summing to ``n_children``, varied by team."""
    k = int(np.clip(round(n_children / 5.5), -(-n_children // 9), min(n_parents, n_children // 3)))
    k = max(k, min(min_k, n_parents, n_children // 3))
    spans = np.full(k, 3, dtype=np.int64)
    weights = rng.gamma(2.0, 1.0, size=k)
    left = n_children - 3 * k
    while left > 0:
        room = 9 - spans
        w = np.where(room > 0, weights, 0.0)
        add = np.minimum(rng.multinomial(left, w / w.sum()), room)
        spans += add
        left -= int(add.sum())
    return spans


def _pick_weighted(rng: np.random.Generator, weights: np.ndarray, k: int) -> np.ndarray:
    """Indices of ``k`` items drawn without replacement with probability ~ weight (Gumbel top-k)."""
    keys = np.where(weights > 0, np.log(np.maximum(weights, 1e-300)) + rng.gumbel(size=len(weights)), -np.inf)
    return np.sort(np.argsort(-keys, kind="stable")[:k])


def _grow_tree(rng: np.random.Generator, n: int) -> _Tree:
    """A reporting tree of ``n`` people grown level by level, departments steered to their target shares."""
    sizes = _level_sizes(n)
    dept_target = np.array([s for _, s in DEPARTMENTS])
    site_share = np.array([s for _, s, _ in SITES])
    heads = len(DEPARTMENTS)
    parent, level = [np.array([-1])], [np.array([0])]
    dept = [np.array([-1]), np.arange(heads)]
    head_site = np.where(rng.random(heads) < 0.75, 0, rng.choice(len(SITES), heads, p=site_share))
    site = [np.array([0]), head_site]  # the CEO and most department heads sit in London
    parent.append(np.zeros(len(DEPARTMENTS), dtype=np.int64))
    level.append(np.ones(len(DEPARTMENTS), dtype=np.int64))
    offset = 1
    for lvl in range(1, len(sizes) - 1):
        here_dept, here_site = dept[lvl], site[lvl]
        have = np.bincount(here_dept, minlength=len(DEPARTMENTS)) / len(here_dept)
        w = dept_target[here_dept] / have[here_dept]
        spans = _spans(rng, sizes[lvl + 1], sizes[lvl], min_k=sizes[lvl] if lvl == 1 else 1)
        managers = _pick_weighted(rng, w, len(spans))
        kids = np.repeat(managers[rng.permutation(len(spans))], spans)
        parent.append(offset + kids)
        level.append(np.full(len(kids), lvl + 1))
        dept.append(here_dept[kids])
        stay = rng.random(len(kids)) < 0.6  # most teams sit with their manager
        site.append(np.where(stay, here_site[kids], _steered_draw(rng, site_share, here_site[kids])))
        offset += sizes[lvl]
    parent_a = np.concatenate(parent).astype(np.int64)
    level_a = np.concatenate(level).astype(np.int64)
    return _Tree(parent_a, level_a, _heights(parent_a, level_a), np.concatenate(dept).astype(np.int64),
                 np.concatenate(site).astype(np.int64))


def _steered_draw(rng: np.random.Generator, target: np.ndarray, current: np.ndarray) -> np.ndarray:
    """Codes drawn so that, mixed with ``current``, the shares drift towards ``target``."""
    have = np.bincount(current, minlength=len(target)) / max(len(current), 1)
    p = np.maximum(target - 0.6 * have, 0.0) + 1e-3
    return rng.choice(len(target), len(current), p=p / p.sum())


def _heights(parent: np.ndarray, level: np.ndarray) -> np.ndarray:
    """Longest path from each node down to a leaf (a manager needs at least this many grades below)."""
    height = np.zeros(len(parent), dtype=np.int64)
    for lvl in range(int(level.max()), 0, -1):
        kids = np.flatnonzero(level == lvl)
        np.maximum.at(height, parent[kids], height[kids] + 1)
    return height


def _ancestors(parent: np.ndarray, depth: int) -> np.ndarray:
    """Matrix of each node's managers 1..depth levels up (-1 past the root)."""
    anc = np.full((len(parent), depth), -1, dtype=np.int64)
    if depth == 0:
        return anc
    anc[:, 0] = parent
    for j in range(1, depth):
        prev = anc[:, j - 1]
        anc[:, j] = np.where(prev >= 0, parent[np.maximum(prev, 0)], -1)
    return anc


def _grades(rng: np.random.Generator, tree: _Tree) -> np.ndarray:
    """Grade ranks: seniority score mapped to the target grade mix, then every manager above their reports."""
    n = len(tree.parent)
    score = -tree.level + 0.6 * tree.height + rng.normal(0.0, 1.1, size=n)
    cum = np.cumsum(GRADE_SHARE) / sum(GRADE_SHARE)
    pos = np.empty(n)
    pos[np.argsort(score, kind="stable")] = (np.arange(n) + 0.5) / n
    rank = np.searchsorted(cum, pos).astype(np.int64)
    rank[0] = len(GRADE_ORDER) - 1
    for lvl in range(1, int(tree.level.max()) + 1):
        nodes = np.flatnonzero(tree.level == lvl)
        cap = rank[tree.parent[nodes]] - 1
        rank[nodes] = np.clip(np.minimum(rank[nodes], cap), tree.height[nodes], None)
    return rank


def _demographics(rng: np.random.Generator, tree: _Tree, rank: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Age, gender and ethnicity codes: seniors older, more often male and white (a realistic skew)."""
    n = len(rank)
    age = np.clip(np.round(21 + 3.4 * rank + rng.gamma(2.0, 3.0, size=n) - 3 + rng.normal(0, 3, size=n)), 18, 67)
    age[0] = max(age[0], 52)
    p_female = 0.56 - 0.03 * rank
    p_nb = np.where(rank < 4, 0.015, 0.003)
    u = rng.random(n)
    gender = np.select([u < 0.02, u < 0.02 + p_nb, u < 0.02 + p_nb + p_female], [3, 2, 0], 1)
    site_diverse = np.array([m for _, _, m in SITES])[tree.site]
    p_min = site_diverse * np.clip(1.0 - 0.07 * rank, 0.25, 1.0)
    u = rng.random(n)
    minority = rng.choice([1, 2, 3, 4], size=n, p=[0.5, 0.25, 0.15, 0.10])
    ethnicity = np.select([u < 0.03, u < 0.03 + p_min], [5, minority], 0)
    return age.astype(np.int64), gender.astype(np.int64), ethnicity.astype(np.int64)


def _days(years: np.ndarray) -> np.ndarray:
    """Years as whole days (timedelta64[D])."""
    return np.round(np.asarray(years) * 365.25).astype("timedelta64[D]")


def _history(rng: np.random.Generator, rank: np.ndarray, age: np.ndarray,
             start: np.datetime64) -> tuple[np.ndarray, np.ndarray]:
    """Hire dates (juniors recent, seniors long-serving) and the last promotion before the start."""
    n = len(rank)
    tenure = np.minimum(rng.gamma(1.6, 0.8 + 0.55 * rank), np.maximum(age - 18.2, 0.1))
    tenure = np.maximum(tenure, 0.05)
    hire = start - _days(tenure)
    promoted_before = (rng.random(n) < 1 - np.exp(-tenure / 2.5)) & (rank > 0)
    since = tenure * rng.beta(1.2, 2.5, size=n)  # recent promotions are more common
    promoted = np.where(promoted_before, start - _days(since), np.datetime64("NaT"))
    return hire.astype("datetime64[D]"), promoted.astype("datetime64[D]")


def _people(rng: np.random.Generator, tree: _Tree, start: np.datetime64) -> _People:
    """Everyone's grade, demographics, history and latent engagement."""
    rank = _grades(rng, tree)
    age, gender, ethnicity = _demographics(rng, tree, rank)
    hire, promoted = _history(rng, rank, age, start)
    return _People(rank, age, gender, ethnicity, hire, promoted, rng.normal(size=len(rank)))


def _age_band(age: np.ndarray) -> np.ndarray:
    """Age in years -> band label."""
    edges = np.array([e for e, _ in AGE_BANDS[:-1]])
    labels = np.array([b for _, b in AGE_BANDS], dtype=object)
    return labels[np.searchsorted(edges, age, side="right")]


# --------------------------------------------------------------------------- sign-ups


def _role_weights(tree: _Tree, ppl: _People) -> dict[str, np.ndarray]:
    """Sign-up propensity per role: juniors (young) mentor, seniors are mentored, the middle does either."""
    eng = np.exp(0.5 * ppl.engagement)
    young = np.select([ppl.age < 30, ppl.age < 40], [2.0, 1.0], 0.3)
    small = tree.site == _site_code(SMALL_SITE)
    mentor = np.where((ppl.rank <= MENTOR_MAX_RANK) & ~small, np.exp(-0.3 * ppl.rank) * young * eng, 0.0)
    either = np.where(np.isin(ppl.rank, EITHER_RANKS) & ~small, young * eng, 0.0)
    mentee = np.where(ppl.rank >= MENTEE_MIN_RANK, np.exp(1.0 * (ppl.rank - MENTEE_MIN_RANK)) * eng, 0.0)
    return {"mentor": mentor, "mentee": mentee, "either": either}


def _site_code(name: str) -> int:
    """Index of a site in SITES."""
    return [s for s, _, _ in SITES].index(name)


def _choose_signups(rng: np.random.Generator, tree: _Tree, ppl: _People,
                    counts: dict[str, int]) -> tuple[np.ndarray, np.ndarray]:
    """Node indices and roles of the sign-ups, in a shuffled sign-up order."""
    weights = _role_weights(tree, ppl)
    taken = np.zeros(len(ppl.rank), dtype=bool)
    nodes, roles = [], []
    for role in ("mentee", "either", "mentor"):
        w = np.where(taken, 0.0, weights[role])
        if counts[role] > np.count_nonzero(w):
            raise ValueError(
                f"cannot draw {counts[role]} {role}s from {len(taken)} employees "
                f"(only {np.count_nonzero(w)} eligible); raise n_employees"
            )
        pick = _pick_weighted(rng, w, counts[role])
        taken[pick] = True
        nodes.append(pick)
        roles.append(np.full(len(pick), role, dtype=object))
    node, role = np.concatenate(nodes), np.concatenate(roles)
    order = rng.permutation(len(node))
    return node[order], role[order]


def _ranked_topics(rng: np.random.Generator, weights: np.ndarray, counts: np.ndarray) -> list[list[str]]:
    """Per row, ``counts[i]`` distinct topics drawn by weight; the draw order is the priority order."""
    if len(counts) == 0:
        return []
    keys = np.log(weights) + rng.gumbel(size=weights.shape)
    order = np.argsort(-keys, axis=1, kind="stable")
    names = [t for t, _, _ in TOPICS]
    return [[names[j] for j in row[:k]] for row, k in zip(order.tolist(), counts.tolist())]


def _offer_weights(dept: np.ndarray) -> np.ndarray:
    """Rows of topic weights for offers: base supply times the department's affinity."""
    base = np.array([s for _, s, _ in TOPICS])
    table = np.ones((len(DEPARTMENTS) + 1, len(TOPICS)))
    names = [t for t, _, _ in TOPICS]
    for d, (dname, _) in enumerate(DEPARTMENTS):
        for topic, mult in TOPIC_AFFINITY.get(dname, {}).items():
            table[d, names.index(topic)] = mult
    return base * table[dept]  # dept -1 (CEO office) takes the last, neutral row


def _topic_lists(rng: np.random.Generator, role: np.ndarray,
                 dept: np.ndarray) -> tuple[list[list[str]], list[list[str]]]:
    """Offers for mentors and either, wants (by priority) for mentees and either."""
    n = len(role)
    gives = role != "mentee"
    takes = role != "mentor"
    n_offers = np.where(role == "mentor", rng.choice([1, 2, 3, 4], n, p=[0.25, 0.35, 0.25, 0.15]),
                        rng.choice([1, 2, 3], n, p=[0.4, 0.4, 0.2]))
    n_wants = np.where(role == "mentee", rng.choice([1, 2, 3, 4], n, p=[0.25, 0.4, 0.25, 0.10]),
                       rng.choice([1, 2, 3], n, p=[0.4, 0.4, 0.2]))
    offers_w = _offer_weights(dept)
    wants_w = np.tile(np.array([d for _, _, d in TOPICS]), (n, 1))
    offers = _ranked_topics(rng, offers_w, np.where(gives, n_offers, 0))
    wants = _ranked_topics(rng, wants_w, np.where(takes, n_wants, 0))
    return offers, wants


def _hobbies(rng: np.random.Generator, n: int) -> list[list[str]]:
    """0-4 hobbies each."""
    counts = rng.choice([0, 1, 2, 3, 4], size=n, p=[0.15, 0.25, 0.3, 0.2, 0.1])
    order = np.argsort(rng.random((n, len(HOBBIES))), axis=1)
    return [[HOBBIES[j] for j in row[:k]] for row, k in zip(order.tolist(), counts.tolist())]


def _signups(rng: np.random.Generator, tree: _Tree, ppl: _People, counts: dict[str, int]) -> _SignUps:
    """Who signed up, as what, and their answers (before the hand-placed special cases)."""
    node, role = _choose_signups(rng, tree, ppl, counts)
    offers, wants = _topic_lists(rng, role, tree.dept[node])
    n = len(node)
    remote_ok = rng.random(n) >= 0.12
    consent = np.ones(n, dtype=bool)
    capacity = np.where(role == "mentor", rng.choice([1, 2, 3], n, p=[0.55, 0.38, 0.07]), 1).astype(np.int64)
    return _SignUps(node, role, offers, wants, remote_ok, consent, capacity)


def _special_cases(rng: np.random.Generator, tree: _Tree, su: _SignUps) -> set[int]:
    """Plant the hard cases (in place): unoffered wants, a stranded local-only person, no-consent.

    Returns the sign-up positions that must stay as planted (not reused for other cases).
    """
    protected: set[int] = set()
    mentees = [i for i in range(len(su.node)) if su.role[i] == "mentee"]
    if len(mentees) >= 10:
        picks = rng.choice(mentees, size=2 if len(mentees) >= 40 else 1, replace=False)
        for i in picks.tolist():  # their only wish is a topic nobody offers
            su.wants[i] = [UNOFFERED_TOPIC]
            protected.add(i)
        for i in rng.choice(mentees, size=max(1, len(mentees) // 50), replace=False).tolist():
            if i not in protected and UNOFFERED_TOPIC not in su.wants[i]:
                su.wants[i].append(UNOFFERED_TOPIC)  # a low-priority wish that cannot be met
    protected |= _strand_at_small_site(rng, tree, su, mentees, protected)
    free = np.array([i for i in range(len(su.node)) if i not in protected], dtype=np.int64)
    if len(free):
        no = rng.choice(free, size=max(1, round(0.03 * len(su.node))), replace=False)
        su.consent[no] = False
        protected |= set(no.tolist())
    return protected


def _strand_at_small_site(rng: np.random.Generator, tree: _Tree, su: _SignUps, mentees: list[int],
                          protected: set[int]) -> set[int]:
    """A mentee at the small site who will not meet remotely: no mentor is based there (no partner)."""
    if not mentees:
        return set()
    small = _site_code(SMALL_SITE)
    local = [i for i in mentees if tree.site[su.node[i]] == small and i not in protected]
    if local:
        i = int(rng.choice(local))
    else:
        i = int(rng.choice([m for m in mentees if m not in protected]))
        tree.site[su.node[i]] = small  # relocate (roster and sign-up stay consistent)
    su.remote_ok[i] = False
    su.consent[i] = True
    return {i}


def _line_pairs(rng: np.random.Generator, tree: _Tree, su: _SignUps, anc: np.ndarray,
                protected: set[int]) -> list[tuple[int, int]]:
    """Second a few mentors to another department so they pass every rule but the reporting line.

    Picks mentors whose manager 1-3 levels up signed up as a mentee, moves the mentor to a
    different department than that mentee, and makes them share a topic. Returns the
    (mentor position, mentee position) pairs.
    """
    pos_of = np.full(len(tree.parent), -1, dtype=np.int64)
    pos_of[su.node] = np.arange(len(su.node))
    is_mentee = np.zeros(len(tree.parent), dtype=bool)
    ok = np.array([su.role[i] == "mentee" and su.consent[i] and i not in protected for i in range(len(su.node))])
    is_mentee[su.node[ok]] = True
    mentors = np.array([i for i in range(len(su.node)) if su.role[i] == "mentor" and su.consent[i]
                        and i not in protected], dtype=np.int64)
    if len(mentors) == 0:
        return []
    up = anc[su.node[mentors], :3]
    hit = (up >= 0) & is_mentee[np.maximum(up, 0)]
    rows = np.flatnonzero(hit.any(axis=1))
    take = rng.choice(rows, size=min(len(rows), max(2, len(mentors) // 60)), replace=False) if len(rows) else rows
    pairs = []
    for r in np.sort(take).tolist():
        m = int(mentors[r])
        e = int(pos_of[up[r, int(np.argmax(hit[r]))]])
        others = [d for d in range(len(DEPARTMENTS)) if d not in (tree.dept[su.node[m]], tree.dept[su.node[e]])]
        tree.dept[su.node[m]] = int(rng.choice(others))
        if su.wants[e][0] not in su.offers[m]:
            su.offers[m].insert(0, su.wants[e][0])
        su.remote_ok[[m, e]] = True
        pairs.append((m, e))
    return pairs


def _preferences(rng: np.random.Generator, su: _SignUps, ids: np.ndarray) -> list[list[str]]:
    """Ranked person_ids of the other side for ~30%: people who offer (or want) their first topic."""
    n = len(su.node)
    givers = np.array([r != "mentee" for r in su.role])
    takers = np.array([r != "mentor" for r in su.role])
    by_offer = _topic_index(su.offers, givers)
    by_want = _topic_index(su.wants, takers)
    has = rng.random(n) < 0.3
    k = rng.integers(2, 6, size=n)
    side = rng.random(n)
    draws = rng.random((n, 5))
    out: list[list[str]] = [[] for _ in range(n)]
    for i in np.flatnonzero(has).tolist():
        if su.role[i] == "mentor" or (su.role[i] == "either" and side[i] < 0.5):
            pool = by_want.get(su.offers[i][0], np.flatnonzero(takers)) if su.offers[i] else np.flatnonzero(takers)
        else:
            first = su.wants[i][0] if su.wants[i] else ""
            pool = by_offer.get(first, np.flatnonzero(givers))
        pool = pool[pool != i]
        if len(pool) == 0:
            continue
        picks = (draws[i] * len(pool)).astype(np.int64)
        chosen = list(dict.fromkeys(pool[picks].tolist()))[: k[i]]
        out[i] = [str(ids[j]) for j in chosen]
    return out


def _topic_index(lists: list[list[str]], mask: np.ndarray) -> dict[str, np.ndarray]:
    """topic -> positions (within mask) whose list names it."""
    index: dict[str, list[int]] = {}
    for i in np.flatnonzero(mask).tolist():
        for t in lists[i]:
            index.setdefault(t, []).append(i)
    return {t: np.array(v, dtype=np.int64) for t, v in index.items()}


def _names(rng: np.random.Generator, gender: np.ndarray, ethnicity: np.ndarray) -> tuple[list[str], list[str]]:
    """Plausible full names and unique e-mail addresses, drawn from small built-in lists."""
    n = len(gender)
    eth_name = np.array(ETHNICITIES, dtype=object)[ethnicity]
    group = np.where(np.isin(eth_name, ("White", "Asian", "Black")), eth_name,
                     np.array(["White", "Asian", "Black"], dtype=object)[rng.choice(3, n, p=[0.5, 0.3, 0.2])])
    other = np.where(rng.random(n) < 0.5, "N", np.where(rng.random(n) < 0.5, "F", "M"))  # non-binary, unsaid
    sex = np.select([gender == 0, gender == 1], ["F", "M"], other)
    u1, u2 = rng.random(n), rng.random(n)
    first, last = [], []
    for i in range(n):
        pool = FIRST_NAMES[("N", "any")] if sex[i] == "N" else FIRST_NAMES[(sex[i], group[i])]
        first.append(pool[int(u1[i] * len(pool))])
        lasts = LAST_NAMES[group[i]]
        last.append(lasts[int(u2[i] * len(lasts))])
    full = [f"{a} {b}" for a, b in zip(first, last)]
    local = pd.Series([f"{a}.{b}".lower().replace("'", "").replace(" ", "") for a, b in zip(first, last)])
    seq = local.groupby(local).cumcount()
    emails = [f"{loc}{'' if s == 0 else s + 1}@{EMAIL_DOMAIN}" for loc, s in zip(local, seq)]
    return full, emails


# --------------------------------------------------------------------------- outcomes


def _outcomes(rng: np.random.Generator, ppl: _People, joined: np.ndarray,
              start: np.datetime64) -> tuple[np.ndarray, np.ndarray]:
    """Exit dates (~13% leave within a year; young juniors more) and promotions in the year after the start.

    Joining the programme truly lowers the leaving hazard (x0.85) and raises promotion (x1.2);
    sign-ups are also more engaged to begin with, which does the same, so naive comparisons
    overstate the effect.
    """
    n = len(ppl.rank)
    tenure = (start - ppl.hire).astype(np.int64) / 365.25
    mult = (np.exp(-0.35 * ppl.engagement)
            * np.select([ppl.age < 25, ppl.age < 30, ppl.age >= 58], [1.8, 1.3, 1.3], 1.0)
            * np.where(ppl.rank <= 1, 1.3, 1.0) * np.where(tenure < 1, 1.4, 1.0) * np.where(joined, 0.85, 1.0))
    mult[0] = 0.0  # the CEO stays for the demo
    lam = -np.log(1 - 0.13) / mult.mean() * mult
    t_exit = rng.exponential(1.0, n) / np.maximum(lam, 1e-12)
    exit_date = np.where(t_exit < 1.0, start + _days(np.maximum(t_exit, 1 / 365)), np.datetime64("NaT"))
    pm = (np.exp(0.25 * ppl.engagement) * np.where(joined, 1.2, 1.0)
          * np.where(ppl.rank >= len(GRADE_ORDER) - 2, 0.3, 1.0))
    pm[ppl.rank == len(GRADE_ORDER) - 1] = 0.0
    lam_p = 0.10 / pm.mean() * pm
    t_pro = rng.exponential(1.0, n) / np.maximum(lam_p, 1e-12)
    pro_date = start + _days(np.maximum(t_pro, 1 / 365))
    promoted_now = (t_pro < 1.0) & ((t_pro < t_exit) | (t_exit >= 1.0))
    promoted = np.where(promoted_now, pro_date, ppl.promoted)
    return exit_date.astype("datetime64[D]"), promoted.astype("datetime64[D]")


# --------------------------------------------------------------------------- frames


def _rows(n: int) -> pd.Index:
    """Spreadsheet row numbers (header = 1) as the frame index."""
    return pd.RangeIndex(2, n + 2, name="row")


def _table(columns: dict[str, object], n: int) -> pd.DataFrame:
    """A frame indexed by spreadsheet row; object arrays stay object (pandas would infer ``str``)."""
    index = _rows(n)
    data = {
        name: pd.Series(values, index=index, dtype=object)
        if isinstance(values, np.ndarray) and values.dtype == object else pd.Series(values, index=index)
        for name, values in columns.items()
    }
    return pd.DataFrame(data, index=index)


def _obj(values: Sequence[object] | np.ndarray) -> np.ndarray:
    """An object array of Python values (str/None), as the loaders return text."""
    out = np.empty(len(values), dtype=object)
    out[:] = [None if v is None else v for v in values]
    return out


def _ns(values: np.ndarray) -> pd.Series | np.ndarray:
    """datetime64[D] -> datetime64[ns]."""
    return np.asarray(values, dtype="datetime64[D]").astype("datetime64[ns]")


def _person_ids(rng: np.random.Generator, hire: np.ndarray) -> np.ndarray:
    """Employee numbers in hiring order (ties broken at random), e.g. E00042."""
    n = len(hire)
    order = np.lexsort((rng.random(n), hire.astype(np.int64)))
    width = max(5, len(str(n)))
    ids = np.empty(n, dtype=object)
    ids[order] = [f"E{i + 1:0{width}d}" for i in range(n)]
    return ids


def _roster_frame(tree: _Tree, ppl: _People, ids: np.ndarray, exit_date: np.ndarray,
                  promoted: np.ndarray) -> tuple[pd.DataFrame, np.ndarray]:
    """The roster in the loaders' clean format, sorted by person_id; also the node order used."""
    order = np.argsort(ids.astype(str), kind="stable")
    mgr = np.where(tree.parent >= 0, ids[np.maximum(tree.parent, 0)], None)
    dept_names = np.array([CEO_DEPARTMENT] + [d for d, _ in DEPARTMENTS], dtype=object)
    frame = _table(
        {
            "person_id": _obj(ids[order]),
            "email": _obj([None] * len(order)),  # the demo ties sign-ups to the roster by person_id
            "manager_id": _obj(mgr[order]),
            "department": _obj(dept_names[tree.dept[order] + 1]),
            "grade": _obj(np.array(GRADE_ORDER, dtype=object)[ppl.rank[order]]),
            "grade_rank": ppl.rank[order].astype(np.int64) + 1,  # 1 = most junior, as the loaders rank
            "location": _obj(np.array([s for s, _, _ in SITES], dtype=object)[tree.site[order]]),
            "hire_date": _ns(ppl.hire[order]),
            "exit_date": _ns(exit_date[order]),
            "last_promotion_date": _ns(promoted[order]),
            "gender": _obj(np.array(GENDERS, dtype=object)[ppl.gender[order]]),
            "ethnicity": _obj(np.array(ETHNICITIES, dtype=object)[ppl.ethnicity[order]]),
            "age_band": _obj(_age_band(ppl.age[order])),
        },
        len(order),
    )
    return frame, order


def _participants_frame(rng: np.random.Generator, su: _SignUps, roster: pd.DataFrame, node_row: np.ndarray,
                        ppl: _People, ids: np.ndarray) -> pd.DataFrame:
    """The sign-ups in the loaders' clean format, consistent with the roster."""
    r = roster.iloc[node_row[su.node]]
    names, emails = _names(rng, ppl.gender[su.node], ppl.ethnicity[su.node])
    n = len(su.node)
    frame = _table(
        {
            "person_id": _obj(r["person_id"].tolist()),
            "name": _obj(names),
            "email": _obj(emails),
            "role": _obj(list(su.role)),
            "department": _obj(r["department"].tolist()),
            "manager_id": _obj(r["manager_id"].tolist()),
            "grade": _obj(r["grade"].tolist()),
            "grade_rank": r["grade_rank"].to_numpy(dtype=np.int64),
            "location": _obj(r["location"].tolist()),
            "remote_ok": su.remote_ok.astype(bool),
            "offers": _obj([list(x) for x in su.offers]),
            "wants": _obj([list(x) for x in su.wants]),
            "interests": _obj(_hobbies(rng, n)),
            "capacity": su.capacity.astype(np.int64),
            "consent": su.consent.astype(bool),
            "gender": _obj(r["gender"].tolist()),
            "ethnicity": _obj(r["ethnicity"].tolist()),
            "age_band": _obj(r["age_band"].tolist()),
            "preferences": _obj(_preferences(rng, su, ids[su.node])),
            # each side's capacity, as the matcher reads them: 'either' people are a mentee once
            "mentor_capacity": pd.array(np.where(su.role == "mentee", 0, su.capacity), dtype="Int64"),
            "mentee_capacity": pd.array(np.where(su.role == "mentor", 0, np.where(su.role == "either", 1, su.capacity)),
                                        dtype="Int64"),  # optional whole numbers load as nullable Int64
            "roster_id": _obj(r["person_id"].tolist()),
            "profession": _obj([None] * n),
            "characteristics": _obj([[] for _ in range(n)]),
            "identity": _obj([[] for _ in range(n)]),
            "identity_opt_in": np.zeros(n, dtype=bool),
        },
        n,
    )
    return frame


def _exclusions(rng: np.random.Generator, parts: pd.DataFrame) -> pd.DataFrame:
    """A handful of mentor-mentee pairs that would otherwise be plausible, with reasons."""
    want = 6 + len(parts) // 500
    mentors = parts[(parts["role"] != "mentee") & parts["consent"]]
    mentees = parts[(parts["role"] != "mentor") & parts["consent"]]
    rows: list[dict[str, str]] = []
    seen: set[tuple[str, str]] = set()
    by_offer = _offer_lookup(mentors)
    for e in mentees.sample(frac=1.0, random_state=rng.integers(2**31)).itertuples():
        pool = by_offer.get(e.wants[0], []) if e.wants else []
        pool = [m for m in pool
                if mentors.at[m, "department"] != e.department and mentors.at[m, "person_id"] != e.person_id]
        if not pool:
            continue
        m = pool[int(rng.integers(len(pool)))]
        key = (str(mentors.at[m, "person_id"]), str(e.person_id))
        if key in seen:
            continue
        seen.add(key)
        rows.append({"person_a": key[0], "person_b": key[1], "reason": str(rng.choice(EXCLUSION_REASONS))})
        if len(rows) >= want:
            break
    return _frame(rows, ["person_a", "person_b", "reason"])


def _offer_lookup(mentors: pd.DataFrame) -> dict[str, list]:
    """topic -> row labels of the mentors who offer it."""
    out: dict[str, list] = {}
    for label, offers in zip(mentors.index, mentors["offers"]):
        for t in offers:
            out.setdefault(t, []).append(label)
    return out


def _frame(rows: list[dict], columns: list[str]) -> pd.DataFrame:
    """Rows of text as a frame with the spreadsheet row index."""
    return _table({c: _obj([r[c] for r in rows]) for c in columns}, len(rows))


def _allowed(m: pd.Series, e: pd.Series, anc_of: dict[str, set[str]], excluded: set[frozenset]) -> bool:
    """Does a mentor-mentee pair pass the default rules (consent, department, grade, topic, line, place)?"""
    return bool(
        m["consent"] and e["consent"]
        and m["department"] != e["department"]
        and e["grade_rank"] >= m["grade_rank"] + 1
        and set(m["offers"]) & set(e["wants"])
        and m["person_id"] not in anc_of[e["person_id"]] and e["person_id"] not in anc_of[m["person_id"]]
        and (m["location"] == e["location"] or (m["remote_ok"] and e["remote_ok"]))
        and frozenset((m["person_id"], e["person_id"])) not in excluded
    )


def _locks(rng: np.random.Generator, parts: pd.DataFrame, anc_of: dict[str, set[str]],
           exclusions: pd.DataFrame) -> pd.DataFrame:
    """One or two sponsor-requested pairs that the default rules allow anyway."""
    excluded = {frozenset(p) for p in zip(exclusions["person_a"], exclusions["person_b"])}
    mentors = parts[parts["role"] == "mentor"]
    mentees = parts[parts["role"] == "mentee"]
    by_offer = _offer_lookup(mentors)
    want = 2 if len(parts) >= 40 else 1
    rows: list[dict[str, str]] = []
    used: set[str] = set()
    for _, e in mentees.sample(frac=1.0, random_state=rng.integers(2**31)).iterrows():
        for label in by_offer.get(e["wants"][0], []) if e["wants"] else []:
            m = mentors.loc[label]
            if m["person_id"] not in used and _allowed(m, e, anc_of, excluded):
                rows.append({"mentor_id": m["person_id"], "mentee_id": e["person_id"]})
                used |= {m["person_id"], e["person_id"]}
                break
        if len(rows) >= want:
            break
    return _frame(rows, ["mentor_id", "mentee_id"])


def _ancestor_sets(ids: np.ndarray, anc: np.ndarray, nodes: np.ndarray) -> dict[str, set[str]]:
    """person_id -> ids of everyone above them (for the given nodes only)."""
    return {str(ids[v]): {str(ids[a]) for a in anc[v] if a >= 0} for v in nodes.tolist()}


def _counts(n_employees: int, n_mentors: int | None, n_mentees: int | None) -> dict[str, int]:
    """Sign-ups per role: ~6% mentors, ~7% mentees, plus ~6% of those again signing up as either."""
    mentors = round(0.06 * n_employees) if n_mentors is None else int(n_mentors)
    mentees = round(0.07 * n_employees) if n_mentees is None else int(n_mentees)
    if mentors < 0 or mentees < 0:
        raise ValueError("n_mentors and n_mentees must be >= 0")
    return {"mentor": mentors, "mentee": mentees, "either": round(0.06 * (mentors + mentees))}


def build_demo(
    seed: int = 0,
    n_employees: int = 3000,
    n_mentors: int | None = None,
    n_mentees: int | None = None,
    start_date: date = date(2026, 3, 2),
) -> DemoOrg:
    """A seeded synthetic organisation with sign-ups, exclusions and locks (same seed, same frames).

    ``n_mentors``/``n_mentees`` count the sign-ups whose role is exactly mentor/mentee; about 6%
    as many again sign up as ``either``. The roster holds everyone employed on ``start_date``;
    its exit and promotion dates run a year past it (outcomes for evaluation), so a notebook
    looking at an earlier date must censor them.
    """
    if n_employees < 100:
        raise ValueError("n_employees must be at least 100")
    rng = np.random.default_rng(seed)
    start = np.datetime64(start_date, "D")
    tree = _grow_tree(rng, n_employees)
    ppl = _people(rng, tree, start)
    su = _signups(rng, tree, ppl, _counts(n_employees, n_mentors, n_mentees))
    protected = _special_cases(rng, tree, su)
    anc = _ancestors(tree.parent, int(tree.level.max()))
    _line_pairs(rng, tree, su, anc, protected)
    joined = np.zeros(n_employees, dtype=bool)
    joined[su.node[su.consent]] = True
    exit_date, promoted = _outcomes(rng, ppl, joined, start)
    ids = _person_ids(rng, ppl.hire)
    roster, order = _roster_frame(tree, ppl, ids, exit_date, promoted)
    node_row = np.empty(n_employees, dtype=np.int64)
    node_row[order] = np.arange(n_employees)
    parts = _participants_frame(rng, su, roster, node_row, ppl, ids)
    exclusions = _exclusions(rng, parts)
    locks = _locks(rng, parts, _ancestor_sets(ids, anc, su.node), exclusions)
    return DemoOrg(roster, parts, exclusions, locks, GRADE_ORDER, start_date)


# --------------------------------------------------------------------------- CSV files


def _csv_column(series: pd.Series, ctype: str) -> list[str]:
    """One column as the contract's CSV text: lists joined by '; ', yes/no, ISO dates, blanks for missing."""
    def blank(v: object) -> bool:
        return v is None or (not isinstance(v, (list, tuple, str, bool)) and pd.isna(v))

    if ctype == LIST:
        return ["" if blank(v) else "; ".join(str(x) for x in v) for v in series]
    if ctype == BOOL:
        return ["" if blank(v) else ("yes" if bool(v) else "no") for v in series]
    if ctype == DATE:
        return ["" if blank(v) else pd.Timestamp(v).strftime("%Y-%m-%d") for v in series]
    if ctype == INT:
        return ["" if blank(v) else str(int(v)) for v in series]
    if ctype == FLOAT or pd.api.types.is_float_dtype(series.dtype):
        return ["" if blank(v) else _number(float(v)) for v in series]
    return ["" if blank(v) else str(v) for v in series]


def _number(v: float) -> str:
    """A float as a person would type it: 4 rather than 4.0, else the shortest exact form."""
    return str(int(v)) if v.is_integer() else repr(v)


def _csv_text(frame: pd.DataFrame, kind_name: str) -> str:
    """A clean frame as CSV in the contract's format: contract columns in order, then any extras."""
    kind = KINDS[kind_name]
    types = {c.name: c.type for c in kind.columns}
    names = [c.name for c in kind.columns if c.name in frame.columns]
    names += [c for c in frame.columns if c not in types and c != "grade_rank"]
    text = {c: _csv_column(frame[c], types.get(c, "text")) for c in names}
    return pd.DataFrame(text, columns=names, dtype=object).to_csv(index=False, lineterminator="\n")


def _write(frames: dict[str, tuple[str, pd.DataFrame]], folder: str | Path) -> dict[str, Path]:
    """Write each kind's frame to its file name in ``folder`` (atomically); kind -> path."""
    root = Path(folder)
    root.mkdir(parents=True, exist_ok=True)
    return {kind: atomic_write_text(root / name, _csv_text(frame, kind)) for kind, (name, frame) in frames.items()}


def write_inputs(org: DemoOrg, folder: str | Path) -> dict[str, Path]:
    """Write roster.csv, signups.csv, exclusions.csv and locks.csv in the contract's CSV format; kind -> path."""
    return _write(
        {
            "roster": ("roster.csv", org.roster),
            "participants": ("signups.csv", org.participants),
            "exclusions": ("exclusions.csv", org.exclusions),
            "locks": ("locks.csv", org.locks),
        },
        folder,
    )


def write_activity(activity: DemoActivity, folder: str | Path) -> dict[str, Path]:
    """Write meetings.csv, checkins.csv, assessments.csv, training.csv and agreements.csv; kind -> path."""
    return _write(
        {
            "meetings": ("meetings.csv", activity.meetings),
            "checkins": ("checkins.csv", activity.checkins),
            "assessments": ("assessments.csv", activity.assessments),
            "training": ("training.csv", activity.training),
            "agreements": ("agreements.csv", activity.agreements),
        },
        folder,
    )


# --------------------------------------------------------------------------- activity


@dataclass(frozen=True, eq=False)
class _Plan:
    """How each accepted pair will go: when it starts, how engaged it is, whether it lapses or ends."""

    mentor: np.ndarray  # person_id (object)
    mentee: np.ndarray
    start: np.ndarray  # datetime64[D]
    engagement: np.ndarray
    lapsed: np.ndarray  # stops meeting after n_max meetings, without telling anyone
    late: np.ndarray  # meets, but late and drifting
    ended: np.ndarray  # formally ended early
    n_max: np.ndarray  # most meetings the pair will hold
    same_site: np.ndarray


def _check_pairs(org: DemoOrg, pairs: pd.DataFrame) -> pd.DataFrame:
    """The distinct (mentor_id, mentee_id) pairs, after checking both are sign-ups."""
    missing = {"mentor_id", "mentee_id"} - set(pairs.columns)
    if missing:
        raise ValueError(f"pairs needs columns mentor_id and mentee_id (missing: {', '.join(sorted(missing))})")
    keep = ["mentor_id", "mentee_id"] + (["matched_on"] if "matched_on" in pairs.columns else [])
    out = pairs[keep].astype({"mentor_id": str, "mentee_id": str}).drop_duplicates(["mentor_id", "mentee_id"])
    known = set(org.participants["person_id"])
    unknown = sorted((set(out["mentor_id"]) | set(out["mentee_id"])) - known)
    if unknown:
        raise ValueError(f"pairs name people who did not sign up: {', '.join(unknown[:5])}"
                         + (" ..." if len(unknown) > 5 else ""))
    return out.reset_index(drop=True)


def _one_of(rng: np.random.Generator, mask: np.ndarray, min_pairs: int = 6) -> np.ndarray:
    """A mask with exactly one randomly chosen True among ``mask`` (none for small programmes)."""
    out = np.zeros(len(mask), dtype=bool)
    if len(mask) >= min_pairs and mask.any():
        out[rng.choice(np.flatnonzero(mask))] = True
    return out


def _plan(rng: np.random.Generator, org: DemoOrg, pairs: pd.DataFrame) -> _Plan:
    """Per-pair fate: ~15% lapse after 1-3 meetings, ~10% meet late, one ends early, one matched late."""
    n = len(pairs)
    u = rng.random(n)
    lapsed, late = u < 0.15, (u >= 0.15) & (u < 0.25)
    ended = _one_of(rng, ~lapsed & ~late)
    late_match = _one_of(rng, ~lapsed & ~late & ~ended)
    start = np.full(n, np.datetime64(org.start_date, "D"))
    start = start + np.where(late_match, rng.integers(45, 71, n), 0).astype("timedelta64[D]")
    if "matched_on" in pairs.columns:
        given = pd.to_datetime(pairs["matched_on"], errors="coerce").to_numpy(dtype="datetime64[D]")
        start = np.where(np.isnat(given), start, given)
    n_max = np.where(lapsed, rng.integers(1, 4, n), np.where(ended, 3, 99))
    engagement = rng.normal(size=n) - 1.0 * lapsed - 0.3 * late - 0.5 * ended
    site = org.participants.set_index("person_id")["location"]
    same = site.reindex(pairs["mentor_id"]).to_numpy() == site.reindex(pairs["mentee_id"]).to_numpy()
    return _Plan(pairs["mentor_id"].to_numpy(dtype=object), pairs["mentee_id"].to_numpy(dtype=object),
                 start.astype("datetime64[D]"), engagement, lapsed, late, ended, n_max, same)


def _meeting_days(rng: np.random.Generator, plan: _Plan, cadence: int,
                  end: np.datetime64) -> tuple[np.ndarray, np.ndarray]:
    """Dates of every meeting held (pairs x slots, NaT where none) and meetings held per pair."""
    n = len(plan.start)
    k = PROGRAMME_DAYS // max(cadence, 1) + 3
    first = rng.uniform(5, 20, n) + np.where(plan.late, rng.uniform(20, 45, n), 0.0)
    gaps = cadence + rng.normal(0, 5, (n, k - 1)) + np.where(plan.late, 9.0, 0.0)[:, None]
    offsets = np.cumsum(np.column_stack([first, np.maximum(gaps, 7)]), axis=1)
    days = plan.start[:, None] + np.round(offsets).astype("timedelta64[D]")
    skipped = (rng.random((n, k)) < 0.08) & (np.arange(k) > 0)
    held = (np.arange(k)[None, :] < plan.n_max[:, None]) & (days <= end) & ~skipped
    return np.where(held, days, np.datetime64("NaT")), held.sum(axis=1)


def _meetings(rng: np.random.Generator, plan: _Plan, days: np.ndarray) -> pd.DataFrame:
    """One row per meeting logged; a few are logged by both sides (``logged_by`` says who)."""
    pair, slot = np.nonzero(~np.isnat(days))
    m = len(pair)
    mentee_logs = rng.random(m) < 0.6
    logged_by = np.where(mentee_logs, plan.mentee[pair], plan.mentor[pair])
    duration = rng.choice([30, 45, 60, 90], m, p=[0.25, 0.3, 0.35, 0.1])
    in_person = plan.same_site[pair] & (rng.random(m) < 0.5)
    mode = np.where(in_person, "in person", np.where(rng.random(m) < 0.9, "video", "phone"))
    twice = rng.random(m) < 0.04
    dup = np.flatnonzero(twice)
    rows = np.concatenate([np.arange(m), dup])
    who = np.concatenate([logged_by, np.where(mentee_logs[dup], plan.mentor[pair[dup]], plan.mentee[pair[dup]])])
    dur = np.concatenate([duration, duration[dup] + rng.choice([-15, 0, 0, 15], len(dup))])
    frame = _table(
        {
            "mentor_id": _obj(plan.mentor[pair[rows]].tolist()),
            "mentee_id": _obj(plan.mentee[pair[rows]].tolist()),
            "date": _ns(days[pair[rows], slot[rows]]),
            "duration_min": pd.array(np.maximum(dur, 15), dtype="Int64"),
            "mode": _obj(mode[rows].tolist()),
            "logged_by": _obj(who.tolist()),
        },
        len(rows),
    )
    return _sorted(frame, ["date", "mentor_id", "mentee_id", "logged_by"])


def _sorted(frame: pd.DataFrame, by: list[str]) -> pd.DataFrame:
    """Rows in a stable order, renumbered as spreadsheet rows."""
    out = frame.sort_values(by, kind="stable")
    out.index = _rows(len(out))
    return out


def _stage_dates(rng: np.random.Generator, plan: _Plan, start: np.datetime64) -> tuple[list[str], np.ndarray]:
    """Check-in stages and their due dates per pair (pairs x stages): kickoff, pulses, midpoint, final."""
    stages = ["kickoff", "pulse", "midpoint", "pulse", "final"]
    n = len(plan.start)
    kickoff = plan.start + rng.integers(7, 16, n).astype("timedelta64[D]")
    fixed = start + np.array([45, 90, 135, PROGRAMME_DAYS - 8]).astype("timedelta64[D]")
    due = np.column_stack([kickoff] + [np.full(n, d) for d in fixed])
    return stages, due


def _checkins(rng: np.random.Generator, plan: _Plan, days: np.ndarray, start: np.datetime64) -> pd.DataFrame:
    """Check-ins from both sides; satisfaction follows engagement, lapsed pairs answer less and less happily."""
    stages, due = _stage_dates(rng, plan, start)
    n, s = due.shape
    last = np.where(np.isnat(days), np.datetime64("1900-01-01"), days).max(axis=1)  # last meeting held
    ended_on = last + np.timedelta64(5, "D")
    stopped = (plan.lapsed | plan.ended)[:, None] & (due > last[:, None] + np.timedelta64(45, "D"))
    valid = (due >= due[:, :1]) & ~(plan.ended[:, None] & (due > ended_on[:, None]))
    valid[:, -1] |= plan.ended
    due = np.where(plan.ended[:, None] & (np.arange(s) == s - 1), ended_on[:, None], due)
    frames = [_side_checkins(rng, plan, who, due, valid, stopped, stages) for who in ("mentor", "mentee")]
    out = pd.concat(frames, ignore_index=True)
    out = out.drop_duplicates(["person_id", "slot"]).drop(columns="slot")
    return _sorted(out, ["date", "person_id", "stage"])


def _side_checkins(rng: np.random.Generator, plan: _Plan, who: str, due: np.ndarray, valid: np.ndarray,
                   stopped: np.ndarray, stages: list[str]) -> pd.DataFrame:
    """One side's check-in responses (pairs x stages, flattened to the responses given)."""
    n, s = due.shape
    eng = plan.engagement[:, None] + rng.normal(0, 0.4, (n, 1))
    respond = rng.random((n, s)) < 1 / (1 + np.exp(-(1.6 + 0.7 * eng - 1.4 * stopped)))
    sat = np.clip(np.round(3.7 + 0.6 * eng - 0.9 * stopped + rng.normal(0, 0.7, (n, s))), 1, 5).astype(np.int64)
    closing = plan.ended[:, None] & (np.arange(s) == s - 1)  # the pair that ended says so, both sides
    on_track = np.where(stopped, rng.random((n, s)) < 0.15, (sat >= 3) & (rng.random((n, s)) < 0.92)) & ~closing
    pair, slot = np.nonzero(valid & (respond | closing))
    ended_final = closing[pair, slot]
    sat_v = sat[pair, slot]
    comment = _comments(rng, sat_v, ended_final)
    sat_missing = rng.random(len(pair)) < 0.03
    track_missing = rng.random(len(pair)) < 0.04
    ids = plan.mentor if who == "mentor" else plan.mentee
    return pd.DataFrame(
        {
            "person_id": pd.Series(ids[pair], dtype=object),
            "date": _ns(due[pair, slot] + rng.integers(0, 10, len(pair)).astype("timedelta64[D]")),
            "stage": pd.Series(np.array(stages, dtype=object)[slot], dtype=object),
            "satisfaction": pd.array(np.where(sat_missing, pd.NA, sat_v).tolist(), dtype="Int64"),
            "on_track": pd.Series([None if gap else bool(v) for gap, v in zip(track_missing, on_track[pair, slot])],
                                  dtype=object),
            "comment": pd.Series(comment, dtype=object),
            "slot": np.where(ended_final, s, slot),  # one answer per person per stage, the closing one apart
        }
    )


def _comments(rng: np.random.Generator, sat: np.ndarray, ended: np.ndarray) -> list[str | None]:
    """Short confidential comments for ~40% of responses, in the tone of the rating."""
    tone = np.where(ended, "ended", np.where(sat >= 4, "good", np.where(sat == 3, "mixed", "poor")))
    say = (rng.random(len(sat)) < 0.4) | ended
    pick = rng.random(len(sat))
    return [COMMENTS[t][int(p * len(COMMENTS[t]))] if s else None for t, s, p in zip(tone, say, pick)]


def _assessments(rng: np.random.Generator, plan: _Plan, held: np.ndarray, start: np.datetime64,
                 end: np.datetime64) -> pd.DataFrame:
    """Digital confidence pre/post for mentees (a modest gain that grows with meetings) and MFQ-9 post for both."""
    dc = _digital_confidence(rng, plan, held, start, end)
    mfq = _mfq9(rng, plan, end)
    out = _sorted(pd.concat([dc, mfq], ignore_index=True), ["date", "instrument", "person_id"])
    out[list(MFQ_ITEMS)] = out[list(MFQ_ITEMS)].astype(np.float64)
    return out


def _first_pair(ids: np.ndarray) -> np.ndarray:
    """Index of each person's first pair (people in several pairs answer once)."""
    _, first = np.unique(ids.astype(str), return_index=True)
    return np.sort(first)


def _post_missing(rng: np.random.Generator, plan: _Plan, idx: np.ndarray) -> np.ndarray:
    """Who skips the follow-up: ~10%, more in pairs that fizzled."""
    p = 0.06 + 0.15 * (plan.lapsed[idx] | plan.ended[idx])
    return rng.random(len(idx)) < p


def _digital_confidence(rng: np.random.Generator, plan: _Plan, held: np.ndarray, start: np.datetime64,
                        end: np.datetime64) -> pd.DataFrame:
    """Mentees' 1-5 scale mean before and after; the gain is ~0.3 points (d ~0.45), more with more meetings."""
    idx = _first_pair(plan.mentee)
    m = len(idx)
    pre = np.clip(rng.normal(2.9, 0.65, m), 1, 5)
    gain = 0.03 + 0.05 * held[idx] + 0.08 * plan.engagement[idx] + rng.normal(0, 0.4, m)
    post = np.clip(pre + gain, 1, 5)
    pre_date = np.minimum(plan.start[idx], start) - rng.integers(1, 15, m).astype("timedelta64[D]")
    post_date = end - rng.integers(0, 15, m).astype("timedelta64[D]")
    has_pre, has_post = rng.random(m) >= 0.03, ~_post_missing(rng, plan, idx)
    ids = np.concatenate([plan.mentee[idx][has_pre], plan.mentee[idx][has_post]])
    return pd.DataFrame(
        {
            "person_id": pd.Series(ids, dtype=object),
            "stage": pd.Series(["pre"] * int(has_pre.sum()) + ["post"] * int(has_post.sum()), dtype=object),
            "instrument": pd.Series(["digital_confidence"] * len(ids), dtype=object),
            "score": np.round(np.concatenate([pre[has_pre], post[has_post]]) * 8) / 8,
            "date": _ns(np.concatenate([pre_date[has_pre], post_date[has_post]])),
        }
    )


def _mfq9(rng: np.random.Generator, plan: _Plan, end: np.datetime64) -> pd.DataFrame:
    """Mentoring Functions Questionnaire (9 items, 1-5) after the programme, from both sides."""
    parts = []
    for ids in (plan.mentor, plan.mentee):
        idx = _first_pair(ids)
        idx = idx[~_post_missing(rng, plan, idx)]
        m = len(idx)
        level = 3.6 + 0.55 * plan.engagement[idx] + rng.normal(0, 0.4, m)
        items = np.clip(np.round(level[:, None] + rng.normal(0, 0.3, 9)[None, :] + rng.normal(0, 0.6, (m, 9))), 1, 5)
        frame = pd.DataFrame(
            {
                "person_id": pd.Series(ids[idx], dtype=object),
                "stage": pd.Series(["post"] * m, dtype=object),
                "instrument": pd.Series(["mfq9"] * m, dtype=object),
                "score": np.full(m, np.nan),
                "date": _ns(end - rng.integers(0, 15, m).astype("timedelta64[D]")),
            }
        )
        for j, item in enumerate(MFQ_ITEMS):
            frame[item] = items[:, j]
        parts.append(frame)
    return pd.concat(parts, ignore_index=True).drop_duplicates("person_id")  # two-way people answer once


def _training(rng: np.random.Generator, plan: _Plan, start: np.datetime64) -> pd.DataFrame:
    """Training completions: most mentors finish mentor_training, most mentees the briefing, some late."""
    frames = []
    for ids, side, rate in ((plan.mentor, "mentor", 0.9), (plan.mentee, "mentee", 0.85)):
        people = np.unique(ids.astype(str)).astype(object)
        done = people[rng.random(len(people)) < rate]
        when = start + rng.integers(-25, 21, len(done)).astype("timedelta64[D]")
        frames.append(pd.DataFrame({"person_id": pd.Series(done, dtype=object),
                                    "module": pd.Series([MODULES[side]] * len(done), dtype=object),
                                    "completed_on": _ns(when)}))
    return _sorted(pd.concat(frames, ignore_index=True), ["completed_on", "person_id"])


def _agreements(rng: np.random.Generator, plan: _Plan) -> pd.DataFrame:
    """Signed agreements for most pairs (fewer for pairs that fizzle), within ~3 weeks of the match."""
    n = len(plan.start)
    signed = rng.random(n) < np.where(plan.lapsed | plan.ended, 0.75, 0.93)
    when = plan.start + rng.integers(2, 25, n).astype("timedelta64[D]")
    frame = pd.DataFrame({"mentor_id": pd.Series(plan.mentor[signed], dtype=object),
                          "mentee_id": pd.Series(plan.mentee[signed], dtype=object),
                          "signed_on": _ns(when[signed])})
    return _sorted(frame, ["signed_on", "mentor_id", "mentee_id"])


def _until(frame: pd.DataFrame, column: str, as_of: np.datetime64) -> pd.DataFrame:
    """Only what had happened by ``as_of`` (inclusive), rows renumbered."""
    out = frame[frame[column] <= pd.Timestamp(as_of)].copy()
    out.index = _rows(len(out))
    return out


def simulate_activity(
    org: DemoOrg,
    pairs: pd.DataFrame,
    *,
    as_of: date | None = None,
    seed: int = 0,
    cadence_days: int = 30,
) -> DemoActivity:
    """Six months of activity for the accepted ``pairs`` (mentor_id, mentee_id; optional matched_on).

    Most pairs meet about every ``cadence_days``; ~15% lapse after 1-3 meetings, ~10% meet
    late, one pair ends early and one is matched late. Check-ins come from both sides with
    satisfaction tracking engagement and some non-response; mentees' digital confidence
    rises modestly with meetings held; ~10% skip the follow-up. Nothing dated after ``as_of``
    (default: start + 183 days) is returned. Assessment item columns (mfq1..mfq9) are text,
    as the loaders keep extra columns.
    """
    if cadence_days < 1:
        raise ValueError("cadence_days must be >= 1")
    rng = np.random.default_rng(seed)
    start = np.datetime64(org.start_date, "D")
    end = start + np.timedelta64(PROGRAMME_DAYS, "D")
    cut = np.datetime64(as_of or (org.start_date + timedelta(days=PROGRAMME_DAYS)), "D")
    plan = _plan(rng, org, _check_pairs(org, pairs))
    days, held = _meeting_days(rng, plan, cadence_days, end)
    assessments = _until(_assessments(rng, plan, held, start, end), "date", cut)
    assessments.attrs["items"] = list(MFQ_ITEMS)
    return DemoActivity(
        meetings=_until(_meetings(rng, plan, days), "date", cut),
        checkins=_until(_checkins(rng, plan, days, start), "date", cut),
        assessments=assessments,
        training=_until(_training(rng, plan, start), "completed_on", cut),
        agreements=_until(_agreements(rng, plan), "signed_on", cut),
    )
