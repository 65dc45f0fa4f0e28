"""Secondary cell suppression (privacy/cells.py): protects every small cell, and hides the least doing so.

Protection is checked two ways: the audit's linear programmes (no hidden count can be shown under k
or worked out exactly, markers included) and the plain differencing the report sweep does (a shown
row total minus its shown parts, the published grand total minus the shown row totals). Minimality
is checked against an exact search over every choice of complementary cells on small tables.
"""
from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from revmentor_nb.privacy.cells import CellTable, audit, choose_hidden, cost
from revmentor_nb.privacy.suppression import HIDDEN_MARKER, suppress_cells, suppress_parts

K = 5


def _table(rows: list[list[int]], overlap: list[int] | None = None) -> CellTable:
    parts = np.array(rows, dtype=float)
    totals = parts.sum(axis=1) - np.array(overlap or [0] * len(rows))
    return CellTable(parts, totals)


def _differencing_problems(t: CellTable, hidden: np.ndarray, k: int) -> list[str]:
    """What subtracting shown figures from shown totals gives away (the report sweep's checks)."""
    v, (R, P) = t.values(), t.parts.shape
    problems = []
    for r in range(R):
        cells = [r * P + c for c in range(P)]
        if t.totals is not None and not hidden[R * P + r] and any(hidden[cells]):
            rest = t.totals[r] - sum(v[i] for i in cells if not hidden[i]) + max(0.0, t.parts[r].sum() - t.totals[r])
            if 0 < rest < k:
                problems.append(f"row {r}: total minus shown parts = {rest}")
    if t.totals is not None and t.grand_total_published:
        rest = sum(t.totals[r] for r in range(R) if hidden[R * P + r])
        if 0 < rest < k:
            problems.append(f"grand total minus shown rows = {rest}")
    return problems


def _exact_minimum(t: CellTable, k: int) -> tuple[float, float, int] | None:
    """The least cost of any protecting choice, by trying every set of complementary cells (cheapest first)."""
    v, forced = t.values(), t.forced(k)
    cand = [int(i) for i in np.flatnonzero(~forced & (v > 0))]
    choices = [c for n in range(len(cand) + 1) for c in itertools.combinations(cand, n)]
    tot = t.is_total()
    choices.sort(key=lambda c: (sum(v[i] for i in c if not tot[i]), sum(v[i] for i in c if tot[i]), len(c)))
    for c in choices:
        hidden = forced.copy()
        hidden[list(c)] = True
        if not audit(t, hidden, k):
            return cost(t, hidden, k)
    return None


def test_the_design_reports_grade_table_keeps_every_mentor_and_mentee_count():
    """The issue's example: small 'not eligible' cells are protected by hiding row totals, not 30-odd mentors."""
    rows = [[35, 0, 2], [30, 0, 0], [21, 0, 2], [7, 9, 0], [5, 14, 0], [0, 27, 0], [0, 38, 2], [0, 19, 0],
            [0, 2, 0], [0, 3, 0]]
    t = _table(rows, overlap=[0, 0, 0, 7, 5, 0, 0, 0, 0, 0])
    hidden, small = choose_hidden(t, K)
    parts = hidden[:30].reshape(10, 3)
    assert not parts[:8, :2].any(), "a mentor or mentee count of a grade of 5 or more was hidden"
    assert parts[[0, 2, 6], 2].all() and parts[8:].all()
    assert not audit(t, hidden, K) and not _differencing_problems(t, hidden, K)
    assert cost(t, hidden, K)[0] == 0


def test_a_lone_small_cell_hides_the_smallest_part_that_protects_it_when_no_total_can():
    t = CellTable(np.array([[40.0, 3.0, 12.0]]), np.array([55.0]))  # one row: its total is the grand total
    hidden, _ = choose_hidden(t, K)
    assert hidden.tolist() == [False, True, True, False]  # the 12, not the 40; the published total stays
    assert not audit(t, hidden, K)


def test_the_markers_give_nothing_away_two_small_cells_summing_to_2k_minus_2_are_not_pinned():
    """4 + 4 = 8 with both marked '< 5' would tell each is 4: the audit catches it, the choice avoids it."""
    t = CellTable(np.array([[4.0, 4.0, 20.0]]), np.array([28.0]))
    naive = np.array([True, True, False, False])
    assert any("worked out" in p for p in audit(t, naive, K))
    hidden, _ = choose_hidden(t, K)
    assert not audit(t, hidden, K) and hidden[2]


small_tables = st.integers(1, 3).flatmap(lambda r: st.integers(2, 3).flatmap(lambda p: st.tuples(
    st.lists(st.lists(st.sampled_from([0, 1, 2, 3, 4, 5, 7, 12, 30]), min_size=p, max_size=p), min_size=r, max_size=r),
    st.booleans())))


@settings(max_examples=40, deadline=None)
@given(small_tables)
def test_the_choice_protects_and_is_minimal_on_small_tables(case):
    rows, grand = case
    parts = np.array(rows, dtype=float)
    t = CellTable(parts, parts.sum(axis=1), None, grand)
    hidden, small = choose_hidden(t, K)
    problems = audit(t, hidden, K)
    best = _exact_minimum(t, K)
    if best is None:  # nothing protects (e.g. the published total itself is under k): everything is hidden
        assert hidden[t.values() > 0].all()
        return
    assert not problems, problems
    assert not _differencing_problems(t, hidden, K)
    assert cost(t, hidden, K) == best


@settings(max_examples=60, deadline=None)
@given(st.lists(st.lists(st.integers(0, 30), min_size=2, max_size=4), min_size=1, max_size=6), st.integers(2, 8))
def test_suppress_cells_never_shows_a_small_count_nor_lets_one_be_worked_out(rows, k):
    width = max(len(r) for r in rows)
    parts = [f"p{i}" for i in range(width)]
    table = pd.DataFrame([r + [0] * (width - len(r)) for r in rows], columns=parts)
    table["total"] = table[parts].sum(axis=1)
    out = suppress_cells(table, parts, k, total="total")
    shown = out[parts + ["total"]].stack().dropna()
    assert not ((shown > 0) & (shown < k)).any()
    t = CellTable(table[parts].to_numpy(float), table["total"].to_numpy(float))
    hidden = np.concatenate([out[parts].isna().to_numpy().ravel(), out["total"].isna().to_numpy()])
    if (hidden | (t.values() == 0)).all():
        return  # nothing could be shown safely
    assert not audit(t, hidden, k)
    assert not _differencing_problems(t, hidden, k)
    marks = out.attrs["hidden"]
    for col in parts + ["total"]:
        for label in out.index[out[col].isna()]:
            value = table.loc[label, col]
            assert marks[col][label] == (f"< {k}" if value < k or table.loc[label, "total"] < k else HIDDEN_MARKER)


# --------------------------------------------------------------------------- parts of one published whole


def _parts_table(counts: list[int]) -> CellTable:
    """A column of groups whose total is known (e.g. the people left unmatched, by reason)."""
    column = np.array(counts, dtype=float)[:, None]
    return CellTable(column, None, {0: float(column.sum())})


def _unmatched(counts: list[int]) -> pd.DataFrame:
    return pd.DataFrame({"reason": [f"reason {i}" for i in range(len(counts))], "people": counts})


def test_unmatched_by_reason_hides_no_more_than_needed_on_hand_made_cases():
    """Small groups read '< 5'; a complement is added only when needed, and it is the smallest that protects."""
    cases = {
        (22, 3, 1, 39, 2, 8): [1, 2, 4],  # 3 + 1 + 2 = 6 hidden, each 0-4: none can be worked out, nothing more
        (22, 3, 39, 8, 6): [1, 4],  # 3 alone = total - shown: the 6 (not the 8, 22 or 39) goes with it
        (4, 4, 30, 6): [0, 1, 3],  # 4 + 4 = 8 marked '< 5' pins each at 4: the 6 joins them
    }
    for counts, expected in cases.items():
        out = suppress_parts(_unmatched(list(counts)), "people", K)
        hidden = out["suppressed"].to_numpy()
        assert np.flatnonzero(hidden).tolist() == expected, counts
        assert out.attrs["hidden"]["people"] == {i: "< 5" if counts[i] < K else HIDDEN_MARKER for i in expected}
        assert np.isnan(out.loc[hidden, "people"]).all() and (out.loc[~hidden, "people"] >= K).all()
        t = _parts_table(list(counts))
        assert not audit(t, hidden, K)
        assert cost(t, hidden, K) == _exact_minimum(t, K)
        for i in np.flatnonzero(hidden & ~t.forced(K)):  # each complement is needed
            fewer = hidden.copy()
            fewer[i] = False
            assert audit(t, fewer, K), (counts, i)


@settings(max_examples=40, deadline=None)
@given(st.lists(st.sampled_from([0, 1, 2, 3, 4, 5, 6, 8, 12, 30]), min_size=1, max_size=7))
def test_unmatched_by_reason_hides_nothing_recoverable_and_the_least(counts):
    out = suppress_parts(_unmatched(counts), "people", K)
    hidden = out["suppressed"].to_numpy()
    t = _parts_table(counts)
    best = _exact_minimum(t, K)
    if best is None:  # nothing protects (e.g. the whole is under k): every group is hidden
        assert hidden[np.array(counts) > 0].all()
        return
    assert not audit(t, hidden, K)
    shown_total = sum(c for c, h in zip(counts, hidden) if not h)
    assert not 0 < sum(counts) - shown_total < K  # the published whole minus the shown groups
    assert cost(t, hidden, K) == best
