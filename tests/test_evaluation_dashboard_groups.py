"""The evaluation dashboard for every group and measure: rows and a drawable chart, or a sentence saying why not
(a measure only mentees answer, picked for mentors, used to give a header-only table and an empty chart whose
SVG had sizes of 1.8e308)."""
from __future__ import annotations

import re

import pytest

from revmentor_nb.evaluation.evaluate import evaluate, inputs_from_workspace
from tests.browser.test_evaluation_dashboard import _workspace


@pytest.fixture(scope="module")
def dashboard(tmp_path_factory):
    from revmentor_nb.ui.evaluation_dashboard import EvaluationDashboard

    ws = _workspace(tmp_path_factory.mktemp("evdash") / "ws")
    inputs = inputs_from_workspace(ws)
    return EvaluationDashboard(evaluate(inputs, ws.design, as_of="2027-03-02"), inputs)


def test_every_group_and_measure_shows_rows_or_says_why_not(dashboard):
    from revmentor_nb.ui.evaluation_dashboard import GROUPS

    empty = 0
    for _, group in GROUPS:
        for _, measure in dashboard.measure.options:
            dashboard.group.value, dashboard.measure.value = group, measure
            table, chart = dashboard.table.value, dashboard.chart.value
            where = f"{group} / {measure}"
            assert "1.8e308" not in chart and "Infinity" not in chart and "NaN" not in chart, where
            if "rm-eval-empty" in table:
                empty += 1
                assert "No " in table and "responses from" in table and chart == "", where
                continue
            body_rows = len(re.findall(r"<tr", table)) - 1  # less the header row
            assert body_rows >= 1, where
            assert "<svg" in chart or "rm-eval-empty" in chart, where
    assert empty >= 1  # the demo's digital-confidence measure is given to mentees only


def test_mentors_with_a_mentee_only_measure_say_so(dashboard):
    dashboard.group.value = "mentors"
    dashboard.measure.value = "digital_confidence|total"
    assert "No Digital confidence scale responses from mentors" in dashboard.table.value
    assert dashboard.chart.value == ""
    dashboard.measure.value = "mfq9|total"
    assert "<svg" in dashboard.chart.value and "rm-eval-empty" not in dashboard.table.value
