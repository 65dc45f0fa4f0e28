"""What to send: introductions, nudges and check-in invitations planned from the workspace, as drafts.

Each draft has a *key* naming its purpose and pair (``intro|E001|E002``); a key already sent is
left out, so planning again never repeats a message. Every draft goes to the people it is about
and names no one else: an introduction goes to the two people of one pair, a nudge or a
check-in invitation to one person (naming at most their own partner), a plan step to the team.
People without an e-mail address, and pairs without their agreement, are listed as skipped
with the reason, never dropped silently.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from email.message import EmailMessage
from email.headerregistry import Address
from email.utils import formatdate, make_msgid, parseaddr
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from revmentor_nb.io.templates import render
from revmentor_nb.messages import ics
from revmentor_nb.messages.survey import survey_link
from revmentor_nb.review.handover import pair_stem, safe_name

if TYPE_CHECKING:
    from revmentor_nb.workspace.workspace import Workspace

KINDS = ("intros", "nudges", "checkins")
NO_SENDER = "Programme team <programme-team@example.invalid>"  # drafts made before messages.from_address is set
HEADLINES = {"at risk": "how is your mentoring going?", "needs a check-in": "time to check in with your pair",
             "agreement": "your mentoring agreement is due", "training": "your mentoring training is due"}
# what a flagged person reads: never the monitor's reason, which can carry the partner's confidential check-in answers
FLAG_TEXT = {"at risk": "we have not heard much from your pair lately; please book your next meeting",
             "needs a check-in": "please book your next meeting, and answer the latest check-in if you have not"}
SKIPPED_COLUMNS = ["key", "who", "reason"]


@dataclass(frozen=True)
class Person:
    """Someone a message goes to or names: id, name, e-mail (None when unknown)."""

    id: str
    name: str
    email: str | None
    department: str = ""
    location: str = ""

    @property
    def first_name(self) -> str:
        """The first word of the name."""
        return self.name.split()[0] if self.name.split() else self.name


@dataclass(frozen=True)
class Attachment:
    """A file attached to a message."""

    filename: str
    content: bytes
    maintype: str
    subtype: str
    params: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class Draft:
    """One message to write: its key, kind, template, recipients, template context and attachments."""

    key: str
    kind: str
    template: str
    to: tuple[Person, ...]
    stem: str
    context: dict[str, Any] = field(compare=False, hash=False)
    attachments: tuple[Attachment, ...] = ()

    @property
    def person_ids(self) -> list[str]:
        """Ids of the people (not the team) the message goes to."""
        return [p.id for p in self.to if p.id]


@dataclass
class Plan:
    """What one kind of message would send now: the drafts, who was skipped and why, and how many went already."""

    kind: str
    as_of: date
    drafts: list[Draft]
    skipped: pd.DataFrame
    already_sent: int


def render_parts(template: str, context: dict[str, Any], root: str | Path | None) -> tuple[str, str, str]:
    """Subject, plain text and HTML of a message template (the workspace's own copy wins; HTML escapes values)."""
    subject = " ".join(render(f"messages/{template}.subject.txt", context, root).split())
    return subject, render(f"messages/{template}.txt", context, root), render(f"messages/{template}.html", context, root)


def to_message(draft: Draft, ws: "Workspace", *, root: str | Path | None = None) -> EmailMessage:
    """The draft as an e-mail: plain text and HTML alternatives, then its attachments."""
    m = ws.design.messages
    sender = m.from_address or NO_SENDER
    subject, text, html = render_parts(draft.template, draft.context, root if root is not None else ws.root)
    msg = EmailMessage()
    msg["Subject"] = subject
    msg["From"] = sender
    msg["To"] = tuple(Address(display_name=p.name, addr_spec=p.email or "") for p in draft.to)
    if m.reply_to:
        msg["Reply-To"] = m.reply_to
    msg["Date"] = formatdate(localtime=False)
    domain = parseaddr(sender)[1].rpartition("@")[2] or "revmentor.invalid"
    msg["Message-ID"] = make_msgid(idstring=draft.kind, domain=domain)
    msg.set_content(text)
    msg.add_alternative(html, subtype="html")
    for a in draft.attachments:
        if a.maintype == "text":
            msg.add_attachment(a.content.decode("utf-8"), subtype=a.subtype, filename=a.filename,
                               params=dict(a.params) or None)
        else:
            msg.add_attachment(a.content, maintype=a.maintype, subtype=a.subtype, filename=a.filename)
    return msg


# --------------------------------------------------------------------------- shared look-ups


def people(ws: "Workspace") -> dict[str, Person]:
    """Everyone who signed up, by id (a blank name shows as the id, a blank e-mail as None)."""
    table = ws.require("participants")
    out = {}
    for row in table.drop_duplicates("person_id").itertuples(index=False):
        pid = str(row.person_id)
        name = getattr(row, "name", None)
        email = getattr(row, "email", None)
        out[pid] = Person(pid, name.strip() if isinstance(name, str) and name.strip() else pid,
                          email.strip() if isinstance(email, str) and email.strip() else None,
                          str(getattr(row, "department", "") or ""), str(getattr(row, "location", "") or ""))
    return out


def _person(found: dict[str, Person], pid: str) -> Person:
    return found.get(str(pid)) or Person(str(pid), str(pid), None)


def _team(ws: "Workspace") -> str:
    name = parseaddr(ws.design.messages.from_address or "")[0]
    return name or "The programme team"


def _base(ws: "Workspace") -> dict[str, Any]:
    return {"programme": ws.design.name, "team": _team(ws), "k": ws.design.privacy.k}


def _no_address(pair: tuple[Person, ...]) -> str:
    return "; ".join(f"{p.id} has no e-mail address: add it to the participants file, or tell them yourself"
                     for p in pair if not p.email)


def _skipped(rows: list[tuple[str, str, str]]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=SKIPPED_COLUMNS)


def _day(value: Any) -> str:
    return f"{pd.Timestamp(value):%A %d %B %Y}"


def _topics(value: Any) -> str:
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return ""
    items = [v.strip() for v in value.split(";")] if isinstance(value, str) else [str(v) for v in value]
    return ", ".join(i for i in items if i)


# --------------------------------------------------------------------------- introductions


def plan_intros(ws: "Workspace", as_of: date | None = None, sent: set[str] | None = None) -> Plan:
    """One introduction per accepted pair, to both people, with their agreement (HTML, Markdown) and meetings (.ics)."""
    from revmentor_nb.monitoring.activity import Programme

    run = ws.require_match()
    found = people(ws)
    design, m = ws.design, ws.design.messages
    s = design.schedule
    prog = Programme.of(design)
    sent = sent if sent is not None else set()
    folder = ws.root / "exports" / safe_name(run.id) / "agreements"
    organizer = parseaddr(m.from_address) if m.from_address else None
    drafts, skipped, already = [], [], 0
    pairs = run.pairs.drop_duplicates(["mentor_id", "mentee_id"])
    for row in pairs.to_dict("records"):
        mentor, mentee = _person(found, row["mentor_id"]), _person(found, row["mentee_id"])
        key = f"intro|{mentor.id}|{mentee.id}"
        if key in sent:
            already += 1
            continue
        if not (mentor.email and mentee.email):
            skipped.append((key, f"{mentor.id}, {mentee.id}", _no_address((mentor, mentee))))
            continue
        stem = pair_stem(mentor.id, mentee.id)  # the hand-over files' own (collision-free) name
        agreement = [folder / f"{stem}.html", folder / f"{stem}.md"]
        if not all(p.is_file() for p in agreement):
            skipped.append((key, f"{mentor.id}, {mentee.id}",
                            f"no agreement for this pair in exports/{safe_name(run.id)}/agreements/: write the "
                            f"hand-over files first (02_match with write_exports=True)"))
            continue
        start = pd.Timestamp(row.get("matched_on")) if pd.notna(row.get("matched_on", None)) else prog.start
        start = max(start.normalize(), prog.start)
        first = ics.first_weekday_on_or_after((start + pd.Timedelta(days=m.first_meeting_days)).date())
        context = {**_base(ws), "mentor": mentor, "mentee": mentee, "topics": _topics(row.get("shared_topics")),
                   "first_meeting": f"{_day(first)} at {m.meeting_time} ({m.timezone})",
                   "minutes": s.meeting_minutes, "cadence_days": s.cadence_days, "end": _day(prog.end)}
        calendar = ics.meeting_series(
            uid=f"{stem}.{safe_name(run.id)}@revmentor", summary=f"Mentoring: {mentor.name} and {mentee.name}",
            description=f"{design.name}: meeting every {s.cadence_days} days. Move it to a time that suits you both.",
            first=first, at=m.meeting_time, zone=m.timezone, minutes=s.meeting_minutes, cadence_days=s.cadence_days,
            until=prog.end.date(), organizer=organizer if organizer and organizer[1] else None,
            attendees=[(mentor.name, mentor.email), (mentee.name, mentee.email)])
        files = (Attachment("mentoring-meetings.ics", calendar, "text", "calendar", (("method", "REQUEST"),)),
                 Attachment("mentoring-agreement.html", agreement[0].read_bytes(), "text", "html"),
                 Attachment("mentoring-agreement.md", agreement[1].read_bytes(), "text", "markdown"))
        drafts.append(Draft(key, "intros", "intro", (mentor, mentee), f"intro-{stem}", context, files))
    return Plan("intros", as_of or date.today(), drafts, _skipped(skipped), already)


# --------------------------------------------------------------------------- nudges


def _period(what: str, due_on: pd.Timestamp, day: pd.Timestamp, start: pd.Timestamp, repeat: int) -> str:
    """The stretch a nudge belongs to: its due date, or for a flag the ``repeat``-day window it falls in."""
    if what in ("at risk", "needs a check-in"):
        n = max((day - start).days, 0) // repeat
        return f"{start + pd.Timedelta(days=n * repeat):%Y-%m-%d}"
    return f"{pd.Timestamp(due_on):%Y-%m-%d}"


def plan_nudges(ws: "Workspace", as_of: date | None = None, sent: set[str] | None = None) -> Plan:
    """A nudge to each person for what is due (flags, agreements, training), and each plan step due to the team.

    Check-ins due are sent as check-in invitations (``--what checkins``), not nudges.
    """
    from revmentor_nb.design.program import communication_timeline
    from revmentor_nb.monitoring import activity as mon
    from revmentor_nb.monitoring.nudges import nudges
    from revmentor_nb.monitoring.status import assess

    data = mon.load(ws)
    design, m, rules = ws.design, ws.design.messages, ws.design.monitoring
    day = mon.day_of(mon.resolve_as_of(as_of, data.programme))
    plan = communication_timeline(design)
    due = nudges(data, assess(data, rules, day), rules, day, plan)
    due = due[due["what"] != "check-in"]
    found = people(ws)
    sent = sent if sent is not None else set()
    drafts, skipped, already = [], [], 0
    for row in due[due["role"] != "audience"].to_dict("records"):
        who = _person(found, row["who"])
        partner = _person(found, row["mentee_id"] if row["role"] == "mentor" else row["mentor_id"])
        period = _period(row["what"], row["due_on"], day, data.programme.start, m.nudge_repeat_days)
        key = f"nudge|{row['what']}|{row['mentor_id']}|{row['mentee_id']}|{who.id}|{period}"
        if key in sent:
            already += 1
            continue
        if not who.email:
            skipped.append((key, who.id, _no_address((who,))))
            continue
        dated = row["what"] not in ("at risk", "needs a check-in")
        context = {**_base(ws), "person": who, "partner": partner, "what": row["what"],
                   "headline": HEADLINES.get(row["what"], row["what"]), "why": FLAG_TEXT.get(row["what"], row["why"]),
                   "due_on": _day(row["due_on"]) if dated else ""}
        stem = f"nudge-{safe_name(row['what'])}-{safe_name(who.id)}-{safe_name(partner.id)}"
        drafts.append(Draft(key, "nudges", "nudge", (who,), stem, context))
    steps = plan.assign(why=plan["stage"] + ": " + plan["purpose"]).set_index("why")
    for why in due.loc[due["role"] == "audience", "why"].drop_duplicates():
        step = steps.loc[why]
        start, end = pd.Timestamp(step["start"]).date(), pd.Timestamp(step["end"]).date()
        key = f"team|{step['stage']}|{start:%Y-%m-%d}"
        if key in sent:
            already += 1
            continue
        if not m.team_address:
            skipped.append((key, "programme team", "no team address: set messages.team_address in program.yaml"))
            continue
        team = Person("", parseaddr(m.team_address)[0] or "Programme team", parseaddr(m.team_address)[1])
        context = {**_base(ws), "stage": step["stage"], "start": _day(start), "end": _day(end),
                   "audience": step["audience"], "purpose": step["purpose"]}
        stem = f"team-{safe_name(step['stage'])}"
        drafts.append(Draft(key, "nudges", "team", (team,), stem, context,
                            (Attachment(f"{stem}.ics", plan_step_ics(ws, step), "text", "calendar"),)))
    return Plan("nudges", day.date(), drafts, _skipped(skipped), already)


def plan_step_ics(ws: "Workspace", step: pd.Series) -> bytes:
    """The calendar file of one communication-plan step (all day, start to end)."""
    start, end = pd.Timestamp(step["start"]).date(), pd.Timestamp(step["end"]).date()
    return ics.plan_step(uid=f"plan-{safe_name(step['stage'])}-{start:%Y%m%d}.{safe_name(ws.design.name)}@revmentor",
                         summary=f"{ws.design.name}: {step['stage']}",
                         description=f"For {step['audience']}: {step['purpose']}", start=start, end=end)


def plan_calendar(ws: "Workspace") -> dict[str, bytes]:
    """One calendar file per dated step of the design's communication plan, for the programme team."""
    from revmentor_nb.design.program import communication_timeline

    plan = communication_timeline(ws.design)
    return {f"plan-{i + 1:02d}-{safe_name(step['stage'])}.ics": plan_step_ics(ws, step)
            for i, (_, step) in enumerate(plan.iterrows())}


# --------------------------------------------------------------------------- check-in invitations


def plan_checkins(ws: "Workspace", as_of: date | None = None, sent: set[str] | None = None) -> Plan:
    """An invitation to each person with a scheduled check-in open and unanswered, with their own survey link."""
    from revmentor_nb.monitoring import activity as mon

    data = mon.load(ws)
    design, m, rules = ws.design, ws.design.messages, ws.design.monitoring
    day = mon.day_of(mon.resolve_as_of(as_of, data.programme))
    open_for = pd.Timedelta(days=rules.response_days)
    due = mon.checkin_due_dates(data)
    ended = data.pairs.set_index("pair")["ended_on"].reindex(due["pair"]).to_numpy() <= day
    due = due[~ended & (due["send_on"] <= day) & (day < due["send_on"] + open_for)]
    answers = mon.checkin_answers(data, due, day)
    rows = []
    for side in mon.SIDES:
        open_side = answers[~answers[f"{side}_answered"]]
        rows.append(open_side.assign(who=open_side[f"{side}_id"]))
    todo = pd.concat(rows, ignore_index=True).sort_values(["who", "stage", "send_on", "mentor_id", "mentee_id"])
    todo = todo.drop_duplicates(["who", "stage"])  # a person in two pairs answers each stage once
    found = people(ws)
    sent = sent if sent is not None else set()
    drafts, skipped, already = [], [], 0
    for row in todo.to_dict("records"):
        who = _person(found, row["who"])
        key = f"checkin|{row['stage']}|{who.id}|{pd.Timestamp(row['send_on']):%Y-%m-%d}"
        if key in sent:
            already += 1
            continue
        if not m.survey_url:
            skipped.append((key, who.id, "no survey link: set messages.survey_url in program.yaml"))
            continue
        if not who.email:
            skipped.append((key, who.id, _no_address((who,))))
            continue
        link = survey_link(m.survey_url, who.id, ws.pseudonym_salt, stage=row["stage"],
                           pair=(row["mentor_id"], row["mentee_id"]))
        context = {**_base(ws), "person": who, "stage": row["stage"], "link": link,
                   "closes": _day(pd.Timestamp(row["send_on"]) + open_for)}
        drafts.append(Draft(key, "checkins", "checkin", (who,), f"checkin-{row['stage']}-{safe_name(who.id)}", context))
    return Plan("checkins", day.date(), drafts, _skipped(skipped), already)


PLANNERS = {"intros": plan_intros, "nudges": plan_nudges, "checkins": plan_checkins}


def plan(ws: "Workspace", what: str, as_of: date | None = None) -> Plan:
    """What ``what`` (intros, nudges or checkins) would send now, leaving out every message already sent."""
    from revmentor_nb.messages.ledger import sent_keys

    if what not in PLANNERS:
        raise ValueError(f"cannot send {what!r}: choose one of {', '.join(KINDS)}")
    return PLANNERS[what](ws, as_of, sent_keys(ws))
