"""One match run: inputs -> candidate graph -> certified optimum -> MatchResult.

``match`` builds the graph once; ``Run.solve`` turns it into a result and is reused by
``MatchResult.rematch`` (one more lock or forbidden pair) and by ``tradeoff`` (another
most-pairs setting), so a re-solve skips candidate generation.
"""
from __future__ import annotations

import time
from dataclasses import dataclass, field, replace
from functools import partial
from typing import Any, Callable, Iterable

import numpy as np
import pandas as pd

from revmentor_nb.matching.candidates import CandidateGraph, generate
from revmentor_nb.matching.capacity import Capacity
from revmentor_nb.matching.config import (
    FairnessSettings,
    MatchRules,
    MatchSettings,
    MatchWeights,
    resolve_settings,
)
from revmentor_nb.matching.constraints import (
    FairGroup,
    Tiers,
    capacity_rows,
    fair_groups,
    fairness_rows,
    min_pairs_rows,
    mix_rows,
    tiers_for,
)
from revmentor_nb.matching.errors import MatchInputError, problems_frame
from revmentor_nb.matching.hashing import inputs_digest
from revmentor_nb.matching.locks import check_locks, lock_pairs
from revmentor_nb.matching.model import LinearModel, Solution, SolveError
from revmentor_nb.matching.people import encode
from revmentor_nb.matching.relax import relax_rules
from revmentor_nb.matching.result import MatchResult, PointResult, build_result, point_result
from revmentor_nb.matching.rules import (
    compile_rules,
    identity_codes,
    missing_columns,
    rule_data,
    rule_table,
)
from revmentor_nb.matching.scoring import compile_terms
from revmentor_nb.matching.solve import solve
from revmentor_nb.matching.tradeoff_curve import tradeoff_run

EPS = 1e-6  # tie-break perturbation, relative to the largest possible score
KEEP_ABOVE = 60_000_000  # mentor x mentee cells above which the graph keeps each person's best pairs only
KEEP = 24  # pairs kept per mentee and per mentor in such a graph
ADD_PER_PERSON = 4  # left-out pairs with a positive reduced cost added per mentee and per mentor each round
OUTSIDE_ROUNDS = 30  # rounds of pricing the left-out pairs before the full graph is built instead


def tie_scale(settings: MatchSettings) -> float:
    """Size of the seeded tie-break added to each pair's value (EPS x the largest possible score)."""
    return EPS * max(settings.max_score, 1e-3)


@dataclass
class Run:
    """Everything a solve needs, kept so a re-solve reuses the candidate graph."""

    graph: CandidateGraph
    settings: MatchSettings
    seed: int
    locks: list[tuple[Any, str, str]]
    forbid: list[tuple[str, str]]
    frames: dict[str, Any]
    notes: list[str] = field(default_factory=list)
    build_seconds: float = 0.0
    may_mentee: np.ndarray | None = None  # bool per person: may take a new mentor (clearing rounds); None = all
    relaxed: dict[str, Any] = field(default_factory=dict)  # rules relaxed for this round (clearing rounds)
    original_rules: list = field(default_factory=list)  # the programme's own rule table (clearing rounds)
    _eps: np.ndarray | None = None
    _last: tuple | None = None  # (model, solution) of the last solve whose duals can price left-out pairs

    @property
    def eps(self) -> np.ndarray:
        """The seeded tie-break of every candidate (scaled)."""
        if self._eps is None:
            self._eps = tie_scale(self.settings) * self.graph.tiebreak
        return self._eps

    def forbidden_mask(self) -> np.ndarray:
        """Candidates removed by ``forbid`` (either order)."""
        g, p = self.graph, self.graph.people
        mask = np.zeros(g.n, dtype=bool)
        for a, b in self.forbid:
            ia, ib = p.index_of(a), p.index_of(b)
            if ia is None or ib is None:
                continue
            j = g.find(np.array([ia, ib]), np.array([ib, ia]))
            mask[j[j >= 0]] = True
        return mask

    def caps(self) -> Capacity:
        """Pairs allowed per person as mentor, as mentee and in all (declared, under the programme caps)."""
        return Capacity.of(self.graph.people, self.settings.load_cap, self.settings.mentee_cap)

    def capacity(self) -> np.ndarray:
        """Pairs allowed per person in all (both roles together)."""
        return self.caps().total

    def _method(self, s: MatchSettings) -> str:
        """The solve path: the programme's, except LP column generation on a kept graph (its duals price the rest)."""
        return "flow" if self.graph.kept else s.solver.method

    def _full_graph(self) -> None:
        """Replace a kept graph by every allowed pair (a model whose left-out pairs cannot be priced by person)."""
        g = self.graph
        self.graph = generate(g.people, g.rules, g.terms, consent_rule=g.consent_rule, pool=self.settings.solver.pool,
                              seed=g.seed, tie_scale=g.tie_scale)
        self._eps = None

    def solve(self, *, most_pairs: float | None = None, time_limit: float | None = None,
              warm: "MatchResult | PointResult | None" = None, figures_only: bool = False
              ) -> "MatchResult | PointResult":
        """Solve this run (optionally at another most-pairs setting) into a MatchResult.

        On a kept graph (each person's best pairs only, ``candidates.generate(keep=...)``) the
        solve is LP column generation over the kept pairs, and its duals then price every pair
        left out (``CandidateGraph.outside``, regenerated block by block for the only people who
        could hold one): any with a positive reduced cost joins the graph and the model is solved
        again, so the answer is certified over *every* allowed pair. A model that is not a pure
        network (side constraints, shared totals) is solved on the full graph instead.
        """
        kw = dict(most_pairs=most_pairs, time_limit=time_limit, warm=warm, figures_only=figures_only)
        if not self.graph.kept:
            return self._solve(**kw)
        s = self.settings if most_pairs is None else self.settings.model_copy(update={"most_pairs": most_pairs})
        if s.fairness or s.mix:
            self._full_graph()
            return self._solve(**kw)
        self._include_locks()
        if warm is not None and getattr(warm, "_graph", None) is not self.graph:
            kw["warm"] = None  # candidate indices of another graph
        reserve = None  # left-out pairs the last full scan found worth adding, not yet added: priced first
        res, scans, t_scan, t_solve, t0 = None, 0, 0.0, 0.0, time.perf_counter()
        for rounds in range(1, OUTSIDE_ROUNDS + 1):
            if res is None:
                self._last = None
                t1 = time.perf_counter()
                res = self._solve(**kw, defer=True)  # the result is built only once certified
                t_solve += time.perf_counter() - t1
            t1 = time.perf_counter()
            priced = self._price_outside(reserve)
            t_scan += time.perf_counter() - t1
            if priced is None:  # not a pure network priced by person: the full graph answers
                break
            scans += reserve is None
            m, e, sc, tb, red, tol = priced
            big = red > tol  # within the LP's own tolerance a pair stays out and its gain goes into the bound
            if not big.any() and reserve is not None:  # the reserve is priced out: a full scan decides (same duals)
                reserve = None
                continue
            if not big.any():
                if callable(res):
                    res = res()
                slack = _slack(e, red, self.caps().mentee, self.graph.people.n)
                if slack > 0:
                    bound = float(res.bound) + slack
                    object.__setattr__(res, "bound", bound)
                    object.__setattr__(res, "gap", max(0.0, (bound - res.objective) / max(abs(bound), 1e-12)))
                    if res.gap > s.solver.mip_gap and res.status == "optimal":
                        object.__setattr__(res, "status", "feasible")
                object.__setattr__(res, "_graph", self.graph)
                if isinstance(getattr(res, "timings", None), dict):
                    res.timings.update({"kept_rounds_total": time.perf_counter() - t0, "kept_solves": t_solve,
                                        "kept_scans": t_scan})
                if isinstance(getattr(res, "certificate", None), str):
                    spread = " spread over its best partner classes" if self.graph.classes is not None else ""
                    object.__setattr__(res, "certificate", res.certificate + (
                        f"; the graph kept each person's best {self.graph.keep} pairs{spread} ({self.graph.n:,} of "
                        f"{self.graph.allowed:,} allowed) and the duals price every pair left out: none has a "
                        f"positive reduced cost ({rounds} round(s), {scans} full scan(s) of the left-out pairs)"))
                return res
            from revmentor_nb.matching.candidates import _merged

            add = _best_few(m, e, red, big, ADD_PER_PERSON)
            self.graph = _merged(self.graph, m[add], e[add], sc[add], tb[add])
            rest = np.ones(len(m), dtype=bool)
            rest[add] = False
            rest &= big
            reserve = (m[rest], e[rest], sc[rest], tb[rest]) if rest.any() else None
            self._eps = None
            kw["warm"] = None
            res = None
        self._full_graph()
        return self._solve(**kw)

    def _include_locks(self) -> None:
        """A kept graph gains every locked pair it left out (the rules decide whether it is allowed)."""
        p = self.graph.people
        rows = [(p.index_of(a), p.index_of(b)) for _, a, b in self.locks]
        rows = [(a, b) for a, b in rows if a is not None and b is not None]
        if rows:
            m, e = (np.array(x, dtype=np.int64) for x in zip(*rows))
            missing = self.graph.find(m, e) < 0
            if missing.any():
                self.graph = self.graph.with_pairs(m[missing], e[missing])
                self._eps = None

    def _price_outside(self, reserve: tuple | None = None) -> tuple | None:
        """Left-out pairs that may have a positive reduced cost under the last solve's duals, with the reduced costs.

        (m, e, score, tiebreak, reduced cost, tolerance); None when they cannot be priced by person.
        ``reserve``: price only these left-out pairs (found by an earlier scan) instead of scanning all.

        The last model must be a network (person rows with coefficient 1, nothing else), solved by an
        integral LP whose duals we have, with pair values score + tie-break + one constant.
        """
        from revmentor_nb.matching.flow import is_network

        g = self.graph
        if g.allowed == g.n:  # nothing was left out
            z = np.zeros(0)
            return z.astype(np.int64), z.astype(np.int64), z, z, z, 0.0
        last = self._last
        if last is None:
            return None
        model, sol = last
        if sol.duals is None or sol.method not in ("lp", "flow") or not is_network(model):
            return None
        g = self.graph
        key = g.score + g.tie_scale * g.tiebreak
        use = np.flatnonzero(model.usable)
        if len(use) == 0:
            return None
        shift = model.value[use] - key[use]
        offset = float(np.max(shift))
        if float(np.min(shift)) < offset - 1e-9 * max(1.0, abs(offset)):
            return None  # values are not score + one constant: cannot bound the left-out ones by person
        n = g.people.n
        by = {"mentor": np.zeros(n), "mentee": np.zeros(n)}
        if sol.method == "flow":  # node potentials p (integer costs -value x scale): gain = value - (p_e - p_m) / scale
            p, scale = sol.duals[:-1], float(sol.duals[-1])
            for side, sign in (("mentor", -1.0), ("mentee", 1.0)):
                rows = model.network_rows[side]
                by[side] = np.where(rows >= 0, sign * p[np.maximum(rows, 0)] / scale, -np.inf)
            m, e, sc, tb = reserve if reserve is not None else g.outside(by["mentee"] + offset + 1.0 / scale, by["mentor"], ADD_PER_PERSON)
            v = sc + g.tie_scale * tb + offset
            rows_m, rows_e = model.network_rows["mentor"][m], model.network_rows["mentee"][e]
            red = -(np.rint(-v * scale) + p[rows_m] - p[rows_e])  # > 0: the arc would lower the flow's cost
            return m, e, sc, tb, red, 0.0
        pi_ext = np.r_[sol.duals, 0.0]
        for pm in model.person_maps:
            by[pm.side] += pm.c0 * pi_ext[pm.rows]
        m, e, sc, tb = reserve if reserve is not None else g.outside(by["mentee"] + offset, by["mentor"], ADD_PER_PERSON)
        red = sc + g.tie_scale * tb + offset + by["mentee"][e] + by["mentor"][m]
        tol = 1e-6 * max(1.0, float(np.max(np.abs(model.value[use]))))  # the LP path's pricing tolerance
        return m, e, sc, tb, red, tol

    def _solve(self, *, most_pairs: float | None = None, time_limit: float | None = None,
               warm: "MatchResult | PointResult | None" = None, figures_only: bool = False, defer: bool = False
               ) -> "MatchResult | PointResult | Callable[[], MatchResult]":
        """One solve on the current graph (see ``solve``).

        ``defer``: return a function that builds the MatchResult (pairs table, reasons, audit) instead
        of building it: a kept graph's pricing rounds need only the solve's duals until one certifies.

        ``warm``: an earlier result on the same candidate graph (another trade-off point, the
        match before a lock or forbid). Its LP basis and pairs seed this solve; the answer and
        its certificate are those of a cold solve. ``figures_only`` returns a PointResult (the
        numbers of the solve without pairs table, reasons or audit: a trade-off point).
        """

        t0 = time.perf_counter()
        s = self.settings if most_pairs is None else self.settings.model_copy(update={"most_pairs": most_pairs})
        g = self.graph
        caps = self.caps()
        fixed = check_locks(g, self.locks, caps)
        forbidden = self.forbidden_mask()
        if len(fixed) and forbidden[fixed].any():
            bad = [f"{g.people.ids[g.m[j]]} -> {g.people.ids[g.e[j]]}" for j in fixed[forbidden[fixed]]]
            raise MatchInputError(problems_frame([dict(file="locks", row=None, column="mentor_id", value=b,
                                                       problem="pair is both locked and forbidden",
                                                       fix="drop the lock or the forbid") for b in bad]))
        used = caps.used(g.m[fixed], g.e[fixed])
        usable = ~forbidden & caps.room_as_mentor(used)[g.m] & caps.room_as_mentee(used)[g.e]
        usable[fixed] = False
        if self.may_mentee is not None:  # a clearing round: only the unmatched mentees may take new mentors
            usable &= self.may_mentee[g.e]
        live = np.zeros(g.people.n, dtype=bool)
        live[g.m[usable]] = True
        live[g.e[usable]] = True
        live[g.m[fixed]] = True
        live[g.e[fixed]] = True
        tiers = tiers_for(s.tiers, s.tier_step(), caps, live)
        time_limit = time_limit if time_limit is not None else s.solver.time_limit
        lexicographic = s.most_pairs >= 1.0
        bonus = 0.0 if lexicographic else s.pair_bonus()
        value = g.score + bonus + self.eps + tiers.bonus("mentee") + tiers.bonus("mentor")
        stages: list[Solution] = []
        min_pairs = None
        start = getattr(warm, "_engine", None) if warm is not None else None
        warm_pairs = None
        if warm is not None and getattr(warm, "_chosen", None) is not None:
            warm_pairs = np.setdiff1d(warm._chosen, fixed)
            warm_pairs = warm_pairs[usable[warm_pairs]]
        side = bool(s.fairness) or bool(s.mix)
        if lexicographic and not side:  # most pairs first as one solve: a pair bonus larger than any total fit
            sol = self._most_pairs_first(value, usable, fixed, caps, used, tiers, s, time_limit, start, warm_pairs)
            if sol is not None:
                seconds = time.perf_counter() - t0
                base = self._model(value, usable, fixed, caps, used, tiers)
                if figures_only:
                    return point_result(self, base, sol, [sol], fixed, bonus, tiers, seconds)
                built = partial(build_result, self, s, base, sol, [sol], fixed, usable, caps, bonus, tiers, [], [], {},
                                solve_seconds=seconds)
                return built if defer else built()
        if lexicographic:  # stage 1: as many pairs as possible (under the hard mix caps too)
            ones = np.ones(g.n) + self.eps * 1e-3
            first = self._model(ones, usable, fixed, caps, used, Tiers())
            mix_rows(first, s.mix)
            sol = solve(first, g.pool, time_limit=time_limit,
                        threads=s.solver.threads, mip_gap=s.solver.mip_gap, method=self._method(s))
            stages.append(sol)
            min_pairs = len(sol.chosen) + len(fixed)
        base = self._model(value, usable, fixed, caps, used, tiers, min_pairs=min_pairs)
        # the second stage starts from a pool holding the first stage's answer, so its pairs floor is feasible
        # from the first LP on (column generation cannot price from an infeasible restricted LP)
        pool = g.pool if not stages else np.union1d(np.union1d(g.pool, stages[0].pool), stages[0].chosen)
        # with side constraints to come, the base solve is an LP whose basis the constrained re-solve warm-starts
        base_method = "lp" if (s.fairness or s.mix) else self._method(s)
        sol = solve(base, pool, time_limit=time_limit, threads=s.solver.threads, mip_gap=s.solver.mip_gap,
                    method=base_method, start=start if not stages else None, warm_pairs=warm_pairs)
        self._last = (base, sol) if not (stages or side) else None
        stages.append(sol)
        groups: list[FairGroup] = []
        mix_info: list = []
        refs: dict[str, float] = {}
        if side:
            chosen = np.concatenate([fixed, sol.chosen])
            matchable = self._matchable(usable, fixed)
            if s.fairness is not None:
                groups = fair_groups(g, matchable, s.fairness, s.k)
                refs = self._references(chosen, matchable)
            penalty = s.fairness.penalty * float(np.max(value[usable], initial=1.0)) if s.fairness else 0.0
            model = self._model(value, usable, fixed, caps, used, tiers, min_pairs=min_pairs)
            if groups:
                fairness_rows(model, groups, {"mentee": refs["rate_mentee"], "mentor": refs["rate_mentor"]},
                              refs["fit"], s.fairness, penalty)
            mix_info = mix_rows(model, s.mix)
            if model.side_rows and not _meets(model, chosen, g):
                try:
                    sol = solve(model, np.union1d(sol.pool, sol.chosen), time_limit=time_limit,
                                threads=s.solver.threads, mip_gap=s.solver.mip_gap, method=self._method(s), warm=sol.engine)
                except SolveError as exc:
                    raise MatchInputError(problems_frame([dict(
                        file="settings", row=None, column="matching.mix", value="",
                        problem=f"the side constraints cannot be met with the locked pairs ({exc})",
                        fix="relax max_share or drop locks")])) from None
                stages.append(sol)
            else:
                sol = replace(sol, method="side-slack", aux=np.zeros(len(model.aux_lb)),
                              certificate=sol.certificate + "; the unconstrained optimum meets every side "
                              "constraint, so it is optimal with them", seconds={})
                stages.append(sol)
            base = model
        seconds = time.perf_counter() - t0
        if figures_only:
            return point_result(self, base, sol, stages, fixed, bonus, tiers, seconds)
        built = partial(build_result, self, s, base, sol, stages, fixed, usable, caps, bonus, tiers, groups, mix_info,
                        refs, solve_seconds=seconds)
        return built if defer else built()

    def _most_pairs_first(self, value: np.ndarray, usable: np.ndarray, fixed: np.ndarray, caps: Capacity,
                          used: Capacity, tiers: Tiers, s: MatchSettings, time_limit: float | None,
                          start: object, warm_pairs: np.ndarray | None) -> Solution | None:
        """The lexicographic optimum (most pairs, then best fit) as one solve with a large pair bonus B.

        Every solution's value is >= 0 and at most ``top`` (each mentee's room x their best pair
        value, summed), so with B > top a solution with more pairs is always worth more. The
        answer x (k pairs) is certified from the bonus solve's bound U: any solution with k
        pairs is worth at most U - B k, and none has k + 1 pairs because U - B k < B. None
        when that check fails (the two-stage path then answers).
        """
        g = self.graph
        idx = np.flatnonzero(usable)
        if len(idx) == 0:
            return None
        best = np.zeros(g.people.n)
        np.maximum.at(best, g.e[idx], np.maximum(value[idx], 0.0))
        room = np.maximum(caps.mentee - used.mentee, 0)
        top = float(np.dot(best, room))
        big = 2.0 * top + 1.0
        model = self._model(value + big, usable, fixed, caps, used, tiers)
        # CBC's gap is relative to the bonus objective: shrink it so that it stays within mip_gap of the fit
        gap = s.solver.mip_gap / (1.0 + 2.0 * float(room.sum()))
        sol = solve(model, g.pool, time_limit=time_limit, threads=s.solver.threads, mip_gap=gap,
                    method=self._method(s), start=start, warm_pairs=warm_pairs)
        self._last = (model, sol)
        k = len(sol.chosen)
        fit_bound = sol.bound - big * k
        if sol.status != "optimal" or not fit_bound < big:
            return None
        fit = sol.value - big * k
        if fit_bound - fit > s.solver.mip_gap * max(abs(fit_bound), 1e-12):
            return None
        cert = (f"{sol.certificate}; most pairs first as one solve: a bonus of {big:.6g} per pair (more than any "
                f"total fit) gives {k:,} pairs, the most possible (the bound leaves less than one bonus for "
                f"another pair), and the best fit among them: fit {fit:.6f} <= {fit_bound:.6f}")
        return Solution(sol.chosen, sol.aux, fit, max(fit_bound, fit), sol.status, sol.method, cert, sol.lp_rounds,
                        sol.lp_columns, sol.ilp_columns, sol.seconds, sol.pool, sol.engine, sol.duals)

    def _model(self, value: np.ndarray, usable: np.ndarray, fixed: np.ndarray, caps: Capacity, used: Capacity,
               tiers: Tiers, min_pairs: int | None = None) -> LinearModel:
        """The base model: capacity rows with tiers (+ the most-pairs floor of the lexicographic second stage)."""
        model = LinearModel(self.graph, value, usable, fixed)
        capacity_rows(model, caps, used, tiers)
        if min_pairs is not None:
            min_pairs_rows(model, min_pairs)
        return model

    def _matchable(self, usable: np.ndarray, fixed: np.ndarray) -> np.ndarray:
        g = self.graph
        n = g.people.n
        cnt = np.bincount(g.m[usable], minlength=n) + np.bincount(g.e[usable], minlength=n)
        cnt[g.m[fixed]] += 1
        cnt[g.e[fixed]] += 1
        return cnt > 0

    def _references(self, chosen: np.ndarray, matchable: np.ndarray) -> dict[str, float]:
        """Programme-wide match rate per side and mean fit of the unconstrained optimum."""
        g = self.graph
        p = g.people
        matched = np.zeros(p.n, dtype=bool)
        matched[g.m[chosen]] = True
        matched[g.e[chosen]] = True
        out = {}
        for side, can in (("mentee", p.can_mentee), ("mentor", p.can_mentor)):
            pop = matchable & can & g.consenting
            out[f"rate_{side}"] = float(matched[pop].mean()) if pop.any() else 0.0
        out["fit"] = float(g.score[chosen].mean()) if len(chosen) else 0.0
        return out


def _meets(model: LinearModel, chosen: np.ndarray, graph: CandidateGraph) -> bool:
    """Whether a solution satisfies every row with zero shortfall (auxiliaries at their natural values)."""
    r, _, c = model.entries(chosen)
    act = np.zeros(model.n_rows)
    np.add.at(act, r, c)
    matched = np.zeros(graph.people.n, dtype=bool)
    matched[graph.m[chosen]] = True
    matched[graph.e[chosen]] = True
    all_pairs = np.asarray(chosen, dtype=np.int64)  # locks included
    aux = np.zeros(len(model.aux_lb))
    for a, name in enumerate(model.aux_name):
        if name == "total_pairs":
            aux[a] = len(chosen)
        elif name.startswith("matched:"):
            aux[a] = float(matched[graph.people.index_of(name.split(":", 1)[1])])
        elif name.startswith("tier:"):
            _, side, p, k = name.split(":")
            cnt = np.count_nonzero((graph.e if side == "mentee" else graph.m)[all_pairs] == int(p))
            aux[a] = float(cnt >= int(k))
    for rows, cols, coefs in model.aux_entries:
        np.add.at(act, rows, coefs * aux[cols])
    b = np.asarray(model.rhs)
    eqm = np.asarray(model.eq, dtype=bool)
    tol = 1e-9 * max(1.0, float(np.max(np.abs(b), initial=1.0)))
    return bool(np.all(act[~eqm] <= b[~eqm] + tol) and np.all(np.abs(act[eqm] - b[eqm]) <= tol))


def _best_few(m: np.ndarray, e: np.ndarray, red: np.ndarray, mask: np.ndarray, k: int) -> np.ndarray:
    """Positions (within ``mask``) of each mentee's and each mentor's ``k`` largest ``red``: partial pricing."""
    from revmentor_nb.matching.candidates import _row_top_k

    sel = np.flatnonzero(mask)
    keep = np.zeros(len(sel), dtype=bool)
    for who in (e[sel], m[sel]):
        order = np.argsort(who, kind="stable")
        keep[order[_row_top_k(who[order], red[sel][order], k)]] = True
    return sel[keep]


def _slack(e: np.ndarray, red: np.ndarray, room: np.ndarray, n: int) -> float:
    """Most that left-out pairs with small positive reduced costs can add: per mentee, room x the largest one."""
    if len(e) == 0:
        return 0.0
    best = np.zeros(n)
    np.maximum.at(best, e, np.maximum(red, 0.0))
    return float(np.dot(best, np.maximum(room, 1)))


def keep_for(people: "People", s: MatchSettings) -> int | None:
    """Pairs kept per person when mentors x mentees exceed ``KEEP_ABOVE`` cells (None: keep every pair).

    Only without side constraints: a kept graph is priced by person, which a fairness or mix row breaks.
    """
    if s.fairness or s.mix:
        return None
    cells = int(np.count_nonzero(people.can_mentor)) * int(np.count_nonzero(people.can_mentee))
    return KEEP if cells > KEEP_ABOVE else None


def prepare(participants: pd.DataFrame, *, roster: pd.DataFrame | None = None,
            exclusions: pd.DataFrame | None = None, locks: pd.DataFrame | None = None,
            rules: MatchRules | dict[str, Any] | None = None, weights: MatchWeights | dict[str, Any] | None = None,
            settings: MatchSettings | dict[str, Any] | None = None, seed: int = 0,
            forbid: Iterable[tuple[str, str]] = (), relax: dict[str, Any] | None = None) -> Run:
    """Validate the inputs and build the candidate graph (everything but the solve).

    ``relax`` (clearing rounds) relaxes named rules for this run only; see ``relax.relax_rules``.
    """
    t0 = time.perf_counter()
    try:
        s = resolve_settings(settings, rules, weights)
    except Exception as exc:  # pydantic ValidationError or a rule-table error
        raise MatchInputError(problems_frame(_settings_problems(exc))) from None
    people = encode(participants, consent_rule=s.rules.consent)
    data, notes = rule_data(people, roster, exclusions)
    people.identity = identity_codes(people, roster)
    own_specs = rule_table(s, people)
    specs, relaxed = relax_rules(own_specs, relax)
    lacking = missing_columns(specs, people)
    if lacking:
        raise MatchInputError(problems_frame([dict(
            file="participants", row=None, column=col, value="", problem=f"the rule {name!r} needs the column {col!r}",
            fix="add the column or switch the rule off in the matching settings") for name, col in lacking]))
    unknown = side_constraint_problems(s, people)
    if unknown:
        raise MatchInputError(problems_frame(unknown))
    try:
        rule_objs = compile_rules(specs, people, data)
        own_rules = compile_rules([x for x in own_specs if x.name in relaxed], people, data) if relaxed else []
        terms = compile_terms(s.term_table(), people)
    except ValueError as exc:
        raise MatchInputError(problems_frame(_settings_problems(exc))) from None
    graph = generate(people, rule_objs, terms, consent_rule=s.rules.consent, pool=s.solver.pool, seed=seed,
                     tie_scale=tie_scale(s), keep=keep_for(people, s))
    lines = None  # the roster matters to the matcher only through its reporting lines
    if roster is not None and len(roster):
        cols = {str(c).strip().casefold(): c for c in roster.columns}
        lines = roster[[cols[c] for c in ("person_id", "manager_id") if c in cols]]
    frames = {"inputs": inputs_digest(participants, lines, exclusions)}
    return Run(graph, s, seed, lock_pairs(locks), [tuple(map(str, p)) for p in forbid], frames, notes,
               build_seconds=time.perf_counter() - t0, relaxed=relaxed, original_rules=own_rules)


NOT_GROUPS = {"person_id", "name", "email", "manager_id", "offers", "wants", "interests", "preferences",
              "consent", "capacity", "mentor_capacity", "mentee_capacity", "roster_id", "grade_rank"}


def side_constraint_problems(settings: MatchSettings, people: "People") -> list[dict[str, Any]]:
    """Fairness attributes and mix columns the sign-ups do not have (a typo would switch the constraint off).

    The default fairness attributes are taken where present; attributes a programme lists itself,
    and every mix column, must be columns of the sign-ups. Each problem lists the columns there are.
    """
    columns = [str(c) for c in people.frame.columns if str(c) not in NOT_GROUPS]
    shown = ", ".join(columns) or "(none)"
    out: list[dict[str, Any]] = []
    f = settings.fairness
    if f is not None:
        default = FairnessSettings().attributes
        missing = [a for a in f.attributes if not people.has(a)]
        if f.attributes != default and missing or missing and len(missing) == len(f.attributes):
            out += [dict(file="program.yaml", row=None, column="matching.fairness.attributes", value=a,
                         problem=f"'{a}' is not a column of the sign-ups, so fairness would not look at it",
                         fix=f"correct the spelling, or use one of the sign-ups' columns: {shown}") for a in missing]
    for i, cap in enumerate(settings.mix):
        if not people.has(cap.column):
            out.append(dict(file="program.yaml", row=None, column=f"matching.mix[{i}].column", value=cap.column,
                            problem=f"'{cap.column}' is not a column of the sign-ups, so this mix cap would do nothing",
                            fix=f"correct the spelling, or use one of the sign-ups' columns: {shown}"))
    return out


def allowed_keys(loc: tuple) -> list[str]:
    """The keys a settings section accepts, following ``loc`` (e.g. ('rules', 'grade_gap')) down from MatchSettings."""
    import typing

    from pydantic import BaseModel

    model: Any = MatchSettings
    for part in loc:
        if isinstance(part, int):
            continue
        field = getattr(model, "model_fields", {}).get(str(part))
        if field is None:
            return []
        found = None
        for t in (field.annotation, *typing.get_args(field.annotation)):
            for u in (t, *typing.get_args(t)):
                if isinstance(u, type) and issubclass(u, BaseModel):
                    found = u
        if found is None:
            return []
        model = found
    return sorted(getattr(model, "model_fields", {}))


def _settings_problems(exc: Exception) -> list[dict[str, Any]]:
    errors = getattr(exc, "errors", None)
    if callable(errors):
        out = []
        for e in errors():
            key = ".".join(str(p) for p in e.get("loc", ())) or "matching"
            fix = "use an allowed value"
            if e.get("type") == "extra_forbidden":
                allowed = allowed_keys(e.get("loc", ())[:-1])
                fix = f"remove or correct the key; allowed here: {', '.join(allowed)}" if allowed else "remove the key"
            out.append(dict(file="settings", row=None, column=f"matching.{key}", value=str(e.get("input", ""))[:80],
                            problem=e.get("msg", str(exc)), fix=fix))
        return out
    return [dict(file="settings", row=None, column="matching", value="", problem=str(exc), fix="correct the setting")]


def match(participants: pd.DataFrame, *, roster: pd.DataFrame | None = None, exclusions: pd.DataFrame | None = None,
          locks: pd.DataFrame | None = None, rules: MatchRules | dict[str, Any] | None = None,
          weights: MatchWeights | dict[str, Any] | None = None, settings: MatchSettings | dict[str, Any] | None = None,
          seed: int = 0, time_limit: float | None = None, relax: dict[str, Any] | None = None) -> "MatchResult":
    """The provably optimal matching of mentors to mentees under the programme's rules.

    ``participants`` is the loader's DataFrame; ``roster`` traces reporting lines through
    people who did not sign up; ``exclusions`` (person_a, person_b) are never paired;
    ``locks`` (mentor_id, mentee_id) are always paired. ``rules``/``weights`` override the
    ``settings`` (default: ``MatchSettings()``). Conflicting inputs raise MatchInputError
    with a problems table. ``seed`` only changes how exact ties are broken. ``relax``
    relaxes named rules for this run only (see ``clearing_round`` for the usual use).
    """
    t0 = time.perf_counter()
    run = prepare(participants, roster=roster, exclusions=exclusions, locks=locks, rules=rules, weights=weights,
                  settings=settings, seed=seed, relax=relax)
    result = run.solve(time_limit=time_limit)
    object.__setattr__(result, "seconds", time.perf_counter() - t0)
    return result



def tradeoff(participants: pd.DataFrame, *, points: int = 11, **kwargs: Any) -> pd.DataFrame:
    """(setting, pairs matched, total fit, ...) across most_pairs from 0 (best fit) to 1 (most pairs).

    Takes the same keyword arguments as ``match`` (roster, exclusions, locks, rules,
    weights, settings, seed); the candidate graph is built once.
    """
    kwargs.pop("time_limit", None)
    run = prepare(participants, **kwargs)
    return tradeoff_run(run, points)
