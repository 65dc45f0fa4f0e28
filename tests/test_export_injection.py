"""Participant text is inert in everything the project writes: no formula in a CSV/XLSX, no markup in an HTML report.

A demo programme is built with hostile inputs - names, topics, departments, locations and
e-mails starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return; names, topics,
comments and meeting modes holding ``<script>``, ``<img onerror>`` and ``"><b>``; a measure in the
assessments named ``<script>...`` and ``[click](javascript:...)`` - and all four notebooks run on
it headless, as `revmentor run` runs them (names shown in the reports). Then:

* every CSV and XLSX the project wrote (exports, report tables; not the user's own input files,
  which ``imports/`` keeps byte for byte) has no cell a spreadsheet would run: text never starts
  with a formula character; a CSV cell may start with '-' only when it is a number;
* every HTML file (the four reports, agreements, introduction notes) parses to no element or
  attribute that came from participant text, and holds none of the payloads unescaped.
"""
from __future__ import annotations

import csv
import hashlib
import io
import re
from dataclasses import replace
from html.parser import HTMLParser
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import load_workbook

from revmentor_nb import demo
from revmentor_nb.demo.workspace import demo_design
from revmentor_nb.design.program import ProgramDesign
from revmentor_nb.io.export import FORMULA_STARTS
from revmentor_nb.run.pipeline import new_run_id, run_stages
from revmentor_nb.workspace.workspace import Workspace

SEED, EMPLOYEES = 5, 500
MARK = "rmxss"  # in every HTML payload, so markup that came from participant text can be recognised
SCRIPT = f'<script>alert("{MARK}1")</script>'
IMG = f'<img src=x onerror=alert("{MARK}2")>'
BREAK = f'"><b class={MARK}3>'
HTML_PAYLOADS = (SCRIPT, IMG, BREAK)
# Names: a formula start, then markup; a leading tab (or CR, below) is trimmed by the loader, leaving '=...'.
NAMES = [f'=HYPERLINK("http://evil.example","click") {SCRIPT}', f"+SUM(1) {IMG}", f"-2+3 {BREAK}", f"@SUM(1) {SCRIPT}",
         "\t=cmd|' /C calc'!A0", f"{SCRIPT} Ann", f"{IMG} Bob", f"{BREAK} Cy", '=1+1', "-Dee", "+Eve", "@Flo"]
CR_NAME = '\r=HYPERLINK("http://evil.example","cr") Gus'  # the loader trims the CR: '=...' must still be neutralised
TOPIC_FORMULA = "=cmd|' /C calc'!A0"
TOPIC_HTML = f'<img src=x onerror=alert("{MARK}4")>'
DEPARTMENT = f'@People <script>alert("{MARK}5")</script>'
LOCATION = "-London"
COMMENT = f'=HYPERLINK("http://evil.example","c") <script>alert("{MARK}6")</script>'
MODE = f"+video <b class={MARK}7>"
INSTRUMENT = f'<script>alert("{MARK}8")</script>[click](javascript:alert("{MARK}9"))'  # a measure no file describes
NUMBER = re.compile(r"-?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")


def _hostile_people(org: demo.DemoOrg) -> tuple[demo.DemoOrg, list[str]]:
    """Sign-ups whose text is hostile: names, e-mails, a department, a location and two topics everyone shares.

    Also returns the ids of two more people whose names are to start with a carriage return.
    """
    people = org.participants.copy()
    chosen, more = [], []
    for role in ("mentor", "mentee"):
        ids = people.index[(people["role"] == role) & people["consent"]]
        chosen += list(ids[: len(NAMES) // 2])
        more.append(str(people.loc[ids[len(NAMES) // 2], "person_id"]))
    for i, row in zip(chosen, NAMES * 2):
        people.loc[i, "name"] = row
    for n, i in enumerate(chosen[:3]):
        people.loc[i, "email"] = f"{'=+-'[n]}x{n}@evil.example"
    people["offers"] = [[TOPIC_FORMULA, TOPIC_HTML, *t] if r != "mentee" else list(t)
                        for r, t in zip(people["role"], people["offers"])]
    people["wants"] = [[TOPIC_FORMULA, TOPIC_HTML, *t] if r != "mentor" else list(t)
                       for r, t in zip(people["role"], people["wants"])]
    people["department"] = people["department"].replace({"People": DEPARTMENT})
    people["location"] = people["location"].replace({"London": LOCATION})
    return replace(org, participants=people), more


def _carriage_return_names(path: Path, ids: list[str]) -> None:
    """Give ``ids`` names starting with a carriage return, the file written as a spreadsheet writes it (CR quoted)."""
    with open(path, encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh))
    pid, name = rows[0].index("person_id"), rows[0].index("name")
    for row in rows[1:]:
        if row[pid] in ids:
            row[name] = CR_NAME
    with open(path, "w", encoding="utf-8", newline="") as fh:
        csv.writer(fh, lineterminator="\r\n").writerows(rows)


def _hostile_activity(act: demo.DemoActivity) -> demo.DemoActivity:
    """Check-in comments and meeting modes that are formulas and markup; a measure whose name is markup."""
    checkins = act.checkins.copy()
    checkins["comment"] = COMMENT
    meetings = act.meetings.copy()
    meetings["mode"] = MODE
    scores = act.assessments
    extra = scores[scores["instrument"] == scores["instrument"].iloc[0]].head(40).assign(instrument=INSTRUMENT)
    assessments = pd.concat([scores, extra], ignore_index=True)
    assessments.attrs = scores.attrs
    return replace(act, checkins=checkins, meetings=meetings, assessments=assessments)


@pytest.fixture(scope="module")
def hostile(tmp_path_factory) -> Path:
    """The hostile programme, all four stages run headless with names in the reports."""
    root = tmp_path_factory.mktemp("hostile") / "ws"
    org, cr_ids = _hostile_people(demo.build_demo(seed=SEED, n_employees=EMPLOYEES))
    _carriage_return_names(demo.write_inputs(org, root / "inputs")["participants"], cr_ids)
    ws = Workspace.create(root, demo_design(list(org.grade_order), org.start_date))
    run_id = new_run_id()
    shown = {"names_in_report": True}
    run_stages(ws.root, ["design", "match"], shown, run_id=run_id)
    pairs = Workspace(ws.root).require_match().pairs
    act = _hostile_activity(demo.simulate_activity(org, pairs, seed=SEED, cadence_days=ws.design.schedule.cadence_days))
    written = demo.write_activity(act, root / "inputs")
    inputs = {**ws.design.inputs, **{k: str(Path(p).resolve().relative_to(ws.root)) for k, p in written.items()}}
    ws.save_design(ProgramDesign.model_validate(ws.design.model_copy(update={"inputs": inputs}).model_dump()))
    run_stages(ws.root, ["monitor"], shown, run_id=run_id)
    one_year_on = (pd.Timestamp(org.start_date) + pd.DateOffset(years=1)).date().isoformat()
    run_stages(ws.root, ["evaluate"], {"as_of": one_year_on}, run_id=run_id)
    return ws.root


# --- spreadsheets -----------------------------------------------------------------------------


def written_sheets(root: Path) -> list[Path]:
    """Every CSV/XLSX under ``root`` the project wrote; ``inputs/`` and its byte-for-byte copies in ``imports/`` are the user's."""
    own = {hashlib.sha256(p.read_bytes()).hexdigest() for p in (root / "inputs").rglob("*") if p.is_file()}
    out = []
    for path in sorted(root.rglob("*")):
        if path.suffix.lower() not in (".csv", ".xlsx") or not path.is_file():
            continue
        rel = path.relative_to(root).parts
        if rel[0] == "inputs":
            continue
        if rel[0] == "imports":
            assert hashlib.sha256(path.read_bytes()).hexdigest() in own, f"{path} is no copy of an input file"
            continue
        out.append(path)
    return out


def runnable_cells(path: Path) -> tuple[list[str], int]:
    """(cells a spreadsheet would run as a formula, number of text cells) of one CSV or XLSX file."""
    bad: list[str] = []
    texts = 0
    if path.suffix.lower() == ".csv":
        with open(path, encoding="utf-8-sig", newline="") as fh:
            for r, row in enumerate(csv.reader(fh), start=1):
                for cell in row:
                    texts += 1
                    if cell.startswith(FORMULA_STARTS) and not NUMBER.fullmatch(cell):
                        bad.append(f"row {r}: {cell[:60]!r}")
        return bad, texts
    book = load_workbook(path)  # XLSX cells carry a type: only a formula cell runs (text is shown as written)
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if cell.data_type == "f":
                    bad.append(f"{sheet.title}!{cell.coordinate}: formula {str(cell.value)[:60]!r}")
                elif isinstance(cell.value, str):
                    texts += 1
    return bad, texts


def neutralised_starts(paths: list[Path]) -> set[str]:
    """The formula characters found neutralised (after the quote) in the files' cells."""
    seen: set[str] = set()
    for path in paths:
        if path.suffix.lower() == ".csv":
            with open(path, encoding="utf-8-sig", newline="") as fh:
                cells = [c for row in csv.reader(fh) for c in row]
            seen |= {c[1] for c in cells if len(c) > 1 and c[0] == "'" and c[1] in "=+-@\t\r"}
            continue
        cells = [c.value for s in load_workbook(path).worksheets for row in s.iter_rows() for c in row
                 if isinstance(c.value, str) and c.data_type != "f"]
        seen |= {c[0] for c in cells if c and c[0] in "=+-@\t\r"}  # text cells holding the payload as written
    return seen


def test_every_spreadsheet_the_hostile_programme_writes_is_formula_safe(hostile):
    paths = written_sheets(hostile)
    names = {p.name for p in paths}
    assert {"pairs.csv", "unmatched.csv", "pairs.xlsx", "03_monitor_nudges.csv"} <= names, names
    for path in paths:
        bad, texts = runnable_cells(path)
        assert texts > 0, path
        assert not bad, f"{path.relative_to(hostile)}: {bad[:5]}"
    # the payloads did reach the exports, neutralised
    assert {"=", "+", "-", "@"} <= neutralised_starts([p for p in paths if p.suffix == ".csv"])  # quoted in CSV
    assert {"=", "+", "-", "@"} <= neutralised_starts([p for p in paths if p.suffix == ".xlsx"])  # text cells in XLSX
    cells = {c for p in (hostile / "exports").rglob("pairs.csv")
             for row in csv.reader(io.StringIO(p.read_text(encoding="utf-8-sig"), newline="")) for c in row}
    assert "'" + CR_NAME.strip() in cells  # the name that started with a carriage return


def test_every_spreadsheet_of_the_demo_is_formula_safe(demo_workspace):
    paths = written_sheets(demo_workspace)
    assert any(p.name == "pairs.xlsx" for p in paths)
    for path in paths:
        bad, _ = runnable_cells(path)
        assert not bad, f"{path.relative_to(demo_workspace)}: {bad[:5]}"


# --- HTML ---------------------------------------------------------------------------------------


class MarkupFromText(HTMLParser):
    """Collects every element, attribute or script that holds the payload mark: markup made of participant text."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []
        self.in_script = False
        self.elements = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        """An element: no event-handler attribute, no attribute naming or holding the mark."""
        self.elements += 1
        self.in_script = tag in ("script", "style")
        for name, value in attrs:
            if (name.startswith("on") or MARK in name or MARK in (value or "") or (tag == "img" and value == "x")
                    or (value or "").strip().lower().startswith("javascript:")):
                self.found.append(f"<{tag} {name}={value!r}>")

    def handle_endtag(self, tag: str) -> None:
        """Leaving a script or style element."""
        if tag in ("script", "style"):
            self.in_script = False

    def handle_data(self, data: str) -> None:
        """Script text holding the mark ran from participant text."""
        if self.in_script and MARK in data:
            self.found.append(f"script text {data[:80]!r}")


def markup_from_text(page: str) -> list[str]:
    """Elements, attributes and script text in ``page`` that came from participant text, and raw payloads."""
    parser = MarkupFromText()
    parser.feed(page)
    parser.close()
    raw = [p for p in HTML_PAYLOADS + (TOPIC_HTML, DEPARTMENT, MODE, INSTRUMENT) if p in page]
    return parser.found + [f"raw payload {p!r}" for p in raw]


def test_every_html_file_shows_participant_markup_as_text(hostile):
    pages = sorted(hostile.rglob("*.html"))
    reports = {p.name for p in pages if p.parent.name == "reports"}
    assert {"01_design.html", "02_match.html", "03_monitor.html", "04_evaluate.html"} <= reports, reports
    assert any(p.parent.name == "agreements" for p in pages) and any(p.parent.name == "intros" for p in pages)
    shown = 0
    for path in pages:
        page = path.read_text(encoding="utf-8")
        assert not markup_from_text(page), f"{path.relative_to(hostile)}: {markup_from_text(page)[:5]}"
        shown += "&lt;script&gt;alert(" in page or "&lt;img src=x onerror" in page
    assert shown >= 3  # the payloads are in the reports, as text


def test_the_markup_check_sees_markup():
    assert markup_from_text(f"<p>{SCRIPT}</p>")
    assert markup_from_text(f"<p>{IMG}</p>")
    assert markup_from_text(f'<a title="{BREAK}</a>')
    assert not markup_from_text("<p>&lt;script&gt;alert(&quot;rmxss1&quot;)&lt;/script&gt;</p><script>var a=1;</script>")


def test_markdown_a_notebook_displays_cannot_make_links_or_elements(tmp_path):
    # found: a measure named like a Markdown link (from an assessments file) became a javascript: link
    # in 04_evaluate.html, through the evaluation's notes displayed as Markdown
    import nbformat

    from revmentor_nb.report.html import export_html

    shown = f"**Notes**\n\n- No instrument file for {INSTRUMENT}, <javascript:alert(1)>, ![x](javascript:alert(2)) {SCRIPT}"
    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell("display(Markdown(notes))")
    cell.outputs = [nbformat.v4.new_output("display_data", data={"text/markdown": shown, "text/plain": "<Markdown>"})]
    nb.cells = [nbformat.v4.new_markdown_cell("# A report\n\n[the programme site](https://example.org)"), cell]
    source = tmp_path / "nb.ipynb"
    nbformat.write(nb, str(source))
    page = export_html(source, tmp_path / "nb.html").read_text(encoding="utf-8")
    assert not markup_from_text(page), markup_from_text(page)
    assert "[click](javascript:alert(" in page and "&lt;javascript:alert(1)&gt;" in page  # shown as text
    assert "<strong>Notes</strong>" in page  # Markdown still formats
    assert '<a href="https://example.org">' in page  # the notebook's own Markdown cells are left alone
