"""The L4 quota bounds a tenant's memories: a turn waiting for extraction holds one place, the
facts drawn from it take their places, and extraction never goes past the quota."""

from __future__ import annotations

from accord import AsyncAccord

TURNS = ["I'm vegetarian", "I work at Globex", "I live in Oslo", "My sister is called Ana", "I love hiking"]


async def _durable(engine: AsyncAccord, user: str = "alice") -> list[str]:
    return [m.content for m in await engine.list_memories(user, limit=1000) if m.category.value != "episodic"]


async def test_extraction_stops_at_the_quota(make_settings) -> None:
    async with AsyncAccord(make_settings(tenant_memory_quota=4, run_worker=False)) as engine:
        queued = [await engine.add(t, user_id="alice") for t in TURNS[:4]]
        assert [r.status for r in queued] == ["queued"] * 4
        # Four turns wait: four places are held, so a fifth is refused at the gate.
        blocked = await engine.add(TURNS[4], user_id="alice")
        assert (blocked.status, blocked.blocked_reason) == ("blocked", "budget_exhausted")
        assert await engine.process_pending() == 4
        assert len(await _durable(engine)) == 4
        assert await engine.parts.store.quota_used("default") == 4


async def test_a_turn_and_the_fact_drawn_from_it_count_once(make_settings) -> None:
    async with AsyncAccord(make_settings(tenant_memory_quota=2, run_worker=False)) as engine:
        await engine.add(TURNS[0], user_id="alice")
        assert await engine.parts.store.quota_used("default") == 1
        await engine.process_pending()
        assert len(await _durable(engine)) == 1
        assert await engine.parts.store.quota_used("default") == 1
        assert (await engine.add(TURNS[1], user_id="alice")).status == "queued"
        assert (await engine.add(TURNS[2], user_id="alice")).blocked_reason == "budget_exhausted"


async def test_extraction_beyond_the_quota_is_dropped_not_stored(make_settings) -> None:
    async with AsyncAccord(make_settings(tenant_memory_quota=2, run_worker=False)) as engine:
        # One turn holds one place, but yields three facts: two fit, the third is not stored.
        await engine.add("I am vegetarian and I work at Globex. I live in Oslo.", user_id="alice")
        assert await engine.process_pending() == 1
        assert len(await _durable(engine)) == 2
        assert await engine.parts.store.quota_used("default") == 2
        # An update of a stored fact takes no new place: it still goes through at the quota.
        assert (await engine.add("I am vegetarian", user_id="alice")).blocked_reason == "budget_exhausted"


async def test_an_update_at_the_quota_replaces_and_takes_no_new_place(make_settings) -> None:
    async with AsyncAccord(make_settings(tenant_memory_quota=2, run_worker=False)) as engine:
        await engine.add("I work at Globex", user_id="alice")
        await engine.process_pending()
        await engine.add("I now work at Initech", user_id="alice")
        await engine.process_pending()
        durable = await _durable(engine)
        assert len(durable) == 1 and "Initech" in durable[0]


async def test_the_quota_holds_on_every_sql_backend(make_settings, sql_url: str) -> None:
    settings = make_settings(tenant_memory_quota=2, run_worker=False, database_url=sql_url)
    async with AsyncAccord(settings) as engine:
        await engine.add("I am vegetarian and I work at Globex. I live in Oslo.", user_id="alice")
        assert await engine.process_pending() == 1
        assert len(await _durable(engine)) == 2
        assert await engine.parts.store.quota_used("default") == 2
