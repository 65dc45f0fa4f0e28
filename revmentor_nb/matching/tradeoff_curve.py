"""The most-pairs vs best-fit curve: pairs matched and total fit across the setting.

The setting s in [0, 1] adds a bonus of s/(1-s) x the largest possible score to every
pair (s = 1: as many pairs as possible first, then best fit). Raising the bonus never
lowers the number of pairs and never raises the total fit, so the curve is monotone.

The points are solved in order, each warm-started from the one before (parametric
re-solve): only the pair values change, so the LP keeps its columns and basis and primal
simplex moves on from the last optimum; the assignment path starts from the last pairs.
Every point is still certified on its own; a point is reduced to its figures (no pairs
table, reasons or audit), which is most of what a full result would cost. A flat curve (the
best-fit answer already has the most pairs possible) is one solve: ``pairs_ceiling``.
"""
from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

if TYPE_CHECKING:
    from revmentor_nb.matching.engine import Run
    from revmentor_nb.matching.result import MatchResult, PointResult

TRADEOFF_COLUMNS = ["setting", "pairs", "total_fit", "mean_fit", "objective", "status", "seconds"]


def tradeoff_run(run: "Run", points: int = 11, start: "MatchResult | None" = None) -> pd.DataFrame:
    """The curve for an already-built run (one warm-started solve per point, one candidate graph).

    ``start``: a result on this run to warm-start the first point from (e.g. the match itself).
    A flat curve costs one solve: see ``pairs_ceiling``.
    """
    rows = []
    warm = start
    flat: "PointResult | None" = None
    ceiling = pairs_ceiling(run)
    for s in np.linspace(0.0, 1.0, max(points, 2)):
        if flat is not None:
            res = _flat_point(run, flat, float(s), ceiling)
        else:
            res = run.solve(most_pairs=float(s), warm=warm, figures_only=True)
            warm = res
            if s == 0.0 and res.status == "optimal" and res.n_pairs >= ceiling:
                flat = res
        rows.append(dict(setting=round(float(s), 6), pairs=res.n_pairs, total_fit=res.total_fit,
                         mean_fit=res.total_fit / res.n_pairs if res.n_pairs else np.nan,
                         objective=res.objective, status=res.status, seconds=res.seconds))
    return pd.DataFrame(rows, columns=TRADEOFF_COLUMNS)


def pairs_ceiling(run: "Run") -> float:
    """A bound no solution on this run's graph can pass: the pairs its people could take if each had every room.

    Each mentee takes at most min(capacity as mentee, candidate pairs), and each mentor the same;
    shared totals, forbids and side constraints only lower it. When the best-fit optimum (setting 0)
    already has this many pairs it is optimal at every setting: with x0 best in fit and in pairs,
    fit(x) + b * pairs(x) <= fit(x0) + b * pairs(x0) for every bonus b, so the curve is flat and its
    other points are x0's figures with their own certificate (x0's bound + b * ceiling). Infinite
    (no shortcut) on a kept graph, whose left-out pairs are not counted here, or with side constraints,
    whose penalties depend on the setting.
    """
    g, s = run.graph, run.settings
    if g.kept or s.fairness or s.mix:
        return float("inf")
    caps, n = run.caps(), g.people.n
    by_mentee = np.minimum(caps.mentee, np.bincount(g.e, minlength=n)).sum()
    by_mentor = np.minimum(caps.mentor, np.bincount(g.m, minlength=n)).sum()
    return float(min(by_mentee, by_mentor))


def _flat_point(run: "Run", best_fit: "PointResult", setting: float, ceiling: float) -> "PointResult":
    """The point at ``setting`` of a flat curve: the best-fit answer, with the pair bonus of that setting."""
    s = run.settings.model_copy(update={"most_pairs": setting})
    bonus = 0.0 if setting >= 1.0 else s.pair_bonus()  # setting 1 is lexicographic: reported as its fit
    objective = best_fit.objective + bonus * best_fit.n_pairs
    bound = max(objective, best_fit.bound + bonus * ceiling)
    gap = (bound - objective) / max(abs(bound), 1e-12) if bound else 0.0
    return replace(best_fit, objective=objective, bound=bound, gap=float(gap), seconds=0.0,
                   method="flat curve: the best-fit optimum has the most pairs possible")
