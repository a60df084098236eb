"""The public API: memory management, erasure, stats, bad input, the sync wrapper, ownership."""

from __future__ import annotations

import asyncio
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from accord import (
    Accord,
    AccordSettings,
    AsyncAccord,
    DataDirLockedError,
    InvalidInputError,
    NotFoundError,
    StoreStats,
)
from accord.errors import AccordError


async def test_list_get_delete(memory: AsyncAccord) -> None:
    await memory.add(["I love Thai food", "I live in Lisbon"], user_id="alice", wait=True)
    listed = await memory.list_memories("alice")
    assert {"preference", "fact", "episodic"} <= {m.category.value for m in listed}
    durable = [m for m in listed if m.category.value != "episodic"]
    one = await memory.get_memory(durable[0].id)
    assert one == durable[0]
    deleted = await memory.delete_memory(one.id)
    assert deleted.id == one.id
    with pytest.raises(NotFoundError):
        await memory.get_memory(one.id)
    with pytest.raises(NotFoundError):
        await memory.delete_memory(one.id)
    assert one.id not in {m.id for m in (await memory.get(one.content, user_id="alice")).memories}
    assert len(await memory.list_memories("alice", limit=1)) == 1


async def test_forget_user_removes_every_trace_from_every_store(memory: AsyncAccord) -> None:
    canary = "zebracanary42"
    alice = await memory.add([f"My secret word is {canary}", "I'm vegetarian"], user_id="alice", wait=True)
    bob = await memory.add("I like rowing", user_id="bob", wait=True)
    await memory.get(canary, user_id="alice")  # warm the hot tier
    report = await memory.forget_user("alice")
    alices = len(alice.episodic_memory_ids) + len(alice.memories_created)
    assert (report.memories, report.messages, report.jobs) == (alices, 2, 1) and alices >= 3
    parts = memory.parts
    assert await memory.list_memories("alice", include_archived=True) == []
    assert (await memory.get(canary, user_id="alice")).memories == []
    assert await parts.index.count("default", "alice") == 0
    assert await parts.hot.get_memories("default", "alice", [m.id for m in await memory.list_memories("bob")]) == {}
    from sqlalchemy import text

    for table in ("messages", "memories", "memory_versions", "jobs", "users"):
        rows = await parts.store._sql.read(lambda conn, t=table: conn.execute(text(f"SELECT * FROM {t}")).all())  # noqa: SLF001
        assert not any(canary in str(row) for row in rows), table
        assert not any("'alice'" in str(row) for row in rows), table
    assert (await memory.stats("bob")).active_memories == len(bob.episodic_memory_ids) + len(bob.memories_created) >= 2


async def test_stats(memory: AsyncAccord) -> None:
    await memory.add(["I love Thai food", "ok"], user_id="alice", wait=True)
    user = await memory.stats("alice")
    assert user.messages == 2 and user.active_memories >= 2 and user.by_category["preference"] == 1
    store = await memory.stats()
    assert isinstance(store, StoreStats) and store.users == 1 and store.index_points == store.active_memories
    assert store.mode.index == "qdrant_edge" and store.jobs_pending == 0


@pytest.mark.parametrize(
    ("call", "field"),
    [
        (lambda m: m.add("", user_id="alice"), "messages[0].content"),
        (lambda m: m.add("x" * 40_000, user_id="alice"), "messages[0].content"),
        (lambda m: m.add([{"role": "robot", "content": "hi"}], user_id="alice"), "messages[0].role"),
        (lambda m: m.add("I like tea", user_id="bad id!"), "user_id"),
        (lambda m: m.add("I like tea", user_id=""), "user_id"),
        (lambda m: m.add("I like tea", user_id="alice", session_id="s/1"), "session_id"),
        (lambda m: m.add("I like tea", user_id="alice", metadata=["x"]), "metadata"),
        (lambda m: m.add("I like tea", user_id="alice", idempotency_key=""), "idempotency_key"),
        (lambda m: m.get("", user_id="alice"), "query"),
        (lambda m: m.get("tea", user_id="alice", limit=0), "limit"),
        (lambda m: m.get("tea", user_id="alice", limit=10_000), "limit"),
        (lambda m: m.get("tea", user_id="alice", format="yaml"), "format"),
        (lambda m: m.get("tea", user_id="alice", categories=["gossip"]), "categories"),
        (lambda m: m.get("tea", user_id="alice", context_max_tokens=-5), "context_max_tokens"),
        (lambda m: m.get("tea", user_id="alice", time_filter_days=0), "time_filter_days"),
        (lambda m: m.list_memories("alice", limit=-1), "limit"),
        (lambda m: m.get_memory("not-an-id"), "memory_id"),
        (lambda m: m.delete_memory(42), "memory_id"),
        (lambda m: m.forget_user(None), "user_id"),
        (lambda m: m.stats("bad user"), "user_id"),
    ],
)
async def test_bad_input_is_refused_naming_the_field_and_nothing_is_stored(memory: AsyncAccord, call, field: str) -> None:
    await memory.add("I like tea", user_id="alice", wait=True)
    before = await memory.stats()
    with pytest.raises(InvalidInputError) as err:
        await call(memory)
    assert err.value.field == field
    after = await memory.stats()
    assert (after.messages, after.active_memories, after.jobs_pending) == (before.messages, before.active_memories, 0)


def test_sync_api_is_the_async_api(tmp_path: Path) -> None:
    with Accord(AccordSettings(data_dir=tmp_path, embedder="none")) as memory:
        result = memory.add("I prefer Python examples", user_id="alice", wait=True)
        assert result.status == "done"
        ctx = memory.get("examples language", user_id="alice")
        assert any("Python" in m.content for m in ctx.memories)
        assert memory.stats("alice").active_memories >= 2
        assert memory.forget_user("alice").memories >= 2


async def test_sync_api_works_inside_a_running_event_loop(tmp_path: Path) -> None:
    memory = Accord(data_dir=tmp_path, settings=AccordSettings(embedder="none"))
    try:
        assert memory.add("I like tea", user_id="alice", wait=True).status == "done"
    finally:
        memory.close()
    await asyncio.sleep(0)


async def test_a_second_owner_of_the_data_dir_gets_a_clear_error(make_settings) -> None:
    async with AsyncAccord(make_settings()):
        with pytest.raises(DataDirLockedError, match=r"accord serve") as err:
            async with AsyncAccord(make_settings()):
                pass
        assert "process" in str(err.value)


async def test_another_process_is_refused_and_told_who_owns_the_data_dir(make_settings) -> None:
    settings = make_settings()
    script = textwrap.dedent(
        f"""
        import asyncio
        from accord import AccordSettings, AsyncAccord, DataDirLockedError
        async def main():
            try:
                async with AsyncAccord(AccordSettings(data_dir={str(settings.data_dir)!r}, embedder="none")):
                    print("OPENED")
            except DataDirLockedError as e:
                print("LOCKED:", e)
        asyncio.run(main())
        """
    )
    async with AsyncAccord(settings):
        proc = await asyncio.to_thread(subprocess.run, [sys.executable, "-c", script], capture_output=True, text=True, timeout=60)
    import os

    assert proc.stdout.startswith("LOCKED:"), proc.stdout + proc.stderr
    assert f"process {os.getpid()}" in proc.stdout and "accord serve" in proc.stdout
    # Once released, another process can open it.
    proc = await asyncio.to_thread(subprocess.run, [sys.executable, "-c", script], capture_output=True, text=True, timeout=60)
    assert proc.stdout.startswith("OPENED"), proc.stdout + proc.stderr


def test_closed_engine_raises_a_clear_error(tmp_path: Path) -> None:
    engine = AsyncAccord(AccordSettings(data_dir=tmp_path, embedder="none"))
    with pytest.raises(AccordError, match="not open"):
        asyncio.run(engine.add("I like tea", user_id="alice"))
