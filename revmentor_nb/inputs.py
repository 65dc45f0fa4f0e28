"""Import the files a stage needs: given as notebook parameters, else as declared in program.yaml."""
from __future__ import annotations

from collections.abc import Iterable

import pandas as pd

from .errors import InputError
from .workspace import Workspace


def import_declared(ws: Workspace, kinds: Iterable[str], overrides: dict[str, str | None] | None = None,
                    who: str | None = None) -> pd.DataFrame:
    """Import each kind from its parameter path or program.yaml's ``inputs``; one table of what happened.

    Problems of every file are collected before anything is raised, so one run shows them all.
    Files already imported with the same content are left as they are.
    """
    overrides = overrides or {}
    rows, problems = [], []
    for kind in kinds:
        given = overrides.get(kind)
        path = (ws.root / given if given and not str(given).startswith("/") else given) if given else ws.resolve_input(kind)
        if path is None:
            rows.append({"kind": kind, "file": "", "rows": ws.table(kind).shape[0] if ws.has(kind) else 0,
                         "status": "already in workspace" if ws.has(kind) else "not given"})
            continue
        try:
            rec = ws.import_file(kind, path, who=who)
        except InputError as err:
            problems.append(err.problems)
            rows.append({"kind": kind, "file": str(path), "rows": 0, "status": f"{len(err.problems)} problems"})
            continue
        rows.append({"kind": kind, "file": rec.file_name, "rows": rec.rows,
                     "status": "unchanged" if rec.already_current else "imported"})
    if problems:
        raise InputError(pd.concat(problems, ignore_index=True))
    return pd.DataFrame(rows, columns=["kind", "file", "rows", "status"])
