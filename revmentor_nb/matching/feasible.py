"""Which pairs the programme's hard rules allow, rule by rule, without scoring or solving.

The matcher's own rule compiler (``rules.compile_rules`` over ``rules.rule_table``, topic rules
first, as people choose) applied to
every mentor x mentee, so anything that predicts the matcher (the design stage's forecast, a
readiness check) can never disagree with ``match()`` about a rule. Loads no solver.

Terms: a person's *candidates* after a rule are the partners still allowed once that rule and
every rule before it in the table are applied; the *first emptying rule* is the first after
which they have none. ``max_pairs`` is the most pairs the allowed pairs and capacities admit
(a maximum flow), an upper bound on what ``match()`` can find: it ignores only the shared total
of people who signed up for both roles and the "pair at most once" rule between two of them.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import scipy.sparse as sp
from scipy.sparse.csgraph import maximum_flow

from revmentor_nb.matching.block import Block
from revmentor_nb.matching.candidates import CHUNK_CELLS
from revmentor_nb.matching.capacity import Capacity
from revmentor_nb.matching.config import MatchSettings
from revmentor_nb.matching.people import People, encode
from revmentor_nb.matching.rules import (
    Rule,
    compile_rules,
    identity_codes,
    missing_columns,
    rule_data,
    rule_table,
)


@dataclass(frozen=True)
class Feasibility:
    """The allowed pairs and, per person, how many candidates are left after each rule of the table."""

    people: People
    mentors: np.ndarray  # rows of people who can mentor (consenting when the consent rule is on)
    mentees: np.ndarray  # rows of people who can be mentees
    rules: tuple[Rule, ...]
    mentee_left: np.ndarray  # (len(rules) + 1, len(mentees)): candidates before any rule, then after each
    mentor_left: np.ndarray  # (len(rules) + 1, len(mentors))
    pair_mentor: np.ndarray  # positions in ``mentors`` of each allowed pair
    pair_mentee: np.ndarray  # positions in ``mentees``
    caps: Capacity
    skipped: tuple[tuple[str, str], ...]  # (rule, column) left out because the sign-ups lack the column

    def first_emptying(self, side: str) -> np.ndarray:
        """Per person on ``side``: index of the first rule after which no candidate is left (-1: none before
        any rule, len(rules): still has candidates)."""
        left = self.mentee_left if side == "mentee" else self.mentor_left
        empty = left == 0
        first = np.where(empty.any(axis=0), empty.argmax(axis=0) - 1, len(self.rules))
        return first

    def max_pairs(self) -> tuple[int, np.ndarray, np.ndarray]:
        """(most pairs, pairs per mentor, pairs per mentee) under the allowed pairs and side capacities."""
        n_m, n_e = len(self.mentors), len(self.mentees)
        if n_m == 0 or n_e == 0 or len(self.pair_mentor) == 0:
            return 0, np.zeros(n_m, np.int64), np.zeros(n_e, np.int64)
        source, sink = 0, 1 + n_m + n_e
        cap_m = np.minimum(self.caps.mentor[self.mentors], self.caps.total[self.mentors]).astype(np.int32)
        cap_e = np.minimum(self.caps.mentee[self.mentees], self.caps.total[self.mentees]).astype(np.int32)
        rows = np.concatenate([np.zeros(n_m, np.int64), 1 + self.pair_mentor, 1 + n_m + np.arange(n_e)])
        cols = np.concatenate([1 + np.arange(n_m), 1 + n_m + self.pair_mentee, np.full(n_e, sink)])
        caps = np.concatenate([cap_m, np.ones(len(self.pair_mentor), np.int32), cap_e]).astype(np.int32)
        graph = sp.csr_matrix((caps, (rows, cols)), shape=(sink + 1, sink + 1))
        flow = maximum_flow(graph, source, sink).flow.tocsr()
        per_mentor = np.asarray(flow[source, 1:1 + n_m].todense()).ravel().astype(np.int64)
        per_mentee = np.asarray(flow[1 + n_m:1 + n_m + n_e, sink].todense()).ravel().astype(np.int64)
        return int(per_mentee.sum()), np.maximum(per_mentor, 0), np.maximum(per_mentee, 0)


def feasible_pairs(participants: pd.DataFrame, settings: MatchSettings, *, roster: pd.DataFrame | None = None,
                   exclusions: pd.DataFrame | None = None) -> Feasibility:
    """Apply the programme's rule table to every mentor x mentee, as ``match()`` does (bad input: MatchInputError).

    A rule whose column the sign-ups lack is skipped and named in ``skipped`` (``match()`` would
    refuse to run); every other rule is the matcher's own compiled test.
    """
    people = encode(participants, consent_rule=settings.rules.consent)
    data, _ = rule_data(people, roster, exclusions)
    people.identity = identity_codes(people, roster)
    specs = rule_table(settings, people)
    lacking = missing_columns(specs, people)
    names = {name for name, _ in lacking}
    # topic rules first, as people choose: "their topics are only offered in their own department"
    kept = sorted((s for s in specs if s.name not in names), key=lambda s: s.kind != "overlap")
    rules = compile_rules(kept, people, data)
    consenting = people.consent if settings.rules.consent else np.ones(people.n, dtype=bool)
    ms = np.flatnonzero(people.can_mentor & consenting)
    es = np.flatnonzero(people.can_mentee & consenting)
    e_left = np.zeros((len(rules) + 1, len(es)), dtype=np.int64)
    m_left = np.zeros((len(rules) + 1, len(ms)), dtype=np.int64)
    pm, pe = [], []
    chunk = max(1, CHUNK_CELLS // max(len(ms), 1))
    for start in range(0, len(es), chunk):
        e_idx = es[start:start + chunk]
        block = Block(people, ms, e_idx, dense=True)
        alive = e_idx[:, None] != ms[None, :]  # nobody is their own partner
        rows = slice(start, start + len(e_idx))
        e_left[0, rows] = alive.sum(axis=1)
        m_left[0] += alive.sum(axis=0)
        for r, rule in enumerate(rules):
            alive &= rule.allowed(block)
            e_left[r + 1, rows] = alive.sum(axis=1)
            m_left[r + 1] += alive.sum(axis=0)
        e_pos, m_pos = np.nonzero(alive)
        pm.append(m_pos)
        pe.append(start + e_pos)
    cat = lambda xs: np.concatenate(xs).astype(np.int64) if xs else np.zeros(0, np.int64)  # noqa: E731
    caps = Capacity.of(people, settings.load_cap, settings.mentee_cap)
    return Feasibility(people, ms, es, tuple(rules), e_left, m_left, cat(pm), cat(pe), caps, tuple(lacking))
