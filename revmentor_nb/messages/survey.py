"""Check-in surveys: a per-person link carrying a survey id (never an e-mail), and the answers imported back.

The id is a salted hash of the person (``R-3F9A2C71``), distinct from report pseudonyms, so a
respondent's link says nothing about who they are and cannot be linked to a report. The
survey export (CSV or .xlsx, any headers: map them with the usual column mapping) comes back
as check-ins, matched to people by that id.
"""
from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

import pandas as pd

from revmentor_nb.errors import ProblemLog
from revmentor_nb.privacy.pseudonyms import pseudonym

if TYPE_CHECKING:
    from revmentor_nb.workspace.workspace import ImportRecord, Workspace

SURVEY_SALT = "|check-in survey"


def survey_id(person_id: str, salt: str) -> str:
    """A person's survey id: stable for the workspace, unguessable without its salt, unlike any report pseudonym."""
    return "R-" + pseudonym(str(person_id), salt + SURVEY_SALT)[2:]


def pair_code(mentor_id: str, mentee_id: str, salt: str) -> str:
    """A pair's pseudonymous id for a survey link's optional ``{pair}``."""
    return "Q-" + pseudonym(f"{mentor_id}|{mentee_id}", salt + SURVEY_SALT)[2:]


def survey_link(template: str, person_id: str, salt: str, *, stage: str = "", pair: tuple[str, str] | None = None) -> str:
    """The survey URL of ``template`` (program.yaml ``messages.survey_url``) filled for one person."""
    code = pair_code(*pair, salt) if pair else ""
    return template.format(id=quote(survey_id(person_id, salt), safe=""), stage=quote(stage, safe=""),
                           pair=quote(code, safe=""))


def survey_checkins(ws: "Workspace", path: str | Path, *, mapping: dict[str, str] | None = None,
                    stage: str | None = None) -> pd.DataFrame:
    """A survey export read and checked as check-ins, people found by their survey id; stores nothing.

    ``revmentor import-survey`` calls it before taking the workspace's lock, so a refused file
    leaves the workspace untouched. See ``_checked`` for the rules.
    """
    return _checked(ws, path, mapping=mapping, stage=stage)[0]


def _checked(ws: "Workspace", path: str | Path, *, mapping: dict[str, str] | None,
             stage: str | None) -> tuple[pd.DataFrame, Any]:
    """The checked check-ins of a survey export and the header mapping used.

    ``mapping`` maps the export's headers onto the check-in columns (the survey-id column onto
    ``person_id``); ``stage`` fills the stage when the export has no stage column. Every row
    whose id is no participant's, and every contract problem, is reported (file, row, column)
    in one InputError. Other columns of the export (names, e-mails a form may add) are dropped.
    """
    from revmentor_nb.io.contract import kind as get_kind
    from revmentor_nb.io.load import validate_frame
    from revmentor_nb.io.read import read_table

    path = Path(path)
    log = ProblemLog(path.name)
    text, used = read_table(path, "checkins", mapping=mapping, log=log)
    if stage is not None and "stage" not in text:
        text["stage"] = stage
    people = ws.require("participants")
    ids = people["person_id"].astype(str)
    by_code = dict(zip(ids.map(lambda p: survey_id(p, ws.pseudonym_salt)), ids))
    if "person_id" in text:
        given = text["person_id"].astype(str).str.strip()
        found = given.map(by_code)
        for row, value in given[found.isna() & (given != "")].items():
            log.add(int(row), "person_id", value, "this survey id belongs to no participant",
                    "check the column mapped to person_id holds the id from the survey link (R-...)")
        text["person_id"] = found.fillna(given)
    if text.empty:
        log.add(None, None, path.name, "the export has no answers", "export the survey's responses, not an empty sheet")
    log.raise_if_any()
    contract = [c.name for c in get_kind("checkins").columns]
    frame = validate_frame("checkins", text[[c for c in contract if c in text]], file=path.name,
                           participants=people)
    return frame[[c for c in contract if c in frame]].reset_index(drop=True), used


def import_survey(ws: "Workspace", path: str | Path, *, mapping: dict[str, str] | None = None,
                  stage: str | None = None, who: str | None = None) -> "ImportRecord":
    """Import a survey export as check-ins (``survey_checkins``); adds to earlier survey imports.

    Nothing is stored while any row has a problem; the same person, stage and date counts once.
    """
    from revmentor_nb.monitoring.activity import SURVEY_CHECKINS

    path = Path(path)
    frame, used = _checked(ws, path, mapping=mapping, stage=stage)
    earlier = ws.table(SURVEY_CHECKINS)
    if earlier is not None:
        frame = pd.concat([earlier, frame], ignore_index=True)
    frame = frame.drop_duplicates(["person_id", "stage", "date"], keep="last").reset_index(drop=True)
    return ws.import_frame(SURVEY_CHECKINS, frame, source_name=f"{path.name} (survey, mapping {used})", who=who)
