"""Prompts, argument completion and the single-memory resource, each within the caller's grant."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

import pytest
from accord import AsyncAccord
from accord_mcp import MEMORY_TEMPLATE, PROFILE_TEMPLATE
from mcp import MCPError
from mcp.types import PromptReference, ResourceTemplateReference, TextContent, TextResourceContents

if TYPE_CHECKING:
    from .conftest import Agents


def text_of(result) -> str:  # type: ignore[no-untyped-def]
    (message,) = result.messages
    assert message.role == "user" and isinstance(message.content, TextContent)
    return message.content.text


async def seed(engine: AsyncAccord) -> None:
    await engine.add([{"role": "user", "content": "I'm vegetarian. I prefer short recipes. I want to run a marathon."}], "alice", wait=True)
    await engine.add([{"role": "user", "content": "I work at Acme."}], "bob", wait=True)


async def test_the_prompts_a_user_picks_from_a_menu(connect, engine: AsyncAccord, count) -> None:
    await seed(engine)
    before = await count(engine, "alice")
    async with connect(user_id="alice") as client:
        listed = {p.name: p for p in (await client.list_prompts()).prompts}
        recall = text_of(await client.get_prompt("what_do_you_remember", {}))
        only_goals = text_of(await client.get_prompt("what_do_you_remember", {"category": "goal"}))
        remember = text_of(await client.get_prompt("remember_this", {"text": "I moved to Porto"}))
        forget = text_of(await client.get_prompt("forget_this", {"what": "vegetarian"}))
        nothing = text_of(await client.get_prompt("forget_this", {"what": "skydiving", "user_id": "bob"}))
    assert set(listed) == {"what_do_you_remember", "remember_this", "forget_this"}
    assert listed["what_do_you_remember"].title == "What do you remember about me?"
    assert [a.name for a in listed["remember_this"].arguments or []] == ["text", "user_id"]
    assert [a.required for a in listed["remember_this"].arguments or []] == [True, False]
    assert "User is vegetarian" in recall and "marathon" in recall
    assert "marathon" in only_goals and "vegetarian" not in only_goals
    assert "I moved to Porto" in remember and 'user_id "alice"' in remember and "add_memory" in remember
    (vegetarian,) = [m for m in await engine.list_memories("alice") if m.content == "User is vegetarian"]
    assert f"- {vegetarian.id}: User is vegetarian" in forget and "delete_memory" in forget
    assert "no memory that matches" in nothing
    assert await count(engine, "alice") == before  # prompts only read: the model writes and deletes through tools


async def test_prompt_errors_name_the_problem(connect) -> None:
    async with connect() as client:
        with pytest.raises(MCPError, match="user_id: required") as no_user:
            await client.get_prompt("remember_this", {"text": "x"})
        with pytest.raises(MCPError, match="category") as bad_category:
            await client.get_prompt("what_do_you_remember", {"user_id": "alice", "category": "colour"})
        with pytest.raises(MCPError, match="^name: no prompt 'test_simple_prompt'") as unknown:
            await client.get_prompt("test_simple_prompt", {})
        with pytest.raises(MCPError, match="^arguments.what: required by the prompt 'forget_this'") as missing:
            await client.get_prompt("forget_this", {"user_id": "alice"})
    codes = {e.value.error.code for e in (no_user, bad_category, unknown, missing)}
    assert codes == {-32602}


async def test_a_category_grant_limits_what_a_prompt_shows(connect, engine: AsyncAccord, agents: Agents) -> None:
    await seed(engine)
    # Facts only: with "episodic" too the raw turn, which says all three, could be shown as said.
    facts_only, key = await engine.create_agent("facts-only")
    await engine.grant(facts_only.id, "read_only", categories=["fact"])
    async with connect(user_id="alice", api_key=key.key) as facts:
        recall = text_of(await facts.get_prompt("what_do_you_remember", {}))
    assert "vegetarian" in recall and "marathon" not in recall and "short recipes" not in recall


async def test_completion_of_user_ids_categories_and_memory_ids(connect, engine: AsyncAccord, agents: Agents) -> None:
    await seed(engine)
    alice = {m.id: m for m in await engine.list_memories("alice")}
    some_id = next(iter(alice))
    recall = PromptReference(type="ref/prompt", name="what_do_you_remember")
    memory = ResourceTemplateReference(type="ref/resource", uri=MEMORY_TEMPLATE)
    profile = ResourceTemplateReference(type="ref/resource", uri=PROFILE_TEMPLATE)
    async with connect(user_id="alice") as owner:
        users = (await owner.complete(profile, {"name": "user_id", "value": ""})).completion
        b_users = (await owner.complete(recall, {"name": "user_id", "value": "B"})).completion
        categories = (await owner.complete(recall, {"name": "category", "value": "p"})).completion
        bob_categories = (await owner.complete(recall, {"name": "category", "value": ""}, {"user_id": "bob"})).completion
        ids = (await owner.complete(memory, {"name": "memory_id", "value": some_id[:6]})).completion
        unknown = (await owner.complete(PromptReference(type="ref/prompt", name="test_prompt_with_arguments"),
                                        {"name": "arg1", "value": "par"})).completion
    async with connect(user_id="alice", api_key=agents.facts_key) as facts:
        facts_users = (await facts.complete(profile, {"name": "user_id", "value": ""})).completion
        facts_categories = (await facts.complete(recall, {"name": "category", "value": ""})).completion
        facts_ids = (await facts.complete(memory, {"name": "memory_id", "value": ""})).completion
    assert users.values == ["alice", "bob"] and users.total == 2 and users.has_more is False
    assert b_users.values == ["bob"]  # case-insensitive prefix
    assert categories.values == ["preference"] and bob_categories.values == ["episodic", "fact"]
    assert some_id in ids.values and all(v.startswith(some_id[:6]) for v in ids.values)
    assert unknown.values == []  # someone else's prompt: nothing, not an error
    # An agent key completes only what it may see: its default user, fact and episodic memories.
    assert facts_users.values == ["alice"]
    assert facts_categories.values == ["episodic", "fact"]
    assert {alice[i].category.value for i in facts_ids.values} == {"episodic", "fact"}


async def test_a_memory_resource_and_its_errors(connect, engine: AsyncAccord, agents: Agents) -> None:
    await seed(engine)
    (goal,) = await engine.list_memories("alice", categories=["goal"])
    uri = f"accord://memories/{goal.id}"
    async with connect(user_id="alice") as owner:
        read = await owner.read_resource(uri)
        with pytest.raises(MCPError) as missing:
            await owner.read_resource("accord://memories/00000000-0000-4000-8000-000000000000")
        with pytest.raises(MCPError) as malformed:
            await owner.read_resource("accord://memories/not-an-id")
    async with connect(user_id="alice", api_key=agents.facts_key) as facts:
        with pytest.raises(MCPError) as hidden:
            await facts.read_resource(uri)
    (content,) = read.contents
    assert isinstance(content, TextResourceContents) and content.mime_type == "application/json"
    body = json.loads(content.text)
    assert body["id"] == goal.id and body["category"] == "goal" and "marathon" in body["content"]
    # SEP-2164: -32602 with the URI in data, never empty contents; a hidden memory reads like a missing one.
    for raised, asked in ((missing, "accord://memories/00000000-0000-4000-8000-000000000000"),
                          (malformed, "accord://memories/not-an-id"), (hidden, uri)):
        assert raised.value.error.code == -32602 and raised.value.error.data == {"uri": asked}
    assert str(hidden.value).startswith("not found: no memory") and str(missing.value).startswith("not found: no memory")
