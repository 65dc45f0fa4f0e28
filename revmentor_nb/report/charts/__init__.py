"""The charts the notebooks and reports show (altair), one module per stage and one function per chart.

``charts.pair_meetings`` and friends keep working: names load their stage module on first use.
"""
from __future__ import annotations

from revmentor_nb._lazy import lazy

_EXPORTS = {
    "WIDTH": "revmentor_nb.report.charts.base",
    "timeline": "revmentor_nb.report.charts.base",
    "counts": "revmentor_nb.report.charts.base",
    "chart_svg": "revmentor_nb.report.charts.base",
    "supply_demand": "revmentor_nb.report.charts.design",
    "grade_bands": "revmentor_nb.report.charts.design",
    "pilot_power": "revmentor_nb.report.charts.design",
    "readiness": "revmentor_nb.report.charts.design",
    "score_distribution": "revmentor_nb.report.charts.match",
    "fairness": "revmentor_nb.report.charts.match",
    "tradeoff_curve": "revmentor_nb.report.charts.match",
    "unmatched_reasons": "revmentor_nb.report.charts.match",
    "fairness_audit": "revmentor_nb.report.charts.match",
    "before_after": "revmentor_nb.report.charts.evaluation",
    "change_estimates": "revmentor_nb.report.charts.evaluation",
    "measure_before_after": "revmentor_nb.report.charts.evaluation",
    "retention_curves": "revmentor_nb.report.charts.evaluation",
    "dose_response": "revmentor_nb.report.charts.evaluation",
    "kpi_rates": "revmentor_nb.report.charts.evaluation",
    "meetings_over_time": "revmentor_nb.report.charts.monitor",
    "MONITOR_STATUSES": "revmentor_nb.report.charts.monitor",
    "MONITOR_COLOURS": "revmentor_nb.report.charts.monitor",
    "pair_meetings": "revmentor_nb.report.charts.monitor",
    "status_over_time": "revmentor_nb.report.charts.monitor",
    "satisfaction_by_stage": "revmentor_nb.report.charts.monitor",
    "programme_timeline": "revmentor_nb.report.charts.monitor",
}

__all__ = sorted(_EXPORTS)
__getattr__, __dir__ = lazy(__name__, _EXPORTS)
