"""Applying conflict resolution plans inside one SQL transaction.

``apply_candidates`` runs on a ``Connection`` already inside a transaction: for each candidate
it reads the related active memories (locked on PostgreSQL), asks the pure planner
(:func:`accord.domain.resolution.plan_candidate`) what to change, and writes the plan — memories,
versions, conflicts — so the whole job lands at once or not at all. Concurrent writers that race
on the same attribute are stopped by the unique indexes; the caller retries the transaction.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import Connection, func, insert, or_, select, update

from accord.adapters.sql.records import memory_row
from accord.adapters.sql.schema import conflicts, memories, memory_versions
from accord.domain.models import ChangeType, MemoryStatus
from accord.domain.records import ApplyResult, NewMemory
from accord.domain.resolution import (
    Archive,
    Insert,
    Lookup,
    OpenConflict,
    Op,
    Reweigh,
    Stored,
    lookup_for,
    plan_candidate,
    prepare,
)

_RELATED_LIMIT = 300


def stored_from_row(row: Mapping[str, Any]) -> Stored:
    return Stored(
        id=row["id"],
        user_id=row["user_id"],
        lineage_id=row["lineage_id"],
        content=row["content"],
        category=row["category"],
        importance=row["importance_score"],
        attribute_key=row["attribute_key"],
        attribute_value=row["attribute_value"],
        confidence=row["confidence"],
        scope=row["scope"],
        metadata=row["metadata"] or {},
        valid_from=row["valid_from"],
        valid_to=row["valid_to"],
        created_at=row["created_at"],
    )


class Resolver:
    """Applies candidates for one job on one connection (inside its transaction)."""

    def __init__(
        self, conn: Connection, tenant_id: str, now: dt.datetime, *, lock: bool, job_id: str, shared_policy: str = "weigh"
    ) -> None:
        self.shared_policy = shared_policy
        self.conn = conn
        self.tenant_id = tenant_id
        self.now = now
        self.lock = lock
        self.job_id = job_id
        self.result = ApplyResult()

    # -- reading -----------------------------------------------------------------------

    def related(self, lookup: Lookup) -> list[Mapping[str, Any]]:
        same = [memories.c.category.in_(lookup.categories)]
        if lookup.base_key is not None:
            key = lookup.base_key
            same += [memories.c.attribute_key == key, memories.c.attribute_key.like(f"{key}@%")]
        if lookup.content_hash is not None:
            same.append(memories.c.content_hash == lookup.content_hash)
        stmt = (
            select(memories)
            .where(
                memories.c.tenant_id == self.tenant_id,
                memories.c.user_id == lookup.user_id,
                memories.c.status == MemoryStatus.ACTIVE.value,
                memories.c.category != "episodic",
                or_(*same),
            )
            .order_by(memories.c.created_at.desc())
            .limit(_RELATED_LIMIT)
        )
        if self.lock:
            stmt = stmt.with_for_update()
        return list(self.conn.execute(stmt).mappings().all())

    # -- writing -----------------------------------------------------------------------

    def version(
        self,
        row: Mapping[str, Any],
        change: ChangeType,
        *,
        content: str | None = None,
        previous: str | None = None,
        importance: float | None = None,
        status: str | None = None,
        agent_id: str | None = None,
        meta: Mapping[str, Any] | None = None,
        memory_id: str | None = None,
    ) -> None:
        """Append the next version of ``row``'s lineage (unique per lineage: a race fails loudly)."""
        lineage = row["lineage_id"]
        latest = self.conn.execute(
            select(func.max(memory_versions.c.version)).where(
                memory_versions.c.tenant_id == self.tenant_id, memory_versions.c.lineage_id == lineage
            )
        ).scalar()
        self.conn.execute(
            insert(memory_versions).values(
                id=str(uuid.uuid4()),
                tenant_id=self.tenant_id,
                user_id=row["user_id"],
                lineage_id=lineage,
                memory_id=memory_id or row["id"],
                version=(latest or 0) + 1,
                change_type=change.value,
                content=content if content is not None else row["content"],
                previous_content=previous,
                importance_score=importance if importance is not None else row["importance_score"],
                status=status or row["status"],
                agent_id=agent_id,
                created_at=self.now,
                metadata=dict(meta or {}),
            )
        )

    def insert(self, m: NewMemory, change: ChangeType = ChangeType.CREATED, previous: str | None = None) -> dict[str, Any]:
        row = memory_row(self.tenant_id, m, self.now)
        self.conn.execute(insert(memories).values(**row))
        self.version(row, change, previous=previous, agent_id=m.agent_id, meta=_decision_meta(m))
        self.result.created.append(m.id)
        return row

    def archive(self, row: Mapping[str, Any], *, valid_to: dt.datetime | None, agent_id: str | None, why: str) -> None:
        self.conn.execute(
            update(memories)
            .where(memories.c.tenant_id == self.tenant_id, memories.c.id == row["id"])
            .values(
                status=MemoryStatus.ARCHIVED.value,
                archived_at=self.now,
                valid_to=row["valid_to"] or valid_to or self.now,
                updated_at=self.now,
            )
        )
        self.result.touched.append(row["id"])

    def reweigh(self, row: Mapping[str, Any], score: float, change: ChangeType, why: str, agent_id: str | None) -> None:
        self.conn.execute(
            update(memories)
            .where(memories.c.tenant_id == self.tenant_id, memories.c.id == row["id"])
            .values(importance_score=score, updated_at=self.now)
        )
        self.version(row, change, previous=row["content"], importance=score, agent_id=agent_id, meta={"reason": why})
        self.result.touched.append(row["id"])

    def conflict(self, op: OpenConflict, existing: Mapping[str, Any]) -> None:
        candidate = op.candidate
        self.conn.execute(
            insert(conflicts).values(
                id=str(uuid.uuid5(uuid.UUID(candidate.id), "conflict")),
                tenant_id=self.tenant_id,
                user_id=existing["user_id"],
                kind=op.kind,
                status="open",
                existing_memory_id=existing["id"],
                candidate_memory_id=candidate.id,
                question=op.question,
                reason=op.reason,
                job_id=self.job_id,
                created_at=self.now,
            )
        )

    # -- one candidate -------------------------------------------------------------------

    def apply(self, m: NewMemory, stated_by: str | None, said_at: dt.datetime) -> None:
        prepared = prepare(m, stated_by, said_at)
        rows = {r["id"]: r for r in self.related(lookup_for(prepared))}
        plan = plan_candidate(
            prepared,
            m.attribute_key,
            [stored_from_row(r) for r in rows.values()],
            stated_by=stated_by,
            said_at=said_at,
            shared_policy=self.shared_policy,
        )
        self.result.decisions.append((plan.decision.action.value, plan.decision.reason))
        for op in plan.ops:
            self._run(op, rows, agent=prepared.agent_id)

    def _run(self, op: Op, rows: Mapping[str, Mapping[str, Any]], *, agent: str | None) -> None:
        match op:
            case Insert(memory=memory, change=change, previous=previous):
                self.insert(memory, change, previous=previous)
            case Archive(target=target, valid_to=valid_to):
                self.archive(rows[target], valid_to=valid_to, agent_id=agent, why="")
            case Reweigh(target=target, score=score, change=change, why=why):
                self.reweigh(rows[target], score, change, why, agent)
            case OpenConflict(existing=existing):
                self.conflict(op, rows[existing])


def _decision_meta(m: NewMemory) -> dict[str, Any]:
    return {"job_id": m.job_id} if m.job_id else {}


def apply_candidates(
    conn: Connection,
    tenant_id: str,
    job_id: str,
    candidates: Sequence[NewMemory],
    *,
    stated_by: str | None,
    said_at: dt.datetime,
    now: dt.datetime,
    lock: bool,
    shared_policy: str = "weigh",
    quota: int | None = None,
) -> ApplyResult:
    resolver = Resolver(conn, tenant_id, now, lock=lock, job_id=job_id, shared_policy=shared_policy)
    for m in candidates:
        if quota is None:
            resolver.apply(m, stated_by, said_at)
            continue
        # Under a quota each candidate runs in a savepoint: one that leaves the tenant with more
        # active durable memories than the quota (an insert, not an update) is rolled back.
        kept = (len(resolver.result.created), len(resolver.result.touched), len(resolver.result.decisions))
        savepoint = conn.begin_nested()
        resolver.apply(m, stated_by, said_at)
        if _durable_active(conn, tenant_id) > quota:
            savepoint.rollback()
            del resolver.result.created[kept[0] :], resolver.result.touched[kept[1] :]
            del resolver.result.decisions[kept[2] :]
            resolver.result.decisions.append(("dropped", f"the tenant's memory quota of {quota} is used up"))
        else:
            savepoint.commit()
    return resolver.result


def _durable_active(conn: Connection, tenant_id: str) -> int:
    return conn.execute(
        select(func.count())
        .select_from(memories)
        .where(
            memories.c.tenant_id == tenant_id,
            memories.c.status == MemoryStatus.ACTIVE.value,
            memories.c.category != "episodic",
        )
    ).scalar_one()
