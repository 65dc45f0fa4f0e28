"""What a scheduler relies on: exit codes, --wait SECONDS, --timeout, --kernel, summary.json and index.html."""
from __future__ import annotations

import ast
import json
import os
import re
import stat
import subprocess
import sys
import time
from pathlib import Path

import jsonschema
import nbformat
import pytest
from conftest import REPO, revmentor_cmd

from revmentor_nb import Workspace
from revmentor_nb.run import pipeline
from revmentor_nb.run.cli import EXIT_BUSY, EXIT_FAILED, EXIT_USAGE

SCHEMA = json.loads((REPO / "docs" / "summary.schema.json").read_text(encoding="utf-8"))


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(revmentor_cmd(*args), capture_output=True, text=True, timeout=600)


def valid_summary(path: Path) -> dict:
    summary = json.loads(path.read_text(encoding="utf-8"))
    jsonschema.validate(summary, SCHEMA, format_checker=jsonschema.FormatChecker())
    return summary


def test_version_and_python_dash_m():
    from revmentor_nb import __version__

    out = run("--version")
    assert out.returncode == 0 and out.stdout.strip() == f"revmentor_nb {__version__}"
    helped = subprocess.run([sys.executable, "-m", "revmentor_nb", "--help"], capture_output=True, text=True, timeout=120)
    assert helped.returncode == 0 and "exit codes" in helped.stdout and "{demo,new,validate,run" in helped.stdout


def test_a_busy_workspace_exits_75_and_wait_seconds_gives_up_after_that_long(tmp_path):
    ws = Workspace.create(tmp_path / "ws")
    with ws.run_lock():  # this test process holds the run lock
        refused = run("run", str(ws.root), "--stage", "design")
        start = time.monotonic()
        waited = run("run", str(ws.root), "--stage", "design", "--wait", "2")
        took = time.monotonic() - start
    assert refused.returncode == EXIT_BUSY == 75, refused.stderr
    assert "busy" in refused.stderr and "--wait SECONDS" in refused.stderr and len(refused.stderr.splitlines()) == 1
    assert f"pid {os.getpid()}" in refused.stderr  # names who holds it
    assert waited.returncode == EXIT_BUSY and "after waiting 2 s" in waited.stderr
    assert took >= 2
    assert not (ws.root / "runs").exists() or not any((ws.root / "runs").iterdir())  # nothing ran


def test_wait_with_a_free_lock_goes_ahead_and_the_lock_is_released(tmp_path):
    ws = Workspace.create(tmp_path / "ws")
    with ws.run_lock(wait=1.5):
        pass
    with ws.run_lock():  # released: a second holder gets it at once
        pass


def test_usage_errors_exit_2(tmp_path):
    Workspace.create(tmp_path / "ws")
    bad_kernel = run("run", str(tmp_path / "ws"), "--kernel", "no-such-kernel")
    assert bad_kernel.returncode == EXIT_USAGE, bad_kernel.stderr
    assert "no Jupyter kernel named 'no-such-kernel'" in bad_kernel.stderr and "python3" in bad_kernel.stderr
    assert run("run", str(tmp_path / "ws"), "--wait", "soon").returncode == EXIT_USAGE
    assert run("run", str(tmp_path / "ws"), "--timeout", "-3").returncode == EXIT_USAGE
    assert run("frobnicate").returncode == EXIT_USAGE


def _slow_notebooks(folder: Path) -> Path:
    """Stand-in stage notebooks: the design stage sleeps far longer than the test's --timeout."""
    folder.mkdir()
    for stage, name in pipeline.STAGES.items():
        params = nbformat.v4.new_code_cell("workspace = ''\ninteractive = True\nresults_path = None")
        params.metadata["tags"] = ["parameters"]
        body = "import time\ntime.sleep(60)" if stage == "design" else "print('ok')"
        nb = nbformat.v4.new_notebook(cells=[params, nbformat.v4.new_code_cell(body)])
        nb.metadata["kernelspec"] = {"name": "python3", "language": "python", "display_name": "Python 3"}
        nbformat.write(nb, folder / name)
    return folder


def test_timeout_stops_a_stage_and_the_summary_says_which(tmp_path, monkeypatch):
    notebooks = _slow_notebooks(tmp_path / "nb")
    monkeypatch.setattr(pipeline, "notebooks_dir", lambda: notebooks)
    ws = Workspace.create(tmp_path / "ws")
    start = time.monotonic()
    with pytest.raises(pipeline.StageFailed, match="timed out") as err:
        pipeline.run_stages(ws.root, ["design", "match"], timeout=3)
    assert time.monotonic() - start < 45  # stopped well before the 60 s sleep ended
    assert err.value.stage == "design"
    summary = valid_summary(ws.root / "reports" / "summary.json")
    assert summary["status"] == "failed"
    assert [(s["stage"], s["status"]) for s in summary["stages"]] == [("design", "failed"), ("match", "not run")]
    assert "timed out" in summary["stages"][0]["error"]
    executed = ws.root / summary["stages"][0]["executed"]
    assert executed.is_file()  # kept, for the person who reads the failure
    if os.name != "nt":
        assert stat.S_IMODE(executed.stat().st_mode) == 0o600  # may show names: owner-only, like the store
    run_id = summary["run_id"]
    assert valid_summary(ws.root / "reports" / run_id / "summary.json") == summary
    index = (ws.root / "reports" / "index.html").read_text(encoding="utf-8")
    assert run_id in index and "failed" in index and f"{run_id}/summary.json" in index
    assert Workspace(ws.root).audit_log()["status"].tolist()[-1] == "failed"


def test_a_timeout_on_the_command_line_exits_1(tmp_path):
    """Through the CLI with the real notebooks: a design stage cannot start its kernel and import in 1 s."""
    Workspace.create(tmp_path / "ws")
    out = run("run", str(tmp_path / "ws"), "--stage", "design", "--timeout", "1")
    if out.returncode == 0:
        pytest.skip("this machine ran the whole design stage in under a second")
    assert out.returncode == EXIT_FAILED and "timed out" in out.stderr and "Traceback" not in out.stderr


@pytest.mark.notebook
def test_after_the_demo_summary_json_is_schema_valid_and_index_links_every_report(demo_workspace):
    reports = demo_workspace / "reports"
    latest = valid_summary(reports / "summary.json")  # other tests may have run stages on the demo since
    assert (reports / latest["run_id"] / "summary.json").is_file()
    # the demo's own run: its three calls under one run id add up to all four stages
    demo_run = sorted(p.parent.name for p in reports.glob("*/summary.json"))[0]
    summary = valid_summary(reports / demo_run / "summary.json")
    ws = Workspace(demo_workspace)
    assert summary["status"] == "ok" and summary["privacy"]["k"] == ws.design.privacy.k
    assert [s["stage"] for s in summary["stages"]] == list(pipeline.STAGES)
    assert all(s["status"] == "ok" and (demo_workspace / s["report"]).is_file() for s in summary["stages"])
    run = ws.match_run(summary["match"]["match_run"])
    assert summary["match"] == {"match_run": run.id, "pairs": len(run.pairs), "unmatched": len(run.unmatched),
                                "status": run.status}
    mon = summary["monitoring"]
    assert sum(mon["pairs_by_status"].values()) == mon["pairs"] == len(run.pairs)
    assert mon["pairs_by_status"]["at risk"] > 0 and mon["pairs_by_status"]["on track"] > 0
    ev = summary["evaluation"]
    assert ev["verdicts"] and all(v["verdict"] for v in ev["verdicts"])
    assert any(k["rate"] is not None and k["difference_low"] is not None for k in ev["kpis"])
    assert not re.search(r"[\w.]+@[\w.]+", json.dumps(summary))  # no e-mail addresses
    index = (reports / "index.html").read_text(encoding="utf-8")
    pages = sorted(p.relative_to(reports).as_posix() for p in reports.rglob("*.html") if p.name != "index.html")
    assert len(pages) >= 8  # four latest + four of the run
    for page in pages:
        assert f'href="{page}"' in index, page
    assert 'src="http' not in index and "<script" not in index


def test_the_airflow_dag_and_the_crontab_line_in_the_docs_parse():
    """docs/scheduling.md's DAG is Python that parses (Airflow is not installed here), and calls revmentor run."""
    text = (REPO / "docs" / "scheduling.md").read_text(encoding="utf-8")
    dag = (REPO / "docs" / "examples" / "revmentor_dag.py").read_text(encoding="utf-8")
    tree = ast.parse(dag)
    imported = {n.module for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)}
    assert "airflow" in imported
    calls = [n for n in ast.walk(tree) if isinstance(n, ast.Call) and getattr(n.func, "id", "") == "BashOperator"]
    assert calls and all(any(k.arg == "bash_command" for k in c.keywords) for c in calls)
    assert "revmentor" in dag and re.search(r"\{REVMENTOR\} run \{WORKSPACE\} --stage \w+ --wait \d+", dag) and "75" in dag
    assert dag.strip() in text  # the page shows the same file the test parses
    cron = [ln for ln in text.splitlines() if re.match(r"^[0-9*/,-]+ [0-9*/,-]+ [0-9*/,-]+ [0-9*/,-]+ [0-9*/,-]+ ", ln)]
    assert cron and all("revmentor run" in ln for ln in cron)
