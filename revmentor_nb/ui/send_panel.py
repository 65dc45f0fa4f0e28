"""What `revmentor send` would send now, in the monitor notebook; in JupyterLab a button sends after confirmation.

The panel holds no rules: counting is ``messages.preview``, the drafts are ``compose.plan`` and
``outbox.write_outbox``, sending is ``send.send_outbox`` (the same calls as the command line),
so a confirmed click is exactly ``revmentor send WS --what KIND --send``.
"""
from __future__ import annotations

import html
from datetime import date

import ipywidgets as w
from IPython.display import HTML, display

from revmentor_nb.messages.compose import KINDS, Plan, plan
from revmentor_nb.messages.outbox import write_outbox
from revmentor_nb.messages.preview import Preview, preview
from revmentor_nb.messages.send import SendError, send_outbox
from revmentor_nb.report.output import show_table
from revmentor_nb.workspace.workspace import Workspace


def preview_html(pv: Preview) -> str:
    """One message as it would read (escaped), or a line saying nothing is due."""
    if not pv.subject:
        return "<p>Nothing to send now: every introduction, nudge and check-in due has gone.</p>"
    files = ", ".join(html.escape(a) for a in pv.attachments) or "none"
    return (f"<div class='rm-message-preview'><p><b>Preview of one {html.escape(pv.kind)} message</b> "
            f"(names are pseudonymous unless the run asks for names)</p>"
            f"<p>To: {html.escape(pv.to)}<br>Subject: {html.escape(pv.subject)}<br>Attachments: {files}</p>"
            f"<pre style='white-space:pre-wrap;border-left:3px solid #ccc;padding-left:8px'>"
            f"{html.escape(pv.text)}</pre></div>")


def show_messages(ws: Workspace, as_of: date, *, interactive: bool, names: bool = False) -> "SendPanel | None":
    """Counts by kind and a preview of one message; with ``interactive``, the panel that sends after confirmation."""
    pv = preview(ws, as_of, names=names)
    show_table(pv.counts, f"Messages due as of {as_of:%d %B %Y} (a dry run: `revmentor send` writes them as drafts)")
    display(HTML(preview_html(pv)))
    if not interactive:
        return None
    panel = SendPanel(ws, as_of)
    display(panel)
    return panel


class SendPanel(w.VBox):
    """Choose a kind, press Send, read what will go and to how many people, then confirm (or cancel)."""

    def __init__(self, ws: Workspace, as_of: date) -> None:
        self.ws, self.as_of = ws, as_of
        self.pending: Plan | None = None
        self.kind = w.Dropdown(options=list(KINDS), value="intros", description="send")
        self.send_button = w.Button(description="Send…", icon="envelope", button_style="primary")
        self.confirm_button = w.Button(description="Yes, send", button_style="danger")
        self.cancel_button = w.Button(description="Cancel")
        self.question = w.HTML()
        self.confirm = w.HBox([self.question, self.confirm_button, self.cancel_button],
                              layout=w.Layout(display="none"))
        self.status = w.HTML()
        self.send_button.on_click(lambda _: self.ask())
        self.confirm_button.on_click(lambda _: self.send())
        self.cancel_button.on_click(lambda _: self.cancel())
        super().__init__([w.HBox([self.kind, self.send_button]), self.confirm, self.status])
        self.add_class("rm-send-panel")

    def ask(self) -> None:
        """Plan the chosen kind now and ask for confirmation (nothing is sent yet)."""
        self.ws = Workspace(self.ws.root)  # program.yaml may have changed since the notebook opened it
        try:
            self.pending = plan(self.ws, self.kind.value, self.as_of)
        except (ValueError, LookupError, RuntimeError) as err:
            self._say(f"cannot plan {self.kind.value}: {err}", error=True)
            return
        n = len(self.pending.drafts)
        if not n:
            self._say(f"nothing to send: no {self.kind.value} due that has not gone already")
            return
        smtp, people = self.ws.design.messages.smtp, len({i for d in self.pending.drafts for i in d.person_ids})
        self.question.value = (f"Send {n} {html.escape(self.kind.value)} to {people} people through "
                               f"{html.escape(smtp.host)}:{smtp.port}?")
        self.confirm.layout.display = "flex"
        self.status.value = ""

    def cancel(self) -> None:
        """Forget the planned messages."""
        self.pending = None
        self.confirm.layout.display = "none"
        self._say("cancelled: nothing sent")

    def send(self) -> None:
        """Write the confirmed drafts to the outbox and send them (as `revmentor send --send`)."""
        if self.pending is None:
            return
        self.confirm.layout.display = "none"
        drafts, self.pending = self.pending, None
        box = write_outbox(self.ws, drafts)
        try:
            report = send_outbox(self.ws, box)
        except SendError as err:
            done = f" {err.report.text()}" if err.report else ""
            self._say(f"{err}.{done} Press Send again to send the rest (nothing goes twice).", error=True)
            return
        self._say(html.escape(report.text()) + f" (drafts in {html.escape(str(box.folder.relative_to(self.ws.root)))})")

    def _say(self, text: str, error: bool = False) -> None:
        colour = "#b00020" if error else "inherit"
        self.status.value = f"<span style='color:{colour}'>{text if not error else html.escape(text)}</span>"
