"""Messages end to end against a real SMTP server on 127.0.0.1: drafts, calendar files, sending, no repeats, resume."""
from __future__ import annotations

import html
import json
import re
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import icalendar
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from messaging import CHECKINS, HOSTILE, PAIRS, PEOPLE, Inbox, SmtpServer, set_messages, small_workspace

from revmentor_nb.design.program import DesignError, ProgramDesign, Smtp, design_from_dict
from revmentor_nb.errors import InputError
from revmentor_nb.messages import ics
from revmentor_nb.messages.compose import plan
from revmentor_nb.messages.ledger import message_log, sent_keys
from revmentor_nb.messages.outbox import read_outbox, write_outbox
from revmentor_nb.messages.send import SendError, connect, send_outbox
from revmentor_nb.messages.survey import import_survey, survey_id, survey_link
from revmentor_nb.monitoring import activity as mon
from revmentor_nb.monitoring.status import assess
from revmentor_nb.run.cli import main
from revmentor_nb.workspace.workspace import Workspace

EMAILS = dict(zip(PEOPLE["person_id"], PEOPLE["email"]))
NAMES = dict(zip(PEOPLE["person_id"], PEOPLE["name"]))
SENDABLE = [("M1", "E1"), ("M1", "E2"), ("M2", "E3")]  # M3-E4: E4 has no e-mail


@pytest.fixture()
def server():
    with SmtpServer() as srv:
        yield srv


@pytest.fixture()
def ws(tmp_path, server) -> Workspace:
    return small_workspace(tmp_path / "ws", server.port)


def outbox_runs(ws: Workspace, what: str) -> list[Path]:
    return sorted(p for p in (ws.root / "outbox").iterdir() if p.name.startswith(what))


def text_of(msg) -> str:
    return msg.get_body(("plain",)).get_content()


def html_of(msg) -> str:
    return msg.get_body(("html",)).get_content()


def everything(msg) -> str:
    """Headers and every text part of a message, decoded (what a reader could see)."""
    parts = [str(v) for _, v in msg.items()]
    parts += [p.get_content() for p in msg.walk() if p.get_content_maintype() == "text"]
    return "\n".join(parts)


# --------------------------------------------------------------------------- calendar files


def test_meeting_series_is_valid_icalendar_with_zone_and_cadence():
    raw = ics.meeting_series(uid="u1@x", summary="Mentoring", description="d", first=date(2026, 3, 9), at="09:30",
                             zone="America/New_York", minutes=45, cadence_days=30, until=date(2026, 9, 2),
                             organizer=("Team", "team@example.org"),
                             attendees=[("Ada", "ada@example.org"), ("Dee", "dee@example.org")])
    cal = icalendar.Calendar.from_ical(raw)
    assert str(cal["method"]) == "REQUEST" and str(cal["version"]) == "2.0"
    event = cal.walk("VEVENT")[0]
    start = event["dtstart"].dt
    assert (start.hour, start.minute, str(start.tzinfo)) == (9, 30, "America/New_York")
    assert event["dtend"].dt - start == timedelta(minutes=45)
    rule = event["rrule"]
    assert rule["FREQ"] == ["DAILY"] and rule["INTERVAL"] == [30]
    until = rule["UNTIL"][0]
    assert until.utcoffset() == timedelta(0) and until.astimezone(timezone.utc).date() == date(2026, 9, 3)
    assert {str(a) for a in event["attendee"]} == {"mailto:ada@example.org", "mailto:dee@example.org"}
    zones = [str(z["tzid"]) for z in cal.walk("VTIMEZONE")]
    assert zones == ["America/New_York"]
    # the series itself: every 30 days from the first, at 09:30 local time across the DST change, up to the end
    from dateutil.rrule import rrulestr

    meetings = list(rrulestr(rule.to_ical().decode(), dtstart=start))
    assert [m.date() for m in meetings] == [date(2026, 3, 9) + timedelta(days=30 * i) for i in range(6)]
    assert {(m.hour, m.minute) for m in meetings} == {(9, 30)}


def test_whole_weeks_repeat_weekly_and_plan_steps_are_all_day():
    raw = ics.meeting_series(uid="u2@x", summary="s", description="d", first=date(2026, 3, 9), at="10:00",
                             zone="Europe/London", minutes=60, cadence_days=14, until=date(2026, 6, 1),
                             organizer=None, attendees=[])
    event = icalendar.Calendar.from_ical(raw).walk("VEVENT")[0]
    assert event["rrule"]["FREQ"] == ["WEEKLY"] and event["rrule"]["INTERVAL"] == [2]
    step = icalendar.Calendar.from_ical(ics.plan_step(uid="p@x", summary="launch", description="pairs",
                                                      start=date(2026, 3, 2), end=date(2026, 3, 9)))
    ev = step.walk("VEVENT")[0]
    assert ev["dtstart"].dt == date(2026, 3, 2) and ev["dtend"].dt == date(2026, 3, 10)  # DTEND exclusive
    assert ics.first_weekday_on_or_after(date(2026, 3, 7)) == date(2026, 3, 9)  # a Saturday moves to Monday


# --------------------------------------------------------------------------- program.yaml


def test_messages_section_has_defaults_and_named_errors():
    assert ProgramDesign().messages.smtp.security == "starttls"  # an existing program.yaml stays valid
    import yaml

    unquoted = design_from_dict(yaml.safe_load("messages:\n  meeting_time: 09:30\n"))  # YAML reads 09:30 as 570
    assert unquoted.messages.meeting_time == "09:30"
    assert design_from_dict(yaml.safe_load(unquoted.to_yaml())).messages.meeting_time == "09:30"
    with pytest.raises(DesignError) as err:
        design_from_dict({"messages": {"survey_url": "https://forms.example.org/?who={email}",
                                       "timezone": "Mars/Olympus", "from_address": "not an address",
                                       "smtp": {"password": "hunter2"}}})
    problems = err.value.problems.set_index("column")
    assert {"messages.survey_url", "messages.timezone", "messages.from_address",
            "messages.smtp.password"} <= set(problems.index)
    assert "{id}" in problems.loc["messages.survey_url", "fix"]
    with pytest.raises(DesignError):
        design_from_dict({"messages": {"survey_url": "https://forms.example.org/r/abc"}})  # no {id}: cannot match back


# --------------------------------------------------------------------------- introductions


def test_dry_run_writes_one_eml_per_pair_with_calendar_and_agreement(ws, server, capsys):
    assert main(["send", str(ws.root), "--what", "intros"]) == 0
    assert server.inbox.messages == []  # a dry run sends nothing
    box = read_outbox(outbox_runs(ws, "intros")[-1])
    assert [tuple(e["to"]) for e in box.messages] == SENDABLE
    assert len(list(box.folder.glob("*.eml"))) == 3
    assert [s["key"] for s in box.skipped] == ["intro|M3|E4"]
    assert "E4 has no e-mail address" in capsys.readouterr().err
    for entry in box.messages:
        msg = box.message(entry)
        assert {a.addr_spec for a in msg["To"].addresses} == {EMAILS[i] for i in entry["to"]}
        files = {p.get_filename(): p for p in msg.iter_attachments()}
        assert set(files) == {"mentoring-meetings.ics", "mentoring-agreement.html", "mentoring-agreement.md"}
        cal = icalendar.Calendar.from_ical(files["mentoring-meetings.ics"].get_content())
        event = cal.walk("VEVENT")[0]
        assert event["rrule"]["INTERVAL"] == [30] and str(event["dtstart"].dt.tzinfo) == "Europe/London"
        assert {str(a) for a in event["attendee"]} == {f"mailto:{EMAILS[i]}" for i in entry["to"]}
        from revmentor_nb.review.handover import pair_stem

        stem = pair_stem(*entry["to"])  # the hand-over files' name: both ids and a hash of them
        agreement = (ws.root / "exports").glob(f"*/agreements/{stem}.md")
        assert files["mentoring-agreement.md"].get_content() == next(agreement).read_text(encoding="utf-8")
        on_disk = icalendar.Calendar.from_ical((box.folder / "calendar" / f"intro-{stem}.ics").read_bytes())
        assert on_disk.to_ical() == cal.to_ical()
    log = ws.audit_log()
    assert (log["action"] == "messages.draft").sum() == 1 and not (log["action"] == "message.send").any()


def test_send_delivers_one_message_per_pair_and_a_second_send_none(ws, server):
    assert main(["send", str(ws.root), "--what", "intros", "--send"]) == 0
    got = server.inbox.messages
    assert sorted(tuple(sorted(r)) for r, _ in got) == sorted(tuple(sorted([EMAILS[a], EMAILS[b]])) for a, b in SENDABLE)
    for rcpts, msg in got:
        pair = [p for p, e in EMAILS.items() if e in rcpts]
        assert msg["Subject"].startswith(ws.design.name) and all(NAMES[p] in msg["Subject"] for p in pair)
        assert msg["From"].addresses[0].addr_spec == "mentoring@example.org"
        assert msg.get_content_type() == "multipart/mixed"
        alternative = next(p for p in msg.walk() if p.get_content_type() == "multipart/alternative")
        assert [p.get_content_type() for p in alternative.iter_parts()] == ["text/plain", "text/html"]
        assert all(NAMES[p] in text_of(msg) for p in pair)
        # only the pair's own people: no other participant's e-mail or name anywhere in the message
        seen = everything(msg)
        for other in set(EMAILS) - set(pair):
            assert not (isinstance(EMAILS[other], str) and EMAILS[other] in seen), other
            assert NAMES[other] not in seen and html.escape(NAMES[other]) not in seen, other
    assert main(["send", str(ws.root), "--what", "intros", "--send"]) == 0
    assert len(server.inbox.messages) == 3  # nothing sent twice
    log = message_log(ws)
    assert len(log) == 3 and set(log["status"]) == {"ok"} and set(log["template"]) == {"intro"}
    assert set(log["message_id"]) == {m["Message-ID"] for _, m in got}
    raw = (ws.root / "program.sqlite").read_bytes()
    assert b"listen and learn" not in raw  # the audit log keeps no message body


def test_participant_text_is_escaped_in_the_html_part(ws, server):
    assert main(["send", str(ws.root), "--what", "intros", "--send"]) == 0
    msg = next(m for r, m in server.inbox.messages if "zoe@example.org" in r)
    body = html_of(msg)
    assert "<b>O'Brien</b>" not in body and "Pilot <b>" not in body
    assert "Zoë &lt;b&gt;O&#39;Brien&lt;/b&gt; &amp; &#34;Co&#34;" in body
    assert HOSTILE in text_of(msg)  # the plain part shows the name as written
    assert msg["To"].addresses[1].display_name == HOSTILE and msg["To"].addresses[1].addr_spec == "zoe@example.org"


# --------------------------------------------------------------------------- failures, resume


def test_a_server_that_drops_the_connection_leaves_a_record_and_resume_finishes(tmp_path):
    with SmtpServer(Inbox(drop_after=1)) as flaky:
        ws = small_workspace(tmp_path / "ws", flaky.port)
        assert main(["send", str(ws.root), "--what", "intros", "--send"]) == 1
        assert len(flaky.inbox.messages) == 1
    box = read_outbox(outbox_runs(ws, "intros")[-1])
    status = box.status()
    assert not status["complete"] and len(status["sent"]) == 1
    assert len(status["pending"]) + len(status["failed"]) == 2
    log = message_log(ws)
    assert list(log["status"]).count("ok") == 1 and "failed" in set(log["status"])
    runs = ws.audit_log()
    assert runs.loc[runs["action"] == "messages.send", "status"].tolist() == ["failed"]
    with SmtpServer() as healthy:
        set_messages(ws.root, smtp={"host": "127.0.0.1", "port": healthy.port, "security": "none",
                                    "rate_per_minute": 6000})
        assert main(["send", str(ws.root), "--what", "intros", "--send", "--resume"]) == 0
        assert len(healthy.inbox.messages) == 2
        first = flaky.inbox.messages[0][1]["Message-ID"]
        resent_ids = {m["Message-ID"] for _, m in healthy.inbox.messages}
        assert first not in resent_ids and resent_ids <= {e["message_id"] for e in box.messages}  # the same drafts
        assert read_outbox(box.folder).status()["complete"]
        assert main(["send", str(ws.root), "--what", "intros", "--send", "--resume"]) == 0  # nothing left
        assert main(["send", str(ws.root), "--what", "intros", "--send"]) == 0
        assert len(healthy.inbox.messages) == 2
    assert sent_keys(Workspace(ws.root)) == {f"intro|{a}|{b}" for a, b in SENDABLE}


def test_rate_limit_spaces_the_messages(ws, server):
    set_messages(ws.root, smtp={"host": "127.0.0.1", "port": server.port, "security": "none", "rate_per_minute": 30})
    ws = Workspace(ws.root)
    now = [0.0]
    waits: list[float] = []

    def sleep(s: float) -> None:
        waits.append(s)
        now[0] += s

    report = send_outbox(ws, write_outbox(ws, plan(ws, "intros")), sleep=sleep, clock=lambda: now[0])
    assert len(report.sent) == 3 and waits == [pytest.approx(2.0), pytest.approx(2.0)]  # 30 a minute: 2 s apart


def test_sending_needs_a_sender_and_keeps_passwords_out_of_files(ws, server, monkeypatch):
    set_messages(ws.root, from_address=None)
    ws = Workspace(ws.root)
    with pytest.raises(SendError, match="from_address"):
        send_outbox(ws, write_outbox(ws, plan(ws, "intros")))
    monkeypatch.delenv("REVMENTOR_SMTP_PASSWORD", raising=False)
    with pytest.raises(SendError, match="REVMENTOR_SMTP_PASSWORD"):
        connect(Smtp(host="127.0.0.1", port=server.port, security="none", user="ada"))
    with pytest.raises(SendError, match="starttls or ssl"):
        connect(Smtp(host="mail.invalid", port=25, security="none"))
    assert "password" not in ws.design.to_yaml().replace("password_env", "")
    assert server.inbox.messages == []


# --------------------------------------------------------------------------- nudges and check-ins


def test_nudges_go_to_each_person_naming_only_their_partner(ws, server):
    unhappy = pd.DataFrame({"person_id": ["E3"], "date": pd.to_datetime(["2026-04-01"]), "stage": ["pulse"],
                            "satisfaction": [1.0], "on_track": [False], "comment": ["my mentor never shows up"]})
    ws.import_frame("checkins", pd.concat([CHECKINS, unhappy], ignore_index=True), source_name="checkins")
    reasons = " ".join(assess(mon.load(ws), ws.design.monitoring, date(2026, 4, 10))["reason"].dropna())
    assert "satisfaction" in reasons  # the monitor knows E3's low rating: the messages must not tell M2
    assert main(["send", str(ws.root), "--what", "nudges", "--send", "--as-of", "2026-04-10"]) == 0
    got = server.inbox.messages
    assert got and all(len(r) == 1 for r, _ in got)
    for (rcpt,), msg in got:
        me = next(p for p, e in EMAILS.items() if e == rcpt)
        seen = everything(msg)
        for other in set(EMAILS) - {me}:
            if NAMES[other] in seen:  # a partner may be named: only someone this person is paired with
                assert (me, other) in set(PAIRS[["mentor_id", "mentee_id"]].itertuples(index=False, name=None)) | {
                    (b, a) for a, b in PAIRS[["mentor_id", "mentee_id"]].itertuples(index=False, name=None)}
            assert not (isinstance(EMAILS[other], str) and EMAILS[other] in seen)
        assert "satisf" not in seen and "did not answer" not in seen and "never shows" not in seen  # no check-in leaks
    assert main(["send", str(ws.root), "--what", "nudges", "--send", "--as-of", "2026-04-12"]) == 0
    assert len(server.inbox.messages) == len(got)  # same flags within nudge_repeat_days: not sent again


def test_plan_steps_reach_the_team_with_a_calendar_file(ws, server):
    assert main(["send", str(ws.root), "--what", "nudges", "--send", "--as-of", "2026-05-26"]) == 0
    team = [m for r, m in server.inbox.messages if r == ["team@example.org"]]
    assert len(team) == 1 and "midpoint check-in" in team[0]["Subject"]
    part = next(p for p in team[0].iter_attachments() if p.get_content_type() == "text/calendar")
    event = icalendar.Calendar.from_ical(part.get_content()).walk("VEVENT")[0]
    assert isinstance(event["dtstart"].dt, date) and not isinstance(event["dtstart"].dt, datetime)
    box = read_outbox(outbox_runs(ws, "nudges")[-1])
    steps = sorted((box.folder / "calendar").glob("plan-*.ics"))
    assert len(steps) == 8 and all(icalendar.Calendar.from_ical(p.read_bytes()).walk("VEVENT") for p in steps)


def test_checkin_invitations_carry_a_survey_id_never_an_email(ws, server):
    assert main(["send", str(ws.root), "--what", "checkins", "--send", "--as-of", "2026-03-20"]) == 0
    got = {r[0]: m for r, m in server.inbox.messages}
    invited = {p for p, e in EMAILS.items() if e in got}
    assert invited == {"M1", "M2", "M3", "E2", "E3"}  # E1 answered the kickoff; E4 has no e-mail
    for pid in invited:
        body = text_of(got[EMAILS[pid]])
        link = survey_link(ws.design.messages.survey_url, pid, ws.pseudonym_salt, stage="kickoff")
        assert link in body and survey_id(pid, ws.pseudonym_salt) in link
        query = parse_qs(urlsplit(link).query)
        assert query == {"rid": [survey_id(pid, ws.pseudonym_salt)], "s": ["kickoff"]}  # a code, not the person
        assert EMAILS[pid] not in body and "@" not in link


def test_survey_answers_import_back_as_checkins(ws, tmp_path):
    salt = ws.pseudonym_salt
    export = pd.DataFrame({"Response ID": [101, 102, 103], "Respondent": [survey_id(p, salt) for p in ("M1", "E3", "M2")],
                           "Completion time": ["2026-03-15", "2026-03-16", "2026-03-18"],
                           "How satisfied are you?": [5, 2, 4], "On track?": ["yes", "no", "yes"],
                           "Comments": ["great", "hard to find time", ""], "Email": ["anon"] * 3})
    path = tmp_path / "kickoff survey.xlsx"
    export.to_excel(path, index=False)
    mapping = {"Respondent": "person_id", "Completion time": "date", "How satisfied are you?": "satisfaction",
               "On track?": "on_track", "Comments": "comment"}
    import_survey(ws, path, mapping=mapping, stage="kickoff")
    stored = ws.table(mon.SURVEY_CHECKINS)
    assert sorted(stored["person_id"]) == ["E3", "M1", "M2"] and "Email" not in stored
    data = mon.load(ws)
    assert {"M1", "E3", "M2", "E1"} <= set(data.checkins["person_id"])
    assert not plan(ws, "checkins", date(2026, 3, 20)).skipped["who"].isin(["M1", "M2", "E3"]).any()
    left = {d.to[0].id for d in plan(ws, "checkins", date(2026, 3, 20)).drafts}
    assert left == {"M3", "E2"}  # the ones who answered are not invited again
    bad = tmp_path / "bad.csv"
    export.assign(Respondent=["R-00000000", survey_id("M1", salt), "someone@example.org"]).to_csv(bad, index=False)
    with pytest.raises(InputError) as err:
        import_survey(ws, bad, mapping=mapping, stage="kickoff")
    problems = err.value.problems
    assert list(problems["row"]) == [2, 4] and set(problems["column"]) == {"person_id"}
    assert len(Workspace(ws.root).table(mon.SURVEY_CHECKINS)) == 3  # nothing stored from the bad file


@settings(max_examples=40, deadline=None)
@given(st.text(min_size=1, max_size=30))
def test_any_name_is_escaped_in_html_and_whole_in_text(name):
    from markupsafe import escape

    from revmentor_nb.io.templates import render
    from revmentor_nb.messages.compose import Person

    def context(who: str) -> dict:
        return {"programme": "P", "team": "T", "k": 5, "person": Person("P1", who, "p1@example.org"),
                "stage": "midpoint", "link": "https://x.example/?id=R-1", "closes": "Monday"}

    sentinel = "QQSENTINELQQ"
    body = render("messages/checkin.html", context(name))
    # every place the name goes holds exactly its escaped form, so no participant text is ever markup
    assert body == render("messages/checkin.html", context(sentinel)).replace(sentinel, str(escape(name)))
    assert render("messages/checkin.txt", context(name)) == render("messages/checkin.txt", context(sentinel)).replace(
        sentinel, name)


def test_command_line_usage_and_mistakes(ws, server, capsys, tmp_path):
    assert main(["send", str(ws.root), "--what", "intros", "--resume"]) == 2  # resume sends: needs --send
    assert main(["send", str(ws.root), "--what", "intros", "--send", "--resume"]) == 0
    assert "nothing to resume" in capsys.readouterr().out
    with pytest.raises(SystemExit):
        main(["send", str(ws.root), "--what", "everything"])
    assert main(["send", str(tmp_path / "nowhere"), "--what", "intros"]) == 1
    assert "not a programme workspace" in capsys.readouterr().err
    (ws.root / "templates" / "messages").mkdir(parents=True)
    (ws.root / "templates" / "messages" / "intro.txt").write_text("Hello {{ mentor.nickname }}\n", encoding="utf-8")
    assert main(["send", str(ws.root), "--what", "intros"]) == 1
    err = capsys.readouterr().err
    assert "intro.txt" in err and "nickname" in err  # the workspace's own template is used, and a bad one named
    assert server.inbox.messages == []


@pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")  # implicit TLS, see below
@pytest.mark.parametrize("security", ["starttls", "ssl"])
def test_tls_and_login_with_the_password_from_the_environment(ws, tmp_path, monkeypatch, capsys, security):
    """A server that demands TLS and a login: the password comes from the variable and never reaches a file."""
    import trustme
    from aiosmtpd.controller import Controller
    from aiosmtpd.smtp import AuthResult, LoginPassword
    from messaging import free_port

    ca = trustme.CA()
    cert = ca.issue_cert("127.0.0.1")
    server_tls = __import__("ssl").create_default_context(__import__("ssl").Purpose.CLIENT_AUTH)
    cert.configure_cert(server_tls)
    ca_file = tmp_path / "ca.pem"
    ca.cert_pem.write_to_path(str(ca_file))
    monkeypatch.setenv("SSL_CERT_FILE", str(ca_file))  # the client trusts the test CA, as it would a real one
    secret = "s3cret-Only-In-Env"
    tries: list[tuple[bytes, bytes]] = []

    def authenticate(server, session, envelope, mechanism, auth_data):  # noqa: ANN001
        assert isinstance(auth_data, LoginPassword)
        tries.append((auth_data.login, auth_data.password))
        return AuthResult(success=auth_data.login == b"mentoring" and auth_data.password == secret.encode())

    inbox, port = Inbox(), free_port()
    tls = ({"tls_context": server_tls, "require_starttls": True} if security == "starttls"
           else {"ssl_context": server_tls, "auth_require_tls": False})  # implicit TLS: aiosmtpd cannot tell it is TLS
    controller = Controller(inbox, hostname="127.0.0.1", port=port, authenticator=authenticate, auth_required=True,
                            **tls)
    controller.start()
    try:
        set_messages(ws.root, smtp={"host": "127.0.0.1", "port": port, "security": security, "user": "mentoring",
                                    "password_env": "MENTORING_SMTP_PASSWORD", "rate_per_minute": 6000,
                                    "timeout_seconds": 3})
        monkeypatch.setenv("MENTORING_SMTP_PASSWORD", "wrong")
        assert main(["send", str(ws.root), "--what", "intros", "--send"]) == 1  # refused login: nothing sent
        assert inbox.messages == [] and tries[-1] == (b"mentoring", b"wrong")
        err = capsys.readouterr().err
        assert "logging in to 127.0.0.1 as 'mentoring' failed" in err and "MENTORING_SMTP_PASSWORD" in err
        monkeypatch.setenv("MENTORING_SMTP_PASSWORD", secret)
        assert main(["send", str(ws.root), "--what", "intros", "--send"]) == 0
        assert len(inbox.messages) == 3 and tries[-1] == (b"mentoring", secret.encode())
    finally:
        controller.stop()
    stored = [p for p in ws.root.rglob("*") if p.is_file() and secret.encode() in p.read_bytes()]
    assert stored == []  # not in program.yaml, the store, the outbox or the audit log


@settings(max_examples=60, deadline=None)
@given(st.text(min_size=1, max_size=20), st.text(min_size=1, max_size=20), st.sampled_from(["kickoff", "midpoint"]))
def test_survey_ids_are_stable_codes_unlike_report_pseudonyms(person, salt, stage):
    from revmentor_nb.privacy.pseudonyms import pseudonym

    code = survey_id(person, salt)
    assert code == survey_id(person, salt) and code[:2] == "R-" and len(code) == 10
    assert code[2:] != pseudonym(person, salt)[2:]  # a link's code never equals the id a report shows
    link = survey_link("https://forms.example.org/r/x?a={id}&b={stage}", person, salt, stage=stage)
    assert parse_qs(urlsplit(link).query) == {"a": [code], "b": [stage]}


def test_survey_import_from_the_command_line_refuses_a_bad_file_whole_and_stores_a_good_one(ws, tmp_path, capsys):
    salt = ws.pseudonym_salt
    export = pd.DataFrame({"Respondent": [survey_id(p, salt) for p in ("M1", "E3")],
                           "Completion time": ["2026-03-15", "2026-03-16"], "How satisfied are you?": [5, 2],
                           "On track?": ["yes", "no"]})
    maps = ["--map", "Respondent=person_id", "--map", "Completion time=date", "--map",
            "How satisfied are you?=satisfaction", "--map", "On track?=on_track"]
    bad = tmp_path / "bad.csv"
    export.assign(Respondent=["R-00000000", survey_id("M1", salt)]).to_csv(bad, index=False)
    def files() -> list[tuple[str, bytes]]:
        return sorted((str(p), p.read_bytes()) for p in ws.root.rglob("*") if p.is_file())

    before = files()
    assert main(["import-survey", str(ws.root), str(bad), "--stage", "kickoff", *maps]) == 1
    err = capsys.readouterr().err
    assert re.search(r"bad\.csv\s+2\s+person_id\s+R-00000000", err) and "Traceback" not in err, err
    assert Workspace(ws.root).table(mon.SURVEY_CHECKINS) is None  # refused: nothing stored
    assert files() == before
    assert main(["import-survey", str(ws.root), str(bad), "--map", "Respondent"]) == 2  # a --map without '='
    assert "HEADER=COLUMN" in capsys.readouterr().err
    good = tmp_path / "kickoff.csv"
    export.to_csv(good, index=False)
    assert main(["import-survey", str(ws.root), str(good), "--stage", "kickoff", *maps]) == 0
    assert "imported kickoff.csv" in capsys.readouterr().out
    assert sorted(Workspace(ws.root).table(mon.SURVEY_CHECKINS)["person_id"]) == ["E3", "M1"]
