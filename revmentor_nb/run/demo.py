"""The demo end to end: synthetic organisation -> design -> match -> activity -> reports (``revmentor demo``).

Facilitators and first-time users get a programme with something true to show at every
stage; the same steps a real programme takes, on generated data.
"""
from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pandas as pd

from revmentor_nb.demo import organisation as demo
from revmentor_nb.demo.workspace import demo_design
from revmentor_nb.design.program import ProgramDesign
from revmentor_nb.run.pipeline import RunSummary, new_run_id, run_stages
from revmentor_nb.workspace.workspace import (
    DEMO_MARK,
    Workspace,
    WorkspaceError,
    check_new_folder,
    is_demo_workspace,
)


def run_demo(folder: str | Path, *, seed: int = 0, n_employees: int = 3000,
             progress: Callable[[str], None] | None = None) -> RunSummary:
    """Make (or refresh) a demo workspace in ``folder`` and run all four stages headless.

    A folder that holds anything else is refused: a programme the demo did not make (its
    program.yaml and inputs are never replaced), any other non-empty folder, a file. A demo
    workspace is refreshed only under its run lock, so never while a run is using it.
    """
    say = progress or (lambda msg: None)
    root = Path(folder)
    check_new_folder(root)
    if root.exists() and any(root.iterdir()) and not is_demo_workspace(root):
        if (root / "program.yaml").exists() or (root / "program.sqlite").exists():
            raise WorkspaceError(f"{root} holds a programme that `revmentor demo` did not make; it is left as it is. "
                                 f"Give the demo a new folder, e.g. `revmentor demo {root.name}-demo`")
        raise WorkspaceError(f"{root} exists and is not a workspace; choose an empty or new folder for the demo")
    try:
        root.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        raise WorkspaceError(f"cannot make {root} ({err.strerror or err}); choose a folder you may write to") from None
    fresh = not (root / "program.yaml").exists()
    if fresh:
        Workspace.create(root)
        (root / DEMO_MARK).write_text(f"made by `revmentor demo` (seed {seed}); the demo may refresh this folder\n",
                                      encoding="utf-8")
    with Workspace(root).run_lock(wait=False):  # held across all the runs below: nothing runs on it meanwhile
        return _build_and_run(root, seed, n_employees, say)


def _build_and_run(root: Path, seed: int, n_employees: int, say: Callable[[str], None]) -> RunSummary:
    say(f"building the demo organisation (seed {seed}, {n_employees} employees) ...")
    org = demo.build_demo(seed=seed, n_employees=n_employees)
    demo.write_inputs(org, root / "inputs")
    ws = Workspace.create(root, demo_design(list(org.grade_order), org.start_date), exist_ok=True)
    run_id = new_run_id()
    first = run_stages(ws.root, ["design", "match"], run_id=run_id, progress=say, lock_held=True)
    accepted = Workspace(ws.root).match_run()
    if accepted is None:
        raise WorkspaceError("the match stage stored no accepted run; see the match report")
    say(f"simulating six months of meetings, check-ins and assessments for {len(accepted.pairs)} pairs ...")
    activity = demo.simulate_activity(org, accepted.pairs, seed=seed, cadence_days=ws.design.schedule.cadence_days)
    written = demo.write_activity(activity, root / "inputs")
    design = ws.design.model_copy(update={"inputs": {**ws.design.inputs,
                                                     **{k: str(Path(p).resolve().relative_to(ws.root)) for k, p in written.items()}}})
    ws.save_design(ProgramDesign.model_validate(design.model_dump()))
    second = run_stages(ws.root, ["monitor"], run_id=run_id, progress=say, lock_held=True)
    # the demo's HR outcomes run one year past the start, so the 12-month KPIs are measurable then
    one_year_on = (pd.Timestamp(org.start_date) + pd.DateOffset(years=1)).date().isoformat()
    third = run_stages(ws.root, ["evaluate"], {"as_of": one_year_on}, run_id=run_id, progress=say,
                       lock_held=True)
    return RunSummary(run_id, first.outcomes + second.outcomes + third.outcomes)
