"""Synthetic sign-up files in mentor-match's format, written by the tests themselves.

A fresh clone has no ``../shared/data``: these files stand in for the civil-service sample there
(same headers, same vocabularies, same first rows), and the generator counts what it wrote, so the
tests compare the reader's output with facts known independently of the reader. The real sample
stays an extra check (``Sample.real``) that skips with a reason when ``../shared`` is absent.
"""
from __future__ import annotations

import csv
import random
from dataclasses import dataclass
from pathlib import Path

COMMON = ["first name", "last name", "email address", "both mentor and mentee", "job title", "grade",
          "organisation", "profession"]
MENTOR_HEADER = COMMON + ["characteristics", "biography"]
MENTEE_HEADER = COMMON + ["match with similar identity", "identity to match", "biography"]
ORGS = ["Department of Fun", "Department of Joy", "Department of Virtue", "Department of Truth",
        "Department of Peace", "Department of Love"]
PROFESSIONS = ["HR", "Security", "Operations", "DDaT", "Policy"]
IDENTITIES = ["Asexual or aromantic", "Bisexual or pansexual", "Non-binary", "Gay", "Transgender", "Lesbian"]
MENTOR_GRADES = ["EO", "HEO", "SEO", "Grade 7", "Grade 6", "SCS1", "SCS2", "SCS3", "SCS4"]
MENTEE_GRADES = ["AA", "AO", "EO", "HEO", "SEO", "Grade 7", "Grade 6", "SCS1", "SCS2"]


@dataclass(frozen=True)
class Sample:
    """Where a mentor-match sample is and what it holds (counted when written, or known of the real file)."""

    mentors: Path
    mentees: Path
    n_mentors: int
    n_mentees: int
    opted_in: int            # mentees answering yes to "match with similar identity"
    mentees_no_identity: int  # mentees with a blank "identity to match"
    mentors_no_characteristics: int
    real: bool = False


REAL_FACTS = dict(n_mentors=500, n_mentees=500, opted_in=262, mentees_no_identity=76, mentors_no_characteristics=264)


def _bio(role: str, i: int, grade: str, org: str, prof: str, chars: str) -> str:
    return (f"My name is {role} {i:03d}. I am a {grade}. I am in the {org}, in the {prof} profession. "
            f"My characteristics is/are {chars}. ")


def write_mentor_match_sample(folder: Path, n: int = 120, seed: int = 0) -> Sample:
    """Write ``mentors.csv`` and ``mentees.csv`` (n people each) as mentor-match's sample is laid out."""
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    mentors, mentees = [], []
    no_chars = opted = no_identity = 0
    for i in range(n):
        if i == 0:  # the real sample's first rows, so the same field checks run on both
            grade, org, prof, chars = "EO", "Department of Truth", "DDaT", "Asexual or aromantic, Gay"
        else:
            grade, org, prof = rng.choice(MENTOR_GRADES), rng.choice(ORGS), rng.choice(PROFESSIONS)
            chars = ", ".join(rng.sample(IDENTITIES, rng.choice([0, 0, 1, 2, 3])))
        no_chars += chars == ""
        mentors.append(["mentor", f"{i:03d}", f"mentor.{i:03d}@gov.uk", "no", "Some role", grade, org, prof, chars,
                        _bio("mentor", i, grade, org, prof, chars)])
    for i in range(n):
        if i == 0:
            both, grade, org, prof, opt, ident = "yes", "AA", "Department of Peace", "Policy", "no", "Non-binary"
        else:
            both, grade = rng.choice(["yes", "no"]), rng.choice(MENTEE_GRADES)
            org, prof, opt = rng.choice(ORGS), rng.choice(PROFESSIONS), rng.choice(["yes", "no"])
            ident = rng.choice(["", *IDENTITIES])
        opted += opt == "yes"
        no_identity += ident == ""
        mentees.append(["mentee", f"{i:03d}", f"mentee.{i:03d}@gov.uk", both, "Some role", grade, org, prof, opt, ident,
                        _bio("mentee", i, grade, org, prof, ident)])
    paths = folder / "mentors.csv", folder / "mentees.csv"
    for path, header, rows in ((paths[0], MENTOR_HEADER, mentors), (paths[1], MENTEE_HEADER, mentees)):
        with open(path, "w", encoding="utf-8", newline="") as fh:
            writer = csv.writer(fh)
            writer.writerow(header)
            writer.writerows(rows)
    return Sample(paths[0], paths[1], n, n, opted, no_identity, no_chars)


def real_sample(shared: Path) -> Sample | None:
    """The civil-service sample in ``../shared/data`` (None when the folder is not beside the clone)."""
    folder = shared / "data" / "civil-service-sample"
    if not (folder / "mentors.csv").is_file() or not (folder / "mentees.csv").is_file():
        return None
    return Sample(folder / "mentors.csv", folder / "mentees.csv", real=True, **REAL_FACTS)
