"""A small programme built to tempt every report into a privacy leak.

The demo organisation's generator, then: distinctive names, e-mails and check-in comments (easy
to search for in a report); a two-group ethnicity (3 people against the rest, so hiding the
small group alone would leave it recoverable from the total); a gender group of 2; a department
of 3 mentees; a pulse survey and the post-programme questionnaire answered by only 3 mentors;
2 mentees without a follow-up.
All four notebooks then run on it headless, exactly as `revmentor run` runs them.
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

import pandas as pd

from revmentor_nb import demo
from revmentor_nb.demo.workspace import demo_design
from revmentor_nb.design.program import ProgramDesign
from revmentor_nb.run.pipeline import new_run_id, run_stages
from revmentor_nb.workspace.workspace import Workspace

SEED, EMPLOYEES = 11, 700
RARE_GENDER = "Gender-Quillon"
MINORITY, MAJORITY = "Eth-Minority-Orrin", "Eth-Majority-Pell"
SMALL_DEPARTMENT = "Treasury Vault"
SURNAME = "Vexbridge"


@dataclass(frozen=True)
class Crafted:
    """The crafted workspace and the secrets planted in it."""

    root: Path
    rare_gender_ids: tuple[str, ...]
    minority_ids: tuple[str, ...]
    small_department_ids: tuple[str, ...]
    post_mentor_ids: tuple[str, ...]
    no_followup_ids: tuple[str, ...]


def _distinctive_people(org: demo.DemoOrg) -> tuple[demo.DemoOrg, dict[str, tuple[str, ...]]]:
    """Plant names, e-mails and small groups in the sign-ups (and the roster, where HR holds the attribute)."""
    parts = org.participants.copy()
    roster = org.roster.copy()
    parts["name"] = [f"Ottoline {SURNAME}{i:03d}" for i in range(len(parts))]
    parts["email"] = [f"ottoline.vexbridge{i:03d}@crafted-leak.example" for i in range(len(parts))]
    consenting = parts[parts["consent"]]
    mentees = consenting.loc[consenting["role"] == "mentee", "person_id"].tolist()
    mentors = consenting.loc[consenting["role"] == "mentor", "person_id"].tolist()
    chosen = {
        "rare_gender": tuple(mentors[:2]),
        "minority": tuple(mentees[:3]),
        "small_department": tuple(mentees[3:6]),
    }
    parts["ethnicity"] = MAJORITY
    for frame in (parts, roster):
        frame.loc[frame["person_id"].isin(chosen["rare_gender"]), "gender"] = RARE_GENDER
        frame.loc[frame["person_id"].isin(chosen["minority"]), "ethnicity"] = MINORITY
        frame.loc[frame["person_id"].isin(chosen["small_department"]), "department"] = SMALL_DEPARTMENT
    return replace(org, participants=parts, roster=roster), chosen


def _distinctive_activity(act: demo.DemoActivity, mentor_ids: set[str],
                          mentee_ids: set[str]) -> tuple[demo.DemoActivity, dict[str, tuple[str, ...]]]:
    """Unique comments on every check-in; 3 mentors answer a pulse survey and 3 the post questionnaire;
    2 mentees skip the follow-up."""
    checkins = act.checkins.copy()
    pulse = (checkins["stage"] == "pulse") & checkins["person_id"].isin(mentor_ids)
    few = sorted(checkins.loc[pulse, "person_id"].unique())[:3]
    checkins = checkins[~pulse | checkins["person_id"].isin(few)].reset_index(drop=True)
    checkins["comment"] = [f"Kumquat confidential remark {i:04d}" for i in range(len(checkins))]
    a = act.assessments.copy()
    mentor_post = (a["instrument"] == "mfq9") & a["person_id"].isin(mentor_ids)
    keep = tuple(sorted(a.loc[mentor_post, "person_id"].unique())[:3])
    dc_post = (a["instrument"] == "digital_confidence") & (a["stage"] == "post")
    have_pre = set(a.loc[(a["instrument"] == "digital_confidence") & (a["stage"] == "pre"), "person_id"])
    post_ids = [p for p in a.loc[dc_post, "person_id"].unique() if p in have_pre and p in mentee_ids]
    drop = tuple(sorted(post_ids)[:2])
    a = a[~(mentor_post & ~a["person_id"].isin(keep)) & ~(dc_post & a["person_id"].isin(drop))]
    a.attrs = act.assessments.attrs
    return replace(act, checkins=checkins, assessments=a.reset_index(drop=True)), {"post_mentors": keep,
                                                                                    "no_followup": drop}


def build_crafted(root: Path) -> Crafted:
    """Make the crafted workspace in ``root`` and run all four stages on it."""
    org, chosen = _distinctive_people(demo.build_demo(seed=SEED, n_employees=EMPLOYEES))
    demo.write_inputs(org, root / "inputs")
    ws = Workspace.create(root, demo_design(list(org.grade_order), org.start_date))
    run_id = new_run_id()
    run_stages(ws.root, ["design", "match"], run_id=run_id)
    pairs = Workspace(ws.root).require_match().pairs
    act = demo.simulate_activity(org, pairs, seed=SEED, cadence_days=ws.design.schedule.cadence_days)
    act, planted = _distinctive_activity(act, set(pairs["mentor_id"]), set(pairs["mentee_id"]))
    written = demo.write_activity(act, root / "inputs")
    inputs = {**ws.design.inputs, **{k: str(Path(p).resolve().relative_to(ws.root)) for k, p in written.items()}}
    ws.save_design(ProgramDesign.model_validate(ws.design.model_copy(update={"inputs": inputs}).model_dump()))
    run_stages(ws.root, ["monitor"], run_id=run_id)
    one_year_on = (pd.Timestamp(org.start_date) + pd.DateOffset(years=1)).date().isoformat()
    run_stages(ws.root, ["evaluate"], {"as_of": one_year_on}, run_id=run_id)
    return Crafted(ws.root, chosen["rare_gender"], chosen["minority"], chosen["small_department"],
                   planted["post_mentors"], planted["no_followup"])
