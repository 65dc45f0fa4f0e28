"""How a file's columns map onto the data contract: suggested automatically, editable, saved per workspace.

Real exports name their columns in their own words (``Affiliation``, ``Which topics ... [Statistics]``).
A ``FileSpec`` says, for one file layout, which header is which contract column, which grid
questions fill which list, the role of everyone in the file, values that hold for every row
(e.g. ``consent: yes`` when signing the form is consent) and where ids come from. The import
wizard shows the suggestion for a person to edit; the spec is saved in the workspace under
a fingerprint of the headers, so the next export of the same form is read the same way.
"""
from __future__ import annotations

import difflib
import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from revmentor_nb.errors import ProblemLog
from revmentor_nb.fileio import atomic_write_text
from revmentor_nb.io.contract import ROLES
from revmentor_nb.io.contract import kind as get_kind
from revmentor_nb.io.grid import find_grids, suggest_target
from revmentor_nb.io.read import match_headers, normalise_header

if TYPE_CHECKING:
    from revmentor_nb.workspace.workspace import Workspace

MAPPINGS_FILE = "mappings.json"
LIST_TARGETS = ("offers", "wants", "interests")
SIMILAR_CUTOFF = 0.82
SUGGESTION_COLUMNS = ["header", "column", "how", "example"]


@dataclass
class FileSpec:
    """How to read one file layout onto the contract (JSON-saveable).

    ``mapping``: header -> contract column ("" = keep the column as extra text).
    ``grids``: grid question -> list column it fills (offers / wants / interests).
    ``role``: participants only: the role of every row (mentor / mentee / either), or None to read a column.
    ``constants``: contract column -> text used on every row when no header maps to it.
    ``id_from``: contract column whose text makes person_id when the file has none (e.g. email, name).
    ``ignored``: headers not used by this programme (dropped on import, not even kept as extra text).
    """

    kind: str = "participants"
    mapping: dict[str, str] = field(default_factory=dict)
    grids: dict[str, str] = field(default_factory=dict)
    role: str | None = None
    constants: dict[str, str] = field(default_factory=dict)
    id_from: str | None = None
    ignored: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        get_kind(self.kind)  # ValueError naming the allowed kinds
        if self.role is not None and self.role not in ROLES:
            raise ValueError(f"role {self.role!r} is not one of {', '.join(ROLES)}")
        bad = {q: t for q, t in self.grids.items() if t not in LIST_TARGETS}
        if bad:
            raise ValueError(f"grid questions can fill {', '.join(LIST_TARGETS)}, not {sorted(set(bad.values()))}")

    def to_dict(self) -> dict[str, Any]:
        """The spec as plain JSON-able data."""
        return asdict(self)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> "FileSpec":
        """A spec from ``to_dict`` output (unknown keys ignored)."""
        keys = {"kind", "mapping", "grids", "role", "constants", "id_from", "ignored"}
        return cls(**{k: v for k, v in dict(data).items() if k in keys})


def fingerprint(headers: Sequence[str]) -> str:
    """A short hash of a file's header layout (order and case do not matter)."""
    key = "\n".join(sorted(normalise_header(h) for h in headers if str(h).strip()))
    return hashlib.sha256(key.encode()).hexdigest()[:16]


def _similar(header: str, kind_name: str, free: set[str]) -> str | None:
    """The free *required* column whose name or alias is closest to ``header`` (None when none is close).

    Only required columns are guessed: a wrong guess at an optional one (``Reference`` ->
    preferences) would turn a harmless extra column into problems.
    """
    k = get_kind(kind_name)
    key = normalise_header(header).rstrip(":?").strip()
    best, score = None, 0.0
    for col in k.columns:
        if col.name not in free or not col.required:
            continue
        for target in (col.name, *col.aliases):
            ratio = difflib.SequenceMatcher(None, key, normalise_header(target)).ratio()
            if ratio > score:
                best, score = col.name, ratio
    return best if score >= SIMILAR_CUTOFF else None


def suggest_spec(headers: Sequence[str], kind: str = "participants", *, role: str | None = None) -> FileSpec:
    """A first guess at the spec for a file: contract names and aliases, close spellings, grid questions."""
    k = get_kind(kind)
    grids = find_grids(headers) if kind == "participants" else []
    in_grid = {h for g in grids for h in g.headers}
    plain = [h for h in headers if h not in in_grid]
    matched = match_headers(plain, k, None, ProblemLog("suggestion")).mapping
    mapping: dict[str, str] = {h: matched.get(h, "") for h in plain}
    free = {c.name for c in k.columns} - set(matched.values())
    for h in plain:
        if not mapping[h]:
            guess = _similar(h, kind, free)
            if guess is not None:
                mapping[h] = guess
                free.discard(guess)
    if role is not None:
        mapping = {h: ("" if c == "role" else c) for h, c in mapping.items()}
    spec = FileSpec(kind=kind, mapping=mapping, role=role,
                    grids={g.question: suggest_target(g, role) for g in grids})
    if kind == "participants" and "person_id" not in mapping.values():
        spec.id_from = "email" if "email" in mapping.values() else "name"
    return spec


def suggestion_table(headers: Sequence[str], spec: FileSpec, sample: pd.DataFrame | None = None) -> pd.DataFrame:
    """One row per header: the contract column it goes to, how that was decided, and an example cell."""
    k = get_kind(spec.kind)
    names, aliases = {normalise_header(c.name) for c in k.columns}, {
        normalise_header(a): c.name for c in k.columns for a in c.aliases}
    grid_of = {h: g for g in find_grids(headers) for h in g.headers}
    rows = []
    for i, header in enumerate(headers):
        example = ""
        if sample is not None and i < sample.shape[1]:
            filled = [str(v).strip() for v in sample.iloc[:, i] if str(v).strip()]
            example = filled[0][:40] if filled else ""
        if header in grid_of:
            g = grid_of[header]
            target = spec.grids.get(g.question, "")
            rows.append((header, target, f"grid question -> {target or 'not used'}", example))
            continue
        column = spec.mapping.get(header, "")
        key = normalise_header(header)
        how = ("contract name" if key in names and column else "known alias" if aliases.get(key) == column and column
               else "similar name" if column else "kept as extra column")
        if spec.role is not None and normalise_header(column or header) == "role":
            how = "role given for the whole file"
        rows.append((header, column, how, example))
    return pd.DataFrame(rows, columns=SUGGESTION_COLUMNS)


def missing_required(headers: Sequence[str], spec: FileSpec, required: Sequence[str] | None = None) -> list[str]:
    """Required contract columns (the contract's, or a programme's own) that nothing in the spec supplies."""
    k = get_kind(spec.kind)
    if required is not None:
        k = k.with_required(required)
    present = {c for c in spec.mapping.values() if c}
    present |= {t for q, t in spec.grids.items() if t}
    if spec.role:
        present.add("role")
    if spec.id_from:
        present.add("person_id")
    present |= {c for c, v in spec.constants.items() if str(v).strip()}
    names = {normalise_header(c.name) for c in k.columns}
    present |= {normalise_header(h) for h in headers
                if normalise_header(h) in names and h not in spec.mapping and h not in spec.ignored}
    return [c for c in k.required if c not in present]


# --- saved per workspace ------------------------------------------------------------------


def _mappings_path(ws: "Workspace") -> Path:
    return ws.root / MAPPINGS_FILE


def saved_specs(ws: "Workspace") -> list[dict[str, Any]]:
    """Every spec saved in the workspace (newest last): kind, fingerprint, headers, spec, saved_at, who."""
    path = _mappings_path(ws)
    if not path.exists():
        return []
    return list(json.loads(path.read_text(encoding="utf-8")).get("specs", []))


def save_spec(ws: "Workspace", headers: Sequence[str], spec: FileSpec, *, name: str = "",
              who: str | None = None) -> str:
    """Save ``spec`` for this header layout in the workspace (replacing the one saved for it); returns the fingerprint."""
    fp = fingerprint(headers)
    entries = [e for e in saved_specs(ws) if not (e["fingerprint"] == fp and e["kind"] == spec.kind)]
    entries.append({"kind": spec.kind, "fingerprint": fp, "name": name, "headers": list(headers),
                    "spec": spec.to_dict(), "saved_at": datetime.now(timezone.utc).isoformat(timespec="seconds")})
    atomic_write_text(_mappings_path(ws), json.dumps({"specs": entries}, indent=2, ensure_ascii=False))
    ws.record("mapping.save", spec.kind, {"fingerprint": fp, "name": name, "spec": spec.to_dict()}, who)
    return fp


def find_saved_spec(ws: "Workspace", headers: Sequence[str], kind: str = "participants",
                    min_overlap: float = 0.8) -> FileSpec | None:
    """The spec saved for this layout: the same headers, else the newest whose headers mostly overlap."""
    fp = fingerprint(headers)
    entries = [e for e in saved_specs(ws) if e["kind"] == kind]
    for e in reversed(entries):
        if e["fingerprint"] == fp:
            return FileSpec.from_dict(e["spec"])
    mine = {normalise_header(h) for h in headers}
    best, best_share = None, 0.0
    for e in reversed(entries):
        theirs = {normalise_header(h) for h in e["headers"]}
        share = len(mine & theirs) / max(len(mine | theirs), 1)
        if share > best_share:
            best, best_share = e, share
    if best is None or best_share < min_overlap:
        return None
    spec = FileSpec.from_dict(best["spec"])
    spec.mapping = {h: c for h, c in spec.mapping.items() if normalise_header(h) in mine}
    return spec
