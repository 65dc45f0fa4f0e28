"""The one privacy step between a frame and a report: what every notebook calls before showing a table.

``for_report`` drops contact columns (e-mails always; names unless the run asks for names),
drops sensitive and free-text columns (gender, ethnicity, comments...), pseudonymises person ids with
the workspace's secret salt (in free text too, e.g. an unmatched reason naming who took a place) and
applies small-cell suppression. The notebooks no longer choose columns: the rule lives here.
"""
from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import pandas as pd

from revmentor_nb.privacy.pseudonyms import IDENTIFYING, pseudonymise, scrub_ids, sensitive_columns
from revmentor_nb.privacy.suppression import suppress_cells, suppress_parts

if TYPE_CHECKING:
    from revmentor_nb.workspace.workspace import Workspace

ID_COLUMNS = ("person_id", "mentor_id", "mentee_id")
CONTACT = re.compile(r"(^|_)(e-?mail|email address|phone)$", re.I)
NAMES = re.compile(r"(^|_)(name|first name|last name|pair)$", re.I)  # "pair" is "mentor name → mentee name"


def for_report(frame: pd.DataFrame, ws: "Workspace | Any" = None, *, names: bool = False, salt: str | None = None,
               ids: Sequence[str] = ID_COLUMNS, scrub: Sequence[str] = (), known_ids: Sequence[str] = (),
               k: int | None = None, count: str | None = None, parts: Sequence[str] = (), total: str | None = None,
               follow: dict[str, str] | None = None) -> pd.DataFrame:
    """``frame`` fit for a report: no contact details, pseudonymous ids (unless ``names``), small groups hidden.

    ``ws`` gives the salt, k and the design's ``privacy.names_in_reports`` (or pass ``salt``/``k``).
    ``names``: the run asks for names (ids and names stay; e-mails and sensitive columns still go).
    ``scrub``: free-text columns in which the ``known_ids`` (default: the frame's ids) become pseudonyms.
    Suppression: ``parts`` (+ ``total``, ``follow``) for a frequency table (``suppress_cells``), or ``count``
    for rows that are parts of one published whole (``suppress_parts``); both choose the fewest complements
    exactly, with an audit; hidden counts carry their markers in ``attrs``.
    """
    privacy = getattr(getattr(ws, "design", None), "privacy", None)
    names = bool(names or getattr(privacy, "names_in_reports", False))
    salt = salt if salt is not None else str(getattr(ws, "pseudonym_salt", ""))
    k = k if k is not None else getattr(privacy, "k", None)
    out = frame
    if parts or count:
        if k is None:
            raise ValueError("for_report: suppression needs k (pass k= or a workspace)")
        out = suppress_cells(out, list(parts), k, total=total, follow=follow) if parts else \
            suppress_parts(out, count, k)
    attrs = dict(out.attrs)
    drop = [c for c in out.columns if CONTACT.search(str(c)) or str(c) in sensitive_columns()
            or (str(c) in IDENTIFYING and str(c) not in ("name", "first name", "last name"))]
    if not names:
        drop += [c for c in out.columns if NAMES.search(str(c)) and c not in drop]
    out = out.drop(columns=drop)
    if not names:
        raw = [str(v) for c in ids if c in out for v in out[c].dropna()]
        out = pseudonymise(out, [c for c in ids if c in out], salt)
        for col in scrub:
            if col in out:
                out[col] = scrub_ids(out[col], list(known_ids) or raw, salt).to_numpy()
    out.attrs = {key: ({c: v for c, v in val.items() if c in out} if key == "hidden" else val)
                 for key, val in attrs.items()}
    return out
