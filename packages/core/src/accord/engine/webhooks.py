"""Webhooks: emitting events into the durable outbox, and the loop that delivers them.

The outbox: each event is queued by the store in the transaction of the change that causes
it (the helpers here build them: :func:`quota_events` for ``enqueue``, :func:`review_events`
for ``apply_job``, :func:`job_failed_events` for ``fail_job``, :func:`erased_events` for
``forget_user``; the store's ``claim_job`` queues ``job.failed`` for the jobs it gives up on).
A crash keeps both or neither, and a replay of the change queues nothing twice (the keys are
derived from it). ``mode.changed`` is process state: see ``WebhookDelivery._check_mode``.

Delivery (:class:`WebhookDelivery`): claim due rows with a lease, POST each signed body, then
record delivered, retry at ``now + backoff`` or, after ``MAX_ATTEMPTS``, failed. Rows live in
SQL, so a restart loses nothing; a delivered row is never sent again.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
import socket
import time
import uuid
from typing import TYPE_CHECKING, Any, Literal
from urllib.parse import urlsplit

from accord.adapters.webhooks import guard
from accord.domain import webhooks as wh
from accord.domain.validation import check_memory_id
from accord.errors import InvalidInputError, PermissionDeniedError, StorageError

if TYPE_CHECKING:
    from collections.abc import Callable

    from accord.domain.models import ForgetReport, Job
    from accord.domain.principal import Principal
    from accord.domain.records import ApplyResult
    from accord.engine.authz import Authorizer
    from accord.engine.components import Components

log = logging.getLogger("accord.webhooks")


async def emit(parts: Components, tenant_id: str, event_type: str, event_key: str, data: dict[str, Any]) -> bool:
    """Queue an event that no state change carries (a refused add's quota mark); whether it was
    queued. ``event_key`` makes a repeat a no-op; a failure is logged, never raised."""
    try:
        await parts.store.events.emit(tenant_id, event_type, event_key, data, parts.clock.now())
    except StorageError as e:
        log.warning("could not queue webhook event %s for tenant %s: %s", event_type, tenant_id, e)
        return False
    return True


def quota_events(parts: Components, tenant_id: str, used: int, quota: int | None) -> list[wh.OutboxEvent]:
    """The ``quota.threshold`` marks ``used`` reaches that this process has not queued yet; the
    caller queues them with its write and then calls :func:`quota_queued`."""
    return [e for e in wh.quota_events(tenant_id, used, quota) if f"{tenant_id}/{e.event_key}" not in parts.webhook_keys_seen]


def quota_queued(parts: Components, events: list[wh.OutboxEvent]) -> None:
    """Remember queued marks: a flood of adds past a mark must not become a flood of no-op inserts
    (the outbox's unique key would refuse them anyway)."""
    if len(parts.webhook_keys_seen) > 100_000:
        parts.webhook_keys_seen.clear()
    parts.webhook_keys_seen.update(f"{e.tenant_id}/{e.event_key}" for e in events)


async def note_quota_refused(parts: Components, events: list[wh.OutboxEvent]) -> None:
    """A refused add changes no state to queue its marks with: they are queued on their own
    (keyed by quota and mark, so the next refused add retries one that failed, as a no-op if not)."""
    queued = [e for e in events if await emit(parts, e.tenant_id, e.event_type, e.event_key, dict(e.data))]
    quota_queued(parts, queued)


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


def review_events(job: Job) -> Callable[[ApplyResult], list[wh.OutboxEvent]]:
    """``events_for`` of ``apply_job``: ``conflict.review_needed`` when the job queued claims for
    the tenant's review, written in the apply's transaction."""
    return lambda result: wh.review_event(job.tenant_id, job.id, job.user_id, result.decisions)


def job_failed_events(job: Job, error: str) -> list[wh.OutboxEvent]:
    """``events`` of the last ``fail_job``: ``job.failed``, written in the same transaction."""
    return [wh.job_failed_event(job.tenant_id, job.id, job.user_id, job.agent_id, job.attempts, error)]


def erased_events(tenant_id: str, user_id: str) -> Callable[[ForgetReport], list[wh.OutboxEvent]]:
    """``events_for`` of the store's ``forget_user``: ``user.erased``, in the erasure's transaction.

    Only an erasure that removed something is an event: a retried call (the first one's reply
    was lost) finds nothing and queues nothing, so one erasure is one event.
    """
    erasure_id = uuid.uuid4().hex

    def events_for(report: ForgetReport) -> list[wh.OutboxEvent]:
        counts = report.model_dump(mode="json")
        if not any(v for k, v in counts.items() if k != "user_id"):
            return []
        return [wh.erased_event(tenant_id, user_id, erasure_id, counts)]

    return events_for


class WebhookDelivery:
    """One process's delivery loop (any number may run: the leases keep them apart)."""

    def __init__(self, parts: Components) -> None:
        self.parts = parts
        self.owner = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
        self._degraded: bool | None = None
        self._transitions = 0
        self._unqueued: list[tuple[int, str, dict[str, Any]]] = []

    async def run_round(self) -> int:
        """Note a mode change, then send every due delivery once; how many were sent."""
        await self._check_mode()
        sender = self.parts.webhook_sender
        if sender is None:
            return 0
        events, clock = self.parts.store.events, self.parts.clock
        sent = 0
        lease = self.parts.settings.webhook_lease_seconds
        while due := await events.claim_due(self.owner, clock.now(), lease):
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
            status = await sender.post(delivery.url, body, headers, allow_internal=delivery.allow_internal)
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
        """Queue ``mode.changed`` on each transition this process observes.

        A transition gets the next number of this process start (``owner`` is unique per start)
        and is kept until it is queued, so a store hiccup delays it but does not lose it, and a
        retry queues nothing twice (the key is ``mode:<owner>:<n>``). A process that dies loses
        what it had not queued; a new start announces only what it then observes.
        """
        mode = self.parts.mode()
        previous, self._degraded = self._degraded, mode.degraded
        if previous is not None and previous != mode.degraded:
            self._transitions += 1
            state = "degraded" if mode.degraded else "recovered"
            self._unqueued.append((self._transitions, state, mode.model_dump(mode="json")))
        while self._unqueued:
            sequence, state, described = self._unqueued[0]
            key, data = wh.mode_change(self.owner, sequence, state, described)
            try:
                await self.parts.store.events.emit_to_all("mode.changed", key, data, self.parts.clock.now())
            except StorageError as e:
                log.warning("could not queue mode.changed (kept for the next round): %s", e)
                return
            self._unqueued.pop(0)


async def _check_url(url: str, principal: Principal) -> str:
    if not isinstance(url, str) or not url.startswith(("https://", "http://")) or len(url) > 2000 or " " in url:
        raise InvalidInputError("url", "a webhook URL is an http(s) URL of at most 2000 characters")
    parts = urlsplit(url)
    try:
        host, port = (parts.hostname or "").lower(), parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError as e:  # a port that is not a number
        raise InvalidInputError("url", f"a webhook URL's port is a number: {e}") from e
    if not host:
        raise InvalidInputError("url", "a webhook URL names a host")
    if principal.role == "owner":
        return url  # the operator may reach the inside, e.g. a receiver beside the server
    # A tenant admin must not make the server call its own network (metadata services,
    # loopback admin ports): neither by address nor by a name resolving to one. A name that
    # does not resolve now is accepted; each delivery resolves and checks it again.
    try:
        inward = await guard.inward_addresses(host, port)
    except OSError:
        inward = []
    if inward:
        raise PermissionDeniedError(
            f"only the operator may send webhooks to loopback or private addresses ({host} is {inward[0]})"
        )
    return url


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
        checked = await _check_url(url, self._principal)
        hook = await self.parts.store.events.create_webhook(
            self._principal.tenant_id, checked, secret, _check_events(events), self.parts.clock.now(),
            allow_internal=self._principal.role == "owner",
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
