"""Check `revmentor run -p NAME VALUE` before anything runs: known names, sensible values, the privacy floor.

A parameter the notebooks do not declare would be ignored by papermill without a word (a typo
such as ``-p workshp true`` silently does nothing), and ``-p k 1`` would show groups the
programme's ``privacy.k`` hides; both are refused here, naming what is allowed.
"""
from __future__ import annotations

import ast
import difflib
from collections.abc import Mapping, Sequence
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, get_args

if TYPE_CHECKING:
    from revmentor_nb.design.program import ProgramDesign

RUNNER_PARAMETERS = ("workspace", "interactive", "pipeline_run")  # set by `revmentor run` itself
MAX_K = 50


class ParameterError(ValueError):
    """A -p parameter the run refuses; the message names the allowed names or values."""


@lru_cache(maxsize=16)
def _declared(notebook: str, mtime: float) -> dict[str, dict[str, Any]]:
    import papermill as pm

    return dict(pm.inspect_notebook(notebook))


def declared_parameters(notebook: Path) -> dict[str, dict[str, Any]]:
    """The parameters a notebook's ``parameters`` cell declares (name -> papermill's description)."""
    return _declared(str(notebook), notebook.stat().st_mtime)


def _default(spec: Mapping[str, Any]) -> Any:
    """A declared parameter's default as a Python value (None when it is not a literal)."""
    try:
        return ast.literal_eval(str(spec.get("default")))
    except (ValueError, SyntaxError):
        return None


def _kind_of(value: Any) -> str:
    return {bool: "true or false", int: "a whole number", float: "a number", str: "text"}.get(type(value), "a value")


def check_parameters(parameters: Mapping[str, Any], notebooks: Mapping[str, Path], design: "ProgramDesign") -> None:
    """Raise ParameterError unless every parameter is declared by a chosen stage and its value is allowed.

    ``notebooks`` maps each chosen stage to its notebook file.
    """
    declared: dict[str, dict[str, Any]] = {}
    owners: dict[str, list[str]] = {}
    for stage, path in notebooks.items():
        for name, spec in declared_parameters(path).items():
            declared.setdefault(name, spec)
            owners.setdefault(name, []).append(stage)
    allowed = sorted(n for n in declared if n not in RUNNER_PARAMETERS)
    for name, value in parameters.items():
        if name in RUNNER_PARAMETERS:
            raise ParameterError(f"-p {name} is set by `revmentor run` itself and cannot be given; "
                                 f"parameters of {', '.join(notebooks)}: {', '.join(allowed)}")
        if name not in declared:
            close = difflib.get_close_matches(name, allowed, n=1)
            hint = f" (did you mean {close[0]}?)" if close else ""
            raise ParameterError(f"unknown parameter -p {name}{hint}; the {', '.join(notebooks)} stage(s) take: "
                                 f"{', '.join(allowed)}")
        _check_value(name, value, _default(declared[name]), design, owners[name])


def _check_value(name: str, value: Any, default: Any, design: "ProgramDesign", stages: Sequence[str]) -> None:
    """One parameter's value: its rule when it has one, else the type of its declared default."""
    rule = VALUE_RULES.get(name)
    if rule is not None:
        rule(name, value, design)
        return
    if default is None or value is None:
        return
    ok = isinstance(value, type(default)) and not (isinstance(value, bool) and not isinstance(default, bool))
    if isinstance(default, float) and isinstance(value, int) and not isinstance(value, bool):
        ok = True
    if not ok:
        raise ParameterError(f"-p {name} {value!r} is not {_kind_of(default)} (the {', '.join(stages)} notebook's "
                             f"default is {default!r}); give {_kind_of(default)}, e.g. -p {name} {_example(default)}")


def _example(default: Any) -> str:
    if isinstance(default, bool):
        return "true" if not default else "false"
    return str(default)


def _k_rule(name: str, value: Any, design: "ProgramDesign") -> None:
    floor = design.privacy.k
    if value is None:
        return
    if isinstance(value, bool) or not isinstance(value, int):
        raise ParameterError(f"-p k {value!r} is not a whole number; give k from {floor} to {MAX_K}")
    if value < floor:
        raise ParameterError(f"-p k {value} is below the programme's privacy floor (privacy.k = {floor} in "
                             f"program.yaml): a run may only hide more, never show smaller groups; "
                             f"give k from {floor} to {MAX_K}")
    if value > MAX_K:
        raise ParameterError(f"-p k {value} is above {MAX_K}; give k from {floor} to {MAX_K}")


def _comparison_rule(name: str, value: Any, design: "ProgramDesign") -> None:
    from revmentor_nb.design.program import Comparison

    allowed = get_args(Comparison)
    if value is not None and value not in allowed:
        raise ParameterError(f"-p comparison {value!r} is not a comparison rule; use one of: "
                             + ", ".join(repr(a) for a in allowed))


def _date_rule(name: str, value: Any, design: "ProgramDesign") -> None:
    if value is None:
        return
    try:
        date.fromisoformat(str(value))
    except ValueError:
        raise ParameterError(f"-p {name} {value!r} is not a date; write it as YYYY-MM-DD, e.g. -p {name} "
                             f"{design.schedule.start_date.isoformat()}") from None


def _preset_rule(name: str, value: Any, design: "ProgramDesign") -> None:
    from revmentor_nb.matching.presets import PRESETS

    if value is not None and str(value).strip().lower() not in PRESETS:
        raise ParameterError(f"-p preset {value!r} is not a published rule set; use one of: {', '.join(sorted(PRESETS))}")


def _count_rule(low: int, high: int):
    def rule(name: str, value: Any, design: "ProgramDesign") -> None:
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            raise ParameterError(f"-p {name} {value!r} must be a whole number from {low} to {high}")
    return rule


def _mapping_rule(name: str, value: Any, design: "ProgramDesign") -> None:
    if value is not None and not isinstance(value, dict):
        raise ParameterError(f"-p {name} {value!r} is not a mapping; write it as YAML, e.g. "
                             f"-p {name} '{{grade_gap: {{max: 3}}}}'")


def _files_rule(count: int | None):
    def rule(name: str, value: Any, design: "ProgramDesign") -> None:
        if value is None:
            return
        ok = isinstance(value, list) and (count is None or len(value) == count)
        if not ok:
            what = f"a list of {count} file paths" if count else "a list"
            raise ParameterError(f"-p {name} {value!r} is not {what}; write it as YAML, e.g. -p {name} "
                                 + ("'[mentors.csv, mentees.csv]'" if count == 2 else "'[[signups.csv, mentee]]'"))
    return rule


def _text_rule(name: str, value: Any, design: "ProgramDesign") -> None:
    if value is not None and not isinstance(value, (str, int, float)):
        raise ParameterError(f"-p {name} {value!r} is not a single value; give text such as a file path or a name")


VALUE_RULES = {
    "relax": _mapping_rule,
    "mentor_match_files": _files_rule(2),
    "signup_files": _files_rule(None),
    "who": _text_rule,
    **{f"{kind}_path": _text_rule for kind in ("participants", "roster", "exclusions", "locks", "meetings",
                                               "checkins", "training", "agreements", "assessments")},
    "k": _k_rule,
    "comparison": _comparison_rule,
    "as_of": _date_rule,
    "preset": _preset_rule,
    "seed": _count_rule(0, 2**31 - 1),
    "tradeoff_points": _count_rule(0, 50),
}
