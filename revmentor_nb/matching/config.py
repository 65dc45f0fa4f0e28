"""The `matching:` section of program.yaml: hard rules, score weights, trade-off, fairness.

Every field has a default, so ``MatchSettings()`` is the default programme. The friendly
switches (``MatchRules``, ``MatchWeights``) compile into a *table* of rule and term specs
(``RuleSpec``/``TermSpec``) that the matcher evaluates as data; ``rules.extra`` and
``weights.extra`` accept further specs of the same kinds, so new rules are configuration,
not code.
"""
from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

Side = Literal["mentor", "mentee"]
# Upper bounds: a typo such as a capacity of 10**9 or 10**6 reporting levels is refused on load,
# before it reaches the solver (and its memory).
MAX_CAPACITY = 50
MAX_LEVELS = 20
MAX_GRADE_GAP = 100
MAX_WEIGHT = 1000.0
Direction = Literal["mentee_senior", "mentor_senior"]


class StrictModel(BaseModel):
    """A settings model that refuses unknown keys and checks values on assignment (program.yaml sections)."""

    model_config = ConfigDict(extra="forbid", validate_assignment=True)


# --------------------------------------------------------------------------- rule/term specs


class RuleSpec(StrictModel):
    """One hard rule as data: a row of the rule table.

    kinds: ``different``/``same`` (a column must differ / match), ``gap`` (mentee minus
    mentor on an ordered column within [min, max]; ``direction: mentor_senior`` flips it),
    ``overlap`` (at least ``min_shared`` items of a mentor list column in a mentee list
    column), ``line`` (no reporting line within ``levels``), ``location`` (same ``column``
    unless both ``remote_column``), ``exclusion`` (the exclusions table), ``identity`` (never
    the same human being: added by the matcher itself when two sign-ups share a roster identity).
    """

    name: str
    kind: Literal["different", "same", "gap", "overlap", "line", "location", "exclusion", "identity"]
    column: str | None = None
    mentor_column: str | None = None
    mentee_column: str | None = None
    min: float | None = None
    max: float | None = None
    direction: Direction = "mentee_senior"
    levels: int = Field(0, ge=0, le=MAX_LEVELS)
    min_shared: int = Field(1, ge=1, le=1000)
    remote_column: str = "remote_ok"
    missing_ok: bool = True
    enabled: bool = True

    @model_validator(mode="after")
    def _needs(self) -> "RuleSpec":
        need = {
            "different": ("column",), "same": ("column",), "gap": ("column",),
            "overlap": ("mentor_column", "mentee_column"), "location": ("column",),
        }.get(self.kind, ())
        missing = [f for f in need if getattr(self, f) is None]
        if missing:
            raise ValueError(f"rule {self.name!r} of kind {self.kind!r} needs {', '.join(missing)}")
        if self.kind == "gap" and self.min is None and self.max is None:
            raise ValueError(f"rule {self.name!r}: a gap rule needs min and/or max")
        return self


class TermSpec(StrictModel):
    """One score term as data: ``weight`` times a component.

    kinds: ``coverage`` (share of the learner's list covered by the giver's, the learner's
    first item counting ``first_weight`` times), ``jaccard`` (shared share of two lists),
    ``same`` (1 when a column is equal), ``overlap`` (points per shared item, capped at
    ``cap`` items, or once when ``once``), ``gap_points`` (``points[gap]`` for the grade gap).
    ``opt_in`` names a boolean column of the learner that must be true for the term to count.
    """

    name: str
    kind: Literal["coverage", "jaccard", "same", "overlap", "gap_points"]
    weight: float = Field(1.0, ge=0, le=MAX_WEIGHT)
    giver: Side = "mentor"
    giver_column: str | None = None
    learner_column: str | None = None
    column: str | None = None
    first_weight: float = Field(1.0, ge=1, le=MAX_WEIGHT)
    once: bool = False
    cap: int | None = Field(None, ge=1, le=1000)
    points: dict[int, float] = Field(default_factory=dict)
    direction: Direction = "mentee_senior"
    opt_in: str | None = None
    two_way_only: bool = False

    @model_validator(mode="after")
    def _needs(self) -> "TermSpec":
        need = {
            "coverage": ("giver_column", "learner_column"), "jaccard": ("giver_column", "learner_column"),
            "overlap": ("giver_column", "learner_column"), "same": ("column",), "gap_points": ("column",),
        }[self.kind]
        missing = [f for f in need if getattr(self, f) is None]
        if missing:
            raise ValueError(f"term {self.name!r} of kind {self.kind!r} needs {', '.join(missing)}")
        if self.kind == "gap_points" and not self.points:
            raise ValueError(f"term {self.name!r}: gap_points needs points, e.g. {{1: 9, 2: 12}}")
        return self

    @property
    def max_value(self) -> float:
        """Largest component value (before the weight), for scaling the pair bonus."""
        if self.kind == "overlap":
            return 1.0 if self.once else float(self.cap or 3)
        if self.kind == "gap_points":
            return max([0.0, *self.points.values()])
        return 1.0


# --------------------------------------------------------------------------- friendly switches


class GradeGap(StrictModel):
    """Grade gap rule: mentee's grade_rank minus mentor's is within [min, max] (reverse mentoring).

    ``direction: mentor_senior`` declares a traditional scheme (mentor minus mentee instead).
    """

    enabled: bool = True
    min: int | None = Field(1, ge=-MAX_GRADE_GAP, le=MAX_GRADE_GAP)
    max: int | None = Field(None, ge=-MAX_GRADE_GAP, le=MAX_GRADE_GAP)
    direction: Direction = "mentee_senior"

    @model_validator(mode="after")
    def _order(self) -> "GradeGap":
        if self.min is not None and self.max is not None and self.min > self.max:
            raise ValueError(f"grade_gap: min ({self.min}) is above max ({self.max})")
        return self


class MatchRules(StrictModel):
    """Hard rules, each switchable; a pair breaking any enabled rule is never a candidate."""

    consent: bool = Field(True, description="only people who consented are matched")
    different_department: bool = True
    reporting_line_levels: int = Field(3, ge=0, le=MAX_LEVELS, description="no reporting line within N levels (0 = off)")
    grade_gap: GradeGap = Field(default_factory=GradeGap)
    shared_topic: bool = Field(True, description="mentor offers at least one topic the mentee wants")
    exclusions: bool = True
    location: bool = Field(True, description="same location unless both are remote_ok")
    extra: list[RuleSpec] = Field(default_factory=list)

    @field_validator("grade_gap", mode="before")
    @classmethod
    def _gap_shorthand(cls, v: Any) -> Any:
        if v is None or v is False:
            return {"enabled": False}
        if isinstance(v, bool):
            return {"enabled": True}
        if isinstance(v, int):
            return {"min": v}
        return v

    def table(self) -> list[RuleSpec]:
        """The enabled rules as a table of specs, in evaluation order."""
        out: list[RuleSpec] = []
        if self.exclusions:
            out.append(RuleSpec(name="exclusions", kind="exclusion"))
        if self.different_department:
            out.append(RuleSpec(name="different_department", kind="different", column="department"))
        if self.reporting_line_levels > 0:
            out.append(RuleSpec(name="reporting_line", kind="line", levels=self.reporting_line_levels))
        g = self.grade_gap
        if g.enabled and (g.min is not None or g.max is not None):
            out.append(RuleSpec(name="grade_gap", kind="gap", column="grade_rank", min=g.min, max=g.max,
                                direction=g.direction, missing_ok=False))
        if self.location:
            out.append(RuleSpec(name="location", kind="location", column="location"))
        if self.shared_topic:
            out.append(RuleSpec(name="shared_topic", kind="overlap", mentor_column="offers", mentee_column="wants"))
        out.extend(r for r in self.extra if r.enabled)
        names = [r.name for r in out]
        dup = sorted({n for n in names if names.count(n) > 1})
        if dup:
            raise ValueError(f"rules: duplicate rule name(s) {dup}")
        return out


class MatchWeights(StrictModel):
    """Weights of the score terms; each component is in [0, 1] and the score is their weighted sum."""

    topic_coverage: float = Field(1.0, ge=0, le=MAX_WEIGHT, description="share of the mentee's wanted topics the mentor offers")
    first_topic_weight: float = Field(2.0, ge=1, le=MAX_WEIGHT, description="how many times the mentee's first-listed topic counts")
    shared_interests: float = Field(0.3, ge=0, le=MAX_WEIGHT, description="Jaccard share of interests")
    same_site: float = Field(0.2, ge=0, le=MAX_WEIGHT, description="same location")
    reciprocity: float = Field(0.5, ge=0, le=MAX_WEIGHT, description="two-way only: share of the mentor's wants the mentee offers")
    extra: list[TermSpec] = Field(default_factory=list)

    def table(self, mode: str = "one-way") -> list[TermSpec]:
        """The active score terms as a table of specs (weight > 0, mode-appropriate)."""
        out = [
            TermSpec(name="topic_coverage", kind="coverage", weight=self.topic_coverage, giver="mentor",
                     giver_column="offers", learner_column="wants", first_weight=self.first_topic_weight),
            TermSpec(name="shared_interests", kind="jaccard", weight=self.shared_interests,
                     giver_column="interests", learner_column="interests"),
            TermSpec(name="same_site", kind="same", weight=self.same_site, column="location"),
            TermSpec(name="reciprocity", kind="coverage", weight=self.reciprocity, giver="mentee",
                     giver_column="offers", learner_column="wants", first_weight=self.first_topic_weight,
                     two_way_only=True),
            *self.extra,
        ]
        out = [t for t in out if t.weight > 0 and (mode == "two-way" or not t.two_way_only)]
        names = [t.name for t in out]
        dup = sorted({n for n in names if names.count(n) > 1})
        if dup:
            raise ValueError(f"weights: duplicate term name(s) {dup}")
        return out


class FairnessSettings(StrictModel):
    """Side constraints: every group of at least ``min_group`` people keeps a fair share.

    Floors are set against the unconstrained best match (reference rate r*, mean fit f*):
    each group's match rate >= r* - max_rate_gap and its mean fit >= (1 - max_fit_gap) * f*.
    A floor that cannot be met is missed at a penalty (``penalty`` x the largest possible
    pair value per person or per pair-equivalent of fit), never made infeasible.
    """

    attributes: list[str] = Field(default_factory=lambda: ["gender", "ethnicity", "age_band"])
    side: Literal["mentee", "mentor", "both"] = "both"
    max_rate_gap: float | None = Field(0.10, ge=0, le=1)
    max_fit_gap: float | None = Field(0.10, ge=0, le=1)
    min_group: int | None = Field(None, ge=1, le=100_000, description="smallest group constrained (default: k)")
    penalty: float = Field(10.0, gt=0, le=1e6)


class MixCap(StrictModel):
    """A mix constraint: no value of ``column`` on ``side`` takes more than ``max_share`` of all pairs."""

    column: str = "department"
    side: Side = "mentor"
    max_share: float = Field(0.25, gt=0, le=1)


class SolverSettings(StrictModel):
    """How the optimum is reached (never what it is)."""

    pool: int = Field(2, ge=1, le=50, description="initial candidates per mentee in the LP (widened by the certificate)")
    time_limit: float | None = Field(120.0, gt=0, le=7 * 86400, description="seconds for the ILP phase after the LP (the dive and CBC; status 'time_limit' with an honest bound if hit); None = no limit")
    threads: int = Field(1, ge=1, le=256)
    mip_gap: float = Field(1e-5, ge=0, lt=1, description="relative gap at which an ILP answer counts as optimal")
    method: Literal["auto", "assignment", "flow", "lp"] = Field(
        "auto", description="auto: a bare assignment (mentees once, no tiers, no side constraints) by the pooled "
                            "assignment path, other models without side constraints as a min-cost flow (OR-tools) "
                            "when installed, the rest by LP column generation (+ CBC); assignment / flow / lp force "
                            "a path where the model allows it")


class MatchSettings(StrictModel):
    """The matching section of program.yaml (``preset: NAME`` starts from a published rule set)."""

    preset: str | None = Field(None, description="start from a published rule set (see matching.presets)")
    mode: Literal["one-way", "two-way"] = "one-way"
    rules: MatchRules = Field(default_factory=MatchRules)
    weights: MatchWeights = Field(default_factory=MatchWeights)
    most_pairs: float = Field(
        0.5, ge=0, le=1,
        description="0 = best total fit only; 1 = as many pairs as possible, then best fit; between: a pair bonus",
    )
    fairness: FairnessSettings | None = None
    load_cap: int | None = Field(None, ge=1, le=MAX_CAPACITY, description="most mentees any mentor takes, whatever their capacity")
    mentee_cap: int | None = Field(None, ge=1, le=MAX_CAPACITY, description="most mentors any mentee gets, whatever they asked for")
    tiers: Literal["mentees", "both", "off"] = Field(
        "mentees",
        description="everyone gets one before anyone gets a second: each person's k-th pair is worth "
                    "2 x the largest score less than their (k-1)-th, for mentees, for both sides, or off",
    )
    mix: list[MixCap] = Field(default_factory=list)
    k: int = Field(5, ge=1, le=50, description="smallest group the audit shows")
    solver: SolverSettings = Field(default_factory=SolverSettings)

    @model_validator(mode="before")
    @classmethod
    def _apply_preset(cls, data: Any) -> Any:
        """``preset: NAME`` fills every key the section does not set itself, merged key by key."""
        if not isinstance(data, dict) or not data.get("preset"):
            return data
        from revmentor_nb.matching.presets import preset_settings

        own = dict(data)
        base = preset_settings(own["preset"])
        return _merge(base, own)

    def rule_table(self) -> list[RuleSpec]:
        """The enabled hard rules as data."""
        return self.rules.table()

    def term_table(self) -> list[TermSpec]:
        """The active score terms as data."""
        return self.weights.table(self.mode)

    @property
    def max_score(self) -> float:
        """The largest score any pair can reach (sum of weight x max component)."""
        return float(sum(t.weight * t.max_value for t in self.term_table()))

    def tier_step(self) -> float:
        """Priority step between a person's k-th and (k+1)-th pair: twice the largest possible score.

        Bigger than any score, so moving a mentor from someone's second pair to someone else's
        first always pays; a step in the objective, never a constraint that could be infeasible.
        """
        return 2.0 * max(self.max_score, 1e-3)

    def pair_bonus(self) -> float:
        """Objective bonus per pair for ``most_pairs`` < 1 (s/(1-s) x the largest possible score)."""
        s = self.most_pairs
        if s >= 1:
            raise ValueError("most_pairs = 1 is lexicographic: no finite pair bonus")
        return (s / (1.0 - s)) * max(self.max_score, 1e-9)


def _merge(base: dict[str, Any], over: dict[str, Any]) -> dict[str, Any]:
    out = dict(base)
    for k, v in over.items():
        if isinstance(v, dict) and isinstance(out.get(k), dict) and k not in ("points",):
            out[k] = _merge(out[k], v)
        else:
            out[k] = v
    return out


def resolve_settings(
    settings: MatchSettings | dict[str, Any] | None = None,
    rules: MatchRules | dict[str, Any] | None = None,
    weights: MatchWeights | dict[str, Any] | None = None,
    **overrides: Any,
) -> MatchSettings:
    """Settings for one run: ``settings`` (or the default) with ``rules``/``weights`` overridden.

    Dicts are merged key by key into the defaults (a misspelt key raises, naming it);
    models replace the section whole.
    """
    if settings is None:
        base = MatchSettings()
    elif isinstance(settings, MatchSettings):
        base = settings
    else:
        base = MatchSettings.model_validate(settings)
    data = base.model_dump()
    for key, val in (("rules", rules), ("weights", weights)):
        if val is None:
            continue
        data[key] = val.model_dump() if isinstance(val, BaseModel) else _merge(data[key], dict(val))
    for key, val in overrides.items():
        if val is not None:
            data = _merge(data, {key: val.model_dump() if isinstance(val, BaseModel) else val})
    return MatchSettings.model_validate(data)


def preset(name: str) -> dict[str, Any]:
    """Keyword arguments for ``match`` that run a published rule set: ``match(people, **preset("civil-service"))``."""
    return {"settings": MatchSettings(preset=name)}
