"""Tables longer than the shown rows can be read whole, offline: a collapsed section with every row."""
from __future__ import annotations

import pandas as pd
import pytest

from revmentor_nb.report.output import table_block


def test_a_long_table_shows_its_head_and_every_row_in_a_collapsed_section():
    frame = pd.DataFrame({"pair": [f"P-{i:03d}" for i in range(75)], "note": ["<b>x</b>"] * 75})
    page = table_block(frame, "Pairs", max_rows=30)
    head, _, rest = page.partition("<details")
    assert "showing 30 of 75 rows" in head and "P-029" in head and "P-030" not in head
    assert rest.count("<tr") == 76 and all(f"P-{i:03d}" in rest for i in range(75))  # header + every row
    assert "Show all 75 rows" in rest and "<script" not in page and "<b>x</b>" not in page  # escaped, no script


def test_a_short_table_has_no_collapsed_section():
    page = table_block(pd.DataFrame({"a": range(30)}), max_rows=30)
    assert "<details" not in page and "showing" not in page


@pytest.mark.notebook
def test_the_demo_match_report_holds_every_pair(demo_workspace):
    from revmentor_nb import Workspace

    n = len(Workspace(demo_workspace).match_run().pairs)
    assert n > 30
    page = (demo_workspace / "reports" / "02_match.html").read_text(encoding="utf-8")
    assert f"Show all {n} rows" in page
