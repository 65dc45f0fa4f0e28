"""Editable text templates (Jinja2): a workspace's own ``templates/NAME`` if present, else the shipped default.

Agreements, introduction notes and messages are written from templates a programme team can
edit without code; a template the team edited is used exactly as it is. Rendering is strict: a
placeholder the template names but the context lacks is an error naming the template and the
placeholder, never a silent blank. HTML templates escape every value (participant text is never markup).
"""
from __future__ import annotations

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
    if root is not None:
        own = Path(root) / FOLDER / name
        if own.is_file():
            return own
    default = DEFAULTS / name
    if not default.is_file():
        raise TemplateError(f"no template named {name!r} (looked in {Path(root) / FOLDER if root else DEFAULTS} "
                            f"and {DEFAULTS})")
    return default


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
    path = template_path(name, root)
    try:
        return _compiled(path.read_text(encoding="utf-8"), path.name.endswith((".html", ".htm"))).render(**context)
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
