"""The match board in a real browser: run 02_match in JupyterLab, lock a pair and forbid another (by click and by
keyboard), and find both in the workspace's accepted run and audit log and the new solution on the board."""
from __future__ import annotations

import re
import time

import pytest

from revmentor_nb import Workspace
from revmentor_nb.demo.organisation import build_demo, write_inputs
from revmentor_nb.demo.workspace import demo_design
from tests.browser.conftest import copy_notebook

pytestmark = pytest.mark.browser

BOARD = ".rm-match-board"


def _wait_text(page, selector: str, text: str, timeout: float = 30_000) -> None:
    page.wait_for_function(
        "([sel, text]) => [...document.querySelectorAll(sel)].some(e => e.textContent.includes(text))",
        arg=[selector, text], timeout=timeout)


def _pair_row(page, mentor: str, mentee: str):
    return page.locator(f'{BOARD} tr.rm-pair[data-mentor="{mentor}"][data-mentee="{mentee}"]')


def test_lock_and_forbid_on_the_board_reach_the_workspace(lab, page, notebook_in_lab, run_all_cells, artifacts):
    started = time.monotonic()
    org = build_demo(0, n_employees=500)
    root = lab.root / "ws"
    write_inputs(org, root / "inputs")
    ws = Workspace.create(root, demo_design(list(org.grade_order), org.start_date))
    notebook_in_lab("02_match.ipynb", workspace=str(ws.root), interactive=True, tradeoff_points=3, who="browser-test")

    run_all_cells(page, "02_match.ipynb")
    page.wait_for_selector(f"{BOARD} tr.rm-pair", timeout=150_000)
    page.wait_for_selector(".rm-side-fairness svg", timeout=60_000)  # the audit beside the board
    assert Workspace(root).match_run() is None  # running the notebook accepted nothing
    page.locator(".rm-session .rm-accept").click()  # the explicit act
    _wait_text(page, ".rm-session", "Accepted match run")
    first = Workspace(root).match_run()
    assert first is not None
    _wait_text(page, f"{BOARD} .rm-summary", f"{len(first.pairs)} pairs")
    board = page.locator(BOARD)
    board.scroll_into_view_if_needed()
    page.screenshot(path=str(artifacts / "match_board_before.png"))

    # -- lock by clicking: a possible partner of an unmatched person (a pair the optimiser did not choose),
    #    else an unlocked pair on the board
    option = page.locator(f"{BOARD} .rm-lock-option").first
    if option.count():
        lock_button = option
    else:
        lock_button = page.locator(f"{BOARD} tr.rm-pair:not(.rm-locked) .rm-lock").first
    lock_m, lock_e = lock_button.get_attribute("data-mentor"), lock_button.get_attribute("data-mentee")
    assert lock_button.evaluate("b => b.tagName") == "BUTTON" and lock_button.get_attribute("aria-label")
    lock_button.click()
    _wait_text(page, f"{BOARD} .rm-status", "Locked", timeout=30_000)
    page.wait_for_selector(f'{BOARD} tr.rm-pair.rm-locked[data-mentor="{lock_m}"][data-mentee="{lock_e}"]')

    # -- forbid from the keyboard: Tab from the pair's Lock button to its Forbid button, press Enter
    row = page.locator(f"{BOARD} tr.rm-pair:not(.rm-locked)").first
    forbid_m, forbid_e = row.get_attribute("data-mentor"), row.get_attribute("data-mentee")
    row.locator(".rm-lock").focus()
    page.keyboard.press("Tab")
    assert page.evaluate("() => document.activeElement.classList.contains('rm-forbid')")
    assert page.evaluate("() => document.activeElement.getAttribute('aria-label')").startswith("Forbid the pair")
    outline = page.evaluate("() => getComputedStyle(document.activeElement).outlineStyle")
    assert outline != "none"  # focus is visible
    page.keyboard.press("Enter")
    _wait_text(page, f"{BOARD} .rm-status", "Forbade", timeout=30_000)
    assert _pair_row(page, forbid_m, forbid_e).count() == 0
    assert page.evaluate(f"() => !!document.activeElement.closest('{BOARD}')")  # keyboard place kept in the board

    # -- the workspace: the accepted run is the new solution, the audit log has both overrides
    again = Workspace(root)
    accepted = again.match_run()
    stored = set(zip(accepted.pairs["mentor_id"], accepted.pairs["mentee_id"]))
    assert accepted.id != first.id
    assert (lock_m, lock_e) in stored and (forbid_m, forbid_e) not in stored
    locked = accepted.pairs.set_index(["mentor_id", "mentee_id"])["locked"]
    assert bool(locked.loc[(lock_m, lock_e)])
    log = again.audit_log()
    overrides = log[log["action"].str.startswith("override.")]
    assert overrides["action"].tolist() == ["override.lock", "override.forbid"]
    assert set(overrides["who"]) == {"browser-test"}
    lock_detail, forbid_detail = overrides["detail"].tolist()
    assert (lock_detail["mentor_id"], lock_detail["mentee_id"]) == (lock_m, lock_e)
    assert (forbid_detail["mentor_id"], forbid_detail["mentee_id"]) == (forbid_m, forbid_e)
    assert forbid_detail["run_id"] == accepted.id
    assert forbid_detail["objective_after"] == pytest.approx(accepted.objective)
    assert lock_detail["objective_before"] == pytest.approx(first.objective)

    # -- the board shows that solution
    summary = page.locator(f"{BOARD} .rm-summary").inner_text()
    assert f"{len(accepted.pairs)} pairs" in summary and f"objective {accepted.objective:.2f}" in summary
    assert accepted.id in summary
    page.screenshot(path=str(artifacts / "match_board_after.png"))
    page.locator(".rm-side-fairness").scroll_into_view_if_needed()
    page.locator(".rm-side-fairness").screenshot(path=str(artifacts / "match_board_fairness.png"))
    page.locator(".rm-import-wizard").scroll_into_view_if_needed()
    page.locator(".rm-import-wizard").screenshot(path=str(artifacts / "import_wizard.png"))

    # -- Export writes the handover of the reviewed run, with the forbidden pair for the next run
    page.locator(f"{BOARD} .rm-export").click()
    _wait_text(page, f"{BOARD} .rm-status", "Wrote the exports", timeout=60_000)
    folder = root / "exports" / accepted.id
    assert (folder / "pairs.xlsx").exists() and len(list((folder / "agreements").glob("*.html"))) == len(accepted.pairs)
    assert f"{forbid_m},{forbid_e}" in (folder / "next-run-exclusions.csv").read_text(encoding="utf-8-sig")

    # -- a filter narrows the board (the Python side filters)
    page.locator(f"{BOARD} .rm-filter-unmatched").check()
    page.wait_for_function(f"() => document.querySelectorAll('{BOARD} tr.rm-pair').length === 0")
    assert page.locator(f"{BOARD} .rm-unmatched-person").count() == len(accepted.unmatched)
    assert time.monotonic() - started < 240


def _run_menu(page, menu: str, item: str) -> None:
    page.locator(".lm-MenuBar-itemLabel", has_text=re.compile(rf"^{menu}$")).click()
    page.locator(".lm-Menu-itemLabel", has_text=re.compile(rf"^{re.escape(item)}")).click()


def test_locks_forbids_and_the_accepted_run_survive_a_rerun(lab, offline_page, run_all_cells, artifacts):
    """Lock and forbid on the board, restart the kernel and run every cell again: nothing is lost or accepted."""
    page, traffic = offline_page
    org = build_demo(0, n_employees=500)
    root = lab.root / "rerun-ws"
    write_inputs(org, root / "inputs")
    Workspace.create(root, demo_design(list(org.grade_order), org.start_date))
    (lab.root / "rerun").mkdir()
    copy_notebook("02_match.ipynb", lab.root / "rerun", workspace=str(root), interactive=True, tradeoff_points=3,
                  who="browser-test")
    run_all_cells(page, "rerun/02_match.ipynb")
    page.wait_for_selector(f"{BOARD} tr.rm-pair", timeout=150_000)
    page.locator(".rm-session .rm-accept").click()
    _wait_text(page, ".rm-session", "Accepted match run")
    option = page.locator(f"{BOARD} .rm-lock-option").first
    lock_button = option if option.count() else page.locator(f"{BOARD} tr.rm-pair:not(.rm-locked) .rm-lock").first
    lock_m, lock_e = lock_button.get_attribute("data-mentor"), lock_button.get_attribute("data-mentee")
    lock_button.click()
    _wait_text(page, f"{BOARD} .rm-status", "Locked")
    row = page.locator(f"{BOARD} tr.rm-pair:not(.rm-locked)").first
    forbid_m, forbid_e = row.get_attribute("data-mentor"), row.get_attribute("data-mentee")
    row.locator(".rm-forbid").click()
    _wait_text(page, f"{BOARD} .rm-status", "Forbade")
    reviewed = Workspace(root).match_run()
    runs = len(Workspace(root).match_runs())
    assert reviewed.id in page.locator(f"{BOARD} .rm-summary").inner_text()

    page.evaluate(f"() => document.querySelectorAll('{BOARD}').forEach(b => b.dataset.old = '1')")
    _run_menu(page, "Kernel", "Restart Kernel and Run All Cells")
    page.locator(".jp-Dialog .jp-mod-accept").click()
    page.wait_for_selector(f"{BOARD}:not([data-old]) tr.rm-pair", timeout=180_000)
    _wait_text(page, ".rm-session", "its 2 overrides", timeout=60_000)
    again = Workspace(root)
    assert again.match_run().id == reviewed.id and len(again.match_runs()) == runs  # nothing stored or accepted
    assert reviewed.id in page.locator(f"{BOARD}:not([data-old]) .rm-summary").inner_text()
    page.wait_for_selector(f'{BOARD} tr.rm-pair.rm-locked[data-mentor="{lock_m}"][data-mentee="{lock_e}"]')
    assert _pair_row(page, forbid_m, forbid_e).count() == 0
    assert page.locator(".rm-session .rm-accept").count() == 0  # the accepted session: nothing to accept
    page.locator(".rm-session").scroll_into_view_if_needed()
    page.screenshot(path=str(artifacts / "match_board_after_rerun_1024.png"))
    page.wait_for_selector(".rm-side-fairness svg", timeout=60_000)  # drawn (visible: a width above zero)
    charts = page.locator(".rm-review-charts").bounding_box()
    board = page.locator(".rm-board-scroll").bounding_box()
    assert charts["y"] < board["y"] + board["height"] + 200  # the review charts beside or directly under the board
    page.locator(".rm-review-charts").screenshot(path=str(artifacts / "review_charts_under_board_1024.png"))
    assert traffic.failed == [] and traffic.errors == [], (traffic.failed, traffic.errors)
