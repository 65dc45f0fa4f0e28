"""The rows of the matching model: capacities, then the optional side constraints.

Each builder adds rows and incidence maps to a LinearModel (see model.py), so the same
definitions build the LP, the ILP and the prices of pairs left out of either.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from revmentor_nb.matching.candidates import CandidateGraph
from revmentor_nb.matching.capacity import Capacity
from revmentor_nb.matching.config import FairnessSettings, MixCap
from revmentor_nb.matching.model import LinearModel
from revmentor_nb.matching.people import norm_text


@dataclass(frozen=True)
class Tiers:
    """Priority tiers: a person's k-th pair is worth ``step`` less than their (k-1)-th.

    Every pair on a tiered side carries the first tier's bonus ``(top - 1) x step`` in its
    value; auxiliary columns t[p, k] in [0, 1] (k >= 2) pay ``(k - 1) x step`` back when p
    takes a k-th pair. The LP stays a network flow (parallel arcs of rising cost), so it
    stays integral. ``top`` is the largest capacity on that side (1 = no tiers).
    """

    step: float = 0.0
    top_mentee: int = 1
    top_mentor: int = 1

    def bonus(self, side: str) -> float:
        """The first tier's bonus on one side."""
        top = self.top_mentee if side == "mentee" else self.top_mentor
        return (top - 1) * self.step

    def value(self, counts: np.ndarray, side: str) -> float:
        """The tier bonus earned by these per-person pair counts on one side: sum over k <= count of (top - k) x step."""
        top = self.top_mentee if side == "mentee" else self.top_mentor
        if top <= 1 or self.step == 0:
            return 0.0
        c = np.minimum(np.asarray(counts, dtype=np.float64), top)
        return float(self.step * np.sum(c * top - c * (c + 1) / 2))


def tiers_for(setting: str, step: float, caps: Capacity, live: np.ndarray) -> Tiers:
    """The tiers of a run: which sides are tiered (setting) and their largest capacity among ``live`` people."""
    if setting == "off":
        return Tiers()
    top_e = int(caps.mentee[live].max(initial=1))
    top_m = int(caps.mentor[live].max(initial=1)) if setting == "both" else 1
    return Tiers(step, max(top_e, 1), max(top_m, 1))


def capacity_rows(model: LinearModel, caps: Capacity, used: Capacity, tiers: Tiers | None = None) -> None:
    """Each person within their capacity as mentee, as mentor and in all; tiers on a side where asked.

    ``used`` is what locked pairs already take. A person with role ``either`` may be placed on
    both sides: their pairs as mentor plus their pairs as mentee count against one total, and
    two 'either' people are paired at most once (never both ways).
    """
    g = model.graph
    n = g.people.n
    tiers = tiers or Tiers()
    left = caps.minus(used)
    model.caps, model.room = caps, left
    for side, members, top in (("mentee", g.mentee_side, tiers.top_mentee), ("mentor", g.mentor_side, tiers.top_mentor)):
        # rows in whole-capacity terms: the model moves locked pairs to the right-hand side itself
        cap_s = caps.mentee if side == "mentee" else caps.mentor
        used_s = used.mentee if side == "mentee" else used.mentor
        tiered = np.isin(members, members[cap_s[members] >= 2]) if top >= 2 else np.zeros(len(members), dtype=bool)
        rhs = np.where(tiered, 1.0, cap_s[members]).astype(np.float64)
        rows = np.full(n, -1, dtype=np.int64)
        rows[members] = model.add_rows(rhs) + np.arange(len(members))
        model.add_person_map(side, rows)
        model.network_rows[side] = rows
        who_t = members[tiered]
        if len(who_t):
            ks = [np.arange(2, int(cap_s[p]) + 1) for p in who_t]
            who = np.repeat(who_t, [len(k) for k in ks])
            k = np.concatenate(ks)
            # tiers a person's locked pairs already fill cost nothing more: they are paid for by the locks
            cost = np.where(k <= used_s[who], 0.0, (k - 1) * tiers.step)
            names = [f"tier:{side}:{p}:{kk}" for p, kk in zip(who, k)]
            start = model.add_aux(np.zeros(len(k)), np.ones(len(k)), -cost, names, rows[who], np.arange(len(k)),
                                  -np.ones(len(k)))
            model.tier_aux.extend(range(start, start + len(k)))
    either = g.people.role == "either"
    need_total = either & (caps.total < caps.mentor + caps.mentee)
    if need_total.any():
        r_tot = np.full(n, -1, dtype=np.int64)
        who = np.flatnonzero(need_total)
        r_tot[who] = model.add_rows(caps.total[who]) + np.arange(len(who))
        model.add_person_map("mentor", r_tot)
        model.add_person_map("mentee", r_tot)
    if either.any():
        _pair_once_rows(model, either & (caps.total >= 2))


def _pair_once_rows(model: LinearModel, big: np.ndarray) -> None:
    """Two 'either' people with room for two pairs each are still paired at most once (not both ways)."""
    g = model.graph
    n = g.people.n
    sel = np.flatnonzero(big[g.m] & big[g.e] & (g.m < g.e))
    if len(sel) == 0:
        return
    rev = g.find(g.e[sel], g.m[sel])
    sel = sel[rev >= 0]
    if len(sel) == 0:
        return
    keys = np.sort(g.m[sel] * n + g.e[sel])  # unordered pair key: smaller row first
    start = model.add_rows(np.ones(len(keys)))
    one = np.float64(1.0)

    def rows(m: np.ndarray, e: np.ndarray, s: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        k = np.minimum(m, e) * n + np.maximum(m, e)
        pos = np.minimum(np.searchsorted(keys, k), len(keys) - 1)
        return np.where(keys[pos] == k, start + pos, -1), one

    model.add_map(rows)


def total_pairs_aux(model: LinearModel, lb: float = 0.0) -> tuple[int, int]:
    """An auxiliary T = number of pairs (locks included); returns (T's aux index, its row)."""
    row = model.add_rows(np.zeros(1), eq=True, side=True)
    model.add_person_map("mentor", np.full(model.graph.people.n, row, dtype=np.int64), -1.0)
    a = model.add_aux([lb], [np.inf], [0.0], ["total_pairs"], np.array([row]), np.array([0]), np.array([1.0]))
    return a, row


def min_pairs_rows(model: LinearModel, k: int) -> None:
    """At least ``k`` pairs in all (the lexicographic 'most pairs' second stage)."""
    total_pairs_aux(model, lb=float(k))


def mix_rows(model: LinearModel, caps: list[MixCap]) -> list[tuple[MixCap, str, int]]:
    """No value of a column on one side takes more than max_share of all pairs; returns (cap, value, row)."""
    if not caps:
        return []
    g = model.graph
    t_aux, _ = total_pairs_aux(model)
    out = []
    for cap in caps:
        codes = g.people.codes(cap.column)
        values = [norm_text(v) for v in g.people.frame[cap.column]] if g.people.has(cap.column) else [None] * g.people.n
        labels = {}
        for c, v in zip(codes, values):
            if c >= 0:
                labels.setdefault(int(c), v)
        k = len(labels)
        if k == 0:
            continue
        start = model.add_rows(np.zeros(k), side=True)
        rows_of = np.where(codes >= 0, start + codes, -1)
        model.add_person_map(cap.side, rows_of)
        model.aux_entries.append((start + np.arange(k), np.full(k, t_aux), np.full(k, -cap.max_share)))
        out += [(cap, labels[c], start + c) for c in sorted(labels)]
    return out


@dataclass
class FairGroup:
    """A group whose match rate and mean fit are protected."""

    side: str  # mentee / mentor
    attribute: str
    value: str
    members: np.ndarray  # person rows (matchable, on this side)
    rate_floor: float = np.nan  # people that must be matched
    fit_floor: float = np.nan  # mean fit floor per pair
    rate_row: int = -1
    fit_row: int = -1
    rate_aux: int = -1
    fit_aux: int = -1


def fair_groups(graph: CandidateGraph, matchable: np.ndarray, fairness: FairnessSettings, k: int) -> list[FairGroup]:
    """Groups (side, attribute, value) with at least ``min_group`` matchable people."""
    people = graph.people
    min_group = fairness.min_group or k
    sides = ["mentee", "mentor"] if fairness.side == "both" else [fairness.side]
    out: list[FairGroup] = []
    for side in sides:
        pop = matchable & (people.can_mentee if side == "mentee" else people.can_mentor) & graph.consenting
        for attr in fairness.attributes:
            if not people.has(attr):
                continue
            vals = np.array([norm_text(v) for v in people.frame[attr]], dtype=object)
            for v in sorted({x for x in vals[pop] if x is not None}):
                members = np.flatnonzero(pop & (vals == v))
                if len(members) >= min_group:
                    out.append(FairGroup(side, attr, str(v), members))
    return out


def fairness_rows(model: LinearModel, groups: list[FairGroup], rate_ref: dict[str, float], fit_ref: float,
                  fairness: FairnessSettings, penalty: float) -> None:
    """Elastic floors on each group's match rate and mean fit (shortfall costs ``penalty`` per unit)."""
    if not groups:
        return
    g = model.graph
    people = g.people
    n = people.n
    pure_mentee = (people.role == "mentee") & (people.cap_mentee <= 1)  # their pair count is 0/1 already
    # z_p <= sum of p's pairs: 'p is matched' for everyone but pure mentees (whose sum is 0/1 already)
    need_z = np.zeros(n, dtype=bool)
    if fairness.max_rate_gap is not None:
        for grp in groups:
            need_z[grp.members[~pure_mentee[grp.members]]] = True
    z_people = np.flatnonzero(need_z)
    r_z = np.full(n, -1, dtype=np.int64)
    z_aux = np.full(n, -1, dtype=np.int64)
    if len(z_people):
        r_z[z_people] = model.add_rows(np.zeros(len(z_people)), side=True) + np.arange(len(z_people))
        model.add_person_map("mentor", r_z, -1.0)
        model.add_person_map("mentee", r_z, -1.0)
        start = model.add_aux(np.zeros(len(z_people)), np.ones(len(z_people)), np.zeros(len(z_people)),
                              [f"matched:{people.ids[p]}" for p in z_people], r_z[z_people],
                              np.arange(len(z_people)), np.ones(len(z_people)))
        z_aux[z_people] = start + np.arange(len(z_people))
    by_key: dict[tuple[str, str], list[FairGroup]] = {}
    for grp in groups:
        by_key.setdefault((grp.side, grp.attribute), []).append(grp)
    for (side, attr), grps in by_key.items():
        if fairness.max_rate_gap is not None:
            floor_rate = max(0.0, rate_ref[side] - fairness.max_rate_gap)
            start = model.add_rows(np.zeros(len(grps)), side=True)
            rows_of = np.full(n, -1, dtype=np.int64)
            for i, grp in enumerate(grps):
                grp.rate_floor = floor_rate * len(grp.members)
                grp.rate_row = start + i
                model.rhs[start + i] = -grp.rate_floor
                rows_of[grp.members[pure_mentee[grp.members]]] = start + i
                zm = grp.members[~pure_mentee[grp.members]]
                if len(zm):
                    model.aux_entries.append((np.full(len(zm), start + i), z_aux[zm], np.full(len(zm), -1.0)))
            model.add_person_map("mentee", rows_of, -1.0)  # pure mentees are on the mentee side
            a = model.add_aux(np.zeros(len(grps)), np.full(len(grps), np.inf), np.full(len(grps), -penalty),
                              [f"rate_short:{side}:{attr}:{x.value}" for x in grps], start + np.arange(len(grps)),
                              np.arange(len(grps)), -np.ones(len(grps)))
            for i, grp in enumerate(grps):
                grp.rate_aux = a + i
        if fairness.max_fit_gap is not None and fit_ref > 0:
            floor_fit = (1.0 - fairness.max_fit_gap) * fit_ref
            start = model.add_rows(np.zeros(len(grps)), side=True)
            rows_of = np.full(n, -1, dtype=np.int64)
            for i, grp in enumerate(grps):
                grp.fit_floor = floor_fit
                grp.fit_row = start + i
                rows_of[grp.members] = start + i
            model.add_person_map(side, rows_of, 1.0, -1.0 / floor_fit)  # -(s - f)/f per pair
            a = model.add_aux(np.zeros(len(grps)), np.full(len(grps), np.inf), np.full(len(grps), -penalty),
                              [f"fit_short:{side}:{attr}:{x.value}" for x in grps], start + np.arange(len(grps)),
                              np.arange(len(grps)), -np.ones(len(grps)))
            for i, grp in enumerate(grps):
                grp.fit_aux = a + i
