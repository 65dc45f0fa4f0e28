"""Import speed: a 50,000-person HR roster and 5,000 sign-ups, read and fully validated.

Generates seeded files in the contract format (a realistic manager tree: one head,
spans of control of about 3-12, eight levels) in a temporary folder, then times
``load_roster`` and ``load_participants(roster=...)``. Target: under 5 s in total.

    python benchmarks/bench_import.py [--roster 50000] [--signups 5000] [--seed 7]
"""
from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

from revmentor_nb.io.load import load_participants, load_roster

TOPICS = np.array(["data", "AI tools", "social media", "cloud", "python", "inclusion", "design", "security",
                   "product", "agile", "excel", "accessibility", "gaming", "sustainability", "podcasts"])
DEPARTMENTS = np.array(["Finance", "Operations", "Technology", "People", "Legal", "Marketing", "Sales",
                        "Research", "Policy", "Strategy", "Customer Service", "Estates"])
LOCATIONS = np.array(["London", "Leeds", "Glasgow", "Cardiff", "Belfast", "Bristol", "Manchester"])


def manager_tree(n: int, rng: np.random.Generator, levels: int = 8) -> tuple[np.ndarray, np.ndarray]:
    """Manager index (-1 for the head) and level of each of ``n`` people: a tree widening downwards."""
    weights = np.array([3.0 ** i for i in range(levels - 1)])
    sizes = np.maximum(1, np.round(weights / weights.sum() * (n - 1)).astype(int))
    sizes[-1] += (n - 1) - sizes.sum()
    level = np.concatenate([[0], np.repeat(np.arange(1, levels), sizes)])
    start = np.concatenate([[0], np.cumsum(np.concatenate([[1], sizes]))])
    manager = np.full(n, -1)
    for lvl in range(1, levels):
        lo, hi = start[lvl], start[lvl + 1]
        above_lo, above_hi = start[lvl - 1], start[lvl]
        manager[lo:hi] = rng.integers(above_lo, above_hi, size=hi - lo)
    return manager, level


def department_of(manager: np.ndarray, level: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Each directorate (level 1) gets a department; everyone below inherits it."""
    dept = np.empty(len(manager), dtype=object)
    dept[0] = "Executive Office"
    for i in np.argsort(level, kind="stable")[1:]:
        dept[i] = DEPARTMENTS[rng.integers(len(DEPARTMENTS))] if level[i] == 1 else dept[manager[i]]
    return dept


def make_roster(n: int, rng: np.random.Generator) -> pd.DataFrame:
    """A synthetic HR extract in the contract's roster format (dates as text, like a real export)."""
    manager, level = manager_tree(n, rng)
    ids = np.char.add("E", np.char.zfill(np.arange(1, n + 1).astype(str), 6))
    hire = np.datetime64("2000-01-01") + rng.integers(0, 8700, size=n).astype("timedelta64[D]")
    leaves = rng.random(n) < 0.12
    exit_ = hire + rng.integers(30, 3000, size=n).astype("timedelta64[D]")
    promoted = rng.random(n) < 0.4
    promo = hire + rng.integers(1, 2000, size=n).astype("timedelta64[D]")
    hire_text = pd.Series(hire).dt.strftime("%Y-%m-%d")
    dmy = rng.random(n) < 0.1  # some rows exported as DD/MM/YYYY
    hire_text[dmy] = pd.Series(hire[dmy]).dt.strftime("%d/%m/%Y").to_numpy()
    return pd.DataFrame({
        "person_id": ids,
        "manager_id": np.where(manager >= 0, ids[np.maximum(manager, 0)], ""),
        "department": department_of(manager, level, rng),
        "grade": 9 - level,
        "location": LOCATIONS[rng.integers(len(LOCATIONS), size=n)],
        "hire_date": hire_text,
        "exit_date": np.where(leaves, pd.Series(exit_).dt.strftime("%Y-%m-%d"), ""),
        "last_promotion_date": np.where(promoted, pd.Series(promo).dt.strftime("%Y-%m-%d"), ""),
        "gender": rng.choice(["F", "M", "X", ""], size=n, p=[0.48, 0.48, 0.02, 0.02]),
    })


def topic_lists(n: int, rng: np.random.Generator, empty: np.ndarray) -> list[str]:
    """';'-separated topic cells of 1-4 topics ('' where ``empty``)."""
    counts = rng.integers(1, 5, size=n)
    picks = rng.integers(len(TOPICS), size=(n, 4))
    return ["" if e else "; ".join(TOPICS[p[:c]]) for e, p, c in zip(empty, picks, counts)]


def make_signups(roster: pd.DataFrame, n: int, rng: np.random.Generator) -> pd.DataFrame:
    """Sign-ups of ``n`` staff in the participants format: juniors mentor, seniors are mentees."""
    staff = roster[roster["exit_date"] == ""]
    chosen = staff.iloc[rng.choice(len(staff), size=n, replace=False)]
    grade = chosen["grade"].to_numpy()
    role = np.where(grade >= 5, "mentee", "mentor")
    role[rng.random(n) < 0.05] = "either"
    ids = chosen["person_id"].to_numpy()
    return pd.DataFrame({
        "Person ID": ids,
        "Full Name": np.char.add("Person ", ids.astype(str)),
        "Email": np.char.add(np.char.lower(ids.astype(str)), "@example.org"),
        "Role": role,
        "Department": chosen["department"].to_numpy(),
        "Manager ID": chosen["manager_id"].to_numpy(),
        "Grade": grade,
        "Location": chosen["location"].to_numpy(),
        "Remote OK": rng.choice(["yes", "no", ""], size=n),
        "Offers": topic_lists(n, rng, role == "mentee"),
        "Wants": topic_lists(n, rng, role == "mentor"),
        "Interests": topic_lists(n, rng, rng.random(n) < 0.3),
        "Capacity": np.where(role == "mentee", "", rng.integers(1, 4, size=n).astype(str)),
        "Consent": rng.choice(["yes", "Yes", "y", "no"], size=n, p=[0.6, 0.2, 0.15, 0.05]),
        "Age band": rng.choice(["16-24", "25-34", "35-44", "45-54", "55+"], size=n),
    })


def timed(label: str, rows: int, call):
    """Run ``call``, print its time and rows per second, return (result, seconds)."""
    start = time.perf_counter()
    result = call()
    seconds = time.perf_counter() - start
    print(f"{label:<12} {rows:>7,} rows  {seconds:6.2f} s  {rows / seconds:>10,.0f} rows/s")
    return result, seconds


def main() -> None:
    """Generate the files, import both, print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--roster", type=int, default=50_000)
    parser.add_argument("--signups", type=int, default=5_000)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    rng = np.random.default_rng(args.seed)
    with tempfile.TemporaryDirectory() as tmp:
        roster_csv, signups_csv = Path(tmp) / "roster.csv", Path(tmp) / "participants.csv"
        roster_text = make_roster(args.roster, rng)
        roster_text.to_csv(roster_csv, index=False)
        make_signups(roster_text, args.signups, rng).to_csv(signups_csv, index=False, sep=";", encoding="utf-8-sig")
        roster, t_roster = timed("roster", args.roster, lambda: load_roster(roster_csv))
        people, t_people = timed("sign-ups", args.signups, lambda: load_participants(signups_csv, roster=roster))
    total = t_roster + t_people
    rows = len(roster) + len(people)
    print(f"{'total':<12} {rows:>7,} rows  {total:6.2f} s  {rows / total:>10,.0f} rows/s"
          f"  ({'within' if total < 5 else 'OVER'} the 5 s target)")


if __name__ == "__main__":
    main()
