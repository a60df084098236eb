"""The entity graph's upkeep on SQL: the job texts it is fed from, erasure and export."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from sqlalchemy import Connection, delete, select, update

from accord.adapters.sql.engine_factory import SqlRunner
from accord.adapters.sql.graph_schema import GRAPH_TABLES, graph_mentions, graph_relations
from accord.adapters.sql.schema import memories

__all__ = ["GraphUpkeepMixin"]


def _speaker(metadata: Any, category: str) -> str | None:
    said = metadata.get("speaker") if category == "episodic" and isinstance(metadata, dict) else None
    return said if isinstance(said, str) and said else None


class GraphUpkeepMixin:
    _sql: SqlRunner

    async def job_texts(self, tenant_id: str, job_id: str) -> list[tuple[str, str, str | None, dt.datetime, str | None]]:
        """The job's memories as ``(memory id, content, message id, said at, speaker)``, turns first."""
        m = memories.c
        stmt = (
            select(m.id, m.content, m.message_id, m.valid_from, m.created_at, m.category, m.metadata)
            .where(m.tenant_id == tenant_id, m.job_id == job_id, m.status == "active")
            .order_by((m.category != "episodic"), m.created_at, m.id)
        )
        rows = await self._sql.read(lambda conn: conn.execute(stmt).all(), what="reading a job's memories")
        return [
            (r.id, r.content, r.message_id, r.valid_from or r.created_at, _speaker(r.metadata, r.category))
            for r in rows
        ]

    # -- erasure and export ------------------------------------------------------------------

    async def forget_user(self, tenant_id: str, user_id: str) -> int:
        """Delete the user's whole graph; returns the number of entities removed."""

        def run(conn: Connection) -> int:
            counts = [
                conn.execute(delete(t).where(t.c.tenant_id == tenant_id, t.c.user_id == user_id)).rowcount
                for t in GRAPH_TABLES.values()
            ]
            return counts[0]

        return await self._sql.write(run, "erasing a user's entity graph")

    async def forget_memories(self, tenant_id: str, memory_ids: Sequence[str]) -> None:
        """A deleted memory no longer links its entities (the relations it stated stay, as facts
        of the graph, but lose their source)."""
        if not memory_ids:
            return
        g, r = graph_mentions.c, graph_relations.c

        def run(conn: Connection) -> None:
            conn.execute(delete(graph_mentions).where(g.tenant_id == tenant_id, g.memory_id.in_(list(memory_ids))))
            conn.execute(
                update(graph_relations).where(r.tenant_id == tenant_id, r.memory_id.in_(list(memory_ids))).values(memory_id=None)
            )

        await self._sql.write(run, "unlinking deleted memories")

    async def export_user(self, tenant_id: str, user_id: str) -> dict[str, list[dict[str, Any]]]:
        def run(conn: Connection) -> dict[str, list[dict[str, Any]]]:
            return {
                kind: [dict(x) for x in conn.execute(select(t).where(t.c.tenant_id == tenant_id, t.c.user_id == user_id)).mappings()]
                for kind, t in GRAPH_TABLES.items()
            }

        return await self._sql.read(run, heavy=True, what="exporting a user's entity graph")
