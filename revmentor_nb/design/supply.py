"""Facts about who signed up: supply of and demand for each topic."""
from __future__ import annotations

import pandas as pd


def _explode(people: pd.DataFrame, column: str) -> pd.DataFrame:
    sub = people[["person_id", column, "capacity"]].explode(column).dropna(subset=[column])
    sub["topic"] = sub[column].astype(str).str.strip()
    sub["rank"] = sub.groupby("person_id").cumcount() + 1
    return sub


def supply_demand(participants: pd.DataFrame) -> pd.DataFrame:
    """Per topic: mentors offering it and their places, mentees wanting it (and as first choice), and the shortfall."""
    consenting = participants[participants["consent"].astype(bool)]
    mentors = consenting[consenting["role"].isin(["mentor", "either"])]
    mentees = consenting[consenting["role"].isin(["mentee", "either"])]
    offers = _explode(mentors, "offers")
    wants = _explode(mentees, "wants")
    supply = offers.groupby("topic").agg(mentors=("person_id", "nunique"), places=("capacity", "sum"))
    demand = wants.groupby("topic").agg(mentees=("person_id", "nunique"),
                                         first_choice=("rank", lambda r: int((r == 1).sum())))
    out = supply.join(demand, how="outer").fillna(0).astype(int).reset_index()
    out["shortfall"] = (out["first_choice"] - out["places"]).clip(lower=0)
    return out.sort_values(["shortfall", "mentees"], ascending=False).reset_index(drop=True)
