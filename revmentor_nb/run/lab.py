"""The notebooks where people work: copies in a workspace (``revmentor new``, ``lab``) and workshop seats.

After ``pip install`` the stage notebooks live inside the package; a person needs their own copies,
next to their programme, with ``workspace`` already pointing at it. ``revmentor lab WS`` puts them
there and starts JupyterLab in the workspace; ``revmentor workshop DIR --seats N`` makes N independent
copies of the demo programme (one per participant, so nobody overwrites anyone's accepted match).
"""
from __future__ import annotations

import os
import re
import shutil
import sqlite3
import sys
from collections.abc import Callable
from pathlib import Path

import nbformat

from revmentor_nb.run.pipeline import STAGES, notebooks_dir
from revmentor_nb.workspace.workspace import Workspace, WorkspaceError

NOTEBOOK_FOLDER = "notebooks"
SEAT_PREFIX = "seat-"
_SKIP = (".revmentor.lock", "*.sqlite-wal", "*.sqlite-shm")


def set_parameter(nb: nbformat.NotebookNode, name: str, value: object) -> None:
    """Set ``name = value`` in the notebook's ``parameters`` cell (keeping the line's comment)."""
    cell = next((c for c in nb.cells if "parameters" in c.get("metadata", {}).get("tags", [])), None)
    if cell is None:
        raise ValueError("the notebook has no cell tagged 'parameters'")
    lines = cell.source.splitlines()
    pattern = re.compile(rf"^{re.escape(name)}\s*=[^#]*(#.*)?$")
    for i, line in enumerate(lines):
        hit = pattern.match(line)
        if hit:
            comment = hit.group(1)
            text = f"{name} = {value!r}"
            lines[i] = f"{text:<31} {comment}" if comment else text
            break
    else:
        lines.append(f"{name} = {value!r}")
    cell.source = "\n".join(lines)


def install_notebooks(root: str | Path, *, overwrite: bool = False) -> tuple[list[Path], list[Path]]:
    """Copy the four stage notebooks into ``root/notebooks/`` with ``workspace`` set to their workspace.

    Returns (written, kept): a notebook already there is kept (it may hold the user's own edits)
    unless ``overwrite``. ``workspace`` is ``".."``, so the folder can be moved or copied whole.
    """
    root = Path(root)
    if not (root / "program.yaml").exists():
        raise WorkspaceError(f"{root} is not a programme workspace (no program.yaml); make one with `revmentor new {root}`")
    folder = root / NOTEBOOK_FOLDER
    folder.mkdir(exist_ok=True)
    written, kept = [], []
    for name in STAGES.values():
        out = folder / name
        if out.exists() and not overwrite:
            kept.append(out)
            continue
        nb = nbformat.read(notebooks_dir() / name, as_version=4)
        set_parameter(nb, "workspace", "..")
        tmp = out.with_name(f".{name}.tmp")
        nbformat.write(nb, tmp)
        os.replace(tmp, out)
        written.append(out)
    return written, kept


def lab_command(root: str | Path, *, port: int | None = None, no_browser: bool = False,
                ip: str | None = None) -> list[str]:
    """The JupyterLab command for a workspace (tokens as JupyterLab makes them; --allow-root only as root)."""
    cmd = [sys.executable, "-m", "jupyterlab", f"--ServerApp.root_dir={Path(root).resolve()}"]
    if port is not None:
        cmd.append(f"--port={port}")
    if ip:
        cmd.append(f"--ip={ip}")
    if no_browser:
        cmd.append("--no-browser")
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        cmd.append("--allow-root")
    return cmd


def _checkpoint(db: Path) -> None:
    """Fold the store's write-ahead log into the file, so a copy of the file is the whole store."""
    if db.exists():
        conn = sqlite3.connect(db)
        try:
            conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        finally:
            conn.close()


def make_seats(folder: str | Path, seats: int, *, seed: int = 0, n_employees: int = 1500,
               progress: Callable[[str], None] | None = None) -> list[Path]:
    """N independent copies of the demo programme under ``folder`` (seat-01 ...), each with its notebooks.

    The demo is built and run once (design, match, monitor, evaluate); each seat is a copy of that
    workspace, so every participant has their own accepted match, audit log and reports.
    """
    from revmentor_nb.run.demo import run_demo

    if seats < 1:
        raise ValueError(f"--seats must be at least 1, not {seats}")
    say = progress or (lambda msg: None)
    folder = Path(folder)
    if folder.exists() and any(p.name.startswith(SEAT_PREFIX) for p in folder.iterdir()):
        raise WorkspaceError(f"{folder} already holds workshop seats; choose a new folder")
    template = folder / ".template"
    if not (template / "program.yaml").exists():
        say(f"building the demo programme once ({n_employees} employees, seed {seed}) ...")
        run_demo(template, seed=seed, n_employees=n_employees, progress=say)
    _checkpoint(Workspace(template).db_path)
    width = max(2, len(str(seats)))
    made = []
    for i in range(1, seats + 1):
        seat = folder / f"{SEAT_PREFIX}{i:0{width}d}"
        shutil.copytree(template, seat, ignore=shutil.ignore_patterns(*_SKIP))
        install_notebooks(seat, overwrite=True)
        made.append(seat)
    say(f"made {seats} seat(s) under {folder}")
    return made


def workshop_instructions(folder: str | Path, seats: list[Path]) -> str:
    """How to serve the seats: one JupyterLab for the room, or Voila's code-free view."""
    folder = Path(folder).resolve()
    first = seats[0].name if seats else f"{SEAT_PREFIX}01"
    return f"""{len(seats)} seat(s) under {folder}: {', '.join(s.name for s in seats[:3])}{' ...' if len(seats) > 3 else ''}
Each seat is a whole demo programme with its own match, audit log and reports: nobody overwrites anyone.

One JupyterLab for the room (participants open their own seat's notebooks/ folder):
  revmentor lab {folder} --no-browser --ip 0.0.0.0 --port 8888
  then give each participant http://THIS-HOST:8888/lab/tree/{first}/notebooks/02_match.ipynb?token=TOKEN
  (JupyterLab prints the token; every open notebook is a kernel of about 300 MB: ask people to close
  the ones they have finished with, or add --MappingKernelManager.cull_idle_timeout=900).

Voila, the code-free view of each notebook's widgets (optional: pip install 'revmentor_nb[workshop]'):
  voila {folder} --no-browser --Voila.ip=0.0.0.0 --port=8866 --MappingKernelManager.cull_idle_timeout=900
  then http://THIS-HOST:8866/voila/render/{first}/notebooks/01_design.ipynb (and 02_match, 03_monitor,
  04_evaluate); each page load runs the notebook and resumes that seat's review: it accepts nothing.
"""
