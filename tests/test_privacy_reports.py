"""Privacy sweep over every report the notebooks write: the demo workspace and a crafted one.

What a reader of ``reports/`` (the four HTML reports, their charts' mark data, the CSVs beside
them) must never get: a participant's e-mail, name (no run here asks for names) or raw id; a
sensitive attribute (gender, ethnicity, age band) next to a person; a check-in comment; a
figure about fewer than k people; or a suppressed figure recovered by subtracting the visible
groups from a total.

Tables are classified by caption (``TABLES``): grouped tables have their count columns checked
cell by cell, rows whose count is hidden must hide their figures too, and the parts of a
published whole must leave at least k people hidden (or none). Frequency tables of people's
characteristics (the design report's grade breakdown) get the rule per cell. Tables listing
people or pairs (pseudonymously, by design) are checked for what must not sit beside a person.
A table with an unknown caption is classified from its header, so a new table is checked too.

The crafted workspace (``crafted_workspace.py``) plants what a leak would show: unique names and
comments, a gender of 2 people, a two-group ethnicity (3 against the rest), a department of 3,
3 mentors answering a questionnaire and 2 mentees without a follow-up.
"""
from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

import crafted_workspace as crafted_ws
import pandas as pd
import pytest
from report_reading import Chart, Report, Table, count_in, is_blank, read_report

from revmentor_nb import Workspace
from revmentor_nb.privacy.pseudonyms import pseudonym

pytestmark = pytest.mark.notebook  # runs the notebooks (papermill), like test_notebooks

REPORTS = ("01_design.html", "02_match.html", "03_monitor.html", "04_evaluate.html")
SENSITIVE = ("gender", "ethnicity", "age_band")
NUMBER = re.compile(r"^[+\-−]?\d")  # a cell showing a figure (a table of unknown layout)
EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")


# --------------------------------------------------------------------------- what each table is


@dataclass(frozen=True)
class Grouped:
    """A table of figures about groups of people.

    ``counts``: columns holding how many people a row's figures rest on (each must be hidden, 0 or
    at least k); ``figures``: columns that must be blank when the first count is (``*``: every
    column showing a number); ``base``: the columns giving the size of the group a row is about,
    the first one shown counting (e.g. the people asked, else those who answered), which must be
    0 or at least k; ``parts``: counts breaking down ``total`` within a row, checked per cell (a
    frequency table); ``follow``: figure -> part it derives from; ``blank_with``: single figures
    resting on a small count (count column -> figure); ``whole``: how to read the published
    total the rows are parts of.
    """

    counts: tuple[str, ...]
    figures: tuple[str, ...] = ()
    base: tuple[str, ...] = ()
    parts: tuple[str, ...] = ()
    total: str | None = None
    follow: tuple[tuple[str, str], ...] = ()
    blank_with: tuple[tuple[str, str], ...] = ()
    whole: Callable[[Report], int | None] | None = None


@dataclass(frozen=True)
class People:
    """A table listing people or pairs by (pseudonymous) id."""

    ids: tuple[str, ...]


@dataclass(frozen=True)
class NotGrouped:
    """A table that is not about groups of people; ``why`` says what it is."""

    why: str


def _signups_total(report: Report) -> int | None:
    m = re.search(r"(\d+) sign-ups (?:read|imported)", report.text)
    return int(m.group(1)) if m else None


OPERATIONAL = ("counts of pairs or contacts by programme status: the same report lists the pairs themselves "
               "(pseudonymous) with their status, by design, so a count reveals nothing more")
TABLES: dict[str, dict[str, Grouped | People | NotGrouped]] = {
    "01_design.html": {
        "Design summary": NotGrouped("the design's decisions"),
        "Valid, but worth a second look": NotGrouped("advice on the design"),
        "Readiness questions": NotGrouped("the readiness answers"),
        "Sign-ups by grade": Grouped(counts=("signed up",), parts=("mentors", "mentees", "not eligible"),
                                     total="signed up", follow=(("mentor places", "mentors"),),
                                     whole=_signups_total),
        "Left unmatched, by reason": Grouped(counts=("people",)),
        "Pilot size": NotGrouped("the power calculation"),
        "Communication plan": NotGrouped("dates and audiences"),
        "People forecast to go unmatched": People(("person",)),
        "What changes with": NotGrouped("workshop what-if figures (workshop mode only)"),
    },
    "02_match.html": {
        "Imports": NotGrouped("files imported: totals, not groups"),
        "Roster": NotGrouped("files imported"),
        "Match run": NotGrouped("the run's totals"),
        "Unmatched people and the reason": People(("person",)),
        "Pairs, their reasons": People(("mentor", "mentee")),
    },
    "03_monitor.html": {
        "Imports": NotGrouped("files imported"),
        "The rules in force": NotGrouped("the monitoring rules"),
        "Meetings at a glance": NotGrouped("programme totals"),
        "Trend over the last two cadence intervals": NotGrouped(OPERATIONAL),
        "Rows set aside or merged": NotGrouped("data rows set aside, not people"),
        "Check-ins by stage": Grouped(counts=("rated",), base=("asked", "answered"),
                                      figures=("satisfaction", "rated 1-2", "say on track")),
        "pairs at risk or needing a check-in": People(("mentor", "mentee")),
        "Contacts due": NotGrouped(OPERATIONAL),
        "Messages due as of": NotGrouped(OPERATIONAL + "; the messages are those contacts' introductions, nudges "
                                                     "and check-in invitations"),
        "Check-ins, agreements, training and communications due": People(("who", "mentor", "mentee")),
    },
    "04_evaluate.html": {
        "Imports": NotGrouped("files imported"),
        "Success criteria": NotGrouped("verdicts judged on the suppressed tables (evaluation_view.safe_verdict)"),
        "Change from before to after": Grouped(
            counts=("paired",), figures=("mean before", "mean after", "change [95% CI]", "paired t p", "Wilcoxon p",
                                         "Cohen's dz [95% CI]", "before, completers"),
            blank_with=(("no after response", "before, no after response"),)),
        "Scores after the programme": Grouped(counts=("n",), figures=("mean after [95% CI]",)),
        "Instruments used": NotGrouped("the instruments' definitions"),
        "Reliability": Grouped(counts=("n",), figures=("items", "Cronbach's alpha [95% CI]")),
        "Roster KPIs": Grouped(counts=("participants", "comparison group"),
                               figures=("difference, points [95% CI]", "Fisher p")),
        "How alike the groups were": Grouped(counts=("participants (n)", "comparison (n)"),
                                             figures=("participants", "comparison", "standardised difference")),
        "Under-represented groups": Grouped(counts=("senior staff",)),
        "Log-rank tests": Grouped(counts=("n", "comparison (n)"), figures=("log-rank χ²", "p (log-rank)")),
        "Change vs meetings held": Grouped(counts=("n",), figures=("change per extra meeting [95% CI]", "p (slope)",
                                                                   "R²", "Spearman's rho", "p (rho)")),
    },
}
COUNT_HEADERS = re.compile(r"^(n|n_\w+|people|count|\w+ \(n\))$")
ID_HEADERS = re.compile(r"^(person_id|\w+_id|who|person|mentor|mentee)$")  # the reports' headers read "mentor"
# charts whose marks count people by a characteristic; the counts are checked like table cells
CHART_COUNT_FIELDS = ("people", "n", "n_paired", "at_risk")
# charts of counts that are not about people's characteristics (see OPERATIONAL and the topics note)
CHARTS_NOT_GROUPED = (
    "Supply (mentor places) and demand (mentees) by topic",  # topics offered and wanted, not who people are
    "Pairs by status", "Pairs by status over time", "Meetings per pair since its start",  # OPERATIONAL
    "Unmatched people by reason",  # 02 lists each unmatched person with the reason, by design
    "Pairs needed to detect the change",  # a power curve
)


def classify(report: str, table: Table) -> Grouped | People | NotGrouped:
    """The table's entry in TABLES by caption, else a guess from its header."""
    for prefix, spec in TABLES.get(report, {}).items():
        if table.caption.startswith(prefix) or prefix in table.caption:
            return spec
    ids = tuple(h for h in table.header if ID_HEADERS.match(h))
    if ids:
        return People(ids)
    counts = tuple(h for h in table.header if COUNT_HEADERS.match(h))
    return Grouped(counts=counts, figures=("*",)) if counts else NotGrouped("no id or count column")


# --------------------------------------------------------------------------- the checks (each returns problems)


@dataclass
class Secrets:
    """What the workspace knows and a report must not show."""

    k: int
    emails: set[str]
    names: set[str]
    ids: set[str]
    comments: set[str]
    sensitive_of: dict[str, set[str]]  # pseudonym or raw id -> that person's sensitive values
    consenting: pd.DataFrame
    extra_words: set[str] = field(default_factory=set)  # planted strings that must appear nowhere


def secrets_of(root: Path) -> Secrets:
    """Read the secrets from the workspace the reports were made from."""
    ws = Workspace(root)
    people = ws.require("participants")
    checkins = ws.table("checkins")
    comments = set() if checkins is None or "comment" not in checkins else \
        {c.strip() for c in checkins["comment"].dropna().astype(str) if c.strip()}
    sensitive_of: dict[str, set[str]] = {}
    salt = ws.pseudonym_salt
    for rec in people.to_dict("records"):
        values = {str(rec[c]).strip() for c in SENSITIVE if c in rec and isinstance(rec[c], str) and rec[c].strip()}
        for alias in (str(rec["person_id"]), pseudonym(str(rec["person_id"]), salt), pseudonym(str(rec["person_id"]))):
            sensitive_of[alias] = values
    return Secrets(ws.design.privacy.k, {e.lower() for e in people["email"].dropna().astype(str)} if "email" in people
                   else set(), set(people["name"].dropna().astype(str)), set(people["person_id"].astype(str)),
                   comments, sensitive_of, people[people["consent"].astype(bool)])


def check_identity(where: str, text: str, s: Secrets) -> list[str]:
    """No e-mail, name, raw id, comment or planted word anywhere in ``text``."""
    problems = [f"{where}: e-mail {e}" for e in EMAIL.findall(text)]
    low = text.lower()
    problems += [f"{where}: e-mail {e}" for e in s.emails if e in low]
    problems += [f"{where}: name {n!r}" for n in s.names if re.search(rf"\b{re.escape(n)}\b", text)]
    problems += [f"{where}: raw id {i}" for i in s.ids if re.search(rf"(?<![\w-]){re.escape(i)}(?![\w-])", text)]
    problems += [f"{where}: check-in comment {c!r}" for c in s.comments if c in text]
    problems += [f"{where}: planted {w!r}" for w in s.extra_words if w in text]
    return problems


def check_row_of_a_person(where: str, row: dict[str, str], s: Secrets) -> list[str]:
    """A row (or chart mark) naming a person carries none of that person's sensitive attributes."""
    problems = [f"{where}: sensitive column {c!r} beside a person" for c in row
                if c.strip().replace(" ", "_") in SENSITIVE]  # "age band" is how a report heads age_band
    for cell in row.values():
        for token in re.findall(r"P-[0-9A-F]{8}|\b\w+\b", cell):
            values = s.sensitive_of.get(token)
            if values:
                leaked = [v for v in values if any(o.strip() == v for o in row.values())]
                problems += [f"{where}: {token} shown with {v!r}" for v in leaked]
    return problems


def _small(n: int | None, k: int) -> bool:
    return n is not None and 0 < n < k


def check_grouped(where: str, table: Table, spec: Grouped, report: Report, k: int) -> list[str]:
    """Counts hidden, 0 or >= k; hidden rows show no figures; parts of a whole hide >= k people or none."""
    problems = []
    head = set(table.header)
    for i, row in enumerate(table.records()):
        counts = {c: count_in(row[c]) for c in spec.counts if c in head}
        problems += [f"{where} row {i}: {c} = {n} (< k = {k})" for c, n in counts.items() if _small(n, k)]
        if counts and is_blank(row[spec.counts[0]]):
            figures = [c for c in table.header if c not in spec.counts and NUMBER.match(row[c].strip())] \
                if spec.figures == ("*",) else [f for f in spec.figures if f in head and not is_blank(row[f])]
            problems += [f"{where} row {i}: {f!r} = {row[f]!r} shown for a suppressed group" for f in figures]
        shown_base = [c for c in spec.base if c in head and not is_blank(row[c])]
        if shown_base and _small(count_in(row[shown_base[0]]), k):
            problems.append(f"{where} row {i}: a group of {row[shown_base[0]]} ({shown_base[0]}) shown")
        parts = {c: count_in(row[c]) for c in spec.parts if c in head}
        problems += [f"{where} row {i}: {c} = {n} (< k = {k})" for c, n in parts.items() if _small(n, k)]
        if spec.total and spec.total in head and count_in(row[spec.total]) is not None and \
                any(is_blank(row[c]) for c in parts):
            rest = count_in(row[spec.total]) - sum(n for n in parts.values() if n is not None)
            if _small(rest, k):
                problems.append(f"{where} row {i}: {spec.total} minus the shown parts = {rest} reveals a hidden part")
        for fig, source in spec.follow:
            if fig in head and source in head and is_blank(row[source]) and not is_blank(row[fig]):
                problems.append(f"{where} row {i}: {fig} shown while {source} is hidden")
        for count, fig in spec.blank_with:
            if count in head and fig in head and _small(count_in(row[count]), k) and not is_blank(row[fig]):
                problems.append(f"{where} row {i}: {fig} shown for {row[count]} people")
    if spec.whole is not None and spec.counts and spec.counts[0] in head:
        total = spec.whole(report)
        column = [count_in(c) for c in table.column(spec.counts[0])]
        if total is not None and None in column:
            rest = total - sum(n for n in column if n is not None)
            if _small(rest, k):
                problems.append(f"{where}: the published total {total} minus the shown groups = {rest} people")
    return problems


def check_kpi_parents(where: str, table: Table, k: int) -> list[str]:
    """A subgroup's KPI row (under-represented mentors) leaves its parent group's rest hidden or >= k."""
    problems = []
    rows = table.records()
    for row in rows:
        if not row.get("who", "").startswith("under-represented"):
            continue
        parent = [r for r in rows if r.get("who") == "mentors" and r.get("KPI") == row.get("KPI")]
        for col in ("participants", "comparison group"):
            sub, par = count_in(row.get(col, "")), count_in(parent[0].get(col, "")) if parent else None
            if sub is not None and par is not None and _small(par - sub, k):
                problems.append(f"{where}: {row['KPI']} {col}: mentors minus under-represented = {par - sub}")
    return problems


def check_chart(where: str, chart: Chart, s: Secrets) -> list[str]:
    """Chart marks: counts of people hidden, 0 or >= k; marks naming a person carry no sensitive value."""
    problems = []
    for mark in chart.marks:
        problems += check_row_of_a_person(where, mark, s)
    if any(chart.title.startswith(t) for t in CHARTS_NOT_GROUPED):
        return problems
    for mark in chart.marks:
        for f in CHART_COUNT_FIELDS:
            n = count_in(mark.get(f, ""))
            if _small(n, s.k):
                problems.append(f"{where}: mark {mark} counts {n} people (< k)")
    return problems


def check_fairness_audit(where: str, chart: Chart, s: Secrets) -> list[str]:
    """Every group drawn has >= k consenting people; per dimension and role the hidden rest is 0 or >= k."""
    problems = []
    people = s.consenting
    drawn: dict[tuple[str, str], set[str]] = {}
    for mark in chart.marks:
        if "dimension" in mark and "group" in mark and "role" in mark:
            drawn.setdefault((mark["dimension"], mark["role"]), set()).add(mark["group"])
    for (dim, role), groups in drawn.items():
        if dim not in people:
            continue
        in_role = people[people["role"] == role]
        values = in_role[dim].fillna("(not given)").astype(str).str.strip()
        sizes = values.value_counts()
        for g in groups:
            if _small(int(sizes.get(g, 0)), s.k):
                problems.append(f"{where}: {dim} = {g!r} ({role}) drawn for {int(sizes.get(g, 0))} people")
        rest = len(in_role) - sum(int(sizes.get(g, 0)) for g in groups)
        if _small(rest, s.k):
            problems.append(f"{where}: {dim} ({role}): all {role}s minus the groups drawn = {rest} people")
    return problems


def sweep(root: Path, extra_words: Iterable[str] = ()) -> list[str]:
    """Every problem in every report of the workspace at ``root``."""
    s = secrets_of(root)
    s.extra_words = set(extra_words)
    problems: list[str] = []
    for name in REPORTS:
        report = read_report(root / "reports" / name)
        problems += check_identity(name, report.everything(), s)
        for table in report.tables:
            where = f"{name} [{table.caption or 'untitled table'}]"
            spec = classify(name, table)
            for i, row in enumerate(table.records()):
                problems += check_row_of_a_person(f"{where} row {i}", row, s)
            if isinstance(spec, Grouped):
                problems += check_grouped(where, table, spec, report, s.k)
            if table.caption.startswith("Roster KPIs"):
                problems += check_kpi_parents(where, table, s.k)
        for chart in report.charts:
            problems += check_chart(f"{name} chart {chart.title!r}", chart, s)
            if chart.title.startswith("Fairness audit"):
                problems += check_fairness_audit(f"{name} chart {chart.title!r}", chart, s)
    for path in sorted((root / "reports").glob("*.csv")):
        text = path.read_text(encoding="utf-8-sig")
        problems += check_identity(path.name, text, s)
        for i, row in enumerate(csv.DictReader(io.StringIO(text))):
            problems += check_row_of_a_person(f"{path.name} row {i}", row, s)
    return problems


# --------------------------------------------------------------------------- fixtures


@pytest.fixture(scope="module")
def crafted(tmp_path_factory) -> crafted_ws.Crafted:
    """The crafted workspace with all four reports written (about 35 s)."""
    return crafted_ws.build_crafted(tmp_path_factory.mktemp("crafted") / "ws")


PLANTED = (crafted_ws.RARE_GENDER, crafted_ws.MINORITY, crafted_ws.SURNAME, "Kumquat confidential", "crafted-leak")


# --------------------------------------------------------------------------- the sweeps


def test_demo_reports_leak_nothing(demo_workspace):
    for name in REPORTS:
        assert (demo_workspace / "reports" / name).exists(), f"the demo wrote no {name}"
    problems = sweep(demo_workspace)
    assert not problems, "\n".join(problems[:40])


def test_crafted_reports_leak_nothing(crafted):
    problems = sweep(crafted.root, PLANTED)
    assert not problems, "\n".join(problems[:40])


def test_crafted_small_groups_were_there_to_leak(crafted):
    """The sweep passing means something: the planted small groups reached the reports' inputs."""
    ws = Workspace(crafted.root)
    people = ws.require("participants")
    assert (people["gender"] == crafted_ws.RARE_GENDER).sum() == 2
    assert (people["ethnicity"] == crafted_ws.MINORITY).sum() == 3
    assert set(people["ethnicity"]) == {crafted_ws.MINORITY, crafted_ws.MAJORITY}
    assert (people["department"] == crafted_ws.SMALL_DEPARTMENT).sum() == 3
    assert ws.table("checkins")["comment"].str.startswith("Kumquat").all()
    post = ws.table("assessments")
    assert post.loc[post["instrument"] == "mfq9", "person_id"].isin(crafted.post_mentor_ids).sum() == 3


def test_crafted_two_group_dimension_and_small_groups_stay_out_of_the_fairness_chart(crafted):
    chart = next(c for c in read_report(crafted.root / "reports" / "02_match.html").charts
                 if c.title.startswith("Fairness audit"))
    groups = {(m["dimension"], m["role"], m["group"]) for m in chart.marks if "dimension" in m}
    assert groups, "the fairness chart drew nothing"
    assert not {g for g in groups if g[2] in (crafted_ws.RARE_GENDER, crafted_ws.MINORITY, crafted_ws.SMALL_DEPARTMENT)}
    # mentees: 3 of one ethnicity, the rest of the other: showing the big group would give the small one away
    assert not {g for g in groups if g[0] == "ethnicity" and g[1] == "mentee"}


def test_crafted_evaluation_hides_the_three_mentors_and_the_dropouts_mean(crafted):
    report = read_report(crafted.root / "reports" / "04_evaluate.html")
    levels = report.tables_titled("Scores after the programme")[0]
    mentors = [r for r in levels.records() if r["group"] == "mentors"]
    assert mentors and all(is_blank(r["n"]) and is_blank(r["mean after [95% CI]"]) for r in mentors)
    assert all(r["n"] == "< 5" and r["mean after [95% CI]"] == "" for r in mentors)  # the marker, never a dash
    change = report.tables_titled("Change from before to after")[0].records()[0]
    if _small(count_in(change["no after response"]), 5):
        assert is_blank(change["before, no after response"])


def test_crafted_pulse_answered_by_three_mentors_shows_no_counts(crafted):
    """Regression: 03 blanked the ratings of a small group but still said how many had answered."""
    table = read_report(crafted.root / "reports" / "03_monitor.html").tables_titled("Check-ins by stage")[0]
    pulse = [r for r in table.records() if r["stage"] == "pulse" and r["side"] == "mentor"]
    assert pulse and all(is_blank(r["answered"]) and is_blank(r["rated"]) and is_blank(r["satisfaction"])
                         for r in pulse)


def test_crafted_reports_do_not_give_the_row_counts_of_answer_files(crafted):
    """Regression: 04's Imports table gave the assessments' row count, and with the visible groups'
    counts it revealed how many mentors answered the questionnaire (3, suppressed everywhere else)."""
    for name in ("03_monitor.html", "04_evaluate.html"):
        for table in read_report(crafted.root / "reports" / name).tables_titled("Imports"):
            for row in table.records():
                if row["kind"] in ("checkins", "assessments"):
                    assert is_blank(row["rows"]), f"{name} shows {row['kind']} rows = {row['rows']}"


def test_crafted_design_report_hides_small_cells_of_the_grade_breakdown(crafted):
    """Regression: 01 showed 'not eligible: 1' (and 2) inside grades of 7-20 sign-ups."""
    table = read_report(crafted.root / "reports" / "01_design.html").tables_titled("Sign-ups by grade")[0]
    cells = [count_in(c) for col in ("mentors", "mentees", "not eligible") for c in table.column(col)]
    assert not [n for n in cells if _small(n, 5)]
    assert any(is_blank(c) for c in table.column("not eligible")), "the crafted grades have small cells to hide"


def test_the_sweep_catches_each_kind_of_leak_planted_in_a_report(crafted, tmp_path):
    """The sweep can fail: plant one leak of each kind in copies of the crafted reports and find them all."""
    import base64
    import shutil

    root = tmp_path / "ws"
    shutil.copytree(crafted.root, root, ignore=shutil.ignore_patterns("runs", "exports", "imports"))
    ws = Workspace(root)
    people = ws.require("participants").set_index("person_id")
    who = crafted.minority_ids[0]
    alias, name, email = pseudonym(who, ws.pseudonym_salt), people.loc[who, "name"], people.loc[who, "email"]
    comment = ws.table("checkins")["comment"].iloc[0]
    svg = (f'<svg xmlns="http://www.w3.org/2000/svg"><path aria-label="who: {alias}; ethnicity: '
           f'{crafted_ws.MINORITY}"/><text>Leaky chart</text></svg>')
    planted = (f"<p>{name} wrote to {email}: {comment}</p>"
               "<p><strong>Extra per person</strong></p><table><thead><tr><th>person_id</th><th>gender</th></tr></thead>"
               f"<tbody><tr><td>{alias}</td><td>{people.loc[who, 'gender']}</td></tr></tbody></table>"
               "<p><strong>Extra by group</strong></p><table><thead><tr><th>group</th><th>n</th><th>mean</th></tr>"
               "</thead><tbody><tr><td>a</td><td>3</td><td>4.2</td></tr><tr><td>b</td><td>—</td><td>3.9</td></tr>"
               "</tbody></table>"
               f'<img src="data:image/svg+xml;base64,{base64.b64encode(svg.encode()).decode()}"/>')
    page = root / "reports" / "04_evaluate.html"
    page.write_text(page.read_text(encoding="utf-8").replace("</body>", planted + "</body>"), encoding="utf-8")
    found = "\n".join(sweep(root, PLANTED))
    for leak in (f"name {name!r}", f"e-mail {email.lower()}", "check-in comment", "sensitive column 'gender'",
                 f"{alias} shown with {crafted_ws.MINORITY!r}", "n = 3 (< k = 5)", "'mean' = '3.9' shown for a suppressed",
                 f"planted {crafted_ws.MINORITY!r}"):
        assert leak in found, f"the sweep missed: {leak}\n{found}"


@pytest.mark.parametrize("report", [
    "03_monitor.html", "03_monitor_flags.csv", "03_monitor_nudges.csv",
    "02_match.html",
])
def test_crafted_pseudonyms_cannot_be_undone_by_hashing_every_id(crafted, report):
    """Regression: unsalted pseudonyms (sha256 of the id) were reversed for all 154 people in the demo's
    reports by hashing E00000..E99999 (0.5 s). Report pseudonyms now use the workspace's secret salt."""
    roster = Workspace(crafted.root).require("roster")
    path = crafted.root / "reports" / report
    text = read_report(path).everything() if report.endswith(".html") else path.read_text(encoding="utf-8-sig")
    shown = set(re.findall(r"P-[0-9A-F]{8}", text))
    assert shown, f"{report} shows no pseudonymous ids to test"
    unsalted = {pseudonym(str(i)) for i in roster["person_id"]}
    assert not shown & unsalted, f"{len(shown & unsalted)} of {len(shown)} pseudonyms in {report} are unsalted"
