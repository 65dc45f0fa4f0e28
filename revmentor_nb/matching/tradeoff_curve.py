"""The most-pairs vs best-fit curve: pairs matched and total fit across the setting.

The setting s in [0, 1] adds a bonus of s/(1-s) x the largest possible score to every
pair (s = 1: as many pairs as possible first, then best fit). Raising the bonus never
lowers the number of pairs and never raises the total fit, so the curve is monotone.

The points are solved in order, each warm-started from the one before (parametric
re-solve): only the pair values change, so the LP keeps its columns and basis and primal
simplex moves on from the last optimum; the assignment path starts from the last pairs.
Every point is still certified on its own; a point is reduced to its figures (no pairs
table, reasons or audit), which is most of what a full result would cost.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

if TYPE_CHECKING:
    from revmentor_nb.matching.engine import Run
    from revmentor_nb.matching.result import MatchResult

TRADEOFF_COLUMNS = ["setting", "pairs", "total_fit", "mean_fit", "objective", "status", "seconds"]


def tradeoff_run(run: "Run", points: int = 11, start: "MatchResult | None" = None) -> pd.DataFrame:
    """The curve for an already-built run (one warm-started solve per point, one candidate graph).

    ``start``: a result on this run to warm-start the first point from (e.g. the match itself).
    """
    rows = []
    warm = start
    for s in np.linspace(0.0, 1.0, max(points, 2)):
        res = run.solve(most_pairs=float(s), warm=warm, figures_only=True)
        warm = res
        rows.append(dict(setting=round(float(s), 6), pairs=res.n_pairs, total_fit=res.total_fit,
                         mean_fit=res.total_fit / res.n_pairs if res.n_pairs else np.nan,
                         objective=res.objective, status=res.status, seconds=res.seconds))
    return pd.DataFrame(rows, columns=TRADEOFF_COLUMNS)

