"""A civil-service scheme run headless: mentor-match's files and the preset from program.yaml,
then a clearing round with a relaxed rule, through `revmentor run` (papermill, real notebooks)."""
from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
import yaml
from conftest import revmentor_cmd

from revmentor_nb import Workspace

pytestmark = pytest.mark.notebook


def _run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(revmentor_cmd(*args), capture_output=True, text=True, timeout=900)


def _workspace(root: Path, matching: dict, sample) -> Path:
    assert _run("new", str(root)).returncode == 0
    design = yaml.safe_load((root / "program.yaml").read_text())
    design["direction"] = "traditional"
    design["grade_order"] = ["AA", "AO", "EO", "HEO", "SEO", "Grade 7", "Grade 6", "SCS1", "SCS2", "SCS3", "SCS4"]
    design["inputs"] = {"participants": {"format": "mentor-match", "mentors": str(sample.mentors),
                                         "mentees": str(sample.mentees)}}
    design["matching"] = matching
    (root / "program.yaml").write_text(yaml.safe_dump(design, sort_keys=False))
    return root


def test_the_sample_matches_with_the_preset_then_a_clearing_round_relaxes_the_grade_gap(tmp_path, civil_sample):
    # a tight first round (one grade above, one pair each) leaves people out on purpose
    ws_root = _workspace(tmp_path / "cs", {"preset": "civil-service", "rules": {"grade_gap": {"max": 1}},
                                           "load_cap": 1, "mentee_cap": 1}, civil_sample)
    first = _run("run", str(ws_root), "--stage", "match")
    assert first.returncode == 0, first.stderr
    ws = Workspace(ws_root)
    published = ws.require_match()
    assert len(published.pairs) > 0 and len(published.unmatched) > 0
    report = (ws_root / "reports" / "02_match.html").read_text(encoding="utf-8")
    assert "@gov.uk" not in report  # e-mails are the ids here: headless reports show pseudonyms
    second = _run("run", str(ws_root), "--stage", "match", "-p", "clearing", "true",
                  "-p", "relax", "{grade_gap: {max: 2}}")
    assert second.returncode == 0, second.stderr
    ws = Workspace(ws_root)
    cleared = ws.require_match()
    before = set(zip(published.pairs.mentor_id, published.pairs.mentee_id))
    after = set(zip(cleared.pairs.mentor_id, cleared.pairs.mentee_id))
    assert before < after  # every published pair kept, new ones added
    new_mentees = {e for _, e in after - before}
    assert new_mentees.isdisjoint(set(published.pairs.mentee_id))
    assert cleared.summary.get("relaxed", {}).get("grade_gap", 0) > 0
    report = (ws_root / "reports" / "02_match.html").read_text(encoding="utf-8")
    assert "Rules relaxed in this clearing round" in report and "max=1.0" in report and "max=2.0" in report
    assert "@gov.uk" not in report
