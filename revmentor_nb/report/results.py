"""Figures a headless run hands to a scheduler: each stage's results, then ``reports/summary.json``.

A stage notebook calls ``save_results(results_path, {...})`` at its end; the runner passes
``results_path`` (a file under ``runs/<run-id>/``) and, after the last stage, gathers the files into
one summary (run id, stages and their status, match counts, pairs by monitoring status, verdicts
and KPI estimates with their intervals, privacy k). The summary holds aggregate, already
suppressed figures only: no names, e-mails or ids. Its JSON Schema is ``docs/summary.schema.json``.
"""
from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

from revmentor_nb.fileio import atomic_write_text

SCHEMA_ID = "revmentor-summary/1"


def _plain(value: Any) -> Any:
    """JSON-safe: numpy/pandas scalars to Python, NaN/NA to None, containers recursively."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if hasattr(value, "item") and not isinstance(value, (str, bytes)):  # numpy scalar
        try:
            value = value.item()
        except (ValueError, AttributeError):
            pass
    if value is None or isinstance(value, (bool, int, str)):
        return value
    if isinstance(value, float):
        return None if math.isnan(value) or math.isinf(value) else value
    try:
        import pandas as pd

        if pd.isna(value):
            return None
    except (TypeError, ValueError):
        pass
    return str(value)


def records(frame: Any, columns: list[str]) -> list[dict[str, Any]]:
    """Rows of a DataFrame as JSON-safe dicts, keeping the ``columns`` it has."""
    keep = [c for c in columns if c in frame.columns]
    return [_plain(r) for r in frame[keep].to_dict("records")]


def save_results(path: str | Path | None, figures: dict[str, Any]) -> None:
    """Write one stage's figures for the runner (a no-op in an interactive session, where path is None).

    Returns nothing on purpose: as a cell's last line it shows no output, so the report stays the
    same from run to run (no run-specific path in it).
    """
    if path:
        atomic_write_text(Path(path), json.dumps(_plain(figures), indent=2))


def load_results(path: Path) -> dict[str, Any] | None:
    """A stage's figures, or None when the stage did not write them (it failed, or was not run)."""
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def write_summary(path: Path, summary: dict[str, Any]) -> Path:
    """Write the run summary as JSON (atomically; the file a scheduler reads)."""
    return atomic_write_text(path, json.dumps(_plain({"schema": SCHEMA_ID, **summary}), indent=2) + "\n",
                             private=False)
