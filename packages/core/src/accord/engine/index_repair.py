"""Keeping the derived index honest: a cheap check at start-up and a task that rebuilds it.

The index is derived from SQL. When it falls behind (its directory was lost, an upsert failed
while it was down, the embedder changed size), the engine marks it stale: reads then use
keyword search in SQL, which sees every memory, ``mode`` says so, and this task rebuilds the
index from SQL, retrying with a growing pause while the index stays down.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass

from accord.engine.components import Components
from accord.engine.indexing import Indexer
from accord.errors import ProviderError, StorageError

__all__ = ["IndexCount", "IndexRepair"]

log = logging.getLogger("accord.index")

FIRST_PAUSE_SECONDS = 1.0
MAX_PAUSE_SECONDS = 60.0


@dataclass(frozen=True, slots=True)
class IndexCount:
    """Points per tenant in SQL (memories of every status) and in the index."""

    tenant_id: str
    sql: int
    index: int

    @property
    def missing(self) -> int:
        return max(self.sql - self.index, 0)

    @property
    def extra(self) -> int:
        return max(self.index - self.sql, 0)


class IndexRepair:
    def __init__(self, parts: Components, indexer: Indexer) -> None:
        self.parts = parts
        self.indexer = indexer
        self.rebuilds = 0
        self.repaired = asyncio.Event()  # set after each successful rebuild (tests await it)
        self.found_at_start: str | None = None  # what the start-up check found off, if anything

    async def counts(self) -> list[IndexCount]:
        """SQL against the index, tenant by tenant: one count query each side."""
        index = self.parts.index
        if index is None:
            return []
        in_sql = await self.parts.store.memory_counts()
        return [IndexCount(t, n, await index.count(t)) for t, n in sorted(in_sql.items())]

    async def check_at_start(self) -> None:
        """The cheap part of ``accord check``: a tenant whose point count differs from SQL's
        (a lost or partial index, a wiped one after an embedder change) marks the index stale."""
        if self.parts.index is None:
            return
        try:
            counts = await self.counts()
        except StorageError as e:
            self.indexer.mark_stale(f"it could not be counted at start-up: {e}")
            return
        off = [c for c in counts if c.sql != c.index]
        if off:
            missing, extra = sum(c.missing for c in off), sum(c.extra for c in off)
            log.warning("index out of step with SQL at start-up: %d missing, %d extra points", missing, extra)
            self.found_at_start = f"{missing} points missing and {extra} extra at start-up"
            self.indexer.mark_stale(self.found_at_start)

    async def run_forever(self) -> None:
        pause = FIRST_PAUSE_SECONDS
        while True:
            await self.indexer.stale.wait()
            self.indexer.stale.clear()  # a write failing during the rebuild sets it again
            try:
                total = await self.indexer.rebuild()
            except (StorageError, ProviderError) as e:
                log.warning("index rebuild failed, retrying in %.0f s: %s", pause, e)
                self.indexer.stale.set()
                await asyncio.sleep(pause)
                pause = min(pause * 2, MAX_PAUSE_SECONDS)
                continue
            pause = FIRST_PAUSE_SECONDS
            self.rebuilds += 1
            if not self.indexer.stale.is_set():
                log.info("index rebuilt from SQL: %d memories", total)
                self.parts.index_stale = None
                self.repaired.set()
