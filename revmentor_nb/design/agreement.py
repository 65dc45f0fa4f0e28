"""The mentoring agreement every pair signs at launch: a template from the design, filled per pair.

The agreement makes the design's promises concrete for two people: how often they meet,
what they want from it, what stays confidential (and its limits), the boundaries of the
role reversal, and how either of them can end it well. ``02_match`` fills one per pair.
Placeholders are ``${name}``; participant text is escaped for HTML output.
"""
from __future__ import annotations

import html
import re
from string import Template

from revmentor_nb.design.program import ProgramDesign
from revmentor_nb.io.markdown import to_html as markdown_to_html

PLACEHOLDERS: tuple[str, ...] = ("mentor_name", "mentee_name", "mentor_id", "mentee_id", "topics", "goals",
                                 "first_meeting")
BLANK = "________"


def agreement_template(design: ProgramDesign) -> str:
    """The agreement text for this programme, with ``${...}`` placeholders for the pair (Markdown-like)."""
    s, d = design.schedule, design.delivery
    length = (f"The pairing is reviewed every {s.length_months} months and continues while both find it useful."
              if s.ongoing else f"The pairing runs from {s.start_date:%d %B %Y} to {s.end_date:%d %B %Y}.")
    name, statement = (t.replace("$", "$$") for t in (design.name, design.objective.statement))
    two_way = (" Each of us also shares what we know that the other wants to learn." if design.mode == "two-way"
               else "")
    text = f"""# Mentoring agreement — {name}

Between ${{mentor_name}} (mentor, ${{mentor_id}}) and ${{mentee_name}} (mentee, ${{mentee_id}}).

## Why we meet

{statement} In this reverse-mentoring pair the mentor is the junior colleague and leads the \
conversation; the mentee, the senior colleague, comes to listen and learn.{two_way}

Topics we start with: ${{topics}}.

Goals we agree for ourselves: ${{goals}}.

## How often

- {length}
- We meet every {s.cadence_days} days for about {s.meeting_minutes} minutes; our first meeting is on ${{first_meeting}}.
- We expect to give about {d.commitment_hours_per_month:g} hours a month, including preparation.
- If a meeting has to move, the person moving it offers a new date within a week.

## Confidentiality

- What either of us says in our meetings stays between us unless we both agree to share it.
- The limits: a risk of harm to someone, a safeguarding concern, or serious misconduct is passed on to \
the programme team, and we tell each other when that happens.
- Nothing said in our meetings is used in appraisal, promotion or any decision about the mentor's career.
- The programme team sees only whether we met and our check-in answers, never what we discussed.

## Boundaries

- The mentee does not use the pairing to manage, assess or give work to the mentor.
- The mentor is free to say "I'd rather not talk about that", and so is the mentee.
- Sharing lived experience takes effort: the mentee thanks it and does not ask the mentor to speak for a group.
- Problems in either person's own team go to their line manager, not to this pairing.

## How to end

- Either of us may end the pairing at any time, without giving a reason, by telling the other and the programme team.
- We hold a short closing meeting: what we learned, what each of us will keep doing.
- We complete the final check-in so the programme can learn from us.

Signed: ${{mentor_name}}, date {BLANK}    ${{mentee_name}}, date {BLANK}
"""
    return text


def _as_text(value: object) -> str:
    if value is None:
        return BLANK
    if isinstance(value, (list, tuple, set)):
        items = [str(v) for v in value if str(v).strip()]
        return "; ".join(items) if items else BLANK
    text = str(value).strip()
    return text or BLANK


def fill_agreement(template: str, pair: dict[str, object], *, as_html: bool = True) -> str:
    """One pair's agreement: placeholders filled (missing ones left as a blank line), escaped for HTML by default."""
    values = {key: _as_text(pair.get(key)) for key in PLACEHOLDERS}
    values.update({k: _as_text(v) for k, v in pair.items() if k not in values and isinstance(k, str)})
    if not as_html:
        return Template(template).safe_substitute(values)
    escaped = {k: html.escape(v) for k, v in values.items()}
    body = Template(html.escape(template, quote=False)).safe_substitute(escaped)
    body = re.sub(r"\$\{[A-Za-z_][A-Za-z0-9_]*\}", BLANK, body)  # an unknown placeholder never shows as code
    return f'<div class="rm-agreement">\n{markdown_to_html(body, escape=False)}\n</div>'
