"""Shared fixtures: the demo workspace, built once per test session by the project's own pipeline."""
from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
SHARED = REPO.parent / "shared"
ARTIFACTS = REPO / "test-artifacts"


def revmentor_cmd(*args: str) -> list[str]:
    """The `revmentor` command as the installed console script would run it."""
    return [sys.executable, "-m", "revmentor_nb.run.cli", *args]


@pytest.fixture(scope="session")
def demo_workspace(tmp_path_factory) -> Path:
    """A demo workspace made by `run_demo` (all four notebooks executed with papermill)."""
    from revmentor_nb.run.demo import run_demo

    root = tmp_path_factory.mktemp("demo") / "ws"
    run_demo(root, seed=0, n_employees=int(os.environ.get("REVMENTOR_TEST_EMPLOYEES", "1500")))
    return root


@pytest.fixture(scope="session")
def artifacts() -> Path:
    """Folder for files a person may want to look at after a test run (screenshots, reports)."""
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS
