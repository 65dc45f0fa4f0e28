"""The design form's advanced sections (score weights, rules as data, fairness, capacity and mix, tiers,
solver, monitoring thresholds, messages, inputs): widgets registered on the form under their program.yaml keys.

Each section is a thin view: values go back into the design dict as typed and the same pydantic model
judges them on Check/Save. Text codecs here only turn a box's text into the model's shape (a list of
mix caps, a YAML list of rule or term specs); text that cannot take that shape is ``Unreadable``,
reported as one problem line for its key, and nothing is saved.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any, Callable

import ipywidgets as w
import yaml

from revmentor_nb.design.program import MonitoringRules
from revmentor_nb.io.contract import KINDS
from revmentor_nb.matching.config import FairnessSettings, RuleSpec, TermSpec
from revmentor_nb.matching.presets import PRESETS

if TYPE_CHECKING:
    from revmentor_nb.ui.design_form import DesignForm

_WIDTH = "min(520px, 94%)"  # inside the accordion's padding at 1,024 px
_WIDE = w.Layout(width=_WIDTH)
_NUMBER = w.Layout(width="160px")
_SPEC_BOX = w.Layout(width=_WIDTH, height="140px")

#: Design keys the form sets through another of its fields (key -> the form field that sets it).
DERIVED: dict[str, str] = {
    "mode": "scheme",
    "direction": "scheme",
    "matching.mode": "scheme",  # the matching section takes mode from the top level
    "matching.rules.grade_gap.direction": "scheme",
    "matching.k": "privacy.k",  # ... and k from privacy
}
#: Section titles, in the order the accordion shows them.
SECTIONS = ("Scores", "More rules", "Fairness", "Capacity, tiers and mix", "Solver", "Monitoring", "Messages",
            "Inputs")
TIERS = [("mentees first", "mentees"), ("both sides", "both"), ("off", "off")]
PARTICIPANT_FORMATS = [("one file", "file"), ("mentor-match: a mentors file and a mentees file", "mentor-match")]


class Unreadable(ValueError):
    """A box's text that cannot take the model's shape: the key, what is wrong and the fix."""

    def __init__(self, key: str, problem: str, fix: str, value: Any = None) -> None:
        super().__init__(f"{key}: {problem}")
        self.key, self.problem, self.fix, self.value = key, problem, fix, value


# ------------------------------------------------------------------------------------------- codecs


def read_optional(x: w.Widget) -> str | None:
    """A box whose blank means 'not set' (None); any other text goes to the model as typed (it parses numbers)."""
    text = str(x.value or "").strip()
    return text or None


def write_optional(x: w.Widget, v: Any) -> None:
    """Show an optional value: blank for None, a number without trailing zeros."""
    x.value = "" if v is None else (f"{v:g}" if isinstance(v, float) else str(v))


def mix_text(caps: list[dict[str, Any]] | None) -> str:
    """Mix caps as lines ``column, side, largest share``."""
    return "\n".join(f"{c['column']}, {c['side']}, {c['max_share']:g}" for c in caps or [])


def read_mix(text: str) -> list[dict[str, Any]]:
    """Lines ``column, side, largest share`` as mix caps (the model checks side and share)."""
    caps = []
    for i, line in enumerate(str(text or "").splitlines(), start=1):
        if not line.strip():
            continue
        parts = [p.strip() for p in line.split(",")]
        if len(parts) != 3 or not all(parts):
            raise Unreadable("matching.mix", f"line {i} ({line.strip()!r}) is not 'column, side, largest share'",
                             "write one cap a line, e.g. department, mentor, 0.25", line.strip())
        caps.append({"column": parts[0], "side": parts[1], "max_share": parts[2]})
    return caps


def specs_text(specs: list[dict[str, Any]] | None, model: type[RuleSpec] | type[TermSpec]) -> str:
    """Rule or term specs as a YAML list, each without the keys left at their defaults."""
    if not specs:
        return ""
    short = [model.model_validate(s).model_dump(exclude_defaults=True) | {"name": s["name"], "kind": s["kind"]}
             for s in specs]
    short = [{"name": s.pop("name"), "kind": s.pop("kind"), **s} for s in short]
    return yaml.safe_dump(short, sort_keys=False, allow_unicode=True)


def read_specs(key: str, what: str) -> Callable[[w.Widget], list[Any]]:
    """A reader of a YAML list of specs (blank = none); the model judges each entry."""
    fix = f"write a YAML list, one '- name: ...' entry a {what} with its kind and columns, or leave it blank"

    def read(x: w.Widget) -> list[Any]:
        text = str(x.value or "")
        if not text.strip():
            return []
        try:
            data = yaml.safe_load(text)
        except yaml.YAMLError as err:
            mark = getattr(err, "problem_mark", None)
            where = f" at line {mark.line + 1}" if mark is not None else ""
            raise Unreadable(key, f"not YAML{where}: {getattr(err, 'problem', None) or err}", fix) from None
        if not isinstance(data, list) or not all(isinstance(s, dict) for s in data):
            raise Unreadable(key, f"must be a list of {what}s (each a mapping)", fix)
        return data

    return read


# ------------------------------------------------------------------------------------------ sections


def _number(description: str, float_: bool = True, **kw: Any) -> w.Widget:
    box = w.FloatText if float_ else w.IntText
    return box(description=description, layout=_NUMBER, **kw)


def _optional(description: str, placeholder: str, width: str = "160px") -> w.Text:
    return w.Text(description=description, placeholder=placeholder, layout=w.Layout(width=width))


def _scores(form: DesignForm) -> list[w.Widget]:
    f = form._field
    k = "matching.weights."
    return [
        w.HTML("<em>Each score part is between 0 and 1; a pair's score is their weighted sum (0 switches a part "
               "off).</em>"),
        f(k + "topic_coverage", _number("Topic coverage: share of the mentee's wanted topics the mentor offers",
                                        step=0.1), "rm-w-topic"),
        f(k + "first_topic_weight", _number("How many times the mentee's first-listed topic counts", step=0.5),
          "rm-w-first"),
        f(k + "shared_interests", _number("Shared interests", step=0.1), "rm-w-interests"),
        f(k + "same_site", _number("Same site", step=0.1), "rm-w-site"),
        f(k + "reciprocity", _number("Reciprocity (two-way only): what the mentee can teach back", step=0.1),
          "rm-w-reciprocity"),
        f(k + "extra", w.Textarea(description="More score terms (YAML list of term specs; see the matching guide)",
                                  layout=_SPEC_BOX), "rm-w-extra",
          read=read_specs(k + "extra", "score term"), write=lambda x, v: setattr(x, "value", specs_text(v, TermSpec))),
    ]


def _more_rules(form: DesignForm) -> list[w.Widget]:
    f = form._field
    presets = w.Dropdown(description="Start from a published rule set (fills this form's matching fields)",
                         options=[("(none)", None), *[(n, n) for n in sorted(PRESETS)]], layout=w.Layout(width="240px"))
    presets.observe(form._on_matching_preset, names="value")
    return [
        f("matching.preset", presets, "rm-match-preset"),
        f("matching.rules.grade_gap.max", _optional("Grade gap: at most this many grades between mentor and mentee",
                                                    "blank = no limit"), "rm-rule-gap-max", read_optional,
          write_optional),
        f("matching.rules.exclusions", w.Checkbox(description="Never pair two people on the exclusions list"),
          "rm-rule-exclusions"),
        f("matching.rules.extra", w.Textarea(description="More hard rules (YAML list of rule specs; see the matching "
                                                         "guide)", layout=_SPEC_BOX), "rm-rule-extra",
          read=read_specs("matching.rules.extra", "rule"),
          write=lambda x, v: setattr(x, "value", specs_text(v, RuleSpec))),
    ]


def _fairness(form: DesignForm) -> list[w.Widget]:
    f = form._field
    k = "matching.fairness."
    on = w.Checkbox(description="Keep a fair share for every group (fairness side constraints)")
    details = w.VBox([
        f(k + "attributes", w.Text(description="Groups by (sensitive columns, used only in aggregate)",
                                   placeholder="e.g. gender, ethnicity, age_band", layout=_WIDE), "rm-fair-attributes",
          read=lambda x: [a.strip() for a in str(x.value).split(",") if a.strip()],
          write=lambda x, v: setattr(x, "value", ", ".join(v or []))),
        f(k + "side", w.ToggleButtons(description="For", options=["mentee", "mentor", "both"]), "rm-fair-side"),
        f(k + "max_rate_gap", _optional("Largest shortfall in a group's match rate (0-1; blank = no floor)",
                                        "e.g. 0.1"), "rm-fair-rate", read_optional, write_optional),
        f(k + "max_fit_gap", _optional("Largest shortfall in a group's mean fit (0-1; blank = no floor)", "e.g. 0.1"),
          "rm-fair-fit", read_optional, write_optional),
        f(k + "min_group", _optional("Smallest group constrained (blank = k)", "blank = k"), "rm-fair-min-group",
          read_optional, write_optional),
        f(k + "penalty", _number("Penalty for a floor that cannot be met", step=1.0), "rm-fair-penalty"),
    ]).add_class("rm-fair-details")
    form._fairness_details = details

    def shown(_: Any = None) -> None:
        details.layout.display = "flex" if on.value else "none"

    on.observe(shown, names="value")
    return [f("matching.fairness", on, "rm-fair-on", read=lambda x: bool(x.value),
              write=lambda x, v: (setattr(x, "value", v is not None), shown())), details]


def _capacity(form: DesignForm) -> list[w.Widget]:
    f = form._field
    return [
        f("matching.load_cap", _optional("Most mentees any mentor takes, whatever their capacity",
                                         "blank = their own"), "rm-load-cap", read_optional, write_optional),
        f("matching.mentee_cap", _optional("Most mentors any mentee gets, whatever they asked for",
                                           "blank = their own"), "rm-mentee-cap", read_optional, write_optional),
        f("matching.tiers", w.ToggleButtons(description="Everyone gets one before anyone gets a second",
                                            options=TIERS), "rm-tiers"),
        f("matching.mix", w.Textarea(description="Mix caps, one a line: column, side, largest share of all pairs "
                                                 "(e.g. department, mentor, 0.25)", rows=3, layout=_WIDE), "rm-mix",
          read=lambda x: read_mix(x.value), write=lambda x, v: setattr(x, "value", mix_text(v))),
    ]


def _solver(form: DesignForm) -> list[w.Widget]:
    f = form._field
    k = "matching.solver."
    return [
        w.HTML("<em>How the optimum is reached, never what it is.</em>"),
        f(k + "method", w.Dropdown(description="Method", options=["auto", "assignment", "flow", "lp"],
                                   layout=w.Layout(width="200px")), "rm-solver-method"),
        f(k + "time_limit", _optional("Time limit (seconds; blank = none)", "blank = no limit"), "rm-solver-time",
          read_optional, write_optional),
        f(k + "threads", _number("Threads", float_=False), "rm-solver-threads"),
        f(k + "mip_gap", _number("Relative gap that counts as optimal", step=1e-5), "rm-solver-gap"),
        f(k + "pool", _number("Initial candidates per mentee (LP)", float_=False), "rm-solver-pool"),
    ]


def _monitoring(form: DesignForm) -> list[w.Widget]:
    f = form._field
    fields = MonitoringRules.model_fields
    css = {"gap_factor": "rm-mon-gap", "kickoff_weeks": "rm-mon-kickoff", "low_satisfaction": "rm-mon-satisfaction",
           "response_days": "rm-mon-response", "behind_by": "rm-mon-behind", "agreement_days": "rm-mon-agreement",
           "lookahead_days": "rm-mon-lookahead"}
    out: list[w.Widget] = [w.HTML("<em>When the monitor flags a pair; changes apply at the next look.</em>")]
    for name, cls in css.items():
        text = str(fields[name].description)
        out.append(f(f"monitoring.{name}", _number(text[0].upper() + text[1:], float_=name == "gap_factor",
                                                   **({"step": 0.1} if name == "gap_factor" else {})), cls))
    return out


def _messages(form: DesignForm) -> list[w.Widget]:
    f = form._field
    k = "messages."
    s = k + "smtp."
    text = lambda d, ph="", width="min(480px, 94%)": w.Text(description=d, placeholder=ph,  # noqa: E731
                                                             layout=w.Layout(width=width))
    return [
        f(k + "from_address", text("Sender", "Mentoring team <mentoring@example.org>"), "rm-msg-from",
          read_optional, write_optional),
        f(k + "reply_to", text("Reply to (blank = the sender)"), "rm-msg-reply", read_optional, write_optional),
        f(k + "team_address", text("Programme team (gets the communication plan's steps)"), "rm-msg-team",
          read_optional, write_optional),
        f(k + "timezone", text("Time zone of meeting times (IANA name)", "Europe/London", "240px"), "rm-msg-tz"),
        f(k + "meeting_time", text("Proposed meeting time (HH:MM)", "10:00", "120px"), "rm-msg-time"),
        f(k + "first_meeting_days", _number("First meeting proposed this many days after a pair starts",
                                            float_=False), "rm-msg-first"),
        f(k + "survey_url", text("Check-in survey link with {id} (optional {stage}, {pair})",
                                 "https://forms.office.com/r/AbC?r3f={id}", _WIDTH), "rm-msg-survey",
          read_optional, write_optional),
        f(k + "nudge_repeat_days", _number("Re-send an at-risk or check-in nudge at most every (days)", float_=False),
          "rm-msg-nudge"),
        w.HTML("<strong>Mail server</strong> <em>(for revmentor send --send; the password comes from an environment "
               "variable, never a file)</em>"),
        f(s + "host", text("Host", "localhost", "320px"), "rm-smtp-host"),
        f(s + "port", _number("Port", float_=False), "rm-smtp-port"),
        f(s + "security", w.ToggleButtons(description="Security", options=["starttls", "ssl", "none"]),
          "rm-smtp-security"),
        f(s + "user", text("Login name (blank = no login)", "", "320px"), "rm-smtp-user", read_optional,
          write_optional),
        f(s + "password_env", text("Environment variable holding the password", "REVMENTOR_SMTP_PASSWORD", "320px"),
          "rm-smtp-password-env"),
        f(s + "rate_per_minute", _number("Most messages per minute"), "rm-smtp-rate"),
        f(s + "timeout_seconds", _number("Time-out (seconds)"), "rm-smtp-timeout"),
    ]


def _inputs(form: DesignForm) -> list[w.Widget]:
    f = form._field
    k = "inputs.participants."
    fmt = w.ToggleButtons(description="Sign-ups come as", options=PARTICIPANT_FORMATS)
    one = f("inputs.participants", w.Text(description="Sign-ups file", placeholder="e.g. inputs/signups.csv",
                                          layout=_WIDE), "rm-in-participants",
            read=lambda x: x.value, write=lambda x, v: setattr(x, "value", v if isinstance(v, str) else ""))
    two = w.VBox([
        f(k + "mentors", w.Text(description="Mentors file", placeholder="e.g. inputs/mentors.csv", layout=_WIDE),
          "rm-in-mentors", write=lambda x, v: setattr(x, "value", v or "")),
        f(k + "mentees", w.Text(description="Mentees file", placeholder="e.g. inputs/mentees.csv", layout=_WIDE),
          "rm-in-mentees", write=lambda x, v: setattr(x, "value", v or "")),
        f(k + "capacity", _number("Most pairs per person on each side", float_=False), "rm-in-capacity",
          write=lambda x, v: setattr(x, "value", 3 if v is None else v)),
    ])

    def shown(_: Any = None) -> None:
        one.layout.display = "none" if fmt.value == "mentor-match" else "flex"
        two.layout.display = "flex" if fmt.value == "mentor-match" else "none"

    fmt.observe(shown, names="value")
    out = [w.HTML("<em>Files the headless run imports, relative to the workspace; blank = none.</em>"),
           f(k + "format", fmt, "rm-in-format", write=lambda x, v: (setattr(x, "value", v or "file"), shown())),
           one, two]
    for kind in KINDS:
        if kind != "participants":
            out.append(f(f"inputs.{kind}", w.Text(description=kind.capitalize(), placeholder=f"e.g. inputs/{kind}.csv",
                                                  layout=_WIDE), f"rm-in-{kind}",
                         write=lambda x, v: setattr(x, "value", v if isinstance(v, str) else "")))
    return out


def inputs_value(form: DesignForm) -> dict[str, Any]:
    """The ``inputs`` mapping the Inputs section describes (blank paths left out)."""
    value = form._inputs
    out: dict[str, Any] = {}
    for kind in KINDS:
        if kind == "participants" and value["inputs.participants.format"].value == "mentor-match":
            out[kind] = {"format": "mentor-match",
                         **{p: form._readers[f"inputs.participants.{p}"](value[f"inputs.participants.{p}"])
                            for p in ("mentors", "mentees", "capacity")}}
            continue
        path = str(value[f"inputs.{kind}"].value or "").strip()
        if path:
            out[kind] = path
    return out


def fairness_shown(data: dict[str, Any]) -> dict[str, Any]:
    """``data`` (a design dump) with the default fairness settings in place of none, for the form to show."""
    if data["matching"].get("fairness") is None:
        data["matching"] = {**data["matching"], "fairness": FairnessSettings().model_dump()}
    return data


def advanced(form: DesignForm) -> w.Accordion:
    """The advanced sections as one accordion (all closed at first)."""
    builders = (_scores, _more_rules, _fairness, _capacity, _solver, _monitoring, _messages, _inputs)
    children = [w.VBox(b(form)).add_class(f"rm-sec-{t.split(',')[0].split()[0].lower()}")
                for b, t in zip(builders, SECTIONS)]
    acc = w.Accordion(children=children, titles=SECTIONS, selected_index=None,
                      layout=w.Layout(width="min(720px, 100%)"))
    return acc.add_class("rm-advanced")
