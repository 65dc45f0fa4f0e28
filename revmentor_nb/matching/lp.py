"""LP relaxation engines: HiGHS through highspy (warm-started column adds) or scipy's linprog.

Both minimise -value . x over the model's rows and return primal values, row duals
(HiGHS sign convention: reduced cost d = c - A^T pi) and the maximisation objective.
highspy ships with PuLP's HiGHS support; without it, scipy's bundled HiGHS re-solves
from scratch each round (same answers, slower column generation).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import scipy.sparse as sp

if TYPE_CHECKING:
    from revmentor_nb.matching.model import LinearModel

try:  # optional accelerator
    import highspy  # type: ignore[import-not-found]
except Exception:  # pragma: no cover - exercised only without highspy
    highspy = None


IPM_THRESHOLD = 20_000
PRUNE_BELOW: float | None = 0.02  # extend() drops columns priced below -this x the largest value ...
PRUNE_ABOVE = 10_000  # ... from LPs of at least this many candidate columns
PRIMAL_BELOW = 0.02  # share of new columns under which a re-solve uses primal simplex
_BANNER_DONE = False


def highs_model(A: "sp.csc_matrix", cost: np.ndarray, lower: np.ndarray, upper: np.ndarray, eq: np.ndarray,
                rhs: np.ndarray) -> "highspy.HighsLp":
    """A HiGHS model (minimise ``cost``) of column-wise ``A``, column bounds and rows ``A x <= rhs`` (``== rhs`` where ``eq``)."""
    inf = highspy.kHighsInf
    lp = highspy.HighsLp()
    lp.num_col_, lp.num_row_ = A.shape[1], A.shape[0]
    lp.col_cost_ = np.asarray(cost, dtype=np.float64)
    lp.col_lower_ = np.where(np.isinf(lower), -inf, lower)
    lp.col_upper_ = np.where(np.isinf(upper), inf, upper)
    lp.row_lower_ = np.where(eq, rhs, -inf)
    lp.row_upper_ = rhs
    lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
    lp.a_matrix_.start_ = A.indptr.astype(np.int32)
    lp.a_matrix_.index_ = A.indices.astype(np.int32)
    lp.a_matrix_.value_ = A.data.astype(np.float64)
    return lp


def _new_highs() -> "highspy.Highs":
    """A silent Highs instance (HiGHS prints a banner to fd 1 on its first construction)."""
    global _BANNER_DONE
    if _BANNER_DONE:
        h = highspy.Highs()
    else:
        import os
        import sys

        sys.stdout.flush()
        saved = os.dup(1)
        try:
            with open(os.devnull, "w") as null:
                os.dup2(null.fileno(), 1)
                h = highspy.Highs()
        finally:
            os.dup2(saved, 1)
            os.close(saved)
        _BANNER_DONE = True
    h.setOptionValue("output_flag", False)
    return h


class LPInfeasible(RuntimeError):
    """The LP relaxation has no feasible point."""


@dataclass
class LPSolution:
    """Primal values of the candidate columns and auxiliaries, row duals and the objective (max sense)."""

    x: np.ndarray
    aux: np.ndarray
    pi: np.ndarray
    D: float


def _parts(model: "LinearModel", idx: np.ndarray) -> tuple[sp.csc_matrix, np.ndarray, np.ndarray]:
    A, rhs, eq = model.matrix(idx)
    return A.tocsc(), rhs, eq


class ScipyLP:
    """scipy.optimize.linprog (HiGHS inside); every solve starts afresh."""

    def __init__(self, model: "LinearModel", idx: np.ndarray, threads: int = 1) -> None:
        self.model = model
        self.idx = np.asarray(idx, dtype=np.int64)

    def add(self, new: np.ndarray) -> None:
        """Add candidate columns (solved at the next ``solve``)."""
        self.idx = np.concatenate([self.idx, np.asarray(new, dtype=np.int64)])

    def extend(self, model: "LinearModel") -> "ScipyLP":
        """The same columns under a model with more rows and auxiliaries (solved afresh)."""
        self.model = model
        return self

    def fits(self, model: "LinearModel") -> bool:
        """Whether ``model`` has this LP's rows and auxiliaries (scipy re-solves afresh anyway)."""
        return model.n_rows == self.model.n_rows and len(model.aux_lb) == len(self.model.aux_lb)

    def rebase(self, model: "LinearModel") -> "ScipyLP":
        """The same columns under a same-shaped model (other values, locks or forbidden pairs)."""
        self.model = model
        self.idx = self.idx[model.usable[self.idx]]
        return self

    def solve(self) -> LPSolution:
        """Solve the LP on the current columns."""
        from scipy.optimize import linprog

        m = self.model
        A, rhs, eq = _parts(m, self.idx)
        n_aux = len(m.aux_lb)
        c = np.concatenate([-m.value[self.idx], -np.asarray(m.aux_obj, dtype=float)])
        lb = np.concatenate([np.zeros(len(self.idx)), np.asarray(m.aux_lb, dtype=float)])
        ub = np.concatenate([np.ones(len(self.idx)), np.asarray(m.aux_ub, dtype=float)])
        A = A.tocsr()
        ub_rows, eq_rows = np.flatnonzero(~eq), np.flatnonzero(eq)
        kw = {}
        if len(ub_rows):
            kw.update(A_ub=A[ub_rows], b_ub=rhs[ub_rows])
        if len(eq_rows):
            kw.update(A_eq=A[eq_rows], b_eq=rhs[eq_rows])
        method = "highs-ipm" if len(self.idx) > 20_000 else "highs"
        res = linprog(c, bounds=np.column_stack([lb, ub]), method=method, **kw)
        if res.status == 2:
            raise LPInfeasible("the constraints cannot all be met")
        if res.status != 0:
            raise RuntimeError(f"LP solver failed: {res.message}")
        pi = np.zeros(A.shape[0])
        if len(ub_rows):
            pi[ub_rows] = res.ineqlin.marginals
        if len(eq_rows):
            pi[eq_rows] = res.eqlin.marginals
        k = len(self.idx)
        return LPSolution(res.x[:k], res.x[k:k + n_aux], pi, -res.fun)


class HighsLP:
    """highspy model kept between rounds: added columns warm-start from the last basis."""

    def __init__(self, model: "LinearModel", idx: np.ndarray, threads: int = 1) -> None:
        self.model = model
        self.idx = np.asarray(idx, dtype=np.int64)
        n_aux = len(model.aux_lb)
        A, rhs, eq = _parts(model, self.idx)
        # auxiliaries first so candidate columns can be appended at the end
        k = len(self.idx)
        order = np.r_[np.arange(k, k + n_aux), np.arange(k)]
        A = A[:, order].tocsc()
        h = _new_highs()
        h.setOptionValue("threads", int(threads))
        # Devex pricing: on these degenerate assignment LPs it takes ~30% less time than the default
        h.setOptionValue("simplex_dual_edge_weight_strategy", 1)
        lp = highs_model(A, np.concatenate([-np.asarray(model.aux_obj, dtype=float), -model.value[self.idx]]),
                         np.concatenate([np.asarray(model.aux_lb, dtype=float), np.zeros(k)]),
                         np.concatenate([np.asarray(model.aux_ub, dtype=float), np.ones(k)]), eq, rhs)
        h.passModel(lp)
        self.h = h
        self.n_aux = n_aux
        self.n_rows = A.shape[0]
        self.aux_pos = np.arange(n_aux, dtype=np.int64)  # HiGHS column of each auxiliary
        self.x_pos = np.arange(n_aux, n_aux + k, dtype=np.int64)  # HiGHS column of each candidate in idx
        self.n_cols = n_aux + k
        self._first = True
        self._added = 0

    def add(self, new: np.ndarray) -> None:
        """Append candidate columns; the next solve starts from the current basis."""
        new = np.asarray(new, dtype=np.int64)
        if len(new) == 0:
            return
        self._added = len(new)
        r, c, v = self.model.entries(new)
        if len(r) and r.max() >= self.n_rows:
            raise RuntimeError("column touches a row the LP does not have")
        B = sp.csc_matrix((v, (r, c)), shape=(self.n_rows, len(new)))
        self.h.addCols(len(new), -self.model.value[new], np.zeros(len(new)), np.ones(len(new)), B.nnz,
                       B.indptr[:-1].astype(np.int32), B.indices.astype(np.int32), B.data.astype(np.float64))
        self.idx = np.concatenate([self.idx, new])
        self.x_pos = np.r_[self.x_pos, np.arange(self.n_cols, self.n_cols + len(new))]
        self.n_cols += len(new)

    def extend(self, model: "LinearModel") -> "HighsLP":
        """Carry this LP (and its basis) over to ``model``: the same rows first, then new rows and auxiliaries.

        Side constraints added after an unconstrained solve then cost a few dual simplex
        pivots instead of a cold solve.
        """
        self._prune()
        old_rows, old_aux = self.n_rows, self.n_aux
        inf = highspy.kHighsInf
        rhs = model.fixed_rhs()
        eq = np.asarray(model.eq, dtype=bool)
        k = model.n_rows - old_rows
        if k:
            r, c, v = model.entries(self.idx)
            sel = r >= old_rows
            R = sp.csr_matrix((v[sel], (r[sel] - old_rows, self.x_pos[c[sel]])), shape=(k, self.n_cols))
            lo = np.where(eq[old_rows:], rhs[old_rows:], -inf)
            self.h.addRows(k, lo, rhs[old_rows:], R.nnz, R.indptr[:-1].astype(np.int32),
                           R.indices.astype(np.int32), R.data.astype(np.float64))
        new_aux = len(model.aux_lb) - old_aux
        if new_aux:
            rows = np.concatenate([a[0] for a in model.aux_entries])
            cols = np.concatenate([a[1] for a in model.aux_entries])
            vals = np.concatenate([a[2] for a in model.aux_entries])
            old = cols < old_aux
            for rr, cc, vv in zip(rows[old & (rows >= old_rows)], cols[old & (rows >= old_rows)],
                                  vals[old & (rows >= old_rows)]):
                self.h.changeCoeff(int(rr), int(self.aux_pos[cc]), float(vv))
            B = sp.csc_matrix((vals[~old], (rows[~old], cols[~old] - old_aux)), shape=(model.n_rows, new_aux))
            ub = np.asarray(model.aux_ub[old_aux:], dtype=float)
            self.h.addCols(new_aux, -np.asarray(model.aux_obj[old_aux:], dtype=float),
                           np.asarray(model.aux_lb[old_aux:], dtype=float), np.where(np.isinf(ub), inf, ub), B.nnz,
                           B.indptr[:-1].astype(np.int32), B.indices.astype(np.int32), B.data.astype(np.float64))
            self.aux_pos = np.r_[self.aux_pos, np.arange(self.n_cols, self.n_cols + new_aux)]
            self.n_cols += new_aux
        self.model = model
        self.n_rows = model.n_rows
        self.n_aux = len(model.aux_lb)
        self._first = False
        self._added = len(self.idx)  # force dual simplex: the old basis is dual feasible
        return self

    def _prune(self) -> None:
        """Drop candidate columns that are nonbasic at 0 with a reduced cost far below zero (kept: the basis).

        Before side rows are added: each dual simplex pivot then scans fewer columns. A dropped
        column may come back: column generation prices every pair again after the re-solve.
        """
        if PRUNE_BELOW is None or len(self.idx) < PRUNE_ABOVE:
            return
        sol = self.h.getSolution()
        d = np.asarray(sol.col_dual)[self.x_pos]  # HiGHS (minimise) reduced costs: >= 0 at the lower bound
        xv = np.asarray(sol.col_value)[self.x_pos]
        scale = max(1.0, float(np.max(np.abs(self.model.value[self.idx]))))
        drop = (d > PRUNE_BELOW * scale) & (xv <= 1e-12)
        if not drop.any():
            return
        where = self.x_pos[drop].astype(np.int32)
        self.h.deleteCols(len(where), where)
        keep = ~drop
        self.idx = self.idx[keep]
        gone = np.zeros(self.n_cols, dtype=bool)
        gone[where] = True
        shift = np.cumsum(gone)
        self.x_pos = self.x_pos[keep] - shift[self.x_pos[keep]]
        self.aux_pos = self.aux_pos - shift[self.aux_pos]
        self.n_cols -= int(gone.sum())

    def fits(self, model: "LinearModel") -> bool:
        """Whether ``model`` has this LP's rows and auxiliary columns (same shape: only values and bounds differ)."""
        if model.n_rows != self.n_rows or len(model.aux_lb) != self.n_aux:
            return False
        mine = self.model.aux_entries
        theirs = model.aux_entries
        return len(mine) == len(theirs) and all(
            np.array_equal(a[0], b[0]) and np.array_equal(a[1], b[1]) and np.array_equal(a[2], b[2])
            for a, b in zip(mine, theirs))

    def rebase(self, model: "LinearModel") -> "HighsLP":
        """Carry this LP (and its basis) over to a same-shaped model: new costs, right-hand sides and column bounds.

        A trade-off point (other pair values), a lock or a forbidden pair changes only these,
        so the next solve starts from the last basis (primal simplex after a cost change, dual
        after a bound change) instead of from scratch. Columns the new model may not use get
        the upper bound 0; locked columns are on the right-hand side, as in a cold build.
        """
        inf = highspy.kHighsInf
        h = self.h
        k = len(self.idx)
        ub = np.where(model.usable[self.idx], 1.0, 0.0)
        old_rhs = self.model.fixed_rhs()
        rhs = model.fixed_rhs()
        # bounds moved (a lock, a forbid): the old basis stays dual feasible -> dual simplex;
        # only costs moved (a trade-off point): it stays primal feasible -> primal simplex
        bounds_moved = not (np.array_equal(old_rhs, rhs) and np.array_equal(self.model.usable[self.idx], ub > 0))
        h.changeColsBounds(k, self.x_pos.astype(np.int32), np.zeros(k), ub)
        h.changeColsCost(k, self.x_pos.astype(np.int32), -model.value[self.idx])
        if self.n_aux:
            aux_ub = np.asarray(model.aux_ub, dtype=float)
            h.changeColsBounds(self.n_aux, self.aux_pos.astype(np.int32), np.asarray(model.aux_lb, dtype=float),
                               np.where(np.isinf(aux_ub), inf, aux_ub))
            h.changeColsCost(self.n_aux, self.aux_pos.astype(np.int32), -np.asarray(model.aux_obj, dtype=float))
        eq = np.asarray(model.eq, dtype=bool)
        h.changeRowsBounds(self.n_rows, np.arange(self.n_rows, dtype=np.int32), np.where(eq, rhs, -inf), rhs)
        self.model = model
        self._first = False
        self._added = len(self.idx) if bounds_moved else 0
        return self

    def solve(self) -> LPSolution:
        """Solve (IPM + crossover first when large, warm-started simplex afterwards)."""
        h = self.h
        if self._first and len(self.idx) > IPM_THRESHOLD:
            h.setOptionValue("solver", "ipm")
            h.setOptionValue("run_crossover", "on")
        else:
            h.setOptionValue("solver", "simplex")
            # few new columns: the basis stays primal feasible, so primal simplex needs few pivots
            few = not self._first and self._added < PRIMAL_BELOW * max(len(self.idx), 1)
            h.setOptionValue("simplex_strategy", 4 if few else 1)
        h.run()
        self._first = False
        status = h.getModelStatus()
        if status == highspy.HighsModelStatus.kInfeasible:
            raise LPInfeasible("the constraints cannot all be met")
        if status != highspy.HighsModelStatus.kOptimal:
            h.setOptionValue("solver", "simplex")
            h.clearSolver()
            h.run()
            if h.getModelStatus() != highspy.HighsModelStatus.kOptimal:
                raise RuntimeError(f"LP solver failed: {h.modelStatusToString(h.getModelStatus())}")
        sol = h.getSolution()
        col = np.asarray(sol.col_value)
        pi = np.asarray(sol.row_dual)
        D = -h.getInfo().objective_function_value
        return LPSolution(col[self.x_pos], col[self.aux_pos], pi, D)


def engine(model: "LinearModel", idx: np.ndarray, threads: int = 1) -> HighsLP | ScipyLP:
    """The best available LP engine for this model."""
    if highspy is not None:
        return HighsLP(model, idx, threads)
    return ScipyLP(model, idx, threads)
