"""Messages and invitations: introductions, nudges and check-in invitations as e-mail drafts, sent by SMTP.

Reads the workspace (accepted pairs, hand-over files, monitoring, the design's schedule) and
writes ``.eml`` drafts with calendar files to ``outbox/<run-id>/``; sends only when asked.
"""
from __future__ import annotations

from revmentor_nb._lazy import lazy

_EXPORTS = {
    "Draft": "revmentor_nb.messages.compose",
    "Plan": "revmentor_nb.messages.compose",
    "plan": "revmentor_nb.messages.compose",
    "KINDS": "revmentor_nb.messages.compose",
    "meeting_series": "revmentor_nb.messages.ics",
    "plan_step": "revmentor_nb.messages.ics",
    "Outbox": "revmentor_nb.messages.outbox",
    "write_outbox": "revmentor_nb.messages.outbox",
    "read_outbox": "revmentor_nb.messages.outbox",
    "unfinished_outbox": "revmentor_nb.messages.outbox",
    "send_outbox": "revmentor_nb.messages.send",
    "SendError": "revmentor_nb.messages.send",
    "SendReport": "revmentor_nb.messages.send",
    "sent_keys": "revmentor_nb.messages.ledger",
    "survey_id": "revmentor_nb.messages.survey",
    "survey_link": "revmentor_nb.messages.survey",
    "import_survey": "revmentor_nb.messages.survey",
    "Preview": "revmentor_nb.messages.preview",
}

__all__ = sorted(_EXPORTS)
__getattr__, __dir__ = lazy(__name__, _EXPORTS)
