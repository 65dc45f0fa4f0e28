"""The little Markdown our agreements and notes use (headings, bullets, paragraphs) as HTML, and counted nouns."""
from __future__ import annotations

import html


def to_html(text: str, *, escape: bool = True) -> str:
    """Headings (#, ##), bullet lists (- ) and paragraphs as HTML; ``escape=False`` for text escaped already."""
    out: list[str] = []
    in_list = False
    for line in (html.escape(text) if escape else text).splitlines():  # escaped once, whole: it keeps line breaks
        if line.startswith("- "):
            if not in_list:
                out.append("<ul>")
                in_list = True
            out.append(f"<li>{line[2:]}</li>")
            continue
        if in_list:
            out.append("</ul>")
            in_list = False
        if line.startswith("## "):
            out.append(f"<h3>{line[3:]}</h3>")
        elif line.startswith("# "):
            out.append(f"<h2>{line[2:]}</h2>")
        elif line.strip():
            out.append(f"<p>{line}</p>")
    if in_list:
        out.append("</ul>")
    return "\n".join(out)


IRREGULAR = {"person": "people", "child": "children", "is": "are", "was": "were", "has": "have"}


def plural(n: float, word: str, many: str | None = None) -> str:
    """``n`` and the noun in the right number: ``1 mentor``, ``2 mentors``, ``1,441 people`` (thousands separated)."""
    form = word if n == 1 else (many or IRREGULAR.get(word) or (word + "es" if word.endswith(("s", "sh", "ch", "x"))
                                                                  else word + "s"))
    number = f"{n:,}" if float(n).is_integer() is False else f"{int(n):,}"
    return f"{number} {form}"
