"""Hard rules as data: each RuleSpec kind compiles to a vectorised test on a Block.

A rule returns a boolean array, True where the pair is allowed. The same code serves
candidate generation (dense blocks), lock checks and ``check_validity`` (paired blocks).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

import numpy as np
import pandas as pd

from revmentor_nb.io.org import ancestor_codes, manager_map
from revmentor_nb.matching.block import Block
from revmentor_nb.matching.config import MatchSettings, RuleSpec
from revmentor_nb.matching.people import People, norm_text

Test = Callable[[Block], np.ndarray]


@dataclass(frozen=True)
class Rule:
    """A compiled hard rule: its spec, a vectorised test and the phrase used in reasons."""

    spec: RuleSpec
    test: Test
    phrase: str  # what the rejected partners "are"/"have", e.g. "are in the same department"

    @property
    def name(self) -> str:
        """The rule's name (its row in the rule table)."""
        return self.spec.name

    def allowed(self, block: Block) -> np.ndarray:
        """True where the pair passes this rule (broadcast to the block's shape)."""
        return np.broadcast_to(self.test(block), block.shape)


@dataclass
class RuleData:
    """Inputs some rules need beyond the participants: exclusions and reporting lines."""

    exclusion_keys: np.ndarray  # sorted int64 keys a*n+b (both orders) of excluded person pairs
    managers: dict[str, str]


def _codes_for(people: People, column: str) -> np.ndarray:
    return people.codes(column)


def _different(spec: RuleSpec, people: People, data: RuleData) -> Rule:
    codes = _codes_for(people, spec.column or "")

    def test(b: Block) -> np.ndarray:
        cm, ce = b.m(codes), b.e(codes)
        ok = cm != ce
        missing = (cm < 0) | (ce < 0)
        return (ok & ~missing) | (missing if spec.missing_ok else False)

    return Rule(spec, test, f"are in the same {spec.column.replace('_', ' ')}")


def _same(spec: RuleSpec, people: People, data: RuleData) -> Rule:
    codes = _codes_for(people, spec.column or "")

    def test(b: Block) -> np.ndarray:
        cm, ce = b.m(codes), b.e(codes)
        missing = (cm < 0) | (ce < 0)
        return ((cm == ce) & ~missing) | (missing if spec.missing_ok else False)

    return Rule(spec, test, f"have a different {spec.column.replace('_', ' ')}")


def gap_values(b: Block, values: np.ndarray, direction: str) -> np.ndarray:
    """Mentee minus mentor (mentee_senior) or mentor minus mentee (mentor_senior)."""
    d = b.e(values) - b.m(values)
    return d if direction == "mentee_senior" else -d


def _gap(spec: RuleSpec, people: People, data: RuleData) -> Rule:
    values = people.numbers(spec.column or "")
    lo = -np.inf if spec.min is None else spec.min
    hi = np.inf if spec.max is None else spec.max

    def test(b: Block) -> np.ndarray:
        d = gap_values(b, values, spec.direction)
        ok = (d >= lo) & (d <= hi)
        return ok | (np.isnan(d) if spec.missing_ok else False)

    who = "mentee" if spec.direction == "mentee_senior" else "mentor"
    other = "mentor" if who == "mentee" else "mentee"
    if spec.max is None:
        rng = f"at least {spec.min:g}"
    elif spec.min is None:
        rng = f"at most {spec.max:g}"
    else:
        rng = f"{spec.min:g} to {spec.max:g}"
    return Rule(spec, test, f"are outside the {spec.column.replace('_rank', '')} gap ({who} {rng} above {other})")


def _overlap(spec: RuleSpec, people: People, data: RuleData) -> Rule:
    def test(b: Block) -> np.ndarray:
        return b.shared(spec.mentor_column or "", spec.mentee_column or "") >= spec.min_shared

    what = "topic" if spec.mentor_column == "offers" else f"{spec.mentor_column}/{spec.mentee_column} item"
    need = "no" if spec.min_shared == 1 else f"fewer than {spec.min_shared}"
    return Rule(spec, test, f"share {need} {what} (mentor {spec.mentor_column} vs mentee {spec.mentee_column})")


def _line(spec: RuleSpec, people: People, data: RuleData) -> Rule:
    anc, codes = ancestor_codes(data.managers, list(people.ids), spec.levels)
    own = np.arange(people.n, dtype=np.int64)  # ids are coded first, in order

    def test(b: Block) -> np.ndarray:
        bad = np.zeros(b.shape, dtype=bool)
        for lvl in range(anc.shape[1]):
            col = anc[:, lvl]
            bad |= (b.e(col) == b.m(own)) | (b.m(col) == b.e(own))
        return ~bad

    return Rule(spec, test, f"are in their reporting line (within {spec.levels} levels)")


def _location(spec: RuleSpec, people: People, data: RuleData) -> Rule:
    codes = _codes_for(people, spec.column or "location")
    remote = people.bools(spec.remote_column, default=True)

    def test(b: Block) -> np.ndarray:
        cm, ce = b.m(codes), b.e(codes)
        return ((cm == ce) & (cm >= 0)) | (b.m(remote) & b.e(remote))

    return Rule(spec, test, "are at another location and not both remote-capable")


def _exclusion(spec: RuleSpec, people: People, data: RuleData) -> Rule:
    keys = data.exclusion_keys
    n = people.n

    def test(b: Block) -> np.ndarray:
        if len(keys) == 0:
            return np.ones(b.shape, dtype=bool)
        if not b.dense:
            return ~np.isin(b.m_idx * n + b.e_idx, keys)
        ok = np.ones(b.shape, dtype=bool)
        e_row = np.full(n, -1, dtype=np.int64)
        e_row[b.e_idx] = np.arange(len(b.e_idx))
        m_col = np.full(n, -1, dtype=np.int64)
        m_col[b.m_idx] = np.arange(len(b.m_idx))
        a, c = keys // n, keys % n  # mentor, mentee
        r, k = e_row[c], m_col[a]
        hit = (r >= 0) & (k >= 0)
        ok[r[hit], k[hit]] = False
        return ok

    return Rule(spec, test, "are excluded from pairing with them")


def _identity(spec: RuleSpec, people: People, data: RuleData) -> Rule:
    ident = people.identity

    def test(b: Block) -> np.ndarray:
        return b.m(ident) != b.e(ident)

    return Rule(spec, test, "are the same person (one roster identity, another sign-up)")


COMPILERS: dict[str, Callable[[RuleSpec, People, RuleData], Rule]] = {
    "identity": _identity,
    "different": _different,
    "same": _same,
    "gap": _gap,
    "overlap": _overlap,
    "line": _line,
    "location": _location,
    "exclusion": _exclusion,
}


def rule_columns(spec: RuleSpec) -> list[str]:
    """The participant columns a rule reads (a reporting-line rule reads manager_id, or the roster's lines)."""
    if spec.kind == "overlap":
        return [c for c in (spec.mentor_column, spec.mentee_column) if c]
    if spec.kind == "line":
        return ["manager_id"]
    if spec.kind in ("identity", "exclusion"):
        return []
    return [spec.column] if spec.column else []


def missing_columns(specs: list[RuleSpec], people: People) -> list[tuple[str, str]]:
    """(rule name, column) for every column a rule needs that the participants lack."""
    out = []
    for s in specs:
        cols = [] if s.kind == "line" else rule_columns(s)  # reporting lines may come from the roster alone
        for c in cols:
            if c is None:
                continue
            if s.kind == "gap":
                if people.n and np.isnan(people.numbers(c)).all():
                    out.append((s.name, c))
                continue
            if not people.has(c):
                out.append((s.name, c))
    return out


def compile_rules(specs: list[RuleSpec], people: People, data: RuleData) -> list[Rule]:
    """The rule table compiled against these people, in table order."""
    return [COMPILERS[s.kind](s, people, data) for s in specs]


def exclusion_keys(exclusions: pd.DataFrame | None, people: People) -> tuple[np.ndarray, list[str]]:
    """Sorted keys of excluded pairs (either order) and notes on rows naming unknown people."""
    if exclusions is None or len(exclusions) == 0:
        return np.zeros(0, dtype=np.int64), []
    cols = {str(c).strip().casefold(): c for c in exclusions.columns}
    a_col = cols.get("person_a", cols.get("mentor_id"))
    b_col = cols.get("person_b", cols.get("mentee_id"))
    if a_col is None or b_col is None:
        from revmentor_nb.matching.errors import MatchInputError, problems_frame

        raise MatchInputError(problems_frame([dict(file="exclusions", row=None, column="person_a/person_b", value="",
                                                   problem="exclusions need columns person_a and person_b",
                                                   fix="name the two columns person_a and person_b")]))
    keys, notes = [], []
    for a, b in zip(exclusions[a_col], exclusions[b_col]):
        ia, ib = people.index_of(a), people.index_of(b)
        if ia is None or ib is None:
            notes.append(f"exclusion {a}-{b} names someone who did not sign up; ignored")
            continue
        keys += [ia * people.n + ib, ib * people.n + ia]
    return np.unique(np.asarray(keys, dtype=np.int64)), notes


def _ids(s: pd.Series) -> pd.Series:
    """Ids as trimmed text, None when blank (vectorised)."""
    t = s.astype("string").str.strip()
    return t.mask(t == "").astype(object).where(t.notna() & (t != ""), None)


def rule_data(people: People, roster: pd.DataFrame | None, exclusions: pd.DataFrame | None) -> tuple[RuleData, list[str]]:
    """The extra inputs rules need, from the roster and exclusions tables."""
    keys, notes = exclusion_keys(exclusions, people)
    frame = people.frame
    parts = frame[["person_id", "manager_id"]] if "manager_id" in frame.columns else None
    if parts is not None:
        parts = parts.assign(manager_id=_ids(parts["manager_id"]))
    if roster is not None and len(roster):
        cols = {str(c).strip().casefold(): c for c in roster.columns}
        if "person_id" in cols and "manager_id" in cols:
            roster = pd.DataFrame({"person_id": _ids(roster[cols["person_id"]]),
                                   "manager_id": _ids(roster[cols["manager_id"]])})
        else:
            roster = None
    return RuleData(keys, manager_map(parts, roster)), notes


def identity_codes(people: People, roster: pd.DataFrame | None) -> np.ndarray:
    """One code per human being: a sign-up's ``roster_id``, else the roster person with its e-mail, else its id.

    Two sign-ups with one code are the same person (e.g. one who used two e-mail addresses)
    and are never paired with each other.
    """
    frame = people.frame
    keys = [str(p) for p in people.ids]
    by_email: dict[str, str] = {}
    if roster is not None and len(roster):
        cols = {str(c).strip().casefold(): c for c in roster.columns}
        pid, em = cols.get("person_id"), cols.get("email", cols.get("emails"))
        if pid is not None and em is not None:
            by_email = roster_emails(roster[pid], roster[em])
    emails = frame["email"].tolist() if "email" in frame.columns else [None] * people.n
    rids = frame["roster_id"].tolist() if "roster_id" in frame.columns else [None] * people.n
    for i, (rid, mail) in enumerate(zip(rids, emails)):
        if norm_text(rid) is not None:
            keys[i] = str(rid).strip()
        elif norm_text(mail) is not None and norm_text(mail) in by_email:
            keys[i] = by_email[norm_text(mail)]
    codes, _ = pd.factorize(pd.Series(keys, dtype=object))
    return np.asarray(codes, dtype=np.int64)


def _addresses(cell: Any) -> list[Any]:
    """A roster e-mail cell as its addresses (a list as it is; text split on ';' and ',')."""
    if isinstance(cell, (list, tuple)):
        return list(cell)
    if cell is None or cell is pd.NA or (isinstance(cell, float) and np.isnan(cell)):
        return []
    return str(cell).replace(",", ";").split(";")


def roster_emails(who: pd.Series, emails: pd.Series) -> dict[str, str]:
    """Each address (trimmed, case-folded) -> the roster person_id holding it; a later row wins (vectorised)."""
    ids = who.astype("string").str.strip()
    named = (ids.notna() & (ids != "")).to_numpy(dtype=bool)
    if not named.any():
        return {}
    each = pd.Series([_addresses(c) for c in emails.to_numpy(dtype=object)[named]],
                     index=ids.to_numpy(dtype=object)[named], dtype=object).explode()
    addr = each.astype("string").str.strip().str.casefold()
    usable = (addr.notna() & (addr != "") & ~addr.isin(["nan", "<na>"])).to_numpy(dtype=bool)
    return dict(zip(addr.to_numpy(dtype=object)[usable], each.index.to_numpy(dtype=object)[usable]))


SAME_PERSON = RuleSpec(name="same_person", kind="identity")


def rule_table(settings: MatchSettings, people: People) -> list[RuleSpec]:
    """The programme's rule table, led by ``same_person`` when two sign-ups are one human being."""
    specs = settings.rule_table()
    shared = len(np.unique(people.identity)) < people.n
    return ([SAME_PERSON] if shared else []) + specs
