"""One way to show a table as HTML, the house style of every report and widget.

Escaped (participant text is never markup); text columns left-aligned, number columns right-aligned
with thousands separators and one number of decimals per column; columns as wide as their content,
wrapping only in long-text columns; headers in words (``mentor``, not ``mentor_id``); a missing value
is blank (never ``None``, ``nan`` or ``<NA>``) and
a suppressed count shows its marker (``< 5`` or ``hidden``, from ``frame.attrs["hidden"]``) with a
footnote saying what the markers mean. Alignment and wrapping are inline styles, so the table looks
the same in a report, in JupyterLab and inside a widget whatever stylesheet surrounds it.
"""
from __future__ import annotations

import html
import math
import re
from collections.abc import Mapping
from datetime import date, datetime

import numpy as np
import pandas as pd

LONG_TEXT = 30  # characters: a text column with a longer value wraps (and gets room to)
# figures already written as text: 12, -0.3, 1,441, 83.5%, +0.30 [0.12, 0.48], < 5, 0.004 (p)...
NUMERIC_TEXT = re.compile(r"^(?:[<>≤≥]\s?)?[+\-−]?(?:\d[\d,]*(?:\.\d+)?|\.\d+)(?:\s?%)?(?:\s*(?:\[[^\]]*\]|\([^)]*\)|of [\d,]+))?$")
NOT_GROUPED = re.compile(r"(^|_|\b)(id|ids|year|seed|hash|code|version|phone)$", re.I)  # numbers shown without commas
MARKER_NOTE = ("{small}: fewer than {k} people (possibly none), not shown to protect them; hidden: {k} or more, "
               "not shown so that a smaller group cannot be worked out from the totals.")
STYLE = {"num": "text-align:right;white-space:nowrap", "text": "text-align:left;white-space:nowrap",
         "long": "text-align:left;white-space:normal;min-width:12em;max-width:30em"}
HEAD = "white-space:normal;vertical-align:bottom"  # headers wrap at spaces
# readable headers for the core frames' column names (the frames keep theirs); any other name reads with spaces
HEADERS = {
    "person_id": "person", "mentor_id": "mentor", "mentee_id": "mentee",
    "n_pre": "before", "n_post": "after", "n_paired": "paired", "missing_post": "no after response",
    "missing_pre": "no before response", "mean_pre": "mean before", "mean_post": "mean after",
    "mean_change": "mean change", "n_comparison": "comparison (n)", "logrank_chi2": "log-rank χ²",
    "p_logrank": "p (log-rank)", "reverse_keyed": "reverse-keyed items", "days_since_last": "days since last meeting",
    "total_fit": "total fit", "data_hash": "data hash", "not_eligible": "not eligible", "signed_up": "signed up",
}


def header_text(name: object) -> str:
    """The header a reader sees for a column: ``mentor_id`` reads ``mentor``, ``mean_pre`` ``mean before``,
    any other snake_case name with spaces (``mentor_department``: ``mentor department``)."""
    text = str(name)
    return HEADERS.get(text, text.replace("_", " ").strip() or text)


def _headers(names: list[object], readable: bool = True) -> list[str]:
    """The header cells' escaped text: readable (two alike keep their names in words), or the frame's own."""
    if not readable:
        return [html.escape(str(n)).replace("_", "_<wbr>") for n in names]
    texts = [header_text(n) for n in names]
    texts = [t if texts.count(t) == 1 else str(n).replace("_", " ") for t, n in zip(texts, names)]
    return [html.escape(t) for t in texts]


def _blank(value: object) -> bool:
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    return isinstance(value, str) and value.strip() in ("", "nan", "NaN", "None", "<NA>", "NaT")


def _decimals(values: pd.Series) -> int:
    """Decimals a float column needs (at most 3): 0 when every value is whole."""
    for d in range(4):
        if np.allclose(values, values.round(d), rtol=0, atol=1e-9):
            return d
    return 3


def _is_number(value: object) -> bool:
    return isinstance(value, (int, float, np.integer, np.floating)) and not isinstance(value, (bool, np.bool_))


def _text(value: object) -> str:
    if isinstance(value, (bool, np.bool_)):
        return "yes" if value else "no"
    if isinstance(value, pd.Timestamp | datetime):
        ts = pd.Timestamp(value)
        return f"{ts:%Y-%m-%d}" if ts == ts.normalize() else f"{ts:%Y-%m-%d %H:%M}"
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, (list, tuple, set, np.ndarray)):
        return "; ".join(_text(v) for v in value if not _blank(v))
    return str(value)


def column_cells(column: pd.Series, grouped: bool = True) -> tuple[list[str], str]:
    """The cells of one column as text, and its kind: ``num`` (right-aligned), ``text`` or ``long`` (wraps)."""
    present = [v for v in column if not _blank(v)]
    if present and all(_is_number(v) for v in present):
        floats = pd.Series([float(v) for v in present])
        d = _decimals(floats)
        sep = "," if grouped else ""
        return ["" if _blank(v) else f"{float(v):{sep}.{d}f}" for v in column], "num"
    cells = ["" if _blank(v) else _text(v) for v in column]
    shown = [c for c in cells if c]
    if shown and all(NUMERIC_TEXT.match(c.strip()) for c in shown):
        return cells, "num"
    return cells, "long" if any(len(c) > LONG_TEXT for c in shown) else "text"


def table_html(frame: pd.DataFrame, *, caption: str = "", max_rows: int | None = None, na_rep: str = "",
               notes: Mapping[str, str] | None = None, readable_headers: bool = True) -> str:
    """``frame`` as an escaped HTML table in the house style; a note says how many rows were left out.

    ``na_rep`` is what a missing value shows (blank by default; never ``None``/``nan``/``<NA>``). Suppressed
    counts show their marker from ``frame.attrs["hidden"]``; ``notes`` (or ``frame.attrs["notes"]``) are
    footnotes, e.g. why a column is blank. Headers read as words (``header_text``) unless ``readable_headers``
    is False (a preview of a file, whose own column names the reader must recognise).
    """
    shown = frame if max_rows is None else frame.head(max_rows)
    hidden = frame.attrs.get("hidden", {}) or {}
    k_marks: set[str] = set()
    columns, kinds = [], []
    for j, name in enumerate(shown.columns):
        col = shown.iloc[:, j]
        cells, kind = column_cells(col, grouped=not NOT_GROUPED.search(str(name)))
        marks = hidden.get(name, {})
        for i, label in enumerate(shown.index):
            if label in marks and not cells[i]:
                cells[i] = marks[label]
                k_marks.add(marks[label])
        if marks and kind != "long":
            kind = "num" if all(not c or c in k_marks or NUMERIC_TEXT.match(c) for c in cells) else kind
        columns.append([html.escape(c) if c else html.escape(na_rep) for c in cells])
        kinds.append(kind)
    head = "".join(f'<th class="rm-{kind}" style="{STYLE[kind].split(";")[0]};{HEAD}">{text}</th>'
                   for text, kind in zip(_headers(list(shown.columns), readable_headers), kinds))
    body = "".join("<tr>" + "".join(f'<td class="rm-{kinds[j]}" style="{STYLE[kinds[j]]}">{columns[j][i]}</td>'
                                    for j in range(len(kinds))) + "</tr>" for i in range(len(shown)))
    table = (f'<table class="rm-table" style="border-collapse:collapse;width:auto"><thead><tr>{head}</tr></thead>'
             f"<tbody>{body}</tbody></table>")
    foot = dict(frame.attrs.get("notes", {}) or {})
    foot.update(notes or {})
    small = sorted(m for m in k_marks if m.startswith("<"))
    if small:
        k = small[0].lstrip("< ").strip()
        foot.setdefault("suppressed", MARKER_NOTE.format(small=small[0], k=k))
    lines = [f'<p class="rm-note"><em>{html.escape(text)}</em></p>' for text in foot.values()]
    if max_rows is not None and len(frame) > max_rows:
        lines.append(f'<p class="rm-note"><em>showing {max_rows:,} of {len(frame):,} rows</em></p>')
    title = f'<p class="rm-caption"><strong>{html.escape(caption)}</strong></p>' if caption else ""
    return title + '<div class="rm-table-wrap" style="overflow-x:auto">' + table + "</div>" + "".join(lines)
