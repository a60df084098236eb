"""One contract for every HotCache: the in-process cache and Redis (real server, own key prefix)."""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import AsyncIterator, Callable
from typing import Any

import pytest

from accord import InvalidInputError, StorageError
from accord.domain.models import Category, Memory, MemorySource, MemoryStatus, SourceKind
from accord.ports import HotCache
from accord.adapters.hot.memory import InMemoryHotCache
from accord.adapters.hot.redis import RedisHotCache

PER_USER = 4
T0 = 1_763_700_000.123456  # a realistic epoch "now", driven explicitly by the tests

CacheFactory = Callable[..., HotCache]


@pytest.fixture(params=["memory", pytest.param("redis", marks=pytest.mark.redis)])
def backend(request: pytest.FixtureRequest) -> tuple[str, str, str]:
    """(backend, redis url, key prefix). Sync on purpose: the async Redis fixtures are resolved
    here, outside any running event loop."""
    if request.param == "memory":
        return ("memory", "", "")
    return ("redis", request.getfixturevalue("redis_url"), request.getfixturevalue("redis_prefix"))


@pytest.fixture
async def make_cache(backend: tuple[str, str, str]) -> AsyncIterator[CacheFactory]:
    """Builds caches of one backend; everything built is closed afterwards."""
    kind, url, prefix = backend
    built: list[HotCache] = []

    def factory(per_user: int = 256) -> HotCache:
        if kind == "redis":
            built.append(RedisHotCache(url, prefix=prefix, ttl_seconds=600, per_user=per_user))
        else:
            built.append(InMemoryHotCache(max_users=100, per_user=per_user))
        return built[-1]

    yield factory
    for cache in built:
        await cache.close()


@pytest.fixture
def cache(make_cache: CacheFactory) -> HotCache:
    return make_cache()


def memory(
    memory_id: str, user_id: str = "u1", content: str = "likes green tea", **changes: object
) -> Memory:
    created = dt.datetime(2026, 11, 20, 9, 30, 15, 123456, tzinfo=dt.UTC)
    fields: dict[str, object] = {
        "id": memory_id,
        "user_id": user_id,
        "content": content,
        "category": Category.PREFERENCE,
        "attribute_key": "drink.tea",
        "importance_score": 0.7,
        "original_importance_score": 0.8,
        "confidence": 0.9,
        "status": MemoryStatus.ACTIVE,
        "source": MemorySource(
            kind=SourceKind.EXTRACTED, role="user", session_id="s1", message_id="m1", job_id="j1"
        ),
        "agent_id": "agent-7",
        "trusted": True,
        "lineage_id": f"lin-{memory_id}",
        "previous_version_id": "v0",
        "created_at": created,
        "updated_at": created + dt.timedelta(minutes=5),
        "last_accessed_at": created.astimezone(dt.timezone(dt.timedelta(hours=5, minutes=30))),
        "access_count": 3,
        "valid_from": created - dt.timedelta(days=1),
        "valid_to": None,
        "metadata": {"nested": {"list": [1, 2.5, "x", None]}, "unicode": "thé vert 🍵"},
        "relevance_score": 0.42,
    }
    fields.update(changes)
    return Memory.model_validate(fields)


def test_both_backends_satisfy_the_port() -> None:
    assert isinstance(InMemoryHotCache(), HotCache)
    assert isinstance(RedisHotCache("redis://127.0.0.1:1/0"), HotCache)


async def test_round_trip_preserves_every_field(cache: HotCache) -> None:
    original = memory("m1")
    await cache.put_memories("t1", "u1", [original])
    got = await cache.get_memories("t1", "u1", ["m1"])
    assert got == {"m1": original}
    restored = got["m1"]
    assert restored.model_dump() == original.model_dump()
    assert restored.last_accessed_at is not None
    assert original.last_accessed_at is not None
    assert restored.last_accessed_at.utcoffset() == original.last_accessed_at.utcoffset()
    assert restored.created_at.tzinfo is not None
    assert restored.created_at.microsecond == 123456


async def test_missing_ids_are_omitted(cache: HotCache) -> None:
    await cache.put_memories("t1", "u1", [memory("m1"), memory("m2")])
    assert set(await cache.get_memories("t1", "u1", ["m2", "absent", "m1"])) == {"m1", "m2"}
    assert await cache.get_memories("t1", "u1", []) == {}
    assert await cache.get_memories("t1", "nobody", ["m1"]) == {}
    await cache.put_memories("t1", "u1", [])  # a no-op, not an error


async def test_put_replaces_a_record(cache: HotCache) -> None:
    await cache.put_memories("t1", "u1", [memory("m1", content="likes green tea")])
    await cache.put_memories("t1", "u1", [memory("m1", content="likes black tea")])
    assert (await cache.get_memories("t1", "u1", ["m1"]))["m1"].content == "likes black tea"


async def test_tenants_and_users_are_isolated(cache: HotCache) -> None:
    await cache.put_memories("t1", "u1", [memory("m1", content="t1/u1")])
    await cache.put_memories("t2", "u1", [memory("m1", content="t2/u1")])
    await cache.put_memories("t1", "u2", [memory("m1", user_id="u2", content="t1/u2")])
    assert (await cache.get_memories("t1", "u1", ["m1"]))["m1"].content == "t1/u1"
    assert (await cache.get_memories("t2", "u1", ["m1"]))["m1"].content == "t2/u1"
    assert (await cache.get_memories("t1", "u2", ["m1"]))["m1"].content == "t1/u2"
    assert await cache.get_memories("t3", "u1", ["m1"]) == {}


async def test_separator_characters_in_ids_cannot_collide(cache: HotCache) -> None:
    await cache.put_memories("a:b", "c", [memory("m1", content="first")])
    await cache.put_memories("a", "b:c", [memory("m1", content="second")])
    assert (await cache.get_memories("a:b", "c", ["m1"]))["m1"].content == "first"
    assert (await cache.get_memories("a", "b:c", ["m1"]))["m1"].content == "second"


async def test_invalidate_ids_and_whole_user(cache: HotCache) -> None:
    await cache.put_memories("t1", "u1", [memory("m1"), memory("m2"), memory("m3")])
    await cache.put_memories("t1", "u2", [memory("m1", user_id="u2")])
    await cache.invalidate("t1", "u1", ["m1", "absent"])
    assert set(await cache.get_memories("t1", "u1", ["m1", "m2", "m3"])) == {"m2", "m3"}
    await cache.invalidate("t1", "u1", [])
    assert set(await cache.get_memories("t1", "u1", ["m1", "m2", "m3"])) == {"m2", "m3"}
    await cache.invalidate("t1", "u1")
    assert await cache.get_memories("t1", "u1", ["m1", "m2", "m3"]) == {}
    assert set(await cache.get_memories("t1", "u2", ["m1"])) == {"m1"}  # other users untouched
    await cache.invalidate("t1", "nobody")  # unknown users are a no-op


async def test_size_per_user_is_bounded_and_keeps_the_latest(make_cache: CacheFactory) -> None:
    cache = make_cache(per_user=PER_USER)
    ids = [f"m{i}" for i in range(10)]
    for memory_id in ids:
        await cache.put_memories("t1", "u1", [memory(memory_id)])
    kept = await cache.get_memories("t1", "u1", ids)
    assert len(kept) <= PER_USER
    assert "m9" in kept
    await cache.put_memories("t1", "u1", [memory(f"batch{i}") for i in range(PER_USER + 3)])
    batch = await cache.get_memories("t1", "u1", [f"batch{i}" for i in range(PER_USER + 3)] + ids)
    assert len(batch) <= PER_USER
    assert f"batch{PER_USER + 2}" in batch


async def test_token_bucket_allows_burst_then_refuses(cache: HotCache) -> None:
    rate, burst = 2.0, 3
    for _ in range(burst):
        assert await cache.take_token("b1", rate, burst, T0) == 0.0
    retry_after = await cache.take_token("b1", rate, burst, T0)
    assert retry_after == pytest.approx(1 / rate)
    # A refused request takes nothing: asking again at the same instant gives the same answer.
    assert await cache.take_token("b1", rate, burst, T0) == pytest.approx(1 / rate)


async def test_token_bucket_refills_with_time(cache: HotCache) -> None:
    rate, burst = 2.0, 2
    for _ in range(burst):
        assert await cache.take_token("b1", rate, burst, T0) == 0.0
    assert await cache.take_token("b1", rate, burst, T0 + 0.25) == pytest.approx(0.25)  # half a token back
    assert await cache.take_token("b1", rate, burst, T0 + 0.5) == 0.0  # one whole token back
    assert await cache.take_token("b1", rate, burst, T0 + 0.5) == pytest.approx(0.5)
    # A long idle spell refills to burst, never beyond it.
    later = T0 + 3600.0
    for _ in range(burst):
        assert await cache.take_token("b1", rate, burst, later) == 0.0
    assert await cache.take_token("b1", rate, burst, later) > 0.0


async def test_token_bucket_ignores_time_going_backwards(cache: HotCache) -> None:
    assert await cache.take_token("b1", 1.0, 1, T0) == 0.0
    assert await cache.take_token("b1", 1.0, 1, T0 - 10.0) == pytest.approx(1.0)


async def test_token_buckets_are_independent(cache: HotCache) -> None:
    assert await cache.take_token("tenant:t1:user:u1", 1.0, 1, T0) == 0.0
    assert await cache.take_token("tenant:t1:user:u1", 1.0, 1, T0) > 0.0
    assert await cache.take_token("tenant:t1:user:u2", 1.0, 1, T0) == 0.0
    assert await cache.take_token("tenant:t2:user:u1", 1.0, 1, T0) == 0.0


async def test_token_bucket_is_atomic_under_concurrency(cache: HotCache) -> None:
    results = await asyncio.gather(*(cache.take_token("busy", 1.0, 5, T0) for _ in range(25)))
    assert sum(1 for r in results if r == 0.0) == 5


@pytest.mark.parametrize(("rate", "burst", "field"), [(0.0, 1, "rate_per_second"), (1.0, 0, "burst")])
async def test_token_bucket_rejects_impossible_limits(
    cache: HotCache, rate: float, burst: int, field: str
) -> None:
    with pytest.raises(InvalidInputError) as info:
        await cache.take_token("b1", rate, burst, T0)
    assert info.value.field == field


# --- Redis only ------------------------------------------------------------------------------


@pytest.mark.redis
async def test_redis_keys_live_under_the_prefix_and_expire(redis_url: str, redis_prefix: str) -> None:
    import redis.asyncio as redis

    cache = RedisHotCache(redis_url, prefix=redis_prefix, ttl_seconds=120)
    await cache.put_memories("t1", "u1", [memory("m1")])
    await cache.take_token("b1", 1.0, 2, T0)
    await cache.close()
    client = redis.Redis.from_url(redis_url, decode_responses=True)
    try:
        keys = sorted([key async for key in client.scan_iter(match=redis_prefix + "*")])
        assert keys == [f"{redis_prefix}bucket:b1", f"{redis_prefix}hot:t1:u1"]
        assert 0 < await client.ttl(f"{redis_prefix}hot:t1:u1") <= 120
        assert 0 < await client.pttl(f"{redis_prefix}bucket:b1") <= 3000
    finally:
        await client.aclose()


@pytest.mark.redis
async def test_redis_drops_unreadable_records(redis_url: str, redis_prefix: str) -> None:
    import redis.asyncio as redis

    cache = RedisHotCache(redis_url, prefix=redis_prefix)
    await cache.put_memories("t1", "u1", [memory("m1"), memory("m2")])
    client = redis.Redis.from_url(redis_url)
    try:
        await client.hset(f"{redis_prefix}hot:t1:u1", "m2", '{"from": "an older version"}')
        assert set(await cache.get_memories("t1", "u1", ["m1", "m2"])) == {"m1"}
        assert await client.hexists(f"{redis_prefix}hot:t1:u1", "m2") == 0
    finally:
        await client.aclose()
        await cache.close()


def _every_call(cache: RedisHotCache) -> list[Any]:
    return [
        cache.get_memories("t1", "u1", ["m1"]),
        cache.put_memories("t1", "u1", [memory("m1")]),
        cache.invalidate("t1", "u1"),
        cache.take_token("b1", 1.0, 1, T0),
    ]


async def test_unreachable_redis_raises_storage_error() -> None:
    cache = RedisHotCache("redis://127.0.0.1:1/0", prefix="accord-test-unreachable:")
    for call in _every_call(cache):
        with pytest.raises(StorageError) as info:
            await call
        assert info.value.__cause__ is not None
    await cache.close()


async def test_a_dropped_connection_is_retried_once_then_raises_storage_error() -> None:
    # A server that accepts and hangs up at once: each operation connects twice (the one immediate
    # retry that heals a connection the server dropped), then gives up. Counted, not timed.
    attempts = 0

    async def hang_up(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        nonlocal attempts
        attempts += 1
        writer.close()

    server = await asyncio.start_server(hang_up, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    cache = RedisHotCache(f"redis://127.0.0.1:{port}/0", prefix="accord-test-hang-up:")
    try:
        for call in _every_call(cache):
            before = attempts
            with pytest.raises(StorageError) as info:
                await call
            assert info.value.__cause__ is not None
            assert attempts - before == 2
    finally:
        await cache.close()
        server.close()
        await server.wait_closed()
