"""Executed notebook -> offline HTML report with no code cells."""
from __future__ import annotations

from pathlib import Path

import nbformat
from nbconvert import HTMLExporter

TEMPLATES = Path(__file__).parent / "templates"
MARKDOWN = "text/markdown"


def inert_markdown(text: str) -> str:
    """Markdown a code cell displayed, with no link, image or element left to make: it may hold participant text.

    A measure named ``[click](javascript:...)`` in an assessments file reaches the evaluation's
    notes; rendered as Markdown it would be a live link. Notebooks display no links or HTML on purpose.
    """
    return text.replace("<", "&lt;").replace("[", "\\[").replace("]", "\\]")


def export_html(notebook: str | Path, out: str | Path, title: str | None = None) -> Path:
    """Write ``notebook`` as a self-contained HTML report (outputs and markdown only)."""
    nb = nbformat.read(str(notebook), as_version=4)
    if title:
        nb.metadata["title"] = title
    for i, cell in enumerate(nb.cells):
        cell["id"] = f"cell-{i:02d}"  # papermill gives its injected cell a random id; a report must not vary
    for cell in nb.cells:  # warnings on stderr are for the developer, not the report's reader
        if cell.get("cell_type") == "code":
            cell.outputs = [o for o in cell.get("outputs", []) if not (o.get("output_type") == "stream" and o.get("name") == "stderr")]
            for output in cell.outputs:
                data = output.get("data", {})
                if MARKDOWN in data:
                    text = data[MARKDOWN]
                    data[MARKDOWN] = inert_markdown("".join(text) if isinstance(text, list) else text)
    exporter = HTMLExporter(
        template_name="revmentor",
        extra_template_basedirs=[str(TEMPLATES)],
        exclude_input=True,
        exclude_input_prompt=True,
        exclude_output_prompt=True,
    )
    body, _ = exporter.from_notebook_node(nb)
    from revmentor_nb.fileio import atomic_write_text

    return atomic_write_text(Path(out), body, private=False)  # a report is for colleagues: the umask decides
