"""The entity graph on the read path: entities a query names (or implies: "my wife", "my
family") expand retrieval one or two hops, and the people the query is about make a short
"who is who" block for the context.

Memories found this way join the candidates with a relevance of ``graph_weight`` x 0.5 per
hop (never lowering a memory the search already scored higher), and are then ranked by the
same ranking as every other candidate.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from accord.domain.entities import names_in_query, possessives_in_query
from accord.domain.graph import SPEAKER_ALIAS, USER_ALIAS, Entity
from accord.domain.graph_context import people_block
from accord.domain.graph_resolve import role_alias
from accord.domain.models import Category
from accord.domain.tokens import count_tokens
from accord.engine.components import Components

__all__ = ["GraphLead", "follow_graph", "render_people"]

# Memories per reached entity (newest first), and in all, that join the candidates.
PER_ENTITY = 8
MAX_MEMORIES = 40
MAX_SEEDS = 8


@dataclass(frozen=True, slots=True)
class GraphLead:
    """What the graph adds to one query: memory id -> relevance, and the people it names."""

    relevance: dict[str, float] = field(default_factory=dict)
    people: list[Entity] = field(default_factory=list)


async def follow_graph(
    parts: Components, tenant_id: str, user_id: str, query: str, as_of: dt.datetime | None
) -> GraphLead:
    s, graph = parts.settings, parts.graph
    if graph is None:
        return GraphLead()
    names, roles = names_in_query(query)
    aliases = sorted((names - {USER_ALIAS}) | {role_alias(r) for r in roles})
    # Participants (the user, a group chat's speakers) are not what a question is about: the
    # speaker boost already weighs who said what.
    seeds = [e for e in await graph.find(tenant_id, user_id, aliases) if SPEAKER_ALIAS not in e.aliases] if aliases else []
    seeds += await _held_by(parts, tenant_id, user_id, query, as_of)
    if not seeds:
        return GraphLead()
    # A role many people hold ("my colleagues" of 200) is broad: its most mentioned holders only.
    seeds = sorted(seeds, key=lambda e: -e.mentions)[:MAX_SEEDS]
    found = await graph.neighbourhood_memories(
        tenant_id, user_id, [e.id for e in seeds], depth=s.graph_depth,
        as_of=as_of, per_entity=PER_ENTITY, limit=MAX_MEMORIES,
    )  # fmt: skip
    relevance = {memory_id: s.graph_weight * 0.5**hops for memory_id, _, hops in found}
    return GraphLead(relevance=relevance, people=[e for e in seeds if e.kind in ("person", "pet")])


async def _held_by(
    parts: Components, tenant_id: str, user_id: str, query: str, as_of: dt.datetime | None
) -> list[Entity]:
    """The people "<Name>'s <role>" stands for: whom the named entity holds that role for."""
    graph, found = parts.graph, []
    assert graph is not None
    for owner, roles in possessives_in_query(query):
        owners = await graph.find(tenant_id, user_id, [owner])
        relations, entities = await graph.relations_of(tenant_id, user_id, [e.id for e in owners], as_of=as_of)
        found += [entities[r.object_id] for r in relations if r.predicate in roles and r.object_id in entities]
    return found


async def render_people(
    parts: Components, tenant_id: str, user_id: str, lead: GraphLead, max_tokens: int, as_of: dt.datetime | None,
    readable: list[str] | None,
) -> str:  # fmt: skip
    """The people block for this query within ``max_tokens`` ("" when off, nothing to say, or
    the caller may not read relationship memories)."""
    s, graph = parts.settings, parts.graph
    if graph is None or s.graph_people_block == "never" or max_tokens <= 0:
        return ""
    if readable is not None and Category.RELATIONSHIP.value not in readable:
        return ""
    people = list(lead.people)
    if s.graph_people_block == "always" and not people:
        people = [e for e in await graph.entities(tenant_id, user_id, kinds=["person", "pet"], limit=8)]
    if not people:
        return ""
    # Each person's own relations only: the user's node holds a relation to everyone.
    relations, entities = await graph.relations_of(tenant_id, user_id, [e.id for e in people], as_of=as_of)
    block = people_block([(e, e.roles[0] if e.roles else "") for e in people], relations, entities, max_tokens)
    return block if count_tokens(block) <= max_tokens else ""
