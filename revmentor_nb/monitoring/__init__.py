"""The monitoring stage: meetings and check-ins against the cadence, pair statuses, what is due.
"""
from __future__ import annotations

from revmentor_nb._lazy import lazy

_EXPORTS = {
    "activity": "revmentor_nb.monitoring.activity",
    "nudges": "revmentor_nb.monitoring.nudges",
    "status": "revmentor_nb.monitoring.status",
}

__all__ = sorted(_EXPORTS)
__getattr__, __dir__ = lazy(__name__, _EXPORTS)
