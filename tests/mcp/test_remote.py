"""Remote mode: the MCP server forwards to ``accord serve`` through ``accord.remote.sync``.

In process (the REST app over ``httpx.ASGITransport``) for breadth, and once end to end: a real
``python -m accord.server`` process and ``python -m accord_mcp --remote-url`` over stdio.
"""

from __future__ import annotations

import os
import socket
import sys
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

import anyio
import httpx
import pytest
from accord import AccordSettings, AsyncAccord
from accord_mcp import McpSettings, build_server
from mcp import Client, StdioServerParameters

pytest.importorskip("fastapi", reason="remote mode is tested against the REST server: pip install 'accord[server]'")

from accord.server import ServerSettings, create_app
from accord.remote.client import AsyncRemoteAccord

from .conftest import serving_http
from .test_http import as_agent, post

if TYPE_CHECKING:
    from .conftest import Agents

OPERATOR_KEY = "aco_test-operator-key-for-mcp-tests"
REST_URL = "http://accord.test"


@pytest.fixture
def remote(engine: AsyncAccord) -> Callable[[str], AbstractAsyncContextManager[AsyncRemoteAccord]]:
    """``async with remote(key) as client``: the remote client, reaching the REST app in process."""
    app = create_app(engine, ServerSettings(admin_key=OPERATOR_KEY, allowed_hosts=["accord.test"]))

    @asynccontextmanager
    async def _remote(key: str) -> AsyncIterator[AsyncRemoteAccord]:
        client = AsyncRemoteAccord(REST_URL, key, transport=httpx.ASGITransport(app))
        try:
            yield client
        finally:
            await client.close()

    return _remote


async def test_stdio_style_remote_mode_acts_as_the_configured_key(remote, calls, agents: Agents) -> None:
    settings = {"mode": "remote", "remote_url": REST_URL, "user_id": "alice"}
    async with remote(agents.writer_key) as client:
        await client.start()
        async with Client(build_server(client, McpSettings(**settings, api_key=agents.writer_key))) as mcp:
            added = await calls.ok(mcp, "add_memory", {"text": "I'm vegetarian", "wait": True})
            ctx = await calls.ok(mcp, "get_context", {"query": "dinner", "format": "xml"})
            bad = await calls.error(mcp, "get_context", {"query": "dinner", "categories": ["fact"], "limit": 100, "user_id": "a b"})
    assert added["memories_created"][0]["agent_id"] == agents.writer_id
    assert "User is vegetarian" in ctx["system_prompt_addition"] and ctx["system_prompt_addition"].startswith("<")
    assert "user_id" in bad
    async with remote(agents.reader_key) as client:
        await client.start()
        async with Client(build_server(client, McpSettings(**settings, api_key=agents.reader_key))) as mcp:
            denied = await calls.error(mcp, "add_memory", {"text": "I live in Oslo"})
            history = await calls.ok(mcp, "memory_history", {"memory_id": added["memories_created"][0]["id"]})
            missing = await calls.error(mcp, "delete_memory", {"memory_id": "00000000-0000-4000-8000-000000000000"})
    assert denied.startswith("permission denied: agent ") and "may not write" in denied
    assert history["versions"][0]["change_type"] == "created"
    assert missing.startswith("not found:")


async def test_http_remote_mode_forwards_each_requests_key(remote, calls, agents: Agents) -> None:
    async with remote("unset") as base:  # never started: every call runs as the request's key
        settings: dict[str, Any] = {"mode": "remote", "remote_url": REST_URL, "user_id": "alice"}
        async with (
            serving_http(base, **settings) as url,
            as_agent(url, agents.writer_key) as writer,
            as_agent(url, agents.reader_key) as reader,
        ):
            await calls.ok(writer, "add_memory", {"text": "I work at Acme", "wait": True})
            seen = await calls.ok(reader, "get_context", {"query": "where do I work?"})
            denied = await calls.error(reader, "add_memory", {"text": "I work at Initech"})
            refused = await post(url, "acc_0123456789ab_wrong")
    assert "User works at Acme" in seen["system_prompt_addition"]
    assert denied.startswith("permission denied:") and refused.status_code == 401


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


async def test_end_to_end_accord_serve_and_accord_mcp_processes(tmp_path: Path, calls) -> None:
    data_dir = tmp_path / "served"
    async with AsyncAccord(AccordSettings(data_dir=data_dir, embedder="none")) as engine:
        agent, issued = await engine.create_agent("desktop")
        await engine.grant(agent.id, "read_write")
    port = _free_port()
    env = {**os.environ, "ACCORD_DATA_DIR": str(data_dir), "ACCORD_EMBEDDER": "none", "ACCORD_SERVER_ADMIN_KEY": OPERATOR_KEY}
    server = await anyio.open_process(
        [sys.executable, "-m", "accord.server", "--port", str(port), "--log-level", "warning"], env=env, stdout=None, stderr=None
    )
    try:
        async with httpx.AsyncClient() as http:
            with anyio.fail_after(60):
                while True:
                    try:
                        if (await http.get(f"http://127.0.0.1:{port}/v1/health")).status_code == 200:
                            break
                    except httpx.TransportError:
                        assert server.returncode is None, "accord serve exited at start"
                        await anyio.sleep(0.1)
        mcp_env = {"ACCORD_API_KEY": issued.key, "ACCORD_MCP_USER_ID": "alice", "HF_HUB_OFFLINE": "1"}
        if "PYTHONPATH" in os.environ:  # the same sources as the server and this test (a worktree's)
            mcp_env["PYTHONPATH"] = os.environ["PYTHONPATH"]
        params = StdioServerParameters(
            command=sys.executable, args=["-m", "accord_mcp", "--remote-url", f"http://127.0.0.1:{port}"], env=mcp_env
        )
        async with Client(params) as client:
            added = await calls.ok(client, "add_memory", {"text": "I'm allergic to peanuts", "wait": True})
            ctx = await calls.ok(client, "get_context", {"query": "snacks"})
    finally:
        server.terminate()
        with anyio.fail_after(30):
            await server.wait()
    assert added["memories_created"][0]["agent_id"] == agent.id
    assert "peanuts" in ctx["system_prompt_addition"]
