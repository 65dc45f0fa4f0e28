"""Cohen's d_z with its exact confidence interval, by inverting the noncentral t distribution.

With t = d_z * sqrt(n) on n - 1 df, the bounds are the noncentrality parameters that put the
observed t at the upper and lower (1 - level)/2 points of the noncentral t, divided by sqrt(n)
(Steiger & Fouladi 1997). Each bound is solved on scipy's noncentral t, checked against the
integral of ``design.noncentral`` and solved on that integral when the check fails, so the
interval is exact at any t; there is no large-sample fallback.
"""
from __future__ import annotations

import numpy as np

from revmentor_nb.design.noncentral import noncentrality_for

LEVEL = 0.95


def dz_confidence_interval(d_z: float, n: int, level: float = LEVEL) -> tuple[float, float]:
    """Exact CI of Cohen's d_z from n paired changes (noncentral t inversion); NaN when n < 2 or d_z is not finite."""
    if n < 2 or not np.isfinite(d_z):
        return np.nan, np.nan
    if d_z < 0:  # the noncentral t is symmetric: CI(-d) = -CI(d) reversed
        low, high = dz_confidence_interval(-d_z, n, level)
        return -high, -low
    t, df, tail = d_z * np.sqrt(n), n - 1, (1 - level) / 2
    try:
        low = noncentrality_for(t, df, 1 - tail)
        high = noncentrality_for(t, df, tail)
    except (ArithmeticError, ValueError, RuntimeError):  # no exact root found: blank, never an approximation
        return np.nan, np.nan
    return low / np.sqrt(n), high / np.sqrt(n)
