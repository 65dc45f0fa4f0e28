"""The outbox: each ``revmentor send`` run's drafts as ``.eml`` files under ``outbox/<run-id>/``.

A run folder holds one ``.eml`` per message (plain text and HTML, attachments), the calendar
files on their own under ``calendar/``, ``manifest.json`` (key, template, file, message id and
recipients' ids of each message; who was skipped and why) and, once sending was tried,
``status.json`` (what went, what failed, what is still to go). The folder is built beside its
final place and renamed into it, so a run's drafts are complete or absent.
"""
from __future__ import annotations

import json
import os
import shutil
from dataclasses import dataclass
from datetime import datetime, timezone
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from pathlib import Path
from typing import TYPE_CHECKING, Any

from revmentor_nb.fileio import atomic_write_text
from revmentor_nb.messages.compose import Plan, plan_calendar, to_message

if TYPE_CHECKING:
    from revmentor_nb.workspace.workspace import Workspace

FOLDER = "outbox"


@dataclass
class Outbox:
    """One run's drafts as written: folder, run id, kind, date judged at, the messages and the skipped."""

    folder: Path
    run_id: str
    what: str
    as_of: str
    messages: list[dict[str, Any]]
    skipped: list[dict[str, Any]]
    already_sent: int

    def message(self, entry: dict[str, Any]) -> EmailMessage:
        """The stored message of a manifest entry, parsed back from its ``.eml``."""
        with open(self.folder / entry["file"], "rb") as fh:
            return BytesParser(policy=policy.default).parse(fh)  # type: ignore[return-value]

    def status(self) -> dict[str, Any]:
        """What the last sending attempt left: keys sent, failed (with the error) and still to go."""
        path = self.folder / "status.json"
        return json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}

    def write_status(self, sent: list[str], failed: dict[str, str], pending: list[str]) -> None:
        """Record a sending attempt's outcome beside the drafts."""
        atomic_write_text(self.folder / "status.json", json.dumps(
            {"at": datetime.now(timezone.utc).isoformat(timespec="seconds"), "complete": not failed and not pending,
             "sent": sent, "failed": failed, "pending": pending}, indent=1))


def write_outbox(ws: "Workspace", plan: Plan, who: str | None = None) -> Outbox:
    """Write a plan's drafts as ``.eml`` files (and calendar files) to a new ``outbox/<run-id>/``; audited."""
    run_id = f"{plan.kind}-{datetime.now(timezone.utc):%Y%m%dT%H%M%S%f}"
    final = ws.root / FOLDER / run_id
    work = final.with_name(f".{run_id}.{os.getpid()}.tmp")
    (work / "calendar").mkdir(parents=True)
    entries = []
    try:
        for i, draft in enumerate(plan.drafts):
            msg = to_message(draft, ws)
            name = f"{i + 1:04d}-{draft.stem}.eml"
            (work / name).write_bytes(msg.as_bytes(policy=policy.SMTP))
            for a in draft.attachments:
                if a.subtype == "calendar":
                    (work / "calendar" / f"{draft.stem}.ics").write_bytes(a.content)
            entries.append({"key": draft.key, "kind": draft.kind, "template": draft.template, "file": name,
                            "message_id": msg["Message-ID"], "to": draft.person_ids, "recipients": len(draft.to)})
        if plan.kind == "nudges":
            for name, content in plan_calendar(ws).items():
                (work / "calendar" / name).write_bytes(content)
        manifest = {"run_id": run_id, "what": plan.kind, "as_of": plan.as_of.isoformat(),
                    "created_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
                    "messages": entries, "skipped": plan.skipped.to_dict("records"), "already_sent": plan.already_sent}
        (work / "manifest.json").write_text(json.dumps(manifest, indent=1), encoding="utf-8")
        os.replace(work, final)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    ws.record("messages.draft", run_id, {"what": plan.kind, "as_of": plan.as_of.isoformat(), "messages": len(entries),
                                         "skipped": len(plan.skipped), "already_sent": plan.already_sent}, who)
    return read_outbox(final)


def read_outbox(folder: str | Path) -> Outbox:
    """An outbox run folder as written by ``write_outbox``."""
    folder = Path(folder)
    try:
        m = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise FileNotFoundError(f"{folder} is not an outbox run (no manifest.json)") from None
    return Outbox(folder, m["run_id"], m["what"], m["as_of"], m["messages"], m["skipped"], m["already_sent"])


def unfinished_outbox(ws: "Workspace", what: str) -> Outbox | None:
    """The latest run of ``what`` whose sending was tried and did not finish (for ``--resume``), or None."""
    root = ws.root / FOLDER
    if not root.is_dir():
        return None
    for folder in sorted((p for p in root.iterdir() if p.is_dir() and p.name.startswith(f"{what}-")), reverse=True):
        box = read_outbox(folder)
        status = box.status()
        if status:
            return None if status.get("complete") else box
    return None
