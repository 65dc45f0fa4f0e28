"""The input data contract (DESIGN.md) as data: every kind, its columns, types and aliases.

Loaders, the import wizard, the demo generator and `revmentor validate` all read this
table, so the contract is stated once.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace

# Column types understood by the value parsers.
TEXT, INT, BOOL, LIST, DATE, GRADE, ENUM, EMAIL, FLOAT = (
    "text", "int", "bool", "list", "date", "grade", "enum", "email", "float",
)


@dataclass(frozen=True)
class Column:
    """One column of an input kind."""

    name: str
    type: str = TEXT
    required: bool = False
    default: object = None
    choices: tuple[str, ...] = ()
    aliases: tuple[str, ...] = ()
    sensitive: bool = False
    confidential: bool = False
    doc: str = ""


@dataclass(frozen=True)
class Kind:
    """One input kind: its columns and the columns that identify a row."""

    name: str
    columns: tuple[Column, ...]
    key: tuple[str, ...] = ()
    doc: str = ""

    def column(self, name: str) -> Column:
        """The column called ``name``."""
        for c in self.columns:
            if c.name == name:
                return c
        raise KeyError(name)

    @property
    def required(self) -> list[str]:
        """Names of the required columns."""
        return [c.name for c in self.columns if c.required]

    def with_required(self, names: Iterable[str]) -> "Kind":
        """The same kind with exactly ``names`` required (a programme's own needs, e.g. no grade without a grade rule)."""
        wanted = set(names)
        unknown = wanted - {c.name for c in self.columns}
        if unknown:
            raise ValueError(f"{self.name} has no column(s) {sorted(unknown)}")
        return replace(self, columns=tuple(replace(c, required=c.name in wanted) for c in self.columns))


ROLES = ("mentor", "mentee", "either")
CHECKIN_STAGES = ("kickoff", "midpoint", "final", "pulse")
ASSESSMENT_STAGES = ("pre", "post")
SENSITIVE = ("gender", "ethnicity", "age_band")

PARTICIPANTS = Kind(
    "participants",
    (
        Column("person_id", TEXT, True, aliases=("id", "employee_id", "staff_id", "person id", "employee id")),
        Column("name", TEXT, True, aliases=("full_name", "full name", "participant")),
        Column("email", EMAIL, aliases=("e-mail", "email address", "mail")),
        Column("role", ENUM, True, choices=ROLES, aliases=("signed up as", "programme role", "program role")),
        Column("department", TEXT, True, aliases=("dept", "team", "directorate", "business unit", "organisation")),
        Column("manager_id", TEXT, aliases=("manager", "line_manager", "line manager", "line manager id", "reports_to")),
        Column("grade", GRADE, True, aliases=("level", "band", "job grade", "pay grade")),
        Column("location", TEXT, aliases=("site", "office", "city", "base")),
        Column("remote_ok", BOOL, default=True, aliases=("remote", "virtual ok", "remote ok", "online ok")),
        Column("offers", LIST, aliases=("topics offered", "can teach", "skills", "expertise", "offer")),
        Column("wants", LIST, aliases=("topics wanted", "wants to learn", "learning goals", "want", "interested in")),
        Column("interests", LIST, aliases=("hobbies", "interest")),
        Column("capacity", INT, default=1, aliases=("max mentees", "max_mentees", "slots")),
        Column("consent", BOOL, True, aliases=("consent given", "agreed", "opt in", "opt-in")),
        Column("gender", TEXT, sensitive=True),
        Column("ethnicity", TEXT, sensitive=True),
        Column("age_band", TEXT, sensitive=True, aliases=("age band", "age group", "age")),
        Column("preferences", LIST, aliases=("ranked preferences", "preferred partners")),
        Column("mentor_capacity", INT, aliases=("mentor capacity", "mentees wanted"),
               doc="mentees this person can take as a mentor (0 = not a mentor)"),
        Column("mentee_capacity", INT, aliases=("mentors wanted", "max mentors", "max_mentors"),
               doc="mentors this person wants as a mentee (0 = not a mentee)"),
        Column("roster_id", TEXT, aliases=("employee number", "staff number", "hr id", "roster id"),
               doc="the HR roster person this sign-up belongs to (one person who signed up with two e-mails)"),
        Column("profession", TEXT, aliases=("profession family", "job family")),
        Column("characteristics", LIST, sensitive=True,
               doc="protected characteristics a mentor shares; used only in aggregate or for opted-in matching"),
        Column("identity", LIST, sensitive=True, aliases=("identity to match",),
               doc="the identity a mentee asks to be matched on (only with identity_opt_in)"),
        Column("identity_opt_in", BOOL, default=False, aliases=("match with similar identity",),
               doc="the mentee asked to be matched with someone of a similar identity"),
    ),
    key=("person_id",),
    doc="one row per person who signed up",
)

ROSTER = Kind(
    "roster",
    (
        Column("person_id", TEXT, True, aliases=("id", "employee_id", "staff_id", "employee id")),
        Column("email", TEXT, aliases=("e-mail", "email address", "email addresses", "e-mail addresses", "mail"),
               doc="the person's e-mail address(es), several separated by ';', to tie sign-ups to the roster"),
        Column("manager_id", TEXT, aliases=("manager", "line_manager", "line manager", "reports_to")),
        Column("department", TEXT, True, aliases=("dept", "team", "directorate", "business unit")),
        Column("grade", GRADE, True, aliases=("level", "band", "job grade", "pay grade")),
        Column("location", TEXT, aliases=("site", "office")),
        Column("hire_date", DATE, True, aliases=("start date", "start_date", "joined")),
        Column("exit_date", DATE, aliases=("leave date", "leaving date", "termination date")),
        Column("last_promotion_date", DATE, aliases=("promotion date", "last promotion")),
        Column("gender", TEXT, sensitive=True),
        Column("ethnicity", TEXT, sensitive=True),
        Column("age_band", TEXT, sensitive=True, aliases=("age band", "age group")),
    ),
    key=("person_id",),
    doc="HR extract of the whole organisation",
)

EXCLUSIONS = Kind(
    "exclusions",
    (
        Column("person_a", TEXT, True, aliases=("a", "person 1", "mentor_id")),
        Column("person_b", TEXT, True, aliases=("b", "person 2", "mentee_id")),
        Column("reason", TEXT),
    ),
    key=("person_a", "person_b"),
    doc="pairs that must never be matched",
)

LOCKS = Kind(
    "locks",
    (
        Column("mentor_id", TEXT, True, aliases=("mentor",)),
        Column("mentee_id", TEXT, True, aliases=("mentee",)),
    ),
    key=("mentor_id", "mentee_id"),
    doc="pairs that must be matched",
)

MEETINGS = Kind(
    "meetings",
    (
        Column("mentor_id", TEXT, True, aliases=("mentor",)),
        Column("mentee_id", TEXT, True, aliases=("mentee",)),
        Column("date", DATE, True, aliases=("meeting date", "held on")),
        Column("duration_min", INT, aliases=("duration", "minutes")),
        Column("mode", TEXT, aliases=("format", "channel")),
        Column("logged_by", TEXT, aliases=("logged by", "reported by")),
    ),
    doc="one row per meeting held",
)

CHECKINS = Kind(
    "checkins",
    (
        Column("person_id", TEXT, True, aliases=("id", "respondent")),
        Column("date", DATE, True, aliases=("submitted", "response date")),
        Column("stage", ENUM, True, choices=CHECKIN_STAGES),
        Column("satisfaction", INT, aliases=("rating", "score")),
        Column("on_track", BOOL, aliases=("on track",)),
        Column("comment", TEXT, confidential=True, aliases=("comments", "feedback")),
    ),
    doc="check-in survey responses; comments are confidential",
)

ASSESSMENTS = Kind(
    "assessments",
    (
        Column("person_id", TEXT, True, aliases=("id", "respondent")),
        Column("stage", ENUM, True, choices=ASSESSMENT_STAGES, aliases=("wave", "time")),
        Column("instrument", TEXT, True, aliases=("measure", "scale", "test")),
        Column("score", FLOAT, aliases=("total", "result")),
        Column("date", DATE),
    ),
    doc="pre/post measures: a score, or item columns (any extra column is kept as an item)",
)

TRAINING = Kind(
    "training",
    (
        Column("person_id", TEXT, True, aliases=("id",)),
        Column("module", TEXT, True, aliases=("course",)),
        Column("completed_on", DATE, True, aliases=("completed", "date")),
    ),
    doc="training completions",
)

AGREEMENTS = Kind(
    "agreements",
    (
        Column("mentor_id", TEXT, True, aliases=("mentor",)),
        Column("mentee_id", TEXT, True, aliases=("mentee",)),
        Column("signed_on", DATE, True, aliases=("signed", "date")),
    ),
    key=("mentor_id", "mentee_id"),
    doc="mentoring agreements returned",
)

KINDS: dict[str, Kind] = {
    k.name: k
    for k in (PARTICIPANTS, ROSTER, EXCLUSIONS, LOCKS, MEETINGS, CHECKINS, ASSESSMENTS, TRAINING, AGREEMENTS)
}


def kind(name: str) -> Kind:
    """The input kind called ``name`` (raises ValueError naming the allowed kinds)."""
    try:
        return KINDS[name]
    except KeyError:
        raise ValueError(f"unknown input kind {name!r}; use one of: {', '.join(KINDS)}") from None
