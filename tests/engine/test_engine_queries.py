"""The queries adapters used to do by hand: memories by metadata path, the memories of one add()
job, and the tenant's users. Same answers on SQLite and PostgreSQL; bad filters name the field."""

from __future__ import annotations

from pathlib import Path

import pytest

from accord import AccordSettings, AsyncAccord, InvalidInputError, PermissionDeniedError


@pytest.fixture
async def memory(sql_url: str, tmp_path: Path):
    settings = AccordSettings(data_dir=tmp_path / "data", embedder="none", database_url=sql_url)
    async with AsyncAccord(settings) as engine:
        yield engine


async def test_metadata_paths_select_exactly_the_matching_turns(memory: AsyncAccord) -> None:
    put = {"store": {"key": "k1", "namespace": ["users", "alice"]}, "origin": "planner"}
    first = await memory.add("I live in Lisbon", user_id="alice", metadata=put)
    await memory.add("I work at Acme", user_id="alice", metadata={"store": {"key": "k2"}, "origin": "planner"})
    await memory.add("I like tea", user_id="alice", metadata={"origin": "reviewer"})

    by_key = await memory.list_memories("alice", categories=["episodic"], metadata={"store.key": "k1"})
    assert [m.id for m in by_key] == first.episodic_memory_ids
    by_origin = await memory.list_memories("alice", categories=["episodic"], metadata={"origin": "planner"})
    assert sorted(m.content for m in by_origin) == ["I live in Lisbon", "I work at Acme"]
    both = await memory.list_memories("alice", metadata={"origin": "planner", "store.key": "k2"})
    assert [m.content for m in both] == ["I work at Acme"]
    assert await memory.list_memories("alice", metadata={"store.key": "nope"}) == []
    assert await memory.list_memories("bob", metadata={"origin": "planner"}) == []


async def test_job_id_selects_what_one_add_wrote(memory: AsyncAccord) -> None:
    one = await memory.add("I'm vegetarian", user_id="alice", wait=True)
    two = await memory.add("I work at Initech", user_id="alice", wait=True)
    assert one.job_id and two.job_id
    of_one = await memory.list_memories("alice", job_id=one.job_id)
    assert {m.id for m in of_one} == set(one.episodic_memory_ids) | {m.id for m in one.memories_created}
    assert all(m.source.job_id == one.job_id for m in of_one)
    durable = await memory.list_memories("alice", job_id=two.job_id, categories=["fact"])
    assert [m.content for m in durable] == [m.content for m in two.memories_created if m.category.value == "fact"]


async def test_list_users_is_for_admins_and_in_id_order(memory: AsyncAccord) -> None:
    for user in ("carol", "alice", "bob"):
        await memory.add("I like hiking", user_id=user)
    assert await memory.list_users() == ["alice", "bob", "carol"]
    assert await memory.list_users(limit=2, offset=1) == ["bob", "carol"]
    await memory.forget_user("bob")
    assert await memory.list_users() == ["alice", "carol"]
    _, key = await memory.create_agent("planner")
    agent = await memory.for_key(key.key)
    with pytest.raises(PermissionDeniedError, match="list users"):
        await agent.list_users()


@pytest.mark.parametrize(
    ("metadata", "field"),
    [
        ({}, "metadata"),
        ({"a b": "x"}, "metadata"),
        ({"a.b.c.d.e": "x"}, "metadata"),
        ({"a": 3}, "metadata.a"),
        ({f"k{i}": "x" for i in range(9)}, "metadata"),
        ("origin=planner", "metadata"),
    ],
)
async def test_bad_metadata_filters_name_the_field(memory: AsyncAccord, metadata: object, field: str) -> None:
    with pytest.raises(InvalidInputError) as caught:
        await memory.list_memories("alice", metadata=metadata)  # type: ignore[arg-type]
    assert caught.value.field == field


async def test_a_bad_job_id_names_the_field(memory: AsyncAccord) -> None:
    with pytest.raises(InvalidInputError) as caught:
        await memory.list_memories("alice", job_id="not-a-uuid")
    assert caught.value.field == "job_id"
