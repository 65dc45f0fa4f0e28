"""What the match board shows, as plain JSON-able data: pairs with score breakdowns, the unmatched and why.

The board's front-end only draws this; filtering (department, site, topic, unmatched only)
happens here, so a test or a headless run sees exactly what a person sees. People appear
with id, name, department, site and grade; sensitive columns never leave the core.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from revmentor_nb.review.handover import label, term_columns

if TYPE_CHECKING:
    from revmentor_nb.matching import MatchResult

FILTER_KEYS = ("department", "site", "topic", "unmatched_only", "limit")
DEFAULT_LIMIT = 40
OPTIONS_PER_PERSON = 3
PERSON_FIELDS = {"name": "name", "department": "department", "site": "location", "grade": "grade"}


def _text(v: object) -> str:
    if v is None:
        return ""
    try:
        if pd.isna(v):
            return ""
    except (TypeError, ValueError):
        pass
    return str(v)


def _list(v: object) -> list[str]:
    if v is None or isinstance(v, float):
        return []
    if isinstance(v, str):
        return [x.strip() for x in v.split(";") if x.strip()]
    return [str(x) for x in v]  # type: ignore[union-attr]


def people_index(participants: pd.DataFrame) -> dict[str, dict[str, Any]]:
    """person_id -> the fields the board shows (no sensitive columns) plus offers/wants for the topic filter."""
    out: dict[str, dict[str, Any]] = {}
    cols = {k: c for k, c in PERSON_FIELDS.items() if c in participants}
    for rec in participants.drop_duplicates("person_id").to_dict("records"):
        pid = _text(rec["person_id"])
        person = {"id": pid, **{k: _text(rec.get(c)) for k, c in cols.items()}}
        person["name"] = person.get("name") or pid
        person["offers"] = _list(rec.get("offers"))
        person["wants"] = _list(rec.get("wants"))
        out[pid] = person
    return out


def filter_options(participants: pd.DataFrame) -> dict[str, list[str]]:
    """The choices of each filter: departments, sites and topics present in the sign-ups."""
    def values(col: str) -> list[str]:
        if col not in participants:
            return []
        return sorted({_text(v) for v in participants[col] if _text(v)}, key=str.casefold)
    topics = set()
    for col in ("offers", "wants"):
        if col in participants:
            for items in participants[col]:
                topics.update(_list(items))
    return {"departments": values("department"), "sites": values("location"), "topics": sorted(topics, key=str.casefold)}


def _person_matches(p: Mapping[str, Any] | None, f: Mapping[str, Any]) -> tuple[bool, bool]:
    """(department matches, site matches) for one person under the filters ('' = any)."""
    if p is None:
        return not f.get("department"), not f.get("site")
    return (not f.get("department") or p.get("department") == f["department"],
            not f.get("site") or p.get("site") == f["site"])


def _keep_pair(m: Mapping[str, Any] | None, e: Mapping[str, Any] | None, shared: list[str],
               f: Mapping[str, Any]) -> bool:
    dm, sm = _person_matches(m, f)
    de, se = _person_matches(e, f)
    topic = f.get("topic")
    return (dm or de) and (sm or se) and (not topic or topic in shared)


def _keep_person(p: Mapping[str, Any] | None, f: Mapping[str, Any]) -> bool:
    d, s = _person_matches(p, f)
    topic = f.get("topic")
    has_topic = not topic or (p is not None and (topic in p.get("offers", []) or topic in p.get("wants", [])))
    return d and s and has_topic


def _brief(p: Mapping[str, Any] | None, pid: str) -> dict[str, str]:
    if p is None:
        return {"id": pid, "name": pid, "department": "", "site": "", "grade": ""}
    return {k: p.get(k, "") for k in ("id", "name", "department", "site", "grade")}


def clean_filters(filters: Mapping[str, Any] | None) -> dict[str, Any]:
    """Filters with known keys only: department/site/topic text ('' = any), unmatched_only, limit >= 1."""
    f = dict(filters or {})
    try:
        limit = max(1, int(f.get("limit") or DEFAULT_LIMIT))
    except (TypeError, ValueError):
        limit = DEFAULT_LIMIT
    return {"department": _text(f.get("department")), "site": _text(f.get("site")), "topic": _text(f.get("topic")),
            "unmatched_only": bool(f.get("unmatched_only")), "limit": limit}


def _options(result: "MatchResult", unmatched_ids: Iterable[str], people: Mapping[str, Any],
             partner_of: Mapping[str, str]) -> dict[str, list[dict[str, Any]]]:
    """Up to three best candidate pairs per unmatched person (who could be locked in by hand)."""
    ids = set(unmatched_ids)
    if not ids:
        return {}
    cand = result.candidates
    cand = cand[~cand["chosen"].to_numpy()]
    m, e, s = cand["mentor_id"].astype(str).to_numpy(), cand["mentee_id"].astype(str).to_numpy(), cand["score"].to_numpy()
    out: dict[str, list[dict[str, Any]]] = {}
    for side, mine, other in (("mentor", m, e), ("mentee", e, m)):
        hit = np.isin(mine, list(ids))
        order = np.lexsort((other[hit], -s[hit]))
        for pid, partner, score in zip(mine[hit][order], other[hit][order], s[hit][order]):
            lst = out.setdefault(pid, [])
            if len(lst) >= OPTIONS_PER_PERSON:
                continue
            mentor_id, mentee_id = (pid, partner) if side == "mentor" else (partner, pid)
            lst.append({"mentor_id": mentor_id, "mentee_id": mentee_id, "score": round(float(score), 3),
                        "partner": _brief(people.get(partner), partner),
                        "partner_with": partner_of.get(partner, "")})
    return out


def board_state(result: "MatchResult", people: Mapping[str, Mapping[str, Any]], options: Mapping[str, list[str]],
                filters: Mapping[str, Any] | None = None, *, previous: Iterable[tuple[str, str]] | None = None,
                message: str = "", run_id: str | None = None, can_undo: bool = False) -> dict[str, Any]:
    """Everything the board draws for ``result`` under ``filters`` (JSON-able)."""
    f = clean_filters(filters)
    pairs = result.pairs
    terms = term_columns(pairs)
    before = set(previous) if previous is not None else None
    partner_of: dict[str, str] = {}
    rows = []
    for rec in pairs.to_dict("records"):
        mid, eid = str(rec["mentor_id"]), str(rec["mentee_id"])
        partner_of.setdefault(mid, people.get(eid, {}).get("name", eid))
        partner_of.setdefault(eid, people.get(mid, {}).get("name", mid))
        shared = _list(rec.get("shared_topics"))
        if f["unmatched_only"] or not _keep_pair(people.get(mid), people.get(eid), shared, f):
            continue
        rows.append({"key": f"{mid}|{eid}", "mentor": _brief(people.get(mid), mid), "mentee": _brief(people.get(eid), eid),
                     "score": round(float(rec["score"]), 3), "shared": shared, "locked": bool(rec.get("locked")),
                     "parts": [{"term": t, "label": label(t), "points": round(float(rec.get(t) or 0.0), 3)}
                               for t in terms],
                     "new": before is not None and (mid, eid) not in before})
    rows.sort(key=lambda r: (not r["new"], not r["locked"], r["mentor"]["name"].casefold(), r["mentee"]["name"].casefold()))
    lonely = []
    un = result.unmatched
    for rec in un.to_dict("records"):
        pid = str(rec["person_id"])
        if _keep_person(people.get(pid), f):
            lonely.append({"person": _brief(people.get(pid), pid), "role": _text(rec.get("role")),
                           "cause": _text(rec.get("cause")), "reason": _text(rec.get("reason"))})
    shown_lonely = lonely[: f["limit"]]
    opts = _options(result, [x["person"]["id"] for x in shown_lonely if x["cause"] not in ("no consent", "unassigned")],
                    people, partner_of)
    for x in shown_lonely:
        x["options"] = opts.get(x["person"]["id"], [])
    return {
        "summary": {"pairs": int(result.n_pairs), "unmatched": int(len(un)), "objective": round(float(result.objective), 4),
                    "status": str(result.status), "gap": float(result.gap), "seconds": round(float(result.seconds), 3),
                    "run_id": run_id or "", "locked": int(pairs["locked"].sum()) if "locked" in pairs else 0},
        "filters": f, "options": dict(options),
        "terms": [{"term": t, "label": label(t)} for t in terms],
        "max_score": round(float(pairs["score"].max()), 3) if len(pairs) else 1.0,
        "pairs": rows[: f["limit"]], "unmatched": shown_lonely,
        "shown": {"pairs": min(len(rows), f["limit"]), "pairs_total": len(rows),
                  "unmatched": len(shown_lonely), "unmatched_total": len(lonely)},
        "message": message, "can_undo": bool(can_undo),
    }
