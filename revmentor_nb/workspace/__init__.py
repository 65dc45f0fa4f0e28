"""The workspace: one folder per programme (``program.yaml``, the SQLite store, imports, runs, reports).
"""
from __future__ import annotations

from revmentor_nb._lazy import lazy

_EXPORTS = {
    "declared": "revmentor_nb.workspace.declared",
    "signups": "revmentor_nb.workspace.signups",
    "store": "revmentor_nb.workspace.store",
    "workspace": "revmentor_nb.workspace.workspace",
}

__all__ = sorted(_EXPORTS)
__getattr__, __dir__ = lazy(__name__, _EXPORTS)
