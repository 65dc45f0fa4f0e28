"""The documentation site: the generated pages hold every program.yaml key and notebook parameter; it builds --strict."""
from __future__ import annotations

import ast
import importlib.util
import json
import shutil
import subprocess
import sys
import typing

import pytest
from conftest import REPO
from pydantic import BaseModel

from revmentor_nb.design.program import ProgramDesign
from revmentor_nb.design.reference import program_yaml_reference

spec = importlib.util.spec_from_file_location("mkdocs_hooks", REPO / "scripts" / "mkdocs_hooks.py")
hooks = importlib.util.module_from_spec(spec)
spec.loader.exec_module(hooks)


def _top_level_and_nested_keys(model: type[BaseModel], prefix: str = "") -> list[str]:
    """Keys reachable through fields whose type is a model itself (an independent walk, plain attributes only)."""
    keys = []
    for name, field in model.model_fields.items():
        keys.append(prefix + name)
        ann = field.annotation
        optional = typing.get_origin(ann) in (typing.Union, __import__("types").UnionType)
        for candidate in (ann, *(typing.get_args(ann) if optional else ())):  # a model, or a model or None
            if isinstance(candidate, type) and issubclass(candidate, BaseModel):
                keys += _top_level_and_nested_keys(candidate, f"{prefix}{name}.")
    return keys


def test_the_reference_lists_every_key_with_its_default_and_allowed_values():
    page = program_yaml_reference()
    rows = {line.split("|")[1].strip().strip("`"): line for line in page.splitlines() if line.startswith("| `")}
    for key in _top_level_and_nested_keys(ProgramDesign):
        assert key in rows, key
    assert "`2026-03-02`" in rows["schedule.start_date"] and "date" in rows["schedule.start_date"]
    assert "`one-way`, `two-way`" in rows["mode"] and "`one-way`" in rows["mode"].split("|")[3]
    assert ">= 2, <= 50" in rows["privacy.k"] and "`5`" in rows["privacy.k"]
    assert "`roster`" in rows["inputs"] and "`executive_sponsor`" in rows["readiness"]
    assert "`civil-service`" in rows["matching.preset"]
    assert "matching.rules.extra[].kind" in rows and "inputs.<name>.mentees" in rows
    assert "`mentee_senior`, `mentor_senior`" in rows["matching.rules.grade_gap.direction"]


@pytest.mark.parametrize("notebook", ["01_design.ipynb", "02_match.ipynb", "03_monitor.ipynb", "04_evaluate.ipynb"])
def test_the_stage_guide_tables_list_every_notebook_parameter(notebook):
    nb = json.loads((REPO / "notebooks" / notebook).read_text(encoding="utf-8"))
    cell = next(c for c in nb["cells"] if "parameters" in c["metadata"].get("tags", []))
    names = [t.id for n in ast.parse("".join(cell["source"])).body if isinstance(n, ast.Assign) for t in n.targets]
    table = hooks.parameters_table(REPO / "notebooks" / notebook)
    assert names and all(f"| `{n}` |" in table for n in names)
    assert f"<!-- parameters: {notebook} -->" in (REPO / "docs" / "stages.md").read_text(encoding="utf-8")


def test_readme_links_into_docs_become_site_links():
    assert hooks.readme_as_index("see [x](docs/matching.md) and [y](https://a.b)") == \
        "see [x](matching.md) and [y](https://a.b)"


@pytest.mark.skipif(shutil.which("mkdocs") is None and importlib.util.find_spec("mkdocs") is None,
                    reason="mkdocs is not installed (pip install -e '.[docs]'; CI installs it)")
def test_the_site_builds_strict_and_offline(tmp_path):
    out = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(tmp_path / "site")],
                         cwd=REPO, capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr
    site = tmp_path / "site"
    for page in ("index.html", "stages.html", "reference/program-yaml.html", "scheduling.html", "matching.html", "reports.html",
                 "dataframes.html", "architecture.html"):
        text = (site / page).read_text(encoding="utf-8")
        assert 'src="http' not in text and "stylesheet\" href=\"http" not in text, page
    assert "schedule.start_date" in (site / "reference" / "program-yaml.html").read_text(encoding="utf-8")
