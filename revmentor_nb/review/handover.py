"""What a match hands over: pair and unmatched tables with reasons, agreements and introduction notes.

Everything is written under ``<workspace>/exports/<run-id>/``: ``pairs.csv``, ``pairs.xlsx``
(sheets pairs, unmatched, overrides), ``unmatched.csv``, one agreement per pair in Markdown and
HTML (``agreements/``), one introduction note per pair (``intros/``) and an ``index.md``; the
agreement and the note come from the programme's own templates (``design.agreement``).
``exports/CURRENT`` names the accepted run's folder and ``exports/index.html`` lists every run
with its status. ``hand_over`` is the one export the notebook and the match board both call.
These files are for the programme team, so they carry names; they never carry the sensitive
columns. Spreadsheet cells are formula-safe and HTML escapes participant text.
"""
from __future__ import annotations

import hashlib
import html
import json
import os
import re
import shutil
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from revmentor_nb.design.agreement import document_html, programme_context, render_agreement, render_intro
from revmentor_nb.fileio import TextFiles
from revmentor_nb.io.export import write_csv, write_xlsx
from revmentor_nb.io.markdown import to_html as markdown_to_html
from revmentor_nb.privacy.pseudonyms import scrub_ids  # noqa: F401  (kept here for callers of review.handover)

if TYPE_CHECKING:
    from revmentor_nb.design.program import ProgramDesign
    from revmentor_nb.workspace.workspace import Workspace

NOT_TERMS = {"mentor_id", "mentee_id", "score", "shared_topics", "locked"}
PERSON_FIELDS = ("name", "email", "department", "location")
_PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{title}</title>
<style>body{{font-family:system-ui,sans-serif;max-width:46em;margin:2em auto;line-height:1.5;padding:0 1em}}
h2{{border-bottom:1px solid #ccc}}</style></head>
<body>
{body}
</body></html>
"""


def term_columns(pairs: pd.DataFrame) -> list[str]:
    """The score-term columns of a pairs table (weighted points that sum to score)."""
    return [c for c in pairs.columns if c not in NOT_TERMS and pd.api.types.is_numeric_dtype(pairs[c])
            and not pd.api.types.is_bool_dtype(pairs[c])]


def label(term: str) -> str:
    """A score term as words ('topic_coverage' -> 'topic coverage')."""
    return term.replace("_", " ")


def _items(value: object) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return [v.strip() for v in value.split(";") if v.strip()]
    try:
        return [str(v) for v in value]  # type: ignore[union-attr]
    except TypeError:
        return []


def reasons(row: pd.Series | dict[str, Any], terms: Sequence[str]) -> str:
    """Why a pair was made, in one line: shared topics, the score terms that count, a reviewer's lock."""
    shared = _items(row.get("shared_topics"))
    parts = [f"shares {', '.join(shared)}" if shared else "no shared topic (rule switched off)"]
    points = [(t, float(row.get(t) or 0.0)) for t in terms]
    parts += [f"{label(t)} {v:.2f}" for t, v in sorted(points, key=lambda x: -x[1]) if v > 0]
    if bool(row.get("locked")):
        parts.append("locked by a reviewer")
    return "; ".join(parts)


def _people(participants: pd.DataFrame | None) -> pd.DataFrame:
    """Name, e-mail, department and site by person_id (empty when no participants are given)."""
    if participants is None or "person_id" not in participants:
        return pd.DataFrame(columns=list(PERSON_FIELDS))
    unique = participants.drop_duplicates("person_id")
    return unique.set_index(unique["person_id"].astype(str))[[c for c in PERSON_FIELDS if c in unique]]


def pair_table(pairs: pd.DataFrame, participants: pd.DataFrame | None = None) -> pd.DataFrame:
    """One row per pair: who (ids, names, department, site), score, shared topics, reasons, locked, the terms."""
    terms = term_columns(pairs)
    people = _people(participants)
    out = pd.DataFrame(index=range(len(pairs)))
    for side in ("mentor", "mentee"):
        ids = pairs[f"{side}_id"].astype(str).to_numpy()
        out[f"{side}_id"] = ids
        for f in PERSON_FIELDS:
            if f in people:
                out[f"{side}_{f}"] = people[f].reindex(ids).to_numpy(dtype=object)
    shown = {side: [n if isinstance(n, str) and n else i for n, i in
                    zip(out.get(f"{side}_name", out[f"{side}_id"]), out[f"{side}_id"])] for side in ("mentor", "mentee")}
    out.insert(0, "pair", [f"{a} → {b}" for a, b in zip(shown["mentor"], shown["mentee"])])
    out["score"] = pairs["score"].to_numpy(dtype=float).round(4)
    out["shared_topics"] = ["; ".join(_items(v)) for v in pairs["shared_topics"]] if "shared_topics" in pairs else ""
    needed = [c for c in ("shared_topics", "locked", *terms) if c in pairs]
    out["reasons"] = [reasons(r, terms) for r in pairs[needed].to_dict("records")]  # no Series per row
    out["locked"] = pairs["locked"].astype(bool).to_numpy() if "locked" in pairs else False
    for t in terms:
        out[t] = pairs[t].to_numpy(dtype=float).round(4)
    return out


def unmatched_table(unmatched: pd.DataFrame, participants: pd.DataFrame | None = None) -> pd.DataFrame:
    """One row per unmatched person: id, name, department, site, role, cause and the reason in words."""
    people = _people(participants)
    ids = unmatched["person_id"].astype(str).to_numpy()
    out = pd.DataFrame({"person_id": ids})
    for f in ("name", "department", "location"):
        if f in people:
            out[f] = people[f].reindex(ids).to_numpy(dtype=object)
    for c in ("role", "cause", "reason"):
        if c in unmatched:
            out[c] = unmatched[c].to_numpy(dtype=object)
    return out


def report_unmatched(unmatched: pd.DataFrame, participants: pd.DataFrame | None = None, *, names: bool = False,
                     salt: str = "") -> pd.DataFrame:
    """The unmatched table for a report: pseudonymous ids (in the reasons too) and no names unless ``names``."""
    table = unmatched_table(unmatched, participants)
    if names:
        return table
    ids = list(participants["person_id"].astype(str)) if participants is not None else list(table["person_id"])
    from revmentor_nb.privacy.report_frame import for_report

    return for_report(table, salt=salt, scrub=["reason"], known_ids=ids)


def safe_name(text: str) -> str:
    """A file-name-safe form of an id (letters, digits, '-', '_', '.')."""
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", str(text)).strip("._") or "x"


def pair_stem(mentor_id: object, mentee_id: object) -> str:
    """The file stem of one pair's agreement and note: both ids made safe, plus a hash of the exact ids.

    Safe forms can coincide ('a/b' and 'a?b' are both 'a_b'; 'A' and 'a' on a case-blind disk),
    so the 8-hex-digit suffix, taken from the ids as given, keeps every pair's files apart.
    """
    digest = hashlib.sha256(json.dumps([str(mentor_id), str(mentee_id)]).encode("utf-8")).hexdigest()[:8]
    return f"{safe_name(mentor_id)[:40]}--{safe_name(mentee_id)[:40]}-{digest}"


def pair_fields(row: pd.Series | dict[str, Any]) -> dict[str, Any]:
    """A pair-table row as the fields its agreement and introduction note are written from."""
    mentor = row.get("mentor_name") or row.get("mentor_id")
    mentee = row.get("mentee_name") or row.get("mentee_id")
    contacts = [(who, mail) for who, mail in ((mentor, row.get("mentor_email")), (mentee, row.get("mentee_email")))
                if isinstance(mail, str) and mail.strip()]
    return {"mentor_name": mentor, "mentee_name": mentee, "mentor_id": row.get("mentor_id"),
            "mentee_id": row.get("mentee_id"), "topics": row.get("shared_topics") or "the topics you both listed",
            "contacts": contacts}


def intro_note(row: pd.Series | dict[str, Any], design: "ProgramDesign", root: str | Path | None = None) -> str:
    """The note that introduces a pair to each other (Markdown), from the programme's intro template."""
    return render_intro(design, pair_fields(row), root)


def _html_page(title: str, body_html: str) -> str:
    return _PAGE.format(title=html.escape(title), body=body_html)


@dataclass(frozen=True)
class Outputs:
    """What ``write_outputs`` wrote: the folder and the main files."""

    folder: Path
    pairs_csv: Path
    pairs_xlsx: Path
    unmatched_csv: Path
    stems: tuple[str, ...]  # one per pair: agreements/<stem>.md|.html and intros/<stem>.md|.html

    @property
    def agreements(self) -> tuple[Path, ...]:
        """Each pair's agreement, Markdown then HTML (paths made on asking: 20,000 of them take a while)."""
        return self._files("agreements")

    @property
    def intros(self) -> tuple[Path, ...]:
        """Each pair's introduction note, Markdown then HTML."""
        return self._files("intros")

    def _files(self, kind: str) -> tuple[Path, ...]:
        base = self.folder / kind
        return tuple(base / f"{s}{ext}" for s in self.stems for ext in (".md", ".html"))


def write_outputs(ws: "Workspace", run_id: str, pairs: pd.DataFrame, unmatched: pd.DataFrame,
                  participants: pd.DataFrame | None = None, overrides: pd.DataFrame | None = None,
                  standing: tuple[pd.DataFrame, pd.DataFrame] | None = None) -> Outputs:
    """Write the exports, one agreement (Markdown + HTML) and one introduction note per pair under exports/<run-id>/.

    ``standing`` (``Review.standing()``: locks, exclusions) is written as next-run-locks.csv and
    next-run-exclusions.csv, files in the contract's format for the next run. The folder is built
    beside its final place and renamed into it, so it is complete or absent.
    """
    final = ws.root / "exports" / safe_name(run_id)
    work = final.with_name(f".{final.name}.{os.getpid()}.tmp")
    if work.exists():
        shutil.rmtree(work)
    (work / "agreements").mkdir(parents=True)
    (work / "intros").mkdir()
    table = pair_table(pairs, participants)
    lonely = unmatched_table(unmatched, participants)
    sheets = {"pairs": table, "unmatched": lonely}
    if overrides is not None and len(overrides):
        sheets["overrides"] = overrides
    write_csv(table, work / "pairs.csv", bom=True)
    write_csv(lonely, work / "unmatched.csv", bom=True)
    write_xlsx(sheets, work / "pairs.xlsx")
    if standing is not None:
        write_csv(standing[0], work / "next-run-locks.csv", bom=True)
        write_csv(standing[1], work / "next-run-exclusions.csv", bom=True)
    stems, index = [], [f"# Match {run_id}: {len(table)} pairs", ""]
    programme = programme_context(ws.design)  # the same for every pair: built once
    work_dir = str(work)
    with TextFiles() as files_out:  # each pair's files written by a background thread while the next renders
        for row in table.to_dict("records"):
            stem = pair_stem(row["mentor_id"], row["mentee_id"])
            pair = pair_fields(row)
            names = f"{pair['mentor_name']} and {pair['mentee_name']}"
            note = render_intro(ws.design, pair, ws.root, programme=programme)
            agreement = render_agreement(ws.design, pair, ws.root, programme=programme)
            files = {f"agreements/{stem}.md": agreement,
                     f"agreements/{stem}.html": _html_page(f"Mentoring agreement: {names}",
                                                           document_html("agreement", agreement)),
                     f"intros/{stem}.md": note,
                     f"intros/{stem}.html": _html_page(f"Introduction: {names}", markdown_to_html(note))}
            for rel, text in files.items():
                files_out.write(os.path.join(work_dir, rel), text)
            stems.append(stem)
            index.append(f"- {row['pair']} (mentor id `{row['mentor_id']}`, mentee id `{row['mentee_id']}`): "
                         f"agreements/{stem}.md, intros/{stem}.md")
    (work / "index.md").write_text("\n".join(index) + "\n", encoding="utf-8")
    old = final.with_name(f".{final.name}.{os.getpid()}.old")
    if final.exists():
        os.replace(final, old)
    os.replace(work, final)
    shutil.rmtree(old, ignore_errors=True)
    write_index(ws)
    return Outputs(final, final / "pairs.csv", final / "pairs.xlsx", final / "unmatched.csv", tuple(stems))


CURRENT = "CURRENT"


def export_status(ws: "Workspace") -> pd.DataFrame:
    """Every match run with its status (current = the accepted run in force) and its export folder, if written."""
    runs = ws.match_runs()
    current = ws.match_run()
    rows = []
    for _, r in runs.iterrows():
        folder = ws.root / "exports" / safe_name(r["id"])
        if current is not None and r["id"] == current.id:
            status = "current (accepted)"
        elif r["accepted_at"] is not None and not pd.isna(r["accepted_at"]):
            status = "accepted earlier, replaced"
        else:
            status = "not accepted"
        rows.append({"run": r["id"], "created": r["created_at"], "who": r["who"], "pairs": r["n_pairs"],
                     "status": status, "export": f"{folder.name}/" if folder.is_dir() else "",
                     "note": r["note"] or ""})
    return pd.DataFrame(rows, columns=["run", "created", "who", "pairs", "status", "export", "note"])


def write_index(ws: "Workspace") -> Path:
    """exports/index.html listing every run with its status, and exports/CURRENT naming the accepted run's folder.

    CURRENT holds the folder name of the accepted run's hand-over, or is absent when the accepted
    run has none yet (so it never points at a hand-over that is not the accepted one).
    """
    from revmentor_nb.fileio import atomic_write_text

    exports = ws.root / "exports"
    exports.mkdir(exist_ok=True)
    status = export_status(ws)
    current = status.loc[(status["status"] == "current (accepted)") & (status["export"] != ""), "export"]
    pointer = exports / CURRENT
    if len(current):
        atomic_write_text(pointer, current.iloc[0].rstrip("/") + "\n")
    elif pointer.exists():
        pointer.unlink()
    rows = "".join(
        "<tr>" + "".join(f"<td>{html.escape(str(v))}</td>" for v in (r.run, r.created, r.who, r.pairs, r.status))
        + (f'<td><a href="{html.escape(r.export)}index.md">{html.escape(r.export)}</a></td>' if r.export else "<td></td>")
        + f"<td>{html.escape(str(r.note))}</td></tr>" for r in status.itertuples())
    head = "".join(f"<th>{h}</th>" for h in ("run", "created", "who", "pairs", "status", "hand-over", "note"))
    lead = (f"<p>Current hand-over: <a href=\"{html.escape(current.iloc[0])}index.md\">{html.escape(current.iloc[0])}</a>"
            "</p>" if len(current) else "<p>No hand-over of the accepted run yet.</p>")
    body = f"<h1>Hand-overs of {html.escape(ws.design.name)}</h1>{lead}<table><tr>{head}</tr>{rows}</table>"
    return atomic_write_text(exports / "index.html", _html_page(f"Hand-overs: {ws.design.name}", body))


def current_export(ws: "Workspace") -> Path | None:
    """The accepted run's hand-over folder (what exports/CURRENT names), or None."""
    pointer = ws.root / "exports" / CURRENT
    if not pointer.is_file():
        return None
    folder = ws.root / "exports" / pointer.read_text(encoding="utf-8").strip()
    accepted = ws.match_run()
    if accepted is None or folder.name != safe_name(accepted.id):  # accepted since: that run has no hand-over yet
        return None
    return folder if folder.is_dir() else None


def hand_over(ws: "Workspace", run_id: str, result: Any, participants: pd.DataFrame | None = None,
              review: Any = None) -> Outputs:
    """The hand-over of one stored run: what the notebook and the match board both write.

    ``review`` (a ``review.overrides.Review``) adds its overrides sheet and the next run's locks
    and exclusions.
    """
    overrides = review.overrides() if review is not None else None
    standing = review.standing() if review is not None else None
    return write_outputs(ws, run_id, result.pairs, result.unmatched, participants, overrides, standing=standing)


def export_review(review: Any, participants: pd.DataFrame | None = None) -> str:
    """The board's Export button: the hand-over of the review's current run (stored first if it is not yet).

    The notebook's headless hand-over and this button both end in ``hand_over``.
    """
    ws = review.ws
    if not review.run_id:
        review.run_id = ws.save_match(review.result, accepted=review.accept, who=review.who,
                                      note="exported from the board")
    done = hand_over(ws, review.run_id, review.result, participants, review)
    return (f"Wrote the exports, {len(done.stems)} agreements and notes to "
            f"{done.folder.relative_to(ws.root)} (exports/index.html lists every run).")
