"""Webhooks: emitting events into the durable outbox, and the loop that delivers them.

The emitting points in the engine are one call each to :func:`emit` (or a helper over it).
An event that cannot be queued (the store failed) is logged, never raised: the write, erasure
or job that caused it has already happened and must not be reported as failed.

Delivery (:class:`WebhookDelivery`): claim due rows with a lease, POST each signed body, then
record delivered, retry at ``now + backoff`` or, after ``MAX_ATTEMPTS``, failed. Rows live in
SQL, so a restart loses nothing; a delivered row is never sent again.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import json
import logging
import os
import socket
import time
import uuid
from typing import TYPE_CHECKING, Any, Literal
from urllib.parse import urlsplit

from accord.domain import webhooks as wh
from accord.domain.validation import check_memory_id
from accord.errors import InvalidInputError, PermissionDeniedError, StorageError

if TYPE_CHECKING:
    from accord.domain.principal import Principal
    from accord.engine.authz import Authorizer
    from accord.engine.components import Components

log = logging.getLogger("accord.webhooks")

LEASE_SECONDS = 60.0


async def emit(parts: Components, tenant_id: str, event_type: str, event_key: str, data: dict[str, Any]) -> None:
    """Queue an event for the tenant's webhooks; ``event_key`` makes a repeat a no-op."""
    try:
        await parts.store.events.emit(tenant_id, event_type, event_key, data, parts.clock.now())
    except StorageError as e:
        log.warning("could not queue webhook event %s for tenant %s: %s", event_type, tenant_id, e)


async def note_quota(parts: Components, tenant_id: str, used: int, quota: int | None) -> None:
    """``quota.threshold`` once per mark (80, 100) and quota value: raising the quota re-arms it."""
    for mark in wh.quota_marks_reached(used, quota):
        key = f"quota:{quota}:{mark}"
        if f"{tenant_id}/{key}" in parts.webhook_keys_seen:
            continue  # queued already (the outbox's unique key would refuse it anyway)
        data = {"percent": mark, "used": used, "quota": quota}
        await emit(parts, tenant_id, "quota.threshold", key, data)
        if len(parts.webhook_keys_seen) > 100_000:
            parts.webhook_keys_seen.clear()
        parts.webhook_keys_seen.add(f"{tenant_id}/{key}")


async def note_gate_refusal(parts: Components, principal: Principal, user_id: str, decision: str, chars: int, n: int) -> None:
    """One quality-log row per refusal; rate-limit refusals at most one a second per agent,
    since an agent over its rate would otherwise turn each refused call into a write."""
    if decision == "rate_limit_exceeded":
        who_ = f"{principal.tenant_id}/{principal.agent_id}"
        now = time.monotonic()
        if now - parts.gate_log_last.get(who_, -1.0) < 1.0:
            return
        if len(parts.gate_log_last) > 100_000:
            parts.gate_log_last.clear()
        parts.gate_log_last[who_] = now
    try:
        await parts.store.events.log_gate(
            principal.tenant_id, principal.agent_id, user_id, decision, n, chars, parts.clock.now()
        )
    except StorageError as e:
        log.warning("could not log a gate decision: %s", e)


async def after_apply(parts: Components, job: Any, decisions: list[tuple[str, str]]) -> None:
    """``conflict.review_needed`` when the job queued claims for the tenant's review."""
    reasons = [reason for action, reason in decisions if action == "tenant_review"]
    if reasons:
        data = {"job_id": job.id, "user_id": job.user_id, "items": len(reasons), "reasons": reasons}
        await emit(parts, job.tenant_id, "conflict.review_needed", f"review:{job.id}", data)


async def job_failed(parts: Components, job: Any, error: str) -> None:
    data = {"job_id": job.id, "user_id": job.user_id, "agent_id": job.agent_id, "attempts": job.attempts, "error": error[:500]}
    await emit(parts, job.tenant_id, "job.failed", f"job:{job.id}", data)


async def user_erased(parts: Components, tenant_id: str, user_id: str, report: dict[str, Any]) -> None:
    """The user's quality-log rows are erased too, then ``user.erased`` is queued."""
    try:
        await parts.store.events.forget_user(tenant_id, user_id)
    except StorageError as e:
        log.warning("could not erase the gate log of a user: %s", e)
    await emit(parts, tenant_id, "user.erased", f"erased:{user_id}:{uuid.uuid4().hex}", {"user_id": user_id, "report": report})


class WebhookDelivery:
    """One process's delivery loop (any number may run: the leases keep them apart)."""

    def __init__(self, parts: Components) -> None:
        self.parts = parts
        self.owner = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
        self._degraded: bool | None = None

    async def run_round(self) -> int:
        """Note a mode change, then send every due delivery once; how many were sent."""
        await self._check_mode()
        sender = self.parts.webhook_sender
        if sender is None:
            return 0
        events, clock = self.parts.store.events, self.parts.clock
        sent = 0
        while due := await events.claim_due(self.owner, clock.now(), LEASE_SECONDS):
            for delivery in due:
                sent += await self._send(delivery)
        return sent

    async def _send(self, delivery: Any) -> int:
        sender, clock = self.parts.webhook_sender, self.parts.clock
        assert sender is not None
        body = json.dumps(delivery.payload, separators=(",", ":"), sort_keys=True).encode()
        stamp = int(clock.now().timestamp())
        headers = {
            "Content-Type": "application/json",
            "User-Agent": "accord-webhooks",
            "Accord-Event-Id": delivery.id,
            "Accord-Event-Type": delivery.event_type,
            "Accord-Signature": wh.signature_header(delivery.secret, stamp, body),
        }
        status: int | None = None
        try:
            status = await sender.post(delivery.url, body, headers)
            error = None if 200 <= status < 300 else f"HTTP {status}"
        except OSError as e:
            error = str(e) or type(e).__name__
        attempts = delivery.attempts + 1
        retry_at = None
        if error is not None and attempts < wh.MAX_ATTEMPTS:
            retry_at = clock.now() + dt.timedelta(seconds=wh.backoff_seconds(attempts))
        await self.parts.store.events.record_attempt(
            delivery.id, self.owner, clock.now(), status_code=status, error=error, retry_at=retry_at
        )
        return 1 if error is None else 0

    async def _check_mode(self) -> None:
        mode = self.parts.mode()
        previous, self._degraded = self._degraded, mode.degraded
        if previous is None or previous == mode.degraded:
            return
        state = "degraded" if mode.degraded else "recovered"
        data = {"state": state, "mode": mode.model_dump(mode="json"), "process": self.owner}
        key = f"mode:{self.owner}:{uuid.uuid4().hex}"
        for tenant_id in await self.parts.store.events.tenants_wanting("mode.changed"):
            await emit(self.parts, tenant_id, "mode.changed", key, data)


def _check_url(url: str, principal: Principal) -> str:
    if not isinstance(url, str) or not url.startswith(("https://", "http://")) or len(url) > 2000 or " " in url:
        raise InvalidInputError("url", "a webhook URL is an http(s) URL of at most 2000 characters")
    host = (urlsplit(url).hostname or "").lower()
    if not host:
        raise InvalidInputError("url", "a webhook URL names a host")
    if principal.role != "owner" and _is_internal(host):
        # A tenant admin must not make the server call its own network (metadata services,
        # loopback admin ports); the operator may, e.g. for a receiver beside the server.
        raise PermissionDeniedError("only the operator may send webhooks to loopback or private addresses")
    return url


def _is_internal(host: str) -> bool:
    if host == "localhost" or host.endswith((".localhost", ".internal", ".local")):
        return True
    try:
        address = ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return False  # a name: resolved at delivery time (names resolving inward are not caught here)
    return address.is_private or address.is_loopback or address.is_link_local or address.is_reserved


def _check_events(events: list[str] | None) -> list[str]:
    chosen = list(wh.EVENT_TYPES) if events is None else list(dict.fromkeys(events))
    unknown = [e for e in chosen if e not in wh.EVENT_TYPES]
    if unknown or not chosen:
        raise InvalidInputError("events", f"choose among {', '.join(wh.EVENT_TYPES)} (got {unknown or 'none'})")
    return chosen


class WebhookAPI:
    """The engine's webhook and quality-log methods (tenant admins and the owner); a mixin."""

    parts: Components
    _principal: Principal
    _authz: Authorizer

    async def create_webhook(self, url: str, events: list[str] | None = None) -> tuple[wh.Webhook, str]:
        """Subscribe ``url`` to ``events`` (all when None); returns it with its signing secret, shown once."""
        self._authz.require_admin(self._principal, "manage webhooks")
        secret = "whsec_" + uuid.uuid4().hex + uuid.uuid4().hex
        hook = await self.parts.store.events.create_webhook(
            self._principal.tenant_id, _check_url(url, self._principal), secret, _check_events(events), self.parts.clock.now()
        )
        return hook, secret

    async def list_webhooks(self) -> list[wh.Webhook]:
        self._authz.require_admin(self._principal, "manage webhooks")
        return await self.parts.store.events.list_webhooks(self._principal.tenant_id)

    async def disable_webhook(self, webhook_id: str) -> wh.Webhook:
        self._authz.require_admin(self._principal, "manage webhooks")
        webhook_id = check_memory_id(webhook_id, "webhook_id")
        return await self.parts.store.events.disable_webhook(self._principal.tenant_id, webhook_id, self.parts.clock.now())

    async def list_webhook_deliveries(
        self, *, status: Literal["pending", "delivered", "failed"] | None = None, limit: int = 100
    ) -> list[wh.WebhookDelivery]:
        self._authz.require_admin(self._principal, "read the webhook log")
        if status not in (None, "pending", "delivered", "failed"):
            raise InvalidInputError("status", "pending, delivered or failed")
        return await self.parts.store.events.list_deliveries(self._principal.tenant_id, status=status, limit=limit)

    async def deliver_webhooks(self) -> int:
        """Send every due delivery now (the background loop does this every few seconds)."""
        self._authz.require_admin(self._principal, "deliver webhooks")
        return await self._delivery.run_round()

    async def list_gate_decisions(
        self, *, decision: str | None = None, user_id: str | None = None, agent_id: str | None = None, limit: int = 200
    ) -> list[wh.GateRecord]:
        """The adds the gate refused, newest first: reason and size, never the content."""
        self._authz.require_admin(self._principal, "read the quality log")
        return await self.parts.store.events.gate_records(
            self._principal.tenant_id, decision=decision or None, user_id=user_id or None,
            agent_id=agent_id or None, limit=limit,
        )

    _delivery: WebhookDelivery
