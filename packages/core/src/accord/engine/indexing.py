"""Keeping the index in step with SQL: embed, upsert what was just written, re-index from SQL.

SQL is the truth and the index follows it: every upsert is idempotent by memory id, and a failed
upsert is repaired by the job's last step (or ``accord reindex``), which re-reads the rows.
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
from collections.abc import Callable, Sequence

from accord.domain import lexical
from accord.engine.components import Components
from accord.errors import StorageError
from accord.ports import IndexPoint, Vector

log = logging.getLogger("accord.index")


class Indexer:
    def __init__(self, parts: Components) -> None:
        self.parts = parts
        self._stale: asyncio.Event | None = None

    async def embed(self, texts: Sequence[str]) -> list[Vector] | None:
        """Dense vectors of index texts (their main text and context segments), or None."""
        if self.parts.embedder is None or not texts:
            return None
        return await self.parts.embedder.embed_documents([lexical.dense_text(t) for t in texts])

    async def index_new(self, tenant_id: str, points: Sequence[IndexPoint]) -> bool:
        """Index points now; on failure the job's final step re-indexes them from SQL."""
        if self.parts.index is None or not points:
            return True
        try:
            await self.parts.index.upsert(points)
            return True
        except StorageError as e:
            log.warning("index upsert failed, the worker will retry from SQL: %s", e)
            self.mark_stale(f"an upsert failed: {e}")
            return False

    def mark_stale(self, reason: str) -> None:
        """The index misses what SQL has: reads go to SQL and the repair task rebuilds it."""
        if self.parts.index_stale is None:
            self.parts.index_stale = reason[:300]
        self.stale.set()

    @property
    def stale(self) -> asyncio.Event:
        """Set when the index went stale; the repair task waits on it."""
        if self._stale is None:
            self._stale = asyncio.Event()
        return self._stale

    async def with_current_vectors(self, batch: Sequence[IndexPoint]) -> list[IndexPoint]:
        """Records with vectors from the current embedder: stale or missing ones are re-embedded
        (and saved); with no embedder, vectors are dropped (lexical index)."""
        embedder = self.parts.embedder
        if embedder is None:
            return [dataclasses.replace(r, dense=None) for r in batch]
        stale = [r for r in batch if r.dense is None or r.embedding_model != embedder.name]
        if not stale:
            return list(batch)
        vectors = await embedder.embed_documents([lexical.dense_text(r.text) for r in stale])
        fresh = {r.memory_id: v for r, v in zip(stale, vectors, strict=True)}
        for tenant in {r.tenant_id for r in stale}:
            await self.parts.store.set_embeddings(
                tenant,
                {r.memory_id: (fresh[r.memory_id], embedder.name) for r in stale if r.tenant_id == tenant},
            )
        return [
            dataclasses.replace(r, dense=fresh[r.memory_id], embedding_model=embedder.name) if r.memory_id in fresh else r
            for r in batch
        ]

    async def index_from_sql(
        self, tenant_id: str, *, ids: Sequence[str] | None = None, job_id: str | None = None
    ) -> None:
        """Upsert memories into the index as SQL has them (idempotent by memory id), with
        vectors from the current embedder. SQL is the truth; the index follows it."""
        if self.parts.index is None:
            return
        async for batch in self.parts.store.index_records(tenant_id=tenant_id, ids=ids, job_id=job_id):
            await self.parts.index.upsert(await self.with_current_vectors(batch))

    async def follow_sql(
        self, tenant_id: str, *, ids: Sequence[str] | None = None, job_id: str | None = None
    ) -> bool:
        """``index_from_sql`` after a committed SQL write: an index failure does not undo or
        fail the write (SQL is the truth); the index is marked stale and rebuilt later."""
        try:
            await self.index_from_sql(tenant_id, ids=ids, job_id=job_id)
            return True
        except StorageError as e:
            log.warning("index update failed after a committed write: %s", e)
            self.mark_stale(f"an update failed: {e}")
            return False

    async def drop(self, tenant_id: str, memory_ids: Sequence[str] = (), *, user_id: str | None = None) -> bool:
        """Remove deleted memories (or a whole user) from the index; a failure marks it stale,
        and the rebuild, which copies SQL, drops the leftover points."""
        if self.parts.index is None:
            return True
        try:
            if user_id is not None:
                await self.parts.index.delete_user(tenant_id, user_id)
            if memory_ids:
                await self.parts.index.delete(tenant_id, memory_ids)
            return True
        except StorageError as e:
            log.warning("index delete failed after a committed delete: %s", e)
            self.mark_stale(f"a delete failed: {e}")
            return False

    async def rebuild(self, on_progress: Callable[[int], None] | None = None) -> int:
        """Drop the index and rebuild it from SQL; returns how many memories were indexed.
        ``on_progress`` gets the running count after each batch."""
        if self.parts.index is None:
            return 0
        await self.parts.index.clear()
        total = 0
        async for batch in self.parts.store.index_records():
            await self.parts.index.upsert(await self.with_current_vectors(batch))
            total += len(batch)
            if on_progress is not None:
                on_progress(total)
        return total
