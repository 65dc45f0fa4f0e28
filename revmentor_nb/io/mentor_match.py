"""Read sign-ups in mentor-match's format (a mentors file and a mentees file) as contract participants.

mentor-match (github.com/jonodrew/mentor-match, 7.0.1) is the open-source matcher a large
civil-service mentoring scheme uses. Its input is two CSV files with the same leading columns
(first name, last name, email address, both mentor and mentee, job title, grade, organisation,
profession), then, for mentees, "match with similar identity" and "identity to match", and for
mentors "characteristics" (a comma list), and a free-text biography. There is no id column: the
e-mail address is the key, so a person who signed up in both files becomes one ``either`` row.

Files are read with the project's own reader (``tables``: encodings, delimiters, .xlsx, true
spreadsheet row numbers), every problem of both files is collected before anything is raised,
and no row is ever dropped: each input row is one output row, or half of one ``either`` row.
"""
from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pandas as pd

from revmentor_nb.errors import InputError, ProblemLog, quoted
from revmentor_nb.io import parse as values
from revmentor_nb.io import read as tables
from revmentor_nb.io.contract import (
    BOOL,
    EMAIL,
    GRADE,
    INT,
    LIST,
    PARTICIPANTS,
    TEXT,
    Column,
    Kind,
)
from revmentor_nb.io.load import _final as _contract_dtype

PathLike = str | os.PathLike[str]
Side = Literal["mentors", "mentees"]

FORMAT = "mentor-match"
CIVIL_SERVICE_GRADES: tuple[str, ...] = (
    "AA", "AO", "EO", "HEO", "SEO", "Grade 7", "Grade 6", "SCS1", "SCS2", "SCS3", "SCS4",
)
DEFAULT_CAPACITY = 3
SETTINGS_FILE = "(settings)"  # the ``file`` of problems with the arguments rather than a file

# The columns of each file under mentor-match's own header text (what problems name).
FIRST, LAST, EMAIL_ADDRESS, BOTH = "first name", "last name", "email address", "both mentor and mentee"
JOB, GRADE_COL, ORG, PROFESSION = "job title", "grade", "organisation", "profession"
CHARACTERISTICS, OPT_IN, IDENTITY, BIOGRAPHY = (
    "characteristics", "match with similar identity", "identity to match", "biography")

_COMMON = (
    Column(FIRST, TEXT, True, aliases=("firstname", "forename", "given name")),
    Column(LAST, TEXT, True, aliases=("lastname", "surname", "family name")),
    Column(EMAIL_ADDRESS, EMAIL, True, aliases=("email", "e-mail", "e-mail address")),
    Column(BOTH, BOOL, True, aliases=("both", "both mentor & mentee", "mentor and mentee")),
    Column(JOB, TEXT, True, aliases=("job", "role title", "job role")),
    Column(GRADE_COL, GRADE, True, aliases=("pay grade", "band")),
    Column(ORG, TEXT, True, aliases=("organization", "department")),
    Column(PROFESSION, TEXT, True, aliases=("profession family",)),
)
MENTORS_FILE = Kind(
    "mentor-match mentors",
    _COMMON + (Column(CHARACTERISTICS, LIST, True, aliases=("characteristic",), sensitive=True),
               Column(BIOGRAPHY, TEXT, aliases=("bio",), sensitive=True)),
    key=(EMAIL_ADDRESS,),
    doc="mentor-match's mentors.csv",
)
MENTEES_FILE = Kind(
    "mentor-match mentees",
    _COMMON + (Column(OPT_IN, BOOL, True, aliases=("match similar identity",)),
               Column(IDENTITY, TEXT, True, aliases=("identity",), sensitive=True),
               Column(BIOGRAPHY, TEXT, aliases=("bio",), sensitive=True)),
    key=(EMAIL_ADDRESS,),
    doc="mentor-match's mentees.csv",
)
FILE_KINDS: dict[str, Kind] = {"mentors": MENTORS_FILE, "mentees": MENTEES_FILE}
_SIDE_COLUMNS = {"mentors": (CHARACTERISTICS,), "mentees": (OPT_IN, IDENTITY)}
_DISTINCTIVE = (FIRST, LAST, EMAIL_ADDRESS, BOTH)

YES_NO_FIX = "use yes or no (y/n, true/false and 1/0 also work); a blank cell counts as no"
EXTRAS = ("organisation", "job_title", "both", "source_file", "source_row")


# --- which file is which -----------------------------------------------------------------


def _header_keys(headers: Sequence[str]) -> set[str]:
    """The headers as compared, with each mentor-match alias replaced by its column's header."""
    keys = {tables.normalise_header(h) for h in headers}
    out = set(keys)
    for kind in FILE_KINDS.values():
        for column in kind.columns:
            if any(tables.normalise_header(a) in keys for a in (column.name, *column.aliases)):
                out.add(column.name)
    return out


def mentor_match_side(headers: Sequence[str]) -> Side | None:
    """Which half of a mentor-match sign-up a file is, from its headers: 'mentors', 'mentees' or None."""
    keys = _header_keys(headers)
    if len(keys & set(_DISTINCTIVE)) < 2:
        return None
    mentors = any(c in keys for c in _SIDE_COLUMNS["mentors"])
    mentees = any(c in keys for c in _SIDE_COLUMNS["mentees"])
    if mentors == mentees:
        return None
    return "mentors" if mentors else "mentees"


def looks_like_mentor_match(headers: Sequence[str]) -> bool:
    """Whether headers are mentor-match's (so a person can be pointed to the right reader)."""
    keys = _header_keys(headers)
    if {"person id", "person_id"} & keys:
        return False
    return mentor_match_side(headers) is not None or len(keys & set(_DISTINCTIVE)) >= 3


# --- one file ----------------------------------------------------------------------------


@dataclass
class _Half:
    """One file read: its typed rows (index = spreadsheet row) and where they came from."""

    side: Side
    file: str
    rows: pd.DataFrame
    blank_rows: list[int] = field(default_factory=list)
    source: dict[str, object] = field(default_factory=dict)


def _cell_text(text: pd.DataFrame, column: str) -> pd.Series:
    """A column's trimmed cells ('' everywhere when the file lacks it)."""
    if column in text.columns:
        return text[column].fillna("").astype(object)
    return pd.Series("", index=text.index, dtype=object)


def split_characteristics(cell: object) -> list[str]:
    """Items of a mentor-match list cell: ',' (or ';') separated, trimmed, blanks and repeats dropped."""
    if not isinstance(cell, str) or not cell.strip():
        return []
    return values.split_list(cell.replace(",", values.LIST_SEPARATOR))


def _log_mask(log: ProblemLog, cells: pd.Series, mask: pd.Series, column: str, problem: str, fix: str) -> None:
    """One problem per cell where ``mask`` is True; ``{value}`` in ``problem`` is the cell."""
    for row, value in cells[mask.to_numpy(dtype=bool)].items():
        log.add(int(row), column, value, problem.format(value=quoted(value)), fix)



def _missing_columns(kind: Kind, text: pd.DataFrame, match: tables.HeaderMatch, headers: list[str],
                     log: ProblemLog) -> None:
    """One problem per required column the file lacks, naming the closest header found."""
    unused = [h for h in headers if h not in match.mapping]
    for column in kind.required:
        if column in text.columns:
            continue
        if column in match.ambiguous:
            shown = " and ".join(f"'{h}'" for h in match.ambiguous[column])
            fix = f"rename one of {shown} to '{column}' (more than one could be it)"
        else:
            closest = tables.closest_header(column, kind, unused)
            found = ", ".join(f"'{quoted(h, 30)}'" for h in unused[:6]) or "none"
            fix = (f"add a '{column}' column (closest header found: '{closest}')" if closest is not None
                   else f"add a '{column}' column (other headers found: {found})")
        log.add(None, column, "", f"required column '{column}' is missing", fix)


def _read_half(path: PathLike, side: Side, log: ProblemLog, order: Sequence[str] | None) -> _Half | None:
    """Read and check one mentor-match file; its typed rows, or None when it cannot be read at all."""
    cells = tables.read_cells(path, log)
    if cells is None:
        return None
    other = mentor_match_side(cells.headers)
    if other is not None and other != side:
        log.add(None, None, Path(path).name, f"this is a mentor-match {other} file, but it was given as the {side} file",
                "give the mentors file first and the mentees file second (the two seem swapped)")
        return None
    kind = FILE_KINDS[side]
    text, match = tables.named_frame(cells, kind, None, log)
    _missing_columns(kind, text, match, cells.headers, log)
    rows = _check_rows(text, side, log, order)
    return _Half(side, Path(path).name, rows, list(cells.blank_rows), dict(cells.source))


def _check_rows(text: pd.DataFrame, side: Side, log: ProblemLog, order: Sequence[str] | None) -> pd.DataFrame:
    """Every per-row rule of one file; the parsed values by spreadsheet row."""
    has = set(text.columns)
    out = pd.DataFrame(index=text.index)
    # e-mail: the person's id, so blank, malformed and repeated addresses are all problems
    email = _cell_text(text, EMAIL_ADDRESS)
    if EMAIL_ADDRESS in has:
        empty = values.blank(email)
        _log_mask(log, email, empty, EMAIL_ADDRESS, "email address is blank",
                  "fill in the person's e-mail address: it is their id in the programme")
        parsed = values.parse_email(email)
        _log_mask(log, email, parsed.bad, EMAIL_ADDRESS, "'{value}' is not a well-formed e-mail address",
                  "correct it to the form name@example.gov.uk")
        ok = ~empty & ~parsed.bad
        key = email.str.casefold().where(ok, None)
        repeated = key.notna() & key.duplicated(keep="first")
        if repeated.any():
            first_row = pd.Series(key.index, index=key.index)[key.notna()].groupby(key[key.notna()]).transform("min")
            for row in key.index[repeated.to_numpy(dtype=bool)]:
                log.add(int(row), EMAIL_ADDRESS, email[row],
                        f"e-mail '{quoted(email[row])}' is repeated (first on row {int(first_row[row])}; "
                        "e-mails compare ignoring case)",
                        "keep one row per person in this file: delete or merge this row, or correct the address")
        out["key"] = key.where(~repeated, None)
    else:
        out["key"] = None
    out["email"] = email
    first, last = _cell_text(text, FIRST), _cell_text(text, LAST)
    out["name"] = (first + " " + last).str.strip()
    if FIRST in has or LAST in has:
        nameless = values.blank(first) & values.blank(last)
        shown = FIRST if FIRST in has else LAST
        _log_mask(log, first if shown == FIRST else last, nameless, shown, "first name and last name are both blank",
                  "fill in the person's name")
    out["both"] = _yes_no(text, BOTH, log)
    out["job_title"] = _cell_text(text, JOB)
    out["profession"] = _cell_text(text, PROFESSION)
    organisation = _cell_text(text, ORG)
    if ORG in has:
        _log_mask(log, organisation, values.blank(organisation), ORG, "organisation is blank",
                  "fill in the person's organisation (it is their department in the programme)")
    out["organisation"] = organisation
    grade = _cell_text(text, GRADE_COL)
    out["grade"] = grade
    out["grade_rank"] = _grade_ranks(grade, GRADE_COL in has, order, log)
    if side == "mentors":
        out["characteristics"] = _cell_text(text, CHARACTERISTICS).map(split_characteristics).astype(object)
    else:
        out["identity_opt_in"] = _yes_no(text, OPT_IN, log)
        out["identity"] = _cell_text(text, IDENTITY).map(lambda c: [c] if c else []).astype(object)
    out["biography"] = _cell_text(text, BIOGRAPHY)
    return out


def _yes_no(text: pd.DataFrame, column: str, log: ProblemLog) -> pd.Series:
    """A yes/no column as bool (blank = no); each cell that is neither is a problem."""
    cells = _cell_text(text, column)
    parsed = values.parse_bool(cells)
    _log_mask(log, cells, parsed.bad, column, "'{value}' is not yes or no", YES_NO_FIX)
    return parsed.values.map(lambda v: v is True).astype(bool)


def _grade_ranks(grade: pd.Series, present: bool, order: Sequence[str] | None, log: ProblemLog) -> pd.Series:
    """Grade ranks (1 = first of ``order``); blank grades and grades not in the order are problems."""
    if not present or not order:
        return pd.Series(pd.NA, index=grade.index, dtype="Int64")
    fix = f"use one of: {', '.join(order)} (as ordered in grade_order, junior first)"
    _log_mask(log, grade, values.blank(grade), GRADE_COL, "grade is blank", fix)
    parsed = values.parse_grade(grade, order)
    _log_mask(log, grade, parsed.bad, GRADE_COL, "grade '{value}' is not in the grade order", fix)
    return parsed.values


# --- both files --------------------------------------------------------------------------


def _check_settings(capacity: object, grade_order: Sequence[object] | None, log: ProblemLog) -> list[str] | None:
    """Problems of the arguments themselves; the grade order as text, or None when it is unusable."""
    if isinstance(capacity, bool) or not isinstance(capacity, (int, np.integer)) or capacity < 1:
        log.add(None, "capacity", capacity, f"capacity must be a whole number of 1 or more, not {capacity!r}",
                "give capacity as 1 or more: the most pairs a person takes on each side (mentor-match uses 3)")
    if grade_order is None or len(grade_order) == 0:
        log.add(None, "grade_order", "", "no grade order is given",
                f"give grade_order junior first (e.g. the civil-service one: {', '.join(CIVIL_SERVICE_GRADES)})")
        return None
    order = [str(g).strip() for g in grade_order]
    try:
        values.grade_ranks(order)
    except ValueError as exc:
        log.add(None, "grade_order", ", ".join(order)[:80], str(exc), "list each grade once, junior first")
        return None
    return order


def _norm(text: object) -> str:
    """Text as compared across the two files: spaces collapsed, case ignored."""
    return " ".join(str(text).split()).casefold()


def _check_either(mentors: _Half, mentees: _Half, log: ProblemLog) -> dict[str, tuple[int, int]]:
    """People in both files: key -> (mentors row, mentees row); disagreeing grade or organisation is a problem."""
    m_rows = {k: int(r) for r, k in mentors.rows["key"].items() if k is not None}
    both: dict[str, tuple[int, int]] = {}
    for row, key in mentees.rows["key"].items():
        if key is None or key not in m_rows:
            continue
        m_row = m_rows[key]
        both[key] = (m_row, int(row))
        for column, what in ((GRADE_COL, "grade"), (ORG, "organisation")):
            mine, theirs = mentees.rows.at[row, what], mentors.rows.at[m_row, what]
            if mine and theirs and _norm(mine) != _norm(theirs):
                log.add(int(row), column, mine,
                        f"this person is also in {mentors.file} (row {m_row}) with {what} '{quoted(theirs)}'",
                        f"make the two sign-ups give the same {what} (one person has one {what})")
    return both


def _out_row(row: Mapping[str, Any], *, role: str, file: str, source_row: int, capacity: int,
             mentee: Mapping[str, Any] | None = None) -> dict[str, object]:
    """One participant from a mentors row, a mentees row, or (``mentee`` given) both."""
    is_mentor, is_mentee = role in ("mentor", "either"), role in ("mentee", "either")
    side = mentee if mentee is not None else row
    biography = "\n\n".join(dict.fromkeys(b for b in (row["biography"], side["biography"]) if b))
    return {
        "person_id": row["email"], "name": row["name"], "email": row["email"], "role": role,
        "department": row["organisation"], "grade": row["grade"], "grade_rank": row["grade_rank"],
        "capacity": capacity * (2 if role == "either" else 1),
        "mentor_capacity": capacity if is_mentor else 0, "mentee_capacity": capacity if is_mentee else 0,
        "profession": row["profession"],
        "characteristics": list(row["characteristics"]) if is_mentor else [],
        "identity": list(side["identity"]) if is_mentee else [],
        "identity_opt_in": bool(side["identity_opt_in"]) if is_mentee else False,
        "consent": True,
        "organisation": row["organisation"], "job_title": row["job_title"], "both": bool(row["both"]),
        "source_file": file, "source_row": source_row, "biography": biography,
    }


def _assemble(records: list[dict[str, object]], keep_biography: bool) -> pd.DataFrame:
    """Contract columns in contract order (dtypes as the loader gives them), then the mentor-match extras."""
    raw = pd.DataFrame.from_records(records, columns=list(records[0]) if records else None)
    index = pd.Index(np.asarray([r["source_row"] for r in records], dtype=np.int64), name="row")
    n = len(records)
    blank = pd.Series([""] * n, index=index, dtype=object)

    def text(column: str) -> pd.Series:
        cells = pd.Series(raw[column].to_numpy(dtype=object), index=index, dtype=object) if column in raw else blank
        return values.parse_text(cells.fillna("").astype(object)).values

    def given(column: str, dtype: object = object) -> pd.Series:
        return pd.Series(raw[column].to_numpy(dtype=object) if n else [], index=index, dtype=dtype)

    out: dict[str, pd.Series] = {}
    for column in PARTICIPANTS.columns:
        name = column.name
        if column.type == GRADE:
            out[name] = text(name)
            out["grade_rank"] = _contract_dtype(column, given("grade_rank", "Int64"))
        elif name in ("offers", "wants", "interests", "preferences") or (column.type == LIST and name not in raw):
            out[name] = values.parse_list(blank).values
        elif column.type == LIST:
            out[name] = given(name)
        elif column.type == INT and name in raw:
            out[name] = _contract_dtype(column, given(name, "Int64"))
        elif column.type == BOOL and name in raw:
            out[name] = _contract_dtype(column, given(name))
        elif name == "role":
            out[name] = values.parse_enum(text(name).fillna(""), column.choices).values
        elif column.type in (TEXT, EMAIL) and name in raw:
            out[name] = values.parse_text(given(name).fillna("").astype(object)).values
        else:  # a contract column mentor-match has no data for: blank, default applied
            out[name] = _contract_dtype(column, values.PARSERS.get(column.type, values.parse_text)(blank).values)
    out["organisation"] = text("organisation")
    out["job_title"] = text("job_title")
    out["both"] = given("both", bool) if n else pd.Series([], index=index, dtype=bool)
    out["source_file"] = pd.Series(given("source_file").to_numpy(), index=index, dtype="str")
    out["source_row"] = pd.Series(index.to_numpy(), index=index, dtype="int64")
    if keep_biography:
        out["biography"] = text("biography")
    return pd.DataFrame(out, index=index)


def read_mentor_match(
    mentors_csv: PathLike | None,
    mentees_csv: PathLike | None,
    *,
    grade_order: Sequence[str] = CIVIL_SERVICE_GRADES,
    capacity: int = DEFAULT_CAPACITY,
    keep_biography: bool = False,
) -> pd.DataFrame:
    """Read mentor-match's mentors and mentees files as one participants frame, or raise InputError.

    Why: a scheme that already runs mentor-match can bring its sign-ups as they are. The
    e-mail (trimmed; compared ignoring case) is ``person_id``; a person in both files is one
    ``either`` row (shared and mentor-side fields from the mentors file, identity fields from
    the mentees file, ``capacity`` on each side, twice it in all). Signing up is taken as
    consent to be matched. ``grade_rank`` is the position in ``grade_order`` (1 = most junior).

    The biography column is dropped unless ``keep_biography``: it is free text that repeats
    the person's sensitive characteristics (sexuality, gender identity), which may only be
    used in aggregate or as the mentee's opt-in matching preference.

    Either file may be None to read one half. Every problem of both files (missing columns,
    blank, malformed or repeated e-mails, unknown grades, yes/no cells that are neither, a
    person whose two sign-ups disagree on grade or organisation, a capacity below 1) is
    collected into one InputError whose ``problems`` name file, spreadsheet row and column.
    """
    if mentors_csv is None and mentees_csv is None:
        raise ValueError("read_mentor_match needs the mentors file, the mentees file, or both")
    settings = ProblemLog(SETTINGS_FILE)
    order = _check_settings(capacity, grade_order, settings)
    logs: list[ProblemLog] = [settings]
    halves: dict[str, _Half | None] = {}
    for side, path in (("mentors", mentors_csv), ("mentees", mentees_csv)):
        if path is None:
            continue
        log = ProblemLog(Path(path).name)
        logs.append(log)
        halves[side] = _read_half(path, side, log, order)
    mentors, mentees = halves.get("mentors"), halves.get("mentees")
    both: dict[str, tuple[int, int]] = {}
    if mentors is not None and mentees is not None:
        both = _check_either(mentors, mentees, logs[-1])
    problems = [log.frame() for log in logs if len(log)]
    if problems:
        raise InputError(pd.concat(problems, ignore_index=True))
    cap = int(capacity)
    merged_rows = {e_row for _, e_row in both.values()}
    records: list[dict[str, object]] = []
    if mentors is not None:
        mentee_at = mentees.rows if mentees is not None else None
        for row, data in zip(mentors.rows.index, mentors.rows.to_dict("records")):  # dicts: 10x faster than rows
            pair = both.get(data["key"])
            if pair is not None and mentee_at is not None:
                records.append(_out_row(data, role="either", file=mentors.file, source_row=int(row), capacity=cap,
                                        mentee=mentee_at.loc[pair[1]].to_dict()))
            else:
                records.append(_out_row(data, role="mentor", file=mentors.file, source_row=int(row), capacity=cap))
    if mentees is not None:
        for row, data in zip(mentees.rows.index, mentees.rows.to_dict("records")):
            if int(row) not in merged_rows:
                records.append(_out_row(data, role="mentee", file=mentees.file, source_row=int(row), capacity=cap))
    frame = _assemble(records, keep_biography)
    present = [h for h in (mentors, mentees) if h is not None]
    frame.attrs.update({
        "kind": "participants", "format": FORMAT, "file": " + ".join(h.file for h in present),
        "files": {h.side: h.file for h in present}, "grade_order": list(order or []), "capacity": cap,
        "blank_rows": {h.file: h.blank_rows for h in present}, "source": {h.file: h.source for h in present},
        "either_rows": {str(mentors.rows.at[m, "email"]): {"mentors_row": m, "mentees_row": e}
                        for m, e in sorted(both.values())} if mentors is not None else {},
    })
    return frame


def read_mentor_match_file(path: PathLike, **kwargs: object) -> pd.DataFrame:
    """Read one mentor-match file as whichever half (mentors or mentees) its headers show."""
    log = ProblemLog(Path(path).name)
    cells = tables.read_cells(path, log)
    if cells is None:
        raise InputError(log.frame())
    side = mentor_match_side(cells.headers)
    if side is None:
        log.add(None, None, Path(path).name, "the headers are not those of a mentor-match mentors or mentees file",
                f"a mentors file has a '{CHARACTERISTICS}' column; a mentees file has '{OPT_IN}' and '{IDENTITY}'")
        raise InputError(log.frame())
    if side == "mentors":
        return read_mentor_match(path, None, **kwargs)  # type: ignore[arg-type]
    return read_mentor_match(None, path, **kwargs)  # type: ignore[arg-type]


def mentor_match_counts(frame: pd.DataFrame) -> dict[str, int]:
    """Mentors, mentees (an either row counts in both), both-role people and identity opt-ins of a read frame."""
    role = frame["role"]
    return {
        "mentors": int(role.isin(["mentor", "either"]).sum()),
        "mentees": int(role.isin(["mentee", "either"]).sum()),
        "both_role": int((role == "either").sum()),
        "opted_in": int(frame["identity_opt_in"].sum()),
    }
