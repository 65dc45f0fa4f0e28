"""The demo programme's design and sign-ups, for workshops and first runs (same seed, same people).

Facilitators and first-time users get a programme with something true to show at every
stage; the same steps a real programme takes, on generated data.
"""
from __future__ import annotations

from revmentor_nb.demo import organisation as demo
from revmentor_nb.design.program import Eligibility, GradeBand, ProgramDesign, Schedule
from revmentor_nb.workspace.signups import SignUps


def demo_design(grade_order: list[str], start_date) -> ProgramDesign:  # noqa: ANN001
    """The demo programme: digital skills, one-way, six months, monthly meetings."""
    return ProgramDesign(
        name="Northwind reverse mentoring pilot (demo)",
        spaces=200,
        schedule=Schedule(start_date=start_date, length_months=6, cadence_days=30),
        grade_order=grade_order,
        eligibility=Eligibility(mentors=GradeBand(highest="C1"), mentees=GradeBand(lowest="B2")),
        readiness={"leaders_listen": "yes", "juniors_safe": "partly", "executive_sponsor": "yes",
                   "strategy_aligned": "yes", "training_planned": "yes", "confidentiality_agreed": "yes",
                   "emotional_labour": "partly"},
        inputs={"roster": "inputs/roster.csv", "participants": "inputs/signups.csv",
                "exclusions": "inputs/exclusions.csv", "locks": "inputs/locks.csv"},
    )


def workshop_signups(seed: int = 0, n_employees: int = 1500) -> tuple[ProgramDesign, SignUps]:
    """The demo organisation's design and sign-ups, for workshop exercises (same seed, same people)."""
    org = demo.build_demo(seed=seed, n_employees=n_employees)
    design = demo_design(list(org.grade_order), org.start_date)
    return design, SignUps(org.participants, f"{len(org.participants)} sign-ups of the demo organisation "
                                             f"({n_employees} employees, seed {seed})")
