"""Widgets: thin ipywidgets views over the core (imported lazily, so the core never loads ipywidgets)."""
from __future__ import annotations

import importlib
from typing import Any

_EXPORTS = {"DesignForm": "revmentor_nb.ui.design_form"}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    if name not in _EXPORTS:
        raise AttributeError(f"module 'revmentor_nb.ui' has no attribute {name!r}")
    return getattr(importlib.import_module(_EXPORTS[name]), name)
