"""Windows stand-in: the package imports and runs a stage with POSIX-only modules unavailable to its own code."""
from __future__ import annotations

import ast
import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import REPO

BLOCKER = Path(__file__).parent / "posix_free"
POSIX_ONLY = {"fcntl", "pwd", "grp", "resource", "termios", "posix"}


def _env(log: Path) -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(BLOCKER), *filter(None, [env.get("PYTHONPATH")])])
    env["REVMENTOR_POSIX_LOG"] = str(log)
    return env


def test_no_module_of_the_package_imports_a_posix_only_module():
    found = []
    for path in (REPO / "revmentor_nb").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else (
                [node.module or ""] if isinstance(node, ast.ImportFrom) and node.level == 0 else [])
            found += [f"{path.relative_to(REPO)}:{node.lineno} {n}" for n in names if n.split(".")[0] in POSIX_ONLY]
    assert not found, found


def test_the_blocker_blocks(tmp_path):
    """The stand-in is live: an import of fcntl from a revmentor_nb module fails under it."""
    log = tmp_path / "log"
    code = "g = {'__name__': 'revmentor_nb.x'}\ntry:\n    exec('import fcntl', g)\nexcept ImportError:\n    print('blocked')"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=_env(log), timeout=60)
    assert out.stdout.strip() == "blocked" and "blocked fcntl imported by revmentor_nb.x" in log.read_text()


def test_every_module_imports_without_posix_only_modules(tmp_path):
    log = tmp_path / "log"
    code = ("import importlib, pkgutil, revmentor_nb\n"
            "mods = [m.name for m in pkgutil.walk_packages(revmentor_nb.__path__, 'revmentor_nb.')]\n"
            "[importlib.import_module(m) for m in mods]\nprint(len(mods))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=_env(log), timeout=300)
    assert out.returncode == 0, out.stderr
    assert int(out.stdout.strip()) > 50
    assert "blocked" not in log.read_text()


@pytest.mark.notebook
def test_a_stage_runs_with_posix_only_modules_blocked(tmp_path):
    log = tmp_path / "log"
    env = _env(log)
    ws = tmp_path / "ws"
    for args in (["new", str(ws)], ["run", str(ws), "--stage", "design", "--wait", "5"]):
        out = subprocess.run([sys.executable, "-m", "revmentor_nb", *args], capture_output=True, text=True,
                             env=env, timeout=600)
        assert out.returncode == 0, out.stderr
    text = log.read_text()
    assert "blocked" not in text, text
    assert len({ln for ln in text.splitlines() if ln.startswith("active")}) >= 3  # new, run, and the kernel
    assert (ws / "reports" / "01_design.html").is_file() and (ws / "reports" / "summary.json").is_file()
