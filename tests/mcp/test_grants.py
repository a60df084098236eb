"""Each tool runs within the caller's grant (the key configured for stdio, in-process here)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
from accord import AsyncAccord, PermissionDeniedError
from accord_mcp import AgentViews

if TYPE_CHECKING:
    from .conftest import Agents


async def test_a_read_only_agent_cannot_add_and_nothing_is_stored(connect, calls, agents: Agents, engine, count) -> None:
    before = await count(engine, "alice")
    async with connect(api_key=agents.reader_key, user_id="alice") as client:
        for args in ({"text": "I'm vegetarian"}, {"messages": [{"role": "user", "content": "I work at Acme"}], "wait": True}):
            message = await calls.error(client, "add_memory", args)
            assert message.startswith("permission denied: agent ") and "may not write the memory of user 'alice'" in message
            assert agents.reader_key not in message
    assert await count(engine, "alice") == before == (0, 0)


async def test_a_reader_reads_what_a_writer_stored_but_cannot_change_it(connect, calls, agents: Agents) -> None:
    async with connect(api_key=agents.writer_key, user_id="alice") as writer:
        added = await calls.ok(writer, "add_memory", {"text": "I live in Berlin", "wait": True})
        (city,) = added["memories_created"]
        assert city["agent_id"] == agents.writer_id
    async with connect(api_key=agents.reader_key, user_id="alice") as reader:
        ctx = await calls.ok(reader, "get_context", {"query": "where do I live?"})
        assert "User lives in Berlin" in ctx["system_prompt_addition"]
        listed = await calls.ok(reader, "list_memories", {})
        assert city["id"] in {m["id"] for m in listed["memories"]}
        history = await calls.ok(reader, "memory_history", {"memory_id": city["id"]})
        assert history["versions"][0]["agent_id"] == agents.writer_id
        denied = await calls.error(reader, "delete_memory", {"memory_id": city["id"]})
        assert denied.startswith("permission denied: agent ") and "may not delete fact memories" in denied


async def test_a_category_grant_limits_reads_and_writes(connect, calls, agents: Agents, engine: AsyncAccord) -> None:
    async with connect(user_id="alice") as owner:
        added = await calls.ok(owner, "add_memory", {"text": "I'm vegetarian. I prefer short recipes.", "wait": True})
    preference = next(m for m in added["memories_created"] if m["category"] == "preference")
    async with connect(api_key=agents.facts_key, user_id="alice") as facts:
        ctx = await calls.ok(facts, "get_context", {"query": "dinner recipes"})
        assert {m["category"] for m in ctx["memories"]} <= {"fact", "episodic"}
        assert "short recipes" not in ctx["system_prompt_addition"].split("From past")[0]
        only_prefs = await calls.ok(facts, "list_memories", {"categories": ["preference"]})
        assert only_prefs["memories"] == []
        hidden = await calls.error(facts, "memory_history", {"memory_id": preference["id"]})
        assert hidden == f"not found: no memory {preference['id']}"
        profile = await facts.read_resource("accord://users/alice/profile")
        assert "preference" not in profile.contents[0].text  # type: ignore[union-attr]
    assert preference["id"] in {m.id for m in await engine.list_memories("alice")}


async def test_only_a_writer_may_resolve_a_users_question(connect, calls, agents: Agents) -> None:
    async with connect(api_key=agents.writer_key, user_id="alice") as writer:
        await calls.ok(writer, "add_memory", {"text": "I live in Berlin", "wait": True})
        await calls.ok(writer, "add_memory", {"text": "I think I live in Porto", "wait": True})
        question = (await calls.ok(writer, "get_context", {"query": "where do I live?"}))["clarification_question"]
    async with connect(api_key=agents.reader_key, user_id="alice") as reader:
        ctx = await calls.ok(reader, "get_context", {"query": "where do I live?"})
        assert ctx["clarification_question"] is None  # a reader is not asked to settle anything
        refused = await calls.error(reader, "resolve", {"question_id": question["id"], "answer": 1})
        assert refused == f"not found: no conflict or question {question['id']}"


async def test_a_revoked_grant_takes_effect_at_once(connect, calls, agents: Agents, engine: AsyncAccord) -> None:
    async with connect(api_key=agents.writer_key, user_id="alice", auth_cache_seconds=60) as writer:
        await calls.ok(writer, "add_memory", {"text": "I work at Acme", "wait": True})
        (grant,) = await engine.list_grants(agent_id=agents.writer_id)
        await engine.revoke_grant(grant.id)
        assert (await calls.ok(writer, "list_memories", {}))["memories"] == []
        assert (await calls.error(writer, "add_memory", {"text": "I'm vegetarian"})).startswith("permission denied:")


async def test_a_revoked_key_stops_working_once_its_cache_entry_expires(connect, calls, agents: Agents, engine) -> None:
    async with connect(api_key=agents.writer_key, user_id="alice", auth_cache_seconds=0) as writer:
        await calls.ok(writer, "list_memories", {})
        (key,) = await engine.list_keys(agents.writer_id)
        await engine.revoke_key(key.key_id)
        message = await calls.error(writer, "list_memories", {})
    assert message == "permission denied: invalid, expired or revoked key"


async def test_agent_views_are_cached_briefly_and_never_by_the_raw_key(engine: AsyncAccord, agents: Agents) -> None:
    now = [0.0]
    views = AgentViews(engine, ttl_seconds=5.0, clock=lambda: now[0])
    first = await views.view(agents.writer_key)
    assert await views.view(agents.writer_key) is first
    assert agents.writer_key.encode() not in views._cache
    (key,) = await engine.list_keys(agents.writer_id)
    await engine.revoke_key(key.key_id)
    now[0] = 4.9
    assert await views.view(agents.writer_key) is first  # still inside the window
    now[0] = 5.1
    with pytest.raises(PermissionDeniedError):
        await views.view(agents.writer_key)


async def test_the_cache_is_bounded(engine: AsyncAccord, agents: Agents) -> None:
    views = AgentViews(engine, ttl_seconds=60.0, max_entries=2)
    for key in (agents.writer_key, agents.reader_key, agents.facts_key):
        await views.view(key)
    assert len(views._cache) == 2


async def test_a_user_token_acts_for_its_own_user(connect, calls, engine: AsyncAccord) -> None:
    token = await engine.issue_user_token("carol")
    async with connect(api_key=token.token) as client:
        added = await calls.ok(client, "add_memory", {"text": "I'm vegetarian", "wait": True})
        assert added["memories_created"][0]["content"] == "User is vegetarian"
        other = await calls.error(client, "add_memory", {"text": "I'm vegan", "user_id": "dave"})
    assert other.startswith("permission denied:")
    assert [m.content for m in await engine.list_memories("carol", categories=["fact"])] == ["User is vegetarian"]
