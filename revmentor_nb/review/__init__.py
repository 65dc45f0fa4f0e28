"""Reviewing a match: overrides with their audit trail, the board's state, and the hand-over files.
"""
from __future__ import annotations

from revmentor_nb._lazy import lazy

_EXPORTS = {
    "board": "revmentor_nb.review.board",
    "handover": "revmentor_nb.review.handover",
    "overrides": "revmentor_nb.review.overrides",
}

__all__ = sorted(_EXPORTS)
__getattr__, __dir__ = lazy(__name__, _EXPORTS)
