"""The write path end to end: gate, durable enqueue, worker, read-your-writes."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence


from accord import AccordSettings, AsyncAccord, ExtractedMemory, JobStatus, Message, StorageError
from accord.adapters.extractors.rules.extractor import RuleBasedExtractor


async def _counts(engine: AsyncAccord, user: str) -> tuple[int, int, int]:
    stats = await engine.stats(user)
    return stats.messages, stats.active_memories, stats.jobs_pending


async def test_add_returns_a_queued_job_at_once_and_the_turn_is_searchable_before_extraction(paused: AsyncAccord) -> None:
    result = await paused.add([{"role": "user", "content": "I adopted a greyhound called Pixel"}], user_id="alice")
    assert result.status == "queued" and result.job_id and len(result.episodic_memory_ids) == 1
    assert (await paused.get_job(result.job_id)).status is JobStatus.QUEUED
    ctx = await paused.get("tell me about the greyhound", user_id="alice")
    assert [m.id for m in ctx.memories] == result.episodic_memory_ids
    assert "Pixel" in ctx.system_prompt_addition


async def test_wait_runs_extraction_and_reports_the_memories_created(memory: AsyncAccord) -> None:
    result = await memory.add(
        [{"role": "user", "content": "I work at Acme as a data engineer."}, {"role": "assistant", "content": "Nice!"}],
        user_id="alice",
        session_id="s1",
        wait=True,
    )
    assert result.status == "done"
    assert any(m.attribute_key == "employer" for m in result.memories_created)
    job = await memory.get_job(result.job_id)
    assert job.status is JobStatus.DONE and job.extraction and job.extractor == "rules"
    ctx = await memory.get("where does the user work?", user_id="alice")
    assert any("Acme" in m.content and m.category.value == "fact" for m in ctx.memories)


async def test_background_worker_processes_without_wait(memory: AsyncAccord) -> None:
    result = await memory.add("I'm allergic to peanuts", user_id="bob")
    assert result.status == "queued"
    # The worker sets this event when it finishes the job; registered before the status is read,
    # so a job that finished in between is seen as done rather than missed.
    finished = memory._worker.finished_event(result.job_id)  # noqa: SLF001
    if (await memory.get_job(result.job_id)).status is not JobStatus.DONE:
        async with asyncio.timeout(120):  # guards against a hang only
            await finished.wait()
    assert (await memory.get_job(result.job_id)).status is JobStatus.DONE
    assert any("peanut" in m.content.lower() for m in await memory.list_memories("bob", categories=["fact"]))


async def test_l1_rate_limit_blocks_with_retry_after_and_stores_nothing(make_settings: Callable[..., AccordSettings]) -> None:
    async with AsyncAccord(make_settings(rate_limit_per_minute=6, rate_limit_burst=2, run_worker=False)) as engine:
        for i in range(2):
            assert (await engine.add(f"I visited city number {i}", user_id="alice")).status == "queued"
        before = await _counts(engine, "alice")
        blocked = await engine.add("I visited one more city", user_id="alice")
        assert (blocked.status, blocked.blocked_reason) == ("blocked", "rate_limit_exceeded")
        assert blocked.job_id is None and 0 < blocked.retry_after_seconds <= 10.5
        assert await _counts(engine, "alice") == before


async def test_l2_low_quality_is_blocked_and_stores_nothing(memory: AsyncAccord) -> None:
    blocked = await memory.add([{"role": "user", "content": "ok thanks!"}, {"role": "assistant", "content": "👍"}], user_id="alice")
    assert (blocked.status, blocked.blocked_reason, blocked.job_id) == ("blocked", "low_quality", None)
    assert await _counts(memory, "alice") == (0, 0, 0)


async def test_l3_duplicate_content_and_idempotency_key_are_blocked(paused: AsyncAccord) -> None:
    first = await paused.add("I live in Porto", user_id="alice", session_id="s1")
    before = await _counts(paused, "alice")
    again = await paused.add("i live in  porto", user_id="alice", session_id="s1")
    assert (again.status, again.blocked_reason, again.job_id) == ("blocked", "duplicate", first.job_id)
    keyed = await paused.add("I like tea", user_id="alice", idempotency_key="req-1")
    before = await _counts(paused, "alice")
    retry = await paused.add("I like green tea actually", user_id="alice", idempotency_key="req-1")
    assert (retry.blocked_reason, retry.job_id) == ("duplicate", keyed.job_id)
    assert await _counts(paused, "alice") == before
    # Same words from another user are not a duplicate.
    assert (await paused.add("I live in Porto", user_id="bob", session_id="s1")).status == "queued"


async def test_dedup_window_expires(make_settings: Callable[..., AccordSettings]) -> None:
    from accord import ManualClock

    clock = ManualClock()
    async with AsyncAccord(make_settings(run_worker=False, dedup_window_seconds=60), clock=clock) as engine:
        assert (await engine.add("I live in Porto", user_id="alice")).status == "queued"
        assert (await engine.add("I live in Porto", user_id="alice")).blocked_reason == "duplicate"
        clock.advance(seconds=61)
        assert (await engine.add("I live in Porto", user_id="alice")).status == "queued"


async def test_l4_budget_blocks_when_the_tenant_quota_is_used_up(make_settings: Callable[..., AccordSettings]) -> None:
    async with AsyncAccord(make_settings(tenant_memory_quota=3, run_worker=False)) as engine:
        assert (await engine.add(["I like tea", "I like chess"], user_id="alice")).status == "queued"
        before = await _counts(engine, "alice")
        blocked = await engine.add(["I like rowing", "I like jazz"], user_id="alice")
        assert (blocked.status, blocked.blocked_reason) == ("blocked", "budget_exhausted")
        assert await _counts(engine, "alice") == before


class _CountingExtractor(RuleBasedExtractor):
    calls = 0

    async def extract(self, messages: Sequence[Message]) -> list[ExtractedMemory]:
        type(self).calls += 1
        return await super().extract(messages)


async def test_extraction_is_saved_on_the_job_before_apply_and_a_replay_reuses_it(make_settings) -> None:
    async with AsyncAccord(make_settings(run_worker=False), extractor=_CountingExtractor()) as engine:
        worker = engine._worker  # noqa: SLF001 - inject the crash point between two steps of the job
        planned = worker._candidates  # noqa: SLF001
        crashed: list[bool] = []

        async def crash_once(job, extracted, messages):  # type: ignore[no-untyped-def]
            if not crashed:
                crashed.append(True)
                raise StorageError("simulated crash between saving the extraction and applying it")
            return await planned(job, extracted, messages)

        worker._candidates = crash_once  # type: ignore[method-assign]  # noqa: SLF001
        result = await engine.add("I'm vegetarian", user_id="alice")
        assert await engine.process_pending() == 2  # first attempt fails, the retry succeeds
        job = await engine.get_job(result.job_id)
        assert job.status is JobStatus.DONE and job.attempts == 2
        assert _CountingExtractor.calls == 1  # the retry applied the saved output, not a new extraction
        assert [m.attribute_key for m in await engine.list_memories("alice", categories=["fact"])] == ["diet"]


async def test_a_job_whose_worker_died_is_reclaimed_after_its_lease_and_applied_once(make_settings) -> None:
    from accord import ManualClock

    clock = ManualClock()
    async with AsyncAccord(make_settings(run_worker=False, job_lease_seconds=30), clock=clock) as engine:
        result = await engine.add("I work at Acme", user_id="alice")
        store = engine.parts.store
        dead = await store.claim_job("dead-worker", clock.now(), 30, 5)  # claimed, then the process died
        assert dead is not None and dead.id == result.job_id
        assert await engine.process_pending() == 0  # still leased
        clock.advance(seconds=31)
        assert await engine.process_pending() == 1
        job = await engine.get_job(result.job_id)
        assert job.status is JobStatus.DONE and job.attempts == 2
        assert len(await engine.list_memories("alice", categories=["fact"])) == 1


async def test_concurrent_adds_are_all_stored(memory: AsyncAccord) -> None:
    results = await asyncio.gather(*(memory.add(f"I collected stamp number {i}", user_id="alice") for i in range(30)))
    assert all(r.status == "queued" for r in results)
    assert len({r.job_id for r in results}) == 30
    assert (await memory.stats("alice")).messages == 30


async def test_the_write_and_read_paths_on_each_sql_backend(sql_url: str, make_settings) -> None:
    async with AsyncAccord(make_settings(database_url=sql_url)) as engine:
        result = await engine.add("I prefer Python examples", user_id="alice", wait=True)
        assert result.status == "done" and result.memories_created
        ctx = await engine.get("which language should examples use?", user_id="alice")
        assert any(m.attribute_key == "preference:examples" for m in ctx.memories)
        assert (await engine.forget_user("alice")).memories >= 2
