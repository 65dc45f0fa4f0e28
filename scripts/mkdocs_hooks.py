"""MkDocs hooks: pages built from the repository itself, so the site never drifts from the code.

- ``index.md``: the README (its tour), links to ``docs/X.md`` made site-relative.
- ``reference/program-yaml.md``: every program.yaml key from the pydantic models
  (``revmentor_nb.design.reference.program_yaml_reference``).
- ``<!-- parameters: NOTEBOOK -->`` in a page: the parameters table read from that notebook's
  ``parameters`` cell (name, default, comment).
"""
from __future__ import annotations

import ast
import html
import json
import re
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
MARKER = re.compile(r"<!-- parameters: (\S+\.ipynb) -->")


def readme_as_index(text: str) -> str:
    """The README with repository links made relative to the docs folder."""
    return re.sub(r"\]\(docs/([^)]+)\)", r"](\1)", text)


def notebook_parameters(path: Path) -> list[tuple[str, str, str]]:
    """(name, default, comment) of each assignment in a notebook's cell tagged ``parameters``."""
    nb = json.loads(path.read_text(encoding="utf-8"))
    cell = next(c for c in nb["cells"] if "parameters" in c.get("metadata", {}).get("tags", []))
    source = "".join(cell["source"])
    lines = source.splitlines()
    out = []
    for node in ast.parse(source).body:
        if isinstance(node, ast.Assign) and isinstance(node.targets[0], ast.Name):
            line = lines[node.lineno - 1]
            comment = line.split("#", 1)[1].strip() if "#" in line[node.end_col_offset:] else ""
            out.append((node.targets[0].id, ast.get_source_segment(source, node.value) or "", comment))
    return out


def parameters_table(path: Path) -> str:
    rows = ["| parameter | default | what it does |", "|---|---|---|"]
    rows += [f"| `{n}` | `{d}` | {html.escape(c).replace('|', chr(92) + '|')} |" for n, d, c in notebook_parameters(path)]
    return "\n".join(rows) + "\n"


def on_files(files, config):
    from mkdocs.structure.files import File

    from revmentor_nb.design.reference import program_yaml_reference

    readme = (REPO / "README.md").read_text(encoding="utf-8")
    files.append(File.generated(config, "index.md", content=readme_as_index(readme)))
    files.append(File.generated(config, "reference/program-yaml.md", content=program_yaml_reference()))
    return files


def on_page_markdown(markdown, page, config, files):
    return MARKER.sub(lambda m: parameters_table(REPO / "notebooks" / m.group(1)), markdown)
