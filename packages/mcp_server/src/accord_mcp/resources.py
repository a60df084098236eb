"""MCP resources: the user's profile (current memories by category) as a resource template."""

from __future__ import annotations

import json
from typing import Any

from mcp.server.mcpserver import MCPServer

from accord.domain.models import DURABLE_CATEGORIES

from accord_mcp.auth import Caller
from accord_mcp.errors import resource_errors
from accord_mcp.models import profile_json

__all__ = ["PROFILE_TEMPLATE", "register_resources"]

PROFILE_TEMPLATE = "accord://users/{user_id}/profile"
# The profile is what the user *is*: durable memories, not the raw turns (episodic).
PROFILE_CATEGORIES = list(DURABLE_CATEGORIES)
PROFILE_MAX_MEMORIES = 1000


def register_resources(server: MCPServer[Any], caller: Caller) -> None:
    """Add the profile resource template to ``server``; reads run within the caller's grant."""

    @server.resource(
        PROFILE_TEMPLATE,
        name="user_profile",
        title="User profile",
        description=(
            "What Accord currently knows about a user: active memories grouped by category "
            "(preference, fact, goal, procedure, relationship, expertise), most important first. "
            "Only the categories the caller's grant may read."
        ),
        mime_type="application/json",
    )
    async def user_profile(user_id: str) -> str:
        with resource_errors():
            engine = await caller.engine()
            memories = await engine.list_memories(user_id, categories=PROFILE_CATEGORIES, limit=PROFILE_MAX_MEMORIES)
        return json.dumps(profile_json(user_id, memories), ensure_ascii=False)
