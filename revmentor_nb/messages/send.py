"""Sending an outbox through SMTP: STARTTLS or SSL, a rate limit, one audit record per message, no repeats.

Each message is logged in the workspace's audit log as it goes (key, template, message id,
recipients' ids; never the body). A key already logged as sent is skipped, so sending again
never duplicates a message. When the server fails part-way, the messages that went stay
logged, ``status.json`` in the outbox lists what did not go, and ``--resume`` sends those.
"""
from __future__ import annotations

import ipaddress
import os
import smtplib
import socket
import ssl
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from revmentor_nb.messages.compose import NO_SENDER
from revmentor_nb.messages.ledger import RUN_ACTION, SEND_ACTION, sent_keys
from revmentor_nb.messages.outbox import Outbox

if TYPE_CHECKING:
    from revmentor_nb.design.program import Smtp
    from revmentor_nb.workspace.workspace import Workspace

# errors of one message (the server refused it); anything else stops the run (connection lost, login refused)
MESSAGE_ERRORS = (smtplib.SMTPRecipientsRefused, smtplib.SMTPDataError, smtplib.SMTPSenderRefused)


class SendError(RuntimeError):
    """Sending could not start or stopped part-way; ``report`` says what went and what did not."""

    def __init__(self, message: str, report: "SendReport | None" = None) -> None:
        super().__init__(message)
        self.report = report


@dataclass
class SendReport:
    """What one sending attempt did, by message key."""

    run_id: str
    sent: list[str] = field(default_factory=list)
    already_sent: list[str] = field(default_factory=list)
    failed: dict[str, str] = field(default_factory=dict)
    pending: list[str] = field(default_factory=list)

    @property
    def complete(self) -> bool:
        """Did every message of the run go (now or before)?"""
        return not self.failed and not self.pending

    def text(self) -> str:
        """One line per outcome, for the command line."""
        lines = [f"run {self.run_id}: sent {len(self.sent)}, already sent before {len(self.already_sent)}, "
                 f"failed {len(self.failed)}, not sent yet {len(self.pending)}"]
        lines += [f"  failed {key}: {err}" for key, err in self.failed.items()]
        return "\n".join(lines)


def _loopback(host: str) -> bool:
    try:
        return ipaddress.ip_address(socket.gethostbyname(host)).is_loopback
    except (OSError, ValueError):
        return False


def connect(cfg: "Smtp") -> smtplib.SMTP:
    """An SMTP connection as program.yaml's ``messages.smtp`` says, logged in with the password from its variable."""
    password = None
    if cfg.user:
        password = os.environ.get(cfg.password_env)
        if not password:
            raise SendError(f"messages.smtp.user is {cfg.user!r} but the environment variable {cfg.password_env} "
                            f"holding the password is not set: set it in the shell that runs revmentor (never in "
                            f"program.yaml)")
    if cfg.security == "none" and not _loopback(cfg.host):
        raise SendError(f"messages.smtp.security is none but {cfg.host} is not this machine: use starttls or ssl "
                        f"so messages and the password do not cross the network in clear")
    try:
        if cfg.security == "ssl":
            smtp: smtplib.SMTP = smtplib.SMTP_SSL(cfg.host, cfg.port, timeout=cfg.timeout_seconds,
                                                  context=ssl.create_default_context())
        else:
            smtp = smtplib.SMTP(cfg.host, cfg.port, timeout=cfg.timeout_seconds)
            if cfg.security == "starttls":
                smtp.starttls(context=ssl.create_default_context())
    except (OSError, smtplib.SMTPException) as err:
        raise SendError(f"cannot reach the mail server {cfg.host}:{cfg.port} ({cfg.security}): {err}; check "
                        f"messages.smtp in program.yaml") from None
    if cfg.user:
        try:
            smtp.login(cfg.user, password or "")
        except (OSError, smtplib.SMTPException) as err:
            smtp.close()
            why = err.smtp_error.decode(errors="replace") if isinstance(err, smtplib.SMTPAuthenticationError) else err
            raise SendError(f"logging in to {cfg.host} as {cfg.user!r} failed ({why}): check messages.smtp.user "
                            f"and the password in the environment variable {cfg.password_env}") from None
    return smtp


def send_outbox(ws: "Workspace", box: Outbox, *, who: str | None = None,
                connector: Callable[["Smtp"], smtplib.SMTP] = connect,
                sleep: Callable[[float], None] = time.sleep, clock: Callable[[], float] = time.monotonic,
                progress: Callable[[str], None] | None = None) -> SendReport:
    """Send every message of ``box`` not sent before; raises SendError (with the report) if any did not go."""
    m = ws.design.messages
    if not m.from_address:
        raise SendError("set messages.from_address in program.yaml (the sender, e.g. 'Mentoring team "
                        "<mentoring@example.org>'), then draft again: these drafts have no sender")
    report = SendReport(box.run_id)
    with ws.run_lock():
        done = sent_keys(ws)
        todo = []
        for entry in box.messages:
            if entry["key"] in done:
                report.already_sent.append(entry["key"])
            else:
                todo.append(entry)
        report.pending = [e["key"] for e in todo]
        gap, last = 60.0 / m.smtp.rate_per_minute, None
        try:
            with ws.step(RUN_ACTION, box.run_id, {"what": box.what, "messages": len(todo)}, who):
                if not todo:
                    return report
                first = box.message(todo[0])
                if first["From"] is None or NO_SENDER in str(first["From"]):
                    raise SendError("these drafts were made before messages.from_address was set: draft again "
                                    "(`revmentor send WS --what ...`) and send the new run")
                smtp = connector(m.smtp)
                try:
                    for entry in todo:
                        if last is not None:
                            sleep(max(0.0, last + gap - clock()))
                        last = clock()
                        msg = box.message(entry)
                        detail = {"template": entry["template"], "message_id": entry["message_id"],
                                  "run": box.run_id, "kind": entry["kind"], "to": entry["to"]}
                        try:
                            with ws.step(SEND_ACTION, entry["key"], detail, who):
                                smtp.send_message(msg)
                        except MESSAGE_ERRORS as err:
                            report.failed[entry["key"]] = f"{type(err).__name__}: {err}"
                        else:
                            report.sent.append(entry["key"])
                        report.pending.remove(entry["key"])
                        done_now = len(report.sent) + len(report.failed)
                        if progress and (done_now % 25 == 0 or done_now == len(todo)):
                            progress(f"sent {len(report.sent)} of {len(todo)}, {len(report.failed)} refused")
                finally:
                    try:
                        smtp.quit()
                    except (OSError, smtplib.SMTPException):
                        smtp.close()
                if report.failed:
                    raise SendError(f"{len(report.failed)} message(s) refused by the server", report)
        except SendError as err:
            err.report = report
            raise
        except (OSError, smtplib.SMTPException) as err:
            raise SendError(f"sending stopped: {type(err).__name__}: {err}. {len(report.sent)} went; "
                            f"`--resume` sends the {len(report.pending) + len(report.failed)} left", report) from None
        finally:
            box.write_status(report.already_sent + report.sent, report.failed, report.pending)
    return report
