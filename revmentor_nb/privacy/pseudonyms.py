"""Privacy by design: pseudonymous ids and small-group suppression for every report."""
from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence

import numpy as np
import pandas as pd

# Columns that name or describe a person and never leave the core in a pseudonymised table.
IDENTIFYING = ("name", "email", "comment", "biography", "first name", "last name", "email address")


def sensitive_columns() -> tuple[str, ...]:
    """Every column the data contract marks sensitive or confidential (e.g. gender, characteristics, comment)."""
    from revmentor_nb.io.contract import KINDS

    return tuple(dict.fromkeys(c.name for k in KINDS.values() for c in k.columns if c.sensitive or c.confidential))


def pseudonym(person_id: str, salt: str = "") -> str:
    """A stable pseudonymous id (e.g. ``P-3F9A2C71``) that does not reveal the person.

    32 bits of a salted hash: ten thousand participants share one with odds of about 1 in 100.
    """
    digest = hashlib.sha256(f"{salt}|{person_id}".encode()).hexdigest()[:8].upper()
    return f"P-{digest}"


def pseudonymise(frame: pd.DataFrame, id_columns: list[str], salt: str = "") -> pd.DataFrame:
    """Replace the id columns by pseudonyms and drop names, emails and sensitive columns."""
    out = frame.drop(columns=[c for c in dict.fromkeys((*IDENTIFYING, *sensitive_columns())) if c in frame])
    for col in id_columns:
        if col in out:
            out[col] = out[col].map(lambda v: None if v is None or (isinstance(v, float) and np.isnan(v)) else pseudonym(str(v), salt))
    return out


def scrub_ids(texts: pd.Series, ids: Sequence[str], salt: str = "") -> pd.Series:
    """Each person id inside free text (e.g. an unmatched reason naming who went where) replaced by its pseudonym."""
    known = {str(i) for i in ids if str(i)}
    if not known:
        return texts
    if all(_WORD.fullmatch(i) for i in known):
        # the usual ids (letters, digits, _ and -): an id bounded by neither is exactly a whole run of those,
        # so each run is looked up in a set instead of one alternation of every id (0.8 s to compile at 10,000)
        def swap(m: re.Match) -> str:
            return pseudonym(m.group(0), salt) if m.group(0) in known else m.group(0)

        return texts.fillna("").astype(str).map(lambda t: _WORD.sub(swap, t))
    longest_first = sorted(known, key=len, reverse=True)
    pattern = re.compile(r"(?<![\w-])(" + "|".join(map(re.escape, longest_first)) + r")(?![\w-])")
    return texts.fillna("").astype(str).map(lambda t: pattern.sub(lambda m: pseudonym(m.group(1), salt), t))


_WORD = re.compile(r"[\w-]+")


def suppress_small_groups(table: pd.DataFrame, count_column: str, k: int, value_columns: list[str] | None = None) -> pd.DataFrame:
    """Blank every figure of a group with fewer than ``k`` people, and flag it in ``suppressed``.

    The rows are taken as parts of one published whole: hidden groups are joined by the next
    smallest until they hide at least ``k`` people, so a total minus the visible groups cannot
    reveal a suppressed one (protection against differencing). See ``suppression.suppress``.
    """
    from revmentor_nb.privacy.suppression import suppress

    whole = table.assign(_whole=0)
    return suppress(whole, k, count_column, values=value_columns, partition="_whole").drop(columns="_whole")
