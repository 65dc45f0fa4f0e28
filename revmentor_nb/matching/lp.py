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
    from .model import LinearModel

try:  # optional accelerator
    import highspy  # type: ignore[import-not-found]
except Exception:  # pragma: no cover - exercised only without highspy
    highspy = None


IPM_THRESHOLD = 20_000
_BANNER_DONE = False


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
        inf = highspy.kHighsInf
        lp = highspy.HighsLp()
        lp.num_col_ = A.shape[1]
        lp.num_row_ = A.shape[0]
        aux_ub = np.asarray(model.aux_ub, dtype=float)
        lp.col_cost_ = np.concatenate([-np.asarray(model.aux_obj, dtype=float), -model.value[self.idx]])
        lp.col_lower_ = np.concatenate([np.asarray(model.aux_lb, dtype=float), np.zeros(k)])
        lp.col_upper_ = np.concatenate([np.where(np.isinf(aux_ub), inf, aux_ub), np.ones(k)])
        lp.row_lower_ = np.where(eq, rhs, -inf)
        lp.row_upper_ = rhs
        lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
        lp.a_matrix_.start_ = A.indptr.astype(np.int32)
        lp.a_matrix_.index_ = A.indices.astype(np.int32)
        lp.a_matrix_.value_ = A.data.astype(np.float64)
        h.passModel(lp)
        self.h = h
        self.n_aux = n_aux
        self.n_rows = A.shape[0]
        self._first = True

    def add(self, new: np.ndarray) -> None:
        """Append candidate columns; the next solve starts from the current basis."""
        new = np.asarray(new, dtype=np.int64)
        if len(new) == 0:
            return
        r, c, v = self.model.entries(new)
        if len(r) and r.max() >= self.n_rows:
            raise RuntimeError("column touches a row the LP does not have")
        B = sp.csc_matrix((v, (r, c)), shape=(self.n_rows, len(new)))
        self.h.addCols(len(new), -self.model.value[new], np.zeros(len(new)), np.ones(len(new)), B.nnz,
                       B.indptr[:-1].astype(np.int32), B.indices.astype(np.int32), B.data.astype(np.float64))
        self.idx = np.concatenate([self.idx, new])

    def solve(self) -> LPSolution:
        """Solve (IPM + crossover first when large, warm-started simplex afterwards)."""
        h = self.h
        if self._first and len(self.idx) > IPM_THRESHOLD:
            h.setOptionValue("solver", "ipm")
            h.setOptionValue("run_crossover", "on")
        else:
            h.setOptionValue("solver", "simplex")
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
        return LPSolution(col[self.n_aux:], col[:self.n_aux], pi, D)


def engine(model: "LinearModel", idx: np.ndarray, threads: int = 1) -> HighsLP | ScipyLP:
    """The best available LP engine for this model."""
    if highspy is not None:
        return HighsLP(model, idx, threads)
    return ScipyLP(model, idx, threads)
