"""Skip optional imports that cost seconds and no headless run uses.

jsonschema (imported by nbformat in ``revmentor run`` and by altair in every stage's kernel)
imports the optional ``rfc3987_syntax`` at import time to check the "iri" string format; that
module builds its Lark grammars on import: about 1.6 s per process, twice per stage. Neither
nbformat's nor Vega-Lite's schema uses an "iri" format (Vega-Lite's are "uri", "uri-reference"
and "color-hex"), so headless runs mark the module absent before jsonschema loads; jsonschema
then behaves as it does without the optional package installed. Interactive kernels are left alone.
"""
from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager

SLOW_OPTIONAL: tuple[str, ...] = ("rfc3987_syntax",)
ENV = "REVMENTOR_HEADLESS"  # set to "1" for the kernels `revmentor run` starts


def skip_slow_optional_imports() -> list[str]:
    """Mark each slow optional module absent unless something imported it already; returns those marked."""
    marked = [name for name in SLOW_OPTIONAL if name not in sys.modules]
    for name in marked:
        sys.modules[name] = None  # type: ignore[assignment]  # Python's documented "import blocked" entry
    return marked


@contextmanager
def headless_kernels() -> Iterator[None]:
    """Kernels started inside this block skip the slow optional imports too (``ENV`` in their environment)."""
    before = os.environ.get(ENV)
    os.environ[ENV] = "1"
    try:
        yield
    finally:
        if before is None:
            os.environ.pop(ENV, None)
        else:
            os.environ[ENV] = before
