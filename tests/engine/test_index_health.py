"""A lost, stale or down index is detected, reported in ``mode``, read around and rebuilt."""

from __future__ import annotations

import asyncio
import shutil

from accord import AsyncAccord, JobStatus

FACTS = [f"My colleague number {i} is called Zorblat{i}" for i in range(20)]


async def _seed(engine: AsyncAccord) -> None:
    for text in FACTS:
        await engine.add(text, user_id="alice", wait=True)


async def _found(engine: AsyncAccord) -> int:
    hits = 0
    for i in range(len(FACTS)):
        ctx = await engine.get(f"Zorblat{i}", user_id="alice", limit=5)
        hits += any(f"Zorblat{i}" in m.content for m in ctx.memories)
    return hits


async def _repaired(engine: AsyncAccord) -> None:
    async with asyncio.timeout(120):  # only stops a hang; the rebuild is awaited by its event
        await engine._index_repair.repaired.wait()  # noqa: SLF001


async def test_a_deleted_index_is_found_at_start_up_read_around_and_rebuilt(make_settings) -> None:
    settings = make_settings()
    async with AsyncAccord(settings) as engine:
        await _seed(engine)
        stored = await engine.parts.index.count("default")
    shutil.rmtree(settings.data_dir / "index")
    async with AsyncAccord(settings) as engine:
        # Found at start-up; whether or not the background rebuild has finished yet, every read
        # sees every memory (through SQL while the index is stale: see the index-down test).
        assert engine._index_repair.found_at_start == f"{stored} points missing and 0 extra at start-up"  # noqa: SLF001
        assert await _found(engine) == len(FACTS)
        await _repaired(engine)
        assert await engine.parts.index.count("default") == stored
        mode = (await engine.health()).mode
        assert not mode.degraded and mode.search == "lexical"
        assert await _found(engine) == len(FACTS)


async def test_with_the_index_down_a_waiting_add_is_done_at_once(make_settings) -> None:
    async with AsyncAccord(make_settings()) as engine:
        await engine.add("I'm vegetarian", user_id="alice", wait=True)
        index = engine.parts.index
        await index.close()  # the index is down: every call to it fails
        result = await engine.add("I work at Globex", user_id="alice", wait=True, timeout=120)
        assert result.status == "done" and [m.content for m in result.memories_created] == ["User works at Globex"]
        job = await engine.get_job(result.job_id)
        assert job.status is JobStatus.DONE and job.attempts == 1
        mode = (await engine.health()).mode
        assert mode.degraded and any("index behind SQL" in n for n in mode.notes)
        ctx = await engine.get("where does the user work", user_id="alice")
        assert ctx.mode.search == "sql_keyword" and any("Globex" in m.content for m in ctx.memories)


async def test_a_queued_result_lists_no_memories(make_settings) -> None:
    async with AsyncAccord(make_settings(run_worker=False)) as engine:
        engine.settings = engine.settings.model_copy(update={"run_worker": True})  # wait without running it
        result = await engine.add("I work at Globex", user_id="alice", wait=True, timeout=0.05)
        assert result.status == "queued" and result.memories_created == []


async def test_a_new_embedder_size_wipes_and_rebuilds_the_index_instead_of_locking_the_store(
    make_settings, model2vec_dir
) -> None:
    async with AsyncAccord(make_settings()) as engine:  # lexical: no dense vectors
        await _seed(engine)
    async with AsyncAccord(make_settings(embedder=f"model2vec:{model2vec_dir}")) as engine:
        await _repaired(engine)
        assert engine.parts.index_stale is None
        assert await engine.parts.index.count("default") == len(await engine.list_memories("alice", limit=1000))
        ctx = await engine.get("Zorblat7", user_id="alice")
        assert ctx.mode.search == "hybrid" and not ctx.mode.degraded
        assert any("Zorblat7" in m.content for m in ctx.memories)
        assert await engine.reindex() >= len(FACTS)


async def test_an_index_directory_removed_under_a_running_engine_is_reported_and_rebuilt_durably(make_settings) -> None:
    settings = make_settings()
    async with AsyncAccord(settings) as engine:
        await _seed(engine)
        stored = await engine.parts.index.count("default")
        shutil.rmtree(settings.data_dir / "index")  # the open shard still answers from unlinked files
        report = await engine.health()
        assert report.status == "degraded" and "is gone" in report.checks["index"], report
        assert await _found(engine) == len(FACTS)  # read around, through SQL
        await _repaired(engine)
        assert (settings.data_dir / "index" / "segments").exists()
        assert (await engine.health()).status == "ok"
    async with AsyncAccord(settings) as engine:
        # The rebuilt shard is on disk: nothing is missing at the next start.
        assert engine._index_repair.found_at_start is None  # noqa: SLF001
        assert await engine.parts.index.count("default") == stored
        assert await _found(engine) == len(FACTS)


async def test_index_writes_stop_when_its_disk_is_nearly_full_and_sql_serves(make_settings, monkeypatch) -> None:
    # A real full disk is staged by scripts/fault_suite.py (a tmpfs); here any disk counts as full.
    from accord.adapters.index import qdrant_edge

    async with AsyncAccord(make_settings()) as engine:
        monkeypatch.setattr(qdrant_edge, "MIN_FREE_BYTES", 2**62)
        result = await engine.add("My colleague is called Zorblat", user_id="alice", wait=True, timeout=120)
        assert result.status == "done", result
        mode = (await engine.health()).mode
        assert mode.degraded and any("disk is full" in n for n in mode.notes), mode.notes
        ctx = await engine.get("Zorblat", user_id="alice")
        assert any("Zorblat" in m.content for m in ctx.memories)
        monkeypatch.setattr(qdrant_edge, "MIN_FREE_BYTES", 0)  # space freed: the index is rebuilt
        await _repaired(engine)
        assert await _found_one(engine, "Zorblat")


async def _found_one(engine: AsyncAccord, word: str) -> bool:
    ctx = await engine.get(word, user_id="alice")
    return any(word in m.content for m in ctx.memories)
