"""Widgets: thin ipywidgets views over the core (imported lazily, so the core never loads ipywidgets)."""
from __future__ import annotations

from revmentor_nb._lazy import lazy

_EXPORTS = {
    "DesignForm": "revmentor_nb.ui.design_form",
    "ImportWizard": "revmentor_nb.ui.import_wizard",
    "MatchBoard": "revmentor_nb.ui.match_board",
    "ReviewPanel": "revmentor_nb.ui.match_board",
    "MonitorDashboard": "revmentor_nb.ui.monitor_dashboard",
    "EvaluationDashboard": "revmentor_nb.ui.evaluation_dashboard",
    "SendPanel": "revmentor_nb.ui.send_panel",
    "show_messages": "revmentor_nb.ui.send_panel",
}

__all__ = sorted(_EXPORTS)

__getattr__, __dir__ = lazy(__name__, _EXPORTS)
