"""The noncentral t distribution, exact at every t: for power (pilot sizing) and the d_z interval (evaluation).

scipy's ``nct`` is fast and agrees with the integral below (itself checked against 40-digit
mpmath) to about 1e-12 for |t| up to 1000,
but it loses accuracy beyond (errors near 1e-9 at t = 3000, 1e-8 at 1e4, NaN by 1e6; older
scipy releases fail from t of about 20 with 2 df). ``nct_cdf`` evaluates the same CDF by
numerical integration of its definition, accurate to about 1e-15 at any t. Callers use scipy
and check it against, or replace it with, the integral; nothing falls back to an approximation.
"""
from __future__ import annotations

import warnings
from collections.abc import Callable

import numpy as np
from scipy import integrate, optimize, special, stats

_INV_SQRT_2PI = 1 / np.sqrt(2 * np.pi)
CHECK_TOL = 1e-11  # largest |CDF(root) - target| accepted from scipy's root, measured on the integral
SCIPY_SAFE = 1000.0  # |t| and |nc| up to which scipy's nct agrees with the integral to about 1e-12


def nct_cdf(t: float, df: float, nc: float) -> float:
    """P(T <= t) for T = (Z + nc) / sqrt(V / df), Z standard normal, V chi-square on df (integral over Z).

    P(Z + nc <= t S) with S = sqrt(V / df) is, for t > 0, Phi(-nc) + the integral over z > -nc of
    phi(z) P(S >= (z + nc) / t); for t < 0 the integral over z < -nc of phi(z) P(S <= (z + nc) / t).
    Every term is a probability scipy evaluates accurately in its tails (norm, chi2.sf/cdf).
    """
    if t == 0:
        return float(special.ndtr(-nc))
    if t > 0:
        base, lo, hi = float(special.ndtr(-nc)), max(-nc, -40.0), 40.0
        tail = special.chdtrc  # chi-square survival function (df, x)
    else:
        base, lo, hi = 0.0, -40.0, min(-nc, 40.0)
        tail = special.chdtr  # chi-square CDF (df, x)
    if hi <= lo:
        return base

    def h(z: float) -> float:
        return float(np.exp(-0.5 * z * z) * _INV_SQRT_2PI * tail(df, df * ((z + nc) / t) ** 2))

    # the chi tail factor changes over z in [-nc, -nc + 10 |t|] (S is below 10 with probability 1 - 1e-20):
    # breakpoints across that stretch, and at the normal weight's centre, keep every feature in a short piece
    marks = {-nc + abs(t) * c for c in (-10.0, -5.0, -2.0, -1.0, -0.5, -0.2, 0.2, 0.5, 1.0, 2.0, 5.0, 10.0)}
    marks |= {-8.0, -4.0, -2.0, 0.0, 2.0, 4.0, 8.0}
    points = sorted(p for p in marks if lo < p < hi) or None
    with warnings.catch_warnings(), np.errstate(over="ignore"):  # huge (z + nc) / t: the tail is exactly 0 or 1
        warnings.simplefilter("ignore", integrate.IntegrationWarning)
        value, _ = integrate.quad(h, lo, hi, points=points, epsabs=1e-16, epsrel=1e-13, limit=500)
    return min(1.0, max(0.0, base + value))


def _scipy_cdf(t: float, df: float, nc: float) -> float:
    with np.errstate(all="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return float(stats.nct.cdf(t, df, nc))


def nct_cdf_fast(t: float, df: float, nc: float) -> float:
    """P(T <= t): scipy's value where it is reliable (|t|, |nc| <= 1000 and a probability), else the integral."""
    if abs(t) <= SCIPY_SAFE and abs(nc) <= SCIPY_SAFE:
        value = _scipy_cdf(t, df, nc)
        if 0.0 <= value <= 1.0:
            return value
    return nct_cdf(t, df, nc)


def _root(cdf: Callable[[float], float], target: float, guess: float) -> float:
    """The noncentrality where ``cdf`` (decreasing in it) equals ``target``, in a bracket that widens from ``guess``."""
    f = lambda nc: cdf(nc) - target  # noqa: E731
    lo, hi, step = guess - 1.0, guess + 1.0, 1.0 + abs(guess) * 0.05
    for _ in range(200):
        v = f(lo)
        if not np.isfinite(v):
            raise ArithmeticError("noncentral t CDF not evaluable")
        if v > 0:
            break
        lo, step = lo - step, step * 2
    else:
        raise ArithmeticError("no lower bracket")
    step = 1.0 + abs(guess) * 0.05
    for _ in range(200):
        v = f(hi)
        if not np.isfinite(v):
            raise ArithmeticError("noncentral t CDF not evaluable")
        if v < 0:
            break
        hi, step = hi + step, step * 2
    else:
        raise ArithmeticError("no upper bracket")
    return float(optimize.brentq(f, lo, hi, xtol=1e-12, rtol=1e-14, maxiter=500))


def noncentrality_for(t: float, df: float, target: float) -> float:
    """The noncentrality nc with P(T <= t; df, nc) = target: scipy's root if the integral confirms it, else the integral's."""
    # large |t|: S must exceed nc / t with probability ~ target, which gives the starting guess
    guess = t * float(np.sqrt(stats.chi2.isf(target, df) / df)) if abs(t) > 5 else t
    try:
        nc = _root(lambda c: _scipy_cdf(t, df, c), target, guess)
        if abs(nct_cdf(t, df, nc) - target) <= CHECK_TOL:
            return nc
        guess = nc
    except (ArithmeticError, ValueError, RuntimeError):
        pass
    return _root(lambda c: nct_cdf(t, df, c), target, guess)
