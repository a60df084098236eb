"""Webhooks without I/O: the event types, the signature, the retry schedule, the quota marks.

A delivery is a POST of a JSON body with three headers:

* ``Accord-Event-Id``: the event's id, the same on every retry (receivers deduplicate on it);
* ``Accord-Event-Type``: e.g. ``quota.threshold``;
* ``Accord-Signature``: ``t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>" with the secret>``.

Signing the timestamp with the body lets a receiver refuse a replay of an old delivery
(:func:`verify` takes a tolerance), the scheme Stripe and Svix made familiar.

The outbox: every event is an :class:`OutboxEvent` built here from the change that causes it,
and the store writes it in the same transaction as that change, so a crash either keeps both
or neither. Its ``event_key`` is derived from the change (a job id, a quota value and mark, a
process start and transition number), and the outbox's unique ``(webhook_id, event_key)``
makes a replay of the same change queue nothing new.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import ipaddress
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict

__all__ = [
    "EVENT_TYPES",
    "GateRecord",
    "OutboxEvent",
    "QUOTA_MARKS",
    "Webhook",
    "WebhookDelivery",
    "backoff_seconds",
    "erased_event",
    "is_internal_address",
    "names_internal_host",
    "job_failed_event",
    "mode_change",
    "quota_events",
    "review_event",
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


@dataclass(frozen=True, slots=True)
class OutboxEvent:
    """An event to queue with the change that causes it (one outbox row per subscribed webhook)."""

    tenant_id: str
    event_type: str
    event_key: str  # unique per webhook: the same key twice is queued once
    data: Mapping[str, Any] = field(default_factory=dict)


def quota_events(tenant_id: str, used: int, quota: int | None) -> list[OutboxEvent]:
    """``quota.threshold`` for each mark ``used`` reached, keyed by quota value and mark: once
    per mark, and a new quota value re-arms them."""
    return [
        OutboxEvent(tenant_id, "quota.threshold", f"quota:{quota}:{mark}", {"percent": mark, "used": used, "quota": quota})
        for mark in quota_marks_reached(used, quota)
    ]


def review_event(tenant_id: str, job_id: str, user_id: str, decisions: Sequence[tuple[str, str]]) -> list[OutboxEvent]:
    """``conflict.review_needed`` when a job queued claims for the tenant's review (keyed by job)."""
    reasons = [reason for action, reason in decisions if action == "tenant_review"]
    if not reasons:
        return []
    data = {"job_id": job_id, "user_id": user_id, "items": len(reasons), "reasons": reasons}
    return [OutboxEvent(tenant_id, "conflict.review_needed", f"review:{job_id}", data)]


def job_failed_event(
    tenant_id: str, job_id: str, user_id: str, agent_id: str | None, attempts: int, error: str
) -> OutboxEvent:
    """``job.failed`` after the last attempt (keyed by job: a job fails for good once)."""
    data = {"job_id": job_id, "user_id": user_id, "agent_id": agent_id, "attempts": attempts, "error": error[:500]}
    return OutboxEvent(tenant_id, "job.failed", f"job:{job_id}", data)


def erased_event(tenant_id: str, user_id: str, erasure_id: str, report: Mapping[str, Any]) -> OutboxEvent:
    """``user.erased``, keyed by the erasure (a user may be erased, come back and be erased again)."""
    return OutboxEvent(tenant_id, "user.erased", f"erased:{user_id}:{erasure_id}", {"user_id": user_id, "report": dict(report)})


def mode_change(process: str, sequence: int, state: str, mode: Mapping[str, Any]) -> tuple[str, dict[str, Any]]:
    """``mode.changed``'s key and data (queued to every tenant that wants it), keyed by the
    process start and the number of its transition.

    The mode is the state of one process (its breakers, its index), not of the store: the
    n-th transition a process start observed is one event, however often queueing it is retried.
    A new process start is a new observer: its first transition is a new event.
    """
    data = {"state": state, "mode": dict(mode), "process": process, "sequence": sequence}
    return f"mode:{process}:{sequence}", data


def is_internal_address(address: str) -> bool:
    """Whether an IP address is loopback, private, link-local or reserved (an IPv4-mapped IPv6
    address is judged by its IPv4 part); False for what is not an address."""
    try:
        ip = ipaddress.ip_address(address.strip("[]").split("%", 1)[0])
    except ValueError:
        return False
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return ip.is_private or ip.is_loopback or ip.is_link_local or ip.is_reserved or ip.is_multicast or ip.is_unspecified


def names_internal_host(host: str) -> bool:
    """Whether a URL's host names the inside by itself: an internal address, ``localhost`` or a
    name under ``.localhost``, ``.internal`` or ``.local``. Other names must be resolved."""
    host = host.lower().rstrip(".")
    if host == "localhost" or host.endswith((".localhost", ".internal", ".local")):
        return True
    return is_internal_address(host)
