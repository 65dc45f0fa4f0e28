"""The evaluation stage: pre/post measures, instruments, KPIs, survival, comparison group, dose-response
and verdicts against the design's success criteria.
"""
from __future__ import annotations

from revmentor_nb._lazy import lazy

_EXPORTS = {
    "comparison": "revmentor_nb.evaluation.comparison",
    "dose": "revmentor_nb.evaluation.dose",
    "evaluate": "revmentor_nb.evaluation.evaluate",
    "instruments": "revmentor_nb.evaluation.instruments",
    "kpis": "revmentor_nb.evaluation.kpis",
    "prepost": "revmentor_nb.evaluation.prepost",
    "report_tables": "revmentor_nb.evaluation.report_tables",
    "survival": "revmentor_nb.evaluation.survival",
    "verdict": "revmentor_nb.evaluation.verdict",
}

__all__ = sorted(_EXPORTS)
__getattr__, __dir__ = lazy(__name__, _EXPORTS)
