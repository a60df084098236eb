"""The Support schema and its rules: open issues with their status, plan and product, contact
and resolution preferences; product prices (institutional); and the signals an escalation
risk is read from (sentiment, anger, churn words, repeat contacts).

An issue is keyed by its type (billing, login, shipping, technical, account, refund): "my
payment failed" opens ``billing``; "the charge went through, it's resolved" resolves the issue
the sentence names, else the newest open one.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from accord.domain.domains.dates import find_date
from accord.domain.domains.observation import Observation
from accord.domain.domains.schema import DomainField, DomainSchema
from accord.domain.domains.text import clip, sentences
from accord.domain.models import Message

__all__ = ["ISSUE_TYPES", "SUPPORT", "Signals", "observe_support", "signals"]

SUPPORT = DomainSchema(
    name="support",
    description="Customer support: open issues, plan and product, preferences, escalation risk.",
    fields=[
        DomainField(name="issue", label="Issue", type="enum", values=["open", "resolved"], many=True, category="fact", routing="update"),
        DomainField(name="plan", label="Plan", category="fact", routing="user"),
        DomainField(name="product", label="Product", many=True, category="fact", routing="update"),
        DomainField(name="communication_preference", label="Prefers contact by", category="preference", routing="update"),
        DomainField(name="resolution_preference", label="Wants", category="preference", routing="update"),
        DomainField(name="product_price", label="Price", many=True, category="fact", routing="tenant"),
    ],
)

ISSUE_TYPES: dict[str, re.Pattern[str]] = {
    "billing": re.compile(r"\b(?:payments?|charged?|charges|card|invoices?|billing|billed|subscription|overcharged|declined|renewal|receipt)\b", re.I),
    "refund": re.compile(r"\b(?:refunds?|money back|reimburse\w*)\b", re.I),
    "login": re.compile(r"\b(?:log ?in|sign ?in|password|locked out|2fa|two[- ]factor|verification code|reset link)\b", re.I),
    "shipping": re.compile(r"\b(?:deliver\w*|package|parcel|shipp\w*|tracking|courier|arrived|order)\b", re.I),
    "account": re.compile(r"\b(?:account|profile|email address|username)\b", re.I),
    "technical": re.compile(r"\b(?:error|crash\w*|bug|freez\w*|slow|sync\w*|app|upload|export|won't load|doesn't load|broken)\b", re.I),
}
_PROBLEM = re.compile(
    r"\b(?:failed|fails|failing|declined|didn't go through|did not go through|charged (?:me )?twice|double[- ]charged|overcharged|"
    r"can't|cannot|can not|unable to|won't|doesn't work|does not work|isn't working|is not working|not working|stopped working|"
    r"broken|error|crash\w*|bug|missing|hasn't arrived|has not arrived|didn't arrive|never arrived|locked out|wrong|problem|issue|"
    r"still waiting|keeps? (?:failing|crashing))\b",
    re.I,
)
_RESOLVED = re.compile(
    r"\b(?:(?:it'?s|it is|that'?s|that is|this is|all|everything'?s?|issue is|problem is|now)\s+(?:been\s+|all\s+)?(?:resolved|fixed|sorted(?: out)?|solved|working(?: again| now)?|fine now)|"
    r"went through|go(?:es)? through now|(?:that|this|it) (?:fixed|solved) it|works now|working again|received (?:it|the refund|my refund)|"
    r"(?:got|received) (?:the|my) (?:refund|package|parcel|order)|problem solved|no longer an issue|you can close (?:it|the ticket))\b",
    re.I,
)
_UPDATE = re.compile(r"\b(?:still|again|yet again|another|third time|second time|keeps?)\b", re.I)
_PLAN = [
    re.compile(r"\b(?:i'?m|i am|we'?re|we are|i'?ve been|we'?ve been)\s+(?:currently\s+|now\s+)?on\s+(?:the\s+|your\s+|a\s+)?(?P<v>[A-Za-z][\w+-]*)\s+(?:plan|tier|subscription)\b", re.I),
    re.compile(r"\bmy\s+(?P<v>[A-Za-z][\w+-]*)\s+(?:plan|tier|subscription)\b", re.I),
    re.compile(r"\b(?:upgraded|downgraded|switched|moved)\s+(?:me\s+)?to\s+(?:the\s+)?(?P<v>[A-Za-z][\w+-]*)\s+(?:plan|tier)\b", re.I),
]
_PLAN_STOP = {"current", "monthly", "annual", "yearly", "the", "a", "my", "your", "new", "old", "payment", "this", "that", "same"}
_PRODUCT = re.compile(r"\b(?:i|we)\s+(?:use|am using|are using|bought|have)\s+(?:the\s+|your\s+)?(?P<v>[A-Z][\w-]+(?:\s+[A-Z0-9][\w-]*){0,2})", re.U)
_CONTACT = [
    (re.compile(r"\b(?:please\s+)?(?:e-?mail)\s+me\b|\bby e-?mail\b|\bprefer e-?mail\b|\bvia e-?mail\b", re.I), "email"),
    (re.compile(r"\b(?:please\s+)?(?:call|phone|ring)\s+me\b|\bprefer (?:a )?(?:phone|call)s?\b|\bby phone\b", re.I), "phone"),
    (re.compile(r"\b(?:please\s+)?(?:text|sms)\s+me\b|\bprefer (?:text|sms)\b", re.I), "text message"),
    (re.compile(r"\bprefer (?:live )?chat\b|\bkeep it (?:in|on) (?:the )?chat\b|\bno (?:phone )?calls\b|\bdon'?t call\b", re.I), "chat"),
]
_RESOLUTION = re.compile(r"\b(?:i\s+(?:just\s+|really\s+)?(?:want|need|would like|would prefer|prefer|expect)|i'd (?:like|prefer|rather have)|give me)\s+(?:a\s+|my\s+)?(?P<v>full refund|refund|partial refund|money back|credit|store credit|account credit|replacement|new one|discount|callback|escalation|to speak to a manager|manager)\b", re.I)
_PRICE = re.compile(r"\b(?:the\s+)?(?P<i>[A-Z][\w+-]*)\s+(?:plan|tier)\s+(?:now\s+)?(?:costs?|is|was|runs)\s+(?P<v>[$€£]\s?\d+(?:[.,]\d{2})?(?:\s*(?:/|a|per)\s*(?:month|year|mo|yr|user|seat))?)", re.I)

_ANGER = re.compile(r"\b(?:ridiculous|unacceptable|furious|angry|outrageous|absurd|scam|worst|terrible|awful|useless|pathetic|sick of|fed up|fuming|joke|wtf|disgusted)\b", re.I)
_NEGATIVE = re.compile(r"\b(?:frustrat\w*|annoy\w*|upset|disappoint\w*|unhappy|confus\w*|still|again|waiting|worried|stress\w*|bad|poor|slow)\b", re.I)
_POSITIVE = re.compile(r"\b(?:thanks?|thank you|great|perfect|awesome|appreciate\w*|happy|love|excellent|brilliant|helpful|amazing|wonderful)\b", re.I)
_CHURN = re.compile(r"\b(?:cancel\w*|unsubscrib\w*|switch(?:ing)? to|move to (?:a )?competitor|leave|leaving|close my account|done with (?:you|this)|take my business|another provider|chargeback|dispute the charge)\b", re.I)


@dataclass(frozen=True, slots=True)
class Signals:
    """What one job's user turns say about mood: mean sentiment in [-1, 1], anger and churn words."""

    sentiment: float | None
    anger: bool
    churn: bool


def _issue_type(s: str) -> str | None:
    for kind, p in ISSUE_TYPES.items():
        if p.search(s):
            return kind
    return None


def _plan(s: str) -> str | None:
    for p in _PLAN:
        m = p.search(s)
        if m and m.group("v").lower() not in _PLAN_STOP:
            v = m.group("v")
            return v[0].upper() + v[1:]
    return None


def _issues(s: str, i: int, when: dt.datetime, open_: list[str]) -> list[Observation]:
    kind = _issue_type(s)
    if _RESOLVED.search(s) and not re.search(r"\b(?:not|isn't|hasn't|never|still not)\s+(?:\w+\s+)?(?:resolved|fixed|sorted|working)\b", s, re.I):
        target = kind if kind in open_ else (open_[-1] if open_ else None)
        if target is None:
            return []
        open_.remove(target)
        return [Observation(field="issue", item=target, value="resolved", detail=clip(s, 140), change=True, message_index=i)]
    if kind is None or not _PROBLEM.search(s):
        return []
    detail = clip(s, 140)
    found = find_date(s, when, prefer="past")
    if found is not None:
        date, words = found
        detail = f"{detail} ({words.lower()}: {date.isoformat()})" if words.lower() != "today" else detail
    repeat = kind in open_ or bool(_UPDATE.search(s))
    if kind not in open_:
        open_.append(kind)
    return [Observation(field="issue", item=kind, value="open", detail=detail, change=repeat, message_index=i)]


def observe_support(
    messages: Sequence[Message], said_at: dt.datetime, known: Mapping[str, Sequence[str]] | None = None
) -> list[Observation]:
    """The Support fields the customer's sentences state (prices: anyone's but a tool's).

    ``known["open_issue"]`` lists the issues open before this conversation, oldest first."""
    open_ = list((known or {}).get("open_issue", ()))
    out: list[Observation] = []
    for i, msg in enumerate(messages):
        if msg.role == "tool":
            continue
        when = msg.created_at or said_at
        for s in sentences(msg.content):
            if msg.role == "user":
                out += _issues(s, i, when, open_)
                if v := _plan(s):
                    out.append(Observation(field="plan", value=v, change=bool(re.search(r"\b(?:upgraded|downgraded|switched|moved|now)\b", s, re.I)), message_index=i))
                if m := _PRODUCT.search(s):
                    name = m.group("v").strip()
                    out.append(Observation(field="product", item=name.lower(), value=name, message_index=i))
                for p, channel in _CONTACT:
                    if p.search(s):
                        out.append(Observation(field="communication_preference", value=channel, message_index=i))
                        break
                if m := _RESOLUTION.search(s):
                    out.append(Observation(field="resolution_preference", value=m.group("v").lower(), message_index=i))
            if m := _PRICE.search(s):
                out.append(Observation(field="product_price", item=m.group("i").lower(), value=" ".join(m.group("v").split()), message_index=i))
    return out


def signals(messages: Sequence[Message]) -> Signals:
    """Mood of the user's turns: a small lexicon, good enough to see a trend across contacts."""
    scores, anger, churn = [], False, False
    for msg in messages:
        if msg.role != "user":
            continue
        text = msg.content
        neg = len(_NEGATIVE.findall(text)) + 2 * len(_ANGER.findall(text)) + (1 if "!!" in text or re.search(r"\b[A-Z]{4,}\b", text) else 0)
        pos = len(_POSITIVE.findall(text))
        if neg or pos:
            scores.append(max(-1.0, min(1.0, (pos - neg) / max(pos + neg, 2))))
        anger = anger or bool(_ANGER.search(text))
        churn = churn or bool(_CHURN.search(text))
    return Signals(sentiment=round(sum(scores) / len(scores), 3) if scores else None, anger=anger, churn=churn)
