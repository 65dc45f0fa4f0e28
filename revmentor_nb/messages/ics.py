"""Calendar files (RFC 5545, via ``icalendar``): a pair's meeting series and the programme team's plan steps.

Times carry an explicit time zone (with its VTIMEZONE), a recurring series repeats at the
design's cadence (RRULE) until the programme's planned end, and every file parses back.
"""
from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

import icalendar

PRODID = "-//revmentor_nb//messages//EN"


def _calendar(method: str) -> icalendar.Calendar:
    cal = icalendar.Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", method)
    return cal


def _address(name: str, email: str, role: str | None = None) -> icalendar.vCalAddress:
    addr = icalendar.vCalAddress(f"mailto:{email}")
    addr.params["cn"] = icalendar.vText(name)
    if role:
        addr.params["role"] = icalendar.vText(role)
        addr.params["partstat"] = icalendar.vText("NEEDS-ACTION")
        addr.params["rsvp"] = icalendar.vText("TRUE")
    return addr


def cadence_rule(cadence_days: int, until: datetime) -> dict[str, object]:
    """The RRULE of a meeting every ``cadence_days`` days: weekly steps when it is whole weeks (keeps the weekday)."""
    if cadence_days % 7 == 0:
        return {"freq": "weekly", "interval": cadence_days // 7, "until": until}
    return {"freq": "daily", "interval": cadence_days, "until": until}


def first_weekday_on_or_after(day: date) -> date:
    """``day``, or the Monday after when it falls on a weekend (a meeting proposal lands on a working day)."""
    return day + timedelta(days=(7 - day.weekday()) % 7 if day.weekday() >= 5 else 0)


def meeting_series(*, uid: str, summary: str, description: str, first: date, at: str, zone: str, minutes: int,
                   cadence_days: int, until: date, organizer: tuple[str, str] | None,
                   attendees: Sequence[tuple[str, str]], stamp: datetime | None = None) -> bytes:
    """One VEVENT: the first meeting at ``at`` (HH:MM, in ``zone``), repeating every ``cadence_days`` until ``until``."""
    tz = ZoneInfo(zone)
    hour, minute = (int(x) for x in at.split(":"))
    start = datetime.combine(first, time(hour, minute), tzinfo=tz)
    last = datetime.combine(until, time(23, 59, 59), tzinfo=tz).astimezone(timezone.utc)  # UNTIL is UTC (5545 3.3.10)
    cal = _calendar("REQUEST" if organizer else "PUBLISH")
    event = icalendar.Event()
    event.add("uid", uid)
    event.add("dtstamp", stamp or datetime.now(timezone.utc))
    event.add("sequence", 0)
    event.add("summary", summary)
    event.add("description", description)
    event.add("dtstart", start)
    event.add("dtend", start + timedelta(minutes=minutes))
    event.add("rrule", cadence_rule(cadence_days, last))
    event.add("status", "TENTATIVE")
    event.add("transp", "OPAQUE")
    if organizer:
        event.add("organizer", _address(*organizer))
    for name, email in attendees:
        event.add("attendee", _address(name, email, "REQ-PARTICIPANT"), encode=0)
    cal.add_component(event)
    cal.add_missing_timezones(first_date=first - timedelta(days=366), last_date=until + timedelta(days=366))
    return cal.to_ical()


def plan_step(*, uid: str, summary: str, description: str, start: date, end: date,
              stamp: datetime | None = None) -> bytes:
    """An all-day event from ``start`` to ``end`` inclusive (a dated step of the communication plan)."""
    cal = _calendar("PUBLISH")
    event = icalendar.Event()
    event.add("uid", uid)
    event.add("dtstamp", stamp or datetime.now(timezone.utc))
    event.add("summary", summary)
    event.add("description", description)
    event.add("dtstart", start)
    event.add("dtend", max(end, start) + timedelta(days=1))  # DTEND of a DATE event is exclusive
    event.add("transp", "TRANSPARENT")
    cal.add_component(event)
    return cal.to_ical()
