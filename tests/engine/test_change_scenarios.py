"""Life changes end to end, on SQLite and PostgreSQL: which memory is current and which is kept as
history when statements arrive in order, out of order (dated messages), or as denials."""

from __future__ import annotations

import datetime as dt
from pathlib import Path


from accord import AccordSettings, AsyncAccord, MemoryStatus

JAN_2020 = "2020-01-15T10:00:00+00:00"
MAR_2024 = "2024-03-01T10:00:00+00:00"
SEP_2024 = "2024-09-01T10:00:00+00:00"


async def engine_for(sql_url: str, tmp_path: Path) -> AsyncAccord:
    return AsyncAccord(AccordSettings(data_dir=tmp_path / "d", embedder="none", database_url=sql_url))


async def say(engine: AsyncAccord, text: str, created_at: str | None = None) -> None:
    message: dict[str, str] = {"role": "user", "content": text}
    if created_at is not None:
        message["created_at"] = created_at
    result = await engine.add([message], user_id="alice", wait=True)
    assert result.status == "done", result


async def durable(engine: AsyncAccord) -> list:
    return [m for m in await engine.list_memories("alice", include_archived=True) if m.category.value != "episodic"]


def by_status(memories: list, key_prefix: str) -> tuple[list, list]:
    mine = [m for m in memories if (m.attribute_key or "").split("@")[0] == key_prefix]
    return [m for m in mine if m.status is MemoryStatus.ACTIVE], [m for m in mine if m.status is MemoryStatus.ARCHIVED]


async def test_an_older_dated_statement_never_supersedes_a_newer_one(sql_url: str, tmp_path: Path) -> None:
    async with await engine_for(sql_url, tmp_path) as engine:
        await say(engine, "I live in Rome.", SEP_2024)
        await say(engine, "I live in Berlin.", JAN_2020)  # said years earlier, arrives later
        active, archived = by_status(await durable(engine), "city")
        assert archived == []
        current = [m for m in active if m.attribute_key == "city"]
        past = [m for m in active if m.attribute_key != "city"]
        assert [m.content for m in current] == ["User lives in Rome"]
        assert [m.content for m in past] == ["User lives in Berlin"]
        # The past value holds from when it was said until the newer value began.
        assert past[0].attribute_key == "city@until 2024-09-01"
        assert past[0].valid_from == dt.datetime.fromisoformat(JAN_2020)
        assert past[0].valid_to == dt.datetime.fromisoformat(SEP_2024)


async def test_statements_in_order_supersede_with_history(sql_url: str, tmp_path: Path) -> None:
    async with await engine_for(sql_url, tmp_path) as engine:
        await say(engine, "I live in Berlin.", JAN_2020)
        await say(engine, "I live in Rome now.", SEP_2024)
        active, archived = by_status(await durable(engine), "city")
        assert [m.content for m in active] == ["User lives in Rome now"]
        assert [m.content for m in archived] == ["User lives in Berlin"]
        assert archived[0].valid_to == dt.datetime.fromisoformat(SEP_2024)
        assert active[0].lineage_id == archived[0].lineage_id


async def test_three_dated_statements_arriving_shuffled_end_with_the_newest_current(sql_url: str, tmp_path: Path) -> None:
    async with await engine_for(sql_url, tmp_path) as engine:
        await say(engine, "I live in Lisbon.", MAR_2024)
        await say(engine, "I live in Rome.", SEP_2024)  # newer: supersedes Lisbon
        await say(engine, "I live in Berlin.", JAN_2020)  # older than both: a past value only
        memories = await durable(engine)
        active, archived = by_status(memories, "city")
        assert [m.content for m in active if m.attribute_key == "city"] == ["User lives in Rome"]
        assert [m.content for m in archived] == ["User lives in Lisbon"]
        assert [m.content for m in active if m.attribute_key != "city"] == ["User lives in Berlin"]


async def test_a_denial_archives_the_value_it_denies(sql_url: str, tmp_path: Path) -> None:
    async with await engine_for(sql_url, tmp_path) as engine:
        await say(engine, "I smoke.", MAR_2024)
        await say(engine, "I quit smoking.", SEP_2024)
        memories = await durable(engine)
        active = [m for m in memories if m.status is MemoryStatus.ACTIVE]
        archived = [m for m in memories if m.status is MemoryStatus.ARCHIVED]
        assert [m.content for m in archived] == ["User smokes"]
        assert [m.content for m in active] == ["User quit smoking"]
        assert active[0].metadata.get("negated") is True


async def test_an_older_denial_leaves_the_newer_value_current(sql_url: str, tmp_path: Path) -> None:
    async with await engine_for(sql_url, tmp_path) as engine:
        await say(engine, "I'm vegetarian.", SEP_2024)
        await say(engine, "I'm not vegetarian.", JAN_2020)
        memories = await durable(engine)
        assert [m.content for m in memories if m.status is MemoryStatus.ARCHIVED] == []
        current = [m for m in memories if m.attribute_key == "diet"]
        assert [m.content for m in current] == ["User is vegetarian"]


async def test_a_terse_denial_and_fragment_move_the_user(sql_url: str, tmp_path: Path) -> None:
    async with await engine_for(sql_url, tmp_path) as engine:
        await say(engine, "I live in Tucson.")
        await say(engine, "Don't live in Tucson anymore. Portland.")
        active, archived = by_status(await durable(engine), "city")
        assert [m.content for m in active] == ["User lives in Portland now"]
        assert [m.content for m in archived] == ["User lives in Tucson"]


async def current_and_archived(engine: AsyncAccord) -> tuple[list[str], list[str]]:
    memories = await durable(engine)
    now = dt.datetime.now(dt.UTC)
    current = [m.content for m in memories if m.status is MemoryStatus.ACTIVE and (m.valid_to is None or m.valid_to > now)]
    return current, [m.content for m in memories if m.status is MemoryStatus.ARCHIVED]


async def test_a_habit_said_to_be_past_is_no_longer_current(sql_url: str, tmp_path: Path) -> None:
    async with await engine_for(sql_url, tmp_path) as engine:
        await say(engine, "I play tennis every weekend.")
        await say(engine, "I used to play tennis but my knee won't let me now.")
        current, archived = await current_and_archived(engine)
        assert not any("tennis" in c for c in current)
        assert archived == ["User plays tennis every weekend"]


async def test_a_partnership_event_of_the_pair_supersedes_the_earlier_stage(sql_url: str, tmp_path: Path) -> None:
    async with await engine_for(sql_url, tmp_path) as engine:
        await say(engine, "My girlfriend Lena is a nurse.")
        await say(engine, "Lena and I got engaged last weekend!")
        current, archived = await current_and_archived(engine)
        assert "User got engaged to Lena last weekend" in current
        assert not any("girlfriend" in c for c in current)
        assert any("girlfriend" in a for a in archived)


async def test_being_laid_off_ends_the_employer(sql_url: str, tmp_path: Path) -> None:
    async with await engine_for(sql_url, tmp_path) as engine:
        await say(engine, "I work in marketing at Unilever.")
        await say(engine, "I got laid off from Unilever, looking for work now.")
        current, archived = await current_and_archived(engine)
        assert not any("Unilever" in c for c in current)
        assert "User works at Unilever" in archived
        assert "User works in marketing" in current


async def test_a_plan_to_move_is_refined_by_the_next_and_leaves_the_city_current(sql_url: str, tmp_path: Path) -> None:
    async with await engine_for(sql_url, tmp_path) as engine:
        await say(engine, "I live in Boston.")
        await say(engine, "We're moving abroad next year, eek!")
        await say(engine, "It's official, we're moving to Lisbon in September!")
        memories = await durable(engine)
        city, _ = by_status(memories, "city")
        assert [m.content for m in city] == ["User lives in Boston"]  # not moved yet
        active, archived = by_status(memories, "plan:move")
        assert [m.content for m in active] == ["User is moving to Lisbon in September"]
        assert [m.content for m in archived] == ["User is moving abroad next year"]
