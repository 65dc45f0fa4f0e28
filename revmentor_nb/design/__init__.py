"""The design stage: the programme's design (``program.yaml``), readiness, eligibility, supply and
demand, the forecast of possible pairs, pilot sizing and the mentoring agreement.
"""
from __future__ import annotations

from revmentor_nb._lazy import lazy

_EXPORTS = {
    "agreement": "revmentor_nb.design.agreement",
    "eligibility": "revmentor_nb.design.eligibility",
    "forecast": "revmentor_nb.design.forecast",
    "pilot": "revmentor_nb.design.pilot",
    "program": "revmentor_nb.design.program",
    "readiness": "revmentor_nb.design.readiness",
    "supply": "revmentor_nb.design.supply",
}

__all__ = sorted(_EXPORTS)
__getattr__, __dir__ = lazy(__name__, _EXPORTS)
