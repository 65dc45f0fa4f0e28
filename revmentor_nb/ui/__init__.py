"""Widgets: thin ipywidgets views over the core (imported lazily, so the core never loads ipywidgets)."""
from __future__ import annotations

import importlib
from typing import Any

_EXPORTS = {
    "DesignForm": "revmentor_nb.ui.design_form",
    "ImportWizard": "revmentor_nb.ui.import_wizard",
    "MatchBoard": "revmentor_nb.ui.match_board",
    "ReviewPanel": "revmentor_nb.ui.match_board",
    "MonitorDashboard": "revmentor_nb.ui.monitor_dashboard",
    "EvaluationDashboard": "revmentor_nb.ui.evaluation_dashboard",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    if name not in _EXPORTS:
        raise AttributeError(f"module 'revmentor_nb.ui' has no attribute {name!r}")
    return getattr(importlib.import_module(_EXPORTS[name]), name)
