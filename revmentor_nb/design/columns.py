"""Which sign-up columns this programme requires: the contract's identity columns plus what its design uses.

A column is required only when an active rule, an eligibility band or list, or a mix cap reads it
(asked of the matcher's own rule table, ``matching.needs``); department, grade, manager and site
are optional for a programme whose rules do not read them. Each requirement says what needs the
column and how to switch that off, so the import wizard and ``revmentor validate --workspace``
can offer the choice.
"""
from __future__ import annotations

from dataclasses import dataclass

from revmentor_nb.design.program import ProgramDesign
from revmentor_nb.matching.needs import Need, matching_needs

ALWAYS = ("person_id", "name", "role")


@dataclass(frozen=True)
class Requirement:
    """A required column: what needs it and the program.yaml change that would stop needing it."""

    column: str
    needed_by: list[str]
    switch_off: list[str]
    rules: list[str]

    @property
    def reason(self) -> tuple[str, str]:
        """(what needs it, how to stop needing it) for a missing-column problem and its fix."""
        if not self.needed_by:
            return "every sign-up needs it", ""
        return f"needed by {', '.join(self.needed_by)}", f"switch that off ({'; '.join(self.switch_off)})"


def design_needs(design: ProgramDesign, *, roster: bool = False) -> list[Need]:
    """Every column the design reads: matching rules, terms, mix and fairness, then eligibility."""
    needs = list(matching_needs(design.matching))
    if roster:  # the roster's reporting lines serve the reporting-line rule
        needs = [n for n in needs if n.column != "manager_id"]
    e = design.eligibility
    for side in ("mentors", "mentees"):
        band = getattr(e, side)
        if band.lowest is not None or band.highest is not None:
            needs.append(Need("grade", f"the {side}' grade band", f"clear eligibility.{side} (any grade)", True))
    if e.departments:
        needs.append(Need("department", "the eligible departments", "clear eligibility.departments", True))
    if e.sites:
        needs.append(Need("location", "the eligible sites", "clear eligibility.sites", True))
    return needs


def required_columns(design: ProgramDesign, *, roster: bool = False) -> dict[str, Requirement]:
    """Required participant column -> why (identity columns first, then what the design needs)."""
    out: dict[str, Requirement] = {c: Requirement(c, [], [], []) for c in ALWAYS}
    for n in design_needs(design, roster=roster):
        if not n.required or n.column in ("offers", "wants"):  # topics: checked per role by the loader
            continue
        req = out.setdefault(n.column, Requirement(n.column, [], [], []))
        if n.used_by not in req.needed_by:
            req.needed_by.append(n.used_by)
            req.switch_off.append(n.switch_off)
            if n.rule:
                req.rules.append(n.rule)
    return out


def requirement_reasons(design: ProgramDesign, *, roster: bool = False) -> dict[str, tuple[str, str]]:
    """Required column -> the phrase a missing-column problem shows (what the loader takes as ``required``)."""
    return {c: r.reason for c, r in required_columns(design, roster=roster).items()}


def switch_off(design: ProgramDesign, column: str) -> ProgramDesign:
    """The design with every rule, band or mix cap that requires ``column`` switched off (the wizard's offer)."""
    from revmentor_nb.design.program import design_from_dict

    data = design.model_dump(mode="json", exclude={"matching": {"mode", "k"}})
    rules, elig = data["matching"]["rules"], data["eligibility"]
    for need in design_needs(design):
        if need.column != column or not need.required:
            continue
        name = need.rule
        if name == "different_department":
            rules["different_department"] = False
        elif name == "reporting_line":
            rules["reporting_line_levels"] = 0
        elif name == "grade_gap":
            rules["grade_gap"]["enabled"] = False
        elif name in ("location", "shared_topic", "consent"):
            rules[name] = False
        elif name is not None:
            for extra in rules["extra"]:
                if extra["name"] == name:
                    extra["enabled"] = False
        elif need.used_by.startswith("mix cap"):
            data["matching"]["mix"] = [m for m in data["matching"]["mix"] if m["column"] != column]
        elif need.used_by.endswith("grade band"):
            side = "mentors" if "mentors" in need.used_by else "mentees"
            elig[side] = {"lowest": None, "highest": None}
        elif need.used_by == "the eligible departments":
            elig["departments"] = []
        elif need.used_by == "the eligible sites":
            elig["sites"] = []
    return design_from_dict(data)


def with_grade_order(design: ProgramDesign, order: list[str]) -> ProgramDesign:
    """The design with text grades ordered most junior first (learned in the wizard from the values seen)."""
    from revmentor_nb.design.program import design_from_dict

    data = design.model_dump(mode="json", exclude={"matching": {"mode", "k"}})
    data["grade_order"] = [str(g).strip() for g in order if str(g).strip()] or None
    return design_from_dict(data)
