"""Streamable HTTP on 127.0.0.1: per-request bearer keys, two agents on one server, Host/Origin checks."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import TYPE_CHECKING, Any

import httpx2
import pytest
from accord import AsyncAccord
from mcp import Client, MCPError
from mcp.client.streamable_http import streamable_http_client

if TYPE_CHECKING:
    from .conftest import Agents

INITIALIZE = {
    "jsonrpc": "2.0",
    "id": 1,
    "method": "initialize",
    "params": {"protocolVersion": "2025-11-25", "capabilities": {}, "clientInfo": {"name": "raw", "version": "1"}},
}
ACCEPT = {"Accept": "application/json, text/event-stream", "Content-Type": "application/json"}


@asynccontextmanager
async def as_agent(url: str, key: str | None) -> AsyncIterator[Client]:
    """An SDK client over streamable HTTP sending ``key`` as a bearer token."""
    headers = {"Authorization": f"Bearer {key}"} if key is not None else {}
    async with (
        httpx2.AsyncClient(headers=headers, timeout=30) as http,
        Client(streamable_http_client(url, http_client=http)) as client,
    ):
        yield client


async def post(url: str, key: str | None = None, body: dict[str, Any] = INITIALIZE, **headers: str) -> httpx2.Response:
    sent = {**ACCEPT, **({"Authorization": f"Bearer {key}"} if key else {}), **headers}
    async with httpx2.AsyncClient(timeout=10) as http:
        return await http.post(url, json=body, headers=sent)


async def test_two_agents_on_one_server_each_get_their_own_scope(http_server, calls, agents: Agents) -> None:
    async with (
        http_server() as url,
        as_agent(url, agents.writer_key) as writer,
        as_agent(url, agents.facts_key) as facts,
        as_agent(url, agents.reader_key) as reader,
    ):
        added = await calls.ok(writer, "add_memory", {"text": "I'm vegetarian. I prefer short recipes.", "user_id": "alice", "wait": True})
        assert {m["agent_id"] for m in added["memories_created"]} == {agents.writer_id}
        denied = await calls.error(reader, "add_memory", {"text": "I live in Oslo", "user_id": "alice"})
        assert denied.startswith("permission denied: agent ")
        seen_by_reader = await calls.ok(reader, "list_memories", {"user_id": "alice"})
        seen_by_facts = await calls.ok(facts, "list_memories", {"user_id": "alice"})
        # interleaved on the same server: each session keeps its own agent
        again = await calls.error(reader, "delete_memory", {"memory_id": added["memories_created"][0]["id"]})
        assert again.startswith("permission denied:")
    assert {m["category"] for m in seen_by_reader["memories"]} == {"fact", "preference", "episodic"}
    assert {m["category"] for m in seen_by_facts["memories"]} == {"fact", "episodic"}


async def test_add_then_get_context_over_http(http_server, calls, agents: Agents) -> None:
    async with http_server(user_id="alice") as url, as_agent(url, agents.writer_key) as client:
        tools = {t.name for t in (await client.list_tools()).tools}
        await calls.ok(client, "add_memory", {"text": "I work at Acme", "wait": True})
        ctx = await calls.ok(client, "get_context", {"query": "where do I work?"})
    assert "add_memory" in tools and "User works at Acme" in ctx["system_prompt_addition"]


async def test_a_missing_or_bad_key_is_refused_with_401(http_server, agents: Agents, engine: AsyncAccord) -> None:
    async with http_server() as url:
        missing = await post(url)
        bad = await post(url, agents.writer_key[:-2] + "zz")
        garbage = await post(url, "not-a-key")
        good = await post(url, agents.writer_key)
        with pytest.raises(BaseExceptionGroup) as raised:
            async with as_agent(url, "acc_wrong") as client:
                await client.list_tools()
        assert raised.value.subgroup(MCPError) is not None  # the SDK client reports the 401
    for response in (missing, bad, garbage):
        assert response.status_code == 401
        assert response.headers["www-authenticate"].startswith("Bearer")
        assert agents.writer_key not in response.text
    assert good.status_code == 200 and good.headers.get("mcp-session-id")


async def test_a_revoked_key_is_refused_on_its_next_request(http_server, calls, agents: Agents, engine) -> None:
    async with http_server(auth_cache_seconds=0) as url:
        async with as_agent(url, agents.writer_key) as client:
            await calls.ok(client, "list_memories", {"user_id": "alice"})
        (key,) = await engine.list_keys(agents.writer_id)
        await engine.revoke_key(key.key_id)
        assert (await post(url, agents.writer_key)).status_code == 401


async def test_a_session_cannot_be_used_with_another_agents_key(http_server, agents: Agents) -> None:
    async with http_server() as url:
        opened = await post(url, agents.writer_key)
        session = opened.headers["mcp-session-id"]
        call = {"jsonrpc": "2.0", "id": 2, "method": "tools/list", "params": {}}
        hijack = await post(url, agents.reader_key, call, **{"mcp-session-id": session, "mcp-protocol-version": "2025-11-25"})
    assert hijack.status_code in (403, 404)


async def test_dns_rebinding_protection_checks_host_and_origin(http_server, agents: Agents) -> None:
    async with http_server() as url:
        port = url.split(":")[2].split("/")[0]
        evil_host = await post(url, agents.writer_key, Host="evil.example")
        evil_host_port = await post(url, agents.writer_key, Host=f"evil.example:{port}")
        evil_origin = await post(url, agents.writer_key, Origin="http://evil.example")
        own_origin = await post(url, agents.writer_key, Origin=f"http://localhost:{port}")
        localhost = await post(url, agents.writer_key, Host=f"localhost:{port}")
    assert evil_host.status_code == evil_host_port.status_code == 421
    assert evil_origin.status_code == 403
    assert own_origin.status_code == localhost.status_code == 200


async def test_extra_allowed_hosts_and_origins(http_server, agents: Agents) -> None:
    async with http_server(allowed_hosts=["memory.internal"], allowed_origins=["https://app.example"]) as url:
        port = url.split(":")[2].split("/")[0]
        host = await post(url, agents.writer_key, Host=f"memory.internal:{port}")
        origin = await post(url, agents.writer_key, Origin="https://app.example")
        other = await post(url, agents.writer_key, Origin="https://app.example.evil")
    assert host.status_code == origin.status_code == 200 and other.status_code == 403


async def test_without_auth_on_loopback_calls_act_as_the_configured_key(http_server, calls, agents: Agents) -> None:
    async with http_server(require_auth=False, api_key=agents.reader_key, user_id="alice") as url:
        async with as_agent(url, None) as client:
            denied = await calls.error(client, "add_memory", {"text": "I like tea"})
            listed = await calls.ok(client, "list_memories", {})
        port = url.split(":")[2].split("/")[0]
        assert (await post(url, Host=f"evil.example:{port}")).status_code == 421
    assert denied.startswith("permission denied:") and listed["memories"] == []


async def test_stateless_json_mode_for_replicas(http_server, calls, agents: Agents) -> None:
    async with http_server(stateless_http=True, json_response=True, user_id="alice") as url:
        async with as_agent(url, agents.writer_key) as writer:
            await calls.ok(writer, "add_memory", {"text": "I work at Acme", "wait": True})
        async with as_agent(url, agents.reader_key) as reader:
            ctx = await calls.ok(reader, "get_context", {"query": "work"})
            denied = await calls.error(reader, "add_memory", {"text": "I like tea"})
        raw = await post(url, agents.reader_key)
    assert "User works at Acme" in ctx["system_prompt_addition"] and denied.startswith("permission denied:")
    assert raw.status_code == 200 and raw.headers["content-type"].startswith("application/json")
    assert "mcp-session-id" not in raw.headers


MODERN_META = {"io.modelcontextprotocol/protocolVersion": "2026-07-28", "io.modelcontextprotocol/clientCapabilities": {}}


def modern(method: str, params: dict[str, Any] | None = None) -> dict[str, Any]:
    """A stateless 2026-07-28 request: version and capabilities travel in ``_meta``."""
    return {"jsonrpc": "2.0", "id": 7, "method": method, "params": {**(params or {}), "_meta": MODERN_META}}


async def modern_post(url: str, key: str | None, method: str, params: dict[str, Any] | None = None) -> httpx2.Response:
    headers = {"MCP-Protocol-Version": "2026-07-28", "Mcp-Method": method}
    if params and ("name" in params or "uri" in params):
        headers["Mcp-Name"] = params.get("name") or params["uri"]
    return await post(url, key, modern(method, params), **headers)


def rpc(response: httpx2.Response) -> dict[str, Any]:
    """The JSON-RPC message of a JSON or single-event SSE response."""
    if response.headers.get("content-type", "").startswith("text/event-stream"):
        data = [line[5:].strip() for line in response.text.splitlines() if line.startswith("data:")]
        return json.loads(data[-1])
    return response.json()


async def test_protected_resource_metadata_is_published_and_named_on_401(http_server, agents: Agents) -> None:
    """RFC 9728: the metadata names this endpoint and the authorization server; a 401 points at it."""
    async with http_server() as url:
        origin = url.removesuffix("/mcp")
        async with httpx2.AsyncClient(timeout=10) as http:
            metadata = await http.get(f"{origin}/.well-known/oauth-protected-resource/mcp")
        refused = await post(url)
    assert metadata.status_code == 200
    body = metadata.json()
    assert body["resource"] == url and [s.rstrip("/") for s in body["authorization_servers"]] == [origin]
    assert body["scopes_supported"] == ["accord:memory"] and body["bearer_methods_supported"] == ["header"]
    assert f'resource_metadata="{origin}/.well-known/oauth-protected-resource/mcp"' in refused.headers["www-authenticate"]


async def test_the_2026_revision_is_served_statelessly_with_caching_hints(http_server, agents: Agents) -> None:
    async with http_server() as url:
        discover = rpc(await modern_post(url, agents.writer_key, "server/discover"))["result"]
        tools = rpc(await modern_post(url, agents.writer_key, "tools/list"))["result"]
        prompts = rpc(await modern_post(url, agents.writer_key, "prompts/list"))["result"]
        read = rpc(await modern_post(url, agents.writer_key, "resources/read", {"uri": "accord://users/alice/profile"}))
        call = await modern_post(url, agents.writer_key, "tools/call", {"name": "get_context", "arguments": {"query": "x", "user_id": "alice"}})
    assert "2026-07-28" in discover["supportedVersions"] and discover["capabilities"]["completions"] == {}
    assert not call.headers.get("mcp-session-id")  # no session at this revision
    # Lists are the same for every caller: shareable; memory is per user and grant: never shared, never fresh.
    assert (tools["cacheScope"], tools["ttlMs"]) == ("public", 3_600_000)
    assert (prompts["cacheScope"], [p["name"] for p in prompts["prompts"]]) == (
        "public", ["what_do_you_remember", "remember_this", "forget_this"])
    assert "result" in read, read
    assert (read["result"]["cacheScope"], read["result"]["ttlMs"]) == ("private", 0)
    result = rpc(call)["result"]
    assert result["resultType"] == "complete" and result["structuredContent"]["query"] == "x"


@pytest.mark.parametrize("answers", [None, 12345, {"accord_clarification": "yes"}])
async def test_malformed_input_responses_are_a_protocol_error(http_server, agents: Agents, answers: Any) -> None:
    async with http_server() as url:
        params = {"name": "get_context", "arguments": {"query": "x", "user_id": "alice"}, "inputResponses": answers}
        error = rpc(await modern_post(url, agents.writer_key, "tools/call", params))["error"]
    assert error["code"] == -32602 and error["message"].startswith("inputResponses")


async def test_a_configured_authorization_server_is_the_one_advertised(http_server, agents: Agents) -> None:
    async with http_server(authorization_server="https://auth.example.com/") as url, httpx2.AsyncClient(timeout=10) as http:
        metadata = (await http.get(url.replace("/mcp", "/.well-known/oauth-protected-resource/mcp"))).json()
    assert [s.rstrip("/") for s in metadata["authorization_servers"]] == ["https://auth.example.com"]
