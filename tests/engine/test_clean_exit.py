"""A process that exits cleanly hands its claimed jobs back: the next worker starts at once,
not after the lease (a minute by default)."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence

from accord import AsyncAccord, ExtractedMemory, JobStatus, ManualClock, Message
from accord.adapters.extractors.rules.extractor import RuleBasedExtractor


class _Hanging(RuleBasedExtractor):
    """Extracts only once released; says when a call has started."""

    def __init__(self) -> None:
        super().__init__()
        self.started = asyncio.Event()

    async def extract(self, messages: Sequence[Message]) -> list[ExtractedMemory]:
        self.started.set()
        await asyncio.Event().wait()  # until cancelled by close()
        raise AssertionError("unreachable")


async def test_close_releases_a_running_job_to_the_next_worker(make_settings) -> None:
    clock = ManualClock()  # stands still: a lease would never expire by itself
    hanging = _Hanging()
    engine = AsyncAccord(make_settings(), clock=clock, extractor=hanging)
    await engine.start()
    result = await engine.add("I'm vegetarian", user_id="alice")
    async with asyncio.timeout(120):
        await hanging.started.wait()
    job = await engine.get_job(result.job_id)
    assert job.status is JobStatus.RUNNING
    await engine.close()
    async with AsyncAccord(make_settings(run_worker=False), clock=clock) as again:
        job = await again.get_job(result.job_id)
        assert job.status is JobStatus.QUEUED and job.attempts == 0  # an interrupted try is not spent
        assert await again.process_pending() == 1
        assert (await again.get_job(result.job_id)).status is JobStatus.DONE
        assert [m.attribute_key for m in await again.list_memories("alice", categories=["fact"])] == ["diet"]


async def test_close_keeps_a_saved_extraction_for_the_replay(make_settings) -> None:
    clock = ManualClock()
    async with AsyncAccord(make_settings(run_worker=False), clock=clock) as engine:
        result = await engine.add("I'm vegetarian", user_id="alice")
        worker = engine._worker  # noqa: SLF001 - stop the job between saving its output and applying it
        job = await engine.parts.store.claim_job(worker.id, clock.now(), 60, 3)
        extracted, served = await engine.parts.extractor.extract_served(await engine.parts.store.job_messages("default", job.id))
        assert await engine.parts.store.save_extraction(job.id, worker.id, extracted, served, clock.now())
    async with AsyncAccord(make_settings(run_worker=False), clock=clock) as again:
        job = await again.get_job(result.job_id)
        assert job.status is JobStatus.QUEUED and job.extraction is not None
        assert await again.process_pending() == 1
        assert (await again.get_job(result.job_id)).status is JobStatus.DONE
