"""The monitor notebook's message panel: counts and a pseudonymous preview; Send asks first, then sends once."""
from __future__ import annotations

from datetime import date

import pytest
from messaging import EMAILS_OF, SmtpServer, small_workspace

from revmentor_nb.messages.preview import preview
from revmentor_nb.ui.send_panel import SendPanel, preview_html


@pytest.fixture()
def server():
    with SmtpServer() as srv:
        yield srv


def test_preview_counts_and_hides_names_unless_asked(tmp_path, server):
    ws = small_workspace(tmp_path / "ws", server.port)
    pv = preview(ws, date(2026, 3, 20))
    counts = pv.counts.set_index("kind")
    assert counts.loc["intros", "to send"] == 3 and counts.loc["intros", "skipped"] == 1
    assert counts.loc["checkins", "to send"] == 5
    shown = preview_html(pv)
    assert "Dear P-" in shown and not any(v in shown for v in EMAILS_OF.values())
    assert "Ada Mentorwell" not in shown
    invitation = preview(ws, date(2026, 3, 20), kinds=("checkins",))
    assert "rid={id}" in invitation.text and "R-" not in invitation.text  # no one's working survey link in a report
    named = preview(ws, date(2026, 3, 20), names=True)
    assert "Ada Mentorwell" in named.text and "ada@example.org" in named.to


def test_send_button_asks_then_sends_exactly_once(tmp_path, server):
    ws = small_workspace(tmp_path / "ws", server.port)
    panel = SendPanel(ws, date(2026, 3, 20))
    panel.kind.value = "intros"
    panel.send_button.click()
    assert panel.confirm.layout.display == "flex" and "Send 3 intros to 5 people" in panel.question.value
    assert server.inbox.messages == []  # asking sends nothing
    panel.cancel_button.click()
    assert server.inbox.messages == [] and "nothing sent" in panel.status.value
    panel.send_button.click()
    panel.confirm_button.click()
    assert len(server.inbox.messages) == 3 and "sent 3" in panel.status.value
    panel.send_button.click()
    assert "nothing to send" in panel.status.value and panel.confirm.layout.display == "none"
    assert len(server.inbox.messages) == 3
