"""How big the pilot must be, and whether the design and the sign-ups allow it.

The evaluation compares each person's measure before and after (a paired design), so the
pairs needed come from the power of a one-sample t-test on the differences (Cohen's d_z),
computed with statsmodels, then inflated for pairs expected to miss the post measure.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from statsmodels.stats.power import TTestPower

from revmentor_nb.design.forecast import Forecast, forecast
from revmentor_nb.design.program import EvaluationPlan, ProgramDesign, design_from_dict

Alternative = str  # "two-sided", "larger" or "smaller" (statsmodels' names)


@dataclass(frozen=True)
class PilotSize:
    """Pairs needed to detect ``effect_size`` with the given alpha and power, before and after drop-out."""

    effect_size: float
    alpha: float
    power: float
    dropout: float
    exact: float  # statsmodels' (fractional) number of pairs analysed
    pairs_analysed: int
    pairs_to_recruit: int


def pairs_needed(effect_size: float = 0.5, alpha: float = 0.05, power: float = 0.8, dropout: float = 0.0,
                 alternative: Alternative = "two-sided") -> PilotSize:
    """Pairs a paired pre/post design needs (statsmodels TTestPower), and how many to recruit given drop-out."""
    if not effect_size > 0:
        raise ValueError(f"effect_size must be above 0 (got {effect_size}); 0.5 is a medium effect")
    if not 0 < alpha < 1 or not 0 < power < 1:
        raise ValueError(f"alpha and power must be between 0 and 1 (got alpha={alpha}, power={power})")
    if not 0 <= dropout < 1:
        raise ValueError(f"dropout must be from 0 to below 1 (got {dropout})")
    exact = float(TTestPower().solve_power(effect_size=effect_size, nobs=None, alpha=alpha, power=power,
                                           alternative=alternative))
    analysed = max(2, math.ceil(exact - 1e-9))
    recruit = math.ceil(analysed / (1 - dropout) - 1e-9)
    return PilotSize(effect_size, alpha, power, dropout, exact, analysed, recruit)


def size_for(plan: EvaluationPlan) -> PilotSize:
    """The pilot size the design's evaluation plan asks for."""
    return pairs_needed(plan.effect_size, plan.alpha, plan.power, plan.dropout)


def detectable_effect(pairs: int, alpha: float = 0.05, power: float = 0.8, dropout: float = 0.0,
                      alternative: Alternative = "two-sided") -> float | None:
    """The smallest effect (d_z) ``pairs`` recruited pairs can detect after drop-out; None below 3 analysed pairs."""
    analysed = math.floor(pairs * (1 - dropout))
    if analysed < 3:
        return None
    return float(TTestPower().solve_power(effect_size=None, nobs=analysed, alpha=alpha, power=power,
                                          alternative=alternative))


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
    smallest = f"d = {detectable:.2f}" if detectable is not None else "no change at all"
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
