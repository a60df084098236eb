"""The real command: ``python -m accord_mcp`` over stdio and over streamable HTTP, as subprocesses.

An embedded data dir has one owner, so keys are made (and results checked) by an engine that
is opened before the server starts or after it has stopped.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import socket
import sys
from pathlib import Path

import anyio
import httpx2
from accord import AccordSettings, AsyncAccord
from anyio.abc import ByteReceiveStream
from mcp import Client, StdioServerParameters
from mcp.client.streamable_http import streamable_http_client


def _env(data_dir: Path, **extra: str) -> dict[str, str]:
    return {"ACCORD_DATA_DIR": str(data_dir), "ACCORD_EMBEDDER": "none", "HF_HUB_OFFLINE": "1", **extra}


def _stdio(data_dir: Path, **extra: str) -> StdioServerParameters:
    return StdioServerParameters(command=sys.executable, args=["-m", "accord_mcp"], env=_env(data_dir, **extra))


async def _reader_key(data_dir: Path) -> str:
    async with AsyncAccord(AccordSettings(data_dir=data_dir, embedder="none")) as engine:
        agent, key = await engine.create_agent("desktop")
        await engine.grant(agent.id, "read_only")
        await engine.add("I work at Acme", user_id="alice", wait=True)
        return key.key


async def test_stdio_without_a_key_acts_as_the_local_owner(tmp_path: Path, calls) -> None:
    data_dir = tmp_path / "data"
    async with Client(_stdio(data_dir, ACCORD_MCP_USER_ID="alice")) as client:
        assert {t.name for t in (await client.list_tools()).tools} == {
            "add_memory", "get_context", "search_memories", "list_memories", "memory_history", "delete_memory", "resolve",
            "feedback",
        }
        await calls.ok(client, "add_memory", {"text": "I'm vegetarian", "wait": True})
        ctx = await calls.ok(client, "get_context", {"query": "what should I cook?"})
        profile = await client.read_resource("accord://users/alice/profile")
    assert "User is vegetarian" in ctx["system_prompt_addition"]
    assert json.loads(profile.contents[0].text)["categories"]["fact"][0]["content"] == "User is vegetarian"  # type: ignore[union-attr]
    # The server closed its engine on exit: the data dir can be opened again, with the memory in it.
    async with AsyncAccord(AccordSettings(data_dir=data_dir, embedder="none")) as engine:
        assert [m.content for m in await engine.list_memories("alice", categories=["fact"])] == ["User is vegetarian"]


async def test_stdio_with_an_agent_key_from_the_environment(tmp_path: Path, calls) -> None:
    data_dir = tmp_path / "data"
    key = await _reader_key(data_dir)
    async with Client(_stdio(data_dir, ACCORD_API_KEY=key, ACCORD_MCP_USER_ID="alice")) as client:
        denied = await calls.error(client, "add_memory", {"text": "I'm vegetarian"})
        listed = await calls.ok(client, "list_memories", {"categories": ["fact"]})
    assert denied.startswith("permission denied: agent ")
    assert [m["content"] for m in listed["memories"]] == ["User works at Acme"]


async def _run(data_dir: Path, *args: str, **env: str) -> tuple[int, str, str]:
    """Run ``python -m accord_mcp ARGS`` to completion: (exit status, stdout, stderr)."""
    done = await anyio.run_process(
        [sys.executable, "-m", "accord_mcp", *args], env={**os.environ, **_env(data_dir, **env)}, check=False
    )
    return done.returncode, done.stdout.decode(), done.stderr.decode()


async def test_a_bad_key_or_unsafe_settings_stop_the_server_at_start(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    bad_key = "acc_0123456789ab_notarealsecret"
    status, stdout, stderr = await _run(data_dir, ACCORD_API_KEY=bad_key)
    assert status == 1 and stdout == ""
    assert "invalid, expired or revoked key" in stderr and bad_key not in stderr and "Traceback" not in stderr
    status, _, stderr = await _run(data_dir, "--transport", "streamable-http", "--host", "0.0.0.0", "--no-auth")
    assert status == 2 and "without authentication" in stderr


async def test_a_second_owner_of_the_data_dir_is_refused(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    async with AsyncAccord(AccordSettings(data_dir=data_dir, embedder="none")):
        status, _, stderr = await _run(data_dir)
    assert status == 1 and "accord serve" in stderr and "Traceback" not in stderr


async def _drain(stream: ByteReceiveStream | None) -> str:
    chunks = []
    if stream is not None:
        with contextlib.suppress(anyio.EndOfStream, anyio.ClosedResourceError):
            while True:
                chunks.append(await stream.receive())
    return b"".join(chunks).decode()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


async def test_streamable_http_command_serves_bearer_keys_and_stops_cleanly(tmp_path: Path, calls) -> None:
    data_dir = tmp_path / "data"
    key = await _reader_key(data_dir)
    port = _free_port()
    url = f"http://127.0.0.1:{port}/mcp"
    env = {**os.environ, **_env(data_dir, ACCORD_MCP_TRANSPORT="streamable-http", ACCORD_MCP_PORT=str(port))}
    process = await anyio.open_process([sys.executable, "-m", "accord_mcp"], env=env, stdout=None)
    try:
        with anyio.fail_after(30):
            while True:
                try:
                    await (await anyio.connect_tcp("127.0.0.1", port)).aclose()
                    break
                except OSError:
                    assert process.returncode is None, "the server exited at start"
                    await anyio.sleep(0.1)
        async with (
            httpx2.AsyncClient(headers={"Authorization": f"Bearer {key}"}, timeout=30) as http,
            Client(streamable_http_client(url, http_client=http)) as client,
        ):
            listed = await calls.ok(client, "list_memories", {"user_id": "alice", "categories": ["fact"]})
            denied = await calls.error(client, "add_memory", {"text": "I like tea", "user_id": "alice"})
        async with httpx2.AsyncClient() as anonymous:
            unauthenticated = await anonymous.post(url, json={})
    finally:
        process.send_signal(signal.SIGTERM)
        with anyio.fail_after(30):
            await process.wait()
        stderr = await _drain(process.stderr)
    assert [m["content"] for m in listed["memories"]] == ["User works at Acme"]

    assert denied.startswith("permission denied:") and unauthenticated.status_code == 401
    assert f"serving MCP on {url} (auth: bearer Accord keys)" in stderr and key not in stderr
    assert process.returncode == 0 and "accord-mcp: stopped; the engine is closed" in stderr
    async with AsyncAccord(AccordSettings(data_dir=data_dir, embedder="none")) as engine:  # the lock was released
        assert len(await engine.list_memories("alice")) == 2
