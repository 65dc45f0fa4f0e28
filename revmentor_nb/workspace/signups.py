"""The sign-ups the design stage looks at, which may not be imported yet.

01_design runs before 02_match imports anything, so it reads the sign-ups from the workspace
when present, else straight from the file ``program.yaml`` names (read-only: nothing is
stored), else does without them and says so. Workshops use the seeded demo organisation.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pandas as pd

from revmentor_nb.errors import InputError
from revmentor_nb.workspace.workspace import Workspace


@dataclass(frozen=True)
class SignUps:
    """Sign-ups (or None) and a sentence saying where they came from, or why there are none."""

    frame: pd.DataFrame | None
    source: str


def _roster(ws: Workspace) -> pd.DataFrame | None:
    if ws.has("roster"):
        return ws.table("roster")
    path = ws.resolve_input("roster")
    if path is None or not path.exists():
        return None
    from revmentor_nb.io.load import load_roster

    try:
        return load_roster(path, grade_order=ws.design.grade_order)
    except InputError:
        return None  # 02_match reports the roster's problems; the design stage can do without it


def design_signups(ws: Workspace) -> SignUps:
    """The workspace's sign-ups, else those in the file program.yaml's ``inputs.participants`` names, else none."""
    if ws.has("participants"):
        frame = ws.table("participants")
        return SignUps(frame, f"{len(frame)} sign-ups imported into the workspace")
    source = ws.input_source("participants")
    if source is not None and not isinstance(source, str):
        return _mentor_match_signups(ws, source)
    path = ws.resolve_input("participants")
    if path is None:
        return SignUps(None, "No sign-ups yet: the sections that need them are skipped. Name the sign-ups file under "
                             "`inputs: {participants: FILE}` in program.yaml to see supply, demand and who goes "
                             "unmatched.")
    if not path.exists():
        return SignUps(None, f"No sign-ups yet: {path.name} (named in program.yaml) does not exist; "
                             "the sections that need sign-ups are skipped.")
    from revmentor_nb.io.load import load_participants

    try:
        frame = load_participants(path, roster=_roster(ws), grade_order=ws.design.grade_order)
    except InputError as err:
        return SignUps(None, f"{path.name} has {len(err.problems)} problem(s), listed by `revmentor validate "
                             f"participants {path.name}`; the sections that need sign-ups are skipped.")
    return SignUps(frame, f"{len(frame)} sign-ups read from {path.name} (not imported yet: 02_match imports them)")


def _mentor_match_signups(ws: Workspace, source: Any) -> SignUps:
    """Sign-ups read (not imported) from the mentor-match files program.yaml names."""
    from revmentor_nb.io.mentor_match import CIVIL_SERVICE_GRADES, read_mentor_match

    mentors, mentees = ws.path_in(source.mentors), ws.path_in(source.mentees)
    names = f"{mentors.name} + {mentees.name}"
    try:
        frame = read_mentor_match(mentors, mentees, grade_order=ws.design.grade_order or CIVIL_SERVICE_GRADES,
                                  capacity=source.capacity)
    except InputError as err:
        return SignUps(None, f"{names} have {len(err.problems)} problem(s), listed by `revmentor validate "
                             f"mentor-match {source.mentors} {source.mentees}`; the sections that need sign-ups "
                             "are skipped.")
    return SignUps(frame, f"{len(frame)} sign-ups read from {names} (mentor-match format; not imported yet: "
                          "02_match imports them)")

