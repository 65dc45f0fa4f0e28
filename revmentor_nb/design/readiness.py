"""Is the organisation ready to launch? A short questionnaire -> score, blockers and what to do.

Reverse mentoring fails in predictable ways: leaders who do not listen, juniors who cannot
speak freely, no visible sponsor, no link to strategy, no training, leaks, and mentors worn
out by the emotional labour of explaining their lived experience. Each question checks one
of these; a "no" on a critical one means "don't launch yet". The questions asked depend on
the scheme (the role-reversal ones only for reverse and two-way schemes; a traditional scheme
has its own), and any question may be answered "n/a" (not applicable: left out of the score).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import pandas as pd

Answer = Literal["yes", "partly", "no", "unknown", "n/a"]
ANSWERS: tuple[str, ...] = ("yes", "partly", "no", "unknown", "n/a")
POINTS: dict[str, int] = {"yes": 2, "partly": 1, "no": 0, "unknown": 0}
NOT_APPLICABLE = "n/a"
ALL_SCHEMES = ("reverse", "traditional", "two-way")
ROLE_REVERSAL = ("reverse", "two-way")
READY_SCORE = 80  # at or above (and no blockers): ready to launch

VERDICT_READY = "ready to launch"
VERDICT_CARE = "launch with care"
VERDICT_WAIT = "don't launch yet"


@dataclass(frozen=True)
class Question:
    """One readiness question: what is asked, whether a "no" blocks launch, and what to do about it."""

    id: str
    label: str
    text: str
    why: str
    critical: bool
    action: str
    schemes: tuple[str, ...] = ALL_SCHEMES


QUESTIONS: tuple[Question, ...] = (
    Question("leaders_listen", "leaders ready to listen",
             "Are the senior leaders ready to listen and learn from junior colleagues?",
             "leaders who come to teach rather than learn turn the programme into traditional mentoring",
             True, "brief each leader one to one on the role reversal; invite only leaders who ask to take part",
             ROLE_REVERSAL),
    Question("juniors_safe", "juniors safe to speak honestly",
             "Can junior mentors speak honestly without fear for their career?",
             "without psychological safety mentors say what leaders want to hear",
             True, "agree in writing that nothing said in a pair affects appraisal or promotion; "
                   "give mentors a named contact outside their line", ROLE_REVERSAL),
    Question("mentors_available", "mentors have time to mentor",
             "Do the mentors have time set aside for mentoring (about the commitment the design asks)?",
             "mentors who squeeze pairs between other duties cancel meetings and pairs fade out",
             True, "agree the time with each mentor's manager before launch, or ask fewer mentees of each mentor",
             ("traditional",)),
    Question("mentees_safe", "mentees safe to speak honestly",
             "Can mentees speak honestly to their mentor without fear for their progress or assessment?",
             "mentees who fear being judged bring only safe questions",
             True, "keep mentors out of the mentees' assessment; give mentees a named contact in the programme team",
             ("traditional",)),
    Question("executive_sponsor", "visible executive sponsorship",
             "Is there a visible executive sponsor?",
             "without a sponsor meetings get cancelled and the programme quietly stops",
             True, "ask an executive to announce the programme, take part and attend the close"),
    Question("strategy_aligned", "aligned to a strategy",
             "Is the programme tied to a strategy (digital transformation, inclusion, succession)?",
             "a programme tied to no strategy has no owner when budgets are cut",
             False, "name the strategy and the executive who owns it in the objective statement"),
    Question("training_planned", "training planned for both sides",
             "Is training planned for both mentors and mentees?",
             "untrained pairs drift into small talk or into one side running every meeting",
             False, "plan a 2-hour session per side before launch: listening, giving feedback, boundaries"),
    Question("confidentiality_agreed", "confidentiality agreed",
             "Is confidentiality agreed, with its limits (safeguarding, misconduct)?",
             "one leaked conversation ends trust in the whole programme",
             True, "put confidentiality and its limits in the mentoring agreement every pair signs"),
    Question("emotional_labour", "emotional labour acknowledged and supported",
             "Is the emotional labour of mentors acknowledged and supported?",
             "mentors from under-represented groups carry the cost of explaining their experience",
             False, "recognise mentoring time in objectives, offer a peer-support circle, let mentors end a pairing "
                    "without giving a reason", ROLE_REVERSAL),
)
QUESTION_IDS: tuple[str, ...] = tuple(q.id for q in QUESTIONS)
_BY_ID = {q.id: q for q in QUESTIONS}


@dataclass(frozen=True)
class Readiness:
    """The outcome of the questionnaire: score out of 100, verdict, blockers and the per-question table."""

    score: int
    verdict: str
    blockers: tuple[str, ...]
    items: pd.DataFrame

    @property
    def ready(self) -> bool:
        """True when nothing blocks launch."""
        return not self.blockers


def question(qid: str) -> Question:
    """The question with id ``qid`` (KeyError names the known ids)."""
    try:
        return _BY_ID[qid]
    except KeyError:
        raise KeyError(f"unknown readiness question {qid!r}; use one of {', '.join(QUESTION_IDS)}") from None


def questions_for(scheme: str = "reverse") -> tuple[Question, ...]:
    """The questions asked of a scheme (reverse, traditional or two-way)."""
    return tuple(q for q in QUESTIONS if scheme in q.schemes)


def _status(q: Question, answer: str) -> str:
    if answer == NOT_APPLICABLE:
        return "not applicable"
    if answer == "yes":
        return "ok"
    if q.critical and answer in ("no", "unknown"):
        return "blocker"
    return "to improve"


def _todo(q: Question, answer: str) -> str:
    if answer in ("yes", NOT_APPLICABLE):
        return ""
    if answer == "unknown":
        return "find out before launch (ask the sponsor and a few future participants), then: " + q.action
    return q.action


def assess(answers: dict[str, str] | None, scheme: str = "reverse") -> Readiness:
    """Score the scheme's questions (unanswered = "unknown"; "n/a" left out); a critical "no" or "unknown" blocks.

    Answers to questions another scheme asks are kept in program.yaml but not scored.
    """
    answers = dict(answers or {})
    unknown_ids = [k for k in answers if k not in _BY_ID]
    if unknown_ids:
        raise KeyError(f"unknown readiness question(s) {unknown_ids}; use {', '.join(QUESTION_IDS)}")
    rows = []
    for q in questions_for(scheme):
        a = answers.get(q.id) or "unknown"
        if a not in ANSWERS:
            raise ValueError(f"readiness.{q.id}: answer {a!r} is not one of {', '.join(ANSWERS)}")
        rows.append({"id": q.id, "label": q.label, "question": q.text, "answer": a, "critical": q.critical,
                     "status": _status(q, a), "why it matters": q.why, "what to do": _todo(q, a)})
    items = pd.DataFrame(rows)
    scored = items[items["answer"] != NOT_APPLICABLE]
    score = round(100 * scored["answer"].map(POINTS).sum() / (2 * len(scored))) if len(scored) else 100
    blockers = tuple(items.loc[items["status"] == "blocker", "id"])
    if blockers:
        verdict = VERDICT_WAIT
    elif score >= READY_SCORE:
        verdict = VERDICT_READY
    else:
        verdict = VERDICT_CARE
    return Readiness(int(score), verdict, blockers, items)


def verdict_text(result: Readiness) -> str:
    """One sentence for a report or the form: the verdict, the score and what blocks launch."""
    text = f"{result.verdict.capitalize()} (readiness {result.score}/100)"
    if result.blockers:
        names = "; ".join(question(b).label for b in result.blockers)
        return f"{text}. Not yet in place: {names}."
    return text + "."
