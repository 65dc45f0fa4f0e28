"""Which participant columns a programme's matching settings read, asked of the matcher's own rule table.

A column is *needed* when an enabled hard rule or a mix cap reads it (the run is wrong without
it); it is *used* when only a score term or the fairness audit reads it (the run is right
without it, the term counts zero or the group is not audited). The import asks this, so a
file is never refused for a column the programme does not use.
"""
from __future__ import annotations

from dataclasses import dataclass
from revmentor_nb.matching.config import MatchSettings
from revmentor_nb.matching.rules import rule_columns

# Columns the matcher derives from a contract column (the import supplies the contract column).
CONTRACT_NAME = {"grade_rank": "grade"}

# How to switch each built-in rule off in program.yaml.
SWITCH_OFF = {
    "different_department": "matching.rules.different_department: false",
    "reporting_line": "matching.rules.reporting_line_levels: 0",
    "grade_gap": "matching.rules.grade_gap.enabled: false",
    "location": "matching.rules.location: false",
    "shared_topic": "matching.rules.shared_topic: false",
    "consent": "matching.rules.consent: false",
}


@dataclass(frozen=True)
class Need:
    """One column a setting reads: which setting, how to switch it off, and whether the run needs it."""

    column: str
    used_by: str  # e.g. "rule 'different_department'"
    switch_off: str  # the program.yaml change that stops the use
    required: bool
    rule: str | None = None  # the rule's name, when a hard rule reads the column


def matching_needs(settings: MatchSettings) -> list[Need]:
    """Every participant column the settings read, in rule-table then term-table order."""
    out: list[Need] = []
    if settings.rules.consent:
        out.append(Need("consent", "rule 'consent'", SWITCH_OFF["consent"], True, "consent"))
    for spec in settings.rule_table():
        off = SWITCH_OFF.get(spec.name, f"enabled: false on rule {spec.name!r} in matching.rules.extra")
        for col in rule_columns(spec):
            # reporting lines come from manager_id or the roster; without either the rule finds none (as the matcher)
            required = spec.kind != "line"
            out.append(Need(CONTRACT_NAME.get(col, col), f"rule '{spec.name}'", off, required, spec.name))
    for i, cap in enumerate(settings.mix):
        out.append(Need(CONTRACT_NAME.get(cap.column, cap.column), f"mix cap on {cap.column}",
                        f"remove matching.mix[{i}]", True))
    for term in settings.term_table():
        for col in (term.giver_column, term.learner_column, term.column, term.opt_in):
            if col:
                out.append(Need(CONTRACT_NAME.get(col, col), f"score term '{term.name}'",
                                f"matching.weights.{term.name}: 0", False))
    if settings.fairness is not None:
        for attr in settings.fairness.attributes:
            out.append(Need(attr, "fairness side constraint", "matching.fairness: null", False))
    return out

