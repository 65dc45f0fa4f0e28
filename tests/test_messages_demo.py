"""The issue's 'done when' on the demo: one .eml per pair with a calendar file that parses; --send delivers one
message per pair to a real SMTP server (each person as many as the pairs they are in), a second --send none;
survey answers come back as check-ins."""
from __future__ import annotations

import shutil
from collections import Counter
from datetime import date

import icalendar
import pandas as pd
import pytest
from messaging import SmtpServer, messages_settings, set_messages

from revmentor_nb.messages.outbox import read_outbox
from revmentor_nb.messages.survey import import_survey, survey_id
from revmentor_nb.monitoring import activity as mon
from revmentor_nb.run.cli import main
from revmentor_nb.workspace.workspace import Workspace

pytestmark = pytest.mark.notebook  # the demo workspace is made by running the notebooks


@pytest.fixture()
def demo(demo_workspace, tmp_path):
    root = tmp_path / "demo"
    shutil.copytree(demo_workspace, root, ignore=shutil.ignore_patterns("runs"))
    return root


def test_demo_intros_drafts_then_send_once(demo):
    assert main(["send", str(demo), "--what", "intros"]) == 0
    ws = Workspace(demo)
    pairs = ws.require_match().pairs
    people = ws.require("participants").set_index("person_id")
    box = read_outbox(next((demo / "outbox").iterdir()))
    assert len(list(box.folder.glob("*.eml"))) == len(box.messages) == len(pairs) > 0  # every demo person has e-mail
    for entry in box.messages[:25]:
        msg = box.message(entry)
        part = next(p for p in msg.iter_attachments() if p.get_content_type() == "text/calendar")
        event = icalendar.Calendar.from_ical(part.get_content()).walk("VEVENT")[0]
        assert event["rrule"]["INTERVAL"] == [ws.design.schedule.cadence_days]
    with SmtpServer() as server:
        set_messages(demo, **messages_settings(server.port))
        assert main(["send", str(demo), "--what", "intros", "--send"]) == 0
        got = server.inbox.messages
        assert len(got) == len(pairs)
        expected = Counter(people.loc[list(pairs["mentor_id"]) + list(pairs["mentee_id"]), "email"])
        assert Counter(server.inbox.recipients()) == expected  # one message per recipient and pair, no one else
        for rcpts, msg in got:
            assert len(rcpts) == 2
        assert main(["send", str(demo), "--what", "intros", "--send"]) == 0
        assert len(server.inbox.messages) == len(pairs)  # the second --send delivers none


def test_demo_survey_answers_import_back_as_checkins(demo, tmp_path):
    ws = Workspace(demo)
    pairs = ws.require_match().pairs
    before = len(mon.load(ws).checkins)
    who = list(pairs["mentor_id"].head(5)) + list(pairs["mentee_id"].head(5))
    export = pd.DataFrame({"rid": [survey_id(p, ws.pseudonym_salt) for p in who],
                           "Submitted": ["2026-08-28"] * len(who), "Satisfaction (1-5)": [4] * len(who),
                           "On track": ["yes"] * len(who)})
    path = tmp_path / "final.csv"
    export.to_csv(path, index=False)
    import_survey(ws, path, mapping={"rid": "person_id", "Submitted": "date", "Satisfaction (1-5)": "satisfaction",
                                     "On track": "on_track"}, stage="final")
    data = mon.load(Workspace(demo))
    new = data.checkins[(data.checkins["date"] == pd.Timestamp(date(2026, 8, 28))) & (data.checkins["stage"] == "final")]
    assert set(who) <= set(new["person_id"]) and len(data.checkins) > before
