"""MCP resources: a user's profile and single memories, as resource templates read within the caller's grant.

Errors follow SEP-2164: a URI naming nothing the caller may see (a malformed id, a memory that
does not exist, or one of a category the grant hides) is ``-32602`` with the URI in
``error.data``, never an empty ``contents``; an engine failure is ``-32603``. A memory the
grant hides reads exactly like one that does not exist, so a read reveals nothing.
"""

from __future__ import annotations

import json
from typing import Any

from mcp.server.mcpserver import MCPServer

from accord.domain.models import DURABLE_CATEGORIES

from accord_mcp.auth import Caller
from accord_mcp.errors import resource_errors
from accord_mcp.models import MemoryOut, graph_json, profile_json

__all__ = ["ENTITIES_TEMPLATE", "MEMORY_TEMPLATE", "PROFILE_TEMPLATE", "register_resources"]

PROFILE_TEMPLATE = "accord://users/{user_id}/profile"
MEMORY_TEMPLATE = "accord://memories/{memory_id}"
ENTITIES_TEMPLATE = "accord://users/{user_id}/entities"
# The graph resource: the most mentioned entities, each with its current relations.
GRAPH_MAX_ENTITIES = 50
# The profile is what the user *is*: durable memories, not the raw turns (episodic).
PROFILE_CATEGORIES = list(DURABLE_CATEGORIES)
PROFILE_MAX_MEMORIES = 1000


def register_resources(server: MCPServer[Any], caller: Caller) -> None:
    """Add the profile and memory resource templates to ``server``; reads run within the caller's grant."""

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

    @server.resource(
        MEMORY_TEMPLATE,
        name="memory",
        title="One memory",
        description=(
            "A single memory by id (as the tools return it): its content, category, status, "
            "importance, which agent wrote it and when. Use memory_history for its versions."
        ),
        mime_type="application/json",
    )
    async def memory(memory_id: str) -> str:
        with resource_errors():
            engine = await caller.engine()
            found = await engine.get_memory(memory_id)
        return MemoryOut.of(found).model_dump_json()

    @server.resource(
        ENTITIES_TEMPLATE,
        name="user_entity_graph",
        title="User entity graph",
        description=(
            "The people, places and things in a user's life and how they relate: entities (most "
            "mentioned first) with kind, name and roles ('wife', 'manager'), and the relations "
            "that hold now (works_at, lives_in, occupation, ...), each with the time it holds from. "
            "Empty when the caller's grant may not read the user's relationship memories."
        ),
        mime_type="application/json",
    )
    async def user_entity_graph(user_id: str) -> str:
        with resource_errors():
            engine = await caller.engine()
            entities = await engine.entities(user_id, limit=GRAPH_MAX_ENTITIES)
            details = [await engine.entity(e.id) for e in entities]
        return json.dumps(graph_json(user_id, entities, details), ensure_ascii=False)
