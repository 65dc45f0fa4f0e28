"""Secondary cell suppression that hides the least: an exact choice of complementary cells, and its audit.

A frequency table (rows x parts, each row with its total) publishes small cells (1..k-1 people)
as ``< k``. A small cell alone would be the row total minus the shown parts, so more cells are
hidden with it (complements, published as ``hidden``). The complements are chosen by a small
integer programme (scipy's HiGHS) that minimises, in this order: the people in hidden parts (the
breakdown a reader wants), the people in hidden totals, and the number of hidden cells. So a row
total is hidden rather than a large part when that protects the small one, and a cell of k or
more people is hidden only when nothing smaller protects.

What a reader knows (the audit, ``audit``): every shown cell; each row's total minus the sum of its
parts (parts may overlap or not cover everyone: that difference is assumed known); the published
column totals and grand total; that a ``< k`` cell holds 0..k-1 people and a ``hidden`` one k or
more. A choice protects every small cell when, for each, (a) ignoring the markers a table
consistent with the published figures has k or more people in it (what a total minus the shown
parts can never prove small: the project's differencing rule), and (b) with the markers its exact
value cannot be worked out (consistent tables exist with two different values).
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

SMALL, COMPLEMENT = "small", "complement"


@dataclass(frozen=True)
class CellTable:
    """Counts of a frequency table as the suppression sees them.

    ``parts``: rows x columns of counts; ``totals``: each row's total (or None: no totals column);
    ``column_totals``: published totals of some part columns (column index -> total);
    ``grand_total_published``: whether the sum of the row totals is published (e.g. "207 sign-ups").
    """

    parts: np.ndarray
    totals: np.ndarray | None = None
    column_totals: Mapping[int, float] | None = None
    grand_total_published: bool = True

    @property
    def n_rows(self) -> int:
        return self.parts.shape[0]

    @property
    def n_parts(self) -> int:
        return self.parts.shape[1]

    def values(self) -> np.ndarray:
        """Every cell as one vector: the parts row by row, then the row totals."""
        tail = self.totals if self.totals is not None else np.zeros(0)
        return np.concatenate([self.parts.ravel().astype(float), np.asarray(tail, dtype=float)])

    def is_total(self) -> np.ndarray:
        n = self.n_rows * self.n_parts
        return np.arange(len(self.values())) >= n

    def relations(self) -> tuple[np.ndarray, np.ndarray]:
        """(A, b) with A @ cells == b: what the published totals tie together."""
        R, P = self.n_rows, self.n_parts
        n = len(self.values())
        rows, rhs = [], []
        if self.totals is not None:
            for r in range(R):
                a = np.zeros(n)
                a[R * P + r] = 1.0
                a[r * P:(r + 1) * P] = -1.0
                rows.append(a)
                rhs.append(float(self.totals[r]) - float(self.parts[r].sum()))
            if self.grand_total_published:
                a = np.zeros(n)
                a[R * P:] = 1.0
                rows.append(a)
                rhs.append(float(np.sum(self.totals)))
        for c, total in (self.column_totals or {}).items():
            a = np.zeros(n)
            a[c:R * P:P] = 1.0
            rows.append(a)
            rhs.append(float(total))
        return (np.array(rows) if rows else np.zeros((0, n))), np.array(rhs)

    def forced(self, k: int) -> np.ndarray:
        """Cells hidden as ``< k`` whatever else: small cells, and every cell of a row about fewer than k people."""
        v = self.values()
        out = (v > 0) & (v < k)
        if self.totals is not None:
            R, P = self.n_rows, self.n_parts
            for r in np.flatnonzero((np.asarray(self.totals) > 0) & (np.asarray(self.totals) < k)):
                out[r * P:(r + 1) * P] = True
                out[R * P + r] = True
        return out


def _bound(table: CellTable, k: int) -> float:
    return 2.0 * float(np.abs(table.values()).sum()) + 2.0 * k + 1.0


def _witness_bounds(table: CellTable, hidden: np.ndarray, small: np.ndarray, k: int,
                    markers: bool) -> list[tuple[float, float]]:
    v, big = table.values(), _bound(table, k)
    out = []
    for i, value in enumerate(v):
        if not hidden[i]:
            out.append((value, value))
        elif not markers:
            out.append((0.0, big))
        elif small[i]:
            out.append((0.0, k - 1.0))
        else:
            out.append((float(k), big))
    return out


def audit(table: CellTable, hidden: np.ndarray, k: int) -> list[str]:
    """Problems of a choice of hidden cells (empty: every small cell protected); see the module's note."""
    from scipy.optimize import linprog

    v = table.values()
    forced = table.forced(k)
    problems = [f"cell {i} ({v[i]:g} people) is small and shown" for i in np.flatnonzero(forced & ~hidden)]
    small = hidden & forced
    problems += [f"cell {i} is marked hidden (k or more) but holds {v[i]:g}" for i in np.flatnonzero(hidden & ~forced & (v < k))]
    A, b = table.relations()
    eq = dict(A_eq=A, b_eq=b) if len(A) else {}
    plain = _witness_bounds(table, hidden, small, k, markers=False)
    marked = _witness_bounds(table, hidden, small, k, markers=True)
    for p in np.flatnonzero(small & (v > 0)):
        c = np.zeros(len(v))
        c[p] = -1.0
        top = linprog(c, bounds=plain, method="highs", **eq)
        if top.status != 0 or -top.fun < k - 1e-6:
            problems.append(f"cell {p} ({v[p]:g} people): the published figures prove it under {k}")
        hi = linprog(c, bounds=marked, method="highs", **eq)
        lo = linprog(-c, bounds=marked, method="highs", **eq)
        if hi.status != 0 or lo.status != 0 or -hi.fun - lo.fun < 1 - 1e-6:
            problems.append(f"cell {p} ({v[p]:g} people): its value can be worked out from the published figures")
    return problems


def cost(table: CellTable, hidden: np.ndarray, k: int) -> tuple[float, float, int]:
    """What a choice hides beyond the small cells: (people in hidden parts, people in hidden totals, cells)."""
    extra = hidden & ~table.forced(k)
    v, tot = table.values(), table.is_total()
    return float(v[extra & ~tot].sum()), float(v[extra & tot].sum()), int(extra.sum())


def choose_hidden(table: CellTable, k: int, time_limit: float = 20.0) -> tuple[np.ndarray, np.ndarray]:
    """(hidden, small): the cells to hide and which of them are ``< k``; complements chosen at least cost.

    Exact (a mixed-integer programme over one witness table per small cell and protection test); if the
    solver gives no answer in ``time_limit`` or its answer fails the audit, every cell of the table is hidden.
    """
    v = table.values()
    forced = table.forced(k)
    if not (forced & (v > 0)).any():
        return forced.copy(), forced.copy()
    chosen = _solve(table, k, forced, time_limit)
    if chosen is None or audit(table, chosen, k):
        chosen = forced | (v > 0)
    return chosen, forced.copy()


def _solve(table: CellTable, k: int, forced: np.ndarray, time_limit: float) -> np.ndarray | None:
    from scipy.optimize import Bounds, LinearConstraint, milp
    from scipy.sparse import lil_matrix

    v = table.values()
    n = len(v)
    big = _bound(table, k)
    cand = np.flatnonzero(~forced & (v > 0))  # a zero is never a complement (it would read "k or more")
    col_of = {int(c): j for j, c in enumerate(cand)}
    prim = np.flatnonzero(forced & (v > 0))
    A, b = table.relations()
    # variables: s (one per candidate) | per primary: y_plain (n), y_up (n), y_down (n), d (1)
    block = 3 * n + 1
    nvar = len(cand) + len(prim) * block
    lo, hi = np.zeros(nvar), np.ones(nvar)
    integrality = np.zeros(nvar)
    integrality[:len(cand)] = 1
    rows: list[tuple[dict[int, float], float, float]] = []
    for q, p in enumerate(prim):
        base = len(cand) + q * block
        d = base + 3 * n
        integrality[d] = 1
        for w, markers in enumerate((False, True, True)):
            off = base + w * n
            for i in range(n):
                x = off + i
                if i in col_of:
                    lo[x], hi[x] = 0.0, big
                    floor = float(k) if markers else 0.0
                    s = col_of[i]
                    rows.append(({x: 1.0, s: -(floor - v[i])}, v[i], np.inf))   # y >= a + (floor - a) s
                    rows.append(({x: 1.0, s: -(big - v[i])}, -np.inf, v[i]))    # y <= a + (big - a) s
                elif forced[i]:
                    lo[x], hi[x] = 0.0, (k - 1.0 if markers else big)
                else:
                    lo[x] = hi[x] = v[i]
            for r in range(len(A)):
                rows.append(({off + i: A[r, i] for i in np.flatnonzero(A[r])}, b[r], b[r]))
        rows.append(({base + p: 1.0}, float(k), np.inf))                                   # (a) y_p >= k
        rows.append(({base + n + p: 1.0, d: -(v[p] + 1.0 + big)}, v[p] + 1.0 - (v[p] + 1.0 + big), np.inf))
        rows.append(({base + 2 * n + p: 1.0, d: -big}, -np.inf, v[p] - 1.0))             # up if d, else down
    M = lil_matrix((len(rows), nvar))
    lb, ub = np.empty(len(rows)), np.empty(len(rows))
    for r, (coefs, low, high) in enumerate(rows):
        for j, a in coefs.items():
            M[r, j] = a
        lb[r], ub[r] = low, high
    tot = table.is_total()
    cells = len(cand) + 1
    margin_sum = float(v[cand][tot[cand]].sum()) + 1.0
    weight = np.where(tot[cand], 0.0, v[cand]) * margin_sum * cells + np.where(tot[cand], v[cand], 0.0) * cells + 1.0
    c = np.concatenate([weight, np.zeros(nvar - len(cand))])
    res = milp(c, constraints=LinearConstraint(M.tocsr(), lb, ub), integrality=integrality, bounds=Bounds(lo, hi),
               options={"time_limit": time_limit, "mip_rel_gap": 0.0})
    if res.x is None:
        return None
    hidden = forced.copy()
    hidden[cand] = res.x[:len(cand)] > 0.5
    return hidden
