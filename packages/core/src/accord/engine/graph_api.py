"""The engine's entity graph methods: ``entities``, ``entity`` and ``related``.

A mixin of :class:`accord.AsyncAccord`. The graph is relationship data: a caller sees a
user's graph when it may read that user's ``relationship`` memories, and an entity's
memories only as far as it may read each of them. An entity of another tenant, or of a user
the caller may not read, does not exist for the caller.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from accord.domain.graph import ENTITY_KINDS, Entity, EntityDetail, RelatedEntity
from accord.domain.models import Category
from accord.domain.validation import check_datetime, check_identifier, check_int, check_memory_id
from accord.errors import InvalidInputError, NotFoundError

if TYPE_CHECKING:
    from accord.domain.principal import Principal
    from accord.engine.authz import Authorizer
    from accord.engine.components import Components
    from accord.ports import Graph

MAX_DEPTH = 3


class GraphAPI:
    parts: Components
    _principal: Principal
    _authz: Authorizer

    def _graph(self) -> Graph:
        graph = self.parts.graph
        if graph is None:
            raise InvalidInputError("graph_enabled", "the entity graph is off (ACCORD_GRAPH_ENABLED=false)")
        return graph

    async def _may_read_graph(self, user_id: str) -> bool:
        access = await self._authz.access(self._principal, user_id)
        return access.can_read(Category.RELATIONSHIP.value)

    async def _owner(self, entity_id: str) -> str:
        entity_id = check_memory_id(entity_id, "entity_id")
        owner = await self._graph().owner(self._principal.tenant_id, entity_id)
        if owner is None or not await self._may_read_graph(owner):
            raise NotFoundError(f"no entity {entity_id}")
        return owner

    async def entities(
        self, user_id: str, *, kind: str | None = None, limit: int = 100, offset: int = 0
    ) -> list[Entity]:
        """The people, places and things in the user's graph, most mentioned first.

        ``kind`` keeps one kind (``person``, ``organization``, ``place``, ``pet``, ``product``,
        ``topic``). A caller that may not read the user's relationship memories gets none.
        """
        user_id = check_identifier("user_id", user_id)  # type: ignore[assignment]
        if kind is not None and (kind not in ENTITY_KINDS or kind == "user"):
            raise InvalidInputError("kind", f"must be one of {', '.join(k for k in ENTITY_KINDS if k != 'user')}")
        limit = check_int("limit", limit, 1, 1000)
        offset = check_int("offset", offset, 0, 10**9)
        graph = self._graph()
        if not await self._may_read_graph(user_id):
            return []
        kinds = [kind] if kind else None
        return await graph.entities(self._principal.tenant_id, user_id, kinds=kinds, limit=limit, offset=offset)

    async def entity(self, entity_id: str, *, as_of: dt.datetime | None = None) -> EntityDetail:
        """One entity with its relations (current and superseded; with ``as_of``, those held
        then), its neighbours and the memories that mention it, newest first."""
        when = check_datetime("as_of", as_of)
        owner = await self._owner(entity_id)
        tenant = self._principal.tenant_id
        found = await self._graph().entity(tenant, owner, entity_id, as_of=when)
        if found is None:
            raise NotFoundError(f"no entity {entity_id}")
        detail, memory_ids = found
        loaded = {m.id: m for m in await self.parts.store.get_memories(tenant, memory_ids)}
        readable = [loaded[i] for i in memory_ids if i in loaded and await self._authz.can_read(self._principal, loaded[i])]
        return detail.model_copy(update={"memories": readable})

    async def related(self, entity_id: str, *, depth: int = 1, as_of: dt.datetime | None = None) -> list[RelatedEntity]:
        """Entities up to ``depth`` (1 to 3) hops from this one through relations held now (or
        ``as_of``), nearest first; walks do not pass through the user's own node."""
        depth = check_int("depth", depth, 1, MAX_DEPTH)
        when = check_datetime("as_of", as_of)
        owner = await self._owner(entity_id)
        return await self._graph().related(self._principal.tenant_id, owner, entity_id, depth, as_of=when)
