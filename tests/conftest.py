"""Shared fixtures: the demo workspace, built once per test session by the project's own pipeline."""
from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest
from hypothesis import settings as hypothesis_settings

# CI (HYPOTHESIS_PROFILE=ci, set by .ci/run) runs a fixed, reproducible set of generated examples, so a
# red CI can be replayed here; a developer's run explores new examples each time (the default).
hypothesis_settings.register_profile("ci", derandomize=True, database=None)
hypothesis_settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))

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


@pytest.fixture(scope="session", params=["synthetic", "real"])
def civil_sample(request, tmp_path_factory):
    """mentor-match sign-up files: synthetic ones written by the tests (always), and the real civil-service
    sample in ../shared/data as an extra check that skips with a reason on a clone with nothing beside it."""
    from samples import real_sample, write_mentor_match_sample

    if request.param == "synthetic":
        return write_mentor_match_sample(tmp_path_factory.mktemp("mentor-match"))
    found = real_sample(SHARED)
    if found is None:
        pytest.skip(f"extra check on the real civil-service sample: {SHARED / 'data' / 'civil-service-sample'} "
                    "is absent (a fresh clone); the synthetic sample ran instead")
    return found


@pytest.fixture(scope="session", params=["synthetic", "real"])
def forms_sample(request, tmp_path_factory):
    """A form export (two files, ranked grid questions): synthetic (always), and the real DRP export in
    ../shared/data as an extra check that skips with a reason on a clone with nothing beside it."""
    from samples import real_forms_export, write_forms_export

    if request.param == "synthetic":
        return write_forms_export(tmp_path_factory.mktemp("forms-export"))
    found = real_forms_export(SHARED)
    if found is None:
        pytest.skip(f"extra check on the real form export: {SHARED / 'data' / 'forms-export'} is absent "
                    "(a fresh clone); the synthetic export ran instead")
    return found
