"""`revmentor validate KIND FILE`: check one input file and say, in plain text, what to fix.

Returns (exit code, text) rather than printing, so the CLI, the notebooks and the tests
share it: 0 = valid, 1 = problems (or no such file), 2 = unknown kind or wrong number of files.
`revmentor validate mentor-match MENTORS MENTEES` checks sign-ups in mentor-match's two files.
"""
from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from pathlib import Path

import pandas as pd

from revmentor_nb.errors import InputError, ProblemLog, format_problems
from revmentor_nb.io import read as tables
from revmentor_nb.io.contract import KINDS
from revmentor_nb.io.load import load, load_roster
from revmentor_nb.io.markdown import plural
from revmentor_nb.io.mentor_match import (
    CIVIL_SERVICE_GRADES,
    DEFAULT_CAPACITY,
    looks_like_mentor_match,
    mentor_match_counts,
    mentor_match_side,
    read_mentor_match,
    read_mentor_match_file,
)
from revmentor_nb.io.mentor_match import (
    FORMAT as MENTOR_MATCH,
)

PathLike = str | os.PathLike[str]


def validate_file(
    kind: str,
    path: PathLike,
    *,
    grade_order: Sequence[object] | None = None,
    roster: PathLike | pd.DataFrame | None = None,
    span: tuple[object, object] | None = None,
    required: Mapping[str, tuple[str, str]] | None = None,
) -> tuple[int, str]:
    """Check ``path`` as an input of ``kind``; return (exit code, text to print).

    ``roster`` (optional) is an HR roster file, or a roster already loaded (a workspace's):
    sign-ups' managers are then looked up in it too, and a roster file's own problems are
    reported first if it has any. ``span`` (the programme's start and end) adds warnings for
    activity dated outside it; warnings never change the exit code. ``required`` (sign-ups):
    a programme's own required columns, each with the rule that needs it (``Workspace.requirements``).
    """
    if kind == MENTOR_MATCH:
        return validate_mentor_match([path], grade_order=grade_order)
    if kind not in KINDS:
        return 2, f"unknown input kind '{kind}'; use one of: {', '.join(KINDS)}, or {MENTOR_MATCH}"
    if kind == "participants":
        advice = _mentor_match_advice(path)
        if advice is not None:
            return 1, advice
    try:
        people = roster if isinstance(roster, pd.DataFrame) or roster is None else load_roster(
            roster, grade_order=grade_order)
    except InputError as exc:
        return 1, problems_text(exc.problems, Path(str(roster)).name)
    try:
        frame = load(kind, path, grade_order=grade_order, roster=people if kind != "roster" else None, span=span,
                     required=required if kind == "participants" else None)
    except InputError as exc:
        return 1, problems_text(exc.problems, Path(path).name)
    text = summary(kind, frame, Path(path).name)
    warnings = frame.attrs.get("warnings")
    if warnings is not None and len(warnings):
        n = len(warnings)
        text += f"\n{n} warning{'s' if n != 1 else ''} (the file is valid; check these):\n{format_problems(warnings)}"
    return 0, text


def problems_text(problems: pd.DataFrame, name: str) -> str:
    """Header line 'N problems in FILE' and the problems table."""
    n = len(problems)
    return f"{n} problem{'s' if n != 1 else ''} in {name}\n{format_problems(problems)}"


def role_counts(frame: pd.DataFrame) -> dict[str, int]:
    """How many participants signed up as each role."""
    counts = frame["role"].value_counts()
    return {role: int(counts.get(role, 0)) for role in ("mentor", "mentee", "either")}


def summary(kind: str, frame: pd.DataFrame, name: str) -> str:
    """One line saying what a valid file holds."""
    parts = [plural(len(frame), "row")]
    if kind == "participants":
        counts = role_counts(frame)
        parts += [plural(counts["mentor"], "mentor"), plural(counts["mentee"], "mentee"), f"{counts['either']} either"]
    elif kind == "roster":
        parts.append(plural(frame["department"].nunique(), "department"))
    blank = len(frame.attrs.get("blank_rows", []))
    tail = f" ({blank} blank row{'s' if blank != 1 else ''} skipped)" if blank else ""
    source = frame.attrs.get("source", {})
    sheets = source.get("sheets") or []
    if len(sheets) > 1:
        tail += f" (read from sheets {', '.join(repr(t) for t in sheets)})"
    skipped = source.get("sheets_not_read") or []
    if skipped:
        tail += (f" (sheet{'s' if len(skipped) != 1 else ''} {', '.join(repr(t) for t in skipped)} not read: "
                 f"no {kind} headers)")
    return f"{name}: {', '.join(parts)} — valid{tail}"


def validate_mentor_match(
    paths: Sequence[PathLike],
    *,
    grade_order: Sequence[str] | None = None,
    capacity: int = DEFAULT_CAPACITY,
) -> tuple[int, str]:
    """Check mentor-match sign-ups (mentors then mentees file, or one file alone); return (exit code, text).

    One file is checked as whichever half its headers show. ``grade_order`` defaults to the
    civil-service grades (AA junior ... SCS4 senior).
    """
    order = list(grade_order or CIVIL_SERVICE_GRADES)
    if len(paths) not in (1, 2):
        return 2, (f"mentor-match takes the mentors file and the mentees file (or one of them), not {len(paths)} files;"
                   " e.g. revmentor validate mentor-match mentors.csv mentees.csv")
    names = " and ".join(Path(p).name for p in paths)
    try:
        if len(paths) == 1:
            frame = read_mentor_match_file(paths[0], grade_order=order, capacity=capacity)
        else:
            frame = read_mentor_match(paths[0], paths[1], grade_order=order, capacity=capacity)
    except InputError as exc:
        return 1, problems_text(exc.problems, names)
    return 0, mentor_match_summary(frame, names)


def mentor_match_summary(frame: pd.DataFrame, name: str) -> str:
    """One line saying what valid mentor-match sign-ups hold (an either person counts as mentor and mentee)."""
    n = mentor_match_counts(frame)
    blank = sum(len(rows) for rows in frame.attrs.get("blank_rows", {}).values())
    tail = f" ({blank} blank row{'s' if blank != 1 else ''} skipped)" if blank else ""
    return (f"{name}: {plural(n['mentors'], 'mentor')}, {plural(n['mentees'], 'mentee')}, {n['both_role']} both-role, "
            f"{n['opted_in']} opted in to identity matching — valid{tail}")


def _mentor_match_advice(path: PathLike) -> str | None:
    """When a 'participants' file is one of mentor-match's, the command that validates it; else None."""
    cells = tables.read_cells(path, ProblemLog(Path(path).name))
    if cells is None or not looks_like_mentor_match(cells.headers):
        return None
    path = Path(path)
    side = mentor_match_side(cells.headers)
    pair = {"mentors": ("mentor", "mentee"), "mentees": ("mentee", "mentor")}.get(side or "", ("", ""))
    sibling = path.with_name(path.name.replace(*pair)) if side and pair[0] in path.name else None
    other = str(sibling) if sibling is not None and sibling != path and sibling.is_file() else f"{pair[1].upper()}S.csv"
    both = ([str(path), other] if side == "mentors" else [other, str(path)]) if side else ["MENTORS.csv", "MENTEES.csv"]
    what = f"mentor-match's {side} file" if side else "in mentor-match's sign-up format"
    return (f"{path.name} is {what}, not a participants file of the data contract "
            f"(it has no person_id, name or role columns).\n"
            f"Validate it with:  revmentor validate mentor-match {both[0]} {both[1]}\n"
            f"or this file alone: revmentor validate mentor-match {path}")
