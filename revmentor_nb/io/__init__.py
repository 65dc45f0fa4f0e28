"""Reading what people bring: the data contract, CSV/Excel reading, value parsing, loaders, column
mappings, form exports and mentor-match's format; writing safe exports.
"""
from __future__ import annotations

from revmentor_nb._lazy import lazy

_EXPORTS = {
    "contract": "revmentor_nb.io.contract",
    "export": "revmentor_nb.io.export",
    "forms": "revmentor_nb.io.forms",
    "grid": "revmentor_nb.io.grid",
    "load": "revmentor_nb.io.load",
    "mapping": "revmentor_nb.io.mapping",
    "markdown": "revmentor_nb.io.markdown",
    "templates": "revmentor_nb.io.templates",
    "mentor_match": "revmentor_nb.io.mentor_match",
    "org": "revmentor_nb.io.org",
    "parse": "revmentor_nb.io.parse",
    "read": "revmentor_nb.io.read",
}

__all__ = sorted(_EXPORTS)
__getattr__, __dir__ = lazy(__name__, _EXPORTS)
