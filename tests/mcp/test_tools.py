"""Every tool and the profile resource through the SDK's in-process client (the local owner)."""

from __future__ import annotations

import json
from typing import Any

import accord_mcp
from accord_mcp.resources import ENTITIES_TEMPLATE
import pytest
from accord import AsyncAccord
from mcp import MCPError
from mcp.types import TextResourceContents

TOOLS = {
    "add_memory", "get_context", "search_memories", "list_memories", "memory_history", "delete_memory", "resolve", "feedback",
}  # fmt: skip


def test_public_surface_is_pinned() -> None:
    assert sorted(accord_mcp.__all__) == sorted(
        [
            "AgentKeyVerifier",
            "AgentViews",
            "McpSettings",
            "MemoryEngine",
            "MEMORY_TEMPLATE",
            "PROFILE_TEMPLATE",
            "SettingsError",
            "build_server",
            "open_engine",
            "serve_http",
            "streamable_http_app",
        ]
    )


async def test_tools_have_descriptions_bounded_inputs_and_output_schemas(connect) -> None:
    async with connect() as client:
        tools = {t.name: t for t in (await client.list_tools()).tools}
        assert client.instructions and "get_context" in client.instructions
    assert set(tools) == TOOLS
    for tool in tools.values():
        assert tool.description and len(tool.description) > 60, tool.name
        body = [line for line in tool.description.splitlines()[1:] if line.strip()]
        assert min(len(line) - len(line.lstrip()) for line in body) == 0, "descriptions are dedented"
        assert tool.output_schema is not None and tool.output_schema["type"] == "object", tool.name
        assert tool.annotations is not None
    add = tools["add_memory"].input_schema["properties"]
    assert add["text"]["maxLength"] == 32_000
    assert add["messages"]["anyOf"][0]["maxItems"] == 200
    ctx = tools["get_context"].input_schema["properties"]
    assert (ctx["limit"]["minimum"], ctx["limit"]["maximum"]) == (1, 100)
    assert (ctx["context_max_tokens"]["minimum"], ctx["context_max_tokens"]["maximum"]) == (1, 32_000)
    assert ctx["format"]["enum"] == ["bullets", "json", "xml"]
    assert tools["get_context"].input_schema["required"] == ["query"]
    assert tools["memory_history"].input_schema["properties"]["memory_id"]["pattern"].startswith("^[0-9a-f]{8}")
    assert tools["get_context"].annotations.read_only_hint and tools["delete_memory"].annotations.destructive_hint


async def test_add_then_get_context_remembers(connect, calls) -> None:
    async with connect(user_id="alice") as client:
        added = await calls.ok(client, "add_memory", {"text": "I'm vegetarian and I work at Acme", "wait": True})
        assert added["status"] == "done" and len(added["episodic_memory_ids"]) == 1
        assert {m["content"] for m in added["memories_created"]} == {"User is vegetarian", "User works at Acme"}
        ctx = await calls.ok(client, "get_context", {"query": "what should I cook?"})
    assert "User is vegetarian" in ctx["system_prompt_addition"]
    assert [m["content"] for m in ctx["memories"] if m["category"] == "fact"] == ["User is vegetarian", "User works at Acme"]
    assert ctx["search_mode"] == "lexical" and ctx["clarification_question"] is None


async def test_add_messages_with_session_and_metadata_is_searchable_at_once(connect, calls) -> None:
    turns = [
        {"role": "user", "content": "Book me a table, I love Thai food"},
        {"role": "assistant", "content": "Sure, for how many?"},
    ]
    async with connect() as client:
        added = await calls.ok(
            client,
            "add_memory",
            {"messages": turns, "user_id": "bob", "session_id": "s-1", "metadata": {"app": "concierge"}},
        )
        assert added["status"] == "queued" and len(added["episodic_memory_ids"]) == 2
        found = await calls.ok(client, "search_memories", {"query": "Thai food", "user_id": "bob"})
    assert found["memories"][0]["content"].endswith("I love Thai food")
    assert found["memories"][0]["session_id"] == "s-1" and found["memories"][0]["relevance"] > 0


async def test_get_context_formats_budget_and_categories(connect, calls) -> None:
    async with connect(user_id="alice") as client:
        await calls.ok(client, "add_memory", {"text": "I'm vegetarian. I prefer short recipes.", "wait": True})
        as_json = await calls.ok(client, "get_context", {"query": "dinner", "format": "json"})
        as_xml = await calls.ok(client, "get_context", {"query": "dinner", "format": "xml"})
        facts = await calls.ok(client, "get_context", {"query": "dinner", "categories": ["fact"]})
        tiny = await calls.ok(client, "get_context", {"query": "dinner", "context_max_tokens": 1})
        one = await calls.ok(client, "get_context", {"query": "dinner", "limit": 1})
    assert json.loads(as_json["system_prompt_addition"]) and as_xml["system_prompt_addition"].startswith("<")
    assert {m["category"] for m in facts["memories"]} == {"fact"}
    # The budget decides what is rendered, not what is returned (limit does).
    assert tiny["system_prompt_addition"] == "" and tiny["context_token_count"] == 0 and tiny["memories"]
    assert len(one["memories"]) == 1


async def test_list_pages_history_and_delete(connect, calls, engine: AsyncAccord) -> None:
    async with connect(user_id="alice") as client:
        for text in ("I live in Berlin", "I'm vegetarian", "I work at Acme"):
            await calls.ok(client, "add_memory", {"text": text, "wait": True})
        first = await calls.ok(client, "list_memories", {"categories": ["fact"], "limit": 2})
        second = await calls.ok(client, "list_memories", {"categories": ["fact"], "limit": 2, "offset": first["next_offset"]})
        assert first["next_offset"] == 2 and len(first["memories"]) == 2
        assert second["next_offset"] is None and len(second["memories"]) == 1
        memory_id = second["memories"][0]["id"]
        history = await calls.ok(client, "memory_history", {"memory_id": memory_id})
        assert [v["change_type"] for v in history["versions"]] == ["created"]
        deleted = await calls.ok(client, "delete_memory", {"memory_id": memory_id})
        assert deleted["deleted"]["id"] == memory_id
        again = await calls.error(client, "delete_memory", {"memory_id": memory_id})
        assert again.startswith("not found:")
    remaining = await engine.list_memories("alice", categories=["fact"])
    assert memory_id not in {m.id for m in remaining} and len(remaining) == 2


async def test_a_clarification_question_is_answered_with_resolve(connect, calls) -> None:
    async with connect(user_id="alice") as client:
        await calls.ok(client, "add_memory", {"text": "I live in Berlin", "wait": True})
        await calls.ok(client, "add_memory", {"text": "I think I live in Porto", "wait": True})
        ctx = await calls.ok(client, "get_context", {"query": "where do I live?"})
        question = ctx["clarification_question"]
        assert question is not None and "Berlin" in question["options"][0] and "Porto" in question["options"][1]
        unclear = await calls.error(client, "resolve", {"question_id": question["id"], "answer": "hmm, not sure"})
        assert unclear.startswith("invalid input: answer: say which is right")
        settled = await calls.ok(client, "resolve", {"question_id": question["id"], "answer": 2})
        assert settled["status"] == "resolved" and settled["resolution"] == "candidate"
        after = await calls.ok(client, "get_context", {"query": "where do I live?"})
    assert after["clarification_question"] is None
    assert "Porto" in after["system_prompt_addition"] and "Berlin" not in after["system_prompt_addition"].split("From past")[0]


async def test_profile_resource_template_groups_current_memories(connect, calls) -> None:
    async with connect(user_id="alice") as client:
        await calls.ok(client, "add_memory", {"text": "I'm vegetarian. I prefer short recipes. I want to run a marathon.", "wait": True})
        templates = (await client.list_resource_templates()).resource_templates
        assert [t.uri_template for t in templates] == [accord_mcp.PROFILE_TEMPLATE, accord_mcp.MEMORY_TEMPLATE, ENTITIES_TEMPLATE]
        result = await client.read_resource("accord://users/alice/profile")
        empty = await client.read_resource("accord://users/nobody/profile")
    (content,) = result.contents
    assert isinstance(content, TextResourceContents) and content.mime_type == "application/json"
    profile: dict[str, Any] = json.loads(content.text)
    assert profile["user_id"] == "alice" and "episodic" not in profile["categories"]
    assert [m["content"] for m in profile["categories"]["fact"]] == ["User is vegetarian"]
    assert set(profile["categories"]) >= {"fact", "preference", "goal"}
    assert json.loads(empty.contents[0].text)["memory_count"] == 0  # type: ignore[union-attr]


async def test_user_id_is_required_without_a_default(connect, calls) -> None:
    async with connect() as client:
        message = await calls.error(client, "get_context", {"query": "anything"})
    assert message == "invalid input: user_id: required (no default user is configured: set ACCORD_MCP_USER_ID)"


async def test_profile_resource_errors_are_readable(connect, engine: AsyncAccord) -> None:
    agent, key = await engine.create_agent("revoked")
    async with connect() as client:
        with pytest.raises(MCPError, match="^invalid input: user_id: must be 1-128 characters") as bad:
            await client.read_resource("accord://users/bad%20id/profile")
        assert bad.value.error.code == -32602
    async with connect(api_key=key.key, auth_cache_seconds=0) as client:
        (info,) = await engine.list_keys(agent.id)
        await engine.revoke_key(info.key_id)
        with pytest.raises(MCPError, match="^permission denied: invalid, expired or revoked key$"):
            await client.read_resource("accord://users/alice/profile")


async def test_feedback_cites_a_memory_from_the_context(connect, calls) -> None:
    async with connect(user_id="alice") as client:
        await calls.ok(client, "add_memory", {"text": "I live in Berlin", "wait": True})
        ctx = await calls.ok(client, "get_context", {"query": "where do I live?"})
        (city,) = [m for m in ctx["memories"] if "Berlin" in m["content"] and m["category"] == "fact"]
        helped = await calls.ok(client, "feedback", {"memory_id": city["id"], "kind": "helpful", "note": "right city"})
        assert helped["action"] == "importance_raised" and helped["memory"]["importance"] > city["importance"]
        asked = await calls.ok(client, "feedback", {"memory_id": city["id"], "kind": "outdated"})
        assert asked["action"] == "question_asked" and "Berlin" in asked["question"]["question"]
        bad = await calls.error(client, "feedback", {"memory_id": city["id"], "kind": "great"})
        assert "kind" in bad
        wrong = await calls.ok(client, "feedback", {"memory_id": city["id"], "kind": "wrong"})
        assert wrong["action"] == "archived" and wrong["memory"]["status"] == "archived"
        history = await calls.ok(client, "memory_history", {"memory_id": city["id"]})
        assert [v["change_type"] for v in history["versions"]] == ["created", "feedback", "feedback"]
