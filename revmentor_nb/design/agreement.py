"""The mentoring agreement and the introduction note of a pair, from the programme's own templates.

Both are Jinja2 templates (``io.templates``): the workspace's ``templates/agreement/<scheme>.md``
and ``templates/intro/<scheme>.md`` when the programme team has them (``revmentor new`` copies
the defaults of the programme's scheme there), else the shipped default of the scheme. Sentences
that depend on who mentors whom live only in the scheme's template. The context carries the
programme's name, objective, dates and cadence and the pair's names, ids, topics and contacts;
HTML output escapes every value.
"""
from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from revmentor_nb.design.program import ProgramDesign
from revmentor_nb.io.markdown import to_html as markdown_to_html
from revmentor_nb.io.templates import install_defaults, render

DOCUMENTS = ("agreement", "intro")
PAIR_FIELDS: tuple[str, ...] = ("mentor_name", "mentee_name", "mentor_id", "mentee_id", "topics", "goals",
                                "first_meeting", "contacts")
BLANK = "________"


def template_name(document: str, design: ProgramDesign) -> str:
    """The template a document of this programme is written from, e.g. ``agreement/traditional.md``."""
    if document not in DOCUMENTS:
        raise ValueError(f"unknown document {document!r}; use one of: {', '.join(DOCUMENTS)}")
    return f"{document}/{design.scheme}.md"


def install_templates(root: str | Path, design: ProgramDesign) -> list[Path]:
    """Copy the scheme's default templates into ``root/templates`` for editing (never overwrites an edited one)."""
    return install_defaults(root, [template_name(d, design) for d in DOCUMENTS])


def _text(value: object) -> str:
    if value is None:
        return BLANK
    if isinstance(value, (list, tuple, set)):
        items = [str(v) for v in value if str(v).strip()]
        return "; ".join(items) if items else BLANK
    text = str(value).strip()
    return text if text and text.casefold() not in ("nan", "<na>", "none") else BLANK


def programme_context(design: ProgramDesign) -> dict[str, Any]:
    """What every template of this programme may say: name, objective, dates, cadence, commitment."""
    s, d, o = design.schedule, design.delivery, design.objective
    period = (f"The pairing is reviewed every {s.length_months} months and continues while both find it useful."
              if s.ongoing else f"The pairing runs from {s.start_date:%d %B %Y} to {s.end_date:%d %B %Y}.")
    return {"programme": design.name, "objective": o.statement, "method": o.method,
            "success_criteria": list(o.success_criteria), "scheme": design.scheme,
            "start_date": f"{s.start_date:%d %B %Y}", "end_date": f"{s.end_date:%d %B %Y}", "period": period,
            "length_months": s.length_months, "cadence_days": s.cadence_days, "meeting_minutes": s.meeting_minutes,
            "commitment_hours": f"{d.commitment_hours_per_month:g}", "blank": BLANK,
            "first_meeting": f"the week of {s.start_date:%d %B %Y}"}


def pair_context(design: ProgramDesign, pair: Mapping[str, Any],
                 programme: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """The programme's context plus one pair's fields (missing ones as a blank line to fill in by hand).

    ``programme`` is ``programme_context(design)`` computed once by a caller writing many pairs.
    """
    out = dict(programme) if programme is not None else programme_context(design)
    for key, value in pair.items():
        if isinstance(key, str) and key != "contacts":
            out[key] = _text(value)
    for key in PAIR_FIELDS:
        if key not in pair:
            out[key] = [] if key == "contacts" else (out[key] if key == "first_meeting" else BLANK)
    out["contacts"] = [(str(w), str(m)) for w, m in pair.get("contacts") or [] if str(m or "").strip()]
    return out


def render_document(document: str, design: ProgramDesign, pair: Mapping[str, Any], root: str | Path | None = None,
                    *, as_html: bool = False, programme: Mapping[str, Any] | None = None) -> str:
    """One pair's agreement or introduction note (Markdown, or an escaped HTML fragment)."""
    text = render(template_name(document, design), pair_context(design, pair, programme), root)
    return document_html(document, text) if as_html else text


def document_html(document: str, text: str) -> str:
    """A rendered document's Markdown as the escaped HTML fragment ``render_document(as_html=True)`` gives."""
    return f'<div class="rm-{document}">\n{markdown_to_html(text)}\n</div>'


def render_agreement(design: ProgramDesign, pair: Mapping[str, Any], root: str | Path | None = None,
                     *, as_html: bool = False,
                     programme: Mapping[str, Any] | None = None) -> str:
    """One pair's mentoring agreement from the programme's agreement template."""
    return render_document("agreement", design, pair, root, as_html=as_html, programme=programme)


def render_intro(design: ProgramDesign, pair: Mapping[str, Any], root: str | Path | None = None,
                 *, as_html: bool = False,
                 programme: Mapping[str, Any] | None = None) -> str:
    """One pair's introduction note from the programme's intro template."""
    return render_document("intro", design, pair, root, as_html=as_html, programme=programme)
