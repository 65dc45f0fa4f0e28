"""The programme design: the validated content of ``program.yaml``.

Every later stage reads its rules from here (eligibility, matching rules, cadence, privacy k,
evaluation plan), so a design is checked on load, field by field and across fields, and
every problem names its key and the fix (the design form shows them next to the field).
"""
from __future__ import annotations

import re
from datetime import date
from pathlib import Path
from typing import Any, Literal

import pandas as pd
import yaml
from pydantic import (
    BaseModel,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticCustomError

from revmentor_nb.design.readiness import ANSWERS, QUESTION_IDS
from revmentor_nb.errors import InputError, ProblemLog
from revmentor_nb.matching.config import MatchSettings, StrictModel


def _broken(problems: list[dict[str, Any]]) -> PydanticCustomError:
    """One validation error carrying several cross-field problems, each with its key, value and fix."""
    text = "; ".join(f"{p['key'] or '(top level)'}: {p['problem']}" for p in problems)
    return PydanticCustomError("design_rules", "{text}", {"text": text, "problems": problems})


def _problem(key: str, problem: str, fix: str, value: Any = None) -> dict[str, Any]:
    return {"key": key, "problem": problem, "fix": fix, "value": value}


# --------------------------------------------------------------------------- objective

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
PRESET_LABELS: dict[str, str] = {
    "digital_skills": "Digital skills",
    "diversity_inclusion": "Diversity and inclusion",
    "retention": "Generational gap and retention of young talent",
    "leadership": "Leadership development of the junior mentors",
    "culture_change": "Culture change",
    "custom": "Custom (write your own)",
}
KPI_PATTERN = re.compile(r"^(retention|promotion)_(mentors|mentees|participants)_(\d{1,2})m$")
KPI_FIX = "name KPIs as retention_<who>_<N>m or promotion_<who>_<N>m, who = mentors, mentees or participants"


def _check_kpis(kpis: list[str]) -> list[str]:
    bad = [k for k in kpis if not KPI_PATTERN.match(k)]
    if bad:
        raise PydanticCustomError("design_rules", "{text}", {"text": f"unknown KPI(s) {bad}", "problems": [
            _problem("", f"unknown KPI {k!r} (KPIs are computed from the HR roster)", KPI_FIX, k) for k in bad]})
    return kpis


def _clean_names(items: list[str]) -> list[str]:
    """Trimmed, non-blank, each once (case-insensitive)."""
    out: list[str] = []
    for item in items:
        s = str(item).strip()
        if s and s.casefold() not in {o.casefold() for o in out}:
            out.append(s)
    return out


class Objective(StrictModel):
    """What the programme is for and how success is judged (a preset fills what is left blank)."""

    preset: ObjectivePreset = "digital_skills"
    statement: str = ""
    method: str = ""
    success_criteria: list[str] = Field(default_factory=list)
    measures: list[str] = Field(default_factory=list)
    kpis: list[str] = Field(default_factory=list)

    _names = field_validator("success_criteria", "measures")(_clean_names)

    @field_validator("kpis")
    @classmethod
    def _kpis(cls, v: list[str]) -> list[str]:
        return _check_kpis(_clean_names(v))

    @model_validator(mode="after")
    def _fill_from_preset(self) -> "Objective":
        preset = OBJECTIVE_PRESETS.get(self.preset, {})
        for key, value in preset.items():
            if not getattr(self, key):
                object.__setattr__(self, key, value if isinstance(value, str) else list(value))
        return self


def apply_preset(design: "ProgramDesign", preset: str) -> "ProgramDesign":
    """The design with the objective (and the evaluation's instruments and KPIs) replaced by a preset's."""
    data = design.model_dump(mode="json")
    data["objective"] = {"preset": preset}
    for key in ("instruments_pre", "instruments_post", "kpis"):
        data["evaluation"][key] = []
    return design_from_dict(data)


# --------------------------------------------------------------------------- details


class GradeBand(StrictModel):
    """Eligible grades, inclusive; a blank end is open (the most junior / the most senior grade)."""

    lowest: str | int | None = None
    highest: str | int | None = None

    @field_validator("lowest", "highest", mode="before")
    @classmethod
    def _blank_is_open(cls, v: Any) -> Any:
        if isinstance(v, str):
            v = v.strip()
            if not v or v.casefold() in ("any", "(any)"):
                return None
        return v

    def label(self) -> str:
        """The band as text, e.g. ``A1 to B2`` or ``any grade``."""
        if self.lowest is None and self.highest is None:
            return "any grade"
        if self.lowest is None:
            return f"up to {self.highest}"
        if self.highest is None:
            return f"{self.lowest} and above"
        return f"{self.lowest} to {self.highest}"


class Eligibility(StrictModel):
    """Who may take part: grade bands per side, departments and sites (empty = all), and how people are selected."""

    mentors: GradeBand = Field(default_factory=GradeBand)
    mentees: GradeBand = Field(default_factory=GradeBand)
    departments: list[str] = Field(default_factory=list, description="empty = every department")
    sites: list[str] = Field(default_factory=list, description="empty = every site")
    selection: Literal["open", "closed"] = Field("open", description="open: anyone eligible signs up; closed: invited")

    _names = field_validator("departments", "sites")(_clean_names)


class Schedule(StrictModel):
    """When the programme runs and how often pairs meet (give ``length_months``, or an ``end`` date)."""

    start_date: date = date(2026, 3, 2)
    length_months: int = Field(6, ge=1, le=36, description="3-6 typical; the review cycle when ongoing")
    end: date | None = Field(None, description="planned last day; when given, length_months follows from it")
    ongoing: bool = False
    cadence_days: int = Field(30, ge=7, le=120, description="expected days between meetings")
    meeting_minutes: int = Field(60, ge=15, le=240)

    @model_validator(mode="after")
    def _end_and_length_agree(self) -> "Schedule":
        if self.end is None:
            return self
        problems = []
        months = round((self.end - self.start_date).days / 30.4375)
        if self.ongoing:
            problems.append(_problem("end", "an ongoing programme has no end date",
                                     "remove end, or untick ongoing to give the programme a set length",
                                     self.end.isoformat()))
        elif self.end <= self.start_date:
            problems.append(_problem("end", f"the programme ends ({self.end}) on or before it starts ({self.start_date})",
                                     "set end after start_date (3-6 months later is typical)", self.end.isoformat()))
        elif not 1 <= months <= 36:
            problems.append(_problem("end", f"from {self.start_date} to {self.end} is {months} months; "
                                            "a programme runs 1 to 36 months",
                                     "choose an end 1 to 36 months after start_date (3-6 is typical)",
                                     self.end.isoformat()))
        elif "length_months" in self.model_fields_set and self.length_months != months:
            problems.append(_problem("length_months", f"{self.length_months} months disagrees with end {self.end} "
                                                      f"({months} months after start_date)",
                                     "give either length_months or end, or make them agree", self.length_months))
        else:
            object.__setattr__(self, "length_months", months)
        if problems:
            raise _broken(problems)
        return self

    @property
    def end_date(self) -> date:
        """The planned last day: ``end`` when given, else start plus length."""
        if self.end is not None:
            return self.end
        return (pd.Timestamp(self.start_date) + pd.DateOffset(months=self.length_months)).date()

    @property
    def meeting_hours_per_month(self) -> float:
        """Hours a pair spends in meetings per month at this cadence."""
        return self.meeting_minutes / 60 * 30.4375 / self.cadence_days


SignupRoute = Literal["online form", "line manager nomination", "HR invitation", "staff network"]
Monitoring = Literal["meeting log", "check-in surveys", "programme lead check-ins", "midpoint review"]


class Delivery(StrictModel):
    """How the programme runs: sign-up route, formality, expected commitment and how progress is watched."""

    signup_route: SignupRoute = "online form"
    formality: Literal["formal", "informal"] = Field("formal", description="formal: agreement, cadence, tracked")
    commitment_hours_per_month: float = Field(2.0, gt=0, le=40, description="meetings plus preparation")
    training_hours: float = Field(2.0, ge=0, le=40, description="training per person before launch")
    monitoring: list[Monitoring] = Field(default_factory=lambda: ["meeting log", "check-in surveys", "midpoint review"])


class Privacy(StrictModel):
    """How reports protect people."""

    k: int = Field(5, ge=2, le=50, description="smallest group a report shows")
    names_in_reports: bool = False


class MonitoringRules(StrictModel):
    """The monitor's at-risk rules: thresholds a programme edits in program.yaml (the monitor re-judges at once)."""

    gap_factor: float = Field(1.5, ge=1.0, le=5.0,
                              description="at risk: no meeting for more than this many cadence intervals")
    kickoff_weeks: int = Field(4, ge=1, le=12,
                               description="needs a check-in: no first meeting this many weeks after the pair's start")
    low_satisfaction: int = Field(2, ge=1, le=4,
                                  description="at risk: latest satisfaction (1-5) at or below this from either side")
    response_days: int = Field(28, ge=7, le=90,
                               description="days a check-in stays open; a side that has not answered by then "
                                           "is not responding (needs a check-in)")
    behind_by: int = Field(2, ge=1, le=12,
                           description="meetings behind the cadence before a pair needs a check-in "
                                       "(at risk from the programme's midpoint)")
    agreement_days: int = Field(21, ge=0, le=120,
                                description="days after a pair's start by which its signed agreement is due")
    lookahead_days: int = Field(7, ge=0, le=60,
                                description="what is due: also list what falls due within this many days")


SURVEY_PLACEHOLDERS = ("id", "stage", "pair")


class Smtp(StrictModel):
    """The mail server ``revmentor send --send`` uses; the password comes from an environment variable, never a file."""

    host: str = Field("localhost", min_length=1)
    port: int = Field(587, ge=1, le=65535)
    security: Literal["starttls", "ssl", "none"] = Field(
        "starttls", description="starttls (port 587), ssl (port 465), or none (only to a server on this machine)")
    user: str | None = Field(None, description="login name; blank sends without logging in")
    password_env: str = Field("REVMENTOR_SMTP_PASSWORD", pattern=r"^[A-Za-z_][A-Za-z0-9_]*$",
                              description="environment variable that holds the password")
    rate_per_minute: float = Field(30.0, gt=0, le=6000, description="most messages sent per minute")
    timeout_seconds: float = Field(30.0, gt=0, le=600)


class Messages(StrictModel):
    """Introductions, nudges and check-in invitations: sender, team, calendar defaults and the survey link."""

    from_address: str | None = Field(None, description="sender, e.g. 'Mentoring team <mentoring@example.org>'")
    reply_to: str | None = None
    team_address: str | None = Field(None, description="the programme team: gets the communication plan's steps")
    timezone: str = Field("Europe/London", description="IANA time zone of meeting times, e.g. Europe/Berlin")
    meeting_time: str = Field("10:00", pattern=r"^([01]\d|2[0-3]):[0-5]\d$", description="proposed time, HH:MM")
    first_meeting_days: int = Field(7, ge=0, le=60, description="first meeting proposed this many days after a pair starts")
    survey_url: str | None = Field(
        None, description="check-in survey link with {id} (the person's survey id), optional {stage} and {pair}, "
                          "e.g. a prefilled Microsoft/Google Forms URL; never an e-mail")
    nudge_repeat_days: int = Field(14, ge=1, le=365, description="an at-risk or check-in flag is re-sent at most this often")
    smtp: Smtp = Field(default_factory=Smtp)

    @field_validator("from_address", "team_address", "reply_to")
    @classmethod
    def _address(cls, v: str | None) -> str | None:
        from email.utils import parseaddr

        if v is None or not v.strip():
            return None
        addr = parseaddr(v.strip())[1]
        if not re.fullmatch(r"[^@\s<>]+@[^@\s<>]+\.[^@\s<>]+", addr):
            raise ValueError(f"{v!r} is not an e-mail address")
        return v.strip()

    @field_validator("meeting_time", mode="before")
    @classmethod
    def _unquoted_time(cls, v: Any) -> Any:
        """YAML reads an unquoted 10:00 as 600 (minutes, base 60): take it back as the time written."""
        if isinstance(v, int) and not isinstance(v, bool) and 0 <= v < 24 * 60:
            return f"{v // 60:02d}:{v % 60:02d}"
        return v

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, v: str) -> str:
        from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

        try:
            ZoneInfo(v)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"{v!r} is not an IANA time zone (e.g. Europe/London, America/New_York)") from None
        return v

    @field_validator("survey_url")
    @classmethod
    def _survey_template(cls, v: str | None) -> str | None:
        import string

        if v is None or not v.strip():
            return None
        v = v.strip()
        if not v.startswith(("https://", "http://")):
            raise ValueError("the survey link must start with https://")
        try:
            names = {f for _, f, _, _ in string.Formatter().parse(v) if f is not None}
        except ValueError as err:
            raise ValueError(f"the survey link has a broken placeholder ({err}); write {{id}}, {{stage}} or {{pair}}") from None
        unknown = sorted(names - set(SURVEY_PLACEHOLDERS))
        if unknown:
            raise ValueError(f"the survey link names {', '.join('{' + n + '}' for n in unknown)}; only {{id}}, {{stage}} "
                             "and {pair} are filled (never a name or an e-mail)")
        if "id" not in names:
            raise ValueError("the survey link must carry {id} (the person's survey id) so answers can be matched back")
        return v


Comparison = Literal["none", "eligible non-participants", "matched non-participants", "waiting list"]


class EvaluationPlan(StrictModel):
    """How impact is judged: instruments before and after, roster KPIs, comparison group, and pilot-size inputs.

    Empty instrument and KPI lists take the objective's measures and KPIs.
    """

    instruments_pre: list[str] = Field(default_factory=list)
    instruments_post: list[str] = Field(default_factory=list)
    kpis: list[str] = Field(default_factory=list)
    comparison: Comparison = Field("matched non-participants", description="who the participants are compared with")
    effect_size: float = Field(0.5, gt=0, le=3, description="expected standardised pre-post change (Cohen's d_z)")
    alpha: float = Field(0.05, gt=0, le=0.2)
    power: float = Field(0.8, ge=0.5, lt=1)
    dropout: float = Field(0.2, ge=0, le=0.8, description="share of pairs expected to miss the post measure")

    _names = field_validator("instruments_pre", "instruments_post")(_clean_names)

    @field_validator("kpis")
    @classmethod
    def _kpis(cls, v: list[str]) -> list[str]:
        return _check_kpis(_clean_names(v))


# --------------------------------------------------------------------------- the design


FIELD_FIXES: dict[str, str] = {
    "spaces": "set at least 1 space and at most 100000: the number of pairs the programme can support",
    "schedule.length_months": "set a length from 1 to 36 months (3-6 is typical)",
    "schedule.cadence_days": "set 7 to 120 days between meetings (about 30 is typical)",
    "schedule.meeting_minutes": "set 15 to 240 minutes per meeting (about 60 is typical)",
    "privacy.k": "set k from 2 to 50 (5 is the usual smallest group a report shows)",
    "delivery.commitment_hours_per_month": "set the hours per month a person gives (more than 0, at most 40)",
    "evaluation.effect_size": "set the expected change as Cohen's d between 0 and 3 (0.5 is a medium effect)",
    "evaluation.alpha": "set alpha between 0 and 0.2 (0.05 is usual)",
    "evaluation.power": "set power from 0.5 to just under 1 (0.8 is usual)",
    "evaluation.dropout": "set the expected drop-out from 0 to 0.8 (0.2 is typical)",
    "messages.survey_url": "write the form's prefilled link with {id} where the respondent id goes, e.g. "
                           "https://forms.office.com/r/AbC?r3f={id}",
    "messages.timezone": "use an IANA time zone name such as Europe/London or America/New_York",
    "messages.from_address": "write an address such as 'Mentoring team <mentoring@example.org>'",
    "messages.team_address": "write an address such as 'Mentoring team <mentoring@example.org>'",
    "messages.reply_to": "write an address such as 'Mentoring team <mentoring@example.org>'",
    "messages.meeting_time": "write the time as HH:MM on a 24-hour clock, e.g. 10:00 or 14:30",
    "messages.smtp.password_env": "give the name of the environment variable that holds the password (letters, "
                                  "digits and _, e.g. REVMENTOR_SMTP_PASSWORD), never the password itself",
    "matching.fairness.max_rate_gap": "give a share from 0 to 1 (0.1 = no group's match rate more than 10 points "
                                      "below the best match's), or leave it blank for no floor",
    "matching.fairness.max_fit_gap": "give a share from 0 to 1 (0.1 = no group's mean fit more than 10% below the "
                                     "best match's), or leave it blank for no floor",
}


def band_ranks(band: GradeBand, grade_order: list[str] | None) -> tuple[int | None, int | None]:
    """The band's ends as grade ranks (1 = most junior); None where open. ValueError names a bad grade."""
    from revmentor_nb.io.parse import grade_key, grade_ranks

    ranks = grade_ranks(grade_order) if grade_order else None

    def one(v: str | int | None) -> int | None:
        if v is None:
            return None
        if ranks is not None:
            if grade_key(v) not in ranks:
                raise ValueError(f"grade {v!r} is not in grade_order")
            return ranks[grade_key(v)]
        if isinstance(v, int):
            return v
        if re.fullmatch(r"[+-]?\d+", str(v).strip()):
            return int(str(v).strip())
        raise ValueError(f"grade {v!r} is text but program.yaml declares no grade_order")

    return one(band.lowest), one(band.highest)


def _band_problems(design: "ProgramDesign") -> list[dict[str, Any]]:
    """Each band end must be a known grade; low <= high; in reverse mentoring the mentors' band sits below."""
    order = design.grade_order
    shown = ", ".join(order) if order else ""
    out: list[dict[str, Any]] = []
    ranks: dict[str, tuple[int | None, int | None]] = {}
    for side in ("mentors", "mentees"):
        band = getattr(design.eligibility, side)
        ok = True
        for end in ("lowest", "highest"):
            v = getattr(band, end)
            try:
                band_ranks(GradeBand(**{end: v}), order)
            except ValueError as err:
                ok = False
                fix = (f"use one of the grades in grade_order ({shown}) or leave it blank for an open band" if order
                       else "use an integer grade, or declare grade_order (most junior first) at the top of program.yaml")
                out.append(_problem(f"eligibility.{side}.{end}", str(err), fix, v))
        if not ok:
            continue
        lo, hi = band_ranks(band, order)
        if lo is not None and hi is not None and lo > hi:
            out.append(_problem(f"eligibility.{side}.highest", f"the {side}' highest grade ({band.highest}) is below "
                                                               f"their lowest ({band.lowest})",
                                "swap lowest and highest", band.highest))
            continue
        ranks[side] = (lo, hi)
    if len(ranks) < 2:
        return out
    (m_lo, m_hi), (e_lo, e_hi) = ranks["mentors"], ranks["mentees"]
    mentors, mentees = design.eligibility.mentors, design.eligibility.mentees
    reverse = ("in reverse mentoring the mentor is the junior colleague, so the mentors' grade band must sit "
               "below the mentees'")
    if m_lo is not None and e_hi is not None and m_lo >= e_hi:
        out.append(_problem("eligibility.mentors", f"the mentors' band ({mentors.label()}) is above the mentees' "
                                                   f"({mentees.label()}): no pair is possible; {reverse}",
                            "give mentors the junior grades and mentees the senior ones", mentors.label()))
    elif e_hi is not None and (m_hi is None or m_hi > e_hi):
        out.append(_problem("eligibility.mentors.highest",
                            f"the mentors' band ({mentors.label()}) reaches above the mentees' ({mentees.label()}); "
                            f"{reverse}", f"set the mentors' highest grade below {mentees.highest}", mentors.highest))
    else:
        gap = design.matching.rules.grade_gap
        if gap.enabled and gap.min and m_lo is not None and e_hi is not None and e_hi - m_lo < gap.min:
            out.append(_problem("matching.rules.grade_gap.min",
                                f"no eligible mentor is {gap.min} grades below any eligible mentee "
                                f"(mentors {mentors.label()}, mentees {mentees.label()})",
                                "lower the grade gap or widen the bands apart", gap.min))
    return out


def _cross_problems(design: "ProgramDesign") -> list[dict[str, Any]]:
    """Every rule that spans fields: grade bands, reverse direction, commitment, baseline measures."""
    traditional = design.direction == "traditional"
    out = [] if traditional else _band_problems(design)
    gap_direction = design.matching.rules.grade_gap.direction
    if gap_direction == "mentor_senior" and not traditional:
        out.append(_problem("matching.rules.grade_gap.direction",
                            "mentor_senior makes the mentor the senior colleague: that is traditional mentoring",
                            "use mentee_senior (the mentee is the senior leader in reverse mentoring), or declare "
                            "direction: traditional for a traditional scheme", "mentor_senior"))
    if gap_direction == "mentee_senior" and traditional and design.matching.rules.grade_gap.enabled:
        out.append(_problem("direction", "a traditional programme with a grade gap that makes the mentee senior",
                            "set matching.rules.grade_gap.direction to mentor_senior, or direction to reverse",
                            "traditional"))
    s, d = design.schedule, design.delivery
    needed = s.meeting_hours_per_month
    if d.commitment_hours_per_month + 1e-9 < needed:
        out.append(_problem("delivery.commitment_hours_per_month",
                            f"{d.commitment_hours_per_month:g} h a month is less than the meetings alone take "
                            f"({needed:.1f} h: {s.meeting_minutes}-minute meetings every {s.cadence_days} days)",
                            f"raise it to at least {needed:.1f}, or meet less often or for less time",
                            d.commitment_hours_per_month))
    ev = design.evaluation
    pre = {i.casefold() for i in ev.instruments_pre}
    no_baseline = [i for i in ev.instruments_post if i.casefold() not in pre]
    if no_baseline:
        out.append(_problem("evaluation.instruments_post",
                            f"{', '.join(no_baseline)} measured after but not before: change cannot be measured "
                            "without a baseline", "add it to instruments_pre (or drop it from instruments_post)",
                            ", ".join(no_baseline)))
    return out


INPUT_FORMATS = ("mentor-match",)


class MentorMatchInput(StrictModel):
    """Sign-ups given as mentor-match's two files (mentors and mentees), paths relative to the workspace."""

    format: Literal["mentor-match"] = "mentor-match"
    mentors: str = Field(..., min_length=1, description="mentor-match's mentors file (CSV or .xlsx)")
    mentees: str = Field(..., min_length=1, description="mentor-match's mentees file (CSV or .xlsx)")
    capacity: int = Field(3, ge=1, le=50, description="most pairs per person on each side (mentor-match gives 3)")


_INPUT_FIXES = {
    "mentors": "give the path of mentor-match's mentors file, relative to the workspace (e.g. inputs/mentors.csv)",
    "mentees": "give the path of mentor-match's mentees file, relative to the workspace (e.g. inputs/mentees.csv)",
    "capacity": "give a whole number of 1 or more (the most pairs a person takes on each side; mentor-match uses 3)",
}


def _input_problems(kind: str, value: dict[str, Any]) -> list[dict[str, Any]]:
    """Problems of one ``inputs`` entry given as a mapping (a file format with its files), each naming its key."""
    fmt = value.get("format")
    if fmt not in INPUT_FORMATS:
        return [_problem(f"{kind}.format", "missing: say which format the files are in" if fmt is None
                         else f"'{fmt}' is not an input format this package reads",
                         f"use format: {' or '.join(INPUT_FORMATS)} (with mentors: FILE and mentees: FILE), "
                         f"or give {kind} as a plain file path", fmt)]
    out: list[dict[str, Any]] = []
    if kind != "participants":
        out.append(_problem(kind, f"only participants can be given in {fmt} format",
                            f"give {kind} as a plain file path, or move these files under participants", fmt))
    try:
        MentorMatchInput.model_validate(value)
    except ValidationError as err:
        for e in err.errors():
            key = ".".join([kind, *(str(p) for p in e["loc"])])
            name = str(e["loc"][-1]) if e["loc"] else ""
            if e["type"] == "extra_forbidden":
                fix = "remove it: a mentor-match input has format, mentors, mentees and capacity"
            else:
                fix = _INPUT_FIXES.get(name, "change the value: " + e["msg"].lower())
            problem = "missing" if e["type"] == "missing" else e["msg"].replace("Input should be", "must be")
            out.append(_problem(key, problem, fix, None if e["type"] == "missing" else e.get("input")))
    return out


class ProgramDesign(StrictModel):
    """The whole design of one programme (the content of program.yaml)."""

    name: str = "Reverse mentoring programme"
    objective: Objective = Field(default_factory=Objective)
    mode: Literal["one-way", "two-way"] = Field("one-way", description="one-way: juniors mentor leaders; two-way: both learn")
    direction: Literal["reverse", "traditional"] = Field(
        "reverse", description="reverse: the mentor is the junior colleague; traditional: the mentor is senior "
                               "(a scheme run with this toolkit's matcher, e.g. matching.preset: civil-service)")
    spaces: int = Field(50, ge=1, le=100_000, description="pairs the programme can support")
    eligibility: Eligibility = Field(default_factory=Eligibility)
    schedule: Schedule = Field(default_factory=Schedule)
    delivery: Delivery = Field(default_factory=Delivery)
    grade_order: list[str] | None = Field(None, description="text grades from most junior to most senior")
    inputs: dict[str, str | MentorMatchInput] = Field(
        default_factory=dict,
        description="input kind -> file path (relative to the workspace), or for participants "
                    "{format: mentor-match, mentors: FILE, mentees: FILE}")
    matching: MatchSettings = Field(default_factory=MatchSettings)
    evaluation: EvaluationPlan = Field(default_factory=EvaluationPlan)
    readiness: dict[str, Literal["yes", "partly", "no", "unknown", "n/a"]] = Field(
        default_factory=dict, description="readiness question id -> yes / partly / no / unknown / n/a")
    privacy: Privacy = Field(default_factory=Privacy)
    monitoring: MonitoringRules = Field(default_factory=MonitoringRules)
    messages: Messages = Field(default_factory=Messages)

    @model_validator(mode="before")
    @classmethod
    def _matching_follows_mode_and_k(cls, data: Any) -> Any:
        """``mode`` and ``privacy.k`` are stated once; the matching section takes them from there."""
        if not isinstance(data, dict):
            return data
        data = dict(data)
        m = data.get("matching")
        if m is not None and not isinstance(m, (dict, BaseModel)):
            return data
        sync: dict[str, Any] = {}
        current = (m.model_dump() if isinstance(m, BaseModel) else m) or {}
        mode = data.get("mode")
        if mode in ("one-way", "two-way"):
            sync["mode"] = mode
        elif mode is None and current.get("mode") in ("one-way", "two-way"):
            data["mode"] = current["mode"]
        priv = data.get("privacy")
        k = priv.k if isinstance(priv, BaseModel) else priv.get("k") if isinstance(priv, dict) else None
        if isinstance(k, int) and 2 <= k <= 50:
            sync["k"] = k
        elif k is None and priv is None and isinstance(current.get("k"), int) and 2 <= current["k"] <= 50:
            data["privacy"] = {"k": current["k"]}
        if isinstance(m, BaseModel):  # assignment: keep the validated model, update the two copies
            data["matching"] = m.model_copy(update=sync)
        else:
            m = {key: v for key, v in current.items() if key not in ("mode", "k") or key in sync}
            data["matching"] = {**m, **sync}
        return data

    @field_validator("grade_order")
    @classmethod
    def _grade_order(cls, v: list[str] | None) -> list[str] | None:
        if v is None:
            return None
        from revmentor_nb.io.parse import grade_ranks

        v = [str(g).strip() for g in v]
        grade_ranks(v)  # ValueError on a blank or repeated grade
        return v or None

    @field_validator("inputs", mode="before")
    @classmethod
    def _input_formats(cls, v: Any) -> Any:
        """A mapping under a kind is a file format with its files: check it and name each bad key."""
        if not isinstance(v, dict):
            return v
        problems = [p for kind, value in v.items() if isinstance(value, dict) for p in _input_problems(str(kind), value)]
        problems += [_problem(str(kind), "must be a file path (or, for participants, a mapping of format and files)",
                              "give the file's path relative to the workspace, e.g. inputs/participants.csv, or "
                              "{format: mentor-match, mentors: FILE, mentees: FILE}", value)
                     for kind, value in v.items() if not isinstance(value, (str, dict, MentorMatchInput))]
        if problems:
            raise _broken(problems)
        return v

    @field_validator("readiness", mode="before")
    @classmethod
    def _readiness_keys(cls, v: Any) -> Any:
        if isinstance(v, dict):
            bad = [k for k in v if k not in QUESTION_IDS]
            if bad:
                raise PydanticCustomError("design_rules", "{text}", {"text": f"unknown question(s) {bad}", "problems": [
                    _problem(str(k), "not a readiness question",
                             f"use one of: {', '.join(QUESTION_IDS)}; answers are {', '.join(ANSWERS)}", k)
                    for k in bad]})
            out = {k: (None if a is None else str(a).strip().lower()) or "unknown" for k, a in v.items()}
            return {k: "n/a" if a in ("not applicable", "na", "n.a.") else a for k, a in out.items()}
        return v

    @model_validator(mode="after")
    def _inputs_are_known_kinds(self) -> "ProgramDesign":
        from revmentor_nb.io.contract import KINDS

        bad = [k for k in self.inputs if k not in KINDS]
        if bad:
            raise ValueError(f"inputs: unknown kind(s) {bad}; use {', '.join(KINDS)}")
        return self

    @model_validator(mode="after")
    def _evaluation_defaults_and_cross_checks(self) -> "ProgramDesign":
        ev = self.evaluation
        for key, source in (("instruments_pre", "measures"), ("instruments_post", "measures"), ("kpis", "kpis")):
            if not getattr(ev, key):
                object.__setattr__(ev, key, list(getattr(self.objective, source)))
        problems = _cross_problems(self)
        if problems:
            raise _broken(problems)
        return self

    @property
    def scheme(self) -> str:
        """reverse, traditional or two-way: who mentors whom (``direction``) and whether both learn (``mode``)."""
        return "two-way" if self.mode == "two-way" else self.direction

    def to_yaml(self) -> str:
        """The design as YAML text, keys in declaration order (the matching section without mode and k)."""
        data = self.model_dump(mode="json", exclude={"matching": {"mode", "k"}})
        from revmentor_nb.design.yamlfile import WIDTH

        return yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=WIDTH)


SCHEMES: dict[str, str] = {
    "reverse": "reverse: junior colleagues mentor leaders",
    "traditional": "traditional: experienced colleagues mentor less experienced ones",
    "two-way": "two-way: junior and senior colleagues learn from each other",
}
TRADITIONAL_OBJECTIVE = {
    "preset": "custom",
    "statement": "Help each mentee grow in the topics they chose, with the guidance of a more experienced mentor.",
    "method": "Pairs meet regularly; the mentee sets the agenda and the mentor shares experience and advice.",
    "success_criteria": ["Most mentees say at the end that the pairing helped them reach a goal they set"],
}


def scheme_changes(scheme: str) -> dict[str, Any]:
    """The design keys a scheme sets: direction, mode and the grade gap's direction (mentor senior when traditional)."""
    if scheme not in SCHEMES:
        raise ValueError(f"unknown scheme {scheme!r}; use one of: {', '.join(SCHEMES)}")
    direction = "traditional" if scheme == "traditional" else "reverse"
    return {"direction": direction, "mode": "two-way" if scheme == "two-way" else "one-way",
            "gap_direction": "mentor_senior" if direction == "traditional" else "mentee_senior"}


def new_design(scheme: str = "reverse", name: str | None = None) -> "ProgramDesign":
    """A starting design for ``scheme``: a traditional scheme gets its own objective wording, not reverse mentoring's."""
    change = scheme_changes(scheme)
    data: dict[str, Any] = {"direction": change["direction"], "mode": change["mode"],
                            "matching": {"rules": {"grade_gap": {"direction": change["gap_direction"]}}}}
    if scheme == "traditional":
        data["name"] = name or "Mentoring programme"
        data["objective"] = dict(TRADITIONAL_OBJECTIVE)
    elif name:
        data["name"] = name
    return design_from_dict(data)


class DesignError(InputError):
    """program.yaml is not a valid design; ``problems`` names each bad key and the fix."""


def _pydantic_problems(err: ValidationError, file: str) -> pd.DataFrame:
    log = ProblemLog(file)
    for e in err.errors():
        loc = [str(p) for p in e["loc"]]
        kind = e["type"]
        if kind == "design_rules":
            for p in e["ctx"]["problems"]:
                key = ".".join([*loc, p["key"]] if p["key"] else loc) or "(top level)"
                log.add(None, key, p.get("value"), p["problem"], p["fix"])
            continue
        key = ".".join(loc) or "(top level)"
        if kind == "extra_forbidden":
            fix = "remove it or check its spelling against the documented keys"
        elif kind == "missing":
            fix = "add this key"
        elif key in FIELD_FIXES:
            fix = FIELD_FIXES[key]
        elif kind == "literal_error":
            fix = "use " + e["msg"].removeprefix("Input should be ")
        else:
            fix = "change the value: " + e["msg"].lower()
        msg = e["msg"].removeprefix("Value error, ").replace("Input should be", "must be")
        log.add(None, key, e.get("input") if kind != "missing" else None, msg, fix)
    return log.frame()


def _failing_paths(err: ValidationError) -> list[tuple[Any, ...]]:
    """Where each error points (a cross-field problem points at its own key)."""
    paths = []
    for e in err.errors():
        if e["type"] == "design_rules":
            paths += [tuple(e["loc"]) + (tuple(p["key"].split(".")) if p["key"] else ()) for p in e["ctx"]["problems"]]
        elif e["loc"]:
            paths.append(tuple(e["loc"]))
    return paths


def _without(data: Any, paths: list[tuple[Any, ...]]) -> tuple[Any, bool]:
    """A deep copy of ``data`` with the values at ``paths`` removed (so their defaults apply)."""
    import copy

    out, removed = copy.deepcopy(data), False
    for path in sorted(paths, key=lambda p: [str(x) for x in p], reverse=True):
        node = out
        for step in path[:-1]:
            node = node.get(step) if isinstance(node, dict) else (
                node[step] if isinstance(node, list) and isinstance(step, int) and step < len(node) else None)
            if node is None:
                break
        last = path[-1] if path else None
        if isinstance(node, dict) and last in node:
            del node[last]
            removed = True
        elif isinstance(node, list) and isinstance(last, int) and last < len(node):
            del node[last]
            removed = True
    return out, removed


def design_from_dict(data: dict[str, Any] | None, file: str = "program.yaml") -> ProgramDesign:
    """Validate a design held as a dict, raising DesignError with every problem.

    Cross-field rules only run once each field is valid, so the failing values are set aside
    and the rest re-checked: one call lists field and cross-field problems together.
    """
    data = data or {}
    try:
        return ProgramDesign.model_validate(data)
    except ValidationError as err:
        frames = [_pydantic_problems(err, file)]
        rest, removed = _without(data, _failing_paths(err))
        for _ in range(4):
            if not removed:
                break
            try:
                ProgramDesign.model_validate(rest)
                break
            except ValidationError as more:
                seen = set(pd.concat(frames)["column"])
                extra = _pydantic_problems(more, file)
                related = extra["column"].map(lambda k: any(k == s or k.startswith(s + ".") or s.startswith(k + ".")
                                                            for s in seen))
                frames.append(extra[~related])  # a set-aside value's default is not the user's problem
                rest, removed = _without(rest, _failing_paths(more))
        problems = pd.concat(frames, ignore_index=True).drop_duplicates(["column", "problem"])
        problems = problems.sort_values("column", kind="stable").reset_index(drop=True)
        raise DesignError(problems) from None


def load_design(path: str | Path) -> ProgramDesign:
    """Read and validate program.yaml, raising DesignError that names each bad key (and line) with its fix.

    Refused before any value is used: a binary or non-UTF-8 file, YAML anchors/aliases, a key
    given twice, an impossible date, an empty file (see ``design.yamlfile``).
    """
    from revmentor_nb.design.yamlfile import read_mapping

    path = Path(path)
    log = ProblemLog(str(path))
    try:
        data = read_mapping(path, log)
    except FileNotFoundError:
        log.add(None, "", None, "file not found", f"create it with `revmentor new {path.parent}`")
        raise DesignError(log.frame()) from None
    except IsADirectoryError:
        log.add(None, "", None, "a folder, not a file", "program.yaml must be a file: move the folder away")
        raise DesignError(log.frame()) from None
    if data is None:
        raise DesignError(log.frame())
    return design_from_dict(data, str(path))


def save_design(design: ProgramDesign, path: str | Path) -> Path:
    """Write program.yaml atomically, keeping the comments and key order of the file it replaces.

    The new values are merged into the existing document (ruamel.yaml round trip). Should the
    merged text not read back as exactly this design, the plain dump is written instead: a Save
    never stores anything but the design it was given.
    """
    from revmentor_nb.design.yamlfile import merged_text
    from revmentor_nb.fileio import atomic_write_text

    path = Path(path)
    text = design.to_yaml()
    try:
        old = path.read_text(encoding="utf-8-sig") if path.is_file() else None
    except (OSError, UnicodeDecodeError):
        old = None
    if old and old.strip():
        merged = merged_text(old, yaml.safe_load(text))
        if merged is not None and _reads_back_as(merged, design):
            text = merged
    return atomic_write_text(path, text, private=False)  # the design is no secret: the umask decides


def _reads_back_as(text: str, design: ProgramDesign) -> bool:
    try:
        again = design_from_dict(yaml.safe_load(text))
    except (yaml.YAMLError, InputError, ValueError):
        return False
    return again.model_dump(mode="json") == design.model_dump(mode="json")


# --------------------------------------------------------------------------- views of a design


def design_summary(design: ProgramDesign) -> pd.DataFrame:
    """The decisions of a design as a two-column table (decision, value) for a report."""
    s, e, d, ev = design.schedule, design.eligibility, design.delivery, design.evaluation
    rules = design.matching.rules
    gap = rules.grade_gap
    length = (f"ongoing from {s.start_date}, reviewed every {s.length_months} months" if s.ongoing
              else f"{s.start_date} to {s.end_date} ({s.length_months} months)")
    rule_text = "; ".join(t for t in [
        "consent" if rules.consent else "",
        "different departments" if rules.different_department else "",
        f"no reporting line within {rules.reporting_line_levels} levels" if rules.reporting_line_levels else "",
        ((f"mentor at least {gap.min} grade(s) above mentee" if gap.direction == "mentor_senior"
          else f"mentee at least {gap.min} grade(s) above mentor") if gap.enabled and gap.min else ""),
        "a shared topic" if rules.shared_topic else "",
        "same site unless both remote" if rules.location else "",
    ] if t)
    rows = [
        ("programme", design.name),
        ("objective", design.objective.statement if design.objective.preset == "custom" else
                      f"{PRESET_LABELS.get(design.objective.preset, design.objective.preset)}: "
                      f"{design.objective.statement}"),
        ("method", design.objective.method),
        ("success criteria", "; ".join(design.objective.success_criteria)),
        ("scheme", SCHEMES[design.scheme]),
        ("mentors (grades)", e.mentors.label()),
        ("mentees (grades)", e.mentees.label()),
        ("departments", ", ".join(e.departments) or "all"),
        ("sites", ", ".join(e.sites) or "all"),
        ("selection", f"{e.selection}, via {d.signup_route}"),
        ("spaces", f"{design.spaces} pairs"),
        ("runs", length),
        ("meets every", f"{s.cadence_days} days, {s.meeting_minutes} minutes"),
        ("commitment", f"{d.commitment_hours_per_month:g} h a month; {d.training_hours:g} h training before launch"),
        ("format", d.formality),
        ("progress monitored by", ", ".join(d.monitoring) or "nothing"),
        ("matching rules", rule_text or "none"),
        ("measured before and after", ", ".join(ev.instruments_pre) or "nothing"),
        ("KPIs from the roster", ", ".join(ev.kpis) or "none"),
        ("compared with", ev.comparison),
    ]
    return pd.DataFrame(rows, columns=["decision", "value"])


def design_advice(design: ProgramDesign) -> pd.DataFrame:
    """Choices that are valid but risky, each with the reason and a suggestion (not errors: the design saves)."""
    s, d, ev, e = design.schedule, design.delivery, design.evaluation, design.eligibility
    rows: list[tuple[str, str, str]] = []
    if not s.ongoing and not 3 <= s.length_months <= 6:
        rows.append(("schedule.length_months", f"{s.length_months} months is outside the typical 3-6",
                     "shorter pairs barely get going; longer ones lose momentum without a midpoint review"))
    if s.cadence_days > 45:
        rows.append(("schedule.cadence_days", f"pairs meet only every {s.cadence_days} days",
                     "monthly (about 30 days) keeps momentum"))
    if d.training_hours == 0:
        rows.append(("delivery.training_hours", "no training before launch", "plan at least 2 hours per side"))
    if not d.monitoring:
        rows.append(("delivery.monitoring", "progress is not monitored", "keep at least a meeting log and a midpoint review"))
    if e.selection == "closed" and d.signup_route == "online form":
        rows.append(("delivery.signup_route", "closed selection with an open online form",
                     "use manager nomination or HR invitation for a closed programme"))
    if d.formality == "informal" and "meeting log" in d.monitoring:
        rows.append(("delivery.formality", "an informal programme that logs every meeting",
                     "informal programmes usually rely on check-in surveys only"))
    if ev.comparison == "none" and ev.kpis:
        rows.append(("evaluation.comparison", "KPIs without a comparison group",
                     "retention or promotion alone cannot show the programme's effect; compare with matched non-participants"))
    if not ev.instruments_pre:
        rows.append(("evaluation.instruments_pre", "nothing is measured before the programme",
                     "choose one short instrument (e.g. mfq9) for before and after"))
    if ev.effect_size > 1.0:
        rows.append(("evaluation.effect_size", f"an expected change of d = {ev.effect_size:g} is very large",
                     "mentoring studies usually find d = 0.2-0.5; a pilot sized for a large effect will likely miss"))
    if not design.matching.rules.consent:
        rows.append(("matching.rules.consent", "people who did not consent can be matched",
                     "switch consent back on: only people who agreed should ever be matched"))
    from revmentor_nb.io.contract import PARTICIPANTS

    known = [c.name for c in PARTICIPANTS.columns]
    fairness = design.matching.fairness
    listed = [("matching.fairness.attributes", a) for a in (fairness.attributes if fairness else [])]
    listed += [(f"matching.mix[{i}].column", cap.column) for i, cap in enumerate(design.matching.mix)]
    for key, column in listed:
        if column not in known:
            rows.append((key, f"'{column}' is not a column of the participants contract (a typo?)",
                         f"the matcher refuses a column the sign-ups lack; contract columns: {', '.join(known)}"))
    if design.mode == "two-way" and not design.matching.weights.reciprocity:
        rows.append(("matching.weights.reciprocity", "two-way mode without weight on what mentees can teach back",
                     "give reciprocity a weight (0.5 is the default)"))
    return pd.DataFrame(rows, columns=["key", "advice", "suggestion"])


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
