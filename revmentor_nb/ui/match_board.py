"""The match board: an anywidget over a ``Review`` session, with the audit charts beside it.

The front-end (``widgets/match_board.js`` and ``.css``, shipped in the wheel as
``revmentor_nb/_widgets/``) draws ``state`` and sends each click as a message; every click
has a plain-Python equivalent (``MatchBoard.act`` calls ``overrides.Review``), and all the
rules and filtering live in the core (``overrides``, ``board_view``), not here.
"""
from __future__ import annotations

import html
from collections.abc import Callable
from importlib import resources
from pathlib import Path
from typing import Any

import anywidget
import ipywidgets as w
import pandas as pd
import traitlets

from revmentor_nb.errors import InputError
from revmentor_nb.report.charts.base import chart_svg
from revmentor_nb.review.board import (
    board_state,
    clean_filters,
    filter_options,
    people_index,
)
from revmentor_nb.review.overrides import Override, Review

ACTIONS = ("lock", "unlock", "forbid", "unassign", "undo", "export")
PAST = {"lock": "Locked", "unlock": "Unlocked", "forbid": "Forbade", "unassign": "Unassigned", "undo": "Undid"}


def widgets_dir() -> Path:
    """Where the widget front-ends live: inside the wheel, or the source checkout's widgets/."""
    packaged = resources.files("revmentor_nb") / "_widgets"
    if packaged.is_dir():
        return Path(str(packaged))
    return Path(__file__).resolve().parents[2] / "widgets"


class MatchBoard(anywidget.AnyWidget):
    """Mentors and mentees with their pairs and score breakdowns; filters; lock, forbid, unassign, undo, export."""

    _esm = widgets_dir() / "match_board.js"
    _css = widgets_dir() / "match_board.css"
    state = traitlets.Dict().tag(sync=True)
    filters = traitlets.Dict().tag(sync=True)

    def __init__(self, review: Review, participants: pd.DataFrame, *,
                 export: Callable[[Review], str] | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.review = review
        self.export = export
        self._people = people_index(participants)
        self._options = filter_options(participants)
        self._previous: set[tuple[str, str]] | None = None
        self._message = ""
        self._listeners: list[Callable[[Review], None]] = []
        self.add_class("rm-match-board")
        self.observe(lambda _: self.refresh(), names="filters")
        self.on_msg(self._on_msg)
        self.refresh()

    # -- the plain-Python equivalent of every click ---------------------------------------
    def act(self, action: str, mentor_id: str | None = None, mentee_id: str | None = None) -> str:
        """Do what a button does (lock / unlock / forbid / unassign / undo / export); returns the status message."""
        if action not in ACTIONS:
            raise ValueError(f"unknown board action {action!r}; use one of: {', '.join(ACTIONS)}")
        before = set(self._pair_keys())
        try:
            if action == "export":
                self._message = self.export(self.review) if self.export else "Exports are not set up for this board."
                self.refresh()
                return self._message
            if action == "undo":
                ov = self.review.undo()
                if ov is None:
                    self._message = "Nothing to undo."
                    self.refresh()
                    return self._message
            else:
                ov = getattr(self.review, action)(str(mentor_id), str(mentee_id))
        except InputError as err:
            first = err.problems.iloc[0] if len(err.problems) else None
            why = f"{first['problem']} ({first['fix']})" if first is not None else str(err)
            self._message = f"Could not {action} {self._name(mentor_id)} → {self._name(mentee_id)}: {why}"
            self.refresh()
            return self._message
        self._previous = before
        self._message = self._describe(ov)
        self.refresh()
        for listener in self._listeners:
            listener(self.review)
        return self._message

    def on_change(self, listener: Callable[[Review], None]) -> None:
        """Call ``listener(review)`` after every override (e.g. to redraw the charts beside the board)."""
        self._listeners.append(listener)

    def refresh(self) -> None:
        """Recompute what the board shows from the review's current result and the filters."""
        self.state = board_state(self.review.result, self._people, self._options, clean_filters(self.filters),
                                 previous=self._previous, message=self._message, run_id=self.review.run_id,
                                 can_undo=self.review.can_undo)

    # -- helpers -----------------------------------------------------------------------------
    def _on_msg(self, _widget: Any, content: dict[str, Any], _buffers: Any) -> None:
        if isinstance(content, dict) and content.get("action") in ACTIONS:
            self.act(content["action"], content.get("mentor_id"), content.get("mentee_id"))

    def _pair_keys(self) -> list[tuple[str, str]]:
        p = self.review.result.pairs
        return list(zip(p["mentor_id"].astype(str), p["mentee_id"].astype(str)))

    def _name(self, pid: object) -> str:
        return str(self._people.get(str(pid), {}).get("name", pid))

    def _describe(self, ov: Override) -> str:
        stored = f"; stored as run {ov.run_id}{' (accepted)' if self.review.accept else ''}" if ov.run_id else ""
        return (f"{PAST.get(ov.action, ov.action)} {self._name(ov.mentor_id)} → {self._name(ov.mentee_id)}: "
                f"objective {ov.objective_before:.2f} → {ov.objective_after:.2f}, {ov.pairs_after} pairs; "
                f"re-solved in {ov.seconds:.2f} s{stored}.")


class ReviewPanel(w.Box):
    """The board with the fairness audit, trade-off curve, unmatched reasons and supply/demand beside it."""

    def __init__(self, review: Review, participants: pd.DataFrame, *, k: int = 5,
                 export: Callable[[Review], str] | None = None, tradeoff_points: int = 6) -> None:
        from revmentor_nb.design.supply import supply_demand
        from revmentor_nb.report import charts

        self.board = MatchBoard(review, participants, export=export)
        self.k, self.points = k, tradeoff_points
        self._charts = charts
        self.fair, self.trade, self.lonely, self.supply = (w.HTML().add_class(c) for c in (
            "rm-side-fairness", "rm-side-tradeoff", "rm-side-unmatched", "rm-side-supply"))
        self.supply.value = chart_svg(charts.supply_demand(supply_demand(participants)))
        again = w.Button(description="Recompute trade-off", tooltip="solve the most-pairs settings again (a few seconds)",
                         layout=w.Layout(width="auto")).add_class("rm-tradeoff-refresh")
        again.on_click(lambda _: self._draw_tradeoff())
        tabs = w.Tab([self.fair, w.VBox([again, self.trade]), self.lonely, self.supply],
                     layout=w.Layout(min_width="480px", max_width="620px"))
        for i, title in enumerate(("Fairness audit", "Trade-off", "Unmatched", "Supply/demand")):
            tabs.set_title(i, title)
        self.board.on_change(lambda _: self._draw())
        super().__init__([self.board, tabs], layout=w.Layout(display="flex", flex_flow="row wrap", gap="16px",
                                                             align_items="flex-start"))
        self.add_class("rm-review-panel")
        self._draw()
        self._draw_tradeoff()

    def _draw(self) -> None:
        result = self.board.review.result
        self.fair.value = chart_svg(self._charts.fairness_audit(result.audit(k=self.k).long))
        self.lonely.value = chart_svg(self._charts.unmatched_reasons(result.unmatched))

    def _draw_tradeoff(self) -> None:
        result = self.board.review.result
        try:
            curve = result.tradeoff(points=self.points)
        except Exception as err:  # the curve is context: say why it is missing, keep the board working
            self.trade.value = f"<p>The trade-off curve could not be traced: {html.escape(str(err))}</p>"
            return
        self.trade.value = chart_svg(self._charts.tradeoff_curve(curve, result.settings.most_pairs))
