"""The design form in a real browser: run 01_design in JupyterLab, fill the form, save; invalid designs are not saved."""
from __future__ import annotations

import time

import pytest
import yaml

from revmentor_nb import Workspace
from revmentor_nb.design.program import PRESET_LABELS, ProgramDesign

pytestmark = pytest.mark.browser

GRADES = ["A1", "A2", "B1", "B2", "C1", "C2", "D1", "D2"]


def _wait_text(page, selector: str, text: str, timeout: float = 30_000) -> None:
    page.wait_for_function(
        "([sel, text]) => [...document.querySelectorAll(sel)].some(e => e.textContent.includes(text))",
        arg=[selector, text], timeout=timeout)


def _fill(page, selector: str, value: str) -> None:
    box = page.locator(selector)
    box.fill(value)
    box.press("Tab")  # number and text boxes send their value on change


def test_design_form_saves_program_yaml_and_refuses_an_invalid_design(lab, page, notebook_in_lab, run_all_cells,
                                                                     artifacts):
    started = time.monotonic()
    ws = Workspace.create(lab.root / "ws", ProgramDesign(name="Browser pilot", grade_order=GRADES))
    yaml_path = ws.root / "program.yaml"
    notebook_in_lab("01_design.ipynb", workspace=str(ws.root), interactive=True)

    run_all_cells(page, "01_design.ipynb")
    page.wait_for_selector(".rm-design-form .rm-save", timeout=60_000)
    _wait_text(page, ".rm-readiness-verdict", "launch yet")
    page.locator(".rm-preset").scroll_into_view_if_needed()
    page.screenshot(path=str(artifacts / "design_form_top.png"))

    # -- a valid design: saved, and program.yaml on disk says so
    page.locator(".rm-preset select").select_option(label=PRESET_LABELS["retention"])  # options show labels
    page.wait_for_function("() => document.querySelector('.rm-statement textarea').value.includes('young talent')")
    _fill(page, ".rm-name input", "Browser pilot 2")
    _fill(page, ".rm-spaces input", "37")
    page.locator(".rm-mentor-highest select").select_option("B2")
    page.locator(".rm-mentee-lowest select").select_option("C1")
    page.locator(".rm-mode button", has_text="two-way").click()
    page.locator(".rm-rule-department input[type=checkbox]").uncheck()
    page.locator(".rm-ready-executive-sponsor button", has_text="yes").click()
    page.locator(".rm-save").click()
    _wait_text(page, ".rm-status", "Saved")
    page.locator(".rm-status").scroll_into_view_if_needed()
    page.screenshot(path=str(artifacts / "design_form_saved.png"))

    saved = yaml.safe_load(yaml_path.read_text())
    assert saved["name"] == "Browser pilot 2" and saved["spaces"] == 37 and saved["mode"] == "two-way"
    assert saved["objective"]["preset"] == "retention" and "young talent" in saved["objective"]["statement"]
    assert saved["eligibility"]["mentors"]["highest"] == "B2" and saved["eligibility"]["mentees"]["lowest"] == "C1"
    assert saved["matching"]["rules"]["different_department"] is False
    assert saved["readiness"] == {"executive_sponsor": "yes"}
    assert Workspace(ws.root).design.matching.mode == "two-way"  # valid on reload
    before = yaml_path.read_bytes()

    # -- an invalid design: problems next to their fields, nothing written
    _fill(page, ".rm-spaces input", "0")
    _fill(page, ".rm-end input", "2025-01-15")
    page.locator(".rm-mentor-highest select").select_option("(any)")
    page.locator(".rm-mentor-lowest select").select_option("D1")  # mentors D1 and above ...
    page.locator(".rm-mentee-highest select").select_option("C2")  # ... mentees up to C2: backwards
    page.locator(".rm-save").click()
    _wait_text(page, ".rm-problems", "not saved")
    _wait_text(page, ".rm-spaces-error", "at least 1 space")
    _wait_text(page, ".rm-end-error", "before it starts")
    _wait_text(page, ".rm-mentor-lowest-error", "junior")
    assert "Saved" not in page.locator(".rm-status").inner_text()
    page.locator(".rm-problems").scroll_into_view_if_needed()
    page.screenshot(path=str(artifacts / "design_form_invalid.png"))
    assert yaml_path.read_bytes() == before
    assert time.monotonic() - started < 120
