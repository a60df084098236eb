"""The domain block ``get()`` puts first in the context, inside the same token budget.

One short paragraph under its own heading: "Exam: JEE Main on 15 March (in 12 days). Weak:
integration by parts (review due). Learns best with worked examples." For support the open
issue comes first, and while one is open the block says an upsell is unwise. Every sentence is
made safe like any context line; sentences are dropped from the end until the block fits.
"""

from __future__ import annotations

import datetime as dt
import json
import string
from collections.abc import Sequence
from typing import Any
from xml.sax.saxutils import escape

from accord.domain.domains.profiles import DomainProfile, EdTechProfile, SupportProfile
from accord.domain.safety import safe_line
from accord.domain.tokens import count_tokens

__all__ = ["BLOCK_HEADING", "EMPTY_CONTEXT", "custom_sentences", "edtech_sentences", "fit_block", "support_sentences", "with_block"]

BLOCK_HEADING = "Domain profile:"
EMPTY_CONTEXT = {"json": '{"user_memories": []}', "xml": "<user_memories/>", "bullets": ""}


def _day(d: dt.date) -> str:
    return f"{d.day} {d.strftime('%B')}"


def _ago(when: dt.datetime | None, now: dt.datetime) -> str:
    if when is None:
        return ""
    days = (now.date() - when.date()).days
    if days <= 0:
        return "today"
    if days == 1:
        return "yesterday"
    if days < 7:
        return f"last {when.strftime('%A')}" if when.weekday() < now.weekday() else f"{days} days ago"
    return f"on {_day(when.date())}"


def edtech_sentences(p: EdTechProfile, now: dt.datetime) -> list[str]:
    out = []
    for e in p.exams[:2]:
        left = "today" if e.days_left == 0 else "tomorrow" if e.days_left == 1 else f"in {e.days_left} days"
        out.append(f"Exam: {e.name} on {_day(e.date)} ({left}).")
    if p.weak_topics:
        parts = []
        for t in p.weak_topics[:4]:
            note = {"overdue": " (review overdue)", "due": " (review due)", "soon": " (review soon)"}.get(t.urgency or "", "")
            parts.append(t.topic + note)
        out.append("Weak: " + ", ".join(parts) + ".")
    if p.strong_topics:
        out.append("Strong: " + ", ".join(t.topic for t in p.strong_topics[:4]) + ".")
    if p.learning_style:
        out.append(f"Learns best with {p.learning_style}.")
    if p.session_preferences:
        out.append("Sessions: " + ", ".join(f"{v} ({k})" for k, v in sorted(p.session_preferences.items())) + ".")
    school = ", ".join(x for x in (f"grade {p.grade_level}" if p.grade_level else None, p.curriculum) if x)
    if school:
        out.append(f"Student: {school}.")
    if p.curriculum_standard:
        out.append(f"Curriculum standard: {p.curriculum_standard}.")
    for k, v in sorted(p.institution_policies.items())[:3]:
        out.append(f"Policy ({k}): {v}.")
    return out


def support_sentences(p: SupportProfile, now: dt.datetime) -> list[str]:
    out = []
    for i in p.open_issues[:2]:
        when = _ago(i.opened_at, now)
        contacts = f", contact {i.contacts}" if i.contacts >= 2 else ""
        # The customer's own words, quoted (JSON quoting): what they said, not an instruction.
        summary = f": {json.dumps(i.summary.rstrip('.'), ensure_ascii=False)}" if i.summary else ""
        out.append(f"Open {i.type} issue (opened {when}{contacts}){summary}.")
    if p.plan:
        out.append(f"Plan: {p.plan}.")
    if p.open_issues:
        out.append("Not a good moment to upsell or cross-sell: an issue is still open.")
    if p.escalation_risk.level != "low" and p.escalation_risk.signals:
        out.append(f"Escalation risk {p.escalation_risk.level}: {', '.join(p.escalation_risk.signals)}.")
    if p.communication_preference:
        out.append(f"Prefers contact by {p.communication_preference}.")
    if p.resolution_preference:
        out.append(f"Wants: {p.resolution_preference}.")
    if p.resolved_issues and not p.open_issues:
        last = p.resolved_issues[0]
        out.append(f"Last issue ({last.type}) resolved {_ago(last.updated_at, now)}.")
    if p.sentiment_trend in ("worsening", "improving"):
        out.append(f"Sentiment {p.sentiment_trend}.")
    return out


def _text(value: Any) -> str:
    if isinstance(value, dict):
        return ", ".join(f"{k}: {v}" for k, v in value.items())
    return str(value)


def custom_sentences(p: DomainProfile, template: str | None, titles: dict[str, str]) -> list[str]:
    """The template's sentences whose fields all have values; without a template, ``Title: value.``"""
    values = {k: _text(v) for k, v in p.fields.items() if v not in (None, "", {}, [])}
    if not template:
        return [f"{titles.get(k, k)}: {v}." for k, v in values.items()]
    out = []
    for sentence in (s.strip() for s in template.replace("\n", " ").split(". ")):
        names = [f for _, f, _, _ in string.Formatter().parse(sentence) if f]
        if sentence and all(n in values for n in names):
            text = sentence.format(**{n: values[n] for n in names})
            out.append(text if text.endswith((".", "!", "?")) else text + ".")
    return out


def fit_block(sentences: Sequence[str], max_tokens: int, *, reserved: Sequence[str] = ()) -> str:
    """The heading and as many sentences (in order, each made safe) as fit in ``max_tokens``."""
    safe = [line for s in sentences if (line := safe_line(s, reserved=(BLOCK_HEADING, *reserved)))]
    while safe:
        text = f"{BLOCK_HEADING} {' '.join(safe)}"
        if count_tokens(text) <= max_tokens:
            return text
        safe.pop()
    return ""


def with_block(rendered: str, fmt: str, block: str) -> str:
    """The rendered context with the block first: a paragraph, a json key or an xml element."""
    if not block:
        return rendered
    body = block.removeprefix(BLOCK_HEADING).strip()
    if fmt == "json":
        return '{"domain_profile": ' + json.dumps(body, ensure_ascii=False) + ", " + rendered.lstrip()[1:]
    if fmt == "xml":
        element = f"<domain_profile>{escape(body)}</domain_profile>"
        if rendered.strip() == "<user_memories/>":
            return f"<user_memories>\n{element}\n</user_memories>"
        return rendered.replace("<user_memories>", f"<user_memories>\n{element}", 1)
    return f"{block}\n{rendered}" if rendered else block
