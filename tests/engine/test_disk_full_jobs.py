"""A full disk holds jobs back; it does not fail them. The disk is made full for real: SQLite's
``max_page_count`` on the store's one write connection caps the database at its current size,
a filler table takes every free page, and the next write that needs a page fails with
SQLITE_FULL, as on a full disk. (The fault suite, scripts/fault_suite.py, fills a tmpfs under a
running server.)"""

from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlalchemy.engine import Connection

from collections.abc import Sequence

from accord import AsyncAccord, DiskFullError, ExtractedMemory, JobStatus, ManualClock, Message
from accord.adapters.extractors.rules.extractor import RuleBasedExtractor


class _Wordy(RuleBasedExtractor):
    """The rules' memories plus notes long enough to need new pages wherever they are stored."""

    async def extract(self, messages: Sequence[Message]) -> list[ExtractedMemory]:
        notes = [
            ExtractedMemory(content=f"User keeps note {n}: " + " ".join(f"item{n}x{i}" for i in range(300)),
                            category="fact", importance=0.5)
            for n in range(3)
        ]
        return [*await super().extract(messages), *notes]


async def _fill_database(engine: AsyncAccord) -> None:
    """Cap the database at its size and fill its free pages."""
    write = engine.parts.store._sql.write  # noqa: SLF001 - the writer is one pooled connection

    def cap(conn: Connection) -> None:
        size = conn.execute(text("PRAGMA page_count")).scalar_one()
        conn.execute(text(f"PRAGMA max_page_count = {int(size)}"))

    await write(lambda conn: conn.execute(text("CREATE TABLE filler (b BLOB)")))
    await write(cap)
    for size in (65536, 4096, 512):  # big blobs first, then smaller ones into what is left
        with pytest.raises(DiskFullError):
            for _ in range(100_000):
                await write(lambda conn, n=size: conn.execute(text(f"INSERT INTO filler VALUES (randomblob({n}))")))


async def _free_space(engine: AsyncAccord) -> None:
    def free(conn: Connection) -> None:
        conn.execute(text("DROP TABLE filler"))
        conn.execute(text("PRAGMA max_page_count = 1073741823"))

    await engine.parts.store._sql.write(free)  # noqa: SLF001


async def test_a_job_waits_for_disk_space_without_spending_its_attempts(make_settings) -> None:
    clock = ManualClock()
    settings = make_settings(run_worker=False, job_max_attempts=2)
    async with AsyncAccord(settings, clock=clock, extractor=_Wordy()) as engine:
        queued = await engine.add("I work at Initech", user_id="alice")
        await _fill_database(engine)
        for _ in range(4):  # twice the attempts a failing job would have
            await engine.process_pending()
            job = await engine.get_job(queued.job_id)
            assert job.status is JobStatus.QUEUED and job.attempts == 0, job
            assert "disk is full" in (job.error or "")
            assert await engine.process_pending() == 0  # deferred: not claimable before its time
            clock.advance(seconds=6)
        await _free_space(engine)
        assert await engine.process_pending() == 1
        job = await engine.get_job(queued.job_id)
        assert job.status is JobStatus.DONE, job
        facts = await engine.list_memories("alice", categories=["fact"])
        assert any("Initech" in m.content for m in facts)


async def test_other_storage_failures_still_spend_attempts(make_settings) -> None:
    # The disk-full wait is for that cause only: a job that fails for another reason still
    # ends failed after its attempts, as before.
    clock = ManualClock()
    async with AsyncAccord(make_settings(run_worker=False, job_max_attempts=2), clock=clock) as engine:
        queued = await engine.add("I work at Initech", user_id="alice")
        await engine.parts.store._sql.write(  # noqa: SLF001 - a trigger that refuses the apply
            lambda conn: conn.execute(text(
                "CREATE TRIGGER refuse BEFORE INSERT ON memories BEGIN SELECT RAISE(ABORT, 'refused by test'); END"
            ))
        )
        for _ in range(3):
            await engine.process_pending()
            clock.advance(seconds=120)
        job = await engine.get_job(queued.job_id)
        assert job.status is JobStatus.FAILED and "refused by test" in (job.error or ""), job
