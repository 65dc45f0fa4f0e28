"""The programme design: the validated content of ``program.yaml``.

Every later stage reads its rules from here (matching rules, cadence, privacy k,
evaluation plan), so a design is checked on load and every problem names its key.
"""
from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any, Literal

import pandas as pd
import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from .errors import InputError, ProblemLog


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", validate_assignment=True)


ObjectivePreset = Literal["digital_skills", "diversity_inclusion", "retention", "leadership", "culture_change", "custom"]

OBJECTIVE_PRESETS: dict[str, dict[str, Any]] = {
    "digital_skills": {
        "statement": "Raise senior leaders' digital confidence and adoption of new tools.",
        "method": "Junior mentors coach leaders monthly on tools they use every day; leaders try one new practice per meeting.",
        "success_criteria": ["Mentees' digital confidence rises by at least 0.3 points (1-5 scale) from pre to post"],
        "measures": ["digital_confidence"],
        "kpis": ["retention_mentors_12m"],
    },
    "diversity_inclusion": {
        "statement": "Help leaders understand the lived experience of under-represented colleagues and act on it.",
        "method": "Mentors from under-represented groups share experience; leaders commit to one inclusive action.",
        "success_criteria": ["Promotion rate of under-represented mentors at least matches the comparison group"],
        "measures": ["mfq9"],
        "kpis": ["promotion_mentors_12m", "retention_mentors_12m"],
    },
    "retention": {
        "statement": "Close the generational gap and keep young talent.",
        "method": "Two-way pairs: juniors share expectations of work, leaders share career know-how.",
        "success_criteria": ["12-month retention of mentors at least 5 points above the comparison group"],
        "measures": ["mfq9"],
        "kpis": ["retention_mentors_12m", "retention_mentors_6m"],
    },
    "leadership": {
        "statement": "Develop the leadership skills of the junior mentors.",
        "method": "Mentors lead the agenda; the programme trains them in coaching and feedback.",
        "success_criteria": ["Mentors' MFQ-9 role-modelling score at least 3.5 at the end"],
        "measures": ["mfq9"],
        "kpis": ["promotion_mentors_12m"],
    },
    "culture_change": {
        "statement": "Shift leadership culture towards openness and listening.",
        "method": "Leaders meet juniors monthly and report one change they made.",
        "success_criteria": ["Mentees' MFQ-9 psychosocial score at least 3.5 at the end"],
        "measures": ["mfq9"],
        "kpis": ["retention_mentors_12m"],
    },
}


class Objective(_Strict):
    """What the programme is for and how success is judged."""

    preset: ObjectivePreset = "digital_skills"
    statement: str = ""
    method: str = ""
    success_criteria: list[str] = Field(default_factory=list)
    measures: list[str] = Field(default_factory=list)
    kpis: list[str] = Field(default_factory=list)

    @model_validator(mode="after")
    def _fill_from_preset(self) -> "Objective":
        preset = OBJECTIVE_PRESETS.get(self.preset, {})
        for key, value in preset.items():
            if not getattr(self, key):
                object.__setattr__(self, key, value if isinstance(value, str) else list(value))
        return self


class Schedule(_Strict):
    """When the programme runs and how often pairs meet."""

    start_date: date = date(2026, 3, 2)
    length_months: int = Field(6, ge=1, le=36)
    ongoing: bool = False
    cadence_days: int = Field(30, ge=7, le=120, description="expected days between meetings")
    meeting_minutes: int = Field(60, ge=15, le=240)

    @property
    def end_date(self) -> date:
        """The planned last day (start plus length)."""
        return (pd.Timestamp(self.start_date) + pd.DateOffset(months=self.length_months)).date()


class Privacy(_Strict):
    """How reports protect people."""

    k: int = Field(5, ge=2, le=50, description="smallest group a report shows")
    names_in_reports: bool = False


class ProgramDesign(_Strict):
    """The whole design of one programme (the content of program.yaml)."""

    name: str = "Reverse mentoring programme"
    objective: Objective = Field(default_factory=Objective)
    mode: Literal["one-way", "two-way"] = "one-way"
    spaces: int = Field(50, ge=1, description="pairs the programme can support")
    schedule: Schedule = Field(default_factory=Schedule)
    grade_order: list[str] | None = Field(None, description="text grades from most junior to most senior")
    inputs: dict[str, str] = Field(default_factory=dict, description="input kind -> file path (relative to the workspace)")
    matching: dict[str, Any] = Field(default_factory=dict)
    privacy: Privacy = Field(default_factory=Privacy)

    @model_validator(mode="after")
    def _inputs_are_known_kinds(self) -> "ProgramDesign":
        from .contract import KINDS

        bad = [k for k in self.inputs if k not in KINDS]
        if bad:
            raise ValueError(f"inputs: unknown kind(s) {bad}; use {', '.join(KINDS)}")
        return self

    def to_yaml(self) -> str:
        """The design as YAML text, keys in declaration order."""
        return yaml.safe_dump(self.model_dump(mode="json"), sort_keys=False, allow_unicode=True)


class DesignError(InputError):
    """program.yaml is not a valid design; ``problems`` names each bad key and the fix."""


def _pydantic_problems(err: ValidationError, file: str) -> pd.DataFrame:
    log = ProblemLog(file)
    for e in err.errors():
        key = ".".join(str(p) for p in e["loc"]) or "(top level)"
        kind = e["type"]
        if kind == "extra_forbidden":
            fix = "remove it or check its spelling against the documented keys"
        elif kind == "missing":
            fix = "add this key"
        else:
            fix = "change the value: " + e["msg"].lower()
        log.add(None, key, e.get("input") if kind != "missing" else None, e["msg"], fix)
    return log.frame()


def design_from_dict(data: dict[str, Any] | None, file: str = "program.yaml") -> ProgramDesign:
    """Validate a design held as a dict, raising DesignError with every problem."""
    try:
        return ProgramDesign.model_validate(data or {})
    except ValidationError as err:
        raise DesignError(_pydantic_problems(err, file)) from None


def load_design(path: str | Path) -> ProgramDesign:
    """Read and validate program.yaml, raising DesignError that names each bad key."""
    path = Path(path)
    log = ProblemLog(str(path))
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8-sig"))
    except FileNotFoundError:
        log.add(None, "", None, "file not found", f"create it with `revmentor new {path.parent}`")
        raise DesignError(log.frame()) from None
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        log.add(mark.line + 1 if mark else None, "", None, f"not valid YAML: {getattr(err, 'problem', err)}",
                "fix the indentation or quoting on that line")
        raise DesignError(log.frame()) from None
    if data is not None and not isinstance(data, dict):
        log.add(None, "", type(data).__name__, "program.yaml must be a mapping of keys to values", "start from `revmentor new`")
        raise DesignError(log.frame())
    return design_from_dict(data, str(path))


def save_design(design: ProgramDesign, path: str | Path) -> Path:
    """Write program.yaml atomically (a crash never leaves half a file)."""
    from .fileio import atomic_write_text

    return atomic_write_text(Path(path), design.to_yaml())


def communication_timeline(design: ProgramDesign) -> pd.DataFrame:
    """A dated plan for every lifecycle stage: what happens, for whom, and why."""
    start = pd.Timestamp(design.schedule.start_date)
    end = pd.Timestamp(design.schedule.end_date)
    mid = start + (end - start) / 2
    w = pd.Timedelta(weeks=1)
    plan = [
        ("announce", start - 10 * w, start - 9 * w, "whole organisation", "sponsor explains why the programme exists"),
        ("recruit", start - 9 * w, start - 6 * w, "eligible staff", "opt-in sign-up, per topic"),
        ("train", start - 5 * w, start - 2 * w, "mentors and mentees", "how to run a session; listening; boundaries"),
        ("match", start - 4 * w, start - 2 * w, "programme team", "match, review, tell each pair"),
        ("launch", start, start + w, "pairs", "kickoff meeting and mentoring agreement"),
        ("midpoint check-in", mid - w, mid + w, "pairs", "is it working? adjust or end well"),
        ("close", end - w, end, "pairs", "final meeting and final check-in"),
        ("report", end, end + 4 * w, "sponsor and leadership", "impact against the objective"),
    ]
    return pd.DataFrame(plan, columns=["stage", "start", "end", "audience", "purpose"])
