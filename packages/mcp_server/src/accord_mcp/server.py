"""``build_server``: the MCP server over an engine (embedded or remote), wired from settings."""

from __future__ import annotations

from typing import Any

from mcp.server.auth.settings import AuthSettings
from mcp.server.mcpserver import MCPServer
from mcp.server.request_state import RequestStateSecurity
from pydantic import AnyHttpUrl

from accord_mcp.auth import SCOPE, AgentKeyVerifier, AgentViews, Caller
from accord_mcp.completion import register_completion
from accord_mcp.engine import MemoryEngine
from accord_mcp.prompts import register_prompts
from accord_mcp.protocol import CACHE_HINTS, PromptCheck, check_input_responses
from accord_mcp.resources import register_resources
from accord_mcp.settings import McpSettings
from accord_mcp.tools import MemoryTools

__all__ = ["INSTRUCTIONS", "build_server"]

VERSION = "0.1.0"

INSTRUCTIONS = """\
Accord is this user's long-term memory, shared by every agent the user has allowed.
Before answering, call get_context with the user's request and use its system_prompt_addition.
After a conversation turn that says something lasting about the user (a preference, a fact about
them, a goal, how they like things done), call add_memory. If get_context returns a
clarification_question, ask the user and pass the answer to resolve (clients that show forms
get the question as a form instead). Delete a memory only when
the user asks to forget it. Each agent sees and changes only what its grant allows."""


def build_server(engine: MemoryEngine, settings: McpSettings) -> MCPServer[Any]:
    """The Accord MCP server over ``engine``.

    Over streamable HTTP with ``require_auth`` (the default), every request must carry an
    Accord key as a bearer token; the SDK verifies it per request through
    :class:`AgentKeyVerifier` and each tool call runs as that key's agent, and the OAuth
    Protected Resource Metadata (RFC 9728) is served at
    ``/.well-known/oauth-protected-resource<path>``. Otherwise calls act as
    ``settings.api_key``, or as the engine's own principal (the local owner) without one.

    Args:
        engine: an open :class:`accord.AsyncAccord` or a started remote client
            (``accord.remote.sync.connect_async``). The caller owns its lifecycle.
        settings: the server's settings; nothing is read from the environment here.

    Returns:
        The server. Run it with ``run_stdio_async()``, or serve
        :func:`accord_mcp.http.streamable_http_app` over HTTP.
    """
    settings.check()
    views = AgentViews(engine, ttl_seconds=settings.auth_cache_seconds)
    auth: dict[str, Any] = {}
    if settings.http_auth:
        auth = {
            "token_verifier": AgentKeyVerifier(views),
            "auth": AuthSettings(
                issuer_url=AnyHttpUrl(settings.issuer()),
                resource_server_url=AnyHttpUrl(settings.endpoint()),
                required_scopes=[SCOPE],
                # An Accord key is bound to its tenant and agent by the engine that issued it,
                # not to an audience (RFC 8707): the verifier's lookup is the audience check.
                validate_token_resource=False,
            ),
        }
    if settings.request_state_key is not None:
        auth["request_state_security"] = RequestStateSecurity(keys=[settings.request_state_key.get_secret_value()])
    server: MCPServer[Any] = MCPServer(
        "accord",
        title="Accord memory",
        description="A durable, versioned, conflict-free memory layer for AI agents",
        instructions=INSTRUCTIONS,
        version=VERSION,
        cache_hints=CACHE_HINTS,
        # The tool, prompt and template lists never change while the server runs, and memory
        # changes are not pushed: serving subscriptions/listen would advertise listChanged
        # notifications that never come.
        subscriptions=False,
        middleware=[check_input_responses],
        **auth,
    )
    caller = Caller(
        engine,
        views,
        default_key=None if settings.http_auth else settings.key(),
        default_user=settings.user_id,
    )
    MemoryTools(caller, wait_timeout_seconds=settings.wait_timeout_seconds).register(server)
    register_resources(server, caller)
    register_prompts(server, caller)
    register_completion(server, caller)
    server.middleware.append(PromptCheck(server))
    return server
