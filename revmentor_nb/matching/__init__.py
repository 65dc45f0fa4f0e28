"""The matcher: provably optimal, explainable, constraint-aware mentor-mentee matching.

``match`` returns a ``MatchResult`` (pairs with score breakdowns, unmatched people with
reasons, the candidate graph, rule counts, status/objective/bound/gap and a data hash);
``tradeoff`` traces most pairs vs best fit; ``MatchSettings`` is the ``matching:``
section of program.yaml.
"""
from __future__ import annotations

from .audit import Audit
from .config import (FairnessSettings, GradeGap, MatchRules, MatchSettings, MatchWeights, MixCap, RuleSpec,
                     SolverSettings, TermSpec, resolve_settings)
from .engine import match, prepare
from .errors import MatchInputError
from .result import MatchResult
from .tradeoff import tradeoff

__all__ = [
    "Audit", "FairnessSettings", "GradeGap", "MatchInputError", "MatchResult", "MatchRules", "MatchSettings",
    "MatchWeights", "MixCap", "RuleSpec", "SolverSettings", "TermSpec", "match", "prepare", "resolve_settings",
    "tradeoff",
]
