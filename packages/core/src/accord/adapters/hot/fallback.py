"""A hot tier that falls back to an in-process cache while its primary (Redis) is down."""

from __future__ import annotations

import logging
import time
from collections.abc import Awaitable, Callable, Sequence
from typing import TypeVar

from accord.errors import StorageError
from accord.domain.models import Memory
from accord.ports import HotCache

log = logging.getLogger("accord.hot")
T = TypeVar("T")


class FallbackHotCache:
    """Serve from ``primary``; on a ``StorageError`` serve from ``fallback`` and retry later.

    Redis never holds the only copy of anything (memories live in SQL), so serving from an
    in-process cache while it is down loses nothing; ``active_name`` tells which one served.
    """

    def __init__(self, primary: HotCache, fallback: HotCache, *, retry_after_seconds: float = 15.0) -> None:
        self.primary = primary
        self.fallback = fallback
        self.name = primary.name
        self.retry_after_seconds = retry_after_seconds
        self._down_until = 0.0

    @property
    def active_name(self) -> str:
        return self.fallback.name if time.monotonic() < self._down_until else self.primary.name

    async def _call(self, op: Callable[[HotCache], Awaitable[T]]) -> T:
        if time.monotonic() >= self._down_until:
            try:
                return await op(self.primary)
            except StorageError as e:
                log.warning("hot tier %s unavailable, using %s: %s", self.primary.name, self.fallback.name, e)
                self._down_until = time.monotonic() + self.retry_after_seconds
        return await op(self.fallback)

    async def get_memories(self, tenant_id: str, user_id: str, ids: Sequence[str]) -> dict[str, Memory]:
        return await self._call(lambda c: c.get_memories(tenant_id, user_id, ids))

    async def put_memories(self, tenant_id: str, user_id: str, memories: Sequence[Memory]) -> None:
        await self._call(lambda c: c.put_memories(tenant_id, user_id, memories))

    async def invalidate(self, tenant_id: str, user_id: str, ids: Sequence[str] | None = None) -> None:
        # Invalidate both: the fallback may hold copies made while the primary was down.
        await self.fallback.invalidate(tenant_id, user_id, ids)
        await self._call(lambda c: c.invalidate(tenant_id, user_id, ids))

    async def take_token(self, bucket: str, rate_per_second: float, burst: int, now: float) -> float:
        return await self._call(lambda c: c.take_token(bucket, rate_per_second, burst, now))

    async def probe(self) -> str | None:
        """Ask the primary now. An answer ends a fallback period at once (Redis is back: use it
        from the next call, not after the retry window); a failure starts one."""
        problem = await self.primary.probe()
        if problem is None:
            self._down_until = 0.0
        else:
            self._down_until = time.monotonic() + self.retry_after_seconds
        return problem

    async def close(self) -> None:
        await self.primary.close()
        await self.fallback.close()
