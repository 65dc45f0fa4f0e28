"""revmentor_nb: run a reverse-mentoring programme from Jupyter, end to end.

The public names below are imported lazily, so ``import revmentor_nb`` stays fast and
the core never pulls in the UI or report libraries.
"""
from __future__ import annotations

import os as _os

from revmentor_nb._lazy import lazy

if _os.environ.get("REVMENTOR_HEADLESS") == "1":  # a kernel `revmentor run` started: see lean_imports
    from revmentor_nb.lean_imports import skip_slow_optional_imports

    skip_slow_optional_imports()

__version__ = "0.1.0"

_EXPORTS = {
    "InputError": "revmentor_nb.errors",
    "load": "revmentor_nb.io.load",
    "load_participants": "revmentor_nb.io.load",
    "load_roster": "revmentor_nb.io.load",
    "read_mentor_match": "revmentor_nb.io.mentor_match",
    "CIVIL_SERVICE_GRADES": "revmentor_nb.io.mentor_match",
    "Workspace": "revmentor_nb.workspace.workspace",
    "ProgramDesign": "revmentor_nb.design.program",
    "load_design": "revmentor_nb.design.program",
    "DesignError": "revmentor_nb.design.program",
    "match": "revmentor_nb.matching",
    "MatchResult": "revmentor_nb.matching",
    "tradeoff": "revmentor_nb.matching",
    "preset": "revmentor_nb.matching",
    "clearing_round": "revmentor_nb.matching",
    "demo": "revmentor_nb.demo",
    "for_report": "revmentor_nb.privacy.report_frame",
}

__all__ = sorted(_EXPORTS)

__getattr__, __dir__ = lazy(__name__, _EXPORTS)
