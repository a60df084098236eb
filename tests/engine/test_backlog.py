"""A bounded backlog: past the tenant's limit of open jobs, ``add`` is blocked with a reason and
a time to come back, stores nothing, and other tenants are not affected."""

from __future__ import annotations

from accord import AsyncAccord


async def test_adds_past_the_backlog_limit_are_blocked_and_store_nothing(make_settings) -> None:
    async with AsyncAccord(make_settings(run_worker=False, max_pending_jobs_per_tenant=3)) as engine:
        results = [await engine.add(f"I like colour number {i}", user_id="alice") for i in range(3)]
        assert [r.status for r in results] == ["queued"] * 3
        before = len(await engine.list_memories("alice", limit=1000))
        blocked = await engine.add("I like the colour teal", user_id="bob")
        assert (blocked.status, blocked.blocked_reason, blocked.job_id) == ("blocked", "backlog", None)
        assert blocked.retry_after_seconds is not None and blocked.retry_after_seconds >= 1
        assert len(await engine.list_memories("alice", limit=1000)) == before
        assert await engine.list_memories("bob") == []
        # Another tenant has a backlog of its own.
        await engine.create_tenant("acme")
        assert (await engine.for_tenant("acme").add("I like tea", user_id="carol")).status == "queued"
        # Once the worker has caught up, writes go through again.
        assert await engine.process_pending() == 4  # (acme's job too)
        assert (await engine.add("I like the colour teal", user_id="bob")).status == "queued"
