"""Grid questions: ranked cells become ordered lists; unreadable cells become problems with their row."""
from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from revmentor_nb.errors import ProblemLog
from revmentor_nb.io.grid import (
    ORDINALS,
    UNRANKED,
    Grid,
    as_list_text,
    find_grids,
    grid_lists,
    ordered_topics,
    parse_choice,
    split_grid_header,
    suggest_target,
)

Q = "Which topics would you like to read about?"


@pytest.mark.parametrize("cell, ranks", [
    ("First Choice", (1,)),
    ("second choice", (2,)),
    ("  Fourth Choice ", (4,)),
    ("First Choice, Second Choice", (1, 2)),
    ("Second Choice, First Choice, Third Choice", (1, 2, 3)),
    ("First Choice; Third Choice", (1, 3)),
    ("2nd", (2,)),
    ("3", (3,)),
    ("Choice 2", (2,)),
    ("Yes", (UNRANKED,)),
    ("", ()),
    ("\n", ()),
    (" \r\n ", ()),
    (None, ()),
])
def test_parse_choice_reads_ranks(cell, ranks):
    assert parse_choice(cell) == ranks


@pytest.mark.parametrize("cell", ["maybe", "First Choice, banana", "0", "Choice zero"])
def test_parse_choice_refuses_what_it_cannot_read(cell):
    assert parse_choice(cell) is None


def test_grid_header_split_and_grouping():
    assert split_grid_header(f"{Q} [Set Theory/Model Theory]") == (Q, "Set Theory/Model Theory")
    assert split_grid_header("Name") is None
    headers = ["Name", f"{Q} [A]", f"{Q} [B]", "Other [only one]", f"{Q}  [C; D]"]
    grids = find_grids(headers)
    assert len(grids) == 1  # a lone "Other [only one]" is not a grid
    assert grids[0].question == Q
    assert grids[0].topics == ["A", "B", "C, D"]  # ';' would split the list: it becomes ','
    assert grids[0].headers == [f"{Q} [A]", f"{Q} [B]", f"{Q}  [C; D]"]


def test_ordered_topics_best_rank_first_ties_in_column_order():
    topics, bad = ordered_topics(["Second Choice", "", "First Choice, Third Choice", "Yes", "Second Choice"],
                                 ["a", "b", "c", "d", "e"])
    assert topics == ["c", "a", "e", "d"]
    assert bad == []


def test_grid_lists_logs_unreadable_cells_with_row_and_column():
    grid = Grid(Q, ((f"{Q} [A]", "A"), (f"{Q} [B]", "B")))
    body = pd.DataFrame({f"{Q} [A]": ["Second Choice", "soon", "\n"], f"{Q} [B]": ["First Choice", "", ""]},
                        index=pd.Index([2, 3, 5], name="row"))
    log = ProblemLog("signups.csv")
    lists = grid_lists(body, grid, log)
    assert lists.tolist() == [["B", "A"], [], []]
    problems = log.frame()
    assert problems[["row", "column", "value"]].values.tolist() == [[3, f"{Q} [A]", "soon"]]
    assert "First Choice" in problems["fix"].iloc[0]


def test_list_text_and_target():
    assert as_list_text(["x", "y; z"]) == "x; y, z"
    mentor_q = Grid("Which of the following topics do you feel confident supervising?", (("h", "t"),))
    mentee_q = Grid("Which topic(s) would you be most interested in reading about?", (("h", "t"),))
    neutral = Grid("Topics", (("h", "t"),))
    assert suggest_target(mentor_q, None) == "offers"
    assert suggest_target(mentee_q, "mentor") == "wants"  # the wording wins over the file's role
    assert suggest_target(neutral, "mentor") == "offers"
    assert suggest_target(neutral, "mentee") == "wants"


@settings(max_examples=60, deadline=None)
@given(st.lists(st.sampled_from(["", "\n"] + [f"{w.title()} Choice" for w in ORDINALS[:4]]), min_size=1, max_size=12))
def test_order_follows_ranks_whatever_the_cells(cells):
    topics = [f"t{i}" for i in range(len(cells))]
    chosen, bad = ordered_topics(cells, topics)
    assert bad == []
    ranks = {t: parse_choice(c)[0] for t, c in zip(topics, cells) if parse_choice(c)}
    assert set(chosen) == set(ranks)
    assert [ranks[t] for t in chosen] == sorted(ranks[t] for t in chosen)
    # ties keep column order
    for a, b in zip(chosen, chosen[1:]):
        if ranks[a] == ranks[b]:
            assert topics.index(a) < topics.index(b)
