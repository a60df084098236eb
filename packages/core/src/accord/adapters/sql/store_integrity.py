"""Counts and cross-table checks: the L4 quota's usage, what the index should hold, and the
invariants ``accord check`` reports (one active head per lineage, no orphan rows, no rows of
a user who is gone)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, and_, exists, func, not_, select

from accord.adapters.sql._parts import _StoreParts
from accord.adapters.sql.schema import agents, consents, grants, jobs, memories, memory_versions, messages, users
from accord.adapters.sql.store_jobs import OPEN_JOB_STATUSES
from accord.domain.models import MemoryStatus
from accord.ports import SHARED_USER_ID

_OPEN_JOB = OPEN_JOB_STATUSES
# Findings listed per kind are capped: a report names examples, the count says how many.
_EXAMPLES = 20


def _count(conn: Connection, table: Any, *where: Any) -> int:
    return conn.execute(select(func.count()).select_from(table).where(*where)).scalar_one()


class IntegrityMixin(_StoreParts):
    async def quota_used(self, tenant_id: str) -> int:
        """What counts against the L4 quota: active durable memories, plus each turn whose job
        is still open (a place held for what extraction will draw from it). Once extracted, a
        turn is counted through its facts, not a second time itself."""

        def run(conn: Connection) -> int:
            durable = _count(
                conn,
                memories,
                memories.c.tenant_id == tenant_id,
                memories.c.status == MemoryStatus.ACTIVE.value,
                memories.c.category != "episodic",
            )
            open_jobs = select(jobs.c.id).where(jobs.c.tenant_id == tenant_id, jobs.c.status.in_(_OPEN_JOB))
            waiting = _count(conn, messages, messages.c.tenant_id == tenant_id, messages.c.job_id.in_(open_jobs))
            return durable + waiting

        return await self._read(run, "counting the quota")

    async def memory_counts(self) -> dict[str, int]:
        """Memories of every status per tenant: what the index should hold (one point each)."""
        stmt = select(memories.c.tenant_id, func.count()).group_by(memories.c.tenant_id)
        rows = await self._read(lambda conn: conn.execute(stmt).all(), "counting memories", heavy=True)
        return {t: n for t, n in rows}

    async def memory_ids(self, tenant_id: str) -> list[str]:
        """Every memory id of a tenant (any status): the points its index should hold."""
        stmt = select(memories.c.id).where(memories.c.tenant_id == tenant_id)
        return await self._read(lambda conn: list(conn.execute(stmt).scalars()), "listing memory ids", heavy=True)

    async def integrity(self) -> dict[str, tuple[int, list[str]]]:
        """Each invariant's violations across tenants: how many, and up to 20 examples."""

        def found(conn: Connection, stmt: Any) -> tuple[int, list[str]]:
            rows = [str(r) if len(r) > 1 else str(r[0]) for r in conn.execute(stmt).all()]
            return len(rows), rows[:_EXAMPLES]

        def run(conn: Connection) -> dict[str, tuple[int, list[str]]]:
            active = memories.c.status == MemoryStatus.ACTIVE.value
            heads = (
                select(memories.c.tenant_id, memories.c.lineage_id)
                .where(active, memories.c.category != "episodic")
                .group_by(memories.c.tenant_id, memories.c.lineage_id)
                .having(func.count() > 1)
            )
            # A version whose lineage has no memory left (deleting a memory deletes its versions).
            orphan_versions = select(memory_versions.c.id).where(
                not_(
                    exists().where(
                        memories.c.tenant_id == memory_versions.c.tenant_id,
                        memories.c.lineage_id == memory_versions.c.lineage_id,
                    )
                )
            )
            orphan_jobs = select(jobs.c.id).where(
                not_(exists().where(messages.c.job_id == jobs.c.id)),
                not_(exists().where(memories.c.job_id == jobs.c.id)),
            )
            orphan_grants = select(grants.c.id).where(
                not_(exists().where(agents.c.id == grants.c.agent_id, agents.c.tenant_id == grants.c.tenant_id))
            )
            orphan_consents = select(consents.c.tenant_id, consents.c.user_id, consents.c.agent_id).where(
                not_(exists().where(agents.c.id == consents.c.agent_id, agents.c.tenant_id == consents.c.tenant_id))
            )
            out = {
                "duplicate_active_heads": found(conn, heads),
                "orphan_versions": found(conn, orphan_versions),
                "orphan_jobs": found(conn, orphan_jobs),
                "orphan_grants": found(conn, orphan_grants),
                "orphan_consents": found(conn, orphan_consents),
            }
            # Rows of a user who has no user row: left behind by an erasure (or written around it).
            for name, table in (("memories", memories), ("messages", messages), ("jobs", jobs), ("versions", memory_versions)):
                stmt = (
                    select(table.c.tenant_id, table.c.user_id)
                    .where(
                        table.c.user_id != SHARED_USER_ID,
                        not_(exists().where(and_(users.c.tenant_id == table.c.tenant_id, users.c.user_id == table.c.user_id))),
                    )
                    .distinct()
                )
                out[f"{name}_of_unknown_users"] = found(conn, stmt)
            return out

        return await self._read(run, "checking invariants", heavy=True)
