"""The layout's rules hold: layers import one way, no import circles, and reading a design loads no heavy library."""
from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import grimp
import pytest

REPO = Path(__file__).resolve().parent.parent
HEAVY = ["highspy", "ortools", "pulp", "altair", "ipywidgets", "anywidget", "papermill", "nbconvert", "vl_convert"]


def test_import_linter_contracts_are_kept():
    """Layers, the forbidden libraries and acyclic folders (pyproject's [tool.importlinter]) all pass."""
    script = shutil.which("lint-imports", path=str(Path(sys.executable).parent))
    assert script, "import-linter is part of the test extra"
    done = subprocess.run([script, "--no-cache"], cwd=REPO, capture_output=True, text=True)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-2000:]


def _cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    counter = 0
    for root in sorted(edges):
        if root in index:
            continue
        work = [(root, iter(sorted(edges[root])))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(edges[child]))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    found.append(sorted(component))
    return found


def test_cycle_finder_finds_a_planted_circle():
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert _cycles({"a": {"b"}, "b": set()}) == []


def test_no_import_circles_between_any_two_modules():
    """Module level, run-time imports (type-checking-only imports excluded), across the whole package."""
    graph = grimp.build_graph("revmentor_nb", exclude_type_checking_imports=True, cache_dir=None)
    edges = {m: {i for i in graph.find_modules_directly_imported_by(m) if i in graph.modules} for m in graph.modules}
    # a package's lazy __init__ imports nothing; a module importing its own package is not a circle
    for module in edges:
        edges[module] = {i for i in edges[module] if not module.startswith(i + ".")}
    assert _cycles(edges) == []


@pytest.mark.parametrize("statement", [
    "import revmentor_nb",
    "from revmentor_nb import Workspace, ProgramDesign, load_design, InputError, demo",
    "from revmentor_nb.design.program import ProgramDesign; ProgramDesign()",
    "import revmentor_nb.matching, revmentor_nb.report, revmentor_nb.ui, revmentor_nb.report.charts",
    "from revmentor_nb.design.forecast import forecast",
])
def test_reading_a_design_or_opening_a_workspace_loads_no_heavy_library(statement, tmp_path):
    code = (f"{statement}\nimport sys, json\n"
            f"print(json.dumps(sorted(m for m in {HEAVY!r} if m in sys.modules)))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout.strip().splitlines()[-1]) == []


def test_opening_a_real_workspace_loads_no_heavy_library(tmp_path):
    from revmentor_nb import Workspace

    Workspace.create(tmp_path / "ws")
    code = ("from revmentor_nb import Workspace\nimport sys, json\n"
            f"ws = Workspace({str(tmp_path / 'ws')!r}); ws.design; ws.table('participants')\n"
            f"print(json.dumps(sorted(m for m in {HEAVY!r} if m in sys.modules)))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout.strip().splitlines()[-1]) == []


def test_no_lazy_name_is_shadowed_by_a_submodule_of_the_same_name():
    """A package attribute set by importing a submodule would hide a lazy name pointing elsewhere."""
    import importlib
    import pkgutil

    import revmentor_nb

    clashes = []
    packages = [revmentor_nb] + [importlib.import_module(m.name) for m in pkgutil.walk_packages(
        revmentor_nb.__path__, "revmentor_nb.") if m.ispkg]
    for package in packages:
        subs = {s.name for s in pkgutil.iter_modules(package.__path__)}
        for name, target in getattr(package, "_EXPORTS", {}).items():
            if name in subs and target != f"{package.__name__}.{name}":
                clashes.append((package.__name__, name, target))
    assert clashes == []
