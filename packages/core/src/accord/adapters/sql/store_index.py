"""What the SQL store gives the index: memory records in batches (to build or repair it) and the
vectors it saves beside each memory (so the index can be rebuilt without re-embedding)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping, Sequence

from sqlalchemy import Connection, select, update

from accord.adapters.sql._parts import _StoreParts
from accord.adapters.sql.records import encode_vector, index_point_from_row
from accord.adapters.sql.schema import memories
from accord.ports import IndexPoint, Vector

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


class IndexFeedMixin(_StoreParts):
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
                lambda conn, stmt=stmt: conn.execute(stmt).mappings().all(),
                "reading for the index",
                heavy=True,
            )
            if not rows:
                return
            yield [index_point_from_row(r) for r in rows]
            last = rows[-1]["id"]

    async def set_embeddings(self, tenant_id: str, vectors: Mapping[str, tuple[Vector, str]]) -> None:
        statements = [
            update(memories)
            .where(memories.c.tenant_id == tenant_id, memories.c.id == memory_id)
            .values(embedding=encode_vector(vector), embedding_model=model)
            for memory_id, (vector, model) in vectors.items()
        ]

        def run(conn: Connection) -> None:
            for stmt in statements:
                conn.execute(stmt)

        await self._write(run, "storing embeddings")
