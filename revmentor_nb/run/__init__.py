"""Running headless: the papermill pipeline, the ``revmentor`` command line and ``validate``.
"""
from __future__ import annotations

from revmentor_nb._lazy import lazy

_EXPORTS = {
    "demo": "revmentor_nb.run.demo",
    "cli": "revmentor_nb.run.cli",
    "pipeline": "revmentor_nb.run.pipeline",
    "validate": "revmentor_nb.run.validate",
}

__all__ = sorted(_EXPORTS)
__getattr__, __dir__ = lazy(__name__, _EXPORTS)
