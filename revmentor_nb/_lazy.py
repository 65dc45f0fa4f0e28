"""Lazy public names for a package: ``import revmentor_nb.x`` loads nothing until a name is used.

Each package ``__init__`` lists its public names once, in ``_EXPORTS`` (name -> module), and
calls ``lazy(__name__, _EXPORTS)``; reading a design or opening a workspace therefore loads no
solver, chart or widget library (checked by ``tests/test_architecture.py``).
"""
from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping
from typing import Any


def lazy(package: str, exports: Mapping[str, str]) -> tuple[Callable[[str], Any], Callable[[], list[str]]]:
    """Module-level ``__getattr__`` and ``__dir__`` that import each name's module on first use.

    A name whose module's last part equals the name is the module itself (``charts`` -> the module).
    """

    def __getattr__(name: str) -> Any:
        if name not in exports:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        module = importlib.import_module(exports[name])
        return module if module.__name__.rsplit(".", 1)[-1] == name else getattr(module, name)

    def __dir__() -> list[str]:
        return sorted(exports)

    return __getattr__, __dir__
