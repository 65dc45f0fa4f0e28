"""Validated instruments as data files: items, subscales, reverse keying, scale range, scoring and reliability.

The package ships ``instruments/*.yaml`` (MFQ-9, digital confidence); a programme adds its own
by dropping a file of the same shape into ``<workspace>/instruments/`` (a file with a shipped
id replaces the shipped one). Scores are item means after reverse keying, so a subscale reads on
the instrument's own scale; Cronbach's alpha says whether the items hang together in this cohort.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any

import numpy as np
import pandas as pd
import yaml
from scipy import stats

from revmentor_nb.errors import UserError

SHIPPED_DIR = Path(__file__).parent / "instrument_files"
TOTAL = "total"


class InstrumentError(UserError, ValueError):
    """An instrument file is malformed; ``problems`` lists every fault found."""

    def __init__(self, path: str | Path, problems: list[str]) -> None:
        self.path, self.problems = str(path), problems
        super().__init__(f"{path}: " + "; ".join(problems))


@dataclass(frozen=True)
class Instrument:
    """One questionnaire: its items (in order), subscales, reverse-keyed items and response range."""

    id: str
    name: str
    scale_min: float
    scale_max: float
    items: tuple[str, ...]
    subscales: Mapping[str, tuple[str, ...]]
    reverse: frozenset[str] = frozenset()
    labels: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))
    item_text: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))
    min_answered: float = 0.6
    description: str = ""
    source: str = ""
    path: str = ""

    def label(self, scale: str) -> str:
        """A scale's readable name: the subscale label, or the instrument's name for the total."""
        return self.name if scale == TOTAL else self.labels.get(scale, scale.replace("_", " "))

    def scales(self) -> list[str]:
        """Every score this instrument yields: ``total`` first, then each subscale."""
        return [TOTAL, *self.subscales]


def _parse(data: Any, path: Path) -> Instrument:
    problems: list[str] = []
    if not isinstance(data, dict):
        raise InstrumentError(path, ["the file must be a mapping with id, name, scale, subscales and items"])
    for key in ("id", "name", "scale", "items"):
        if key not in data:
            problems.append(f"missing key {key!r}")
    scale = data.get("scale") or {}
    lo, hi = scale.get("min"), scale.get("max")
    if not isinstance(lo, (int, float)) or not isinstance(hi, (int, float)) or lo >= hi:
        problems.append(f"scale needs numbers min < max (got min={lo!r}, max={hi!r})")
    labels = {str(k): str(v) for k, v in (data.get("subscales") or {}).items()}
    items: list[str] = []
    sub: dict[str, list[str]] = {s: [] for s in labels}
    reverse, text = set(), {}
    for i, item in enumerate(data.get("items") or []):
        if not isinstance(item, dict) or not item.get("id"):
            problems.append(f"item {i + 1} needs an id")
            continue
        iid = str(item["id"]).strip()
        if iid in items:
            problems.append(f"item {iid!r} is listed twice")
        items.append(iid)
        s = item.get("subscale")
        if s is not None:
            if str(s) not in labels:
                problems.append(f"item {iid!r} names subscale {s!r}, which `subscales` does not declare")
            else:
                sub[str(s)].append(iid)
        if item.get("reverse", False) is True:
            reverse.add(iid)
        elif item.get("reverse", False) is not False:
            problems.append(f"item {iid!r}: reverse must be true or false")
        text[iid] = str(item.get("text", ""))
    if not items:
        problems.append("no items")
    problems += [f"subscale {s!r} has no items" for s, members in sub.items() if not members]
    share = data.get("min_answered", 0.6)
    if not isinstance(share, (int, float)) or not 0 < share <= 1:
        problems.append(f"min_answered must be a share in (0, 1], got {share!r}")
    if problems:
        raise InstrumentError(path, problems)
    return Instrument(
        id=str(data["id"]).strip(), name=str(data["name"]), scale_min=float(lo), scale_max=float(hi),
        items=tuple(items), subscales=MappingProxyType({s: tuple(m) for s, m in sub.items()}),
        reverse=frozenset(reverse), labels=MappingProxyType(labels), item_text=MappingProxyType(text),
        min_answered=float(share), description=str(data.get("description", "")),
        source=" ".join(str(data.get("source", "")).split()), path=str(path))


def load_instrument(path: str | Path) -> Instrument:
    """Read and check one instrument file (YAML); InstrumentError lists every problem."""
    path = Path(path)
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8-sig"))
    except yaml.YAMLError as err:
        raise InstrumentError(path, [f"not valid YAML: {err}"]) from None
    return _parse(data, path)


def load_instruments(extra_dirs: Iterable[str | Path] = ()) -> dict[str, Instrument]:
    """The shipped instruments plus any ``*.yaml`` in ``extra_dirs`` (later files replace earlier ids)."""
    out: dict[str, Instrument] = {}
    for folder in (SHIPPED_DIR, *map(Path, extra_dirs)):
        if folder.is_dir():
            for path in sorted([*folder.glob("*.yaml"), *folder.glob("*.yml")]):
                inst = load_instrument(path)
                out[inst.id] = inst
    return out


def instrument_catalogue(instruments: Mapping[str, Instrument]) -> pd.DataFrame:
    """One row per instrument: items, subscales, reverse-keyed items, range and source (for a report)."""
    rows = [{"instrument": i.id, "name": i.name, "items": len(i.items),
             "subscales": ", ".join(i.labels.values()) or "none",
             "reverse_keyed": ", ".join(sorted(i.reverse)) or "none",
             "range": f"{i.scale_min:g}-{i.scale_max:g}", "source": i.source} for i in instruments.values()]
    return pd.DataFrame(rows, columns=["instrument", "name", "items", "subscales", "reverse_keyed", "range", "source"])


# --------------------------------------------------------------------------- scoring


def item_values(rows: pd.DataFrame, inst: Instrument) -> tuple[pd.DataFrame, int]:
    """The item answers as numbers, reverse-keyed, out-of-range answers blanked; also how many were blanked."""
    values = pd.DataFrame({i: pd.to_numeric(rows[i], errors="coerce") if i in rows else np.nan for i in inst.items},
                          index=rows.index, dtype=float)
    bad = values.notna() & ((values < inst.scale_min) | (values > inst.scale_max))
    values = values.mask(bad)
    rev = [i for i in inst.items if i in inst.reverse]
    values[rev] = inst.scale_min + inst.scale_max - values[rev]
    return values, int(bad.to_numpy().sum())


def range_problems(assessments: pd.DataFrame, instruments: Mapping[str, Instrument],
                   file: str = "assessments") -> pd.DataFrame:
    """Item answers and scores outside their instrument's declared range, one problem per cell.

    Scoring would otherwise blank an answer of 9 on a 1-5 item (and count a score of 99) without a
    word; this lists them so the file is corrected first. Rows naming an unknown instrument are left
    to the evaluation's notes. The index is taken as the spreadsheet row when it is named ``row``.
    """
    from revmentor_nb.errors import ProblemLog

    log = ProblemLog(file)
    if assessments is None or assessments.empty or "instrument" not in assessments:
        return log.frame()
    rows = assessments.index.to_numpy() if assessments.index.name == "row" else [None] * len(assessments)
    key = assessments["instrument"].astype(str)  # matched exactly, as scoring matches them
    for name, inst in instruments.items():
        mine = (key == str(name)).to_numpy()
        if not mine.any():
            continue
        span = f"{inst.scale_min:g} to {inst.scale_max:g}"
        for column, what in [(i, "answer") for i in inst.items] + [("score", "score")]:
            if column not in assessments:
                continue
            values = pd.to_numeric(assessments[column], errors="coerce").to_numpy(dtype=float)
            out = mine & ~np.isnan(values) & ((values < inst.scale_min) | (values > inst.scale_max))
            for at in np.flatnonzero(out):
                row = rows[at]
                log.add(None if row is None else int(row), column, f"{values[at]:g}",
                        f"{what} {values[at]:g} is outside {inst.name}'s range ({span})",
                        f"correct it to a value from {span}, or leave the cell blank if it was not answered")
    return log.frame()


def _mean_if_answered(values: pd.DataFrame, share: float) -> pd.Series:
    answered = values.notna().sum(axis=1)
    return values.mean(axis=1).where(answered >= np.ceil(share * values.shape[1] - 1e-9))


def score_items(rows: pd.DataFrame, inst: Instrument) -> pd.DataFrame:
    """Per response: the total and each subscale as the mean of its (reverse-keyed) items.

    A score needs at least ``min_answered`` of its items; without enough items a given
    ``score`` column stands in for the total (subscales then stay blank).
    """
    values, _ = item_values(rows, inst)
    out = pd.DataFrame(index=rows.index)
    out[TOTAL] = _mean_if_answered(values, inst.min_answered)
    if "score" in rows:
        out[TOTAL] = out[TOTAL].fillna(pd.to_numeric(rows["score"], errors="coerce"))
    for s, members in inst.subscales.items():
        out[s] = _mean_if_answered(values[list(members)], inst.min_answered)
    return out


# --------------------------------------------------------------------------- reliability


@dataclass(frozen=True)
class Alpha:
    """Cronbach's alpha on complete responses, with Feldt's 95% confidence interval."""

    alpha: float
    n: int
    k: int
    low: float
    high: float


def cronbach_alpha(items: pd.DataFrame, level: float = 0.95) -> Alpha:
    """Cronbach's alpha of the item columns (complete rows only), CI by Feldt, Woodruff & Salih (1987).

    alpha = k/(k-1) * (1 - sum of item variances / variance of the sum), variances with ddof 1;
    the CI uses (1 - rho)/(1 - alpha) ~ F(n-1, (n-1)(k-1)).
    """
    x = items.apply(pd.to_numeric, errors="coerce").dropna().to_numpy(dtype=float)
    n, k = x.shape
    if n < 3 or k < 2:
        return Alpha(np.nan, n, k, np.nan, np.nan)
    total_var = x.sum(axis=1).var(ddof=1)
    if total_var == 0:
        return Alpha(np.nan, n, k, np.nan, np.nan)
    a = k / (k - 1) * (1 - x.var(axis=0, ddof=1).sum() / total_var)
    df1, df2 = n - 1, (n - 1) * (k - 1)
    tail = (1 - level) / 2
    low = 1 - (1 - a) * stats.f.ppf(1 - tail, df1, df2)
    high = 1 - (1 - a) * stats.f.ppf(tail, df1, df2)
    return Alpha(float(a), n, k, float(low), float(high))


def reliability(assessments: pd.DataFrame, instruments: Mapping[str, Instrument],
                cohorts: Mapping[str, Iterable[str]]) -> pd.DataFrame:
    """Cronbach's alpha per instrument, scale (total and each subscale), cohort and stage.

    ``cohorts`` maps a cohort name (e.g. mentors) to its person ids; only responses with item
    answers count (a bare ``score`` has no items to check).
    """
    rows = []
    for inst_id, grp in assessments.groupby("instrument", sort=True):
        inst = instruments.get(str(inst_id))
        if inst is None or not any(i in grp for i in inst.items):
            continue
        values, _ = item_values(grp, inst)
        for cohort, ids in cohorts.items():
            ids = set(ids)
            for stage in ("pre", "post"):
                mask = grp["person_id"].isin(ids) & (grp["stage"] == stage)
                if not mask.any():
                    continue
                for scale in inst.scales():
                    members = list(inst.items) if scale == TOTAL else list(inst.subscales[scale])
                    res = cronbach_alpha(values.loc[mask, members])
                    rows.append({"instrument": inst.id, "scale": scale, "label": inst.label(scale), "cohort": cohort,
                                 "stage": stage, "n": res.n, "items": res.k, "alpha": res.alpha,
                                 "alpha_low": res.low, "alpha_high": res.high})
    return pd.DataFrame(rows, columns=["instrument", "scale", "label", "cohort", "stage", "n", "items", "alpha",
                                       "alpha_low", "alpha_high"])
