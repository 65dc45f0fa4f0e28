"""The exact grid every equality-based statistic reads: scores and changes rounded to 1e-9 of a score point.

Scores are means of items (7/3, 4/3, ...), so two changes equal on paper can differ in the last
bit of a float (1.0000000000000002 vs 1.0) and a zero change can come out as -4.4e-16. Rank
tests (Wilcoxon, Spearman) and counts of zero or constant changes depend on exact equality, so
they read values put on a grid of ``GRID`` first; moment statistics (means, t, OLS) keep the
unrounded values, which are within 1e-15 of the exact ones. Two values closer than the grid
are treated as equal: measures are assumed to carry no real information beyond the 9th decimal.
"""
from __future__ import annotations

import numpy as np

GRID = 1e-9  # score points; the mean of k integer items lies at least 1/(2e9 k) from a rounding boundary


def on_grid(values: np.ndarray | list[float]) -> np.ndarray:
    """``values`` rounded to the nearest multiple of ``GRID`` (NaN stays NaN; -0.0 becomes 0.0)."""
    x = np.asarray(values, dtype=float)
    return np.rint(x / GRID) * GRID + 0.0
