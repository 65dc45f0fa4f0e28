"""A scheme unlike the demo, headless from `revmentor new`: a traditional scheme whose form has no department,
grade or site, matched by `revmentor run`; exports/CURRENT names the hand-over of the run it accepted."""
from __future__ import annotations

import html
import random
import re
import subprocess

import pytest
from conftest import revmentor_cmd

from revmentor_nb import Workspace

pytestmark = pytest.mark.notebook


def _signups(path) -> None:
    rng = random.Random(1)
    topics = ["careers", "research", "coding", "writing"]
    rows = ["person_id,name,role,email,consent,offers,wants,capacity"]
    rows += [f"g{i},Grad {i},mentor,g{i}@uni.example,yes,{';'.join(rng.sample(topics, 2))},,2" for i in range(6)]
    rows += [f"s{i},Student {i},mentee,s{i}@uni.example,yes,,{';'.join(rng.sample(topics, 2))},1" for i in range(10)]
    path.write_text("\n".join(rows) + "\n")


def test_traditional_scheme_without_department_or_grade_runs_headless_and_points_at_its_hand_over(tmp_path):
    root = tmp_path / "graduates"
    done = subprocess.run(revmentor_cmd("new", str(root), "--direction", "traditional", "--name", "Graduate mentors"),
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    _signups(root / "signups.csv")
    refused = subprocess.run(revmentor_cmd("validate", "participants", str(root / "signups.csv"), "--workspace",
                                           str(root)), capture_output=True, text=True)
    assert refused.returncode == 1 and "needed by rule 'different_department'" in refused.stdout + refused.stderr
    text = (root / "program.yaml").read_text()
    text = text.replace("inputs: {}", "# the form export\ninputs:\n  participants: signups.csv")
    for before, after in (("    different_department: true", "    different_department: false"),
                          ("      enabled: true\n      min: 1", "      enabled: false\n      min: 1"),
                          ("    location: true", "    location: false")):
        assert before in text
        text = text.replace(before, after)
    (root / "program.yaml").write_text(text)
    run = subprocess.run(revmentor_cmd("run", str(root), "--stage", "design", "--stage", "match"),
                         capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    assert "Traceback" not in run.stderr
    ws = Workspace(root)
    accepted = ws.match_run()
    assert accepted is not None and len(accepted.pairs) == 10  # 6 graduates x 2 places for 10 students
    current = (root / "exports" / "CURRENT").read_text().strip()
    assert current.endswith(accepted.id) or accepted.id in current
    notes = " ".join(p.read_text() for p in (root / "exports" / current).rglob("*.md"))
    assert "reverse" not in notes.lower() and "Graduate mentors" in notes
    assert "# the form export" in (root / "program.yaml").read_text()  # the run kept the user's comment
    for report in ("01_design.html", "02_match.html"):  # the readiness and design reports speak of this scheme only
        page = (root / "reports" / report).read_text(encoding="utf-8")
        shown = html.unescape(re.sub(r"<[^>]+>", " ", re.sub(r"(?s)<(script|style)[^>]*>.*?</\1>", " ", page)))
        assert not re.search(r"(?i)reverse|junior|senior leader", shown), report
        assert "Graduate mentors" in shown, report
