"""What would be sent now, for the monitor notebook: counts by kind and one message shown as it would read.

Reports are pseudonymous unless a run asks for names, so the preview replaces every person in
the message by their report pseudonym (and shows no address) unless ``names``.
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from typing import TYPE_CHECKING, Any

import pandas as pd

from revmentor_nb.messages.compose import KINDS, Draft, Person, Plan, plan, render_parts
from revmentor_nb.privacy.pseudonyms import pseudonym

if TYPE_CHECKING:
    from revmentor_nb.workspace.workspace import Workspace


@dataclass(frozen=True)
class Preview:
    """Counts per kind, the plans themselves, and one message (subject, recipients, text, attachment names)."""

    counts: pd.DataFrame
    plans: dict[str, Plan]
    subject: str = ""
    to: str = ""
    text: str = ""
    attachments: tuple[str, ...] = ()
    kind: str = ""


def _masked(value: Any, salt: str) -> Any:
    if isinstance(value, Person):
        code = pseudonym(value.id, salt) if value.id else "programme team"
        return replace(value, name=code, email=None if value.id else value.email, department="", location="")
    return value


def preview(ws: "Workspace", as_of: date | None = None, *, names: bool = False,
            kinds: tuple[str, ...] = KINDS) -> Preview:
    """Plan each kind (leaving out what went already) and show the first message found."""
    rows, plans = [], {}
    for kind in kinds:
        try:
            p = plan(ws, kind, as_of)
        except (ValueError, LookupError, RuntimeError) as err:  # e.g. nothing imported yet: say so, do not stop
            rows.append({"kind": kind, "to send": 0, "people": 0, "already sent": 0, "skipped": 0, "note": str(err)})
            continue
        plans[kind] = p
        reasons = p.skipped["reason"].str.split(":").str[0].value_counts()
        rows.append({"kind": kind, "to send": len(p.drafts), "people": len({i for d in p.drafts for i in d.person_ids}),
                     "already sent": p.already_sent, "skipped": len(p.skipped),
                     "note": "; ".join(f"{n} skipped: {r}" for r, n in reasons.items())})
    counts = pd.DataFrame(rows, columns=["kind", "to send", "people", "already sent", "skipped", "note"])
    first: Draft | None = next((d for p in plans.values() for d in p.drafts), None)
    if first is None:
        return Preview(counts, plans)
    salt = ws.pseudonym_salt
    context = first.context if names else {k: _masked(v, salt) for k, v in first.context.items()}
    if not names and "link" in context:  # a survey link is a key to answer as that person: show the template
        context["link"] = ws.design.messages.survey_url or ""
    to = first.to if names else tuple(_masked(p, salt) for p in first.to)
    subject, text, _ = render_parts(first.template, context, ws.root)
    shown = ", ".join(f"{p.name} <{p.email}>" if p.email else p.name for p in to)  # pseudonyms: no address at all
    return Preview(counts, plans, subject, shown, text,
                   tuple(a.filename for a in first.attachments), first.kind)
