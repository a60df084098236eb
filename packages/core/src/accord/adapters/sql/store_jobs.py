"""The job queue in SQL: durable enqueue, leased claims, saved extractions, applying, deferring.

A mixin of :class:`accord.adapters.sql.SqlStore`.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import random
from collections.abc import Callable, Sequence
from typing import Any

from sqlalchemy import Connection, and_, case, func, insert, or_, select, update
from sqlalchemy.exc import IntegrityError

from accord.errors import StorageError
from accord.domain.models import ExtractedMemory, Job, JobStatus, Message
from accord.adapters.sql.records import memory_row
from accord.domain.records import NewMemory, NewMessage
from accord.adapters.sql.resolution import apply_candidates
from accord.domain.records import ApplyResult
from accord.adapters.sql._parts import _StoreParts
from accord.adapters.sql.schema import jobs, memories, messages, users
from accord.adapters.sql.events import queue_events
from accord.domain.webhooks import OutboxEvent, job_failed_event



log = logging.getLogger("accord.store")

_APPLY_ATTEMPTS = 12
OPEN_JOB_STATUSES = (JobStatus.QUEUED.value, JobStatus.RUNNING.value)


def _job_from_row(row: Any) -> Job:
    extraction = row.extraction
    return Job(
        id=row.id,
        tenant_id=row.tenant_id,
        user_id=row.user_id,
        agent_id=row.agent_id,
        status=JobStatus(row.status),
        session_id=row.session_id,
        message_ids=list(row.message_ids),
        attempts=row.attempts,
        extraction=None if extraction is None else [ExtractedMemory.model_validate(e) for e in extraction],
        extractor=row.extractor,
        created_memory_ids=list(row.created_memory_ids or []),
        error=row.error,
        created_at=row.created_at,
        updated_at=row.updated_at,
    )


class JobQueueMixin(_StoreParts):
    # Set by SqlStore: users known to have a row, so enqueue skips the upsert.
    _known_users: set[tuple[str, str]]

    async def enqueue(
        self,
        *,
        tenant_id: str,
        user_id: str,
        agent_id: str | None,
        session_id: str | None,
        job_id: str,
        content_hash: str,
        idempotency_key: str | None,
        new_messages: Sequence[NewMessage],
        episodic: Sequence[NewMemory],
        now: dt.datetime,
        events: Sequence[OutboxEvent] = (),
    ) -> str | None:
        """Store the raw turns, their episodic memories, the job and ``events`` (the quota marks
        this add reaches) in one transaction.

        Returns None, or the id of the existing job when ``idempotency_key`` was used before
        (nothing is written then).
        """
        user_row = self._insert(users).values(tenant_id=tenant_id, user_id=user_id, created_at=now)
        job_row = {
            "id": job_id,
            "tenant_id": tenant_id,
            "user_id": user_id,
            "agent_id": agent_id,
            "session_id": session_id,
            "status": JobStatus.QUEUED.value,
            "message_ids": [m.id for m in new_messages],
            "content_hash": content_hash,
            "idempotency_key": idempotency_key,
            "attempts": 0,
            "created_memory_ids": [],
            "created_at": now,
            "updated_at": now,
        }
        message_rows = [
            {
                "id": m.id,
                "tenant_id": tenant_id,
                "user_id": user_id,
                "job_id": job_id,
                "session_id": session_id,
                "position": m.position,
                "role": m.role,
                "name": m.name,
                "content": m.content,
                "said_at": m.said_at,
                "metadata": dict(m.metadata),
                "created_at": now,
            }
            for m in new_messages
        ]
        memory_rows = [memory_row(tenant_id, m, now) for m in episodic]

        known = (tenant_id, user_id) in self._known_users

        def run(conn: Connection) -> None:
            if not known:
                conn.execute(user_row.on_conflict_do_nothing())
            conn.execute(insert(jobs).values(**job_row))
            conn.execute(insert(messages), message_rows)
            if memory_rows:
                conn.execute(insert(memories), memory_rows)
            queue_events(conn, events, now)

        try:
            await self._write(run, "storing the messages")
        except IntegrityError as e:
            if idempotency_key is not None:
                existing = await self.find_job_by_idempotency_key(tenant_id, user_id, idempotency_key)
                if existing is not None:
                    return existing
            raise StorageError(f"could not store the messages: {e.orig}") from e
        self._known_users.add((tenant_id, user_id))
        return None

    async def find_job_by_idempotency_key(self, tenant_id: str, user_id: str, key: str) -> str | None:
        stmt = select(jobs.c.id).where(
            jobs.c.tenant_id == tenant_id, jobs.c.user_id == user_id, jobs.c.idempotency_key == key
        )
        return await self._read(lambda conn: conn.execute(stmt).scalar(), "looking up a job")

    async def find_recent_job(
        self, tenant_id: str, user_id: str, content_hash: str, since: dt.datetime
    ) -> str | None:
        stmt = (
            select(jobs.c.id)
            .where(
                jobs.c.tenant_id == tenant_id,
                jobs.c.user_id == user_id,
                jobs.c.content_hash == content_hash,
                jobs.c.created_at >= since,
            )
            .limit(1)
        )
        return await self._read(lambda conn: conn.execute(stmt).scalar(), "looking up a job")

    async def claim_job(
        self, worker_id: str, now: dt.datetime, lease_seconds: float, max_attempts: int
    ) -> Job | None:
        """Lease the oldest claimable job: queued, or running with an expired lease."""
        # A queued job's lease_expires_at, when set, is a not-before time (a deferred job).
        claimable = and_(
            or_(
                and_(
                    jobs.c.status == JobStatus.QUEUED.value,
                    or_(jobs.c.lease_expires_at.is_(None), jobs.c.lease_expires_at <= now),
                ),
                and_(jobs.c.status == JobStatus.RUNNING.value, jobs.c.lease_expires_at < now),
            ),
            jobs.c.attempts < max_attempts,
        )
        pick = select(jobs.c.id).where(claimable).order_by(jobs.c.created_at).limit(1)
        if self.dialect == "postgresql":
            pick = pick.with_for_update(skip_locked=True)
        claim = (
            update(jobs)
            .where(jobs.c.id == pick.scalar_subquery(), claimable)
            .values(
                status=JobStatus.RUNNING.value,
                lease_owner=worker_id,
                lease_expires_at=now + dt.timedelta(seconds=lease_seconds),
                attempts=jobs.c.attempts + 1,
                updated_at=now,
            )
            .returning(*jobs.c)
        )
        # Jobs that used up their attempts are failed, not retried forever.
        give_up = (
            update(jobs)
            .where(
                jobs.c.status.in_(OPEN_JOB_STATUSES),
                jobs.c.attempts >= max_attempts,
                or_(jobs.c.lease_expires_at.is_(None), jobs.c.lease_expires_at < now),
            )
            .values(status=JobStatus.FAILED.value, error="gave up after max attempts", updated_at=now)
            .returning(jobs.c.id, jobs.c.tenant_id, jobs.c.user_id, jobs.c.agent_id, jobs.c.attempts)
        )

        def run(conn: Connection) -> Any:
            row = conn.execute(claim).first()
            # A job whose workers kept dying fails here, not in a worker: its job.failed
            # event is queued in this transaction, so it is never lost.
            given_up = conn.execute(give_up).all()
            queue_events(
                conn,
                [job_failed_event(g.tenant_id, g.id, g.user_id, g.agent_id, g.attempts, "gave up after max attempts")
                 for g in given_up],
                now,
            )
            return row

        row = await self._write(run, "claiming a job")
        return None if row is None else _job_from_row(row)

    def _leased(self, job_id: str, worker_id: str) -> Any:
        return and_(
            jobs.c.id == job_id, jobs.c.lease_owner == worker_id, jobs.c.status == JobStatus.RUNNING.value
        )

    async def save_extraction(
        self,
        job_id: str,
        worker_id: str,
        extraction: Sequence[ExtractedMemory],
        extractor: str,
        now: dt.datetime,
    ) -> bool:
        """Save the extractor's output on the job before it is applied (so a replay reuses it)."""
        stmt = (
            update(jobs)
            .where(self._leased(job_id, worker_id))
            .values(
                extraction=[e.model_dump(mode="json") for e in extraction],
                extractor=extractor,
                updated_at=now,
            )
        )
        return await self._write(lambda conn: conn.execute(stmt).rowcount == 1, "saving an extraction")

    async def apply_job(
        self,
        job_id: str,
        worker_id: str,
        tenant_id: str,
        candidates: Sequence[NewMemory],
        now: dt.datetime,
        *,
        stated_by: str | None,
        said_at: dt.datetime,
        shared_policy: str = "weigh",
        quota: int | None = None,
        events_for: Callable[[ApplyResult], Sequence[OutboxEvent]] | None = None,
    ) -> ApplyResult | None:
        """Resolve and apply the job's candidates in one transaction; mark the job applied.

        ``events_for(result)`` are queued in the same transaction (``conflict.review_needed``);
        a replay of an applied job applies and queues nothing.

        Conflict rules decide per candidate against the stored memories, read inside the
        transaction (locked on PostgreSQL). When a concurrent writer got there first, a
        unique index refuses the loser's write and the whole transaction is retried on the
        new state, so callers never see the race. A job applied before (a replay after a
        crash) is not applied again. Returns None when the lease was lost.
        """
        lock = self.dialect == "postgresql"

        def run(conn: Connection) -> ApplyResult | None:
            job = conn.execute(
                select(jobs.c.applied_at, jobs.c.created_memory_ids).where(self._leased(job_id, worker_id))
            ).first()
            if job is None:
                return None
            if job.applied_at is not None:
                return ApplyResult(created=list(job.created_memory_ids or []))
            result = apply_candidates(
                conn,
                tenant_id,
                job_id,
                candidates,
                stated_by=stated_by,
                said_at=said_at,
                now=now,
                lock=lock,
                shared_policy=shared_policy,
                quota=quota,
            )
            conn.execute(
                update(jobs)
                .where(jobs.c.id == job_id)
                .values(created_memory_ids=result.created, applied_at=now, updated_at=now)
            )
            if events_for is not None:
                queue_events(conn, events_for(result), now)
            return result

        for attempt in range(_APPLY_ATTEMPTS):
            try:
                return await self._write(run, f"applying job {job_id}")
            except IntegrityError as e:
                if attempt == _APPLY_ATTEMPTS - 1:
                    raise StorageError(
                        f"applying job {job_id} kept colliding with concurrent writes: {e.orig}"
                    ) from e
                log.info("job %s collided with a concurrent write; retrying on the new state", job_id)
                await asyncio.sleep(random.uniform(0.005, 0.05) * (attempt + 1))
        raise AssertionError("unreachable")

    async def complete_job(self, job_id: str, worker_id: str, now: dt.datetime) -> bool:
        stmt = (
            update(jobs)
            .where(self._leased(job_id, worker_id))
            .values(
                status=JobStatus.DONE.value,
                lease_owner=None,
                lease_expires_at=None,
                error=None,
                updated_at=now,
            )
        )
        return await self._write(lambda conn: conn.execute(stmt).rowcount == 1, "completing a job")

    async def defer_job(self, job_id: str, worker_id: str, now: dt.datetime, seconds: float, reason: str) -> None:
        """Put a job back in the queue until ``now + seconds``, without spending an attempt."""
        stmt = (
            update(jobs)
            .where(self._leased(job_id, worker_id))
            .values(
                status=JobStatus.QUEUED.value,
                lease_owner=None,
                lease_expires_at=now + dt.timedelta(seconds=seconds),
                attempts=jobs.c.attempts - 1,
                error=reason[:2000],
                updated_at=now,
            )
        )
        await self._write(lambda conn: conn.execute(stmt), "deferring a job")

    async def fail_job(
        self, job_id: str, worker_id: str, error: str, now: dt.datetime, *, retry: bool,
        events: Sequence[OutboxEvent] = (),
    ) -> None:
        """Record a failure; with ``retry`` the job goes back to the queue for another attempt.
        ``events`` (``job.failed``) are queued in the same transaction, if the lease was still held."""
        status = JobStatus.QUEUED if retry else JobStatus.FAILED
        stmt = (
            update(jobs)
            .where(self._leased(job_id, worker_id))
            .values(
                status=status.value,
                error=error[:2000],
                lease_owner=None,
                lease_expires_at=None,
                updated_at=now,
            )
        )
        def run(conn: Connection) -> None:
            if conn.execute(stmt).rowcount == 1:
                queue_events(conn, events, now)

        await self._write(run, "failing a job")

    async def queue_stats(self, now: dt.datetime) -> dict[str, float]:
        """Jobs per status over every tenant, and the age of the oldest queued job (the lag)."""
        stmt = (
            select(jobs.c.status, func.count(), func.min(jobs.c.created_at))
            .where(jobs.c.status.in_([*OPEN_JOB_STATUSES, JobStatus.FAILED.value]))
            .group_by(jobs.c.status)
        )
        rows = await self._read(lambda conn: conn.execute(stmt).all(), "reading the queue", heavy=True)
        stats: dict[str, float] = {s: 0.0 for s in (*OPEN_JOB_STATUSES, JobStatus.FAILED.value)}
        stats["oldest_queued_age_seconds"] = 0.0
        for status, count, oldest in rows:
            stats[status] = float(count)
            if status == JobStatus.QUEUED.value and oldest is not None:
                oldest = oldest if oldest.tzinfo else oldest.replace(tzinfo=dt.UTC)  # min() skips the type
                stats["oldest_queued_age_seconds"] = max(0.0, (now - oldest).total_seconds())
        return stats

    async def job_backlog(self, tenant_id: str, since: dt.datetime) -> tuple[int, int]:
        """The tenant's open jobs, and how many of its jobs finished since ``since``."""
        mine = jobs.c.tenant_id == tenant_id

        def run(conn: Connection) -> tuple[int, int]:
            pending = conn.execute(
                select(func.count()).select_from(jobs).where(mine, jobs.c.status.in_(OPEN_JOB_STATUSES))
            ).scalar_one()
            done = 0
            if pending:  # the pace matters only to a blocked add, read it then
                done = conn.execute(
                    select(func.count())
                    .select_from(jobs)
                    .where(mine, jobs.c.status == JobStatus.DONE.value, jobs.c.updated_at >= since)
                ).scalar_one()
            return pending, done

        return await self._read(run, "counting open jobs")

    async def release_jobs(self, worker_id: str, now: dt.datetime) -> int:
        """Hand back every job this worker holds (it is shutting down cleanly): queued again at
        once, the interrupted attempt not spent, a saved extraction kept for the replay."""
        stmt = (
            update(jobs)
            .where(jobs.c.lease_owner == worker_id, jobs.c.status == JobStatus.RUNNING.value)
            .values(
                status=JobStatus.QUEUED.value,
                lease_owner=None,
                lease_expires_at=None,
                attempts=case((jobs.c.attempts > 0, jobs.c.attempts - 1), else_=0),
                updated_at=now,
            )
        )
        return await self._write(lambda conn: conn.execute(stmt).rowcount, "releasing jobs")

    async def get_job(self, tenant_id: str, job_id: str) -> Job | None:
        stmt = select(jobs).where(jobs.c.tenant_id == tenant_id, jobs.c.id == job_id)
        row = await self._read(lambda conn: conn.execute(stmt).first(), "reading a job")
        return None if row is None else _job_from_row(row)

    async def job_messages(self, tenant_id: str, job_id: str) -> list[Message]:
        stmt = (
            select(messages)
            .where(messages.c.tenant_id == tenant_id, messages.c.job_id == job_id)
            .order_by(messages.c.position)
        )
        rows = await self._read(lambda conn: conn.execute(stmt).all(), "reading messages")
        return [
            Message(
                role=r.role, content=r.content, name=r.name, created_at=r.said_at, metadata=dict(r.metadata)
            )
            for r in rows
        ]
