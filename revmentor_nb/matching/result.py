"""MatchResult: the pairs, the unmatched and why, the graph the optimiser saw, and the proof."""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Any, Iterable

import numpy as np
import pandas as pd

from revmentor_nb.matching.config import MatchSettings
from revmentor_nb.matching.explain import explain
from revmentor_nb.matching.hashing import data_hash

if TYPE_CHECKING:
    from revmentor_nb.matching.audit import Audit
    from revmentor_nb.matching.capacity import Capacity
    from revmentor_nb.matching.constraints import FairGroup, Tiers
    from revmentor_nb.matching.engine import Run
    from revmentor_nb.matching.model import LinearModel, Solution

PAIR_ID_COLUMNS = ["mentor_id", "mentee_id", "score"]
RELAXED_COLUMNS = ["mentor_id", "mentee_id", "rule", "programme_rule", "this_round"]


@dataclass(frozen=True)
class MatchResult:
    """One match run.

    ``pairs``: mentor_id, mentee_id, score, one column per score term (weighted points,
    summing to score), shared_topics, locked. ``unmatched``: person_id, role, cause, reason.
    ``rejected``: pairs each hard rule removed (``removed``: first rule broken, in table
    order; ``failing``: all pairs the rule rejects on its own). ``status`` is "optimal" when
    the certificate proves the optimum over *all* allowed pairs; ``objective`` is the sum
    over pairs of score + pair bonus (minus any fairness shortfall penalty), ``bound`` an
    upper bound on it, ``gap`` = (bound - objective) / bound.
    """

    pairs: pd.DataFrame
    unmatched: pd.DataFrame
    rejected: pd.DataFrame
    status: str
    objective: float
    bound: float
    gap: float
    seconds: float
    data_hash: str
    settings: MatchSettings
    method: str = ""
    certificate: str = ""
    pair_bonus: float = 0.0
    fairness: pd.DataFrame = field(default_factory=pd.DataFrame)
    notes: tuple[str, ...] = ()
    timings: dict[str, float] = field(default_factory=dict)
    tier_step: float = 0.0
    relaxed: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=RELAXED_COLUMNS))
    _run: Any = field(default=None, repr=False, compare=False)
    _chosen: np.ndarray = field(default=None, repr=False, compare=False)  # type: ignore[assignment]
    _usable: np.ndarray = field(default=None, repr=False, compare=False)  # type: ignore[assignment]
    _fixed: np.ndarray = field(default=None, repr=False, compare=False)  # type: ignore[assignment]
    _engine: Any = field(default=None, repr=False, compare=False)  # the LP engine, to warm-start a re-solve

    # ------------------------------------------------------------------ views

    @property
    def total_fit(self) -> float:
        """Sum of the pairs' scores."""
        return float(self.pairs["score"].sum()) if len(self.pairs) else 0.0

    @property
    def n_pairs(self) -> int:
        """Number of pairs (locks included)."""
        return len(self.pairs)

    @cached_property
    def candidates(self) -> pd.DataFrame:
        """Every pair the optimiser could choose (allowed, not forbidden), with score and components."""
        g = self._run.graph
        live = self._usable.copy()
        live[self._fixed] = True
        idx = np.flatnonzero(live)
        ids = pd.Index(g.people.ids, dtype=object)
        df = pd.DataFrame({
            "mentor_id": pd.Categorical.from_codes(g.m[idx], categories=ids),
            "mentee_id": pd.Categorical.from_codes(g.e[idx], categories=ids),
            "score": g.score[idx],
        })
        comp = g.points(idx)
        for c in comp.columns:
            df[c] = comp[c].to_numpy()
        chosen = np.zeros(g.n, dtype=bool)
        chosen[self._chosen] = True
        df["chosen"] = chosen[idx]
        locked = np.zeros(g.n, dtype=bool)
        locked[self._fixed] = True
        df["locked"] = locked[idx]
        return df

    def summary(self) -> dict[str, Any]:
        """The run in one dict (for reports and logs)."""
        g = self._run.graph if self._run is not None else None
        return {
            "status": self.status, "method": self.method, "pairs": self.n_pairs, "unmatched": len(self.unmatched),
            "total_fit": round(self.total_fit, 6), "objective": self.objective, "bound": self.bound, "gap": self.gap,
            "seconds": round(self.seconds, 3), "candidates": int(len(self._usable) if g is None else self._usable.sum()),
            "data_hash": self.data_hash,
        }

    def __repr__(self) -> str:
        s = self.summary()
        return (f"MatchResult({s['pairs']} pairs, {s['unmatched']} unmatched, status={s['status']}, "
                f"objective={s['objective']:.4f}, gap={s['gap']:.2e}, {s['seconds']:.2f}s, hash={s['data_hash']})")

    # ------------------------------------------------------------------ methods

    def audit(self, k: int | None = None) -> "Audit":
        """Match rate and mean fit by group (sensitive attributes, department, location, grade); groups under k suppressed."""
        from revmentor_nb.matching.audit import audit

        return audit(self, k if k is not None else self.settings.k)

    def check_validity(self) -> pd.DataFrame:
        """Re-check every hard rule, capacity and lock on the pairs; one row per violation (empty when valid)."""
        from revmentor_nb.matching.validity import check_validity

        return check_validity(self)

    def blocking_pairs(self) -> pd.DataFrame:
        """Blocking pairs under the participants' ranked ``preferences`` (see stability.blocking_pairs)."""
        from revmentor_nb.matching.stability import blocking_pairs

        return blocking_pairs(self)

    def rematch(self, *, lock: Iterable[tuple[str, str]] = (), forbid: Iterable[tuple[str, str]] = (),
                unlock: Iterable[tuple[str, str]] = (), time_limit: float | None = None) -> "MatchResult":
        """Re-solve with more locked / forbidden pairs (or fewer locks), reusing the candidate graph."""
        import time
        from dataclasses import replace

        t0 = time.perf_counter()
        run = self._run
        drop = {(str(a), str(b)) for a, b in unlock}
        locks = [x for x in run.locks if (x[1], x[2]) not in drop]
        have = {(x[1], x[2]) for x in locks}
        for a, b in lock:
            if (str(a), str(b)) not in have:
                locks.append((None, str(a), str(b)))
        new = replace(run, locks=locks, forbid=list(run.forbid) + [(str(a), str(b)) for a, b in forbid])
        res = new.solve(time_limit=time_limit, warm=self)  # starts from this match's LP basis and pairs
        object.__setattr__(res, "seconds", time.perf_counter() - t0)
        return res

    def tradeoff(self, points: int = 11) -> pd.DataFrame:
        """Pairs matched and total fit across the most-pairs setting, reusing this run's graph (warm-started from it)."""
        from revmentor_nb.matching.tradeoff_curve import tradeoff_run

        return tradeoff_run(self._run, points, start=self)


@dataclass(frozen=True)
class PointResult:
    """One solve reduced to its figures (a trade-off point): no pairs table, reasons or audit.

    Carries what a warm start needs (``_engine``, ``_chosen``), like a MatchResult.
    """

    n_pairs: int
    total_fit: float
    objective: float
    bound: float
    gap: float
    status: str
    method: str
    seconds: float
    _chosen: np.ndarray = field(default=None, repr=False, compare=False)  # type: ignore[assignment]
    _engine: Any = field(default=None, repr=False, compare=False)


def certified_objective(run: "Run", model: "LinearModel", sol: "Solution", fixed: np.ndarray, bonus: float,
                        tiers: "Tiers") -> tuple[float, float, float]:
    """(objective, bound, gap) of a solve, locks included: score + pair bonus + tiers (+ any shortfall penalty)."""
    g = run.graph
    n = g.people.n
    chosen = np.concatenate([fixed, sol.chosen]).astype(np.int64)
    penalty = 0.0
    if len(model.aux_obj) and len(sol.aux):
        weights = np.asarray(model.aux_obj, dtype=np.float64).copy()
        weights[np.asarray(model.tier_aux, dtype=np.int64)] = 0.0  # tiers are counted from the pairs below
        penalty = float(np.dot(weights, sol.aux))

    def tier_value(idx: np.ndarray) -> float:
        return (tiers.value(np.bincount(g.e[idx], minlength=n), "mentee")
                + tiers.value(np.bincount(g.m[idx], minlength=n), "mentor"))

    objective = float(g.score[chosen].sum() + bonus * len(chosen) + tier_value(chosen) + penalty)
    fixed_value = float(g.score[fixed].sum() + bonus * len(fixed) + tier_value(fixed))
    bound = max(objective, float(sol.bound + fixed_value))
    gap = (bound - objective) / max(abs(bound), 1e-12) if bound else 0.0
    return objective, bound, float(gap)


def point_result(run: "Run", model: "LinearModel", sol: "Solution", stages: list["Solution"], fixed: np.ndarray,
                 bonus: float, tiers: "Tiers", solve_seconds: float) -> PointResult:
    """The figures of a solve without the tables (for the trade-off curve)."""
    chosen = np.sort(np.concatenate([fixed, sol.chosen]).astype(np.int64))
    objective, bound, gap = certified_objective(run, model, sol, fixed, bonus, tiers)
    return PointResult(len(chosen), float(run.graph.score[chosen].sum()), objective, bound, gap, sol.status,
                       "+".join(st.method for st in stages), solve_seconds, chosen, sol.engine)


def build_result(run: "Run", s: MatchSettings, model: "LinearModel", sol: "Solution", stages: list["Solution"],
                 fixed: np.ndarray, usable: np.ndarray, caps: "Capacity", bonus: float, tiers: "Tiers",
                 groups: list["FairGroup"], mix_info: list, refs: dict[str, float], solve_seconds: float) -> MatchResult:
    """Assemble the MatchResult of a solve."""
    g = run.graph
    people = g.people
    chosen = np.sort(np.concatenate([fixed, sol.chosen]).astype(np.int64))
    locked = np.zeros(g.n, dtype=bool)
    locked[fixed] = True
    comp = g.points(chosen)
    pairs = pd.DataFrame({
        "mentor_id": people.ids[g.m[chosen]].astype(object),
        "mentee_id": people.ids[g.e[chosen]].astype(object),
        "score": g.score[chosen],
    })
    for c in comp.columns:
        pairs[c] = comp[c].to_numpy()
    pairs["shared_topics"] = [people.shared_items(int(a), int(b), "offers", "wants") for a, b in zip(g.m[chosen], g.e[chosen])]
    pairs["locked"] = locked[chosen]
    pairs = pairs.sort_values(["mentor_id", "mentee_id"], kind="stable").reset_index(drop=True)
    objective, bound, gap = certified_objective(run, model, sol, fixed, bonus, tiers)
    unmatched = explain(g, chosen, usable, fixed, caps, side_constraints=bool(groups or mix_info),
                        most_pairs=s.most_pairs)
    relaxed = relaxed_table(run, chosen, fixed)
    rejected = g.rejected.copy()
    if run.forbid:
        forbidden = run.forbidden_mask()
        rejected.loc[len(rejected)] = dict(rule="forbid", kind="forbid", removed=int(forbidden.sum()),
                                           failing=int(forbidden.sum()), description="forbidden while reviewing")
    fairness = _fairness_table(g, chosen, groups, sol, model)
    timings = {"build": run.build_seconds, "candidates": g.seconds, "solve": solve_seconds}
    for i, st in enumerate(stages):
        for k, v in st.seconds.items():
            timings[f"stage{i}_{k}"] = v
    hashed = s.model_dump(mode="json")
    if run.relaxed or run.may_mentee is not None:  # a clearing round hashes what it relaxed and who could join
        hashed["_round"] = {"relax": {k: list(v) for k, v in run.relaxed.items()},
                            "closed": [] if run.may_mentee is None else run.graph.people.ids[~run.may_mentee].tolist()}
    hash_ = data_hash(run.frames["inputs"], run.locks, run.forbid, hashed, run.seed)
    method = "+".join(st.method for st in stages)
    return MatchResult(
        pairs=pairs, unmatched=unmatched, rejected=rejected, status=sol.status, objective=objective, bound=bound,
        gap=float(gap), seconds=solve_seconds, data_hash=hash_, settings=s.model_copy(deep=True), method=method,
        certificate=sol.certificate, pair_bonus=bonus, fairness=fairness, notes=tuple(run.notes), timings=timings,
        tier_step=tiers.step if (tiers.top_mentee > 1 or tiers.top_mentor > 1) else 0.0, relaxed=relaxed,
        _run=run, _chosen=chosen, _usable=usable, _fixed=fixed, _engine=sol.engine,
    )


def _fairness_table(g, chosen: np.ndarray, groups: list["FairGroup"], sol: "Solution", model: "LinearModel") -> pd.DataFrame:
    """Per protected group: size, floors, what the match achieved, and any shortfall."""
    cols = ["side", "attribute", "group", "n", "matched", "rate", "rate_floor", "mean_fit", "fit_floor", "shortfall"]
    if not groups:
        return pd.DataFrame(columns=cols)
    n = g.people.n
    matched = np.zeros(n, dtype=bool)
    matched[g.m[chosen]] = True
    matched[g.e[chosen]] = True
    rows = []
    for grp in groups:
        side_p = g.e[chosen] if grp.side == "mentee" else g.m[chosen]
        inside = np.isin(side_p, grp.members)
        fits = g.score[chosen][inside]
        short = 0.0
        for a in (grp.rate_aux, grp.fit_aux):
            if a >= 0 and a < len(sol.aux):
                short += float(sol.aux[a])
        k = int(matched[grp.members].sum())
        rows.append(dict(side=grp.side, attribute=grp.attribute, group=grp.value, n=len(grp.members), matched=k,
                         rate=k / len(grp.members), rate_floor=grp.rate_floor / len(grp.members) if grp.rate_row >= 0 else np.nan,
                         mean_fit=float(fits.mean()) if len(fits) else np.nan, fit_floor=grp.fit_floor,
                         shortfall=round(short, 9)))
    return pd.DataFrame(rows, columns=cols)


def relaxed_table(run: "Run", chosen: np.ndarray, fixed: np.ndarray) -> pd.DataFrame:
    """New pairs of a clearing round that the programme's own rules would reject, and which rule was relaxed."""
    if not run.relaxed or not run.original_rules:
        return pd.DataFrame(columns=RELAXED_COLUMNS)
    g = run.graph
    new = np.setdiff1d(chosen, fixed)
    if len(new) == 0:
        return pd.DataFrame(columns=RELAXED_COLUMNS)
    from revmentor_nb.matching.block import Block

    blk = Block(g.people, g.m[new], g.e[new], dense=False)
    rows = []
    for rule in run.original_rules:
        if rule.name not in run.relaxed:
            continue
        ok = np.asarray(rule.allowed(blk), dtype=bool)
        before, after = run.relaxed[rule.name]
        for j in new[~ok]:
            rows.append((g.people.ids[g.m[j]], g.people.ids[g.e[j]], rule.name, before, after))
    return pd.DataFrame(rows, columns=RELAXED_COLUMNS).sort_values(["mentor_id", "mentee_id", "rule"]).reset_index(drop=True)
