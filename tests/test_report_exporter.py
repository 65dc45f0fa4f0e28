"""The report exporter makes the same page as nbconvert's stock HTML exporter (it only skips the stock
exporter's BeautifulSoup pass): same text, same alt texts, same focusable output areas."""
from __future__ import annotations

import base64
import re
from html.parser import HTMLParser

import nbformat
from nbconvert import HTMLExporter

from revmentor_nb.report.html import TEMPLATES, ReportExporter

PNG = base64.b64encode(bytes.fromhex("89504e470d0a1a0a0000000d4948445200000001000000010806000000"
                                     "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082"))


class _Page(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.text: list[str] = []
        self.alts: list[str] = []
        self.focusable: list[str] = []

    def handle_starttag(self, tag, attrs):  # noqa: ANN001
        a = dict(attrs)
        if tag == "img":
            self.alts.append(a.get("alt") or "")
        if a.get("tabindex") == "0":
            self.focusable.append(f"{tag}.{' '.join((a.get('class') or '').split())}")

    def handle_data(self, data):  # noqa: ANN001
        if data.strip():
            self.text.append(" ".join(data.split()))


def _read(page: str) -> _Page:
    parsed = _Page()
    parsed.feed(page)
    return parsed


def _notebook() -> nbformat.NotebookNode:
    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_markdown_cell("# Title\n\nSome *text* & a <b>tag</b>."),
        nbformat.v4.new_code_cell("x", outputs=[
            nbformat.v4.new_output("display_data", data={"image/png": PNG.decode(), "text/plain": "<img>"}),
            nbformat.v4.new_output("display_data", data={
                "text/html": "<div class='rm-table-wrap'><table><tr><td>&lt;div class=\"x\"&gt; Zoë</td></tr></table>"
                             "</div>", "text/plain": "t"}),
            nbformat.v4.new_output("stream", name="stdout", text="printed <img src=x>\n"),
        ]),
    ]
    return nb


def test_the_report_exporter_makes_the_stock_exporters_page():
    options = dict(template_name="revmentor", extra_template_basedirs=[str(TEMPLATES)], exclude_input=True,
                   exclude_input_prompt=True, exclude_output_prompt=True)
    ours, _ = ReportExporter(**options).from_notebook_node(_notebook())
    stock, _ = HTMLExporter(**options).from_notebook_node(_notebook())
    a, b = _read(ours), _read(stock)
    assert a.text == b.text
    assert a.alts == b.alts and len(a.alts) == 1 and a.alts[0]
    assert sorted(a.focusable) == sorted(b.focusable) and a.focusable
    assert "&lt;div class=" in ours and not re.search(r"<img src=x", ours)  # participant text stays text
