"""revmentor_nb: run a reverse-mentoring programme from Jupyter, end to end.

The public names below are imported lazily, so ``import revmentor_nb`` stays fast and
the core never pulls in the UI or report libraries.
"""
from __future__ import annotations

import importlib
from typing import Any

__version__ = "0.1.0"

_EXPORTS = {
    "InputError": "revmentor_nb.errors",
    "load": "revmentor_nb.loaders",
    "load_participants": "revmentor_nb.loaders",
    "load_roster": "revmentor_nb.loaders",
    "read_mentor_match": "revmentor_nb.mentor_match",
    "CIVIL_SERVICE_GRADES": "revmentor_nb.mentor_match",
    "Workspace": "revmentor_nb.workspace",
    "ProgramDesign": "revmentor_nb.design",
    "load_design": "revmentor_nb.design",
    "DesignError": "revmentor_nb.design",
    "match": "revmentor_nb.matching",
    "MatchResult": "revmentor_nb.matching",
    "tradeoff": "revmentor_nb.matching",
    "preset": "revmentor_nb.matching",
    "clearing_round": "revmentor_nb.matching",
    "demo": "revmentor_nb.demo",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    if name not in _EXPORTS:
        raise AttributeError(f"module 'revmentor_nb' has no attribute {name!r}")
    module = importlib.import_module(_EXPORTS[name])
    return module if module.__name__.endswith("." + name) else getattr(module, name)
