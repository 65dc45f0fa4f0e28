"""Sign-ups from form exports: one or more files, each read through its FileSpec, validated as one table.

The steps the import wizard shows, as plain functions for headless runs:
``read_cells`` (the file as text) -> ``prepare`` (headers mapped, grid questions turned into
ordered lists, role and constant columns added, ids made) -> ``check_signups`` (the
loader's validation per file, plus ids repeated across files) -> ``import_signups`` (store
in the workspace only when clean, keep a copy of each file, save each spec for next time).
"""
from __future__ import annotations

import os
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from revmentor_nb.errors import PROBLEM_COLUMNS, InputError, ProblemLog
from revmentor_nb.fileio import content_hash, private_copy
from revmentor_nb.io import read as tables
from revmentor_nb.io.grid import as_list_text, find_grids, grid_lists
from revmentor_nb.io.load import Required, validate_frame
from revmentor_nb.io.mapping import FileSpec, find_saved_spec, save_spec, suggest_spec
from revmentor_nb.io.read import normalise_header

if TYPE_CHECKING:
    from revmentor_nb.workspace.workspace import ImportRecord, Workspace

PathLike = str | os.PathLike[str]
SOURCE_COLUMN = "source_file"


@dataclass(frozen=True)
class Prepared:
    """One file made ready for validation: text cells named for the contract, and the problems met so far."""

    file: str
    headers: list[str]
    text: pd.DataFrame  # index = spreadsheet row ("row"); headers kept, generated columns by contract name
    mapping: dict[str, str | None]
    problems: pd.DataFrame


def read_cells(path: PathLike) -> tables.Cells:
    """A file's header and text cells (raises InputError when the file cannot be read at all)."""
    log = ProblemLog(Path(path).name)
    cells = tables.read_cells(path, log)
    if cells is None:
        raise InputError(log.frame())
    return cells


def cells_frame(cells: tables.Cells) -> pd.DataFrame:
    """The text cells as a DataFrame with the file's headers (repeated headers made unique by position)."""
    body = cells.body.copy()
    body.columns = _unique(cells.headers)
    return body


def _unique(headers: Sequence[str]) -> list[str]:
    seen: dict[str, int] = {}
    out = []
    for h in headers:
        n = seen.get(h, 0)
        seen[h] = n + 1
        out.append(h if n == 0 else f"{h} ({n + 1})")
    return out


def slug_ids(texts: pd.Series) -> pd.Series:
    """Stable ids from text (names, e-mails): accents folded, lower-case, non-alphanumerics as '-'; '' when blank."""
    def one(text: object) -> str:
        folded = unicodedata.normalize("NFKD", str(text or "")).encode("ascii", "ignore").decode()
        return re.sub(r"[^a-z0-9@._]+", "-", folded.casefold()).strip("-.")
    return texts.fillna("").map(one)


def prepare(cells: tables.Cells, spec: FileSpec, file: str) -> Prepared:
    """Apply ``spec`` to a file's cells: grids -> lists, role/constants/ids added, ready for ``validate_frame``."""
    log = ProblemLog(file)
    body = cells_frame(cells)
    headers = list(body.columns)
    grids = find_grids(headers) if spec.kind == "participants" else []
    in_grid = {h for g in grids for h in g.headers}
    text = body[[h for h in headers if h not in in_grid and h not in spec.ignored]].copy()
    mapping: dict[str, str | None] = {h: (spec.mapping.get(h) or None) for h in text.columns if h in spec.mapping}
    lists: dict[str, list[pd.Series]] = {}
    for g in grids:
        target = spec.grids.get(g.question)
        if target:
            lists.setdefault(target, []).append(grid_lists(body, g, log))
    generated: dict[str, pd.Series] = {}
    for target, parts in lists.items():
        own = [h for h, c in mapping.items() if c == target]
        if own:  # a plain column of the same list goes first
            parts = [text[own[0]].map(lambda v: [x.strip() for x in str(v).split(";") if x.strip()]), *parts]
            mapping[own[0]] = None
        merged = pd.Series([_merge(items) for items in zip(*parts)], index=body.index, dtype=object)
        generated[target] = merged.map(as_list_text)
    if spec.role:
        generated["role"] = pd.Series(spec.role, index=body.index, dtype=object)
    if spec.id_from and "person_id" not in mapping.values():
        source = _column_text(text, mapping, spec.id_from)
        if source is None:
            log.add(None, "person_id", "", f"ids are to be made from '{spec.id_from}', but no column maps to it",
                    f"map a column to {spec.id_from}, or map the file's id column to person_id")
        else:
            generated["person_id"] = slug_ids(source)
    supplied = {c for c in mapping.values() if c} | set(generated)
    for column, value in spec.constants.items():
        if str(value).strip() and column not in supplied:
            generated[column] = pd.Series(str(value).strip(), index=body.index, dtype=object)
    for column, values in generated.items():  # a generated column replaces any header that would read as it
        for h in [h for h in text.columns if normalise_header(h) == column or mapping.get(h) == column]:
            text = text.drop(columns=h)
            mapping.pop(h, None)
        text[column] = values
        mapping[column] = column
    text.index = pd.Index(body.index.to_numpy(), name="row")
    return Prepared(file, headers, text, mapping, log.frame())


def grade_values(path: PathLike, spec: FileSpec) -> list[str]:
    """The distinct grades a file holds (through ``spec``), in natural order: a first guess at a grade order."""
    cells = read_cells(path)
    body = cells_frame(cells)
    heads = [h for h, c in spec.mapping.items() if c == "grade" and h in body.columns and h not in spec.ignored]
    heads += [h for h in body.columns if normalise_header(h) == "grade" and h not in spec.mapping]
    if heads:
        seen = body[heads[0]]
    elif str(spec.constants.get("grade", "")).strip():
        seen = pd.Series([spec.constants["grade"]])
    else:
        return []
    found = {str(v).strip() for v in seen if str(v).strip()}

    def natural(text: str) -> list[object]:
        return [(0, int(t), "") if t.isdigit() else (1, 0, t.casefold()) for t in re.split(r"(\d+)", text) if t]
    return sorted(found, key=natural)


def _merge(parts: Sequence[list[str]]) -> list[str]:
    seen: set[str] = set()
    out = []
    for items in parts:
        for item in items:
            if item.casefold() not in seen:
                seen.add(item.casefold())
                out.append(item)
    return out


def _column_text(text: pd.DataFrame, mapping: dict[str, str | None], column: str) -> pd.Series | None:
    """The text of the header mapped (or named) as ``column``."""
    for h in text.columns:
        if mapping.get(h) == column or (h not in mapping and normalise_header(h) == column):
            return text[h]
    return None


def check_file(path: PathLike, spec: FileSpec, *, grade_order: Sequence[object] | None = None,
               roster: pd.DataFrame | None = None, participants: pd.DataFrame | None = None,
               required: Required = None) -> tuple[pd.DataFrame | None, pd.DataFrame]:
    """Validate one file of any kind through ``spec``: (typed frame or None, every problem).

    ``required`` (sign-ups): the programme's own required columns, column -> what needs it.
    """
    name = Path(path).name
    try:
        cells = read_cells(path)
    except InputError as err:
        return None, err.problems
    prepared = prepare(cells, spec, name)
    try:
        frame = validate_frame(spec.kind, prepared.text, file=name, mapping=prepared.mapping, roster=roster,
                               grade_order=grade_order, participants=participants,
                               required=required if spec.kind == "participants" else None)
    except InputError as err:
        return None, _problems(prepared.problems, err.problems)
    if len(prepared.problems):
        return None, prepared.problems
    frame[SOURCE_COLUMN] = pd.Series(name, index=frame.index, dtype="str")
    frame.attrs["spec"] = spec.to_dict()
    return frame, prepared.problems


def _problems(*frames: pd.DataFrame) -> pd.DataFrame:
    parts = [f for f in frames if f is not None and len(f)]
    if not parts:
        return pd.DataFrame(columns=PROBLEM_COLUMNS)
    out = pd.concat(parts, ignore_index=True)
    out["row"] = out["row"].astype("Int64")
    return out.sort_values(["file", "row", "column"], na_position="first", kind="stable").reset_index(drop=True)


def check_signups(files: Sequence[tuple[PathLike, FileSpec]], *, grade_order: Sequence[object] | None = None,
                  roster: pd.DataFrame | None = None,
                  required: Required = None) -> tuple[pd.DataFrame | None, pd.DataFrame]:
    """Validate several sign-up files as one participants table: (table or None, every problem of every file)."""
    frames, problems = [], []
    for path, spec in files:
        frame, found = check_file(path, spec, grade_order=grade_order, roster=roster, required=required)
        problems.append(found)
        if frame is not None:
            frames.append(frame)
    problems.append(_repeated_ids(frames))
    found = _problems(*problems)
    if len(found) or len(frames) != len(files):
        return None, found
    combined = pd.concat(frames) if len(frames) > 1 else frames[0]
    combined.index.name = "row"
    combined.attrs = {"kind": "participants", "file": " + ".join(str(Path(p).name) for p, _ in files),
                      "mapping": {Path(p).name: s.to_dict() for p, s in files}}
    return combined, found


def _repeated_ids(frames: list[pd.DataFrame]) -> pd.DataFrame:
    """A problem for each person_id that appears in more than one file."""
    log_rows = []
    first: dict[str, tuple[str, int]] = {}
    for frame in frames:
        if "person_id" not in frame:
            continue
        for row, pid, src in zip(frame.index, frame["person_id"], frame[SOURCE_COLUMN]):
            if pid in first and first[pid][0] != src:
                f, r = first[pid]
                log_rows.append(dict(file=src, row=int(row), column="person_id", value=pid,
                                     problem=f"person_id '{pid}' is also in {f} (row {r})",
                                     fix="give each person one id across files, or sign them up once as 'either'"))
            first.setdefault(pid, (src, int(row)))
    return pd.DataFrame(log_rows, columns=PROBLEM_COLUMNS)


def read_signups(files: Sequence[tuple[PathLike, FileSpec]], *, grade_order: Sequence[object] | None = None,
                 roster: pd.DataFrame | None = None, required: Required = None) -> pd.DataFrame:
    """The participants table of several sign-up files, or InputError listing every problem of every file."""
    frame, problems = check_signups(files, grade_order=grade_order, roster=roster, required=required)
    if frame is None:
        raise InputError(problems)
    return frame


def spec_for(ws: "Workspace | None", path: PathLike, *, role: str | None = None,
             kind: str = "participants") -> FileSpec:
    """The spec to read ``path`` with: the one saved in the workspace for its layout, else a suggestion."""
    headers = read_cells(path).headers
    saved = find_saved_spec(ws, headers, kind) if ws is not None else None
    if saved is not None:
        if role is not None:
            saved.role = role
        return saved
    return suggest_spec(headers, kind, role=role)


def import_signups(ws: "Workspace", files: Sequence[tuple[PathLike, FileSpec]], *, who: str | None = None,
                   save_specs: bool = True) -> "ImportRecord":
    """Validate sign-up files and, only when clean, store them as the workspace's participants (audited).

    A copy of each file goes to ``imports/`` under its content hash; each spec is saved so the
    next export of the same form is read the same way.
    """
    frame = read_signups(files, grade_order=ws.design.grade_order, roster=ws.table("roster"),
                         required=ws.requirements())
    for path, spec in files:
        path = Path(path)
        _keep_copy(ws, path)
        if save_specs:
            save_spec(ws, read_cells(path).headers, spec, name=path.name, who=who)
    return ws.import_frame("participants", frame, source_name=frame.attrs["file"], who=who)


def _keep_copy(ws: "Workspace", path: Path) -> None:
    """A copy of an imported file under imports/<content hash> (the workspace's record of what came in)."""
    private_copy(path, ws.root / "imports" / f"{content_hash(path)}{path.suffix.lower()}")


def import_signup_files(ws: "Workspace", files: Sequence[tuple[PathLike, str | None]], *, who: str | None = None
                        ) -> "ImportRecord":
    """Import sign-up files given as (path, role) pairs, each read with its saved mapping (else the suggestion).

    Relative paths are taken from the workspace folder. This is what a headless run does with
    form exports once a person has mapped them in the wizard.
    """
    resolved = [(Path(p) if Path(p).is_absolute() else ws.root / p, role) for p, role in files]
    return import_signups(ws, [(p, spec_for(ws, p, role=role)) for p, role in resolved], who=who)


def import_with_spec(ws: "Workspace", path: PathLike, spec: FileSpec, *, who: str | None = None,
                     save: bool = True) -> "ImportRecord":
    """Validate one file of any kind through ``spec`` and, only when clean, store it (audited; spec saved)."""
    if spec.kind == "participants":
        return import_signups(ws, [(path, spec)], who=who, save_specs=save)
    context = {} if spec.kind == "roster" else {"participants": ws.table("participants")}
    frame, problems = check_file(path, spec, grade_order=ws.design.grade_order, **context)  # type: ignore[arg-type]
    if frame is None:
        raise InputError(problems)
    path = Path(path)
    _keep_copy(ws, path)
    if save:
        save_spec(ws, read_cells(path).headers, spec, name=path.name, who=who)
    return ws.import_frame(spec.kind, frame, source_name=path.name, who=who)


# --- the forms-export pair (a public mentoring programme's Google Forms export) --------------------

FORMS_EXPORT_FILES = {"mentor": "signups-mentors.csv", "mentee": "signups-students.csv"}
# The export has no department, grade, site or reporting line: those rules are off, the rest stay on.
FORMS_EXPORT_RULES = {"different_department": False, "reporting_line_levels": 0, "grade_gap": {"enabled": False},
                      "location": False}
# What a programme with those rules requires of a sign-up (design.columns.required_columns says the same).
FORMS_EXPORT_REQUIRED = ("person_id", "name", "role", "consent")


def forms_export_specs(folder: PathLike, *, capacity: int = 1) -> list[tuple[Path, FileSpec]]:
    """The (file, spec) pair that reads the forms export: role per file, grids as lists, ids from names.

    Signing the programme's form is taken as consent to be matched (the form has no separate
    question); mentors of this scheme take ``capacity`` students each. Nothing else is invented:
    the export has no department, grade or site, and a programme with ``FORMS_EXPORT_RULES`` needs none.
    """
    folder = Path(folder)
    out = []
    for role, name in FORMS_EXPORT_FILES.items():
        path = folder / name
        spec = suggest_spec(read_cells(path).headers, "participants", role=role)
        spec.constants = {"consent": "yes", **({"capacity": str(capacity)} if role == "mentor" else {})}
        out.append((path, spec))
    return out


def read_forms_export(folder: PathLike, *, capacity: int = 1) -> pd.DataFrame:
    """The forms export as contract participants (mentors' offers and students' wants in rank order)."""
    return read_signups(forms_export_specs(folder, capacity=capacity), required=FORMS_EXPORT_REQUIRED)
