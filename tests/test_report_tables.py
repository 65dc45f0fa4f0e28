"""The house table (report/tables.py) and the one privacy step before it (privacy/report_frame.py)."""
from __future__ import annotations

import numpy as np
import pandas as pd
from report_reading import _Parser

from revmentor_nb import for_report
from revmentor_nb.io.markdown import plural
from revmentor_nb.privacy.pseudonyms import pseudonym
from revmentor_nb.report.charts.base import chart_svg, date_order
from revmentor_nb.report.tables import table_html


def _read(markup: str):
    p = _Parser()
    p.feed(markup)
    return p.tables[0]


def test_no_none_nan_or_na_reaches_a_cell_and_blanks_are_blank():
    frame = pd.DataFrame({"kind": ["a", None, "c"], "rows": [1441, None, np.nan], "share": [pd.NA, 0.5, 0.25],
                          "when": [pd.Timestamp("2026-03-02"), pd.NaT, pd.Timestamp("2026-03-02 10:30")]})
    table = _read(table_html(frame.astype({"share": object})))
    cells = [c for row in table.rows for c in row]
    assert not {"None", "nan", "NaN", "<NA>", "NaT"} & set(cells)
    assert table.rows[0] == ["a", "1,441", "", "2026-03-02"] and table.rows[2][3] == "2026-03-02 10:30"
    assert table.column("share") == ["", "0.50", "0.25"]  # one number of decimals per column


def test_text_left_numbers_right_long_text_wraps():
    frame = pd.DataFrame({"grade": ["A1", "B2"], "people": [1200, 7], "rate": ["83.5% of 79", "< 5"],
                          "reason": ["a reason long enough to need wrapping in a report table", "short"],
                          "person_id": [123456, 7], "ok": [True, False]})
    markup = table_html(frame)
    table = _read(markup)
    assert table.align[0] == ["left", "right", "right", "left", "right", "left"]
    assert table.column("person") == ["123456", "7"]  # ids are not grouped (and the header reads as a word)
    assert table.column("ok") == ["yes", "no"]
    assert markup.count("white-space:normal;min-width") == 2  # the reason column wraps (and only it)


def test_suppression_markers_and_their_footnote():
    frame = pd.DataFrame({"grade": ["A1", "A2"], "signed_up": [np.nan, 30.0], "not_eligible": [np.nan, 0.0]})
    frame.attrs["hidden"] = {"signed_up": {0: "hidden"}, "not_eligible": {0: "< 5"}}
    markup = table_html(frame)
    table = _read(markup)
    assert table.rows[0] == ["A1", "hidden", "< 5"] and table.align[0][1:] == ["right", "right"]
    assert "fewer than 5 people" in markup and "cannot be worked out" in markup


def test_for_report_drops_contacts_pseudonymises_and_keeps_names_only_when_asked():
    frame = pd.DataFrame({"person_id": ["E1", "E2"], "name": ["Ann Lee", "Bo Kim"], "email": ["a@x.org", "b@x.org"],
                          "mentor_email": ["m@x.org", None], "gender": ["f", "m"], "pair": ["Ann Lee → Bo Kim"] * 2,
                          "reason": ["E2 took the place", ""], "people": [12, 3]})
    out = for_report(frame, salt="s3cret", scrub=["reason"])
    assert list(out.columns) == ["person_id", "reason", "people"]
    assert out["person_id"].tolist() == [pseudonym("E1", "s3cret"), pseudonym("E2", "s3cret")]
    assert out["reason"].iloc[0] == f"{pseudonym('E2', 's3cret')} took the place"
    named = for_report(frame, salt="s3cret", names=True)
    assert list(named.columns) == ["person_id", "name", "pair", "reason", "people"]  # e-mails and gender still go
    groups = for_report(frame[["reason", "people"]], k=5, count="people")
    assert np.isnan(groups["people"].iloc[1]) and groups.attrs["hidden"]["people"] == {0: "hidden", 1: "< 5"}


def test_for_report_reads_salt_k_and_the_names_setting_from_the_workspace():
    class Privacy:
        k, names_in_reports = 5, True

    class Design:
        privacy = Privacy()

    class Ws:
        pseudonym_salt, design = "salty", Design()

    frame = pd.DataFrame({"person_id": ["E1"], "name": ["Ann"], "email": ["a@x.org"]})
    assert list(for_report(frame, Ws()).columns) == ["person_id", "name"]
    Privacy.names_in_reports = False
    assert for_report(frame, Ws())["person_id"].tolist() == [pseudonym("E1", "salty")]


def test_plural():
    assert [plural(1, "mentor"), plural(2, "mentor"), plural(1441, "person"), plural(0, "pair")] == \
        ["1 mentor", "2 mentors", "1,441 people", "0 pairs"]


def test_charts_carry_their_description_into_the_svg_and_time_runs_in_date_order():
    from revmentor_nb.report import charts

    plan = pd.DataFrame({"stage": ["launch", "announce", "close"], "audience": ["pairs", "all", "pairs"],
                         "purpose": ["", "", ""], "start": pd.to_datetime(["2026-03-02", "2026-01-05", "2026-09-01"]),
                         "end": pd.to_datetime(["2026-03-09", "2026-01-12", "2026-09-08"])})
    assert date_order(plan) == ["announce", "launch", "close"]
    chart = charts.timeline(plan)
    assert chart.to_dict()["encoding"]["y"]["scale"]["domain"] == ["announce", "launch", "close"]
    svg = chart_svg(chart)
    assert "<desc>A Gantt chart" in svg and 'role="img"' in svg


def test_headers_read_as_words_and_the_frame_keeps_its_column_names():
    from revmentor_nb.report.tables import header_text

    frame = pd.DataFrame({"mentor_id": ["P-1"], "mentor_department": ["Legal"], "mean_pre": [2.5], "n_paired": [40],
                          "signed_up": [12]})
    table = _read(table_html(frame))
    assert table.header == ["mentor", "mentor department", "mean before", "paired", "signed up"]
    assert list(frame.columns)[0] == "mentor_id"  # the core frame is untouched
    assert [header_text(c) for c in ("person_id", "mean_post", "age_band", "who")] == \
        ["person", "mean after", "age band", "who"]
    twins = _read(table_html(pd.DataFrame({"mentor_id": ["P-1"], "mentor": ["Ann Lee"]})))
    assert twins.header == ["mentor id", "mentor"]  # two columns never share a header
    assert _read(table_html(frame, readable_headers=False)).header[0] == "mentor_id"  # a file's own names


def test_the_before_after_chart_has_one_legend_for_colour_and_shape():
    """Issue 19: the evaluation's before/after chart drew a colour legend and a shape legend for the same groups."""
    import re

    from revmentor_nb.report import charts

    means = pd.DataFrame({"group": ["Legal", "Legal", "Sales", "Sales"], "stage": ["pre", "post"] * 2,
                          "mean": [3.0, 3.4, 2.8, 3.1], "mean_low": [2.8, 3.2, 2.5, 2.9],
                          "mean_high": [3.2, 3.6, 3.1, 3.3], "n": [20, 20, 15, 15]})
    spec = charts.measure_before_after(means, "Mean before and after (95% CI)").to_dict()
    with_legend = [(i, ch, enc) for i, layer in enumerate(spec["layer"]) for ch, enc in layer["encoding"].items()
                   if isinstance(enc, dict) and enc.get("field") == "group" and ch not in ("xOffset", "detail") and enc.get("legend", {}) is not None]
    assert {ch for _, ch, _ in with_legend} == {"color", "shape"}, with_legend
    assert len({i for i, _, _ in with_legend}) == 1  # one layer draws it, so Vega-Lite merges them into one
    assert with_legend[0][2]["legend"] == with_legend[1][2]["legend"]
    whiskers = next(layer for layer in spec["layer"] if layer["mark"]["type"] == "rule")
    assert whiskers["encoding"]["stroke"]["legend"] is None and "color" not in whiskers["encoding"]
    svg = chart_svg(charts.measure_before_after(means, "Mean before and after (95% CI)"))
    legends = re.findall(r'aria-label="(Symbol legend[^"]*)"', svg)
    assert legends == ["Symbol legend for shape and fill color with 2 values: Legal, Sales"], legends


def test_a_count_chart_marks_a_hidden_count_instead_of_leaving_it_out():
    """Issue 19: the design report's unmatched-by-reason chart dropped the hidden reasons silently."""
    import re

    from revmentor_nb.report import charts

    reasons = for_report(pd.DataFrame({"why": ["spaces", "topic", "demand", "location", "no consent"],
                                       "people": [22, 3, 39, 2, 8]}), k=5, count="people")
    svg = chart_svg(charts.counts(reasons, "why", "people", "Who would go unmatched, and why"))
    labels = re.findall(r'aria-label="([^"]*)"', svg)
    assert "why: topic; marker: &lt; 5; people: &lt; 5" in labels and "people: 39; why: demand" in labels
    axis = next(a for a in labels if a.startswith("Y-axis"))
    assert axis.endswith("demand, spaces, no consent, topic, location")  # longest first, the hidden ones last
    assert "hidden for privacy" in charts.counts(reasons, "why", "people", "t").to_dict()["description"]
    plain = charts.counts(reasons.dropna(subset=["people"]).assign(people=lambda f: f["people"]), "why", "people", "t")
    assert "layer" not in plain.to_dict()  # nothing hidden: the plain bar chart
