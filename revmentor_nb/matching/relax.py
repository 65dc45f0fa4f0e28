"""Relaxing named rules for one round (a clearing round), validated and described.

``relax`` maps a rule name of the programme's rule table to ``False`` (switch it off for
this round) or to the fields that change (e.g. ``{"grade_gap": {"max": 3}}`` widens the
grade gap). The programme's own rules are kept, so the result can say which new pair
needed which relaxation.
"""
from __future__ import annotations

from typing import Any

from pydantic import ValidationError

from revmentor_nb.matching.config import RuleSpec
from revmentor_nb.matching.errors import MatchInputError, problems_frame

FIXED_FIELDS = ("name", "kind")


def describe(spec: RuleSpec | None, fields: list[str]) -> str:
    """A rule's setting in words: 'off', or the changed fields as 'max=2, min=1'."""
    if spec is None:
        return "off"
    return ", ".join(f"{f}={getattr(spec, f)}" for f in fields) or "on"


def relax_rules(specs: list[RuleSpec], relax: dict[str, Any] | None) -> tuple[list[RuleSpec], dict[str, tuple[str, str]]]:
    """The rule table with ``relax`` applied, and per relaxed rule (programme setting, this round's).

    Every bad key is collected into one MatchInputError naming the key and what is allowed.
    """
    if not relax:
        return list(specs), {}
    by_name = {s.name: s for s in specs}
    problems: list[dict[str, Any]] = []
    out: dict[str, RuleSpec | None] = dict(by_name)
    changes: dict[str, tuple[str, str]] = {}
    for name, change in relax.items():
        if name not in by_name:
            problems.append(dict(file="settings", row=None, column=f"relax.{name}", value=str(change)[:80],
                                 problem=f"no rule named {name!r} in this programme's rule table",
                                 fix=f"use one of: {', '.join(by_name) or '(no rules are on)'}"))
            continue
        spec = by_name[name]
        if spec.kind == "identity":
            problems.append(dict(file="settings", row=None, column=f"relax.{name}", value=str(change)[:80],
                                 problem="nobody is ever paired with themselves; this rule cannot be relaxed",
                                 fix=f"relax another rule: {', '.join(n for n in by_name if n != name)}"))
            continue
        if change is False or change is None or change == "off":
            out[name] = None
            changes[name] = ("on", "off")
            continue
        if not isinstance(change, dict):
            problems.append(dict(file="settings", row=None, column=f"relax.{name}", value=str(change)[:80],
                                 problem="a relaxation is false (switch the rule off) or a mapping of fields",
                                 fix="write e.g. {max: 3} or false"))
            continue
        bad = [k for k in change if k in FIXED_FIELDS or k not in RuleSpec.model_fields]
        if bad:
            allowed = sorted(set(RuleSpec.model_fields) - set(FIXED_FIELDS))
            problems.append(dict(file="settings", row=None, column=f"relax.{name}.{bad[0]}", value=str(change)[:80],
                                 problem=f"{', '.join(map(repr, bad))} cannot be changed",
                                 fix=f"change one of: {', '.join(allowed)}"))
            continue
        try:
            new = RuleSpec.model_validate({**spec.model_dump(), **change})
        except ValidationError as exc:
            for e in exc.errors():
                key = ".".join(str(p) for p in e.get("loc", ())) or name
                problems.append(dict(file="settings", row=None, column=f"relax.{name}.{key}",
                                     value=str(e.get("input", ""))[:80], problem=e.get("msg", str(exc)),
                                     fix="use an allowed value"))
            continue
        if new.enabled is False:
            out[name] = None
            changes[name] = ("on", "off")
            continue
        fields = sorted(change)
        out[name] = new
        changes[name] = (describe(spec, fields), describe(new, fields))
    if problems:
        raise MatchInputError(problems_frame(problems), f"{len(problems)} problem(s) in the rules to relax")
    return [s for s in out.values() if s is not None], changes
