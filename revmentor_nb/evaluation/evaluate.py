"""Evaluation: did the programme do what the design said it would, and how sure can we be?

``evaluate`` ties the pieces together for one programme: pre/post change per measure
(``prepost``), instrument scoring and reliability (``instruments``), roster KPIs against a
comparison group (``comparison``, ``kpis``, ``survival``), attendance vs impact (``dose``) and the
verdict on the design's success criteria (``verdict``). It returns every table unsuppressed;
``evaluation_view`` makes the privacy-safe versions a report shows.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from revmentor_nb.design.program import ProgramDesign, band_ranks
from revmentor_nb.errors import InputError
from revmentor_nb.evaluation.comparison import (
    ComparisonGroup,
    comparison_group,
    staff_at,
)
from revmentor_nb.evaluation.dose import DoseResponse, dose_response, meetings_held
from revmentor_nb.evaluation.instruments import (
    range_problems,
    TOTAL,
    Instrument,
    load_instruments,
    reliability,
)
from revmentor_nb.evaluation.kpis import (
    Kpi,
    kpi_table,
    parse_kpi,
    representation,
    retention_curves,
    under_represented_ids,
)
from revmentor_nb.evaluation.prepost import levels, person_scores, prepost, stage_means
from revmentor_nb.evaluation.verdict import Criterion, judge, parse_criterion

__all__ = ["EvaluationInputs", "Evaluation", "evaluate", "inputs_from_workspace", "default_as_of", "person_scores",
           "prepost", "stage_means", "levels"]

WHO = ("mentees", "mentors", "participants")
URM = "under_represented_mentors"


@dataclass(frozen=True)
class EvaluationInputs:
    """The tables an evaluation reads: accepted pairs, and (each optional) assessments, roster, sign-ups, meetings
    and a promotions history (person_id, date: one row per promotion; without it the roster's last_promotion_date)."""

    pairs: pd.DataFrame
    assessments: pd.DataFrame | None = None
    roster: pd.DataFrame | None = None
    participants: pd.DataFrame | None = None
    meetings: pd.DataFrame | None = None
    promotions: pd.DataFrame | None = None


def inputs_from_workspace(ws: Any) -> EvaluationInputs:
    """The workspace's accepted pairs and current tables (WorkspaceError if nothing has been matched)."""
    return EvaluationInputs(ws.require_match().pairs, ws.table("assessments"), ws.table("roster"),
                            ws.table("participants"), ws.table("meetings"))


def default_as_of(inputs: EvaluationInputs) -> date:
    """The data's own date: the latest date the roster, assessments or meetings record (an extract is that recent)."""
    found: list[pd.Timestamp] = []
    for frame, cols in ((inputs.roster, ("hire_date", "exit_date", "last_promotion_date")),
                        (inputs.assessments, ("date",)), (inputs.meetings, ("date",))):
        if frame is None:
            continue
        for c in cols:
            if c in frame:
                latest = pd.to_datetime(frame[c]).max()
                if pd.notna(latest):
                    found.append(latest)
    return max(found).date() if found else date.today()


@dataclass
class Evaluation:
    """Everything an evaluation found, unsuppressed (see ``evaluation_view`` for what a report may show)."""

    design: ProgramDesign
    index_date: date
    as_of: date
    k: int
    comparison_rule: str
    instruments: dict[str, Instrument]
    groups: dict[str, tuple[str, ...]]
    scores: pd.DataFrame
    prepost: pd.DataFrame
    levels: pd.DataFrame
    stage_means: pd.DataFrame
    reliability: pd.DataFrame
    held: pd.DataFrame
    dose: dict[tuple[str, str, str], DoseResponse]
    kpis: pd.DataFrame
    curves: pd.DataFrame
    logrank: pd.DataFrame
    comparisons: dict[str, ComparisonGroup]
    representation: pd.DataFrame
    criteria: list[Criterion]
    verdict: pd.DataFrame
    notes: list[str] = field(default_factory=list)
    staff: pd.DataFrame | None = None

    def measures(self) -> list[tuple[str, str]]:
        """(instrument, scale) pairs with any score, the design's measures first."""
        found = list(dict.fromkeys(zip(self.scores["instrument"], self.scores["scale"])))
        first = self.design.evaluation.instruments_pre + self.design.evaluation.instruments_post
        return sorted(found, key=lambda m: (m[0] not in first, first.index(m[0]) if m[0] in first else 0, m[0],
                                            m[1] != TOTAL, m[1]))


def _groups(pairs: pd.DataFrame) -> dict[str, tuple[str, ...]]:
    mentors = tuple(sorted(set(pairs["mentor_id"].astype(str))))
    mentees = tuple(sorted(set(pairs["mentee_id"].astype(str))))
    return {"mentees": mentees, "mentors": mentors, "participants": tuple(sorted(set(mentors) | set(mentees)))}


def _kpis_to_report(design: ProgramDesign, criteria: list[Criterion]) -> list[Kpi]:
    """The design's KPIs, then retention at 6 and 12 months and promotion at 12 for both sides, then the criteria's."""
    names = list(design.evaluation.kpis) + list(design.objective.kpis)
    names += [f"retention_{w}_{m}m" for w in ("mentors", "mentees") for m in (6, 12)] + ["promotion_mentors_12m"]
    if design.objective.preset == "diversity_inclusion":
        names.append(f"promotion_{URM}_12m")
    names += [f"{c.kind}_{c.who}_{c.months}m" for c in criteria if c.kind in ("retention", "promotion")]
    return [parse_kpi(n) for n in dict.fromkeys(names)]


def _band(design: ProgramDesign, who: str) -> tuple[int | None, int | None]:
    el = design.eligibility
    try:
        if who in ("mentors", URM):
            return band_ranks(el.mentors, design.grade_order)
        if who == "mentees":
            return band_ranks(el.mentees, design.grade_order)
        lo_m, hi_m = band_ranks(el.mentors, design.grade_order)
        lo_e, hi_e = band_ranks(el.mentees, design.grade_order)
        return (None if lo_m is None or lo_e is None else min(lo_m, lo_e),
                None if hi_m is None or hi_e is None else max(hi_m, hi_e))
    except ValueError:
        return None, None


def _waiting(participants: pd.DataFrame | None, who: str, taken: set[str]) -> set[str]:
    if participants is None:
        return set()
    roles = {"mentors": ("mentor", "either"), "mentees": ("mentee", "either"), URM: ("mentor", "either")}.get(
        who, ("mentor", "mentee", "either"))
    mask = participants["role"].astype(str).isin(roles)
    if "consent" in participants:
        mask &= participants["consent"].fillna(False).astype(bool)
    return set(participants.loc[mask, "person_id"].astype(str)) - taken


def _senior(staff: pd.DataFrame, design: ProgramDesign) -> pd.Series:
    """The leadership grades: the mentees' eligible band, else the top third of grade ranks."""
    rank = pd.to_numeric(staff["grade_rank"], errors="coerce")
    lo, hi = _band(design, "mentees")
    if lo is None and hi is None:
        return rank >= rank.quantile(2 / 3)
    return (rank >= (lo if lo is not None else -np.inf)) & (rank <= (hi if hi is not None else np.inf))


def evaluate(inputs: EvaluationInputs, design: ProgramDesign, *, as_of: date | str | None = None,
             k: int | None = None, comparison: str | None = None, instruments: Mapping[str, Instrument] | None = None,
             instrument_dirs: tuple[str | Path, ...] = (), caliper_years: float = 2.0, ratio: int = 1,
             under_represented: Mapping[str, list[str]] | None = None) -> Evaluation:
    """Evaluate a programme against its design; every figure is unsuppressed (report via ``evaluation_view``).

    ``as_of`` defaults to the data's own date (``default_as_of``); ``k`` to the design's privacy.k;
    ``comparison`` to the design's comparison rule; ``under_represented`` (attribute -> groups) to the
    groups the roster shows under-represented in the senior grades (``kpis.representation``).
    """
    ev_plan = design.evaluation
    if k is not None and (isinstance(k, bool) or int(k) != k or int(k) < design.privacy.k):
        raise ValueError(f"k = {k!r} is below the programme's privacy floor (privacy.k = {design.privacy.k}): "
                         f"give k of {design.privacy.k} or more, or None for privacy.k")
    k = int(k if k is not None else design.privacy.k)
    rule = comparison or ev_plan.comparison
    as_of_d = pd.Timestamp(as_of).date() if as_of else default_as_of(inputs)
    index = design.schedule.start_date
    insts = dict(instruments) if instruments is not None else load_instruments(instrument_dirs)
    groups = _groups(inputs.pairs)
    notes = [f"Figures as of {as_of_d}; the programme started on {index}. Outcomes are counted from the start date."]
    if not as_of:
        notes.append("No as-of date was given, so the latest date the roster, assessments or meetings record is used; "
                     "pass as_of (the roster's extract date) for exact follow-up.")
    notes.append(f"Meetings held count one meeting per accepted pair and date, up to {as_of_d}.")

    assessments = inputs.assessments
    if assessments is None or assessments.empty:
        assessments = pd.DataFrame(columns=["person_id", "stage", "instrument", "score"])
        notes.append("No assessments were imported: nothing to compare before and after.")
    out_of_range = range_problems(assessments, insts, str(assessments.attrs.get("file") or "assessments"))
    if len(out_of_range):
        raise InputError(out_of_range, f"{len(out_of_range)} assessment value(s) outside their instrument's range "
                                       "(they would be blanked or counted as they are); correct the file and import it again")
    scores = person_scores(assessments, insts)
    unknown = sorted(set(scores["instrument"]) - set(insts))
    if unknown:
        notes.append(f"No instrument file for {', '.join(unknown)}: scored from the given score or the mean of its "
                     "columns, without subscales or reliability.")
    table = prepost(scores, groups, insts)
    post_levels = levels(scores, groups, "post", insts)
    means = stage_means(scores, groups, insts)
    cohorts = {w: groups[w] for w in ("mentees", "mentors")}
    rel = reliability(assessments, insts, cohorts)

    held = meetings_held(inputs.pairs, inputs.meetings, until=as_of_d)
    dose: dict[tuple[str, str, str], DoseResponse] = {}
    for _, r in table[(table["scale"] == TOTAL) & (table["group"].isin(["mentees", "mentors"]))].iterrows():
        wide = scores[(scores["instrument"] == r["instrument"]) & (scores["scale"] == TOTAL)].pivot_table(
            index="person_id", columns="stage", values="value")
        if {"pre", "post"} <= set(wide.columns):
            change = (wide["post"] - wide["pre"]).dropna()
            role = "mentee" if r["group"] == "mentees" else "mentor"
            h = held[held["role"] == role].set_index("person_id")["meetings"]
            dose[(r["instrument"], TOTAL, r["group"])] = dose_response(change[change.index.isin(groups[r["group"]])], h)

    known = set(scores["instrument"]) | set(insts)
    kpi_months = [parse_kpi(n).months for n in ev_plan.kpis if n.startswith("promotion_")]
    criteria = [parse_criterion(t, insts, known, kpi_months[0] if kpi_months else 12)
                for t in design.objective.success_criteria]

    roster = roster_outcomes(inputs, design, groups, criteria, rule, as_of_d, caliper_years=caliper_years,
                             ratio=ratio, under_represented=under_represented)
    notes += roster.notes
    verdict = judge(criteria, table, post_levels, roster.kpis, k)
    return Evaluation(design, index, as_of_d, k, rule, insts, groups, scores, table, post_levels, means, rel, held,
                      dose, roster.kpis, roster.curves, roster.logrank, roster.comparisons, roster.representation,
                      criteria, verdict, notes, roster.staff)


@dataclass
class RosterOutcomes:
    """The roster half of an evaluation: comparison groups, KPIs, retention curves, representation."""

    comparisons: dict[str, ComparisonGroup]
    kpis: pd.DataFrame
    curves: pd.DataFrame
    logrank: pd.DataFrame
    representation: pd.DataFrame
    staff: pd.DataFrame | None
    notes: list[str]


def roster_outcomes(inputs: EvaluationInputs, design: ProgramDesign, groups: dict[str, tuple[str, ...]],
                    criteria: list[Criterion], rule: str, as_of: date, *, caliper_years: float = 2.0, ratio: int = 1,
                    under_represented: Mapping[str, list[str]] | None = None) -> RosterOutcomes:
    """Comparison groups under ``rule``, KPIs, Kaplan-Meier curves and log-rank tests from the roster."""
    index = design.schedule.start_date
    empty = RosterOutcomes({}, kpi_table([], pd.DataFrame(), {}, index, as_of),
                           pd.DataFrame(columns=["who", "group", "n", "month", "survival", "low", "high", "at_risk"]),
                           pd.DataFrame(columns=["who", "comparison", "n", "n_comparison", "logrank_chi2",
                                                 "p_logrank"]),
                           pd.DataFrame(columns=["attribute", "group", "staff", "senior_staff", "under_represented"]),
                           None, [])
    if inputs.roster is None or inputs.roster.empty:
        empty.notes.append("No HR roster was imported: retention and promotion cannot be measured.")
        return empty
    staff = staff_at(inputs.roster, index)
    signed = set(inputs.participants["person_id"].astype(str)) if inputs.participants is not None else set()
    signed |= set(groups["participants"])
    rep = representation(staff, _senior(staff, design))
    chosen = under_represented if under_represented is not None else {
        a: list(g["group"]) for a, g in rep[rep["under_represented"]].groupby("attribute")}
    urm = under_represented_ids(staff, chosen)
    who_ids = {**groups, URM: tuple(sorted(set(groups["mentors"]) & urm))}
    kpis_wanted = _kpis_to_report(design, criteria)
    asked = {kpi.who for kpi in kpis_wanted} | {"mentors", "mentees"}
    comparisons: dict[str, ComparisonGroup] = {}
    for who, ids in who_ids.items():
        if who not in asked:
            continue
        pool = staff.loc[staff.index.isin(urm)] if who == URM else staff  # like is compared with like
        comparisons[who] = comparison_group(rule, who.replace("_", " "), pool, ids, signed,
                                            waiting=_waiting(inputs.participants, who, set(groups["participants"])),
                                            band=_band(design, who), caliper_years=caliper_years, ratio=ratio)
    kpis = kpi_table(kpis_wanted, staff, comparisons, index, as_of, inputs.promotions)
    curves, tests = retention_curves(staff, {w: comparisons[w] for w in ("mentors", "mentees")}, index, as_of)
    notes = [f"{g.unmatched} {w} had no comparable non-participant and are left out of the comparison."
             for w, g in comparisons.items() if w in ("mentors", "mentees") and g.unmatched]
    if inputs.promotions is None and any(k.measure == "promotion" for k in kpis_wanted):
        notes.append("Promotions are read from the roster's last_promotion_date only: a promotion during the "
                     "follow-up that a later promotion overwrote is missed, so promotion rates may be understated "
                     "(for participants and comparison group alike). A promotions history counts every one.")
    missing = len(set(groups["participants"]) - set(staff.index))
    if missing:
        notes.append(f"{missing} participants were not on the roster on the start date and are left out of the KPIs.")
    return RosterOutcomes(comparisons, kpis, curves, tests, rep, staff, notes)


def with_comparison(ev: Evaluation, inputs: EvaluationInputs, rule: str, **options: Any) -> Evaluation:
    """The same evaluation with the roster half re-run under another comparison rule (the dashboard's picker)."""
    from dataclasses import replace

    roster = roster_outcomes(inputs, ev.design, ev.groups, ev.criteria, rule, ev.as_of, **options)
    verdict = judge(ev.criteria, ev.prepost, ev.levels, roster.kpis, ev.k)
    return replace(ev, comparison_rule=rule, kpis=roster.kpis, curves=roster.curves, logrank=roster.logrank,
                   comparisons=roster.comparisons, representation=roster.representation, staff=roster.staff,
                   verdict=verdict)
