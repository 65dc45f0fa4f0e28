"""The design form covers every design field: each advanced section saves the same design as editing
program.yaml by hand, keeps the lines it did not change byte for byte, and refuses a wrong value with one
line naming the field and the fix (nothing written)."""
from __future__ import annotations

import difflib
import types
import typing
from typing import Any

import pytest
import yaml
from pydantic import BaseModel

from revmentor_nb import Workspace
from revmentor_nb.design.program import ProgramDesign, load_design, new_design
from revmentor_nb.design.readiness import QUESTION_IDS
from revmentor_nb.io.contract import KINDS

pytest.importorskip("ipywidgets")
from revmentor_nb.ui import DesignForm  # noqa: E402

# Fields a form should truly not offer, each with the reason (none today: every field has a widget or is
# set through another field, DesignForm.DERIVED). A field added to the model without a widget fails below.
NOT_IN_FORM: dict[str, str] = {}
# Mappings whose keys are fixed by the package: each key needs its own widget.
DICT_KEYS = {"readiness": QUESTION_IDS, "inputs": tuple(KINDS)}
# Kinds an input file format (a model under the kind) may be given for: the model refuses it for the others.
FORMAT_KINDS = ("participants",)


def _models(annotation: Any) -> list[type[BaseModel]]:
    args = typing.get_args(annotation) if isinstance(annotation, types.UnionType) or typing.get_origin(
        annotation) is typing.Union else (annotation,)
    return [a for a in args if isinstance(a, type) and issubclass(a, BaseModel)]


def design_leaves(model: type[BaseModel] = ProgramDesign, prefix: str = "") -> list[str]:
    """Every key of program.yaml a person can set, as dotted paths (a model's own fields, recursively)."""
    out: list[str] = []
    for name, field in model.model_fields.items():
        path, ann = prefix + name, field.annotation
        if typing.get_origin(ann) is dict:
            assert path in DICT_KEYS, f"{path} is a mapping: list its keys in DICT_KEYS and give each a widget"
            value_models = _models(typing.get_args(ann)[1])
            for key in DICT_KEYS[path]:
                out.append(f"{path}.{key}")
                if key in FORMAT_KINDS:
                    for sub in value_models:
                        out += design_leaves(sub, f"{path}.{key}.")
            continue
        sub = _models(ann) if typing.get_origin(ann) is not list else []
        if sub:
            if type(None) in typing.get_args(ann):  # optional section: switching it on or off is a setting
                out.append(path)
            out += design_leaves(sub[0], path + ".")
        else:
            out.append(path)
    return out


@pytest.fixture
def ws(tmp_path) -> Workspace:
    return Workspace.create(tmp_path / "ws", ProgramDesign())


def test_every_field_of_the_design_model_is_reachable_from_the_form(ws):
    form = DesignForm(ws)
    leaves = design_leaves()
    assert len(leaves) > 100 and "matching.fairness.max_rate_gap" in leaves and "messages.smtp.port" in leaves
    missing = [p for p in leaves if p not in form._inputs and p not in form.DERIVED and p not in NOT_IN_FORM]
    assert missing == [], f"design fields without a widget (add one, or list in NOT_IN_FORM with a reason): {missing}"
    assert set(form.DERIVED.values()) <= set(form._inputs)
    stale = set(form._inputs) - set(leaves) - {"scheme"}
    assert stale == set(), f"widgets registered under keys the design does not have: {stale}"
    assert all(reason.strip() for reason in NOT_IN_FORM.values())


def test_the_enumeration_notices_a_field_added_without_a_widget(ws):
    from revmentor_nb.design.program import MonitoringRules

    class Later(MonitoringRules):
        quiet_weeks: int = 3

    class LaterDesign(ProgramDesign):
        monitoring: Later = Later()

    form = DesignForm(ws)
    missing = [p for p in design_leaves(LaterDesign) if p not in form._inputs and p not in form.DERIVED]
    assert missing == ["monitoring.quiet_weeks"]


# --- round trips: widget values (as a person types them) and the same change written by hand -------------

SPEC_TERM = "- name: same_profession\n  kind: same\n  column: profession\n  weight: 2\n"
SPEC_RULE = "- name: same_site_only\n  kind: same\n  column: location\n"
CASES: dict[str, tuple[dict[str, Any], dict[str, Any]]] = {
    "scores": (
        {"matching.weights.topic_coverage": 0.8, "matching.weights.first_topic_weight": 3.0,
         "matching.weights.shared_interests": 0.0, "matching.weights.same_site": 0.4,
         "matching.weights.reciprocity": 0.25, "matching.weights.extra": SPEC_TERM},
        {"matching.weights.topic_coverage": 0.8, "matching.weights.first_topic_weight": 3,
         "matching.weights.shared_interests": 0, "matching.weights.same_site": 0.4,
         "matching.weights.reciprocity": 0.25,
         "matching.weights.extra": [{"name": "same_profession", "kind": "same", "column": "profession", "weight": 2}]},
    ),
    "more rules": (
        {"matching.rules.grade_gap.min": "", "matching.rules.grade_gap.max": "3", "matching.rules.exclusions": False,
         "matching.rules.extra": SPEC_RULE},
        {"matching.rules.grade_gap.min": None, "matching.rules.grade_gap.max": 3, "matching.rules.exclusions": False,
         "matching.rules.extra": [{"name": "same_site_only", "kind": "same", "column": "location"}]},
    ),
    "fairness": (
        {"matching.fairness": True, "matching.fairness.attributes": "gender, age_band",
         "matching.fairness.side": "mentee", "matching.fairness.max_rate_gap": "0.2",
         "matching.fairness.max_fit_gap": "", "matching.fairness.min_group": "8", "matching.fairness.penalty": 5.0},
        {"matching.fairness": {"attributes": ["gender", "age_band"], "side": "mentee", "max_rate_gap": 0.2,
                               "max_fit_gap": None, "min_group": 8, "penalty": 5}},
    ),
    "capacity, tiers and mix": (
        {"matching.load_cap": "2", "matching.mentee_cap": "1", "matching.tiers": "both",
         "matching.mix": "department, mentor, 0.3\nlocation, mentee, 0.5"},
        {"matching.load_cap": 2, "matching.mentee_cap": 1, "matching.tiers": "both",
         "matching.mix": [{"column": "department", "side": "mentor", "max_share": 0.3},
                          {"column": "location", "side": "mentee", "max_share": 0.5}]},
    ),
    "solver": (
        {"matching.solver.method": "lp", "matching.solver.time_limit": "", "matching.solver.threads": 2,
         "matching.solver.mip_gap": 0.001, "matching.solver.pool": 4},
        {"matching.solver.method": "lp", "matching.solver.time_limit": None, "matching.solver.threads": 2,
         "matching.solver.mip_gap": 0.001, "matching.solver.pool": 4},
    ),
    "monitoring": (
        {"monitoring.gap_factor": 2.5, "monitoring.kickoff_weeks": 3, "monitoring.low_satisfaction": 3,
         "monitoring.response_days": 14, "monitoring.behind_by": 3, "monitoring.agreement_days": 10,
         "monitoring.lookahead_days": 0},
        {"monitoring": {"gap_factor": 2.5, "kickoff_weeks": 3, "low_satisfaction": 3, "response_days": 14,
                        "behind_by": 3, "agreement_days": 10, "lookahead_days": 0}},
    ),
    "messages": (
        {"messages.from_address": "Mentoring team <mentoring@example.org>", "messages.reply_to": "",
         "messages.team_address": "team@example.org", "messages.timezone": "Europe/Berlin",
         "messages.meeting_time": "09:30", "messages.first_meeting_days": 10,
         "messages.survey_url": "https://forms.example.org/r?id={id}&s={stage}", "messages.nudge_repeat_days": 21,
         "messages.smtp.host": "smtp.example.org", "messages.smtp.port": 465, "messages.smtp.security": "ssl",
         "messages.smtp.user": "mentoring", "messages.smtp.password_env": "MENTORING_SMTP",
         "messages.smtp.rate_per_minute": 10.0, "messages.smtp.timeout_seconds": 20.0},
        {"messages": {"from_address": "Mentoring team <mentoring@example.org>", "team_address": "team@example.org",
                      "timezone": "Europe/Berlin", "meeting_time": "09:30", "first_meeting_days": 10,
                      "survey_url": "https://forms.example.org/r?id={id}&s={stage}", "nudge_repeat_days": 21,
                      "smtp": {"host": "smtp.example.org", "port": 465, "security": "ssl", "user": "mentoring",
                               "password_env": "MENTORING_SMTP", "rate_per_minute": 10, "timeout_seconds": 20}}},
    ),
    "inputs": (
        {"inputs.participants.format": "mentor-match", "inputs.participants.mentors": "inputs/mentors.csv",
         "inputs.participants.mentees": "inputs/mentees.csv", "inputs.participants.capacity": 2,
         "inputs.roster": "inputs/roster.csv", "inputs.exclusions": "  "},
        {"inputs": {"participants": {"format": "mentor-match", "mentors": "inputs/mentors.csv",
                                     "mentees": "inputs/mentees.csv", "capacity": 2},
                    "roster": "inputs/roster.csv"}},
    ),
}


def _set(data: dict[str, Any], path: str, value: Any) -> None:
    *parents, last = path.split(".")
    for p in parents:
        data = data.setdefault(p, {})
    data[last] = value


def _by_hand(tmp_path, original: str, changes: dict[str, Any]):
    """The design program.yaml holds after editing ``changes`` into it by hand."""
    data = yaml.safe_load(original)
    for path, value in changes.items():
        _set(data, path, value)
    hand = tmp_path / "hand.yaml"
    hand.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return load_design(hand)


def _in_order(lines: list[str], text: list[str]) -> bool:
    """``lines`` occur in ``text`` in this order, each byte for byte."""
    it = iter(text)
    return all(any(ln == t for t in it) for ln in lines)


@pytest.mark.parametrize("section", list(CASES))
def test_a_section_saves_what_editing_program_yaml_by_hand_gives(ws, tmp_path, section):
    typed, hand = CASES[section]
    path = ws.root / "program.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("spaces: 50", "spaces: 50  # agreed budget"),
                    encoding="utf-8")
    before = path.read_text(encoding="utf-8")
    form = DesignForm(Workspace(ws.root), who="tester")
    for key, value in typed.items():
        form._inputs[key].value = value
    assert form.save() is not None, form.problems
    saved = Workspace(ws.root).design
    assert saved.model_dump() == _by_hand(tmp_path, before, hand).model_dump()
    assert saved.model_dump() != ProgramDesign().model_dump()
    # every line the change does not touch is kept byte for byte (comments too)
    after = path.read_text(encoding="utf-8")
    touched = {part for key in [*typed, *hand] for part in key.split(".")}
    kept = [ln for ln in before.splitlines() if ln.strip().lstrip("- ").split(":")[0] not in touched]
    diff = "\n".join(difflib.unified_diff(before.splitlines(), after.splitlines(), lineterm=""))
    assert _in_order(kept, after.splitlines()), diff
    assert len(kept) < len(before.splitlines()) and before != after
    assert "spaces: 50  # agreed budget" in after
    again = DesignForm(Workspace(ws.root))  # the form shows what it saved
    assert again.values() == form.values()


def test_choosing_a_published_rule_set_fills_the_form_as_the_preset_does_by_hand(tmp_path):
    ws = Workspace.create(tmp_path / "ws", new_design("traditional"))
    before = (ws.root / "program.yaml").read_text(encoding="utf-8")
    form = DesignForm(ws)
    form._inputs["matching.preset"].value = "civil-service"
    assert form._inputs["matching.tiers"].value == "both" and form._inputs["matching.load_cap"].value == "3"
    assert "same_profession" in form._inputs["matching.weights.extra"].value
    assert form.save() is not None, form.problems
    data = yaml.safe_load(before)
    data["matching"] = {"preset": "civil-service"}  # a person writes the preset alone
    (tmp_path / "hand.yaml").write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    assert Workspace(ws.root).design.model_dump() == load_design(tmp_path / "hand.yaml").model_dump()


def test_switching_fairness_off_saves_none_and_hides_its_fields(ws):
    form = DesignForm(ws)
    form._inputs["matching.fairness"].value = True
    assert form._fairness_details.layout.display == "flex"
    assert form.save().matching.fairness.max_rate_gap == 0.10  # the defaults shown are the defaults saved
    form._inputs["matching.fairness"].value = False
    assert form._fairness_details.layout.display == "none"
    assert form.save().matching.fairness is None


# --- a wrong value: one line naming the field and the fix; program.yaml untouched ----------------------------

INVALID = [
    ("matching.weights.topic_coverage", -1.0, "greater than or equal to 0"),
    ("matching.weights.extra", "- name: x\n  kind: [", "not YAML"),
    ("matching.weights.extra", "- name: x\n  kind: colour\n", "coverage"),
    ("matching.rules.grade_gap.max", "three", "integer"),
    ("matching.fairness.max_rate_gap", "1.5", "less than or equal to 1"),
    ("matching.mix", "department, mentor", "column, side, largest share"),
    ("matching.mix", "department, boss, 0.3", "mentor"),
    ("matching.load_cap", "0", "greater than or equal to 1"),
    ("matching.solver.threads", 0, "greater than or equal to 1"),
    ("monitoring.kickoff_weeks", 0, "greater than or equal to 1"),
    ("messages.survey_url", "https://forms.example.org/r", "{id}"),
    ("messages.smtp.password_env", "my secret", "environment variable"),
    ("inputs.participants.mentees", "", "mentees file"),
]


@pytest.mark.parametrize(("key", "value", "said"), INVALID, ids=[f"{k}={v!r}"[:40] for k, v, _ in INVALID])
def test_a_wrong_value_is_refused_with_one_line_naming_the_field_and_the_fix(ws, key, value, said):
    path = ws.root / "program.yaml"
    before = path.read_bytes()
    form = DesignForm(ws)
    if key.startswith("matching.fairness."):
        form._inputs["matching.fairness"].value = True
    if key.startswith("inputs.participants."):
        form._inputs["inputs.participants.format"].value = "mentor-match"
        form._inputs["inputs.participants.mentors"].value = "inputs/mentors.csv"
    form._inputs[key].value = value
    assert form.save() is None
    assert path.read_bytes() == before
    assert len(form.problems) == 1, form.problems
    problem = form.problems.iloc[0]
    assert problem["column"].startswith(key) and problem["fix"].strip(), problem
    shown = {k: e.value for k, e in form._errors.items() if e.layout.display != "none"}
    assert list(shown) == [key] and "<br>" not in shown[key] and " — " in shown[key]
    assert said in shown[key], shown[key]
    assert "not saved" in form.problem_box.value and key.split(".")[-1] in form.problem_box.value
