"""Import the files a stage needs: given as notebook parameters, else as declared in program.yaml."""
from __future__ import annotations

from collections.abc import Iterable

import pandas as pd

from revmentor_nb.design.program import MentorMatchInput
from revmentor_nb.errors import InputError
from revmentor_nb.workspace.workspace import ImportRecord, Workspace


def import_declared(ws: Workspace, kinds: Iterable[str], overrides: dict[str, str | None] | None = None,
                    who: str | None = None) -> pd.DataFrame:
    """Import each kind from its parameter path or program.yaml's ``inputs``; one table of what happened.

    A kind declared as ``{format: mentor-match, mentors: FILE, mentees: FILE}`` is read from
    mentor-match's two files. Problems of every file are collected before anything is raised,
    so one run shows them all. Files already imported with the same content are left as they are.
    """
    overrides = overrides or {}
    rows, problems = [], []
    for kind in kinds:
        given = overrides.get(kind)
        source = ws.input_source(kind)
        two_files = isinstance(source, MentorMatchInput) and not given
        path = ws.path_in(given) if given else ws.resolve_input(kind)
        if path is None and not two_files:
            rows.append({"kind": kind, "file": "", "rows": ws.table(kind).shape[0] if ws.has(kind) else 0,
                         "status": "already in workspace" if ws.has(kind) else "not given"})
            continue
        shown = f"{source.mentors} + {source.mentees}" if two_files else str(path)
        try:
            rec = _import_one(ws, kind, source if two_files else path, who)
        except InputError as err:
            problems.append(err.problems)
            rows.append({"kind": kind, "file": shown, "rows": 0, "status": f"{len(err.problems)} problems"})
            continue
        status = "unchanged" if rec.already_current else "imported"
        if rec.warnings:
            status += (f"; {rec.warnings} row(s) dated outside the programme's span "
                       f"(check with `revmentor validate {kind} FILE --workspace WS`)")
        rows.append({"kind": kind, "file": rec.file_name, "rows": rec.rows, "status": status})
    if problems:
        raise InputError(pd.concat(problems, ignore_index=True))
    return pd.DataFrame(rows, columns=["kind", "file", "rows", "status"])


def _import_one(ws: Workspace, kind: str, source: object, who: str | None) -> ImportRecord:
    """Import one declared input: a single file, or mentor-match's two files."""
    if isinstance(source, MentorMatchInput):
        return ws.import_mentor_match(ws.path_in(source.mentors), ws.path_in(source.mentees), who,
                                      capacity=source.capacity)
    return ws.import_file(kind, source, who=who)
