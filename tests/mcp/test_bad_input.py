"""Bad input on every tool returns a readable tool error, never a traceback, and stores nothing."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
import pytest_asyncio
from accord import AccordSettings, AsyncAccord
from accord_mcp import McpSettings, build_server
from mcp import Client

# One engine and one session for the whole table (a fresh engine per case costs ~1 s).
pytestmark = pytest.mark.asyncio(loop_scope="module")

UNKNOWN_ID = "00000000-0000-4000-8000-000000000000"
LONG = "x" * 32_001

CASES: list[tuple[str, dict[str, Any], str]] = [
    # add_memory
    ("add_memory", {}, "invalid input: text: give the text to remember"),
    ("add_memory", {"text": "   "}, "invalid input: text: give the text to remember"),
    ("add_memory", {"text": "hi there", "messages": [{"role": "user", "content": "hi"}]}, "not both"),
    ("add_memory", {"text": LONG}, "text"),
    ("add_memory", {"text": 123}, "text"),
    ("add_memory", {"text": ["I'm vegetarian"]}, "text"),
    ("add_memory", {"messages": []}, "messages"),
    ("add_memory", {"messages": [{"role": "user", "content": "I like tea"}] * 201}, "messages"),
    ("add_memory", {"messages": [{"role": "robot", "content": "I like tea"}]}, "role"),
    ("add_memory", {"messages": [{"role": "user", "content": ""}]}, "content"),
    ("add_memory", {"messages": [{"role": "user", "content": LONG}]}, "content"),
    ("add_memory", {"messages": [{"role": "user", "content": "I like tea", "admin": True}]}, "admin"),
    ("add_memory", {"messages": [{"role": "user", "content": "  "}]}, "invalid input: messages[0].content: is empty"),
    ("add_memory", {"messages": "I like tea"}, "messages"),
    ("add_memory", {"text": "I like tea", "user_id": "../etc/passwd"}, "user_id"),
    ("add_memory", {"text": "I like tea", "user_id": "u" * 129}, "user_id"),
    ("add_memory", {"text": "I like tea", "user_id": 42}, "user_id"),
    ("add_memory", {"text": "I like tea", "session_id": "a session"}, "session_id"),
    ("add_memory", {"text": "I like tea", "metadata": {"blob": "x" * 20_000}}, "invalid input: metadata: is"),
    ("add_memory", {"text": "I like tea", "metadata": ["not", "a", "dict"]}, "metadata"),
    ("add_memory", {"text": "I like tea", "metadata": {f"k{i}": i for i in range(65)}}, "metadata"),
    ("add_memory", {"text": "I like tea", "wait": "yes"}, "wait"),
    ("add_memory", {"text": "I like tea", "idempotency_key": ""}, "idempotency_key"),
    # get_context
    ("get_context", {}, "query"),
    ("get_context", {"query": ""}, "query"),
    ("get_context", {"query": "   "}, "invalid input: query: is empty"),
    ("get_context", {"query": "q" * 4001}, "query"),
    ("get_context", {"query": 7}, "query"),
    ("get_context", {"query": "tea", "limit": 0}, "limit"),
    ("get_context", {"query": "tea", "limit": -1}, "limit"),
    ("get_context", {"query": "tea", "limit": 101}, "limit"),
    ("get_context", {"query": "tea", "limit": 10**12}, "limit"),
    ("get_context", {"query": "tea", "limit": "ten"}, "limit"),
    ("get_context", {"query": "tea", "limit": "5"}, "limit"),
    ("get_context", {"query": "tea", "limit": 2.5}, "limit"),
    ("get_context", {"query": "tea", "limit": True}, "limit"),
    ("get_context", {"query": "tea", "format": "yaml"}, "format"),
    ("get_context", {"query": "tea", "format": None}, "format"),
    ("get_context", {"query": "tea", "context_max_tokens": 0}, "context_max_tokens"),
    ("get_context", {"query": "tea", "context_max_tokens": 32_001}, "context_max_tokens"),
    ("get_context", {"query": "tea", "context_max_tokens": -5}, "context_max_tokens"),
    ("get_context", {"query": "tea", "categories": []}, "categories"),
    ("get_context", {"query": "tea", "categories": ["secrets"]}, "categories"),
    ("get_context", {"query": "tea", "categories": "fact"}, "categories"),
    ("get_context", {"query": "tea", "user_id": ""}, "user_id"),
    # search_memories
    ("search_memories", {"query": ""}, "query"),
    ("search_memories", {"query": "tea", "limit": -3}, "limit"),
    ("search_memories", {"query": "tea", "limit": 1000}, "limit"),
    ("search_memories", {"query": "tea", "categories": ["episodic", "nope"]}, "categories"),
    # list_memories
    ("list_memories", {"limit": 0}, "limit"),
    ("list_memories", {"limit": 101}, "limit"),
    ("list_memories", {"offset": -1}, "offset"),
    ("list_memories", {"offset": 10**7}, "offset"),
    ("list_memories", {"include_archived": "true"}, "include_archived"),
    ("list_memories", {"categories": [None]}, "categories"),
    # memory_history
    ("memory_history", {}, "memory_id"),
    ("memory_history", {"memory_id": "not-a-uuid"}, "memory_id"),
    ("memory_history", {"memory_id": "ABCDEF00-0000-4000-8000-000000000000"}, "memory_id"),
    ("memory_history", {"memory_id": 12}, "memory_id"),
    ("memory_history", {"memory_id": UNKNOWN_ID}, f"not found: no memory {UNKNOWN_ID}"),
    # delete_memory
    ("delete_memory", {"memory_id": "' OR 1=1 --"}, "memory_id"),
    ("delete_memory", {"memory_id": ""}, "memory_id"),
    ("delete_memory", {"memory_id": UNKNOWN_ID}, f"not found: no memory {UNKNOWN_ID}"),
    # resolve
    ("resolve", {"question_id": "x", "answer": 1}, "question_id"),
    ("resolve", {"question_id": UNKNOWN_ID}, "answer"),
    ("resolve", {"question_id": UNKNOWN_ID, "answer": ""}, "answer"),
    ("resolve", {"question_id": UNKNOWN_ID, "answer": 3}, "answer"),
    ("resolve", {"question_id": UNKNOWN_ID, "answer": 0}, "answer"),
    ("resolve", {"question_id": UNKNOWN_ID, "answer": "a" * 2001}, "answer"),
    ("resolve", {"question_id": UNKNOWN_ID, "answer": 1}, f"not found: no conflict or question {UNKNOWN_ID}"),
    # unknown arguments are refused, not ignored
    ("add_memory", {"text": "I like tea", "colour": "red"}, "colour"),
    ("get_context", {"query": "tea", "limt": 5}, "limt"),
    ("list_memories", {"user": "alice"}, "user"),
    ("delete_memory", {"memory_id": UNKNOWN_ID, "force": True}, "force"),
    # the engine's metadata limits, as over REST
    ("add_memory", {"text": "I like tea", "metadata": {"a": {"b": {"c": {"d": {"e": {"f": {"g": {"h": {"i": 1}}}}}}}}}},
     "metadata.a.b.c.d.e.f.g.h"),
    ("add_memory", {"text": "I like tea", "metadata": {"note": "a\x00b"}}, "metadata.note"),
    # (NaN cannot reach a tool: the SDK's JSON has no NaN, the client sends null)
    # unknown tool
    ("drop_everything", {}, "drop_everything"),
]


def _case_id(case: tuple[str, dict[str, Any], str]) -> str:
    tool, args, _ = case
    shown = ",".join(f"{k}={str(v)[:12]}" for k, v in args.items())
    return f"{tool}({shown})"


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def shared(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[AsyncAccord]:
    """An engine holding one memory of alice's (a client session cannot span tests: anyio scopes)."""
    settings = AccordSettings(data_dir=tmp_path_factory.mktemp("bad-input"), embedder="none")
    async with AsyncAccord(settings) as engine:
        await engine.add("I'm vegetarian", user_id="alice", wait=True)
        yield engine


@pytest.mark.parametrize("case", CASES, ids=[_case_id(c) for c in CASES])
async def test_bad_input_is_a_tool_error_and_stores_nothing(
    case: tuple[str, dict[str, Any], str], shared: AsyncAccord, calls, count
) -> None:
    tool, args, expected = case
    engine = shared
    before = await count(engine, "alice")
    listed = await engine.list_memories("alice", include_archived=True)
    async with Client(build_server(engine, McpSettings(user_id="alice"))) as client:
        message = await calls.error(client, tool, args)
    assert expected in message, message
    assert len(message) < 2_000 and "LONG" not in message
    assert await count(engine, "alice") == before
    assert await engine.list_memories("alice", include_archived=True) == listed


async def test_errors_name_the_field_and_never_echo_a_key(connect, calls, agents) -> None:
    async with connect(api_key=agents.reader_key, user_id="alice") as client:
        message = await calls.error(client, "get_context", {"query": "tea", "limit": 500})
        denied = await calls.error(client, "add_memory", {"text": "I'm vegetarian"})
    assert "limit" in message and "less than or equal to 100" in message
    assert agents.reader_key not in message + denied and agents.reader_key.split("_")[-1] not in denied


async def test_every_tool_schema_says_it_takes_no_other_arguments(shared: AsyncAccord) -> None:
    async with Client(build_server(shared, McpSettings(user_id="alice"))) as client:
        tools = (await client.list_tools()).tools
    assert tools and all(t.input_schema.get("additionalProperties") is False for t in tools), [t.name for t in tools]
