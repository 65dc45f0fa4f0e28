"""Executed notebook -> offline HTML report with no code cells."""
from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import nbformat
from nbconvert import HTMLExporter
from nbconvert.exporters.templateexporter import TemplateExporter
from nbconvert.filters.highlight import Highlight2HTML
from nbconvert.filters.widgetsdatatypefilter import WidgetsDataTypeFilter

TEMPLATES = Path(__file__).parent / "templates"
MARKDOWN = "text/markdown"
_FOCUSABLE = re.compile(r'(<div class="(?:[^"]*\s)?(?:jp-Cell-inputWrapper|jp-OutputArea-output)(?:\s[^"]*)?"[^>]*?)(?<!tabindex="0")>')
_NO_ALT = re.compile(r"<img(?![^>]*\balt=)")


class ReportExporter(HTMLExporter):
    """nbconvert's HTML exporter without its BeautifulSoup pass over the finished page.

    ``HTMLExporter`` re-parses the whole page only to add image alt text and ``tabindex`` to the
    output areas; with a 5,000-pair table that parse took about 4 cpu seconds of a headless
    02_match. The same two edits are made here on the template's own markup (participant text in
    the page is escaped, so it holds no ``<div`` or ``<img`` of its own).
    """

    def from_notebook_node(self, nb: Any, resources: dict[str, Any] | None = None,  # type: ignore[override]
                           **kw: Any) -> tuple[str, dict[str, Any]]:
        try:  # nbconvert internals (7.x): should they change, the stock exporter below still writes the report
            langinfo = nb.metadata.get("language_info", {})
            lexer = langinfo.get("pygments_lexer", langinfo.get("name", None))
            self.register_filter("highlight_code",
                                 self.filters.get("highlight_code", Highlight2HTML(pygments_lexer=lexer, parent=self)))
            resources = self._init_resources(resources)
            self.register_filter("filter_data_type",
                                 WidgetsDataTypeFilter(notebook_metadata=self._nb_metadata, parent=self,
                                                       resources=resources))
        except (AttributeError, TypeError):
            return super().from_notebook_node(nb, resources, **kw)
        html, resources = TemplateExporter.from_notebook_node(self, nb, resources, **kw)
        html = _NO_ALT.sub('<img alt="No description has been provided for this image"', html)
        return _FOCUSABLE.sub(r'\1 tabindex="0">', html), resources


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
    exporter = ReportExporter(
        template_name="revmentor",
        extra_template_basedirs=[str(TEMPLATES)],
        exclude_input=True,
        exclude_input_prompt=True,
        exclude_output_prompt=True,
    )
    body, _ = exporter.from_notebook_node(nb)
    from revmentor_nb.fileio import atomic_write_text

    return atomic_write_text(Path(out), body, private=False)  # a report is for colleagues: the umask decides
