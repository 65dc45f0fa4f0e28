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
from revmentor_nb.review.session import ReviewSession, export_handover

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


class SessionBar(w.VBox):
    """Where the board's result stands (new, resumed, changed) and the explicit acts: accept, replace, start again.

    Replacing an accepted match that was reviewed takes two clicks: the first says what will be set
    aside (``ReviewSession.loses``), the second does it. Nothing here runs when the notebook runs.
    """

    def __init__(self, session: ReviewSession, on_change: Callable[[], None]) -> None:
        self.session, self._on_change = session, on_change
        self.text = w.HTML().add_class("rm-session-state")
        self.warning = w.HTML().add_class("rm-session-warning")
        self.accept = w.Button(description="Accept this match", button_style="primary",
                               layout=w.Layout(width="auto")).add_class("rm-accept")
        self.confirm = w.Button(description="Replace the accepted match", button_style="danger",
                                layout=w.Layout(width="auto")).add_class("rm-confirm-replace")
        self.cancel = w.Button(description="Cancel", layout=w.Layout(width="auto")).add_class("rm-cancel")
        self.again = w.Button(description="Start again from today's match", layout=w.Layout(width="auto"),
                              tooltip="put today's match, without overrides, on the board; nothing is stored "
                                      "or accepted until you accept it").add_class("rm-start-over")
        self.accept.on_click(lambda _: self.ask())
        self.confirm.on_click(lambda _: self.do_accept(replace=True))
        self.cancel.on_click(lambda _: self.draw())
        self.again.on_click(lambda _: self.start_over())
        self.buttons = w.HBox([], layout=w.Layout(flex_flow="row wrap", gap="8px"))
        super().__init__([self.text, self.warning, self.buttons])
        self.add_class("rm-session")
        self.draw()

    def draw(self, message: str = "") -> None:
        """Show the session's state and the buttons that fit it."""
        s = self.session
        self.text.value = f"<div class='rm-session-{s.kind}'>{_markdown_bold(s.describe())}</div>"
        self.warning.value = f"<p>{html.escape(message)}</p>" if message else ""
        if not s.is_accepted:
            self.buttons.children = [self.accept]
        else:  # the accepted session: starting again (nothing stored until accepted) only when there is work
            self.buttons.children = [self.again] if len(s.review.overrides()) else []

    def ask(self) -> None:
        """Accept, or, when that replaces reviewed work, say what will be set aside and ask to confirm."""
        lost = self.session.loses()
        if not lost:
            self.do_accept(replace=False)
            return
        self.warning.value = (f"<p class='rm-replace-warning'><strong>Replacing the accepted match sets aside "
                              f"{html.escape(lost)}</strong></p>")
        self.buttons.children = [self.confirm, self.cancel]

    def do_accept(self, *, replace: bool) -> str:
        """The click that accepts (``ReviewSession.accept``)."""
        run_id = self.session.accept(replace=replace)
        self._on_change()
        self.draw(f"Accepted match run {run_id}.")
        return run_id

    def start_over(self) -> None:
        """Today's match without overrides on the board, as a proposal."""
        self.session.start_over()
        self._on_change()
        self.draw("Today's match is on the board, not accepted; the accepted run is unchanged.")


def _markdown_bold(text: str) -> str:
    """The session's one-paragraph Markdown (**bold**, *italic*) as escaped HTML."""
    import re

    out = html.escape(text)
    out = re.sub(r"\*\*(.+?)\*\*", r"<strong>\1</strong>", out)
    return re.sub(r"\*(.+?)\*", r"<em>\1</em>", out)


class ReviewPanel(w.VBox):
    """One panel: where the session stands, the board, and the fairness audit, trade-off curve, unmatched
    reasons and supply/demand beside it (on wide screens) or directly under it (the board scrolls within
    its own box, so the charts are never pages away)."""

    def __init__(self, review: Review | ReviewSession, participants: pd.DataFrame, *, k: int = 5,
                 export: Callable[[Review], str] | None = None, tradeoff_points: int = 6) -> None:
        from revmentor_nb.design.supply import supply_demand
        from revmentor_nb.report import charts

        self.session = review if isinstance(review, ReviewSession) else None
        if self.session is not None and export is None:
            export = lambda _review: export_handover(self.session, participants)  # noqa: E731
        self.board = MatchBoard(self.session.review if self.session else review, participants, export=export)
        self.k, self.points = k, tradeoff_points
        self._charts = charts
        self.fair, self.trade, self.lonely, self.supply = (w.HTML().add_class(c) for c in (
            "rm-side-fairness", "rm-side-tradeoff", "rm-side-unmatched", "rm-side-supply"))
        self.supply.value = chart_svg(charts.supply_demand(supply_demand(participants)))
        again = w.Button(description="Recompute trade-off", tooltip="solve the most-pairs settings again (a few seconds)",
                         layout=w.Layout(width="auto")).add_class("rm-tradeoff-refresh")
        again.on_click(lambda _: self._draw_tradeoff())
        tabs = w.Tab([self.fair, w.VBox([again, self.trade]), self.lonely, self.supply],
                     layout=w.Layout(flex="1 1 460px", min_width="0", max_width="640px"))
        for i, title in enumerate(("Fairness audit", "Trade-off", "Unmatched", "Supply/demand")):
            tabs.set_title(i, title)
        tabs.add_class("rm-review-charts")
        self.board.on_change(lambda _: self._draw())
        scroller = w.Box([self.board], layout=w.Layout(flex="1 1 560px", min_width="0", max_height="720px",
                                                       overflow="auto"))
        scroller.add_class("rm-board-scroll")
        row = w.Box([scroller, tabs], layout=w.Layout(display="flex", flex_flow="row wrap", gap="16px",
                                                      align_items="flex-start", width="100%"))
        self.bar = SessionBar(self.session, self._session_changed) if self.session else None
        super().__init__(([self.bar] if self.bar else []) + [row], layout=w.Layout(width="100%"))
        self.add_class("rm-review-panel")
        self._draw()
        self._draw_tradeoff()

    def _session_changed(self) -> None:
        """After accept or start-again: the board follows the session's review and redraws."""
        self.board.review = self.session.review  # type: ignore[union-attr]
        self.board._previous = None
        self.board.refresh()
        self._draw()

    def _draw(self) -> None:
        result = self.board.review.result
        self.fair.value = chart_svg(self._charts.fairness_audit(result.audit(k=self.k).long))
        self.lonely.value = chart_svg(self._charts.unmatched_reasons(result.unmatched))
        if self.bar is not None:
            self.bar.draw()

    def _draw_tradeoff(self) -> None:
        result = self.board.review.result
        try:
            curve = result.tradeoff(points=self.points)
        except Exception as err:  # the curve is context: say why it is missing, keep the board working
            self.trade.value = f"<p>The trade-off curve could not be traced: {html.escape(str(err))}</p>"
            return
        self.trade.value = chart_svg(self._charts.tradeoff_curve(curve, result.settings.most_pairs))
