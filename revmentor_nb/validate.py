"""`revmentor validate KIND FILE`: check one input file and say, in plain text, what to fix.

Returns (exit code, text) rather than printing, so the CLI, the notebooks and the tests
share it: 0 = valid, 1 = problems (or no such file), 2 = unknown kind.
"""
from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from .contract import KINDS
from .errors import InputError, format_problems
from .loaders import load, load_roster

PathLike = str | os.PathLike[str]


def validate_file(
    kind: str,
    path: PathLike,
    *,
    grade_order: Sequence[object] | None = None,
    roster: PathLike | None = None,
) -> tuple[int, str]:
    """Check ``path`` as an input of ``kind``; return (exit code, text to print).

    ``roster`` (optional) is an HR roster file: sign-ups' managers are then looked up in it
    too, and the roster's own problems are reported first if it has any.
    """
    if kind not in KINDS:
        return 2, f"unknown input kind '{kind}'; use one of: {', '.join(KINDS)}"
    try:
        people = load_roster(roster, grade_order=grade_order) if roster is not None else None
    except InputError as exc:
        return 1, problems_text(exc.problems, Path(roster).name)
    try:
        frame = load(kind, path, grade_order=grade_order, roster=people)
    except InputError as exc:
        return 1, problems_text(exc.problems, Path(path).name)
    return 0, summary(kind, frame, Path(path).name)


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
    parts = [f"{len(frame)} row{'s' if len(frame) != 1 else ''}"]
    if kind == "participants":
        counts = role_counts(frame)
        parts += [f"{counts['mentor']} mentors", f"{counts['mentee']} mentees", f"{counts['either']} either"]
    elif kind == "roster":
        parts.append(f"{frame['department'].nunique()} departments")
    blank = len(frame.attrs.get("blank_rows", []))
    tail = f" ({blank} blank row{'s' if blank != 1 else ''} skipped)" if blank else ""
    return f"{name}: {', '.join(parts)} — valid{tail}"
