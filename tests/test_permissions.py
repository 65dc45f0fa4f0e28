"""Who may read what: files for colleagues follow the umask; the store and imported raw files stay owner-only."""
from __future__ import annotations

import os
import stat
from pathlib import Path

import pandas as pd
import pytest

from revmentor_nb import Workspace
from revmentor_nb.fileio import atomic_write_text
from revmentor_nb.io.export import write_csv, write_xlsx
from revmentor_nb.report.index import write_index
from revmentor_nb.report.results import write_summary

pytestmark = pytest.mark.skipif(os.name == "nt", reason="POSIX permission bits")


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture
def umask():
    old = os.umask(0o022)
    yield lambda m: os.umask(m)
    os.umask(old)


def test_the_store_and_imported_files_are_owner_only_whatever_the_umask(tmp_path, umask):
    umask(0o000)  # the most open umask: still owner-only
    ws = Workspace.create(tmp_path / "ws")
    roster = tmp_path / "roster.csv"
    roster.write_text("employee_id,email,department,grade,hire_date\nE1,ann@x.org,IT,3,2020-01-01\n", encoding="utf-8")
    record = ws.import_file("roster", roster)
    assert mode(ws.db_path) == 0o600
    assert mode(record.stored_path) == 0o600
    for side in ("-wal", "-shm"):  # SQLite gives its side files the store's mode
        extra = ws.db_path.with_name(ws.db_path.name + side)
        if extra.exists():
            assert mode(extra) & 0o077 == 0, extra
    assert atomic_write_text(tmp_path / "x.txt", "names") and mode(tmp_path / "x.txt") == 0o600  # the default


@pytest.mark.parametrize("mask, expected", [(0o022, 0o644), (0o027, 0o640), (0o077, 0o600)])
def test_files_for_colleagues_follow_the_umask(tmp_path, umask, mask, expected):
    umask(mask)
    frame = pd.DataFrame({"a": [1]})
    files = [write_csv(frame, tmp_path / "p.csv"), write_xlsx({"s": frame}, tmp_path / "p.xlsx"),
             write_summary(tmp_path / "reports" / "summary.json", {"run_id": "x"})]
    files.append(write_index(tmp_path / "reports", "T"))
    ws = Workspace.create(tmp_path / "ws")
    files.append(ws.root / "program.yaml")
    for f in files:
        assert mode(f) == expected, f
