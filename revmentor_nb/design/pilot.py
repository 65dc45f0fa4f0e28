"""How big the pilot must be, and whether the design and the sign-ups allow it.

The evaluation compares each person's measure before and after (a paired design), so the
pairs needed come from the power of a one-sample t-test on the differences (Cohen's d_z),
then inflated for pairs expected to miss the post measure. statsmodels (``TTestPower``) gives
the first solution; every solution is checked by recomputing the power from the noncentral t
and, if the check fails, solved again by a bracketed root search. Pair counts use exact
arithmetic: the drop-out is read as the decimal it is written as (0.56 = 14/25), so 25 pairs at
56% drop-out leave exactly 11.
"""
from __future__ import annotations

import math
import warnings
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import numpy as np
import pandas as pd
from scipy import optimize, stats
from statsmodels.stats.power import TTestPower

from revmentor_nb.design.forecast import Forecast, forecast
from revmentor_nb.design.noncentral import nct_cdf_fast
from revmentor_nb.design.program import EvaluationPlan, ProgramDesign, design_from_dict

Alternative = str  # "two-sided", "larger" or "smaller" (statsmodels' names)
ALTERNATIVES = ("two-sided", "larger", "smaller")
MIN_PAIRS = 2  # a paired t-test needs two differences (1 df)
POWER_TOL = 1e-10  # a solution is accepted when its recomputed power is this close to the target
LARGEST_EFFECT = 1e6  # beyond this d_z a 'detectable' effect means nothing: report that the power cannot be reached


@dataclass(frozen=True)
class PilotSize:
    """Pairs needed to detect ``effect_size`` with the given alpha and power, before and after drop-out."""

    effect_size: float
    alpha: float
    power: float
    dropout: float
    exact: float  # fractional pairs at which the power equals the target; NaN when 2 pairs already exceed it
    pairs_analysed: int
    pairs_to_recruit: int


def paired_power(effect_size: float, pairs: float, alpha: float, alternative: Alternative = "two-sided") -> float:
    """Power of the paired (one-sample) t-test on ``pairs`` differences for a true d_z, from the noncentral t.

    Two-sided: P(T > c) + P(T < -c) with c the t critical value, as statsmodels' ``TTestPower``.
    For ``smaller`` the effect is the size of the expected fall (a positive number), as for ``larger``.
    """
    df, nc = pairs - 1, abs(effect_size) * math.sqrt(pairs)
    if alternative == "two-sided":
        crit = float(stats.t.isf(alpha / 2, df))
        return 1.0 - nct_cdf_fast(crit, df, nc) + nct_cdf_fast(-crit, df, nc)
    return 1.0 - nct_cdf_fast(float(stats.t.isf(alpha, df)), df, nc)


def _check(effect_size: float, alpha: float, power: float, dropout: float, alternative: Alternative) -> None:
    if not (np.isfinite(effect_size) and effect_size > 0):
        raise ValueError(f"effect_size must be above 0 (got {effect_size}); 0.5 is a medium effect")
    if not 0 < alpha < 1 or not 0 < power < 1:
        raise ValueError(f"alpha and power must be between 0 and 1 (got alpha={alpha}, power={power})")
    if not 0 <= dropout < 1:
        raise ValueError(f"dropout must be from 0 to below 1 (got {dropout})")
    if alternative not in ALTERNATIVES:
        raise ValueError(f"alternative must be one of {', '.join(ALTERNATIVES)} (got {alternative!r})")


def _share_kept(dropout: float) -> Fraction:
    """1 - dropout as an exact fraction of the decimal the drop-out is written as (0.56 -> 11/25)."""
    return 1 - Fraction(repr(float(dropout)))


def analysed_pairs(pairs: int, dropout: float) -> int:
    """Pairs left to analyse when ``pairs`` are recruited and a share ``dropout`` is lost: floor(pairs * (1 - dropout))."""
    return math.floor(int(pairs) * _share_kept(dropout))


def pairs_to_recruit(analysed: int, dropout: float) -> int:
    """The fewest pairs to recruit so that ``analysed`` remain after drop-out: ceil(analysed / (1 - dropout))."""
    return math.ceil(Fraction(int(analysed)) / _share_kept(dropout))


def _fractional_pairs(effect_size: float, alpha: float, power: float, alternative: Alternative) -> float:
    """The (fractional) pairs at which the power equals the target: statsmodels, checked, else a bracketed search."""
    def gap(n: float) -> float:
        return paired_power(effect_size, n, alpha, alternative) - power

    if gap(MIN_PAIRS) >= 0:
        return np.nan
    sm_alt = "larger" if alternative == "smaller" else alternative
    try:
        with np.errstate(all="ignore"), warnings.catch_warnings():
            warnings.simplefilter("ignore")
            n = float(np.ravel(TTestPower().solve_power(effect_size=effect_size, nobs=None, alpha=alpha, power=power,
                                                        alternative=sm_alt))[0])
        if np.isfinite(n) and n >= MIN_PAIRS and abs(gap(n)) <= POWER_TOL:
            return n
    except (ValueError, ArithmeticError, RuntimeError, TypeError):  # statsmodels gave up: the search below decides
        pass
    hi = 2.0 * MIN_PAIRS
    while gap(hi) < 0:
        hi *= 2
        if hi > 1e15:
            raise ValueError(f"d = {effect_size:g} is too small to size a pilot for")
    return float(optimize.brentq(gap, MIN_PAIRS, hi, xtol=1e-10, rtol=1e-14, maxiter=500))


def pairs_needed(effect_size: float = 0.5, alpha: float = 0.05, power: float = 0.8, dropout: float = 0.0,
                 alternative: Alternative = "two-sided") -> PilotSize:
    """Pairs a paired pre/post design needs (the fewest, and at least 2, whose power reaches the target), and how many
    to recruit given drop-out."""
    _check(effect_size, alpha, power, dropout, alternative)
    exact = _fractional_pairs(effect_size, alpha, power, alternative)
    analysed = MIN_PAIRS if not np.isfinite(exact) else max(MIN_PAIRS, math.ceil(exact))
    # the integer answer is checked directly: enough power at n, not enough at n - 1
    while analysed > MIN_PAIRS and paired_power(effect_size, analysed - 1, alpha, alternative) >= power:
        analysed -= 1
    while paired_power(effect_size, analysed, alpha, alternative) < power:
        analysed += 1
    return PilotSize(effect_size, alpha, power, dropout, exact, analysed, pairs_to_recruit(analysed, dropout))


def size_for(plan: EvaluationPlan) -> PilotSize:
    """The pilot size the design's evaluation plan asks for."""
    return pairs_needed(plan.effect_size, plan.alpha, plan.power, plan.dropout)


def detectable_effect(pairs: int, alpha: float = 0.05, power: float = 0.8, dropout: float = 0.0,
                      alternative: Alternative = "two-sided") -> float | None:
    """The smallest effect (d_z) ``pairs`` recruited pairs detect with the given power after drop-out.

    None when fewer than 2 pairs remain to analyse, or when no effect up to d = 1e6 reaches the power
    (``detectable_text`` says which). statsmodels' solution is kept only if its power checks out;
    otherwise the effect is found by a bracketed root search on the power.
    """
    analysed = analysed_pairs(pairs, dropout)
    if analysed < MIN_PAIRS:
        return None

    def gap(d: float) -> float:
        return paired_power(d, analysed, alpha, alternative) - power

    if gap(0.0) >= -POWER_TOL:  # the power asked for is no more than alpha: any effect, even none, 'reaches' it
        return 0.0
    sm_alt = "larger" if alternative == "smaller" else alternative
    try:
        with np.errstate(all="ignore"), warnings.catch_warnings():
            warnings.simplefilter("ignore")
            d = float(np.ravel(TTestPower().solve_power(effect_size=None, nobs=analysed, alpha=alpha, power=power,
                                                        alternative=sm_alt))[0])
        if np.isfinite(d) and d > 0 and abs(gap(d)) <= POWER_TOL:
            return d
    except (ValueError, ArithmeticError, RuntimeError, TypeError):  # statsmodels gave up: the search below decides
        pass
    hi = 1.0
    while not gap(hi) >= 0:
        hi *= 2
        if hi > LARGEST_EFFECT:
            return None
    return float(optimize.brentq(gap, 0.0, hi, xtol=1e-12, rtol=1e-14, maxiter=500))


def detectable_text(pairs: int, alpha: float = 0.05, power: float = 0.8, dropout: float = 0.0,
                    alternative: Alternative = "two-sided") -> str:
    """``detectable_effect`` in words: 'd = 0.52', or why no effect can be named."""
    d = detectable_effect(pairs, alpha, power, dropout, alternative)
    if d is not None:
        return f"d = {d:.2f}"
    analysed = analysed_pairs(pairs, dropout)
    if analysed < MIN_PAIRS:
        return (f"no change at all ({analysed} pair{'s' if analysed != 1 else ''} left to analyse after drop-out; "
                f"a paired test needs at least {MIN_PAIRS})")
    return f"no change: power {power:g} cannot be reached with {analysed} pairs at alpha {alpha:g}"


def power_curve(plan: EvaluationPlan, effect_sizes: np.ndarray | None = None) -> pd.DataFrame:
    """Pairs to recruit for a range of expected effects (for a chart next to the chosen one)."""
    grid = np.round(np.arange(0.2, 1.01, 0.05), 2) if effect_sizes is None else np.asarray(effect_sizes, float)
    rows = [{"effect_size": float(d), "pairs_to_recruit": pairs_needed(d, plan.alpha, plan.power, plan.dropout)
             .pairs_to_recruit} for d in grid]
    return pd.DataFrame(rows)


@dataclass(frozen=True)
class PilotPlan:
    """The size the evaluation needs against what the design (spaces) and the sign-ups allow."""

    size: PilotSize
    spaces: int
    possible_pairs: int | None  # None when there are no sign-ups yet
    detectable: float | None  # smallest effect the available pairs can detect
    enough: bool
    verdict: str

    def table(self) -> pd.DataFrame:
        """The figures behind the verdict as a two-column table for a report."""
        s = self.size
        rows = [
            ("expected change (Cohen's d)", f"{s.effect_size:g}"), ("alpha", f"{s.alpha:g}"), ("power", f"{s.power:g}"),
            ("pairs analysed", str(s.pairs_analysed)), ("expected drop-out", f"{s.dropout:.0%}"),
            ("pairs to recruit", str(s.pairs_to_recruit)), ("spaces", str(self.spaces)),
            ("pairs the sign-ups allow", "no sign-ups yet" if self.possible_pairs is None else str(self.possible_pairs)),
            ("smallest change detectable", "—" if self.detectable is None else f"d = {self.detectable:.2f}"),
        ]
        return pd.DataFrame(rows, columns=["figure", "value"])

    @property
    def available(self) -> int:
        """Pairs the programme can actually form: its spaces, capped by what the sign-ups allow."""
        return self.spaces if self.possible_pairs is None else min(self.spaces, self.possible_pairs)


def pilot_plan(design: ProgramDesign, participants: pd.DataFrame | None = None,
               result: Forecast | None = None) -> PilotPlan:
    """Pairs needed vs spaces vs pairs the sign-ups allow, with a verdict a programme manager can act on."""
    ev = design.evaluation
    size = size_for(ev)
    possible = None
    if participants is not None and len(participants):
        possible = (result or forecast(participants, design)).max_pairs
    available = min(design.spaces, possible) if possible is not None else design.spaces
    detectable = detectable_effect(available, ev.alpha, ev.power, ev.dropout)
    need = size.pairs_to_recruit
    smallest = detectable_text(available, ev.alpha, ev.power, ev.dropout)
    if design.spaces < need:
        enough = False
        verdict = (f"Too small: {design.spaces} spaces, but {need} pairs are needed to detect d = {size.effect_size:g} "
                   f"(alpha {ev.alpha:g}, power {ev.power:g}, {ev.dropout:.0%} drop-out). Raise spaces to {need}, "
                   f"or accept that the pilot can only detect {smallest}.")
    elif possible is not None and possible < need:
        enough = False
        verdict = (f"Too few sign-ups: the rules allow at most {possible} pairs, but {need} are needed. Recruit for the "
                   f"scarce topics or relax a rule; as it stands the pilot can only detect {smallest}.")
    else:
        enough = True
        have = f"up to {possible} pairs are possible within {design.spaces} spaces" if possible is not None else \
            f"{design.spaces} spaces (no sign-ups yet to check against)"
        verdict = f"Enough: {need} pairs are needed to detect d = {size.effect_size:g}; {have}."
    return PilotPlan(size, design.spaces, possible, detectable, enough, verdict)


def _merge(base: dict[str, Any], changes: dict[str, Any]) -> dict[str, Any]:
    out = dict(base)
    for key, value in changes.items():
        out[key] = _merge(out[key], value) if isinstance(value, dict) and isinstance(out.get(key), dict) else value
    return out


def changed_design(design: ProgramDesign, changes: dict[str, Any]) -> ProgramDesign:
    """The design with nested ``changes`` applied (e.g. ``{"eligibility": {"mentees": {"lowest": "D1"}}}``), validated."""
    return design_from_dict(_merge(design.model_dump(mode="json"), changes))


def what_if(design: ProgramDesign, participants: pd.DataFrame, changes: dict[str, Any]) -> pd.DataFrame:
    """What a design change does: eligible people, people left without a partner, pairs possible, pilot verdict."""
    variant = changed_design(design, changes)

    asked = set(participants.loc[participants["role"] == "mentee", "person_id"].astype(str))

    def figures(d: ProgramDesign) -> dict[str, Any]:
        f = forecast(participants, d)
        plan = pilot_plan(d, participants, f)
        people = f.people
        mentees = people[people["side"] == "mentee"]
        paired = set(mentees.loc[mentees["paired"], "person_id"])
        return {
            "eligible mentors": int((people["side"] == "mentor").sum()),
            "eligible mentees": len(mentees),
            "mentees with no possible mentor": int((mentees["candidates"] == 0).sum()),
            "sign-ups as mentee left without a mentor": len(asked - paired) + max(0, f.max_pairs - f.spaces),
            "most pairs possible": f.max_pairs,
            "pairs the programme forms": f.pairs,
            "pairs needed for the evaluation": plan.size.pairs_to_recruit,
            "enough for the evaluation": "yes" if plan.enough else "no",
        }

    before, after = figures(design), figures(variant)
    rows = [{"measure": k, "current design": before[k], "changed design": after[k]} for k in before]
    return pd.DataFrame(rows)
