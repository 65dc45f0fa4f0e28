"""The four notebooks on the demo workspace: papermill runs, offline reports, privacy, nbval."""
from __future__ import annotations

import difflib
import re
import subprocess
import sys
from pathlib import Path

import pytest

from revmentor_nb import Workspace
from revmentor_nb.run.pipeline import STAGES, run_stages

pytestmark = pytest.mark.notebook

REPORTS = [name.replace(".ipynb", ".html") for name in STAGES.values()]


def _html(ws: Path, name: str) -> str:
    return (ws / "reports" / name).read_text(encoding="utf-8")


def test_demo_makes_four_reports_each_with_a_chart(demo_workspace):
    for name in REPORTS:
        html = _html(demo_workspace, name)
        assert 'data-mime-type="image/svg+xml"' in html, f"{name} has no chart"
        assert "Traceback" not in html and "Error" not in re.sub(r"<style.*?</style>", "", html, flags=re.S)


def test_reports_open_offline(demo_workspace):
    for name in REPORTS:
        html = _html(demo_workspace, name)
        external = re.findall(r"""(?:src|href)\s*=\s*["']?(?:https?:)?//""", html)
        imports = re.findall(r"@import\s+url\(\s*['\"]?https?:", html)
        assert not external and not imports, f"{name} loads from the internet: {external[:3]}"
        assert "<script src" not in html


def test_reports_show_no_names_emails_or_raw_ids(demo_workspace):
    ws = Workspace(demo_workspace)
    people = ws.table("participants")
    text = "".join(_html(demo_workspace, n) for n in REPORTS)
    leaked_emails = [e for e in people["email"].dropna() if e in text]
    leaked_names = [n for n in people["name"].dropna() if f">{n}<" in text]
    leaked_ids = [p for p in people["person_id"] if re.search(rf">\s*{re.escape(p)}\s*<", text)]
    assert not leaked_emails and not leaked_names and not leaked_ids


def test_demo_match_run_is_accepted_and_feeds_monitoring(demo_workspace):
    ws = Workspace(demo_workspace)
    run = ws.match_run()
    assert run is not None and len(run.pairs) > 50
    assert ws.has("meetings") and ws.has("assessments")
    actions = set(ws.audit_log()["action"])
    assert {"import", "match.run", "run"} <= actions
    assert (ws.audit_log()["status"] == "ok").all()


def test_reports_are_a_function_of_the_workspace(demo_workspace):
    first = run_stages(demo_workspace, ["design", "monitor"])
    a = {o.stage: o.report.read_text() for o in first.outcomes}
    second = run_stages(demo_workspace, ["design", "monitor"])
    b = {o.stage: o.report.read_text() for o in second.outcomes}
    for stage in a:  # on a difference, say where: the first lines that differ, tags on lines of their own
        if a[stage] != b[stage]:
            lines = [t.replace("><", ">\n<").splitlines() for t in (a[stage], b[stage])]
            diff = list(difflib.unified_diff(*lines, "first run", "second run", n=1, lineterm=""))
            pytest.fail(f"the {stage} report differs between two runs on one workspace:\n" + "\n".join(
                line[:300] for line in diff[:40]))
    assert len(list((demo_workspace / "reports").glob("*/01_design.html"))) >= 3  # history kept


def test_nbval_re_execution_reproduces_every_output(demo_workspace):
    """Re-run all four executed notebooks with nbval: the same workspace gives the same outputs."""
    summary = run_stages(demo_workspace)
    executed = [str(o.executed) for o in summary.outcomes]
    cfg = Path(__file__).with_name("nbval_sanitize.cfg")
    proc = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--nbval", "--nbval-current-env",
                           "--nbval-sanitize-with", str(cfg), *executed], capture_output=True, text=True,
                          cwd=demo_workspace, timeout=900)
    assert proc.returncode == 0, proc.stdout[-4000:] + proc.stderr[-2000:]
