"""Headless runs skip jsonschema's slow optional rfc3987_syntax import; interactive kernels are left alone."""
from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from revmentor_nb.lean_imports import ENV, headless_kernels

pytest.importorskip("rfc3987_syntax", reason="the optional module is not installed here: nothing to skip")

PROBE = """
import json, sys
import revmentor_nb
import altair as alt, jsonschema, nbformat
chart = alt.Chart(alt.Data(values=[{"a": 1}])).mark_bar().encode(x="a:Q")
chart.to_dict(validate=True)  # altair validates against Vega-Lite's schema with its format checker
try:
    alt.Chart(alt.Data(values=[{"a": 1}])).mark_bar().encode(x="a:Q").properties(width="wide").to_dict(validate=True)
    caught = False
except Exception:
    caught = True
nb = nbformat.v4.new_notebook()
nbformat.validate(nb)
print(json.dumps({"loaded": sys.modules.get("rfc3987_syntax") is not None, "caught": caught}))
"""


def _probe(headless: bool) -> dict:
    env = {k: v for k, v in os.environ.items() if k != ENV}
    if headless:
        env[ENV] = "1"
    done = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True, env=env, timeout=120)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_a_headless_kernel_skips_the_slow_module_and_still_validates_charts_and_notebooks():
    seen = _probe(headless=True)
    assert seen == {"loaded": False, "caught": True}


def test_an_interactive_kernel_is_left_alone():
    seen = _probe(headless=False)
    assert seen == {"loaded": True, "caught": True}


def test_headless_kernels_sets_the_variable_only_inside_and_restores_it():
    before = os.environ.get(ENV)
    with headless_kernels():
        assert os.environ[ENV] == "1"
    assert os.environ.get(ENV) == before
