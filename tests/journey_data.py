"""A synthetic sign-up export of a traditional university scheme, as a form tool writes it.

Two files, one per role: graduate mentors and undergraduate students. There is no department,
grade, manager or site column; topics are a ranked grid question (``Question [Topic]`` columns
holding ``First Choice``, ``Second Choice``...); the students' ``Class`` is a text year with
``5+``. Every student shares a topic with several mentors, so demand allows every mentor two
students. Seeded: the same files on every run.
"""
from __future__ import annotations

import csv
import random
from pathlib import Path

TOPICS = ("Topology", "Number Theory", "Probability", "Algebraic Geometry", "Logic", "Combinatorics")
MENTOR_Q = "Which of the following topics do you feel confident supervising?"
STUDENT_Q = "Which of the following topic(s) would you be most interested in reading about?"
CHOICES = ("First Choice", "Second Choice", "Third Choice")
CLASSES = ("1", "2", "3", "4", "5+")


def _grid_row(rng: random.Random, first: int) -> list[str]:
    """Cells of one grid row: three ranked topics, the first one given."""
    picks = [TOPICS[first]] + rng.sample([t for t in TOPICS if t != TOPICS[first]], 2)
    return [CHOICES[picks.index(t)] if t in picks else "" for t in TOPICS]


def write_form_export(folder: Path, *, mentors: int = 8, students: int = 20, seed: int = 7) -> dict[str, Path]:
    """Write signups-mentors.csv and signups-students.csv into ``folder``; returns {role: path}."""
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    paths = {"mentor": folder / "signups-mentors.csv", "mentee": folder / "signups-students.csv"}
    with open(paths["mentor"], "w", newline="", encoding="utf-8") as f:
        out = csv.writer(f)
        out.writerow(["Timestamp", "Name", "Email", "Affiliation", "Position",
                      *[f"{MENTOR_Q} [{t}]" for t in TOPICS]])
        for i in range(mentors):
            out.writerow([f"2026/09/0{1 + i % 8} 10:00", f"Mentor {chr(65 + i)}", f"mentor{i}@uni.example",
                          "Graduate School", rng.choice(["PhD student", "Postdoc", "Master"]),
                          *_grid_row(rng, i % len(TOPICS))])
    with open(paths["mentee"], "w", newline="", encoding="utf-8") as f:
        out = csv.writer(f)
        out.writerow(["Timestamp", "Name", "Email", "University", "Class", *[f"{STUDENT_Q} [{t}]" for t in TOPICS]])
        for i in range(students):
            out.writerow([f"2026/09/1{i % 9} 12:00", f"Student {i + 1}", f"student{i + 1}@uni.example",
                          "City University", CLASSES[i % len(CLASSES)], *_grid_row(rng, i % len(TOPICS))])
    return paths
