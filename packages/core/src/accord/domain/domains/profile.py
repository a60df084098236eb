"""A user's domain state (what needs history: review cards, issue histories, mood) and the
profiles built from it and from the user's current domain memories.

Current values live in memories (so conflicts, clarifications, export and erasure treat them
like any memory); the state keeps what a memory cannot: the forgetting curve of each topic,
each issue's history and contacts, the sentiment of each contact. ``fold`` is idempotent per
job, so a replayed job changes nothing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from accord.domain.domains import review
from accord.domain.domains.observation import Observation
from accord.domain.domains.profiles import (
    EdTechProfile,
    EscalationRisk,
    Exam,
    IssueEvent,
    SupportIssue,
    SupportProfile,
    TopicStatus,
)
from accord.domain.domains.support import Signals
from accord.domain.models import Memory

__all__ = ["DomainValue", "edtech_profile", "fold", "split_value", "support_profile", "values_of"]

MAX_JOBS = 500
MAX_MOOD = 30
MAX_HISTORY = 30
_RATING = {"weak": "again", "strong": "good", "practised": "good"}


def _iso(when: dt.datetime) -> str:
    return when.astimezone(dt.UTC).isoformat()


def fold(
    state: dict[str, Any], observations: Sequence[Observation], sig: Signals | None, *, job_id: str, when: dt.datetime
) -> dict[str, Any]:
    """The state after one job's observations and mood signals (the same state when already folded)."""
    if job_id in state.get("jobs", []):
        return state
    new = {**state, "jobs": [*state.get("jobs", []), job_id][-MAX_JOBS:]}
    topics = dict(new.get("topics", {}))
    issues = {k: dict(v) for k, v in new.get("issues", {}).items()}
    touched: set[str] = set()
    for o in observations:
        if o.field == "topic" and o.item and o.value in _RATING:
            t = dict(topics.get(o.item, {}))
            if o.value == "practised" and t.get("status") == "weak" and not o.change:
                rating = "hard"
            else:
                rating = _RATING[o.value]
            t["card"] = review.practise(t.get("card"), o.item, rating, when)
            t["reviews"] = int(t.get("reviews", 0)) + 1
            if o.value != "practised":
                t["status"] = o.value
            topics[o.item] = t
        elif o.field == "issue" and o.item:
            i = issues.setdefault(o.item, {"history": [], "contacts": 0})
            was_open = i.get("status") == "open"
            event = "resolved" if o.value == "resolved" else ("updated" if was_open else "opened")
            i["history"] = [*i["history"], {"status": event, "at": _iso(when), "detail": o.detail}][-MAX_HISTORY:]
            i["status"] = o.value
            if event == "opened":
                i["opened_at"] = _iso(when)
                i["contacts"] = 0
            if o.item not in touched and o.value == "open":
                i["contacts"] = int(i.get("contacts", 0)) + 1
                touched.add(o.item)
    if sig is not None and (sig.sentiment is not None or sig.anger or sig.churn):
        mood = {"at": _iso(when), "sentiment": sig.sentiment, "anger": sig.anger, "churn": sig.churn}
        new["mood"] = [*new.get("mood", []), mood][-MAX_MOOD:]
    if topics:
        new["topics"] = topics
    if issues:
        new["issues"] = issues
    return new


# -- current values from memories ------------------------------------------------------------


DomainValue = tuple[str, str | None, Memory]  # (value as said, detail, the memory)


def split_value(content: str) -> tuple[str, str | None]:
    """``"Exam (jee main): 2027-03-15 - JEE Main"`` -> (``2027-03-15``, ``JEE Main``)."""
    _, _, rest = content.partition(": ")
    value, sep, detail = rest.partition(" - ")
    return value.strip(), (detail.strip() or None) if sep else None


def values_of(schema_name: str, memories: Sequence[Memory]) -> dict[str, dict[str | None, DomainValue]]:
    """field -> item (None for a single field) -> the current value, from active domain memories."""
    out: dict[str, dict[str | None, DomainValue]] = {}
    for m in memories:
        key = m.attribute_key or ""
        if not key.startswith(f"{schema_name}.") or "@" in key:
            continue
        parts = key.split(".", 2)
        value, detail = split_value(m.content)
        out.setdefault(parts[1], {})[parts[2] if len(parts) == 3 else None] = (value, detail, m)
    return out


def _one(values: dict[str, dict[str | None, DomainValue]], field: str) -> str | None:
    got = values.get(field, {}).get(None)
    return got[0] if got else None


def edtech_profile(user_id: str, values: dict[str, dict[str | None, DomainValue]], state: dict[str, Any], now: dt.datetime, *, pending: int = 0) -> EdTechProfile:
    exams = []
    for item, (value, detail, m) in values.get("exam", {}).items():
        try:
            day = dt.date.fromisoformat(value)
        except ValueError:
            continue
        if day >= now.date():
            exams.append(Exam(name=detail or (item or "exam").title(), date=day, days_left=(day - now.date()).days, memory_id=m.id))
    weak, strong = [], []
    for item, (value, _, m) in values.get("topic", {}).items():
        card = state.get("topics", {}).get(item, {})
        due = recall = urgency = None
        if card.get("card"):
            due, recall, urgency = review.due_state(card["card"], now)
        status = TopicStatus(topic=item or "", status="strong" if value == "strong" else "weak", stage=int(card.get("reviews", 0)),
                             due=due, retrievability=recall, urgency=urgency, memory_id=m.id)  # type: ignore[arg-type]
        (strong if status.status == "strong" else weak).append(status)
    order = {"overdue": 0, "due": 1, "soon": 2, "ok": 3, None: 4}
    weak.sort(key=lambda t: (order[t.urgency], t.due or now))
    return EdTechProfile(
        user_id=user_id,
        grade_level=_one(values, "grade_level"),
        curriculum=_one(values, "curriculum"),
        exams=sorted(exams, key=lambda e: e.date),
        weak_topics=weak,
        strong_topics=sorted(strong, key=lambda t: t.topic),
        learning_style=_one(values, "learning_style"),
        session_preferences={k or "": v[0] for k, v in values.get("session_preference", {}).items()},
        curriculum_standard=_one(values, "curriculum_standard"),
        institution_policies={k or "": v[0] for k, v in values.get("institution_policy", {}).items()},
        pending_clarifications=pending,
    )


def _trend(mood: Sequence[dict[str, Any]]) -> tuple[str, float | None]:
    scores = [float(m["sentiment"]) for m in mood if m.get("sentiment") is not None]
    if not scores:
        return "unknown", None
    if len(scores) < 2:
        return "steady", scores[-1]
    recent, before = scores[-2:], scores[-4:-2] or scores[:1]
    delta = sum(recent) / len(recent) - sum(before) / len(before)
    return ("improving" if delta > 0.25 else "worsening" if delta < -0.25 else "steady"), scores[-1]


def _risk(open_issues: Sequence[SupportIssue], mood: Sequence[dict[str, Any]], trend: str) -> EscalationRisk:
    signals = []
    if any(i.contacts >= 2 for i in open_issues):
        signals.append(f"repeat contacts ({max(i.contacts for i in open_issues)}) on an open issue")
    recent = mood[-3:]
    if any(m.get("anger") for m in recent):
        signals.append("anger")
    if any(m.get("churn") for m in recent):
        signals.append("churn words")
    if trend == "worsening":
        signals.append("sentiment worsening")
    weight = len(signals) + (1 if "churn words" in signals else 0)
    level = "high" if weight >= 2 else "medium" if weight == 1 or open_issues else "low"
    return EscalationRisk(level=level, signals=signals)  # type: ignore[arg-type]


def _issue(kind: str, value: str, detail: str | None, memory: Memory, raw: dict[str, Any]) -> SupportIssue:
    history = [IssueEvent.model_validate(h) for h in raw.get("history", [])]
    first_open = next((h for h in history if h.status == "opened"), None)
    summary = next((h.detail for h in reversed(history) if h.status != "resolved" and h.detail), None) or detail
    return SupportIssue(
        type=kind,
        status="resolved" if value == "resolved" else "open",
        summary=summary,
        opened_at=first_open.at if first_open else memory.created_at,
        updated_at=history[-1].at if history else memory.created_at,
        contacts=int(raw.get("contacts", 0)),
        history=history,
        memory_id=memory.id,
    )


_TYPE_FAMILY = {"billing": "billing", "refund": "billing", "login": "account access", "account": "account access",
                "shipping": "orders and delivery", "technical": "technical"}


def support_profile(user_id: str, values: dict[str, dict[str | None, DomainValue]], state: dict[str, Any], now: dt.datetime) -> SupportProfile:
    issues = [
        _issue(item or "other", value, detail, m, state.get("issues", {}).get(item, {}))
        for item, (value, detail, m) in values.get("issue", {}).items()
    ]
    open_ = sorted((i for i in issues if i.status == "open"), key=lambda i: i.updated_at or now, reverse=True)
    resolved = sorted((i for i in issues if i.status == "resolved"), key=lambda i: i.updated_at or now, reverse=True)
    mood = state.get("mood", [])
    trend, last = _trend(mood)
    kinds = [i.type for i in (open_ or resolved)]
    return SupportProfile(
        user_id=user_id,
        open_issues=open_,
        resolved_issues=resolved,
        plan=_one(values, "plan"),
        products=sorted(v[0] for v in values.get("product", {}).values()),
        communication_preference=_one(values, "communication_preference"),
        resolution_preference=_one(values, "resolution_preference"),
        support_type=_TYPE_FAMILY.get(kinds[0], kinds[0]) if kinds else None,
        sentiment_trend=trend,  # type: ignore[arg-type]
        recent_sentiment=last,
        escalation_risk=_risk(open_, mood, trend),
        product_prices={k or "": v[0] for k, v in values.get("product_price", {}).items()},
        contacts=len(state.get("jobs", [])),
    )
