"""The `revmentor` command: exit codes and messages, never a traceback for a user's mistake."""
from __future__ import annotations

import subprocess
from pathlib import Path

from conftest import revmentor_cmd


def run(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(revmentor_cmd(*args), capture_output=True, text=True, cwd=cwd, timeout=600)


ACCEPTANCE = """person_id,name,role,grade,manager_id,offers,wants,consent
P1,Ann,mentor,1,P2,AI tools,,yes
P2,Bob,mentee,senior,P1,,AI tools,yes
P1,Cat,mentee,7,,,Data,yes
P4,Dan,mentee,6,P99,,Data,yes
"""


def test_validate_lists_all_five_problems_with_rows_and_exits_1(tmp_path):
    f = tmp_path / "signups.csv"
    f.write_text(ACCEPTANCE)
    out = run("validate", "participants", str(f))
    assert out.returncode == 1
    text = out.stdout + out.stderr
    assert "Traceback" not in text
    low = text.lower()
    assert "department" in low and "senior" in low and "p99" in low and "cycle" in low
    assert "duplicate" in low or "repeated" in low


def test_validate_a_clean_file_prints_one_line_and_exits_0(tmp_path):
    f = tmp_path / "signups.csv"
    f.write_text("person_id,name,role,department,grade,offers,wants,consent\n"
                 "P1,Ann,mentor,IT,1,AI tools,,yes\nP2,Bob,mentee,Finance,7,,AI tools,yes\n")
    out = run("validate", "participants", str(f))
    assert out.returncode == 0, out.stderr
    assert len(out.stdout.strip().splitlines()) == 1


def test_validate_unknown_kind_and_missing_file_are_messages(tmp_path):
    bad_kind = run("validate", "people", str(tmp_path / "x.csv"))
    missing = run("validate", "participants", str(tmp_path / "nope.csv"))
    assert bad_kind.returncode != 0 and "participants" in bad_kind.stdout + bad_kind.stderr
    assert missing.returncode == 1 and "Traceback" not in missing.stderr


def test_new_makes_a_workspace_and_refuses_to_overwrite(tmp_path):
    assert run("new", str(tmp_path / "p")).returncode == 0
    assert (tmp_path / "p" / "program.yaml").exists()
    again = run("new", str(tmp_path / "p"))
    assert again.returncode == 1 and "already holds" in again.stderr and "Traceback" not in again.stderr


def test_run_names_the_failing_notebook_and_cell(tmp_path):
    run("new", str(tmp_path / "p"))
    out = run("run", str(tmp_path / "p"), "--stage", "match")
    assert out.returncode == 1
    assert "02_match.ipynb, cell" in out.stderr and "no participants imported" in out.stderr
    assert "Traceback" not in out.stderr
    assert list((tmp_path / "p" / "runs").iterdir()), "the executed notebook is kept"


def test_run_unknown_stage_is_a_message(tmp_path):
    run("new", str(tmp_path / "p"))
    out = run("run", str(tmp_path / "p"), "--stage", "matching")
    assert out.returncode == 2 and "design, match, monitor, evaluate" in out.stderr  # a usage error


def test_run_on_a_folder_that_is_not_a_workspace(tmp_path):
    out = run("run", str(tmp_path))
    assert out.returncode == 1 and "revmentor new" in out.stderr


def test_parameter_values_are_typed_but_dates_stay_text():
    from revmentor_nb.run.cli import _parse_value

    assert _parse_value("3") == 3 and _parse_value("true") is True and _parse_value("x y") == "x y"
    assert _parse_value("2026-06-01") == "2026-06-01"
