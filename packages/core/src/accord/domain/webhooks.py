"""Webhooks without I/O: the event types, the signature, the retry schedule, the quota marks.

A delivery is a POST of a JSON body with three headers:

* ``Accord-Event-Id``: the event's id, the same on every retry (receivers deduplicate on it);
* ``Accord-Event-Type``: e.g. ``quota.threshold``;
* ``Accord-Signature``: ``t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>" with the secret>``.

Signing the timestamp with the body lets a receiver refuse a replay of an old delivery
(:func:`verify` takes a tolerance), the scheme Stripe and Svix made familiar.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict

__all__ = [
    "EVENT_TYPES",
    "GateRecord",
    "QUOTA_MARKS",
    "Webhook",
    "WebhookDelivery",
    "backoff_seconds",
    "quota_marks_reached",
    "sign",
    "signature_header",
    "verify",
]

EventType = Literal["quota.threshold", "mode.changed", "conflict.review_needed", "job.failed", "user.erased"]
EVENT_TYPES: tuple[str, ...] = ("quota.threshold", "mode.changed", "conflict.review_needed", "job.failed", "user.erased")
QUOTA_MARKS: tuple[int, ...] = (80, 100)
# Retries: 10 s, 20 s, 40 s ... capped at an hour; after MAX_ATTEMPTS the delivery is failed
# (kept in the log, visible in the dashboard) rather than retried for ever.
BACKOFF_BASE_SECONDS = 10.0
BACKOFF_CAP_SECONDS = 3600.0
MAX_ATTEMPTS = 8


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Webhook(_Frozen):
    """A tenant's subscription: where to POST which events (the secret is never part of it)."""

    id: str
    tenant_id: str
    url: str
    events: list[str]
    created_at: dt.datetime
    disabled_at: dt.datetime | None = None


class WebhookDelivery(_Frozen):
    """One event for one webhook, as the delivery log shows it."""

    id: str
    webhook_id: str
    event_type: str
    payload: dict[str, Any]
    status: Literal["pending", "delivered", "failed"]
    attempts: int
    next_attempt_at: dt.datetime
    last_status: int | None = None
    last_error: str | None = None
    created_at: dt.datetime
    delivered_at: dt.datetime | None = None


class GateRecord(_Frozen):
    """An ``add()`` the gate refused: why, and how much content (never the content itself)."""

    id: str
    agent_id: str | None
    user_id: str
    decision: str
    messages: int
    content_chars: int
    created_at: dt.datetime


def sign(secret: str, timestamp: int, body: bytes) -> str:
    """The hex HMAC-SHA256 of ``"<timestamp>.<body>"``."""
    return hmac.new(secret.encode(), str(timestamp).encode() + b"." + body, hashlib.sha256).hexdigest()


def signature_header(secret: str, timestamp: int, body: bytes) -> str:
    return f"t={timestamp},v1={sign(secret, timestamp, body)}"


def verify(secret: str, header: str, body: bytes, *, now: float, tolerance_seconds: float = 300.0) -> bool:
    """Whether ``header`` signs ``body`` with ``secret`` and is at most ``tolerance_seconds`` old."""
    fields = dict(part.split("=", 1) for part in header.split(",") if "=" in part)
    try:
        timestamp = int(fields["t"])
    except (KeyError, ValueError):
        return False
    if abs(now - timestamp) > tolerance_seconds:
        return False
    return hmac.compare_digest(fields.get("v1", ""), sign(secret, timestamp, body))


def backoff_seconds(attempts: int) -> float:
    """The wait before the next try after ``attempts`` failed ones (1, 2, ...)."""
    return min(BACKOFF_BASE_SECONDS * 2 ** max(attempts - 1, 0), BACKOFF_CAP_SECONDS)


def quota_marks_reached(used: int, quota: int | None) -> list[int]:
    """The quota marks (percent) that ``used`` memories have reached; none without a quota."""
    if quota is None or quota <= 0:
        return []
    return [mark for mark in QUOTA_MARKS if used * 100 >= mark * quota]
