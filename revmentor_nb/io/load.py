"""Load and validate input files against the data contract, listing every problem at once.

``load`` reads a file, ``validate_frame`` checks a text DataFrame already in memory (the
import wizard); both return the typed frame of docs/dataframes.md or raise InputError whose
``problems`` table names file, spreadsheet row, column, value, what is wrong and how to fix it.
No row is ever dropped silently: the result has one row per non-blank data row.
"""
from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from revmentor_nb.errors import InputError, ProblemLog, quoted
from revmentor_nb.io import parse as values
from revmentor_nb.io import read as tables
from revmentor_nb.io.contract import (
    BOOL,
    DATE,
    EMAIL,
    ENUM,
    FLOAT,
    GRADE,
    INT,
    Column,
    Kind,
)
from revmentor_nb.io.contract import kind as get_kind
from revmentor_nb.io.org import find_cycles, manager_map

PathLike = str | os.PathLike[str]
Required = Mapping[str, "tuple[str, str] | str"] | Sequence[str] | None  # column -> (why, how to stop needing it)

# Whole-number columns with a range: (lowest, highest), None = open.
# Upper ends keep absurd numbers (a capacity of 10**9) from ever reaching the matcher.
MAX_CAPACITY = 50
RANGES: dict[tuple[str, str], tuple[int | None, int | None]] = {
    ("participants", "capacity"): (1, MAX_CAPACITY),
    ("participants", "mentor_capacity"): (0, MAX_CAPACITY),
    ("participants", "mentee_capacity"): (0, MAX_CAPACITY),
    ("checkins", "satisfaction"): (1, 5),
    ("meetings", "duration_min"): (0, 24 * 60),
}
# Dates of programme activity: outside this window a date is a typo (1900, 2099), a problem;
# outside the programme's span (when known) it is a warning.
ACTIVITY_DATES: dict[str, str] = {
    "meetings": "date", "checkins": "date", "assessments": "date", "training": "completed_on",
    "agreements": "signed_on",
}
EARLIEST_ACTIVITY = pd.Timestamp("1990-01-01")
FUTURE_YEARS = 2  # an activity dated more than this many years after today is a typo
SPAN_SLACK_DAYS = 92  # activity this long before the start or after the end is still in the programme's span
ID_COLUMNS = ("person_id", "person_a", "person_b", "mentor_id", "mentee_id")
PAIRS = (("person_a", "person_b"), ("mentor_id", "mentee_id"))
MAX_CYCLE_SHOWN = 12
DATE_FIX = "write the date as YYYY-MM-DD (e.g. 2024-03-31) or DD/MM/YYYY (e.g. 31/03/2024)"
BLANK_OK = ("manager_id",)  # required by a reporting-line rule, yet blank at the top of the organisation
BLANK_FIX = {
    "person_id": "give every row a unique id (e.g. the staff number)",
    "name": "fill in the person's name",
    "role": "fill in mentor, mentee or either",
    "consent": "fill in yes or no (only people who consent are ever matched)",
    "grade": "fill in the person's grade",
}


@dataclass
class _Check:
    """Everything one validation pass works on."""

    kind: Kind
    text: pd.DataFrame  # trimmed text, contract/extra column names, index = spreadsheet row
    log: ProblemLog
    grade_order: Sequence[object] | None = None
    roster: pd.DataFrame | None = None
    participants: pd.DataFrame | None = None
    parsed: dict[str, pd.Series] = field(default_factory=dict)
    grade_rank: pd.Series | None = None
    items: list[str] = field(default_factory=list)

    def has(self, column: str) -> bool:
        """Whether the file has this column (a contract column, or an extra one of that name)."""
        return column in self.text.columns

    def has_own(self, column: str) -> bool:
        """Whether the file has this column and it is one of this kind's contract columns (so it was parsed)."""
        return column in self.parsed and self.has(column)

    def cells(self, column: str) -> pd.Series:
        """The text cells of a column ('' everywhere when the file lacks it)."""
        if self.has(column):
            return self.text[column]
        return pd.Series("", index=self.text.index, dtype=object)


# --- public API ------------------------------------------------------------------------


def load(
    kind: str,
    path: PathLike,
    *,
    roster: pd.DataFrame | None = None,
    grade_order: Sequence[object] | None = None,
    mapping: Mapping[str, object] | None = None,
    participants: pd.DataFrame | None = None,
    span: tuple[object, object] | None = None,
    required: Required = None,
) -> pd.DataFrame:
    """Read and validate one input file of ``kind``; return the typed frame or raise InputError.

    ``roster`` resolves managers who did not sign up; ``participants`` lets meeting, lock,
    check-in (etc.) files be checked for unknown people; ``mapping`` maps file headers onto
    contract columns ahead of the built-in aliases; ``grade_order`` lists text grades junior first;
    ``span`` (the programme's start and end) turns activity dated well outside it into warnings
    (``frame.attrs["warnings"]``, a problems table that does not stop the import). ``required``
    replaces the contract's required columns with a programme's own (column -> (what needs it,
    how to stop needing it); see ``design.columns.requirement_reasons``).
    """
    k = get_kind(kind)
    log = ProblemLog(Path(path).name)
    cells = tables.read_cells(path, log, k)
    if cells is None:  # the file itself cannot be read: nothing more to check
        raise InputError(log.frame())
    return _validate(k, cells, log, file=str(path), mapping=mapping, roster=roster,
                     participants=participants, grade_order=grade_order, span=span, required=required)


def load_participants(
    path: PathLike,
    roster: pd.DataFrame | None = None,
    grade_order: Sequence[object] | None = None,
    mapping: Mapping[str, object] | None = None,
) -> pd.DataFrame:
    """Load the sign-ups file (participants); ``roster`` is the loaded HR roster, if any."""
    return load("participants", path, roster=roster, grade_order=grade_order, mapping=mapping)


def load_roster(
    path: PathLike,
    grade_order: Sequence[object] | None = None,
    mapping: Mapping[str, object] | None = None,
) -> pd.DataFrame:
    """Load the HR roster of the whole organisation."""
    return load("roster", path, grade_order=grade_order, mapping=mapping)


def validate_frame(
    kind: str,
    text_frame: pd.DataFrame,
    *,
    file: str,
    roster: pd.DataFrame | None = None,
    grade_order: Sequence[object] | None = None,
    mapping: Mapping[str, object] | None = None,
    participants: pd.DataFrame | None = None,
    span: tuple[object, object] | None = None,
    required: Required = None,
) -> pd.DataFrame:
    """Validate a DataFrame already in memory exactly as ``load`` validates a file.

    Columns are the file's headers (renamed through ``mapping`` and the aliases); an index
    named ``row`` is taken as spreadsheet row numbers, otherwise rows are numbered from 2.
    """
    k = get_kind(kind)
    log = ProblemLog(file)
    cells = tables.cells_from_frame(text_frame)
    return _validate(k, cells, log, file=file, mapping=mapping, roster=roster,
                     participants=participants, grade_order=grade_order, span=span, required=required)


# --- the pass --------------------------------------------------------------------------


def _validate(
    k: Kind,
    cells: tables.Cells,
    log: ProblemLog,
    *,
    file: str,
    mapping: Mapping[str, object] | None,
    roster: pd.DataFrame | None,
    participants: pd.DataFrame | None,
    grade_order: Sequence[object] | None,
    span: tuple[object, object] | None = None,
    required: Required = None,
) -> pd.DataFrame:
    """Check every rule of ``k`` on the named cells; raise InputError or return the typed frame."""
    why: Mapping[str, tuple[str, str] | str] = {}
    if required is not None:
        why = required if isinstance(required, Mapping) else {}
        k = k.with_required(required)
    text, match = tables.named_frame(cells, k, mapping, log)
    ctx = _Check(k, text, log, grade_order=grade_order, roster=roster, participants=participants)
    _report_missing_columns(ctx, match, why)
    for column in k.columns:
        ctx.parsed[column.name] = _parse_column(ctx, column)
    KIND_CHECKS.get(k.name, _no_check)(ctx)
    _check_known_ids(ctx)
    _check_pairs(ctx)
    _check_activity_dates(ctx)
    log.raise_if_any()
    warnings = _span_warnings(ctx, span)
    frame = _assemble(ctx)
    frame.attrs.update({
        "kind": k.name, "file": file, "mapping": dict(match.mapping),
        "blank_rows": list(cells.blank_rows), "source": dict(cells.source),
    })
    if ctx.items:
        frame.attrs["items"] = list(ctx.items)
    if len(warnings):
        frame.attrs["warnings"] = warnings
    return frame


def _no_check(ctx: _Check) -> None:
    """Kinds whose rules are all per column."""


def _report_missing_columns(ctx: _Check, match: tables.HeaderMatch,
                            why: Mapping[str, tuple[str, str] | str] | None = None) -> None:
    """One problem per required column the file lacks: what needs it, how to stop needing it, the closest header."""
    unused = [h for h in ctx.text.attrs.get("headers", []) if h not in match.mapping]
    for name in ctx.kind.required:
        if ctx.has(name):
            continue
        reason = (why or {}).get(name) or ("", "")
        need, off = (reason, "") if isinstance(reason, str) else reason
        problem = f"required column '{name}' is missing" + (f": {need}" if need else "")
        fix = _missing_fix(ctx.kind, name, match, unused)
        others = ctx.text.attrs.get("sheets_not_read") or []
        if others:
            read = ctx.text.attrs.get("sheet", "the first sheet")
            fix = (f"sheet '{read}' was read; no sheet ({', '.join(repr(t) for t in others)} too) has "
                   f"{ctx.kind.name} headers: put them atop the data sheet; " + fix)
        ctx.log.add(None, name, "", problem, f"{off}, or {fix}" if off else fix)


def _missing_fix(k: Kind, name: str, match: tables.HeaderMatch, unused: list[str]) -> str:
    """How to supply a missing column: the closest header, the competing aliases, or what is there."""
    if name in match.ambiguous:
        shown = ", ".join(f"'{h}'" for h in match.ambiguous[name])
        return f"add a '{name}' column, or map one of {shown} to {name} (more than one could be it)"
    closest = tables.closest_header(name, k, unused)
    if closest is not None:
        return f"add a '{name}' column (closest header found: '{closest}')"
    found = ", ".join(f"'{quoted(h, 30)}'" for h in unused[:6]) or "none"
    more = f" and {len(unused) - 6} more" if len(unused) > 6 else ""
    return f"add a '{name}' column (other headers found: {found}{more})"


# --- one column ------------------------------------------------------------------------


def _parse_column(ctx: _Check, column: Column) -> pd.Series:
    """Parse one column, logging its bad cells, blanks in required columns and range breaks."""
    cells = ctx.cells(column.name)
    parsed, problem, fix = _parse_cells(ctx, column, cells)
    bad = parsed.bad
    limits = RANGES.get((ctx.kind.name, column.name))
    if limits is not None:
        problem, fix = _range_message(column.name, limits)
        bad = bad | _out_of_range(parsed.values, limits)
    _log_cells(ctx, column.name, cells, bad, problem, fix)
    if column.required and ctx.has(column.name) and column.name not in BLANK_OK:
        empty = values.blank(cells)
        fix_blank = BLANK_FIX.get(column.name) or (
            f"fill in {column.name} ({DATE_FIX})" if column.type == DATE else f"fill in {column.name}; every row needs it")
        _log_cells(ctx, column.name, cells, empty, f"{column.name} is blank", fix_blank)
    return parsed.values


def _parse_cells(ctx: _Check, column: Column, cells: pd.Series) -> tuple[values.Parsed, str, str]:
    """Parsed values of one column and the problem/fix text for its bad cells."""
    name = column.name
    if column.type == GRADE:
        return _parse_grade(ctx, cells)
    if column.type == ENUM:
        return (values.parse_enum(cells, column.choices), f"'{{value}}' is not a valid {name}",
                f"use one of: {', '.join(column.choices)}")
    parsed = values.PARSERS[column.type](cells)
    problem, fix = {
        BOOL: ("'{value}' is not yes or no", "use yes or no (true/false, y/n and 1/0 also work)"),
        INT: ("'{value}' is not a whole number", "use a whole number such as 3"),
        FLOAT: ("'{value}' is not a number", "use a number such as 3.5"),
        DATE: ("'{value}' is not a date in a recognised format", DATE_FIX),
        EMAIL: ("'{value}' is not a well-formed e-mail address",
                "use the form name@example.org, or leave the cell blank"),
    }.get(column.type, ("", ""))
    return parsed, problem, fix


def _parse_grade(ctx: _Check, cells: pd.Series) -> tuple[values.Parsed, str, str]:
    """Grades as ranks; the fix says how to declare text grades when none are declared."""
    order = ctx.grade_order
    if order:
        try:
            values.grade_ranks(order)
        except ValueError as exc:
            ctx.log.add(None, "grade", "", str(exc), "list each grade once in grade_order in program.yaml")
            unread = pd.Series(pd.NA, index=cells.index, dtype="Int64")
            return values.Parsed(unread, pd.Series(False, index=cells.index)), "", ""
    parsed = values.parse_grade(cells, order)
    ctx.grade_rank = parsed.values
    if order:
        shown = ", ".join(str(g) for g in list(order)[:12]) + (", ..." if len(order) > 12 else "")
        return (parsed, "grade '{value}' is not in the declared grade_order",
                f"use one of the grades declared in grade_order in program.yaml ({shown}), or add it there")
    return (parsed, "grade '{value}' is not an integer and no grade_order is declared",
            "use an integer grade (higher = more senior), or declare grade_order in program.yaml "
            "listing the text grades from junior to senior")


def _range_message(name: str, limits: tuple[int | None, int | None]) -> tuple[str, str]:
    """Problem and fix text for a whole number that must lie in ``limits``."""
    low, high = limits
    if high is None:
        return (f"{name} must be a whole number of {low} or more, not '{{value}}'",
                f"use a whole number of {low} or more (e.g. {max(low or 0, 1)}, {max(low or 0, 1) + 1})")
    return (f"{name} must be a whole number from {low} to {high}, not '{{value}}'",
            f"use a whole number from {low} to {high}")


def _out_of_range(parsed: pd.Series, limits: tuple[int | None, int | None]) -> pd.Series:
    """True where a parsed number lies outside ``limits``."""
    low, high = limits
    out = pd.Series(False, index=parsed.index)
    if low is not None:
        out |= (parsed < low).fillna(False).astype(bool)
    if high is not None:
        out |= (parsed > high).fillna(False).astype(bool)
    return out


def _log_cells(ctx: _Check, column: str, cells: pd.Series, mask: pd.Series, problem: str, fix: str) -> None:
    """One problem per cell where ``mask`` is True; ``{value}`` in the text is the cell."""
    if not mask.any():
        return
    for row, value in cells[mask.to_numpy()].items():
        ctx.log.add(int(row), column, value, problem.format(value=quoted(value)), fix)



def _log_rows(ctx: _Check, mask: pd.Series, column: str, problems: pd.Series | str, fix: str) -> None:
    """One problem per row where ``mask`` is True, the value being that row's ``column`` text."""
    if not mask.any():
        return
    idx = mask.to_numpy()
    texts = problems[idx] if isinstance(problems, pd.Series) else pd.Series(problems, index=mask.index)[idx]
    for (row, value), problem in zip(ctx.cells(column)[idx].items(), texts):
        ctx.log.add(int(row), column, value, problem, fix)


# --- rules across rows -----------------------------------------------------------------


def _check_unique_ids(ctx: _Check, column: str = "person_id") -> None:
    """Each repeated id is a problem of the repeating row, naming the row it repeats."""
    ids = ctx.parsed[column]
    present = ids.notna()
    repeated = ids.duplicated(keep="first") & present
    if not repeated.any():
        return
    rows = pd.Series(ids.index, index=ids.index)
    first = rows[present].groupby(ids[present]).transform("min")
    problems = pd.Series(
        [f"{column} '{quoted(v)}' is repeated (first on row {r})" for v, r in zip(ids[repeated], first[repeated])],
        index=ids.index[repeated],
    ).reindex(ids.index)
    _log_rows(ctx, repeated, column, problems,
              "keep one row per person: delete or merge this row, or correct the id")


def _known_people(ctx: _Check) -> set[str]:
    """Ids a manager_id may name: this file's people, and the roster's when one is given."""
    known = set(ctx.parsed["person_id"].dropna())
    if ctx.roster is not None and ctx.kind.name != "roster":
        known |= set(ctx.roster["person_id"].dropna().astype(str))
    return known


def _check_managers(ctx: _Check) -> None:
    """Unknown managers and manager cycles of any length (a person managing themselves included)."""
    if not (ctx.has("manager_id") and ctx.has("person_id")):
        return
    pid, mid = ctx.parsed["person_id"], ctx.parsed["manager_id"]
    unknown = mid.notna() & ~mid.isin(_known_people(ctx))
    where = "the roster" if ctx.kind.name == "roster" else (
        "participants or the roster" if ctx.roster is not None else "participants (no roster was given)")
    problems = "manager '" + mid.fillna("").map(quoted) + f"' is not a person_id in {where}"
    fix = ("correct the manager_id, leave it blank, or add the manager to the roster as their own row"
           if ctx.kind.name == "roster" else
           "correct the manager_id, leave it blank, or load the HR roster that lists this manager")
    _log_rows(ctx, unknown, "manager_id", problems, fix)
    _check_cycles(ctx, pid, mid)


def _cycle_text(cycle: list[str]) -> str:
    """A cycle as 'A → B → A', long ones shortened in the middle."""
    shown = cycle + [cycle[0]]
    if len(shown) > MAX_CYCLE_SHOWN:
        shown = shown[:5] + ["..."] + shown[-5:]
    return " → ".join(quoted(s, 24) for s in shown) + (f" ({len(cycle)} people)" if len(cycle) > 2 else "")


def _check_cycles(ctx: _Check, pid: pd.Series, mid: pd.Series) -> None:
    """Every row on a manager cycle (traced through the roster too) gets a problem naming the cycle."""
    own = pd.DataFrame({"person_id": pid, "manager_id": mid})
    roster = ctx.roster if ctx.kind.name != "roster" else None
    cycles = find_cycles(manager_map(own, roster))
    cycles += [[p] for p in dict.fromkeys(pid[pid.notna() & (pid == mid)])]
    if not cycles:
        return
    successor: dict[str, str] = {}
    text: dict[str, str] = {}
    for cycle in cycles:
        for i, person in enumerate(cycle):
            successor[person] = cycle[(i + 1) % len(cycle)]
            text[person] = _cycle_text(cycle)
    on_cycle = mid.notna() & (pid.map(successor) == mid)
    _log_rows(ctx, on_cycle, "manager_id", "manager cycle: " + pid.map(text).fillna(""),
              "correct the manager_id on one of these rows so the reporting line ends at the top of the organisation")


def _check_topics(ctx: _Check) -> None:
    """Mentors (and 'either') need offers; mentees (and 'either') need wants."""
    if not ctx.has("role"):
        return
    role = ctx.parsed["role"]
    for column, roles, what in (("offers", ("mentor", "either"), "share"), ("wants", ("mentee", "either"), "learn")):
        needs = role.isin(roles)
        if not needs.any():
            continue
        fix = f"list the topics this person wants to {what}, separated by ; (e.g. data; AI tools), or change the role"
        if not ctx.has(column):
            ctx.log.add(None, column, "", f"column '{column}' is missing but {int(needs.sum())} rows are "
                        f"{' or '.join(roles)}", f"add a '{column}' column: " + fix.replace("this person", "each person"))
            continue
        empty = needs & (ctx.parsed[column].map(len) == 0)
        _log_rows(ctx, empty, column, "role is " + role.fillna("") + f" but {column} is blank", fix)


def _check_preferences(ctx: _Check) -> None:
    """Preferences may only name people in this file."""
    if not ctx.has("preferences"):
        return
    known = set(ctx.parsed["person_id"].dropna())
    prefs = ctx.parsed["preferences"]
    unknown = prefs.map(lambda items: [p for p in items if p not in known])
    mask = unknown.map(len) > 0
    problems = "preferences name people who did not sign up: " + unknown.map(lambda u: ", ".join(quoted(p, 24) for p in u))
    _log_rows(ctx, mask, "preferences", problems,
              "use person_ids from the person_id column, separated by ; (best first)")


def _check_participants(ctx: _Check) -> None:
    """Rules across rows of the sign-ups."""
    _check_unique_ids(ctx)
    _check_managers(ctx)
    _check_topics(ctx)
    _check_preferences(ctx)


def _check_roster(ctx: _Check) -> None:
    """Rules across rows of the HR roster, and exit dates after hire dates."""
    _check_unique_ids(ctx)
    _check_managers(ctx)
    _check_email_lists(ctx)
    hired, left = ctx.parsed["hire_date"], ctx.parsed["exit_date"]
    early = (left < hired).fillna(False).astype(bool)
    if early.any():
        problems = ("exit_date " + left.dt.strftime("%Y-%m-%d").fillna("") + " is before hire_date "
                    + hired.dt.strftime("%Y-%m-%d").fillna(""))
        _log_rows(ctx, early, "exit_date", problems, "correct one of the two dates")


def _check_email_lists(ctx: _Check) -> None:
    """Roster e-mails: each ';'-separated address well formed, and no address given to two people."""
    if not ctx.has("email"):
        return
    cells = ctx.cells("email")
    owner: dict[str, tuple[int, object]] = {}
    for row, cell, pid in zip(cells.index, cells, ctx.parsed["person_id"]):
        parts = [p.strip() for p in str(cell).split(values.LIST_SEPARATOR) if p.strip()]
        bad = [p for p in parts if not values.is_email(p)]
        if bad:
            ctx.log.add(int(row), "email", cell, f"'{quoted(bad[0])}' is not a well-formed e-mail address",
                        "use the form name@example.org; separate several addresses with ;")
        for part in parts:
            key = part.casefold()
            if part in bad:
                continue
            if key in owner and owner[key][1] != pid:
                ctx.log.add(int(row), "email", cell, f"e-mail '{quoted(part)}' is also given for row {owner[key][0]}",
                            "give each address to one person only (an address identifies its roster person)")
            owner.setdefault(key, (int(row), pid))


def _check_assessments(ctx: _Check) -> None:
    """Extra numeric columns are item answers; every row needs a score or at least one answer."""
    answered = ctx.parsed["score"].notna()
    for column in _extra_columns(ctx):
        cells = ctx.text[column]
        parsed = values.parse_float(cells)
        filled = ~values.blank(cells)
        if not filled.any() or (filled & ~parsed.bad).sum() < 0.5 * filled.sum():
            continue  # a text column (e.g. a comment), kept as text
        ctx.items.append(column)
        ctx.parsed[column] = parsed.values
        answered |= parsed.values.notna()
        _log_cells(ctx, column, cells, parsed.bad, f"'{{value}}' in item column '{column}' is not a number",
                   "use a number such as 4, or leave the cell blank")
    if not ctx.has("score") and not ctx.items:
        ctx.log.add(None, "score", "", "no 'score' column and no item columns with numbers",
                    "add a 'score' column, or one column per item holding the numeric answers")
        return
    unanswered = ~answered & values.blank(ctx.cells("score"))  # a bad score is reported already
    _log_rows(ctx, unanswered, "score", "this row has no score and no item answers",
              "fill in the score, or the answers in the item columns")


def _extra_columns(ctx: _Check) -> list[str]:
    """Columns of the file that are not contract columns, in file order."""
    names = {c.name for c in ctx.kind.columns}
    return [c for c in ctx.text.columns if c not in names]


def _check_known_ids(ctx: _Check) -> None:
    """When participants are given, every id column must name someone who signed up."""
    if ctx.participants is None or ctx.kind.name in ("participants", "roster"):
        return
    known = set(ctx.participants["person_id"].dropna().astype(str))
    for column in ID_COLUMNS:
        if not ctx.has_own(column):
            continue
        ids = ctx.parsed[column]
        unknown = ids.notna() & ~ids.isin(known)
        _log_rows(ctx, unknown, column, f"{column} '" + ids.fillna("").map(quoted) + "' is not in participants",
                  "correct the id, or add the person to the participants file")


def _check_pairs(ctx: _Check) -> None:
    """A pair (exclusion, lock, meeting, agreement) must be two different people."""
    for a, b in PAIRS:
        if ctx.has_own(a) and ctx.has_own(b):
            same = ctx.parsed[a].notna() & (ctx.parsed[a] == ctx.parsed[b])
            _log_rows(ctx, same, b, f"{a} and {b} are the same person", "correct one of the two ids")


def _check_activity_dates(ctx: _Check) -> None:
    """Activity dated before 1990 or years ahead (1900, 2099: typos) is a problem naming the window."""
    column = ACTIVITY_DATES.get(ctx.kind.name)
    if column is None or not ctx.has_own(column):
        return
    dates = ctx.parsed[column]
    latest = pd.Timestamp.today().normalize() + pd.DateOffset(years=FUTURE_YEARS)
    odd = dates.notna() & ((dates < EARLIEST_ACTIVITY) | (dates > latest))
    if not odd.any():
        return
    window = f"{EARLIEST_ACTIVITY:%Y-%m-%d} to {latest:%Y-%m-%d}"
    _log_rows(ctx, odd.fillna(False).astype(bool), column,
              f"{column} is not a plausible date for programme activity (expected {window})",
              "correct the year (a typo such as 1900 or 2099?), or leave the row out if it is not real")


def _span_warnings(ctx: _Check, span: tuple[object, object] | None) -> pd.DataFrame:
    """Activity dated well outside the programme's span: warnings (file, row, column, value, problem, fix)."""
    column = ACTIVITY_DATES.get(ctx.kind.name)
    warn = ProblemLog(ctx.log.file, sheets=list(ctx.log.sheets))
    if span is None or column is None or not ctx.has_own(column) or None in span:
        return warn.frame()
    start, end = (pd.Timestamp(d) for d in span)
    slack = pd.Timedelta(days=SPAN_SLACK_DAYS)
    dates = ctx.parsed[column]
    outside = dates.notna() & ((dates < start - slack) | (dates > end + slack))
    for row, value in ctx.cells(column)[outside.fillna(False).astype(bool).to_numpy()].items():
        warn.add(int(row), column, value,
                 f"{column} is outside the programme's span ({start:%Y-%m-%d} to {end:%Y-%m-%d}, "
                 f"give or take {SPAN_SLACK_DAYS} days)",
                 "check the date; if the programme's dates changed, update schedule in program.yaml")
    return warn.frame()


KIND_CHECKS = {
    "participants": _check_participants,
    "roster": _check_roster,
    "assessments": _check_assessments,
}


# --- the typed frame -------------------------------------------------------------------


def _final(column: Column, parsed: pd.Series) -> pd.Series:
    """A parsed column in its documented dtype, defaults filled (only called on valid data)."""
    if column.type in (INT, GRADE):
        if column.default is not None:
            return parsed.fillna(column.default).astype("int64")
        return parsed.astype("int64") if column.required else parsed.astype("Int64")
    if column.type == BOOL:
        if column.default is not None:
            return parsed.where(parsed.notna(), column.default).astype(bool)
        return parsed.astype(bool) if column.required else parsed
    if column.type == FLOAT:
        return parsed.astype("float64")
    if column.type == DATE:
        return parsed.astype("datetime64[ns]")
    return parsed


def _assemble(ctx: _Check) -> pd.DataFrame:
    """Contract columns in contract order (grade_rank after grade), then the extra columns."""
    out: dict[str, pd.Series] = {}
    for column in ctx.kind.columns:
        if column.type == GRADE:
            out[column.name] = values.parse_text(ctx.cells(column.name)).values
            out["grade_rank"] = _final(column, ctx.grade_rank)
        else:
            out[column.name] = _final(column, ctx.parsed[column.name])
    for name in _extra_columns(ctx):
        out[name] = ctx.parsed[name] if name in ctx.items else values.parse_text(ctx.text[name]).values
    frame = pd.DataFrame(out, index=ctx.text.index)
    frame.index.name = "row"
    return frame
