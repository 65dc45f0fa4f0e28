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

from revmentor_nb.fileio import make_private
from revmentor_nb.lean_imports import headless_kernels
from revmentor_nb.run.parameters import check_parameters, declared_parameters
from revmentor_nb.workspace.workspace import Workspace, WorkspaceError

STAGES: dict[str, str] = {
    "design": "01_design.ipynb",
    "match": "02_match.ipynb",
    "monitor": "03_monitor.ipynb",
    "evaluate": "04_evaluate.ipynb",
}


class UnknownStage(ValueError):
    """A stage name that is not one of STAGES (a usage error)."""


class UnknownKernel(ValueError):
    """A Jupyter kernel name that is not installed (a usage error)."""


class StageFailed(RuntimeError):
    """A stage notebook failed; names the notebook, the cell and the reason."""

    def __init__(self, stage: str, notebook: str, cell: str, reason: str, executed: Path) -> None:
        self.stage, self.notebook, self.cell, self.reason, self.executed = stage, notebook, cell, reason, executed
        super().__init__(f"{notebook}, {cell}: {reason}\n(the executed notebook is kept at {executed})")


RESULTS_STAGES = ("monitor", "evaluate")  # the notebooks that write figures for reports/summary.json


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
        raise UnknownStage(f"unknown stage {bad[0]!r}; use one of: {', '.join(STAGES)}")
    return [s for s in STAGES if s in stages]


def check_kernel(name: str) -> None:
    """Refuse a kernel name Jupyter does not know (a usage error, listing the installed kernels)."""
    from jupyter_client.kernelspec import KernelSpecManager

    known = KernelSpecManager().find_kernel_specs()
    if name not in known:
        raise UnknownKernel(f"no Jupyter kernel named {name!r}; installed: {', '.join(sorted(known)) or 'none'} "
                            "(`jupyter kernelspec list`; install one with `python -m ipykernel install --user --name NAME`)")


def run_stages(
    workspace: str | Path,
    stages: Sequence[str] | None = None,
    parameters: dict[str, Any] | None = None,
    *,
    run_id: str | None = None,
    wait: bool | float = False,
    progress: Callable[[str], None] | None = None,
    timeout: float | None = None,
    kernel: str = "python3",
    lock_held: bool = False,
) -> RunSummary:
    """Run stage notebooks headless on a workspace; reports go to ``reports/`` (latest) and ``reports/<run-id>/``.

    ``wait``: False refuses when another run holds the workspace (WorkspaceBusy), True waits, a number
    waits that many seconds. ``timeout``: seconds one stage may take before it fails. Whatever happens,
    ``reports/summary.json`` (and ``reports/<run-id>/summary.json``) and ``reports/index.html`` are
    written for the stages that ran. ``lock_held``: the caller already holds the workspace's run lock
    (``revmentor demo`` holds it across the several runs it makes), so this run does not take it again.
    """
    ws = Workspace(workspace)
    say = progress or (lambda msg: None)
    run_id = run_id or new_run_id()
    chosen = parse_stages(stages)
    check_kernel(kernel)
    outcomes: list[StageOutcome] = []
    check_parameters(parameters or {}, {s: notebooks_dir() / STAGES[s] for s in chosen}, ws.design)
    for folder in (ws.root, ws.root / "runs", ws.root / "reports"):
        if not os.access(folder, os.W_OK | os.X_OK):
            raise WorkspaceError(f"{folder} is not writable, so the run could keep neither its notebooks nor its "
                                 f"reports; give yourself write access to it (or run as its owner)")
    with contextlib.nullcontext() if lock_held else ws.run_lock(wait=wait):
        run_dir = ws.root / "runs" / run_id
        run_dir.mkdir(parents=True, exist_ok=True)
        started = datetime.now(timezone.utc)
        failure: BaseException | None = None
        try:
            with ws.step("run", run_id, {"stages": chosen, "parameters": parameters or {}}):
                for stage in chosen:
                    step = f"[{list(STAGES).index(stage) + 1}/{len(STAGES)} {stage}]"
                    say(f"{step} running {STAGES[stage]} ...")
                    outcome = _run_one(ws, stage, run_dir, run_id, parameters or {}, timeout=timeout, kernel=kernel)
                    outcomes.append(outcome)
                    say(f"{step} done in {outcome.seconds:.1f} s -> {outcome.report.relative_to(ws.root)}")
        except BaseException as err:
            failure = err
            raise
        finally:
            _write_summary(ws, run_id, run_dir, chosen, outcomes, failure, started)
    return RunSummary(run_id, tuple(outcomes))


def _write_summary(ws: Workspace, run_id: str, run_dir: Path, chosen: list[str], outcomes: list[StageOutcome],
                   failure: BaseException | None, started: datetime) -> None:
    """reports/<run-id>/summary.json, its copy reports/summary.json, and reports/index.html."""
    from revmentor_nb import __version__
    from revmentor_nb.report.index import write_index
    from revmentor_nb.report.results import load_results, write_summary

    done = {o.stage: o for o in outcomes}
    # stages run in order: the first one without an outcome is the one that failed (or was interrupted)
    failed = chosen[len(outcomes)] if failure is not None and len(outcomes) < len(chosen) else None
    stages = []
    for stage in chosen:
        o = done.get(stage)
        status = "ok" if o else "failed" if stage == failed else "not run"
        stages.append({
            "stage": stage, "status": status, "seconds": round(o.seconds, 2) if o else None,
            "report": o.report.relative_to(ws.root).as_posix() if o else None,
            "executed": (run_dir / STAGES[stage]).relative_to(ws.root).as_posix(),
            "error": str(getattr(failure, "reason", failure)) if status == "failed" else None,
        })
    match = None
    if "match" in done:
        run = ws.match_run()
        match = run and {"match_run": run.id, "pairs": len(run.pairs), "unmatched": len(run.unmatched),
                         "status": run.status}
    figures = {s: load_results(run_dir / f"{s}.results.json") if s in done else None for s in RESULTS_STAGES}
    history = ws.root / "reports" / run_id / "summary.json"
    before = load_results(history) or {}  # one run id over several calls (the demo): keep what ran earlier
    earlier = [st for st in before.get("stages", []) if st.get("stage") not in chosen]
    stages = sorted(earlier + stages, key=lambda st: list(STAGES).index(st["stage"]))
    summary = {
        "run_id": run_id, "programme": ws.design.name, "revmentor_version": __version__,
        "started_at": before.get("started_at") or started.isoformat(timespec="seconds"),
        "finished_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "status": "failed" if any(st["status"] != "ok" for st in stages) else "ok",
        "stages": stages, "privacy": {"k": ws.design.privacy.k},
        "match": match if "match" in chosen else before.get("match"),
        "monitoring": figures["monitor"] if "monitor" in chosen else before.get("monitoring"),
        "evaluation": figures["evaluate"] if "evaluate" in chosen else before.get("evaluation"),
    }
    write_summary(history, summary)
    write_summary(ws.root / "reports" / "summary.json", summary)
    write_index(ws.root / "reports", ws.design.name)


def _run_one(ws: Workspace, stage: str, run_dir: Path, run_id: str, parameters: dict[str, Any], *,
             timeout: float | None = None, kernel: str = "python3") -> StageOutcome:
    import papermill as pm
    from papermill.exceptions import PapermillExecutionError

    from revmentor_nb.report.html import export_html

    name = STAGES[stage]
    executed = run_dir / name
    params = {"workspace": str(ws.root), "interactive": False, **parameters}
    if stage in RESULTS_STAGES:
        params["results_path"] = str(run_dir / f"{stage}.results.json")
    if "pipeline_run" in declared_parameters(notebooks_dir() / name):
        params["pipeline_run"] = run_id  # the stage stores its result unaccepted, tagged with this run
    start = time.perf_counter()
    limits: dict[str, Any] = {}
    if timeout:  # one deadline for the whole stage: each cell may use what is left of it
        deadline = time.monotonic() + timeout
        limits = {"timeout_func": lambda cell: max(1, int(deadline - time.monotonic() + 0.999))}
    try:
        with _kernel_noise_filtered() as quiet, headless_kernels():
            try:
                pm.execute_notebook(
                    str(notebooks_dir() / name), str(executed), parameters=params, kernel_name=kernel,
                    progress_bar=False, cwd=str(ws.root), log_output=False, **limits,
                )
            except TimeoutError:
                quiet.append(True)  # the interrupted kernel's own traceback is plumbing: the message below says it
                raise
    except PapermillExecutionError as err:
        cell = f"cell {err.exec_count}" if err.exec_count else f"cell index {err.cell_index}"
        raise StageFailed(stage, name, cell, f"{err.ename}: {err.evalue}", executed) from None
    except TimeoutError:
        raise StageFailed(stage, name, "a cell", f"timed out: the stage ran longer than --timeout {timeout:g} s",
                          executed) from None
    finally:  # an executed notebook may show names (e.g. a failing cell's message): owner-only, like the store
        if executed.exists():
            make_private(executed)
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
    if ws.accept_pending_match(pending_note(run_id)) and (ws.root / "exports").is_dir():
        from revmentor_nb.review.handover import write_index

        write_index(ws)  # exports/CURRENT now names the hand-over of the run just accepted
    return StageOutcome(stage, executed, latest, seconds)


def pending_note(run_id: str) -> str:
    """The note a headless stage gives the match run it stores unaccepted (see ``Workspace.accept_pending_match``)."""
    return f"headless run {run_id}"


# Harmless kernel plumbing, not the user's business: the transport warning, and the line ipykernel logs when
# papermill stops the kernel after the last cell (it interrupts the kernel as part of shutting it down).
_KERNEL_NOISE = ("running over TCP without encryption", "KeyboardInterrupt caught in kernel")


@contextlib.contextmanager
def _kernel_noise_filtered():
    """Pass the kernel's stderr through, less its harmless transport warning."""
    sys.stderr.flush()
    saved = os.dup(2)
    quiet: list[bool] = []  # the caller appends True to drop everything (a stage stopped by --timeout)
    with tempfile.TemporaryFile(mode="w+b") as tmp:
        os.dup2(tmp.fileno(), 2)
        try:
            yield quiet
        finally:
            sys.stderr.flush()
            os.dup2(saved, 2)
            os.close(saved)
            tmp.seek(0)
            for line in tmp.read().decode("utf-8", "replace").splitlines(keepends=True):
                if not quiet and not any(noise in line for noise in _KERNEL_NOISE):
                    sys.stderr.write(line)
            sys.stderr.flush()
