"""The program.yaml reference, generated from the pydantic models (every key, type, default, allowed values).

The documentation site builds its "program.yaml reference" page from ``program_yaml_reference()``
(``scripts/mkdocs_hooks.py``), so the page can never drift from what ``load_design`` accepts.
"""
from __future__ import annotations

import types
import typing
from dataclasses import dataclass
from datetime import date
from typing import Any, Literal

from pydantic import BaseModel
from pydantic.fields import FieldInfo
from pydantic_core import PydanticUndefined


@dataclass(frozen=True)
class KeyDoc:
    """One key of program.yaml as the reference shows it."""

    key: str
    type: str
    default: str
    allowed: str
    description: str


def _args(annotation: Any) -> tuple[Any, ...]:
    return typing.get_args(annotation)


def _is_union(annotation: Any) -> bool:
    return typing.get_origin(annotation) in (typing.Union, types.UnionType)


def _is_model(annotation: Any) -> bool:
    return isinstance(annotation, type) and issubclass(annotation, BaseModel)


def type_text(annotation: Any) -> str:
    """A reader's name for a type: 'integer', 'list of text', 'one of the values', 'date or null'."""
    origin = typing.get_origin(annotation)
    if annotation is type(None):
        return "null"
    if origin is Literal:
        return "one of the values"
    if _is_union(annotation):
        return " or ".join(dict.fromkeys(type_text(a) for a in _args(annotation)))
    if origin in (list, tuple, set):
        inner = _args(annotation)
        return f"list of {type_text(inner[0])}" if inner else "list"
    if origin is dict:
        key, value = _args(annotation)
        return f"mapping of {type_text(key)} to {type_text(value)}"
    if _is_model(annotation):
        return "mapping (keys below)"
    return {str: "text", int: "integer", float: "number", bool: "true/false", date: "date (YYYY-MM-DD)"}.get(
        annotation, getattr(annotation, "__name__", str(annotation)))


def _literals(annotation: Any) -> list[Any]:
    if typing.get_origin(annotation) is Literal:
        return list(_args(annotation))
    return [v for a in _args(annotation) for v in _literals(a)]


def _bounds(field: FieldInfo) -> str:
    words = {"ge": ">=", "gt": ">", "le": "<=", "lt": "<"}
    parts = [f"{words[name]} {getattr(m, name)}" for m in field.metadata for name in words if hasattr(m, name)]
    return ", ".join(parts)


def _default(field: FieldInfo) -> str:
    if field.default_factory is not None:
        value = field.default_factory()
        if isinstance(value, BaseModel):
            return "(see the keys below)"
    elif field.default is PydanticUndefined:
        return "(required)"
    else:
        value = field.default
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, (list, dict)) and not value:
        return "[]" if isinstance(value, list) else "{}"
    return str(value)


def _models_inside(annotation: Any) -> list[tuple[str, type[BaseModel]]]:
    """Models nested in a field's type, with the path suffix that reaches them ('', '[]', '.<key>')."""
    if _is_model(annotation):
        return [("", annotation)]
    origin = typing.get_origin(annotation)
    if _is_union(annotation):
        return [m for a in _args(annotation) for m in _models_inside(a)]
    if origin in (list, tuple, set) and _args(annotation):
        return [("[]" + s, m) for s, m in _models_inside(_args(annotation)[0])]
    if origin is dict:
        return [(".<name>" + s, m) for s, m in _models_inside(_args(annotation)[1])]
    return []


def model_keys(model: type[BaseModel], prefix: str = "") -> list[KeyDoc]:
    """Every key of ``model`` and of the models inside it, depth first, in declaration order."""
    rows: list[KeyDoc] = []
    for name, field in model.model_fields.items():
        key = f"{prefix}{name}"
        annotation = field.annotation
        allowed = ", ".join(f"`{v}`" for v in _literals(annotation))
        bounds = _bounds(field)
        rows.append(KeyDoc(key, type_text(annotation), _default(field), "; ".join(filter(None, [allowed, bounds])),
                           " ".join((field.description or "").split())))
        for suffix, inner in _models_inside(annotation):
            rows += model_keys(inner, f"{key}{suffix}.")
    return rows


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def program_yaml_reference() -> str:
    """The Markdown page: one table row per key of program.yaml."""
    from revmentor_nb.design.program import ProgramDesign
    from revmentor_nb.design.readiness import QUESTION_IDS
    from revmentor_nb.io.contract import KINDS
    from revmentor_nb.matching.presets import PRESETS

    extra = {  # what a free-form key accepts, from the same tables load_design checks against
        "inputs": "keys: " + ", ".join(f"`{k}`" for k in KINDS),
        "readiness": "keys: " + ", ".join(f"`{k}`" for k in QUESTION_IDS) + "; values: `yes`, `partly`, `no`, `unknown`",
        "matching.preset": ", ".join(f"`{k}`" for k in PRESETS),
        "matching.mode": "taken from the top-level `mode`",
        "matching.k": "taken from `privacy.k`",
    }
    rows = [r if r.key not in extra else KeyDoc(r.key, r.type, r.default, extra[r.key], r.description)
            for r in model_keys(ProgramDesign)]
    lines = [
        "# program.yaml reference",
        "",
        "Every key `program.yaml` accepts, generated from the models that validate it "
        "(`revmentor_nb.design.program.ProgramDesign`), so this page always matches what `load_design` "
        "accepts. A key left out takes its default; an unknown key is an error that names it. "
        "`revmentor new FOLDER` writes a file with every top-level key and its default.",
        "",
        "Nested keys are written with dots here (`schedule.start_date` is `start_date:` indented under "
        "`schedule:`); `[]` marks the items of a list, `<name>` a key you choose.",
        "",
        "| key | type | default | allowed values | what it does |",
        "|---|---|---|---|---|",
    ]
    lines += [f"| `{r.key}` | {_cell(r.type)} | `{_cell(r.default)}` | {_cell(r.allowed)} | {_cell(r.description)} |"
              for r in rows]
    return "\n".join(lines) + "\n"
