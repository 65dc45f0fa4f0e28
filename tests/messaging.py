"""A small programme with e-mail addresses, and a real SMTP server on 127.0.0.1 (aiosmtpd), for the message tests."""
from __future__ import annotations

import socket
from dataclasses import dataclass, field
from datetime import date
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from pathlib import Path
from types import SimpleNamespace

import pandas as pd
from aiosmtpd.controller import Controller

from revmentor_nb.design.program import ProgramDesign, Schedule
from revmentor_nb.review.handover import write_outputs
from revmentor_nb.workspace.workspace import Workspace

EMAILS_OF: dict = {}
HOSTILE = 'Zoë <b>O\'Brien</b> & "Co"'
PEOPLE = pd.DataFrame({
    "person_id": ["M1", "M2", "M3", "E1", "E2", "E3", "E4", "X9"],
    "name": ["Ada Mentorwell", "Bo Juniorly", "Cy Noaddress", "Dee Seniorton", "Eve Leaderby", HOSTILE,
             "Fay Nomail", "Gus Outsider"],
    "email": ["ada@example.org", "bo@example.org", "cy@example.org", "dee@example.org", "eve@example.org",
              "zoe@example.org", None, "gus@example.org"],
    "role": ["mentor", "mentor", "mentor", "mentee", "mentee", "mentee", "mentee", "mentee"],
    "department": ["Data", "IT", "HR", "Finance", "Sales", "Legal", "Ops", "Ops"],
})
PAIRS = pd.DataFrame({"mentor_id": ["M1", "M1", "M2", "M3"], "mentee_id": ["E1", "E2", "E3", "E4"],
                      "score": [0.9, 0.8, 0.7, 0.6], "shared_topics": [["AI"], ["cloud", "data"], ["social media"], []],
                      "locked": [False] * 4})
START = date(2026, 3, 2)
# E1/M1 meet monthly; E2/M1 met once; M2/E3 never met (flagged from week 4); M3/E4 meet
MEETINGS = pd.DataFrame({"mentor_id": ["M1", "M1", "M1", "M3", "M3"], "mentee_id": ["E1", "E1", "E2", "E4", "E4"],
                         "date": pd.to_datetime(["2026-03-05", "2026-04-02", "2026-03-06", "2026-03-04", "2026-04-03"])})
CHECKINS = pd.DataFrame({"person_id": ["E1"], "date": pd.to_datetime(["2026-03-10"]), "stage": ["kickoff"],
                         "satisfaction": [4.0], "on_track": [True], "comment": ["fine"]})


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Inbox:
    """What the test server accepted: one entry per message (envelope recipients and the parsed message)."""

    messages: list[tuple[list[str], EmailMessage]] = field(default_factory=list)
    drop_after: int | None = None  # accept this many, then drop the connection without answering

    async def handle_DATA(self, server, session, envelope):  # noqa: ANN001, N802 (aiosmtpd's hook name)
        if self.drop_after is not None and len(self.messages) >= self.drop_after:
            server.transport.close()
            return "421 closing"
        msg = BytesParser(policy=policy.default).parsebytes(envelope.content)
        self.messages.append((list(envelope.rcpt_tos), msg))
        return "250 OK"

    def recipients(self) -> list[str]:
        return [r for rcpts, _ in self.messages for r in rcpts]


class SmtpServer:
    """aiosmtpd on 127.0.0.1 with an ``Inbox`` handler; start/stop around a test."""

    def __init__(self, inbox: Inbox | None = None) -> None:
        self.inbox = inbox or Inbox()
        self.port = free_port()
        self.controller = Controller(self.inbox, hostname="127.0.0.1", port=self.port)

    def __enter__(self) -> "SmtpServer":
        self.controller.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.controller.stop()


def messages_settings(port: int, **extra: object) -> dict:
    return {"from_address": "Mentoring team <mentoring@example.org>", "team_address": "Team <team@example.org>",
            "survey_url": "https://forms.example.org/r/abc?rid={id}&s={stage}",
            "smtp": {"host": "127.0.0.1", "port": port, "security": "none", "rate_per_minute": 6000}, **extra}


def set_messages(root: Path, **settings: object) -> Workspace:
    ws = Workspace(root)
    data = ws.design.model_dump(mode="json")
    data["messages"] = {**data.get("messages", {}), **settings}
    ws.save_design(ProgramDesign.model_validate(data))
    return Workspace(root)


def small_workspace(root: Path, port: int = 25) -> Workspace:
    """Four accepted pairs (one without an e-mail), hand-over files, meetings and a check-in."""
    design = ProgramDesign(name="Pilot <b>& friends</b>", schedule=Schedule(start_date=START, length_months=6),
                           messages=messages_settings(port))
    ws = Workspace.create(root, design)
    ws.import_frame("participants", PEOPLE, source_name="people")
    result = SimpleNamespace(pairs=PAIRS, unmatched=pd.DataFrame({"person_id": ["X9"], "role": ["mentee"],
                                                                   "cause": ["capacity"], "reason": ["no mentor"]}),
                             objective=3.0, status="optimal")
    run_id = ws.save_match(result, accepted=True)
    write_outputs(ws, run_id, PAIRS, result.unmatched, PEOPLE)
    ws.import_frame("meetings", MEETINGS, source_name="meetings")
    ws.import_frame("checkins", CHECKINS, source_name="checkins")
    return ws


EMAILS_OF.update({p: e for p, e in zip(PEOPLE["person_id"], PEOPLE["email"]) if isinstance(e, str)})
