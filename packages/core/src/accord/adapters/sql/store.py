"""``SqlStore``: the source of truth, on SQLite or PostgreSQL through SQLAlchemy Core.

Every read and write takes the caller's ``tenant_id``. Each operation is one function over
a connection, run by :class:`SqlRunner` in a transaction or as a read.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from sqlalchemy import Connection, delete, func, select
from sqlalchemy.dialects import postgresql, sqlite

from accord.domain.models import (
    ForgetReport,
    JobStatus,
    Memory,
    MemoryStatus,
    UserStats,
)
from accord.adapters.sql import curation
from accord.adapters.sql.store_curation import CurationMixin
from accord.adapters.sql.store_index import IndexFeedMixin
from accord.adapters.sql.store_integrity import IntegrityMixin
from accord.adapters.sql.store_jobs import OPEN_JOB_STATUSES, JobQueueMixin
from accord.domain.coherence import Derived
from accord.errors import StorageError
from accord.ports import SHARED_USER_ID
from accord.adapters.sql.engine_factory import SqlRunner
from accord.adapters.sql.identity import IdentityStore
from accord.adapters.sql.domains import DomainSqlStore
from accord.adapters.sql.events import SqlEventStore, forget_user_rows, queue_events
from accord.domain.webhooks import OutboxEvent
from accord.adapters.sql.migrate import ensure_current
from accord.adapters.sql.sessions import SqlSessionStore
from accord.adapters.sql.records import memory_from_row
from accord.adapters.sql.schema import (
    ACTIVE_DURABLE,
    api_keys,
    conflicts,
    consents,
    domain_states,
    grants,
    jobs,
    memories,
    memory_versions,
    messages,
    tenants,
    users,
)

__all__ = ["SqlStore"]

log = logging.getLogger("accord.store")

_OPEN_JOB = OPEN_JOB_STATUSES


def _report(user_id: str, counts: Mapping[str, int]) -> ForgetReport:
    return ForgetReport(
        user_id=user_id, memories=counts["memories"], messages=counts["messages"], jobs=counts["jobs"],
        versions=counts["versions"],
    )


def _count(conn: Connection, table: Any, *where: Any) -> int:
    return conn.execute(select(func.count()).select_from(table).where(*where)).scalar_one()


class SqlStore(JobQueueMixin, CurationMixin, IndexFeedMixin, IntegrityMixin):
    """The canonical store. ``url`` is a SQLAlchemy URL (sqlite or postgresql)."""

    def __init__(self, url: str) -> None:
        self._sql = SqlRunner(url)
        self.identity = IdentityStore(self._sql)
        self.domains = DomainSqlStore(self._sql)
        self.events = SqlEventStore(self._sql)
        self.sessions = SqlSessionStore(self._sql)
        self.dialect = self._sql.dialect
        self.name = self.dialect
        self._quotas: dict[str, int | None] = {}
        # Users known to have a row, so enqueue skips the upsert; forget_user removes them.
        self._known_users: set[tuple[str, str]] = set()

    # -- plumbing ----------------------------------------------------------------------

    async def _write(self, fn: Any, what: str) -> Any:
        return await self._sql.write(fn, what)

    async def _read(self, fn: Any, what: str, *, heavy: bool = False) -> Any:
        return await self._sql.read(fn, heavy=heavy, what=what)

    def _insert(self, table: Any) -> Any:
        return (postgresql.insert if self.dialect == "postgresql" else sqlite.insert)(table)

    # -- lifecycle -----------------------------------------------------------------------

    async def open(self) -> None:
        # A new database is created at head; any other must already be there (see migrate.py).
        await self._write(ensure_current, "checking the schema")

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
            self._quotas[tenant_id] = await self._read(
                lambda conn: conn.execute(stmt).scalar(), "reading a quota"
            )
        return self._quotas[tenant_id]

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
        metadata: Mapping[str, str] | None = None,
        job_id: str | None = None,
    ) -> list[Memory]:
        where = [
            memories.c.tenant_id == tenant_id,
            memories.c.user_id == user_id,
            memories.c.status.in_(statuses),
        ]
        if categories is not None:
            where.append(memories.c.category.in_(categories))
        if job_id is not None:
            where.append(memories.c.job_id == job_id)
        for path, wanted in (metadata or {}).items():
            # A JSON path lookup that SQLAlchemy renders for both dialects (#>> on PostgreSQL,
            # JSON_EXTRACT on SQLite); paths are validated to plain names by the engine.
            where.append(memories.c.metadata[tuple(path.split("."))].as_string() == wanted)
        stmt = (
            select(memories)
            .where(*where)
            .order_by(memories.c.created_at.desc(), memories.c.id)
            .limit(limit)
            .offset(offset)
        )
        rows = await self._read(
            lambda conn: conn.execute(stmt).mappings().all(), "listing memories", heavy=limit > 200
        )
        return [memory_from_row(r) for r in rows]

    async def derived_from_turns(self, tenant_id: str, job_ids: Sequence[str]) -> dict[str, list[Derived]]:
        """The durable memories the given jobs extracted, by the message they came from."""
        if not job_ids:
            return {}
        stmt = select(memories.c.id, memories.c.message_id, memories.c.status).where(
            # `tenant_id || ''` keeps the tenant filter but out of index choice: SQLite's planner
            # otherwise scans the tenant's every memory (ix_memories_tenant_id) instead of
            # looking up the few jobs (ix_memories_job): 350 ms a read at 40k memories.
            (memories.c.tenant_id + "") == tenant_id,
            memories.c.job_id.in_(list(job_ids)),
            memories.c.category != "episodic",
            memories.c.message_id.is_not(None),
        )
        rows = await self._read(lambda conn: conn.execute(stmt).all(), "reading what turns yielded")
        out: dict[str, list[Derived]] = {}
        for r in rows:
            out.setdefault(r.message_id, []).append(Derived(r.id, MemoryStatus(r.status)))
        return out

    async def list_users(self, tenant_id: str, *, limit: int = 100, offset: int = 0) -> list[str]:
        stmt = (
            select(users.c.user_id)
            .where(users.c.tenant_id == tenant_id, users.c.user_id != SHARED_USER_ID)
            .order_by(users.c.user_id)
            .limit(limit)
            .offset(offset)
        )
        return list(await self._read(lambda conn: conn.execute(stmt).scalars().all(), "listing users"))

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
            lambda conn: curation.boost_on_access(conn, tenant_id, counts, boost=boost, now=now),
            "recording access",
        )

    async def count_active(self, tenant_id: str) -> int:
        return await self._read(
            lambda conn: _count(
                conn,
                memories,
                memories.c.tenant_id == tenant_id,
                memories.c.status == MemoryStatus.ACTIVE.value,
            ),
            "counting memories",
        )

    # -- deletion ------------------------------------------------------------------------

    async def delete_memory(self, tenant_id: str, memory_id: str) -> Memory | None:
        def run(conn: Connection) -> Any:
            row = (
                conn.execute(
                    select(memories).where(memories.c.tenant_id == tenant_id, memories.c.id == memory_id)
                )
                .mappings()
                .first()
            )
            if row is None:
                return None
            conn.execute(
                delete(memory_versions).where(
                    memory_versions.c.tenant_id == tenant_id, memory_versions.c.memory_id == memory_id
                )
            )
            conn.execute(
                delete(memories).where(memories.c.tenant_id == tenant_id, memories.c.id == memory_id)
            )
            return row

        row = await self._write(run, "deleting a memory")
        return None if row is None else memory_from_row(row)

    async def forget_user(
        self, tenant_id: str, user_id: str, *, now: dt.datetime | None = None,
        events_for: Callable[[ForgetReport], Sequence[OutboxEvent]] | None = None,
    ) -> ForgetReport:
        """Delete every row about a user: memories, versions, raw messages, jobs, the user, the
        quality log and sent events naming them; ``events_for(report)`` (``user.erased``) is
        queued in the same transaction."""
        tables = {
            "conflicts": conflicts,
            "versions": memory_versions,
            "memories": memories,
            "messages": messages,
            "jobs": jobs,
            "users": users,
            "domain_states": domain_states,
        }

        def run(conn: Connection) -> dict[str, int]:
            counts = {
                key: conn.execute(
                    delete(t).where(t.c.tenant_id == tenant_id, t.c.user_id == user_id)
                ).rowcount
                for key, t in tables.items()
            }
            # Per-user grants and user tokens go: removing them only narrows access. A consent
            # that withdraws or narrows access stays: it holds nothing the user said, and
            # deleting it would let a blocked agent read and write the user's next memories.
            for t in (grants, api_keys):
                conn.execute(delete(t).where(t.c.tenant_id == tenant_id, t.c.user_id == user_id))
            # (categories is JSON: None is stored as JSON null, so it is read, not matched in SQL)
            mine = (consents.c.tenant_id == tenant_id, consents.c.user_id == user_id)
            plain = [
                r.agent_id
                for r in conn.execute(select(consents.c.agent_id, consents.c.granted, consents.c.categories).where(*mine))
                if r.granted and r.categories is None
            ]
            if plain:
                conn.execute(delete(consents).where(*mine, consents.c.agent_id.in_(plain)))
            forget_user_rows(conn, tenant_id, user_id)
            if events_for is not None:
                queue_events(conn, events_for(_report(user_id, counts)), now)
            return counts

        self._known_users.discard((tenant_id, user_id))
        now = now or dt.datetime.now(dt.UTC)
        counts = await self._write(run, "erasing a user")
        try:
            await self._sql.scrub()
        except StorageError as e:  # the erasure itself is committed; say so, do not fail it
            log.warning("erased user %s, but %s", user_id, e)
        return _report(user_id, counts)

    # -- stats and maintenance -----------------------------------------------------------

    async def user_stats(self, tenant_id: str, user_id: str) -> UserStats:
        def run(conn: Connection) -> tuple[Any, int, int]:
            by = conn.execute(
                select(memories.c.status, memories.c.category, func.count())
                .where(memories.c.tenant_id == tenant_id, memories.c.user_id == user_id)
                .group_by(memories.c.status, memories.c.category)
            ).all()
            n_messages = _count(
                conn, messages, messages.c.tenant_id == tenant_id, messages.c.user_id == user_id
            )
            pending = _count(
                conn,
                jobs,
                jobs.c.tenant_id == tenant_id,
                jobs.c.user_id == user_id,
                jobs.c.status.in_(_OPEN_JOB),
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
                    conn,
                    memories,
                    memories.c.tenant_id == tenant_id,
                    memories.c.status == MemoryStatus.ACTIVE.value,
                ),
                "archived_memories": _count(
                    conn,
                    memories,
                    memories.c.tenant_id == tenant_id,
                    memories.c.status == MemoryStatus.ARCHIVED.value,
                ),
                "messages": _count(conn, messages, messages.c.tenant_id == tenant_id),
                "jobs_pending": _count(
                    conn, jobs, jobs.c.tenant_id == tenant_id, jobs.c.status.in_(_OPEN_JOB)
                ),
                "jobs_failed": _count(
                    conn, jobs, jobs.c.tenant_id == tenant_id, jobs.c.status == JobStatus.FAILED.value
                ),
            }

        return await self._read(run, "store statistics", heavy=True)
