"""What the 2026-07-28 revision asks of every request, on top of the SDK: caching hints and input checks.

The SDK serves ``server/discover``, the per-request ``_meta`` and the ``input_required`` rounds.
Two policies are Accord's own:

* **Caching** (``ttlMs`` / ``cacheScope``): the lists of tools, prompts and resource templates
  are the same for every caller and change only with a new server version, so they are
  ``public`` and fresh for an hour. Everything read from memory (``resources/read``,
  ``resources/list``) is per user and per grant: ``private`` and stale at once, so no cache
  shares one user's profile with another caller or serves it after a change.
* **Round-trip inputs**: ``inputResponses`` must be an object of objects. The SDK treats a
  ``null`` or a number there as "no answers"; a client sending that has a bug, and it gets a
  ``-32602`` naming the field instead of a silently repeated question.
* **Prompt names and arguments**: the SDK answers ``prompts/get`` for an unknown prompt or a
  missing argument with a bare ``-32603`` "Internal server error"; the spec asks for
  ``-32602``, and the user should read which prompt or argument is wrong.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from mcp.server.caching import CacheableMethod, CacheHint
from mcp.server.context import CallNext, HandlerResult, ServerRequestContext
from mcp.server.mcpserver import MCPServer
from mcp.shared.exceptions import MCPError
from mcp_types import INVALID_PARAMS

__all__ = ["CACHE_HINTS", "LIST_TTL_MS", "PromptCheck", "check_input_responses"]

LIST_TTL_MS = 3_600_000  # an hour: the lists change only when the server is upgraded

CACHE_HINTS: Mapping[CacheableMethod, CacheHint] = {
    "server/discover": CacheHint(ttl_ms=LIST_TTL_MS, scope="public"),
    "tools/list": CacheHint(ttl_ms=LIST_TTL_MS, scope="public"),
    "prompts/list": CacheHint(ttl_ms=LIST_TTL_MS, scope="public"),
    "resources/templates/list": CacheHint(ttl_ms=LIST_TTL_MS, scope="public"),
    "resources/list": CacheHint(ttl_ms=0, scope="private"),
    "resources/read": CacheHint(ttl_ms=0, scope="private"),
}

# The methods that carry multi-round-trip answers (SEP-2322).
_ROUND_TRIP_METHODS = frozenset({"tools/call", "prompts/get", "resources/read"})


async def check_input_responses(ctx: ServerRequestContext[Any, Any], call_next: CallNext) -> HandlerResult:
    """Refuse a malformed ``inputResponses`` with ``-32602`` before any handler runs.

    Raises:
        MCPError: ``inputResponses`` is present but not an object whose values are objects.
    """
    params = ctx.params
    if ctx.method in _ROUND_TRIP_METHODS and params is not None and "inputResponses" in params:
        answers = params["inputResponses"]
        if not isinstance(answers, Mapping):
            raise MCPError(code=INVALID_PARAMS, message="inputResponses: must be an object (one answer per input request)")
        for key, answer in answers.items():
            if not isinstance(answer, Mapping):
                raise MCPError(code=INVALID_PARAMS, message=f"inputResponses.{key}: must be an object (the client's result)")
    return await call_next(ctx)


class PromptCheck:
    """Refuse ``prompts/get`` for an unknown prompt or without a required argument, with ``-32602``."""

    def __init__(self, server: MCPServer[Any]) -> None:
        self._server = server

    async def __call__(self, ctx: ServerRequestContext[Any, Any], call_next: CallNext) -> HandlerResult:
        if ctx.method == "prompts/get" and ctx.params is not None and isinstance(ctx.params.get("name"), str):
            name = ctx.params["name"]
            prompts = {p.name: p for p in await self._server.list_prompts()}
            if name not in prompts:
                raise MCPError(code=INVALID_PARAMS, message=f"name: no prompt {name!r} (the prompts: {', '.join(sorted(prompts))})")
            given = ctx.params.get("arguments") or {}
            missing = [a.name for a in prompts[name].arguments or [] if a.required and not given.get(a.name)]
            if missing:
                raise MCPError(code=INVALID_PARAMS, message=f"arguments.{missing[0]}: required by the prompt {name!r}")
        return await call_next(ctx)
