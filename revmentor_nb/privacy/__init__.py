"""Privacy rules shared by every stage: pseudonymous ids and small-cell suppression.
"""
from __future__ import annotations

from revmentor_nb._lazy import lazy

_EXPORTS = {
    "pseudonyms": "revmentor_nb.privacy.pseudonyms",
    "suppression": "revmentor_nb.privacy.suppression",
    "cells": "revmentor_nb.privacy.cells",
    "report_frame": "revmentor_nb.privacy.report_frame",
    "for_report": "revmentor_nb.privacy.report_frame",
}

__all__ = sorted(_EXPORTS)
__getattr__, __dir__ = lazy(__name__, _EXPORTS)
