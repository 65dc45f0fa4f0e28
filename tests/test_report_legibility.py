"""The four demo reports read without squinting: every table and chart, as a board member sees them.

Tables: no ``None``/``nan``/``<NA>`` anywhere; headers in words, not snake_case; text columns left-aligned
and number columns right-aligned;
the design report's grade breakdown hides no count of k or more that could be shown (each hidden
complement is needed: showing it would let a small cell be worked out). Charts: each has a one-sentence
description, in its SVG and as the image's alternative text; time axes run in date order.
"""
from __future__ import annotations

import re

import numpy as np
import pytest
from report_reading import count_in, is_blank, read_report

from revmentor_nb import Workspace
from revmentor_nb.design.forecast import grade_supply_demand
from revmentor_nb.privacy.cells import CellTable, audit
from revmentor_nb.report.tables import header_text
from revmentor_nb.workspace.signups import design_signups

pytestmark = pytest.mark.notebook  # reads the reports the demo's notebooks wrote

REPORTS = ("01_design.html", "02_match.html", "03_monitor.html", "04_evaluate.html")
NEVER = {"None", "nan", "NaN", "<NA>", "NaT"}
FIGURE = re.compile(r"^[<>≤≥]?\s?[+\-−]?(\d[\d,]*)?\.?\d+\s?%?(\s*(\[[^\]]*\]|\([^)]*\)|of [\d,]+))?$")
MARKER = re.compile(r"^(<\s?\d+|hidden)$")


def _kind(cells: list[str]) -> str:
    """'number' if every non-blank cell is a figure, 'text' if a cell has a letter, '' otherwise (dates, ranges)."""
    shown = [c.strip() for c in cells if c.strip() and not MARKER.match(c.strip())]
    if not shown:
        return ""
    if all(FIGURE.match(c) for c in shown):
        return "number"
    return "text" if any(re.search(r"[A-Za-z]", c) for c in shown) else ""


@pytest.fixture(scope="module")
def reports(demo_workspace):
    return {name: read_report(demo_workspace / "reports" / name) for name in REPORTS}


def test_no_table_cell_says_none_nan_or_na(reports):
    bad = [f"{name} [{t.caption}] row {i}: {cell!r}" for name, r in reports.items() for t in r.tables
           for i, row in enumerate(t.rows) for cell in row if cell.strip() in NEVER]
    assert not bad, "\n".join(bad[:30])


def test_text_columns_are_left_aligned_and_number_columns_right_aligned(reports):
    bad, seen = [], 0
    for name, r in reports.items():
        for t in r.tables:
            for j, head in enumerate(t.header):
                kind = _kind([row[j] for row in t.rows if j < len(row)])
                aligns = {a[j] for a in t.align if j < len(a)}
                seen += 1
                if kind == "text" and "right" in aligns:
                    bad.append(f"{name} [{t.caption}] text column {head!r} is right-aligned")
                if kind == "number" and aligns != {"right"}:
                    bad.append(f"{name} [{t.caption}] number column {head!r} is aligned {sorted(aligns)}")
    assert seen > 50, "the reports have hardly any table columns to check"
    assert not bad, "\n".join(bad[:30])


def test_the_evaluation_report_marks_hidden_figures_never_with_a_dash(reports):
    """04 shows a suppressed count as '< 5' or 'hidden' and leaves its figures blank (with a footnote)."""
    dashes = [f"[{t.caption}] {t.header[j]!r}" for t in reports["04_evaluate.html"].tables for row in t.rows
              for j, cell in enumerate(row) if cell.strip() in ("—", "-", "–")]
    assert not dashes, dashes[:10]


def test_no_header_is_snake_case(reports):
    """Headers read as words ("mentor", "mean before", "signed up"), never a frame's column name (mentor_id)."""
    heads = [(name, t.caption, h) for name, r in reports.items() for t in r.tables for h in t.header]
    assert len(heads) > 100, "the reports have hardly any table headers to check"
    bad = [f"{name} [{caption}] header {h!r}" for name, caption, h in heads if "_" in h]
    assert not bad, "\n".join(bad[:30])


def test_large_numbers_have_thousands_separators(reports):
    bad = [f"{name} [{t.caption}] {cell!r}" for name, r in reports.items() for t in r.tables
           for j, head in enumerate(t.header) if not re.search(r"(^|_| )(id|hash|year|seed)$", head)
           for cell in (row[j] for row in t.rows if j < len(row)) if re.fullmatch(r"[+\-]?\d{5,}(\.\d+)?", cell.strip())]
    assert not bad, "\n".join(bad[:20])


def test_the_grade_breakdown_hides_only_small_cells_and_needed_complements(demo_workspace, reports):
    """Done-when of issue 19: every grade's counts the privacy rule allows are shown; each hidden count of k or
    more is needed (showing it would let a small cell be worked out, by the audit's linear programmes)."""
    ws = Workspace(demo_workspace)
    k = ws.design.privacy.k
    truth = grade_supply_demand(design_signups(ws).frame, ws.design).set_index("grade")
    table = reports["01_design.html"].tables_titled("Sign-ups by grade")[0]
    parts = ["mentors", "mentees", "not_eligible"]
    rows = [r["grade"] for r in table.records()]
    assert rows == list(truth.index.astype(str))
    cells = CellTable(truth[parts].to_numpy(float), truth["signed_up"].to_numpy(float))
    shown = {(r["grade"], c): r[header_text(c)] for r in table.records() for c in parts + ["signed_up"]}
    order = [(g, c) for g in rows for c in parts] + [(g, "signed_up") for g in rows]
    hidden = np.array([is_blank(shown[key]) for key in order])
    values = cells.values()
    for (g, c), h, v in zip(order, hidden, values):
        if not h:
            assert count_in(shown[(g, c)]) == v, f"{g} {c}: the report says {shown[(g, c)]}, the data {v:g}"
        else:
            assert shown[(g, c)] == (f"< {k}" if v < k or truth.loc[g, "signed_up"] < k else "hidden"), (g, c, v)
    assert not audit(cells, hidden, k), "a hidden count can be worked out from the published ones"
    forced = cells.forced(k)
    for i in np.flatnonzero(hidden & ~forced):
        fewer = hidden.copy()
        fewer[i] = False
        assert audit(cells, fewer, k), f"{order[i]} ({values[i]:g} people) is hidden but nothing needs it hidden"
    assert hidden.sum() > 0, "the demo's grade table has small cells to protect"
    # the board's question: every grade of k or more sign-ups shows its mentor and mentee counts here
    for g in rows:
        if truth.loc[g, "signed_up"] >= k:
            assert not is_blank(shown[(g, "mentors")]) and not is_blank(shown[(g, "mentees")]), g


def test_every_chart_has_a_one_sentence_description(reports):
    total = 0
    for name, r in reports.items():
        for chart in r.charts:
            total += 1
            where = f"{name} chart {chart.title!r}"
            assert chart.description, f"{where} has no description"
            assert chart.alt == chart.description, f"{where}: the image's alt text is not its description"
            sentence = chart.description.strip()
            assert sentence.endswith(".") and sentence.count(". ") == 0 and len(sentence.split()) >= 6, where
    assert total >= 12, f"only {total} charts found in the four reports"


def test_every_chart_fits_a_notebook_at_1024_px(reports):
    """At 1,024 px with JupyterLab's file browser open a notebook's output is about 590 px wide: a wider chart
    is cut at the right edge (the readiness chart was 745 px, the unmatched reasons 869 px)."""
    wide = [f"{name}: {c.title!r} {c.width:.0f} x {c.height:.0f} px" for name, r in reports.items() for c in r.charts
            if not 0 < c.width <= 580 or not 0 < c.height <= 2_000]
    assert wide == [], wide


def test_time_axes_run_in_date_order(reports):
    """03's timeline lists the communication plan's stages by date, not alphabetically."""
    for name in ("01_design.html", "03_monitor.html"):
        charts = [c for c in reports[name].charts if c.title.startswith(("Programme timeline", "Programme timeline:"))]
        assert charts, f"{name} has no timeline"
        stages = [m["stage"] for m in charts[0].marks if "stage" in m and "start" in m]
        starts = [m["start"] for m in charts[0].marks if "stage" in m and "start" in m]
        labels = [t for t in charts[0].texts if t in set(stages)]
        first = list(dict.fromkeys(labels))
        by_date = [s for _, s in sorted(zip(starts, stages), key=lambda p: np.datetime64(_iso(p[0])))]
        assert first == list(dict.fromkeys(by_date)), f"{name}: axis {first} vs dates {by_date}"


def _iso(text: str) -> str:
    from datetime import datetime

    for fmt in ("%b %d, %Y", "%Y-%m-%d", "%d %b %Y", "%B %d, %Y"):
        try:
            return datetime.strptime(text.strip(), fmt).date().isoformat()
        except ValueError:
            continue
    raise AssertionError(f"unreadable date {text!r}")
