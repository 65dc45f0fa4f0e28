"""The clearing round: after a match is published, place the people it left out.

Published pairs stay exactly as they are (they become locks); only mentees without a
mentor and mentors with spare capacity take new pairs; named rules may be relaxed for this
round only (e.g. widen the grade gap), and the result's ``relaxed`` table says which new
pair needed which relaxation.
"""
from __future__ import annotations

import time
from typing import Any

import numpy as np
import pandas as pd

from revmentor_nb.matching.config import MatchRules, MatchSettings, MatchWeights
from revmentor_nb.matching.engine import prepare
from revmentor_nb.matching.errors import MatchInputError, problems_frame
from revmentor_nb.matching.result import MatchResult


def published_pairs(published: "MatchResult | pd.DataFrame") -> pd.DataFrame:
    """The (mentor_id, mentee_id) pairs of a published match, from a result or a pairs table."""
    pairs = published.pairs if isinstance(published, MatchResult) else published
    cols = {str(c).strip().casefold(): c for c in pairs.columns}
    if "mentor_id" not in cols or "mentee_id" not in cols:
        raise MatchInputError(problems_frame([dict(file="published", row=None, column="mentor_id/mentee_id", value="",
                                                   problem="the published pairs need columns mentor_id and mentee_id",
                                                   fix="pass the accepted match's pairs table")]))
    out = pd.DataFrame({"mentor_id": pairs[cols["mentor_id"]].astype(str).str.strip(),
                        "mentee_id": pairs[cols["mentee_id"]].astype(str).str.strip()})
    return out.drop_duplicates().reset_index(drop=True)


def clearing_round(participants: pd.DataFrame, published: "MatchResult | pd.DataFrame", *,
                   relax: dict[str, Any] | None = None, only_unmatched: bool = True,
                   roster: pd.DataFrame | None = None, exclusions: pd.DataFrame | None = None,
                   locks: pd.DataFrame | None = None, rules: MatchRules | dict[str, Any] | None = None,
                   weights: MatchWeights | dict[str, Any] | None = None,
                   settings: MatchSettings | dict[str, Any] | None = None, seed: int = 0,
                   time_limit: float | None = None) -> MatchResult:
    """Re-match the people a published match left out; published pairs never change.

    ``relax`` maps rule names to ``False`` or changed fields for this round only (see
    ``relax.relax_rules``). With ``only_unmatched`` (the default) a mentee who already has a
    mentor takes no new one even if they asked for more; mentors with spare capacity always
    may. Takes the other keyword arguments of ``match``.
    """
    t0 = time.perf_counter()
    fixed = published_pairs(published)
    if locks is not None and len(locks):
        fixed = pd.concat([fixed, locks[["mentor_id", "mentee_id"]].astype(str)], ignore_index=True).drop_duplicates()
    run = prepare(participants, roster=roster, exclusions=exclusions, locks=fixed, rules=rules, weights=weights,
                  settings=settings, seed=seed, relax=relax)
    people = run.graph.people
    if only_unmatched:
        has_mentor = np.zeros(people.n, dtype=bool)
        for pid in fixed["mentee_id"]:
            i = people.index_of(pid)
            if i is not None:
                has_mentor[i] = True
        run.may_mentee = ~has_mentor
    result = run.solve(time_limit=time_limit)
    object.__setattr__(result, "seconds", time.perf_counter() - t0)
    return result
