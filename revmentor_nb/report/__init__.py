"""Reports: notebook output set-up, offline HTML export and the charts the notebooks show (loaded lazily)."""
from __future__ import annotations

from revmentor_nb._lazy import lazy

_EXPORTS = {
    "setup_output": "revmentor_nb.report.output",
    "show_table": "revmentor_nb.report.output",
    "export_html": "revmentor_nb.report.html",
    "charts": "revmentor_nb.report.charts",
    "output": "revmentor_nb.report.output",
    "html": "revmentor_nb.report.html",
}

__all__ = sorted(_EXPORTS)
__getattr__, __dir__ = lazy(__name__, _EXPORTS)
