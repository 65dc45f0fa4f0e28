"""Exports: formula-injection-safe CSV and XLSX; pair tables with reasons; agreements and notes that escape HTML."""
from __future__ import annotations

import csv
import tempfile
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from revmentor_nb import Workspace, match
from revmentor_nb.demo.organisation import build_demo
from revmentor_nb.demo.workspace import demo_design
from revmentor_nb.io.export import (
    FORMULA_STARTS,
    safe_cell,
    safe_frame,
    write_csv,
    write_xlsx,
)
from revmentor_nb.review.handover import (
    pair_table,
    reasons,
    report_unmatched,
    scrub_ids,
    write_outputs,
)

EVIL = ["=1+1", "+SUM(A1:A2)", "-2+3", "@SUM(1)", "\t=cmd", "\r=cmd", "=HYPERLINK(\"http://x\",\"click\")",
        "\uff1dcmd", "ok text", "a=b"]


@pytest.mark.parametrize("text", EVIL)
def test_safe_cell_neutralises_formula_starts(text):
    out = safe_cell(text)
    assert not str(out).startswith(FORMULA_STARTS)
    assert str(out).lstrip("'") == text  # the text itself is kept
    assert (out == text) == (not text.startswith(FORMULA_STARTS))


def test_safe_cell_keeps_numbers_dates_and_joins_lists():
    assert safe_cell(-3) == -3 and safe_cell(2.5) == 2.5 and safe_cell(True) is True and safe_cell(None) is None
    assert safe_cell(["AI tools", "=evil"]) == "AI tools; =evil"
    assert safe_cell(["=evil", "x"]) == "'=evil; x"


def _frame() -> pd.DataFrame:
    return pd.DataFrame({"name": EVIL, "n": range(len(EVIL)), "topics": [["a", "b"]] * len(EVIL),
                         "=header": ["x"] * len(EVIL)})


def test_csv_has_no_cell_that_a_spreadsheet_would_run(tmp_path):
    path = write_csv(_frame(), tmp_path / "out.csv", bom=True)
    with open(path, encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh))
    assert rows[0] == ["name", "n", "topics", "'=header"]
    for row in rows:
        for cell in row:
            assert not cell.startswith(FORMULA_STARTS), cell
    assert [r[0].lstrip("'") for r in rows[1:]] == EVIL
    assert rows[1][2] == "a; b"


def test_xlsx_cells_are_strings_never_formulas(tmp_path):
    """XLSX cells carry a type: text is stored as text exactly as written (no quote), never as a formula."""
    import zipfile

    path = write_xlsx({"pairs": _frame(), "bad/name:[x]": _frame().head(1)}, tmp_path / "out.xlsx")
    wb = load_workbook(path)
    assert wb.sheetnames == ["pairs", "bad_name__x_"]
    ws = wb["pairs"]
    for row in ws.iter_rows():
        for cell in row:
            assert cell.data_type != "f", cell.coordinate
            if isinstance(cell.value, str):
                assert cell.data_type in ("s", "inlineStr"), cell.coordinate
    assert [c.value for c in ws[1]] == ["name", "n", "topics", "=header"]  # no apostrophe
    assert [c.value for c in ws["A"][1:]] == [t.replace("\r", "\n") for t in EVIL]  # XML keeps no CR
    assert [c.value for c in ws["B"][1:]] == list(range(len(EVIL)))
    assert ws["C2"].value == "a; b"
    with zipfile.ZipFile(path) as z:  # the file itself, not openpyxl's reading of it: no formula element anywhere
        sheets = [z.read(n).decode() for n in z.namelist() if n.startswith("xl/worksheets/")]
    assert sheets and not any("<f>" in x or "<f " in x for x in sheets)


@settings(max_examples=80, deadline=None)
@given(st.lists(st.text(min_size=0, max_size=12), min_size=1, max_size=6))
def test_any_text_is_safe_in_csv(texts):
    with tempfile.TemporaryDirectory() as tmp:
        path = write_csv(pd.DataFrame({"v": texts}), Path(tmp) / "v.csv")
        with open(path, encoding="utf-8", newline="") as fh:
            rows = list(csv.reader(fh))
    assert len(rows) == len(texts) + 1  # a CR or LF inside a cell never starts a new row
    for row in rows[1:]:
        for cell in row:
            assert not cell.startswith(FORMULA_STARTS)
    assert len(safe_frame(pd.DataFrame({"v": texts}))) == len(texts)


# --- the handover of a match ----------------------------------------------------------------------

@pytest.fixture(scope="module")
def small():
    org = build_demo(3, n_employees=400)
    people = org.participants.copy()
    first_mentor = people.index[people["role"] == "mentor"][0]
    people.loc[first_mentor, "name"] = "=HYPERLINK(\"http://evil\")<script>alert(1)</script>"
    design = demo_design(list(org.grade_order), org.start_date)
    result = match(people, roster=org.roster, exclusions=org.exclusions, locks=org.locks, settings=design.matching)
    return org, people, design, result


def test_pair_table_has_pair_topics_and_reasons(small):
    _, people, _, result = small
    table = pair_table(result.pairs, people)
    assert len(table) == result.n_pairs
    for col in ("pair", "mentor_id", "mentor_name", "mentee_id", "mentee_name", "score", "shared_topics", "reasons"):
        assert col in table
    assert "gender" not in " ".join(table.columns) and "ethnicity" not in " ".join(table.columns)
    row = table.iloc[0]
    assert row["reasons"].startswith("shares ") and row["shared_topics"].split("; ")[0] in row["reasons"]
    locked = table[table["locked"]]
    assert len(locked) and locked["reasons"].str.contains("locked by a reviewer").all()
    assert reasons({"shared_topics": [], "topic_coverage": 0.0}, ["topic_coverage"]).startswith("no shared topic")


def test_report_unmatched_hides_ids_inside_reasons(small):
    _, people, _, result = small
    shown = report_unmatched(result.unmatched, people)
    ids = set(people["person_id"])
    assert "name" not in shown
    for text in shown["reason"].tolist() + shown["person_id"].tolist():
        assert not any(i in text for i in ids), text
    named = report_unmatched(result.unmatched, people, names=True)
    assert named["person_id"].tolist() == result.unmatched["person_id"].astype(str).tolist()
    assert scrub_ids(pd.Series(["E1 went to E12", "XE1"]), ["E1", "E12"]).tolist()[1] == "XE1"


def test_write_outputs_agreements_intros_and_safe_exports(small, tmp_path):
    _, people, design, result = small
    ws = Workspace.create(tmp_path / "ws", design)
    out = write_outputs(ws, "m-test", result.pairs, result.unmatched, people)
    assert out.folder == ws.root / "exports" / "m-test"
    n = result.n_pairs
    assert len(list((out.folder / "agreements").glob("*.md"))) == n
    assert len(list((out.folder / "agreements").glob("*.html"))) == n
    assert len(list((out.folder / "intros").glob("*.md"))) == n
    wb = load_workbook(out.pairs_xlsx)
    assert wb.sheetnames == ["pairs", "unmatched"]
    values = [c.value for row in wb["pairs"].iter_rows() for c in row if isinstance(c.value, str)]
    assert any(v.startswith("=HYPERLINK") for v in values)  # the name as written, in a text cell
    assert all(c.data_type != "f" for row in wb["pairs"].iter_rows() for c in row)
    csv_cells = out.pairs_csv.read_text(encoding="utf-8-sig")
    assert "'=HYPERLINK" in csv_cells and ",=HYPERLINK" not in csv_cells  # CSV keeps its quote
    evil = next(p for p in out.agreements if p.suffix == ".html" and "HYPERLINK" in p.read_text())
    page = evil.read_text()
    assert "<script>alert" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<script" not in page and 'src="http' not in page
    md = evil.with_suffix(".md").read_text()
    assert "Mentoring agreement" in md and "${" not in md
    notes = sorted((out.folder / "intros").glob("*.html"))
    assert all("<script" not in p.read_text() for p in notes)
    assert not (out.folder / "next-run-locks.csv").exists()
    # a second export of the same run replaces the folder whole (here with the review's standing overrides)
    standing = (pd.DataFrame({"mentor_id": ["a"], "mentee_id": ["b"]}),
                pd.DataFrame({"person_a": ["c"], "person_b": ["d"], "reason": ["=they know each other"]}))
    again = write_outputs(ws, "m-test", result.pairs.head(1), result.unmatched, people, standing=standing)
    assert len(list((again.folder / "agreements").glob("*.md"))) == 1
    assert (again.folder / "next-run-locks.csv").read_text(encoding="utf-8-sig").splitlines()[1] == "a,b"
    assert "'=they know" in (again.folder / "next-run-exclusions.csv").read_text(encoding="utf-8-sig")
    assert not [p for p in (ws.root / "exports").iterdir() if p.name.startswith(".")]


def test_current_names_only_the_accepted_runs_hand_over_and_the_index_lists_every_run(small, tmp_path):
    from revmentor_nb.review.handover import CURRENT, current_export, hand_over

    _, people, design, result = small
    ws = Workspace.create(tmp_path / "ws", design)
    first = ws.save_match(result, accepted=True)
    hand_over(ws, first, result, people)
    assert current_export(ws) == ws.root / "exports" / first
    assert (ws.root / "exports" / CURRENT).read_text().strip() == first
    second = ws.save_match(result)  # stored, not accepted: the current hand-over stays the first
    hand_over(ws, second, result, people)
    assert current_export(ws).name == first
    index = (ws.root / "exports" / "index.html").read_text()
    assert index.count("<tr>") == 3 and "current (accepted)" in index and "not accepted" in index
    ws.accept_match(second)  # accepted, no hand-over written for it yet: CURRENT names nothing stale
    assert current_export(ws) is None
    hand_over(ws, second, result, people)
    assert current_export(ws).name == second
    assert "accepted earlier, replaced" in (ws.root / "exports" / "index.html").read_text()


def _scrub_by_alternation(texts: list[str], ids: list[str], salt: str) -> list[str]:
    """The reference: one regex alternation of every id, longest first, bounded by neither a word character nor -."""
    import re

    from revmentor_nb.privacy.pseudonyms import pseudonym

    known = sorted({i for i in ids if i}, key=len, reverse=True)
    if not known:
        return texts
    pattern = re.compile(r"(?<![\w-])(" + "|".join(map(re.escape, known)) + r")(?![\w-])")
    return [pattern.sub(lambda m: pseudonym(m.group(1), salt), t) for t in texts]


_ID_CHARS = st.sampled_from(list("aE1-_.é 2"))


@settings(max_examples=150, deadline=None)
@given(ids=st.lists(st.text(_ID_CHARS, min_size=1, max_size=4), min_size=1, max_size=6),
       glue=st.lists(st.sampled_from(["", " ", "-", ".", "x", " went to ", "é", ", "]), min_size=1, max_size=8),
       picks=st.lists(st.integers(0, 5), min_size=1, max_size=8))
def test_scrub_ids_equals_the_alternation_on_any_ids_and_text(ids, glue, picks):
    """Ids of word characters and - take a set lookup per run; any other id the alternation: same text either way."""
    text = "".join(g + ids[p % len(ids)] for g, p in zip(glue, picks))
    texts = [text, "", "no ids here"]
    assert scrub_ids(pd.Series(texts), ids, "s").tolist() == _scrub_by_alternation(texts, ids, "s")


@settings(max_examples=40, deadline=None)
@given(st.lists(st.one_of(st.floats(allow_nan=True, allow_infinity=True), st.integers(-10**9, 10**9)),
                min_size=1, max_size=12), st.booleans())
def test_numeric_columns_read_back_as_the_cell_by_cell_writer_wrote_them(values, nullable_ints):
    """The numeric fast path writes what the per-cell writer (taken by an object column) writes, cell for cell."""
    floats = pd.Series([float(v) for v in values], dtype="float64")
    ints = pd.Series([int(v) for v in values if isinstance(v, int)] or [0],
                     dtype="Int64" if nullable_ints else "int64")

    def read(frames):
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "n.xlsx"
            write_xlsx(frames, path)
            book = load_workbook(path)
            return {name: [(c.value, c.data_type) for row in book[name].iter_rows(min_row=2) for c in row]
                    for name in book.sheetnames}

    fast = read({"f": pd.DataFrame({"x": floats}), "i": pd.DataFrame({"x": ints})})
    slow = read({"f": pd.DataFrame({"x": floats.astype(object)}), "i": pd.DataFrame({"x": ints.astype(object)})})
    assert fast == slow
