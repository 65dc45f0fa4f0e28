"""Headless runs: execute the stage notebooks with papermill, then write offline HTML reports.

The body of ``run_stages`` reads as its pipeline: lock the workspace, then for each stage
parameterise, execute into ``runs/<run-id>/``, export the report, and record the outcome;
the executed notebook is kept even when a cell fails, so nothing is lost.
"""
from __future__ import annotations

import contextlib
import os
import shutil
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timezone
from importlib import resources
from pathlib import Path
from typing import Any

from revmentor_nb.run.parameters import check_parameters, declared_parameters
from revmentor_nb.workspace.workspace import Workspace, WorkspaceError

STAGES: dict[str, str] = {
    "design": "01_design.ipynb",
    "match": "02_match.ipynb",
    "monitor": "03_monitor.ipynb",
    "evaluate": "04_evaluate.ipynb",
}


class StageFailed(RuntimeError):
    """A stage notebook failed; names the notebook, the cell and the reason."""

    def __init__(self, stage: str, notebook: str, cell: str, reason: str, executed: Path) -> None:
        self.stage, self.notebook, self.cell, self.reason, self.executed = stage, notebook, cell, reason, executed
        super().__init__(f"{notebook}, {cell}: {reason}\n(the executed notebook is kept at {executed})")


@dataclass(frozen=True)
class StageOutcome:
    """What one stage produced."""

    stage: str
    executed: Path
    report: Path
    seconds: float


@dataclass(frozen=True)
class RunSummary:
    """What a headless run produced."""

    run_id: str
    outcomes: tuple[StageOutcome, ...] = field(default_factory=tuple)


def notebooks_dir() -> Path:
    """Where the stage notebooks live: inside the wheel, or the source checkout's notebooks/."""
    packaged = resources.files("revmentor_nb") / "_notebooks"
    if packaged.is_dir():
        return Path(str(packaged))
    return Path(__file__).resolve().parents[2] / "notebooks"


def new_run_id() -> str:
    """A sortable id for a headless run."""
    return datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%S%fZ")


def parse_stages(stages: Sequence[str] | None) -> list[str]:
    """Validate stage names (in lifecycle order); None means all."""
    if not stages:
        return list(STAGES)
    bad = [s for s in stages if s not in STAGES]
    if bad:
        raise ValueError(f"unknown stage {bad[0]!r}; use one of: {', '.join(STAGES)}")
    return [s for s in STAGES if s in stages]


def run_stages(
    workspace: str | Path,
    stages: Sequence[str] | None = None,
    parameters: dict[str, Any] | None = None,
    *,
    run_id: str | None = None,
    wait: bool = False,
    progress: Callable[[str], None] | None = None,
    lock_held: bool = False,
) -> RunSummary:
    """Run stage notebooks headless on a workspace; reports go to ``reports/`` (latest) and ``reports/<run-id>/``.

    ``lock_held``: the caller already holds the workspace's run lock (``revmentor demo`` holds it
    across the several runs it makes), so this run does not take it again.
    """
    ws = Workspace(workspace)
    say = progress or (lambda msg: None)
    run_id = run_id or new_run_id()
    outcomes: list[StageOutcome] = []
    chosen = parse_stages(stages)
    check_parameters(parameters or {}, {s: notebooks_dir() / STAGES[s] for s in chosen}, ws.design)
    for folder in (ws.root, ws.root / "runs", ws.root / "reports"):
        if not os.access(folder, os.W_OK | os.X_OK):
            raise WorkspaceError(f"{folder} is not writable, so the run could keep neither its notebooks nor its "
                                 f"reports; give yourself write access to it (or run as its owner)")
    with contextlib.nullcontext() if lock_held else ws.run_lock(wait=wait):
        run_dir = ws.root / "runs" / run_id
        run_dir.mkdir(parents=True, exist_ok=True)
        with ws.step("run", run_id, {"stages": chosen, "parameters": parameters or {}}):
            for stage in chosen:
                step = f"[{list(STAGES).index(stage) + 1}/{len(STAGES)} {stage}]"
                say(f"{step} running {STAGES[stage]} ...")
                outcome = _run_one(ws, stage, run_dir, run_id, parameters or {})
                outcomes.append(outcome)
                say(f"{step} done in {outcome.seconds:.1f} s -> {outcome.report.relative_to(ws.root)}")
    return RunSummary(run_id, tuple(outcomes))


def _run_one(ws: Workspace, stage: str, run_dir: Path, run_id: str, parameters: dict[str, Any]) -> StageOutcome:
    import papermill as pm
    from papermill.exceptions import PapermillExecutionError

    from revmentor_nb.report.html import export_html

    name = STAGES[stage]
    executed = run_dir / name
    params = {"workspace": str(ws.root), "interactive": False, **parameters}
    if "pipeline_run" in declared_parameters(notebooks_dir() / name):
        params["pipeline_run"] = run_id  # the stage stores its result unaccepted, tagged with this run
    start = time.perf_counter()
    try:
        with _kernel_noise_filtered():
            pm.execute_notebook(
                str(notebooks_dir() / name), str(executed), parameters=params, kernel_name="python3",
                progress_bar=False, cwd=str(ws.root), log_output=False,
            )
    except PapermillExecutionError as err:
        cell = f"cell {err.exec_count}" if err.exec_count else f"cell index {err.cell_index}"
        raise StageFailed(stage, name, cell, f"{err.ename}: {err.evalue}", executed) from None
    seconds = time.perf_counter() - start
    html_name = name.replace(".ipynb", ".html")
    history = ws.root / "reports" / run_id / html_name
    export_html(executed, history, title=f"{ws.design.name} — {stage}")
    latest = ws.root / "reports" / html_name
    tmp = latest.with_name("." + html_name + ".tmp")
    shutil.copyfile(history, tmp)
    tmp.replace(latest)
    # write-ahead: the match this stage stored is accepted only now, its report written (a failed or
    # killed stage leaves the previously accepted match accepted)
    ws.accept_pending_match(pending_note(run_id))
    return StageOutcome(stage, executed, latest, seconds)


def pending_note(run_id: str) -> str:
    """The note a headless stage gives the match run it stores unaccepted (see ``Workspace.accept_pending_match``)."""
    return f"headless run {run_id}"


_KERNEL_NOISE = ("running over TCP without encryption",)


@contextlib.contextmanager
def _kernel_noise_filtered():
    """Pass the kernel's stderr through, less its harmless transport warning."""
    sys.stderr.flush()
    saved = os.dup(2)
    with tempfile.TemporaryFile(mode="w+b") as tmp:
        os.dup2(tmp.fileno(), 2)
        try:
            yield
        finally:
            sys.stderr.flush()
            os.dup2(saved, 2)
            os.close(saved)
            tmp.seek(0)
            for line in tmp.read().decode("utf-8", "replace").splitlines(keepends=True):
                if not any(noise in line for noise in _KERNEL_NOISE):
                    sys.stderr.write(line)
            sys.stderr.flush()
