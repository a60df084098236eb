"""Argument completion (``completion/complete``) for user ids, categories and memory ids.

Every suggestion is something the caller's key may see: user ids from the tenant's users when
the key may list them (an admin or the local owner), else only the configured default user and
a user token's own user; categories and memory ids from the memories the grant lets the key
read. An argument Accord does not know, or a prompt or template of someone else's, completes to
nothing rather than an error, as the protocol asks.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from accord import PermissionDeniedError
from accord.domain.models import Category
from mcp.server.mcpserver import MCPServer
from mcp.server.mcpserver.exceptions import ToolError
from mcp.types import (
    Completion,
    CompletionArgument,
    CompletionContext,
    PromptReference,
    ResourceTemplateReference,
)

from accord_mcp.auth import Caller
from accord_mcp.engine import MemoryEngine
from accord_mcp.errors import prompt_errors
from accord_mcp.prompts import PROMPTS
from accord_mcp.resources import MEMORY_TEMPLATE, PROFILE_TEMPLATE

__all__ = ["MAX_VALUES", "register_completion"]

MAX_VALUES = 100  # the protocol's cap on values per response
_SCAN = 1000  # memories scanned for ids and categories: a user's recent working set


def _matching(candidates: Iterable[str], prefix: str) -> Completion:
    """The candidates starting with ``prefix`` (case-insensitive), sorted, at most 100."""
    wanted = prefix.casefold()
    hits = sorted({c for c in candidates if c.casefold().startswith(wanted)})
    return Completion(values=hits[:MAX_VALUES], total=len(hits), has_more=len(hits) > MAX_VALUES)


def _argument_names(ref: PromptReference | ResourceTemplateReference) -> frozenset[str]:
    """The arguments of one of Accord's prompts or templates; empty for anything else."""
    if isinstance(ref, PromptReference):
        return frozenset({"user_id", "category"}) if ref.name in PROMPTS else frozenset()
    return {PROFILE_TEMPLATE: frozenset({"user_id"}), MEMORY_TEMPLATE: frozenset({"memory_id"})}.get(ref.uri, frozenset())


class _Completer:
    def __init__(self, caller: Caller) -> None:
        self._caller = caller

    async def complete(
        self,
        ref: PromptReference | ResourceTemplateReference,
        argument: CompletionArgument,
        context: CompletionContext | None,
    ) -> Completion | None:
        if argument.name not in _argument_names(ref):
            return None
        given = dict(context.arguments or {}) if context is not None else {}
        with prompt_errors():
            engine = await self._caller.engine()
            if argument.name == "user_id":
                return _matching(await self._users(engine), argument.value)
            user = self._user(given.get("user_id"), engine)
            if user is None:
                return _matching([c.value for c in Category] if argument.name == "category" else [], argument.value)
            memories = await engine.list_memories(user, limit=_SCAN)
        if argument.name == "category":
            return _matching((m.category.value for m in memories), argument.value)
        return _matching((m.id for m in memories), argument.value)

    def _user(self, given: str | None, engine: MemoryEngine) -> str | None:
        try:
            return self._caller.user_id(given or None, engine)
        except ToolError:  # no user named and no default: nothing user-specific to offer
            return None

    async def _users(self, engine: MemoryEngine) -> list[str]:
        users: list[str] = []
        try:
            users = await engine.list_users(limit=_SCAN)
        except PermissionDeniedError:  # an agent key may not list the tenant's users
            pass
        default = self._user(None, engine)
        return [*users, default] if default is not None else users


def register_completion(server: MCPServer[Any], caller: Caller) -> None:
    """Serve ``completion/complete`` on ``server`` (the SDK then declares the capability)."""
    server.completion()(_Completer(caller).complete)
