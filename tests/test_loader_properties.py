"""Property tests: whatever a file holds, the loader returns one row per data row or an InputError.

Files are generated as a spreadsheet program would write them (csv quoting, ',' or ';',
optional BOM, CRLF) from valid and deliberately malformed tables: wrong types, missing,
extra and repeated columns, ragged rows, blank lines, huge cells, formula and HTML text,
and manager graphs with a cycle of any length.
"""
from __future__ import annotations

import csv
import io
import re
import tempfile
from pathlib import Path

import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from revmentor_nb.errors import InputError
from revmentor_nb.io import contract
from revmentor_nb.io.load import load
from revmentor_nb.io.read import normalise_header

SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
PARTICIPANT_COLUMNS = [c.name for c in contract.PARTICIPANTS.columns]
ROSTER_COLUMNS = [c.name for c in contract.ROSTER.columns]
RESERVED = {normalise_header(n) for k in (contract.PARTICIPANTS, contract.ROSTER)
            for c in k.columns for n in (c.name, *c.aliases)}
SPECIAL = ["=cmd()", '=HYPERLINK("http://example.org","x")', "+SUM(A1)", "@evil", "-1", "<script>alert(1)</script>",
           "<b>bold</b> & co", "yes", "No", "maybe", "senior", "0", "1.5", "3", "mentor", "MENTEE", "either", "boss",
           "a@b", "x@y.org", "2024-02-30", "31/12/2024", "NULL", "NaN", "None", "#N/A", "TRUE", "a; b; ;A",
           "line\nbreak", 'quote " inside', "semi;colon,comma", "\t tab ", "Zoë Ñandú 北京"]
TOPICS = ["data", "AI tools", "cloud", "inclusion", "podcasts", "Excel"]

any_text = st.text(st.characters(exclude_categories=("Cs",)), max_size=25)
huge_text = st.builds(lambda n, c: c * n, st.integers(150_000, 200_000), st.sampled_from(["a", ";", "x,", '"']))
junk_small = st.one_of(any_text, st.sampled_from(SPECIAL), st.just(""))
junk = st.integers(0, 9).flatmap(lambda k: huge_text if k == 0 else junk_small)  # a huge cell now and then
safe_name = st.text(st.characters(categories=("L", "N"), include_characters=" -()#&."), min_size=1, max_size=20)
ident = st.text("ABCDEFGHJKLMNPQRSTUVWXYZ0123456789-_.", min_size=1, max_size=8)


# --- writing files --------------------------------------------------------------------------


def render(records: list[list[str]], delimiter: str, bom: bool) -> bytes:
    """Bytes of a CSV as a spreadsheet writes it (CRLF, minimal quoting)."""
    out = io.StringIO()
    csv.writer(out, delimiter=delimiter, lineterminator="\r\n").writerows(records)
    return (b"\xef\xbb\xbf" if bom else b"") + out.getvalue().encode("utf-8")


@st.composite
def layout(draw, header: list[str], rows: list[list[str]]):
    """Records with blank lines (empty or whitespace-only) sprinkled before and between rows."""
    blank = st.one_of(st.just([]), st.lists(st.sampled_from(["", " ", "\t"]), min_size=1, max_size=4))
    records = draw(st.lists(blank, max_size=2))
    header_row = len(records) + 1
    records.append(header)
    for row in rows:
        records.extend(draw(st.lists(blank, max_size=1)))
        records.append(row)
    records.extend(draw(st.lists(blank, max_size=2)))
    return records, header_row


def data_rows(records: list[list[str]], header_row: int) -> list[int]:
    """Spreadsheet numbers of the non-blank records after the header."""
    return [i + 1 for i, r in enumerate(records) if i + 1 > header_row and any(c.strip() for c in r)]


def load_bytes(kind: str, content: bytes, **kwargs) -> pd.DataFrame:
    """Write ``content`` to a temporary CSV and load it."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"{kind}.csv"
        path.write_bytes(content)
        return load(kind, path, **kwargs)


def header_variant(draw, kind: contract.Kind, name: str) -> str:
    """The column's name or an alias, in some case, with spaces/underscores swapped."""
    text = draw(st.sampled_from([name, *kind.column(name).aliases]))
    text = draw(st.sampled_from([text, text.upper(), text.title(), f"  {text} "]))
    return text.replace("_", " ") if draw(st.booleans()) else text


def extra_header(draw) -> str:
    """A header that is no contract column or alias."""
    return draw(safe_name.filter(lambda h: h.strip() and normalise_header(h) not in RESERVED))


# --- valid participants -------------------------------------------------------------------


def manager_forest(draw, ids: list[str]) -> list[str]:
    """A manager for each id (or ''), pointing only at earlier ids: never a cycle."""
    return ["" if i == 0 or draw(st.booleans()) else ids[draw(st.integers(0, i - 1))] for i in range(len(ids))]


@st.composite
def valid_participants(draw):
    """A valid sign-ups table: (header, rows, person ids, consent flags, grades)."""
    n = draw(st.integers(0, 15))
    ids = draw(st.lists(ident, min_size=n, max_size=n, unique=True))
    managers = manager_forest(draw, ids)
    order = draw(st.permutations(range(n)))
    columns = ["person_id", "name", "role", "department", "grade", "consent", "offers", "wants"]
    columns += draw(st.lists(st.sampled_from(["email", "manager_id", "location", "remote_ok", "interests",
                                              "capacity", "gender", "preferences"]), unique=True))
    columns = draw(st.permutations(columns))
    extras: list[str] = []
    for _ in range(draw(st.integers(0, 2))):
        extra = extra_header(draw)
        if normalise_header(extra) not in {normalise_header(e) for e in extras}:
            extras.append(extra)
    header = [header_variant(draw, contract.PARTICIPANTS, c) for c in columns] + extras
    rows, consent, grades = [], [], []
    for i in order:
        role = draw(st.sampled_from(contract.ROLES))
        agreed = draw(st.booleans())
        grade = draw(st.integers(0, 20))
        cell = {
            "person_id": ids[i], "name": draw(st.one_of(safe_name, st.sampled_from(SPECIAL[:8]))).strip() or "N",
            "role": draw(st.sampled_from([role, role.upper(), role.title()])),
            "department": draw(safe_name.filter(str.strip)), "grade": draw(st.sampled_from([str(grade), f"{grade}.0"])),
            "consent": draw(st.sampled_from(["yes", "y", "true", "1", "YES"] if agreed else ["no", "n", "false", "0", "No"])),
            "offers": "; ".join(draw(st.lists(st.sampled_from(TOPICS), min_size=role != "mentee", max_size=3))),
            "wants": "; ".join(draw(st.lists(st.sampled_from(TOPICS), min_size=role != "mentor", max_size=3))),
            "email": draw(st.sampled_from(["", f"p{i}@example.org", f"first.last+{i}@mail.example.co.uk"])),
            "manager_id": managers[i], "location": draw(safe_name),
            "remote_ok": draw(st.sampled_from(["", "yes", "no", "TRUE", "0"])),
            "interests": draw(st.sampled_from(["", "chess; running", "chess;CHESS"])),
            "capacity": draw(st.sampled_from(["", "1", "2", "5"])), "gender": draw(st.sampled_from(["", "F", "M", "X"])),
            "preferences": "; ".join(draw(st.lists(st.sampled_from(ids), max_size=3))),
        }
        rows.append([cell[c] for c in columns] + [draw(junk_small) for _ in extras])
        consent.append(agreed)
        grades.append(grade)
    return header, rows, [ids[i] for i in order], consent, grades


@SETTINGS
@given(table=valid_participants(), data=st.data())
def test_a_valid_file_always_loads(table, data):
    header, rows, ids, consent, grades = table
    records, header_row = data.draw(layout(header, rows))
    content = render(records, data.draw(st.sampled_from([",", ";"])), data.draw(st.booleans()))
    frame = load_bytes("participants", content)
    assert list(frame.index) == data_rows(records, header_row)
    assert frame["person_id"].tolist() == ids
    assert frame["consent"].tolist() == consent
    assert frame["grade_rank"].tolist() == grades
    assert list(frame.columns[: len(PARTICIPANT_COLUMNS) + 1]) == (
        PARTICIPANT_COLUMNS[:7] + ["grade_rank"] + PARTICIPANT_COLUMNS[7:])


# --- malformed participants and rosters ---------------------------------------------------


@st.composite
def malformed_table(draw, kind: contract.Kind):
    """A table with random contract columns (some missing, some repeated), extras and junk cells."""
    names = [c.name for c in kind.columns]
    columns = draw(st.lists(st.sampled_from(names), min_size=1, max_size=len(names) + 2))
    header = [header_variant(draw, kind, c) for c in columns]
    header += [extra_header(draw) for _ in range(draw(st.integers(0, 2)))]
    n = draw(st.integers(0, 10))
    ids = [f"P{i}" for i in range(n)]
    rows = []
    for _ in range(n):
        row = [draw(st.one_of(junk, st.sampled_from(ids or [""]))) if draw(st.booleans()) else draw(junk_small)
               for _ in header]
        cut = draw(st.integers(-2, 2))  # ragged rows: missing or extra cells
        row = row[:cut] if cut < 0 else row + [draw(junk_small) for _ in range(cut)]
        rows.append(row)
    return header, rows


@st.composite
def mutated_participants(draw):
    """A valid sign-ups table with a few cells, columns or row widths broken (or none at all)."""
    header, rows, *_ = draw(valid_participants())
    rows = [list(r) for r in rows]
    for _ in range(draw(st.integers(0, 3))):
        action = draw(st.sampled_from(["cell", "cell", "drop", "repeat", "ragged"]))
        if action == "cell" and rows:
            row, col = draw(st.integers(0, len(rows) - 1)), draw(st.integers(0, len(header) - 1))
            rows[row][col] = draw(junk)
        elif action == "drop" and len(header) > 1:
            col = draw(st.integers(0, len(header) - 1))
            header = header[:col] + header[col + 1:]
            rows = [r[:col] + r[col + 1:] for r in rows]
        elif action == "repeat":
            col = draw(st.integers(0, len(header) - 1))
            header = header + [header[col].upper()]
            rows = [r + [r[col]] for r in rows]
        elif action == "ragged" and rows:
            row = draw(st.integers(0, len(rows) - 1))
            rows[row] = rows[row] + [draw(junk_small)] if draw(st.booleans()) else rows[row][:-1]
    return header, rows


def assert_problems_are_located(problems: pd.DataFrame, records: list[list[str]], header_row: int,
                                kind: contract.Kind, header: list[str]) -> None:
    """Every problem has text, a fix, a row inside the file (or none) and a known column."""
    allowed = {c.name for c in kind.columns} | {h.strip() for h in header}
    assert len(problems) > 0
    for row, column, problem, fix in zip(problems["row"], problems["column"], problems["problem"], problems["fix"]):
        assert problem.strip() and fix.strip()
        assert pd.isna(row) or header_row < row <= len(records)
        assert column in allowed or re.fullmatch(r"column [A-Z]+", column), column  # a cell beyond the header


def check_outcome(kind: contract.Kind, header: list[str], rows: list[list[str]], data, **kwargs) -> None:
    """Load the rendered table: one row per non-blank data row, or an InputError that locates its problems."""
    records, header_row = data.draw(layout(header, rows))
    content = render(records, data.draw(st.sampled_from([",", ";"])), data.draw(st.booleans()))
    try:
        frame = load_bytes(kind.name, content, **kwargs)
    except InputError as exc:
        assert_problems_are_located(exc.problems, records, header_row, kind, header)
    else:
        assert list(frame.index) == data_rows(records, header_row)


@SETTINGS
@given(table=st.one_of(malformed_table(contract.PARTICIPANTS), mutated_participants()), data=st.data())
def test_malformed_participants_load_or_raise_input_error(table, data):
    check_outcome(contract.PARTICIPANTS, *table, data)


@SETTINGS
@given(table=malformed_table(contract.ROSTER), data=st.data())
def test_malformed_roster_loads_or_raises_input_error(table, data):
    check_outcome(contract.ROSTER, *table, data, grade_order=data.draw(st.sampled_from([None, ["A", "b", "C"]])))


# --- manager cycles of any length ---------------------------------------------------------


@st.composite
def graph_with_cycle(draw):
    """(ids, managers, cycle): one planted cycle; everyone else hangs off it or off a tree."""
    n = draw(st.integers(1, 30))
    ids = [f"E{i:03d}" for i in range(n)]
    cycle = draw(st.lists(st.sampled_from(ids), min_size=1, max_size=n, unique=True))
    managers = dict(zip(cycle, cycle[1:] + cycle[:1]))
    placed = list(cycle)
    for person in draw(st.permutations([i for i in ids if i not in managers])):
        managers[person] = "" if draw(st.booleans()) else draw(st.sampled_from(placed))
        placed.append(person)
    return ids, [managers[i] for i in ids], cycle


@settings(max_examples=30, deadline=None)
@given(graph=graph_with_cycle(), data=st.data())
def test_every_row_on_a_cycle_is_reported(graph, data):
    ids, managers, cycle = graph
    kind = data.draw(st.sampled_from(["participants", "roster"]))
    if kind == "roster":
        header = ["person_id", "manager_id", "department", "grade", "hire_date"]
        rows = [[p, m, "Ops", "3", "2020-01-01"] for p, m in zip(ids, managers)]
    else:
        header = ["person_id", "name", "role", "department", "grade", "consent", "wants", "manager_id"]
        rows = [[p, "N", "mentee", "Ops", "3", "yes", "data", m] for p, m in zip(ids, managers)]
    records, header_row = data.draw(layout(header, rows))
    try:
        load_bytes(kind, render(records, ",", False))
    except InputError as exc:
        problems = exc.problems
    else:
        raise AssertionError("a manager cycle was not reported")
    flagged = problems[problems["problem"].str.startswith("manager cycle")]
    row_of = dict(zip(ids, data_rows(records, header_row)))
    assert sorted(flagged["row"]) == sorted(row_of[p] for p in cycle)
    assert len(problems) == len(flagged)
    if len(cycle) <= 10:
        assert all(all(p in text for p in cycle) for text in flagged["problem"])
