"""``reports/index.html``: one offline page linking the latest reports and every run's reports."""
from __future__ import annotations

import html
import json
from pathlib import Path

from revmentor_nb.fileio import atomic_write_text

_STYLE = ("body{font-family:system-ui,sans-serif;margin:2em;max-width:60em}table{border-collapse:collapse}"
          "td,th{border:1px solid #ccc;padding:.3em .6em;text-align:left}.failed{color:#b00020;font-weight:bold}")


def _summary(folder: Path) -> dict:
    try:
        return json.loads((folder / "summary.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def _links(folder: Path, base: Path) -> str:
    pages = sorted(p for p in folder.glob("*.html") if p.name != "index.html")
    return " · ".join(f'<a href="{html.escape(p.relative_to(base).as_posix())}">{html.escape(p.stem)}</a>'
                      for p in pages) or "—"


def write_index(reports: Path, title: str) -> Path:
    """(Re)write ``reports/index.html`` from what is in ``reports/``: latest pages, then runs newest first."""
    runs = sorted((d for d in reports.iterdir() if d.is_dir() and not d.name.startswith(".")),
                   key=lambda d: d.name, reverse=True)
    rows = []
    for run in runs:
        s = _summary(run)
        status = s.get("status", "")
        stages = ", ".join(f"{st.get('stage')}: {st.get('status')}" for st in s.get("stages", []))
        summary_link = (f' · <a href="{html.escape(run.name)}/summary.json">summary.json</a>'
                        if (run / "summary.json").exists() else "")
        rows.append(f"<tr><td>{html.escape(run.name)}</td><td class=\"{html.escape(status)}\">{html.escape(status)}"
                    f"</td><td>{html.escape(stages)}</td><td>{_links(run, reports)}{summary_link}</td></tr>")
    latest = _links(reports, reports)
    latest_summary = ' · <a href="summary.json">summary.json</a>' if (reports / "summary.json").exists() else ""
    page = (f"<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>{html.escape(title)} — reports"
            f"</title><style>{_STYLE}</style></head><body>\n<h1>{html.escape(title)}</h1>\n"
            f"<h2>Latest reports</h2>\n<p>{latest}{latest_summary}</p>\n<h2>Runs</h2>\n"
            "<table><tr><th>run</th><th>status</th><th>stages</th><th>reports</th></tr>\n"
            + "\n".join(rows) + "\n</table>\n</body></html>\n")
    return atomic_write_text(reports / "index.html", page, private=False)
