"""What an evaluation report may show: aggregate tables with small cells suppressed, readable column names.

Every table here describes groups, never a person; groups under ``k`` show no figures (see
``suppression``), the verdict is re-judged on the suppressed figures so it cannot leak a hidden
one, and sensitive attributes appear only as group labels of at least ``k`` people.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from revmentor_nb.evaluation.evaluate import URM, Evaluation
from revmentor_nb.evaluation.instruments import TOTAL
from revmentor_nb.evaluation.kpis import WHO_LABEL
from revmentor_nb.evaluation.prepost import prepost
from revmentor_nb.evaluation.verdict import judge
from revmentor_nb.privacy.suppression import blank_where, hide_counts, mark_hidden, suppress

SIDES = ("mentees", "mentors")
PREPOST_COUNTS = ("n_paired", "n_pre", "n_post", "missing_post", "missing_pre")
BREAKDOWNS = ("department", "grade", "location", "gender", "ethnicity", "age_band")


def safe_prepost(ev: Evaluation, k: int | None = None) -> pd.DataFrame:
    """Pre/post rows for mentees and mentors: under k paired people suppressed, dropouts' mean under k blank."""
    k = k or ev.k
    t = ev.prepost[ev.prepost["group"].isin(SIDES)]
    out = suppress(t, k, "n_paired", values=[c for c in t.columns if c not in
                                             ("instrument", "scale", "label", "group", "n_pre", "n_post",
                                              "missing_post", "missing_pre")])
    out = hide_counts(out, PREPOST_COUNTS, k)  # before - no after response = paired: the counts go together
    return blank_where(out, "missing_post", ["pre_mean_missing_post"], k)


def safe_levels(ev: Evaluation, k: int | None = None) -> pd.DataFrame:
    """Mean scores after the programme per measure and side, groups under k suppressed."""
    k = k or ev.k
    return suppress(ev.levels[ev.levels["group"].isin(SIDES)], k, "n", values=["mean", "sd", "mean_low", "mean_high"])


def safe_kpis(ev: Evaluation, k: int | None = None) -> pd.DataFrame:
    """KPI rows with either group under k suppressed; a subgroup also when the rest of its parent group is under k."""
    k = k or ev.k
    t = ev.kpis.copy()
    if t.empty:
        return suppress(t, k, "n")
    values = [c for c in t.columns if c not in ("kpi", "measure", "who", "months", "observable", "due", "comparison")]
    mentors_n = t.loc[t["who"] == "mentors"].drop_duplicates(["measure", "months"]).set_index(
        ["measure", "months"])["n"]
    t["parent_n"] = [mentors_n.get((m, mo), np.nan) if w == WHO_LABEL[URM] else np.nan
                     for w, m, mo in zip(t["who"], t["measure"], t["months"])]
    extra = ["n_comparison"] if (t["comparison"] != "none").all() else []
    out = suppress(t, k, "n", values=values, parent="parent_n", extra_counts=extra)
    return _hide_total(out, ["measure", "months"], values, k).drop(columns="parent_n")


def _hide_total(table: pd.DataFrame, keys: list[str], values: list[str], k: int | None = None,
                counts: tuple[str, ...] = ("n", "n_comparison")) -> pd.DataFrame:
    """Participants = mentees + mentors: when a side is hidden, hide the participants row too (no differencing).

    With ``k``, the row's ``counts`` carry their markers (``hidden``, or ``< k``) for the report.
    """
    out = table.copy()
    rows = pd.Series(False, index=out.index)
    for _, grp in out.groupby(keys, sort=False):
        col = "who" if "who" in grp else "group"
        if grp.loc[grp[col].isin(SIDES), "suppressed"].any():
            rows[grp.index[(grp[col] == "participants") & ~grp["suppressed"]]] = True
    if k is not None:
        out = hide_counts(out, [c for c in counts if c in out], k, where=rows)
    out.loc[rows, [v for v in values if v in out]] = np.nan
    out.loc[rows, "suppressed"] = True
    return out


def safe_verdict(ev: Evaluation, k: int | None = None) -> pd.DataFrame:
    """The verdict judged again on the suppressed tables, so its evidence shows only reportable figures."""
    k = k or ev.k
    figures = ["n", "mean", "sd", "mean_low", "mean_high"]
    levels = _hide_total(suppress(ev.levels, k, "n", values=figures[1:]), ["instrument", "scale"], figures)
    pp = suppress(ev.prepost, k, "n_paired", values=None)
    pp = _hide_total(pp, ["instrument", "scale"], [c for c in pp.columns if pd.api.types.is_float_dtype(pp[c])])
    return judge(ev.criteria, pp, levels, safe_kpis(ev, k), k)


def safe_reliability(ev: Evaluation, k: int | None = None) -> pd.DataFrame:
    """Cronbach's alpha per instrument, scale, cohort and stage; cohorts under k suppressed."""
    return suppress(ev.reliability, k or ev.k, "n", values=["items", "alpha", "alpha_low", "alpha_high"])


def safe_curves(ev: Evaluation, k: int | None = None) -> pd.DataFrame:
    """Monthly retention curves of groups of at least k people (a curve ends when fewer than k are still at risk)."""
    k = k or ev.k
    c = ev.curves
    if c.empty:
        return c
    return c[(c["n"] >= k) & (c["at_risk"] >= k)].reset_index(drop=True)


def safe_logrank(ev: Evaluation, k: int | None = None) -> pd.DataFrame:
    """Log-rank tests where both groups have at least k people."""
    k = k or ev.k
    t = ev.logrank
    return t if t.empty else t[(t["n"] >= k) & (t["n_comparison"] >= k)].reset_index(drop=True)


def safe_balance(ev: Evaluation, k: int | None = None) -> pd.DataFrame:
    """How alike participants and their comparison groups are at the start (groups under k left out)."""
    k = k or ev.k
    parts = []
    for who, g in ev.comparisons.items():
        if g.balance is not None and who in SIDES and len(g.participants) >= k and len(g.controls) >= k:
            parts.append(g.balance.assign(who=who))
    columns = ["who", "n_participants", "n_comparison", "characteristic", "participants", "comparison",
               "standardised_difference"]
    if not parts:  # no comparison group (comparison: none), or none that qualifies: an empty table, same columns
        return pd.DataFrame(columns=columns)
    return pd.concat(parts, ignore_index=True)[columns]


def safe_dose(ev: Evaluation, k: int | None = None) -> tuple[pd.DataFrame, dict[tuple[str, str, str], pd.DataFrame]]:
    """Dose-response summaries (n of at least k) and their meeting bands, bands under k suppressed as one partition."""
    k = k or ev.k
    rows, bins = [], {}
    for (instrument, scale, group), d in ev.dose.items():
        if d.n < k:
            continue
        rows.append(d.summary().assign(instrument=instrument, scale=scale, group=group))
        if not d.bins.empty:
            bins[(instrument, scale, group)] = suppress(d.bins.assign(part=1), k, "n", ["mean_change", "low", "high"],
                                                        partition="part").drop(columns="part")
    cols = ["instrument", "scale", "group", "n", "slope", "slope_low", "slope_high", "p_slope", "r2", "spearman_rho",
            "p_spearman"]
    table = pd.concat(rows, ignore_index=True)[cols] if rows else pd.DataFrame(columns=cols)
    return table, bins


def safe_representation(ev: Evaluation, k: int | None = None) -> pd.DataFrame:
    """Shares of each gender and ethnicity group in all staff and in the senior grades (groups under k suppressed)."""
    k = k or ev.k
    return suppress(ev.representation, k, "senior_staff", values=["staff", "share_all", "share_senior", "ratio"],
                    extra_counts=["staff"])


def split_groups(ev: Evaluation, who: str, by: str | None = None) -> dict[str, tuple[str, ...]]:
    """One side's people, whole (named after the side) or split by a roster column (named by its values)."""
    ids = ev.groups.get(who, ())
    if by is None or ev.staff is None or by not in ev.staff:
        return {who: tuple(ids)}
    col = ev.staff.loc[ev.staff.index.isin(ids), by].astype("string").fillna("not recorded")
    return {str(v): tuple(col.index[col == v]) for v in sorted(col.unique())}


def level_breakdown(ev: Evaluation, instrument: str, scale: str = TOTAL, who: str = "mentees", by: str | None = None,
                    stage: str = "post", k: int | None = None) -> pd.DataFrame:
    """Mean score at one stage for one measure and side, optionally split; parts under k suppressed together."""
    from revmentor_nb.evaluation.prepost import levels

    k = k or ev.k
    scores = ev.scores[(ev.scores["instrument"] == instrument) & (ev.scores["scale"] == scale)]
    t = levels(scores, split_groups(ev, who, by), stage, ev.instruments)
    return suppress(t.assign(part=1), k, "n", values=["mean", "sd", "mean_low", "mean_high"],
                    partition="part").drop(columns="part")


def breakdown(ev: Evaluation, instrument: str, scale: str = TOTAL, who: str = "mentees", by: str | None = None,
              k: int | None = None) -> pd.DataFrame:
    """Pre/post for one measure and side, optionally split by a roster column; parts under k suppressed together.

    The side's total is published elsewhere, so the parts of a split are one partition: hidden parts
    are joined by the next smallest until at least k people are hidden (no differencing).
    """
    k = k or ev.k
    scores = ev.scores[(ev.scores["instrument"] == instrument) & (ev.scores["scale"] == scale)]
    t = prepost(scores, split_groups(ev, who, by), ev.instruments).drop(
        columns=["pre_mean_completers", "pre_mean_missing_post"])
    t["n_people"] = np.maximum(t["n_pre"], t["n_post"])
    counts = ["n_people", "n_pre", "n_post", "missing_post", "missing_pre"]
    figures = [c for c in t.columns if c not in ("instrument", "scale", "label", "group", *counts)]
    if t.empty:
        return t.assign(suppressed=pd.Series(dtype=bool))
    by_paired = suppress(t.assign(part=1), k, "n_paired", values=figures, partition="part")
    by_people = suppress(t.assign(part=1), k, "n_people", values=counts, partition="part")
    out = by_paired.drop(columns="part")  # its counts but n_paired are as measured: hidden below, with markers
    out["suppressed"] = by_paired["suppressed"] | by_people["suppressed"]
    blank = [c for c in figures if c != "n_paired" and pd.api.types.is_numeric_dtype(out[c])]
    out[blank] = out[blank].astype(float).where(~out["suppressed"], axis=0)
    # a hidden part's counts go with it (before - no after response = paired), each with its marker
    return hide_counts(out, ["n_people", *PREPOST_COUNTS], k)


# --------------------------------------------------------------------------- presentation


BLANK_FIGURES = ("A blank figure beside a count shown {small} or hidden describes that group, so it is not shown "
                 "either.")


def _ci(est: pd.Series, low: pd.Series, high: pd.Series, fmt: str = "{:+.2f}") -> pd.Series:
    return pd.Series([("" if not np.isfinite(e) else fmt.format(e) + (
        "" if not (np.isfinite(lo) and np.isfinite(hi)) else f" [{fmt.format(lo)}, {fmt.format(hi)}]"))
        for e, lo, hi in zip(est.astype(float), low.astype(float), high.astype(float))], index=est.index)


def _p(p: pd.Series) -> pd.Series:
    return p.astype(float).map(lambda v: "" if not np.isfinite(v) else ("< 0.001" if v < 0.001 else f"{v:.3f}"))


def _n(s: pd.Series) -> pd.Series:
    return s.astype(float).map(lambda v: "" if not np.isfinite(v) else f"{int(v)}")


def _carry(source: pd.DataFrame, out: pd.DataFrame, columns: dict[str, str]) -> pd.DataFrame:
    """``out`` (one row per row of ``source``, in order) with the suppression markers of ``source``'s counts
    under their shown names (``columns``: core name -> shown name), and a note when a row's figures are hidden.

    A hidden cell is blank in ``out``; ``table_html`` shows its marker (``< k`` or ``hidden``) from ``attrs``.
    """
    hidden = source.attrs.get("hidden", {}) or {}
    where = {label: i for i, label in enumerate(source.index)}
    marks: dict[str, dict[object, str]] = {}
    for core, shown in columns.items():
        for label, text in hidden.get(core, {}).items():
            if label in where:
                marks.setdefault(shown, {})[out.index[where[label]]] = text
    out = mark_hidden(out, marks)
    small = sorted({t for cells in marks.values() for t in cells.values() if t.startswith("<")})
    if "suppressed" in source and source["suppressed"].fillna(False).astype(bool).any():
        out.attrs.setdefault("notes", {})["figures"] = BLANK_FIGURES.format(small=small[0] if small else "< k")
    return out


def change_report(table: pd.DataFrame) -> pd.DataFrame:
    """A suppressed pre/post table in words: counts, change [95% CI], tests, d_z [95% CI], attrition check."""
    t = table[table["n_pre"].isna() | (table["n_pre"] > 0)]
    out = pd.DataFrame({
        "measure": t["label"], "group": t["group"], "before": _n(t["n_pre"]), "after": _n(t["n_post"]),
        "paired": _n(t["n_paired"]), "no after response": _n(t["missing_post"]),
        "mean before": t["mean_pre"].round(2), "mean after": t["mean_post"].round(2),
        "change [95% CI]": _ci(t["mean_change"], t["change_low"], t["change_high"]),
        "paired t p": _p(t["p_t"]), "Wilcoxon p": _p(t["p_wilcoxon"]),
        "Cohen's dz [95% CI]": _ci(t["d_z"], t["d_z_low"], t["d_z_high"], "{:.2f}"),
        **({"before, completers": t["pre_mean_completers"].round(2),
            "before, no after response": t["pre_mean_missing_post"].round(2)} if "pre_mean_missing_post" in t else {}),
    }).reset_index(drop=True)
    return _carry(t, out, {"n_pre": "before", "n_post": "after", "n_paired": "paired",
                           "missing_post": "no after response"})


def levels_report(table: pd.DataFrame) -> pd.DataFrame:
    """A suppressed post-level table in words."""
    out = pd.DataFrame({"measure": table["label"], "group": table["group"], "n": _n(table["n"]),
                        "mean after [95% CI]": _ci(table["mean"], table["mean_low"], table["mean_high"], "{:.2f}")
                        }).reset_index(drop=True)
    return _carry(table, out, {"n": "n"})


def kpi_report(table: pd.DataFrame) -> pd.DataFrame:
    """A suppressed KPI table in words: rate of each group, difference in points [95% CI], Fisher p."""
    if table.empty:
        return pd.DataFrame(columns=["KPI", "who", "participants", "comparison group", "difference, points [95% CI]",
                                     "Fisher p"])

    def pct(r: pd.Series, n: pd.Series) -> list[str]:
        return [f"{x:.1f}% of {int(m)}" if np.isfinite(x) and np.isfinite(m) else ""
                for x, m in zip(r.astype(float), n.astype(float))]

    status = [("" if o else f" (measurable from {d})") for o, d in zip(table["observable"], table["due"])]
    out = pd.DataFrame({
        "KPI": [f"{m} at {mo} months{s}" for m, mo, s in zip(table["measure"], table["months"], status)],
        "who": table["who"], "participants": pct(table["rate"], table["n"]),
        "comparison group": pct(table["rate_comparison"], table["n_comparison"]),
        "difference, points [95% CI]": _ci(table["difference_points"], table["difference_low"],
                                           table["difference_high"], "{:+.1f}"),
        "Fisher p": _p(table["p_fisher"]),
    }).reset_index(drop=True)
    return _carry(table, out, {"n": "participants", "n_comparison": "comparison group"})


def reliability_report(table: pd.DataFrame) -> pd.DataFrame:
    """A suppressed reliability table in words: alpha [95% CI] per scale, cohort and stage."""
    out = pd.DataFrame({"instrument": table["instrument"], "scale": table["label"], "cohort": table["cohort"],
                        "stage": table["stage"], "n": _n(table["n"]), "items": _n(table["items"]),
                        "Cronbach's alpha [95% CI]": _ci(table["alpha"], table["alpha_low"], table["alpha_high"],
                                                         "{:.2f}")}).reset_index(drop=True)
    return _carry(table, out, {"n": "n"})


def headline(ev: Evaluation) -> str:
    """The question the design asked and who took part, as Markdown (programme text escaped)."""
    import html

    from revmentor_nb.design.program import PRESET_LABELS
    from revmentor_nb.io.markdown import plural

    d = ev.design
    esc = lambda t: html.escape(str(t)).replace("*", "&#42;").replace("_", "&#95;")  # noqa: E731
    crit = "".join(f"\n- {esc(c)}" for c in d.objective.success_criteria) or "\n- (none stated)"
    return (f"**Objective — {esc(PRESET_LABELS.get(d.objective.preset, d.objective.preset))}:** "
            f"{esc(d.objective.statement)}\n\n**Success criteria (program.yaml):**{crit}\n\n"
            f"**Who took part:** {plural(len(ev.groups['mentees']), 'mentee')} and "
            f"{plural(len(ev.groups['mentors']), 'mentor')} in the "
            f"accepted match; figures as of {ev.as_of}, programme start {ev.index_date}; comparison group: "
            f"{esc(ev.comparison_rule)}; groups under {ev.k} people are not shown.")


def dose_report(table: pd.DataFrame, ev: Evaluation) -> pd.DataFrame:
    """The dose-response summaries in words: slope per meeting [95% CI], p, R^2, Spearman's rho."""
    names = {i: inst.name for i, inst in ev.instruments.items()}
    return pd.DataFrame({
        "measure": [names.get(i, i) for i in table["instrument"]], "group": table["group"], "n": _n(table["n"]),
        "change per extra meeting [95% CI]": _ci(table["slope"], table["slope_low"], table["slope_high"], "{:+.3f}"),
        "p (slope)": _p(table["p_slope"]), "R²": table["r2"].astype(float).round(3),
        "Spearman's rho": table["spearman_rho"].astype(float).round(2), "p (rho)": _p(table["p_spearman"]),
    }).reset_index(drop=True)


def balance_report(table: pd.DataFrame) -> pd.DataFrame:
    """The balance table in words."""
    return pd.DataFrame({"who": table["who"], "participants (n)": _n(table["n_participants"]),
                         "comparison (n)": _n(table["n_comparison"]), "characteristic": table["characteristic"],
                         "participants": table["participants"].astype(float).round(2),
                         "comparison": table["comparison"].astype(float).round(2),
                         "standardised difference": table["standardised_difference"].astype(float).round(3)})


def verdict_report(table: pd.DataFrame) -> pd.DataFrame:
    """The verdict as a leader reads it: criterion, verdict, evidence."""
    return table[["criterion", "verdict", "evidence"]].reset_index(drop=True)


def representation_report(table: pd.DataFrame) -> pd.DataFrame:
    """Which groups count as under-represented in the senior grades, and why (group shares, four-fifths rule)."""
    out = pd.DataFrame({"attribute": table["attribute"], "group": table["group"],
                        "share of all staff (%)": table["share_all"].astype(float).round(1),
                        "share of senior grades (%)": table["share_senior"].astype(float).round(1),
                        "ratio": table["ratio"].astype(float).round(2),
                        "under-represented": table["under_represented"].map({True: "yes", False: "no"})
                        .where(~table["suppressed"], "")}).reset_index(drop=True)
    # a hidden group's answer reads as its size does: "< k" (or "hidden" when only the rest of the staff is small)
    size = {**table.attrs.get("hidden", {}).get("staff", {}), **table.attrs.get("hidden", {}).get("senior_staff", {})}
    marked = table.copy()
    marked.attrs = {**table.attrs, "hidden": {"answer": size}}
    return _carry(marked, out, {"answer": "under-represented"})
