"""The MCP server over a real embedded engine (SQLite + Qdrant Edge, lexical search) in tmp_path.

``connect(**settings)`` opens the SDK's in-process client on a server built over the test's
engine; ``agents`` creates agents with different grants in the default tenant, so the owner
engine sees what each of them stored.
"""

from __future__ import annotations

import asyncio
import socket
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import uvicorn
from accord import AccordSettings, AsyncAccord, UserStats
from accord_mcp import McpSettings, MemoryEngine, build_server, streamable_http_app
from mcp import Client
from mcp.types import CallToolResult

Connect = Callable[..., AbstractAsyncContextManager[Client]]


@pytest.fixture(autouse=True)
def _hermetic_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """Settings come from each test, never from the developer's shell."""
    import os

    for name in list(os.environ):
        if name.startswith("ACCORD_MCP_") or name == "ACCORD_API_KEY":
            monkeypatch.delenv(name)


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    return tmp_path / "data"


@pytest.fixture
async def engine(data_dir: Path) -> AsyncIterator[AsyncAccord]:
    async with AsyncAccord(AccordSettings(data_dir=data_dir, embedder="none")) as e:
        yield e


@pytest.fixture
def connect(engine: AsyncAccord) -> Connect:
    """``async with connect(user_id="alice", api_key=...) as client``: an in-process MCP client."""

    @asynccontextmanager
    async def _connect(**settings: Any) -> AsyncIterator[Client]:
        async with Client(build_server(engine, McpSettings(**settings))) as client:
            yield client

    return _connect


@dataclass(frozen=True)
class Agents:
    """Agents of the default tenant and their keys.

    ``writer``: read_write on everything. ``reader``: read_only on everything. ``facts``:
    read_write on facts and episodic turns only.
    """

    writer_key: str
    reader_key: str
    facts_key: str
    writer_id: str
    reader_id: str
    facts_id: str


@pytest.fixture
async def agents(engine: AsyncAccord) -> Agents:
    writer, writer_key = await engine.create_agent("writer")
    reader, reader_key = await engine.create_agent("reader")
    facts, facts_key = await engine.create_agent("facts")
    await engine.grant(writer.id, "read_write")
    await engine.grant(reader.id, "read_only")
    await engine.grant(facts.id, "read_write", categories=["fact", "episodic"])
    return Agents(writer_key.key, reader_key.key, facts_key.key, writer.id, reader.id, facts.id)


class Calls:
    """``await calls.ok(client, "tool", {...})`` returns the structured output; ``error`` the message
    (without the SDK's "Error executing tool <name>: " prefix)."""

    @staticmethod
    async def ok(client: Client, tool: str, args: dict[str, Any]) -> dict[str, Any]:
        result = await client.call_tool(tool, args)
        assert isinstance(result, CallToolResult)
        assert not result.is_error, result.content
        assert result.structured_content is not None
        return result.structured_content

    @staticmethod
    async def error(client: Client, tool: str, args: dict[str, Any]) -> str:
        result = await client.call_tool(tool, args)
        assert isinstance(result, CallToolResult)
        assert result.is_error, result.structured_content
        text = "".join(getattr(c, "text", "") for c in result.content)
        assert "Traceback" not in text and 'File "' not in text
        return text.removeprefix(f"Error executing tool {tool}: ")


@pytest.fixture
def calls() -> Calls:
    return Calls()


async def stored(engine: AsyncAccord, user_id: str) -> tuple[int, int]:
    """(memories, raw turns) stored for a user, active and archived."""
    stats = await engine.stats(user_id)
    assert isinstance(stats, UserStats)
    return stats.active_memories + stats.archived_memories, stats.messages


@pytest.fixture
def count() -> Callable[[AsyncAccord, str], Any]:
    return stored


@asynccontextmanager
async def serving_http(engine: MemoryEngine, **settings: Any) -> AsyncIterator[str]:
    """Serve the MCP server over streamable HTTP on 127.0.0.1 (a free port) in this event loop."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    mcp_settings = McpSettings(transport="streamable-http", host="127.0.0.1", port=port, **settings)
    app = streamable_http_app(build_server(engine, mcp_settings), mcp_settings)
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="on"))
    task = asyncio.create_task(server.serve(sockets=[sock]))
    try:
        while not server.started:
            if task.done():
                task.result()
            await asyncio.sleep(0.01)
        yield f"http://127.0.0.1:{port}/mcp"
    finally:
        server.should_exit = True
        await task
        sock.close()


@pytest.fixture
def http_server(engine: AsyncAccord) -> Callable[..., AbstractAsyncContextManager[str]]:
    """``async with http_server(**settings) as url``: the server on loopback, over the test's engine."""
    return lambda **settings: serving_http(engine, **settings)
