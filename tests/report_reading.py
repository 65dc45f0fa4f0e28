"""Read an HTML report the way a person (or a scraper) can: its text, its tables and its charts.

Charts are inline SVG images; vega writes each mark's data into an ``aria-label`` ("field: value;
field: value"), so a chart gives away as much as a table does and is read as records too.
"""
from __future__ import annotations

import base64
import html
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

BLANK = {"", "—", "<NA>", "nan", "NaN", "None"}


@dataclass
class Table:
    """One table of a report: the caption shown above it, its header and its rows (cell text)."""

    caption: str
    header: list[str]
    rows: list[list[str]]
    align: list[list[str]] = field(default_factory=list)  # per row, per cell: "left", "right" or "" (as styled)

    def column(self, name: str) -> list[str]:
        """The cells of one column, top to bottom."""
        i = self.header.index(name)
        return [r[i] if i < len(r) else "" for r in self.rows]

    def records(self) -> list[dict[str, str]]:
        """The rows as header -> cell dictionaries."""
        return [dict(zip(self.header, r)) for r in self.rows]


@dataclass
class Chart:
    """One chart: its title, the text it draws and one record per mark (from the marks' aria labels)."""

    title: str
    texts: list[str]
    marks: list[dict[str, str]]
    description: str = ""  # the SVG's <desc> (the Vega-Lite description)
    alt: str = ""  # the image's alternative text in the report
    width: float = 0.0  # the SVG's own size in px, as drawn
    height: float = 0.0


@dataclass
class Report:
    """What a report shows: all visible text, the tables and the charts."""

    name: str
    text: str
    tables: list[Table] = field(default_factory=list)
    charts: list[Chart] = field(default_factory=list)

    def everything(self) -> str:
        """Every character a reader could get at: page text, chart text and chart mark data."""
        parts = [self.text]
        for c in self.charts:
            parts += c.texts
            parts += ["; ".join(f"{k}: {v}" for k, v in m.items()) for m in c.marks]
        return "\n".join(parts)

    def tables_titled(self, prefix: str) -> list[Table]:
        """The tables whose caption starts with ``prefix``."""
        return [t for t in self.tables if t.caption.startswith(prefix)]


def _aria_record(label: str) -> dict[str, str] | None:
    label = html.unescape(label)
    if label.startswith(("X-axis", "Y-axis", "Axis", "Symbol legend", "Gradient legend", "Title text")):
        return None
    rec = {}
    for part in label.split("; "):
        key, sep, value = part.partition(": ")
        if sep:
            rec[key.strip()] = value.strip()
    return rec or None


def read_chart(svg: str) -> Chart:
    """Text and mark records of one SVG chart."""
    texts = [html.unescape(t) for t in re.findall(r"<text[^>]*>([^<]*)</text>", svg)]
    marks = [r for r in (_aria_record(a) for a in re.findall(r'aria-label="([^"]*)"', svg)) if r]
    titles = re.findall(r"aria-label=\"Title text '([^']*)'\"", svg)
    desc = re.search(r"<desc>([^<]*)</desc>", svg)
    size = re.search(r'<svg[^>]*?\swidth="([^"]+)"\s+height="([^"]+)"', svg)
    width, height = (float(size.group(1)), float(size.group(2))) if size else (0.0, 0.0)
    return Chart(html.unescape(titles[-1]) if titles else "", texts, marks, html.unescape(desc.group(1)) if desc else "",
                 width=width, height=height)


def _alignment(attrs: dict[str, str | None]) -> str:
    """How a cell is aligned by its inline style or house class (what a reader sees)."""
    style = (attrs.get("style") or "").replace(" ", "")
    m = re.search(r"text-align:(left|right|center)", style)
    if m:
        return m.group(1)
    classes = (attrs.get("class") or "").split()
    return "right" if "rm-num" in classes else "left" if {"rm-text", "rm-long"} & set(classes) else ""


class _Parser(HTMLParser):
    """Collects visible text, tables (with the bold caption just before them) and SVG images."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.text: list[str] = []
        self.tables: list[Table] = []
        self.svgs: list[str] = []
        self.alts: list[str] = []
        self._aligns: list[str] | None = None
        self._hidden = 0
        self._caption = ""
        self._strong: list[str] | None = None
        self._table: Table | None = None
        self._row: list[str] | None = None
        self._cell: list[str] | None = None
        self._in_head = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag in ("style", "script", "title"):
            self._hidden += 1
        elif tag == "strong":
            self._strong = []
        elif tag == "table":
            self._table = Table(self._caption, [], [])
            self._caption = ""
        elif tag == "thead":
            self._in_head = True
        elif tag == "tr" and self._table is not None:
            self._row = []
            self._aligns = []
        elif tag in ("td", "th") and self._row is not None:
            self._cell = []
            if self._aligns is not None:
                self._aligns.append(_alignment(a))
        elif tag == "img" and (a.get("src") or "").startswith("data:image/svg+xml;base64,"):
            self.svgs.append(base64.b64decode((a["src"] or "").split(",", 1)[1]).decode("utf-8", "replace"))
            self.alts.append(a.get("alt") or "")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("style", "script", "title"):
            self._hidden -= 1
        elif tag == "strong" and self._strong is not None:
            self._caption = "".join(self._strong).strip()
            self._strong = None
        elif tag in ("td", "th") and self._cell is not None and self._row is not None:
            self._row.append("".join(self._cell).strip())
            self._cell = None
        elif tag == "tr" and self._row is not None and self._table is not None:
            if self._in_head and not self._table.header:
                self._table.header = self._row
            else:
                self._table.rows.append(self._row)
                self._table.align.append(self._aligns or [])
            self._row = None
        elif tag == "thead":
            self._in_head = False
        elif tag == "table" and self._table is not None:
            self.tables.append(self._table)
            self._table = None

    def handle_data(self, data: str) -> None:
        if self._hidden:
            return
        self.text.append(data)
        if self._cell is not None:
            self._cell.append(data)
        if self._strong is not None:
            self._strong.append(data)


def read_report(path: Path) -> Report:
    """Parse one HTML report."""
    p = _Parser()
    p.feed(Path(path).read_text(encoding="utf-8"))
    charts = [read_chart(s) for s in p.svgs]
    for chart, alt in zip(charts, p.alts):
        chart.alt = alt
    return Report(Path(path).name, "".join(p.text), p.tables, charts)


SUPPRESSED = re.compile(r"^(<\s?\d+|hidden)$")  # the markers of a hidden count: "< 5", "hidden"


def is_blank(cell: str) -> bool:
    """A suppressed or missing cell as the reports print it (blank, or a suppression marker)."""
    return cell.strip() in BLANK or bool(SUPPRESSED.match(cell.strip()))


def count_in(cell: str) -> int | None:
    """The count a cell states: ``12``, ``12.0``, or the n of ``83.5% of 79``; None when blank or not a count."""
    cell = cell.strip().replace(",", "")
    if is_blank(cell):
        return None
    m = re.fullmatch(r"(\d+)(?:\.0+)?", cell) or re.fullmatch(r"[\d.]+% of (\d+)", cell)
    return int(m.group(1)) if m else None
