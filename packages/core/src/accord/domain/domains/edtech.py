"""The EdTech schema and its rules: grade, board, exams with dates, weak and strong topics,
learning style, session preferences; the school's standard and policies (institutional).

The rules read the student's own sentences. A topic moves between weak and strong as the
student says so ("I finally get quadratics now": strong, with a sign of change), and keeps
one name across sessions (:func:`.text.match_known`).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping, Sequence

from accord.domain.domains.dates import DATE_SPAN, find_date
from accord.domain.domains.observation import Observation
from accord.domain.domains.schema import DomainField, DomainSchema
from accord.domain.domains.text import clip, match_known, sentences, topic_phrase
from accord.domain.models import Message

__all__ = ["EDTECH", "observe_edtech"]

EDTECH = DomainSchema(
    name="edtech",
    description="Tutoring and learning products: what a student studies, struggles with and prepares for.",
    fields=[
        DomainField(name="grade_level", label="Grade", category="fact", routing="user"),
        DomainField(name="curriculum", label="Board", category="fact", routing="user"),
        DomainField(name="exam", label="Exam", type="date", many=True, category="goal", routing="user"),
        DomainField(name="topic", label="Topic", type="enum", values=["weak", "strong"], many=True, category="expertise", routing="user"),
        DomainField(name="learning_style", label="Learns best with", category="preference", routing="update"),
        DomainField(name="session_preference", label="Session preference", many=True, category="preference", routing="update"),
        DomainField(name="curriculum_standard", label="Curriculum standard", category="fact", routing="tenant"),
        DomainField(name="institution_policy", label="Policy", many=True, category="procedure", routing="tenant"),
    ],
)

_I = r"(?:i|i'm|i am|im|i've|i have)"
_WEAK = [
    re.compile(r"\b(?:i|i'm|i am|im)\s+(?:really\s+|still\s+|kind of\s+|always\s+)?(?:struggl(?:e|ing)|stuck|having (?:a hard time|trouble|difficulty))\s+(?:with|on|in)\s+(?P<t>[^.!?,]+)", re.I),
    re.compile(r"\b(?:i'm|i am|im)\s+(?:really\s+|so\s+|still\s+|pretty\s+)?(?:bad|weak|terrible|awful|not good|not great|hopeless|lost)\s+(?:at|in|with)\s+(?P<t>[^.!?,]+)", re.I),
    re.compile(r"\bi\s+(?:still\s+)?(?:don't|do not|can't|cannot)\s+(?:really\s+)?(?:get|understand|figure out|do)\s+(?P<t>[^.!?,]+)", re.I),
    re.compile(r"\b(?:i'm|i am|im|i get)\s+(?:so\s+|really\s+)?confused\s+(?:by|about|with)\s+(?P<t>[^.!?,]+)", re.I),
    re.compile(r"\bi\s+keep\s+(?:getting|messing up|making mistakes (?:in|with|on))\s+(?P<t>[^.!?,]+?)(?:\s+wrong)?(?=[.!?,]|$)", re.I),
    re.compile(r"\b(?:i\s+)?need\s+(?:more\s+|a lot of\s+|extra\s+)?(?:help|practice|work)\s+(?:with|on|in)\s+(?P<t>[^.!?,]+)", re.I),
    re.compile(r"^(?P<t>[\w][\w\s'-]{2,40}?)\s+(?:is|are)\s+(?:so\s+|really\s+|still\s+)?(?:hard|difficult|confusing|tough|tricky)\b", re.I),
    re.compile(r"\bmy\s+weak(?:est)?\s+(?:topic|area|point|subject)s?\s+(?:is|are)\s+(?P<t>[^.!?,]+)", re.I),
]
_STRONG = [
    re.compile(r"\b(?:i|i'm|i am|im)\s+(?:now\s+|finally\s+|actually\s+)?(?:really\s+|pretty\s+)?(?:good|great|strong|confident|comfortable)\s+(?:at|in|with)\s+(?P<t>[^.!?,]+)", re.I),
    re.compile(r"\bi(?:'ve|\s+have)?\s+(?:finally\s+|now\s+|totally\s+|actually\s+)?(?:get|understand|understood|got|nailed|mastered|aced)\s+(?P<t>(?!it\b|that\b|this\b|you\b|the point\b|a\b)[^.!?,]+)", re.I),
    re.compile(r"^(?P<t>[\w][\w\s'-]{2,40}?)\s+(?:finally\s+)?(?:makes?|made)\s+sense\b", re.I),
    re.compile(r"^(?P<t>[\w][\w\s'-]{2,40}?)\s+(?:is|are)\s+(?:so\s+|really\s+|now\s+|actually\s+)?(?:easy|fine|no problem)\b", re.I),
    re.compile(r"\bmy\s+strong(?:est)?\s+(?:topic|area|point|subject)s?\s+(?:is|are)\s+(?P<t>[^.!?,]+)", re.I),
    re.compile(r"\bi\s+(?:can|could)\s+(?:now\s+)?(?:finally\s+)?(?:do|solve)\s+(?P<t>[^.!?,]+?)\s+(?:easily|now|without help)", re.I),
]
_CHANGE = re.compile(r"\b(?:finally|now|no longer|not .* any ?more|any ?more|at last|clicked|starting to)\b", re.I)
_PRACTICE = re.compile(r"\b(?:i|we)\s+(?:practi[sc]ed|revised|reviewed|went over|worked on|did)\s+(?:some\s+)?(?P<t>[^.!?,]+)", re.I)
_GRADE = [
    re.compile(rf"\b{_I}\s+in\s+(?:the\s+)?(?P<v>\d{{1,2}})(?:st|nd|rd|th)?\s+(?:grade|standard|class|form)\b", re.I),
    re.compile(rf"\b{_I}\s+in\s+(?P<v>(?:grade|class|year|standard|form)\s+\d{{1,2}})\b", re.I),
    re.compile(rf"\b{_I}\s+(?:a\s+)?(?P<v>freshman|sophomore|junior|senior|first[- ]year|second[- ]year|third[- ]year|final[- ]year)\b", re.I),
]
_BOARDS = r"CBSE|ICSE|ISC|IB|IGCSE|GCSE|A[- ]?levels?|AP|NCERT|state board|Common Core|Cambridge|Edexcel|AQA|OCR|CISCE"
_BOARD = [
    re.compile(rf"\b(?:my|our|i'm in|i am in|i'm on|i study|i follow|i do|studying|under)\s+(?:the\s+)?(?P<v>{_BOARDS})\b(?:\s+(?:board|syllabus|curriculum|course))?", re.I),
    re.compile(rf"\b(?P<v>{_BOARDS})\s+(?:board|syllabus|curriculum|student)\b", re.I),
]
_EXAM_NAMES = r"JEE(?: Main| Advanced)?|NEET|SAT|ACT|GRE|GMAT|LSAT|MCAT|IELTS|TOEFL|AP [A-Z][a-z]+|board exams?|boards|(?:[A-Z][a-z]+ ){0,2}(?:exam|test|quiz|olympiad|finals?|midterms?|mocks?)"
_EXAM = re.compile(rf"(?P<n>\b(?:{_EXAM_NAMES})\b)", re.I)
_EXAM_CUE = re.compile(r"\b(?:exam|test|quiz|boards?|finals?|midterms?|mocks?|olympiad|JEE|NEET|SAT|ACT|GRE|GMAT|IELTS|TOEFL)\b", re.I)
_EXAM_MOVE = re.compile(r"\b(?:moved|rescheduled|postponed|pushed|brought forward|changed|now)\b", re.I)
_STYLE = [
    re.compile(r"\bi\s+(?:learn|understand|study)\s+(?:best|better|most)\s+(?:with|through|by|from|when)\s+(?P<v>[^.!?,]+)", re.I),
    re.compile(r"\b(?P<v>worked examples|step[- ]by[- ]step (?:explanations|solutions)|diagrams|videos|visuals|practice problems|flashcards|analogies)\s+(?:really\s+)?help(?:s)?\s+me\b", re.I),
    re.compile(r"\bi'?m\s+(?:a|more of a)\s+(?P<v>visual|hands-on|auditory|kinesthetic)\s+learner\b", re.I),
    re.compile(r"\b(?:i (?:prefer|like)|please (?:use|give me)|show me)\s+(?P<v>worked examples|step[- ]by[- ]step \w+|examples first|diagrams|visual explanations|real[- ]world examples)\b", re.I),
]
_SESSION = [
    (re.compile(r"\bi\s+(?:prefer|like|want)\s+(?P<v>short(?:er)?|long(?:er)?|quick|\d+[- ]minute)\s+sessions\b", re.I), "length"),
    (re.compile(r"\b(?:i can (?:only )?study|i study best|i'm free|sessions? (?:work|works) best)\s+(?:in the |on |at )?(?P<v>mornings?|evenings?|afternoons?|nights?|weekends?|weekdays?|after school)\b", re.I), "time"),
    (re.compile(r"\b(?:i want|let's do|i'd like)\s+(?:a\s+)?(?P<v>quiz|quizzes|practice test|recap)\s+(?:at the (?:start|end)|every session|first)\b", re.I), "format"),
]
_STANDARD = re.compile(r"\b(?:our|the)\s+(?:school|institute|academy|college|curriculum|syllabus)\s+(?:now\s+)?(?:follows|uses|is aligned (?:to|with)|is based on)\s+(?:the\s+)?(?P<v>[^.!?,]+)", re.I)
_POLICY = re.compile(r"\b(?:our|the)\s+(?:school|institute|academy|college|exam board)(?:'s)?\s+(?:policy\s+(?:is|says)\s+(?:that\s+)?)?(?:now\s+|still\s+)?(?P<v>(?:doesn't|does not|don't|won't|only|requires?|bans?|allows?|forbids?|no)\b[^.!?]+)", re.I)
_POLICY_ITEM = re.compile(r"\b(calculators?|phones?|homework|attendance|late submissions?|retakes?|open book|notes|uniforms?|ai tools?|chatgpt)\b", re.I)


def _topic(match: re.Match[str], known: Sequence[str]) -> str | None:
    t = topic_phrase(match.group("t"))
    words = t.split()
    if not t or len(words) > 6 or t in {"it", "this", "that", "them", "you", "me", "everything", "anything", "nothing"}:
        return None
    if DATE_SPAN.search(t) or _EXAM_CUE.search(t):
        return None  # "I get the exam is next week" is not a topic
    return match_known(t, known)


def _topic_list(match: re.Match[str], known: Sequence[str]) -> list[str]:
    """"integration by parts and quadratic equations" names two topics."""
    raw = match.group("t")
    parts = [p for p in re.split(r"\s*,\s*(?:and\s+)?|\s+and\s+|\s+or\s+", raw) if p.strip()]
    out = []
    for p in parts if len(parts) > 1 else [raw]:
        sub = re.match(r"(?P<t>.+)", p.strip())
        if sub and (t := _topic(sub, known)):
            out.append(t)
    return out


def _topics(s: str, i: int, known: Sequence[str]) -> list[Observation]:
    out = []
    for value, patterns in (("weak", _WEAK), ("strong", _STRONG)):
        for p in patterns:
            m = p.search(s)
            if m and (items := _topic_list(m, known)):
                negated = value == "strong" and re.search(r"\b(?:don't|do not|can't|not)\b", s[: m.start("t")], re.I)
                for t in items:
                    out.append(Observation(field="topic", item=t, value="weak" if negated else value,
                                           change=bool(_CHANGE.search(s)), message_index=i))
                return out  # one statement per sentence; weak patterns first
    m = _PRACTICE.search(s)
    if m and (t := _topic(m, known)) and t in known:
        out.append(Observation(field="topic", item=t, value="practised", message_index=i))
    return out


def _exam(s: str, i: int, said_at: dt.datetime, known: Sequence[str]) -> list[Observation]:
    if not _EXAM_CUE.search(s):
        return []
    found = find_date(s, said_at, prefer="future")
    if found is None:
        return []
    date, _ = found
    m = _EXAM.search(s)
    name = m.group("n").strip() if m else "exam"
    name = re.sub(r"^(?:my|the|our)\s+", "", name, flags=re.I)
    item = match_known(name.lower(), known) if name.lower() not in {"exam", "test"} or not known else known[-1]
    return [Observation(field="exam", item=item, value=date.isoformat(), detail=name if item == name.lower() else None,
                        change=bool(_EXAM_MOVE.search(s)), message_index=i)]


def _first(patterns: Sequence[re.Pattern[str]], s: str) -> str | None:
    for p in patterns:
        m = p.search(s)
        if m:
            return " ".join(m.group("v").split()).strip(" .,!")
    return None


def observe_edtech(
    messages: Sequence[Message], said_at: dt.datetime, known: Mapping[str, Sequence[str]] | None = None
) -> list[Observation]:
    """The EdTech fields the user's (and, for institutional facts, anyone's) sentences state."""
    known = known or {}
    topics, exams = list(known.get("topic", ())), list(known.get("exam", ()))
    out: list[Observation] = []
    for i, msg in enumerate(messages):
        if msg.role == "tool":
            continue
        when = msg.created_at or said_at
        for s in sentences(msg.content):
            if msg.role == "user":
                for o in _topics(s, i, topics) + _exam(s, i, when, exams):
                    out.append(o)
                    (topics if o.field == "topic" else exams).append(o.item or "")
                if v := _first(_GRADE, s):
                    out.append(Observation(field="grade_level", value=v, change=bool(_CHANGE.search(s)), message_index=i))
                if v := _first(_BOARD, s):
                    out.append(Observation(field="curriculum", value=v.upper() if len(v) <= 5 else v, message_index=i))
                if v := _first(_STYLE, s):
                    out.append(Observation(field="learning_style", value=clip(v, 80), message_index=i))
                for p, aspect in _SESSION:
                    if m := p.search(s):
                        out.append(Observation(field="session_preference", item=aspect, value=m.group("v").lower(), message_index=i))
            if m := _STANDARD.search(s):
                out.append(Observation(field="curriculum_standard", value=clip(m.group("v").strip(), 80), message_index=i))
            if (m := _POLICY.search(s)) and (item := _POLICY_ITEM.search(m.group("v"))):
                out.append(Observation(field="institution_policy", item=item.group(1).lower().rstrip("s"),
                                       value=clip(m.group("v").strip(), 100), message_index=i))
    return out
