"""``SqlStore``: the source of truth, on SQLite or PostgreSQL through SQLAlchemy Core.

Every read and write takes the caller's ``tenant_id``. Each operation is one function over
a connection, run by :class:`SqlRunner` in a transaction or as a read.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import random
from collections.abc import AsyncIterator, Mapping, Sequence
from typing import Any

from sqlalchemy import Connection, and_, delete, func, insert, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError, SQLAlchemyError

from accord._errors import ConflictError, StorageError
from accord._models import (
    Conflict,
    ConflictOption,
    ExtractedMemory,
    ForgetReport,
    Job,
    JobStatus,
    Memory,
    MemoryStatus,
    MemoryVersion,
    Message,
    UserStats,
)
from accord.stores.sql import curation
from accord.ports import IndexPoint
from accord.stores.sql.engine_factory import SqlRunner
from accord.stores.sql.identity import IdentityStore
from accord.stores.sql.records import (
    NewMemory,
    NewMessage,
    index_point_from_row,
    memory_from_row,
    memory_row,
)
from accord.stores.sql.resolution import ApplyResult, apply_candidates
from accord.stores.sql.schema import ACTIVE_DURABLE, api_keys, conflicts, consents, grants, jobs, memories, memory_versions, messages, metadata, tenants, users

__all__ = ["SqlStore"]

log = logging.getLogger("accord.store")

_APPLY_ATTEMPTS = 12
_OPEN_JOB = (JobStatus.QUEUED.value, JobStatus.RUNNING.value)
_INDEX_COLUMNS = [
    memories.c.id,
    memories.c.tenant_id,
    memories.c.user_id,
    memories.c.category,
    memories.c.status,
    memories.c.created_at,
    memories.c.index_text,
    memories.c.agent_id,
    memories.c.session_id,
    memories.c.embedding,
    memories.c.embedding_model,
]


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


def _count(conn: Connection, table: Any, *where: Any) -> int:
    return conn.execute(select(func.count()).select_from(table).where(*where)).scalar_one()


class SqlStore:
    """The canonical store. ``url`` is a SQLAlchemy URL (sqlite or postgresql)."""

    def __init__(self, url: str) -> None:
        self._sql = SqlRunner(url)
        self.identity = IdentityStore(self._sql)
        self.dialect = self._sql.dialect
        self.name = self.dialect
        self._quotas: dict[str, int | None] = {}
        # Users known to have a row, so enqueue skips the upsert; forget_user removes them.
        self._known_users: set[tuple[str, str]] = set()

    # -- plumbing ----------------------------------------------------------------------

    async def _write(self, fn: Any, what: str) -> Any:
        try:
            return await self._sql.write(fn)
        except IntegrityError:
            raise
        except SQLAlchemyError as e:
            raise StorageError(f"{what} failed on {self.name}: {e}") from e

    async def _read(self, fn: Any, what: str, *, heavy: bool = False) -> Any:
        try:
            return await self._sql.read(fn, heavy=heavy)
        except SQLAlchemyError as e:
            raise StorageError(f"{what} failed on {self.name}: {e}") from e

    def _insert(self, table: Any) -> Any:
        return (postgresql.insert if self.dialect == "postgresql" else sqlite.insert)(table)

    # -- lifecycle -----------------------------------------------------------------------

    async def open(self) -> None:
        await self._write(lambda conn: metadata.create_all(conn), "creating the schema")

    async def close(self) -> None:
        await self._sql.close()

    async def ensure_tenant(
        self, tenant_id: str, name: str | None, now: dt.datetime, memory_quota: int | None = None
    ) -> None:
        stmt = (
            self._insert(tenants)
            .values(id=tenant_id, name=name or tenant_id, memory_quota=memory_quota, created_at=now)
            .on_conflict_do_nothing()
        )
        await self._write(lambda conn: conn.execute(stmt), "creating a tenant")
        self._quotas.pop(tenant_id, None)

    async def tenant_quota(self, tenant_id: str) -> int | None:
        """The tenant's memory quota, cached: quotas change rarely and are read on every add."""
        if tenant_id not in self._quotas:
            stmt = select(tenants.c.memory_quota).where(tenants.c.id == tenant_id)
            self._quotas[tenant_id] = await self._read(lambda conn: conn.execute(stmt).scalar(), "reading a quota")
        return self._quotas[tenant_id]

    # -- write path ----------------------------------------------------------------------

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
    ) -> str | None:
        """Store the raw turns, their episodic memories and the job in one transaction.

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

    async def find_recent_job(self, tenant_id: str, user_id: str, content_hash: str, since: dt.datetime) -> str | None:
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

    async def claim_job(self, worker_id: str, now: dt.datetime, lease_seconds: float, max_attempts: int) -> Job | None:
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
                jobs.c.status.in_(_OPEN_JOB),
                jobs.c.attempts >= max_attempts,
                or_(jobs.c.lease_expires_at.is_(None), jobs.c.lease_expires_at < now),
            )
            .values(status=JobStatus.FAILED.value, error="gave up after max attempts", updated_at=now)
        )

        def run(conn: Connection) -> Any:
            row = conn.execute(claim).first()
            conn.execute(give_up)
            return row

        row = await self._write(run, "claiming a job")
        return None if row is None else _job_from_row(row)

    def _leased(self, job_id: str, worker_id: str) -> Any:
        return and_(jobs.c.id == job_id, jobs.c.lease_owner == worker_id, jobs.c.status == JobStatus.RUNNING.value)

    async def save_extraction(
        self, job_id: str, worker_id: str, extraction: Sequence[ExtractedMemory], extractor: str, now: dt.datetime
    ) -> bool:
        """Save the extractor's output on the job before it is applied (so a replay reuses it)."""
        stmt = (
            update(jobs)
            .where(self._leased(job_id, worker_id))
            .values(extraction=[e.model_dump(mode="json") for e in extraction], extractor=extractor, updated_at=now)
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
    ) -> ApplyResult | None:
        """Resolve and apply the job's candidates in one transaction; mark the job applied.

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
            )
            conn.execute(
                update(jobs)
                .where(jobs.c.id == job_id)
                .values(created_memory_ids=result.created, applied_at=now, updated_at=now)
            )
            return result

        for attempt in range(_APPLY_ATTEMPTS):
            try:
                return await self._write(run, f"applying job {job_id}")
            except IntegrityError as e:
                if attempt == _APPLY_ATTEMPTS - 1:
                    raise StorageError(f"applying job {job_id} kept colliding with concurrent writes: {e.orig}") from e
                log.info("job %s collided with a concurrent write; retrying on the new state", job_id)
                await asyncio.sleep(random.uniform(0.005, 0.05) * (attempt + 1))
        raise AssertionError("unreachable")

    async def complete_job(self, job_id: str, worker_id: str, now: dt.datetime) -> bool:
        stmt = (
            update(jobs)
            .where(self._leased(job_id, worker_id))
            .values(status=JobStatus.DONE.value, lease_owner=None, lease_expires_at=None, error=None, updated_at=now)
        )
        return await self._write(lambda conn: conn.execute(stmt).rowcount == 1, "completing a job")

    async def defer_job(self, job_id: str, worker_id: str, now: dt.datetime, seconds: float) -> None:
        """Put a job back in the queue until ``now + seconds``, without spending an attempt."""
        stmt = (
            update(jobs)
            .where(self._leased(job_id, worker_id))
            .values(
                status=JobStatus.QUEUED.value,
                lease_owner=None,
                lease_expires_at=now + dt.timedelta(seconds=seconds),
                attempts=jobs.c.attempts - 1,
                error="waiting for an LLM provider",
                updated_at=now,
            )
        )
        await self._write(lambda conn: conn.execute(stmt), "deferring a job")

    async def fail_job(self, job_id: str, worker_id: str, error: str, now: dt.datetime, *, retry: bool) -> None:
        """Record a failure; with ``retry`` the job goes back to the queue for another attempt."""
        status = JobStatus.QUEUED if retry else JobStatus.FAILED
        stmt = (
            update(jobs)
            .where(self._leased(job_id, worker_id))
            .values(status=status.value, error=error[:2000], lease_owner=None, lease_expires_at=None, updated_at=now)
        )
        await self._write(lambda conn: conn.execute(stmt), "failing a job")

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
            Message(role=r.role, content=r.content, name=r.name, created_at=r.said_at, metadata=dict(r.metadata))
            for r in rows
        ]

    # -- reads ---------------------------------------------------------------------------

    async def get_memories(self, tenant_id: str, ids: Sequence[str]) -> list[Memory]:
        if not ids:
            return []
        stmt = select(memories).where(memories.c.tenant_id == tenant_id, memories.c.id.in_(ids))
        rows = await self._read(lambda conn: conn.execute(stmt).mappings().all(), "reading memories")
        return [memory_from_row(r) for r in rows]

    async def list_memories(
        self,
        tenant_id: str,
        user_id: str,
        *,
        categories: Sequence[str] | None = None,
        statuses: Sequence[str] = (MemoryStatus.ACTIVE.value,),
        limit: int = 100,
        offset: int = 0,
    ) -> list[Memory]:
        where = [memories.c.tenant_id == tenant_id, memories.c.user_id == user_id, memories.c.status.in_(statuses)]
        if categories is not None:
            where.append(memories.c.category.in_(categories))
        stmt = (
            select(memories)
            .where(*where)
            .order_by(memories.c.created_at.desc(), memories.c.id)
            .limit(limit)
            .offset(offset)
        )
        rows = await self._read(lambda conn: conn.execute(stmt).mappings().all(), "listing memories", heavy=limit > 200)
        return [memory_from_row(r) for r in rows]

    async def top_by_importance(
        self,
        tenant_id: str,
        user_id: str,
        *,
        limit: int,
        min_importance: float,
        categories: Sequence[str] | None = None,
    ) -> list[Memory]:
        """The user's most important active durable memories: their profile."""
        where = [
            memories.c.tenant_id == tenant_id,
            memories.c.user_id == user_id,
            ACTIVE_DURABLE,
            memories.c.importance_score >= min_importance,
        ]
        if categories is not None:
            where.append(memories.c.category.in_(categories))
        stmt = (
            select(memories)
            .where(*where)
            .order_by(memories.c.importance_score.desc(), memories.c.created_at.desc())
            .limit(limit)
        )
        rows = await self._read(lambda conn: conn.execute(stmt).mappings().all(), "reading the profile")
        return [memory_from_row(r) for r in rows]

    async def keyword_candidates(
        self,
        tenant_id: str,
        user_ids: Sequence[str],
        *,
        categories: Sequence[str] | None,
        created_after: dt.datetime | None,
        limit: int,
    ) -> list[tuple[str, str]]:
        """(id, index_text) of the users' newest active memories, for keyword search without the index."""
        where = [
            memories.c.tenant_id == tenant_id,
            memories.c.user_id.in_(user_ids),
            memories.c.status == MemoryStatus.ACTIVE.value,
        ]
        if categories is not None:
            where.append(memories.c.category.in_(categories))
        if created_after is not None:
            where.append(memories.c.created_at >= created_after)
        stmt = (
            select(memories.c.id, memories.c.index_text)
            .where(*where)
            .order_by(memories.c.created_at.desc())
            .limit(limit)
        )
        rows = await self._read(lambda conn: conn.execute(stmt).all(), "keyword search", heavy=True)
        return [(r.id, r.index_text) for r in rows]

    async def record_access(
        self, tenant_id: str, counts: Mapping[str, int], now: dt.datetime, *, boost: float = 0.0
    ) -> list[str]:
        """Add ``counts[id]`` accesses to each memory, stamp ``last_accessed_at`` and raise its
        live importance by ``boost`` per access; returns the ids whose importance changed."""
        return await self._write(
            lambda conn: curation.boost_on_access(conn, tenant_id, counts, boost=boost, now=now), "recording access"
        )

    async def count_active(self, tenant_id: str) -> int:
        return await self._read(
            lambda conn: _count(
                conn, memories, memories.c.tenant_id == tenant_id, memories.c.status == MemoryStatus.ACTIVE.value
            ),
            "counting memories",
        )

    # -- deletion ------------------------------------------------------------------------

    async def delete_memory(self, tenant_id: str, memory_id: str) -> Memory | None:
        def run(conn: Connection) -> Any:
            row = conn.execute(
                select(memories).where(memories.c.tenant_id == tenant_id, memories.c.id == memory_id)
            ).mappings().first()
            if row is None:
                return None
            conn.execute(
                delete(memory_versions).where(
                    memory_versions.c.tenant_id == tenant_id, memory_versions.c.memory_id == memory_id
                )
            )
            conn.execute(delete(memories).where(memories.c.tenant_id == tenant_id, memories.c.id == memory_id))
            return row

        row = await self._write(run, "deleting a memory")
        return None if row is None else memory_from_row(row)

    async def forget_user(self, tenant_id: str, user_id: str) -> ForgetReport:
        """Delete every row about a user: memories, versions, raw messages, jobs, the user."""
        tables = {
            "conflicts": conflicts,
            "versions": memory_versions,
            "memories": memories,
            "messages": messages,
            "jobs": jobs,
            "users": users,
        }

        def run(conn: Connection) -> dict[str, int]:
            counts = {
                key: conn.execute(delete(t).where(t.c.tenant_id == tenant_id, t.c.user_id == user_id)).rowcount
                for key, t in tables.items()
            }
            # The user's consents, per-user grants and user tokens go too.
            for t in (consents, grants, api_keys):
                conn.execute(delete(t).where(t.c.tenant_id == tenant_id, t.c.user_id == user_id))
            return counts

        self._known_users.discard((tenant_id, user_id))
        counts = await self._write(run, "erasing a user")
        return ForgetReport(
            user_id=user_id,
            memories=counts["memories"],
            messages=counts["messages"],
            jobs=counts["jobs"],
            versions=counts["versions"],
        )

    # -- stats and maintenance -----------------------------------------------------------

    async def user_stats(self, tenant_id: str, user_id: str) -> UserStats:
        def run(conn: Connection) -> tuple[Any, int, int]:
            by = conn.execute(
                select(memories.c.status, memories.c.category, func.count())
                .where(memories.c.tenant_id == tenant_id, memories.c.user_id == user_id)
                .group_by(memories.c.status, memories.c.category)
            ).all()
            n_messages = _count(conn, messages, messages.c.tenant_id == tenant_id, messages.c.user_id == user_id)
            pending = _count(
                conn, jobs, jobs.c.tenant_id == tenant_id, jobs.c.user_id == user_id, jobs.c.status.in_(_OPEN_JOB)
            )
            return by, n_messages, pending

        by, n_messages, pending = await self._read(run, "user statistics", heavy=True)
        by_category: dict[str, int] = {}
        active = archived = 0
        for status, category, n in by:
            if status == MemoryStatus.ACTIVE.value:
                active += n
                by_category[category] = by_category.get(category, 0) + n
            else:
                archived += n
        return UserStats(
            user_id=user_id,
            active_memories=active,
            archived_memories=archived,
            by_category=by_category,
            messages=n_messages,
            jobs_pending=pending,
        )

    async def store_counts(self, tenant_id: str) -> dict[str, int]:
        def run(conn: Connection) -> dict[str, int]:
            return {
                "users": _count(conn, users, users.c.tenant_id == tenant_id),
                "active_memories": _count(
                    conn, memories, memories.c.tenant_id == tenant_id, memories.c.status == MemoryStatus.ACTIVE.value
                ),
                "archived_memories": _count(
                    conn, memories, memories.c.tenant_id == tenant_id, memories.c.status == MemoryStatus.ARCHIVED.value
                ),
                "messages": _count(conn, messages, messages.c.tenant_id == tenant_id),
                "jobs_pending": _count(conn, jobs, jobs.c.tenant_id == tenant_id, jobs.c.status.in_(_OPEN_JOB)),
                "jobs_failed": _count(
                    conn, jobs, jobs.c.tenant_id == tenant_id, jobs.c.status == JobStatus.FAILED.value
                ),
            }

        return await self._read(run, "store statistics", heavy=True)

    async def index_records(
        self,
        *,
        tenant_id: str | None = None,
        ids: Sequence[str] | None = None,
        job_id: str | None = None,
        batch_size: int = 1000,
    ) -> AsyncIterator[list[IndexPoint]]:
        """Memories (all, a tenant's, some ids or a job's), in batches, to (re)build the index.

        ``tenant_id=None`` walks all tenants: only ``accord reindex`` (an operator command)
        does that.
        """
        last = ""
        while True:
            where = [memories.c.id > last]
            if tenant_id is not None:
                where.append(memories.c.tenant_id == tenant_id)
            if ids is not None:
                where.append(memories.c.id.in_(ids))
            if job_id is not None:
                where.append(memories.c.job_id == job_id)
            stmt = select(*_INDEX_COLUMNS).where(*where).order_by(memories.c.id).limit(batch_size)
            rows = await self._read(
                lambda conn, stmt=stmt: conn.execute(stmt).mappings().all(), "reading for the index", heavy=True
            )
            if not rows:
                return
            yield [index_point_from_row(r) for r in rows]
            last = rows[-1]["id"]

    async def set_embeddings(self, tenant_id: str, vectors: Mapping[str, tuple[bytes, str]]) -> None:
        statements = [
            update(memories)
            .where(memories.c.tenant_id == tenant_id, memories.c.id == memory_id)
            .values(embedding=raw, embedding_model=model)
            for memory_id, (raw, model) in vectors.items()
        ]

        def run(conn: Connection) -> None:
            for stmt in statements:
                conn.execute(stmt)

        await self._write(run, "storing embeddings")

    # -- versions, curation and conflicts ------------------------------------------------

    async def history(self, tenant_id: str, memory_id: str) -> list[MemoryVersion]:
        rows = await self._read(lambda conn: curation.history(conn, tenant_id, memory_id), "reading history")
        return [MemoryVersion.model_validate({k: v for k, v in r.items() if k not in ("tenant_id", "user_id")}) for r in rows]

    async def edit_memory(
        self, tenant_id: str, memory_id: str, values: Mapping[str, Any], *, agent_id: str | None, now: dt.datetime
    ) -> str:
        lock = self.dialect == "postgresql"
        return await self._write(
            lambda conn: curation.edit(conn, tenant_id, memory_id, values, agent_id=agent_id, now=now, lock=lock),
            "editing a memory",
        )

    async def set_memory_status(
        self, tenant_id: str, memory_id: str, status: MemoryStatus, *, agent_id: str | None, now: dt.datetime, reason: str
    ) -> str:
        lock = self.dialect == "postgresql"
        try:
            return await self._write(
                lambda conn: curation.set_status(
                    conn, tenant_id, memory_id, status, agent_id=agent_id, now=now, lock=lock, reason=reason
                ),
                "changing a memory's status",
            )
        except IntegrityError as e:
            raise ConflictError(
                f"memory {memory_id} cannot be restored: another active memory holds its attribute or content"
            ) from e

    async def list_conflicts(
        self,
        tenant_id: str,
        *,
        status: str | None = "open",
        kind: str | None = None,
        user_id: str | None = None,
        limit: int = 100,
        conflict_id: str | None = None,
    ) -> list[Conflict]:
        found = await self._read(
            lambda conn: curation.open_conflicts(
                conn, tenant_id, status=status, kind=kind, user_id=user_id, limit=limit, conflict_id=conflict_id
            ),
            "listing conflicts",
        )
        return [
            Conflict(
                id=c["id"],
                kind=c["kind"],
                status=c["status"],
                user_id=c["user_id"],
                question=c["question"],
                options=[ConflictOption(memory_id=m["id"], content=m["content"]) for m in pair],
                reason=c["reason"],
                created_at=c["created_at"],
                resolved_at=c["resolved_at"],
                resolution=c["resolution"],
            )
            for c, pair in found
        ]

    async def settle_conflict(
        self, tenant_id: str, conflict_id: str, choice: str, *, resolved_by: str | None, now: dt.datetime
    ) -> curation.Settlement:
        lock = self.dialect == "postgresql"
        try:
            return await self._write(
                lambda conn: curation.settle(
                    conn, tenant_id, conflict_id, choice, resolved_by=resolved_by, now=now, lock=lock
                ),
                "resolving a conflict",
            )
        except IntegrityError as e:
            raise ConflictError(f"{conflict_id} cannot be resolved that way: {e.orig}") from e

    async def maintain(
        self, tenant_id: str, policy: curation.MaintenancePolicy, now: dt.datetime
    ) -> curation.MaintenanceReport:
        return await self._write(lambda conn: curation.maintain(conn, tenant_id, policy, now), "maintenance")

    async def tenant_ids(self) -> list[str]:
        return await self._read(lambda conn: list(conn.execute(select(tenants.c.id)).scalars()), "listing tenants")

    async def export_rows(self, tenant_id: str, user_id: str, tables: Sequence[Any]) -> dict[Any, list[dict[str, Any]]]:
        """Every row of the given tables about one user (for export)."""

        def run(conn: Connection) -> dict[Any, list[dict[str, Any]]]:
            return {
                t: [dict(r) for r in conn.execute(select(t).where(t.c.tenant_id == tenant_id, t.c.user_id == user_id)).mappings()]
                for t in tables
            }

        return await self._read(run, "exporting a user", heavy=True)
