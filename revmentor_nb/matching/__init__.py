"""The matcher: provably optimal, explainable, constraint-aware mentor-mentee matching.

``match(participants, ...)`` returns a ``MatchResult``: pairs with a score breakdown,
every unmatched person with the reason, the candidate graph the optimiser saw, counts of
pairs each hard rule removed, and status / objective / bound / gap / seconds / data hash.
``tradeoff`` traces most pairs vs best fit; ``MatchSettings`` is the ``matching:`` section
of program.yaml (every field defaulted, so ``MatchSettings()`` is the default programme).

How it works (one module per step):
- ``people``: participants encoded once as arrays (codes, ranks, topic indicator matrices);
- ``rules`` / ``scoring``: the hard rules and score terms as a *table* of specs
  (``RuleSpec``/``TermSpec``), each kind a vectorised test on a ``block`` of pairs;
- ``candidates``: mentees in chunks x all mentors as dense numpy blocks -> allowed pairs,
  scores, per-rule rejection counts (never a Python loop over pairs);
- ``model`` / ``constraints`` / ``lp``: the ILP of record (x in {0,1} per allowed pair; a
  mentee at most once; a mentor at most capacity; locks fixed; optional fairness floors,
  mix caps) built from arrays. Solved by column generation on its LP relaxation (HiGHS),
  whose duals price *every* allowed pair, so pruning is certified: without side constraints
  the LP is integral and that is the answer (the fast path); otherwise reduced-cost fixing
  shrinks the ILP that CBC (through PuLP) solves, and the bound covers every pair left out;
- ``solve`` picks the path by the model's shape and measured cost: ``assignment`` (mentees
  once, no tiers, no side rows: a pooled min-cost flow or sparse LAPJV, certified over every
  pair by dual prices built from the matching), ``flow`` (capacities and tiers: OR-tools
  min-cost flow) or the LP + CBC path above; re-solves (``rematch``, trade-off points) start
  from the previous basis or pairs (docs/matching.md);
- ``explain``, ``audit``, ``stability``, ``validity``, ``tradeoff``: reasons, fairness audit,
  blocking pairs, re-checks and the trade-off curve on top of a result.

Capacity on both sides (``capacity``): a mentor takes up to ``capacity`` mentees, a mentee
up to ``capacity`` mentors (default 1); "everyone gets one before anyone gets a second" is
a priority tier in the objective (``tiers``), never a hard constraint. People who signed up
as ``either`` are candidates on both sides: one total covers their pairs as mentor and as
mentee (``mentor_capacity`` / ``mentee_capacity`` cap each side; as mentee once by
default), never paired with themselves nor with another sign-up of the same person
(``roster_id``, or the roster's e-mail), and two 'either' people are paired at most once.
With them the LP may be fractional; the ILP path then settles it. ``clearing_round``
re-matches the people a published match left out, with named rules relaxed for that round;
``preset(NAME)`` gives the keyword arguments of a published rule set.
"""

from __future__ import annotations

from revmentor_nb._lazy import lazy

_EXPORTS = {
    "Audit": "revmentor_nb.matching.audit",
    "FairnessSettings": "revmentor_nb.matching.config",
    "GradeGap": "revmentor_nb.matching.config",
    "MatchRules": "revmentor_nb.matching.config",
    "MatchSettings": "revmentor_nb.matching.config",
    "MatchWeights": "revmentor_nb.matching.config",
    "MixCap": "revmentor_nb.matching.config",
    "RuleSpec": "revmentor_nb.matching.config",
    "SolverSettings": "revmentor_nb.matching.config",
    "TermSpec": "revmentor_nb.matching.config",
    "resolve_settings": "revmentor_nb.matching.config",
    "clearing_round": "revmentor_nb.matching.clearing",
    "match": "revmentor_nb.matching.engine",
    "prepare": "revmentor_nb.matching.engine",
    "MatchInputError": "revmentor_nb.matching.errors",
    "PRESETS": "revmentor_nb.matching.presets",
    "preset": "revmentor_nb.matching.config",
    "MatchResult": "revmentor_nb.matching.result",
    "tradeoff": "revmentor_nb.matching.engine",
    "Feasibility": "revmentor_nb.matching.feasible",
    "feasible_pairs": "revmentor_nb.matching.feasible",
}

__all__ = sorted(_EXPORTS)
__getattr__, __dir__ = lazy(__name__, _EXPORTS)
