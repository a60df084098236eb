"""The ready-to-paste client configurations in examples/mcp_clients: each one loads, and the server it
names starts and answers, read the way that client reads it.

Stdio snippets start the command they name (``accord-mcp``, the installed console script) with
their own arguments and environment, plus a temporary data dir. HTTP snippets must name the
endpoint ``accord-mcp --transport streamable-http`` serves by default; the server runs on a free
port instead, and the snippet's headers are sent after the client's own variable expansion
(``${VAR}`` in Claude Code, ``${env:VAR}`` in Cursor, ``${input:id}`` in VS Code).
"""

from __future__ import annotations

import asyncio
import json
import os
import re
import shlex
import shutil
import socket
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path

import httpx2
import pytest
import uvicorn
from accord import AccordSettings, AsyncAccord
from accord_mcp import McpSettings
from mcp import Client, StdioServerParameters
from mcp.client.streamable_http import streamable_http_client
from mcp.types import CallToolResult

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "mcp_clients"
KEY_PLACEHOLDER = "acc_your_agent_key"


@dataclass
class Spec:
    """A server entry as the client understands it."""

    transport: str  # "stdio" or "http"
    command: str = ""
    args: list[str] = field(default_factory=list)
    env: dict[str, str] = field(default_factory=dict)
    url: str = ""
    headers: dict[str, str] = field(default_factory=dict)


def expand(text: str, client: str, key: str) -> str:
    """Each client's own variable syntax, with the agent key as the only value on offer."""
    patterns = {"claude_code": r"\$\{ACCORD_API_KEY\}", "cursor": r"\$\{env:ACCORD_API_KEY\}", "vscode": r"\$\{input:accord-key\}"}
    expanded = re.sub(patterns[client], key, text) if client in patterns else text.replace(KEY_PLACEHOLDER, key)
    assert "${" not in expanded, f"{client}: an unexpanded variable in {text!r}"
    return expanded


def spec_of(file: str, key: str) -> Spec:
    """The ``accord`` entry of a JSON snippet, in the shape its client gives it."""
    client = file.split(".")[0]
    config = json.loads((EXAMPLES / file).read_text())
    entry = config["servers" if client == "vscode" else "mcpServers"]["accord"]
    if client == "vscode":
        assert {i["id"] for i in config.get("inputs", [])} >= set(re.findall(r"\$\{input:([\w-]+)\}", json.dumps(entry)))
    transport = entry.get("type", "http" if "url" in entry else "stdio")
    if transport == "stdio":
        env = {k: expand(v, client, key) for k, v in entry.get("env", {}).items()}
        return Spec("stdio", command=entry["command"], args=list(entry.get("args", [])), env=env)
    return Spec("http", url=entry["url"], headers={k: expand(v, "cursor" if client == "cursor" else client, key) for k, v in entry.get("headers", {}).items()})


def specs_of_claude_commands(key: str) -> list[Spec]:
    """The ``claude mcp add`` lines of claude_code.sh, parsed as Claude Code parses them."""
    specs = []
    for line in (EXAMPLES / "claude_code.sh").read_text().splitlines():
        if not line.startswith("claude mcp add"):
            continue
        words = shlex.split(expand(line, "claude_code", key))[3:]
        command = words[words.index("--") + 1 :] if "--" in words else []
        words = words[: words.index("--")] if "--" in words else words
        options: dict[str, list[str]] = {}
        positional = []
        while words:
            word = words.pop(0)
            if word.startswith("--"):
                options.setdefault(word, []).append(words.pop(0))
            else:
                positional.append(word)
        assert positional[0] == "accord"
        if options["--transport"] == ["stdio"]:
            env = dict(e.split("=", 1) for e in options.get("--env", []))
            specs.append(Spec("stdio", command=command[0], args=command[1:], env=env))
        else:
            headers = dict(h.split(": ", 1) for h in options.get("--header", []))
            specs.append(Spec("http", url=positional[1], headers=headers))
    return specs


def executable(command: str) -> str:
    """The command a snippet names, as installed beside this interpreter (the snippets name ``accord-mcp``)."""
    assert command == "accord-mcp", f"snippets start the accord-mcp command, not {command!r}"
    found = shutil.which(command, path=str(Path(sys.executable).parent)) or shutil.which(command)
    assert found, "accord-mcp is not installed (pip install ./packages/core ./packages/mcp_server)"
    return found


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def child_env(data_dir: Path, snippet_env: dict[str, str]) -> dict[str, str]:
    """The snippet's environment over a hermetic base; PYTHONPATH passes through so a checkout's sources run."""
    base = {"ACCORD_DATA_DIR": str(data_dir), "ACCORD_EMBEDDER": "none", "HF_HUB_OFFLINE": "1"}
    if os.environ.get("PYTHONPATH"):
        base["PYTHONPATH"] = os.environ["PYTHONPATH"]
    return {**base, **snippet_env}


async def exercise(client: Client, user: str) -> None:
    """What a user's first turn does: the tools are there, a memory is added and recalled."""
    assert client.session.protocol_version == "2026-07-28"  # stateless, negotiated through server/discover
    names = {t.name for t in (await client.list_tools()).tools}
    assert {"add_memory", "get_context", "resolve"} <= names
    added = await client.call_tool("add_memory", {"text": "I'm vegetarian", "user_id": user, "wait": True})
    recalled = await client.call_tool("get_context", {"query": "what should I cook?", "user_id": user})
    assert isinstance(added, CallToolResult) and not added.is_error, added.content
    assert isinstance(recalled, CallToolResult) and recalled.structured_content is not None
    assert "User is vegetarian" in recalled.structured_content["system_prompt_addition"]


async def make_key(data_dir: Path) -> str:
    async with AsyncAccord(AccordSettings(data_dir=data_dir, embedder="none")) as engine:
        agent, issued = await engine.create_agent("ide")
        await engine.grant(agent.id, "read_write")
        return issued.key


STDIO_FILES = ["claude_desktop.json", "claude_code.mcp.json", "cursor.mcp.json", "vscode.mcp.json"]
HTTP_FILES = ["claude_code.http.mcp.json", "cursor.http.mcp.json", "vscode.http.mcp.json"]


async def test_each_stdio_snippet_starts_the_server_it_names(tmp_path: Path) -> None:
    """The stdio snippets of the four clients name one and the same server; it starts and answers.

    Snippets that name the same command, arguments and environment start the same process, so
    each distinct one is started once (a start costs seconds).
    """
    specs = {file: spec_of(file, "unused") for file in STDIO_FILES}
    specs["claude_code.sh"] = next(s for s in specs_of_claude_commands("unused") if s.transport == "stdio")
    distinct: dict[str, Spec] = {}
    for file, spec in specs.items():
        assert spec.transport == "stdio" and spec.env.get("ACCORD_MCP_USER_ID") == "me", file
        distinct.setdefault(json.dumps([spec.command, spec.args, spec.env], sort_keys=True), spec)
    assert len(distinct) == 1  # a user switching clients keeps the same server and memory
    for n, spec in enumerate(distinct.values()):
        params = StdioServerParameters(command=executable(spec.command), args=spec.args, env=child_env(tmp_path / f"data{n}", spec.env))
        async with Client(params) as client:
            await exercise(client, "me")
        async with Client(params, mode="legacy") as old:  # a client of 2025-11-25: the initialize handshake
            assert old.session.protocol_version == "2025-11-25"
            recalled = await old.call_tool("get_context", {"query": "what should I cook?"})
            assert isinstance(recalled, CallToolResult) and recalled.structured_content is not None
            assert "User is vegetarian" in recalled.structured_content["system_prompt_addition"]


@asynccontextmanager
async def accord_mcp_http(data_dir: Path) -> AsyncIterator[str]:
    """``accord-mcp --transport streamable-http`` (its defaults but the port) as a process; yields its URL."""
    port = free_port()
    process = await asyncio.create_subprocess_exec(
        executable("accord-mcp"), "--transport", "streamable-http", "--port", str(port),
        env={**os.environ, **child_env(data_dir, {})}, stdin=asyncio.subprocess.DEVNULL,
    )
    try:
        async with httpx2.AsyncClient() as http:
            for _ in range(600):
                try:
                    await http.get(f"http://127.0.0.1:{port}/.well-known/oauth-protected-resource/mcp")
                    break
                except httpx2.TransportError:
                    assert process.returncode is None, "accord-mcp exited at start"
                    await asyncio.sleep(0.1)
        yield f"http://127.0.0.1:{port}/mcp"
    finally:
        process.terminate()
        await asyncio.wait_for(process.wait(), 30)


async def test_each_http_snippet_reaches_the_server_with_its_key(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    key = await make_key(data_dir)
    specs = {file: spec_of(file, key) for file in HTTP_FILES}
    specs["claude_code.sh"] = next(s for s in specs_of_claude_commands(key) if s.transport == "http")
    default = McpSettings(transport="streamable-http").endpoint()
    for file, spec in specs.items():
        assert spec.transport == "http" and spec.url == default, file
        assert spec.headers == {"Authorization": f"Bearer {key}"}, file
    async with accord_mcp_http(data_dir) as url:
        # Every HTTP snippet sends the same request (asserted above): one connection checks them all.
        async with (
            httpx2.AsyncClient(headers=specs["vscode.http.mcp.json"].headers, timeout=30) as http,
            Client(streamable_http_client(url, http_client=http)) as client,
        ):
            await exercise(client, "me")
        async with httpx2.AsyncClient(timeout=30) as http:  # and without the key: refused
            refused = await http.post(url, json={"jsonrpc": "2.0", "id": 1, "method": "tools/list"})
    assert refused.status_code == 401


async def test_the_claude_desktop_remote_snippet_reaches_accord_serve_with_its_key(tmp_path: Path) -> None:
    """Claude Desktop's config starts local servers only: the keyed variant is accord-mcp forwarding to accord serve."""
    pytest.importorskip("fastapi", reason="accord serve needs pip install 'accord[server]'")
    from accord.server import ServerSettings, create_app

    async with AsyncAccord(AccordSettings(data_dir=tmp_path / "served", embedder="none")) as engine:
        agent, issued = await engine.create_agent("desktop")
        await engine.grant(agent.id, "read_write")
        spec = spec_of("claude_desktop.remote.json", issued.key)
        assert spec.args[:2] == ["--remote-url", "http://127.0.0.1:8765"] and spec.env["ACCORD_API_KEY"] == issued.key
        port = free_port()
        server = uvicorn.Server(uvicorn.Config(create_app(engine, ServerSettings(port=port)), port=port, log_level="warning"))
        serving = asyncio.create_task(server.serve())
        try:
            while not server.started:
                assert not serving.done(), "accord serve did not start"
                await asyncio.sleep(0.05)
            args = ["--remote-url", f"http://127.0.0.1:{port}", *spec.args[2:]]
            params = StdioServerParameters(command=executable(spec.command), args=args, env=child_env(tmp_path / "unused", spec.env))
            async with Client(params) as client:
                await exercise(client, "me")
        finally:
            server.should_exit = True
            await serving
        (memory,) = await engine.list_memories("me", categories=["fact"])
    assert memory.agent_id == agent.id  # written as the snippet's key, not as an owner
