"""Many concurrent writers on one attribute: one head, no duplicates, an unbroken chain, no errors."""

from __future__ import annotations

import asyncio

from accord import AsyncAccord, ChangeType, JobStatus, MemoryStatus
from accord.engine.job import Worker


async def test_twenty_concurrent_writers_on_one_attribute(sql_url: str, make_settings) -> None:
    settings = make_settings(database_url=sql_url, run_worker=False, rate_limit_burst=1000)
    async with AsyncAccord(settings) as engine:
        results = await asyncio.gather(
            *(engine.add(f"I work at Company{i}", user_id="alice", session_id=f"s{i}") for i in range(20)),
            *(engine.add("I'm vegetarian", user_id="alice", session_id=f"v{i}") for i in range(5)),
        )
        assert all(r.status == "queued" for r in results), results
        # Six workers apply the jobs at the same time (on PostgreSQL truly in parallel).
        workers = [Worker(engine.parts, engine._indexer, engine._authz) for _ in range(6)]  # noqa: SLF001
        await asyncio.gather(*(w.drain() for w in workers))
        jobs = [await engine.get_job(r.job_id) for r in results]
        assert all(j.status is JobStatus.DONE and j.error is None for j in jobs), [j.error for j in jobs]

        everything = [m for m in await engine.list_memories("alice", include_archived=True, limit=1000) if m.category.value != "episodic"]
        employers = [m for m in everything if m.attribute_key == "employer"]
        active = [m for m in employers if m.status is MemoryStatus.ACTIVE]
        assert len(active) == 1, [m.content for m in active]
        assert len(employers) == 20 and len({m.lineage_id for m in employers}) == 1
        chain = await engine.history(active[0].id)
        assert [v.version for v in chain] == list(range(1, 21))  # unbroken, no fork
        assert chain[0].change_type is ChangeType.CREATED
        assert all(v.change_type is ChangeType.CONFLICT_UPDATE for v in chain[1:])
        # Every step's previous content is the step before it.
        assert all(chain[i].previous_content == chain[i - 1].content for i in range(1, 20))
        diets = [m for m in everything if m.attribute_key == "diet"]
        assert len(diets) == 1 and diets[0].status is MemoryStatus.ACTIVE  # the repeats were rejected
        ctx = await engine.get("where do I work?", user_id="alice")
        assert sum(1 for m in ctx.memories if m.attribute_key == "employer") == 1
        report = await engine.check()  # every point indexed once, one head per lineage, no orphans
        assert report.ok, {k: f for k, f in report.findings.items() if f.count}
