"""Editable text templates (Jinja2): a workspace's own ``templates/NAME`` if present, else the shipped default.

Agreements, introduction notes and messages are written from templates a programme team can
edit without code; a template the team edited is used exactly as it is. Rendering is strict: a
placeholder the template names but the context lacks is an error naming the template and the
placeholder, never a silent blank. HTML templates escape every value (participant text is never markup).
"""
from __future__ import annotations

import os
import stat
from collections.abc import Mapping
from functools import lru_cache
from pathlib import Path
from typing import Any

import jinja2

from revmentor_nb.errors import UserError

DEFAULTS = Path(__file__).parent / "template_files"
FOLDER = "templates"


class TemplateError(UserError, ValueError):
    """A template that cannot be read or rendered, with the file and the fix."""


def template_path(name: str, root: str | Path | None = None) -> Path:
    """Where template ``name`` comes from: ``root/templates/name`` when the workspace has one, else the default."""
    return Path(_located(name, None if root is None else str(root))[0])


def _located(name: str, root: str | None) -> tuple[str, os.stat_result]:
    """The template's file and its stat (one stat per candidate: a hand-over looks templates up thousands of times)."""
    candidates = ([os.path.join(root, FOLDER, name)] if root is not None else []) + [os.path.join(DEFAULTS, name)]
    for where in candidates:
        try:
            st = os.stat(where)
        except OSError:
            continue
        if stat.S_ISREG(st.st_mode):
            return where, st
    raise TemplateError(f"no template named {name!r} (looked in {Path(root) / FOLDER if root else DEFAULTS} "
                        f"and {DEFAULTS})")


@lru_cache(maxsize=64)
def _source(path: str, mtime_ns: int, size: int) -> str:
    """A template file's text, read once per version of the file (keyed by its modification time and size)."""
    with open(path, encoding="utf-8") as fh:
        return fh.read()


@lru_cache(maxsize=64)
def _compiled(text: str, autoescape: bool) -> jinja2.Template:
    """A template's text compiled once per process (a hand-over renders the same few templates thousands of times).

    Keyed by the text itself, so a template edited on disk is compiled afresh on its next use.
    """
    env = jinja2.Environment(undefined=jinja2.StrictUndefined, autoescape=autoescape,
                             keep_trailing_newline=True, trim_blocks=True, lstrip_blocks=True)
    return env.from_string(text)


def render(name: str, context: Mapping[str, Any], root: str | Path | None = None) -> str:
    """Template ``name`` filled from ``context``; names ending in ``.html`` escape every value."""
    where, st = _located(name, None if root is None else str(root))
    path = Path(where)
    try:
        text = _source(where, st.st_mtime_ns, st.st_size)
        return _compiled(text, where.endswith((".html", ".htm"))).render(**context)
    except jinja2.UndefinedError as exc:
        raise TemplateError(f"{path}: {exc.message}; add it to the template's context or remove it from the "
                            f"template") from None
    except jinja2.TemplateSyntaxError as exc:
        raise TemplateError(f"{path}, line {exc.lineno}: {exc.message}; fix the template's syntax") from None
    except UnicodeDecodeError:
        raise TemplateError(f"{path} is not UTF-8 text; save it as UTF-8") from None


def install_defaults(root: str | Path, names: list[str] | None = None) -> list[Path]:
    """Copy the shipped templates into ``root/templates`` for editing; never overwrites one already there."""
    target = Path(root) / FOLDER
    target.mkdir(parents=True, exist_ok=True)
    written = []
    for default in sorted(DEFAULTS.rglob("*")):
        rel = default.relative_to(DEFAULTS)
        if default.is_dir() or (names is not None and str(rel) not in names):
            continue
        dest = target / rel
        if not dest.exists():
            dest.parent.mkdir(parents=True, exist_ok=True)
            dest.write_text(default.read_text(encoding="utf-8"), encoding="utf-8")
            written.append(dest)
    return written
