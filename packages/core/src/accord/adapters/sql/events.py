"""Webhook subscriptions, their outbox, and the gate's quality log, in SQL.

Emitting an event inserts one outbox row per subscribed webhook (:func:`queue_events`, which
the store's own methods call inside the transaction of the change that causes it); the unique
``(webhook_id, event_key)`` makes a second emit of the same event a no-op, so an event is
queued once however many processes or retries see it. A delivery is claimed with a lease
(``UPDATE ... WHERE lease_until < now``: one claimer wins), so two delivery loops never send
the same row at the same time, and a delivered row is never picked up again.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, and_, delete, func, insert, or_, select, update
from sqlalchemy.exc import IntegrityError

from accord.adapters.sql.engine_factory import SqlRunner
from accord.adapters.sql.schema import gate_log, jobs, webhook_deliveries, webhooks
from accord.domain.webhooks import GateRecord, OutboxEvent, Webhook, WebhookDelivery
from accord.errors import NotFoundError

__all__ = ["DueDelivery", "SqlEventStore", "forget_user_rows", "queue_events"]


def queue_events(conn: Connection, events: Sequence[OutboxEvent], now: dt.datetime) -> int:
    """Insert one outbox row per event and subscribed webhook, inside the caller's transaction.

    Called by the store methods whose change causes the events (enqueue, apply, fail, erase),
    so the rows commit or roll back with the change. A row whose ``(webhook_id, event_key)``
    exists already (a replay of the same change) is skipped in a savepoint, leaving the rest.
    """
    if not events:
        return 0
    tenants = sorted({e.tenant_id for e in events})
    hooks = conn.execute(
        select(webhooks.c.id, webhooks.c.tenant_id, webhooks.c.events).where(
            webhooks.c.tenant_id.in_(tenants), webhooks.c.disabled_at.is_(None)
        )
    ).all()
    added = 0
    for event in events:
        for hook_id, tenant_id, wanted in hooks:
            if tenant_id != event.tenant_id or event.event_type not in wanted:
                continue
            event_id = str(uuid.uuid4())
            payload = {
                "id": event_id, "type": event.event_type, "tenant_id": tenant_id, "created_at": now.isoformat(),
                "data": dict(event.data),
            }
            values = {
                "id": event_id, "tenant_id": tenant_id, "webhook_id": hook_id, "event_type": event.event_type,
                "event_key": event.event_key, "payload": payload, "status": "pending", "attempts": 0,
                "next_attempt_at": now, "created_at": now,
            }
            savepoint = conn.begin_nested()
            try:
                conn.execute(insert(webhook_deliveries).values(**values))
            except IntegrityError:
                savepoint.rollback()
                continue
            savepoint.commit()
            added += 1
    return added


def forget_user_rows(conn: Connection, tenant_id: str, user_id: str) -> int:
    """Erasure, in the caller's transaction: the user's quality-log rows, and the sent (or
    failed) events that name the user; events still to be sent stay, for the tenant's endpoint."""
    logged = conn.execute(delete(gate_log).where(gate_log.c.tenant_id == tenant_id, gate_log.c.user_id == user_id)).rowcount
    sent = conn.execute(
        delete(webhook_deliveries).where(
            webhook_deliveries.c.tenant_id == tenant_id,
            webhook_deliveries.c.status != "pending",
            webhook_deliveries.c.payload["data"]["user_id"].as_string() == user_id,
        )
    ).rowcount
    return logged + sent


@dataclass(frozen=True, slots=True)
class DueDelivery:
    """A claimed delivery with what sending it needs."""

    id: str
    tenant_id: str
    event_type: str
    payload: dict[str, Any]
    attempts: int
    url: str
    secret: str
    allow_internal: bool = False


def _webhook(r: Any) -> Webhook:
    return Webhook(
        id=r.id, tenant_id=r.tenant_id, url=r.url, events=list(r.events), created_at=r.created_at, disabled_at=r.disabled_at
    )


def _delivery(r: Any) -> WebhookDelivery:
    return WebhookDelivery(
        id=r.id,
        webhook_id=r.webhook_id,
        event_type=r.event_type,
        payload=r.payload,
        status=r.status,
        attempts=r.attempts,
        next_attempt_at=r.next_attempt_at,
        last_status=r.last_status,
        last_error=r.last_error,
        created_at=r.created_at,
        delivered_at=r.delivered_at,
    )


class SqlEventStore:
    def __init__(self, sql: SqlRunner) -> None:
        self._sql = sql

    # -- subscriptions ---------------------------------------------------------------------

    async def create_webhook(
        self, tenant_id: str, url: str, secret: str, events: list[str], now: dt.datetime, *, allow_internal: bool = False
    ) -> Webhook:
        row = {
            "id": str(uuid.uuid4()), "tenant_id": tenant_id, "url": url, "secret": secret, "events": events,
            "allow_internal": allow_internal,
        }
        await self._sql.write(lambda conn: conn.execute(insert(webhooks).values(**row, created_at=now)))
        return Webhook(id=row["id"], tenant_id=tenant_id, url=url, events=events, created_at=now)

    async def list_webhooks(self, tenant_id: str) -> list[Webhook]:
        rows = await self._sql.read(
            lambda conn: conn.execute(
                select(webhooks).where(webhooks.c.tenant_id == tenant_id).order_by(webhooks.c.created_at)
            ).all()
        )
        return [_webhook(r) for r in rows]

    async def disable_webhook(self, tenant_id: str, webhook_id: str, now: dt.datetime) -> Webhook:
        def run(conn: Connection) -> Any:
            where = and_(webhooks.c.tenant_id == tenant_id, webhooks.c.id == webhook_id)
            conn.execute(update(webhooks).where(where, webhooks.c.disabled_at.is_(None)).values(disabled_at=now))
            return conn.execute(select(webhooks).where(where)).first()

        row = await self._sql.write(run)
        if row is None:
            raise NotFoundError(f"no webhook {webhook_id}")
        return _webhook(row)

    # -- the outbox --------------------------------------------------------------------------

    async def emit(self, tenant_id: str, event_type: str, event_key: str, data: dict[str, Any], now: dt.datetime) -> int:
        """Queue the event for every active webhook of the tenant that wants it; how many were new."""
        event = OutboxEvent(tenant_id, event_type, event_key, data)
        return await self._sql.write(lambda conn: queue_events(conn, [event], now), "queueing a webhook event")

    async def emit_to_all(self, event_type: str, event_key: str, data: dict[str, Any], now: dt.datetime) -> int:
        """Queue one event for every tenant with a webhook wanting it, in one transaction."""

        def run(conn: Connection) -> int:
            rows = conn.execute(select(webhooks.c.tenant_id, webhooks.c.events).where(webhooks.c.disabled_at.is_(None))).all()
            tenants = sorted({tenant for tenant, wanted in rows if event_type in wanted})
            return queue_events(conn, [OutboxEvent(t, event_type, event_key, data) for t in tenants], now)

        return await self._sql.write(run, "queueing a webhook event")

    async def claim_due(self, owner: str, now: dt.datetime, lease_seconds: float, limit: int = 20) -> list[DueDelivery]:
        lease_until = now + dt.timedelta(seconds=lease_seconds)
        free = or_(webhook_deliveries.c.lease_until.is_(None), webhook_deliveries.c.lease_until < now)
        # A read first: the loop polls every few seconds, and an idle poll must not take SQLite's write lock.
        anything = await self._sql.read(
            lambda conn: conn.execute(
                select(webhook_deliveries.c.id)
                .where(webhook_deliveries.c.status == "pending", webhook_deliveries.c.next_attempt_at <= now, free)
                .limit(1)
            ).first()
        )
        if anything is None:
            return []

        def run(conn: Connection) -> list[DueDelivery]:
            due = conn.execute(
                select(webhook_deliveries, webhooks.c.url, webhooks.c.secret, webhooks.c.allow_internal)
                .join(webhooks, webhooks.c.id == webhook_deliveries.c.webhook_id)
                .where(webhook_deliveries.c.status == "pending", webhook_deliveries.c.next_attempt_at <= now, free)
                .order_by(webhook_deliveries.c.next_attempt_at)
                .limit(limit)
            ).all()
            claimed = []
            for r in due:
                won = conn.execute(
                    update(webhook_deliveries)
                    .where(webhook_deliveries.c.id == r.id, webhook_deliveries.c.status == "pending", free)
                    .values(lease_owner=owner, lease_until=lease_until)
                ).rowcount
                if won:
                    claimed.append(
                        DueDelivery(r.id, r.tenant_id, r.event_type, r.payload, r.attempts, r.url, r.secret, r.allow_internal)
                    )
            return claimed

        return await self._sql.write(run, "claiming webhook deliveries")

    async def record_attempt(
        self, delivery_id: str, owner: str, now: dt.datetime, *, status_code: int | None, error: str | None,
        retry_at: dt.datetime | None,
    ) -> None:
        """After one try: delivered (no error), pending again until ``retry_at``, or failed for good."""
        if error is None:
            values: dict[str, Any] = {"status": "delivered", "delivered_at": now}
        else:
            values = {"status": "pending" if retry_at is not None else "failed", "next_attempt_at": retry_at or now}
        await self._sql.write(
            lambda conn: conn.execute(
                update(webhook_deliveries)
                .where(webhook_deliveries.c.id == delivery_id, webhook_deliveries.c.lease_owner == owner)
                .values(
                    **values, attempts=webhook_deliveries.c.attempts + 1, last_status=status_code,
                    last_error=None if error is None else error[:500], lease_owner=None, lease_until=None,
                )
            ),
            "recording a webhook delivery",
        )

    async def list_deliveries(self, tenant_id: str, *, status: str | None = None, limit: int = 100) -> list[WebhookDelivery]:
        query = select(webhook_deliveries).where(webhook_deliveries.c.tenant_id == tenant_id)
        if status is not None:
            query = query.where(webhook_deliveries.c.status == status)
        query = query.order_by(webhook_deliveries.c.created_at.desc()).limit(limit)
        rows = await self._sql.read(lambda conn: conn.execute(query).all())
        return [_delivery(r) for r in rows]

    async def tenants_wanting(self, event_type: str) -> list[str]:
        rows = await self._sql.read(
            lambda conn: conn.execute(select(webhooks.c.tenant_id, webhooks.c.events).where(webhooks.c.disabled_at.is_(None))).all()
        )
        return sorted({tenant for tenant, wanted in rows if event_type in wanted})

    # -- the quality log -----------------------------------------------------------------------

    async def log_gate(
        self, tenant_id: str, agent_id: str | None, user_id: str, decision: str, messages: int, chars: int, now: dt.datetime
    ) -> None:
        values = dict(
            id=str(uuid.uuid4()), tenant_id=tenant_id, agent_id=agent_id, user_id=user_id, decision=decision,
            messages=messages, content_chars=chars, created_at=now,
        )
        await self._sql.write(lambda conn: conn.execute(insert(gate_log).values(**values)), "logging a gate decision")

    async def gate_records(
        self, tenant_id: str, *, decision: str | None = None, user_id: str | None = None, agent_id: str | None = None,
        limit: int | None = 200,
    ) -> list[GateRecord]:
        """Newest first; ``limit=None`` for all (an export)."""
        query = select(gate_log).where(gate_log.c.tenant_id == tenant_id)
        for column, value in ((gate_log.c.decision, decision), (gate_log.c.user_id, user_id), (gate_log.c.agent_id, agent_id)):
            if value is not None:
                query = query.where(column == value)
        rows = await self._sql.read(lambda conn: conn.execute(query.order_by(gate_log.c.created_at.desc()).limit(limit)).all())
        return [
            GateRecord(id=r.id, agent_id=r.agent_id, user_id=r.user_id, decision=r.decision, messages=r.messages,
                       content_chars=r.content_chars, created_at=r.created_at)
            for r in rows
        ]

    async def gate_timeline(self, tenant_id: str, since: dt.datetime) -> Counter[tuple[dt.datetime, str]]:
        """Counts per (hour, decision) since ``since``: refusals from the log, ``queued`` from the jobs."""

        def run(conn: Connection) -> list[tuple[dt.datetime, str]]:
            refused = conn.execute(
                select(gate_log.c.created_at, gate_log.c.decision).where(
                    gate_log.c.tenant_id == tenant_id, gate_log.c.created_at >= since
                )
            ).all()
            queued = conn.execute(
                select(jobs.c.created_at).where(jobs.c.tenant_id == tenant_id, jobs.c.created_at >= since)
            ).all()
            return [(r[0], r[1]) for r in refused] + [(r[0], "queued") for r in queued]

        rows = await self._sql.read(run, heavy=True)
        return Counter((when.replace(minute=0, second=0, microsecond=0), decision) for when, decision in rows)

    async def job_counts(self, tenant_id: str, now: dt.datetime) -> dict[str, int]:
        """Jobs by status; ``deferred`` are queued ones waiting out a delay (all LLM providers down)."""

        def run(conn: Connection) -> dict[str, int]:
            counts = dict(
                conn.execute(
                    select(jobs.c.status, func.count()).where(jobs.c.tenant_id == tenant_id).group_by(jobs.c.status)
                ).all()
            )
            counts["deferred"] = conn.execute(
                select(func.count()).select_from(jobs).where(
                    jobs.c.tenant_id == tenant_id, jobs.c.status == "queued", jobs.c.lease_expires_at > now
                )
            ).scalar_one()
            return counts

        return await self._sql.read(run)

    async def forget_user(self, tenant_id: str, user_id: str) -> int:
        """Erasure of the user's quality log and sent events alone (the store's ``forget_user``
        does this in its own transaction)."""
        return await self._sql.write(lambda conn: forget_user_rows(conn, tenant_id, user_id), "erasing a user's gate log")

    async def category_counts(self, tenant_id: str) -> dict[str, int]:
        """Active memories per category."""
        from accord.adapters.sql.schema import memories

        rows = await self._sql.read(
            lambda conn: conn.execute(
                select(memories.c.category, func.count())
                .where(memories.c.tenant_id == tenant_id, memories.c.status == "active")
                .group_by(memories.c.category)
            ).all()
        )
        return dict(sorted((category, n) for category, n in rows))
