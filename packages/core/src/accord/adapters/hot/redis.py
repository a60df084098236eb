"""Redis hot tier: memory records shared by every Accord process, and atomic token buckets.

Keys (all under ``prefix``; tenant and user ids are percent-encoded so ``:`` cannot collide)::

    {prefix}hot:{tenant}:{user}   hash  memory id -> Memory JSON; expires ttl_seconds after last use
    {prefix}bucket:{bucket}       hash  tokens, updated; expires once it would have refilled anyway

Every Redis or socket failure is raised as :class:`accord.StorageError`; the engine then falls
back to its in-process cache, so timeouts are short on purpose.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from urllib.parse import quote

from redis.asyncio import Redis
from redis.asyncio.retry import Retry
from redis.backoff import NoBackoff
from redis.exceptions import RedisError

from accord.errors import InvalidInputError, StorageError
from accord.domain.models import Memory
from accord.adapters.hot.memory import check_bucket_args

__all__ = ["RedisHotCache"]

# Writes the given records, refreshes the TTL, then trims the hash back to per_user entries,
# preferring to evict records other than the ones just written. One round trip, atomic.
_PUT_SCRIPT = """
local key, ttl, per_user = KEYS[1], tonumber(ARGV[1]), tonumber(ARGV[2])
local fresh = {}
for i = 3, #ARGV, 2 do
  redis.call('HSET', key, ARGV[i], ARGV[i + 1])
  fresh[ARGV[i]] = true
end
redis.call('EXPIRE', key, ttl)
local excess = redis.call('HLEN', key) - per_user
if excess > 0 then
  for _, field in ipairs(redis.call('HKEYS', key)) do
    if excess <= 0 then break end
    if not fresh[field] then
      redis.call('HDEL', key, field)
      excess = excess - 1
    end
  end
end
return 0
"""

# Classic token bucket on the caller's clock. Floats travel as strings: Lua numbers returned
# to Redis are truncated to integers, and %.17g keeps epoch seconds exact to the microsecond.
_TAKE_TOKEN_SCRIPT = """
local key = KEYS[1]
local rate, burst, now = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
local state = redis.call('HMGET', key, 'tokens', 'updated')
local tokens, updated = tonumber(state[1]), tonumber(state[2])
if tokens == nil or updated == nil then
  tokens, updated = burst, now
elseif now > updated then
  tokens = math.min(burst, tokens + (now - updated) * rate)
  updated = now
end
tokens = math.min(tokens, burst)
local wait = 0
if tokens >= 1 then
  tokens = tokens - 1
else
  wait = (1 - tokens) / rate
end
redis.call('HSET', key, 'tokens', string.format('%.17g', tokens), 'updated', string.format('%.17g', updated))
redis.call('PEXPIRE', key, tonumber(ARGV[4]))
return string.format('%.17g', wait)
"""


@contextmanager
def _storage_errors(operation: str) -> Iterator[None]:
    """Convert Redis and socket failures at the adapter boundary."""
    try:
        yield
    except (RedisError, OSError, TimeoutError) as e:
        raise StorageError(f"redis hot cache: {operation} failed: {e}") from e


def _part(value: str) -> str:
    return quote(value, safe="")


class RedisHotCache:
    """A :class:`~accord.ports.HotCache` in Redis, shared by every Accord process.

    Args:
        url: A Redis URL, e.g. ``redis://127.0.0.1:6379/0``.
        prefix: Prepended to every key this cache touches.
        ttl_seconds: How long an idle user's records live.
        per_user: Records kept per user; beyond it, older records are evicted on write.
        timeout_seconds: Connect and per-operation timeout; short, because a slow cache is
            worse than none (the engine falls back to its in-process cache).
    """

    name = "redis"

    @property
    def active_name(self) -> str:
        return self.name

    def __init__(
        self,
        url: str,
        prefix: str = "accord:",
        ttl_seconds: int = 3600,
        per_user: int = 256,
        timeout_seconds: float = 1.0,
    ) -> None:
        if ttl_seconds < 1 or per_user < 1:
            raise InvalidInputError("hot_cache", "ttl_seconds and per_user must be at least 1")
        self._prefix = prefix
        self._ttl = ttl_seconds
        self._per_user = per_user
        # One immediate retry heals a pooled connection the server has dropped; the default
        # exponential backoff would stall a request for seconds while Redis is down.
        self._redis: Redis = Redis.from_url(
            url,
            decode_responses=True,
            socket_connect_timeout=timeout_seconds,
            socket_timeout=timeout_seconds,
            retry=Retry(NoBackoff(), 1),
        )
        self._put_script = self._redis.register_script(_PUT_SCRIPT)
        self._take_token_script = self._redis.register_script(_TAKE_TOKEN_SCRIPT)

    def _user_key(self, tenant_id: str, user_id: str) -> str:
        return f"{self._prefix}hot:{_part(tenant_id)}:{_part(user_id)}"

    async def get_memories(self, tenant_id: str, user_id: str, ids: Sequence[str]) -> dict[str, Memory]:
        if not ids:
            return {}
        key = self._user_key(tenant_id, user_id)
        with _storage_errors("get"):
            async with self._redis.pipeline(transaction=False) as pipe:
                pipe.hmget(key, list(ids))
                pipe.expire(key, self._ttl)  # reading a user keeps their records hot
                values, _ = await pipe.execute()
        found: dict[str, Memory] = {}
        stale: list[str] = []
        for memory_id, raw in zip(ids, values, strict=True):
            if raw is None:
                continue
            try:
                found[memory_id] = Memory.model_validate_json(raw)
            except ValueError:
                # A record from another Accord version; it is only a cache, so drop and miss.
                stale.append(memory_id)
        if stale:
            await self.invalidate(tenant_id, user_id, stale)
        return found

    async def put_memories(self, tenant_id: str, user_id: str, memories: Sequence[Memory]) -> None:
        if not memories:
            return
        args: list[str | int] = [self._ttl, self._per_user]
        for memory in list(memories)[-self._per_user :]:
            args += [memory.id, memory.model_dump_json()]
        with _storage_errors("put"):
            await self._put_script(keys=[self._user_key(tenant_id, user_id)], args=args)

    async def invalidate(self, tenant_id: str, user_id: str, ids: Sequence[str] | None = None) -> None:
        key = self._user_key(tenant_id, user_id)
        with _storage_errors("invalidate"):
            if ids is None:
                await self._redis.delete(key)
            elif ids:
                await self._redis.hdel(key, *ids)

    async def take_token(self, bucket: str, rate_per_second: float, burst: int, now: float) -> float:
        check_bucket_args(rate_per_second, burst)
        # After burst/rate seconds an idle bucket is full again, i.e. the same as absent.
        expire_ms = math.ceil(burst / rate_per_second * 1000.0) + 1000
        args: list[str | int] = [repr(float(rate_per_second)), int(burst), repr(float(now)), expire_ms]
        with _storage_errors("take_token"):
            wait = await self._take_token_script(keys=[f"{self._prefix}bucket:{bucket}"], args=args)
        return max(0.0, float(wait))

    async def probe(self) -> str | None:
        """Ask Redis now (a PING): None when it answers, else the error."""
        try:
            with _storage_errors("ping"):
                await self._redis.ping()
        except StorageError as e:
            return str(e)
        return None

    async def close(self) -> None:
        with _storage_errors("close"):
            await self._redis.aclose()
