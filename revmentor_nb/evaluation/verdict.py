"""The verdict: each of the design's success criteria judged met, not met or not enough data, with the numbers.

Criteria are sentences in program.yaml. Those written in the shapes the presets use are read
into a machine-checkable rule (a change, a level at the end, retention or promotion against the
comparison group); anything else is reported as not enough data with a note on how to phrase it.
A criterion is *met* when the estimate reaches the target; the evidence says whether the 95%
confidence interval clears the target too, so a leader can see how firm the answer is.
"""
from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from revmentor_nb.evaluation.instruments import TOTAL, Instrument
from revmentor_nb.evaluation.kpis import WHO_LABEL

MET, NOT_MET, NO_DATA = "met", "not met", "not enough data"
VERDICT_COLUMNS = ["criterion", "verdict", "estimate", "target", "ci_low", "ci_high", "n", "evidence", "rule"]
SHAPES = ("'<Who>' <measure> rises by at least <x> points', '<Who>' <measure> [<subscale>] score at least <x> at "
          "the end', '<N>-month retention of <who> at least <x> points above the comparison group', "
          "'Promotion rate of <who> at least matches the comparison group'")

_WHO = r"(?P<who>under-represented mentors|mentors|mentees|participants)"
_NUM = r"(?P<target>[+-]?\d+(?:\.\d+)?)"
_CHANGE = re.compile(rf"^{_WHO}'?s?'? (?P<measure>.+?) (?:score )?(?:rises|increases|improves|grows) by at least "
                     rf"{_NUM} points?\b")
_LEVEL = re.compile(rf"^{_WHO}'?s?'? (?P<measure>.+?) score (?:is |of )?at least {_NUM} (?:at the end|after|at post)")
_RETENTION = re.compile(rf"^(?P<months>\d{{1,2}})-month retention of {_WHO} (?:is )?at least {_NUM} "
                        r"(?:percentage )?points? above the comparison group")
_PROMOTION = re.compile(rf"^(?:(?P<months>\d{{1,2}})-month )?promotion rate of {_WHO} (?:is )?at least "
                        rf"(?:matches|equals|(?:{_NUM} (?:percentage )?points? above)) the comparison group")


@dataclass(frozen=True)
class Criterion:
    """A success criterion read into a rule; ``kind`` is 'unknown' when it cannot be checked by machine."""

    text: str
    kind: str
    who: str = ""
    instrument: str = ""
    scale: str = TOTAL
    months: int = 12
    target: float = np.nan
    note: str = ""


def _norm(text: str) -> str:
    return re.sub(r"[^a-z0-9]", "", text.lower())


def resolve_measure(phrase: str, instruments: dict[str, Instrument], known: Iterable[str]) -> tuple[str, str] | None:
    """'MFQ-9 role-modelling' -> ('mfq9', 'role_modelling'); 'digital confidence' -> ('digital_confidence', 'total')."""
    p = _norm(phrase)
    names = {i: [_norm(i)] for i in known}
    for i, inst in instruments.items():
        names.setdefault(i, []).extend([_norm(i), _norm(inst.name)])
    for inst_id, forms in sorted(names.items(), key=lambda kv: -max(len(f) for f in kv[1])):
        for form in forms:
            if form and p.startswith(form):
                rest = p[len(form):]
                if not rest:
                    return inst_id, TOTAL
                inst = instruments.get(inst_id)
                for s in (inst.subscales if inst else {}):
                    if _norm(s).startswith(rest) or _norm(inst.label(s)).startswith(rest):
                        return inst_id, s
    return None


def parse_criterion(text: str, instruments: dict[str, Instrument] | None = None, known: Iterable[str] = (),
                    default_months: int = 12) -> Criterion:
    """Read one criterion sentence into a rule (see ``SHAPES``); unknown shapes or measures say why."""
    instruments = instruments or {}
    t = " ".join(text.replace("\u2019", "'").split()).strip()
    low = t.lower()
    who = lambda m: m.group("who").replace("under-represented mentors", "under_represented_mentors")  # noqa: E731
    if m := _CHANGE.match(low) or _LEVEL.match(low):
        kind = "change" if m.re is _CHANGE else "level"
        found = resolve_measure(m.group("measure"), instruments, known)
        if found is None:
            return Criterion(text, "unknown", note=f"no instrument called {m.group('measure')!r} in the data or "
                                                   "the instrument files")
        return Criterion(text, kind, who(m), found[0], found[1], target=float(m.group("target")))
    if m := _RETENTION.match(low):
        return Criterion(text, "retention", who(m), months=int(m.group("months")), target=float(m.group("target")))
    if m := _PROMOTION.match(low):
        months = int(m.group("months")) if m.group("months") else default_months
        target = float(m.group("target")) if m.group("target") else 0.0
        return Criterion(text, "promotion", who(m), months=months, target=target)
    return Criterion(text, "unknown", note=f"not in a checkable form; write it as one of: {SHAPES}")


def _p(p: float) -> str:
    return "n/a" if not np.isfinite(p) else ("p < 0.001" if p < 0.001 else f"p = {p:.3f}")


def _count(hit: pd.DataFrame, col: str, k: int) -> str:
    """How many people a row rests on, in words; a suppressed count is 'fewer than k'."""
    if hit.empty:
        return "no"
    n = hit.iloc[0][col]
    return f"fewer than {k}" if not np.isfinite(n) else str(int(n))


def _firmness(low: float, high: float, target: float) -> str:
    if not (np.isfinite(low) and np.isfinite(high)):
        return "no confidence interval"
    if low >= target:
        return "the 95% CI lies wholly at or above the target"
    if high < target:
        return "the 95% CI lies wholly below the target"
    return "the 95% CI spans the target, so the answer is not firm"


def _row(c: Criterion, verdict: str, evidence: str, estimate: float = np.nan, low: float = np.nan,
         high: float = np.nan, n: float = np.nan) -> dict[str, object]:
    rule = {"change": f"mean change of {c.who} in {c.instrument}/{c.scale} >= {c.target:g}",
            "level": f"post mean of {c.who} in {c.instrument}/{c.scale} >= {c.target:g}",
            "retention": f"{c.months}-month retention of {c.who} minus comparison >= {c.target:g} points",
            "promotion": f"{c.months}-month promotion rate of {c.who} minus comparison >= {c.target:g} points",
            }.get(c.kind, "not machine-checkable")
    return {"criterion": c.text, "verdict": verdict, "estimate": estimate, "target": c.target, "ci_low": low,
            "ci_high": high, "n": n, "evidence": evidence, "rule": rule}


def judge_change(c: Criterion, prepost: pd.DataFrame, k: int) -> dict[str, object]:
    """A 'rises by at least x' criterion against the pre/post table."""
    hit = prepost[(prepost["instrument"] == c.instrument) & (prepost["scale"] == c.scale) & (prepost["group"] == c.who)]
    if hit.empty or not hit.iloc[0]["n_paired"] >= max(k, 3):
        return _row(c, NO_DATA, f"{_count(hit, 'n_paired', k)} {c.who} answered both before and after; at least "
                                f"{max(k, 3)} are needed")
    r = hit.iloc[0]
    verdict = MET if r["mean_change"] >= c.target else NOT_MET
    text = (f"mean change {r['mean_change']:+.2f} (95% CI {r['change_low']:+.2f} to {r['change_high']:+.2f}) in "
            f"{int(r['n_paired'])} paired {c.who}, target at least {c.target:+g}; "
            f"{_firmness(r['change_low'], r['change_high'], c.target)}. "
            f"Cohen's dz {r['d_z']:.2f} (95% CI {r['d_z_low']:.2f} to {r['d_z_high']:.2f}); paired t {_p(r['p_t'])}; "
            f"Wilcoxon {_p(r['p_wilcoxon'])}; {int(r['missing_post'])} without an after response (not imputed)")
    return _row(c, verdict, text, r["mean_change"], r["change_low"], r["change_high"], r["n_paired"])


def judge_level(c: Criterion, levels: pd.DataFrame, k: int) -> dict[str, object]:
    """A 'score at least x at the end' criterion against the post-level table."""
    hit = levels[(levels["instrument"] == c.instrument) & (levels["scale"] == c.scale) & (levels["group"] == c.who)
                 & (levels["stage"] == "post")]
    if hit.empty or not hit.iloc[0]["n"] >= k:
        return _row(c, NO_DATA, f"{_count(hit, 'n', k)} {c.who} have an after score; at least {k} are needed")
    r = hit.iloc[0]
    verdict = MET if r["mean"] >= c.target else NOT_MET
    text = (f"mean {r['mean']:.2f} (95% CI {r['mean_low']:.2f} to {r['mean_high']:.2f}) among {int(r['n'])} {c.who} "
            f"after the programme, target at least {c.target:g}; {_firmness(r['mean_low'], r['mean_high'], c.target)}")
    return _row(c, verdict, text, r["mean"], r["mean_low"], r["mean_high"], r["n"])


def judge_kpi(c: Criterion, kpis: pd.DataFrame, k: int) -> dict[str, object]:
    """A retention or promotion criterion against the KPI table (participants minus comparison, in points)."""
    who = WHO_LABEL.get(c.who, c.who)
    hit = kpis[(kpis["measure"] == c.kind) & (kpis["who"] == who) & (kpis["months"] == c.months)]
    if hit.empty:
        return _row(c, NO_DATA, f"no {c.months}-month {c.kind} figure for {who} (no roster, or nobody in the group)")
    r = hit.iloc[0]
    if not r["observable"]:
        return _row(c, NO_DATA, f"{c.months}-month {c.kind} can first be measured on {r['due']}", n=r["n"])
    if r["comparison"] == "none" or not r["n_comparison"]:
        return _row(c, NO_DATA, f"no comparison group ({r['comparison']}): the programme's effect cannot be "
                                "separated from the organisation's trend", n=r["n"])
    if not (r["n"] >= k and r["n_comparison"] >= k):
        return _row(c, NO_DATA, f"groups too small to report (fewer than {k} people)", n=np.nan)
    diff = r["difference_points"]
    verdict = MET if diff >= c.target else NOT_MET
    text = (f"{c.months}-month {c.kind} {r['rate']:.1f}% of {int(r['n'])} {who} vs {r['rate_comparison']:.1f}% of "
            f"{int(r['n_comparison'])} in the comparison group ({r['comparison']}): {diff:+.1f} points (95% CI "
            f"{r['difference_low']:+.1f} to {r['difference_high']:+.1f}), Fisher {_p(r['p_fisher'])}; target at least "
            f"{c.target:+g} points; {_firmness(r['difference_low'], r['difference_high'], c.target)}")
    return _row(c, verdict, text, diff, r["difference_low"], r["difference_high"], r["n"])


def judge(criteria: Iterable[Criterion], prepost: pd.DataFrame, levels: pd.DataFrame, kpis: pd.DataFrame,
          k: int) -> pd.DataFrame:
    """One row per criterion: verdict, estimate, target, CI, n and the evidence in words."""
    rows = []
    for c in criteria:
        if c.kind == "change":
            rows.append(judge_change(c, prepost, k))
        elif c.kind == "level":
            rows.append(judge_level(c, levels, k))
        elif c.kind in ("retention", "promotion"):
            rows.append(judge_kpi(c, kpis, k))
        else:
            rows.append(_row(c, NO_DATA, c.note))
    return pd.DataFrame(rows, columns=VERDICT_COLUMNS)
