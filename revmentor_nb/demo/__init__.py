"""The demo organisation (seeded synthetic employer) and the demo workspace built from it.
"""
from __future__ import annotations

from revmentor_nb._lazy import lazy

_EXPORTS = {
    "organisation": "revmentor_nb.demo.organisation",
    "GRADE_SHARE": "revmentor_nb.demo.organisation",
    "CEO_DEPARTMENT": "revmentor_nb.demo.organisation",
    "SMALL_SITE": "revmentor_nb.demo.organisation",
    "UNOFFERED_TOPIC": "revmentor_nb.demo.organisation",
    "HOBBIES": "revmentor_nb.demo.organisation",
    "GENDERS": "revmentor_nb.demo.organisation",
    "ETHNICITIES": "revmentor_nb.demo.organisation",
    "AGE_BANDS": "revmentor_nb.demo.organisation",
    "EMAIL_DOMAIN": "revmentor_nb.demo.organisation",
    "EXCLUSION_REASONS": "revmentor_nb.demo.organisation",
    "MFQ_ITEMS": "revmentor_nb.demo.organisation",
    "PROGRAMME_DAYS": "revmentor_nb.demo.organisation",
    "MAX_LEVELS": "revmentor_nb.demo.organisation",
    "LEVEL_GROWTH": "revmentor_nb.demo.organisation",
    "DemoOrg": "revmentor_nb.demo.organisation",
    "DemoActivity": "revmentor_nb.demo.organisation",
    "build_demo": "revmentor_nb.demo.organisation",
    "write_inputs": "revmentor_nb.demo.organisation",
    "write_activity": "revmentor_nb.demo.organisation",
    "simulate_activity": "revmentor_nb.demo.organisation",
    "workspace": "revmentor_nb.demo.workspace",
    "demo_design": "revmentor_nb.demo.workspace",
}

__all__ = sorted(_EXPORTS)
__getattr__, __dir__ = lazy(__name__, _EXPORTS)
