"""Grid questions of form exports: one column per topic, cells that rank it, turned into ordered lists.

Form tools (Google Forms, Microsoft Forms) export a ranked grid question as one column per
row of the grid, headed ``Question [Topic]``, whose cells say ``First Choice``, ``Second
Choice``..., several choices at once (``First Choice, Second Choice``), or nothing (blank, or
a lone line break). The contract wants ordered ``wants``/``offers`` lists, first choice
first; this module makes them, and reports any cell it cannot read with its row and a fix.
"""
from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd

from revmentor_nb.errors import ProblemLog
from revmentor_nb.io.read import normalise_header

GRID_HEADER = re.compile(r"^(?P<question>.*?)\s*\[(?P<topic>[^\[\]]+)\]\s*$", re.S)
ORDINALS = ("first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth", "tenth")
_ORDINAL = {w: i + 1 for i, w in enumerate(ORDINALS)}
_NUMBERED = re.compile(r"^(?:#|no\.?\s*|choice\s*|rank\s*|option\s*|preference\s*|priority\s*)?(\d{1,2})"
                       r"(?:st|nd|rd|th)?(?:\s*(?:choice|preference|priority|option|rank))?$")
_WORDED = re.compile(r"^(?P<word>" + "|".join(ORDINALS) + r")(?:\s*(?:choice|preference|priority|option|rank))?$")
TICKED = ("yes", "y", "x", "✓", "✔", "checked", "selected", "true", "ticked")
UNRANKED = 99  # a ticked cell with no rank sorts after every ranked one
PARTS = re.compile(r"[,;\n]+|\s+and\s+")
FIX = ("write the choice as 'First Choice', 'Second Choice' ... (several separated by commas), "
       "or leave the cell blank")


@dataclass(frozen=True)
class Grid:
    """One grid question: its text and its columns (header, topic), in file order."""

    question: str
    columns: tuple[tuple[str, str], ...]

    @property
    def topics(self) -> list[str]:
        """The grid's topics, in column order."""
        return [t for _, t in self.columns]

    @property
    def headers(self) -> list[str]:
        """The grid's column headers, in file order."""
        return [h for h, _ in self.columns]


def split_grid_header(header: str) -> tuple[str, str] | None:
    """``('Question', 'Topic')`` for a header ``Question [Topic]``, else None."""
    found = GRID_HEADER.match(str(header).strip())
    if not found or not found.group("topic").strip():
        return None
    return " ".join(found.group("question").split()), " ".join(found.group("topic").split())


def find_grids(headers: Sequence[str], min_columns: int = 2) -> list[Grid]:
    """Every grid question among ``headers``: at least ``min_columns`` headers sharing one question."""
    groups: dict[str, list[tuple[str, str]]] = {}
    text: dict[str, str] = {}
    for header in headers:
        parts = split_grid_header(header)
        if parts is None:
            continue
        key = normalise_header(parts[0])
        groups.setdefault(key, []).append((header, parts[1].replace(";", ",")))
        text.setdefault(key, parts[0])
    return [Grid(text[k], tuple(cols)) for k, cols in groups.items() if len(cols) >= min_columns]


def parse_choice(cell: object) -> tuple[int, ...] | None:
    """The ranks one cell gives (``()`` when blank); None when a part of it cannot be read.

    ``'First Choice, Second Choice'`` -> (1, 2); ``'2nd'`` -> (2,); ``'Yes'`` -> (99,) (ticked,
    unranked); ``''`` or a lone line break -> ().
    """
    text = "" if cell is None or (isinstance(cell, float) and pd.isna(cell)) else str(cell)
    ranks: list[int] = []
    for part in PARTS.split(text.casefold()):
        word = " ".join(part.split()).strip(" .")
        if not word:
            continue
        if word in TICKED:
            ranks.append(UNRANKED)
            continue
        worded = _WORDED.match(word)
        numbered = _NUMBERED.match(word)
        if worded:
            ranks.append(_ORDINAL[worded.group("word")])
        elif numbered and int(numbered.group(1)) >= 1:
            ranks.append(int(numbered.group(1)))
        else:
            return None
    return tuple(sorted(set(ranks)))


def ordered_topics(cells: Sequence[object], topics: Sequence[str]) -> tuple[list[str], list[int]]:
    """One row of a grid as (topics chosen, best rank first, ties in column order; positions unreadable)."""
    chosen: list[tuple[int, int, str]] = []
    unreadable: list[int] = []
    for pos, (cell, topic) in enumerate(zip(cells, topics)):
        ranks = parse_choice(cell)
        if ranks is None:
            unreadable.append(pos)
        elif ranks:
            chosen.append((ranks[0], pos, topic))
    return [t for _, _, t in sorted(chosen)], unreadable


def grid_lists(body: pd.DataFrame, grid: Grid, log: ProblemLog | None = None) -> pd.Series:
    """The grid's ordered topic list per row of ``body`` (columns named by header, index = spreadsheet row).

    Each unreadable cell is a problem in ``log`` (row, column, value, fix); its topic is left out.
    """
    cells = body[grid.headers].to_numpy(dtype=object)
    out: list[list[str]] = []
    for row, values in zip(body.index, cells):
        topics, bad = ordered_topics(values, grid.topics)
        out.append(topics)
        if log is not None:
            for pos in bad:
                log.add(int(row), grid.headers[pos], values[pos],
                        f"'{str(values[pos]).strip()[:40]}' is not a choice the grid question understands", FIX)
    return pd.Series(out, index=body.index, dtype=object)


def as_list_text(items: Sequence[str]) -> str:
    """A list as the contract's ``;``-separated cell (items never contain ``;``)."""
    return "; ".join(str(i).replace(";", ",") for i in items)


def suggest_target(grid: Grid, role: str | None) -> str:
    """Which list a grid fills: ``offers`` for what a person can teach, ``wants`` for what they want to learn.

    The question's wording decides first (supervise/teach/offer/share vs learn/read/want),
    then the file's role (mentors offer, mentees want).
    """
    q = grid.question.casefold()
    if re.search(r"supervis|teach|offer|share|confident|expert|mentor (?:on|in)|help (?:with|others)", q):
        return "offers"
    if re.search(r"learn|read|want|interest|curious|develop|improve", q):
        return "wants"
    return "offers" if role == "mentor" else "wants"
