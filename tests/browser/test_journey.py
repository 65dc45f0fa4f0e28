"""Bring your own programme in JupyterLab, clicked as a new analyst would (outside traffic blocked).

`revmentor new --direction traditional`; a synthetic form export with no department, grade, manager or
site column and ranked grid topics; 02_match with only its workspace parameter set: the import wizard
(switch off the rules that need missing columns, consent and a mentor capacity of 2 for the mentors'
file), match, lock one pair on the board, export the hand-over. Then the same journey again: the saved
mapping is used and nothing is asked. tests/test_journey.py walks the same path without a browser.
"""
from __future__ import annotations

import sys
import time
from pathlib import Path
from urllib.parse import urlparse

import nbformat
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from journey_data import write_form_export  # noqa: E402

from revmentor_nb import Workspace  # noqa: E402
from revmentor_nb.review.handover import current_export  # noqa: E402
from revmentor_nb.run.cli import main as cli  # noqa: E402

pytestmark = pytest.mark.browser
BOARD = ".rm-match-board"
WIZ = ".rm-import-wizard"


def _wait_text(page, selector: str, text: str, timeout: float = 30_000) -> None:
    """Wait for ``text`` in ``selector``; on a timeout, fail with what the page showed there instead."""
    try:
        page.wait_for_function(
            "([sel, text]) => [...document.querySelectorAll(sel)].some(e => e.textContent.includes(text))",
            arg=[selector, text], timeout=timeout)
    except Exception as error:  # noqa: BLE001 - re-raised with the page's own words
        shown = page.evaluate("sel => [...document.querySelectorAll(sel)].map(e => e.textContent).join(' | ')", selector)
        problems = page.evaluate(f"() => [...document.querySelectorAll('{WIZ} .rm-wiz-problems')]"
                                 ".map(e => e.innerText).join(' | ')")
        raise AssertionError(f"waited {timeout / 1000:.0f} s for {text!r} in {selector}; it showed: {shown!r}; "
                             f"problems: {problems[:2000]!r}") from error


def _run_all(page) -> None:
    page.locator(".lm-MenuBar-itemLabel", has_text="Run").first.click()
    page.locator(".lm-Menu-itemLabel", has_text="Run All Cells").first.click()


def _type(page, selector: str, value: str) -> None:
    box = page.locator(selector)
    box.fill(value)
    box.press("Tab")


def _add_file(page, path: str, role: str) -> None:
    page.locator(f"{WIZ} .rm-wiz-role select").select_option(label=role)
    _type(page, f"{WIZ} .rm-wiz-path input", path)
    page.locator(f"{WIZ} .rm-wiz-add").click()
    _wait_text(page, f"{WIZ} .rm-wiz-status", f"Added {Path(path).name}")


def _code_cells(path: Path) -> list[str]:
    nb = nbformat.read(path, as_version=4)
    return [c.source for c in nb.cells if c.cell_type == "code" and "parameters" not in c.metadata.get("tags", [])]


def test_a_traditional_scheme_in_jupyterlab_from_form_export_to_hand_over(lab, page, notebook_in_lab, run_all_cells,
                                                                          artifacts):
    started = time.monotonic()
    blocked: list[str] = []

    def route(r):
        url = r.request.url
        if url.startswith(("data:", "blob:")) or urlparse(url).hostname == "127.0.0.1":
            return r.continue_()
        blocked.append(url)
        return r.abort()

    page.context.route("**/*", route)
    root = lab.root / "reading"
    assert cli(["new", str(root), "--direction", "traditional", "--name", "Maths Reading Scheme"]) == 0
    files = write_form_export(root / "inputs")
    notebook = notebook_in_lab("02_match.ipynb", workspace=str(root))  # the only cell a person edits
    original = _code_cells(notebook)

    run_all_cells(page, "02_match.ipynb")
    try:
        page.wait_for_selector(f"{WIZ} .rm-wiz-add", timeout=45_000)  # Run All stops after it: nothing imported
    except Exception:  # noqa: BLE001 - Run All went out before the kernel was up: run again
        _run_all(page)
        page.wait_for_selector(f"{WIZ} .rm-wiz-add", timeout=90_000)

    # -- the wizard, first time: questions, answered by clicks
    _add_file(page, "inputs/signups-mentors.csv", "mentor")
    _add_file(page, "inputs/signups-students.csv", "mentee")
    page.locator(f"{WIZ} .rm-wiz-check").click()
    _wait_text(page, f"{WIZ} .rm-wiz-status", "problem(s)")
    for column in ("department", "grade", "location"):
        page.locator(f"{WIZ} .rm-off-{column}").first.click()
        _wait_text(page, f"{WIZ} .rm-wiz-status", f"Switched off what needed {column}")
    _type(page, f"{WIZ} .rm-const-consent input", "yes")  # the students' file (the last added)
    _wait_text(page, f"{WIZ} .rm-wiz-status", "consent = yes for every row of signups-students.csv")
    page.locator(f"{WIZ} .rm-wiz-pick select").select_option(index=0)
    page.wait_for_function(f"() => document.querySelector('{WIZ} .rm-mapping, {WIZ} .rm-wiz-mapping')"
                           ".textContent.includes('Affiliation')")
    _type(page, f"{WIZ} .rm-const-consent input", "yes")
    _wait_text(page, f"{WIZ} .rm-wiz-status", "consent = yes for every row of signups-mentors.csv")
    page.locator(f"{WIZ} .rm-const-pick select").select_option("capacity")
    _type(page, f"{WIZ} .rm-const-value input", "2")
    page.locator(f"{WIZ} .rm-const-add").click()
    _wait_text(page, f"{WIZ} .rm-wiz-status", "capacity = 2 for every row of signups-mentors.csv")
    page.wait_for_selector(f"{WIZ} .rm-const-capacity input")
    page.locator(f"{WIZ} .rm-wiz-check").click()
    _wait_text(page, f"{WIZ} .rm-wiz-status", "Clean.")
    page.locator(f"{WIZ} .rm-wiz-import").click()
    _wait_text(page, f"{WIZ} .rm-wiz-status", "Imported")
    page.screenshot(path=str(artifacts / "journey_wizard_imported.png"))
    people = Workspace(root).require("participants")
    assert len(people) == 28 and set(people.loc[people["role"] == "mentor", "capacity"]) == {2}

    # -- match, lock one pair on the board, export the hand-over
    _run_all(page)
    page.wait_for_selector(f"{BOARD} tr.rm-pair", timeout=150_000)
    button = page.locator(f"{BOARD} tr.rm-pair:not(.rm-locked) .rm-lock").first
    lock_m, lock_e = button.get_attribute("data-mentor"), button.get_attribute("data-mentee")
    button.click()
    _wait_text(page, f"{BOARD} .rm-status", "Locked", timeout=30_000)
    page.locator(".rm-session .rm-accept").click()  # accepting is an explicit act, never a re-run
    _wait_text(page, ".rm-session", "Accepted match run", timeout=60_000)
    page.locator(f"{BOARD} .rm-export").first.click()
    _wait_text(page, f"{BOARD} .rm-status", "Wrote the exports", timeout=60_000)
    page.locator(BOARD).scroll_into_view_if_needed()
    page.screenshot(path=str(artifacts / "journey_board_exported.png"))

    ws = Workspace(root)
    accepted = ws.match_run()
    pairs = accepted.pairs
    assert (lock_m, lock_e) in set(zip(pairs["mentor_id"], pairs["mentee_id"]))
    mentors = people.loc[people["role"] == "mentor", "person_id"]
    assert pairs.groupby("mentor_id").size().reindex(mentors).fillna(0).eq(2).all()  # every mentor's 2 places
    folder = current_export(ws)
    assert folder is not None and folder.name == accepted.id
    for path in [*folder.rglob("*.md"), *folder.rglob("*.html"), *folder.rglob("*.csv"), root / "exports" / "index.html"]:
        assert "reverse" not in path.read_text(encoding="utf-8").casefold(), path

    # -- nothing but the workspace parameter was edited
    page.keyboard.press("Control+s")
    page.wait_for_function("() => !document.querySelector('.jp-mod-current .jp-mod-dirty')", timeout=30_000)
    assert _code_cells(notebook) == original

    # -- the second run of the same journey: the saved mapping, no questions
    _run_all(page)
    page.wait_for_selector(f"{BOARD} tr.rm-pair", timeout=150_000)
    _add_file(page, "inputs/signups-mentors.csv", "mentor")
    _add_file(page, "inputs/signups-students.csv", "mentee")
    assert page.locator(f"{WIZ} .rm-wiz-files").inner_text().count("saved mapping") == 2
    page.locator(f"{WIZ} .rm-wiz-check").click()
    _wait_text(page, f"{WIZ} .rm-wiz-status", "Clean.")
    assert page.locator(f"{WIZ} [class*='rm-off-']").count() == 0
    # outside traffic was blocked throughout, and the page never asked for any (charts render offline)
    assert blocked == [], blocked
    print(f"journey in the browser: {time.monotonic() - started:.0f} s")
