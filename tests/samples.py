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


# --- a form export (Google Forms style): two files, ranked grid questions ---------------------------

TOPICS = ["Set Theory/Model Theory", "Category Theory", "Real Analysis/Functional Analysis", "Complex Analysis",
          "Group Theory", "Combinatorics", "Probability Theory", "Statistics"]
RANKS = ["First Choice", "Second Choice", "Third Choice", "Fourth Choice"]
MENTOR_GRID = "Which of the following topics do you feel confident supervising? [{}]"
STUDENT_GRID = "Which of the following topic(s) would you be most interested in reading about? [{}]"


@dataclass(frozen=True)
class FormsSample:
    """A form export's folder and its head counts (``real``: the DRP export in ../shared/data)."""

    folder: Path
    n_mentors: int
    n_mentees: int
    real: bool = False


def write_forms_export(folder: Path, n_mentors: int = 12, n_students: int = 20, seed: int = 0) -> FormsSample:
    """Write ``signups-mentors.csv`` and ``signups-students.csv`` laid out as the real export.

    Mentor i ranks four neighbouring topics, so every topic has mentors to spare: with two places
    each, every student can be placed (a fact the match tests rely on). The odd cells of the real
    export are here too: a cell naming several choices, and a cell holding only a line break.
    """
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    mentors = []
    for i in range(n_mentors):
        cells = [""] * len(TOPICS)
        for rank, t in enumerate(range(i, i + 4)):
            cells[t % len(TOPICS)] = RANKS[rank]
        if i == 1:
            cells[(i + 2) % len(TOPICS)] = "Third Choice, Fourth Choice"
        mentors.append([f"Mentor{i + 1}", rng.choice(["Male", "Female"]), "  Ankara Üniversitesi ",
                        rng.choice(["PhD student", "Postdoctoral researcher"]), "PDEs, ğraph theory", *cells])
    students = []
    for i in range(n_students):
        cells = [""] * len(TOPICS)
        for rank, t in enumerate(rng.sample(range(len(TOPICS)), rng.choice([1, 2, 3]))):
            cells[t] = RANKS[rank]
        if i == 2:
            first = cells.index("First Choice")
            cells[first] = "First Choice, Second Choice"
        if i == 3:
            cells[next(j for j, c in enumerate(cells) if not c)] = "\n"
        students.append([f"Student{i + 1}", rng.choice(["Male", "Female"]), "Boğaziçi", "Mathematics",
                         str(rng.randint(1, 4)), str(rng.randint(1, 40)), *cells])
    for name, head, grid, rows in (
            ("signups-mentors.csv", ["Name", "Gender", "Affiliation", "Position", "Areas of interest:"], MENTOR_GRID,
             mentors),
            ("signups-students.csv", ["Name", "Gender", "University", "Department", "Class", "Reference"],
             STUDENT_GRID, students)):
        with open(folder / name, "w", encoding="utf-8", newline="") as fh:
            writer = csv.writer(fh)
            writer.writerow(head + [grid.format(t) for t in TOPICS])
            writer.writerows(rows)
    return FormsSample(folder, n_mentors, n_students)


def real_forms_export(shared: Path) -> FormsSample | None:
    """The DRP form export in ``../shared/data`` (None when the folder is not beside the clone)."""
    folder = shared / "data" / "forms-export"
    if not (folder / "signups-mentors.csv").is_file() or not (folder / "signups-students.csv").is_file():
        return None
    return FormsSample(folder, 44, 85, real=True)
