"""program.yaml as a person edits it: comments survive a Save; hostile or broken files are refused with the key,
line and fix, never silently read."""
from __future__ import annotations

import os
import subprocess

import pandas as pd
import pytest
import yaml
from conftest import revmentor_cmd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from revmentor_nb import Workspace
from revmentor_nb.design.program import DesignError, ProgramDesign, load_design, save_design

GRADES = ["D1", "C1", "C2", "B1", "B2", "A1"]
COMMENTED = """\
# Pilot agreed with the HR director on 3 March; ask Sam before changing the dates.
name: Digital pilot   # shown on every report
spaces: 30  # the budget allows 30 pairs
grade_order: [D1, C1, C2, B1, B2, A1]
schedule:
  start_date: 2026-09-01  # after the summer
  length_months: 6
readiness:
  executive_sponsor: 'no'   # still waiting for the COO
"""


def problems(path) -> list[tuple]:
    with pytest.raises(DesignError) as err:
        load_design(path)
    p = err.value.problems
    assert (p["problem"].str.len() > 0).all() and (p["fix"].str.len() > 0).all()
    assert set(p["file"]) == {str(path)}
    return [(None if pd.isna(r) else int(r), c, prob) for r, c, prob in zip(p["row"], p["column"], p["problem"])]


def test_a_save_keeps_every_comment_and_the_key_order(tmp_path):
    path = tmp_path / "program.yaml"
    path.write_text(COMMENTED, encoding="utf-8")
    design = load_design(path)
    save_design(design.model_copy(update={"spaces": 40}), path)
    text = path.read_text(encoding="utf-8")
    for comment in ("# Pilot agreed with the HR director", "# shown on every report", "# after the summer",
                    "# still waiting for the COO"):
        assert comment in text, comment
    assert "spaces: 40" in text and "# the budget allows 30 pairs" in text  # value changed, its comment kept
    keys = [ln.split(":")[0] for ln in text.splitlines() if ln and ln[0].isalpha()]
    assert keys[:5] == ["name", "spaces", "grade_order", "schedule", "readiness"]  # the person's order first
    again = load_design(path)
    assert again.model_dump() == design.model_copy(update={"spaces": 40}).model_dump()
    assert again.readiness == {"executive_sponsor": "no"}  # 'no' stays the text no, not false


def test_a_save_from_the_design_form_keeps_a_comment(tmp_path):
    from revmentor_nb.ui import DesignForm

    ws = Workspace.create(tmp_path / "ws", ProgramDesign(grade_order=GRADES))
    path = ws.root / "program.yaml"
    path.write_text("# owner: people analytics, ext. 4411\n" + path.read_text(encoding="utf-8").replace(
        "spaces: 50", "spaces: 50  # agreed budget"), encoding="utf-8")
    form = DesignForm(Workspace(ws.root), who="tester")
    form._inputs["spaces"].value = 24
    assert form.save() is not None
    text = path.read_text(encoding="utf-8")
    assert text.startswith("# owner: people analytics, ext. 4411\n")
    assert "spaces: 24  # agreed budget" in text
    assert Workspace(ws.root).design.spaces == 24


@settings(max_examples=int(os.environ.get("REVMENTOR_YAML_EXAMPLES", "25")), deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(name=st.text(st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), min_size=1, max_size=30),
       spaces=st.integers(1, 500), answer=st.sampled_from(["yes", "no", "partly", "unknown"]))
def test_whatever_is_saved_reads_back_as_the_same_design(tmp_path, name, spaces, answer):
    path = tmp_path / "program.yaml"
    path.write_text(COMMENTED, encoding="utf-8")
    design = load_design(path).model_copy(update={"name": name, "spaces": spaces,
                                                  "readiness": {"executive_sponsor": answer}})
    save_design(design, path)
    assert load_design(path).model_dump() == design.model_dump()
    assert "# after the summer" in path.read_text(encoding="utf-8")


def test_a_key_given_twice_is_named_with_both_lines(tmp_path):
    path = tmp_path / "program.yaml"
    path.write_text("name: A\nschedule:\n  length_months: 6\n  length_months: 9\nname: B\n", encoding="utf-8")
    found = problems(path)
    assert (4, "schedule.length_months", "key given twice (first at line 3); YAML would silently keep only the last") in found
    assert any(r == 5 and c == "name" and "first at line 1" in p for r, c, p in found)


def test_anchors_and_aliases_are_refused_not_expanded(tmp_path):
    path = tmp_path / "program.yaml"
    laughs = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    laughs += [f"{chr(98 + i)}: &{chr(98 + i)} [" + ",".join([f"*{chr(97 + i)}"] * 9) + "]" for i in range(8)]
    path.write_text("\n".join(laughs) + "\n", encoding="utf-8")  # 9**9 strings if expanded
    found = problems(path)
    assert found[0][0] == 1 and "anchors and aliases are not allowed" in found[0][2]
    assert len(found) >= 9


def test_an_empty_file_is_an_error_with_a_fix_not_silent_defaults(tmp_path):
    for text in ("", "\n\n", "# just a comment\n"):
        path = tmp_path / "program.yaml"
        path.write_text(text, encoding="utf-8")
        [(row, column, problem)] = problems(path)
        assert "empty" in problem and column == ""
    with pytest.raises(DesignError) as err:
        load_design(path)
    assert "revmentor new" in err.value.problems["fix"].iloc[0]


def test_an_impossible_date_names_the_key_and_line(tmp_path):
    path = tmp_path / "program.yaml"
    path.write_text("name: X\nschedule:\n  start_date: 2026-02-30\n", encoding="utf-8")
    assert problems(path) == [(3, "schedule.start_date", "not a real date")]


@pytest.mark.parametrize("content", [b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", b"name: Caf\xe9 pilot\n",
                                     "name: Café\n".encode("utf-16")])
def test_a_binary_or_non_utf8_file_is_one_line_naming_the_file_and_the_fix(tmp_path, content):
    root = tmp_path / "ws"
    Workspace.create(root)
    (root / "program.yaml").write_bytes(content)
    out = subprocess.run(revmentor_cmd("run", str(root), "--stage", "design"), capture_output=True, text=True,
                         timeout=300)
    assert out.returncode == 1 and "Traceback" not in out.stderr
    lines = out.stderr.strip().splitlines()
    assert len(lines) == 1, out.stderr
    assert str(root / "program.yaml") in lines[0] and "UTF-8" in lines[0] and "revmentor new" in lines[0]


def test_a_fresh_workspace_still_writes_every_key(tmp_path):
    ws = Workspace.create(tmp_path / "ws")
    saved = yaml.safe_load((ws.root / "program.yaml").read_text(encoding="utf-8"))
    assert set(ProgramDesign.model_fields) <= set(saved)
