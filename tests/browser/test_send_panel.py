"""The message panel in a browser: run 03_monitor in JupyterLab, press Send, confirm, and the test's SMTP server
receives the introductions (and only after confirmation)."""
from __future__ import annotations

import re

import pytest
from messaging import SmtpServer, small_workspace

pytestmark = pytest.mark.browser

AS_OF = "2026-03-20"


def _press(button) -> None:  # noqa: ANN001
    """Press a widget button with the mouse, as a person does (it once failed: an empty chart above the panel
    was 1.8e308 px tall, so the panel sat "outside of the viewport")."""
    button.scroll_into_view_if_needed()
    button.click()


def test_send_asks_first_then_delivers_the_introductions(lab, page, notebook_in_lab, run_all_cells, artifacts):
    with SmtpServer() as server:
        ws = small_workspace(lab.root / "ws", server.port)
        notebook_in_lab("03_monitor.ipynb", workspace=str(ws.root), interactive=True, as_of=AS_OF)
        run_all_cells(page, "03_monitor.ipynb")
        panel = page.locator(".rm-send-panel")
        try:
            panel.wait_for(timeout=180_000)
        except Exception:
            errors = page.locator(".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr']")
            raise AssertionError("; ".join(errors.all_inner_texts())[-3000:]) from None
        assert "Preview of one intros message" in page.locator(".rm-message-preview").inner_text()
        tallest = page.evaluate("() => Math.max(...[...document.querySelectorAll('.jp-OutputArea-output')]"
                                ".map(e => e.getBoundingClientRect().height))")
        assert tallest < 5_000, f"an output {tallest:.0f} px tall"  # no endless chart pushing the panel away
        _press(panel.locator("button", has_text="Send…"))
        question = panel.get_by_text(re.compile(r"Send 3 intros to 5 people"))
        question.wait_for(timeout=30_000)
        assert server.inbox.messages == []  # asking sends nothing
        panel.scroll_into_view_if_needed()
        page.screenshot(path=str(artifacts / "send_panel_confirm.png"))
        _press(panel.locator("button", has_text="Yes, send"))
        panel.get_by_text(re.compile(r"sent 3")).wait_for(timeout=60_000)
        assert len(server.inbox.messages) == 3
        assert sorted(r for rcpts, _ in server.inbox.messages for r in rcpts) == sorted(
            ["ada@example.org", "dee@example.org", "ada@example.org", "eve@example.org", "bo@example.org",
             "zoe@example.org"])
        page.screenshot(path=str(artifacts / "send_panel_sent.png"))
