"""In-process hot tier: per-user LRU caches of memory records, and token buckets for the rate gate.

Used by embedded mode, and by the engine as the fallback whenever Redis fails.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass

from accord.errors import InvalidInputError
from accord.domain.models import Memory

__all__ = ["InMemoryHotCache", "check_bucket_args"]


def check_bucket_args(rate_per_second: float, burst: int) -> None:
    """Reject bucket parameters that would never grant a token or never refill."""
    if not rate_per_second > 0.0:
        raise InvalidInputError("rate_per_second", "must be greater than 0")
    if burst < 1:
        raise InvalidInputError("burst", "must be at least 1")


@dataclass(slots=True)
class _Bucket:
    tokens: float
    updated: float


class InMemoryHotCache:
    """A bounded, process-local :class:`~accord.ports.HotCache`.

    Every method body runs without an ``await`` between reading and writing its state, so on
    one event loop the operations are atomic without a lock.

    Args:
        max_users: Users kept; the least recently used user is evicted beyond this.
        per_user: Memories kept per user; the least recently used record is evicted beyond this.
        max_buckets: Token buckets kept. Evicting one resets it to full, which only ever errs
            towards letting a request through, the safe side for a cache of limits.
    """

    name = "memory"

    @property
    def active_name(self) -> str:
        return self.name

    def __init__(self, max_users: int = 10_000, per_user: int = 256, max_buckets: int = 100_000) -> None:
        if max_users < 1 or per_user < 1 or max_buckets < 1:
            raise InvalidInputError("hot_cache", "max_users, per_user and max_buckets must be at least 1")
        self._max_users = max_users
        self._per_user = per_user
        self._max_buckets = max_buckets
        self._users: OrderedDict[tuple[str, str], OrderedDict[str, Memory]] = OrderedDict()
        self._buckets: OrderedDict[str, _Bucket] = OrderedDict()

    async def get_memories(self, tenant_id: str, user_id: str, ids: Sequence[str]) -> dict[str, Memory]:
        records = self._users.get((tenant_id, user_id))
        if records is None:
            return {}
        self._users.move_to_end((tenant_id, user_id))
        found: dict[str, Memory] = {}
        for memory_id in ids:
            memory = records.get(memory_id)
            if memory is not None:
                records.move_to_end(memory_id)
                found[memory_id] = memory
        return found

    async def put_memories(self, tenant_id: str, user_id: str, memories: Sequence[Memory]) -> None:
        if not memories:
            return
        key = (tenant_id, user_id)
        records = self._users.get(key)
        if records is None:
            records = self._users[key] = OrderedDict()
        self._users.move_to_end(key)
        # Memory is frozen, so holding the caller's objects cannot let later edits leak in.
        for memory in memories:
            records[memory.id] = memory
            records.move_to_end(memory.id)
        while len(records) > self._per_user:
            records.popitem(last=False)
        while len(self._users) > self._max_users:
            self._users.popitem(last=False)

    async def invalidate(self, tenant_id: str, user_id: str, ids: Sequence[str] | None = None) -> None:
        key = (tenant_id, user_id)
        if ids is None:
            self._users.pop(key, None)
            return
        records = self._users.get(key)
        if records is None:
            return
        for memory_id in ids:
            records.pop(memory_id, None)
        if not records:
            del self._users[key]

    async def take_token(self, bucket: str, rate_per_second: float, burst: int, now: float) -> float:
        check_bucket_args(rate_per_second, burst)
        state = self._buckets.get(bucket)
        if state is None:
            state = self._buckets[bucket] = _Bucket(tokens=float(burst), updated=now)
        else:
            self._buckets.move_to_end(bucket)
            # Callers' clocks can interleave slightly out of order; time never runs backwards here.
            if now > state.updated:
                state.tokens = min(float(burst), state.tokens + (now - state.updated) * rate_per_second)
                state.updated = now
            # A lowered burst takes effect at once rather than after the surplus drains.
            state.tokens = min(state.tokens, float(burst))
        while len(self._buckets) > self._max_buckets:
            self._buckets.popitem(last=False)
        if state.tokens >= 1.0:
            state.tokens -= 1.0
            return 0.0
        return (1.0 - state.tokens) / rate_per_second

    async def probe(self) -> str | None:
        return None  # in-process: always there

    async def close(self) -> None:
        self._users.clear()
        self._buckets.clear()
