"""Is the organisation ready to launch? A short questionnaire -> score, blockers and what to do.

Reverse mentoring fails in predictable ways: leaders who do not listen, juniors who cannot
speak freely, no visible sponsor, no link to strategy, no training, leaks, and mentors worn
out by the emotional labour of explaining their lived experience. Each question checks one
of these; a "no" on a critical one means "don't launch yet".
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import pandas as pd

Answer = Literal["yes", "partly", "no", "unknown"]
ANSWERS: tuple[str, ...] = ("yes", "partly", "no", "unknown")
POINTS: dict[str, int] = {"yes": 2, "partly": 1, "no": 0, "unknown": 0}
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


QUESTIONS: tuple[Question, ...] = (
    Question("leaders_listen", "leaders ready to listen",
             "Are the senior leaders ready to listen and learn from junior colleagues?",
             "leaders who come to teach rather than learn turn the programme into traditional mentoring",
             True, "brief each leader one to one on the role reversal; invite only leaders who ask to take part"),
    Question("juniors_safe", "juniors safe to speak honestly",
             "Can junior mentors speak honestly without fear for their career?",
             "without psychological safety mentors say what leaders want to hear",
             True, "agree in writing that nothing said in a pair affects appraisal or promotion; "
                   "give mentors a named contact outside their line"),
    Question("executive_sponsor", "visible executive sponsorship",
             "Is there a visible executive sponsor?",
             "without a sponsor leaders cancel meetings and the programme quietly stops",
             True, "ask an executive to announce the programme, take part as a mentee and attend the close"),
    Question("strategy_aligned", "aligned to a strategy",
             "Is the programme tied to a strategy (digital transformation, inclusion, succession)?",
             "a programme tied to no strategy has no owner when budgets are cut",
             False, "name the strategy and the executive who owns it in the objective statement"),
    Question("training_planned", "training planned for both sides",
             "Is training planned for both mentors and mentees?",
             "untrained pairs drift into small talk or into the leader running the meeting",
             False, "plan a 2-hour session per side before launch: listening, giving feedback upwards, boundaries"),
    Question("confidentiality_agreed", "confidentiality agreed",
             "Is confidentiality agreed, with its limits (safeguarding, misconduct)?",
             "one leaked conversation ends trust in the whole programme",
             True, "put confidentiality and its limits in the mentoring agreement every pair signs"),
    Question("emotional_labour", "emotional labour acknowledged and supported",
             "Is the emotional labour of mentors acknowledged and supported?",
             "mentors from under-represented groups carry the cost of explaining their experience",
             False, "recognise mentoring time in objectives, offer a peer-support circle, let mentors end a pairing "
                    "without giving a reason"),
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


def _status(q: Question, answer: str) -> str:
    if answer == "yes":
        return "ok"
    if q.critical and answer in ("no", "unknown"):
        return "blocker"
    return "to improve"


def _todo(q: Question, answer: str) -> str:
    if answer == "yes":
        return ""
    if answer == "unknown":
        return "find out before launch (ask the sponsor and a few juniors), then: " + q.action
    return q.action


def assess(answers: dict[str, str] | None) -> Readiness:
    """Score the answers (unanswered counts as "unknown"); a critical "no" or "unknown" blocks launch."""
    answers = dict(answers or {})
    unknown_ids = [k for k in answers if k not in _BY_ID]
    if unknown_ids:
        raise KeyError(f"unknown readiness question(s) {unknown_ids}; use {', '.join(QUESTION_IDS)}")
    rows = []
    for q in QUESTIONS:
        a = answers.get(q.id) or "unknown"
        if a not in POINTS:
            raise ValueError(f"readiness.{q.id}: answer {a!r} is not one of {', '.join(ANSWERS)}")
        rows.append({"id": q.id, "label": q.label, "question": q.text, "answer": a, "critical": q.critical,
                     "status": _status(q, a), "why it matters": q.why, "what to do": _todo(q, a)})
    items = pd.DataFrame(rows)
    score = round(100 * items["answer"].map(POINTS).sum() / (2 * len(QUESTIONS)))
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
